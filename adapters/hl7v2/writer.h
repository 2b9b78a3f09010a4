#ifndef ADAPTERS_HL7V2_WRITER_H_
#define ADAPTERS_HL7V2_WRITER_H_

#include <string>

#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::hl7v2 {

// Serialises `message` as ER7: each segment's id, its fields joined by the
// message's field separator, and a CR after every segment (including the
// last). MSH-1/MSH-2 are written from the message's encoding. Fields are
// written exactly as stored, so for any message ParseEr7 accepted from
// CR-terminated input, WriteEr7(*ParseEr7(bytes)) == bytes.
std::string WriteEr7(const Message& message);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_WRITER_H_
