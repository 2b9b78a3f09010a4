#ifndef ADAPTERS_HL7V2_HEADER_CHECK_H_
#define ADAPTERS_HL7V2_HEADER_CHECK_H_

// Whether a parsed message's MSH lets the receiver process it at all,
// before any of its content is read (HL7 v2.5.1 chapter 2, 2.9.2: a
// message whose header fails validation is answered AR, CR in enhanced
// mode, not AE).
//
//   MSH-9   message type or trigger missing     AR, ERR-3 101
//   MSH-10  control id missing                  AR, ERR-3 101
//   MSH-12  version missing                     AR, ERR-3 101
//           version not 2.x                     AR, ERR-3 203
//   MSH-18  a character set not supported       AR, ERR-3 103 (table 0211)
//   MSH-10  over 199 characters (v2.7's length) AE, ERR-3 104
//
// Never 207: 207 (application internal error) is the one code that asks
// an engine to resend, and these messages fail the same way every time.
// ERR-2 names the field; ERR-8 says what is wrong, never the content.

#include <vector>

#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::hl7v2 {

// The longest MSH-10 accepted (ST, 199 characters in v2.7; engines send
// UUIDs, which the 20 of v2.5.1 cannot hold).
inline constexpr size_t kMaxControlIdLength = 199;

struct HeaderCheck {
  // kAccept when the header is usable; errors then empty.
  AckCode code = AckCode::kAccept;
  std::vector<AckError> errors;
};

HeaderCheck CheckHeader(const Message& message);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_HEADER_CHECK_H_
