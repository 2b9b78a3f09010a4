#include "gateway/security/principal.h"

#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::security {
namespace {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};

std::string SubjectField(X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return "";
  // A second value for the same field is ambiguous: refuse it.
  if (X509_NAME_get_index_by_NID(name, nid, index) >= 0) return "";
  ASN1_STRING* data =
      X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string value(reinterpret_cast<char*>(utf8), length);
  OPENSSL_free(utf8);
  return value;
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kGp:
      return "gp";
    case Role::kPharmacy:
      return "pharmacy";
    case Role::kMentalHealthTrust:
      return "mental_health_trust";
    case Role::kTobaccoService:
      return "tobacco_service";
    case Role::kIntegrator:
      return "integrator";
    case Role::kAdmin:
      return "admin";
    case Role::kDevelopment:
      return "development";
    case Role::kGateway:
      return "gateway";
    case Role::kTalkingTherapies:
      return "talking_therapies";
    case Role::kLocalAuthority:
      return "local_authority";
    case Role::kVoluntarySector:
      return "voluntary_sector";
    case Role::kIcbCommissioner:
      return "icb_commissioner";
  }
  return "unknown";
}

absl::Span<const Role> CertificateRoles() {
  static constexpr Role kRoles[] = {
      Role::kGp, Role::kPharmacy, Role::kMentalHealthTrust,
      Role::kTobaccoService, Role::kIntegrator, Role::kAdmin,
      // referrers
      Role::kTalkingTherapies, Role::kLocalAuthority, Role::kVoluntarySector,
      // reports (issue 14)
      Role::kIcbCommissioner};
  return kRoles;
}

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  for (Role role : CertificateRoles()) {
    if (RoleName(role) == name) return role;
  }
  return absl::UnauthenticatedError(
      absl::StrCat("client certificate names an unknown role \"", name,
                   "\" in its subject OU"));
}

absl::StatusOr<Principal> PrincipalFromCertificatePem(absl::string_view pem) {
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509, X509Deleter> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::UnauthenticatedError("client certificate does not parse");
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  Principal principal;
  principal.ods_code = SubjectField(subject, NID_organizationName);
  if (!domain::ValidateOdsCode(principal.ods_code).ok()) {
    return absl::UnauthenticatedError(
        "client certificate subject O must hold exactly one ODS code");
  }
  const std::string role = SubjectField(subject, NID_organizationalUnitName);
  absl::StatusOr<Role> parsed = ParseRole(role);
  if (!parsed.ok()) return parsed.status();
  principal.role = *parsed;
  principal.display_name = SubjectField(subject, NID_commonName);
  return principal;
}

Principal DevelopmentPrincipal() {
  return Principal{"DEV", Role::kDevelopment, "development (no TLS)"};
}

const Principal& GatewayPrincipal() {
  static const Principal* gateway =
      new Principal{"GATEWAY", Role::kGateway, "the gateway itself"};
  return *gateway;
}

}  // namespace nhs::tobacco::security
