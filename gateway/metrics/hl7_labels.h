#ifndef GATEWAY_METRICS_HL7_LABELS_H_
#define GATEWAY_METRICS_HL7_LABELS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nhs::tobacco::metrics {

// Metric labels from HL7 v2 bytes, read without the codec (the metrics
// must not fail or cost a parse). A label never carries a sender's free
// text: anything not shaped like the value it names becomes "other", so
// the number of series stays bounded whatever a peer sends.

// MSH-9's message type and trigger event, e.g. "REF^I12" or "ADT^A03"
// (three upper-case letters or digits each); "other" otherwise.
std::string Hl7TriggerLabel(absl::string_view er7);

// MSA-1 of an acknowledgement: "AA", "AE", "AR", "CA", "CE" or "CR";
// "none" when there is no MSA segment, "other" otherwise.
std::string Hl7AckCodeLabel(absl::string_view er7);

}  // namespace nhs::tobacco::metrics

#endif  // GATEWAY_METRICS_HL7_LABELS_H_
