#include "gateway/common/host_port.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ValidateHostPortTest, AcceptsIpv4NamesAndBracketedIpv6) {
  for (const char* address :
       {"127.0.0.1:50051", "10.20.0.7:2575", "engine.trust.example:2576",
        "localhost:1", "a-b.example:65535", "[::1]:8443", "[2001:db8::7]:443",
        "0.0.0.0:443"}) {
    EXPECT_THAT(ValidateHostPort(address), IsOk()) << address;
  }
}

TEST(ValidateHostPortTest, RefusesAMissingPort) {
  for (const char* address :
       {"engine.example", "10.0.0.1", "[::1]", "engine.example:", "[::1]:"}) {
    EXPECT_THAT(
        ValidateHostPort(address),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("host:port")))
        << address;
  }
}

TEST(ValidateHostPortTest, RefusesPortsOutsideTheRangeOrNotNumbers) {
  for (const char* address :
       {"engine.example:65536", "engine.example:-1", "engine.example:http",
        "engine.example:25 75", "engine.example:+80", "[::1]:99999",
        "10.0.0.1:0x50"}) {
    EXPECT_THAT(ValidateHostPort(address),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("port from 1 to 65535")))
        << address;
  }
}

TEST(ValidateHostPortTest, AllowsPortZeroOnlyWhenAsked) {
  EXPECT_THAT(ValidateHostPort("127.0.0.1:0"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateHostPort("127.0.0.1:0", PortZero::kAllowed), IsOk());
  EXPECT_THAT(ValidateHostPort("[::1]:0", PortZero::kAllowed), IsOk());
}

TEST(ValidateHostPortTest, RefusesBadHosts) {
  for (const char* address :
       {":2575", "::1:2575", "[::1:2575", "[not-ipv6]:2575", "-bad.example:1",
        "under_score.example:1", "two..dots:1", "sp ace:1"}) {
    EXPECT_THAT(ValidateHostPort(address),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << address;
  }
}

}  // namespace
}  // namespace nhs::tobacco
