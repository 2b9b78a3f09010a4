#include "gateway/domain/alternative_rules.h"

#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/prescription_state_machine.h"

namespace nhs::tobacco::domain {

absl::Status CheckReplaceable(const v1::PrescriptionRequest& old) {
  if (old.status() != v1::PRESCRIPTION_STATUS_DECLINED &&
      old.status() != v1::PRESCRIPTION_STATUS_NOT_SUPPLIED) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot recommend an alternative: prescription request ",
                     old.prescription_id(), " is ", StatusName(old.status()),
                     "; an alternative follows only DECLINED or NOT_SUPPLIED"));
  }
  return absl::OkStatus();
}

absl::Status CheckNotReplaced(const v1::PrescriptionRequest& old) {
  if (!old.replaced_by().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot recommend an alternative: prescription request ",
        old.prescription_id(), " was already replaced by ", old.replaced_by()));
  }
  return absl::OkStatus();
}

absl::Status CheckAlternativeDiffers(const v1::PrescriptionRequest& old,
                                     v1::Route route,
                                     absl::string_view target_ods) {
  if (route != old.route() || target_ods != old.target().ods_code()) {
    return absl::OkStatus();
  }
  return InvalidArgumentWithViolations(
      "invalid alternative recommendation",
      {{"target.ods_code",
        absl::StrCat("the alternative must take another route or go to "
                     "another target than ",
                     old.target().ods_code(), " on route ",
                     RouteName(route))}});
}

}  // namespace nhs::tobacco::domain
