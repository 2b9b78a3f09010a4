#include "adapters/fhir/message_bundle_reader.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::fhir {
namespace {

constexpr absl::string_view kMalformedTypeUrl =
    "type.nhs.uk/tobacco.fhir.MalformedJson";

}  // namespace

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
    absl::Status status = absl::InvalidArgumentError(absl::StrCat(
        "body is not valid JSON: ", simdjson::error_message(error)));
    status.SetPayload(kMalformedTypeUrl, absl::Cord("1"));
    return status;
  }
  domain::Violations v;
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
