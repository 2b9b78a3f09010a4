#include "gateway/pathway/prescription_pathway.h"

#include "gateway/domain/timestamps.h"
#include "gateway/pathway/record_stamps.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/violated_fields.h"
#include "tests/unit/pathway/pathway_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::PrescriptionAction;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::nhs::tobacco::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kEpsId[] = "24F5DA-A83008-7EFE6Z";
constexpr char kEpsSystem[] =
    "https://fhir.nhs.uk/Id/prescription-order-number";

v1::TransitionRequest StepOn(const v1::PrescriptionRequest& p,
                             const std::string& actor_ods,
                             const std::string& request_id) {
  v1::TransitionRequest t;
  t.set_request_id(request_id);
  t.set_prescription_id(p.prescription_id());
  t.mutable_actor()->mutable_organisation()->set_ods_code(actor_ods);
  return t;
}

class PrescriptionPathwayTest : public PathwayTest {
 protected:
  // A GP-route request sent to and acknowledged by practice Y90001.
  v1::PrescriptionRequest AcknowledgedByGp() {
    v1::PrescriptionRequest p = Recommended(v1::ROUTE_GP_PRESCRIPTION);
    EXPECT_THAT(Step(Service(), PrescriptionAction::kMarkSent,
                     StepOn(p, "TDS01", "sent")),
                IsOk());
    EXPECT_THAT(Step(Gp(), PrescriptionAction::kAcknowledge,
                     StepOn(p, "Y90001", "ack")),
                IsOk());
    return p;
  }
  absl::StatusOr<v1::PrescriptionRequest> Prescribe(
      const Caller& caller, const v1::PrescriptionRequest& p) {
    v1::PrescribeRequest r;
    r.set_request_id("prescribe");
    r.set_prescription_id(p.prescription_id());
    r.mutable_actor()->mutable_organisation()->set_ods_code("Y90001");
    r.set_eps_prescription_id(kEpsId);
    return Await<v1::PrescriptionRequest>(
        [&](Reply<v1::PrescriptionRequest> reply) {
          prescriptions_->Prescribe(caller, r, std::move(reply));
        });
  }
  absl::StatusOr<v1::PrescriptionRequest> Apply(const Caller& caller,
                                                MessageStep step) {
    return Await<v1::PrescriptionRequest>(
        [&](Reply<v1::PrescriptionRequest> reply) {
          prescriptions_->ApplyMessage(caller, std::move(step),
                                       std::move(reply));
        });
  }
};

TEST_F(PrescriptionPathwayTest, OnlyTheTreatingServiceRecommends) {
  const std::string referral = SampleReferral();
  auto by_gp =
      Await<v1::PrescriptionRequest>([&](Reply<v1::PrescriptionRequest> reply) {
        prescriptions_->RecommendPrescription(
            Gp(),
            testing::SampleRecommendation("rec", referral, "nrt-patch-21mg-24h",
                                          v1::ROUTE_GP_PRESCRIPTION),
            std::move(reply));
      });
  EXPECT_THAT(by_gp, StatusIs(absl::StatusCode::kPermissionDenied));
  v1::AuditRecord row = LastAudit("RecommendPrescription", "PERMISSION_DENIED");
  EXPECT_EQ(row.ods_code(), "Y90001");
  EXPECT_EQ(row.result(), "PERMISSION_DENIED");

  v1::PrescriptionRequest p = Recommended(v1::ROUTE_GP_PRESCRIPTION, "", "2");
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_EQ(LastAudit("RecommendPrescription", "OK").ods_code(), "TDS01");
}

TEST_F(PrescriptionPathwayTest, OnlyTheTargetPracticeAcknowledges) {
  v1::PrescriptionRequest p = Recommended(v1::ROUTE_GP_PRESCRIPTION);
  ASSERT_THAT(Step(Service(), PrescriptionAction::kMarkSent,
                   StepOn(p, "TDS01", "sent")),
              IsOk());
  EXPECT_THAT(Step(OtherGp(), PrescriptionAction::kAcknowledge,
                   StepOn(p, "Y90002", "ack-2")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::AuditRecord refused = LastAudit("Acknowledge", "PERMISSION_DENIED");
  EXPECT_EQ(refused.ods_code(), "Y90002");
  EXPECT_EQ(refused.record_id(), p.prescription_id());
  EXPECT_EQ(refused.result(), "PERMISSION_DENIED");
  auto acknowledged =
      Step(Gp(), PrescriptionAction::kAcknowledge, StepOn(p, "Y90001", "ack"));
  ASSERT_THAT(acknowledged, IsOk());
  EXPECT_EQ(acknowledged->status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(LastAudit("Acknowledge", "OK").result(), "OK");
}

TEST_F(PrescriptionPathwayTest, AStepInAnotherOrganisationsNameIsInvalid) {
  v1::PrescriptionRequest p = Recommended(v1::ROUTE_GP_PRESCRIPTION);
  auto forged = Step(Service(), PrescriptionAction::kMarkSent,
                     StepOn(p, "Y90001", "sent"));
  EXPECT_THAT(forged, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(forged.status()),
              ElementsAre("actor.organisation.ods_code"));
  auto honest = Step(Service(), PrescriptionAction::kMarkSent,
                     StepOn(p, "TDS01", "sent-2"));
  ASSERT_THAT(honest, IsOk());
  auto timeline = prescriptions_->GetTimeline(Service(), p.prescription_id());
  ASSERT_THAT(timeline, IsOk());
  const v1::TimelineEvent& last = *timeline->events().rbegin();
  EXPECT_EQ(last.actor().organisation().ods_code(), "TDS01");
  EXPECT_EQ(last.actor().adapter(), "grpc");
}

TEST_F(PrescriptionPathwayTest, ThePharmacyDispensesOnlyQuotingTheEpsId) {
  v1::PrescriptionRequest p = AcknowledgedByGp();
  ASSERT_THAT(Prescribe(Gp(), p), IsOk());
  v1::TransitionRequest dispense = StepOn(p, "FZZ99", "dispense");
  EXPECT_THAT(Step(Pharmacy(), PrescriptionAction::kDispense, dispense),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ExternalId* eps = dispense.add_external_ids();
  eps->set_system(kEpsSystem);
  eps->set_value(kEpsId);
  dispense.set_request_id("dispense-2");
  auto dispensed = Step(Pharmacy(), PrescriptionAction::kDispense, dispense);
  ASSERT_THAT(dispensed, IsOk());
  EXPECT_EQ(dispensed->status(), v1::PRESCRIPTION_STATUS_DISPENSED);
}

// reports (issue 14): each step's first time is stamped on the request,
// and a later step leaves the earlier stamps as they were.
TEST_F(PrescriptionPathwayTest, StepsStampTheirFirstTimeOnce) {
  v1::PrescriptionRequest p = Recommended(v1::ROUTE_GP_PRESCRIPTION);
  EXPECT_FALSE(p.has_acknowledged_at());
  ASSERT_THAT(Step(Service(), PrescriptionAction::kMarkSent,
                   StepOn(p, "TDS01", "sent")),
              IsOk());
  clock_.Advance(absl::Hours(2));
  const absl::Time acked_at = clock_.Now();
  auto acked =
      Step(Gp(), PrescriptionAction::kAcknowledge, StepOn(p, "Y90001", "ack"));
  ASSERT_THAT(acked, IsOk());
  EXPECT_EQ(domain::FromTimestamp(acked->acknowledged_at()), acked_at);
  EXPECT_FALSE(acked->has_prescribed_or_supplied_at());
  EXPECT_FALSE(acked->has_dispensed_at());

  clock_.Advance(absl::Hours(24));
  const absl::Time prescribed_at = clock_.Now();
  auto prescribed = Prescribe(Gp(), p);
  ASSERT_THAT(prescribed, IsOk());
  EXPECT_EQ(domain::FromTimestamp(prescribed->prescribed_or_supplied_at()),
            prescribed_at);
  EXPECT_EQ(domain::FromTimestamp(prescribed->acknowledged_at()), acked_at);

  clock_.Advance(absl::Hours(24));
  const absl::Time dispensed_at = clock_.Now();
  v1::TransitionRequest dispense = StepOn(p, "FZZ99", "dispense");
  v1::ExternalId* eps = dispense.add_external_ids();
  eps->set_system(kEpsSystem);
  eps->set_value(kEpsId);
  auto dispensed = Step(Pharmacy(), PrescriptionAction::kDispense, dispense);
  ASSERT_THAT(dispensed, IsOk());
  EXPECT_EQ(domain::FromTimestamp(dispensed->dispensed_at()), dispensed_at);
  EXPECT_EQ(domain::FromTimestamp(dispensed->acknowledged_at()), acked_at);
  EXPECT_EQ(domain::FromTimestamp(dispensed->prescribed_or_supplied_at()),
            prescribed_at);
  // As stored, not just as answered.
  auto stored = prescriptions_->GetPrescription(Service(), p.prescription_id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(domain::FromTimestamp(stored->dispensed_at()), dispensed_at);
}

TEST(StampStepTest, StampsOnlyTheFirstTimeAStepIsReached) {
  v1::PrescriptionRequest p;
  const absl::Time t1 = absl::FromUnixSeconds(1000);
  const absl::Time t2 = absl::FromUnixSeconds(2000);
  p.set_status(v1::PRESCRIPTION_STATUS_SENT);
  StampStep(p, t1);
  EXPECT_FALSE(p.has_acknowledged_at());
  p.set_status(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  StampStep(p, t1);
  p.set_status(v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED);
  StampStep(p, t2);
  p.set_status(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  StampStep(p, t2);
  EXPECT_EQ(domain::FromTimestamp(p.acknowledged_at()), t1);
  p.set_status(v1::PRESCRIPTION_STATUS_SUPPLIED);
  StampStep(p, t2);
  EXPECT_EQ(domain::FromTimestamp(p.prescribed_or_supplied_at()), t2);
  EXPECT_FALSE(p.has_dispensed_at());
}

TEST(StampFirstOverdueTest, NamesTheGatewayWhileUnsentAndKeepsTheFirst) {
  v1::PrescriptionRequest p;
  p.mutable_target()->set_ods_code("Y90001");
  p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_EQ(WaitingOn(p), "GATEWAY");
  p.set_status(v1::PRESCRIPTION_STATUS_SENT);
  EXPECT_EQ(WaitingOn(p), "Y90001");
  p.set_status(v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED);
  StampFirstOverdue(p);
  EXPECT_EQ(p.first_overdue_waiting_on(), "Y90001");
  p.mutable_target()->set_ods_code("Y90002");
  StampFirstOverdue(p);
  EXPECT_EQ(p.first_overdue_waiting_on(), "Y90001") << "never replaced";
}

TEST_F(PrescriptionPathwayTest, AMessageFromAnotherSenderIsForbidden) {
  v1::PrescriptionRequest p = AcknowledgedByGp();
  MessageStep step;
  step.action_for_route = [](v1::Route) {
    return PrescriptionAction::kRequireAppointment;
  };
  step.prescription_id = p.prescription_id();
  step.transition = StepOn(p, "Y90002", "fhir:1");
  step.nhs_number = p.patient().nhs_number();
  step.id_path = "MedicationRequest.basedOn.identifier";
  EXPECT_THAT(Apply(As("Y90001", security::Role::kGp, kFhirAdapter), step),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("the message's sender")));
  EXPECT_EQ(LastAudit("RequireAppointment", "PERMISSION_DENIED").result(),
            "PERMISSION_DENIED");

  step.transition = StepOn(p, "Y90001", "fhir:2");
  step.nhs_number = "9990000026";
  EXPECT_THAT(
      Apply(As("Y90001", security::Role::kGp, kFhirAdapter), step),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("patient")));

  step.nhs_number = p.patient().nhs_number();
  auto applied = Apply(As("Y90001", security::Role::kGp, kFhirAdapter), step);
  ASSERT_THAT(applied, IsOk());
  EXPECT_EQ(applied->status(), v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED);
  auto timeline = prescriptions_->GetTimeline(Gp(), p.prescription_id());
  ASSERT_THAT(timeline, IsOk());
  EXPECT_EQ(timeline->events().rbegin()->actor().adapter(), "fhir");
}

TEST_F(PrescriptionPathwayTest, AMessageFindsTheRequestByItsEpsId) {
  v1::PrescriptionRequest p = AcknowledgedByGp();
  ASSERT_THAT(Prescribe(Gp(), p), IsOk());
  MessageStep step;
  step.action_for_route = [](v1::Route route) {
    return route == v1::ROUTE_GP_PRESCRIPTION ? PrescriptionAction::kDispense
                                              : PrescriptionAction::kSupply;
  };
  step.transition = StepOn(p, "FZZ99", "fhir:dispense");
  step.transition.clear_prescription_id();
  step.eps_prescription_id = kEpsId;
  step.nhs_number = p.patient().nhs_number();
  step.id_path = "MedicationDispense.authorizingPrescription";
  auto dispensed =
      Apply(As("FZZ99", security::Role::kPharmacy, kFhirAdapter), step);
  ASSERT_THAT(dispensed, IsOk());
  EXPECT_EQ(dispensed->prescription_id(), p.prescription_id());
  EXPECT_EQ(dispensed->status(), v1::PRESCRIPTION_STATUS_DISPENSED);
}

TEST_F(PrescriptionPathwayTest, ReadsAreAuthorisedAndAudited) {
  v1::PrescriptionRequest p = Recommended(v1::ROUTE_GP_PRESCRIPTION);
  EXPECT_THAT(prescriptions_->GetPrescription(Gp(), p.prescription_id()),
              IsOk());
  EXPECT_EQ(LastAudit("GetPrescription", "OK").result(), "OK");
  // Another trust than the referrer (issue 12: the referrer may read it).
  EXPECT_THAT(
      prescriptions_->GetPrescription(
          As("RX8", security::Role::kMentalHealthTrust), p.prescription_id()),
      StatusIs(absl::StatusCode::kPermissionDenied));
  v1::AuditRecord row = LastAudit("GetPrescription", "PERMISSION_DENIED");
  EXPECT_EQ(row.ods_code(), "RX8");
  EXPECT_EQ(row.result(), "PERMISSION_DENIED");
  EXPECT_THAT(prescriptions_->GetTimeline(Pharmacy(), p.prescription_id()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(LastAudit("GetTimeline", "PERMISSION_DENIED").result(),
            "PERMISSION_DENIED");
}

TEST_F(PrescriptionPathwayTest, ListsAreScopedToTheCallersOrganisation) {
  Recommended(v1::ROUTE_GP_PRESCRIPTION, "", "1");
  Recommended(v1::ROUTE_PHARMACY_SUPPLY, "FZZ99", "2");
  auto pharmacy = prescriptions_->ListPrescriptions(
      Pharmacy(), v1::ListPrescriptionsRequest());
  ASSERT_THAT(pharmacy, IsOk());
  ASSERT_EQ(pharmacy->prescriptions_size(), 1);
  EXPECT_EQ(pharmacy->prescriptions(0).route(), v1::ROUTE_PHARMACY_SUPPLY);
  v1::ListPrescriptionsRequest theirs;
  theirs.set_ods_code("TDS01");
  EXPECT_THAT(prescriptions_->ListPrescriptions(Pharmacy(), theirs),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(LastAudit("ListPrescriptions", "PERMISSION_DENIED").result(),
            "PERMISSION_DENIED");
}

TEST_F(PrescriptionPathwayTest, WatchEventsAreScopedToTheCaller) {
  v1::PrescriptionRequest p = Recommended(v1::ROUTE_GP_PRESCRIPTION);
  v1::WatchEventsRequest all;
  auto sequences = [&](const Caller& caller) {
    auto watch = prescriptions_->WatchEvents(caller, all);
    EXPECT_THAT(watch, IsOk());
    auto batch = (*watch)->Next(0, 100);
    EXPECT_THAT(batch, IsOk());
    std::vector<v1::EventType> types;
    for (const auto& e : batch->visible) types.push_back(e.type());
    return types;
  };
  // The trust referred: it follows the request too (issue 12); another
  // trust sees nothing.
  EXPECT_EQ(sequences(Trust()).size(), sequences(Inspector()).size());
  EXPECT_THAT(sequences(As("RX8", security::Role::kMentalHealthTrust)),
              ElementsAre());
  EXPECT_THAT(sequences(OtherGp()), ElementsAre());
  EXPECT_EQ(sequences(Service()).size(), sequences(Inspector()).size());
  EXPECT_GT(sequences(Inspector()).size(), 1u);
  EXPECT_EQ(LastAudit("WatchEvents", "OK").result(), "OK");
  // An invisible tail still moves the cursor on.
  auto watch = prescriptions_->WatchEvents(OtherGp(), all);
  ASSERT_THAT(watch, IsOk());
  auto batch = (*watch)->Next(0, 100);
  ASSERT_THAT(batch, IsOk());
  EXPECT_GT(batch->last_sequence, 0);
  EXPECT_EQ(batch->read, static_cast<int>(sequences(Inspector()).size()));
}

}  // namespace
}  // namespace nhs::tobacco::pathway
