// Reports (issue 14) end to end: the gateway runs in-process on a fake clock
// with gRPC and the HTTPS listener (the JSON API) on mutual TLS with the
// development PKI. A fixed data set is built through the gRPC API by the
// organisations entitled to each step - referrals from two sources and two
// practices to two services, quit dates (one amended into the period, one
// out of it), outcomes at 4, 12 and 52 weeks (CO-verified, self-reported,
// not quit, reduced, lost recorded, lost by the window closing), requests
// on every route moved through acknowledge, prescribe, decline, supply,
// not-supplied and dispense, dead letters to a pharmacy whose endpoint is
// down - with the clock stepped over the August bank holiday (configured in
// deadlines.bank_holidays) between the steps. The
// expected figures below are worked out by hand from the README's
// definitions; the test checks them exact (the console's view, a named
// practitioner), disclosure-controlled over gRPC and JSON, the refusals
// (exact to programs, admin, pharmacy), scoping per role by the rows each
// caller gets (service, GP with and without consent, two ICBs), and one
// audit row per report.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/domain/identifier_systems.h"
#include "gateway/server/gateway_server.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nhs/tobacco/v1/report_service.grpc.pb.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_as.h"
#include "tests/testing/raw_https_client.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kGp1[] = "Y90001";      // ICB QE1 (the sample registry)
constexpr char kGp2[] = "Y90002";      // ICB QE2 (added here)
constexpr char kService1[] = "TDS01";  // ICB QE1
constexpr char kService2[] = "TDS02";  // ICB QE2 (added here)
constexpr char kPharmacy[] = "FZZ99";

std::string Pem(const std::string& name) {
  return (testing::DevCerts() / name).string();
}

// A London wall-clock time (BST in August and September: UTC+1).
absl::Time London(int y, int m, int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0),
                         absl::FixedTimeZone(3600));
}

// A valid short-form EPS prescription id (MOD 37-2 check character).
std::string EpsId() {
  std::string id = "A00001-Y90001-10001";
  constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+";
  int total = 0;
  for (char c : id) {
    if (c == '-') continue;
    const int value = c <= '9' ? c - '0' : c - 'A' + 10;
    total = ((total + value) * 2) % 37;
  }
  id.push_back(kChars[((1 - total) % 37 + 37) % 37]);
  return id;
}

std::string Row(const v1::OutcomeReportRow& r) {
  std::string dims;
  for (const auto& d : r.dimensions()) absl::StrAppend(&dims, d.value(), "/");
  return dims;
}

std::string Counts(const v1::OutcomeReportRow& r) {
  auto c = [](const v1::ReportCount& n) {
    return n.suppressed() ? std::string("*") : absl::StrCat(n.value());
  };
  return absl::StrCat(c(r.referrals_received()), " ", c(r.quit_dates_set()),
                      " ", c(r.quit_4wk_self_reported()), " ",
                      c(r.quit_4wk_co_verified()), " ", c(r.not_quit_4wk()),
                      " ", c(r.lost_to_follow_up_4wk()), " ", c(r.quit_12wk()),
                      " ", c(r.quit_52wk()));
}

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The ICB commissioners (icb-qe1 is in make_dev_certs.sh; these calls
    // make it where an older PKI lacks it) and the second service.
    testing::MakeExtraDevCert("icb-qe1", "QE1", "icb_commissioner");
    testing::MakeExtraDevCert("icb-qe2", "QE2", "icb_commissioner");
    testing::MakeExtraDevCert("service-tds02", "TDS02", "tobacco_service");
  }

  void SetUp() override {
    dir_ = testing::FreshDataDir();
    v1::GatewayConfig config = testing::SampleConfig(dir_);
    grpc_port_ = testing::FreeLoopbackPort();
    fhir_port_ = testing::FreeLoopbackPort();
    v1::GrpcListenerConfig* grpc = config.mutable_grpc();
    grpc->set_address(absl::StrCat("127.0.0.1:", grpc_port_));
    grpc->set_allow_insecure(false);
    grpc->set_per_principal_rate_limit(0);
    v1::TlsConfig* tls = grpc->mutable_tls();
    tls->set_cert_file(Pem("server.pem"));
    tls->set_key_file(Pem("server.key"));
    tls->set_client_ca_file(Pem("ca.pem"));
    v1::FhirListenerConfig* fhir = config.mutable_fhir();
    fhir->set_address(absl::StrCat("127.0.0.1:", fhir_port_));
    fhir->set_tls_cert_path(Pem("server.pem"));
    fhir->set_tls_key_path(Pem("server.key"));
    fhir->set_client_ca_file(Pem("ca.pem"));
    fhir->set_per_principal_rate_limit(0);
    fhir->set_json_api_rate_limit(0);
    // The pharmacy's endpoint is a port nobody listens on, one attempt
    // each: what the gateway sends FZZ99 becomes dead letters.
    fhir->set_client_cert_path(Pem("service-tds01.pem"));
    fhir->set_client_key_path(Pem("service-tds01.key"));
    fhir->set_ca_cert_path(Pem("ca.pem"));
    fhir->set_connect_timeout_ms(500);
    fhir->set_request_timeout_ms(1000);
    v1::FhirEndpoint* pharmacy = fhir->add_endpoints();
    pharmacy->set_ods_code(kPharmacy);
    pharmacy->set_url(
        absl::StrCat("https://127.0.0.1:", testing::FreeLoopbackPort(),
                     "/fhir/$process-message"));
    config.mutable_delivery()->set_max_attempts(1);
    config.mutable_delivery()->set_poll_interval_ms(10);
    auto* mllp = config.mutable_mllp();
    mllp->set_allow_plaintext(true);
    mllp->clear_tls();
    testing::ClearMllpTrusts(config);
    // The August bank holiday (Monday 31 August 2026): the calendar the
    // working days are counted in.
    config.mutable_deadlines()->add_bank_holidays("2026-08-31");
    // The deadline scan runs only when the test calls it.
    config.mutable_deadlines()->set_scan_interval_seconds(86400);
    // A second ICB: practice Y90002 and service TDS02.
    for (const auto& [ods, role] :
         {std::pair<const char*, const char*>{kGp2, "gp"},
          {kService2, "tobacco_service"}}) {
      v1::OrganisationConfig* o = config.add_organisations();
      o->set_ods_code(ods);
      o->set_name(absl::StrCat("Test ", ods));
      o->set_role(role);
      o->set_icb_ods_code("QE2");
    }
    for (const char* ods : {kGp1, kPharmacy, kService1, "RX9"}) {
      ASSERT_NE(testing::FindOrganisation(config, ods), nullptr) << ods;
      ASSERT_EQ(testing::FindOrganisation(config, ods)->icb_ods_code(), "QE1");
    }
    server::GatewayServerOptions options;
    options.clock = &clock_;
    auto server = server::GatewayServer::Start(config, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }
  void TearDown() override {
    channels_.clear();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  testing::GrpcAs& As(const std::string& cert) {
    auto& slot = channels_[cert];
    if (slot == nullptr) {
      slot = std::make_unique<testing::GrpcAs>(grpc_port_, cert);
    }
    return *slot;
  }
  std::unique_ptr<v1::ReportService::Stub> Reports(const std::string& cert) {
    return v1::ReportService::NewStub(As(cert).channel);
  }

  std::string NextId(const std::string& what) {
    return absl::StrCat(what, "-", ++ids_);
  }

  template <typename Request>
  Request Step(const std::string& rx, const std::string& ods) {
    Request r;
    r.set_request_id(NextId("step"));
    r.set_prescription_id(rx);
    r.mutable_actor()->mutable_organisation()->set_ods_code(ods);
    return r;
  }

  struct Patient {
    v1::ReferralSource source = v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH;
    std::string gp = kGp1;
    bool shares_with_gp = true;
    std::string service = kService1;
    bool smi = true;
    v1::DiagnosisCategory diagnosis = v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA;
  };

  // Referred by trust RX9, accepted by the service.
  std::string Refer(const Patient& p) {
    v1::CreateReferralRequest create =
        testing::SampleReferralRequest(NextId("ref"));
    v1::Referral* r = create.mutable_referral();
    r->mutable_mental_health()->clear_medicines();
    r->set_source(p.source);
    r->mutable_gp_practice()->set_ods_code(p.gp);
    r->mutable_consent()->set_share_with_gp(p.shares_with_gp);
    r->mutable_service()->set_ods_code(p.service);
    r->mutable_mental_health()->set_smi(p.smi);
    r->mutable_mental_health()->set_diagnosis_category(p.diagnosis);
    v1::Referral referral;
    grpc::ClientContext c1;
    grpc::Status s =
        As("trust-rx9").referrals->CreateReferral(&c1, create, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(NextId("accept"));
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code(p.service);
    grpc::ClientContext c2;
    s = As(ServiceCert(p.service))
            .referrals->UpdateReferralStatus(&c2, accept, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    services_[referral.referral_id()] = p.service;
    return referral.referral_id();
  }

  static std::string ServiceCert(const std::string& ods) {
    return ods == kService1 ? "service-tds01" : "service-tds02";
  }

  void SetQuitDate(const std::string& referral, const std::string& day) {
    v1::SetQuitDateRequest r;
    r.set_request_id(NextId("quit"));
    r.set_referral_id(referral);
    r.set_quit_date(day);
    r.mutable_actor()->mutable_organisation()->set_ods_code(
        services_[referral]);
    v1::Referral out;
    grpc::ClientContext c;
    grpc::Status s = As(ServiceCert(services_[referral]))
                         .referrals->SetQuitDate(&c, r, &out);
    EXPECT_TRUE(s.ok()) << day << ": " << s.error_message();
  }

  void Outcome(const std::string& referral, v1::FollowUpPoint point,
               v1::OutcomeStatus status, const std::string& recorded_on) {
    v1::RecordOutcomeRequest r;
    r.set_request_id(NextId("outcome"));
    v1::Outcome* o = r.mutable_outcome();
    o->set_referral_id(referral);
    o->set_follow_up(point);
    o->set_status(status);
    if (status == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED) o->set_co_reading_ppm(4);
    o->set_recorded_on(recorded_on);
    o->mutable_recorded_by()->mutable_organisation()->set_ods_code(
        services_[referral]);
    v1::Outcome out;
    grpc::ClientContext c;
    grpc::Status s = As(ServiceCert(services_[referral]))
                         .outcomes->RecordOutcome(&c, r, &out);
    EXPECT_TRUE(s.ok()) << recorded_on << ": " << s.error_message();
  }

  std::string Recommend(const std::string& referral, v1::Route route,
                        const std::string& product,
                        const std::string& target = "") {
    v1::RecommendPrescriptionRequest r = testing::SampleRecommendation(
        NextId("rec"), referral, product, route, target);
    if (route == v1::ROUTE_GP_PRESCRIPTION) {
      r.mutable_nominated_pharmacy()->set_ods_code(kPharmacy);
    }
    v1::PrescriptionRequest p;
    grpc::ClientContext c1;
    grpc::Status s =
        As("service-tds01").prescriptions->RecommendPrescription(&c1, r, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    grpc::ClientContext c2;
    s = As("service-tds01")
            .prescriptions->MarkSent(
                &c2,
                Step<v1::TransitionRequest>(p.prescription_id(), kService1),
                &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p.prescription_id();
  }

  // One protocol step by `cert` (acting for `ods`).
  void Do(const std::string& what, const std::string& cert,
          const std::string& ods, const std::string& rx,
          const std::string& reason = "", const std::string& eps = "") {
    v1::PrescriptionService::Stub& stub = *As(cert).prescriptions;
    v1::PrescriptionRequest p;
    grpc::ClientContext c;
    grpc::Status s;
    if (what == "Acknowledge") {
      s = stub.Acknowledge(&c, Step<v1::TransitionRequest>(rx, ods), &p);
    } else if (what == "Supply") {
      s = stub.Supply(&c, Step<v1::TransitionRequest>(rx, ods), &p);
    } else if (what == "Prescribe") {
      auto r = Step<v1::PrescribeRequest>(rx, ods);
      r.set_eps_prescription_id(eps);
      s = stub.Prescribe(&c, r, &p);
    } else if (what == "Dispense") {
      auto r = Step<v1::TransitionRequest>(rx, ods);
      v1::ExternalId* id = r.add_external_ids();
      id->set_system(domain::kEpsOrderNumberSystem);
      id->set_value(eps);
      s = stub.Dispense(&c, r, &p);
    } else {
      auto r = Step<v1::ReasonedTransitionRequest>(rx, ods);
      r.set_reason_code(reason);
      s = what == "Decline" ? stub.Decline(&c, r, &p)
                            : stub.RecordNotSupplied(&c, r, &p);
    }
    EXPECT_TRUE(s.ok()) << what << ": " << s.error_message();
  }

  void AdvanceTo(absl::Time t) {
    ASSERT_GE(t, clock_.Now());
    clock_.Advance(t - clock_.Now());
  }

  // The fixed data set (see the file comment; the figures each test expects
  // are worked out from this).
  void BuildDataSet() {
    using P = Patient;
    constexpr auto kInpatient = v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH;
    // Friday 28 August 2026, 10:00: eight referrals to TDS01, one to TDS02.
    AdvanceTo(London(2026, 8, 28, 10));
    r1_ = Refer(P{});
    r2_ = Refer(P{});
    r3_ = Refer(P{});
    r4_ = Refer(P{.source = kInpatient});
    r5_ = Refer(P{.source = kInpatient,
                  .smi = false,
                  .diagnosis = v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER});
    r6_ = Refer(P{.gp = kGp2, .shares_with_gp = false});  // no consent
    r7_ = Refer(P{});
    r8_ = Refer(P{});
    r9_ = Refer(P{.gp = kGp2, .service = kService2});
    for (const std::string* r : {&r1_, &r2_, &r3_, &r4_, &r5_, &r6_, &r9_}) {
      SetQuitDate(*r, "2026-08-03");
    }
    // Amended out of the period (counted once, as its current date) ...
    SetQuitDate(r7_, "2026-08-03");
    SetQuitDate(r7_, "2026-10-05");
    // ... and into it.
    SetQuitDate(r8_, "2026-07-20");
    SetQuitDate(r8_, "2026-08-03");

    // Recommended and sent on Friday 28 August at 10:00.
    rx1_ = Recommend(r1_, v1::ROUTE_GP_PRESCRIPTION, "varenicline-1mg");
    rx2_ = Recommend(r2_, v1::ROUTE_PHARMACY_SUPPLY, "nrt-patch-21mg-24h",
                     kPharmacy);
    rx3_ = Recommend(r3_, v1::ROUTE_GP_PRESCRIPTION, "varenicline-1mg");
    rx4_ = Recommend(r4_, v1::ROUTE_PHARMACY_SUPPLY, "nrt-patch-21mg-24h",
                     kPharmacy);
    rx5_ = Recommend(r5_, v1::ROUTE_SERVICE_SUPPLY, "nrt-patch-21mg-24h",
                     kService1);
    // The service supplies itself the same day: 0 working days.
    Do("Acknowledge", "service-tds01", kService1, rx5_);
    Do("Supply", "service-tds01", kService1, rx5_);

    // Tuesday 1 September (Monday is the bank holiday): 1 working day.
    AdvanceTo(London(2026, 9, 1, 10));
    Do("Acknowledge", "gp-y90001", kGp1, rx1_);
    Do("Acknowledge", "pharmacy-fzz99", kPharmacy, rx2_);
    Do("Acknowledge", "gp-y90001", kGp1, rx3_);

    // Wednesday 2 September: 2 working days.
    AdvanceTo(London(2026, 9, 2, 10));
    Do("Prescribe", "gp-y90001", kGp1, rx1_, "", EpsId());
    Do("Supply", "pharmacy-fzz99", kPharmacy, rx2_);
    Do("Acknowledge", "pharmacy-fzz99", kPharmacy, rx4_);
    Do("RecordNotSupplied", "pharmacy-fzz99", kPharmacy, rx4_, "OUT_OF_STOCK");

    // Friday 4 September, 09:00: the GP has held rx3 since Tuesday 10:00,
    // past its two working days (Thursday 10:00); the only request waiting.
    AdvanceTo(London(2026, 9, 4, 9));
    absl::StatusOr<int> overdue =
        server_->deadline_scan().Scan(security::GatewayPrincipal());
    ASSERT_TRUE(overdue.ok()) << overdue.status();
    // 10:00: 4 working days after the recommendation.
    AdvanceTo(London(2026, 9, 4, 10));
    Do("Decline", "gp-y90001", kGp1, rx3_, "CLINICAL_CONTRAINDICATION");
    Do("Dispense", "pharmacy-fzz99", kPharmacy, rx1_, "", EpsId());

    // The 4-week follow-ups (days 25 to 42 after 3 August).
    using F = v1::FollowUpPoint;
    constexpr F k4 = v1::FOLLOW_UP_POINT_WEEK_4;
    Outcome(r1_, k4, v1::OUTCOME_STATUS_QUIT_CO_VERIFIED, "2026-09-04");
    Outcome(r2_, k4, v1::OUTCOME_STATUS_QUIT_SELF_REPORTED, "2026-09-04");
    Outcome(r3_, k4, v1::OUTCOME_STATUS_NOT_QUIT, "2026-09-04");
    Outcome(r4_, k4, v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP, "2026-09-04");
    // r5: none recorded; lost once the window closes (14 September).
    Outcome(r6_, k4, v1::OUTCOME_STATUS_QUIT_CO_VERIFIED, "2026-09-04");
    Outcome(r8_, k4, v1::OUTCOME_STATUS_REDUCED, "2026-09-04");
    Outcome(r9_, k4, v1::OUTCOME_STATUS_QUIT_SELF_REPORTED, "2026-09-04");

    // A year on: 12 weeks (days 77 to 98) and 52 weeks (330 to 400).
    AdvanceTo(London(2027, 7, 1, 10));
    Outcome(r1_, v1::FOLLOW_UP_POINT_WEEK_12,
            v1::OUTCOME_STATUS_QUIT_CO_VERIFIED, "2026-10-20");
    Outcome(r2_, v1::FOLLOW_UP_POINT_WEEK_12,
            v1::OUTCOME_STATUS_QUIT_SELF_REPORTED, "2026-10-20");
    Outcome(r3_, v1::FOLLOW_UP_POINT_WEEK_12, v1::OUTCOME_STATUS_NOT_QUIT,
            "2026-10-20");
    Outcome(r1_, v1::FOLLOW_UP_POINT_WEEK_52,
            v1::OUTCOME_STATUS_QUIT_SELF_REPORTED, "2027-07-01");
    Outcome(r2_, v1::FOLLOW_UP_POINT_WEEK_52, v1::OUTCOME_STATUS_RELAPSED,
            "2027-07-01");
  }

  static v1::ReportRequest Period(
      std::vector<v1::ReportBreakdown> by = {},
      v1::Disclosure disclosure = v1::DISCLOSURE_UNSPECIFIED) {
    v1::ReportRequest r;
    r.set_from("2026-08-01");
    r.set_to("2026-09-30");
    for (v1::ReportBreakdown b : by) r.add_by(b);
    r.set_disclosure(disclosure);
    return r;
  }

  // The console's principal: TDS01 with a named practitioner signed in.
  static pathway::Caller Console() {
    security::Principal p{kService1, security::Role::kTobaccoService,
                          "Example Tobacco Dependency Service"};
    p.practitioner = {"NMC", "12A3456B", "A. Nurse"};
    return pathway::Caller(p, pathway::kConsoleAdapter);
  }

  grpc::Status OutcomesAs(const std::string& cert, const v1::ReportRequest& r,
                          v1::OutcomeReport* out) {
    grpc::ClientContext c;
    return Reports(cert)->GetOutcomeReport(&c, r, out);
  }
  grpc::Status PathwayAs(const std::string& cert, const v1::ReportRequest& r,
                         v1::PathwayReport* out) {
    grpc::ClientContext c;
    return Reports(cert)->GetPathwayReport(&c, r, out);
  }

  // The report rows' dimension values ("TDS01/", "TDS02/"), the total last
  // ("").
  static std::vector<std::string> RowKeys(const v1::OutcomeReport& report) {
    std::vector<std::string> keys;
    for (const auto& r : report.rows()) keys.push_back(Row(r));
    return keys;
  }

  // JSON over HTTPS presenting `cert`: the status and the body.
  std::pair<int, std::string> GetJson(const std::string& cert,
                                      const std::string& target) {
    testing::TlsTestClient client(fhir_port_, cert);
    EXPECT_TRUE(client.ok()) << client.error();
    EXPECT_TRUE(client.Write(absl::StrCat(
        "GET ", target,
        " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")));
    std::string body;
    const int status = client.ReadStatus(absl::Seconds(20), &body);
    return {status, body};
  }

  testing::FakeClock clock_{London(2026, 8, 28, 9)};
  std::filesystem::path dir_;
  int grpc_port_ = 0;
  int fhir_port_ = 0;
  std::unique_ptr<server::GatewayServer> server_;
  std::map<std::string, std::unique_ptr<testing::GrpcAs>> channels_;
  std::map<std::string, std::string> services_;
  int ids_ = 0;
  std::string r1_, r2_, r3_, r4_, r5_, r6_, r7_, r8_, r9_;
  std::string rx1_, rx2_, rx3_, rx4_, rx5_;
};

TEST_F(ReportTest, TheOutcomeReturnCountsAsTheReadmeDefinesExactOnTheConsole) {
  BuildDataSet();
  absl::StatusOr<v1::OutcomeReport> report =
      server_->reports().GetOutcomeReport(
          Console(),
          Period({v1::REPORT_BREAKDOWN_SOURCE}, v1::DISCLOSURE_EXACT));
  ASSERT_TRUE(report.ok()) << report.status();
  const v1::ReportHeader& h = report->header();
  EXPECT_EQ(h.from(), "2026-08-01");
  EXPECT_EQ(h.to(), "2026-09-30");
  EXPECT_EQ(h.as_of(), "2027-07-01");
  EXPECT_EQ(h.scope(), "service TDS01");
  EXPECT_EQ(h.disclosure(), v1::DISCLOSURE_EXACT);
  EXPECT_EQ(h.generated_at().seconds(),
            absl::ToUnixSeconds(London(2027, 7, 1, 10)));
  // TDS01's eight referrals (r9 is TDS02's). Columns: received, quit dates
  // set, quit 4wk, of them CO-verified, not quit 4wk, lost 4wk, quit 12wk,
  // quit 52wk.
  //   community MH: r1 r2 r3 r6 r7 r8 received; r7's quit date is now in
  //     October: r1 r2 r3 r6 r8 set; quit r1 (CO) r2 r6 (CO); not quit r3,
  //     r8 (reduced); 12 weeks r1 r2; 52 weeks r1 (r2 relapsed).
  //   inpatient MH: r4 r5; both set; r4 lost (recorded), r5 lost (no 4-week
  //     outcome and the window closed on 14 September 2026).
  ASSERT_EQ(report->rows_size(), 3);
  EXPECT_EQ(Row(report->rows(0)), "COMMUNITY_MENTAL_HEALTH/");
  EXPECT_EQ(Counts(report->rows(0)), "6 5 3 2 2 0 2 1");
  EXPECT_EQ(Row(report->rows(1)), "INPATIENT_MENTAL_HEALTH/");
  EXPECT_EQ(Counts(report->rows(1)), "2 2 0 0 0 2 0 0");
  EXPECT_TRUE(report->rows(2).total());
  EXPECT_EQ(Counts(report->rows(2)), "8 7 3 2 2 2 2 1");
  // 3 / 7 and 2 / 3 (exact: unrounded).
  EXPECT_DOUBLE_EQ(report->rows(2).quit_rate_4wk().value(), 3.0 / 7);
  EXPECT_DOUBLE_EQ(report->rows(2).co_verified_share().value(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(report->rows(0).quit_rate_4wk().value(), 0.6);
  EXPECT_DOUBLE_EQ(report->rows(1).quit_rate_4wk().value(), 0.0);
  EXPECT_TRUE(report->rows(1).co_verified_share().undefined());
  for (const auto& row : report->rows()) {
    EXPECT_EQ(row.period_start(), "2026-08-01");
    EXPECT_EQ(row.period_end(), "2026-09-30");
  }

  // By route, product and pharmacy: each referral's first request.
  report = server_->reports().GetOutcomeReport(
      Console(),
      Period({v1::REPORT_BREAKDOWN_ROUTE, v1::REPORT_BREAKDOWN_PHARMACY},
             v1::DISCLOSURE_EXACT));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(
      RowKeys(*report),
      ElementsAre("GP_PRESCRIPTION/FZZ99/", "NONE/NONE/",
                  "PHARMACY_SUPPLY/FZZ99/", "SERVICE_SUPPLY/NONE/", ""));
  // r1 r3 | r6 r7 r8 | r2 r4 | r5
  EXPECT_EQ(Counts(report->rows(0)), "2 2 1 1 1 0 1 1");
  EXPECT_EQ(Counts(report->rows(1)), "3 2 1 1 1 0 0 0");
  EXPECT_EQ(Counts(report->rows(2)), "2 2 1 0 0 1 1 0");
  EXPECT_EQ(Counts(report->rows(3)), "1 1 0 0 0 1 0 0");

  // By quarter: all of it in 2026-27 Q2 (July to September), the row's
  // period the quarter's days inside the request's.
  report = server_->reports().GetOutcomeReport(
      Console(), Period({v1::REPORT_BREAKDOWN_QUARTER}, v1::DISCLOSURE_EXACT));
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rows_size(), 2);
  EXPECT_EQ(Row(report->rows(0)), "2026-27 Q2/");
  EXPECT_EQ(report->rows(0).period_start(), "2026-08-01");
  EXPECT_EQ(report->rows(0).period_end(), "2026-09-30");
  EXPECT_EQ(Counts(report->rows(0)), "8 7 3 2 2 2 2 1");
}

TEST_F(ReportTest, PathwayTimesAreWorkingDaysAcrossTheBankHoliday) {
  BuildDataSet();
  absl::StatusOr<v1::PathwayReport> report =
      server_->reports().GetPathwayReport(
          Console(),
          Period({v1::REPORT_BREAKDOWN_ROUTE}, v1::DISCLOSURE_EXACT));
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rows_size(), 4);
  EXPECT_EQ(report->rows(0).dimensions(0).value(), "GP_PRESCRIPTION");
  EXPECT_EQ(report->rows(1).dimensions(0).value(), "PHARMACY_SUPPLY");
  EXPECT_EQ(report->rows(2).dimensions(0).value(), "SERVICE_SUPPLY");
  const v1::PathwayReportRow& gp = report->rows(0);
  const v1::PathwayReportRow& total = report->rows(3);
  ASSERT_TRUE(total.total());
  EXPECT_EQ(total.requests().value(), 5);
  // Recommended Friday 28 August 10:00. Acknowledged: rx5 the same day (0),
  // rx1 rx2 rx3 on Tuesday 1 September (1: Saturday, Sunday and the bank
  // holiday Monday do not count), rx4 on Wednesday (2).
  EXPECT_EQ(total.to_acknowledgement().reached().value(), 5);
  EXPECT_EQ(total.to_acknowledgement().median_working_days(), 1);
  EXPECT_EQ(total.to_acknowledgement().p90_working_days(), 2);
  // Prescribed or supplied: rx5 0, rx1 (prescribed) and rx2 (supplied) on
  // Wednesday 2.
  EXPECT_EQ(total.to_prescription_or_supply().reached().value(), 3);
  EXPECT_EQ(total.to_prescription_or_supply().median_working_days(), 2);
  EXPECT_EQ(total.to_prescription_or_supply().p90_working_days(), 2);
  // Dispensed: rx1 on Friday 4 September (Tue, Wed, Thu, Fri).
  EXPECT_EQ(total.to_dispense().reached().value(), 1);
  EXPECT_EQ(total.to_dispense().median_working_days(), 4);
  EXPECT_EQ(gp.to_acknowledgement().median_working_days(), 1);
  // Final statuses.
  std::map<v1::PrescriptionStatus, int64_t> statuses;
  for (const auto& s : total.by_status())
    statuses[s.status()] = s.count().value();
  EXPECT_EQ(statuses, (std::map<v1::PrescriptionStatus, int64_t>{
                          {v1::PRESCRIPTION_STATUS_DISPENSED, 1},
                          {v1::PRESCRIPTION_STATUS_SUPPLIED, 2},
                          {v1::PRESCRIPTION_STATUS_DECLINED, 1},
                          {v1::PRESCRIPTION_STATUS_NOT_SUPPLIED, 1}}));
  // The GP decided rx1 and rx3 and declined rx3; the pharmacy decided rx2
  // and rx4 and did not supply rx4.
  EXPECT_EQ(total.gp_decided().value(), 2);
  EXPECT_EQ(total.gp_declined().value(), 1);
  EXPECT_DOUBLE_EQ(total.gp_decline_rate().value(), 0.5);
  ASSERT_EQ(total.decline_reasons_size(), 1);
  EXPECT_EQ(total.decline_reasons(0).code(), "CLINICAL_CONTRAINDICATION");
  EXPECT_EQ(total.decline_reasons(0).display(), "Clinical contraindication");
  EXPECT_EQ(total.pharmacy_decided().value(), 2);
  EXPECT_EQ(total.not_supplied().value(), 1);
  EXPECT_DOUBLE_EQ(total.not_supplied_rate().value(), 0.5);
  ASSERT_EQ(total.not_supplied_reasons_size(), 1);
  EXPECT_EQ(total.not_supplied_reasons(0).code(), "OUT_OF_STOCK");
  // rx3 went overdue, waiting on the practice.
  EXPECT_EQ(total.went_overdue().value(), 1);
  EXPECT_EQ(gp.went_overdue().value(), 1);
  ASSERT_EQ(report->overdue_by_organisation_size(), 1);
  EXPECT_EQ(report->overdue_by_organisation(0).ods_code(), kGp1);
  EXPECT_EQ(report->overdue_by_organisation(0).display(), "Sample GP practice");
  EXPECT_EQ(report->overdue_by_organisation(0).count().value(), 1);

  // Dead letters by destination: what the operator's outbox lists as dead,
  // all of it about TDS01's referrals (the pharmacy route's requests at
  // least).
  std::map<std::string, int64_t> dead;
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (true) {
    v1::ListDeliveriesRequest pending;
    pending.set_state(v1::DELIVERY_STATE_PENDING);
    v1::ListDeliveriesResponse waiting;
    grpc::ClientContext c;
    ASSERT_TRUE(
        As("admin-ops").admin->ListDeliveries(&c, pending, &waiting).ok());
    if (waiting.deliveries().empty() || absl::Now() > give_up) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  v1::ListDeliveriesRequest list;
  list.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
  list.set_page_size(500);
  v1::ListDeliveriesResponse letters;
  grpc::ClientContext c;
  ASSERT_TRUE(As("admin-ops").admin->ListDeliveries(&c, list, &letters).ok());
  for (const auto& d : letters.deliveries()) ++dead[d.destination_ods()];
  EXPECT_GE(dead[kPharmacy], 2);
  report = server_->reports().GetPathwayReport(
      Console(), Period({}, v1::DISCLOSURE_EXACT));
  ASSERT_TRUE(report.ok()) << report.status();
  std::map<std::string, int64_t> reported;
  for (const auto& d : report->dead_letters_by_destination()) {
    reported[d.ods_code()] = d.count().value();
  }
  EXPECT_EQ(reported, dead);
}

TEST_F(ReportTest, ProgramsGetControlledFiguresAndAreRefusedExactOnes) {
  BuildDataSet();
  // Over gRPC: counts 1 to 7 withheld, the others rounded to 5; rates from
  // a withheld count withheld; percentiles withheld with `reached`.
  v1::OutcomeReport outcomes;
  grpc::Status s = OutcomesAs("service-tds01", Period(), &outcomes);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(outcomes.header().disclosure(), v1::DISCLOSURE_CONTROLLED);
  EXPECT_THAT(outcomes.header().disclosure_rules(), HasSubstr("*"));
  ASSERT_EQ(outcomes.rows_size(), 1);
  const v1::OutcomeReportRow& total = outcomes.rows(0);
  EXPECT_EQ(total.referrals_received().value(), 10);  // 8
  EXPECT_TRUE(total.referrals_received().rounded());
  EXPECT_TRUE(total.quit_dates_set().suppressed());  // 7
  EXPECT_EQ(total.quit_dates_set().value(), 0);
  EXPECT_TRUE(total.quit_4wk_self_reported().suppressed());  // 3
  EXPECT_TRUE(total.quit_rate_4wk().suppressed());
  EXPECT_EQ(Counts(total), "10 * * * * * * *");
  v1::PathwayReport pathway;
  s = PathwayAs("service-tds01", Period(), &pathway);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(pathway.rows_size(), 1);
  EXPECT_TRUE(pathway.rows(0).requests().suppressed());  // 5
  EXPECT_TRUE(pathway.rows(0).to_acknowledgement().reached().suppressed());
  EXPECT_FALSE(pathway.rows(0).to_acknowledgement().has_median_working_days());

  // Exact figures: refused to every program, the service's own included.
  s = OutcomesAs("service-tds01", Period({}, v1::DISCLOSURE_EXACT), &outcomes);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("exact figures"));
  s = PathwayAs("icb-qe1", Period({}, v1::DISCLOSURE_EXACT), &pathway);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Over JSON: the same controlled report, breakdown named as in the
  // README (?by=SOURCE).
  auto [status, body] =
      GetJson("service-tds01",
              "/v1/reports/outcomes?from=2026-08-01&to=2026-09-30"
              "&by=SOURCE");
  ASSERT_EQ(status, 200) << body;
  v1::OutcomeReport json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(body, &json).ok())
      << body;
  EXPECT_THAT(RowKeys(json), ElementsAre("COMMUNITY_MENTAL_HEALTH/",
                                         "INPATIENT_MENTAL_HEALTH/", ""));
  EXPECT_EQ(json.header().scope(), "service TDS01");
  EXPECT_EQ(Counts(json.rows(2)), "10 * * * * * * *");
  std::tie(status, body) = GetJson(
      "service-tds01",
      "/v1/reports/pathway?from=2026-08-01&to=2026-09-30&disclosure=EXACT");
  EXPECT_EQ(status, 403) << body;
  std::tie(status, body) =
      GetJson("service-tds01", "/v1/reports/outcomes?from=2026-09-30");
  EXPECT_EQ(status, 400) << body;
}

TEST_F(ReportTest, EachRoleSeesItsOwnReferralsAndAdminAndPharmacyNone) {
  BuildDataSet();
  const v1::ReportRequest by_service_and_practice =
      Period({v1::REPORT_BREAKDOWN_SERVICE, v1::REPORT_BREAKDOWN_GP_PRACTICE});
  const auto keys = [&](const std::string& cert) {
    v1::OutcomeReport report;
    grpc::Status s = OutcomesAs(cert, by_service_and_practice, &report);
    EXPECT_TRUE(s.ok()) << cert << ": " << s.error_message();
    return std::make_pair(RowKeys(report), report.header().scope());
  };
  // The service: its own referrals (r1-r8), whichever practice.
  EXPECT_EQ(keys("service-tds01"),
            std::make_pair(
                std::vector<std::string>{"TDS01/Y90001/", "TDS01/Y90002/", ""},
                std::string("service TDS01")));
  EXPECT_EQ(keys("service-tds02").first,
            (std::vector<std::string>{"TDS02/Y90002/", ""}));
  // A practice: its patients who consent to share with it. Y90001: r1-r5,
  // r7, r8; Y90002: r9, not r6 (no consent).
  EXPECT_EQ(keys("gp-y90001"),
            std::make_pair(std::vector<std::string>{"TDS01/Y90001/", ""},
                           std::string("GP practice Y90001")));
  EXPECT_EQ(keys("gp-y90002").first,
            (std::vector<std::string>{"TDS02/Y90002/", ""}));
  // An ICB: the referrals whose practice or service is mapped to it. QE1
  // (RX9, Y90001, FZZ99, TDS01): r1-r8; QE2 (Y90002, TDS02): r6 (practice)
  // and r9.
  EXPECT_EQ(keys("icb-qe1"),
            std::make_pair(
                std::vector<std::string>{"TDS01/Y90001/", "TDS01/Y90002/", ""},
                std::string("ICB QE1 (4 organisations)")));
  EXPECT_EQ(keys("icb-qe2"),
            std::make_pair(
                std::vector<std::string>{"TDS01/Y90002/", "TDS02/Y90002/", ""},
                std::string("ICB QE2 (2 organisations)")));
  // The counts agree: QE2's two referrals are both withheld, QE1's eight
  // rounded to 10; the pathway's requests are all TDS01's.
  {
    v1::OutcomeReport report;
    ASSERT_TRUE(OutcomesAs("icb-qe2", Period(), &report).ok());
    EXPECT_TRUE(report.rows(0).referrals_received().suppressed());
    ASSERT_TRUE(OutcomesAs("icb-qe1", Period(), &report).ok());
    EXPECT_EQ(report.rows(0).referrals_received().value(), 10);
    v1::PathwayReport pathway;
    ASSERT_TRUE(PathwayAs("icb-qe2", Period(), &pathway).ok());
    EXPECT_EQ(pathway.rows(0).requests().value(), 0);
    EXPECT_FALSE(pathway.rows(0).requests().suppressed());
  }
  // Development mode: everything.
  absl::StatusOr<v1::OutcomeReport> all = server_->reports().GetOutcomeReport(
      testing::InspectorCaller(), by_service_and_practice);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(RowKeys(*all), ElementsAre("TDS01/Y90001/", "TDS01/Y90002/",
                                         "TDS02/Y90002/", ""));
  // By ICB, from the registry's mapping of the registered practice.
  all = server_->reports().GetOutcomeReport(testing::InspectorCaller(),
                                            Period({v1::REPORT_BREAKDOWN_ICB}));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(RowKeys(*all), ElementsAre("QE1/", "QE2/", ""));
  EXPECT_EQ(all->header().scope(), "every organisation (development)");
  // Everyone else is refused, admin included: small counts are patient
  // data.
  for (const char* cert : {"admin-ops", "pharmacy-fzz99", "trust-rx9",
                           "integrator-x26", "talking-therapies-tt001"}) {
    v1::OutcomeReport report;
    EXPECT_EQ(OutcomesAs(cert, Period(), &report).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << cert;
    v1::PathwayReport pathway;
    EXPECT_EQ(PathwayAs(cert, Period(), &pathway).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << cert;
  }
  auto [status, body] = GetJson(
      "admin-ops", "/v1/reports/outcomes?from=2026-08-01&to=2026-09-30");
  EXPECT_EQ(status, 403) << body;
}

TEST_F(ReportTest, EveryReportIsAuditedAsARead) {
  AdvanceTo(London(2026, 9, 1, 10));
  v1::OutcomeReport outcomes;
  v1::PathwayReport pathway;
  ASSERT_TRUE(OutcomesAs("icb-qe1", Period(), &outcomes).ok());
  ASSERT_TRUE(PathwayAs("gp-y90001", Period(), &pathway).ok());
  EXPECT_EQ(OutcomesAs("admin-ops", Period(), &outcomes).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      OutcomesAs("service-tds01", Period({}, v1::DISCLOSURE_EXACT), &outcomes)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::ReportRequest bad = Period();
  bad.set_to("2026-07-01");
  EXPECT_EQ(OutcomesAs("service-tds01", bad, &outcomes).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<std::string> expected = {
      "QE1 icb_commissioner GetOutcomeReport report:outcomes OK",
      "Y90001 gp GetPathwayReport report:pathway OK",
      "ADM01 admin GetOutcomeReport report:outcomes PERMISSION_DENIED",
      "TDS01 tobacco_service GetOutcomeReport report:outcomes "
      "PERMISSION_DENIED",
      "TDS01 tobacco_service GetOutcomeReport report:outcomes "
      "INVALID_ARGUMENT"};
  std::vector<std::string> rows;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  do {
    rows.clear();
    v1::ListAuditRecordsRequest list;
    list.set_limit(1000);
    v1::ListAuditRecordsResponse page;
    grpc::ClientContext c;
    ASSERT_TRUE(As("admin-ops").admin->ListAuditRecords(&c, list, &page).ok());
    for (const auto& r : page.records()) {
      if (r.record_id().rfind("report:", 0) != 0) continue;
      rows.push_back(absl::StrCat(r.ods_code(), " ", r.role(), " ",
                                  r.operation(), " ", r.record_id(), " ",
                                  r.result()));
    }
    if (rows.size() >= expected.size()) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < give_up);
  EXPECT_THAT(rows, ::testing::UnorderedElementsAreArray(expected));
}

}  // namespace
}  // namespace nhs::tobacco
