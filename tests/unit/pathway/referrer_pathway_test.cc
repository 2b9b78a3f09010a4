// The referrer's view of the use cases (issue 12 items 6 and 8): a trust
// reads the requests of its referrals without the letter text, through Get,
// List, Timeline and Watch; another trust is refused as for a missing
// record; the new roles refer under their own source; ListProducts is
// authorised for every certificate role and audited.
#include "gateway/pathway/formulary_pathway.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/violated_fields.h"
#include "tests/unit/pathway/pathway_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::nhs::tobacco::testing::ViolatedFields;
using ::testing::ElementsAre;

constexpr char kLetter[] = "letter text for the GP";

class ReferrerPathwayTest : public PathwayTest {
 protected:
  // Whether an OK ListProducts audit row names `role`, within 5 s.
  bool AuditedListing(absl::string_view role) {
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    do {
      for (const v1::AuditRecord& r : AuditRows()) {
        if (r.operation() == "ListProducts" && r.role() == role &&
            r.result() == "OK") {
          return true;
        }
      }
      absl::SleepFor(absl::Milliseconds(5));
    } while (absl::Now() < give_up);
    return false;
  }

  // A pharmacy-route request with a reason, supplied with a note.
  v1::PrescriptionRequest Supplied() {
    const std::string referral = SampleReferral("ref-s");
    v1::RecommendPrescriptionRequest recommend =
        testing::SampleRecommendation("rec-s", referral, "nrt-patch-21mg-24h",
                                      v1::ROUTE_PHARMACY_SUPPLY, "FZZ99");
    recommend.set_reason(kLetter);
    auto rx = Await<v1::PrescriptionRequest>(
        [&](Reply<v1::PrescriptionRequest> reply) {
          prescriptions_->RecommendPrescription(Service(), recommend,
                                                std::move(reply));
        });
    EXPECT_THAT(rx, IsOk());
    v1::TransitionRequest step;
    step.set_prescription_id(rx->prescription_id());
    step.set_request_id("sent");
    EXPECT_THAT(Step(Service(), domain::PrescriptionAction::kMarkSent, step),
                IsOk());
    step.set_request_id("ack");
    EXPECT_THAT(
        Step(Pharmacy(), domain::PrescriptionAction::kAcknowledge, step),
        IsOk());
    step.set_request_id("supply");
    step.set_note("supplied 7 patches, patient anxious");
    auto supplied = Step(Pharmacy(), domain::PrescriptionAction::kSupply, step);
    EXPECT_THAT(supplied, IsOk());
    return *supplied;
  }
};

TEST_F(ReferrerPathwayTest, TrustReadsItsRequestWithoutTheLetterText) {
  const v1::PrescriptionRequest rx = Supplied();
  auto got = prescriptions_->GetPrescription(Trust(), rx.prescription_id());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->status(), v1::PRESCRIPTION_STATUS_SUPPLIED);
  EXPECT_EQ(got->reason(), "");
  EXPECT_EQ(LastAudit("GetPrescription").result(), "OK");
  // The target reads it whole.
  auto whole =
      prescriptions_->GetPrescription(Pharmacy(), rx.prescription_id());
  ASSERT_THAT(whole, IsOk());
  EXPECT_EQ(whole->reason(), kLetter);

  auto timeline = prescriptions_->GetTimeline(Trust(), rx.prescription_id());
  ASSERT_THAT(timeline, IsOk());
  ASSERT_GE(timeline->events_size(), 4);
  for (const auto& e : timeline->events()) EXPECT_EQ(e.note(), "");

  v1::ListPrescriptionsRequest list;
  auto listed = prescriptions_->ListPrescriptions(Trust(), list);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->prescriptions_size(), 1);
  EXPECT_EQ(listed->prescriptions(0).prescription_id(), rx.prescription_id());
  EXPECT_EQ(listed->prescriptions(0).reason(), "");

  v1::WatchEventsRequest watch;
  watch.set_referral_id(rx.referral_id());
  auto stream = prescriptions_->WatchEvents(Trust(), watch);
  ASSERT_THAT(stream, IsOk());
  auto batch = (*stream)->Next(0, 1000);
  ASSERT_THAT(batch, IsOk());
  int about_request = 0;
  for (const auto& e : batch->visible) {
    if (e.prescription_id() != rx.prescription_id()) continue;
    ++about_request;
    EXPECT_EQ(e.note(), "") << e.sequence();
  }
  EXPECT_GE(about_request, 4);
}

TEST_F(ReferrerPathwayTest, AnotherTrustIsRefusedAsForAMissingRecord) {
  const v1::PrescriptionRequest rx = Supplied();
  const Caller other = As("RX8", security::Role::kMentalHealthTrust);
  auto refused = prescriptions_->GetPrescription(other, rx.prescription_id());
  auto missing = prescriptions_->GetPrescription(other, "rx-none");
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(refused.status(), missing.status());
  EXPECT_EQ(prescriptions_->GetTimeline(other, rx.prescription_id()).status(),
            prescriptions_->GetTimeline(other, "rx-none").status());
  auto listed =
      prescriptions_->ListPrescriptions(other, v1::ListPrescriptionsRequest());
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->prescriptions_size(), 0);
  v1::WatchEventsRequest watch;
  auto stream = prescriptions_->WatchEvents(other, watch);
  ASSERT_THAT(stream, IsOk());
  auto batch = (*stream)->Next(0, 1000);
  ASSERT_THAT(batch, IsOk());
  EXPECT_TRUE(batch->visible.empty());
}

TEST_F(ReferrerPathwayTest, TalkingTherapiesRefersUnderItsOwnSource) {
  const Caller tt = As("TT001", security::Role::kTalkingTherapies);
  v1::CreateReferralRequest request = testing::SampleReferralRequest("tt-1");
  request.mutable_referral()->mutable_referrer()->set_ods_code("TT001");
  request.mutable_referral()->clear_source();
  auto created = CreateReferral(tt, request);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->source(), v1::REFERRAL_SOURCE_TALKING_THERAPIES);

  request.set_request_id("tt-2");
  request.mutable_referral()->set_source(v1::REFERRAL_SOURCE_GP);
  auto refused = CreateReferral(tt, request);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(refused.status()), ElementsAre("referral.source"));
  EXPECT_EQ(LastAudit("CreateReferral", "INVALID_ARGUMENT").ods_code(),
            "TT001");
}

TEST_F(ReferrerPathwayTest, EveryCertificateRoleListsProductsAndIsAudited) {
  FormularyPathway formulary(*writes_, formulary_);
  for (security::Role role : security::CertificateRoles()) {
    const Caller caller = As("ME001", role);
    auto listed = formulary.ListProducts(caller, v1::ListProductsRequest());
    ASSERT_THAT(listed, IsOk()) << security::RoleName(role);
    ASSERT_EQ(listed->products_size(), 1);
    EXPECT_EQ(listed->products(0).product().product_id(), "nrt-patch-21mg-24h");
    EXPECT_EQ(listed->products(0).routes_size(), 3);
    // Read audits are written after the answer: wait for this one's row.
    EXPECT_TRUE(AuditedListing(security::RoleName(role)))
        << security::RoleName(role);
  }
  // Only certificate roles: the gateway itself reads no catalogue.
  EXPECT_THAT(formulary.ListProducts(Gateway(), v1::ListProductsRequest()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ListProductsRequest bad;
  bad.set_route(static_cast<v1::Route>(9));
  auto refused = formulary.ListProducts(Gp(), bad);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(refused.status()), ElementsAre("route"));
  EXPECT_EQ(LastAudit("ListProducts", "INVALID_ARGUMENT").ods_code(), "Y90001");
}

}  // namespace
}  // namespace nhs::tobacco::pathway
