// MESH (issue 17): the ITK3 acknowledgements of messages handed to MESH, and
// their deadlines, against a real store.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/delivery_pathway.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/pathway/use_case_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::AcknowledgementKind;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kMesh = v1::DELIVERY_CHANNEL_MESH;

class DeliveryAcknowledgementsTest : public UseCaseTest {
 protected:
  void SetUp() override {
    UseCaseTest::SetUp();
    auto deadlines = domain::DeadlinePolicy::FromConfig(v1::DeadlineConfig());
    ASSERT_TRUE(deadlines.ok()) << deadlines.status();
    DeliveryPathwayOptions options;
    options.acknowledgements.infrastructure = absl::Minutes(60);
    options.acknowledgements.business = absl::Hours(48);
    options.routes.Add("TDS01", v1::DELIVERY_CHANNEL_FHIR_HTTPS);
    delivery_ = std::make_unique<DeliveryPathway>(
        *store_, *deadlines, options, clock_,
        ::nhs::tobacco::testing::TestAuditKeys());
  }
  void TearDown() override {
    delivery_.reset();
    UseCaseTest::TearDown();
  }

  // An outcome letter to the practice Y90001, with or without a request
  // snapshot (whose service TDS01 an overdue acknowledgement escalates to).
  void Queue(const std::string& id, bool with_prescription = false) {
    store::OutboxRow row;
    row.message.set_message_id(id);
    row.message.set_kind(v1::MESSAGE_KIND_GP_OUTCOME);
    row.message.set_channel(kMesh);
    row.message.set_destination_ods("Y90001");
    row.message.set_referral_id(absl::StrCat("ref-", id));
    if (with_prescription) {
      row.message.mutable_prescription()->set_prescription_id("rx-1");
      row.message.mutable_prescription()->mutable_service()->set_ods_code(
          "TDS01");
    }
    row.delivery.set_message_id(id);
    row.delivery.set_kind(row.message.kind());
    row.delivery.set_channel(kMesh);
    row.delivery.set_destination_ods("Y90001");
    row.delivery.set_referral_id(row.message.referral_id());
    row.delivery.set_state(v1::DELIVERY_STATE_PENDING);
    const auto now = domain::ToTimestamp(clock_.Now());
    *row.delivery.mutable_created_at() = now;
    *row.delivery.mutable_updated_at() = now;
    *row.delivery.mutable_next_attempt_at() = now;
    ASSERT_THAT(Write([&](store::WriteTransaction& tx) {
                  return tx.InsertOutboxMessage(row);
                }),
                IsOk());
  }

  // Claims `id` and records that MESH accepted it.
  void Accept(const std::string& id) {
    auto claimed = delivery_->ClaimDueMessages({}, 10, 10, absl::Minutes(5));
    ASSERT_THAT(claimed, IsOk());
    for (const store::OutboxRow& row : *claimed) {
      if (row.message.message_id() != id) continue;
      domain::SendResult accepted;
      accepted.outcome = domain::SendOutcome::kAccepted;
      accepted.handed_over = true;
      accepted.transport_message_id = "MESH-1";
      accepted.acknowledgement_due_in = absl::Minutes(60);
      absl::Notification done;
      delivery_->RecordDelivery(row, accepted, [&](absl::Status s) {
        EXPECT_THAT(s, IsOk());
        done.Notify();
      });
      done.WaitForNotification();
    }
  }

  v1::Delivery DeliveryOf(const std::string& id) {
    v1::Delivery d;
    EXPECT_THAT(store_->Read([&](store::ReadTransaction& tx) -> absl::Status {
      auto row = tx.GetOutboxRow(id);
      if (!row.ok()) return row.status();
      if (row->has_value()) d = (*row)->delivery;
      return absl::OkStatus();
    }),
                IsOk());
    return d;
  }

  // The types of the events on the referral ref-<id>'s timeline.
  std::vector<v1::EventType> EventTypes(const std::string& id) {
    std::vector<v1::EventType> types;
    EXPECT_THAT(store_->Read([&](store::ReadTransaction& tx) -> absl::Status {
      store::EventQuery query;
      query.referral_id = absl::StrCat("ref-", id);
      auto events = tx.ListEvents(query);
      if (!events.ok()) return events.status();
      for (const auto& e : *events) types.push_back(e.type());
      return absl::OkStatus();
    }),
                IsOk());
    return types;
  }

  static domain::Acknowledgement Ack(const std::string& id,
                                     AcknowledgementKind kind,
                                     bool positive = true) {
    domain::Acknowledgement ack;
    ack.message_id = id;
    ack.kind = kind;
    ack.positive = positive;
    if (!positive) {
      ack.code = "30001";
      ack.description = "Patient 9990000018 not registered at this practice";
    }
    return ack;
  }

  std::unique_ptr<DeliveryPathway> delivery_;
};

TEST_F(DeliveryAcknowledgementsTest,
       AcceptedAwaitsThenInfrastructureThenBusinessDelivers) {
  Queue("m1");
  Accept("m1");
  v1::Delivery d = DeliveryOf("m1");
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT);
  EXPECT_EQ(d.transport_message_id(), "MESH-1");
  EXPECT_TRUE(d.handed_over());
  EXPECT_EQ(domain::FromTimestamp(d.next_attempt_at()),
            clock_.Now() + absl::Minutes(60));

  clock_.Advance(absl::Minutes(10));
  EXPECT_THAT(delivery_->RecordAcknowledgement(
                  Ack("m1", AcknowledgementKind::kInfrastructure)),
              IsOkAndHolds(true));
  d = DeliveryOf("m1");
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT);
  EXPECT_EQ(domain::FromTimestamp(d.infrastructure_acknowledged_at()),
            clock_.Now());
  EXPECT_EQ(domain::FromTimestamp(d.next_attempt_at()),
            clock_.Now() + absl::Hours(48))
      << "now waiting for the business acknowledgement";
  EXPECT_THAT(delivery_->RecordAcknowledgement(
                  Ack("m1", AcknowledgementKind::kInfrastructure)),
              IsOkAndHolds(false))
      << "a repeat changes nothing";

  EXPECT_THAT(delivery_->RecordAcknowledgement(
                  Ack("m1", AcknowledgementKind::kBusiness)),
              IsOkAndHolds(true));
  EXPECT_EQ(DeliveryOf("m1").state(), v1::DELIVERY_STATE_DELIVERED);
  EXPECT_THAT(
      EventTypes("m1"),
      ElementsAre(v1::EVENT_TYPE_MESSAGE_SENT, v1::EVENT_TYPE_MESSAGE_RECEIVED,
                  v1::EVENT_TYPE_MESSAGE_ACKNOWLEDGED));
  EXPECT_EQ(LastAuditRow(),
            "GATEWAY gateway AcknowledgeGP_OUTCOME m1 DELIVERED");
}

TEST_F(DeliveryAcknowledgementsTest, NegativeAcknowledgementIsADeadLetter) {
  Queue("m1");
  Accept("m1");
  EXPECT_THAT(delivery_->RecordAcknowledgement(
                  Ack("m1", AcknowledgementKind::kBusiness, false)),
              IsOkAndHolds(true));
  v1::Delivery d = DeliveryOf("m1");
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_DEAD_LETTER);
  EXPECT_THAT(d.last_error(),
              HasSubstr("ITK3 business acknowledgement: 30001"));
  EXPECT_THAT(d.last_error(), Not(HasSubstr("9990000018"))) << "masked";
  EXPECT_EQ(EventTypes("m1").back(), v1::EVENT_TYPE_DELIVERY_FAILED);
  EXPECT_THAT(delivery_->RecordAcknowledgement(
                  Ack("m1", AcknowledgementKind::kBusiness, true)),
              IsOkAndHolds(false))
      << "a dead letter stays one until an operator replays it";
}

TEST_F(DeliveryAcknowledgementsTest,
       AcknowledgementOfAMessageStillPendingCountsAndMarksItSent) {
  // MESH took it, then the gateway died before recording that.
  Queue("m1");
  EXPECT_THAT(delivery_->RecordAcknowledgement(
                  Ack("m1", AcknowledgementKind::kInfrastructure)),
              IsOkAndHolds(true));
  v1::Delivery d = DeliveryOf("m1");
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT);
  EXPECT_TRUE(d.handed_over());
  EXPECT_THAT(EventTypes("m1"), ElementsAre(v1::EVENT_TYPE_MESSAGE_SENT,
                                            v1::EVENT_TYPE_MESSAGE_RECEIVED));
}

TEST_F(DeliveryAcknowledgementsTest, UnknownMessageIsNotFound) {
  EXPECT_THAT(delivery_->RecordAcknowledgement(
                  Ack("nope", AcknowledgementKind::kBusiness)),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DeliveryAcknowledgementsTest,
       MissedDeadlineIsFlaggedOnceAndTheServiceIsTold) {
  Queue("m1", /*with_prescription=*/true);
  Accept("m1");
  EXPECT_THAT(delivery_->FlagOverdueAcknowledgements(), IsOkAndHolds(0));
  clock_.Advance(absl::Minutes(61));
  EXPECT_THAT(delivery_->FlagOverdueAcknowledgements(), IsOkAndHolds(1));
  EXPECT_THAT(delivery_->FlagOverdueAcknowledgements(), IsOkAndHolds(0))
      << "once";
  EXPECT_TRUE(DeliveryOf("m1").acknowledgement_overdue());
  EXPECT_EQ(EventTypes("m1").back(), v1::EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE);
  EXPECT_EQ(LastAuditRow(),
            "GATEWAY gateway RaiseAcknowledgementOverdue m1 OK");
  // The escalation to the service is queued on its route.
  int escalations = 0;
  ASSERT_THAT(store_->Read([&](store::ReadTransaction& tx) -> absl::Status {
    store::DeliveryQuery query;
    query.destination_ods = "TDS01";
    query.limit = 10;
    auto page = tx.ListDeliveries(query);
    if (!page.ok()) return page.status();
    for (const auto& d : page->items) {
      if (d.kind() == v1::MESSAGE_KIND_OVERDUE_ESCALATION) ++escalations;
    }
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(escalations, 1);

  // The late infrastructure acknowledgement still counts, and the business
  // one then has its own deadline.
  EXPECT_THAT(delivery_->RecordAcknowledgement(
                  Ack("m1", AcknowledgementKind::kInfrastructure)),
              IsOkAndHolds(true));
  EXPECT_FALSE(DeliveryOf("m1").acknowledgement_overdue());
  clock_.Advance(absl::Hours(49));
  EXPECT_THAT(delivery_->FlagOverdueAcknowledgements(), IsOkAndHolds(1));
}

}  // namespace
}  // namespace nhs::tobacco::pathway
