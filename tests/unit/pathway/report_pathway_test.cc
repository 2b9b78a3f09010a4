// The report use cases' refusals, audit and scoping that need no data
// (reports, issue 14): who may ask at all, exact figures only for the
// console, invalid requests, an ICB with nothing mapped to it. The figures
// themselves are integration_report_test's (a data set built through the
// API) and the builders' unit tests'.
#include "gateway/pathway/report_pathway.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/pathway/pathway_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

class ReportPathwayTest : public PathwayTest {
 protected:
  void SetUp() override {
    PathwayTest::SetUp();
    v1::GatewayConfig config;
    v1::OrganisationConfig* gp = config.add_organisations();
    gp->set_ods_code("Y90001");
    gp->set_icb_ods_code("QE1");
    auto calendar = domain::DeadlinePolicy::FromConfig(v1::DeadlineConfig());
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    reports_ = std::make_unique<ReportPathway>(
        *writes_, ReportOptions::FromConfig(config, *std::move(calendar)));
  }
  void TearDown() override {
    reports_.reset();
    PathwayTest::TearDown();
  }

  static v1::ReportRequest Period() {
    v1::ReportRequest r;
    r.set_from("2026-04-01");
    r.set_to("2026-06-30");
    return r;
  }

  std::unique_ptr<ReportPathway> reports_;
};

TEST_F(ReportPathwayTest, AdminAndOtherRolesAreRefusedAndAudited) {
  for (security::Role role :
       {security::Role::kAdmin, security::Role::kPharmacy,
        security::Role::kMentalHealthTrust, security::Role::kIntegrator,
        security::Role::kTalkingTherapies}) {
    EXPECT_THAT(reports_->GetOutcomeReport(As("ORG01", role), Period()),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << security::RoleName(role);
    EXPECT_THAT(reports_->GetPathwayReport(As("ORG01", role), Period()),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << security::RoleName(role);
  }
  const v1::AuditRecord row =
      LastAudit("GetPathwayReport", "PERMISSION_DENIED");
  EXPECT_EQ(row.record_id(), "report:pathway");
  EXPECT_EQ(row.ods_code(), "ORG01");
}

TEST_F(ReportPathwayTest, ExactFiguresOnlyForAServiceWithANamedPractitioner) {
  v1::ReportRequest exact = Period();
  exact.set_disclosure(v1::DISCLOSURE_EXACT);
  auto refused = reports_->GetOutcomeReport(Service(), exact);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(refused.status().message(), HasSubstr("exact figures"));
  EXPECT_EQ(LastAudit("GetOutcomeReport", "PERMISSION_DENIED").record_id(),
            "report:outcomes");
  // A GP practice or an ICB never, named person or not.
  Caller gp = Gp();
  gp.principal.practitioner = {"GMC", "1234567", "Dr A GP"};
  EXPECT_THAT(reports_->GetOutcomeReport(gp, exact),
              StatusIs(absl::StatusCode::kPermissionDenied));
  Caller icb = As("QE1", security::Role::kIcbCommissioner);
  icb.principal.practitioner = {"GMC", "1234567", "Dr A Commissioner"};
  EXPECT_THAT(reports_->GetPathwayReport(icb, exact),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(ReportPathwayTest, AnInvalidRequestIsRefusedAndAudited) {
  v1::ReportRequest bad = Period();
  bad.set_to("2026-03-01");
  EXPECT_THAT(reports_->GetOutcomeReport(Service(), bad),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(LastAudit("GetOutcomeReport", "INVALID_ARGUMENT").ods_code(),
            "TDS01");
}

TEST_F(ReportPathwayTest, AnIcbWithNothingMappedGetsAnEmptyReport) {
  auto report = reports_->GetOutcomeReport(
      As("QE9", security::Role::kIcbCommissioner), Period());
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->header().scope(), "ICB QE9 (0 organisations)");
  EXPECT_EQ(report->header().from(), "2026-04-01");
  EXPECT_EQ(report->header().disclosure(), v1::DISCLOSURE_CONTROLLED);
  EXPECT_TRUE(report->header().has_generated_at());
  ASSERT_EQ(report->rows_size(), 1);
  EXPECT_TRUE(report->rows(0).total());
  EXPECT_EQ(report->rows(0).referrals_received().value(), 0);
  EXPECT_FALSE(report->rows(0).referrals_received().suppressed());
  const v1::AuditRecord row = LastAudit("GetOutcomeReport", "OK");
  EXPECT_EQ(row.role(), "icb_commissioner");
  EXPECT_EQ(row.record_id(), "report:outcomes");
}

}  // namespace
}  // namespace nhs::tobacco::pathway
