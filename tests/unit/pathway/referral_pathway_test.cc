#include "gateway/pathway/referral_pathway.h"

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
using ::testing::HasSubstr;

using ReferralPathwayTest = PathwayTest;

v1::UpdateReferralStatusRequest Accept(const std::string& referral_id,
                                       const std::string& actor_ods,
                                       const std::string& request_id = "acc") {
  v1::UpdateReferralStatusRequest r;
  r.set_request_id(request_id);
  r.set_referral_id(referral_id);
  r.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  r.mutable_actor()->mutable_organisation()->set_ods_code(actor_ods);
  return r;
}

TEST_F(ReferralPathwayTest, ATrustCreatesItsReferralAndTheAuditNamesIt) {
  auto created = CreateReferral(Trust(), testing::SampleReferralRequest("r"));
  ASSERT_THAT(created, IsOk());
  v1::AuditRecord row = LastAudit("CreateReferral", "OK");
  EXPECT_EQ(row.ods_code(), "RX9");
  EXPECT_EQ(row.role(), "mental_health_trust");
  EXPECT_EQ(row.record_id(), created->referral_id());
  EXPECT_EQ(row.result(), "OK");
  std::vector<v1::TimelineEvent> events = Events(created->referral_id());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor().organisation().ods_code(), "RX9");
  EXPECT_EQ(events[0].actor().adapter(), "grpc");
}

TEST_F(ReferralPathwayTest, ATrustCannotCreateAReferralInAnotherTrustsName) {
  v1::CreateReferralRequest request = testing::SampleReferralRequest("r");
  request.mutable_referral()->mutable_referrer()->set_ods_code("RX8");
  EXPECT_THAT(CreateReferral(Trust(), request),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::AuditRecord row = LastAudit("CreateReferral", "PERMISSION_DENIED");
  EXPECT_EQ(row.ods_code(), "RX9");
  EXPECT_EQ(row.result(), "PERMISSION_DENIED");
}

TEST_F(ReferralPathwayTest, APharmacyCannotCreateReferrals) {
  EXPECT_THAT(CreateReferral(Pharmacy(), testing::SampleReferralRequest("r")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(LastAudit("CreateReferral", "PERMISSION_DENIED").result(),
            "PERMISSION_DENIED");
}

TEST_F(ReferralPathwayTest, TheTimelineNamesTheCallerWhenItIsNotTheReferrer) {
  auto created = CreateReferral(Service(), testing::SampleReferralRequest("r"));
  ASSERT_THAT(created, IsOk());
  std::vector<v1::TimelineEvent> events = Events(created->referral_id());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor().organisation().ods_code(), "TDS01");
}

TEST_F(ReferralPathwayTest, AServiceNamesOnlyAReferrerTheRegistryListsForIt) {
  v1::CreateReferralRequest request = testing::SampleReferralRequest("r");
  request.mutable_referral()->mutable_referrer()->set_ods_code("RX8");
  auto created = CreateReferral(Service(), request);
  EXPECT_THAT(created,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RX8")));
  EXPECT_THAT(ViolatedFields(created.status()),
              ElementsAre("referral.referrer.ods_code"));
  EXPECT_EQ(LastAudit("CreateReferral", "INVALID_ARGUMENT").ods_code(),
            "TDS01");
  // Itself it may always name.
  request.set_request_id("r2");
  request.mutable_referral()->mutable_referrer()->set_ods_code("TDS01");
  EXPECT_THAT(CreateReferral(Service(), request), IsOk());
}

TEST_F(ReferralPathwayTest, TheEdgeNotTheClientNamesTheAdapter) {
  auto created = CreateReferral(
      As("RX9", security::Role::kMentalHealthTrust, kHl7v2Adapter),
      testing::SampleReferralRequest("r"));
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(Events(created->referral_id())[0].actor().adapter(), "hl7v2");
}

TEST_F(ReferralPathwayTest, TheServiceUpdatesTheStatusAsItself) {
  const std::string id = SampleReferral();
  auto updated = Await<v1::Referral>([&](Reply<v1::Referral> reply) {
    referrals_->UpdateReferralStatus(Service(), Accept(id, "TDS01"),
                                     std::move(reply));
  });
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->status(), v1::REFERRAL_STATUS_ACCEPTED);
  std::vector<v1::TimelineEvent> events = Events(id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].actor().organisation().ods_code(), "TDS01");
  EXPECT_EQ(events[1].actor().adapter(), "grpc");
  v1::AuditRecord row = LastAudit("UpdateReferralStatus", "OK");
  EXPECT_EQ(row.ods_code(), "TDS01");
  EXPECT_EQ(row.result(), "OK");
}

TEST_F(ReferralPathwayTest, AnActorNamingAnotherOrganisationIsInvalid) {
  const std::string id = SampleReferral();
  auto updated = Await<v1::Referral>([&](Reply<v1::Referral> reply) {
    referrals_->UpdateReferralStatus(Service(), Accept(id, "TDS02"),
                                     std::move(reply));
  });
  EXPECT_THAT(updated, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(updated.status()),
              ElementsAre("actor.organisation.ods_code"));
  EXPECT_EQ(Events(id).size(), 1u) << "nothing changed";
  EXPECT_EQ(LastAudit("UpdateReferralStatus", "INVALID_ARGUMENT").result(),
            "INVALID_ARGUMENT");
}

TEST_F(ReferralPathwayTest, TheGpCannotUpdateTheStatusAndTheRefusalIsAudited) {
  const std::string id = SampleReferral();
  auto updated = Await<v1::Referral>([&](Reply<v1::Referral> reply) {
    referrals_->UpdateReferralStatus(Gp(), Accept(id, "Y90001"),
                                     std::move(reply));
  });
  EXPECT_THAT(updated, StatusIs(absl::StatusCode::kPermissionDenied));
  v1::AuditRecord row = LastAudit("UpdateReferralStatus", "PERMISSION_DENIED");
  EXPECT_EQ(row.ods_code(), "Y90001");
  EXPECT_EQ(row.record_id(), id);
  EXPECT_EQ(row.result(), "PERMISSION_DENIED");
}

TEST_F(ReferralPathwayTest, AMissingReferralLooksLikeAForbiddenOne) {
  const std::string id = SampleReferral();
  auto forbidden = Await<v1::Referral>([&](Reply<v1::Referral> reply) {
    referrals_->UpdateReferralStatus(OtherGp(), Accept(id, "Y90002", "a"),
                                     std::move(reply));
  });
  auto missing = Await<v1::Referral>([&](Reply<v1::Referral> reply) {
    referrals_->UpdateReferralStatus(OtherGp(), Accept("ref-none", "Y90002"),
                                     std::move(reply));
  });
  ASSERT_THAT(missing, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(missing.status().message(), forbidden.status().message());
  // Only an unrestricted (development) caller learns that it does not exist.
  EXPECT_THAT(referrals_->GetReferral(Inspector(), "ref-none"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReferralPathwayTest, ReadsAreAuthorisedAndAudited) {
  const std::string id = SampleReferral();
  EXPECT_THAT(referrals_->GetReferral(Gp(), id), IsOk());
  EXPECT_EQ(LastAudit("GetReferral", "OK").result(), "OK");
  EXPECT_THAT(referrals_->GetReferral(OtherGp(), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::AuditRecord row = LastAudit("GetReferral", "PERMISSION_DENIED");
  EXPECT_EQ(row.ods_code(), "Y90002");
  EXPECT_EQ(row.result(), "PERMISSION_DENIED");
  EXPECT_THAT(referrals_->GetReferral(Pharmacy(), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(ReferralPathwayTest, ListsAreScopedToTheCallersOrganisation) {
  SampleReferral("ref-1");
  v1::CreateReferralRequest elsewhere = testing::SampleReferralRequest("r2");
  elsewhere.mutable_referral()->mutable_gp_practice()->set_ods_code("Y90002");
  ASSERT_THAT(CreateReferral(Trust(), elsewhere), IsOk());

  auto mine = referrals_->ListReferrals(Gp(), v1::ListReferralsRequest());
  ASSERT_THAT(mine, IsOk());
  ASSERT_EQ(mine->referrals_size(), 1);
  EXPECT_EQ(mine->referrals(0).gp_practice().ods_code(), "Y90001");

  v1::ListReferralsRequest theirs;
  theirs.set_ods_code("Y90002");
  EXPECT_THAT(
      referrals_->ListReferrals(Gp(), theirs),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("only its own")));
  EXPECT_EQ(LastAudit("ListReferrals", "PERMISSION_DENIED").result(),
            "PERMISSION_DENIED");

  auto all = referrals_->ListReferrals(Inspector(), v1::ListReferralsRequest());
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->referrals_size(), 2);
}

TEST_F(ReferralPathwayTest,
       TheGatewayPrincipalChangesNoRecordAndIsNamedInTheAudit) {
  EXPECT_THAT(CreateReferral(Gateway(), testing::SampleReferralRequest("r")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::AuditRecord row = LastAudit("CreateReferral", "PERMISSION_DENIED");
  EXPECT_EQ(row.ods_code(), "GATEWAY");
  EXPECT_EQ(row.role(), "gateway");
}

TEST_F(ReferralPathwayTest, OnlyATrustMaySendAsItselfOnATrustOnlyEdge) {
  EXPECT_THAT(referrals_->AuthorizeSender(Trust(), "RX9",
                                          security::Role::kMentalHealthTrust),
              IsOk());
  EXPECT_THAT(referrals_->AuthorizeSender(Trust(), "RX8",
                                          security::Role::kMentalHealthTrust),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("does not match the ODS code RX9")));
  EXPECT_THAT(referrals_->AuthorizeSender(Pharmacy(), "FZZ99",
                                          security::Role::kMentalHealthTrust),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("role pharmacy")));
  EXPECT_EQ(LastAudit("CreateReferral", "PERMISSION_DENIED").result(),
            "PERMISSION_DENIED");
}

}  // namespace
}  // namespace nhs::tobacco::pathway
