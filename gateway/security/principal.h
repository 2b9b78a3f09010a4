#ifndef GATEWAY_SECURITY_PRINCIPAL_H_
#define GATEWAY_SECURITY_PRINCIPAL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::security {

enum class Role {
  kGp,
  kPharmacy,
  kMentalHealthTrust,
  kTobaccoService,
  kIntegrator,
  kAdmin,
  // Plaintext development mode only (grpc.allow_insecure): unrestricted.
  kDevelopment,
  // The gateway acting on its own behalf (deadline scan, outbox, retention).
  // Never parsed from a certificate: only GatewayPrincipal() has it.
  kGateway,
};

// Who is calling: an organisation (ODS code) acting in a role. Comes only
// from a verified client certificate (or the explicit development mode).
struct Principal {
  std::string ods_code;
  Role role = Role::kIntegrator;
  std::string display_name;
};

// "gp", "pharmacy", "mental_health_trust", "tobacco_service", "integrator",
// "admin", "development", "gateway". ParseRole accepts only the roles a
// certificate may name: never "development" or "gateway".
absl::string_view RoleName(Role role);
absl::StatusOr<Role> ParseRole(absl::string_view name);

// The principal a client certificate names: ODS code from the subject's O,
// role from its OU, display name from CN (certs/make_dev_certs.sh documents
// the layout). UNAUTHENTICATED when the PEM does not parse or the fields are
// missing or malformed. Pure: chain and revocation checks happen in the TLS
// handshake before this is called.
absl::StatusOr<Principal> PrincipalFromCertificatePem(absl::string_view pem);

// The unrestricted principal of plaintext development mode.
Principal DevelopmentPrincipal();

// The gateway itself, as the audit log names its system work.
const Principal& GatewayPrincipal();

}  // namespace nhs::tobacco::security

#endif  // GATEWAY_SECURITY_PRINCIPAL_H_
