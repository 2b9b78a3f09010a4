// The real sender's own decisions, before any socket: a message that cannot
// be built is refused for good, one with no route (yet) is retried.
#include "gateway/delivery/transport_sender.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::delivery {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::OutboundMessage ReferralResponse(v1::DeliveryChannel channel,
                                     const char* destination) {
  v1::OutboundMessage m;
  m.set_message_id("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b");
  m.set_kind(v1::MESSAGE_KIND_REFERRAL_RESPONSE);
  m.set_channel(channel);
  m.set_destination_ods(destination);
  m.mutable_caused_at()->set_seconds(1795861800);
  v1::Referral referral = testing::SampleReferral();
  referral.mutable_referrer()->set_ods_code("RX9");
  referral.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  m.set_referral_id(referral.referral_id());
  *m.mutable_referral() = referral;
  return m;
}

class TransportSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // No routes at all: nothing here may reach for the network.
    absl::StatusOr<std::unique_ptr<OutboundTransports>> t =
        OutboundTransports::FromConfig(v1::GatewayConfig());
    ASSERT_TRUE(t.ok()) << t.status();
    transports_ = *std::move(t);
    sender_ = std::make_unique<TransportSender>(*transports_);
  }

  std::unique_ptr<OutboundTransports> transports_;
  std::unique_ptr<TransportSender> sender_;
};

TEST_F(TransportSenderTest, AMessageThatCannotBeBuiltIsRefusedForGood) {
  v1::OutboundMessage m =
      ReferralResponse(v1::DELIVERY_CHANNEL_HL7V2_MLLP, "RX9");
  // RRI^I12 answers only an accepted or declined referral.
  m.mutable_referral()->set_status(v1::REFERRAL_STATUS_RECEIVED);
  const domain::SendResult r = sender_->Send(m);
  EXPECT_EQ(r.outcome, domain::SendOutcome::kPermanent);
  EXPECT_FALSE(r.handed_over);
  EXPECT_THAT(r.detail, StartsWith("cannot be built: "));
}

TEST_F(TransportSenderTest, AMessageWithNoRouteIsRetriedNotRefused) {
  const domain::SendResult mllp =
      sender_->Send(ReferralResponse(v1::DELIVERY_CHANNEL_HL7V2_MLLP, "RX9"));
  EXPECT_EQ(mllp.outcome, domain::SendOutcome::kTransient);
  EXPECT_FALSE(mllp.handed_over);
  EXPECT_THAT(mllp.detail, HasSubstr("no MLLP outbound_address"));
}

TEST_F(TransportSenderTest, TakesItsTimeoutFromTheTransports) {
  EXPECT_EQ(sender_->send_timeout(), transports_->send_timeout());
}

}  // namespace
}  // namespace nhs::tobacco::delivery
