#ifndef GATEWAY_DOMAIN_QUIT_DATE_RULES_H_
#define GATEWAY_DOMAIN_QUIT_DATE_RULES_H_

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "nhs/tobacco/v1/care.pb.h"
#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::domain {

// How far from today a quit date may lie: the service sets it with the
// patient, usually within weeks; a year either way catches typing errors.
inline constexpr int kQuitDateMaxDaysFromToday = 365;

// The shape of a SetQuitDate request: request_id, referral_id, quit_date
// (YYYY-MM-DD within kQuitDateMaxDaysFromToday of `today`), actor, note.
absl::Status ValidateSetQuitDate(const v1::SetQuitDateRequest& request,
                                 int max_text_length, absl::CivilDay today);

// A quit date is set on a referral the service has taken on: ACCEPTED or
// IN_TREATMENT (FAILED_PRECONDITION naming the status otherwise; an
// ON_HOLD referral is reopened first).
absl::Status CheckQuitDateAllowed(const v1::Referral& referral);

// Setting a quit date starts treatment: an ACCEPTED referral moves to
// IN_TREATMENT; IN_TREATMENT stays.
v1::ReferralStatus StatusAfterQuitDate(v1::ReferralStatus status);

// The QUIT_DATE_SET event for a stored `quit_date` record.
v1::TimelineEvent QuitDateSetEvent(const v1::QuitDate& quit_date);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_QUIT_DATE_RULES_H_
