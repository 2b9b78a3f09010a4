#include "gateway/cli/render.h"

#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

template <typename T>
T Proto(const std::string& text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message))
      << text;
  return message;
}

// 2024-05-01T09:30:00Z
constexpr int64_t kMay1 = 1714555800;

TEST(FormatTimestampTest, PrintsUtcIso8601) {
  google::protobuf::Timestamp time;
  time.set_seconds(kMay1);
  time.set_nanos(999);
  EXPECT_EQ(FormatTimestamp(time), "2024-05-01T09:30:00Z");
}

TEST(FormatTimestampTest, UnsetIsADash) {
  EXPECT_EQ(FormatTimestamp(google::protobuf::Timestamp()), "-");
}

TEST(RenderPrescriptionListTest, AlignedColumnsWithStatusWithoutPrefix) {
  auto response = Proto<v1::ListPrescriptionsResponse>(R"pb(
    prescriptions {
      prescription_id: "P-1"
      patient { nhs_number: "9990001118" }
      product { product_id: "nrt-patch" display: "Nicotine 21mg patch" }
      route: ROUTE_GP_PRESCRIPTION
      target { ods_code: "Y12345" }
      status: PRESCRIPTION_STATUS_ACKNOWLEDGED
      overdue: true
      due_at { seconds: 1714555800 }
      updated_at { seconds: 1714555800 }
    }
    prescriptions {
      prescription_id: "P-22"
      patient { nhs_number: "4857773456" }
      product { product_id: "vape-kit" }
      route: ROUTE_PHARMACY_SUPPLY
      target { ods_code: "FZZ99" }
      status: PRESCRIPTION_STATUS_SUPPLIED
    }
    next_page_token: "abc"
  )pb");
  EXPECT_EQ(
      RenderPrescriptionList(response),
      "ID    STATUS        NHS NUMBER    PRODUCT              ROUTE            "
      "TARGET  OVERDUE  DUE                   UPDATED\n"
      "P-1   ACKNOWLEDGED  999 *** **18  Nicotine 21mg patch  GP_PRESCRIPTION  "
      "Y12345  OVERDUE  2024-05-01T09:30:00Z  2024-05-01T09:30:00Z\n"
      "P-22  SUPPLIED      485 *** **56  vape-kit             PHARMACY_SUPPLY  "
      "FZZ99   -        -                     -\n"
      "next page: --page-token abc\n");
}

TEST(RenderPrescriptionListTest, EmptyListSaysSo) {
  EXPECT_EQ(RenderPrescriptionList(v1::ListPrescriptionsResponse()),
            "no prescriptions\n");
}

TEST(RenderReferralListTest, NhsNumbersAreMasked) {
  auto response = Proto<v1::ListReferralsResponse>(R"pb(
    referrals {
      referral_id: "R-1"
      patient { nhs_number: "9990001118" date_of_birth: "1980-02-03" }
      status: REFERRAL_STATUS_RECEIVED
      source: REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH
      referrer { ods_code: "RX9" }
      service { ods_code: "RX9T1" }
      goal: QUIT_GOAL_TEMPORARY_ABSTINENCE
      mental_health { smi: true }
    }
  )pb");
  std::string text = RenderReferralList(response);
  EXPECT_THAT(text, HasSubstr("999 *** **18"));
  EXPECT_THAT(text, Not(HasSubstr("9990001118")));
  EXPECT_THAT(text, Not(HasSubstr("1980")));
  EXPECT_THAT(text, HasSubstr("INPATIENT_MENTAL_HEALTH"));
  EXPECT_THAT(text, HasSubstr("TEMPORARY_ABSTINENCE"));
  EXPECT_THAT(text, HasSubstr("RECEIVED"));
}

TEST(RenderReferralListTest, SkippedUnreadableRecordsAreSaid) {
  auto response = Proto<v1::ListReferralsResponse>(R"pb(
    referrals { referral_id: "R-1" }
    unreadable_skipped: 2
  )pb");
  EXPECT_THAT(RenderReferralList(response),
              HasSubstr("2 stored records on this page could not be read"));
  EXPECT_THAT(RenderReferralList(v1::ListReferralsResponse()),
              Not(HasSubstr("could not be read")));
}

TEST(RenderReferralTest, DetailMasksNhsNumberAndHidesNamesAndBirthDate) {
  auto referral = Proto<v1::Referral>(R"pb(
    referral_id: "R-1"
    patient {
      nhs_number: "9990001118"
      date_of_birth: "1980-02-03"
      given_name: "Ann"
      family_name: "Smith"
    }
    smoking { cigarettes_per_day: 20 co_reading_ppm: 12.5 }
    mental_health {
      diagnosis_category: DIAGNOSIS_CATEGORY_SCHIZOPHRENIA
      medicines { name: "clozapine" cyp1a2_sensitive: true }
    }
    consent { share_with_gp: true }
  )pb");
  std::string text = RenderReferral(referral);
  EXPECT_THAT(text, HasSubstr("NHS number   999 *** **18\n"));
  EXPECT_THAT(text, Not(HasSubstr("Smith")));
  EXPECT_THAT(text, Not(HasSubstr("Ann")));
  EXPECT_THAT(text, Not(HasSubstr("1980")));
  EXPECT_THAT(text, HasSubstr("Smoking      20/day, CO 12.5 ppm\n"));
  EXPECT_THAT(text, HasSubstr("Medicines    clozapine (CYP1A2)\n"));
  EXPECT_THAT(text, HasSubstr("Shares with  GP\n"));
}

TEST(RenderPrescriptionTest, DetailShowsUnverifiedDmdCodeAndSafetyAlert) {
  auto prescription = Proto<v1::PrescriptionRequest>(R"pb(
    prescription_id: "P-1"
    product { display: "Varenicline 1mg" dmd_code: "123" dmd_verified: false }
    quantity { value: 56 unit: "tablet" }
    status: PRESCRIPTION_STATUS_DECLINED
    status_reason: "CLINICAL_CONTRAINDICATION"
    cyp1a2_safety_alert: true
  )pb");
  std::string text = RenderPrescription(prescription);
  EXPECT_THAT(text, HasSubstr("Varenicline 1mg [dm+d 123, unverified]"));
  EXPECT_THAT(text, HasSubstr("Status          DECLINED\n"));
  EXPECT_THAT(text, HasSubstr("Reason code     CLINICAL_CONTRAINDICATION\n"));
  EXPECT_THAT(text, HasSubstr("Quantity        56 tablet\n"));
  EXPECT_THAT(text, HasSubstr("Safety alert"));
}

TEST(RenderTimelineTest, OneRowPerEventWithTransitionActorAndReason) {
  auto response = Proto<v1::GetTimelineResponse>(R"pb(
    events {
      sequence: 7
      type: EVENT_TYPE_PRESCRIPTION_RECOMMENDED
      to_status: PRESCRIPTION_STATUS_RECOMMENDED
      occurred_at { seconds: 1714555800 }
      actor { organisation { ods_code: "RX9" } }
    }
    events {
      sequence: 12
      type: EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED
      from_status: PRESCRIPTION_STATUS_ACKNOWLEDGED
      to_status: PRESCRIPTION_STATUS_DECLINED
      occurred_at { seconds: 1714559400 }
      actor {
        organisation { ods_code: "Y12345" }
        practitioner { identifier: "G1" }
      }
      reason_code: "PATIENT_DECLINED"
      note: "prefers vape"
    }
  )pb");
  EXPECT_EQ(RenderTimeline(response),
            "SEQ  TIME                  EVENT                        "
            "FROM->TO                ACTOR        REASON/NOTE\n"
            "7    2024-05-01T09:30:00Z  PRESCRIPTION_RECOMMENDED     "
            "->RECOMMENDED           RX9          -\n"
            "12   2024-05-01T10:30:00Z  PRESCRIPTION_STATUS_CHANGED  "
            "ACKNOWLEDGED->DECLINED  Y12345 / G1  PATIENT_DECLINED; prefers "
            "vape\n");
}

TEST(RenderTimelineTest, OverdueEventShowsTheMissedDeadline) {
  auto response = Proto<v1::GetTimelineResponse>(R"pb(
    events {
      sequence: 3
      type: EVENT_TYPE_OVERDUE
      due_at { seconds: 1714555800 }
    }
  )pb");
  EXPECT_THAT(RenderTimeline(response),
              HasSubstr("OVERDUE  -         -      due 2024-05-01T09:30:00Z"));
}

TEST(RenderEventLineTest, CarriesIdsAndStatusChange) {
  auto event = Proto<v1::TimelineEvent>(R"pb(
    sequence: 44
    type: EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED
    referral_id: "R-1"
    prescription_id: "P-1"
    from_status: PRESCRIPTION_STATUS_PRESCRIBED
    to_status: PRESCRIPTION_STATUS_DISPENSED
    actor { organisation { ods_code: "FZZ99" } }
  )pb");
  std::string line = RenderEventLine(event);
  EXPECT_THAT(line, HasSubstr("44 "));
  EXPECT_THAT(line, HasSubstr("R-1 "));
  EXPECT_THAT(line, HasSubstr("P-1 "));
  EXPECT_THAT(line, HasSubstr("PRESCRIBED->DISPENSED"));
  EXPECT_THAT(line, HasSubstr("FZZ99"));
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(RenderOutcomeListTest, RowsShowFollowUpStatusAndCo) {
  auto response = Proto<v1::ListOutcomesResponse>(R"pb(
    outcomes {
      outcome_id: "O-1"
      follow_up: FOLLOW_UP_POINT_WEEK_4
      status: OUTCOME_STATUS_QUIT_CO_VERIFIED
      co_reading_ppm: 3
      quit_date: "2024-05-01"
      recorded_on: "2024-05-29"
      recorded_by { organisation { ods_code: "RX9" } }
    }
  )pb");
  EXPECT_EQ(RenderOutcomeList(response),
            "ID   FOLLOW-UP  STATUS            CO PPM  QUIT DATE   "
            "RECORDED ON  RECORDED BY\n"
            "O-1  WEEK_4     QUIT_CO_VERIFIED  3       2024-05-01  "
            "2024-05-29   RX9\n");
}

TEST(RenderDeliveryListTest, OneRowPerMessageWithTheErrorCutToFit) {
  auto response = Proto<v1::ListDeliveriesResponse>(R"pb(
    deliveries {
      message_id: "M-1"
      kind: MESSAGE_KIND_REFERRAL_RESPONSE
      channel: DELIVERY_CHANNEL_HL7V2_MLLP
      destination_ods: "RX9"
      state: DELIVERY_STATE_DEAD_LETTER
      attempts: 12
      last_error: "gave up after 12 tries; last: UNAVAILABLE: "
                  "cannot connect to 10.0.0.7:2575: Connection refused"
    }
    deliveries {
      message_id: "M-22"
      kind: MESSAGE_KIND_GP_RECOMMENDATION
      channel: DELIVERY_CHANNEL_FHIR_HTTPS
      destination_ods: "Y90001"
      state: DELIVERY_STATE_PENDING
      attempts: 1
      next_attempt_at { seconds: 1714555800 }
      last_error: "HTTP 503\nretry later"
    }
    next_page_token: "abc"
  )pb");
  EXPECT_EQ(
      RenderDeliveryList(response),
      "MESSAGE ID  KIND               DESTINATION  CHANNEL     STATE      "
      "  ATTEMPTS  NEXT ATTEMPT          LAST ERROR\n"
      "M-1         REFERRAL_RESPONSE  RX9          HL7V2_MLLP  "
      "DEAD_LETTER  12        -                     "
      "gave up after 12 tries; last: UNAVAILABLE: cannot connect to "
      "10\u2026\n"
      "M-22        GP_RECOMMENDATION  Y90001       FHIR_HTTPS  PENDING  "
      "    1         2024-05-01T09:30:00Z  HTTP 503 retry later\n"
      "next page: --page-token abc\n");
}

TEST(RenderDeliveryListTest, EmptyListSaysSo) {
  EXPECT_EQ(RenderDeliveryList(v1::ListDeliveriesResponse()),
            "no outbound messages\n");
}

TEST(RenderDeliveryTest, DetailShowsEveryFieldAndTheWholeError) {
  const std::string error(120, 'e');
  auto delivery = Proto<v1::Delivery>(R"pb(
    message_id: "M-1"
    kind: MESSAGE_KIND_SAFETY_ALERT
    channel: DELIVERY_CHANNEL_HL7V2_MLLP
    destination_ods: "RX9"
    referral_id: "ref-1"
    prescription_id: "rx-1"
    state: DELIVERY_STATE_DISCARDED
    attempts: 3
    handed_over: true
    created_at { seconds: 1714555800 }
    updated_at { seconds: 1714555800 }
  )pb");
  delivery.set_last_error(error);
  EXPECT_EQ(RenderDelivery(delivery),
            "Message       M-1\n"
            "Kind          SAFETY_ALERT\n"
            "Channel       HL7V2_MLLP\n"
            "Destination   RX9\n"
            "State         DISCARDED\n"
            "Attempts      3\n"
            "Handed over   yes\n"
            "Referral      ref-1\n"
            "Prescription  rx-1\n"
            "Created       2024-05-01T09:30:00Z\n"
            "Updated       2024-05-01T09:30:00Z\n"
            "Next attempt  -\n"
            "Last error    " +
                error + "\n");
}

TEST(RenderDeliveryTest, NoPrescriptionRowForAReferralMessage) {
  auto delivery = Proto<v1::Delivery>(R"pb(
    message_id: "M-1"
    kind: MESSAGE_KIND_REFERRAL_RESPONSE
    referral_id: "ref-1"
  )pb");
  EXPECT_THAT(RenderDelivery(delivery), Not(HasSubstr("Prescription")));
  EXPECT_THAT(RenderDelivery(delivery), HasSubstr("Last error    -\n"));
}

TEST(RenderDeliveryStatsTest, RowPerDestinationWithTheOldestAgeAsADuration) {
  auto response = Proto<v1::GetDeliveryStatsResponse>(R"pb(
    destinations {
      destination_ods: "RX9"
      channel: DELIVERY_CHANNEL_HL7V2_MLLP
      pending: 2
      pending_attempts: 5
      oldest_pending_age_seconds: 3723.9
      dead_letters: 1
      delivered: 40
    }
    destinations {
      destination_ods: "Y90001"
      channel: DELIVERY_CHANNEL_FHIR_HTTPS
      delivered: 7
    }
    destinations {
      destination_ods: "FZZ99"
      channel: DELIVERY_CHANNEL_FHIR_HTTPS
      pending: 1
      oldest_pending_age_seconds: 0.2
    }
  )pb");
  EXPECT_EQ(RenderDeliveryStats(response),
            "DESTINATION  CHANNEL     PENDING  OLDEST PENDING  PENDING ATTEMPTS"
            "  DEAD LETTERS  DELIVERED\n"
            "RX9          HL7V2_MLLP  2        1h2m3s          5               "
            "  1             40\n"
            "Y90001       FHIR_HTTPS  0        -               0               "
            "  0             7\n"
            "FZZ99        FHIR_HTTPS  1        <1s             0               "
            "  0             0\n");
}

TEST(RenderDeliveryStatsTest, NoDestinationsSaysSo) {
  EXPECT_EQ(RenderDeliveryStats(v1::GetDeliveryStatsResponse()),
            "no outbound messages\n");
}

TEST(ToJsonTest, JsonKeepsTheFullNhsNumber) {
  auto referral = Proto<v1::Referral>(R"pb(
    patient { nhs_number: "9990001118" }
    status: REFERRAL_STATUS_ACCEPTED
  )pb");
  std::string json = ToJson(referral, false);
  EXPECT_EQ(json,
            "{\"patient\":{\"nhsNumber\":\"9990001118\"},"
            "\"status\":\"REFERRAL_STATUS_ACCEPTED\"}\n");
}

TEST(RenderRpcErrorTest, PrintsCodeMessageAndEachFieldViolation) {
  google::rpc::BadRequest bad_request;
  auto* v1 = bad_request.add_field_violations();
  v1->set_field("referral.patient.nhs_number");
  v1->set_description("fails the Modulus 11 check");
  auto* v2 = bad_request.add_field_violations();
  v2->set_field("referral.service.ods_code");
  v2->set_description("must be 3-6 upper-case letters and digits");
  google::rpc::Status rpc_status;
  rpc_status.set_code(3);
  rpc_status.set_message("referral is invalid");
  rpc_status.add_details()->PackFrom(bad_request);

  grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "referral is invalid",
                      rpc_status.SerializeAsString());
  EXPECT_EQ(RenderRpcError(status),
            "error: INVALID_ARGUMENT: referral is invalid\n"
            "  referral.patient.nhs_number: fails the Modulus 11 check\n"
            "  referral.service.ods_code: must be 3-6 upper-case letters and "
            "digits\n");
}

TEST(RenderRpcErrorTest, OtherDetailTypesAreSkipped) {
  google::rpc::Status rpc_status;
  rpc_status.add_details()->PackFrom(google::rpc::Status());  // Not BadRequest.
  grpc::Status status(grpc::StatusCode::FAILED_PRECONDITION,
                      "DISPENSED cannot follow ACKNOWLEDGED",
                      rpc_status.SerializeAsString());
  EXPECT_EQ(RenderRpcError(status),
            "error: FAILED_PRECONDITION: DISPENSED cannot follow "
            "ACKNOWLEDGED\n");
}

TEST(RenderRpcErrorTest, UnparseableDetailsLeaveCodeAndMessage) {
  grpc::Status status(grpc::StatusCode::PERMISSION_DENIED, "not your patient",
                      "\xff\xff not a proto");
  EXPECT_EQ(RenderRpcError(status),
            "error: PERMISSION_DENIED: not your patient\n");
}

TEST(StatusCodeNameTest, NamesEveryCanonicalCode) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED),
            "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED),
            "RESOURCE_EXHAUSTED");
  EXPECT_EQ(StatusCodeName(99), "CODE_99");
}

}  // namespace
}  // namespace nhs::tobacco::cli
