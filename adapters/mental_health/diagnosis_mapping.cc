#include "adapters/mental_health/diagnosis_mapping.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gateway/domain/identifier_systems.h"

namespace nhs::tobacco::mental_health {
namespace {

bool IsSnomed(absl::string_view system) {
  return absl::EqualsIgnoreCase(system, "SCT") ||
         absl::EqualsIgnoreCase(system, "SNM") ||
         absl::EqualsIgnoreCase(system, "SNOMED") ||
         absl::EqualsIgnoreCase(system, "SNOMEDCT") ||
         absl::EqualsIgnoreCase(system, domain::kSnomedSystem);
}

bool IsIcd10(absl::string_view system) {
  return absl::EqualsIgnoreCase(system, "I10") ||
         absl::EqualsIgnoreCase(system, "ICD10") ||
         absl::EqualsIgnoreCase(system, "ICD-10");
}

v1::DiagnosisCategory FromSnomed(absl::string_view code) {
  if (code == "58214004") return v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA;
  if (code == "13746004") return v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER;
  if (code == "69322001") return v1::DIAGNOSIS_CATEGORY_OTHER_PSYCHOSIS;
  return v1::DIAGNOSIS_CATEGORY_UNSPECIFIED;
}

// ICD-10 chapter V blocks, e.g. "F20.9" or "F209".
v1::DiagnosisCategory FromIcd10(absl::string_view code) {
  std::string c = absl::AsciiStrToUpper(code);
  if (c.size() < 3 || c[0] != 'F' || !absl::ascii_isdigit(c[1]) ||
      !absl::ascii_isdigit(c[2])) {
    return v1::DIAGNOSIS_CATEGORY_UNSPECIFIED;
  }
  const int block = (c[1] - '0') * 10 + (c[2] - '0');
  if (block == 20) return v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA;
  if (block == 31) return v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER;
  if (block >= 21 && block <= 29) return v1::DIAGNOSIS_CATEGORY_OTHER_PSYCHOSIS;
  if (block == 30) return v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER;  // mania
  if (block == 32 || block == 33) return v1::DIAGNOSIS_CATEGORY_DEPRESSION;
  if (block >= 40 && block <= 41) return v1::DIAGNOSIS_CATEGORY_ANXIETY;
  if (block == 50) return v1::DIAGNOSIS_CATEGORY_EATING_DISORDER;
  if (block == 60) return v1::DIAGNOSIS_CATEGORY_PERSONALITY_DISORDER;
  if (block >= 10 && block <= 19) return v1::DIAGNOSIS_CATEGORY_SUBSTANCE_USE;
  return v1::DIAGNOSIS_CATEGORY_OTHER;
}

int Rank(v1::DiagnosisCategory c) {
  switch (c) {
    case v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA:
      return 10;
    case v1::DIAGNOSIS_CATEGORY_OTHER_PSYCHOSIS:
      return 9;
    case v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER:
      return 8;
    case v1::DIAGNOSIS_CATEGORY_UNSPECIFIED:
      return 0;
    case v1::DIAGNOSIS_CATEGORY_NONE:
      return 1;
    case v1::DIAGNOSIS_CATEGORY_OTHER:
      return 2;
    default:
      return 5;
  }
}

}  // namespace

v1::DiagnosisCategory DiagnosisCategoryFromCode(absl::string_view code,
                                                absl::string_view system) {
  code = absl::StripAsciiWhitespace(code);
  if (IsSnomed(system)) return FromSnomed(code);
  if (IsIcd10(system)) return FromIcd10(code);
  return v1::DIAGNOSIS_CATEGORY_UNSPECIFIED;
}

v1::DiagnosisCategory MoreSevereCategory(v1::DiagnosisCategory a,
                                         v1::DiagnosisCategory b) {
  return Rank(b) > Rank(a) ? b : a;
}

bool IsSevereMentalIllness(v1::DiagnosisCategory category) {
  return category == v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA ||
         category == v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER ||
         category == v1::DIAGNOSIS_CATEGORY_OTHER_PSYCHOSIS;
}

}  // namespace nhs::tobacco::mental_health
