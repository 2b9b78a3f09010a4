// The FHIR column of the access matrix: message Bundles posted to
// $process-message over mutual TLS, the way GP and pharmacy systems send
// decisions, dispense and supply reports.
#include "absl/strings/str_cat.h"
#include "adapters/fhir/https_client.h"
#include "nlohmann/json.hpp"
#include "tests/integration/access_matrix/matrix_edge.h"

namespace nhs::tobacco::access_matrix {
namespace {

using Json = nlohmann::json;

class FhirColumn final : public Edge {
 public:
  explicit FhirColumn(MatrixRecords& records) : records_(records) {}
  std::string Name() const override { return "FHIR"; }
  bool Offers(Op op) const override {
    return op == Op::kPrescribe || op == Op::kDecline ||
           op == Op::kRequireAppointment || op == Op::kDispense ||
           op == Op::kSupplyPharmacyRoute || op == Op::kSupplyServiceRoute ||
           op == Op::kRecordNotSuppliedPharmacyRoute ||
           op == Op::kRecordNotSuppliedServiceRoute;
  }
  bool Serves(const CallerInfo&) const override { return true; }
  Answer Run(Op op, const CallerInfo& caller, const Fixture& record) override;

 private:
  MatrixRecords& records_;
};

Json Example(const std::string& name) {
  return Json::parse(testing::ReadFile(std::string(TOBACCO_SOURCE_DIR) +
                                       "/tests/testdata/fhir/" + name));
}

Answer FhirColumn::Run(Op op, const CallerInfo& c, const Fixture& f) {
  Json bundle;
  if (op == Op::kPrescribe || op == Op::kDecline ||
      op == Op::kRequireAppointment) {
    bundle = Example("gp_decision_prescribed_bundle.json");
    Json& request = bundle["entry"][1]["resource"];
    request["basedOn"][0]["identifier"]["value"] = f.prescription_id;
    request["groupIdentifier"]["value"] = EpsId(NextNumber());
    if (op == Op::kDecline) {
      request["status"] = "cancelled";
      request["statusReason"]["coding"] =
          Json::array({{{"code", "CLINICAL_CONTRAINDICATION"}}});
    } else if (op == Op::kRequireAppointment) {
      request["status"] = "on-hold";
    }
  } else {
    bundle = Example("pharmacy_dispense_bundle.json");
    Json& dispense = bundle["entry"][1]["resource"];
    Json ids = Json::array();
    if (op == Op::kDispense) {
      // A related pharmacy quotes the request's EPS id; another one of its
      // own.
      ids.push_back(
          {{"identifier",
            {{"system", kEpsIdSystem},
             {"value", c.related ? f.eps_id : EpsId(NextNumber())}}}});
    }
    ids.push_back({{"identifier",
                    {{"system", kPrescriptionRequestIdSystem},
                     {"value", f.prescription_id}}}});
    dispense["authorizingPrescription"] = ids;
    if (op == Op::kRecordNotSuppliedPharmacyRoute ||
        op == Op::kRecordNotSuppliedServiceRoute) {
      dispense["status"] = "declined";
      dispense["statusReasonCodeableConcept"]["coding"] =
          Json::array({{{"code", "OUT_OF_STOCK"}}});
    }
  }
  bundle["id"] = NextId("bundle");
  // Sent honestly: the sender (or performer) is the certificate's
  // organisation.
  bundle["entry"][3]["resource"]["identifier"][0]["value"] = c.ods;

  fhir::HttpsClientOptions options;
  options.ca_cert_path = (testing::DevCerts() / "ca.pem").string();
  options.client_cert_path =
      (testing::DevCerts() / (std::string(c.cert) + ".pem")).string();
  options.client_key_path =
      (testing::DevCerts() / (std::string(c.cert) + ".key")).string();
  options.io_timeout = absl::Seconds(10);
  auto r =
      fhir::PostMessage(records_.gateway().fhir_url(), bundle.dump(), options);
  if (!r.ok()) return Answer::Other(r.status().ToString());
  if (r->status == 200) return Answer::Allowed("200");
  const Json outcome = Json::parse(r->body, nullptr, false);
  if (r->status == 403 && !outcome.is_discarded() &&
      outcome.value("resourceType", "") == "OperationOutcome" &&
      outcome["issue"][0].value("code", "") == "forbidden") {
    return Answer::Refused(r->body, f.prescription_id);
  }
  return Answer::Other(absl::StrCat("HTTP ", r->status, ": ", r->body));
}

}  // namespace

std::unique_ptr<Edge> FhirEdge(MatrixRecords& records) {
  return std::make_unique<FhirColumn>(records);
}

}  // namespace nhs::tobacco::access_matrix
