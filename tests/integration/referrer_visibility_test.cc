// Referrers see what happened (issue 12 item 6), on the real binary over
// mutual TLS: trust RX9 follows the prescription request that follows its
// referral - status, list, timeline and the event stream - without the
// letter text the service wrote for the GP (the request's reason) or the
// notes the GP wrote on the timeline; trust RX8 is refused it exactly as it
// is refused a record that does not exist. A Talking Therapies service, a
// local authority, a voluntary sector service and a community pharmacy
// refer under their own source and follow their referrals too.
#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::HasSubstr;
using ::testing::Not;

// Text only the service's letter (the reason) and the GP's decline note
// carry: it must never reach a caller that is only the referrer.
constexpr char kLetterText[] = "LETTER-TEXT-7731 on clozapine, review levels";
constexpr char kGpNote[] = "GP-NOTE-4410 seizure history discussed";

class ReferrerVisibilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::MakeExtraDevCert("trust-rx8", "RX8", "mental_health_trust");
    gateway_ = new SecureGatewayBinary("referrer_visibility");
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gateway_->started()); }

  static std::string NextId(const std::string& what) {
    static int n = 0;
    return what + "-" + std::to_string(++n);
  }

  // `cert` refers a patient (naming `referrer`), the service accepts it and
  // recommends on the GP route with the letter text as its reason, and the
  // GP acknowledges and declines with a note. Returns {referral, request}.
  static std::pair<std::string, std::string> ReferredAndDeclined(
      const std::string& cert, const std::string& referrer,
      v1::ReferralSource source) {
    v1::CreateReferralRequest create =
        testing::SampleReferralRequest(NextId("referral"));
    create.mutable_referral()->mutable_referrer()->set_ods_code(referrer);
    create.mutable_referral()->set_source(source);
    v1::Referral referral;
    grpc::Status s = gateway_->As(cert).referrals->CreateReferral(
        Ctx().get(), create, &referral);
    EXPECT_TRUE(s.ok()) << "CreateReferral: " << s.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(NextId("accept"));
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = gateway_->As("service-tds01")
            .referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
    EXPECT_TRUE(s.ok()) << "accept: " << s.error_message();
    v1::RecommendPrescriptionRequest recommend = testing::SampleRecommendation(
        NextId("recommend"), referral.referral_id(), "nrt-patch-21mg-24h",
        v1::ROUTE_GP_PRESCRIPTION);
    recommend.set_reason(kLetterText);
    v1::PrescriptionRequest p;
    s = gateway_->As("service-tds01")
            .prescriptions->RecommendPrescription(Ctx().get(), recommend, &p);
    EXPECT_TRUE(s.ok()) << "Recommend: " << s.error_message();
    v1::TransitionRequest step;
    step.set_prescription_id(p.prescription_id());
    step.set_request_id(NextId("sent"));
    step.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = gateway_->As("service-tds01")
            .prescriptions->MarkSent(Ctx().get(), step, &p);
    EXPECT_TRUE(s.ok()) << "MarkSent: " << s.error_message();
    step.set_request_id(NextId("ack"));
    step.mutable_actor()->mutable_organisation()->set_ods_code("Y90001");
    s = gateway_->As("gp-y90001")
            .prescriptions->Acknowledge(Ctx().get(), step, &p);
    EXPECT_TRUE(s.ok()) << "Acknowledge: " << s.error_message();
    v1::ReasonedTransitionRequest decline;
    decline.set_request_id(NextId("decline"));
    decline.set_prescription_id(p.prescription_id());
    decline.mutable_actor()->mutable_organisation()->set_ods_code("Y90001");
    decline.set_reason_code("CLINICAL_CONTRAINDICATION");
    decline.set_note(kGpNote);
    s = gateway_->As("gp-y90001")
            .prescriptions->Decline(Ctx().get(), decline, &p);
    EXPECT_TRUE(s.ok()) << "Decline: " << s.error_message();
    return {referral.referral_id(), p.prescription_id()};
  }

  static grpc::Status Get(const std::string& cert, const std::string& rx,
                          v1::PrescriptionRequest* out) {
    v1::GetPrescriptionRequest get;
    get.set_prescription_id(rx);
    return gateway_->As(cert).prescriptions->GetPrescription(Ctx().get(), get,
                                                             out);
  }
  static grpc::Status Timeline(const std::string& cert, const std::string& rx,
                               v1::GetTimelineResponse* out) {
    v1::GetTimelineRequest get;
    get.set_prescription_id(rx);
    return gateway_->As(cert).prescriptions->GetTimeline(Ctx().get(), get, out);
  }
  // The ids of the requests `cert` (a trust) finds in its own list
  // (optionally of one referral).
  static std::vector<std::string> Listed(const std::string& cert,
                                         const std::string& referral_id = "") {
    v1::ListPrescriptionsRequest list;
    list.set_referral_id(referral_id);
    list.set_page_size(500);
    v1::ListPrescriptionsResponse page;
    grpc::Status s = gateway_->As(cert).prescriptions->ListPrescriptions(
        Ctx().get(), list, &page);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> ids;
    for (const auto& p : page.prescriptions()) {
      // The trusts here are only ever referrers.
      EXPECT_EQ(p.reason(), "") << cert << " listed the letter text";
      ids.push_back(p.prescription_id());
    }
    return ids;
  }
  // What the event stream of `referral_id` carries for `cert` within a
  // short wait.
  static std::vector<v1::TimelineEvent> Watched(const std::string& cert,
                                                const std::string& referral_id,
                                                int want) {
    auto ctx = Ctx(absl::Seconds(2));
    v1::WatchEventsRequest watch;
    watch.set_referral_id(referral_id);
    auto reader =
        gateway_->As(cert).prescriptions->WatchEvents(ctx.get(), watch);
    std::vector<v1::TimelineEvent> events;
    v1::TimelineEvent e;
    while (static_cast<int>(events.size()) < want && reader->Read(&e)) {
      events.push_back(e);
    }
    ctx->TryCancel();
    reader->Finish().IgnoreError();
    return events;
  }

  static SecureGatewayBinary* gateway_;
};

SecureGatewayBinary* ReferrerVisibilityTest::gateway_ = nullptr;

TEST_F(ReferrerVisibilityTest,
       TrustReadsItsReferralsPrescriptionStatusAndTimelineWithoutLetterText) {
  const auto [referral_id, rx] = ReferredAndDeclined(
      "trust-rx9", "RX9", v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);

  v1::PrescriptionRequest seen;
  grpc::Status s = Get("trust-rx9", rx, &seen);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(seen.status(), v1::PRESCRIPTION_STATUS_DECLINED);
  EXPECT_EQ(seen.status_reason(), "CLINICAL_CONTRAINDICATION");
  EXPECT_EQ(seen.product().product_id(), "nrt-patch-21mg-24h");
  EXPECT_EQ(seen.reason(), "");
  EXPECT_THAT(seen.SerializeAsString(), Not(HasSubstr("LETTER-TEXT-7731")));

  // The parties acting on it still read the letter text and the note.
  v1::PrescriptionRequest full;
  ASSERT_TRUE(Get("gp-y90001", rx, &full).ok());
  EXPECT_EQ(full.reason(), kLetterText);

  v1::GetTimelineResponse timeline;
  s = Timeline("trust-rx9", rx, &timeline);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::vector<v1::PrescriptionStatus> statuses;
  bool decline_coded = false;
  for (const auto& e : timeline.events()) {
    if (e.type() == v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED ||
        e.type() == v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED) {
      statuses.push_back(e.to_status());
    }
    if (e.to_status() == v1::PRESCRIPTION_STATUS_DECLINED) {
      decline_coded = e.reason_code() == "CLINICAL_CONTRAINDICATION" &&
                      e.actor().organisation().ods_code() == "Y90001";
    }
    EXPECT_EQ(e.note(), "") << "event " << e.sequence();
  }
  EXPECT_THAT(statuses,
              ::testing::ElementsAre(v1::PRESCRIPTION_STATUS_RECOMMENDED,
                                     v1::PRESCRIPTION_STATUS_SENT,
                                     v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
                                     v1::PRESCRIPTION_STATUS_DECLINED));
  EXPECT_TRUE(decline_coded) << "who declined and why (the code) is shown";
  EXPECT_THAT(timeline.SerializeAsString(), Not(HasSubstr("GP-NOTE-4410")));
  v1::GetTimelineResponse gp_timeline;
  ASSERT_TRUE(Timeline("gp-y90001", rx, &gp_timeline).ok());
  EXPECT_THAT(gp_timeline.SerializeAsString(), HasSubstr("GP-NOTE-4410"));

  // Its own list (by its ODS code, and by referral) finds the request.
  EXPECT_THAT(Listed("trust-rx9"), ::testing::Contains(rx));
  EXPECT_THAT(Listed("trust-rx9", referral_id), ::testing::ElementsAre(rx));

  // The stream of its referral carries the request's events, noteless.
  const std::vector<v1::TimelineEvent> watched =
      Watched("trust-rx9", referral_id, 100);
  int about_request = 0;
  for (const auto& e : watched) {
    if (e.prescription_id() != rx) continue;
    ++about_request;
    EXPECT_EQ(e.note(), "") << "streamed event " << e.sequence();
  }
  EXPECT_GE(about_request, 4) << "recommended, sent, acknowledged, declined";
}

TEST_F(ReferrerVisibilityTest, AnotherTrustIsRefusedAsIfTheRequestDidNotExist) {
  const auto [referral_id, rx] = ReferredAndDeclined(
      "trust-rx9", "RX9", v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  v1::PrescriptionRequest out;
  const grpc::Status other = Get("trust-rx8", rx, &out);
  const grpc::Status missing = Get("trust-rx8", "rx-does-not-exist", &out);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << other.error_message();
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(other.error_message(), missing.error_message());

  v1::GetTimelineResponse timeline;
  const grpc::Status other_timeline = Timeline("trust-rx8", rx, &timeline);
  const grpc::Status missing_timeline =
      Timeline("trust-rx8", "rx-does-not-exist", &timeline);
  EXPECT_EQ(other_timeline.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(other_timeline.error_message(), missing_timeline.error_message());

  EXPECT_THAT(Listed("trust-rx8"), Not(::testing::Contains(rx)));
  EXPECT_THAT(Listed("trust-rx8", referral_id), ::testing::IsEmpty());
  v1::ListPrescriptionsRequest theirs;
  theirs.set_ods_code("RX9");
  v1::ListPrescriptionsResponse page;
  EXPECT_EQ(gateway_->As("trust-rx8")
                .prescriptions->ListPrescriptions(Ctx().get(), theirs, &page)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Watched("trust-rx8", referral_id, 1), ::testing::IsEmpty());
}

TEST_F(ReferrerVisibilityTest,
       TalkingTherapiesCertificateRefersUnderItsSource) {
  v1::CreateReferralRequest create =
      testing::SampleReferralRequest(NextId("tt"));
  create.mutable_referral()->mutable_referrer()->set_ods_code("TT001");
  create.mutable_referral()->clear_source();
  v1::Referral referral;
  grpc::Status s =
      gateway_->As("talking-therapies-tt001")
          .referrals->CreateReferral(Ctx().get(), create, &referral);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(referral.source(), v1::REFERRAL_SOURCE_TALKING_THERAPIES);
  EXPECT_EQ(referral.referrer().ods_code(), "TT001");

  v1::GetReferralRequest get;
  get.set_referral_id(referral.referral_id());
  v1::Referral read;
  s = gateway_->As("talking-therapies-tt001")
          .referrals->GetReferral(Ctx().get(), get, &read);
  EXPECT_TRUE(s.ok()) << s.error_message();

  // Another source is refused, naming the field; so is another referrer.
  create.set_request_id(NextId("tt"));
  create.mutable_referral()->set_source(v1::REFERRAL_SOURCE_GP);
  s = gateway_->As("talking-therapies-tt001")
          .referrals->CreateReferral(Ctx().get(), create, &referral);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("referral.source"));
  create.set_request_id(NextId("tt"));
  create.mutable_referral()->clear_source();
  create.mutable_referral()->mutable_referrer()->set_ods_code("RX9");
  s = gateway_->As("talking-therapies-tt001")
          .referrals->CreateReferral(Ctx().get(), create, &referral);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReferrerVisibilityTest, EveryNewReferrerFollowsItsOwnReferral) {
  struct Case {
    const char* cert;
    const char* ods;
    v1::ReferralSource source;
  };
  testing::MakeExtraDevCert("pharmacy-fzz95", "FZZ95", "pharmacy");
  const Case cases[] = {
      {"talking-therapies-tt001", "TT001",
       v1::REFERRAL_SOURCE_TALKING_THERAPIES},
      {"local-authority-la001", "LA001", v1::REFERRAL_SOURCE_LOCAL_AUTHORITY},
      {"voluntary-sector-vs001", "VS001", v1::REFERRAL_SOURCE_VOLUNTARY_SECTOR},
      {"pharmacy-fzz95", "FZZ95", v1::REFERRAL_SOURCE_COMMUNITY_PHARMACY},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.cert);
    const auto [referral_id, rx] =
        ReferredAndDeclined(c.cert, c.ods, v1::REFERRAL_SOURCE_UNSPECIFIED);
    v1::GetReferralRequest get;
    get.set_referral_id(referral_id);
    v1::Referral referral;
    ASSERT_TRUE(gateway_->As(c.cert)
                    .referrals->GetReferral(Ctx().get(), get, &referral)
                    .ok());
    EXPECT_EQ(referral.source(), c.source);
    v1::ListOutcomesRequest outcomes;
    outcomes.set_referral_id(referral_id);
    v1::ListOutcomesResponse listed;
    EXPECT_TRUE(gateway_->As(c.cert)
                    .outcomes->ListOutcomes(Ctx().get(), outcomes, &listed)
                    .ok());
    v1::PrescriptionRequest p;
    grpc::Status s = Get(c.cert, rx, &p);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_DECLINED);
    EXPECT_EQ(p.reason(), "");
    // None of them reads a referral of another organisation's.
    const auto [others, others_rx] = ReferredAndDeclined(
        "trust-rx9", "RX9", v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
    EXPECT_EQ(Get(c.cert, others_rx, &p).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    get.set_referral_id(others);
    EXPECT_EQ(gateway_->As(c.cert)
                  .referrals->GetReferral(Ctx().get(), get, &referral)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
}

}  // namespace
}  // namespace nhs::tobacco
