#ifndef GATEWAY_DOMAIN_ENGAGEMENT_RULES_H_
#define GATEWAY_DOMAIN_ENGAGEMENT_RULES_H_

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "nhs/tobacco/v1/care.pb.h"
#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::domain {

// Missed contacts in a row that mean the patient has disengaged.
inline constexpr int kMissedContactsToDisengage = 2;

// Where a referral's engagement stands (kept on the referral:
// Referral.disengaged, Referral.missed_contacts_in_a_row).
struct Engagement {
  bool disengaged = false;
  int missed_in_a_row = 0;

  friend bool operator==(const Engagement&, const Engagement&) = default;
};

enum class EngagementChange { kNone, kDisengaged, kReEngaged };

struct EngagementStep {
  Engagement after;
  EngagementChange change = EngagementChange::kNone;
};

// The engagement after one more contact, in the order contacts are
// recorded. MISSED adds to the run; the run reaching
// kMissedContactsToDisengage disengages (once: more misses change
// nothing). ATTENDED ends the run and re-engages a disengaged patient.
// CANCELLED (called off in advance by either side) is neither: it leaves
// the run as it was, so missed, cancelled, missed disengages.
EngagementStep AfterContact(const Engagement& before,
                            v1::ContactOutcome outcome);

// The shape of a RecordContact request: ids, a known outcome and mode, a
// contact_date (YYYY-MM-DD, not after `today`), actor, note.
absl::Status ValidateRecordContact(const v1::RecordContactRequest& request,
                                   int max_text_length, absl::CivilDay today);

// Contacts are recorded while the service treats the patient: ACCEPTED,
// IN_TREATMENT or ON_HOLD (a paused referral still has missed calls).
absl::Status CheckContactAllowed(const v1::Referral& referral);

// The timeline event of `type` (CONTACT_RECORDED, DISENGAGED, RE_ENGAGED)
// for a stored `contact`; the reason code is the contact's outcome.
v1::TimelineEvent ContactEvent(v1::EventType type, const v1::Contact& contact);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_ENGAGEMENT_RULES_H_
