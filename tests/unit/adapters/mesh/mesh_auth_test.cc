#include "adapters/mesh/mesh_auth.h"

#include <set>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::mesh {
namespace {

using ::testing::MatchesRegex;

absl::Time At(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

// The digest was computed apart from this code, with Python's hmac module:
//   hmac.new(b"TestKey",
//            b"X26ABC1:2c001608-5f09-4840-9611-bea43e666a30:1:password:"
//            b"202311201038", hashlib.sha256).hexdigest()
constexpr char kKnownHeader[] =
    "NHSMESH X26ABC1:2c001608-5f09-4840-9611-bea43e666a30:1:202311201038:"
    "b64f749cb37c167737702e1c4afe2abb78a1224ce1fdd24b1587aa9740643af3";

TEST(MeshAuthorizationTest, KnownVectorGivesTheIndependentlyComputedHeader) {
  EXPECT_EQ(MeshAuthorization("X26ABC1", "password", "TestKey",
                              "2c001608-5f09-4840-9611-bea43e666a30", 1,
                              At(2023, 11, 20, 10, 38, 0)),
            kKnownHeader);
}

TEST(MeshAuthorizationTest, TimestampIsTheUtcMinuteSecondsDropped) {
  EXPECT_EQ(MeshAuthorization("X26ABC1", "password", "TestKey",
                              "2c001608-5f09-4840-9611-bea43e666a30", 1,
                              At(2023, 11, 20, 10, 38, 59)),
            kKnownHeader);
}

TEST(MeshAuthorizationTest, PasswordAndKeyNeverAppearInTheHeader) {
  const std::string header =
      MeshAuthorization("X26ABC1", "s3cret-pass", "shared-key-xyz", NewNonce(),
                        1, At(2024, 1, 2, 3, 4, 5));
  EXPECT_EQ(header.find("s3cret-pass"), std::string::npos);
  EXPECT_EQ(header.find("shared-key-xyz"), std::string::npos);
  EXPECT_THAT(header, MatchesRegex("NHSMESH X26ABC1:[-0-9a-f]+:1:202401020304:"
                                   "[0-9a-f]{64}"));
}

TEST(MeshAuthorizationTest, EachInputChangesTheDigest) {
  const absl::Time t = At(2023, 11, 20, 10, 38, 0);
  const std::string base =
      MeshAuthorization("X26ABC1", "password", "TestKey", "n", 1, t);
  EXPECT_NE(base,
            MeshAuthorization("X26ABC1", "passwore", "TestKey", "n", 1, t));
  EXPECT_NE(base,
            MeshAuthorization("X26ABC1", "password", "TestKez", "n", 1, t));
  EXPECT_NE(base.substr(base.rfind(':')),
            MeshAuthorization("X26ABC1", "password", "TestKey", "n", 2, t)
                .substr(base.rfind(':')));
}

TEST(NewNonceTest, IsAVersionFourUuid) {
  EXPECT_THAT(
      NewNonce(),
      MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                   "[0-9a-f]{12}"));
}

TEST(NewNonceTest, TenThousandNoncesAreAllDifferent) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(NewNonce());
  EXPECT_EQ(seen.size(), 10000u);
}

}  // namespace
}  // namespace nhs::tobacco::mesh
