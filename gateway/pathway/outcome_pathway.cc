#include "gateway/pathway/outcome_pathway.h"

#include <optional>
#include <utility>

#include "absl/time/civil_time.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/outcome_rules.h"
#include "gateway/domain/request_validation.h"
#include "gateway/domain/safety_alert_rules.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/outbox_queue.h"
#include "gateway/pathway/record_access.h"
#include "gateway/pathway/record_ids.h"
#include "gateway/pathway/safety_alerts.h"

namespace nhs::tobacco::pathway {

using security::Operation;

OutcomePathway::OutcomePathway(AuditedWrites& writes, PathwayOptions options)
    : writes_(writes), options_(std::move(options)) {}

void OutcomePathway::RecordOutcome(const Caller& caller,
                                   const v1::RecordOutcomeRequest& request,
                                   Reply<v1::Outcome> reply) {
  const absl::Time now = writes_.clock().Now();
  const std::string referral_id = request.outcome().referral_id();
  auto outcome = std::make_shared<v1::Outcome>();
  writes_.Write<v1::Outcome>(
      caller,
      {std::string(security::OperationName(Operation::kRecordOutcome)),
       referral_id},
      request.request_id(), request,
      [&options = options_, caller, request, now, outcome](
          store::WriteTransaction& tx, AuditTarget&) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                         tx.GetReferral(request.outcome().referral_id()));
        RETURN_IF_ERROR(AuthorizeRecord(
            caller.principal, Operation::kRecordOutcome, referral,
            NotFound("referral", request.outcome().referral_id())));
        RETURN_IF_ERROR(domain::ValidateRecordOutcome(
            request, {options.max_text_length,
                      absl::ToCivilDay(now, absl::UTCTimeZone())}));
        *outcome = request.outcome();
        ASSIGN_OR_RETURN(*outcome->mutable_recorded_by(),
                         ActorOf(caller, Operation::kRecordOutcome,
                                 request.outcome().recorded_by(),
                                 "outcome.recorded_by.organisation.ods_code"));
        return absl::OkStatus();
      },
      [&options = options_, now,
       outcome](store::WriteTransaction& tx) -> absl::StatusOr<v1::Outcome> {
        outcome->set_outcome_id(NewRecordId("out"));
        *outcome->mutable_created_at() = domain::ToTimestamp(now);
        ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                         tx.GetReferral(outcome->referral_id()));
        if (!referral.has_value()) {
          return NotFound("referral", outcome->referral_id());
        }
        RETURN_IF_ERROR(tx.InsertOutcome(*outcome));
        v1::TimelineEvent event = domain::OutcomeRecordedEvent(*outcome);
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        RETURN_IF_ERROR(
            QueueMessages(tx, domain::PlanOutcome(*referral, options.routes),
                          {.referral = &*referral, .outcome = &*outcome}, now));
        // safety: a relapse moves CYP1A2 levels again.
        if (std::optional<v1::SafetyAlertTrigger> trigger =
                domain::TriggerForOutcome(*outcome)) {
          RETURN_IF_ERROR(
              RaiseSafetyAlert(tx, *referral,
                               {.trigger = *trigger,
                                .trigger_date = outcome->recorded_on(),
                                .outcome_id = outcome->outcome_id(),
                                .actor = outcome->recorded_by()},
                               options.routes,
                               options.safety_acknowledge_within, now)
                  .status());
        }
        return *outcome;
      },
      std::move(reply));
}

absl::StatusOr<v1::ListOutcomesResponse> OutcomePathway::ListOutcomes(
    const Caller& caller, const v1::ListOutcomesRequest& request) {
  v1::ListOutcomesResponse response;
  std::optional<v1::Referral> referral;
  absl::Status listed =
      writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(referral, tx.GetReferral(request.referral_id()));
        RETURN_IF_ERROR(AuthorizeRecord(
            caller.principal, Operation::kReadOutcomes, referral,
            request.referral_id().empty()
                ? domain::InvalidArgumentWithViolations(
                      "invalid list request", {{"referral_id", "is required"}})
                : NotFound("referral", request.referral_id())));
        ASSIGN_OR_RETURN(std::vector<v1::Outcome> outcomes,
                         tx.ListOutcomes(request.referral_id()));
        for (auto& o : outcomes) *response.add_outcomes() = std::move(o);
        return absl::OkStatus();
      });
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kListOutcomes),
      request.referral_id(), listed));
  return response;
}

}  // namespace nhs::tobacco::pathway
