// The web console on the real tobacco-gateway binary (issue 13, console):
// the HTTPS listener serves the compiled-in pages under /console/ to each
// role's certificate with the browser-security headers, answers unknown
// files and its own errors as HTML (not as FHIR OperationOutcomes), and
// gives the pages the reason lists of the gateway's own config.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/raw_https_client.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Answer {
  int status = -1;
  std::string head;
  std::string body;
};

class ConsoleGatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = new testing::SecureGatewayBinary(
        "console_gateway", [](v1::GatewayConfig& config) {
          config.clear_decline_reasons();
          v1::ReasonCode* reason = config.add_decline_reasons();
          reason->set_code("PRACTICE_POLICY");
          reason->set_display("Practice policy <not> to prescribe");
        });
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }

  static Answer Get(const std::string& cert, const std::string& target,
                    const std::string& extra = "") {
    testing::TlsTestClient client(gateway_->fhir_port(), cert);
    EXPECT_TRUE(client.ok()) << client.error();
    EXPECT_TRUE(client.Write(absl::StrCat(
        "GET ", target, " HTTP/1.1\r\nHost: localhost\r\n", extra, "\r\n")));
    Answer answer;
    answer.status =
        client.ReadStatus(absl::Seconds(20), &answer.body, &answer.head);
    return answer;
  }

  static testing::SecureGatewayBinary* gateway_;
};

testing::SecureGatewayBinary* ConsoleGatewayTest::gateway_ = nullptr;

TEST_F(ConsoleGatewayTest, EachRoleGetsTheStartPageAndItsOwnPage) {
  for (const auto& [cert, page] :
       {std::pair<const char*, const char*>{"service-tds01", "service.html"},
        {"gp-y90001", "gp.html"},
        {"pharmacy-fzz99", "pharmacy.html"},
        {"admin-ops", "admin.html"}}) {
    SCOPED_TRACE(cert);
    for (const std::string& target :
         {std::string("/console/"), absl::StrCat("/console/", page)}) {
      const Answer answer = Get(cert, target);
      ASSERT_EQ(answer.status, 200) << answer.head;
      EXPECT_THAT(answer.head,
                  HasSubstr("Content-Type: text/html; charset=utf-8"));
      EXPECT_THAT(answer.head,
                  HasSubstr("Content-Security-Policy: default-src 'none'; "
                            "script-src 'self'; style-src 'self'"));
      EXPECT_THAT(answer.head, HasSubstr("X-Frame-Options: DENY"));
      EXPECT_THAT(answer.head, HasSubstr("Referrer-Policy: no-referrer"));
      EXPECT_THAT(answer.head, HasSubstr("Cache-Control: no-store"));
      EXPECT_THAT(answer.body, HasSubstr("<script type=\"module\""));
    }
  }
}

TEST_F(ConsoleGatewayTest, DesignSystemRevalidatesByETag) {
  const Answer first =
      Get("gp-y90001", "/console/nhsuk/nhsuk-frontend.min.css");
  ASSERT_EQ(first.status, 200);
  EXPECT_THAT(first.head, HasSubstr("Content-Type: text/css; charset=utf-8"));
  std::string etag;
  for (absl::string_view line : absl::StrSplit(first.head, "\r\n")) {
    if (absl::StartsWithIgnoreCase(line, "ETag: ")) {
      etag = std::string(line.substr(6));
    }
  }
  ASSERT_FALSE(etag.empty()) << first.head;
  const Answer again = Get("gp-y90001", "/console/nhsuk/nhsuk-frontend.min.css",
                           absl::StrCat("If-None-Match: ", etag, "\r\n"));
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
}

TEST_F(ConsoleGatewayTest, UnknownFileIsTheConsolesHtml404NotFhir) {
  const Answer answer = Get("pharmacy-fzz99", "/console/missing.js");
  EXPECT_EQ(answer.status, 404);
  EXPECT_THAT(answer.head, HasSubstr("text/html"));
  EXPECT_THAT(answer.head, HasSubstr("Content-Security-Policy:"));
  EXPECT_THAT(answer.body, Not(HasSubstr("OperationOutcome")));
}

TEST_F(ConsoleGatewayTest, ServerMadeErrorUnderConsoleIsTheHtmlErrorPage) {
  // A header over the listener's limit: the server answers 431 itself, in
  // the format of the mount the path falls under.
  const Answer answer =
      Get("gp-y90001", "/console/gp.html",
          absl::StrCat("X-Padding: ", std::string(64 * 1024, 'a'), "\r\n"));
  EXPECT_EQ(answer.status, 431) << answer.head;
  EXPECT_THAT(answer.head, HasSubstr("text/html"));
  EXPECT_THAT(answer.head, HasSubstr("X-Frame-Options: DENY"));
  EXPECT_THAT(answer.body, Not(HasSubstr("OperationOutcome")));
}

TEST_F(ConsoleGatewayTest, ReasonListsAreTheGatewaysConfiguredOnes) {
  const Answer answer = Get("gp-y90001", "/console/api/reasons");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_THAT(answer.body,
              HasSubstr("\"declineReasons\":[{\"code\":\"PRACTICE_POLICY\","
                        "\"display\":\"Practice policy \\u003cnot\\u003e to "
                        "prescribe\"}]"));
  // The not-supplied list was left to the config's defaults.
  EXPECT_THAT(answer.body, HasSubstr("\"code\":\"OUT_OF_STOCK\""));
  EXPECT_THAT(answer.head, HasSubstr("Cache-Control: no-store"));
}

}  // namespace
}  // namespace nhs::tobacco
