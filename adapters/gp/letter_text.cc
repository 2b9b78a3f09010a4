#include "adapters/gp/letter_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace nhs::tobacco::gp {

std::string QuantityText(const v1::Quantity& q) {
  return absl::StrCat(absl::StrFormat("%g", q.value()), " ", q.unit());
}

std::string PatientName(const v1::Patient& p) {
  std::string name = absl::StrCat(
      p.given_name(), p.given_name().empty() ? "" : " ", p.family_name());
  return name.empty() ? "Your patient" : name;
}

std::vector<std::string> Cyp1a2Medicines(const v1::Referral& referral) {
  std::vector<std::string> names;
  for (const auto& m : referral.mental_health().medicines()) {
    if (m.cyp1a2_sensitive()) names.push_back(m.name());
  }
  return names;
}

std::string GoalText(v1::QuitGoal goal) {
  switch (goal) {
    case v1::QUIT_GOAL_QUIT_NOW:
      return "stop smoking now";
    case v1::QUIT_GOAL_CUT_DOWN_TO_QUIT:
      return "cut down to quit";
    case v1::QUIT_GOAL_TEMPORARY_ABSTINENCE:
      return "temporary abstinence";
    default:
      return "";
  }
}

}  // namespace nhs::tobacco::gp
