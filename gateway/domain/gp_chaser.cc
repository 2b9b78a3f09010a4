#include "gateway/domain/gp_chaser.h"

#include <optional>

namespace nhs::tobacco::domain {

bool ChasesGp(const v1::PrescriptionRequest& request,
              const v1::Referral& referral, bool enabled) {
  if (!enabled || request.route() != v1::ROUTE_GP_PRESCRIPTION) return false;
  if (!referral.consent().share_with_gp()) return false;
  switch (request.status()) {
    case v1::PRESCRIPTION_STATUS_SENT:
    case v1::PRESCRIPTION_STATUS_ACKNOWLEDGED:
    case v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED:
      return true;
    default:
      return false;
  }
}

std::vector<PlannedMessage> PlanGpReminder(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    bool enabled, const DeliveryRoutes& routes) {
  std::vector<PlannedMessage> plan;
  const std::string& practice = request.target().ods_code();
  if (!ChasesGp(request, referral, enabled)) return plan;
  std::optional<PlannedMessage> reminder =
      RoutedMessage(v1::MESSAGE_KIND_GP_REMINDER, practice, routes);
  if (reminder.has_value()) plan.push_back(*std::move(reminder));
  return plan;
}

}  // namespace nhs::tobacco::domain
