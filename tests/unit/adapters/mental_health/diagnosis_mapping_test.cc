#include "adapters/mental_health/diagnosis_mapping.h"

#include "gtest/gtest.h"

namespace nhs::tobacco::mental_health {
namespace {

TEST(DiagnosisMappingTest, ConfirmedSnomedCodesMapToTheirCategories) {
  EXPECT_EQ(DiagnosisCategoryFromCode("58214004", "SCT"),
            v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA);
  EXPECT_EQ(DiagnosisCategoryFromCode("13746004", "SCT"),
            v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER);
  EXPECT_EQ(DiagnosisCategoryFromCode("69322001", "SNM"),
            v1::DIAGNOSIS_CATEGORY_OTHER_PSYCHOSIS);
}

TEST(DiagnosisMappingTest, Icd10BlocksMapWithOrWithoutTheDot) {
  EXPECT_EQ(DiagnosisCategoryFromCode("F20.9", "I10"),
            v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA);
  EXPECT_EQ(DiagnosisCategoryFromCode("F319", "I10"),
            v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER);
  EXPECT_EQ(DiagnosisCategoryFromCode("F25.0", "ICD10"),
            v1::DIAGNOSIS_CATEGORY_OTHER_PSYCHOSIS);
  EXPECT_EQ(DiagnosisCategoryFromCode("F32.1", "I10"),
            v1::DIAGNOSIS_CATEGORY_DEPRESSION);
  EXPECT_EQ(DiagnosisCategoryFromCode("F60.3", "I10"),
            v1::DIAGNOSIS_CATEGORY_PERSONALITY_DISORDER);
}

TEST(DiagnosisMappingTest, UnknownCodeOrSystemIsUnspecified) {
  EXPECT_EQ(DiagnosisCategoryFromCode("12345", "SCT"),
            v1::DIAGNOSIS_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(DiagnosisCategoryFromCode("58214004", "L"),
            v1::DIAGNOSIS_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(DiagnosisCategoryFromCode("J45", "I10"),
            v1::DIAGNOSIS_CATEGORY_UNSPECIFIED);
}

TEST(DiagnosisMappingTest, SevereMentalIllnessWinsOverOtherDiagnoses) {
  EXPECT_EQ(MoreSevereCategory(v1::DIAGNOSIS_CATEGORY_DEPRESSION,
                               v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA),
            v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA);
  EXPECT_EQ(MoreSevereCategory(v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER,
                               v1::DIAGNOSIS_CATEGORY_UNSPECIFIED),
            v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER);
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
