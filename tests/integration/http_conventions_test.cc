// Integrator conventions (issue 15) on the HTTPS listener of an in-process
// gateway, spoken to as raw HTTP/1.1 over mutual TLS so every header is
// seen: GET /fhir/metadata, 415 for a body that is not FHIR JSON,
// Retry-After on 429 (FHIR and the JSON API), and the JSON API's
// google.rpc.Status carrying the same ErrorInfo as gRPC.
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/raw_https_client.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kDomain[] = "tobacco-gateway.test.nhs.uk";
constexpr char kEndpoint[] = "https://gateway.test/fhir/$process-message";

struct Answer {
  int status = -1;
  std::string head;
  std::string body;
};

class HttpConventionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    v1::GatewayConfig config = SampleConfig(dir_);
    config.set_error_domain(kDomain);
    auto* fhir = config.mutable_fhir();
    fhir->set_address("127.0.0.1:0");
    fhir->set_tls_cert_path((DevCerts() / "server.pem").string());
    fhir->set_tls_key_path((DevCerts() / "server.key").string());
    fhir->set_client_ca_file((DevCerts() / "ca.pem").string());
    fhir->set_crl_directory((DevCerts() / "crl").string());
    fhir->set_public_endpoint(kEndpoint);
    fhir->set_max_body_bytes(64 * 1024);
    // One a second: the second request of a burst is over the limit.
    fhir->set_per_principal_rate_limit(1);
    fhir->set_json_api_rate_limit(1);
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  Answer Call(const std::string& cert, const std::string& method,
              const std::string& target, const std::string& body = "",
              const std::string& content_type = "application/fhir+json") {
    testing::TlsTestClient client(server_->fhir_port(), cert);
    EXPECT_TRUE(client.ok()) << client.error();
    std::string request =
        absl::StrCat(method, " ", target,
                     " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if (method == "POST") {
      if (!content_type.empty()) {
        absl::StrAppend(&request, "Content-Type: ", content_type, "\r\n");
      }
      absl::StrAppend(&request, "Content-Length: ", body.size(), "\r\n");
    }
    absl::StrAppend(&request, "\r\n", body);
    EXPECT_TRUE(client.Write(request));
    Answer answer;
    answer.status =
        client.ReadStatus(absl::Seconds(20), &answer.body, &answer.head);
    return answer;
  }

  // Requests in a burst until one is refused with `status`.
  Answer BurstUntil(int status, const std::string& method,
                    const std::string& target, const std::string& body) {
    Answer last;
    for (int i = 0; i < 20; ++i) {
      last = Call("gp-y90001", method, target, body);
      if (last.status == status) break;
    }
    return last;
  }

  std::filesystem::path dir_;
  std::unique_ptr<server::GatewayServer> server_;
};

TEST_F(HttpConventionsTest, MetadataIsACapabilityStatementForMessaging) {
  const Answer a = Call("gp-y90001", "GET", "/fhir/metadata");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_THAT(a.head, HasSubstr("Content-Type: application/fhir+json"));
  const Json statement = Json::parse(a.body);
  EXPECT_EQ(statement["resourceType"], "CapabilityStatement");
  EXPECT_EQ(statement["kind"], "instance");
  EXPECT_EQ(statement["fhirVersion"], "4.0.1");
  EXPECT_THAT(statement["format"].dump(), HasSubstr("application/fhir+json"));
  const Json& messaging = statement["messaging"][0];
  EXPECT_EQ(messaging["endpoint"][0]["address"], kEndpoint);
  EXPECT_EQ(messaging["endpoint"][0]["protocol"]["code"], "http");
  std::vector<std::string> events;
  for (const Json& m : messaging["supportedMessage"]) {
    EXPECT_EQ(m["mode"], "receiver");
    events.push_back(m["extension"][0]["valueCoding"]["code"]);
  }
  EXPECT_THAT(events, ::testing::UnorderedElementsAre("prescription-decision",
                                                      "dispense-notification"));
}

TEST_F(HttpConventionsTest, WrongContentTypeGets415WithAnOperationOutcome) {
  const Answer a = Call("gp-y90001", "POST", "/fhir/$process-message",
                        "<Bundle/>", "application/fhir+xml");
  ASSERT_EQ(a.status, 415) << a.body;
  EXPECT_THAT(a.head, HasSubstr("Content-Type: application/fhir+json"));
  const Json outcome = Json::parse(a.body);
  EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
  EXPECT_THAT(outcome["issue"][0]["diagnostics"].get<std::string>(),
              HasSubstr("application/fhir+json"));
  // No Content-Type at all is refused the same way; a charset is fine.
  EXPECT_EQ(
      Call("gp-y90001", "POST", "/fhir/$process-message", "{}", "").status,
      415);
  EXPECT_EQ(Call("pharmacy-fzz99", "POST", "/fhir/$process-message", "{",
                 "application/fhir+json; charset=utf-8")
                .status,
            400)
      << "parsed, and refused as malformed JSON, not as a media type";
}

TEST_F(HttpConventionsTest, FhirSenderOverItsRateGets429WithRetryAfter) {
  const Answer a = BurstUntil(429, "POST", "/fhir/$process-message", "{");
  ASSERT_EQ(a.status, 429) << "never rate limited: " << a.body;
  EXPECT_THAT(a.head, HasSubstr("Retry-After: 1"));
  EXPECT_EQ(Json::parse(a.body)["resourceType"], "OperationOutcome");
}

TEST_F(HttpConventionsTest, JsonApiRefusalCarriesErrorInfoAndRetryAfter) {
  const Answer a = BurstUntil(429, "GET", "/v1/referrals", "");
  ASSERT_EQ(a.status, 429) << "never rate limited: " << a.body;
  EXPECT_THAT(a.head, HasSubstr("Retry-After: 1"));
  const Json status = Json::parse(a.body);
  EXPECT_EQ(status["code"], 8);  // RESOURCE_EXHAUSTED
  bool error_info = false;
  bool retry_info = false;
  for (const Json& detail : status["details"]) {
    if (detail["@type"] == "type.googleapis.com/google.rpc.ErrorInfo") {
      error_info = true;
      EXPECT_EQ(detail["reason"], "RATE_LIMITED");
      EXPECT_EQ(detail["domain"], kDomain);
    }
    if (detail["@type"] == "type.googleapis.com/google.rpc.RetryInfo") {
      retry_info = true;
      EXPECT_EQ(detail["retryDelay"], "1s");
    }
  }
  EXPECT_TRUE(error_info) << a.body;
  EXPECT_TRUE(retry_info) << a.body;
}

TEST_F(HttpConventionsTest, JsonApiValidationFailureNamesItsReason) {
  const Answer a = Call("trust-rx9", "POST", "/v1/referrals",
                        R"({"requestId": )", "application/json");
  ASSERT_EQ(a.status, 400) << a.body;
  const Json status = Json::parse(a.body);
  ASSERT_TRUE(status.contains("details")) << a.body;
  EXPECT_EQ(status["details"][0]["@type"],
            "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(status["details"][0]["reason"], "VALIDATION_FAILED");
  EXPECT_EQ(status["details"][0]["domain"], kDomain);
  EXPECT_THAT(a.body, HasSubstr("google.rpc.BadRequest"));
  EXPECT_THAT(a.head, ::testing::Not(HasSubstr("Retry-After")));
}

}  // namespace
}  // namespace nhs::tobacco
