#include "gateway/pathway/delivery_pathway.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/domain/timestamps.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/pathway/use_case_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr auto kHl7 = v1::DELIVERY_CHANNEL_HL7V2_MLLP;

class DeliveryPathwayTest : public UseCaseTest {
 protected:
  void SetUp() override {
    UseCaseTest::SetUp();
    auto deadlines = domain::DeadlinePolicy::FromConfig(v1::DeadlineConfig());
    ASSERT_TRUE(deadlines.ok()) << deadlines.status();
    DeliveryPathwayOptions options;
    options.retry.max_attempts = 3;
    delivery_ = std::make_unique<DeliveryPathway>(
        *store_, *deadlines, options, clock_,
        ::nhs::tobacco::testing::TestAuditKeys());
  }
  void TearDown() override {
    delivery_.reset();
    UseCaseTest::TearDown();
  }

  // Queues a referral response to `destination` in `state`, about a record
  // of its own (so it is not held behind another message).
  void Queue(const std::string& id, const std::string& destination,
             v1::DeliveryState state = v1::DELIVERY_STATE_PENDING) {
    store::OutboxRow row;
    row.message.set_message_id(id);
    row.message.set_kind(v1::MESSAGE_KIND_REFERRAL_RESPONSE);
    row.message.set_channel(kHl7);
    row.message.set_destination_ods(destination);
    row.message.set_referral_id(absl::StrCat("ref-", id));
    row.delivery.set_message_id(id);
    row.delivery.set_kind(row.message.kind());
    row.delivery.set_channel(kHl7);
    row.delivery.set_destination_ods(destination);
    row.delivery.set_referral_id(row.message.referral_id());
    row.delivery.set_state(state);
    const auto now = domain::ToTimestamp(clock_.Now());
    *row.delivery.mutable_created_at() = now;
    *row.delivery.mutable_updated_at() = now;
    *row.delivery.mutable_next_attempt_at() = now;
    ASSERT_THAT(Write([&](store::WriteTransaction& tx) {
                  return tx.InsertOutboxMessage(row);
                }),
                IsOk());
  }

  std::vector<std::string> Claim(
      const absl::flat_hash_map<std::string, int>& in_flight, int max_per_queue,
      absl::Duration lease = absl::Seconds(30)) {
    auto claimed =
        delivery_->ClaimDueMessages(in_flight, max_per_queue, 100, lease);
    EXPECT_THAT(claimed, IsOk());
    std::vector<std::string> ids;
    if (claimed.ok()) {
      for (const auto& row : *claimed) ids.push_back(row.message.message_id());
    }
    return ids;
  }

  absl::StatusOr<v1::Delivery> Get(const security::Principal& caller,
                                   const std::string& id) {
    v1::GetDeliveryRequest request;
    request.set_message_id(id);
    Answer<v1::Delivery> answer;
    delivery_->GetDelivery(caller, request, answer.reply());
    return answer.Get();
  }
  absl::StatusOr<v1::Delivery> Replay(const security::Principal& caller,
                                      const std::string& id) {
    v1::ReplayDeliveryRequest request;
    request.set_message_id(id);
    Answer<v1::Delivery> answer;
    delivery_->ReplayDelivery(caller, request, answer.reply());
    return answer.Get();
  }
  absl::StatusOr<v1::Delivery> Discard(const security::Principal& caller,
                                       const std::string& id,
                                       const std::string& reason) {
    v1::DiscardDeliveryRequest request;
    request.set_message_id(id);
    request.set_reason(reason);
    Answer<v1::Delivery> answer;
    delivery_->DiscardDelivery(caller, request, answer.reply());
    return answer.Get();
  }
  absl::StatusOr<v1::ListDeliveriesResponse> List(
      const security::Principal& caller) {
    Answer<v1::ListDeliveriesResponse> answer;
    delivery_->ListDeliveries(caller, v1::ListDeliveriesRequest(),
                              answer.reply());
    return answer.Get();
  }
  absl::StatusOr<v1::GetDeliveryStatsResponse> Stats(
      const security::Principal& caller) {
    Answer<v1::GetDeliveryStatsResponse> answer;
    delivery_->DeliveryStats(caller, v1::GetDeliveryStatsRequest(),
                             answer.reply());
    return answer.Get();
  }

  v1::DeliveryState StateOf(const std::string& id) {
    auto d = Get(Admin(), id);
    EXPECT_THAT(d, IsOk());
    return d.ok() ? d->state() : v1::DELIVERY_STATE_UNSPECIFIED;
  }

  std::unique_ptr<DeliveryPathway> delivery_;
};

TEST_F(DeliveryPathwayTest,
       EveryOperatorOperationIsRefusedToNonAdminsAndAudited) {
  Queue("m1", "RX9", v1::DELIVERY_STATE_DEAD_LETTER);
  for (const security::Principal& caller : NonAdmins()) {
    const std::string who =
        absl::StrCat(caller.ods_code, " ", security::RoleName(caller.role));
    EXPECT_THAT(List(caller), StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_EQ(LastAuditRow(),
              absl::StrCat(who, " ListDeliveries  PERMISSION_DENIED"));
    EXPECT_THAT(Get(caller, "m1"),
                StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_EQ(LastAuditRow(),
              absl::StrCat(who, " GetDelivery m1 PERMISSION_DENIED"));
    EXPECT_THAT(Replay(caller, "m1"),
                StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_EQ(LastAuditRow(),
              absl::StrCat(who, " ReplayDelivery m1 PERMISSION_DENIED"));
    EXPECT_THAT(Discard(caller, "m1", "wrong address"),
                StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_EQ(LastAuditRow(),
              absl::StrCat(who, " DiscardDelivery m1 PERMISSION_DENIED"));
    EXPECT_THAT(Stats(caller), StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_EQ(LastAuditRow(),
              absl::StrCat(who, " GetDeliveryStats  PERMISSION_DENIED"));
  }
  EXPECT_EQ(StateOf("m1"), v1::DELIVERY_STATE_DEAD_LETTER)
      << "no refused call changed anything";
}

TEST_F(DeliveryPathwayTest,
       EveryOperatorOperationIsAllowedToAnAdminAndAudited) {
  Queue("m1", "RX9", v1::DELIVERY_STATE_DEAD_LETTER);
  Queue("m2", "RX9", v1::DELIVERY_STATE_DEAD_LETTER);
  auto listed = List(Admin());
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->deliveries_size(), 2);
  EXPECT_EQ(LastAuditRow(), "ME001 admin ListDeliveries  OK");

  auto got = Get(Admin(), "m1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->destination_ods(), "RX9");
  EXPECT_EQ(LastAuditRow(), "ME001 admin GetDelivery m1 OK");

  auto stats = Stats(Admin());
  ASSERT_THAT(stats, IsOk());
  ASSERT_EQ(stats->destinations_size(), 1);
  EXPECT_EQ(stats->destinations(0).dead_letters(), 2);
  EXPECT_EQ(LastAuditRow(), "ME001 admin GetDeliveryStats  OK");

  EXPECT_THAT(Replay(Admin(), "m1"), IsOk());
  EXPECT_EQ(LastAuditRow(), "ME001 admin ReplayDelivery m1 OK");
  EXPECT_THAT(Discard(Admin(), "m2", "practice closed"), IsOk());
  EXPECT_EQ(LastAuditRow(), "ME001 admin DiscardDelivery m2 OK");
}

TEST_F(DeliveryPathwayTest, DevelopmentPrincipalIsTreatedAsAnAdmin) {
  EXPECT_THAT(List(security::DevelopmentPrincipal()), IsOk());
  EXPECT_EQ(LastAuditRow(), "DEV development ListDeliveries  OK");
}

TEST_F(DeliveryPathwayTest, ReplayTakesOnlyDeadLettersAndDiscardedMessages) {
  Queue("pending", "RX9");
  Queue("dead", "RX9", v1::DELIVERY_STATE_DEAD_LETTER);
  Queue("discarded", "RX9", v1::DELIVERY_STATE_DISCARDED);
  EXPECT_THAT(Replay(Admin(), "pending"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("this one is PENDING")));
  EXPECT_EQ(LastAuditRow(),
            "ME001 admin ReplayDelivery pending FAILED_PRECONDITION");

  clock_.Advance(absl::Minutes(5));
  auto replayed = Replay(Admin(), "dead");
  ASSERT_THAT(replayed, IsOk());
  EXPECT_EQ(replayed->state(), v1::DELIVERY_STATE_PENDING);
  EXPECT_EQ(replayed->attempts(), 0);
  EXPECT_EQ(domain::FromTimestamp(replayed->next_attempt_at()), clock_.Now())
      << "due at once";
  EXPECT_EQ(StateOf("dead"), v1::DELIVERY_STATE_PENDING) << "durable";
  EXPECT_THAT(Replay(Admin(), "discarded"), IsOk());
  EXPECT_EQ(StateOf("discarded"), v1::DELIVERY_STATE_PENDING);
}

TEST_F(DeliveryPathwayTest, DiscardTakesOnlyDeadLettersWithAReason) {
  Queue("pending", "RX9");
  Queue("dead", "RX9", v1::DELIVERY_STATE_DEAD_LETTER);
  EXPECT_THAT(Discard(Admin(), "dead", ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(LastAuditRow(),
            "ME001 admin DiscardDelivery dead INVALID_ARGUMENT");
  EXPECT_THAT(Discard(Admin(), "pending", "no longer needed"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(StateOf("pending"), v1::DELIVERY_STATE_PENDING);

  auto discarded = Discard(Admin(), "dead", "patient 9990000018 moved");
  ASSERT_THAT(discarded, IsOk());
  EXPECT_EQ(discarded->state(), v1::DELIVERY_STATE_DISCARDED);
  EXPECT_THAT(discarded->last_error(), HasSubstr("discarded by an operator"));
  EXPECT_THAT(discarded->last_error(), Not(HasSubstr("9990000018")))
      << "NHS numbers are masked";
  EXPECT_THAT(Discard(Admin(), "dead", "again"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(DeliveryPathwayTest, UnknownMessageIsNotFoundForAnAdminAndAudited) {
  EXPECT_THAT(Get(Admin(), "nope"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(LastAuditRow(), "ME001 admin GetDelivery nope NOT_FOUND");
  EXPECT_THAT(Replay(Admin(), "nope"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(LastAuditRow(), "ME001 admin ReplayDelivery nope NOT_FOUND");
}

TEST_F(DeliveryPathwayTest, ClaimNeverTakesAQueuePastItsCap) {
  for (const char* id : {"a1", "a2", "a3"}) Queue(id, "AAA01");
  for (const char* id : {"b1", "b2", "b3"}) Queue(id, "BBB01");
  const std::string queue_a = store::DeliveryQueue("AAA01", kHl7);
  // One message of queue A is already in flight; the cap is two.
  EXPECT_THAT(Claim({{queue_a, 1}}, 2), UnorderedElementsAre("a1", "b1", "b2"));
  EXPECT_THAT(
      Claim({{queue_a, 2}, {store::DeliveryQueue("BBB01", kHl7), 2}}, 2),
      ElementsAre())
      << "both queues full";
}

TEST_F(DeliveryPathwayTest, ClaimCountsTheTryAndHoldsTheMessageForTheLease) {
  Queue("m1", "RX9");
  auto claimed = delivery_->ClaimDueMessages({}, 10, 10, absl::Seconds(30));
  ASSERT_THAT(claimed, IsOk());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].delivery.attempts(), 1);
  EXPECT_EQ(domain::FromTimestamp((*claimed)[0].delivery.next_attempt_at()),
            clock_.Now() + absl::Seconds(30));

  EXPECT_THAT(Claim({}, 10), ElementsAre()) << "leased";
  clock_.Advance(absl::Seconds(31));
  EXPECT_THAT(Claim({}, 10), ElementsAre("m1"))
      << "a sender that died leaves it to be tried again after the lease";
  auto got = Get(Admin(), "m1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->attempts(), 2);
}

TEST_F(DeliveryPathwayTest, ReleaseClaimsMakesLeasedMessagesDueNow) {
  Queue("m1", "RX9");
  Queue("m2", "RX8");
  EXPECT_THAT(Claim({}, 10, absl::Hours(1)), UnorderedElementsAre("m1", "m2"));
  EXPECT_THAT(Claim({}, 10), ElementsAre());
  EXPECT_THAT(delivery_->ReleaseClaims(), IsOkAndHolds(2));
  EXPECT_THAT(Claim({}, 10), UnorderedElementsAre("m1", "m2"));
}

TEST_F(DeliveryPathwayTest, RecordDeliveryIsAuditedAsTheGateway) {
  Queue("m1", "RX9");
  auto claimed = delivery_->ClaimDueMessages({}, 10, 10, absl::Seconds(30));
  ASSERT_THAT(claimed, IsOk());
  ASSERT_EQ(claimed->size(), 1u);
  domain::SendResult sent;
  sent.outcome = domain::SendOutcome::kConfirmed;
  sent.handed_over = true;
  Answer<bool> recorded;
  delivery_->RecordDelivery((*claimed)[0], sent, [&](absl::Status s) {
    recorded.reply()(s.ok() ? absl::StatusOr<bool>(true) : s);
  });
  ASSERT_THAT(recorded.Get(), IsOk());
  EXPECT_EQ(LastAuditRow(),
            "GATEWAY gateway DeliverREFERRAL_RESPONSE m1 DELIVERED");
  EXPECT_EQ(StateOf("m1"), v1::DELIVERY_STATE_DELIVERED);
}

TEST_F(DeliveryPathwayTest, RecordDeliveryKeepsAnOperatorsDiscard) {
  Queue("m1", "RX9");
  auto claimed = delivery_->ClaimDueMessages({}, 10, 10, absl::Seconds(30));
  ASSERT_THAT(claimed, IsOk());
  ASSERT_EQ(claimed->size(), 1u);
  // The try failed for good meanwhile, and an operator discarded it.
  store::OutboxRow row = (*claimed)[0];
  row.delivery.set_state(v1::DELIVERY_STATE_DISCARDED);
  ASSERT_THAT(Write([&](store::WriteTransaction& tx) {
                return tx.UpdateDelivery(row.delivery);
              }),
              IsOk());
  domain::SendResult sent;
  sent.outcome = domain::SendOutcome::kConfirmed;
  Answer<bool> recorded;
  delivery_->RecordDelivery((*claimed)[0], sent, [&](absl::Status s) {
    recorded.reply()(s.ok() ? absl::StatusOr<bool>(true) : s);
  });
  ASSERT_THAT(recorded.Get(), IsOk());
  EXPECT_EQ(StateOf("m1"), v1::DELIVERY_STATE_DISCARDED);
}

TEST_F(DeliveryPathwayTest,
       PruneDeletesOnlyDeliveredMessagesOlderThanKeptAsTheGateway) {
  Queue("old", "RX9", v1::DELIVERY_STATE_DELIVERED);
  Queue("dead", "RX9", v1::DELIVERY_STATE_DEAD_LETTER);
  clock_.Advance(absl::Hours(48));
  Queue("recent", "RX9", v1::DELIVERY_STATE_DELIVERED);
  EXPECT_THAT(delivery_->PruneDeliveredMessages(absl::Hours(24)),
              IsOkAndHolds(1));
  EXPECT_EQ(LastAuditRow(), "GATEWAY gateway PruneDelivered  OK");
  EXPECT_THAT(Get(Admin(), "old"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Get(Admin(), "recent"), IsOk());
  EXPECT_THAT(Get(Admin(), "dead"), IsOk());
  const size_t rows = AuditRows().size();
  EXPECT_THAT(delivery_->PruneDeliveredMessages(absl::Hours(24)),
              IsOkAndHolds(0));
  EXPECT_EQ(AuditRows().size(), rows) << "nothing pruned, nothing logged";
}

}  // namespace
}  // namespace nhs::tobacco::pathway
