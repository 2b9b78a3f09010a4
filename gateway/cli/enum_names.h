#ifndef GATEWAY_CLI_ENUM_NAMES_H_
#define GATEWAY_CLI_ENUM_NAMES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace nhs::tobacco::cli {

// Enum values as people type and read them: without the type's prefix
// ("ROUTE_GP_PRESCRIPTION" is "GP_PRESCRIPTION"). Works for every enum in the
// contract through its descriptor, so a value added to the .proto needs no
// change here. The prefix is the name of the zero value minus "UNSPECIFIED",
// the convention every enum in nhs.tobacco.v1 follows.

// "GP_PRESCRIPTION"; the number as text for a value this build does not know.
std::string EnumValueName(const google::protobuf::EnumDescriptor* type,
                          int value);

// Accepts "gp_prescription", "GP-Prescription" or the full
// "ROUTE_GP_PRESCRIPTION". The zero (UNSPECIFIED) value is refused: it means
// "not given", which is expressed by leaving the flag out. Errors name
// `flag` and list the accepted values.
absl::StatusOr<int> ParseEnumValue(const google::protobuf::EnumDescriptor* type,
                                   absl::string_view flag,
                                   absl::string_view text);

// The accepted spellings, lower case, comma separated: for help and errors.
std::string EnumChoices(const google::protobuf::EnumDescriptor* type);

template <typename E>
std::string EnumName(E value) {
  return EnumValueName(google::protobuf::GetEnumDescriptor<E>(),
                       static_cast<int>(value));
}

template <typename E>
absl::StatusOr<E> ParseEnum(absl::string_view flag, absl::string_view text) {
  absl::StatusOr<int> value =
      ParseEnumValue(google::protobuf::GetEnumDescriptor<E>(), flag, text);
  if (!value.ok()) return value.status();
  return static_cast<E>(*value);
}

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_ENUM_NAMES_H_
