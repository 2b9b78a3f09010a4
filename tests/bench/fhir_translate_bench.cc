// FHIR messages translated per second on one core, both ways:
//   in:  parse (simdjson) + translate the reference GP decision and pharmacy
//        dispense Bundles into pathway requests;
//   out: build + serialise a GP recommendation Bundle (letter included).
// Node's JSON.parse alone on the same inbound files and on the reference
// recommendation Bundle runs in the same process run (node
// fhir_json_parse_bench.mjs), for the ratio the README reports. Numbers, not
// a pass/fail: the ctest entry runs briefly.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "adapters/gp/gp_decision.h"
#include "adapters/gp/recommendation_message.h"
#include "adapters/pharmacy/dispense_report.h"

ABSL_FLAG(double, seconds, 1.0, "time per measurement");
ABSL_FLAG(std::string, node, "node", "node binary for the JSON.parse figure");

namespace nhs::tobacco {
namespace {

std::string Read(const std::string& name) {
  std::ifstream in(std::string(TOBACCO_FHIR_TESTDATA_DIR) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

template <typename F>
double PerSecond(F f) {
  const double budget = absl::GetFlag(FLAGS_seconds);
  const auto start = std::chrono::steady_clock::now();
  long n = 0;
  double elapsed = 0;
  do {
    for (int i = 0; i < 256; ++i) f();
    n += 256;
    elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  } while (elapsed < budget);
  return n / elapsed;
}

v1::PrescriptionRequest Sample() {
  v1::PrescriptionRequest p;
  p.set_prescription_id("0193a1b2c3d4e5f6");
  p.mutable_patient()->set_nhs_number("9990000018");
  p.mutable_patient()->set_date_of_birth("1984-05-12");
  p.mutable_patient()->set_given_name("Jordan");
  p.mutable_patient()->set_family_name("TESTPATIENT");
  p.mutable_product()->set_display("Nicotine 21mg/24hours transdermal patches");
  p.mutable_product()->set_kind(v1::PRODUCT_KIND_NRT);
  p.set_dose_text("Apply ONE patch each morning");
  p.mutable_quantity()->set_value(28);
  p.mutable_quantity()->set_unit("patch");
  p.set_duration_days(28);
  p.set_route(v1::ROUTE_GP_PRESCRIPTION);
  p.mutable_target()->set_ods_code("Y90001");
  p.mutable_service()->set_ods_code("RX9");
  p.mutable_recommended_by()->set_identifier("99Z9999Z");
  p.mutable_recommended_by()->set_register_(v1::PROFESSIONAL_REGISTER_NMC);
  p.set_reason("Smokes 25 a day");
  p.set_cyp1a2_safety_alert(true);
  return p;
}

}  // namespace
}  // namespace nhs::tobacco

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace nhs::tobacco;
  const std::string decision = Read("gp_decision_prescribed_bundle.json");
  const std::string dispense = Read("pharmacy_dispense_bundle.json");
  fhir::MessageParser parser;
  long sink = 0;
  const double decisions = PerSecond([&] {
    auto m = parser.Parse(decision);
    auto d = gp::TranslateGpDecision(*m);
    sink += d.ok();
  });
  const double dispenses = PerSecond([&] {
    auto m = parser.Parse(dispense);
    auto d = pharmacy::TranslateDispenseReport(*m);
    sink += d.ok();
  });
  const v1::PrescriptionRequest request = Sample();
  v1::Referral referral;
  *referral.mutable_patient() = request.patient();
  fhir::MessageContext context;
  context.message_id = "0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0001";
  context.timestamp = absl::FromUnixSeconds(1795861805);
  context.source_endpoint = "https://gateway.example.org/fhir/$process-message";
  context.destination_endpoint = "https://gp.example.org/fhir/$process-message";
  size_t out_bytes = 0;
  const double recommendations = PerSecond([&] {
    auto b = gp::BuildRecommendationMessage(request, referral, context);
    std::string text = b->dump();
    out_bytes = text.size();
    sink += text.size();
  });
  std::printf("fhir_translate_bench (one core, %.1f s per figure)\n",
              absl::GetFlag(FLAGS_seconds));
  std::printf("  in : GP decision  %5zu B  parse+translate %9.0f msg/s\n",
              decision.size(), decisions);
  std::printf("  in : dispense     %5zu B  parse+translate %9.0f msg/s\n",
              dispense.size(), dispenses);
  std::printf("  out: recommendation %5zu B build+serialise %9.0f msg/s\n",
              out_bytes, recommendations);
  std::fflush(stdout);
  // The independent figure, same machine, same run.
  const std::string cmd =
      absl::StrCat(absl::GetFlag(FLAGS_node), " ", TOBACCO_BENCH_DIR,
                   "/fhir_json_parse_bench.mjs ", TOBACCO_FHIR_TESTDATA_DIR,
                   " ", absl::GetFlag(FLAGS_seconds));
  if (std::system(cmd.c_str()) != 0) {
    std::printf("  (node not available: no JSON.parse figure)\n");
  }
  return sink == 0 ? 1 : 0;
}
