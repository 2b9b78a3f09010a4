#include "gateway/pathway/referral_pathway.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/cyp1a2_medicines.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"
#include "gateway/domain/referral_state_machine.h"
#include "gateway/domain/request_validation.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/outbox_queue.h"
#include "gateway/pathway/record_access.h"
#include "gateway/pathway/record_ids.h"

namespace nhs::tobacco::pathway {
namespace {

using security::Operation;

domain::ValidationLimits LimitsAt(const PathwayOptions& options,
                                  absl::Time now) {
  return {options.max_text_length, absl::ToCivilDay(now, absl::UTCTimeZone())};
}

// Who the timeline says created a referral: the referrer (and its
// practitioner) when the caller is the referrer, otherwise the caller's
// organisation (a tobacco service filing for a trust).
v1::Actor CreatorOf(const Caller& caller, const v1::Referral& referral) {
  v1::Actor actor;
  *actor.mutable_organisation() = referral.referrer();
  *actor.mutable_practitioner() = referral.referring_practitioner();
  if (!Unrestricted(caller.principal, Operation::kCreateReferral) &&
      referral.referrer().ods_code() != caller.principal.ods_code) {
    actor.Clear();
    actor.mutable_organisation()->set_ods_code(caller.principal.ods_code);
  }
  actor.set_adapter(caller.adapter);
  return actor;
}

// A caller filing a referral in another organisation's name (a tobacco
// service filing for its referrer) may name only an organisation the
// registry says it takes referrals from: otherwise any organisation could
// be shown a referral it never made.
absl::Status CheckReferrer(const Caller& caller, const v1::Referral& referral,
                           const domain::ReferrerRegistry& referrers) {
  const std::string& referrer = referral.referrer().ods_code();
  if (Unrestricted(caller.principal, Operation::kCreateReferral) ||
      referrer.empty() || referrer == caller.principal.ods_code) {
    return absl::OkStatus();
  }
  if (referrers.TakesReferralsFrom(caller.principal.ods_code, referrer)) {
    return absl::OkStatus();
  }
  return domain::InvalidArgumentWithViolations(
      "invalid referrer",
      {{"referral.referrer.ods_code",
        absl::StrCat("names ", referrer,
                     ", which the organisation registry "
                     "does not list as an organisation ",
                     caller.principal.ods_code, " takes referrals from")}});
}

}  // namespace

ReferralPathway::ReferralPathway(AuditedWrites& writes, PathwayOptions options)
    : writes_(writes), options_(std::move(options)) {}

void ReferralPathway::CreateReferral(const Caller& caller,
                                     const v1::CreateReferralRequest& request,
                                     Reply<v1::Referral> reply) {
  const absl::Time now = writes_.clock().Now();
  writes_.Write<v1::Referral>(
      caller,
      {std::string(security::OperationName(Operation::kCreateReferral)), ""},
      request.request_id(), request,
      [&options = options_, caller, request, now](
          store::WriteTransaction&, AuditTarget&) -> absl::Status {
        // A creating operation is checked against the record as it will
        // be: a trust creates only referrals it sends.
        RETURN_IF_ERROR(
            security::Authorize(caller.principal, Operation::kCreateReferral,
                                security::ViewOf(request.referral())));
        RETURN_IF_ERROR(
            domain::ValidateCreateReferral(request, LimitsAt(options, now)));
        return CheckReferrer(caller, request.referral(), options.referrers);
      },
      [&options = options_, caller, request,
       now](store::WriteTransaction& tx) -> absl::StatusOr<v1::Referral> {
        v1::Referral referral = request.referral();
        referral.mutable_patient()->set_nhs_number(
            domain::NormaliseNhsNumber(referral.patient().nhs_number()));
        domain::FlagCyp1a2Medicines(*referral.mutable_mental_health(),
                                    options.cyp1a2_medicines);
        referral.set_referral_id(NewRecordId("ref"));
        referral.set_status(v1::REFERRAL_STATUS_RECEIVED);
        referral.clear_status_reason();
        *referral.mutable_created_at() = domain::ToTimestamp(now);
        *referral.mutable_updated_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.InsertReferral(referral));
        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_REFERRAL_CREATED);
        event.set_referral_id(referral.referral_id());
        event.set_referral_status(referral.status());
        *event.mutable_occurred_at() = referral.created_at();
        *event.mutable_actor() = CreatorOf(caller, referral);
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        return referral;
      },
      std::move(reply));
}

void ReferralPathway::UpdateReferralStatus(
    const Caller& caller, const v1::UpdateReferralStatusRequest& request,
    Reply<v1::Referral> reply) {
  const absl::Time now = writes_.clock().Now();
  auto actor = std::make_shared<v1::Actor>();
  writes_.Write<v1::Referral>(
      caller,
      {std::string(security::OperationName(Operation::kUpdateReferralStatus)),
       request.referral_id()},
      request.request_id(), request,
      [&options = options_, caller, request, now, actor](
          store::WriteTransaction& tx, AuditTarget&) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> current,
                         tx.GetReferral(request.referral_id()));
        RETURN_IF_ERROR(AuthorizeRecord(
            caller.principal, Operation::kUpdateReferralStatus, current,
            NotFound("referral", request.referral_id())));
        RETURN_IF_ERROR(domain::ValidateUpdateReferralStatus(
            request, LimitsAt(options, now)));
        ASSIGN_OR_RETURN(
            *actor, ActorOf(caller, Operation::kUpdateReferralStatus,
                            request.actor(), "actor.organisation.ods_code"));
        return absl::OkStatus();
      },
      [&options = options_, request, now,
       actor](store::WriteTransaction& tx) -> absl::StatusOr<v1::Referral> {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> current,
                         tx.GetReferral(request.referral_id()));
        if (!current.has_value()) {
          return NotFound("referral", request.referral_id());
        }
        RETURN_IF_ERROR(
            domain::CheckReferralStatusChange(*current, request.status()));
        v1::Referral updated = *current;
        domain::ApplyReferralStatus(updated, request.status());
        updated.set_status_reason(request.reason());
        *updated.mutable_updated_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.UpdateReferral(updated));
        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED);
        event.set_referral_id(updated.referral_id());
        event.set_referral_status(updated.status());
        *event.mutable_occurred_at() = updated.updated_at();
        *event.mutable_actor() = *actor;
        event.set_note(request.reason());
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        // Reopening after ON_HOLD (care) is no new answer to the referrer.
        if (current->status() != v1::REFERRAL_STATUS_ON_HOLD) {
          RETURN_IF_ERROR(QueueMessages(
              tx, domain::PlanReferralStatusChange(updated, options.routes),
              {.referral = &updated}, now));
        }
        return updated;
      },
      std::move(reply));
}

absl::Status ReferralPathway::AuthorizeSender(const Caller& caller,
                                              absl::string_view sender_ods,
                                              security::Role sender_role) {
  if (Unrestricted(caller.principal, Operation::kCreateReferral)) {
    return absl::OkStatus();
  }
  // The certificate, not the message, says who is sending: the two must
  // agree, so one trust can never file referrals as another.
  std::string why;
  if (caller.principal.role != sender_role) {
    why = absl::StrCat("the sender's client certificate has role ",
                       security::RoleName(caller.principal.role), "; only a ",
                       security::RoleName(sender_role),
                       " may send these messages");
  } else if (sender_ods != caller.principal.ods_code) {
    why =
        absl::StrCat("does not match the ODS code ", caller.principal.ods_code,
                     " of the sender's client certificate");
  }
  if (why.empty()) return absl::OkStatus();
  absl::Status denied = absl::PermissionDeniedError(why);
  writes_.AuditFailure(caller.principal,
                       security::OperationName(Operation::kCreateReferral), "",
                       denied);
  return denied;
}

absl::StatusOr<v1::Referral> ReferralPathway::GetReferral(
    const Caller& caller, absl::string_view referral_id) {
  std::optional<v1::Referral> found;
  absl::Status read =
      writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(found, tx.GetReferral(referral_id));
        return absl::OkStatus();
      });
  if (read.ok()) {
    read = AuthorizeRecord(caller.principal, Operation::kReadReferral, found,
                           NotFound("referral", referral_id));
  }
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kGetReferral),
      referral_id, read));
  return *std::move(found);
}

absl::StatusOr<v1::ListReferralsResponse> ReferralPathway::ListReferrals(
    const Caller& caller, const v1::ListReferralsRequest& request) {
  v1::ListReferralsRequest scoped = request;
  const bool restricted =
      !Unrestricted(caller.principal, Operation::kReadReferral);
  if (restricted) {
    // A principal lists what concerns its own organisation only.
    if (scoped.ods_code().empty())
      scoped.set_ods_code(caller.principal.ods_code);
    if (scoped.ods_code() != caller.principal.ods_code) {
      return writes_.AuditRead(
          caller.principal, security::OperationName(Operation::kListReferrals),
          scoped.ods_code(),
          absl::PermissionDeniedError("ListReferrals: an organisation may "
                                      "list only its own referrals"));
    }
  }
  domain::Violations v;
  if (!scoped.ods_code().empty()) {
    if (absl::Status s = domain::ValidateOdsCode(scoped.ods_code()); !s.ok()) {
      v.Add("ods_code", s.message());
    }
  }
  if (!v1::ReferralStatus_IsValid(scoped.status())) {
    v.Add("status", "is not a known referral status");
  }
  if (scoped.page_size() < 0) v.Add("page_size", "must not be negative");
  v1::ListReferralsResponse response;
  absl::Status listed = v.ToStatus("invalid list request");
  if (listed.ok()) {
    store::ReferralQuery query;
    query.ods_code = scoped.ods_code();
    query.status = scoped.status();
    query.disengaged_only = scoped.disengaged_only();  // care: overdue list
    query.limit = PageSize(options_, scoped.page_size());
    query.cursor = scoped.page_token();
    listed =
        writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(store::Page<v1::Referral> page,
                           tx.ListReferrals(query));
          for (auto& r : page.items) {
            if (!restricted ||
                security::Authorize(caller.principal, Operation::kReadReferral,
                                    security::ViewOf(r))
                    .ok()) {
              *response.add_referrals() = std::move(r);
            }
          }
          response.set_next_page_token(page.next_cursor);
          response.set_unreadable_skipped(
              static_cast<int32_t>(page.unreadable_ids.size()));
          return absl::OkStatus();
        });
  }
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kListReferrals),
      scoped.ods_code(), listed));
  return response;
}

}  // namespace nhs::tobacco::pathway
