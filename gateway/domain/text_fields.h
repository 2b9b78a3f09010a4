#ifndef GATEWAY_DOMAIN_TEXT_FIELDS_H_
#define GATEWAY_DOMAIN_TEXT_FIELDS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace nhs::tobacco::domain {

// OK when every string field of `message` (nested messages, repeated fields
// and map values included) is valid UTF-8; otherwise INVALID_ARGUMENT with a
// field violation per bad field, located by path from `prefix`
// ("referral.external_referral_id", "referral.notes[2]"), and "is not valid
// UTF-8" - never the bytes. A proto3 string that is not UTF-8 serializes but
// never parses again, so nothing may be stored before this passes.
// `what` names the input in the status message.
absl::Status CheckTextFields(const google::protobuf::Message& message,
                             absl::string_view prefix, absl::string_view what);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_TEXT_FIELDS_H_
