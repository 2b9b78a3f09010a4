#include "gateway/pathway/deadline_scan.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/domain/timestamps.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/pathway/use_case_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;

class DeadlineScanTest : public UseCaseTest {
 protected:
  void SetUp() override {
    UseCaseTest::SetUp();
    v1::DeadlineConfig config;
    v1::StateDeadline* recommended = config.add_deadlines();
    recommended->set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
    recommended->set_hours(4);
    config.set_expire_after_days(28);
    auto deadlines = domain::DeadlinePolicy::FromConfig(config);
    ASSERT_TRUE(deadlines.ok()) << deadlines.status();
    scan_ = std::make_unique<DeadlineScan>(
        *store_, *deadlines, domain::DeliveryRoutes(), clock_,
        ::nhs::tobacco::testing::TestAuditKeys());
    // A referral, and a GP recommendation for it made now, due in four hours.
    v1::Referral r;
    r.set_referral_id("ref-1");
    r.mutable_referrer()->set_ods_code("RX9");
    r.mutable_service()->set_ods_code("TDS01");
    r.mutable_gp_practice()->set_ods_code("Y90001");
    r.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    *r.mutable_created_at() = domain::ToTimestamp(clock_.Now());
    v1::PrescriptionRequest p;
    p.set_prescription_id("rx-1");
    p.set_referral_id("ref-1");
    p.set_route(v1::ROUTE_GP_PRESCRIPTION);
    p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
    p.mutable_target()->set_ods_code("Y90001");
    p.mutable_service()->set_ods_code("TDS01");
    *p.mutable_created_at() = domain::ToTimestamp(clock_.Now());
    *p.mutable_updated_at() = p.created_at();
    *p.mutable_due_at() = domain::ToTimestamp(clock_.Now() + absl::Hours(4));
    p.set_version(1);
    ASSERT_THAT(Write([&](store::WriteTransaction& tx) {
                  absl::Status referred = tx.InsertReferral(r);
                  if (!referred.ok()) return referred;
                  return tx.InsertPrescription(p);
                }),
                IsOk());
  }
  void TearDown() override {
    scan_.reset();
    UseCaseTest::TearDown();
  }

  v1::PrescriptionRequest Stored() {
    std::optional<v1::PrescriptionRequest> p;
    EXPECT_THAT(store_->Read([&](store::ReadTransaction& tx) -> absl::Status {
      auto got = tx.GetPrescription("rx-1");
      if (!got.ok()) return got.status();
      p = *got;
      return absl::OkStatus();
    }),
                IsOk());
    return p.value_or(v1::PrescriptionRequest());
  }

  std::vector<v1::EventType> Events() {
    std::vector<v1::EventType> types;
    EXPECT_THAT(store_->Read([&](store::ReadTransaction& tx) -> absl::Status {
      store::EventQuery query;
      query.prescription_id = "rx-1";
      auto events = tx.ListEvents(query);
      if (!events.ok()) return events.status();
      for (const auto& e : *events) types.push_back(e.type());
      return absl::OkStatus();
    }),
                IsOk());
    return types;
  }

  std::unique_ptr<DeadlineScan> scan_;
};

TEST_F(DeadlineScanTest, MissedDeadlineRaisesOverdueOnceAuditedAsTheGateway) {
  clock_.Advance(absl::Hours(3));
  EXPECT_THAT(scan_->Scan(security::GatewayPrincipal()), IsOkAndHolds(0));
  EXPECT_TRUE(AuditRows().empty()) << "a pass that changes nothing is quiet";
  clock_.Advance(absl::Hours(2));
  EXPECT_THAT(scan_->Scan(security::GatewayPrincipal()), IsOkAndHolds(1));
  EXPECT_TRUE(Stored().overdue());
  // Unsent when it went overdue: it waited on the gateway (reports).
  EXPECT_EQ(Stored().first_overdue_waiting_on(), "GATEWAY");
  EXPECT_THAT(Events(), ::testing::ElementsAre(v1::EVENT_TYPE_OVERDUE));
  EXPECT_EQ(LastAuditRow(), "GATEWAY gateway RaiseOverdue rx-1 OK");

  clock_.Advance(absl::Hours(1));
  EXPECT_THAT(scan_->Scan(security::GatewayPrincipal()), IsOkAndHolds(0))
      << "raised once only";
  EXPECT_EQ(Events().size(), 1u);
  EXPECT_EQ(AuditRows().size(), 1u);
}

TEST_F(DeadlineScanTest, RequestNeverActedOnExpiresAuditedAsTheGateway) {
  clock_.Advance(absl::Hours(24 * 28));
  EXPECT_THAT(scan_->Scan(security::GatewayPrincipal()), IsOkAndHolds(1));
  const v1::PrescriptionRequest p = Stored();
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_EXPIRED);
  EXPECT_EQ(p.status_reason(), "EXPIRED_NOT_ACTED_ON");
  EXPECT_EQ(p.version(), 2);
  EXPECT_THAT(Events(), ::testing::ElementsAre(
                            v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED));
  EXPECT_EQ(LastAuditRow(), "GATEWAY gateway Expire rx-1 OK");
  EXPECT_THAT(scan_->Scan(security::GatewayPrincipal()), IsOkAndHolds(0));
}

TEST_F(DeadlineScanTest, OnlyTheGatewayMayScanAndARefusalIsAudited) {
  clock_.Advance(absl::Hours(5));
  for (security::Role role :
       {security::Role::kAdmin, security::Role::kTobaccoService,
        security::Role::kGp}) {
    EXPECT_THAT(scan_->Scan(As(role)),
                StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_EQ(LastAuditRow(),
              absl::StrCat("ME001 ", security::RoleName(role),
                           " ScanDeadlines  PERMISSION_DENIED"));
  }
  EXPECT_FALSE(Stored().overdue()) << "a refused scan changes nothing";
  EXPECT_TRUE(Events().empty());
}

}  // namespace
}  // namespace nhs::tobacco::pathway
