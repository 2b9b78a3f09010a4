// Inbound HL7 v2 as trusts really send it (issue 12 part 2), on the real
// binary over MLLP with mutual TLS, trust RX9 configured to send Latin-1
// (hl7_default_charset "8859/1") and with a configured referral source:
// Latin-1 with an empty MSH-18 stored as the right characters and read
// back over gRPC as UTF-8; MSH-18 UNICODE UTF-8 honoured over the default;
// an unsupported MSH-18 and a broken MSH refused AR (CR) with an ERR-3
// that is not 207; local RF1-2/5/10 codes accepted with warnings only; a
// missing PD1 an AA with an ERR of severity W; an MSH-10 of 199 characters
// accepted and one of 200 refused.
//
// Before issue 12: Latin-1 names became U+FFFD and a Latin-1 RF1-6 was
// refused; a local RF1-2/RF1-10 code got AE; no MSH-9 got AE 200; an
// MSH-10 over 120 characters got AE (the request id limit).
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/mllp_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

class Hl7AcceptanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = new SecureGatewayBinary(
        "hl7_acceptance", [](v1::GatewayConfig& config) {
          v1::OrganisationConfig* rx9 =
              testing::FindOrganisation(config, "RX9");
          ASSERT_NE(rx9, nullptr);
          rx9->set_hl7_default_charset("8859/1");
          // Not what RF1-5 O would give (community): the configuration decides.
          rx9->set_hl7_referral_source(
              v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH);
        });
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

  // The reference REF^I12 from RX9 in original mode with control id
  // `control_id` (and RF1-6 made unique from it), after `edit`.
  static std::string RefI12(
      const std::string& control_id,
      std::initializer_list<std::pair<absl::string_view, absl::string_view>>
          edit = {}) {
    std::string message = ReadFile(std::string(TOBACCO_SOURCE_DIR) +
                                   "/tests/testdata/hl7v2/ref_i12_basic.hl7");
    message = absl::StrReplaceAll(
        message,
        {{"|P|2.5.1|||AL|AL", "|P|2.5.1"}, {"\r\n", "\r"}, {"\n", "\r"}});
    message = absl::StrReplaceAll(message, edit);
    return absl::StrReplaceAll(
        message,
        {{"MSG000101", control_id},
         {"CMHT-REF-000123", absl::StrCat("CMHT-", control_id.substr(0, 40))}});
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

  // The ERR segments of an ACK.
  static std::vector<std::string> Errs(const std::string& ack) {
    std::vector<std::string> out;
    for (absl::string_view s : absl::StrSplit(ack, '\r')) {
      if (absl::StartsWith(s, "ERR|")) out.emplace_back(s);
    }
    return out;
  }

  // The referral RX9 sent with RF1-6 `external_id`, read by the service
  // over gRPC; fails the test when there is not exactly one.
  static v1::Referral Stored(const std::string& external_id) {
    v1::ListReferralsRequest list;
    list.set_page_size(100);
    v1::ListReferralsResponse response;
    grpc::Status s =
        As("service-tds01")
            .referrals->ListReferrals(Ctx().get(), list, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<v1::Referral> found;
    for (const v1::Referral& r : response.referrals()) {
      if (r.external_referral_id() == external_id) found.push_back(r);
    }
    EXPECT_EQ(found.size(), 1u) << external_id;
    return found.empty() ? v1::Referral() : found[0];
  }

  static SecureGatewayBinary* gateway_;
  static int counter_;
};

SecureGatewayBinary* Hl7AcceptanceTest::gateway_ = nullptr;
int Hl7AcceptanceTest::counter_ = 0;

constexpr char kPd1[] = "\rPD1|||Sample Surgery^^^^^^^^^Y90001\rDG1|";

TEST_F(Hl7AcceptanceTest, Latin1WithEmptyMsh18IsStoredAsTheRightCharacters) {
  const std::string id = NextId("LATIN");
  // PRD-2 "Ó Briain^Zoë" and RF1-6 (needed) "É", each one Latin-1 byte.
  const std::string ack = SendHl7(RefI12(
      id, {{"Okafor^Ada^^^Dr", "\xD3 Briain^Zo\xEB^^^Dr"}, {"\rDG1|", kPd1}}));
  ASSERT_THAT(ack, HasSubstr(absl::StrCat("MSA|AA|", id))) << ack;
  EXPECT_THAT(Errs(ack), ::testing::IsEmpty()) << ack;
  const v1::Referral r = Stored(absl::StrCat("CMHT-", id));
  EXPECT_EQ(r.referring_practitioner().display_name(),
            "Dr Zo\xC3\xAB \xC3\x93 Briain");
  // The sender's configured source, not the community default of RF1-5 O.
  EXPECT_EQ(r.source(), v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH);

  // A needed field in Latin-1 decodes too: RF1-6 with "É".
  const std::string id3 = NextId("LATIN");
  std::string message = RefI12(id3);
  message = absl::StrReplaceAll(
      message, {{absl::StrCat("CMHT-", id3), absl::StrCat("CMHT-\xC9", id3)}});
  ASSERT_THAT(SendHl7(message), HasSubstr(absl::StrCat("MSA|AA|", id3)));
  Stored(absl::StrCat("CMHT-\xC3\x89", id3));
}

TEST_F(Hl7AcceptanceTest, Msh18UnicodeUtf8IsHonouredOverTheTrustsDefault) {
  const std::string id = NextId("UTF8");
  const std::string ack = SendHl7(
      RefI12(id, {{"|P|2.5.1", "|P|2.5.1||||||UNICODE UTF-8"},
                  {"Okafor^Ada^^^Dr", "\xC3\x93 Briain^Zo\xC3\xAB^^^Dr"},
                  {"\rDG1|", kPd1}}));
  ASSERT_THAT(ack, HasSubstr(absl::StrCat("MSA|AA|", id))) << ack;
  // Read as Latin-1 it would have been "Ã\u0093 Briain", "ZoÃ«".
  EXPECT_EQ(
      Stored(absl::StrCat("CMHT-", id)).referring_practitioner().display_name(),
      "Dr Zo\xC3\xAB \xC3\x93 Briain");

  // Bytes that do not decode as what MSH-18 says: U+FFFD and a warning in
  // a field the gateway does not need.
  const std::string id2 = NextId("UTF8");
  const std::string ack2 =
      SendHl7(RefI12(id2, {{"|P|2.5.1", "|P|2.5.1||||||UNICODE UTF-8"},
                           {"Okafor^Ada^^^Dr", "Zo\xEB^Ada^^^Dr"},
                           {"\rDG1|", kPd1}}));
  ASSERT_THAT(ack2, HasSubstr(absl::StrCat("MSA|AA|", id2))) << ack2;
  EXPECT_THAT(ack2, HasSubstr("ERR||PRD^1^2|102^Data type error^HL70357|W|"));
  EXPECT_EQ(Stored(absl::StrCat("CMHT-", id2))
                .referring_practitioner()
                .display_name(),
            "Dr Ada Zo\xEF\xBF\xBD");
  // ... and AE naming the field where the gateway needs it (PID-3).
  const std::string id3 = NextId("UTF8");
  const std::string ack3 =
      SendHl7(RefI12(id3, {{"|P|2.5.1", "|P|2.5.1||||||UNICODE UTF-8"},
                           {"RX91234567^^^RX9^MR", "RX9\xEB^^^RX9^MR"}}));
  EXPECT_THAT(ack3, HasSubstr(absl::StrCat("MSA|AE|", id3)));
  EXPECT_THAT(ack3, HasSubstr("|PID^1^3|"));
}

TEST_F(Hl7AcceptanceTest, UnsupportedMsh18IsRejectedNamingMsh18Not207) {
  const std::string id = NextId("CS");
  const std::string ack =
      SendHl7(RefI12(id, {{"|P|2.5.1", "|P|2.5.1||||||8859/2"}}));
  EXPECT_THAT(ack, HasSubstr(absl::StrCat("MSA|AR|", id)));
  EXPECT_THAT(ack, HasSubstr("ERR||MSH^1^18|103^Table value not found"));
  EXPECT_THAT(ack, Not(HasSubstr("|207^")));
}

TEST_F(Hl7AcceptanceTest, LocalRf1CodesAreAcceptedWithWarningsOnly) {
  const std::string id = NextId("LOCAL");
  const std::string ack =
      SendHl7(RefI12(id, {{"|R^Routine^HL70280", "|U2^Two weeks^L"},
                          {"|O^Outpatient^HL70284", "|CMHT^Community team^L"},
                          {"|P^Patient preference^HL70336", "|SMK^Smoking^L"},
                          {"\rDG1|", kPd1}}));
  ASSERT_THAT(ack, HasSubstr(absl::StrCat("MSA|AA|", id))) << ack;
  const std::vector<std::string> errs = Errs(ack);
  ASSERT_EQ(errs.size(), 3u) << ack;
  EXPECT_THAT(errs[0],
              HasSubstr("|RF1^1^2|103^Table value not found^HL70357|W|"));
  EXPECT_THAT(errs[1], HasSubstr("|RF1^1^5|103^"));
  EXPECT_THAT(errs[2], HasSubstr("|RF1^1^10|103^"));
  const v1::Referral r = Stored(absl::StrCat("CMHT-", id));
  EXPECT_EQ(r.priority(), v1::REFERRAL_PRIORITY_OTHER);
  EXPECT_EQ(r.reason(), v1::REFERRAL_REASON_OTHER);
  // Kept as sent, on the timeline.
  v1::WatchEventsRequest watch;
  watch.set_referral_id(r.referral_id());
  auto ctx = Ctx(absl::Milliseconds(1500));
  auto stream =
      As("service-tds01").prescriptions->WatchEvents(ctx.get(), watch);
  v1::TimelineEvent e;
  std::string note;
  while (stream->Read(&e)) {
    if (e.type() == v1::EVENT_TYPE_REFERRAL_CREATED) note = e.note();
  }
  EXPECT_EQ(note,
            "HL7 local codes kept as sent: RF1-2 \"U2\" (Two weeks); RF1-5 "
            "\"CMHT\" (Community team); RF1-10 \"SMK\" (Smoking)");
}

TEST_F(Hl7AcceptanceTest, MissingPd1IsAnAcceptWithAWarning) {
  const std::string id = NextId("NOPD1");
  const std::string ack = SendHl7(RefI12(id));
  ASSERT_THAT(ack, HasSubstr(absl::StrCat("MSA|AA|", id))) << ack;
  const std::vector<std::string> errs = Errs(ack);
  ASSERT_EQ(errs.size(), 1u) << ack;
  EXPECT_THAT(errs[0],
              HasSubstr("ERR||PD1^1^3|101^Required field missing^HL70357|W|"));
  Stored(absl::StrCat("CMHT-", id));
  // A PD1 whose code is not an ODS code: the same, a data type warning.
  const std::string id2 = NextId("NOPD1");
  const std::string ack2 = SendHl7(
      RefI12(id2, {{"\rDG1|", "\rPD1|||Surgery^^^^^^^^^not ods\rDG1|"}}));
  ASSERT_THAT(ack2, HasSubstr(absl::StrCat("MSA|AA|", id2))) << ack2;
  EXPECT_THAT(ack2, HasSubstr("|PD1^1^3^1^10|102^Data type error^HL70357|W|"));
}

TEST_F(Hl7AcceptanceTest, BrokenMshIsRejectedWithAnErrThatIsNot207) {
  const struct {
    const char* name;
    std::pair<absl::string_view, absl::string_view> edit;
    const char* err;
  } cases[] = {
      {"no message type",
       {"|REF^I12^REF_I12|", "||"},
       "ERR||MSH^1^9|101^Required field missing"},
      {"no version",
       {"|P|2.5.1", "|P|"},
       "ERR||MSH^1^12|101^Required field missing"},
      {"version 3",
       {"|P|2.5.1", "|P|3.0"},
       "ERR||MSH^1^12|203^Unsupported version id"},
  };
  for (const auto& c : cases) {
    const std::string id = NextId("MSH");
    const std::string ack = SendHl7(RefI12(id, {c.edit}));
    EXPECT_THAT(ack, HasSubstr(absl::StrCat("MSA|AR|", id))) << c.name;
    EXPECT_THAT(ack, HasSubstr(c.err)) << c.name << "\n" << ack;
    EXPECT_THAT(ack, Not(HasSubstr("|207^"))) << c.name;
  }
  // No control id: AR with nothing to echo; CR in enhanced mode.
  std::string message = RefI12("X");
  message = absl::StrReplaceAll(
      message,
      {{"|REF^I12^REF_I12|X|P|2.5.1", "|REF^I12^REF_I12||P|2.5.1|||AL|AL"}});
  const std::string ack = SendHl7(message);
  EXPECT_THAT(ack, HasSubstr("\rMSA|CR"));
  EXPECT_THAT(ack, HasSubstr("ERR||MSH^1^10|101^"));
  EXPECT_THAT(ack, Not(HasSubstr("|207^")));
}

TEST_F(Hl7AcceptanceTest, ControlIdOf199IsAcceptedAnd200Refused) {
  const std::string prefix = NextId("LONG");
  const std::string id199 = prefix + std::string(199 - prefix.size(), 'x');
  const std::string message = RefI12(id199, {{"\rDG1|", kPd1}});
  const std::string ack = SendHl7(message);
  ASSERT_THAT(ack, HasSubstr(absl::StrCat("MSA|AA|", id199, "\r"))) << ack;
  Stored(absl::StrCat("CMHT-", id199.substr(0, 40)));
  // A resend is answered from the first: the same ACK, nothing new.
  EXPECT_EQ(SendHl7(message), ack);
  Stored(absl::StrCat("CMHT-", id199.substr(0, 40)));

  const std::string id200 = id199 + "y";
  const std::string refused = SendHl7(RefI12(id200, {{"\rDG1|", kPd1}}));
  EXPECT_THAT(refused, HasSubstr(absl::StrCat("MSA|AE|", id200)));
  EXPECT_THAT(refused, HasSubstr("ERR||MSH^1^10|104^Value too long"));
}

}  // namespace
}  // namespace nhs::tobacco
