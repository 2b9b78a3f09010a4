#include "gateway/jsonapi/request_fields.h"

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"
#include "nhs/tobacco/v1/report_service.pb.h"

namespace nhs::tobacco::jsonapi {
namespace {

std::string Violated(const absl::Status& status) {
  const auto violations = domain::GetFieldViolations(status);
  return violations.empty() ? "" : violations.front().field;
}

TEST(ApplyQuery, SetsScalarsEnumsAndBoolsByProtoOrJsonName) {
  v1::ListPrescriptionsRequest r;
  ASSERT_TRUE(ApplyQuery("ods_code=Y90001&status=PRESCRIPTION_STATUS_SENT&"
                         "overdueOnly=true&pageSize=5&referralId=a%2Bb+c",
                         {}, r)
                  .ok());
  EXPECT_EQ(r.ods_code(), "Y90001");
  EXPECT_EQ(r.status(), v1::PRESCRIPTION_STATUS_SENT);
  EXPECT_TRUE(r.overdue_only());
  EXPECT_EQ(r.page_size(), 5);
  EXPECT_EQ(r.referral_id(), "a+b c");
}

// reports (issue 14): GET /v1/reports/outcomes?by=SOURCE&by=ROUTE - an enum
// value may drop its type's prefix (REPORT_BREAKDOWN_), as people type it.
TEST(ApplyQuery, TakesAnEnumValueWithoutItsTypesPrefix) {
  v1::ReportRequest r;
  ASSERT_TRUE(ApplyQuery("from=2026-04-01&by=SOURCE&by=REPORT_BREAKDOWN_ROUTE&"
                         "by=10&disclosure=EXACT",
                         {}, r)
                  .ok());
  EXPECT_THAT(r.by(), ::testing::ElementsAre(v1::REPORT_BREAKDOWN_SOURCE,
                                             v1::REPORT_BREAKDOWN_ROUTE,
                                             v1::REPORT_BREAKDOWN_QUARTER));
  EXPECT_EQ(r.disclosure(), v1::DISCLOSURE_EXACT);
  EXPECT_FALSE(ApplyQuery("by=SAUCE", {}, r).ok());
  EXPECT_FALSE(ApplyQuery("by=BREAKDOWN_SOURCE", {}, r).ok());
}

TEST(ApplyQuery, SetsNestedFieldsByDottedPath) {
  v1::TransitionRequest r;
  ASSERT_TRUE(ApplyQuery("actor.organisation.ods_code=FZZ99", {}, r).ok());
  EXPECT_EQ(r.actor().organisation().ods_code(), "FZZ99");
}

TEST(ApplyQuery, RepeatsARepeatedFieldAndRefusesARepeatedScalar) {
  v1::ListPrescriptionsRequest r;
  const absl::Status twice = ApplyQuery("ods_code=A&ods_code=B", {}, r);
  EXPECT_EQ(twice.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Violated(twice), "ods_code");
}

TEST(ApplyQuery, RefusesPreciselyWhatItCannotSet) {
  const struct {
    const char* query;
    const char* field;
  } kTable[] = {
      {"colour=blue", "colour"},
      {"page_size=ten", "page_size"},
      {"overdue_only=yes", "overdue_only"},
      {"status=NOT_A_STATUS", "status"},
      {"actor=x", "actor"},
      {"prescription_id=p2", "prescription_id"},
      {"ods_code=%zz", "query"},
  };
  for (const auto& row : kTable) {
    v1::TransitionRequest transition;
    v1::ListPrescriptionsRequest list;
    google::protobuf::Message& r =
        std::string(row.query).rfind("actor", 0) == 0 ||
                std::string(row.query).rfind("prescription_id", 0) == 0
            ? static_cast<google::protobuf::Message&>(transition)
            : list;
    const absl::Status s =
        ApplyQuery(row.query, {{"prescription_id", "p1"}}, r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << row.query;
    EXPECT_EQ(Violated(s), row.field) << row.query;
  }
}

TEST(ApplyBody, ParsesProtoJsonAndRefusesUnknownFields) {
  v1::PrescribeRequest r;
  ASSERT_TRUE(
      ApplyBody(R"({"requestId":"r1","eps_prescription_id":"E1"})", "*", r)
          .ok());
  EXPECT_EQ(r.request_id(), "r1");
  EXPECT_EQ(r.eps_prescription_id(), "E1");
  v1::PrescribeRequest unknown;
  const absl::Status s = ApplyBody(R"({"colour":"blue"})", "*", unknown);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Violated(s), "body");
  EXPECT_FALSE(ApplyBody("{", "*", unknown).ok());
  EXPECT_FALSE(ApplyBody("[]", "*", unknown).ok());
}

TEST(ApplyBody, FillsOneFieldWhenTheRuleNamesIt) {
  v1::CreateReferralRequest r;
  ASSERT_TRUE(
      ApplyBody(R"({"goal":"QUIT_GOAL_QUIT_NOW"})", "referral", r).ok());
  EXPECT_EQ(r.referral().goal(), v1::QUIT_GOAL_QUIT_NOW);
}

TEST(ApplyPathBindings, FillsTheFieldAndRefusesABodyThatSaysOtherwise) {
  v1::TransitionRequest r;
  ASSERT_TRUE(ApplyPathBindings({{"prescription_id", "p1"}}, r).ok());
  EXPECT_EQ(r.prescription_id(), "p1");
  ASSERT_TRUE(ApplyPathBindings({{"prescription_id", "p1"}}, r).ok())
      << "the same value twice is no conflict";
  const absl::Status s = ApplyPathBindings({{"prescription_id", "p2"}}, r);
  EXPECT_EQ(Violated(s), "prescription_id");
}

}  // namespace
}  // namespace nhs::tobacco::jsonapi
