#ifndef GATEWAY_PATHWAY_RECORD_ACCESS_H_
#define GATEWAY_PATHWAY_RECORD_ACCESS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/pathway/caller.h"
#include "gateway/security/access_policy.h"
#include "gateway/security/operations.h"
#include "gateway/security/principal.h"
#include "nhs/tobacco/v1/common.pb.h"

namespace nhs::tobacco::pathway {

using security::OperationFor;

// Whether the policy lets `caller` perform `op` on any record at all (the
// development and gateway principals): such a caller sees NOT_FOUND for a
// missing record, lists are not scoped for it, and it may act in any
// organisation's name.
bool Unrestricted(const security::Principal& caller, security::Operation op);

// OK when `caller` may perform `op` on the record seen through `view`
// (null = no such record). A missing record and a forbidden one give the
// same PERMISSION_DENIED, so the answer never reveals whether a record
// exists; only an unrestricted caller gets `missing` (NOT_FOUND).
absl::Status AuthorizeView(const security::Principal& caller,
                           security::Operation op,
                           const security::RecordView* view,
                           const absl::Status& missing);

template <typename Record>
absl::Status AuthorizeRecord(const security::Principal& caller,
                             security::Operation op,
                             const std::optional<Record>& record,
                             const absl::Status& missing,
                             bool holds_eps_id = false) {
  if (!record.has_value()) return AuthorizeView(caller, op, nullptr, missing);
  security::RecordView view = security::ViewOf(*record);
  view.holds_eps_id = holds_eps_id;
  return AuthorizeView(caller, op, &view, missing);
}

// The practitioner a principal names, as the timeline records one
// (register "GMC" -> PROFESSIONAL_REGISTER_GMC); empty when it names none.
v1::Practitioner PractitionerOf(const security::NamedPractitioner& named);

// `requested` with the person the edge established: for the console
// (issue 13) the session's practitioner, or none, whatever the body says;
// for any other edge the principal's practitioner when it names one, else
// the body's as before.
v1::Actor WithCallerPractitioner(const Caller& caller, v1::Actor requested);

// The timeline actor of a change `caller` makes: the request's actor with
// its organisation the caller's (a request naming another organisation is
// INVALID_ARGUMENT on `field`, e.g. "actor.organisation.ods_code"), the
// adapter the edge's and the person WithCallerPractitioner gives. An
// unrestricted caller (development mode) acts in the name the request
// gives.
absl::StatusOr<v1::Actor> ActorOf(const Caller& caller, security::Operation op,
                                  const v1::Actor& requested,
                                  absl::string_view field);

// "NOT_FOUND: <what> <id> not found".
absl::Status NotFound(absl::string_view what, absl::string_view id);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_RECORD_ACCESS_H_
