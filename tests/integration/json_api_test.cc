// The HTTP/JSON API (issue 13) on the real tobacco-gateway binary over
// mutual TLS: the GP route end to end in proto JSON, the google.rpc.Status
// errors with their HTTP statuses, the idempotent retry, and a second
// pharmacy that sees nothing and is refused.
#include <google/protobuf/util/json_util.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"
#include "tests/testing/raw_https_client.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The EPS prescription id's identifier system, as a client writes it.
constexpr char kEpsSystem[] =
    "https://fhir.nhs.uk/Id/prescription-order-number";

struct Answer {
  int status = -1;
  std::string head;
  std::string body;
};

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
  return json;
}

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(json, &message, options).ok())
      << json;
  return message;
}

class JsonApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = new testing::SecureGatewayBinary(
        "json_api", [](v1::GatewayConfig& config) {
          config.mutable_fhir()->set_max_body_bytes(64 * 1024);
        });
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }

  // One request on a fresh connection presenting `cert`.
  static Answer Call(const std::string& cert, const std::string& method,
                     const std::string& target, const std::string& body = "",
                     const std::string& content_type = "application/json") {
    testing::TlsTestClient client(gateway_->fhir_port(), cert);
    EXPECT_TRUE(client.ok()) << client.error();
    std::string request =
        absl::StrCat(method, " ", target,
                     " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if (!body.empty()) {
      absl::StrAppend(&request, "Content-Type: ", content_type,
                      "\r\nContent-Length: ", body.size(), "\r\n");
    }
    absl::StrAppend(&request, "\r\n", body);
    EXPECT_TRUE(client.Write(request));
    Answer answer;
    answer.status =
        client.ReadStatus(absl::Seconds(20), &answer.body, &answer.head);
    return answer;
  }

  static google::rpc::Status StatusOf(const Answer& answer) {
    EXPECT_THAT(answer.head, HasSubstr("Content-Type: application/json"));
    return FromJson<google::rpc::Status>(answer.body);
  }

  // A referral from the trust and a GP-route recommendation by the
  // service, through the JSON API.
  static v1::PrescriptionRequest Recommend(const std::string& key) {
    const Answer created =
        Call("trust-rx9", "POST", "/v1/referrals",
             ToJson(testing::SampleReferralRequest(absl::StrCat("ref-", key))));
    EXPECT_EQ(created.status, 200) << created.body;
    const auto referral = FromJson<v1::Referral>(created.body);
    v1::RecommendPrescriptionRequest recommendation =
        testing::SampleRecommendation(absl::StrCat("rec-", key),
                                      referral.referral_id(), "varenicline-1mg",
                                      v1::ROUTE_GP_PRESCRIPTION);
    // The pharmacy that dispenses the EPS prescription.
    recommendation.mutable_nominated_pharmacy()->set_ods_code("FZZ99");
    const Answer recommended = Call(
        "service-tds01", "POST", "/v1/prescriptions", ToJson(recommendation));
    EXPECT_EQ(recommended.status, 200) << recommended.body;
    return FromJson<v1::PrescriptionRequest>(recommended.body);
  }

  static v1::PrescriptionRequest Step(const std::string& cert,
                                      const std::string& id,
                                      const std::string& verb,
                                      const std::string& body) {
    const Answer answer = Call(
        cert, "POST", absl::StrCat("/v1/prescriptions/", id, ":", verb), body);
    EXPECT_EQ(answer.status, 200) << verb << ": " << answer.body;
    return FromJson<v1::PrescriptionRequest>(answer.body);
  }

  static testing::SecureGatewayBinary* gateway_;
};

testing::SecureGatewayBinary* JsonApiTest::gateway_ = nullptr;

TEST_F(JsonApiTest, GpRouteRunsEndToEndInJson) {
  v1::PrescriptionRequest p = Recommend("gp");
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_RECOMMENDED);
  const std::string id = p.prescription_id();
  p = Step("service-tds01", id, "markSent", R"({"requestId":"gp-1"})");
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_SENT);
  p = Step("gp-y90001", id, "acknowledge", R"({"request_id":"gp-2"})");
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  p = Step(
      "gp-y90001", id, "prescribe",
      R"({"requestId":"gp-3","epsPrescriptionId":"24F5DA-A83008-7EFE6Z"})");
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_EQ(p.eps_prescription_id(), "24F5DA-A83008-7EFE6Z");
  // The dispensing pharmacy proves itself with the EPS id.
  p = Step("pharmacy-fzz99", id, "dispense",
           absl::StrCat(R"({"requestId":"gp-4","externalIds":[{"system":")",
                        kEpsSystem, R"(","value":"24F5DA-A83008-7EFE6Z"}]})"));
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_DISPENSED);

  // Reads: the timeline, the record and a filtered list (query parameters).
  const Answer timeline =
      Call("service-tds01", "GET",
           absl::StrCat("/v1/prescriptions/", id, "/timeline"));
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  const auto events = FromJson<v1::GetTimelineResponse>(timeline.body);
  std::vector<v1::PrescriptionStatus> statuses;
  for (const auto& e : events.events()) {
    if (e.to_status() != v1::PRESCRIPTION_STATUS_UNSPECIFIED) {
      statuses.push_back(e.to_status());
    }
    if (e.to_status() == v1::PRESCRIPTION_STATUS_ACKNOWLEDGED) {
      EXPECT_EQ(e.actor().adapter(), "http") << "the edge it came through";
    }
  }
  EXPECT_THAT(statuses, ElementsAre(v1::PRESCRIPTION_STATUS_RECOMMENDED,
                                    v1::PRESCRIPTION_STATUS_SENT,
                                    v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
                                    v1::PRESCRIPTION_STATUS_PRESCRIBED,
                                    v1::PRESCRIPTION_STATUS_DISPENSED));
  const Answer got =
      Call("gp-y90001", "GET", absl::StrCat("/v1/prescriptions/", id));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_THAT(got.body,
              HasSubstr(R"("status":"PRESCRIPTION_STATUS_DISPENSED")"))
      << "enums as names, lowerCamelCase";
  const Answer listed =
      Call("service-tds01", "GET",
           absl::StrCat("/v1/prescriptions?status=PRESCRIPTION_STATUS_"
                        "DISPENSED&referral_id=",
                        p.referral_id()));
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto list = FromJson<v1::ListPrescriptionsResponse>(listed.body);
  ASSERT_EQ(list.prescriptions_size(), 1);
  EXPECT_EQ(list.prescriptions(0).prescription_id(), id);
  for (const char* header :
       {"Cache-Control: no-store", "X-Content-Type-Options: nosniff",
        "Referrer-Policy: no-referrer"}) {
    EXPECT_THAT(listed.head, HasSubstr(header));
  }
}

TEST_F(JsonApiTest, RetryWithTheSameRequestIdReturnsTheFirstAnswer) {
  const v1::PrescriptionRequest p = Recommend("retry");
  const std::string body = R"({"requestId":"retry-1"})";
  const v1::PrescriptionRequest first =
      Step("service-tds01", p.prescription_id(), "markSent", body);
  const v1::PrescriptionRequest again =
      Step("service-tds01", p.prescription_id(), "markSent", body);
  EXPECT_EQ(again.version(), first.version());
  EXPECT_EQ(again.status(), v1::PRESCRIPTION_STATUS_SENT);
  // The retried recommendation creates nothing new either.
  const Answer referrals =
      Call("service-tds01", "GET",
           absl::StrCat("/v1/prescriptions?referralId=", p.referral_id()));
  ASSERT_EQ(referrals.status, 200) << referrals.body;
  EXPECT_EQ(FromJson<v1::ListPrescriptionsResponse>(referrals.body)
                .prescriptions_size(),
            1);
  const Answer timeline = Call(
      "service-tds01", "GET",
      absl::StrCat("/v1/prescriptions/", p.prescription_id(), "/timeline"));
  int sent = 0;
  const auto events = FromJson<v1::GetTimelineResponse>(timeline.body);
  for (const auto& e : events.events()) {
    if (e.to_status() == v1::PRESCRIPTION_STATUS_SENT) ++sent;
  }
  EXPECT_EQ(sent, 1);
}

TEST_F(JsonApiTest, SecondPharmacySeesNothingAndIsRefused) {
  const v1::PrescriptionRequest p = Recommend("other");
  const std::string id = p.prescription_id();
  Step("service-tds01", id, "markSent", R"({"requestId":"o-1"})");
  Step("gp-y90001", id, "acknowledge", R"({"requestId":"o-2"})");
  Step("gp-y90001", id, "prescribe",
       R"({"requestId":"o-3","epsPrescriptionId":"24F5DA-A83008-7EFE6Z"})");

  const Answer list = Call("pharmacy-fzz98", "GET", "/v1/prescriptions");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(
      FromJson<v1::ListPrescriptionsResponse>(list.body).prescriptions_size(),
      0);
  // It does not hold the EPS id: it quotes one of its own.
  const Answer dispense =
      Call("pharmacy-fzz98", "POST",
           absl::StrCat("/v1/prescriptions/", id, ":dispense"),
           absl::StrCat(R"({"requestId":"o-4","externalIds":[{"system":")",
                        kEpsSystem, R"(","value":"AAAAAA-A83008-7EFE6Z"}]})"));
  EXPECT_EQ(dispense.status, 403) << dispense.body;
  EXPECT_EQ(StatusOf(dispense).code(), 7);  // PERMISSION_DENIED
  const Answer read =
      Call("pharmacy-fzz98", "GET", absl::StrCat("/v1/prescriptions/", id));
  EXPECT_EQ(read.status, 403) << read.body;
  // Nothing changed.
  const Answer still =
      Call("gp-y90001", "GET", absl::StrCat("/v1/prescriptions/", id));
  EXPECT_EQ(FromJson<v1::PrescriptionRequest>(still.body).status(),
            v1::PRESCRIPTION_STATUS_PRESCRIBED);
}

TEST_F(JsonApiTest, RefusalsAreGoogleRpcStatusesWithTheirHttpStatus) {
  const v1::PrescriptionRequest p = Recommend("errors");
  const std::string step =
      absl::StrCat("/v1/prescriptions/", p.prescription_id(), ":dispense");

  Answer a = Call("service-tds01", "GET", "/v1/nothing-here");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(StatusOf(a).code(), 5);

  a = Call("service-tds01", "GET", step);
  EXPECT_EQ(a.status, 405);
  EXPECT_THAT(a.head, HasSubstr("Allow: POST"));
  EXPECT_EQ(StatusOf(a).code(), 12);

  a = Call("pharmacy-fzz99", "POST", step, "requestId=x", "text/plain");
  EXPECT_EQ(a.status, 415);
  EXPECT_EQ(StatusOf(a).code(), 3);

  a = Call("pharmacy-fzz99", "POST", step, R"({"requestId": )");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(StatusOf(a).code(), 3);
  EXPECT_THAT(a.body, HasSubstr("google.rpc.BadRequest"));

  a = Call("pharmacy-fzz99", "POST", step,
           R"({"requestId":"e-1","colour":"blue"})");
  EXPECT_EQ(a.status, 400) << "unknown fields are refused";
  EXPECT_THAT(StatusOf(a).message(), HasSubstr("match"));

  a = Call("service-tds01", "GET", "/v1/prescriptions?colour=blue");
  EXPECT_EQ(a.status, 400);
  EXPECT_THAT(a.body, HasSubstr(R"("field":"colour")"));

  // The use case's own refusals: field violations, a wrong state.
  v1::RecommendPrescriptionRequest bad = testing::SampleRecommendation(
      "rec-bad", p.referral_id(), "", v1::ROUTE_GP_PRESCRIPTION);
  a = Call("service-tds01", "POST", "/v1/prescriptions", ToJson(bad));
  EXPECT_EQ(a.status, 400);
  EXPECT_THAT(
      a.body,
      HasSubstr(R"("@type":"type.googleapis.com/google.rpc.BadRequest")"));
  EXPECT_THAT(a.body, HasSubstr(R"("field":"product_id")"));

  // Prescribing what the GP has not acknowledged yet: the wrong state.
  a = Call(
      "gp-y90001", "POST",
      absl::StrCat("/v1/prescriptions/", p.prescription_id(), ":prescribe"),
      R"({"requestId":"e-2","epsPrescriptionId":"24F5DA-A83008-7EFE6Z"})");
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_EQ(StatusOf(a).code(), 9);  // FAILED_PRECONDITION

  // Oversized: the server refuses it while reading, in the API's format.
  a = Call("service-tds01", "POST", "/v1/prescriptions",
           std::string(100 * 1024, ' '));
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(StatusOf(a).code(), 8);

  // None of it changed the request; FHIR keeps its own error format.
  const Answer still =
      Call("service-tds01", "GET",
           absl::StrCat("/v1/prescriptions/", p.prescription_id()));
  EXPECT_EQ(FromJson<v1::PrescriptionRequest>(still.body).version(),
            p.version());
  a = Call("service-tds01", "GET", "/fhir/nothing-here");
  EXPECT_EQ(a.status, 404);
  EXPECT_THAT(a.body, HasSubstr("OperationOutcome"));
}

}  // namespace
}  // namespace nhs::tobacco
