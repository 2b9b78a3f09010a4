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

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_CYP1A2_MEDICINES_H_
