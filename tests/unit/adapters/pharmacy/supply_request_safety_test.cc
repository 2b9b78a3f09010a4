// safety: the supply request says only what happened to the CYP1A2 safety
// alert: alerted (and when), raised but not yet taken, or not alerted.
#include <string>
#include <vector>

#include "adapters/pharmacy/supply_request_message.h"
#include "gateway/domain/timestamps.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::pharmacy {
namespace {

using ::nhs::tobacco::testing::SampleReferral;
using ::nhs::tobacco::testing::SampleRequest;
using ::testing::HasSubstr;
using ::testing::Not;

std::string SupplyRequestText(const v1::SafetyAlertNotice* notice) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_route(v1::ROUTE_PHARMACY_SUPPLY);
  r.set_cyp1a2_safety_alert(true);
  if (notice != nullptr) *r.mutable_safety_alert_notice() = *notice;
  v1::Organisation pharmacy;
  pharmacy.set_ods_code("FZZ99");
  fhir::MessageContext c;
  c.message_id = "0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0003";
  c.timestamp = absl::FromUnixSeconds(1795861805);
  auto b = BuildPharmacyMessage(r, SampleReferral(), pharmacy, c);
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? b->dump() : "";
}

struct WordingCase {
  std::string name;
  bool has_notice;
  std::string prescriber;
  bool sent;
  std::string says;
};

TEST(SupplyRequestSafetyTest, StatesOnlyWhatHappenedToTheAlert) {
  const absl::Time raised = absl::FromUnixSeconds(1795861805);
  const std::vector<WordingCase> cases = {
      {"no alert record", false, "", false,
       "was not alerted (no route to the prescriber)"},
      {"no route to a prescriber", true, "", false,
       "was not alerted (no route to the prescriber)"},
      {"raised, not yet taken", true, "RX9", false,
       "their system has not yet confirmed receiving it"},
      {"taken by the prescriber's system", true, "RX9", true,
       "prescriber (RX9) was alerted on 2026-11-28"},
  };
  for (const WordingCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::SafetyAlertNotice notice;
    notice.mutable_prescriber()->set_ods_code(c.prescriber);
    notice.set_state(c.sent ? v1::SAFETY_ALERT_STATE_SENT
                            : v1::SAFETY_ALERT_STATE_RAISED);
    *notice.mutable_raised_at() = domain::ToTimestamp(raised);
    if (c.sent) *notice.mutable_sent_at() = domain::ToTimestamp(raised);
    const std::string text =
        SupplyRequestText(c.has_notice ? &notice : nullptr);
    EXPECT_THAT(text, HasSubstr(c.says));
    EXPECT_THAT(text, Not(HasSubstr("has been asked to review")));
  }
}

}  // namespace
}  // namespace nhs::tobacco::pharmacy
