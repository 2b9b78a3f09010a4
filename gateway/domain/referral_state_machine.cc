#include "gateway/domain/referral_state_machine.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/common/error_reason.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::domain {

namespace {

// Every refusal of this kind carries reason::kIllegalTransition (README "Error
// reasons").
absl::Status IllegalTransition(absl::string_view message) {
  return WithReason(absl::FailedPreconditionError(message),
                    reason::kIllegalTransition);
}

}  // namespace

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
             to == v1::REFERRAL_STATUS_COMPLETED ||
             to == v1::REFERRAL_STATUS_ON_HOLD;
    case v1::REFERRAL_STATUS_IN_TREATMENT:
      return to == v1::REFERRAL_STATUS_COMPLETED ||
             to == v1::REFERRAL_STATUS_ON_HOLD;
    case v1::REFERRAL_STATUS_ON_HOLD:
      return to == v1::REFERRAL_STATUS_ACCEPTED ||
             to == v1::REFERRAL_STATUS_IN_TREATMENT;
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
    return IllegalTransition(absl::StrCat(
        "cannot move referral from ", ReferralStatusName(from), " to ",
        ReferralStatusName(to), ": ", ReferralStatusName(from), " is final"));
  }
  return IllegalTransition(absl::StrCat("cannot move referral from ",
                                        ReferralStatusName(from), " to ",
                                        ReferralStatusName(to)));
}

absl::Status CheckReferralStatusChange(const v1::Referral& referral,
                                       ReferralStatus to) {
  RETURN_IF_ERROR(CheckReferralTransition(referral.status(), to));
  if (referral.status() == v1::REFERRAL_STATUS_ON_HOLD &&
      to != v1::REFERRAL_STATUS_WITHDRAWN && to != referral.held_from()) {
    return IllegalTransition(absl::StrCat(
        "cannot reopen the referral to ", ReferralStatusName(to),
        ": it went ON_HOLD from ", ReferralStatusName(referral.held_from()),
        " and reopens only to that status"));
  }
  return absl::OkStatus();
}

void ApplyReferralStatus(v1::Referral& referral, ReferralStatus to) {
  if (to == v1::REFERRAL_STATUS_ON_HOLD) {
    referral.set_held_from(referral.status());
  } else {
    referral.clear_held_from();
  }
  referral.set_status(to);
}

}  // namespace nhs::tobacco::domain
