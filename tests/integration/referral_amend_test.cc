// Amending a referral and withdrawing consent (issue 12 item 1) on the real
// binary over mutual TLS: UpdateReferral with a field mask, refused bad
// masks and values that change nothing, idempotent retries, the referral
// timeline, and consent: a withdrawal discards the GP letter still queued,
// a GP that already holds the letter is sent the cancellation, the GP loses
// read access, and without consent to share with the mental health team
// the trust is sent nothing (no RRI^I12).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_listener.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/fhir_receiver.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FhirReceiver;
using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::GrpcAs;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kGp[] = "Y90001";
// A practice whose FHIR endpoint is unreachable (nobody listens).
constexpr char kUnreachableGp[] = "Y90002";

template <typename F>
bool Eventually(F done, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
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

class ReferralAmendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gp_ = new FhirReceiver();
    const int trust_engine = FreeLoopbackPort();  // nobody listens
    gateway_ = new SecureGatewayBinary(
        "referral_amend", [trust_engine](v1::GatewayConfig& config) {
          for (v1::FhirEndpoint& e :
               *config.mutable_fhir()->mutable_endpoints()) {
            if (e.ods_code() == kGp) e.set_url(gp_->url());
          }
          v1::FhirEndpoint* down = config.mutable_fhir()->add_endpoints();
          down->set_ods_code(kUnreachableGp);
          down->set_url(absl::StrCat("https://127.0.0.1:", FreeLoopbackPort(),
                                     "/fhir/$process-message"));
          // The trust has an MLLP route, so a message it is owed is queued
          // (and stays pending: nobody answers).
          config.mutable_mllp()->set_allow_plaintext(true);
          testing::FindOrganisation(config, "RX9")
              ->mutable_mllp()
              ->set_outbound_address(absl::StrCat("127.0.0.1:", trust_engine));
          // A failed try waits long before the next: a refused letter stays
          // PENDING for the whole test.
          v1::DeliveryConfig* d = config.mutable_delivery();
          d->set_max_attempts(20);
          d->set_initial_backoff_ms(60000);
          d->set_max_backoff_ms(120000);
          d->set_poll_interval_ms(10);
        });
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
    delete gp_;
    gp_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gateway_->started()) << gateway_->log(); }

  static GrpcAs& As(const std::string& cert) { return gateway_->As(cert); }
  static std::string NextId(const std::string& what) {
    return absl::StrCat(what, "-", ++counter_);
  }

  // A referral from trust RX9 to TDS01 consenting to GP, pharmacy and the
  // mental health team unless told otherwise, accepted by the service.
  static v1::Referral Accepted(bool mh_team_consent = true,
                               const std::string& gp = kGp) {
    v1::CreateReferralRequest create =
        testing::SampleReferralRequest(NextId("create"));
    create.mutable_referral()->mutable_gp_practice()->set_ods_code(gp);
    create.mutable_referral()
        ->mutable_consent()
        ->set_share_with_mental_health_team(mh_team_consent);
    v1::Referral referral;
    grpc::Status s =
        As("trust-rx9")
            .referrals->CreateReferral(Ctx().get(), create, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(NextId("accept"));
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = As("service-tds01")
            .referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return referral;
  }

  static v1::PrescriptionRequest RecommendGp(const v1::Referral& referral) {
    v1::PrescriptionRequest p;
    grpc::Status s =
        As("service-tds01")
            .prescriptions->RecommendPrescription(
                Ctx().get(),
                testing::SampleRecommendation(
                    NextId("recommend"), referral.referral_id(),
                    "nrt-patch-21mg-24h", v1::ROUTE_GP_PRESCRIPTION),
                &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p;
  }

  static v1::UpdateReferralRequest Update(const std::string& referral_id) {
    v1::UpdateReferralRequest u;
    u.set_request_id(NextId("update"));
    u.set_referral_id(referral_id);
    return u;
  }

  static v1::UpdateReferralRequest WithdrawGp(const std::string& referral_id) {
    v1::UpdateReferralRequest u = Update(referral_id);
    u.mutable_update_mask()->add_paths("consent.share_with_gp");
    return u;  // the body's share_with_gp is false
  }

  static grpc::Status Amend(const v1::UpdateReferralRequest& u,
                            v1::Referral* out,
                            const std::string& as = "service-tds01") {
    return As(as).referrals->UpdateReferral(Ctx().get(), u, out);
  }

  static v1::PrescriptionRequest GetPrescription(const std::string& id) {
    v1::GetPrescriptionRequest get;
    get.set_prescription_id(id);
    v1::PrescriptionRequest p;
    grpc::Status s = As("service-tds01")
                         .prescriptions->GetPrescription(Ctx().get(), get, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p;
  }

  static v1::GetReferralTimelineResponse Timeline(
      const std::string& referral_id, const std::string& as = "service-tds01",
      grpc::Status* status = nullptr) {
    v1::GetReferralTimelineRequest get;
    get.set_referral_id(referral_id);
    v1::GetReferralTimelineResponse timeline;
    grpc::Status s =
        As(as).referrals->GetReferralTimeline(Ctx().get(), get, &timeline);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return timeline;
  }

  static std::vector<v1::TimelineEvent> Amendments(
      const v1::GetReferralTimelineResponse& timeline) {
    std::vector<v1::TimelineEvent> amended;
    for (const v1::TimelineEvent& e : timeline.events()) {
      if (e.type() == v1::EVENT_TYPE_REFERRAL_AMENDED) amended.push_back(e);
    }
    return amended;
  }

  // Every delivery about `referral_id` (the operator's view).
  static std::vector<v1::Delivery> Deliveries(const std::string& referral_id) {
    v1::ListDeliveriesRequest list;
    list.set_page_size(500);
    v1::ListDeliveriesResponse response;
    grpc::Status s =
        As("admin-ops").admin->ListDeliveries(Ctx().get(), list, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<v1::Delivery> about;
    for (const v1::Delivery& d : response.deliveries()) {
      if (d.referral_id() == referral_id) about.push_back(d);
    }
    return about;
  }

  static std::optional<v1::Delivery> DeliveryOf(const std::string& referral_id,
                                                v1::MessageKind kind) {
    for (const v1::Delivery& d : Deliveries(referral_id)) {
      if (d.kind() == kind) return d;
    }
    return std::nullopt;
  }

  static SecureGatewayBinary* gateway_;
  static FhirReceiver* gp_;
  static inline int counter_ = 0;
};

SecureGatewayBinary* ReferralAmendTest::gateway_ = nullptr;
FhirReceiver* ReferralAmendTest::gp_ = nullptr;

TEST_F(ReferralAmendTest, WithdrawingGpConsentDiscardsTheQueuedLetterUnsent) {
  // The practice's system is unreachable: the letter waits.
  const v1::Referral referral = Accepted(true, kUnreachableGp);
  const v1::PrescriptionRequest rx = RecommendGp(referral);
  std::optional<v1::Delivery> letter;
  ASSERT_TRUE(Eventually([&] {
    letter =
        DeliveryOf(referral.referral_id(), v1::MESSAGE_KIND_GP_RECOMMENDATION);
    return letter.has_value() && letter->attempts() >= 1;
  })) << "the letter was never tried";
  ASSERT_EQ(letter->state(), v1::DELIVERY_STATE_PENDING);
  ASSERT_FALSE(letter->handed_over());

  v1::Referral amended;
  grpc::Status s = Amend(WithdrawGp(referral.referral_id()), &amended);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(amended.consent().share_with_gp());

  letter =
      DeliveryOf(referral.referral_id(), v1::MESSAGE_KIND_GP_RECOMMENDATION);
  ASSERT_TRUE(letter.has_value());
  EXPECT_EQ(letter->state(), v1::DELIVERY_STATE_DISCARDED);
  EXPECT_EQ(letter->last_error(), "consent withdrawn");
  // The open request is cancelled, so the service sees it; it was never
  // delivered, so no cancellation notice is owed.
  const v1::PrescriptionRequest cancelled =
      GetPrescription(rx.prescription_id());
  EXPECT_EQ(cancelled.status(), v1::PRESCRIPTION_STATUS_CANCELLED);
  EXPECT_EQ(cancelled.status_reason(), "CONSENT_WITHDRAWN");
  EXPECT_FALSE(
      DeliveryOf(referral.referral_id(), v1::MESSAGE_KIND_CANCELLATION_NOTICE)
          .has_value());
  // It is never tried again.
  absl::SleepFor(absl::Milliseconds(500));
  const std::optional<v1::Delivery> later =
      DeliveryOf(referral.referral_id(), v1::MESSAGE_KIND_GP_RECOMMENDATION);
  EXPECT_EQ(later->state(), v1::DELIVERY_STATE_DISCARDED);
  EXPECT_EQ(later->attempts(), letter->attempts());
  EXPECT_FALSE(later->handed_over());
}

TEST_F(ReferralAmendTest, APracticeHoldingTheLetterIsSentTheCancellation) {
  const v1::Referral referral = Accepted();
  const v1::PrescriptionRequest rx = RecommendGp(referral);
  ASSERT_TRUE(Eventually([&] {
    return GetPrescription(rx.prescription_id()).status() ==
           v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
  })) << "the letter was not delivered";
  const std::string letter_id =
      DeliveryOf(referral.referral_id(), v1::MESSAGE_KIND_GP_RECOMMENDATION)
          ->message_id();

  v1::Referral amended;
  grpc::Status s = Amend(WithdrawGp(referral.referral_id()), &amended);
  ASSERT_TRUE(s.ok()) << s.error_message();

  std::optional<v1::Delivery> notice;
  ASSERT_TRUE(Eventually([&] {
    notice = DeliveryOf(referral.referral_id(),
                        v1::MESSAGE_KIND_CANCELLATION_NOTICE);
    return notice.has_value() &&
           notice->state() == v1::DELIVERY_STATE_DELIVERED;
  })) << "no cancellation reached the practice";
  EXPECT_EQ(notice->destination_ods(), kGp);
  EXPECT_EQ(gp_->CountOf(letter_id), 1);
  EXPECT_EQ(gp_->CountOf(notice->message_id()), 1);
  bool cancelled = false;
  for (const auto& r : gp_->WithEvent("prescription-cancellation")) {
    cancelled |= r.id == notice->message_id();
  }
  EXPECT_TRUE(cancelled) << "the practice got no cancellation";
  EXPECT_EQ(GetPrescription(rx.prescription_id()).status_reason(),
            "CONSENT_WITHDRAWN");
}

TEST_F(ReferralAmendTest,
       WithoutGpConsentThePracticeCanNoLongerReadTheReferral) {
  const v1::Referral referral = Accepted();
  v1::GetReferralRequest get;
  get.set_referral_id(referral.referral_id());
  v1::Referral seen;
  ASSERT_TRUE(
      As("gp-y90001").referrals->GetReferral(Ctx().get(), get, &seen).ok());
  grpc::Status status;
  Timeline(referral.referral_id(), "gp-y90001", &status);
  EXPECT_TRUE(status.ok()) << status.error_message();

  v1::Referral amended;
  ASSERT_TRUE(Amend(WithdrawGp(referral.referral_id()), &amended).ok());
  grpc::Status s =
      As("gp-y90001").referrals->GetReferral(Ctx().get(), get, &seen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  Timeline(referral.referral_id(), "gp-y90001", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReferralAmendTest, NoMentalHealthTeamConsentMeansNoRriToTheTrust) {
  const v1::Referral with = Accepted(/*mh_team_consent=*/true);
  const v1::Referral without = Accepted(/*mh_team_consent=*/false);
  ASSERT_TRUE(Eventually([&] {
    return DeliveryOf(with.referral_id(), v1::MESSAGE_KIND_REFERRAL_RESPONSE)
        .has_value();
  })) << "the trust route is not configured: the test proves nothing";
  EXPECT_THAT(Deliveries(without.referral_id()), ::testing::IsEmpty());

  // Withdrawn later: the RRI^I12 still queued for the trust is discarded.
  v1::UpdateReferralRequest u = Update(with.referral_id());
  u.mutable_update_mask()->add_paths("consent.share_with_mental_health_team");
  v1::Referral amended;
  ASSERT_TRUE(Amend(u, &amended).ok());
  const auto rri =
      DeliveryOf(with.referral_id(), v1::MESSAGE_KIND_REFERRAL_RESPONSE);
  ASSERT_TRUE(rri.has_value());
  EXPECT_EQ(rri->state(), v1::DELIVERY_STATE_DISCARDED);
  EXPECT_EQ(rri->last_error(), "consent withdrawn");
}

TEST_F(ReferralAmendTest, TheTimelineNamesWhatChangedNeverTheValues) {
  const v1::Referral referral = Accepted();
  const v1::PrescriptionRequest rx = RecommendGp(referral);
  v1::UpdateReferralRequest u = Update(referral.referral_id());
  u.mutable_update_mask()->add_paths("gp_practice");
  u.mutable_update_mask()->add_paths("nominated_pharmacy");
  u.mutable_update_mask()->add_paths("goal");
  u.mutable_referral()->mutable_gp_practice()->set_ods_code("Y90002");
  u.mutable_referral()->mutable_nominated_pharmacy()->set_ods_code("FZZ98");
  u.mutable_referral()->set_goal(v1::QUIT_GOAL_CUT_DOWN_TO_QUIT);
  v1::Referral amended;
  grpc::Status s = Amend(u, &amended);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(amended.gp_practice().ods_code(), "Y90002");
  EXPECT_EQ(amended.version(), referral.version() + 1);

  const v1::GetReferralTimelineResponse timeline =
      Timeline(referral.referral_id());
  const std::vector<v1::TimelineEvent> amendments = Amendments(timeline);
  ASSERT_EQ(amendments.size(), 1u);
  EXPECT_THAT(amendments[0].changed_paths(),
              ElementsAre("gp_practice", "nominated_pharmacy", "goal"));
  EXPECT_EQ(amendments[0].actor().organisation().ods_code(), "TDS01");
  EXPECT_THAT(amendments[0].note(), Not(HasSubstr("Y90002")));
  EXPECT_THAT(amendments[0].note(), Not(HasSubstr("FZZ98")));
  // Oldest first, the referral's and its request's events together.
  ASSERT_GE(timeline.events_size(), 4);
  EXPECT_EQ(timeline.events(0).type(), v1::EVENT_TYPE_REFERRAL_CREATED);
  for (int i = 1; i < timeline.events_size(); ++i) {
    EXPECT_LT(timeline.events(i - 1).sequence(), timeline.events(i).sequence());
  }
  EXPECT_THAT(timeline.events(),
              Contains(::testing::Property(&v1::TimelineEvent::prescription_id,
                                           rx.prescription_id())));

  // The referrer reads the referral's timeline with its prescriptions'
  // events, without their free text (the letter and notes written for the
  // parties that act: referrer_redaction.h).
  const v1::GetReferralTimelineResponse trust =
      Timeline(referral.referral_id(), "trust-rx9");
  EXPECT_EQ(Amendments(trust).size(), 1u);
  EXPECT_THAT(trust.events(),
              Contains(::testing::Property(&v1::TimelineEvent::prescription_id,
                                           rx.prescription_id())));
  for (const v1::TimelineEvent& e : trust.events()) {
    if (!e.prescription_id().empty()) {
      EXPECT_EQ(e.note(), "") << v1::EventType_Name(e.type());
    }
  }
  // The new practice reads it now; a pharmacy never does.
  grpc::Status status;
  Timeline(referral.referral_id(), "gp-y90002", &status);
  EXPECT_TRUE(status.ok()) << status.error_message();
  Timeline(referral.referral_id(), "pharmacy-fzz99", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // A GP-route recommendation naming no pharmacy takes the nominated one.
  EXPECT_EQ(RecommendGp(amended).nominated_pharmacy().ods_code(), "FZZ98");
}

TEST_F(ReferralAmendTest, BadMasksAndValuesAreRefusedChangingNothing) {
  const v1::Referral referral = Accepted();
  struct Row {
    std::vector<std::string> paths;
    std::string gp_ods;
    std::vector<std::string> violated;
  };
  const Row rows[] = {
      {{}, "", {"update_mask"}},
      {{"patient.nhs_number"}, "", {"update_mask.paths[0]"}},
      {{"goal", "status"}, "", {"update_mask.paths[1]"}},
      {{"gp_practice"}, "not-an-ods-code", {"referral.gp_practice.ods_code"}},
  };
  for (const Row& row : rows) {
    v1::UpdateReferralRequest u = Update(referral.referral_id());
    for (const std::string& p : row.paths)
      u.mutable_update_mask()->add_paths(p);
    u.mutable_referral()->mutable_gp_practice()->set_ods_code(row.gp_ods);
    u.mutable_referral()->mutable_patient()->set_nhs_number("9990000026");
    u.mutable_referral()->set_status(v1::REFERRAL_STATUS_COMPLETED);
    v1::Referral out;
    grpc::Status s = Amend(u, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << ::testing::PrintToString(row.paths);
    EXPECT_EQ(ViolatedFields(s), row.violated)
        << ::testing::PrintToString(row.paths) << ": " << s.error_message();
  }
  v1::GetReferralRequest get;
  get.set_referral_id(referral.referral_id());
  v1::Referral now;
  ASSERT_TRUE(
      As("service-tds01").referrals->GetReferral(Ctx().get(), get, &now).ok());
  EXPECT_EQ(now.SerializeAsString(), referral.SerializeAsString());
  EXPECT_TRUE(Amendments(Timeline(referral.referral_id())).empty());
}

TEST_F(ReferralAmendTest, ARetryIsAnsweredOnceAndAStaleVersionIsAborted) {
  const v1::Referral referral = Accepted();
  v1::UpdateReferralRequest u = Update(referral.referral_id());
  u.mutable_update_mask()->add_paths("contact.text_reminders");
  u.mutable_referral()->mutable_contact()->set_text_reminders(true);
  ASSERT_EQ(referral.version(), 1);
  u.set_expected_version(referral.version());
  v1::Referral first;
  v1::Referral again;
  ASSERT_TRUE(Amend(u, &first).ok());
  ASSERT_TRUE(Amend(u, &again).ok());
  EXPECT_EQ(first.SerializeAsString(), again.SerializeAsString());
  EXPECT_EQ(Amendments(Timeline(referral.referral_id())).size(), 1u);

  // The same request id for another change is refused.
  v1::UpdateReferralRequest other = u;
  other.mutable_referral()->mutable_contact()->set_text_reminders(false);
  v1::Referral out;
  EXPECT_EQ(Amend(other, &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // A change made against the version before the first one lost the race.
  other.set_request_id(NextId("update"));
  grpc::Status stale = Amend(other, &out);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED)
      << stale.error_message();
  EXPECT_EQ(Amendments(Timeline(referral.referral_id())).size(), 1u);
}

TEST_F(ReferralAmendTest, OnlyTheTreatingServiceMayAmend) {
  const v1::Referral referral = Accepted();
  for (const char* cert : {"trust-rx9", "gp-y90001", "pharmacy-fzz99",
                           "admin-ops", "integrator-x26"}) {
    v1::UpdateReferralRequest u = Update(referral.referral_id());
    u.mutable_update_mask()->add_paths("goal");
    u.mutable_referral()->set_goal(v1::QUIT_GOAL_TEMPORARY_ABSTINENCE);
    v1::Referral out;
    EXPECT_EQ(Amend(u, &out, cert).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << cert;
  }
  EXPECT_TRUE(Amendments(Timeline(referral.referral_id())).empty());
}

}  // namespace
}  // namespace nhs::tobacco
