#ifndef ADAPTERS_FHIR_CAPABILITY_STATEMENT_H_
#define ADAPTERS_FHIR_CAPABILITY_STATEMENT_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "adapters/fhir/resource_json.h"

namespace nhs::tobacco::fhir {

// What `GET /fhir/metadata` describes: the messaging endpoint and the
// message events it receives.
struct CapabilityOptions {
  // The URL senders post to (fhir.public_endpoint).
  std::string endpoint;
  // MessageHeader.eventCoding codes (kMessageEventSystem) this endpoint
  // accepts; anything else is refused with an OperationOutcome.
  std::vector<std::string> received_events;
  std::string software_version;
  absl::Time date = absl::UnixEpoch();
};

// A FHIR R4 CapabilityStatement (kind "instance") for FHIR messaging: one
// messaging entry with the http endpoint and each received event (mode
// "receiver"; the event codes in the extension the R4 messaging element
// lacks a slot for), formats application/fhir+json and json, no REST
// resources (this endpoint answers only $process-message). Pure.
Json BuildCapabilityStatement(const CapabilityOptions& options);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_CAPABILITY_STATEMENT_H_
