#include "gateway/domain/outcome_codes.h"

namespace nhs::tobacco::domain {

OutcomeCoding OutcomeCodingFor(v1::OutcomeStatus status) {
  switch (status) {
    case v1::OUTCOME_STATUS_QUIT_SELF_REPORTED:
      return {"QUIT_SELF_REPORTED", "Quit, self-reported"};
    case v1::OUTCOME_STATUS_QUIT_CO_VERIFIED:
      return {"QUIT_CO_VERIFIED", "Quit, CO verified"};
    case v1::OUTCOME_STATUS_REDUCED:
      return {"REDUCED", "Reduced"};
    case v1::OUTCOME_STATUS_RELAPSED:
      return {"RELAPSED", "Relapsed"};
    case v1::OUTCOME_STATUS_NOT_QUIT:
      return {"NOT_QUIT", "Not quit"};
    case v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP:
      return {"LOST_TO_FOLLOW_UP", "Lost to follow-up"};
    case v1::OUTCOME_STATUS_DISENGAGED:
      return {"DISENGAGED", "Disengaged"};
    case v1::OUTCOME_STATUS_RE_ENGAGED:
      return {"RE_ENGAGED", "Re-engaged"};
    default:
      return {"", ""};
  }
}

}  // namespace nhs::tobacco::domain
