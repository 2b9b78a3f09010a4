// The log module: JSON lines that always parse, text lines that stay one
// line, correlation fields from the thread's context, the level filter.
#include "gateway/common/log.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override {
    SetLogFormat(LogFormat::kText);
    SetLogLevel(LogLevel::kInfo);
  }
};

TEST_F(LogTest, JsonLineHasTheFixedFieldsThenTheCorrelationFields) {
  const std::string line =
      FormatLogLine(LogFormat::kJson, "2026-12-01T10:00:00.000Z",
                    LogLevel::kWarning, "hl7", "message refused",
                    {{"hl7_control_id", "MSG0001"}, {"attempt", "3", true}});
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per event";
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["time"], "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(parsed["level"], "WARNING");
  EXPECT_EQ(parsed["component"], "hl7");
  EXPECT_EQ(parsed["message"], "message refused");
  EXPECT_EQ(parsed["hl7_control_id"], "MSG0001");
  EXPECT_EQ(parsed["attempt"], 3) << "numbers are JSON numbers";
}

TEST_F(LogTest, JsonEscapesQuotesControlCharactersAndBytesThatAreNotUtf8) {
  const std::string hostile = "a\"b\\c\nd\re\tf\x01g\xff\xfeh";
  const std::string line =
      FormatLogLine(LogFormat::kJson, "t", LogLevel::kInfo, "mllp", hostile,
                    {{"hl7_sender", hostile}});
  EXPECT_EQ(line.find('\n'), line.size() - 1)
      << "a newline in a value cannot start a forged line";
  const nlohmann::json parsed = nlohmann::json::parse(line);
  const std::string message = parsed["message"];
  EXPECT_THAT(message, HasSubstr("a\"b\\c\nd\re\tf\x01g"));
  EXPECT_THAT(message, Not(HasSubstr("\xff")));
  EXPECT_EQ(parsed["hl7_sender"], parsed["message"]);
}

TEST_F(LogTest, TextLineQuotesValuesWithSpacesAndStaysOneLine) {
  const std::string line = FormatLogLine(
      LogFormat::kText, "2026-12-01T10:00:00.000Z", LogLevel::kInfo, "delivery",
      "delivered",
      {{"message_id", "m-1"}, {"detail", "HTTP 503\nforged line"}});
  EXPECT_EQ(line,
            "2026-12-01T10:00:00.000Z INFO delivery: delivered message_id=m-1 "
            "detail=\"HTTP 503\\nforged line\"\n");
}

TEST_F(LogTest, ALaterFieldOfTheSameKeyWins) {
  const std::string line =
      FormatLogLine(LogFormat::kJson, "t", LogLevel::kInfo, "grpc", "m",
                    {{"request_id", "outer"}, {"request_id", "inner"}});
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["request_id"], "inner");
  EXPECT_EQ(line.find("outer"), std::string::npos) << "one key per object";
}

TEST_F(LogTest, EventsCarryTheThreadsContextUntilItEnds) {
  SetLogFormat(LogFormat::kJson);
  ::testing::internal::CaptureStderr();
  {
    ScopedLogContext outer{{"hl7_sender", "RX9"}, {"hl7_control_id", "C1"}};
    {
      ScopedLogContext inner;
      inner.Add("referral_id", "r-1");
      inner.Add("prescription_id", "");  // empty: not added
      LogInfo("store", "inside");
    }
    LogInfo("store", "outer only");
    // Another thread has its own context.
    std::thread([] { LogInfo("delivery", "other thread"); }).join();
  }
  LogInfo("store", "after");
  const std::string out = ::testing::internal::GetCapturedStderr();
  std::vector<nlohmann::json> lines;
  size_t start = 0;
  for (size_t end; (end = out.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(nlohmann::json::parse(out.substr(start, end - start)));
  }
  ASSERT_EQ(lines.size(), 4u) << out;
  EXPECT_EQ(lines[0]["hl7_sender"], "RX9");
  EXPECT_EQ(lines[0]["hl7_control_id"], "C1");
  EXPECT_EQ(lines[0]["referral_id"], "r-1");
  EXPECT_FALSE(lines[0].contains("prescription_id"));
  EXPECT_EQ(lines[1]["hl7_sender"], "RX9");
  EXPECT_FALSE(lines[1].contains("referral_id"));
  EXPECT_FALSE(lines[2].contains("hl7_sender"));
  EXPECT_FALSE(lines[3].contains("hl7_sender"));
}

TEST_F(LogTest, EventsBelowTheLevelAreNotWritten) {
  SetLogLevel(LogLevel::kWarning);
  ::testing::internal::CaptureStderr();
  LogInfo("grpc", "quiet");
  LogEvent(LogLevel::kDebug, "grpc").With("k", "v").Write("quieter");
  LogWarning("grpc", "loud");
  SetLogLevel(LogLevel::kDebug);
  LogEvent(LogLevel::kDebug, "grpc").Write("now shown");
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, Not(HasSubstr("quiet")));
  EXPECT_THAT(out, HasSubstr("WARNING grpc: loud"));
  EXPECT_THAT(out, HasSubstr("DEBUG grpc: now shown"));
  EXPECT_TRUE(LogEnabled(LogLevel::kDebug));
}

}  // namespace
}  // namespace nhs::tobacco
