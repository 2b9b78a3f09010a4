// The whole pathway through the real gateway over a real localhost socket:
// referral -> recommendation -> sent -> acknowledged -> prescribed ->
// dispensed -> outcome, plus errors, idempotency, Watch and restarts.
#include <grpcpp/generic/generic_stub.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FakeClock;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

template <typename Request = v1::TransitionRequest>
Request Step(const std::string& request_id, const std::string& prescription_id,
             const std::string& ods) {
  Request r;
  r.set_request_id(request_id);
  r.set_prescription_id(prescription_id);
  r.mutable_actor()->mutable_organisation()->set_ods_code(ods);
  return r;
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  google::rpc::Status details;
  std::vector<std::string> fields;
  if (!details.ParseFromString(status.error_details())) return fields;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.type_url() == "type.googleapis.com/google.rpc.BadRequest" &&
        bad.ParseFromString(any.value())) {
      for (const auto& v : bad.field_violations()) fields.push_back(v.field());
    }
  }
  return fields;
}

class GrpcPathwayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    Start();
  }
  void TearDown() override {
    clients_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Start() {
    server::GatewayServerOptions options;
    options.clock = &clock_;
    auto config = SampleConfig(dir_);
    config.mutable_deadlines()->set_scan_interval_seconds(3600);
    auto server = server::GatewayServer::Start(config, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    clients_ = std::make_unique<Clients>(server_->port());
  }
  void Restart() {
    clients_.reset();
    server_.reset();
    Start();
  }

  v1::Referral CreateReferral(const std::string& request_id) {
    v1::Referral referral;
    grpc::Status s = clients_->referrals->CreateReferral(
        Ctx().get(), SampleReferralRequest(request_id), &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return referral;
  }

  v1::PrescriptionRequest RecommendOk(
      const v1::RecommendPrescriptionRequest& r) {
    v1::PrescriptionRequest p;
    grpc::Status s =
        clients_->prescriptions->RecommendPrescription(Ctx().get(), r, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p;
  }

  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 11, 26, 10, 0, 0),
                                   absl::UTCTimeZone())};
  std::filesystem::path dir_;
  std::unique_ptr<server::GatewayServer> server_;
  std::unique_ptr<Clients> clients_;
};

TEST_F(GrpcPathwayTest, GpRouteRunsFromReferralToOutcome) {
  v1::Referral referral = CreateReferral("ref-req-1");
  EXPECT_EQ(referral.status(), v1::REFERRAL_STATUS_RECEIVED);
  EXPECT_TRUE(referral.mental_health().medicines(0).cyp1a2_sensitive());

  v1::PrescriptionRequest p = RecommendOk(
      SampleRecommendation("rec-1", referral.referral_id(), "varenicline-1mg",
                           v1::ROUTE_GP_PRESCRIPTION));
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_EQ(p.target().ods_code(), "Y90001") << "defaults to the GP practice";
  EXPECT_EQ(p.product().display(), "Varenicline 1mg tablets");
  EXPECT_TRUE(p.cyp1a2_safety_alert());
  EXPECT_TRUE(p.has_due_at());

  auto& rx = *clients_->prescriptions;
  const std::string id = p.prescription_id();
  ASSERT_TRUE(rx.MarkSent(Ctx().get(), Step("s1", id, "TDS01"), &p).ok());
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_SENT);
  ASSERT_TRUE(rx.Acknowledge(Ctx().get(), Step("s2", id, "Y90001"), &p).ok());
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  auto prescribe = Step<v1::PrescribeRequest>("s3", id, "Y90001");
  prescribe.set_eps_prescription_id("24F5DA-A83008-7EFE6Z");
  ASSERT_TRUE(rx.Prescribe(Ctx().get(), prescribe, &p).ok());
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_EQ(p.eps_prescription_id(), "24F5DA-A83008-7EFE6Z");
  ASSERT_TRUE(rx.Dispense(Ctx().get(), Step("s4", id, "FZZ99"), &p).ok());
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_DISPENSED);
  EXPECT_FALSE(p.has_due_at()) << "a final state has no deadline";

  v1::GetTimelineRequest timeline_request;
  timeline_request.set_prescription_id(id);
  v1::GetTimelineResponse timeline;
  ASSERT_TRUE(rx.GetTimeline(Ctx().get(), timeline_request, &timeline).ok());
  std::vector<std::string> steps;
  for (const auto& e : timeline.events()) {
    steps.push_back(absl::StrCat(v1::EventType_Name(e.type()), ":",
                                 v1::PrescriptionStatus_Name(e.to_status())));
  }
  EXPECT_THAT(steps, ElementsAre("EVENT_TYPE_PRESCRIPTION_RECOMMENDED:"
                                 "PRESCRIPTION_STATUS_RECOMMENDED",
                                 "EVENT_TYPE_SAFETY_ALERT:"
                                 "PRESCRIPTION_STATUS_UNSPECIFIED",
                                 "EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED:"
                                 "PRESCRIPTION_STATUS_SENT",
                                 "EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED:"
                                 "PRESCRIPTION_STATUS_ACKNOWLEDGED",
                                 "EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED:"
                                 "PRESCRIPTION_STATUS_PRESCRIBED",
                                 "EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED:"
                                 "PRESCRIPTION_STATUS_DISPENSED"));
  EXPECT_EQ(timeline.events(4).external_ids(0).value(), "24F5DA-A83008-7EFE6Z");

  // Outcomes are recorded once treatment started from a quit date (issue
  // 12): accepted, then the quit date the outcome counts from.
  v1::UpdateReferralStatusRequest accept;
  accept.set_request_id("accept-1");
  accept.set_referral_id(referral.referral_id());
  accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  ASSERT_TRUE(
      clients_->referrals->UpdateReferralStatus(Ctx().get(), accept, &referral)
          .ok());
  v1::SetQuitDateRequest quit;
  quit.set_request_id("quit-1");
  quit.set_referral_id(referral.referral_id());
  quit.set_quit_date("2026-10-20");
  quit.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  ASSERT_TRUE(
      clients_->referrals->SetQuitDate(Ctx().get(), quit, &referral).ok());

  v1::RecordOutcomeRequest outcome_request;
  outcome_request.set_request_id("out-1");
  v1::Outcome* o = outcome_request.mutable_outcome();
  o->set_referral_id(referral.referral_id());
  o->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  o->set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  o->set_co_reading_ppm(4);
  o->set_quit_date("2026-10-20");
  o->set_recorded_on("2026-11-17");
  o->mutable_recorded_by()->mutable_organisation()->set_ods_code("TDS01");
  v1::Outcome recorded;
  ASSERT_TRUE(
      clients_->outcomes->RecordOutcome(Ctx().get(), outcome_request, &recorded)
          .ok());
  v1::ListOutcomesRequest list_outcomes;
  list_outcomes.set_referral_id(referral.referral_id());
  v1::ListOutcomesResponse outcomes;
  ASSERT_TRUE(
      clients_->outcomes->ListOutcomes(Ctx().get(), list_outcomes, &outcomes)
          .ok());
  ASSERT_EQ(outcomes.outcomes_size(), 1);
  EXPECT_EQ(outcomes.outcomes(0).outcome_id(), recorded.outcome_id());
}

TEST_F(GrpcPathwayTest, PharmacyRouteEndsSuppliedAndListsByPharmacy) {
  v1::Referral referral = CreateReferral("ref-req-1");
  v1::PrescriptionRequest p = RecommendOk(
      SampleRecommendation("rec-1", referral.referral_id(), "vape-starter-kit",
                           v1::ROUTE_PHARMACY_SUPPLY, "FZZ99"));
  EXPECT_EQ(p.product().local_code(), "VAPE-STARTER");
  EXPECT_TRUE(p.product().dmd_code().empty());
  auto& rx = *clients_->prescriptions;
  const std::string id = p.prescription_id();
  ASSERT_TRUE(rx.MarkSent(Ctx().get(), Step("s1", id, "TDS01"), &p).ok());
  ASSERT_TRUE(rx.Acknowledge(Ctx().get(), Step("s2", id, "FZZ99"), &p).ok());
  ASSERT_TRUE(rx.Supply(Ctx().get(), Step("s3", id, "FZZ99"), &p).ok());
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_SUPPLIED);

  v1::ListPrescriptionsRequest list;
  list.set_ods_code("FZZ99");
  v1::ListPrescriptionsResponse listed;
  ASSERT_TRUE(rx.ListPrescriptions(Ctx().get(), list, &listed).ok());
  ASSERT_EQ(listed.prescriptions_size(), 1);
  EXPECT_EQ(listed.prescriptions(0).prescription_id(), id);
  list.set_ods_code("Y90001");
  ASSERT_TRUE(rx.ListPrescriptions(Ctx().get(), list, &listed).ok());
  EXPECT_EQ(listed.prescriptions_size(), 0);
}

TEST_F(GrpcPathwayTest, BadReferralIsRefusedNamingEveryField) {
  v1::CreateReferralRequest r = SampleReferralRequest("bad-1");
  r.mutable_referral()->mutable_patient()->set_nhs_number("9990000019");
  r.mutable_referral()->mutable_patient()->clear_date_of_birth();
  r.mutable_referral()->mutable_service()->set_ods_code("tds");
  v1::Referral out;
  grpc::Status s = clients_->referrals->CreateReferral(Ctx().get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), Not(HasSubstr("9990000019")));
  EXPECT_THAT(ViolatedFields(s),
              UnorderedElementsAre("referral.patient.nhs_number",
                                   "referral.patient.date_of_birth",
                                   "referral.service.ods_code"));
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(
      clients_->referrals
          ->ListReferrals(Ctx().get(), v1::ListReferralsRequest(), &listed)
          .ok());
  EXPECT_EQ(listed.referrals_size(), 0) << "nothing stored";
}

TEST_F(GrpcPathwayTest, IllegalTransitionIsRefusedAndChangesNothing) {
  v1::Referral referral = CreateReferral("ref-req-1");
  v1::PrescriptionRequest p = RecommendOk(
      SampleRecommendation("rec-1", referral.referral_id(),
                           "nrt-patch-21mg-24h", v1::ROUTE_GP_PRESCRIPTION));
  v1::PrescriptionRequest out;
  grpc::Status s = clients_->prescriptions->Dispense(
      Ctx().get(), Step("d1", p.prescription_id(), "FZZ99"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              AllOf(HasSubstr("RECOMMENDED"), HasSubstr("DISPENSED")));
  v1::GetPrescriptionRequest get;
  get.set_prescription_id(p.prescription_id());
  ASSERT_TRUE(
      clients_->prescriptions->GetPrescription(Ctx().get(), get, &out).ok());
  EXPECT_EQ(out.status(), v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_EQ(out.version(), 1);
}

TEST_F(GrpcPathwayTest, UnknownRecordsAreNotFound) {
  v1::GetPrescriptionRequest get;
  get.set_prescription_id("rx-does-not-exist");
  v1::PrescriptionRequest out;
  EXPECT_EQ(clients_->prescriptions->GetPrescription(Ctx().get(), get, &out)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(clients_->prescriptions
                ->Acknowledge(Ctx().get(), Step("a", "rx-nope", "Y90001"), &out)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::PrescriptionRequest p;
  EXPECT_EQ(clients_->prescriptions
                ->RecommendPrescription(
                    Ctx().get(),
                    SampleRecommendation("r", "ref-nope", "varenicline-1mg",
                                         v1::ROUTE_GP_PRESCRIPTION),
                    &p)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcPathwayTest, ProductAndRouteMustMatchTheFormulary) {
  v1::Referral referral = CreateReferral("ref-req-1");
  v1::PrescriptionRequest p;
  grpc::Status s = clients_->prescriptions->RecommendPrescription(
      Ctx().get(),
      SampleRecommendation("r1", referral.referral_id(), "vape-starter-kit",
                           v1::ROUTE_GP_PRESCRIPTION),
      &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s), ElementsAre("route"));
  s = clients_->prescriptions->RecommendPrescription(
      Ctx().get(),
      SampleRecommendation("r2", referral.referral_id(), "made-up-product",
                           v1::ROUTE_GP_PRESCRIPTION),
      &p);
  EXPECT_THAT(ViolatedFields(s), ElementsAre("product_id"));
}

TEST_F(GrpcPathwayTest,
       RetriedRequestIdReturnsTheFirstAnswerAndCreatesNothing) {
  v1::Referral first = CreateReferral("same-id");
  v1::Referral second = CreateReferral("same-id");
  EXPECT_EQ(first.referral_id(), second.referral_id());
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(
      clients_->referrals
          ->ListReferrals(Ctx().get(), v1::ListReferralsRequest(), &listed)
          .ok());
  EXPECT_EQ(listed.referrals_size(), 1);

  // The same id with a different body is a client bug, not a retry.
  v1::CreateReferralRequest different = SampleReferralRequest("same-id");
  different.mutable_referral()->mutable_smoking()->set_cigarettes_per_day(3);
  v1::Referral out;
  grpc::Status s =
      clients_->referrals->CreateReferral(Ctx().get(), different, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  // A retried transition returns the first answer even though the state has
  // moved on since.
  v1::PrescriptionRequest p = RecommendOk(SampleRecommendation(
      "rec", first.referral_id(), "nrt-gum-2mg", v1::ROUTE_GP_PRESCRIPTION));
  v1::PrescriptionRequest a, b;
  ASSERT_TRUE(
      clients_->prescriptions
          ->MarkSent(Ctx().get(), Step("t1", p.prescription_id(), "TDS01"), &a)
          .ok());
  ASSERT_TRUE(
      clients_->prescriptions
          ->MarkSent(Ctx().get(), Step("t1", p.prescription_id(), "TDS01"), &b)
          .ok());
  EXPECT_EQ(a.version(), b.version());
  v1::GetTimelineRequest tr;
  tr.set_prescription_id(p.prescription_id());
  v1::GetTimelineResponse timeline;
  ASSERT_TRUE(
      clients_->prescriptions->GetTimeline(Ctx().get(), tr, &timeline).ok());
  EXPECT_EQ(timeline.events_size(), 3) << "recommended, alert, sent once";
}

TEST_F(GrpcPathwayTest, ConcurrentRetriesOfOneRequestCreateOneRecord) {
  std::vector<std::thread> threads;
  std::vector<std::string> ids(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      v1::Referral r;
      grpc::Status s = clients_->referrals->CreateReferral(
          Ctx().get(), SampleReferralRequest("racing"), &r);
      if (s.ok()) ids[i] = r.referral_id();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_FALSE(ids[0].empty());
}

TEST_F(GrpcPathwayTest, RestartKeepsEverythingAcknowledged) {
  v1::Referral referral = CreateReferral("ref-req-1");
  v1::PrescriptionRequest p = RecommendOk(
      SampleRecommendation("rec-1", referral.referral_id(),
                           "nrt-patch-21mg-24h", v1::ROUTE_GP_PRESCRIPTION));
  ASSERT_TRUE(
      clients_->prescriptions
          ->MarkSent(Ctx().get(), Step("s", p.prescription_id(), "TDS01"), &p)
          .ok());
  Restart();
  v1::GetPrescriptionRequest get;
  get.set_prescription_id(p.prescription_id());
  v1::PrescriptionRequest after;
  ASSERT_TRUE(
      clients_->prescriptions->GetPrescription(Ctx().get(), get, &after).ok());
  EXPECT_EQ(after.SerializeAsString(), p.SerializeAsString());
  // Idempotency survives the restart too.
  v1::Referral again = CreateReferral("ref-req-1");
  EXPECT_EQ(again.referral_id(), referral.referral_id());
}

TEST_F(GrpcPathwayTest, WatchReconnectsFromItsCursorAndMissesNothing) {
  v1::Referral referral = CreateReferral("ref-req-1");
  v1::PrescriptionRequest p = RecommendOk(
      SampleRecommendation("rec-1", referral.referral_id(),
                           "nrt-patch-21mg-24h", v1::ROUTE_GP_PRESCRIPTION));
  // Events so far: referral created, recommended, safety alert.
  std::vector<int64_t> seen;
  {
    auto ctx = Ctx();
    v1::WatchEventsRequest w;
    auto reader = clients_->prescriptions->WatchEvents(ctx.get(), w);
    v1::TimelineEvent e;
    while (seen.size() < 3 && reader->Read(&e)) seen.push_back(e.sequence());
    ctx->TryCancel();
    reader->Finish().IgnoreError();
  }
  ASSERT_THAT(seen, ElementsAre(1, 2, 3));
  // While disconnected, more happens.
  ASSERT_TRUE(
      clients_->prescriptions
          ->MarkSent(Ctx().get(), Step("s1", p.prescription_id(), "TDS01"), &p)
          .ok());
  auto ctx = Ctx();
  v1::WatchEventsRequest w;
  w.set_after_sequence(seen.back());
  auto reader = clients_->prescriptions->WatchEvents(ctx.get(), w);
  v1::TimelineEvent e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.sequence(), 4);
  EXPECT_EQ(e.to_status(), v1::PRESCRIPTION_STATUS_SENT);
  // And a live event arrives on the open stream.
  std::thread writer([&] {
    v1::PrescriptionRequest q;
    EXPECT_TRUE(clients_->prescriptions
                    ->Acknowledge(Ctx().get(),
                                  Step("s2", p.prescription_id(), "Y90001"), &q)
                    .ok());
  });
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.sequence(), 5);
  EXPECT_EQ(e.to_status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  writer.join();
  ctx->TryCancel();
  reader->Finish().IgnoreError();
}

TEST_F(GrpcPathwayTest, MissedDeadlineRaisesOneOverdueEventAndFiltersList) {
  v1::Referral referral = CreateReferral("ref-req-1");
  v1::PrescriptionRequest p = RecommendOk(
      SampleRecommendation("rec-1", referral.referral_id(),
                           "nrt-patch-21mg-24h", v1::ROUTE_GP_PRESCRIPTION));
  // The sample config gives RECOMMENDED four hours.
  clock_.Advance(absl::Hours(3));
  EXPECT_EQ(*server_->deadline_scan().Scan(security::GatewayPrincipal()), 0);
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(*server_->deadline_scan().Scan(security::GatewayPrincipal()), 1);
  EXPECT_EQ(*server_->deadline_scan().Scan(security::GatewayPrincipal()), 0)
      << "raised once only";
  Restart();
  EXPECT_EQ(*server_->deadline_scan().Scan(security::GatewayPrincipal()), 0)
      << "not again after restart";

  v1::ListPrescriptionsRequest list;
  list.set_overdue_only(true);
  v1::ListPrescriptionsResponse listed;
  ASSERT_TRUE(
      clients_->prescriptions->ListPrescriptions(Ctx().get(), list, &listed)
          .ok());
  ASSERT_EQ(listed.prescriptions_size(), 1);
  EXPECT_TRUE(listed.prescriptions(0).overdue());

  v1::GetTimelineRequest tr;
  tr.set_prescription_id(p.prescription_id());
  v1::GetTimelineResponse timeline;
  ASSERT_TRUE(
      clients_->prescriptions->GetTimeline(Ctx().get(), tr, &timeline).ok());
  int overdue = 0;
  for (const auto& e : timeline.events()) {
    if (e.type() == v1::EVENT_TYPE_OVERDUE) ++overdue;
  }
  EXPECT_EQ(overdue, 1);

  // Moving on clears the flag and sets the next state's deadline.
  ASSERT_TRUE(
      clients_->prescriptions
          ->MarkSent(Ctx().get(), Step("s1", p.prescription_id(), "TDS01"), &p)
          .ok());
  EXPECT_FALSE(p.overdue());
}

TEST_F(GrpcPathwayTest, HealthCheckAndReflectionAreServed) {
  grpc::GenericStub generic(clients_->channel);
  grpc::ByteBuffer request, response;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  absl::Notification done;
  grpc::Status status;
  auto ctx = Ctx();
  generic.UnaryCall(ctx.get(), "/grpc.health.v1.Health/Check",
                    grpc::StubOptions(), &request, &response,
                    [&](grpc::Status s) {
                      status = s;
                      done.Notify();
                    });
  done.WaitForNotification();
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  EXPECT_EQ(bytes, std::string("\x08\x01", 2)) << "status: SERVING";
}

}  // namespace
}  // namespace nhs::tobacco
