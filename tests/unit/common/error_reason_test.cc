#include "gateway/common/error_reason.h"

#include "gtest/gtest.h"

namespace nhs::tobacco {
namespace {

TEST(ErrorReasonTest, AttachedReasonWinsOverTheCodesDefault) {
  const absl::Status s =
      WithReason(absl::FailedPreconditionError("no"), reason::kConsentRequired);
  EXPECT_EQ(ReasonOf(s), "CONSENT_REQUIRED");
  EXPECT_EQ(ReasonOf(absl::FailedPreconditionError("no")), "RULE_NOT_MET");
  EXPECT_EQ(s.message(), "no") << "the message is untouched";
}

TEST(ErrorReasonTest, OkStaysOkAndHasNoReason) {
  EXPECT_TRUE(WithReason(absl::OkStatus(), reason::kInternal).ok());
  EXPECT_EQ(ReasonOf(absl::OkStatus()), "");
}

TEST(ErrorReasonTest, EveryCodeHasADefaultReason) {
  for (int code = 1; code <= 16; ++code) {
    EXPECT_FALSE(DefaultReason(static_cast<absl::StatusCode>(code)).empty())
        << code;
  }
  EXPECT_EQ(DefaultReason(absl::StatusCode::kUnavailable), "STORE_UNAVAILABLE");
  EXPECT_EQ(DefaultReason(absl::StatusCode::kPermissionDenied), "NOT_ENTITLED");
}

TEST(ErrorReasonTest, OnlyUnavailableAndResourceExhaustedAdviseARetry) {
  EXPECT_EQ(RetryDelayOf(absl::ResourceExhaustedError("x")), absl::Seconds(1));
  EXPECT_EQ(RetryDelayOf(absl::UnavailableError("x")), absl::Seconds(2));
  EXPECT_EQ(RetryDelayOf(WithRetryAfter(absl::UnavailableError("x"),
                                        absl::Milliseconds(250))),
            absl::Milliseconds(250));
  EXPECT_FALSE(RetryDelayOf(absl::FailedPreconditionError("x")).has_value());
  EXPECT_FALSE(RetryDelayOf(absl::AbortedError("x")).has_value());
}

TEST(ErrorReasonTest, DomainDefaultsToTheServiceNameAndFollowsTheConfig) {
  SetErrorDomain("");
  EXPECT_EQ(ErrorDomain(), "tobacco-gateway");
  SetErrorDomain("gateway.example.nhs.uk");
  EXPECT_EQ(ErrorDomain(), "gateway.example.nhs.uk");
  SetErrorDomain("");
}

}  // namespace
}  // namespace nhs::tobacco
