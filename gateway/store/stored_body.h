#ifndef GATEWAY_STORE_STORED_BODY_H_
#define GATEWAY_STORE_STORED_BODY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/domain/text_fields.h"
#include "google/protobuf/message.h"

namespace nhs::tobacco::store {

// The bytes of a row's body: every record this store writes goes through
// here, so a record that could not be read back (a proto3 string that is
// not UTF-8) is refused INVALID_ARGUMENT naming the field, never stored.
// `what` is the record's path prefix ("referral").
inline absl::StatusOr<std::string> StoredBody(
    const google::protobuf::Message& record, absl::string_view what) {
  if (absl::Status s = domain::CheckTextFields(record, what, "stored record");
      !s.ok()) {
    return s;
  }
  return record.SerializeAsString();
}

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_STORED_BODY_H_
