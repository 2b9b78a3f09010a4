#ifndef GATEWAY_PATHWAY_REFERRAL_USE_CASES_H_
#define GATEWAY_PATHWAY_REFERRAL_USE_CASES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/pathway_options.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::pathway {

// What any edge may ask about referrals. Each entry point authorises
// `caller` against the record it reads (in the transaction of the change,
// for writes), writes the audit row for success and for refusal, and
// scopes lists to what the caller may read. A missing referral and a
// forbidden one give the same PERMISSION_DENIED. Writes are idempotent on
// (operation, request_id) and answer through `reply` once durable; reads
// answer on the calling thread. Thread-safe.
class ReferralUseCases {
 public:
  virtual ~ReferralUseCases() = default;

  // The timeline's actor is the caller's organisation and the edge's
  // adapter, never what the body claims.
  virtual void CreateReferral(const Caller& caller,
                              const v1::CreateReferralRequest& request,
                              Reply<v1::Referral> reply) = 0;
  // INVALID_ARGUMENT when the request's actor names another organisation.
  virtual void UpdateReferralStatus(
      const Caller& caller, const v1::UpdateReferralStatusRequest& request,
      Reply<v1::Referral> reply) = 0;
  // Whether `caller` may send referral messages as `sender_ods` (the
  // sending organisation a message names, e.g. HL7 MSH-4) on an edge only
  // `sender_role` may use: PERMISSION_DENIED (audited as CreateReferral)
  // naming the reason otherwise.
  virtual absl::Status AuthorizeSender(const Caller& caller,
                                       absl::string_view sender_ods,
                                       security::Role sender_role) = 0;
  virtual absl::StatusOr<v1::Referral> GetReferral(
      const Caller& caller, absl::string_view referral_id) = 0;
  // A restricted caller lists only its own organisation's referrals
  // (PERMISSION_DENIED for another ods_code), and of those only the ones it
  // may read.
  virtual absl::StatusOr<v1::ListReferralsResponse> ListReferrals(
      const Caller& caller, const v1::ListReferralsRequest& request) = 0;

  // Amendment (issue 12, amend part).
  // Changes the fields update_mask names (domain/referral_amendment.h);
  // a withdrawal of consent discards and cancels what it must
  // (consent_withdrawal.h) in the same transaction. ABORTED when
  // expected_version is set and stale.
  virtual void UpdateReferral(const Caller& caller,
                              const v1::UpdateReferralRequest& request,
                              Reply<v1::Referral> reply) = 0;
  // The referral's events and its requests' events the caller may read
  // (kReadReferral on the referral, kReadPrescription on each request),
  // oldest first.
  virtual absl::StatusOr<v1::GetReferralTimelineResponse> GetReferralTimeline(
      const Caller& caller, absl::string_view referral_id) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_REFERRAL_USE_CASES_H_
