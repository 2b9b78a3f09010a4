// Prefix mounts (issue 13): one server serves /fhir/, /v1/ and /console/,
// each answering the server's own refusals in its own format.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "adapters/http/router.h"
#include "adapters/http/server.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/raw_https_client.h"

namespace nhs::tobacco::http {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::TlsTestClient;

// An error page that says whose it is.
ErrorPage PageOf(const std::string& owner) {
  return [owner](int status, const std::string&) {
    Response response;
    response.status = status;
    response.body = absl::StrCat(owner, " ", status);
    return response;
  };
}

Handler Says(const std::string& who) {
  return [who](Request request, Responder responder) {
    Response response;
    response.body = absl::StrCat(who, " ", request.target);
    responder.Send(std::move(response));
  };
}

class RouterMountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_ = std::make_shared<Router>(PageOf("root"));
    router_->Add("POST", "/fhir/$process-message", Says("fhir"));
    router_->AddMount(Mount{"/v1/", Says("api"), PageOf("api")});
    router_->AddMount(
        Mount{"/v1/special/", Says("special"), PageOf("special")});
    router_->AddMount(Mount{"/console/", Says("console"), PageOf("console")});
    ServerOptions options;
    options.address = "127.0.0.1:0";
    options.tls_cert_path = (DevCerts() / "server.pem").string();
    options.tls_key_path = (DevCerts() / "server.key").string();
    options.client_ca_path = (DevCerts() / "ca.pem").string();
    options.request_limits.max_body_bytes = 1024;
    options.path_error_page = [router = router_](absl::string_view path,
                                                 int status,
                                                 const std::string& why) {
      return router->ErrorPageFor(path, status, why);
    };
    auto server =
        Server::Start(options, [router = router_](Request r, Responder s) {
          router->Dispatch(std::move(r), std::move(s));
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // One request on its own connection: "<status> <body>".
  std::string Ask(const std::string& request) {
    TlsTestClient client(server_->port(), "gp-y90001");
    EXPECT_TRUE(client.ok()) << client.error();
    client.Write(request);
    std::string body;
    const int status = client.ReadStatus(absl::Seconds(10), &body);
    return absl::StrCat(status, " ", body);
  }

  static std::string Get(const std::string& target) {
    return absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: t\r\n\r\n");
  }

  std::shared_ptr<Router> router_;
  std::unique_ptr<Server> server_;
};

TEST_F(RouterMountsTest, PathsUnderAPrefixGoToItsHandler) {
  EXPECT_EQ(Ask(Get("/v1/prescriptions?x=1")), "200 api /v1/prescriptions?x=1");
  EXPECT_EQ(Ask(Get("/v1")), "200 api /v1");
  EXPECT_EQ(Ask(Get("/console/index.html")), "200 console /console/index.html");
}

TEST_F(RouterMountsTest, TheLongestPrefixWins) {
  EXPECT_EQ(Ask(Get("/v1/special/x")), "200 special /v1/special/x");
}

TEST_F(RouterMountsTest, ExactRoutesAndUnknownPathsKeepTheRoutersAnswers) {
  EXPECT_EQ(Ask("POST /fhir/$process-message HTTP/1.1\r\nHost: t\r\n"
                "Content-Length: 0\r\n\r\n"),
            "200 fhir /fhir/$process-message");
  EXPECT_EQ(Ask(Get("/fhir/$process-message")), "405 root 405");
  EXPECT_EQ(Ask(Get("/v2/x")), "404 root 404");
  EXPECT_EQ(Ask(Get("/v1x")), "404 root 404");
}

TEST_F(RouterMountsTest, TheServersRefusalsUseTheMountsErrorPage) {
  const std::string big = std::string(4096, 'x');
  const auto post = [&](const std::string& path) {
    return absl::StrCat("POST ", path,
                        " HTTP/1.1\r\nHost: t\r\nContent-Length: ", big.size(),
                        "\r\n\r\n", big);
  };
  EXPECT_EQ(Ask(post("/v1/prescriptions")), "413 api 413");
  EXPECT_EQ(Ask(post("/console/api/session")), "413 console 413");
  EXPECT_EQ(Ask(post("/fhir/$process-message")), "413 root 413");
}

}  // namespace
}  // namespace nhs::tobacco::http
