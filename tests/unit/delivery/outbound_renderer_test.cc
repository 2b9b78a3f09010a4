// Every queued kind renders from its snapshot into bytes an independent
// reader accepts, the same bytes every time, under the message's own id.
#include "gateway/delivery/outbound_renderer.h"

#include "adapters/hl7v2/parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::delivery {
namespace {

using ::nhs::tobacco::testing::SampleReferral;
using ::nhs::tobacco::testing::SampleRequest;
using ::nhs::tobacco::testing::StatusIs;

constexpr char kMessageId[] = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

v1::OutboundMessage Message(v1::MessageKind kind, v1::DeliveryChannel channel,
                            const char* destination) {
  v1::OutboundMessage m;
  m.set_message_id(kMessageId);
  m.set_kind(kind);
  m.set_channel(channel);
  m.set_destination_ods(destination);
  m.mutable_caused_at()->set_seconds(1795861800);
  v1::Referral referral = SampleReferral();
  referral.mutable_referrer()->set_ods_code("RX9");
  referral.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  *m.mutable_referral() = referral;
  *m.mutable_prescription() = SampleRequest();
  m.set_prescription_id(m.prescription().prescription_id());
  m.set_referral_id(referral.referral_id());
  v1::Outcome* o = m.mutable_outcome();
  o->set_outcome_id("out-1");
  o->set_referral_id(referral.referral_id());
  o->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  o->set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  o->set_co_reading_ppm(4);
  return m;
}

RenderTarget Target() {
  return RenderTarget{"https://gp.example:9443/fhir/$process-message",
                      "https://gateway.example:8443/fhir/$process-message",
                      "RIO"};
}

TEST(Hl7ControlIdTest, IsTheFirstTwentyHexDigitsOfTheMessageId) {
  EXPECT_EQ(Hl7ControlId(kMessageId), "3f2a9c1e5b7d4e8f9a0b");
}

class Hl7RenderTest : public ::testing::TestWithParam<v1::MessageKind> {};

TEST_P(Hl7RenderTest, ParsesWithTheStableControlIdAndReceiver) {
  const v1::OutboundMessage m =
      Message(GetParam(), v1::DELIVERY_CHANNEL_HL7V2_MLLP, "RX9");
  absl::StatusOr<std::string> bytes = RenderMessage(m, Target());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*RenderMessage(m, Target()), *bytes);
  absl::StatusOr<hl7v2::Message> parsed = hl7v2::ParseEr7(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed->Get("MSH-10"), "3f2a9c1e5b7d4e8f9a0b");
  EXPECT_EQ(*parsed->Get("MSH-5"), "RIO");
  EXPECT_EQ(*parsed->Get("MSH-6"), "RX9");
  EXPECT_EQ(*parsed->Get("PID-3(1).1"), "9990000018");
}

INSTANTIATE_TEST_SUITE_P(Kinds, Hl7RenderTest,
                         ::testing::Values(v1::MESSAGE_KIND_REFERRAL_RESPONSE,
                                           v1::MESSAGE_KIND_TRUST_OUTCOME,
                                           v1::MESSAGE_KIND_SAFETY_ALERT));

class FhirRenderTest : public ::testing::TestWithParam<v1::MessageKind> {};

TEST_P(FhirRenderTest, IsAMessageBundleUnderTheMessageId) {
  v1::OutboundMessage m =
      Message(GetParam(), v1::DELIVERY_CHANNEL_FHIR_HTTPS, "Y90001");
  if (GetParam() == v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST) {
    m.mutable_prescription()->set_route(v1::ROUTE_PHARMACY_SUPPLY);
    m.mutable_prescription()->mutable_target()->set_ods_code("FZZ99");
  }
  if (GetParam() == v1::MESSAGE_KIND_PRESCRIPTION_NOTICE) {
    m.mutable_prescription()->mutable_nominated_pharmacy()->set_ods_code(
        "FZZ99");
  }
  m.set_note("Escalated after 2 working days");
  if (GetParam() == v1::MESSAGE_KIND_CANCELLATION_NOTICE) {
    m.mutable_prescription()->set_status(v1::PRESCRIPTION_STATUS_CANCELLED);
    m.mutable_prescription()->set_status_reason("PATIENT_DECLINED");
  }
  absl::StatusOr<std::string> bytes = RenderMessage(m, Target());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*RenderMessage(m, Target()), *bytes);
  const nlohmann::json bundle = nlohmann::json::parse(*bytes);
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "message");
  EXPECT_EQ(bundle["identifier"]["value"], kMessageId);
  const nlohmann::json& header = bundle["entry"][0]["resource"];
  EXPECT_EQ(header["resourceType"], "MessageHeader");
  EXPECT_EQ(header["destination"][0]["endpoint"],
            "https://gp.example:9443/fhir/$process-message");
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, FhirRenderTest,
    ::testing::Values(v1::MESSAGE_KIND_GP_RECOMMENDATION,
                      v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST,
                      v1::MESSAGE_KIND_PRESCRIPTION_NOTICE,
                      v1::MESSAGE_KIND_GP_OUTCOME,
                      v1::MESSAGE_KIND_OVERDUE_ESCALATION,
                      v1::MESSAGE_KIND_CANCELLATION_NOTICE));

TEST(OverdueEscalationRenderTest, SaysWhoHasNotAnsweredAndWhy) {
  v1::OutboundMessage m = Message(v1::MESSAGE_KIND_OVERDUE_ESCALATION,
                                  v1::DELIVERY_CHANNEL_FHIR_HTTPS, "RX9");
  m.mutable_prescription()->set_status(v1::PRESCRIPTION_STATUS_SENT);
  m.set_note("No response while SENT before the deadline");
  const nlohmann::json bundle =
      nlohmann::json::parse(*RenderMessage(m, Target()));
  const nlohmann::json& comm = bundle["entry"][1]["resource"];
  ASSERT_EQ(comm["resourceType"], "Communication");
  const std::string text = comm["payload"][0]["contentString"];
  EXPECT_THAT(text, ::testing::HasSubstr("Example Street Surgery (Y90001)"));
  EXPECT_THAT(text, ::testing::HasSubstr("still SENT"));
  EXPECT_THAT(text, ::testing::HasSubstr("No response while SENT"));
  EXPECT_EQ(comm["about"][0]["identifier"]["value"], "rx-0001");
}

// Finding 8 of issue 11: a medicine name holding MLLP's frame bytes and NUL.
const std::string kHostileMedicine("Clozapine 300mg\x0b\x1c\x00 daily", 24);

// True when `bytes` hold a C0 control character other than those allowed.
bool HasControlByte(absl::string_view bytes, absl::string_view allowed) {
  for (char c : bytes) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 || u == 0x7F) && allowed.find(c) == absl::string_view::npos) {
      return true;
    }
  }
  return false;
}

TEST(OutboundTextTest, SafetyAlertEscapesControlBytesInAMedicineName) {
  v1::OutboundMessage m = Message(v1::MESSAGE_KIND_SAFETY_ALERT,
                                  v1::DELIVERY_CHANNEL_HL7V2_MLLP, "RX9");
  m.mutable_referral()->mutable_mental_health()->mutable_medicines(0)->set_name(
      kHostileMedicine);
  absl::StatusOr<std::string> bytes = RenderMessage(m, Target());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  // Only CR, the segment terminator, is a control byte on the wire.
  EXPECT_FALSE(HasControlByte(*bytes, "\r"));
  EXPECT_THAT(*bytes, ::testing::HasSubstr("300mg\\X0B\\\\X1C\\\\X00\\ daily"));
  absl::StatusOr<hl7v2::Message> parsed = hl7v2::ParseEr7(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed->Get("OBX(1)-5.2"), kHostileMedicine);
}

// Every HL7 v2 message the gateway sends, with control bytes in each free
// text it carries: a declined referral's reason (RRI^I12), an outcome note
// (ORU^R01) and the medicine name (the safety alert).
class Hl7OutboundTextTest : public ::testing::TestWithParam<v1::MessageKind> {};

TEST_P(Hl7OutboundTextTest, NoControlByteButTheSegmentEndIsWritten) {
  v1::OutboundMessage m =
      Message(GetParam(), v1::DELIVERY_CHANNEL_HL7V2_MLLP, "RX9");
  m.mutable_referral()->set_status(v1::REFERRAL_STATUS_DECLINED);
  m.mutable_referral()->set_status_reason(kHostileMedicine);
  m.mutable_referral()->mutable_mental_health()->mutable_medicines(0)->set_name(
      kHostileMedicine);
  m.mutable_outcome()->set_note(kHostileMedicine);
  absl::StatusOr<std::string> bytes = RenderMessage(m, Target());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_FALSE(HasControlByte(*bytes, "\r"));
  EXPECT_THAT(*bytes, ::testing::HasSubstr("\\X0B\\\\X1C\\\\X00\\"));
  EXPECT_TRUE(hl7v2::ParseEr7(*bytes).ok());
}

INSTANTIATE_TEST_SUITE_P(Kinds, Hl7OutboundTextTest,
                         ::testing::Values(v1::MESSAGE_KIND_REFERRAL_RESPONSE,
                                           v1::MESSAGE_KIND_TRUST_OUTCOME,
                                           v1::MESSAGE_KIND_SAFETY_ALERT));

TEST(OutboundTextTest, GpLetterJsonEscapesControlsAndItsXhtmlDropsThem) {
  v1::OutboundMessage m = Message(v1::MESSAGE_KIND_GP_RECOMMENDATION,
                                  v1::DELIVERY_CHANNEL_FHIR_HTTPS, "Y90001");
  m.mutable_prescription()->set_cyp1a2_safety_alert(true);
  m.mutable_prescription()->set_dose_text(kHostileMedicine);
  m.mutable_referral()->mutable_mental_health()->mutable_medicines(0)->set_name(
      kHostileMedicine);
  absl::StatusOr<std::string> bytes = RenderMessage(m, Target());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_FALSE(HasControlByte(*bytes, ""));
  EXPECT_THAT(*bytes, ::testing::HasSubstr("\\u000b\\u001c\\u0000"));
  const nlohmann::json bundle = nlohmann::json::parse(*bytes);
  int divs = 0;
  bool dose_read_back = false;
  for (const nlohmann::json& entry : bundle["entry"]) {
    const nlohmann::json& resource = entry["resource"];
    if (resource.contains("text")) {
      const std::string div = resource["text"]["div"];
      ++divs;
      EXPECT_FALSE(HasControlByte(div, "\t\n\r")) << div;
    }
    if (resource["resourceType"] == "MedicationRequest") {
      dose_read_back =
          resource["dosageInstruction"][0]["text"] == kHostileMedicine;
    }
  }
  EXPECT_GT(divs, 0);
  EXPECT_TRUE(dose_read_back) << *bytes;
  EXPECT_THAT(*bytes, ::testing::HasSubstr("takes Clozapine 300mg daily."));
}

TEST(OutboundTextTest, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  v1::OutboundMessage m = Message(v1::MESSAGE_KIND_GP_RECOMMENDATION,
                                  v1::DELIVERY_CHANNEL_FHIR_HTTPS, "Y90001");
  m.mutable_prescription()->set_dose_text("one \xff\xfe patch");
  absl::StatusOr<std::string> bytes = RenderMessage(m, Target());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_THAT(*bytes,
              ::testing::HasSubstr("one \xef\xbf\xbd\xef\xbf\xbd patch"));
  EXPECT_NO_THROW(nlohmann::json::parse(*bytes));
}

TEST(RenderErrorsTest, ASnapshotThatCannotBeBuiltIsInvalidArgument) {
  v1::OutboundMessage m = Message(v1::MESSAGE_KIND_REFERRAL_RESPONSE,
                                  v1::DELIVERY_CHANNEL_HL7V2_MLLP, "RX9");
  // RRI^I12 answers only an accepted or declined referral.
  m.mutable_referral()->set_status(v1::REFERRAL_STATUS_RECEIVED);
  EXPECT_THAT(RenderMessage(m, Target()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  m = Message(v1::MESSAGE_KIND_OVERDUE_ESCALATION,
              v1::DELIVERY_CHANNEL_FHIR_HTTPS, "RX9");
  m.mutable_prescription()->clear_service();
  EXPECT_THAT(RenderMessage(m, Target()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace nhs::tobacco::delivery
