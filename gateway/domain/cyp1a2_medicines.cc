#include "gateway/domain/cyp1a2_medicines.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace nhs::tobacco::domain {

std::vector<std::string> DefaultCyp1a2Medicines() {
  return {"clozapine", "olanzapine"};
}

bool IsCyp1a2Sensitive(absl::string_view medicine_name,
                       const std::vector<std::string>& sensitive) {
  const std::string lower = absl::AsciiStrToLower(medicine_name);
  for (absl::string_view word :
       absl::StrSplit(lower, absl::ByAnyChar(" ,;/()-+"), absl::SkipEmpty())) {
    for (const std::string& name : sensitive) {
      if (word == name) return true;
    }
  }
  return false;
}

bool FlagCyp1a2Medicines(v1::MentalHealthContext& context,
                         const std::vector<std::string>& sensitive) {
  bool any = false;
  for (v1::PsychiatricMedicine& m : *context.mutable_medicines()) {
    if (IsCyp1a2Sensitive(m.name(), sensitive)) m.set_cyp1a2_sensitive(true);
    any = any || m.cyp1a2_sensitive();
  }
  return any;
}

bool NeedsCyp1a2SafetyAlert(const v1::Referral& referral) {
  for (const v1::PsychiatricMedicine& m :
       referral.mental_health().medicines()) {
    if (m.cyp1a2_sensitive()) return true;
  }
  return false;
}

}  // namespace nhs::tobacco::domain
