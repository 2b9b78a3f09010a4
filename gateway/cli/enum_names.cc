#include "gateway/cli/enum_names.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "gateway/cli/args.h"
#include "google/protobuf/descriptor.h"

namespace nhs::tobacco::cli {
namespace {

constexpr absl::string_view kUnspecified = "UNSPECIFIED";

std::string Prefix(const google::protobuf::EnumDescriptor* type) {
  const google::protobuf::EnumValueDescriptor* zero =
      type->FindValueByNumber(0);
  if (zero == nullptr || !absl::EndsWith(zero->name(), kUnspecified)) {
    return "";
  }
  return zero->name().substr(0, zero->name().size() - kUnspecified.size());
}

std::string ShortName(const google::protobuf::EnumValueDescriptor* value,
                      absl::string_view prefix) {
  absl::string_view name = value->name();
  absl::ConsumePrefix(&name, prefix);
  return std::string(name);
}

}  // namespace

std::string EnumValueName(const google::protobuf::EnumDescriptor* type,
                          int value) {
  const google::protobuf::EnumValueDescriptor* found =
      type->FindValueByNumber(value);
  if (found == nullptr) return absl::StrCat(value);
  return ShortName(found, Prefix(type));
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* type) {
  std::string prefix = Prefix(type);
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() == 0) continue;
    names.push_back(absl::AsciiStrToLower(ShortName(type->value(i), prefix)));
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<int> ParseEnumValue(const google::protobuf::EnumDescriptor* type,
                                   absl::string_view flag,
                                   absl::string_view text) {
  std::string wanted = absl::AsciiStrToUpper(
      absl::StrReplaceAll(absl::StripAsciiWhitespace(text), {{"-", "_"}}));
  std::string prefix = Prefix(type);
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = type->value(i);
    if (value->number() == 0) continue;
    if (wanted == ShortName(value, prefix) || wanted == value->name()) {
      return value->number();
    }
  }
  return FlagError(flag,
                   absl::StrCat("unknown value \"", text,
                                "\"; expected one of: ", EnumChoices(type)));
}

}  // namespace nhs::tobacco::cli
