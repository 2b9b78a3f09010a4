// Who is using the console, and browser security (issue 13, identity), on
// the real tobacco-gateway binary over mutual TLS: a client that sends what
// a browser sends (Origin, Sec-Fetch-Site, the session cookie, the
// X-CSRF-Token header). A forged cross-site POST and a POST with a missing
// or wrong token are refused and change nothing; a session is useless with
// another certificate; the practitioner signed in is on the timeline and in
// the audit log, and without one the console cannot prescribe.
#include <google/protobuf/util/json_util.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/console.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"
#include "tests/testing/raw_https_client.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::testing::HasSubstr;

constexpr char kCookie[] = "__Host-tobacco_session";
constexpr char kEpsId[] = "24F5DA-A83008-7EFE6Z";

struct Answer {
  int status = -1;
  std::string head;
  std::string body;
};

// What the browser holds for one console tab: its cookie and the token
// GET /console/api/session gave it.
struct Browser {
  std::string cert;
  std::string cookie;
  std::string csrf;
};

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
  return json;
}

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message).ok())
      << json;
  return message;
}

class ConsoleIdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = new testing::SecureGatewayBinary("console_identity",
                                                [](v1::GatewayConfig&) {});
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }

  static std::string Host() {
    return absl::StrCat("localhost:", gateway_->fhir_port());
  }
  static std::string OwnOrigin() { return absl::StrCat("https://", Host()); }

  // One request on a fresh connection presenting `cert`, with `headers`
  // ("Name: value") as given.
  static Answer Call(const std::string& cert, const std::string& method,
                     const std::string& target,
                     const std::vector<std::string>& headers,
                     const std::string& body = "") {
    testing::TlsTestClient client(gateway_->fhir_port(), cert);
    EXPECT_TRUE(client.ok()) << client.error();
    std::string request =
        absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: ", Host(),
                     "\r\nConnection: close\r\n");
    for (const std::string& h : headers) absl::StrAppend(&request, h, "\r\n");
    if (!body.empty() || method == "POST") {
      absl::StrAppend(&request,
                      "Content-Type: application/json\r\nContent-Length: ",
                      body.size(), "\r\n");
    }
    absl::StrAppend(&request, "\r\n", body);
    EXPECT_TRUE(client.Write(request));
    Answer answer;
    answer.status =
        client.ReadStatus(absl::Seconds(20), &answer.body, &answer.head);
    return answer;
  }

  // The headers a console page's fetch() sends.
  static std::vector<std::string> SameOrigin(const Browser& b,
                                             bool with_token = true) {
    std::vector<std::string> h = {absl::StrCat("Origin: ", OwnOrigin()),
                                  "Sec-Fetch-Site: same-origin"};
    if (!b.cookie.empty()) {
      h.push_back(absl::StrCat("Cookie: ", kCookie, "=", b.cookie));
    }
    if (with_token && !b.csrf.empty()) {
      h.push_back(absl::StrCat("X-CSRF-Token: ", b.csrf));
    }
    return h;
  }

  // Opens the console as `cert`: GET /console/api/session.
  static Browser Open(const std::string& cert) {
    Browser b{cert, "", ""};
    const Answer a = Call(cert, "GET", "/console/api/session", SameOrigin(b));
    EXPECT_EQ(a.status, 200) << a.body;
    for (absl::string_view line : absl::StrSplit(a.head, "\r\n")) {
      if (absl::ConsumePrefix(&line, "Set-Cookie: ") &&
          absl::ConsumePrefix(&line, kCookie) &&
          absl::ConsumePrefix(&line, "=")) {
        b.cookie = std::string(line.substr(0, line.find(';')));
      }
    }
    EXPECT_FALSE(b.cookie.empty()) << a.head;
    b.csrf = FromJson<v1::ConsoleSession>(a.body).csrf_token();
    EXPECT_FALSE(b.csrf.empty());
    return b;
  }

  static Answer SignIn(const Browser& b) {
    return Call(
        b.cert, "POST", "/console/api/session", SameOrigin(b),
        R"({"register":"GMC","number":"7654321","displayName":"Dr Ada Jones"})");
  }

  // A GP-route request sent to practice Y90001 and acknowledged by it, by
  // programs (no browser headers).
  static std::string Acknowledged(const std::string& key) {
    const Answer created =
        Call("trust-rx9", "POST", "/v1/referrals", {},
             ToJson(testing::SampleReferralRequest(absl::StrCat("ref-", key))));
    EXPECT_EQ(created.status, 200) << created.body;
    const auto referral = FromJson<v1::Referral>(created.body);
    const Answer recommended =
        Call("service-tds01", "POST", "/v1/prescriptions", {},
             ToJson(testing::SampleRecommendation(
                 absl::StrCat("rec-", key), referral.referral_id(),
                 "varenicline-1mg", v1::ROUTE_GP_PRESCRIPTION)));
    EXPECT_EQ(recommended.status, 200) << recommended.body;
    const std::string id =
        FromJson<v1::PrescriptionRequest>(recommended.body).prescription_id();
    for (const auto& [cert, verb] :
         std::vector<std::pair<std::string, std::string>>{
             {"service-tds01", "markSent"}, {"gp-y90001", "acknowledge"}}) {
      const Answer a =
          Call(cert, "POST", absl::StrCat("/v1/prescriptions/", id, ":", verb),
               {}, absl::StrCat(R"({"requestId":")", key, verb, R"("})"));
      EXPECT_EQ(a.status, 200) << verb << ": " << a.body;
    }
    return id;
  }

  static std::string PrescribeBody(const std::string& request_id) {
    return absl::StrCat(R"({"requestId":")", request_id,
                        R"(","epsPrescriptionId":")", kEpsId, R"("})");
  }
  static std::string PrescribePath(const std::string& id) {
    return absl::StrCat("/v1/prescriptions/", id, ":prescribe");
  }

  static v1::PrescriptionStatus StatusOf(const std::string& id) {
    const Answer a = Call("service-tds01", "GET",
                          absl::StrCat("/v1/prescriptions/", id), {});
    EXPECT_EQ(a.status, 200) << a.body;
    return FromJson<v1::PrescriptionRequest>(a.body).status();
  }

  static google::rpc::Status ErrorOf(const Answer& a) {
    EXPECT_THAT(a.head, HasSubstr("application/json"));
    google::rpc::Status status;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // details' Any types
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(a.body, &status, options)
            .ok())
        << a.body;
    return status;
  }

  static testing::SecureGatewayBinary* gateway_;
};

testing::SecureGatewayBinary* ConsoleIdentityTest::gateway_ = nullptr;

TEST_F(ConsoleIdentityTest, TheSessionNamesTheCertificatesOrganisation) {
  const Browser gp = Open("gp-y90001");
  const Answer a =
      Call("gp-y90001", "GET", "/console/api/session", SameOrigin(gp));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_THAT(a.head,
              ::testing::Not(HasSubstr("Set-Cookie")));  // the same session
  const auto session = FromJson<v1::ConsoleSession>(a.body);
  EXPECT_EQ(session.organisation().ods_code(), "Y90001");
  EXPECT_EQ(session.role(), "gp");
  EXPECT_EQ(session.csrf_token(), gp.csrf);
  EXPECT_FALSE(session.has_practitioner());
  EXPECT_THAT(a.head, HasSubstr("Cache-Control: no-store"));
}

TEST_F(ConsoleIdentityTest, AForgedCrossSitePostIsRefusedAndChangesNothing) {
  const std::string id = Acknowledged("forged");
  Browser gp = Open("gp-y90001");
  ASSERT_EQ(SignIn(gp).status, 200);
  // A page on another site posting to the console, even were the browser
  // to send the cookie and the page to know the token.
  const std::vector<std::vector<std::string>> forgeries = {
      {"Origin: https://evil.example", "Sec-Fetch-Site: cross-site"},
      {"Origin: https://evil.example"},
      {"Sec-Fetch-Site: cross-site"},
      {"Origin: https://evil.example", "Sec-Fetch-Site: cross-site",
       absl::StrCat("Cookie: ", kCookie, "=", gp.cookie),
       absl::StrCat("X-CSRF-Token: ", gp.csrf)},
      {"Origin: null", absl::StrCat("Cookie: ", kCookie, "=", gp.cookie),
       absl::StrCat("X-CSRF-Token: ", gp.csrf)},
  };
  int n = 0;
  for (const auto& headers : forgeries) {
    const Answer a = Call("gp-y90001", "POST", PrescribePath(id), headers,
                          PrescribeBody(absl::StrCat("forged-", ++n)));
    EXPECT_EQ(a.status, 403) << a.body;
    const google::rpc::Status s = ErrorOf(a);
    EXPECT_EQ(s.code(), 7);
    EXPECT_THAT(s.message(), HasSubstr("same-origin check"));
  }
  const Answer session_post =
      Call("gp-y90001", "POST", "/console/api/session",
           {"Origin: https://evil.example", "Sec-Fetch-Site: cross-site"},
           R"({"register":"GMC","number":"1111111","displayName":"Mallory"})");
  EXPECT_EQ(session_post.status, 403) << session_post.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(ConsoleIdentityTest, AMissingOrWrongCsrfTokenIsRefused) {
  const std::string id = Acknowledged("csrf");
  Browser gp = Open("gp-y90001");
  ASSERT_EQ(SignIn(gp).status, 200);
  const Answer missing =
      Call("gp-y90001", "POST", PrescribePath(id),
           SameOrigin(gp, /*with_token=*/false), PrescribeBody("csrf-1"));
  EXPECT_EQ(missing.status, 403) << missing.body;
  EXPECT_THAT(ErrorOf(missing).message(),
              HasSubstr("anti-CSRF check: the X-CSRF-Token header is missing"));
  Browser wrong = gp;
  wrong.csrf = Open("gp-y90001").csrf;  // another session's token
  const Answer wrong_token = Call("gp-y90001", "POST", PrescribePath(id),
                                  SameOrigin(wrong), PrescribeBody("csrf-2"));
  EXPECT_EQ(wrong_token.status, 403) << wrong_token.body;
  EXPECT_THAT(ErrorOf(wrong_token).message(),
              HasSubstr("not this session's token"));
  Browser no_session = gp;
  no_session.cookie.clear();
  const Answer without = Call("gp-y90001", "POST", PrescribePath(id),
                              SameOrigin(no_session), PrescribeBody("csrf-3"));
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_THAT(ErrorOf(without).message(), HasSubstr("no console session"));
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  // The right token does it.
  const Answer right = Call("gp-y90001", "POST", PrescribePath(id),
                            SameOrigin(gp), PrescribeBody("csrf-4"));
  EXPECT_EQ(right.status, 200) << right.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_PRESCRIBED);
}

TEST_F(ConsoleIdentityTest, ASessionIsUselessWithAnotherCertificate) {
  const std::string id = Acknowledged("stolen");
  Browser gp = Open("gp-y90001");
  ASSERT_EQ(SignIn(gp).status, 200);
  // The cookie and token taken to a browser holding another practice's
  // certificate (and to the same organisation's pharmacy next door).
  for (const char* other : {"gp-y90002", "pharmacy-fzz99"}) {
    Browser thief = gp;
    thief.cert = other;
    const Answer read =
        Call(other, "GET", "/console/api/session", SameOrigin(thief));
    EXPECT_EQ(read.status, 403) << other << ": " << read.body;
    EXPECT_THAT(ErrorOf(read).message(),
                HasSubstr("belongs to another client certificate"));
    const Answer post = Call(other, "POST", PrescribePath(id),
                             SameOrigin(thief), PrescribeBody("stolen-1"));
    EXPECT_EQ(post.status, 403) << other << ": " << post.body;
  }
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  // Still good with its own certificate.
  EXPECT_EQ(
      Call("gp-y90001", "GET", "/console/api/session", SameOrigin(gp)).status,
      200);
}

TEST_F(ConsoleIdentityTest, ThePractitionerIsOnTheTimelineAndInTheAuditLog) {
  const std::string id = Acknowledged("named");
  Browser gp = Open("gp-y90001");
  // Without a person the console may not prescribe.
  const Answer anonymous = Call("gp-y90001", "POST", PrescribePath(id),
                                SameOrigin(gp), PrescribeBody("named-1"));
  EXPECT_EQ(anonymous.status, 400) << anonymous.body;
  EXPECT_EQ(ErrorOf(anonymous).code(), 9);  // FAILED_PRECONDITION
  EXPECT_THAT(anonymous.body, HasSubstr(R"("field":"practitioner")"));
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);

  const Answer signed_in = SignIn(gp);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(
      FromJson<v1::ConsoleSession>(signed_in.body).practitioner().number(),
      "7654321");
  const Answer prescribed = Call("gp-y90001", "POST", PrescribePath(id),
                                 SameOrigin(gp), PrescribeBody("named-2"));
  ASSERT_EQ(prescribed.status, 200) << prescribed.body;

  const Answer timeline =
      Call("service-tds01", "GET",
           absl::StrCat("/v1/prescriptions/", id, "/timeline"), {});
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  const auto events = FromJson<v1::GetTimelineResponse>(timeline.body);
  ASSERT_GT(events.events_size(), 0);
  const v1::TimelineEvent& last = *events.events().rbegin();
  EXPECT_EQ(last.to_status(), v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_EQ(last.actor().adapter(), "console");
  EXPECT_EQ(last.actor().organisation().ods_code(), "Y90001");
  EXPECT_EQ(last.actor().practitioner().register_(),
            v1::PROFESSIONAL_REGISTER_GMC);
  EXPECT_EQ(last.actor().practitioner().identifier(), "7654321");
  EXPECT_EQ(last.actor().practitioner().display_name(), "Dr Ada Jones");

  const Answer audit =
      Call("admin-ops", "GET", "/v1/audit?after_sequence=0&limit=10000", {});
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto rows = FromJson<v1::ListAuditRecordsResponse>(audit.body);
  bool refused = false;
  bool prescribed_row = false;
  for (const v1::AuditRecord& r : rows.records()) {
    if (r.operation() != "Prescribe" || r.record_id() != id) continue;
    if (r.result() == "FAILED_PRECONDITION") {
      refused = true;
      EXPECT_EQ(r.practitioner(), "");
    }
    if (r.result() == "OK") {
      prescribed_row = true;
      EXPECT_EQ(r.ods_code(), "Y90001");
      EXPECT_EQ(r.practitioner(), "GMC 7654321");
    }
  }
  EXPECT_TRUE(refused) << audit.body;
  EXPECT_TRUE(prescribed_row) << audit.body;
  // The chain verifies with the practitioner sealed into its rows.
  const Answer verified =
      Call("admin-ops", "POST", "/v1/audit:verify", {}, "{}");
  EXPECT_EQ(verified.status, 200) << verified.body;
  EXPECT_THAT(verified.body, HasSubstr(R"("intact":true)"));
}

TEST_F(ConsoleIdentityTest, SigningOutEndsTheSession) {
  Browser gp = Open("gp-y90001");
  const Answer out =
      Call("gp-y90001", "DELETE", "/console/api/session", SameOrigin(gp));
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_THAT(out.head, HasSubstr("Max-Age=0"));
  const Answer post = Call(
      "gp-y90001", "POST", "/console/api/session", SameOrigin(gp),
      R"({"register":"GMC","number":"7654321","displayName":"Dr Ada Jones"})");
  EXPECT_EQ(post.status, 403) << post.body;
}

}  // namespace
}  // namespace nhs::tobacco
