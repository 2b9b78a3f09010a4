#include "gateway/pathway/outcome_pathway.h"

#include "gateway/pathway/care_pathway.h"
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
using ::testing::UnorderedElementsAre;

v1::RecordOutcomeRequest Quit(const std::string& referral_id,
                              const std::string& recorder_ods) {
  v1::RecordOutcomeRequest r;
  r.set_request_id("out-1");
  v1::Outcome* o = r.mutable_outcome();
  o->set_referral_id(referral_id);
  o->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  o->set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  o->set_co_reading_ppm(4);
  o->set_quit_date("2026-02-01");
  o->set_recorded_on("2026-03-01");
  o->mutable_recorded_by()->mutable_organisation()->set_ods_code(recorder_ods);
  return r;
}

class OutcomePathwayTest : public PathwayTest {
 protected:
  // Issue 12: outcomes are recorded on a referral in treatment from a quit
  // date (Quit's 2026-02-01): the sample referral, accepted, with it set.
  std::string TreatedReferral() {
    const std::string id = SampleReferral();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id("accept-1");
    accept.set_referral_id(id);
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    EXPECT_THAT(Await<v1::Referral>([&](Reply<v1::Referral> reply) {
                  referrals_->UpdateReferralStatus(Service(), accept,
                                                   std::move(reply));
                }),
                IsOk());
    v1::SetQuitDateRequest quit;
    quit.set_request_id("quit-1");
    quit.set_referral_id(id);
    quit.set_quit_date("2026-02-01");
    quit.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    CarePathway care(*writes_, PathwayOptions());
    EXPECT_THAT(Await<v1::Referral>([&](Reply<v1::Referral> reply) {
                  care.SetQuitDate(Service(), quit, std::move(reply));
                }),
                IsOk());
    return id;
  }

  absl::StatusOr<v1::Outcome> Record(const Caller& caller,
                                     const v1::RecordOutcomeRequest& r) {
    return Await<v1::Outcome>([&](Reply<v1::Outcome> reply) {
      outcomes_->RecordOutcome(caller, r, std::move(reply));
    });
  }
};

TEST_F(OutcomePathwayTest, TheServiceRecordsAnOutcomeAsItself) {
  const std::string id = TreatedReferral();
  const size_t before = Events(id).size();
  auto recorded = Record(Service(), Quit(id, "TDS01"));
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(recorded->recorded_by().adapter(), "grpc");
  std::vector<v1::TimelineEvent> events = Events(id);
  ASSERT_EQ(events.size(), before + 1);
  EXPECT_EQ(events.back().type(), v1::EVENT_TYPE_OUTCOME_RECORDED);
  EXPECT_EQ(events.back().actor().organisation().ods_code(), "TDS01");
  v1::AuditRecord row = LastAudit("RecordOutcome", "OK");
  EXPECT_EQ(row.ods_code(), "TDS01");
  EXPECT_EQ(row.result(), "OK");
}

TEST_F(OutcomePathwayTest, TheGpCannotRecordOutcomes) {
  const std::string id = SampleReferral();
  EXPECT_THAT(Record(Gp(), Quit(id, "Y90001")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::AuditRecord row = LastAudit("RecordOutcome", "PERMISSION_DENIED");
  EXPECT_EQ(row.ods_code(), "Y90001");
  EXPECT_EQ(row.record_id(), id);
  EXPECT_EQ(row.result(), "PERMISSION_DENIED");
}

TEST_F(OutcomePathwayTest, AnOutcomeRecordedInAnotherNameIsInvalid) {
  const std::string id = TreatedReferral();
  const size_t before = Events(id).size();
  auto forged = Record(Service(), Quit(id, "TDS02"));
  EXPECT_THAT(forged, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(forged.status()),
              ElementsAre("outcome.recorded_by.organisation.ods_code"));
  EXPECT_EQ(Events(id).size(), before) << "nothing recorded";
}

TEST_F(OutcomePathwayTest, OutcomesAreReadByThoseConcernedOnly) {
  const std::string id = TreatedReferral();
  ASSERT_THAT(Record(Service(), Quit(id, "TDS01")), IsOk());
  v1::ListOutcomesRequest list;
  list.set_referral_id(id);
  for (const Caller& allowed : {Trust(), Gp(), Service()}) {
    auto listed = outcomes_->ListOutcomes(allowed, list);
    ASSERT_THAT(listed, IsOk()) << allowed.principal.ods_code;
    EXPECT_EQ(listed->outcomes_size(), 1);
  }
  for (const Caller& refused : {OtherGp(), Pharmacy()}) {
    EXPECT_THAT(outcomes_->ListOutcomes(refused, list),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  std::vector<std::string> refused_codes;
  for (const v1::AuditRecord& row :
       AuditRowsFor("ListOutcomes", "PERMISSION_DENIED", 2)) {
    refused_codes.push_back(row.ods_code());
  }
  // Refusals are audited asynchronously, so in either order.
  EXPECT_THAT(refused_codes, UnorderedElementsAre("Y90002", "FZZ99"));
}

}  // namespace
}  // namespace nhs::tobacco::pathway
