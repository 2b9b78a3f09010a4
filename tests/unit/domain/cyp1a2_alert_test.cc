#include <string>
#include <vector>

#include "gateway/domain/cyp1a2_medicines.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Medicine {
  std::string name;
  bool flagged;
};

struct AlertCase {
  std::string name;
  std::vector<Medicine> medicines;
  bool alert;
};

TEST(NeedsCyp1a2SafetyAlertTest, AlertsWhenAnyMedicineIsFlagged) {
  const std::vector<AlertCase> cases = {
      {"no mental health medicines", {}, false},
      {"only unflagged medicines",
       {{"Sertraline", false}, {"Quetiapine", false}},
       false},
      {"a flagged medicine among others",
       {{"Sertraline", false}, {"Clozapine 100mg tablets", true}},
       true},
      {"a medicine the referrer flagged", {{"Fluvoxamine", true}}, true},
      // The flag, not the name, decides: the use case flags names first.
      {"a sensitive name not yet flagged", {{"Olanzapine", false}}, false},
  };
  for (const AlertCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Referral referral;
    for (const Medicine& m : c.medicines) {
      v1::PsychiatricMedicine* medicine =
          referral.mutable_mental_health()->add_medicines();
      medicine->set_name(m.name);
      medicine->set_cyp1a2_sensitive(m.flagged);
    }
    EXPECT_EQ(NeedsCyp1a2SafetyAlert(referral), c.alert);
  }
}

TEST(NeedsCyp1a2SafetyAlertTest, FollowsFlaggingFromTheDefaultList) {
  v1::Referral referral;
  referral.mutable_mental_health()->add_medicines()->set_name(
      "OLANZAPINE 10mg");
  EXPECT_FALSE(NeedsCyp1a2SafetyAlert(referral));
  FlagCyp1a2Medicines(*referral.mutable_mental_health(),
                      DefaultCyp1a2Medicines());
  EXPECT_TRUE(NeedsCyp1a2SafetyAlert(referral));
}

TEST(Cyp1a2AlertTextTest, NamesTheReviewAndTheMedicineClassNotThePatient) {
  EXPECT_EQ(kCyp1a2AlertReasonCode, "CYP1A2_LEVEL_REVIEW");
  EXPECT_EQ(kCyp1a2AlertNote,
            "Patient takes a medicine whose level rises when smoking stops "
            "(e.g. clozapine, olanzapine): the prescriber and mental health "
            "team should review levels.");
  EXPECT_THAT(std::string(kCyp1a2AlertNote), Not(HasSubstr("NHS")));
}

}  // namespace
}  // namespace nhs::tobacco::domain
