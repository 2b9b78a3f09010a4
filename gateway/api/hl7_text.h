#ifndef GATEWAY_API_HL7_TEXT_H_
#define GATEWAY_API_HL7_TEXT_H_

#include <string>
#include <vector>

#include "adapters/hl7v2/charset.h"
#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::api {

// Inbound HL7 v2 text is decoded to UTF-8 before anything reads it, from
// the message's character set: MSH-18 when valued, else the sending
// trust's configured default (hl7_default_charset), else UTF-8. 8859/1 and
// 8859/15 are decoded byte by byte; UTF-8 is checked. A field holding bytes
// that do not decode (ill-formed UTF-8, a byte over 0x7F in ASCII, a C1
// control in 8859/x) is one of two kinds:
//   - needed: the gateway routes, identifies, keys or codes on it (all of
//     MSH, PID-3, PID-7, PRD-1, PRD-7, RF1, DG1-3, OBX-3, OBX-5, OBX-11,
//     PV1, RXE-2). A replacement character would change what it means, so
//     the message is refused (AE naming the field);
//   - anything else (names, addresses, notes, Z-segments): each byte or
//     ill-formed sequence that does not decode becomes U+FFFD and the
//     message goes on, with a warning naming the field (in the log and as
//     an ERR of severity W in the ACK) - a referral never bounces for text
//     the gateway does not need.
struct Hl7TextCheck {
  hl7v2::Message repaired;
  // The message with every field in UTF-8.
  // Locations ("PRD-2", "OBX(3)-5") of fields with bytes that did not
  // decode: repaired with U+FFFD, or needed (the message must be refused
  // when any).
  std::vector<std::string> replaced;
  std::vector<std::string> refused;
};

Hl7TextCheck CheckHl7Text(const hl7v2::Message& message,
                          hl7v2::Charset charset = hl7v2::Charset::kUtf8);

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_HL7_TEXT_H_
