#include "adapters/fhir/message_bundle_reader.h"

#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::fhir {
namespace {

constexpr absl::string_view kMalformedTypeUrl =
    "type.nhs.uk/tobacco.fhir.MalformedJson";

// One step of the path from the root to a value: a member key or an
// array index. Kept as views while walking; a path string is built only
// for the error.
struct Step {
  std::string_view key;
  int64_t index = -1;
};

std::string FhirPath(std::string_view root, const std::vector<Step>& steps) {
  std::string path(root);
  for (const Step& s : steps) {
    if (s.index >= 0) {
      absl::StrAppend(&path, "[", s.index, "]");
    } else {
      absl::StrAppend(&path, ".", Absl(s.key));
    }
  }
  return path;
}

// The keys of one object seen so far: compared pair by pair while there
// are few (no allocation), in a hash set past kSmallObject. A message
// Bundle has objects of more than 16 members, and a hash set for those
// doubled the cost of the whole check; 64 covers FHIR resources.
constexpr size_t kSmallObject = 64;

class KeySet {
 public:
  // False when `key` was inserted before.
  bool Insert(std::string_view key) {
    if (large_ != nullptr) return large_->insert(key).second;
    for (size_t k = 0; k < count_; ++k) {
      if (size_[k] == key.size() &&
          std::memcmp(data_[k], key.data(), key.size()) == 0) {
        return false;
      }
    }
    if (count_ < kSmallObject) {
      data_[count_] = key.data();
      size_[count_++] = key.size();
      return true;
    }
    large_ = std::make_unique<absl::flat_hash_set<std::string_view>>();
    for (size_t k = 0; k < count_; ++k) {
      large_->insert(std::string_view(data_[k], size_[k]));
    }
    return large_->insert(key).second;
  }

 private:
  // Left uninitialized: only [0, count_) is ever read.
  const char* data_[kSmallObject];
  size_t size_[kSmallObject];
  size_t count_ = 0;
  std::unique_ptr<absl::flat_hash_set<std::string_view>> large_;
};

bool IsContainer(JsonElement e) {
  const simdjson::dom::element_type t = e.type();
  return t == simdjson::dom::element_type::OBJECT ||
         t == simdjson::dom::element_type::ARRAY;
}

// Whether any object under `e` names a key twice. One pass over the DOM,
// no allocation for objects of up to kSmallObject members and no path
// kept: the path is found by a second walk only when there is one.
// simdjson keeps every duplicate and at_key() answers the first, while
// JavaScript and Python keep the last: refusing them stops an
// intermediary validating one message while the gateway acts on another.
bool HasDuplicateKey(JsonElement e) {
  simdjson::dom::object obj;
  if (e.get(obj) == simdjson::SUCCESS) {
    KeySet keys;
    for (simdjson::dom::key_value_pair member : obj) {
      if (!keys.Insert(member.key)) return true;
      if (IsContainer(member.value) && HasDuplicateKey(member.value)) {
        return true;
      }
    }
    return false;
  }
  for (JsonElement item : simdjson::dom::array(e)) {
    if (IsContainer(item) && HasDuplicateKey(item)) return true;
  }
  return false;
}

// The path (FHIRPath from the Bundle) of the first key named twice, in
// document order, under `e`; the slow walk, run only after
// HasDuplicateKey() found one.
bool FindDuplicateKey(JsonElement e, std::string_view root,
                      std::vector<Step>& steps, std::string* where) {
  simdjson::dom::object obj;
  simdjson::dom::array arr;
  if (e.get(obj) == simdjson::SUCCESS) {
    KeySet keys;
    for (simdjson::dom::key_value_pair member : obj) {
      steps.push_back(Step{member.key});
      if (!keys.Insert(member.key)) {
        *where = FhirPath(root, steps);
        return true;
      }
      if (FindDuplicateKey(member.value, root, steps, where)) return true;
      steps.pop_back();
    }
  } else if (e.get(arr) == simdjson::SUCCESS) {
    int64_t i = 0;
    for (JsonElement item : arr) {
      steps.push_back(Step{{}, i++});
      if (FindDuplicateKey(item, root, steps, where)) return true;
      steps.pop_back();
    }
  }
  return false;
}

absl::Status Malformed(absl::Status status) {
  status.SetPayload(kMalformedTypeUrl, absl::Cord("1"));
  return status;
}

}  // namespace

std::optional<std::string> DuplicateKeyPath(JsonElement root,
                                            std::string_view root_name) {
  if (!IsContainer(root) || !HasDuplicateKey(root)) return std::nullopt;
  std::vector<Step> steps;
  std::string where;
  if (!FindDuplicateKey(root, root_name, steps, &where)) return std::nullopt;
  return where;
}

std::string BundleEntry::Path() const {
  return absl::StrCat("Bundle.entry[", index, "].resource");
}

const BundleEntry* MessageBundle::Resolve(std::string_view reference) const {
  if (reference.empty()) return nullptr;
  for (const BundleEntry& e : entries) {
    if (e.full_url == reference) return &e;
  }
  // A relative "Type/id" reference matches an entry by type and id, or a
  // fullUrl ending in it.
  const size_t slash = reference.find('/');
  if (slash == std::string_view::npos || reference.substr(0, 4) == "urn:") {
    return nullptr;
  }
  const std::string_view type = reference.substr(0, slash);
  const std::string_view id = reference.substr(slash + 1);
  for (const BundleEntry& e : entries) {
    if (e.resource_type == type && Str(e.resource, "id") == id) return &e;
    if (absl::EndsWith(Absl(e.full_url), absl::StrCat("/", Absl(reference)))) {
      return &e;
    }
  }
  return nullptr;
}

const BundleEntry* MessageBundle::Focus() const {
  JsonArray focus;
  if (!Array(header, "focus", &focus)) return nullptr;
  for (JsonElement f : focus) return Resolve(Str(f, "reference"));
  return nullptr;
}

const BundleEntry* MessageBundle::Sender() const {
  JsonElement sender;
  if (!Member(header, "sender", &sender)) return nullptr;
  return Resolve(Str(sender, "reference"));
}

absl::StatusOr<MessageBundle> MessageParser::Parse(std::string_view json) {
  JsonElement root;
  if (auto error = parser_.parse(json.data(), json.size()).get(root);
      error != simdjson::SUCCESS) {
    // Bytes that are not UTF-8 (raw, or a lone surrogate escaped) are
    // refused here too: simdjson validates all text.
    return Malformed(absl::InvalidArgumentError(absl::StrCat(
        "body is not valid JSON: ", simdjson::error_message(error))));
  }
  domain::Violations v;
  if (std::optional<std::string> duplicate = DuplicateKeyPath(root, "Bundle");
      duplicate.has_value()) {
    v.Add(*duplicate,
          "is a duplicate key: a JSON object may name each key once");
    return Malformed(v.ToStatus("body is not acceptable JSON"));
  }
  MessageBundle m;
  const std::string_view type = Str(root, "resourceType");
  if (type != "Bundle") {
    v.Add("resourceType", absl::StrCat("must be Bundle (a FHIR message), not '",
                                       Absl(type.substr(0, 64)), "'"));
    return v.ToStatus("not a FHIR message");
  }
  if (Str(root, "type") != "message") {
    v.Add("Bundle.type", "must be 'message'");
  }
  m.message_key = Str(root, "id");
  if (m.message_key.empty()) {
    JsonElement identifier;
    if (Member(root, "identifier", &identifier)) {
      m.message_key = Str(identifier, "value");
    }
  }
  if (m.message_key.empty()) {
    v.Add("Bundle.id",
          "Bundle.id or Bundle.identifier.value is required (the message id "
          "a resend is recognised by)");
  } else if (m.message_key.size() > 128) {
    v.Add("Bundle.id", "must be at most 128 characters");
  }
  JsonArray entries;
  if (!Array(root, "entry", &entries) || entries.size() == 0) {
    v.Add("Bundle.entry", "is required: a message needs its MessageHeader");
    return v.ToStatus("not a usable FHIR message");
  }
  m.entries.reserve(entries.size());
  int index = 0;
  for (JsonElement entry : entries) {
    BundleEntry e;
    e.index = index;
    e.full_url = Str(entry, "fullUrl");
    if (!Member(entry, "resource", &e.resource) || !e.resource.is_object()) {
      v.Add(absl::StrCat("Bundle.entry[", index, "].resource"), "is required");
    } else {
      e.resource_type = Str(e.resource, "resourceType");
      if (e.resource_type.empty()) {
        v.Add(absl::StrCat(e.Path(), ".resourceType"), "is required");
      }
    }
    if (e.full_url.empty()) {
      v.Add(absl::StrCat("Bundle.entry[", index, "].fullUrl"), "is required");
    }
    m.entries.push_back(e);
    ++index;
  }
  const BundleEntry& first = m.entries.front();
  if (first.resource_type != "MessageHeader") {
    v.Add("Bundle.entry[0].resource",
          "must be the MessageHeader (first entry of a message)");
  } else {
    m.header = first.resource;
    m.header_id = Str(m.header, "id");
    JsonElement event;
    if (Member(m.header, "eventCoding", &event)) {
      m.event_code = Str(event, "code");
    }
    if (m.event_code.empty()) {
      v.Add("Bundle.entry[0].resource.eventCoding.code", "is required");
    }
  }
  if (!v.empty()) return v.ToStatus("not a usable FHIR message");
  return m;
}

bool IsMalformedJson(const absl::Status& status) {
  return status.GetPayload(kMalformedTypeUrl).has_value();
}

}  // namespace nhs::tobacco::fhir
