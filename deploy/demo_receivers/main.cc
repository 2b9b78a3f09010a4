// tobacco-demo-receivers: stands in, on the developer's machine, for the
// systems the gateway delivers to in the sample pathway, so a newcomer sees
// messages leave the outbox and arrive:
//   - trust RX9's integration engine: HL7 v2 over MLLP (plaintext, loopback),
//     answering every message with an ACK (AA, or AE when it is addressed to
//     another facility);
//   - the FHIR $process-message endpoint (mutual TLS) of GP practice Y90001,
//     pharmacy FZZ99 and service TDS01. One URL serves all three: the
//     MessageHeader's destination says whom each Bundle is for. Answers 200
//     with an OperationOutcome, or 422 for an organisation it does not
//     stand in for;
//   - GP practice Y90001's system on MESH (mesh_practice.h): every 2 s it
//     takes the GP Connect Send Document letters from the practice's mailbox
//     on the MESH sandbox, writes each letter's PDF to --mesh_letters_dir,
//     and answers the sender with positive ITK3 infrastructure and business
//     acknowledgements. Off with an empty --mesh_url.
//
// One line per message on stdout: time, channel, message type, event or MESH
// workflow, the message id (MSH-10 / MessageHeader.id / the ITK3 message id)
// and the receiver, then a note (for MESH, where the PDF went). Only header
// fields are ever printed, so no patient identifier (NHS number, name, date
// of birth) can reach the output. Development only: it keeps nothing but the
// letters' PDFs (fictional patients), which are the letters themselves.
#include <signal.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "adapters/fhir/https_listener.h"
#include "adapters/fhir/systems.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/mllp_listener.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "deploy/demo_receivers/bundle_fields.h"
#include "deploy/demo_receivers/mesh_practice.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, mllp_address, "127.0.0.1:2576",
          "host:port of the trust's MLLP engine (plaintext); the gateway's "
          "organisations[].mllp.outbound_address");
ABSL_FLAG(std::string, trust, "RX9",
          "ODS code of the trust whose engine this is (MSH-6 it accepts)");
ABSL_FLAG(std::string, fhir_address, "127.0.0.1:9443",
          "host:port of the FHIR $process-message endpoint (mutual TLS)");
ABSL_FLAG(std::string, fhir_receivers, "Y90001,FZZ99,TDS01",
          "ODS codes the FHIR endpoint stands in for, comma-separated");
ABSL_FLAG(std::string, tls_cert, "certs/out/server.pem",
          "certificate the FHIR endpoint presents (must name the host)");
ABSL_FLAG(std::string, tls_key, "certs/out/server.key", "its private key");
ABSL_FLAG(std::string, client_ca, "certs/out/ca.pem",
          "CA that signed the gateway's client certificate");
ABSL_FLAG(std::string, mesh_url, "https://127.0.0.1:8700",
          "MESH server (the sandbox deploy/run.sh starts) where the practice's "
          "mailbox is; empty = no MESH practice");
ABSL_FLAG(std::string, mesh_mailbox, "Y90001OT001",
          "the practice's MESH mailbox id");
ABSL_FLAG(std::string, mesh_password, "",
          "its password (development: deploy/mesh/mailboxes.jsonl); without "
          "it the MESH practice is off");
ABSL_FLAG(std::string, mesh_shared_key, "",
          "the MESH environment's shared key (the sandbox's SHARED_KEY); "
          "without it the MESH practice is off");
ABSL_FLAG(std::string, mesh_letters_dir, "var/mesh/letters",
          "where the PDF of each letter taken from MESH is written, as "
          "<ITK3 message id>.pdf");
ABSL_FLAG(std::string, mesh_ca, "certs/out/ca.pem",
          "CA that signed the MESH server's certificate");
ABSL_FLAG(std::string, mesh_cert, "certs/out/gp-y90001.pem",
          "the practice's client certificate for MESH (mutual TLS)");
ABSL_FLAG(std::string, mesh_key, "certs/out/gp-y90001.key", "its private key");

namespace nhs::tobacco::demo {
namespace {

constexpr char kMllp[] = "HL7V2_MLLP";
constexpr char kFhir[] = "FHIR_HTTPS";
// GP Connect Send Document's ITK3 responses (the gateway's
// mesh.ack_workflow_id default).
constexpr char kMeshAckWorkflow[] = "GPFED_CONSULT_REPORT_ACK";
constexpr char kMeshPractice[] = "Y90001";

// Writes the one-line-per-message report. Lines come from the MLLP and HTTPS
// threads at once, hence the lock; each is flushed so `tail -f` and scripts
// reading a redirected stdout see it at once.
class Report {
 public:
  // `note` follows the receiver, e.g. why a message was refused.
  void Line(absl::string_view channel, absl::string_view what,
            absl::string_view message_id, absl::string_view receiver,
            absl::string_view note = "") {
    absl::MutexLock lock(&mu_);
    // The gateway sends at least once: a resend carries the same id, and a
    // real receiver would drop it.
    const bool again =
        !message_id.empty() &&
        !seen_.insert(absl::StrCat(channel, "/", message_id)).second;
    std::cout << absl::StrFormat(
                     "%s  %-10s  %-28s  %-36s  %s%s%s",
                     absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                                      absl::UTCTimeZone()),
                     channel, what, message_id.empty() ? "-" : message_id,
                     receiver.empty() ? "-" : receiver,
                     again ? "  (again: same id, a receiver drops it)" : "",
                     note.empty() ? "" : absl::StrCat("  ", note))
              << std::endl;
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> seen_ ABSL_GUARDED_BY(mu_);
};

// Trust RX9's engine: ACKs every message the way an integration engine
// does, so the gateway's outbox sees AA and marks it delivered.
class TrustEngine {
 public:
  TrustEngine(std::string trust, Report& report)
      : trust_(std::move(trust)), report_(report) {}

  void Receive(const std::string& payload,
               const std::function<void(std::string)>& reply) {
    hl7v2::AckOutcome outcome;
    // MSH-10 of the ACK: 20 characters at most in v2.5.1.
    outcome.control_id = absl::StrCat("DEMOACK", ++next_ack_);
    outcome.timestamp = absl::Now();
    absl::StatusOr<hl7v2::Message> m = hl7v2::ParseEr7(payload);
    if (!m.ok()) {
      // The parser's message may quote the bytes; say only that it failed.
      outcome.code = hl7v2::AckCode::kReject;
      outcome.errors.push_back(
          hl7v2::AckError{.code = hl7v2::ErrorCode::kSegmentSequenceError,
                          .user_message = "not parsable HL7 v2"});
      report_.Line(kMllp, "(unparsable)", "", trust_, "refused: AR");
      reply(hl7v2::WriteEr7(hl7v2::BuildAckForUnparsed(payload, outcome)));
      return;
    }
    std::string what = absl::StrCat(m->Get("MSH-9.1").value_or("?"), "^",
                                    m->Get("MSH-9.2").value_or("?"));
    // OBR-4 tells an outcome (TDOUTCOME) from a safety alert (TDSAFETY).
    if (const std::string report = m->Get("OBR-4.1").value_or("");
        !report.empty()) {
      absl::StrAppend(&what, " ", report);
    }
    const std::string control_id = m->Get("MSH-10").value_or("");
    const std::string facility = m->Get("MSH-6.1").value_or("");
    std::string note;
    if (facility != trust_) {
      outcome.code = hl7v2::AckCode::kError;
      outcome.errors.push_back(hl7v2::AckError{
          .location = {.segment_id = "MSH", .segment_sequence = 1, .field = 6},
          .code = hl7v2::ErrorCode::kTableValueNotFound,
          .user_message =
              absl::StrCat("this engine receives for ", trust_, " only")});
      note = absl::StrCat("refused: AE, this engine is ", trust_, "'s");
    }
    absl::StatusOr<hl7v2::Message> ack = hl7v2::BuildAck(*m, outcome);
    if (!ack.ok()) {
      std::cerr << "tobacco-demo-receivers: cannot build an ACK: "
                << ack.status().message() << "\n";
      return;  // No answer: the gateway times out and resends.
    }
    report_.Line(kMllp, what, control_id, facility, note);
    reply(hl7v2::WriteEr7(*ack));
  }

 private:
  const std::string trust_;
  Report& report_;
  std::atomic<int> next_ack_{0};
};

fhir::HttpResponse Outcome(int status, absl::string_view severity,
                           absl::string_view code,
                           absl::string_view diagnostics) {
  Json issue{{"severity", severity}, {"code", code}};
  if (!diagnostics.empty()) issue["diagnostics"] = diagnostics;
  fhir::HttpResponse response;
  response.status = status;
  response.body = Json{{"resourceType", "OperationOutcome"},
                       {"issue", Json::array({issue})}}
                      .dump();
  return response;
}

// The $process-message endpoint of every organisation in `receivers`.
class FhirEndpoint {
 public:
  FhirEndpoint(std::set<std::string> receivers, Report& report)
      : receivers_(std::move(receivers)), report_(report) {}

  void Receive(const fhir::InboundMessage& in, const fhir::Respond& respond) {
    const Json bundle = Json::parse(in.body.begin(), in.body.end(), nullptr,
                                    /*allow_exceptions=*/false);
    if (bundle.is_discarded()) {
      report_.Line(kFhir, "(not JSON)", "", "", "refused: 400");
      respond(Outcome(400, "error", "structure", "body is not JSON"));
      return;
    }
    const Json& header = Field(Item(Field(bundle, "entry"), 0), "resource");
    if (Text(Field(bundle, "type")) != "message" ||
        Text(Field(header, "resourceType")) != "MessageHeader") {
      report_.Line(kFhir, "(not a message Bundle)", "", "", "refused: 422");
      respond(Outcome(422, "error", "structure",
                      "not a message Bundle with a MessageHeader first"));
      return;
    }
    const std::string event = Text(Field(Field(header, "eventCoding"), "code"));
    const std::string id = Text(Field(header, "id"));
    // destination[0].receiver names the Organization the Bundle is for.
    const std::string receiver = OdsCodeOf(
        bundle,
        Text(Field(Field(Item(Field(header, "destination"), 0), "receiver"),
                   "reference")));
    if (!receivers_.contains(receiver)) {
      const std::string why =
          absl::StrCat("this endpoint stands in for ",
                       absl::StrJoin(receivers_, ", "), " only");
      report_.Line(kFhir, event, id, receiver, "refused: 422");
      respond(Outcome(422, "error", "not-supported", why));
      return;
    }
    report_.Line(kFhir, event, id, receiver);
    respond(Outcome(200, "information", "informational", ""));
  }

 private:
  const std::set<std::string> receivers_;
  Report& report_;
};

int Run() {
  // Block the stop signals in every thread (threads inherit the mask) and
  // wait for them here, as the gateway does.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Report report;
  TrustEngine trust(absl::GetFlag(FLAGS_trust), report);
  std::set<std::string> receivers;
  for (absl::string_view ods : absl::StrSplit(
           absl::GetFlag(FLAGS_fhir_receivers), ',', absl::SkipWhitespace())) {
    receivers.insert(std::string(ods));
  }
  FhirEndpoint endpoint(receivers, report);

  hl7v2::MllpListenerOptions mllp;
  mllp.address = absl::GetFlag(FLAGS_mllp_address);
  auto engine = hl7v2::MllpListener::Start(
      mllp, [&trust](const std::string& payload,
                     std::function<void(std::string)> reply) {
        trust.Receive(payload, reply);
      });
  if (!engine.ok()) {
    std::cerr << "tobacco-demo-receivers: MLLP on " << mllp.address << ": "
              << engine.status().message() << "\n";
    return 1;
  }

  fhir::HttpsListenerOptions https;
  https.address = absl::GetFlag(FLAGS_fhir_address);
  https.tls_cert_path = absl::GetFlag(FLAGS_tls_cert);
  https.tls_key_path = absl::GetFlag(FLAGS_tls_key);
  https.client_ca_path = absl::GetFlag(FLAGS_client_ca);
  auto fhir_listener = fhir::HttpsListener::Start(
      https,
      [&endpoint](const fhir::InboundMessage& in, fhir::Respond respond) {
        endpoint.Receive(in, respond);
      });
  if (!fhir_listener.ok()) {
    std::cerr << "tobacco-demo-receivers: FHIR on " << https.address << ": "
              << fhir_listener.status().message() << "\n";
    return 1;
  }

  // The practice's MESH mailbox: letters come by polling, not to a port.
  std::unique_ptr<MeshPractice> practice;
  std::string mesh_note;
  if (const std::string url = absl::GetFlag(FLAGS_mesh_url); url.empty()) {
    mesh_note = "; no MESH practice (--mesh_url is empty)";
  } else if (absl::GetFlag(FLAGS_mesh_password).empty() ||
             absl::GetFlag(FLAGS_mesh_shared_key).empty()) {
    mesh_note =
        "; no MESH practice (--mesh_password and --mesh_shared_key needed)";
  } else {
    MeshPracticeOptions options;
    options.client.base_url = url;
    options.client.mailbox_id = absl::GetFlag(FLAGS_mesh_mailbox);
    options.client.password = absl::GetFlag(FLAGS_mesh_password);
    options.client.shared_key = absl::GetFlag(FLAGS_mesh_shared_key);
    options.client.tls.ca_cert_path = absl::GetFlag(FLAGS_mesh_ca);
    options.client.tls.client_cert_path = absl::GetFlag(FLAGS_mesh_cert);
    options.client.tls.client_key_path = absl::GetFlag(FLAGS_mesh_key);
    // One try per call: the next pass, 2 s on, is the retry.
    options.client.max_attempts = 1;
    options.ods_code = kMeshPractice;
    options.letters_dir = absl::GetFlag(FLAGS_mesh_letters_dir);
    options.ack_workflow = kMeshAckWorkflow;
    practice = std::make_unique<MeshPractice>(
        std::move(options),
        [&report](absl::string_view channel, absl::string_view what,
                  absl::string_view id, absl::string_view receiver,
                  absl::string_view note) {
          report.Line(channel, what, id, receiver, note);
        });
    practice->Start();
    mesh_note = absl::StrCat("; ", kMeshPractice, "'s MESH mailbox ",
                             absl::GetFlag(FLAGS_mesh_mailbox), " at ", url,
                             " (letters to ",
                             absl::GetFlag(FLAGS_mesh_letters_dir), ")");
  }

  // On stderr, so stdout carries only the one line per message.
  std::cerr << "tobacco-demo-receivers: " << absl::GetFlag(FLAGS_trust)
            << "'s MLLP engine on " << mllp.address
            << " (plaintext); FHIR $process-message for "
            << absl::StrJoin(receivers, ", ") << " on https://" << https.address
            << "/fhir/$process-message (mutual TLS)" << mesh_note << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cerr << "tobacco-demo-receivers: " << strsignal(signal_number)
            << ", stopping" << std::endl;
  if (practice != nullptr) practice->Stop();
  (*fhir_listener)->Stop();
  (*engine)->Stop();
  return 0;
}

}  // namespace
}  // namespace nhs::tobacco::demo

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Stands in for the receiving systems of the sample pathway (trust "
      "RX9's MLLP engine; the FHIR endpoint of Y90001, FZZ99 and TDS01; "
      "Y90001's MESH mailbox) and prints one line per message received. "
      "Development only.\n"
      "  tobacco-demo-receivers [--mllp_address 127.0.0.1:2576] "
      "[--fhir_address 127.0.0.1:9443] [--mesh_url https://127.0.0.1:8700 "
      "--mesh_password P --mesh_shared_key K]");
  absl::ParseCommandLine(argc, argv);
  return nhs::tobacco::demo::Run();
}
