#ifndef GATEWAY_API_HL7_TEXT_H_
#define GATEWAY_API_HL7_TEXT_H_

#include <string>
#include <vector>

#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::api {

// Inbound HL7 v2 text is read as UTF-8 (the per-trust default character set
// and transcoding are a later change). A field whose bytes are not valid
// UTF-8 is one of two kinds:
//   - needed: the gateway routes, identifies, keys or codes on it (all of
//     MSH, PID-3, PID-7, PRD-1, PRD-7, RF1, DG1-3, OBX-3, OBX-5, OBX-11,
//     PV1, RXE-2). A replacement character would change what it means, so
//     the message is refused (AE naming the field);
//   - anything else (names, addresses, notes, Z-segments): each ill-formed
//     sequence is replaced by U+FFFD and the message goes on, with a
//     warning naming the field - a referral never bounces for text the
//     gateway does not need.
struct Hl7TextCheck {
  hl7v2::Message repaired;
  // Locations ("PRD-2", "OBX(3)-5") of fields repaired, and of needed
  // fields that are not UTF-8 (the message must be refused when any).
  std::vector<std::string> replaced;
  std::vector<std::string> refused;
};

Hl7TextCheck CheckHl7Text(const hl7v2::Message& message);

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_HL7_TEXT_H_
