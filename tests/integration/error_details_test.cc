// Integrator conventions (issue 15, item 7) on real gRPC calls over mutual
// TLS: every refusal carries google.rpc.ErrorInfo with a stable reason and
// the configured domain, so an illegal transition and missing consent (both
// FAILED_PRECONDITION) are told apart without reading the message; a
// rate-limited call carries google.rpc.RetryInfo.
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/dev_mutual_tls.h"
#include "tests/testing/grpc_as.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::nhs::tobacco::testing::UseDevMutualTls;
using ::testing::ElementsAre;

using As = testing::GrpcAs;

constexpr char kDomain[] = "tobacco-gateway.test.nhs.uk";
constexpr int kRateLimit = 40;

// The google.rpc.Status in the grpc-status-details-bin trailer.
google::rpc::Status DetailsOf(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details()))
      << "no google.rpc.Status in the trailer";
  EXPECT_EQ(details.code(), static_cast<int>(status.error_code()));
  return details;
}

template <typename Detail>
std::optional<Detail> Find(const google::rpc::Status& details) {
  for (const auto& any : details.details()) {
    Detail d;
    if (any.Is<Detail>() && any.UnpackTo(&d)) return d;
  }
  return std::nullopt;
}

google::rpc::ErrorInfo InfoOf(const grpc::Status& status) {
  std::optional<google::rpc::ErrorInfo> info =
      Find<google::rpc::ErrorInfo>(DetailsOf(status));
  EXPECT_TRUE(info.has_value()) << "no ErrorInfo: " << status.error_message();
  return info.value_or(google::rpc::ErrorInfo());
}

v1::TransitionRequest Step(const std::string& id, const std::string& rx,
                           const std::string& ods) {
  v1::TransitionRequest r;
  r.set_request_id(id);
  r.set_prescription_id(rx);
  r.mutable_actor()->mutable_organisation()->set_ods_code(ods);
  return r;
}

class ErrorDetailsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    StartGateway(kRateLimit);
  }
  void StartGateway(int rate_limit) {
    server_.reset();
    v1::GatewayConfig config = SampleConfig(dir_);
    config.set_error_domain(kDomain);
    UseDevMutualTls(*config.mutable_grpc());
    config.mutable_grpc()->set_per_principal_rate_limit(rate_limit);
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  int port() const { return server_->port(); }

  v1::Referral CreateReferral(const v1::CreateReferralRequest& request) {
    As trust(port(), "trust-rx9");
    v1::Referral referral;
    grpc::Status s =
        trust.referrals->CreateReferral(Ctx().get(), request, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return referral;
  }

  std::filesystem::path dir_;
  std::unique_ptr<server::GatewayServer> server_;
};

TEST_F(ErrorDetailsTest,
       IllegalTransitionAndMissingConsentHaveTheirOwnReasons) {
  As service(port(), "service-tds01");
  // Missing consent: the patient has not agreed to share with their GP.
  v1::CreateReferralRequest no_gp = SampleReferralRequest("ref-no-gp");
  no_gp.mutable_referral()->mutable_consent()->set_share_with_gp(false);
  const v1::Referral without_consent = CreateReferral(no_gp);
  v1::PrescriptionRequest rx;
  grpc::Status consent = service.prescriptions->RecommendPrescription(
      Ctx().get(),
      SampleRecommendation("rec-no-gp", without_consent.referral_id(),
                           "varenicline-1mg", v1::ROUTE_GP_PRESCRIPTION),
      &rx);
  ASSERT_EQ(consent.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << consent.error_message();
  const google::rpc::ErrorInfo consent_info = InfoOf(consent);
  EXPECT_EQ(consent_info.reason(), "CONSENT_REQUIRED");
  EXPECT_EQ(consent_info.domain(), kDomain);

  // Illegal transition: SENT twice.
  const v1::Referral referral =
      CreateReferral(SampleReferralRequest("ref-consented"));
  ASSERT_TRUE(service.prescriptions
                  ->RecommendPrescription(
                      Ctx().get(),
                      SampleRecommendation("rec-ok", referral.referral_id(),
                                           "varenicline-1mg",
                                           v1::ROUTE_GP_PRESCRIPTION),
                      &rx)
                  .ok());
  ASSERT_TRUE(service.prescriptions
                  ->MarkSent(Ctx().get(),
                             Step("sent-1", rx.prescription_id(), "TDS01"), &rx)
                  .ok());
  grpc::Status illegal = service.prescriptions->MarkSent(
      Ctx().get(), Step("sent-2", rx.prescription_id(), "TDS01"), &rx);
  ASSERT_EQ(illegal.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << illegal.error_message();
  const google::rpc::ErrorInfo illegal_info = InfoOf(illegal);
  EXPECT_EQ(illegal_info.reason(), "ILLEGAL_TRANSITION");
  EXPECT_EQ(illegal_info.domain(), kDomain);
  EXPECT_FALSE(Find<google::rpc::RetryInfo>(DetailsOf(illegal)).has_value())
      << "retrying an illegal transition cannot help";
}

TEST_F(ErrorDetailsTest, ValidationFailureCarriesReasonBesideFieldViolations) {
  As trust(port(), "trust-rx9");
  v1::CreateReferralRequest bad = SampleReferralRequest("bad-1");
  bad.mutable_referral()->mutable_patient()->set_nhs_number("9990000019");
  v1::Referral out;
  grpc::Status s = trust.referrals->CreateReferral(Ctx().get(), bad, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(InfoOf(s).reason(), "VALIDATION_FAILED");
  std::optional<google::rpc::BadRequest> fields =
      Find<google::rpc::BadRequest>(DetailsOf(s));
  ASSERT_TRUE(fields.has_value());
  ASSERT_EQ(fields->field_violations_size(), 1);
  EXPECT_EQ(fields->field_violations(0).field(), "referral.patient.nhs_number");
}

TEST_F(ErrorDetailsTest, RequestIdReusedForAnotherBodyIsNamed) {
  CreateReferral(SampleReferralRequest("same-id"));
  v1::CreateReferralRequest other = SampleReferralRequest("same-id");
  other.mutable_referral()->mutable_smoking()->set_cigarettes_per_day(3);
  As trust(port(), "trust-rx9");
  v1::Referral out;
  grpc::Status s = trust.referrals->CreateReferral(Ctx().get(), other, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << s.error_message();
  EXPECT_EQ(InfoOf(s).reason(), "REQUEST_ID_REUSED");
}

TEST_F(ErrorDetailsTest, WrongOrganisationIsNotEntitled) {
  As pharmacy(port(), "pharmacy-fzz99");
  v1::Referral out;
  grpc::Status s = pharmacy.referrals->CreateReferral(
      Ctx().get(), SampleReferralRequest("not-mine"), &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(InfoOf(s).reason(), "NOT_ENTITLED");
  EXPECT_EQ(InfoOf(s).domain(), kDomain);
}

TEST_F(ErrorDetailsTest, RateLimitedCallSaysWhenToRetry) {
  // A limit one caller outruns one call at a time even under ASan on a busy
  // machine (20 calls at 5 a second, burst 5: refused unless each call
  // takes over 150 ms; at 40 a second, 10 ms calls never were).
  constexpr int kLowLimit = 5;
  StartGateway(kLowLimit);
  As busy(port(), "pharmacy-fzz99");
  std::optional<grpc::Status> limited;
  for (int i = 0; i < 4 * kLowLimit && !limited.has_value(); ++i) {
    v1::GetPrescriptionRequest get;
    get.set_prescription_id("rx-none");
    v1::PrescriptionRequest out;
    grpc::Status s =
        busy.prescriptions->GetPrescription(Ctx().get(), get, &out);
    if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) limited = s;
  }
  ASSERT_TRUE(limited.has_value()) << "never rate limited";
  const google::rpc::ErrorInfo info = InfoOf(*limited);
  EXPECT_EQ(info.reason(), "RATE_LIMITED");
  EXPECT_EQ(info.domain(), kDomain);
  std::optional<google::rpc::RetryInfo> retry =
      Find<google::rpc::RetryInfo>(DetailsOf(*limited));
  ASSERT_TRUE(retry.has_value()) << "RESOURCE_EXHAUSTED without RetryInfo";
  EXPECT_GT(retry->retry_delay().seconds() * 1000 +
                retry->retry_delay().nanos() / 1000000,
            0);
}

}  // namespace
}  // namespace nhs::tobacco
