#include "gateway/pathway/record_access.h"

#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::pathway {

bool Unrestricted(const security::Principal& caller, security::Operation op) {
  return security::Authorize(caller, op, security::RecordView()).ok();
}

absl::Status AuthorizeView(const security::Principal& caller,
                           security::Operation op,
                           const security::RecordView* view,
                           const absl::Status& missing) {
  if (view != nullptr) return security::Authorize(caller, op, *view);
  if (Unrestricted(caller, op)) return missing;
  // Word for word what Authorize() says to a caller not entitled to an
  // existing record, so the text gives nothing away either.
  return absl::PermissionDeniedError(absl::StrCat(
      security::OperationName(op), " refused for ", caller.ods_code, " (",
      security::RoleName(caller.role), "): ", security::kNotEntitled));
}

v1::Practitioner PractitionerOf(const security::NamedPractitioner& named) {
  v1::Practitioner p;
  if (named.empty()) return p;
  v1::ProfessionalRegister reg = v1::PROFESSIONAL_REGISTER_UNSPECIFIED;
  if (v1::ProfessionalRegister_Parse(
          absl::StrCat("PROFESSIONAL_REGISTER_", named.register_code), &reg)) {
    p.set_register_(reg);
  }
  p.set_identifier(named.number);
  p.set_display_name(named.display_name);
  return p;
}

v1::Actor WithCallerPractitioner(const Caller& caller, v1::Actor requested) {
  if (caller.adapter == kConsoleAdapter ||
      !caller.principal.practitioner.empty()) {
    // A browser cannot vouch for a person in the body: only the session's
    // sign-in (or, later, an NHS CIS2 login) names one.
    *requested.mutable_practitioner() =
        PractitionerOf(caller.principal.practitioner);
  }
  return requested;
}

absl::StatusOr<v1::Actor> ActorOf(const Caller& caller, security::Operation op,
                                  const v1::Actor& requested,
                                  absl::string_view field) {
  v1::Actor actor = WithCallerPractitioner(caller, requested);
  actor.set_adapter(caller.adapter);
  if (Unrestricted(caller.principal, op)) return actor;
  const std::string& named = requested.organisation().ods_code();
  if (!named.empty() && named != caller.principal.ods_code) {
    return domain::InvalidArgumentWithViolations(
        "invalid actor",
        {{std::string(field),
          absl::StrCat("names ", named, "; a change is made in the name of ",
                       caller.principal.ods_code,
                       ", the organisation of the client certificate")}});
  }
  actor.mutable_organisation()->set_ods_code(caller.principal.ods_code);
  return actor;
}

absl::Status NotFound(absl::string_view what, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
}

}  // namespace nhs::tobacco::pathway
