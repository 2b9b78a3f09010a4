#include "gateway/pathway/care_pathway.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/time/civil_time.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/engagement_rules.h"
#include "gateway/domain/quit_date_rules.h"
#include "gateway/domain/referral_state_machine.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/record_access.h"
#include "gateway/pathway/record_ids.h"
#include "gateway/pathway/safety_alerts.h"

namespace nhs::tobacco::pathway {
namespace {

using security::Operation;

absl::CivilDay Today(absl::Time now) {
  return absl::ToCivilDay(now, absl::UTCTimeZone());
}

// The referral `referral_id` the caller may act on with `op`, or the
// refusal (a missing and a forbidden referral look the same).
absl::StatusOr<v1::Referral> AuthorizedReferral(store::ReadTransaction& tx,
                                                const Caller& caller,
                                                Operation op,
                                                const std::string& id) {
  ASSIGN_OR_RETURN(std::optional<v1::Referral> referral, tx.GetReferral(id));
  RETURN_IF_ERROR(AuthorizeRecord(caller.principal, op, referral,
                                  NotFound("referral", id)));
  return *std::move(referral);
}

// Sets the quit date on `referral` (checked): the record, its event, the
// referral's copy, and the move to treatment, all in the transaction of
// the SetQuitDate write. A trigger on the quit date (the CYP1A2 safety
// alert) belongs at the end, in the same transaction: it sees the stored
// record (previous_quit_date set on an amendment) and the updated referral.
absl::Status ApplyQuitDate(store::WriteTransaction& tx,
                           const PathwayOptions& options,
                           v1::Referral& referral, const v1::QuitDate& record,
                           absl::Time now) {
  RETURN_IF_ERROR(tx.InsertQuitDate(record));
  RETURN_IF_ERROR(tx.AppendEvent(domain::QuitDateSetEvent(record)).status());
  *referral.mutable_quit_date() = record;
  *referral.mutable_updated_at() = domain::ToTimestamp(now);
  const v1::ReferralStatus next =
      domain::StatusAfterQuitDate(referral.status());
  if (next != referral.status()) {
    domain::ApplyReferralStatus(referral, next);
    referral.set_status_reason("quit date set");
    v1::TimelineEvent moved;
    moved.set_type(v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED);
    moved.set_referral_id(referral.referral_id());
    moved.set_referral_status(next);
    *moved.mutable_occurred_at() = record.set_at();
    *moved.mutable_actor() = record.set_by();
    moved.set_note("quit date set");
    RETURN_IF_ERROR(tx.AppendEvent(moved).status());
  }
  RETURN_IF_ERROR(tx.UpdateReferral(referral));
  // safety: levels rise within days of the quit date: the prescriber is
  // alerted when it is set, and again when it moves (not for the same date
  // set twice).
  if (record.quit_date() != record.previous_quit_date()) {
    SafetyAlertCause cause;
    cause.trigger = v1::SAFETY_ALERT_TRIGGER_QUIT_DATE;
    cause.trigger_date = record.quit_date();
    cause.actor = record.set_by();
    RETURN_IF_ERROR(RaiseSafetyAlert(tx, referral, cause, options.routes,
                                     options.safety_acknowledge_within, now)
                        .status());
  }
  return absl::OkStatus();
}

}  // namespace

CarePathway::CarePathway(AuditedWrites& writes, PathwayOptions options)
    : writes_(writes), options_(std::move(options)) {}

void CarePathway::SetQuitDate(const Caller& caller,
                              const v1::SetQuitDateRequest& request,
                              Reply<v1::Referral> reply) {
  const absl::Time now = writes_.clock().Now();
  auto actor = std::make_shared<v1::Actor>();
  writes_.Write<v1::Referral>(
      caller,
      {std::string(security::OperationName(Operation::kSetQuitDate)),
       request.referral_id()},
      request.request_id(), request,
      [&options = options_, caller, request, now, actor](
          store::WriteTransaction& tx, AuditTarget&) -> absl::Status {
        RETURN_IF_ERROR(AuthorizedReferral(tx, caller, Operation::kSetQuitDate,
                                           request.referral_id())
                            .status());
        RETURN_IF_ERROR(domain::ValidateSetQuitDate(
            request, options.max_text_length, Today(now)));
        ASSIGN_OR_RETURN(
            *actor, ActorOf(caller, Operation::kSetQuitDate, request.actor(),
                            "actor.organisation.ods_code"));
        return absl::OkStatus();
      },
      [&options = options_, caller, request, now,
       actor](store::WriteTransaction& tx) -> absl::StatusOr<v1::Referral> {
        ASSIGN_OR_RETURN(v1::Referral referral,
                         AuthorizedReferral(tx, caller, Operation::kSetQuitDate,
                                            request.referral_id()));
        RETURN_IF_ERROR(domain::CheckQuitDateAllowed(referral));
        v1::QuitDate record;
        record.set_quit_date_id(NewRecordId("qd"));
        record.set_referral_id(referral.referral_id());
        record.set_quit_date(request.quit_date());
        *record.mutable_set_by() = *actor;
        *record.mutable_set_at() = domain::ToTimestamp(now);
        record.set_note(request.note());
        record.set_previous_quit_date(referral.quit_date().quit_date());
        RETURN_IF_ERROR(ApplyQuitDate(tx, options, referral, record, now));
        return referral;
      },
      std::move(reply));
}

void CarePathway::RecordContact(const Caller& caller,
                                const v1::RecordContactRequest& request,
                                Reply<v1::Contact> reply) {
  const absl::Time now = writes_.clock().Now();
  auto actor = std::make_shared<v1::Actor>();
  writes_.Write<v1::Contact>(
      caller,
      {std::string(security::OperationName(Operation::kRecordContact)),
       request.referral_id()},
      request.request_id(), request,
      [&options = options_, caller, request, now, actor](
          store::WriteTransaction& tx, AuditTarget&) -> absl::Status {
        RETURN_IF_ERROR(AuthorizedReferral(tx, caller,
                                           Operation::kRecordContact,
                                           request.referral_id())
                            .status());
        RETURN_IF_ERROR(domain::ValidateRecordContact(
            request, options.max_text_length, Today(now)));
        ASSIGN_OR_RETURN(
            *actor, ActorOf(caller, Operation::kRecordContact, request.actor(),
                            "actor.organisation.ods_code"));
        return absl::OkStatus();
      },
      [caller, request, now,
       actor](store::WriteTransaction& tx) -> absl::StatusOr<v1::Contact> {
        ASSIGN_OR_RETURN(
            v1::Referral referral,
            AuthorizedReferral(tx, caller, Operation::kRecordContact,
                               request.referral_id()));
        RETURN_IF_ERROR(domain::CheckContactAllowed(referral));
        v1::Contact contact;
        contact.set_contact_id(NewRecordId("con"));
        contact.set_referral_id(referral.referral_id());
        contact.set_outcome(request.outcome());
        contact.set_mode(request.mode());
        contact.set_contact_date(request.contact_date());
        *contact.mutable_recorded_by() = *actor;
        contact.set_note(request.note());
        *contact.mutable_created_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.InsertContact(contact));
        RETURN_IF_ERROR(
            tx.AppendEvent(domain::ContactEvent(v1::EVENT_TYPE_CONTACT_RECORDED,
                                                contact))
                .status());
        const domain::EngagementStep step = domain::AfterContact(
            {referral.disengaged(), referral.missed_contacts_in_a_row()},
            contact.outcome());
        if (step.change == domain::EngagementChange::kDisengaged) {
          RETURN_IF_ERROR(
              tx.AppendEvent(
                    domain::ContactEvent(v1::EVENT_TYPE_DISENGAGED, contact))
                  .status());
        } else if (step.change == domain::EngagementChange::kReEngaged) {
          RETURN_IF_ERROR(
              tx.AppendEvent(
                    domain::ContactEvent(v1::EVENT_TYPE_RE_ENGAGED, contact))
                  .status());
        }
        if (!(step.after ==
              domain::Engagement{referral.disengaged(),
                                 referral.missed_contacts_in_a_row()})) {
          referral.set_disengaged(step.after.disengaged);
          referral.set_missed_contacts_in_a_row(step.after.missed_in_a_row);
          *referral.mutable_updated_at() = domain::ToTimestamp(now);
          RETURN_IF_ERROR(tx.UpdateReferral(referral));
        }
        return contact;
      },
      std::move(reply));
}

}  // namespace nhs::tobacco::pathway
