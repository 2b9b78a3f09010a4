// GP refusals on the real binary (issue 12 item 3): a GP declines only with
// a code from the configured list (gRPC and FHIR $process-message); an
// unknown code is refused listing the valid ones and changes nothing; a
// pharmacy's NOT_SUPPLIED takes its own list; after a decline the service
// offers the pharmacy route in one call (RecommendAlternative), linked both
// ways and shown on both timelines, and the pharmacy supplies it.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/fhir/https_client.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::GrpcAs;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using Json = nlohmann::json;

// The default decline list, as the refusal must name it.
constexpr char kDeclineList[] =
    "CLINICAL_CONTRAINDICATION (Clinical contraindication), PATIENT_DECLINED "
    "(Patient declined), WANTS_TO_SEE_PATIENT (GP wants to see the patient "
    "first), DOES_NOT_PRESCRIBE_ON_RECOMMENDATION (Practice does not "
    "prescribe on recommendation), DIAGNOSIS_RELATED_CONCERN (Concern "
    "related to diagnosis)";

// The field violations of a gRPC error (google.rpc.BadRequest details).
std::vector<std::string> ViolatedFields(const grpc::Status& s) {
  google::rpc::Status status;
  std::vector<std::string> fields;
  if (!status.ParseFromString(s.error_details())) return fields;
  for (const auto& any : status.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) {
      fields.push_back(absl::StrCat(v.field(), ": ", v.description()));
    }
  }
  return fields;
}

class GpRefusalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = new SecureGatewayBinary("gp_refusal");
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gateway_->started()); }

  static GrpcAs& As(const std::string& cert) { return gateway_->As(cert); }
  static std::string NextId(const std::string& what) {
    return absl::StrCat(what, "-", ++counter_);
  }

  static v1::TransitionRequest Step(const std::string& rx) {
    v1::TransitionRequest r;
    r.set_request_id(NextId("step"));
    r.set_prescription_id(rx);
    return r;
  }

  // A referral from trust RX9, accepted by TDS01, with a request on
  // `route` (to FZZ99 on the pharmacy route) that its target acknowledged.
  static std::string Acknowledged(v1::Route route) {
    v1::Referral referral;
    grpc::Status s =
        As("trust-rx9")
            .referrals->CreateReferral(
                Ctx().get(), testing::SampleReferralRequest(NextId("referral")),
                &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(NextId("accept"));
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = As("service-tds01")
            .referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    const bool pharmacy = route == v1::ROUTE_PHARMACY_SUPPLY;
    v1::PrescriptionRequest p;
    s = As("service-tds01")
            .prescriptions->RecommendPrescription(
                Ctx().get(),
                testing::SampleRecommendation(
                    NextId("recommend"), referral.referral_id(),
                    "nrt-patch-21mg-24h", route, pharmacy ? "FZZ99" : ""),
                &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return SentAndAcknowledged(p.prescription_id(),
                               pharmacy ? "pharmacy-fzz99" : "gp-y90001");
  }

  static std::string SentAndAcknowledged(const std::string& rx,
                                         const std::string& target_cert) {
    v1::PrescriptionRequest p;
    grpc::Status s =
        As("service-tds01").prescriptions->MarkSent(Ctx().get(), Step(rx), &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    s = As(target_cert).prescriptions->Acknowledge(Ctx().get(), Step(rx), &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
    return rx;
  }

  static grpc::Status Decline(const std::string& rx, const std::string& code,
                              v1::PrescriptionRequest* out) {
    v1::ReasonedTransitionRequest r;
    r.set_request_id(NextId("decline"));
    r.set_prescription_id(rx);
    r.set_reason_code(code);
    return As("gp-y90001").prescriptions->Decline(Ctx().get(), r, out);
  }

  static v1::PrescriptionRequest Get(const std::string& rx) {
    v1::GetPrescriptionRequest get;
    get.set_prescription_id(rx);
    v1::PrescriptionRequest p;
    grpc::Status s = As("service-tds01")
                         .prescriptions->GetPrescription(Ctx().get(), get, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p;
  }

  static std::vector<v1::TimelineEvent> Timeline(const std::string& rx) {
    v1::GetTimelineRequest get;
    get.set_prescription_id(rx);
    v1::GetTimelineResponse timeline;
    grpc::Status s =
        As("service-tds01")
            .prescriptions->GetTimeline(Ctx().get(), get, &timeline);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {timeline.events().begin(), timeline.events().end()};
  }

  // The protocol events of a timeline (the outbox adds delivery events to
  // the unreachable test endpoints whenever it gets to them).
  static std::vector<std::string> Steps(const std::string& rx) {
    std::vector<std::string> steps;
    for (const v1::TimelineEvent& e : Timeline(rx)) {
      if (e.type() == v1::EVENT_TYPE_MESSAGE_SENT ||
          e.type() == v1::EVENT_TYPE_MESSAGE_ACKNOWLEDGED ||
          e.type() == v1::EVENT_TYPE_DELIVERY_FAILED) {
        continue;
      }
      steps.push_back(absl::StrCat(
          v1::EventType_Name(e.type()), " ",
          v1::PrescriptionStatus_Name(e.to_status()), " ", e.reason_code(), " ",
          e.reason_display(), " ", e.related_prescription_id()));
    }
    return steps;
  }

  // A GP decision declining `rx` with `code`, posted as the practice's
  // system would (mutual TLS, gp-y90001).
  static fhir::HttpResponse PostDecline(const std::string& rx,
                                        const std::string& code) {
    Json bundle = Json::parse(testing::ReadFile(
        std::string(TOBACCO_SOURCE_DIR) +
        "/tests/testdata/fhir/gp_decision_prescribed_bundle.json"));
    Json& request = bundle["entry"][1]["resource"];
    request["basedOn"][0]["identifier"]["value"] = rx;
    request["status"] = "cancelled";
    request["statusReason"]["coding"] = Json::array({{{"code", code}}});
    bundle["id"] = NextId("bundle");
    bundle["entry"][3]["resource"]["identifier"][0]["value"] = "Y90001";
    fhir::HttpsClientOptions options;
    options.ca_cert_path = (testing::DevCerts() / "ca.pem").string();
    options.client_cert_path = (testing::DevCerts() / "gp-y90001.pem").string();
    options.client_key_path = (testing::DevCerts() / "gp-y90001.key").string();
    options.io_timeout = absl::Seconds(10);
    auto r = fhir::PostMessage(gateway_->fhir_url(), bundle.dump(), options);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : fhir::HttpResponse{};
  }

  static inline SecureGatewayBinary* gateway_ = nullptr;
  static inline int counter_ = 0;
};

TEST_F(GpRefusalTest, DeclineWithAnUnknownCodeIsRefusedListingTheCodes) {
  const std::string rx = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
  const v1::PrescriptionRequest before = Get(rx);
  const std::vector<std::string> steps_before = Steps(rx);
  v1::PrescriptionRequest p;
  const grpc::Status s = Decline(rx, "TOO_BUSY", &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message();
  EXPECT_THAT(ViolatedFields(s),
              Contains(AllOf(HasSubstr("reason_code: is not a configured "
                                       "decline reason; use one of: "),
                             HasSubstr(kDeclineList))));
  // Nothing changed: same status, version and timeline.
  const v1::PrescriptionRequest after = Get(rx);
  EXPECT_EQ(after.status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(after.version(), before.version());
  EXPECT_EQ(Steps(rx), steps_before);
}

TEST_F(GpRefusalTest, DeclineWithAListedCodeShowsItsTextOnRequestAndTimeline) {
  const std::string rx = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
  v1::PrescriptionRequest p;
  const grpc::Status s = Decline(rx, "WANTS_TO_SEE_PATIENT", &p);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_DECLINED);
  EXPECT_EQ(p.status_reason(), "WANTS_TO_SEE_PATIENT");
  EXPECT_EQ(p.status_reason_display(), "GP wants to see the patient first");
  EXPECT_THAT(Steps(rx),
              Contains("EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED "
                       "PRESCRIPTION_STATUS_DECLINED WANTS_TO_SEE_PATIENT GP "
                       "wants to see the patient first "));
}

TEST_F(GpRefusalTest, FhirDeclineWithAnUnknownCodeGetsAnOperationOutcome) {
  const std::string rx = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
  const v1::PrescriptionRequest before = Get(rx);
  const fhir::HttpResponse refused = PostDecline(rx, "TOO_BUSY");
  EXPECT_EQ(refused.status, 422) << refused.body;
  const Json outcome = Json::parse(refused.body, nullptr, false);
  ASSERT_FALSE(outcome.is_discarded()) << refused.body;
  EXPECT_EQ(outcome.value("resourceType", ""), "OperationOutcome");
  EXPECT_EQ(outcome["issue"][0]["expression"][0],
            "MedicationRequest.statusReason.coding[0].code");
  EXPECT_THAT(outcome["issue"][0].value("diagnostics", ""),
              HasSubstr(kDeclineList));
  EXPECT_EQ(Get(rx).version(), before.version()) << "nothing changed";

  const fhir::HttpResponse accepted =
      PostDecline(rx, "DIAGNOSIS_RELATED_CONCERN");
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  const v1::PrescriptionRequest after = Get(rx);
  EXPECT_EQ(after.status(), v1::PRESCRIPTION_STATUS_DECLINED);
  EXPECT_EQ(after.status_reason_display(), "Concern related to diagnosis");
}

TEST_F(GpRefusalTest, NotSuppliedTakesThePharmacyList) {
  const std::string rx = Acknowledged(v1::ROUTE_PHARMACY_SUPPLY);
  v1::ReasonedTransitionRequest r;
  r.set_request_id(NextId("not-supplied"));
  r.set_prescription_id(rx);
  r.set_reason_code("CLINICAL_CONTRAINDICATION");  // a GP's, not a pharmacy's
  v1::PrescriptionRequest p;
  grpc::Status s =
      As("pharmacy-fzz99").prescriptions->RecordNotSupplied(Ctx().get(), r, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolatedFields(s),
      Contains(AllOf(HasSubstr("reason_code: is not a configured "
                               "not-supplied reason"),
                     HasSubstr("OUT_OF_STOCK (Product out of stock)"))));
  EXPECT_EQ(Get(rx).status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  r.set_request_id(NextId("not-supplied"));
  r.set_reason_code("OUT_OF_STOCK");
  s = As("pharmacy-fzz99").prescriptions->RecordNotSupplied(Ctx().get(), r, &p);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(p.status_reason_display(), "Product out of stock");
}

v1::RecommendAlternativeRequest PharmacyAlternative(const std::string& id,
                                                    const std::string& rx) {
  v1::RecommendAlternativeRequest r;
  r.set_request_id(id);
  r.set_prescription_id(rx);
  r.set_route(v1::ROUTE_PHARMACY_SUPPLY);
  r.mutable_target()->set_ods_code("FZZ99");
  r.set_product_id("nrt-patch-21mg-24h");
  r.set_dose_text("Apply one patch every 24 hours");
  r.mutable_quantity()->set_value(28);
  r.mutable_quantity()->set_unit("patch");
  r.set_duration_days(28);
  r.mutable_recommended_by()->set_identifier("12A3456B");
  r.mutable_recommended_by()->set_register_(v1::PROFESSIONAL_REGISTER_NMC);
  return r;
}

TEST_F(GpRefusalTest, ADeclineIsFollowedByAPharmacyAlternativeThatIsSupplied) {
  const std::string old_rx = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
  v1::PrescriptionRequest declined;
  ASSERT_TRUE(
      Decline(old_rx, "DOES_NOT_PRESCRIBE_ON_RECOMMENDATION", &declined).ok());

  const v1::RecommendAlternativeRequest request =
      PharmacyAlternative(NextId("alternative"), old_rx);
  v1::PrescriptionRequest created;
  grpc::Status s =
      As("service-tds01")
          .prescriptions->RecommendAlternative(Ctx().get(), request, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string new_rx = created.prescription_id();
  EXPECT_NE(new_rx, old_rx);
  EXPECT_EQ(created.status(), v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_EQ(created.route(), v1::ROUTE_PHARMACY_SUPPLY);
  EXPECT_EQ(created.target().ods_code(), "FZZ99");
  EXPECT_EQ(created.referral_id(), declined.referral_id());
  EXPECT_EQ(created.replaces(), old_rx);

  // Retried with the same request_id: the first answer, no second request.
  v1::PrescriptionRequest again;
  s = As("service-tds01")
          .prescriptions->RecommendAlternative(Ctx().get(), request, &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.prescription_id(), new_rx);
  // A new request_id: the request was already replaced.
  s = As("service-tds01")
          .prescriptions->RecommendAlternative(
              Ctx().get(), PharmacyAlternative(NextId("alternative"), old_rx),
              &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              HasSubstr(absl::StrCat("already replaced by ", new_rx)));

  // Linked both ways and on both timelines.
  const v1::PrescriptionRequest old_after = Get(old_rx);
  EXPECT_EQ(old_after.status(), v1::PRESCRIPTION_STATUS_DECLINED);
  EXPECT_EQ(old_after.replaced_by(), new_rx);
  EXPECT_THAT(Steps(old_rx),
              Contains(absl::StrCat("EVENT_TYPE_ALTERNATIVE_RECOMMENDED "
                                    "PRESCRIPTION_STATUS_DECLINED   ",
                                    new_rx)));
  EXPECT_THAT(Steps(new_rx),
              Contains(absl::StrCat("EVENT_TYPE_PRESCRIPTION_RECOMMENDED "
                                    "PRESCRIPTION_STATUS_RECOMMENDED   ",
                                    old_rx)));

  // The pharmacy acts on it to supply.
  SentAndAcknowledged(new_rx, "pharmacy-fzz99");
  v1::PrescriptionRequest supplied;
  s = As("pharmacy-fzz99")
          .prescriptions->Supply(Ctx().get(), Step(new_rx), &supplied);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(supplied.status(), v1::PRESCRIPTION_STATUS_SUPPLIED);
  EXPECT_EQ(supplied.replaces(), old_rx);
}

TEST_F(GpRefusalTest, AnAlternativeBeforeARefusalIsRefusedNamingTheStatus) {
  const std::string rx = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
  v1::PrescriptionRequest p;
  const grpc::Status s =
      As("service-tds01")
          .prescriptions->RecommendAlternative(
              Ctx().get(), PharmacyAlternative(NextId("early"), rx), &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("is ACKNOWLEDGED"));
  EXPECT_TRUE(Get(rx).replaced_by().empty());
}

TEST_F(GpRefusalTest, OnlyTheRecommendingServiceMayRecommendAnAlternative) {
  const std::string rx = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
  v1::PrescriptionRequest declined;
  ASSERT_TRUE(Decline(rx, "PATIENT_DECLINED", &declined).ok());
  v1::PrescriptionRequest p;
  for (const char* cert : {"gp-y90001", "pharmacy-fzz99", "trust-rx9"}) {
    SCOPED_TRACE(cert);
    const grpc::Status s = As(cert).prescriptions->RecommendAlternative(
        Ctx().get(), PharmacyAlternative(NextId("stranger"), rx), &p);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << s.error_message();
  }
  EXPECT_TRUE(Get(rx).replaced_by().empty());
}

TEST_F(GpRefusalTest, AnAlternativeToTheSamePracticeOnTheSameRouteIsRefused) {
  const std::string rx = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
  v1::PrescriptionRequest declined;
  ASSERT_TRUE(Decline(rx, "PATIENT_DECLINED", &declined).ok());
  v1::RecommendAlternativeRequest same =
      PharmacyAlternative(NextId("same"), rx);
  same.set_route(v1::ROUTE_GP_PRESCRIPTION);
  same.clear_target();  // defaults to the referral's practice: Y90001 again
  v1::PrescriptionRequest p;
  const grpc::Status s =
      As("service-tds01")
          .prescriptions->RecommendAlternative(Ctx().get(), same, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message();
  EXPECT_THAT(ViolatedFields(s), Contains(HasSubstr("target.ods_code: ")));
  EXPECT_TRUE(Get(rx).replaced_by().empty());
}

}  // namespace
}  // namespace nhs::tobacco
