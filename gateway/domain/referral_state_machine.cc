#include "gateway/domain/referral_state_machine.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace nhs::tobacco::domain {
namespace {

using v1::ReferralStatus;

bool IsFinalReferral(ReferralStatus s) {
  return s == v1::REFERRAL_STATUS_DECLINED ||
         s == v1::REFERRAL_STATUS_COMPLETED ||
         s == v1::REFERRAL_STATUS_WITHDRAWN;
}

bool Allowed(ReferralStatus from, ReferralStatus to) {
  if (IsFinalReferral(from)) return false;
  if (to == v1::REFERRAL_STATUS_WITHDRAWN) return true;
  switch (from) {
    case v1::REFERRAL_STATUS_RECEIVED:
      return to == v1::REFERRAL_STATUS_ACCEPTED ||
             to == v1::REFERRAL_STATUS_DECLINED;
    case v1::REFERRAL_STATUS_ACCEPTED:
      return to == v1::REFERRAL_STATUS_IN_TREATMENT ||
             to == v1::REFERRAL_STATUS_COMPLETED;
    case v1::REFERRAL_STATUS_IN_TREATMENT:
      return to == v1::REFERRAL_STATUS_COMPLETED;
    default:
      return false;
  }
}

}  // namespace

std::string ReferralStatusName(ReferralStatus status) {
  return std::string(
      absl::StripPrefix(v1::ReferralStatus_Name(status), "REFERRAL_STATUS_"));
}

absl::Status CheckReferralTransition(ReferralStatus from, ReferralStatus to) {
  if (Allowed(from, to)) return absl::OkStatus();
  if (IsFinalReferral(from)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot move referral from ", ReferralStatusName(from), " to ",
        ReferralStatusName(to), ": ", ReferralStatusName(from), " is final"));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("cannot move referral from ", ReferralStatusName(from),
                   " to ", ReferralStatusName(to)));
}

}  // namespace nhs::tobacco::domain
