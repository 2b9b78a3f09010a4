#ifndef ADAPTERS_FHIR_MESSAGE_RESPONSE_H_
#define ADAPTERS_FHIR_MESSAGE_RESPONSE_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/fhir/resource_json.h"

namespace nhs::tobacco::fhir {

// What a response message answers.
struct ResponseTo {
  absl::string_view message_key;  // the request's Bundle id
  absl::string_view header_id;    // the request's MessageHeader id
  absl::string_view event_code;
};

// The synchronous $process-message answer once the request is durable: a
// message Bundle whose MessageHeader.response says `ok` for the request's
// header id. Its ids derive from the request's message key and `when` is the
// time of the recorded change, so a resent request gets the identical
// answer. `summary` is the narrative (e.g. "Prescription ... is now
// PRESCRIBED").
Json BuildOkResponse(const ResponseTo& request, absl::Time when,
                     absl::string_view source_endpoint,
                     absl::string_view summary);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_MESSAGE_RESPONSE_H_
