#include "gateway/pathway/outcome_pathway.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"
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
        // care (issue 12): the outcome rules, checked against the referral
        // as this transaction sees it.
        RETURN_IF_ERROR(
            domain::CheckRecordableOutcomeStatus(request.outcome().status()));
        RETURN_IF_ERROR(domain::CheckReachedTreatment(*referral));
        ASSIGN_OR_RETURN(std::string quit_date,
                         domain::OutcomeQuitDate(request.outcome(), *referral));
        RETURN_IF_ERROR(domain::CheckFollowUpWindow(
            request.outcome().follow_up(), quit_date,
            request.outcome().recorded_on(), options.follow_up));
        *outcome = request.outcome();
        outcome->set_quit_date(quit_date);
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

// By referral (as before), or by organisation and period (care, issue
// 12): a restricted caller lists only outcomes on referrals that concern
// its own organisation (ods_code narrows them further), and of those only
// the ones whose referral it may read.
absl::StatusOr<v1::ListOutcomesResponse> OutcomePathway::ListOutcomes(
    const Caller& caller, const v1::ListOutcomesRequest& request) {
  v1::ListOutcomesRequest scoped = request;
  const bool restricted =
      !Unrestricted(caller.principal, Operation::kReadOutcomes);
  const std::string audited_id =
      scoped.referral_id().empty() ? scoped.ods_code() : scoped.referral_id();
  domain::Violations v;
  if (!scoped.ods_code().empty()) {
    if (absl::Status s = domain::ValidateOdsCode(scoped.ods_code()); !s.ok()) {
      v.Add("ods_code", s.message());
    }
  }
  for (const auto& [field, date] :
       {std::pair<const char*, std::string>{"recorded_from",
                                            scoped.recorded_from()},
        {"recorded_to", scoped.recorded_to()}}) {
    if (date.empty()) continue;
    if (absl::Status s = domain::ValidateIsoDate(date); !s.ok()) {
      v.Add(field, s.message());
    }
  }
  if (!scoped.recorded_from().empty() && !scoped.recorded_to().empty() &&
      scoped.recorded_from() > scoped.recorded_to()) {
    v.Add("recorded_to", "must not be before recorded_from");
  }
  if (scoped.page_size() < 0) v.Add("page_size", "must not be negative");
  v1::ListOutcomesResponse response;
  absl::Status listed = v.ToStatus("invalid list request");
  if (listed.ok()) {
    listed =
        writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
          if (!scoped.referral_id().empty()) {
            // One referral: refused as a whole when the caller may not read
            // it (a missing and a forbidden referral look the same).
            ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                             tx.GetReferral(scoped.referral_id()));
            RETURN_IF_ERROR(AuthorizeRecord(
                caller.principal, Operation::kReadOutcomes, referral,
                NotFound("referral", scoped.referral_id())));
          }
          store::OutcomeQuery query;
          query.referral_id = scoped.referral_id();
          query.ods_code = scoped.ods_code();
          if (restricted) query.scope_ods = caller.principal.ods_code;
          query.recorded_from = scoped.recorded_from();
          query.recorded_to = scoped.recorded_to();
          query.limit = PageSize(options_, scoped.page_size());
          query.cursor = scoped.page_token();
          ASSIGN_OR_RETURN(store::Page<v1::Outcome> page,
                           tx.ListOutcomesPage(query));
          std::map<std::string, bool> readable;
          for (auto& o : page.items) {
            if (restricted) {
              auto it = readable.find(o.referral_id());
              if (it == readable.end()) {
                ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                                 tx.GetReferral(o.referral_id()));
                const bool ok = referral.has_value() &&
                                security::Authorize(caller.principal,
                                                    Operation::kReadOutcomes,
                                                    security::ViewOf(*referral))
                                    .ok();
                it = readable.emplace(o.referral_id(), ok).first;
              }
              if (!it->second) continue;
            }
            *response.add_outcomes() = std::move(o);
          }
          response.set_next_page_token(page.next_cursor);
          return absl::OkStatus();
        });
  }
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kListOutcomes),
      audited_id, listed));
  return response;
}

}  // namespace nhs::tobacco::pathway
