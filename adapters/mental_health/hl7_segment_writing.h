#ifndef ADAPTERS_MENTAL_HEALTH_HL7_SEGMENT_WRITING_H_
#define ADAPTERS_MENTAL_HEALTH_HL7_SEGMENT_WRITING_H_

// Small helpers the outbound builders share: the MSH every message starts
// with, and writing plain text into components (escaped by the codec).

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/hl7v2/message.h"
#include "nhs/tobacco/v1/common.pb.h"

namespace nhs::tobacco::mental_health {

// Who sends an outbound message to whom, and its identity. The caller (the
// delivery worker) owns control ids and time, so the builders stay pure.
struct OutboundHeader {
  std::string sending_application = "TDGATEWAY";
  std::string sending_facility;  // the service's ODS code
  std::string receiving_application;
  std::string receiving_facility;  // the trust's ODS code
  std::string control_id;          // MSH-10, unique per message
  absl::Time timestamp = absl::UnixEpoch();
  std::string processing_id = "P";
};

// A message with MSH filled from `header` and MSH-9 = type^trigger^structure,
// version 2.5.1, MSH-15 AL / MSH-16 NE (the trust's engine commits it; we
// need no application ACK back).
hl7v2::Message StartMessage(const OutboundHeader& header,
                            absl::string_view type, absl::string_view trigger,
                            absl::string_view structure);

// Writes plain `components` into repetition 1 of `field`, skipping empty
// ones.
void SetComponents(hl7v2::Segment& segment, int field,
                   std::initializer_list<absl::string_view> components);

// "YYYY-MM-DD" -> "YYYYMMDD"; HL7 TS "YYYYMMDDHHMMSS+0000" from a time.
std::string IsoDateToHl7(absl::string_view iso);
std::string Hl7Timestamp(absl::Time t);

// PID with PID-1 = 1, PID-3 = NHS number^^^NHS^NH and PID-7.
void AddPid(hl7v2::Message& message, const v1::Patient& patient);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_HL7_SEGMENT_WRITING_H_
