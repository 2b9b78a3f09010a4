#ifndef GATEWAY_SECURITY_PRINCIPAL_H_
#define GATEWAY_SECURITY_PRINCIPAL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

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
  // The gateway acting on its own behalf (deadline scan, outbox, retention):
  // unrestricted, and never parsed from a certificate.
  kGateway,
  // Referrers (issue 12): organisations that refer and follow what became
  // of their referrals, and nothing else.
  kTalkingTherapies,  // an NHS Talking Therapies service
  kLocalAuthority,    // a local authority (e.g. public health, social care)
  kVoluntarySector,   // a voluntary, community or social enterprise service
  // Reports (issue 14): an integrated care board's commissioners (the
  // certificate's O is the ICB's ODS code). Reads the reports over every
  // organisation mapped to its ICB in the registry, and nothing else.
  kIcbCommissioner,
};

// The person acting for the organisation, where one is known: today
// self-asserted in the web console (issue 13), later from an NHS CIS2
// login. `register_code` is a ProfessionalRegister name (e.g. "GMC",
// "NMC", "GPHC"); all empty when no person is named.
struct NamedPractitioner {
  std::string register_code;
  std::string number;
  std::string display_name;

  bool empty() const { return number.empty(); }
};

// Who is calling: an organisation (ODS code) acting in a role. Comes only
// from a verified client certificate (or the explicit development mode).
// `practitioner` is set only by an edge that established a person
// (HttpPrincipalSource for the console); programs leave it empty.
struct Principal {
  std::string ods_code;
  Role role = Role::kIntegrator;
  std::string display_name;
  NamedPractitioner practitioner;
};

// "gp", "pharmacy", "mental_health_trust", "tobacco_service", "integrator",
// "admin", "development", "gateway", "talking_therapies", "local_authority",
// "voluntary_sector", "icb_commissioner".
absl::string_view RoleName(Role role);
// Never yields kDevelopment or kGateway: no certificate can claim them.
absl::StatusOr<Role> ParseRole(absl::string_view name);

// The roles a certificate (OU) or the organisation registry (role) may
// name, in the order ParseRole knows them.
absl::Span<const Role> CertificateRoles();

// The principal a client certificate names: ODS code from the subject's O,
// role from its OU, display name from CN (certs/make_dev_certs.sh documents
// the layout). UNAUTHENTICATED when the PEM does not parse or the fields are
// missing or malformed. Pure: chain and revocation checks happen in the TLS
// handshake before this is called.
absl::StatusOr<Principal> PrincipalFromCertificatePem(absl::string_view pem);

// The unrestricted principal of plaintext development mode.
Principal DevelopmentPrincipal();

// The gateway itself (role kGateway, ODS code "GATEWAY"): who the audit log
// names for system work.
const Principal& GatewayPrincipal();

}  // namespace nhs::tobacco::security

#endif  // GATEWAY_SECURITY_PRINCIPAL_H_
