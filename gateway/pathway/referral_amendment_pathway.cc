// ReferralPathway's amendment and referral timeline (issue 12, amend part):
// UpdateReferral with a field mask, consent withdrawal, GetReferralTimeline.
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/referral_amendment.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/consent_withdrawal.h"
#include "gateway/pathway/record_access.h"
#include "gateway/pathway/referral_pathway.h"
#include "gateway/pathway/referrer_view.h"

namespace nhs::tobacco::pathway {
namespace {

using security::Operation;

bool Changed(const domain::Amendment& a, absl::string_view path) {
  for (const std::string& p : a.changed_paths) {
    if (p == path) return true;
  }
  return false;
}

}  // namespace

void ReferralPathway::UpdateReferral(const Caller& caller,
                                     const v1::UpdateReferralRequest& request,
                                     Reply<v1::Referral> reply) {
  const absl::Time now = writes_.clock().Now();
  const domain::ValidationLimits limits{
      options_.max_text_length, absl::ToCivilDay(now, absl::UTCTimeZone())};
  writes_.Write<v1::Referral>(
      caller,
      {std::string(security::OperationName(Operation::kUpdateReferral)),
       request.referral_id()},
      request.request_id(), request,
      [caller, request](store::WriteTransaction& tx,
                        AuditTarget&) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> current,
                         tx.GetReferral(request.referral_id()));
        RETURN_IF_ERROR(AuthorizeRecord(
            caller.principal, Operation::kUpdateReferral, current,
            NotFound("referral", request.referral_id())));
        return domain::ValidateUpdateReferral(request);
      },
      [&options = options_, caller, request, limits,
       now](store::WriteTransaction& tx) -> absl::StatusOr<v1::Referral> {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> current,
                         tx.GetReferral(request.referral_id()));
        if (!current.has_value()) {
          return NotFound("referral", request.referral_id());
        }
        if (request.expected_version() != 0 &&
            request.expected_version() != current->version()) {
          return absl::AbortedError(absl::StrCat(
              "the referral is at version ", current->version(), ", not ",
              request.expected_version(),
              ": another change came first; read it again and retry"));
        }
        ASSIGN_OR_RETURN(domain::Amendment amendment,
                         domain::AmendReferral(*current, request, limits,
                                               options.cyp1a2_medicines));
        if (amendment.changed_paths.empty()) return *current;
        v1::Referral& updated = amendment.amended;
        updated.set_version(current->version() + 1);
        *updated.mutable_updated_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.UpdateReferral(updated));

        v1::Actor actor;
        actor.mutable_organisation()->set_ods_code(caller.principal.ods_code);
        actor.set_adapter(caller.adapter);
        std::vector<std::string> notes;
        for (domain::ConsentParty party : amendment.withdrawn) {
          ASSIGN_OR_RETURN(WithdrawalEffect effect,
                           WithdrawConsent(tx, *current, updated, party, actor,
                                           options.routes, now));
          notes.push_back(absl::StrCat(
              "consent withdrawn (", domain::ConsentPartyName(party),
              "): ", effect.discarded, " undelivered message(s) discarded, ",
              effect.cancelled, " request(s) cancelled"));
        }
        if (Changed(amendment, "gp_practice") ||
            Changed(amendment, "consent.share_with_gp")) {
          RETURN_IF_ERROR(SyncPracticeOnRequests(tx, updated, now));
        }
        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_REFERRAL_AMENDED);
        event.set_referral_id(updated.referral_id());
        event.set_referral_status(updated.status());
        *event.mutable_occurred_at() = updated.updated_at();
        *event.mutable_actor() = actor;
        for (const std::string& path : amendment.changed_paths) {
          event.add_changed_paths(path);
        }
        event.set_note(absl::StrCat(
            "amended: ", absl::StrJoin(amendment.changed_paths, ", "),
            notes.empty() ? "" : "; ", absl::StrJoin(notes, "; ")));
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        return updated;
      },
      std::move(reply));
}

absl::StatusOr<v1::GetReferralTimelineResponse>
ReferralPathway::GetReferralTimeline(const Caller& caller,
                                     absl::string_view referral_id) {
  v1::GetReferralTimelineResponse response;
  absl::Status read =
      writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                         tx.GetReferral(referral_id));
        RETURN_IF_ERROR(
            AuthorizeRecord(caller.principal, Operation::kGetReferralTimeline,
                            referral, NotFound("referral", referral_id)));
        // How the caller relates to each request (nullopt: it may not read
        // it), asked once per request; a referrer sees requests that follow
        // its referral without the letter text (referrer_view.h).
        PrescriptionViews views(tx);
        absl::flat_hash_map<std::string, std::optional<security::RecordView>>
            readable;
        store::EventQuery query;
        query.referral_id = std::string(referral_id);
        query.limit = 1000;
        while (true) {
          ASSIGN_OR_RETURN(std::vector<v1::TimelineEvent> events,
                           tx.ListEvents(query));
          for (v1::TimelineEvent& e : events) {
            query.after_sequence = e.sequence();
            if (!e.prescription_id().empty()) {
              auto [it, inserted] = readable.try_emplace(e.prescription_id());
              if (inserted) {
                ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> p,
                                 tx.GetPrescription(e.prescription_id()));
                if (p.has_value()) {
                  ASSIGN_OR_RETURN(security::RecordView view, views.Of(*p));
                  if (security::Authorize(caller.principal,
                                          Operation::kReadPrescription, view)
                          .ok()) {
                    it->second = std::move(view);
                  }
                }
              }
              if (!it->second.has_value()) continue;
              ShowTo(caller.principal, *it->second, e);
            }
            *response.add_events() = std::move(e);
          }
          if (static_cast<int>(events.size()) < query.limit) break;
        }
        return absl::OkStatus();
      });
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal,
      security::OperationName(Operation::kGetReferralTimeline), referral_id,
      read));
  return response;
}

}  // namespace nhs::tobacco::pathway
