#include "adapters/fhir/inbound_common.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/systems.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::fhir {

std::string RequestIdFor(const MessageBundle& message) {
  return absl::StrCat("fhir:", Absl(message.message_key));
}

std::string SubjectNhsNumber(const MessageBundle& message,
                             const BundleEntry& resource,
                             domain::Violations& v) {
  JsonElement subject;
  const std::string subject_path = absl::StrCat(resource.Path(), ".subject");
  if (!Member(resource.resource, "subject", &subject)) {
    v.Add(subject_path, "is required (the Patient)");
    return "";
  }
  // A logical reference by NHS number is as good as a Patient entry.
  std::string_view nhs =
      IdentifierValue(subject, "identifier", kNhsNumberSystem);
  std::string path = absl::StrCat(subject_path, ".identifier.value");
  if (nhs.empty()) {
    const BundleEntry* patient = message.Resolve(Str(subject, "reference"));
    if (patient == nullptr || patient->resource_type != "Patient") {
      v.Add(absl::StrCat(subject_path, ".reference"),
            "must point at a Patient entry in the Bundle");
      return "";
    }
    JsonArray ids;
    int i = 0;
    if (Array(patient->resource, "identifier", &ids)) {
      for (JsonElement id : ids) {
        if (Str(id, "system") == kNhsNumberSystem) {
          nhs = Str(id, "value");
          path = absl::StrCat(patient->Path(), ".identifier[", i, "].value");
          break;
        }
        ++i;
      }
    }
    if (nhs.empty()) {
      v.Add(absl::StrCat(patient->Path(), ".identifier"),
            absl::StrCat("an NHS number (system ", kNhsNumberSystem,
                         ") is required"));
      return "";
    }
  }
  const std::string number = domain::NormaliseNhsNumber(Absl(nhs));
  if (absl::Status s = domain::ValidateNhsNumber(number); !s.ok()) {
    v.Add(path, s.message());
    return "";
  }
  return number;
}

v1::Organisation ReferencedOrganisation(const MessageBundle& message,
                                        JsonElement reference_holder,
                                        absl::string_view path,
                                        domain::Violations& v) {
  v1::Organisation org;
  std::string_view ods =
      IdentifierValue(reference_holder, "identifier", kOdsOrganizationSystem);
  std::string ods_path = absl::StrCat(path, ".identifier.value");
  if (ods.empty()) {
    const BundleEntry* entry =
        message.Resolve(Str(reference_holder, "reference"));
    if (entry == nullptr || entry->resource_type != "Organization") {
      v.Add(path, "must reference an Organization with an ODS code");
      return org;
    }
    ods =
        IdentifierValue(entry->resource, "identifier", kOdsOrganizationSystem);
    ods_path = absl::StrCat(entry->Path(), ".identifier");
    org.set_name(std::string(Str(entry->resource, "name")));
  }
  if (absl::Status s = domain::ValidateOdsCode(Absl(ods)); !s.ok()) {
    v.Add(ods_path, ods.empty()
                        ? absl::StrCat("an ODS code (system ",
                                       kOdsOrganizationSystem, ") is required")
                        : std::string(s.message()));
    return v1::Organisation();
  }
  org.set_ods_code(std::string(ods));
  return org;
}

v1::ProfessionalRegister RegisterFor(std::string_view system) {
  if (system == kGmcSystem) return v1::PROFESSIONAL_REGISTER_GMC;
  if (system == kNmcSystem) return v1::PROFESSIONAL_REGISTER_NMC;
  if (system == kGphcSystem) return v1::PROFESSIONAL_REGISTER_GPHC;
  if (system == kHcpcSystem) return v1::PROFESSIONAL_REGISTER_HCPC;
  if (system == kSdsUserSystem) return v1::PROFESSIONAL_REGISTER_SDS_USER;
  return v1::PROFESSIONAL_REGISTER_LOCAL;
}

v1::Practitioner ReferencedPractitioner(const MessageBundle& message,
                                        JsonElement reference) {
  v1::Practitioner p;
  JsonElement holder = reference;
  JsonElement identifier;
  const BundleEntry* entry = message.Resolve(Str(reference, "reference"));
  if (entry != nullptr && entry->resource_type == "PractitionerRole") {
    JsonElement practitioner;
    if (Member(entry->resource, "practitioner", &practitioner)) {
      entry = message.Resolve(Str(practitioner, "reference"));
      if (entry == nullptr) holder = practitioner;
    }
  }
  if (entry != nullptr && entry->resource_type == "Practitioner") {
    JsonArray ids;
    if (Array(entry->resource, "identifier", &ids)) {
      for (JsonElement id : ids) {
        identifier = id;
        break;
      }
    }
    JsonArray names;
    if (Array(entry->resource, "name", &names)) {
      for (JsonElement n : names) {
        std::string name(Str(n, "text"));
        if (name.empty()) {
          JsonArray given;
          if (Array(n, "given", &given)) {
            for (JsonElement g : given) {
              std::string_view s;
              if (g.get(s) == simdjson::SUCCESS) {
                absl::StrAppend(&name, Absl(s), " ");
              }
            }
          }
          absl::StrAppend(&name, Absl(Str(n, "family")));
        }
        p.set_display_name(name);
        break;
      }
    }
  } else if (!Member(holder, "identifier", &identifier)) {
    return p;
  }
  if (identifier.is_object()) {
    p.set_identifier(std::string(Str(identifier, "value")));
    p.set_register_(RegisterFor(Str(identifier, "system")));
  }
  if (p.display_name().empty()) {
    p.set_display_name(std::string(Str(reference, "display")));
  }
  if (p.identifier().empty()) return v1::Practitioner();
  return p;
}

}  // namespace nhs::tobacco::fhir
