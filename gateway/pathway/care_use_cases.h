#ifndef GATEWAY_PATHWAY_CARE_USE_CASES_H_
#define GATEWAY_PATHWAY_CARE_USE_CASES_H_

#include "gateway/pathway/caller.h"
#include "gateway/pathway/pathway_options.h"
#include "nhs/tobacco/v1/care.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::pathway {

// What the treating service records about a referral's treatment (issue
// 12): the quit date and contacts. Authorised against the referral (the
// service it was sent to), audited, idempotent on request_id, on the
// timeline, as ReferralUseCases describes. Thread-safe.
class CareUseCases {
 public:
  virtual ~CareUseCases() = default;

  // Sets or amends the quit date: a QuitDate record, a QUIT_DATE_SET event,
  // the referral's quit_date; an ACCEPTED referral moves to IN_TREATMENT
  // (with its REFERRAL_STATUS_CHANGED event). FAILED_PRECONDITION unless
  // the referral is ACCEPTED or IN_TREATMENT. Replies with the referral.
  virtual void SetQuitDate(const Caller& caller,
                           const v1::SetQuitDateRequest& request,
                           Reply<v1::Referral> reply) = 0;
  // Records a contact (CONTACT_RECORDED), and DISENGAGED / RE_ENGAGED when
  // the run of contacts says so (domain/engagement_rules.h).
  // FAILED_PRECONDITION unless the referral is ACCEPTED, IN_TREATMENT or
  // ON_HOLD.
  virtual void RecordContact(const Caller& caller,
                             const v1::RecordContactRequest& request,
                             Reply<v1::Contact> reply) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_CARE_USE_CASES_H_
