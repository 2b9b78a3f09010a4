#include "gateway/jsonapi/path_template.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::jsonapi {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

PathTemplate Parsed(absl::string_view text) {
  absl::StatusOr<PathTemplate> parsed = ParsePathTemplate(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : PathTemplate{};
}

TEST(PathTemplate, BindsAVariableAndMatchesItsVerb) {
  const PathTemplate t =
      Parsed("/v1/prescriptions/{prescription_id}:prescribe");
  EXPECT_EQ(t.verb, "prescribe");
  EXPECT_THAT(*MatchPath(t, "/v1/prescriptions/abc:prescribe"),
              ElementsAre(Pair("prescription_id", "abc")));
  EXPECT_FALSE(MatchPath(t, "/v1/prescriptions/abc:decline").has_value());
  EXPECT_FALSE(MatchPath(t, "/v1/prescriptions/abc").has_value());
}

TEST(PathTemplate, BindsDottedFieldPathsAndExplicitSingleSegments) {
  EXPECT_THAT(*MatchPath(Parsed("/v1/referrals/{referral.referral_id}"),
                         "/v1/referrals/r1"),
              ElementsAre(Pair("referral.referral_id", "r1")));
  EXPECT_THAT(*MatchPath(Parsed("/v1/a/{id=*}/b"), "/v1/a/x/b"),
              ElementsAre(Pair("id", "x")));
}

TEST(PathTemplate, PercentDecodesVariables) {
  EXPECT_THAT(*MatchPath(Parsed("/v1/x/{id}"), "/v1/x/a%20b"),
              ElementsAre(Pair("id", "a b")));
  EXPECT_FALSE(MatchPath(Parsed("/v1/x/{id}"), "/v1/x/a%2").has_value());
  EXPECT_FALSE(MatchPath(Parsed("/v1/x/{id}"), "/v1/x/a%zz").has_value());
}

TEST(PathTemplate, AVerbOnTheLastSegmentIsACustomMethodNotAnId) {
  const PathTemplate get = Parsed("/v1/prescriptions/{prescription_id}");
  EXPECT_FALSE(MatchPath(get, "/v1/prescriptions/abc:prescribe").has_value());
  EXPECT_FALSE(
      MatchPath(Parsed("/v1/deliveries"), "/v1/deliveries:stats").has_value());
  EXPECT_TRUE(MatchPath(Parsed("/v1/deliveries:stats"), "/v1/deliveries:stats")
                  .has_value());
}

TEST(PathTemplate, SegmentsMustAllMatch) {
  const PathTemplate t = Parsed("/v1/prescriptions/{id}/timeline");
  EXPECT_TRUE(MatchPath(t, "/v1/prescriptions/p/timeline").has_value());
  EXPECT_FALSE(MatchPath(t, "/v1/prescriptions/p/other").has_value());
  EXPECT_FALSE(MatchPath(t, "/v1/prescriptions//timeline").has_value());
  EXPECT_FALSE(MatchPath(t, "/v1/prescriptions/p/timeline/x").has_value());
  EXPECT_FALSE(MatchPath(t, "v1/prescriptions/p/timeline").has_value());
}

TEST(PathTemplate, RefusesWhatTheSubsetDoesNotCover) {
  for (const char* text : {"v1/x", "/v1/**", "/v1/{name=x/*}", "/v1//x",
                           "/v1/{}", "/v1/x:", "/v1/{a b}", "/v1/a*"}) {
    EXPECT_FALSE(ParsePathTemplate(text).ok()) << text;
  }
}

}  // namespace
}  // namespace nhs::tobacco::jsonapi
