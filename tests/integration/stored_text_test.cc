// Stored text (issue 11 items 2, 10 and 11) on the real binary over
// loopback, with mutual TLS on every listener: nothing is stored that
// cannot be read back, a record an older version stored that does not
// parse is skipped by the lists and reported, duplicate JSON keys and
// text that is not UTF-8 are refused on FHIR, and an HL7 message over the
// segment limit is answered AE with ERR-3 104, not a code engines resend on.
//
// Before issue 11: a REF^I12 with 0xFF 0xFE in RF1-6 got AA and every
// later list of the service's referrals failed DATA_LOSS; duplicate keys
// were read first-one-wins; 10,001 segments got AR with ERR-3 207.
#include <sqlite3.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "adapters/fhir/https_client.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/mllp_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::GrpcAs;
using ::nhs::tobacco::testing::ReadFile;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

class StoredTextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = new SecureGatewayBinary("stored_text");
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gateway_->started()); }

  static GrpcAs& As(const std::string& cert) { return gateway_->As(cert); }
  static std::string NextId(const std::string& what) {
    return absl::StrCat(what, ++counter_);
  }

  // The reference REF^I12 from trust RX9 in original mode, with control id
  // `control_id`, after `edit` replacements.
  static std::string RefI12(
      const std::string& control_id,
      std::initializer_list<std::pair<absl::string_view, absl::string_view>>
          edit = {}) {
    std::string message = ReadFile(std::string(TOBACCO_SOURCE_DIR) +
                                   "/tests/testdata/hl7v2/ref_i12_basic.hl7");
    message = absl::StrReplaceAll(message, {{"|P|2.5.1|||AL|AL", "|P|2.5.1"},
                                            {"MSG000101", control_id},
                                            {"\r\n", "\r"},
                                            {"\n", "\r"}});
    return absl::StrReplaceAll(message, edit);
  }

  // Sends one message over MLLP with TLS as trust RX9; the ACK.
  static std::string SendHl7(const std::string& message) {
    hl7v2::MllpTlsOptions tls;
    tls.cert_file = (DevCerts() / "trust-rx9.pem").string();
    tls.key_file = (DevCerts() / "trust-rx9.key").string();
    tls.ca_file = (DevCerts() / "ca.pem").string();
    auto context = hl7v2::MllpTlsContext::ForClient(tls);
    EXPECT_TRUE(context.ok()) << context.status();
    if (!context.ok()) return "";
    hl7v2::MllpClientOptions options;
    options.address = absl::StrCat("127.0.0.1:", gateway_->mllp_port());
    options.io_timeout = absl::Seconds(10);
    options.attempts = 1;
    options.tls = *context;
    hl7v2::MllpClient client(options);
    absl::StatusOr<std::string> ack = client.Send(message);
    EXPECT_TRUE(ack.ok()) << ack.status();
    return ack.ok() ? *ack : "";
  }

  // Every page of service TDS01's referrals; fails the test on an error.
  static std::vector<v1::Referral> ListAll(int* skipped = nullptr) {
    std::vector<v1::Referral> all;
    v1::ListReferralsRequest list;
    list.set_page_size(5);
    for (int page = 0; page < 100; ++page) {
      v1::ListReferralsResponse response;
      grpc::Status s =
          As("service-tds01")
              .referrals->ListReferrals(Ctx().get(), list, &response);
      EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
      if (!s.ok()) break;
      for (const v1::Referral& r : response.referrals()) all.push_back(r);
      if (skipped != nullptr) *skipped += response.unreadable_skipped();
      if (response.next_page_token().empty()) break;
      list.set_page_token(response.next_page_token());
    }
    return all;
  }

  static absl::StatusOr<fhir::HttpResponse> PostFhir(const std::string& body) {
    fhir::HttpsClientOptions options;
    options.ca_cert_path = (DevCerts() / "ca.pem").string();
    options.client_cert_path = (DevCerts() / "gp-y90001.pem").string();
    options.client_key_path = (DevCerts() / "gp-y90001.key").string();
    options.io_timeout = absl::Seconds(10);
    return fhir::PostMessage(gateway_->fhir_url(), body, options);
  }

  static std::string GpBundle() {
    return ReadFile(std::string(TOBACCO_SOURCE_DIR) +
                    "/tests/testdata/fhir/gp_decision_prescribed_bundle.json");
  }

  static SecureGatewayBinary* gateway_;
  static int counter_;
};

SecureGatewayBinary* StoredTextTest::gateway_ = nullptr;
int StoredTextTest::counter_ = 0;

TEST_F(StoredTextTest, Hl7NeededFieldNotUtf8IsRefusedAndTheListStillWorks) {
  const std::string id = NextId("UTF");
  const std::string ack =
      SendHl7(RefI12(id, {{"CMHT-REF-000123", "CMHT-REF-\xFF\xFE"}}));  // RF1-6
  EXPECT_THAT(ack, HasSubstr(absl::StrCat("MSA|AE|", id)));
  EXPECT_THAT(ack, HasSubstr("|RF1^1^6|"));
  EXPECT_THAT(ack, HasSubstr("not valid UTF-8"));
  ListAll();  // no error

  // MSH-10 itself: refused too, the ACK still answering that control id.
  const std::string bad_id = absl::StrCat(NextId("UTF"), "\xFF");
  EXPECT_THAT(SendHl7(RefI12(bad_id)), HasSubstr("|MSH^1^10|"));
  // OBX-5 (a coded value the gateway reads).
  EXPECT_THAT(SendHl7(RefI12(NextId("UTF"),
                             {{"77176002^Smoker", "7717\xFF\xFE^Smoker"}})),
              HasSubstr("|OBX^1^5|"));
  ListAll();
}

TEST_F(StoredTextTest, Hl7FieldNotNeededIsRepairedStoredListedAndActionable) {
  const std::string id = NextId("FFFD");
  // PRD-2 (the referrer's name, display only) with a Latin-1 byte.
  const std::string ack = SendHl7(RefI12(id, {{"Okafor^Ada^^^Dr",
                                               "Ok\xE1"
                                               "for^Ada^^^Dr"}}));
  ASSERT_THAT(ack, HasSubstr(absl::StrCat("MSA|AA|", id)));
  std::string referral_id;
  for (const v1::Referral& r : ListAll()) {
    if (absl::StrContains(r.referring_practitioner().display_name(),
                          "Ok\xEF\xBF\xBD"
                          "for")) {
      referral_id = r.referral_id();
    }
  }
  ASSERT_FALSE(referral_id.empty()) << "the repaired referral is listed";
  v1::UpdateReferralStatusRequest accept;
  accept.set_request_id(NextId("accept"));
  accept.set_referral_id(referral_id);
  accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  v1::Referral accepted;
  grpc::Status s =
      As("service-tds01")
          .referrals->UpdateReferralStatus(Ctx().get(), accept, &accepted);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(accepted.status(), v1::REFERRAL_STATUS_ACCEPTED);
  // The warning names the field, never its content.
  const std::string log = gateway_->log();
  EXPECT_THAT(log, HasSubstr("PRD-2 replaced with U+FFFD"));
  EXPECT_THAT(log, Not(HasSubstr("Ok\xE1")));
}

TEST_F(StoredTextTest, GrpcRequestNotUtf8IsRefusedByProtobufAndNothingStored) {
  // The client serializes it (protobuf only logs); the server's parse of a
  // proto3 string refuses it before any of our code runs.
  v1::CreateReferralRequest create =
      testing::SampleReferralRequest(NextId("grpc"));
  create.mutable_referral()->set_external_referral_id("GRPC-\xFF\xFE");
  v1::Referral out;
  const size_t before = ListAll().size();
  grpc::Status s =
      As("trust-rx9").referrals->CreateReferral(Ctx().get(), create, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(ListAll().size(), before);
}

TEST_F(StoredTextTest, Hl7MessageOverTheSegmentLimitIsAnErrorWith104Not207) {
  const std::string id = NextId("BIG");
  std::string message = RefI12(id);
  for (int i = 0; i < 10001; ++i) absl::StrAppend(&message, "NTE|", i, "\r");
  const std::string ack = SendHl7(message);
  EXPECT_THAT(ack, HasSubstr(absl::StrCat("MSA|AE|", id)));
  EXPECT_THAT(ack, HasSubstr("|104^Value too long^HL70357"));
  EXPECT_THAT(ack, Not(HasSubstr("|207^")));
}

TEST_F(StoredTextTest, FhirBodyNotUtf8IsA400OperationOutcome) {
  std::string body = GpBundle();
  const size_t at = body.find("\"Bundle\"");
  ASSERT_NE(at, std::string::npos);
  body.insert(at + 2, "\xFF\xFE");
  auto r = PostFhir(body);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 400) << r->body;
  const Json outcome = Json::parse(r->body);
  EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
  EXPECT_THAT(r->body, HasSubstr("UTF-8"));
}

TEST_F(StoredTextTest, FhirDuplicateKeyIsA400NamingTheKey) {
  std::string body = Json::parse(GpBundle()).dump();
  // Bundle.type twice: a reader keeping the last sees a message, one keeping
  // the first a collection.
  ASSERT_THAT(body, HasSubstr("\"type\":\"message\""));
  body = absl::StrReplaceAll(
      body, {{"\"resourceType\":\"Bundle\"",
              "\"resourceType\":\"Bundle\",\"type\":\"collection\""}});
  auto r = PostFhir(body);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 400) << r->body;
  const Json outcome = Json::parse(r->body);
  EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
  EXPECT_EQ(outcome["issue"][0]["expression"][0], "Bundle.type") << r->body;
  EXPECT_THAT(r->body, HasSubstr("duplicate key"));
}

// Runs last in the file order: it restarts the binary.
TEST_F(StoredTextTest, ZRecordAnOlderVersionStoredThatDoesNotParseIsSkipped) {
  // A good referral to copy the row of.
  v1::Referral good;
  ASSERT_TRUE(As("trust-rx9")
                  .referrals
                  ->CreateReferral(
                      Ctx().get(),
                      testing::SampleReferralRequest(NextId("older")), &good)
                  .ok());
  const size_t listed_before = ListAll().size();
  ASSERT_GE(listed_before, 1u);

  gateway_->Stop();
  // As an older version would have stored it: text that is not UTF-8,
  // serialized (protobuf writes it, and only refuses it on reading).
  v1::Referral bad = good;
  bad.set_referral_id("REF-OLDER-VERSION");
  bad.set_external_referral_id("CMHT-\xFF\xFE");
  const std::string body = bad.SerializeAsString();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(gateway_->database().string().c_str(), &db),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(
                db,
                "INSERT INTO referrals (referral_id, nhs_number, referrer_ods, "
                "service_ods, gp_ods, status, created_us, body) SELECT ?, "
                "nhs_number, referrer_ods, service_ods, gp_ods, status, "
                "created_us + 1, ? FROM referrals WHERE referral_id = ?",
                -1, &stmt, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_bind_text(stmt, 1, "REF-OLDER-VERSION", -1, SQLITE_STATIC);
  sqlite3_bind_blob(stmt, 2, body.data(), static_cast<int>(body.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(stmt, 3, good.referral_id().c_str(), -1, SQLITE_STATIC);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  gateway_->Start();
  ASSERT_TRUE(gateway_->started());

  int skipped = 0;
  const std::vector<v1::Referral> listed = ListAll(&skipped);
  EXPECT_EQ(listed.size(), listed_before);
  EXPECT_EQ(skipped, 1);
  EXPECT_THAT(gateway_->log(),
              HasSubstr("skipped a referrals row that does not parse (id "
                        "REF-OLDER-VERSION)"));
  // The good referral next to it is still listed and actionable.
  v1::UpdateReferralStatusRequest accept;
  accept.set_request_id(NextId("accept"));
  accept.set_referral_id(good.referral_id());
  accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  v1::Referral accepted;
  grpc::Status s =
      As("service-tds01")
          .referrals->UpdateReferralStatus(Ctx().get(), accept, &accepted);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace
}  // namespace nhs::tobacco
