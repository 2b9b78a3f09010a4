#ifndef GATEWAY_DOMAIN_CYP1A2_MEDICINES_H_
#define GATEWAY_DOMAIN_CYP1A2_MEDICINES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::domain {

// Tobacco smoke induces CYP1A2, so levels of some psychiatric medicines rise
// when a patient stops smoking (UKMi Q&A 136; clozapine and olanzapine above
// all). The list is configuration; these are the defaults.
std::vector<std::string> DefaultCyp1a2Medicines();

// True when `medicine_name` names one of `sensitive` (case-insensitive,
// matching a whole word so "Clozapine 100mg tablets" counts).
bool IsCyp1a2Sensitive(absl::string_view medicine_name,
                       const std::vector<std::string>& sensitive);

// Marks each medicine the list names as cyp1a2_sensitive (keeping a flag the
// referrer set) and returns whether any medicine is flagged.
bool FlagCyp1a2Medicines(v1::MentalHealthContext& context,
                         const std::vector<std::string>& sensitive);

// True when any medicine on the referral is flagged cyp1a2_sensitive (by
// the referrer or by FlagCyp1a2Medicines): starting treatment for such a
// patient raises a safety alert.
bool NeedsCyp1a2SafetyAlert(const v1::Referral& referral);

// The SAFETY_ALERT timeline event raised with such a recommendation: the
// prescriber and mental health team must review levels. The note names the
// medicine class, never the patient.
inline constexpr absl::string_view kCyp1a2AlertReasonCode =
    "CYP1A2_LEVEL_REVIEW";
inline constexpr absl::string_view kCyp1a2AlertNote =
    "Patient takes a medicine whose level rises when smoking stops (e.g. "
    "clozapine, olanzapine): the prescriber and mental health team should "
    "review levels.";

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_CYP1A2_MEDICINES_H_
