// Feeds untrusted bytes to the FHIR inbound JSON reader the way the
// $process-message handler does (MessageParser::Parse, then the accessors
// the translations use). Beyond "no crash, no sanitizer report":
//   - the duplicate-key check agrees with a naive one (a std::set per
//     object), and a body with a duplicate key is never accepted;
//   - a refusal is marked malformed (400) exactly when simdjson refuses the
//     bytes or a key is duplicated;
//   - every entry of an accepted message resolves by its own fullUrl.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "adapters/fhir/json_read.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "simdjson.h"

namespace nhs::tobacco::fhir {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

// The obvious, slow definition.
bool NaiveHasDuplicate(JsonElement e) {
  simdjson::dom::object obj;
  simdjson::dom::array arr;
  if (e.get(obj) == simdjson::SUCCESS) {
    std::set<std::string_view> keys;
    for (simdjson::dom::key_value_pair member : obj) {
      if (!keys.insert(member.key).second) return true;
      if (NaiveHasDuplicate(member.value)) return true;
    }
  } else if (e.get(arr) == simdjson::SUCCESS) {
    for (JsonElement item : arr) {
      if (NaiveHasDuplicate(item)) return true;
    }
  }
  return false;
}

// What the translations read: references, identifiers, numbers, arrays.
void ReadLikeTheTranslations(const MessageBundle& m) {
  (void)m.Focus();
  (void)m.Sender();
  for (const BundleEntry& e : m.entries) {
    Check(m.Resolve(e.full_url) != nullptr, "an entry resolves by fullUrl");
    (void)e.Path();
    JsonElement subject;
    if (Member(e.resource, "subject", &subject)) {
      (void)m.Resolve(Str(subject, "reference"));
      (void)IdentifierValue(subject, "identifier",
                            "https://fhir.nhs.uk/Id/nhs-number");
    }
    JsonArray ids;
    if (Array(e.resource, "identifier", &ids)) {
      for (JsonElement id : ids) (void)Str(id, "value");
    }
    double n = 0;
    (void)Number(e.resource, "quantity", &n);
  }
}

}  // namespace
}  // namespace nhs::tobacco::fhir

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nhs::tobacco::fhir;
  const std::string_view json(reinterpret_cast<const char*>(data), size);

  // An independent parse for the reference answers.
  simdjson::dom::parser reference;
  JsonElement root;
  const bool well_formed =
      reference.parse(json.data(), json.size()).get(root) == simdjson::SUCCESS;
  const bool duplicate = well_formed && NaiveHasDuplicate(root);
  if (well_formed) {
    Check(DuplicateKeyPath(root, "Bundle").has_value() == duplicate,
          "the duplicate-key check agrees with the naive one");
  }

  static MessageParser* parser = new MessageParser();
  absl::StatusOr<MessageBundle> m = parser->Parse(json);
  if (m.ok()) {
    Check(!duplicate, "a body with a duplicate key is never accepted");
    ReadLikeTheTranslations(*m);
  } else {
    Check(IsMalformedJson(m.status()) == (!well_formed || duplicate),
          "400 exactly for bytes that are not JSON or a duplicate key");
  }
  return 0;
}
