#ifndef ADAPTERS_FHIR_MESSAGE_BUNDLE_READER_H_
#define ADAPTERS_FHIR_MESSAGE_BUNDLE_READER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/fhir/json_read.h"
#include "simdjson.h"

namespace nhs::tobacco::fhir {

// One entry of a received message Bundle. Views into the parser's memory.
struct BundleEntry {
  int index = 0;
  std::string_view full_url;
  std::string_view resource_type;
  JsonElement resource;
  // "Bundle.entry[3].resource", the FHIRPath prefix for errors.
  std::string Path() const;
};

// A received FHIR message, structurally checked: a Bundle of type message
// whose first entry is a MessageHeader with an event code, every entry with
// a fullUrl and a resource, and an id to deduplicate on. Valid until the
// parser that made it parses again.
struct MessageBundle {
  // Bundle.id, else Bundle.identifier.value: the sender's message id.
  std::string_view message_key;
  std::string_view header_id;
  std::string_view event_code;
  JsonElement header;
  std::vector<BundleEntry> entries;  // entries[0] is the MessageHeader

  // The entry a reference points at ("urn:uuid:..." fullUrl or
  // "Type/id"); nullptr when the Bundle does not hold it.
  const BundleEntry* Resolve(std::string_view reference) const;
  // The entry of MessageHeader.focus[0], or nullptr.
  const BundleEntry* Focus() const;
  // The entry MessageHeader.sender points at, or nullptr.
  const BundleEntry* Sender() const;
};

// Parses FHIR message Bundles with simdjson (the inbound hot path). Reuse one
// parser per thread: it keeps its buffers. Thread-compatible.
class MessageParser {
 public:
  // Malformed JSON: INVALID_ARGUMENT marked so IsMalformedJson() is true
  // (HTTP 400); so is text that is not UTF-8 (simdjson validates it, lone
  // surrogate escapes included) and a key named twice in one object (a
  // field violation at its FHIRPath). Well-formed JSON that is not a usable
  // message Bundle: INVALID_ARGUMENT with every field violation located by
  // FHIRPath (422).
  absl::StatusOr<MessageBundle> Parse(std::string_view json);

 private:
  simdjson::dom::parser parser_;
};

// The path of the first key named twice in one object under `root`, in
// document order ("Bundle.entry[1].resource.subject", from `root_name`), or
// nullopt. simdjson keeps duplicates and answers the first; other readers
// keep the last, so Parse() refuses them (400) and so does the config
// loader. One pass, no allocation for objects of up to 64 members.
std::optional<std::string> DuplicateKeyPath(JsonElement root,
                                            std::string_view root_name);

// True for the status Parse() returns on bytes that are not JSON.
bool IsMalformedJson(const absl::Status& status);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_MESSAGE_BUNDLE_READER_H_
