#include "gateway/cli/args.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<FlagSpec> kGlobal = {{"target", true}, {"json", false}};
const std::vector<FlagSpec> kList = {
    {"ods", true}, {"overdue", false}, {"external-id", true, true}};

absl::StatusOr<ParsedCommandLine> Parse(std::vector<std::string> args) {
  return ParseCommandLine(
      args, kGlobal,
      [](absl::Span<const std::string> words) -> const std::vector<FlagSpec>* {
        if (words.size() == 2 && words[0] == "prescriptions" &&
            words[1] == "list") {
          return &kList;
        }
        return nullptr;
      });
}

TEST(ParseCommandLineTest, CommandWordsAndPositionalsAreSeparated) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "extra", "--ods", "RX9"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->command, ElementsAre("prescriptions", "list"));
  EXPECT_THAT(parsed->args.positionals(), ElementsAre("extra"));
  EXPECT_EQ(parsed->args.GetString("ods"), "RX9");
}

TEST(ParseCommandLineTest, GlobalFlagsMayComeBeforeTheCommand) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"--target", "host:1", "--json", "prescriptions", "list"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->args.GetString("target"), "host:1");
  EXPECT_TRUE(*parsed->args.GetBool("json"));
  EXPECT_THAT(parsed->command, ElementsAre("prescriptions", "list"));
}

TEST(ParseCommandLineTest, EqualsSpellingCarriesTheValue) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "--ods=Y90001", "--overdue=false"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->args.GetString("ods"), "Y90001");
  EXPECT_TRUE(parsed->args.Has("overdue"));
  EXPECT_FALSE(*parsed->args.GetBool("overdue"));
}

TEST(ParseCommandLineTest, SwitchDoesNotSwallowTheNextWord) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "--overdue", "P1"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(*parsed->args.GetBool("overdue"));
  EXPECT_THAT(parsed->args.positionals(), ElementsAre("P1"));
}

TEST(ParseCommandLineTest, UnknownFlagIsNamed) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "--colour", "red"});
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("--colour: unknown flag for 'prescriptions list'"));
}

TEST(ParseCommandLineTest, CommandFlagBeforeTheCommandIsRefused) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"--ods", "RX9", "prescriptions", "list"});
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("--ods: unknown flag (command flags go after"));
}

TEST(ParseCommandLineTest, MissingValueIsNamed) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "--ods"});
  EXPECT_THAT(parsed.status().message(), HasSubstr("--ods: needs a value"));
}

TEST(ParseCommandLineTest, RepeatedSingleFlagIsRefused) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "--ods", "A", "--ods", "B"});
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("--ods: given more than once"));
}

TEST(ParseCommandLineTest, RepeatableFlagKeepsEveryValueInOrder) {
  absl::StatusOr<ParsedCommandLine> parsed = Parse(
      {"prescriptions", "list", "--external-id", "a=1", "--external-id=b=2"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->args.GetAll("external-id"), ElementsAre("a=1", "b=2"));
}

TEST(ParseCommandLineTest, SwitchWithNonBooleanValueIsRefused) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "--overdue=maybe"});
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("--overdue: \"maybe\" is not true or false"));
}

TEST(ParseCommandLineTest, SingleDashFlagIsRefused) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "-o"});
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("-o: flags start with two dashes"));
}

TEST(ParseCommandLineTest, DoubleDashEndsFlags) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"prescriptions", "list", "--", "--not-a-flag"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->args.positionals(), ElementsAre("--not-a-flag"));
}

TEST(ParsedArgsTest, IntegerThatDoesNotParseNamesTheFlag) {
  ParsedArgs args;
  args.Add("page-size", "ten");
  EXPECT_THAT(args.GetInt("page-size").status().message(),
              HasSubstr("--page-size: \"ten\" is not an integer"));
}

TEST(ParsedArgsTest, AbsentNumbersAreEmptyOptionals) {
  ParsedArgs args;
  EXPECT_FALSE(args.GetInt("page-size")->has_value());
  EXPECT_FALSE(args.GetInt64("after")->has_value());
  EXPECT_FALSE(args.GetDouble("co-ppm")->has_value());
}

TEST(ParsedArgsTest, DoubleAndInt64Parse) {
  ParsedArgs args;
  args.Add("co-ppm", "7.5");
  args.Add("after", "9000000000");
  EXPECT_DOUBLE_EQ(args.GetDouble("co-ppm")->value(), 7.5);
  EXPECT_EQ(args.GetInt64("after")->value(), 9000000000);
}

TEST(ParsedArgsTest, RequiredFlagThatIsEmptyIsNamed) {
  ParsedArgs args;
  args.Add("reason", "");
  EXPECT_THAT(args.GetRequired("reason").status().message(),
              HasSubstr("--reason: required"));
}

}  // namespace
}  // namespace nhs::tobacco::cli
