#include "adapters/hl7v2/header_check.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::hl7v2 {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

Message Parse(const std::string& er7) {
  auto m = ParseEr7(er7);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : Message();
}

// MSH with type, control id, version and MSH-18 as given.
std::string Msh(const std::string& type, const std::string& id,
                const std::string& version, const std::string& charset = "",
                const std::string& modes = "") {
  return absl::StrCat("MSH|^~\\&|RIO|RX9|TDGATEWAY|TDS01|20261128101500||",
                      type, "|", id, "|P|", version, "|||", modes,
                      charset.empty() ? "" : absl::StrCat("|||", charset),
                      "\rPID|1\r");
}

struct Case {
  const char* name;
  std::string message;
  AckCode code;
  int field;  // ERR-2's field
  ErrorCode error;
};

TEST(HeaderCheckTest, EachBadHeaderGetsItsAckCodeAndErrNever207) {
  const std::string id199(199, 'a');
  const Case cases[] = {
      {"no message type", Msh("", "M1", "2.5.1"), AckCode::kReject, 9,
       ErrorCode::kRequiredFieldMissing},
      {"no trigger", Msh("REF", "M1", "2.5.1"), AckCode::kReject, 9,
       ErrorCode::kRequiredFieldMissing},
      {"no control id", Msh("REF^I12", "", "2.5.1"), AckCode::kReject, 10,
       ErrorCode::kRequiredFieldMissing},
      {"no version", Msh("REF^I12", "M1", ""), AckCode::kReject, 12,
       ErrorCode::kRequiredFieldMissing},
      {"version 3", Msh("REF^I12", "M1", "3.0"), AckCode::kReject, 12,
       ErrorCode::kUnsupportedVersionId},
      {"charset not in 0211", Msh("REF^I12", "M1", "2.5.1", "8859/2"),
       AckCode::kReject, 18, ErrorCode::kTableValueNotFound},
      {"control id of 200", Msh("REF^I12", id199 + "b", "2.5.1"),
       AckCode::kError, 10, ErrorCode::kValueTooLong},
  };
  for (const Case& c : cases) {
    HeaderCheck check = CheckHeader(Parse(c.message));
    EXPECT_EQ(check.code, c.code) << c.name;
    ASSERT_EQ(check.errors.size(), 1u) << c.name;
    EXPECT_EQ(check.errors[0].location.segment_id, "MSH") << c.name;
    EXPECT_EQ(check.errors[0].location.field, c.field) << c.name;
    EXPECT_EQ(check.errors[0].code, c.error) << c.name;
    EXPECT_NE(check.errors[0].code, ErrorCode::kApplicationInternalError);
    EXPECT_THAT(check.errors[0].user_message,
                HasSubstr(absl::StrCat("MSH-", c.field)))
        << c.name;
  }
}

TEST(HeaderCheckTest, UsableHeadersPass) {
  const std::string id199(199, 'a');
  for (const std::string& message :
       {Msh("REF^I12^REF_I12", "M1", "2.5.1"),
        Msh("ADT^A03", "M1", "2.3", "8859/1"),
        Msh("REF^I12", id199, "2.7", "UNICODE UTF-8"),
        Msh("REF^I12", "3f2a9c1e-5b7d-4e8f-9a0b-1234567890ab", "2.4",
            "ASCII")}) {
    HeaderCheck check = CheckHeader(Parse(message));
    EXPECT_EQ(check.code, AckCode::kAccept) << message;
    EXPECT_THAT(check.errors, IsEmpty()) << message;
  }
}

TEST(HeaderCheckTest, EveryMissingFieldIsReportedAtOnce) {
  HeaderCheck check = CheckHeader(Parse(Msh("", "", "")));
  EXPECT_EQ(check.code, AckCode::kReject);
  EXPECT_EQ(check.errors.size(), 3u);
}

TEST(HeaderCheckTest, RejectIsACommitRejectInEnhancedMode) {
  const Message request = Parse(Msh("REF^I12", "", "2.5.1", "", "AL|AL"));
  HeaderCheck check = CheckHeader(request);
  AckOutcome outcome;
  outcome.code = check.code;
  outcome.errors = check.errors;
  outcome.control_id = "ACK";
  auto ack = BuildAck(request, outcome);
  ASSERT_TRUE(ack.ok());
  EXPECT_THAT(WriteEr7(*ack), HasSubstr("\rMSA|CR\r"));
  EXPECT_THAT(WriteEr7(*ack),
              HasSubstr("|101^Required field missing^HL70357|E"));
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
