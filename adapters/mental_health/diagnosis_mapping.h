#ifndef ADAPTERS_MENTAL_HEALTH_DIAGNOSIS_MAPPING_H_
#define ADAPTERS_MENTAL_HEALTH_DIAGNOSIS_MAPPING_H_

#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::mental_health {

// Maps one coded diagnosis (DG1-3: identifier and coding system) to the
// gateway's coarse diagnosis category. SNOMED CT codes are the ones the
// domain reference confirms (schizophrenia 58214004, bipolar disorder
// 13746004, psychotic disorder 69322001); ICD-10 is matched by chapter F
// block, which is how trusts' clinical coding reports diagnoses. Coding
// systems: "SCT"/"SNM"/"SNOMED" and "I10"/"ICD10" (HL7 table 0396 names).
// UNSPECIFIED when the code is not recognised: the caller decides whether
// that matters (it does not: the category is optional).
v1::DiagnosisCategory DiagnosisCategoryFromCode(absl::string_view code,
                                                absl::string_view system);

// When a message carries several diagnoses, the one most relevant to
// smoking cessation support (severe mental illness first) wins.
v1::DiagnosisCategory MoreSevereCategory(v1::DiagnosisCategory a,
                                         v1::DiagnosisCategory b);

// True for a diagnosis category on the severe mental illness spectrum
// (schizophrenia, bipolar disorder, other psychosis).
bool IsSevereMentalIllness(v1::DiagnosisCategory category);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_DIAGNOSIS_MAPPING_H_
