#include "adapters/fhir/common_resources.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/xhtml.h"

namespace nhs::tobacco::fhir {

absl::string_view RegisterSystem(v1::ProfessionalRegister reg) {
  switch (reg) {
    case v1::PROFESSIONAL_REGISTER_GMC:
      return kGmcSystem;
    case v1::PROFESSIONAL_REGISTER_NMC:
      return kNmcSystem;
    case v1::PROFESSIONAL_REGISTER_GPHC:
      return kGphcSystem;
    case v1::PROFESSIONAL_REGISTER_HCPC:
      return kHcpcSystem;
    case v1::PROFESSIONAL_REGISTER_SDS_USER:
      return kSdsUserSystem;
    default:
      return kLocalPractitionerSystem;
  }
}

Json BuildPatient(const v1::Patient& patient, absl::string_view gp_ods_code) {
  Json p{{"resourceType", "Patient"}, {"meta", Meta(kProfilePatient)}};
  std::string name =
      absl::StrCat(patient.given_name(), " ", patient.family_name());
  if (patient.given_name().empty() && patient.family_name().empty()) {
    name = "Patient";
  }
  std::string text = absl::StrCat(EscapeXhtml(name), ", NHS number ",
                                  EscapeXhtml(patient.nhs_number()));
  if (!patient.date_of_birth().empty()) {
    absl::StrAppend(&text, ", born ", EscapeXhtml(patient.date_of_birth()));
  }
  p["text"] = Narrative(text);
  p["identifier"] =
      Json::array({Identifier(kNhsNumberSystem, patient.nhs_number())});
  if (!patient.family_name().empty() || !patient.given_name().empty()) {
    Json n{{"use", "official"}};
    if (!patient.family_name().empty()) n["family"] = patient.family_name();
    if (!patient.given_name().empty()) {
      n["given"] = Json::array({patient.given_name()});
    }
    p["name"] = Json::array({std::move(n)});
  }
  if (!patient.date_of_birth().empty()) {
    p["birthDate"] = patient.date_of_birth();
  }
  if (!gp_ods_code.empty()) {
    p["generalPractitioner"] = Json::array({Json{
        {"identifier", Identifier(kOdsOrganizationSystem, gp_ods_code)}}});
  }
  return p;
}

Json BuildOrganization(const v1::Organisation& org, absl::string_view kind) {
  const std::string& label = org.name().empty() ? org.ods_code() : org.name();
  Json o{{"resourceType", "Organization"},
         {"meta", Meta(kProfileOrganization)},
         {"text", Narrative(absl::StrCat(EscapeXhtml(label), " (ODS ",
                                         EscapeXhtml(org.ods_code()), ")"))},
         {"identifier",
          Json::array({Identifier(kOdsOrganizationSystem, org.ods_code())})},
         {"active", true}};
  if (!org.name().empty()) o["name"] = org.name();
  if (!kind.empty()) o["type"] = Json::array({TextConcept(kind)});
  return o;
}

Json BuildPractitioner(const v1::Practitioner& practitioner) {
  const std::string label = practitioner.display_name().empty()
                                ? practitioner.identifier()
                                : practitioner.display_name();
  Json p{{"resourceType", "Practitioner"},
         {"meta", Meta(kProfilePractitioner)},
         {"text", Narrative(EscapeXhtml(label))},
         {"identifier",
          Json::array({Identifier(RegisterSystem(practitioner.register_()),
                                  practitioner.identifier())})}};
  if (!practitioner.display_name().empty()) {
    p["name"] = Json::array({Json{{"text", practitioner.display_name()}}});
  }
  return p;
}

Json BuildPractitionerRole(absl::string_view practitioner_url,
                           absl::string_view organisation_url,
                           absl::string_view role_text) {
  return Json{{"resourceType", "PractitionerRole"},
              {"meta", Meta(kProfilePractitionerRole)},
              {"text", Narrative(EscapeXhtml(role_text))},
              {"practitioner", Reference(practitioner_url)},
              {"organization", Reference(organisation_url)},
              {"code", Json::array({TextConcept(role_text)})}};
}

bool DmdCodeWithheld(const v1::Product& product) {
  return !product.dmd_code().empty() && !product.dmd_verified();
}

Json MedicationConcept(const v1::Product& product) {
  if (product.kind() == v1::PRODUCT_KIND_VAPE ||
      (product.dmd_code().empty() && !product.local_code().empty())) {
    return Concept(
        Coding(kLocalProductSystem, product.local_code(), product.display()),
        product.display());
  }
  if (!product.dmd_code().empty() && product.dmd_verified()) {
    return Concept(Coding(kDmdSystem, product.dmd_code(), product.display()),
                   product.display());
  }
  return TextConcept(product.display());
}

}  // namespace nhs::tobacco::fhir
