// Interop driver: builds the gateway's outbound HL7 v2 messages (RRI^I12,
// ORU^R01 outcome, ORU^R01 safety alert) for a sample referral and sends
// each with MllpClient to --address, printing each ACK. An independent MLLP
// server (python3-hl7, hl7_interop.py) receives and parses them.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/writer.h"
#include "adapters/mental_health/oru_r01_builder.h"
#include "adapters/mental_health/rri_i12_builder.h"
#include "adapters/mental_health/safety_alert_builder.h"

ABSL_FLAG(std::string, address, "127.0.0.1:2576", "MLLP server host:port");

namespace mh = nhs::tobacco::mental_health;
namespace v1 = nhs::tobacco::v1;

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  v1::Referral referral;
  referral.set_referral_id("TDS-000045");
  referral.mutable_patient()->set_nhs_number("9990000018");
  referral.mutable_patient()->set_date_of_birth("1984-05-12");
  referral.mutable_referrer()->set_ods_code("RX9");
  referral.mutable_service()->set_ods_code("TDS01");
  referral.set_external_referral_id("CMHT-REF-000123");
  referral.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  auto* medicine = referral.mutable_mental_health()->add_medicines();
  medicine->set_name("Clozapine 300mg daily");
  medicine->set_cyp1a2_sensitive(true);
  v1::Outcome outcome;
  outcome.set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  outcome.set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  outcome.set_co_reading_ppm(4);
  outcome.set_quit_date("2026-12-01");
  outcome.set_recorded_on("2027-01-05");
  outcome.set_note("Clozapine prescriber informed | level re-checked");

  mh::OutboundHeader header;
  header.sending_facility = "TDS01";
  header.receiving_application = "RIO";
  header.receiving_facility = "RX9";
  header.timestamp = absl::Now();
  nhs::tobacco::hl7v2::MllpClientOptions options;
  options.address = absl::GetFlag(FLAGS_address);
  nhs::tobacco::hl7v2::MllpClient client(options);
  int failures = 0;
  auto send = [&](absl::string_view id, auto built) {
    if (!built.ok()) {
      std::cerr << id << ": " << built.status() << "\n";
      ++failures;
      return;
    }
    auto ack = client.Send(nhs::tobacco::hl7v2::WriteEr7(*built));
    if (!ack.ok()) {
      std::cerr << id << ": " << ack.status() << "\n";
      ++failures;
      return;
    }
    std::cout << id << " ACK " << *ack << "\n";
  };
  header.control_id = "OUT000001";
  send("RRI^I12", mh::BuildRriI12(referral, header));
  header.control_id = "OUT000002";
  send("ORU^R01", mh::BuildOruR01(outcome, referral, header));
  header.control_id = "OUT000003";
  send("SAFETY", mh::BuildSafetyAlert(referral, "2026-12-01", header));
  return failures == 0 ? 0 : 1;
}
