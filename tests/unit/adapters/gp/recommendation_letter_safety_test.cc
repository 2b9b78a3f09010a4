// safety: the GP letter states the CYP1A2 safety alert and whether and when
// the prescriber was told, as it happened.
#include <string>

#include "adapters/gp/recommendation_letter.h"
#include "gateway/domain/timestamps.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::gp {
namespace {

using ::nhs::tobacco::testing::SampleReferral;
using ::nhs::tobacco::testing::SampleRequest;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(RecommendationLetterSafetyTest, SaysWhetherAndWhenThePrescriberWasTold) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_cyp1a2_safety_alert(true);
  v1::SafetyAlertNotice* notice = r.mutable_safety_alert_notice();
  notice->mutable_prescriber()->set_ods_code("RX9");
  notice->set_state(v1::SAFETY_ALERT_STATE_SENT);
  *notice->mutable_raised_at() =
      domain::ToTimestamp(absl::FromUnixSeconds(1795861805));
  *notice->mutable_sent_at() =
      domain::ToTimestamp(absl::FromUnixSeconds(1795861805));
  EXPECT_THAT(RecommendationLetterXhtml(r, SampleReferral()),
              HasSubstr("prescriber (RX9) was alerted on 2026-11-28"));

  r.mutable_safety_alert_notice()->clear_prescriber();
  r.mutable_safety_alert_notice()->clear_sent_at();
  const std::string none = RecommendationLetterXhtml(r, SampleReferral());
  EXPECT_THAT(none, HasSubstr("was not alerted (no route to the prescriber)"));
  EXPECT_THAT(none, Not(HasSubstr("was alerted on")));
}

TEST(RecommendationLetterSafetyTest, SaysNothingOfAnAlertWithoutOne) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_cyp1a2_safety_alert(false);
  EXPECT_THAT(RecommendationLetterXhtml(r, SampleReferral()),
              Not(HasSubstr("prescriber")));
}

}  // namespace
}  // namespace nhs::tobacco::gp
