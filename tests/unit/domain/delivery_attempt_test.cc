// Backoff with jitter and what each kind of try result does to a delivery.
#include "gateway/domain/delivery_attempt.h"

#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

using google::protobuf::util::TimeUtil;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

RetryPolicy Policy() {
  return RetryPolicy{/*max_attempts=*/5, absl::Seconds(1), absl::Seconds(60)};
}

v1::Delivery Claimed(int attempts) {
  v1::Delivery d;
  d.set_message_id("m-1");
  d.set_state(v1::DELIVERY_STATE_PENDING);
  d.set_attempts(attempts);
  return d;
}

absl::Time NextAttempt(const v1::Delivery& d) {
  return absl::FromUnixMicros(
      TimeUtil::TimestampToMicroseconds(d.next_attempt_at()));
}

TEST(BackoffDelayTest, DoublesPerTryWithinHalfToFullAndIsCapped) {
  const RetryPolicy p = Policy();
  EXPECT_EQ(BackoffDelay(p, 1, 0.0), absl::Milliseconds(500));
  EXPECT_EQ(BackoffDelay(p, 1, 1.0), absl::Seconds(1));
  EXPECT_EQ(BackoffDelay(p, 2, 0.0), absl::Seconds(1));
  EXPECT_EQ(BackoffDelay(p, 4, 1.0), absl::Seconds(8));
  // Capped at max_backoff however many tries.
  EXPECT_EQ(BackoffDelay(p, 7, 1.0), absl::Seconds(60));
  EXPECT_EQ(BackoffDelay(p, 1000, 0.5), absl::Seconds(45));
}

TEST(BackoffDelayTest, JitterSpreadsSendersApart) {
  const RetryPolicy p = Policy();
  EXPECT_LT(BackoffDelay(p, 3, 0.1), BackoffDelay(p, 3, 0.9));
}

TEST(AfterAttemptTest, ConfirmedIsDelivered) {
  const v1::Delivery d = AfterAttempt(
      Claimed(1), SendResult{SendOutcome::kConfirmed, true, "HL7 AA"}, Policy(),
      kNow, 0.5);
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_DELIVERED);
  EXPECT_TRUE(d.handed_over());
  EXPECT_FALSE(d.has_next_attempt_at());
}

TEST(AfterAttemptTest, TransientWaitsTheBackoffAndKeepsTheError) {
  const v1::Delivery d = AfterAttempt(
      Claimed(2),
      SendResult{SendOutcome::kTransient, false, "UNAVAILABLE: refused"},
      Policy(), kNow, 0.0);
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_PENDING);
  EXPECT_EQ(d.last_error(), "UNAVAILABLE: refused");
  EXPECT_EQ(NextAttempt(d), kNow + absl::Seconds(1));
  EXPECT_FALSE(d.handed_over());
}

TEST(AfterAttemptTest, TransientWithNoTriesLeftIsADeadLetter) {
  const v1::Delivery d = AfterAttempt(
      Claimed(5), SendResult{SendOutcome::kTransient, true, "HTTP 503"},
      Policy(), kNow, 0.0);
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_DEAD_LETTER);
  EXPECT_EQ(d.last_error(), "gave up after 5 tries; last: HTTP 503");
}

TEST(AfterAttemptTest, PermanentRefusalIsADeadLetterAtOnce) {
  const v1::Delivery d = AfterAttempt(
      Claimed(1),
      SendResult{SendOutcome::kPermanent, true, "HL7 AR: unsupported"},
      Policy(), kNow, 0.0);
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_DEAD_LETTER);
  EXPECT_EQ(d.last_error(), "refused by the receiver: HL7 AR: unsupported");
}

TEST(AfterAttemptTest, HandedOverOnceStaysHandedOver) {
  v1::Delivery d = Claimed(1);
  d.set_handed_over(true);
  d = AfterAttempt(d, SendResult{SendOutcome::kTransient, false, "timeout"},
                   Policy(), kNow, 0.0);
  EXPECT_TRUE(d.handed_over());
}

}  // namespace
}  // namespace nhs::tobacco::domain
