#ifndef ADAPTERS_MENTAL_HEALTH_TRANSLATION_NOTES_H_
#define ADAPTERS_MENTAL_HEALTH_TRANSLATION_NOTES_H_

// What an inbound translation accepted but has to tell someone about, and
// what the sending trust's configuration adds to it.
//
// HL7 v2 tables 0280 (RF1-2 priority), 0284 (RF1-5 category) and 0336
// (RF1-10 reason) are *user-defined*: HL7 only suggests values and trusts
// use local ones. A value outside the suggestions (or outside the
// gateway's own OBX code lists, such as QUITGOAL) is never a refusal: the
// field maps to "other" (or unspecified where the referral has no "other"),
// the code is kept as sent in the note of the REFERRAL_CREATED timeline
// event, and the ACK carries a warning (ERR-4 W, ERR-3 103 table value not
// found).

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/domain/field_violations.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::mental_health {

// From the sending trust's entry in the organisation registry.
struct SenderSettings {
  // The source of every referral made from this sender's messages;
  // UNSPECIFIED keeps the per-message rule (RF1-5 I and ADT^A03 inpatient
  // mental health, any other REF^I12 community mental health).
  v1::ReferralSource referral_source = v1::REFERRAL_SOURCE_UNSPECIFIED;
};

class TranslationNotes {
 public:
  // A warning for the ACK (ERR-4 W), located and worded as a violation.
  void Warn(absl::string_view location, absl::string_view description) {
    warnings_.Add(location, description);
  }
  // `code` (with its display `text`, may be empty) at `location` is outside
  // `table` ("0280 (S, A, R)"): warned about and kept for the note.
  void LocalCode(absl::string_view location, absl::string_view table,
                 absl::string_view code, absl::string_view text);

  const domain::Violations& warnings() const { return warnings_; }
  // "HL7 local codes kept as sent: RF1-2 "U2" (Two weeks); ..." or empty.
  std::string Note() const;

 private:
  domain::Violations warnings_;
  std::vector<std::string> kept_;
};

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_TRANSLATION_NOTES_H_
