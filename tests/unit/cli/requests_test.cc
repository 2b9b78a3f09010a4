#include "gateway/cli/requests.h"

#include <map>
#include <string>
#include <vector>

#include "gateway/cli/commands.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::HasSubstr;

// Parses through the real command table, so a flag the builder reads but
// the command does not declare fails here too.
ParsedArgs ArgsFor(std::vector<std::string> argv) {
  absl::StatusOr<Invocation> invocation = ParseInvocation(argv);
  EXPECT_TRUE(invocation.ok()) << invocation.status();
  return invocation.ok() ? invocation->args : ParsedArgs();
}

template <typename T>
T Proto(const std::string& text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message))
      << text;
  return message;
}

::testing::AssertionResult ProtoEq(const google::protobuf::Message& actual,
                                   const google::protobuf::Message& expected) {
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  if (differencer.Compare(expected, actual)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << diff << "actual:\n"
                                       << actual.DebugString();
}

FileReader Files(std::map<std::string, std::string> files) {
  return [files](const std::string& path) -> absl::StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return absl::NotFoundError("cannot read " + path);
    return it->second;
  };
}

TEST(BuildCreateReferralRequestTest, EveryFlagLandsInItsField) {
  ParsedArgs args = ArgsFor({"referrals",
                             "create",
                             "--nhs-number",
                             "9990001118",
                             "--dob",
                             "1980-02-03",
                             "--given-name",
                             "Ann",
                             "--family-name",
                             "Smith",
                             "--referrer-ods",
                             "Y90001",
                             "--practitioner",
                             "C1234567",
                             "--practitioner-register",
                             "gmc",
                             "--practitioner-name",
                             "Dr Jones",
                             "--source",
                             "community_mental_health",
                             "--service-ods",
                             "RX9",
                             "--gp-ods",
                             "Y12345",
                             "--cigarettes-per-day",
                             "20",
                             "--years-smoked",
                             "15",
                             "--co-ppm",
                             "12.5",
                             "--diagnosis",
                             "schizophrenia",
                             "--smi",
                             "--medicines",
                             "clozapine:37803411000001100, olanzapine",
                             "--goal",
                             "cut_down_to_quit",
                             "--text-reminders",
                             "--home-visits",
                             "--share-with-gp",
                             "--share-with-pharmacy",
                             "--share-with-mh-team",
                             "--external-referral-id",
                             "RF1-6"});
  absl::StatusOr<v1::CreateReferralRequest> request =
      BuildCreateReferralRequest(args, "req-1", Files({}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::CreateReferralRequest>(R"pb(
    request_id: "req-1"
    referral {
      patient {
        nhs_number: "9990001118"
        date_of_birth: "1980-02-03"
        given_name: "Ann"
        family_name: "Smith"
      }
      referrer { ods_code: "Y90001" }
      referring_practitioner {
        identifier: "C1234567"
        register: PROFESSIONAL_REGISTER_GMC
        display_name: "Dr Jones"
      }
      source: REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH
      service { ods_code: "RX9" }
      gp_practice { ods_code: "Y12345" }
      smoking { cigarettes_per_day: 20 years_smoked: 15 co_reading_ppm: 12.5 }
      mental_health {
        diagnosis_category: DIAGNOSIS_CATEGORY_SCHIZOPHRENIA
        smi: true
        medicines { name: "clozapine" dmd_code: "37803411000001100" }
        medicines { name: "olanzapine" }
      }
      goal: QUIT_GOAL_CUT_DOWN_TO_QUIT
      contact { text_reminders: true home_visits: true }
      consent {
        share_with_gp: true
        share_with_pharmacy: true
        share_with_mental_health_team: true
      }
      external_referral_id: "RF1-6"
    }
  )pb")));
}

TEST(BuildCreateReferralRequestTest, AbsentConsentFlagsMeanNoSharing) {
  absl::StatusOr<v1::CreateReferralRequest> request =
      BuildCreateReferralRequest(
          ArgsFor({"referrals", "create", "--nhs-number", "9990001118"}), "r",
          Files({}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(request->referral().has_consent());
  EXPECT_FALSE(request->referral().consent().share_with_gp());
  EXPECT_FALSE(request->referral().has_smoking());
  EXPECT_FALSE(request->referral().smoking().has_co_reading_ppm());
}

TEST(BuildCreateReferralRequestTest, FromJsonReadsAReferral) {
  absl::StatusOr<v1::CreateReferralRequest> request =
      BuildCreateReferralRequest(
          ArgsFor({"referrals", "create", "--from-json", "r.json"}), "req-2",
          Files({{"r.json",
                  R"({"patient": {"nhsNumber": "9990001118"},
                      "source": "REFERRAL_SOURCE_GP",
                      "smoking": {"cigarettesPerDay": 10}})"}}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::CreateReferralRequest>(R"pb(
    request_id: "req-2"
    referral {
      patient { nhs_number: "9990001118" }
      source: REFERRAL_SOURCE_GP
      smoking { cigarettes_per_day: 10 }
    }
  )pb")));
}

TEST(BuildCreateReferralRequestTest, FromJsonWithReferralFlagsIsRefused) {
  absl::StatusOr<v1::CreateReferralRequest> request =
      BuildCreateReferralRequest(ArgsFor({"referrals", "create", "--from-json",
                                          "r.json", "--goal", "quit_now"}),
                                 "r", Files({{"r.json", "{}"}}));
  EXPECT_EQ(request.status().message(),
            "--goal: cannot be combined with --from-json");
}

TEST(BuildCreateReferralRequestTest, UnreadableJsonFileNamesTheFlag) {
  EXPECT_THAT(BuildCreateReferralRequest(
                  ArgsFor({"referrals", "create", "--from-json", "nope.json"}),
                  "r", Files({}))
                  .status()
                  .message(),
              HasSubstr("--from-json: cannot read nope.json"));
}

TEST(BuildCreateReferralRequestTest, JsonThatIsNotAReferralNamesTheFlag) {
  EXPECT_THAT(BuildCreateReferralRequest(
                  ArgsFor({"referrals", "create", "--from-json", "r.json"}),
                  "r", Files({{"r.json", R"({"colour": "red"})"}}))
                  .status()
                  .message(),
              HasSubstr("--from-json: r.json: not a Referral in proto JSON"));
}

TEST(BuildCreateReferralRequestTest, BadNumbersAndEnumsNameTheirFlags) {
  auto message = [](std::vector<std::string> flags) {
    std::vector<std::string> argv = {"referrals", "create"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return std::string(BuildCreateReferralRequest(ArgsFor(argv), "r", Files({}))
                           .status()
                           .message());
  };
  EXPECT_THAT(message({"--cigarettes-per-day", "lots"}),
              HasSubstr("--cigarettes-per-day: \"lots\" is not an integer"));
  EXPECT_THAT(message({"--cigarettes-per-day", "-3"}),
              HasSubstr("--cigarettes-per-day: must not be negative"));
  EXPECT_THAT(message({"--co-ppm", "high"}),
              HasSubstr("--co-ppm: \"high\" is not a number"));
  EXPECT_THAT(message({"--source", "pharmacy"}),
              HasSubstr("--source: unknown value \"pharmacy\""));
  EXPECT_THAT(message({"--diagnosis", "flu"}), HasSubstr("--diagnosis:"));
  EXPECT_THAT(message({"--goal", "never"}), HasSubstr("--goal:"));
  EXPECT_THAT(message({"--practitioner-register", "bma"}),
              HasSubstr("--practitioner-register:"));
  EXPECT_THAT(message({"--medicines", "clozapine,:123"}),
              HasSubstr("--medicines: \":123\" has no medicine name"));
}

TEST(BuildListReferralsRequestTest, EveryFlagLandsInItsField) {
  absl::StatusOr<v1::ListReferralsRequest> request = BuildListReferralsRequest(
      ArgsFor({"referrals", "list", "--ods", "RX9", "--status", "in_treatment",
               "--page-size", "25", "--page-token", "tok"}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::ListReferralsRequest>(R"pb(
    ods_code: "RX9"
    status: REFERRAL_STATUS_IN_TREATMENT
    page_size: 25
    page_token: "tok"
  )pb")));
}

TEST(BuildListReferralsRequestTest, NegativePageSizeIsRefused) {
  EXPECT_EQ(BuildListReferralsRequest(
                ArgsFor({"referrals", "list", "--page-size", "-1"}))
                .status()
                .message(),
            "--page-size: must not be negative");
}

TEST(BuildGetReferralRequestTest, IdComesFromThePositional) {
  EXPECT_EQ(BuildGetReferralRequest(ArgsFor({"referrals", "show", "R-9"}))
                ->referral_id(),
            "R-9");
}

TEST(BuildGetReferralRequestTest, MissingIdIsNamed) {
  EXPECT_EQ(BuildGetReferralRequest(ParsedArgs()).status().message(),
            "missing ID");
}

TEST(BuildUpdateReferralStatusRequestTest, EveryArgumentLandsInItsField) {
  absl::StatusOr<v1::UpdateReferralStatusRequest> request =
      BuildUpdateReferralStatusRequest(
          ArgsFor({"referrals", "set-status", "R-1", "declined", "--reason",
                   "not eligible", "--actor-ods", "RX9", "--actor-practitioner",
                   "L-77", "--actor-register", "local"}),
          "req-3");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::UpdateReferralStatusRequest>(R"pb(
    request_id: "req-3"
    referral_id: "R-1"
    status: REFERRAL_STATUS_DECLINED
    reason: "not eligible"
    actor {
      organisation { ods_code: "RX9" }
      practitioner { identifier: "L-77" register: PROFESSIONAL_REGISTER_LOCAL }
    }
  )pb")));
}

TEST(BuildUpdateReferralStatusRequestTest, UnknownStatusNamesThePositional) {
  EXPECT_THAT(BuildUpdateReferralStatusRequest(
                  ArgsFor({"referrals", "set-status", "R-1", "finished"}), "r")
                  .status()
                  .message(),
              HasSubstr("STATUS: unknown value \"finished\""));
}

TEST(BuildRecommendPrescriptionRequestTest, EveryFlagLandsInItsField) {
  absl::StatusOr<v1::RecommendPrescriptionRequest> request =
      BuildRecommendPrescriptionRequest(
          ArgsFor({"prescriptions",
                   "recommend",
                   "--referral",
                   "R-1",
                   "--product",
                   "nrt-patch-21mg",
                   "--dose",
                   "Apply one patch every 24 hours",
                   "--quantity",
                   "28",
                   "--unit",
                   "patch",
                   "--duration-days",
                   "28",
                   "--route",
                   "gp_prescription",
                   "--target-ods",
                   "Y12345",
                   "--nominated-pharmacy",
                   "FA123",
                   "--practitioner",
                   "N123",
                   "--practitioner-register",
                   "nmc",
                   "--practitioner-name",
                   "A Nurse",
                   "--reason",
                   "20 a day, quitting"}),
          "req-4");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::RecommendPrescriptionRequest>(R"pb(
    request_id: "req-4"
    referral_id: "R-1"
    product_id: "nrt-patch-21mg"
    dose_text: "Apply one patch every 24 hours"
    quantity { value: 28 unit: "patch" }
    duration_days: 28
    route: ROUTE_GP_PRESCRIPTION
    target { ods_code: "Y12345" }
    nominated_pharmacy { ods_code: "FA123" }
    recommended_by {
      identifier: "N123"
      register: PROFESSIONAL_REGISTER_NMC
      display_name: "A Nurse"
    }
    reason: "20 a day, quitting"
  )pb")));
}

TEST(BuildRecommendPrescriptionRequestTest, BadValuesNameTheirFlags) {
  EXPECT_THAT(
      BuildRecommendPrescriptionRequest(
          ArgsFor({"prescriptions", "recommend", "--route", "email"}), "r")
          .status()
          .message(),
      HasSubstr("--route: unknown value \"email\"; expected one of: "
                "gp_prescription"));
  EXPECT_THAT(
      BuildRecommendPrescriptionRequest(
          ArgsFor({"prescriptions", "recommend", "--quantity", "x"}), "r")
          .status()
          .message(),
      HasSubstr("--quantity: \"x\" is not a number"));
  EXPECT_THAT(
      BuildRecommendPrescriptionRequest(
          ArgsFor({"prescriptions", "recommend", "--duration-days", "1.5"}),
          "r")
          .status()
          .message(),
      HasSubstr("--duration-days: \"1.5\" is not an integer"));
}

TEST(BuildListPrescriptionsRequestTest, EveryFlagLandsInItsField) {
  absl::StatusOr<v1::ListPrescriptionsRequest> request =
      BuildListPrescriptionsRequest(
          ArgsFor({"prescriptions", "list", "--ods", "FZZ99", "--status",
                   "prescribed", "--overdue", "--referral", "R-2",
                   "--page-size", "5", "--page-token", "next"}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::ListPrescriptionsRequest>(R"pb(
    ods_code: "FZZ99"
    status: PRESCRIPTION_STATUS_PRESCRIBED
    overdue_only: true
    referral_id: "R-2"
    page_size: 5
    page_token: "next"
  )pb")));
}

TEST(BuildGetPrescriptionRequestTest, IdComesFromThePositional) {
  EXPECT_EQ(
      BuildGetPrescriptionRequest(ArgsFor({"prescriptions", "show", "P-3"}))
          ->prescription_id(),
      "P-3");
  EXPECT_EQ(
      BuildGetTimelineRequest(ArgsFor({"prescriptions", "timeline", "P-4"}))
          ->prescription_id(),
      "P-4");
}

TEST(BuildTransitionRequestTest, EveryFlagLandsInItsField) {
  absl::StatusOr<v1::TransitionRequest> request = BuildTransitionRequest(
      ArgsFor({"prescriptions", "acknowledge", "P-1", "--actor-ods", "Y12345",
               "--actor-practitioner", "G765", "--actor-register", "sds_user",
               "--note", "received", "--external-id", "hl7-control-id=MSG1",
               "--external-id", "fhir-bundle=b-2"}),
      "req-5");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::TransitionRequest>(R"pb(
    request_id: "req-5"
    prescription_id: "P-1"
    actor {
      organisation { ods_code: "Y12345" }
      practitioner {
        identifier: "G765"
        register: PROFESSIONAL_REGISTER_SDS_USER
      }
    }
    note: "received"
    external_ids { system: "hl7-control-id" value: "MSG1" }
    external_ids { system: "fhir-bundle" value: "b-2" }
  )pb")));
}

TEST(BuildTransitionRequestTest, ExternalIdWithoutEqualsIsRefused) {
  EXPECT_THAT(BuildTransitionRequest(ArgsFor({"prescriptions", "supply", "P-1",
                                              "--external-id", "MSG1"}),
                                     "r")
                  .status()
                  .message(),
              HasSubstr("--external-id: \"MSG1\" is not SYSTEM=VALUE"));
}

TEST(BuildTransitionRequestTest, NoActorFlagsLeaveActorUnset) {
  absl::StatusOr<v1::TransitionRequest> request = BuildTransitionRequest(
      ArgsFor({"prescriptions", "dispense", "P-1"}), "r");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->has_actor());
}

TEST(BuildPrescribeRequestTest, EpsIdAndActorLandInTheirFields) {
  absl::StatusOr<v1::PrescribeRequest> request =
      BuildPrescribeRequest(ArgsFor({"prescriptions", "prescribe", "P-1",
                                     "--eps-id", "24F5DA-A83008-7EFE6Z",
                                     "--actor-ods", "Y12345", "--note", "ok"}),
                            "req-6");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::PrescribeRequest>(R"pb(
    request_id: "req-6"
    prescription_id: "P-1"
    actor { organisation { ods_code: "Y12345" } }
    note: "ok"
    eps_prescription_id: "24F5DA-A83008-7EFE6Z"
  )pb")));
}

TEST(BuildReasonedTransitionRequestTest, ReasonBecomesReasonCode) {
  absl::StatusOr<v1::ReasonedTransitionRequest> request =
      BuildReasonedTransitionRequest(
          ArgsFor({"prescriptions", "decline", "P-1", "--reason",
                   "CLINICAL_CONTRAINDICATION", "--actor-practitioner", "G1"}),
          "req-7");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::ReasonedTransitionRequest>(R"pb(
    request_id: "req-7"
    prescription_id: "P-1"
    actor { practitioner { identifier: "G1" } }
    reason_code: "CLINICAL_CONTRAINDICATION"
  )pb")));
}

TEST(BuildReasonedTransitionRequestTest, MissingReasonIsNamed) {
  for (std::string command : {"decline", "not-supplied", "cancel"}) {
    EXPECT_EQ(BuildReasonedTransitionRequest(
                  ArgsFor({"prescriptions", command, "P-1"}), "r")
                  .status()
                  .message(),
              "--reason: required")
        << command;
  }
}

TEST(BuildWatchEventsRequestTest, EveryFlagLandsInItsField) {
  absl::StatusOr<v1::WatchEventsRequest> request = BuildWatchEventsRequest(
      ArgsFor({"events", "watch", "--after", "41", "--prescription", "P-1",
               "--referral", "R-1", "--limit", "3", "--no-reconnect"}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::WatchEventsRequest>(R"pb(
    after_sequence: 41
    prescription_id: "P-1"
    referral_id: "R-1"
  )pb")));
}

TEST(BuildWatchEventsRequestTest, NegativeAfterIsRefused) {
  EXPECT_EQ(BuildWatchEventsRequest(ArgsFor({"events", "watch", "--after=-1"}))
                .status()
                .message(),
            "--after: must not be negative");
}

TEST(BuildRecordOutcomeRequestTest, EveryFlagLandsInItsField) {
  absl::StatusOr<v1::RecordOutcomeRequest> request =
      BuildRecordOutcomeRequest(ArgsFor({"outcomes",
                                         "record",
                                         "--referral",
                                         "R-1",
                                         "--follow-up",
                                         "4",
                                         "--status",
                                         "quit_co_verified",
                                         "--co-ppm",
                                         "3",
                                         "--quit-date",
                                         "2024-05-01",
                                         "--recorded-on",
                                         "2024-05-29",
                                         "--actor-ods",
                                         "RX9",
                                         "--actor-practitioner",
                                         "L-1",
                                         "--actor-register",
                                         "local",
                                         "--note",
                                         "CO 3 ppm"}),
                                "req-8");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::RecordOutcomeRequest>(R"pb(
    request_id: "req-8"
    outcome {
      referral_id: "R-1"
      follow_up: FOLLOW_UP_POINT_WEEK_4
      status: OUTCOME_STATUS_QUIT_CO_VERIFIED
      co_reading_ppm: 3
      quit_date: "2024-05-01"
      recorded_on: "2024-05-29"
      recorded_by {
        organisation { ods_code: "RX9" }
        practitioner { identifier: "L-1" register: PROFESSIONAL_REGISTER_LOCAL }
      }
      note: "CO 3 ppm"
    }
  )pb")));
}

TEST(BuildRecordOutcomeRequestTest, FollowUpAcceptsWeeksInEitherSpelling) {
  EXPECT_EQ(BuildRecordOutcomeRequest(
                ArgsFor({"outcomes", "record", "--follow-up", "52"}), "r")
                ->outcome()
                .follow_up(),
            v1::FOLLOW_UP_POINT_WEEK_52);
  EXPECT_EQ(BuildRecordOutcomeRequest(
                ArgsFor({"outcomes", "record", "--follow-up", "week_12"}), "r")
                ->outcome()
                .follow_up(),
            v1::FOLLOW_UP_POINT_WEEK_12);
}

TEST(BuildRecordOutcomeRequestTest, UnknownFollowUpNamesTheFlag) {
  EXPECT_THAT(BuildRecordOutcomeRequest(
                  ArgsFor({"outcomes", "record", "--follow-up", "6"}), "r")
                  .status()
                  .message(),
              HasSubstr("--follow-up: unknown value \"week_6\""));
}

TEST(BuildRecordOutcomeRequestTest, AbsentCoReadingStaysUnset) {
  absl::StatusOr<v1::RecordOutcomeRequest> request = BuildRecordOutcomeRequest(
      ArgsFor({"outcomes", "record", "--status", "not_quit"}), "r");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->outcome().has_co_reading_ppm());
}

TEST(BuildListOutcomesRequestTest, ReferralIdComesFromThePositional) {
  EXPECT_EQ(BuildListOutcomesRequest(ArgsFor({"outcomes", "list", "R-5"}))
                ->referral_id(),
            "R-5");
  EXPECT_EQ(BuildListOutcomesRequest(ParsedArgs()).status().message(),
            "missing REFERRAL_ID");
}

TEST(BuildListDeliveriesRequestTest, EveryFlagLandsInItsField) {
  absl::StatusOr<v1::ListDeliveriesRequest> request =
      BuildListDeliveriesRequest(
          ArgsFor({"deliveries", "list", "--state", "pending", "--destination",
                   "RX9", "--page-size", "10", "--page-token", "tok"}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::ListDeliveriesRequest>(R"pb(
    state: DELIVERY_STATE_PENDING
    destination_ods: "RX9"
    page_size: 10
    page_token: "tok"
  )pb")));
}

TEST(BuildListDeliveriesRequestTest, DeadMeansDeadLetterAsDoesTheFullName) {
  for (const char* text : {"dead", "DEAD", "dead_letter", "dead-letter"}) {
    absl::StatusOr<v1::ListDeliveriesRequest> request =
        BuildListDeliveriesRequest(
            ArgsFor({"deliveries", "list", "--state", text}));
    ASSERT_TRUE(request.ok()) << text << ": " << request.status();
    EXPECT_EQ(request->state(), v1::DELIVERY_STATE_DEAD_LETTER) << text;
  }
}

TEST(BuildListDeliveriesRequestTest, NoFlagsListEveryStateAndDestination) {
  absl::StatusOr<v1::ListDeliveriesRequest> request =
      BuildListDeliveriesRequest(ArgsFor({"deliveries", "list"}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, v1::ListDeliveriesRequest()));
}

TEST(BuildListDeliveriesRequestTest, UnknownStateNamesTheFlagAndTheChoices) {
  absl::Status status = BuildListDeliveriesRequest(
                            ArgsFor({"deliveries", "list", "--state", "stuck"}))
                            .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "--state: unknown value \"stuck\"; expected one of: pending, "
            "delivered, dead_letter, discarded, awaiting_acknowledgement");
}

TEST(BuildListDeliveriesRequestTest, BadPageSizeIsRefused) {
  EXPECT_EQ(BuildListDeliveriesRequest(
                ArgsFor({"deliveries", "list", "--page-size", "-5"}))
                .status()
                .message(),
            "--page-size: must not be negative");
  EXPECT_THAT(BuildListDeliveriesRequest(
                  ArgsFor({"deliveries", "list", "--page-size", "ten"}))
                  .status()
                  .message(),
              HasSubstr("--page-size"));
}

TEST(BuildDeliveryRequestsTest, MessageIdComesFromThePositional) {
  EXPECT_EQ(BuildGetDeliveryRequest(ArgsFor({"deliveries", "show", "M-1"}))
                ->message_id(),
            "M-1");
  EXPECT_EQ(BuildReplayDeliveryRequest(ArgsFor({"deliveries", "replay", "M-2"}))
                ->message_id(),
            "M-2");
}

TEST(BuildDeliveryRequestsTest, MissingMessageIdIsNamed) {
  EXPECT_EQ(BuildGetDeliveryRequest(ParsedArgs()).status().message(),
            "missing MESSAGE_ID");
  EXPECT_EQ(BuildReplayDeliveryRequest(ParsedArgs()).status().message(),
            "missing MESSAGE_ID");
  EXPECT_EQ(BuildDiscardDeliveryRequest(ParsedArgs()).status().message(),
            "missing MESSAGE_ID");
}

TEST(BuildDiscardDeliveryRequestTest, IdAndReasonLandInTheirFields) {
  absl::StatusOr<v1::DiscardDeliveryRequest> request =
      BuildDiscardDeliveryRequest(
          ArgsFor({"deliveries", "discard", "M-3", "--reason",
                   "trust sent it by hand"}));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::DiscardDeliveryRequest>(R"pb(
    message_id: "M-3"
    reason: "trust sent it by hand"
  )pb")));
}

TEST(BuildDiscardDeliveryRequestTest, MissingOrBlankReasonIsNamed) {
  EXPECT_EQ(
      BuildDiscardDeliveryRequest(ArgsFor({"deliveries", "discard", "M-3"}))
          .status()
          .message(),
      "--reason: required");
  EXPECT_EQ(BuildDiscardDeliveryRequest(
                ArgsFor({"deliveries", "discard", "M-3", "--reason", "  "}))
                .status()
                .message(),
            "--reason: required");
}

}  // namespace
}  // namespace nhs::tobacco::cli

namespace nhs::tobacco::cli {
namespace {

// GP refusals (issue 12): `prescriptions alternative ID` takes the recommend
// flags; --target is --target-ods.
TEST(BuildRecommendAlternativeRequestTest, FlagsBecomeTheNewRequest) {
  absl::StatusOr<v1::RecommendAlternativeRequest> request =
      BuildRecommendAlternativeRequest(
          ArgsFor({"prescriptions", "alternative", "P-1", "--route",
                   "pharmacy_supply", "--target", "FZZ99", "--product",
                   "nrt-patch-21mg-24h", "--dose", "One a day", "--quantity",
                   "28", "--unit", "patch", "--duration-days", "28",
                   "--practitioner", "12A3456B"}),
          "req-9");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(ProtoEq(*request, Proto<v1::RecommendAlternativeRequest>(R"pb(
    request_id: "req-9"
    prescription_id: "P-1"
    route: ROUTE_PHARMACY_SUPPLY
    target { ods_code: "FZZ99" }
    product_id: "nrt-patch-21mg-24h"
    dose_text: "One a day"
    quantity { value: 28 unit: "patch" }
    duration_days: 28
    recommended_by { identifier: "12A3456B" }
  )pb")));
}

TEST(BuildRecommendAlternativeRequestTest, MissingIdAndBadRouteAreNamed) {
  EXPECT_THAT(BuildRecommendAlternativeRequest(
                  ArgsFor({"prescriptions", "alternative"}), "r")
                  .status()
                  .message(),
              HasSubstr("ID"));
  EXPECT_THAT(
      BuildRecommendAlternativeRequest(
          ArgsFor({"prescriptions", "alternative", "P-1", "--route", "bus"}),
          "r")
          .status()
          .message(),
      HasSubstr("--route"));
}

}  // namespace
}  // namespace nhs::tobacco::cli
