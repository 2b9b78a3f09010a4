#ifndef GATEWAY_DOMAIN_GP_CHASER_H_
#define GATEWAY_DOMAIN_GP_CHASER_H_

#include <vector>

#include "gateway/domain/delivery_plan.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::domain {

// The GP chaser (DeadlineConfig.chase_gp_on_overdue): GP silence is the
// failure service evaluations cite most, so when a GP-route request goes
// overdue while the practice holds it (SENT, ACKNOWLEDGED or
// APPOINTMENT_REQUIRED: a RECOMMENDED letter never reached it, and from
// PRESCRIBED on the wait is the pharmacy's), the practice is sent the
// letter again marked as a reminder. Only with the patient's consent to
// share with the GP, as the letter itself needs. The deadline scan calls
// this once per missed deadline (with the OVERDUE event), so a practice is
// reminded at most once per deadline.
bool ChasesGp(const v1::PrescriptionRequest& request,
              const v1::Referral& referral, bool enabled);

// The reminder to queue: GP_REMINDER to the request's practice when
// ChasesGp and the practice has a route for it (FHIR, or MESH); nothing
// otherwise.
std::vector<PlannedMessage> PlanGpReminder(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    bool enabled, const DeliveryRoutes& routes);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_GP_CHASER_H_
