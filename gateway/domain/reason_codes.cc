#include "gateway/domain/reason_codes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::domain {

ReasonCodeList ReasonCodeList::FromConfig(
    const google::protobuf::RepeatedPtrField<v1::ReasonCode>& codes) {
  return ReasonCodeList(
      std::vector<v1::ReasonCode>(codes.begin(), codes.end()));
}

absl::Status ReasonCodeList::Check(absl::string_view code,
                                   absl::string_view field,
                                   absl::string_view what) const {
  if (codes_.empty()) return absl::OkStatus();
  for (const v1::ReasonCode& c : codes_) {
    if (c.code() == code) return absl::OkStatus();
  }
  // The code is not echoed: it may be free text with patient details.
  return InvalidArgumentWithViolations(
      absl::StrCat("unknown ", what, " reason code"),
      {{std::string(field),
        absl::StrCat("is not a configured ", what,
                     " reason; use one of: ", Describe())}});
}

std::string ReasonCodeList::Display(absl::string_view code) const {
  for (const v1::ReasonCode& c : codes_) {
    if (c.code() == code) return c.display();
  }
  return "";
}

std::string ReasonCodeList::Describe() const {
  return absl::StrJoin(codes_, ", ",
                       [](std::string* out, const v1::ReasonCode& c) {
                         absl::StrAppend(out, c.code(), " (", c.display(), ")");
                       });
}

}  // namespace nhs::tobacco::domain
