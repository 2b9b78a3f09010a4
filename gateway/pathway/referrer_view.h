#ifndef GATEWAY_PATHWAY_REFERRER_VIEW_H_
#define GATEWAY_PATHWAY_REFERRER_VIEW_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "gateway/security/access_policy.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"
#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::pathway {

// How a prescription request relates to organisations, for the access
// policy, with who referred the patient. A request does not carry its
// referrer (it is the referral's, and never amended), so it is read from
// the referral, once per referral (a list reads a page of requests that
// often share one).
class PrescriptionViews {
 public:
  explicit PrescriptionViews(store::ReadTransaction& tx) : tx_(tx) {}

  absl::StatusOr<security::RecordView> Of(const v1::PrescriptionRequest& p);

 private:
  store::ReadTransaction& tx_;
  absl::flat_hash_map<std::string, std::string> referrer_of_;
};

// What `caller` is shown of a request it may read: everything, or, when it
// relates to it only as the referrer, the request without the clinical
// letter text (domain/referrer_redaction.h).
void ShowTo(const security::Principal& caller, const security::RecordView& view,
            v1::PrescriptionRequest& request);
void ShowTo(const security::Principal& caller, const security::RecordView& view,
            v1::TimelineEvent& event);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_REFERRER_VIEW_H_
