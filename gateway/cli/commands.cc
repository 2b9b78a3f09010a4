#include "gateway/cli/commands.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gateway/cli/amend_requests.h"
#include "gateway/cli/products.h"
#include "gateway/cli/render.h"
#include "gateway/cli/report_cli.h"
#include "gateway/cli/request_id.h"
#include "gateway/cli/safety_alert_cli.h"
#include "grpcpp/client_context.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nhs/tobacco/v1/formulary_service.grpc.pb.h"
#include "nhs/tobacco/v1/outcome_service.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"
#include "nhs/tobacco/v1/report_service.grpc.pb.h"
#include "nhs/tobacco/v1/safety_alert_service.grpc.pb.h"

namespace nhs::tobacco::cli {
namespace {

struct Context {
  const Invocation& inv;
  std::shared_ptr<grpc::Channel> channel;
  std::ostream& out;
  std::ostream& err;
  const Environment& env;
};

using Handler = std::function<int(const Context&)>;

struct CommandSpec {
  std::vector<std::string> path;
  std::vector<std::string> positionals;
  std::string summary;
  std::vector<FlagSpec> flags;
  Handler handler;
  // Sends a request_id, so a retry with the same one is safe.
  bool mutating = false;
};

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* flags = new std::vector<FlagSpec>{
      {"target", true, false, "gateway address (default 127.0.0.1:50051)"},
      {"json", false, false, "print proto JSON instead of tables"},
      {"timeout", true, false, "seconds to wait for each call (default 30)"},
      {"ca", true, false, "PEM file of the CA that signed the server"},
      {"cert", true, false, "PEM client certificate (with --key)"},
      {"key", true, false, "PEM client private key (with --cert)"},
      {"request-id", true, false,
       "idempotency key for a mutating call (default: a new UUID)"},
      {"verbose", false, false, "print the request id and reconnects"},
      {"help", false, false, "show help"},
  };
  return *flags;
}

std::vector<FlagSpec> PractitionerFlags() {
  return {{"practitioner", true, false, "practitioner identifier"},
          {"practitioner-register", true, false,
           "gmc, nmc, gphc, hcpc, sds_user, local"},
          {"practitioner-name", true, false, "practitioner display name"}};
}

std::vector<FlagSpec> ActorFlags() {
  return {{"actor-ods", true, false, "ODS code of the acting organisation"},
          {"actor-practitioner", true, false, "acting practitioner id"},
          {"actor-register", true, false, "acting practitioner's register"}};
}

std::vector<FlagSpec> TransitionFlags(std::vector<FlagSpec> extra) {
  std::vector<FlagSpec> flags = ActorFlags();
  flags.push_back({"note", true, false, "short note for the timeline"});
  flags.push_back({"external-id", true, true,
                   "SYSTEM=VALUE id from the other system (repeatable)"});
  for (FlagSpec& flag : extra) flags.push_back(std::move(flag));
  return flags;
}

std::vector<FlagSpec> Concat(std::vector<FlagSpec> a, std::vector<FlagSpec> b) {
  for (FlagSpec& flag : b) a.push_back(std::move(flag));
  return a;
}

int UsageError(const Context& c, const absl::Status& status) {
  c.err << "error: " << status.message() << "\n"
        << "run 'tobaccoctl help " << absl::StrJoin(c.inv.command, " ")
        << "' for usage\n";
  return kExitUsage;
}

void SetDeadline(const Context& c, grpc::ClientContext* context) {
  context->set_deadline(
      absl::ToChronoTime(absl::Now() + c.inv.options.timeout));
}

std::string RequestIdFor(const Context& c) {
  std::string id = c.inv.options.request_id.empty() ? c.env.new_request_id()
                                                    : c.inv.options.request_id;
  if (c.inv.options.verbose) c.err << "request_id: " << id << "\n";
  return id;
}

// Build the request; on success make one unary call and print its answer.
template <typename Request, typename Response, typename Rpc>
int CallUnary(const Context& c, const absl::StatusOr<Request>& request, Rpc rpc,
              std::string (*render)(const Response&)) {
  if (!request.ok()) return UsageError(c, request.status());
  grpc::ClientContext context;
  SetDeadline(c, &context);
  Response response;
  grpc::Status status = rpc(&context, *request, &response);
  if (!status.ok()) {
    c.err << RenderRpcError(status);
    return ExitCodeFor(status);
  }
  c.out << (c.inv.options.json ? ToJson(response, true) : render(response));
  return kExitOk;
}

// Binds a stub method so CallUnary can call it.
template <typename Stub, typename Request, typename Response>
auto Bind(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                   const Request&, Response*)) {
  return [&stub, method](grpc::ClientContext* context, const Request& request,
                         Response* response) {
    return (stub.*method)(context, request, response);
  };
}

int ReferralsCreate(const Context& c) {
  v1::ReferralService::Stub stub(c.channel);
  return CallUnary(
      c,
      BuildCreateReferralRequest(c.inv.args, RequestIdFor(c), c.env.read_file),
      Bind(stub, &v1::ReferralService::Stub::CreateReferral), RenderReferral);
}

int ReferralsList(const Context& c) {
  v1::ReferralService::Stub stub(c.channel);
  return CallUnary(c, BuildListReferralsRequest(c.inv.args),
                   Bind(stub, &v1::ReferralService::Stub::ListReferrals),
                   RenderReferralList);
}

int ReferralsShow(const Context& c) {
  v1::ReferralService::Stub stub(c.channel);
  return CallUnary(c, BuildGetReferralRequest(c.inv.args),
                   Bind(stub, &v1::ReferralService::Stub::GetReferral),
                   RenderReferral);
}

// Amendment (issue 12, amend part).
int ReferralsUpdate(const Context& c) {
  v1::ReferralService::Stub stub(c.channel);
  return CallUnary(c, BuildUpdateReferralRequest(c.inv.args, RequestIdFor(c)),
                   Bind(stub, &v1::ReferralService::Stub::UpdateReferral),
                   RenderReferral);
}

std::string RenderReferralTimeline(
    const v1::GetReferralTimelineResponse& response) {
  v1::GetTimelineResponse events;
  *events.mutable_events() = response.events();
  return RenderTimeline(events);
}

int ReferralsTimeline(const Context& c) {
  v1::ReferralService::Stub stub(c.channel);
  return CallUnary(c, BuildGetReferralTimelineRequest(c.inv.args),
                   Bind(stub, &v1::ReferralService::Stub::GetReferralTimeline),
                   RenderReferralTimeline);
}

int ReferralsSetStatus(const Context& c) {
  v1::ReferralService::Stub stub(c.channel);
  return CallUnary(
      c, BuildUpdateReferralStatusRequest(c.inv.args, RequestIdFor(c)),
      Bind(stub, &v1::ReferralService::Stub::UpdateReferralStatus),
      RenderReferral);
}

// care (issue 12).
int ReferralsQuitDate(const Context& c) {
  v1::ReferralService::Stub stub(c.channel);
  return CallUnary(c, BuildSetQuitDateRequest(c.inv.args, RequestIdFor(c)),
                   Bind(stub, &v1::ReferralService::Stub::SetQuitDate),
                   RenderReferral);
}

int ReferralsContact(const Context& c) {
  v1::ReferralService::Stub stub(c.channel);
  return CallUnary(c, BuildRecordContactRequest(c.inv.args, RequestIdFor(c)),
                   Bind(stub, &v1::ReferralService::Stub::RecordContact),
                   RenderContact);
}

int OutcomesSearch(const Context& c) {
  v1::OutcomeService::Stub stub(c.channel);
  return CallUnary(c, BuildSearchOutcomesRequest(c.inv.args),
                   Bind(stub, &v1::OutcomeService::Stub::ListOutcomes),
                   RenderOutcomeList);
}

int PrescriptionsRecommend(const Context& c) {
  v1::PrescriptionService::Stub stub(c.channel);
  return CallUnary(
      c, BuildRecommendPrescriptionRequest(c.inv.args, RequestIdFor(c)),
      Bind(stub, &v1::PrescriptionService::Stub::RecommendPrescription),
      RenderPrescription);
}

int PrescriptionsAlternative(const Context& c) {
  v1::PrescriptionService::Stub stub(c.channel);
  return CallUnary(
      c, BuildRecommendAlternativeRequest(c.inv.args, RequestIdFor(c)),
      Bind(stub, &v1::PrescriptionService::Stub::RecommendAlternative),
      RenderPrescription);
}

int PrescriptionsList(const Context& c) {
  v1::PrescriptionService::Stub stub(c.channel);
  return CallUnary(
      c, BuildListPrescriptionsRequest(c.inv.args),
      Bind(stub, &v1::PrescriptionService::Stub::ListPrescriptions),
      RenderPrescriptionList);
}

int PrescriptionsShow(const Context& c) {
  v1::PrescriptionService::Stub stub(c.channel);
  return CallUnary(c, BuildGetPrescriptionRequest(c.inv.args),
                   Bind(stub, &v1::PrescriptionService::Stub::GetPrescription),
                   RenderPrescription);
}

int PrescriptionsTimeline(const Context& c) {
  v1::PrescriptionService::Stub stub(c.channel);
  return CallUnary(c, BuildGetTimelineRequest(c.inv.args),
                   Bind(stub, &v1::PrescriptionService::Stub::GetTimeline),
                   RenderTimeline);
}

using PrescriptionStub = v1::PrescriptionService::Stub;
using TransitionMethod = grpc::Status (PrescriptionStub::*)(
    grpc::ClientContext*, const v1::TransitionRequest&,
    v1::PrescriptionRequest*);
using ReasonedMethod = grpc::Status (PrescriptionStub::*)(
    grpc::ClientContext*, const v1::ReasonedTransitionRequest&,
    v1::PrescriptionRequest*);

Handler Transition(TransitionMethod method) {
  return [method](const Context& c) {
    PrescriptionStub stub(c.channel);
    return CallUnary(c, BuildTransitionRequest(c.inv.args, RequestIdFor(c)),
                     Bind(stub, method), RenderPrescription);
  };
}

Handler ReasonedTransition(ReasonedMethod method) {
  return [method](const Context& c) {
    PrescriptionStub stub(c.channel);
    return CallUnary(
        c, BuildReasonedTransitionRequest(c.inv.args, RequestIdFor(c)),
        Bind(stub, method), RenderPrescription);
  };
}

int PrescriptionsPrescribe(const Context& c) {
  PrescriptionStub stub(c.channel);
  return CallUnary(c, BuildPrescribeRequest(c.inv.args, RequestIdFor(c)),
                   Bind(stub, &PrescriptionStub::Prescribe),
                   RenderPrescription);
}

// Codes after which the same Watch may succeed again. A closed stream (OK)
// counts: a server draining for restart ends streams cleanly.
bool WatchMayResume(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::CANCELLED:
      return true;
    default:
      return false;
  }
}

int EventsWatch(const Context& c) {
  absl::StatusOr<v1::WatchEventsRequest> request =
      BuildWatchEventsRequest(c.inv.args);
  if (!request.ok()) return UsageError(c, request.status());
  absl::StatusOr<std::optional<int64_t>> limit = c.inv.args.GetInt64("limit");
  if (!limit.ok()) return UsageError(c, limit.status());
  if (limit->has_value() && **limit <= 0) {
    return UsageError(c, FlagError("limit", "must be at least 1"));
  }
  absl::StatusOr<bool> no_reconnect = c.inv.args.GetBool("no-reconnect");
  if (!no_reconnect.ok()) return UsageError(c, no_reconnect.status());

  PrescriptionStub stub(c.channel);
  const bool json = c.inv.options.json;
  if (!json) c.out << RenderEventHeader() << std::flush;
  int64_t last_sequence = request->after_sequence();
  int64_t printed = 0;
  absl::Duration backoff = c.env.initial_backoff;
  absl::BitGen jitter;
  while (true) {
    request->set_after_sequence(last_sequence);
    grpc::ClientContext context;  // No deadline: a watch runs until stopped.
    std::unique_ptr<grpc::ClientReader<v1::TimelineEvent>> reader =
        stub.WatchEvents(&context, *request);
    v1::TimelineEvent event;
    while (reader->Read(&event)) {
      // A server replaying from an older cursor must not print twice.
      if (event.sequence() <= last_sequence) continue;
      last_sequence = event.sequence();
      backoff = c.env.initial_backoff;
      c.out << (json ? ToJson(event, false) : RenderEventLine(event))
            << std::flush;
      if (limit->has_value() && ++printed >= **limit) {
        context.TryCancel();
        reader->Finish();
        return kExitOk;
      }
    }
    grpc::Status status = reader->Finish();
    if (*no_reconnect) {
      if (status.ok()) return kExitOk;
      c.err << RenderRpcError(status);
      return ExitCodeFor(status);
    }
    if (!WatchMayResume(status.error_code())) {
      c.err << RenderRpcError(status);
      return ExitCodeFor(status);
    }
    // Jitter over the upper half of the backoff keeps many clients from
    // reconnecting in lockstep after a gateway restart.
    absl::Duration wait = absl::Trunc(backoff * absl::Uniform(jitter, 0.5, 1.0),
                                      absl::Milliseconds(1));
    c.err << "watch: stream ended (" << StatusCodeName(status.error_code())
          << (status.error_message().empty() ? ""
                                             : ": " + status.error_message())
          << "); reconnecting in " << absl::FormatDuration(wait)
          << " after sequence " << last_sequence << "\n";
    c.env.sleep(wait);
    backoff = std::min(backoff * 2, c.env.max_backoff);
  }
}

int OutcomesRecord(const Context& c) {
  v1::OutcomeService::Stub stub(c.channel);
  return CallUnary(c, BuildRecordOutcomeRequest(c.inv.args, RequestIdFor(c)),
                   Bind(stub, &v1::OutcomeService::Stub::RecordOutcome),
                   RenderOutcome);
}

// referrers: formulary discovery.
int ProductsList(const Context& c) {
  v1::FormularyService::Stub stub(c.channel);
  return CallUnary(c, BuildListProductsRequest(c.inv.args),
                   Bind(stub, &v1::FormularyService::Stub::ListProducts),
                   RenderProductList);
}

int OutcomesList(const Context& c) {
  v1::OutcomeService::Stub stub(c.channel);
  return CallUnary(c, BuildListOutcomesRequest(c.inv.args),
                   Bind(stub, &v1::OutcomeService::Stub::ListOutcomes),
                   RenderOutcomeList);
}

// safety: the CYP1A2 safety alerts.
int SafetyAlertsList(const Context& c) {
  v1::SafetyAlertService::Stub stub(c.channel);
  return CallUnary(c, BuildListSafetyAlertsRequest(c.inv.args),
                   Bind(stub, &v1::SafetyAlertService::Stub::ListSafetyAlerts),
                   RenderSafetyAlertList);
}

int SafetyAlertsAck(const Context& c) {
  v1::SafetyAlertService::Stub stub(c.channel);
  return CallUnary(
      c, BuildAcknowledgeSafetyAlertRequest(c.inv.args, RequestIdFor(c)),
      Bind(stub, &v1::SafetyAlertService::Stub::AcknowledgeSafetyAlert),
      RenderSafetyAlert);
}

// The checkpoint to verify against: --checkpoint's line, or the last line
// of --checkpoint-file (a copy kept off the host: the file is append-only,
// so its last line is its newest checkpoint). Empty: the gateway's own file.
absl::StatusOr<std::string> CheckpointToVerify(const ParsedArgs& args) {
  if (args.Has("checkpoint") && args.Has("checkpoint-file")) {
    return FlagError("checkpoint-file", "give --checkpoint or this, not both");
  }
  if (!args.Has("checkpoint-file")) return args.GetString("checkpoint");
  const std::string path = args.GetString("checkpoint-file");
  std::ifstream in(path);
  if (!in.is_open()) return FlagError("checkpoint-file", "cannot read " + path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  if (last.empty()) return FlagError("checkpoint-file", path + " is empty");
  return last;
}

// Exit code 3 when the chain is broken, so scripts and monitoring notice.
int AuditVerify(const Context& c) {
  v1::AdminService::Stub stub(c.channel);
  absl::StatusOr<std::string> checkpoint = CheckpointToVerify(c.inv.args);
  if (!checkpoint.ok()) return UsageError(c, checkpoint.status());
  v1::VerifyAuditChainRequest request;
  request.set_checkpoint(*checkpoint);
  grpc::ClientContext context;
  SetDeadline(c, &context);
  v1::VerifyAuditChainResponse response;
  grpc::Status status = stub.VerifyAuditChain(&context, request, &response);
  if (!status.ok()) {
    c.err << RenderRpcError(status);
    return ExitCodeFor(status);
  }
  c.out << (c.inv.options.json ? ToJson(response, true)
                               : RenderAuditVerification(response));
  return response.intact() ? kExitOk : 3;
}

int AuditList(const Context& c) {
  v1::AdminService::Stub stub(c.channel);
  v1::ListAuditRecordsRequest request;
  absl::StatusOr<std::optional<int64_t>> after = c.inv.args.GetInt64("after");
  if (!after.ok()) return UsageError(c, after.status());
  absl::StatusOr<std::optional<int>> limit = c.inv.args.GetInt("limit");
  if (!limit.ok()) return UsageError(c, limit.status());
  request.set_after_sequence(after->value_or(0));
  request.set_limit(limit->value_or(100));
  return CallUnary(c, absl::StatusOr<v1::ListAuditRecordsRequest>(request),
                   Bind(stub, &v1::AdminService::Stub::ListAuditRecords),
                   RenderAuditRecords);
}

using AdminStub = v1::AdminService::Stub;

int DeliveriesList(const Context& c) {
  AdminStub stub(c.channel);
  return CallUnary(c, BuildListDeliveriesRequest(c.inv.args),
                   Bind(stub, &AdminStub::ListDeliveries), RenderDeliveryList);
}

int DeliveriesShow(const Context& c) {
  AdminStub stub(c.channel);
  return CallUnary(c, BuildGetDeliveryRequest(c.inv.args),
                   Bind(stub, &AdminStub::GetDelivery), RenderDelivery);
}

int DeliveriesReplay(const Context& c) {
  AdminStub stub(c.channel);
  return CallUnary(c, BuildReplayDeliveryRequest(c.inv.args),
                   Bind(stub, &AdminStub::ReplayDelivery), RenderDelivery);
}

int DeliveriesDiscard(const Context& c) {
  AdminStub stub(c.channel);
  return CallUnary(c, BuildDiscardDeliveryRequest(c.inv.args),
                   Bind(stub, &AdminStub::DiscardDelivery), RenderDelivery);
}

int DeliveriesStats(const Context& c) {
  AdminStub stub(c.channel);
  return CallUnary(c,
                   absl::StatusOr<v1::GetDeliveryStatsRequest>(
                       v1::GetDeliveryStatsRequest()),
                   Bind(stub, &AdminStub::GetDeliveryStats),
                   RenderDeliveryStats);
}

// reports (issue 14): `report outcomes|pathway`. Every flag is checked
// before the call; the call runs under the progress line (terminal only).
template <typename Response>
int Report(const Context& c, ReportKind kind,
           grpc::Status (v1::ReportService::Stub::*method)(
               grpc::ClientContext*, const v1::ReportRequest&, Response*)) {
  absl::StatusOr<v1::ReportRequest> request = BuildReportRequest(c.inv.args);
  if (!request.ok()) return UsageError(c, request.status());
  absl::StatusOr<ReportOptions> options =
      ParseReportOptions(c.inv.args, kind, c.inv.options.json);
  if (!options.ok()) return UsageError(c, options.status());
  v1::ReportService::Stub stub(c.channel);
  grpc::ClientContext context;
  SetDeadline(c, &context);
  Response response;
  grpc::Status status;
  RunWithProgress(
      [&] { status = (stub.*method)(&context, *request, &response); }, c.err,
      c.env.progress);
  if (!status.ok()) {
    c.err << RenderRpcError(status);
    return ExitCodeFor(status);
  }
  c.out << RenderReport(response, *options);
  return kExitOk;
}

int ReportOutcomes(const Context& c) {
  return Report(c, ReportKind::kOutcomes,
                &v1::ReportService::Stub::GetOutcomeReport);
}

int ReportPathway(const Context& c) {
  return Report(c, ReportKind::kPathway,
                &v1::ReportService::Stub::GetPathwayReport);
}

const std::vector<CommandSpec>& Commands() {
  static const auto* commands = new std::vector<CommandSpec>{
      {{"referrals", "create"},
       {},
       "Create a referral from flags or from --from-json FILE.",
       Concat(
           {
               {"from-json", true, false,
                "FILE holding a Referral in proto JSON (instead of flags)"},
               {"nhs-number", true, false, "patient's NHS number (10 digits)"},
               {"dob", true, false, "date of birth, YYYY-MM-DD"},
               {"given-name", true, false, "only if a receiver needs it"},
               {"family-name", true, false, "only if a receiver needs it"},
               {"referrer-ods", true, false, "referring organisation"},
               {"source", true, false,
                "gp, community_mental_health, inpatient_mental_health, "
                "talking_therapies, acute_trust, self"},
               {"service-ods", true, false, "tobacco dependency service"},
               {"gp-ods", true, false, "patient's GP practice"},
               {"cigarettes-per-day", true, false, "integer"},
               {"years-smoked", true, false, "integer"},
               {"co-ppm", true, false, "expired-air CO reading, ppm"},
               {"diagnosis", true, false,
                "schizophrenia, bipolar_disorder, other_psychosis, "
                "depression, anxiety, personality_disorder, "
                "eating_disorder, substance_use, other, none"},
               {"smi", false, false, "on the severe mental illness register"},
               {"medicines", true, false,
                "comma list, NAME or NAME:DMD_CODE (e.g. clozapine)"},
               {"goal", true, false,
                "quit_now, cut_down_to_quit, temporary_abstinence"},
               {"text-reminders", false, false, "contact by text"},
               {"home-visits", false, false, "home visits wanted"},
               {"share-with-gp", false, false, "consent to share with GP"},
               {"share-with-pharmacy", false, false,
                "consent to share with pharmacy"},
               {"share-with-mh-team", false, false,
                "consent to share with the mental health team"},
               {"external-referral-id", true, false, "the referrer's own id"},
           },
           PractitionerFlags()),
       ReferralsCreate,
       true},
      {{"referrals", "list"},
       {},
       "List referrals.",
       {{"ods", true, false, "sent by or to this ODS code"},
        {"status", true, false,
         "received, accepted, declined, in_treatment, completed, withdrawn, "
         "on_hold"},
        {"page-size", true, false, "referrals per page"},
        {"page-token", true, false, "from the previous page"},
        {"disengaged", false, false,
         "only disengaged patients (two missed contacts in a row)"}},
       ReferralsList},
      {{"referrals", "show"}, {"ID"}, "Show one referral.", {}, ReferralsShow},
      {{"referrals", "set-status"},
       {"ID", "STATUS"},
       "Move a referral to STATUS (accepted, declined, in_treatment, ...).",
       Concat({{"reason", true, false, "why"}}, ActorFlags()),
       ReferralsSetStatus,
       true},
      // Amendment (issue 12, amend part).
      {{"referrals", "update"},
       {"ID"},
       "Amend a referral: only the fields whose flags are given change.",
       {{"gp-practice", true, false, "the patient's GP practice (ODS)"},
        {"nominated-pharmacy", true, false,
         "the pharmacy the patient nominated (ODS; \"\" clears)"},
        {"goal", true, false,
         "quit_now, cut_down_to_quit, temporary_abstinence"},
        {"text-reminders", false, false, "contact by text (=false: not)"},
        {"home-visits", false, false, "home visits wanted (=false: not)"},
        {"medicines", true, false,
         "replaces the list: NAME or NAME:DMD_CODE, comma separated"},
        {"withdraw-consent", true, true,
         "gp, pharmacy or mental-health (repeatable)"},
        {"give-consent", true, true,
         "gp, pharmacy or mental-health (repeatable)"},
        {"expected-version", true, false,
         "refuse (ABORTED) unless the referral is at this version"}},
       ReferralsUpdate,
       true},
      {{"referrals", "timeline"},
       {"ID"},
       "Show a referral's timeline with its prescription requests'.",
       {},
       ReferralsTimeline},
      // care (issue 12).
      {{"referrals", "quit-date"},
       {"ID", "DATE"},
       "Set or amend the quit date (YYYY-MM-DD); an accepted referral moves "
       "to in_treatment.",
       Concat({{"note", true, false, "short note for the timeline"}},
              ActorFlags()),
       ReferralsQuitDate,
       true},
      {{"referrals", "contact"},
       {"ID", "OUTCOME"},
       "Record a contact: OUTCOME attended, missed or cancelled.",
       Concat({{"mode", true, false, "phone, video, home_visit, clinic"},
               {"date", true, false, "day of the contact, YYYY-MM-DD"},
               {"note", true, false, "short note"}},
              ActorFlags()),
       ReferralsContact,
       true},
      {{"prescriptions", "recommend"},
       {},
       "Recommend a product for a referral.",
       Concat(
           {
               {"referral", true, false, "referral id"},
               {"product", true, false, "product id from the formulary"},
               {"dose", true, false, "dose text"},
               {"quantity", true, false, "quantity value"},
               {"unit", true, false, "quantity unit (patch, piece, ...)"},
               {"duration-days", true, false, "integer"},
               {"route", true, false,
                "gp_prescription, pharmacy_supply, service_supply"},
               {"target-ods", true, false, "GP practice or pharmacy"},
               {"nominated-pharmacy", true, false,
                "GP route: pharmacy told when the GP prescribes"},
               {"reason", true, false, "clinical reason shown to the GP"},
           },
           PractitionerFlags()),
       PrescriptionsRecommend,
       true},
      {{"prescriptions", "alternative"},
       {"ID"},
       "After DECLINED or NOT_SUPPLIED: recommend again on another route "
       "or to another target, linked to ID.",
       Concat(
           {
               {"product", true, false, "product id from the formulary"},
               {"dose", true, false, "dose text"},
               {"quantity", true, false, "quantity value"},
               {"unit", true, false, "quantity unit (patch, piece, ...)"},
               {"duration-days", true, false, "integer"},
               {"route", true, false,
                "gp_prescription, pharmacy_supply, service_supply"},
               {"target", true, false, "GP practice or pharmacy (ODS code)"},
               {"target-ods", true, false, "the same as --target"},
               {"nominated-pharmacy", true, false,
                "GP route: pharmacy told when the GP prescribes"},
               {"reason", true, false, "clinical reason shown to the GP"},
           },
           PractitionerFlags()),
       PrescriptionsAlternative,
       true},
      {{"prescriptions", "list"},
       {},
       "List prescription requests.",
       {{"ods", true, false, "target or recommending service ODS code"},
        {"status", true, false, "recommended, sent, acknowledged, ..."},
        {"overdue", false, false, "only overdue requests"},
        {"referral", true, false, "referral id"},
        {"page-size", true, false, "requests per page"},
        {"page-token", true, false, "from the previous page"}},
       PrescriptionsList},
      {{"prescriptions", "show"},
       {"ID"},
       "Show one prescription request.",
       {},
       PrescriptionsShow},
      {{"prescriptions", "timeline"},
       {"ID"},
       "Show a prescription request's timeline.",
       {},
       PrescriptionsTimeline},
      {{"prescriptions", "sent"},
       {"ID"},
       "RECOMMENDED -> SENT (delivered through your own channel).",
       TransitionFlags({}),
       Transition(&PrescriptionStub::MarkSent),
       true},
      {{"prescriptions", "acknowledge"},
       {"ID"},
       "SENT -> ACKNOWLEDGED.",
       TransitionFlags({}),
       Transition(&PrescriptionStub::Acknowledge),
       true},
      {{"prescriptions", "prescribe"},
       {"ID"},
       "ACKNOWLEDGED | APPOINTMENT_REQUIRED -> PRESCRIBED.",
       TransitionFlags({{"eps-id", true, false, "EPS prescription id"}}),
       PrescriptionsPrescribe,
       true},
      {{"prescriptions", "decline"},
       {"ID"},
       "ACKNOWLEDGED | APPOINTMENT_REQUIRED -> DECLINED.",
       TransitionFlags(
           {{"reason", true, false,
             "reason code from the gateway's decline_reasons list "
             "(required; by default CLINICAL_CONTRAINDICATION, "
             "PATIENT_DECLINED, WANTS_TO_SEE_PATIENT, "
             "DOES_NOT_PRESCRIBE_ON_RECOMMENDATION, "
             "DIAGNOSIS_RELATED_CONCERN; any other is refused listing the "
             "configured ones)"}}),
       ReasonedTransition(&PrescriptionStub::Decline),
       true},
      {{"prescriptions", "appointment-required"},
       {"ID"},
       "ACKNOWLEDGED -> APPOINTMENT_REQUIRED.",
       TransitionFlags({}),
       Transition(&PrescriptionStub::RequireAppointment),
       true},
      {{"prescriptions", "dispense"},
       {"ID"},
       "PRESCRIBED -> DISPENSED.",
       TransitionFlags({}),
       Transition(&PrescriptionStub::Dispense),
       true},
      {{"prescriptions", "supply"},
       {"ID"},
       "ACKNOWLEDGED -> SUPPLIED.",
       TransitionFlags({}),
       Transition(&PrescriptionStub::Supply),
       true},
      {{"prescriptions", "not-supplied"},
       {"ID"},
       "ACKNOWLEDGED -> NOT_SUPPLIED.",
       TransitionFlags(
           {{"reason", true, false,
             "reason code from the gateway's not_supplied_reasons list "
             "(required; by default OUT_OF_STOCK, PATIENT_DECLINED, "
             "NOT_CLINICALLY_SUITABLE, PATIENT_DID_NOT_COLLECT)"}}),
       ReasonedTransition(&PrescriptionStub::RecordNotSupplied),
       true},
      {{"prescriptions", "cancel"},
       {"ID"},
       "Any non-final state -> CANCELLED.",
       TransitionFlags({{"reason", true, false, "reason code (required)"}}),
       ReasonedTransition(&PrescriptionStub::Cancel),
       true},
      {{"events", "watch"},
       {},
       "Print events as they are committed; reconnects from the last one.",
       {{"after", true, false, "start after this sequence (default 0)"},
        {"prescription", true, false, "only this prescription request"},
        {"referral", true, false, "only this referral"},
        {"limit", true, false, "stop after this many events"},
        {"no-reconnect", false, false, "exit when the stream ends"}},
       EventsWatch},
      {{"outcomes", "record"},
       {},
       "Record a 4, 12 or 52-week outcome.",
       Concat(
           {
               {"referral", true, false, "referral id"},
               {"follow-up", true, false, "4, 12 or 52"},
               {"status", true, false,
                "quit_self_reported, quit_co_verified, reduced, relapsed, "
                "not_quit, lost_to_follow_up, disengaged, re_engaged"},
               {"co-ppm", true, false, "CO reading at follow-up, ppm"},
               {"quit-date", true, false, "YYYY-MM-DD"},
               {"recorded-on", true, false, "date of the contact, YYYY-MM-DD"},
               {"note", true, false, "short note"},
           },
           ActorFlags()),
       OutcomesRecord,
       true},
      {{"outcomes", "list"},
       {"REFERRAL_ID"},
       "List a referral's outcomes.",
       {},
       OutcomesList},
      // safety: the CYP1A2 safety alerts.
      {{"safety-alerts", "list"},
       {},
       "List CYP1A2 safety alerts: a referral's, or an organisation's.",
       {{"referral", true, false, "referral id"},
        {"ods", true, false, "prescriber or service ODS code (default: yours)"},
        {"state", true, false, "raised, sent, acknowledged, overdue"},
        {"page-size", true, false, "alerts per page"},
        {"page-token", true, false, "from the previous page"}},
       SafetyAlertsList},
      {{"safety-alerts", "ack"},
       {"ALERT_ID"},
       "Acknowledge a safety alert as a named person (the prescriber knows).",
       Concat({{"actor-ods", true, false, "ODS code of your organisation"},
               {"note", true, false, "short note for the timeline"}},
              PractitionerFlags()),
       SafetyAlertsAck,
       true},
      {{"outcomes", "search"},
       {},
       "List outcomes by organisation and follow-up date, newest first.",
       {{"referral", true, false, "only this referral"},
        {"ods", true, false, "referrals sent by, to or registered with it"},
        {"from", true, false, "recorded on or after, YYYY-MM-DD"},
        {"to", true, false, "recorded on or before, YYYY-MM-DD"},
        {"page-size", true, false, "outcomes per page"},
        {"page-token", true, false, "from the previous page"}},
       OutcomesSearch},
      {{"audit", "verify"},
       {},
       "Check every audit row against the audit key and the head against "
       "checkpoints; name a rewritten row or a missing tail (admin).",
       {{"checkpoint", true, false,
         "a checkpoint line (e.g. from the SIEM) to check against; default: "
         "every checkpoint in the gateway's checkpoint file"},
        {"checkpoint-file", true, false,
         "check against this file's last checkpoint line (an off-host copy)"}},
       AuditVerify},
      {{"audit", "list"},
       {},
       "List audit rows: who did what, when, with what result (admin).",
       {{"after", true, false, "start after this sequence (default 0)"},
        {"limit", true, false, "rows to show (default 100)"}},
       AuditList},
      // Replay and discard carry no request id (the RPCs take none); each
      // refuses a message no longer in the state it needs, so a repeat
      // changes nothing.
      {{"deliveries", "list"},
       {},
       "List outbound messages, newest first (admin).",
       {{"state", true, false, "pending, delivered, dead, discarded"},
        {"destination", true, false, "ODS code of the receiving organisation"},
        {"page-size", true, false, "messages per page"},
        {"page-token", true, false, "from the previous page"}},
       DeliveriesList},
      {{"deliveries", "show"},
       {"MESSAGE_ID"},
       "Show one outbound message's delivery (admin).",
       {},
       DeliveriesShow},
      {{"deliveries", "replay"},
       {"MESSAGE_ID"},
       "Send a dead letter or discarded message again, same id (admin).",
       {},
       DeliveriesReplay},
      {{"deliveries", "discard"},
       {"MESSAGE_ID"},
       "Give up on a dead letter for good, saying why (admin).",
       {{"reason", true, false, "why it must not be sent (required)"}},
       DeliveriesDiscard},
      {{"deliveries", "stats"},
       {},
       "Outbox per destination: queue, oldest, tries, dead letters (admin).",
       {},
       DeliveriesStats},
      // referrers
      {{"products", "list"},
       {},
       "List the formulary's products: kind, dm+d code, routes.",
       {{"kind", true, false, "nrt, varenicline, cytisine, bupropion, vape"},
        {"route", true, false,
         "only products that may take gp_prescription, pharmacy_supply or "
         "service_supply"}},
       ProductsList},
      // reports (issue 14)
      {{"report", "outcomes"},
       {},
       "The outcome return over a period: referrals, quit dates, 4/12/52-week "
       "quits, rates; by breakdown, small numbers withheld.",
       ReportFlags(ReportKind::kOutcomes),
       ReportOutcomes},
      {{"report", "pathway"},
       {},
       "Pathway performance over a period: requests by status, working days "
       "to each step, declines, overdue and dead-letter hot spots.",
       ReportFlags(ReportKind::kPathway),
       ReportPathway},
  };
  return *commands;
}

const CommandSpec* FindCommand(absl::Span<const std::string> words) {
  for (const CommandSpec& spec : Commands()) {
    if (std::equal(spec.path.begin(), spec.path.end(), words.begin(),
                   words.end())) {
      return &spec;
    }
  }
  return nullptr;
}

std::string FlagLines(const std::vector<FlagSpec>& flags) {
  std::string out;
  for (const FlagSpec& flag : flags) {
    std::string name =
        absl::StrCat("--", flag.name, flag.takes_value ? " X" : "");
    absl::StrAppend(&out, "  ", name,
                    std::string(std::max<size_t>(2, 28 - name.size()), ' '),
                    flag.help, "\n");
  }
  return out;
}

std::string CommandHelp(const CommandSpec& spec) {
  std::string out =
      absl::StrCat("usage: tobaccoctl ", absl::StrJoin(spec.path, " "));
  for (const std::string& p : spec.positionals) absl::StrAppend(&out, " ", p);
  absl::StrAppend(&out, " [flags]\n", spec.summary, "\n");
  if (spec.mutating) {
    absl::StrAppend(&out,
                    "Idempotent: repeat with the same --request-id (shown "
                    "by --verbose) to retry safely.\n");
  }
  if (!spec.flags.empty())
    absl::StrAppend(&out, "\nflags:\n", FlagLines(spec.flags));
  absl::StrAppend(&out, "\nglobal flags:\n", FlagLines(GlobalFlags()));
  return out;
}

// One line per command, optionally only those under `group`.
std::string CommandList(absl::string_view group) {
  std::string out;
  for (const CommandSpec& spec : Commands()) {
    if (!group.empty() && spec.path[0] != group) continue;
    std::string line = absl::StrJoin(spec.path, " ");
    for (const std::string& p : spec.positionals)
      absl::StrAppend(&line, " ", p);
    absl::StrAppend(&out, "  ", line,
                    std::string(std::max<size_t>(2, 40 - line.size()), ' '),
                    spec.summary, "\n");
  }
  return out;
}

// Help for whatever the words name: a command, a group, or everything.
std::string HelpFor(absl::Span<const std::string> words) {
  if (const CommandSpec* spec = FindCommand(words)) return CommandHelp(*spec);
  if (!words.empty()) {
    std::string group = CommandList(words[0]);
    if (!group.empty()) return absl::StrCat("commands:\n", group);
  }
  return UsageText();
}

absl::StatusOr<GlobalOptions> ParseGlobalOptions(const ParsedArgs& args) {
  GlobalOptions options;
  options.connection.target =
      args.GetString("target", options.connection.target);
  if (options.connection.target.empty()) return FlagError("target", "empty");
  absl::StatusOr<bool> json = args.GetBool("json");
  if (!json.ok()) return json.status();
  options.json = *json;
  absl::StatusOr<std::optional<double>> timeout = args.GetDouble("timeout");
  if (!timeout.ok()) return timeout.status();
  if (timeout->has_value()) {
    if (**timeout <= 0) return FlagError("timeout", "must be more than 0");
    options.timeout = absl::Seconds(**timeout);
  }
  options.connection.ca_file = args.GetString("ca");
  options.connection.cert_file = args.GetString("cert");
  options.connection.key_file = args.GetString("key");
  options.request_id = args.GetString("request-id");
  absl::StatusOr<bool> verbose = args.GetBool("verbose");
  if (!verbose.ok()) return verbose.status();
  options.verbose = *verbose;
  absl::StatusOr<bool> help = args.GetBool("help");
  if (!help.ok()) return help.status();
  options.help = *help;
  return options;
}

// "help" takes any words after it; modelled as a command with no flags.
const std::vector<FlagSpec>& NoFlags() {
  static const auto* none = new std::vector<FlagSpec>();
  return *none;
}

}  // namespace

// The environment and exit codes, at the end of every help text.
constexpr char kEnvironmentAndExitCodes[] =
    "\nenvironment (a flag given wins):\n"
    "  TOBACCOCTL_TARGET  --target    TOBACCOCTL_CA   --ca\n"
    "  TOBACCOCTL_CERT    --cert      TOBACCOCTL_KEY  --key\n"
    "\nexit codes:\n"
    "  0  done\n"
    "  1  the gateway refused or failed the call (fix the request)\n"
    "  2  usage: bad command, flag or file\n"
    "  3  retryable: UNAVAILABLE, RESOURCE_EXHAUSTED or DEADLINE_EXCEEDED;\n"
    "     repeat later with the same --request-id\n";

int ExitCodeFor(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitRetryable;
    default:
      return kExitRpcError;
  }
}

std::string UsageText() {
  return absl::StrCat(
      "usage: tobaccoctl [global flags] COMMAND [args] [flags]\n\ncommands:\n",
      CommandList(""), "  help [COMMAND]", std::string(26, ' '), "Show help.\n",
      "\nglobal flags:\n", FlagLines(GlobalFlags()), kEnvironmentAndExitCodes);
}

absl::StatusOr<Invocation> ParseInvocation(absl::Span<const std::string> args) {
  absl::StatusOr<ParsedCommandLine> parsed = ParseCommandLine(
      args, GlobalFlags(),
      [](absl::Span<const std::string> words) -> const std::vector<FlagSpec>* {
        if (words.size() == 1 && words[0] == "help") return &NoFlags();
        const CommandSpec* spec = FindCommand(words);
        return spec == nullptr ? nullptr : &spec->flags;
      });
  if (!parsed.ok()) return parsed.status();
  Invocation invocation;
  invocation.command = std::move(parsed->command);
  invocation.args = std::move(parsed->args);
  absl::StatusOr<GlobalOptions> options = ParseGlobalOptions(invocation.args);
  if (!options.ok()) return options.status();
  invocation.options = *std::move(options);
  return invocation;
}

int RunCommand(const Invocation& invocation,
               std::shared_ptr<grpc::Channel> channel, std::ostream& out,
               std::ostream& err, const Environment& env) {
  const CommandSpec* spec = FindCommand(invocation.command);
  Context context{invocation, std::move(channel), out, err, env};
  if (spec == nullptr) {
    return UsageError(
        context,
        absl::InvalidArgumentError(absl::StrCat(
            "unknown command '", absl::StrJoin(invocation.command, " "), "'")));
  }
  const std::vector<std::string>& given = invocation.args.positionals();
  if (given.size() > spec->positionals.size()) {
    return UsageError(context, absl::InvalidArgumentError(absl::StrCat(
                                   "unexpected argument '",
                                   given[spec->positionals.size()], "'")));
  }
  if (given.size() < spec->positionals.size()) {
    return UsageError(context,
                      absl::InvalidArgumentError(absl::StrCat(
                          "missing ", spec->positionals[given.size()])));
  }
  return spec->handler(context);
}

int RunTobaccoctl(absl::Span<const std::string> args, std::ostream& out,
                  std::ostream& err, const ChannelFactory& make_channel,
                  const Environment& env) {
  if (args.empty()) {
    err << UsageText();
    return kExitUsage;
  }
  absl::StatusOr<Invocation> invocation = ParseInvocation(args);
  if (!invocation.ok()) {
    err << "error: " << invocation.status().message() << "\n"
        << "run 'tobaccoctl help' for usage\n";
    return kExitUsage;
  }
  const std::vector<std::string>& command = invocation->command;
  if (!command.empty() && command[0] == "help") {
    out << HelpFor(invocation->args.positionals());
    return kExitOk;
  }
  if (invocation->options.help) {
    out << HelpFor(command);
    return kExitOk;
  }
  if (FindCommand(command) == nullptr) {
    std::string group = command.empty() ? "" : CommandList(command[0]);
    if (command.size() == 1 && !group.empty()) {
      err << "error: '" << command[0] << "' needs a subcommand\n";
    } else {
      err << "error: unknown command '" << absl::StrJoin(command, " ") << "'\n";
    }
    err << (group.empty() ? UsageText() : absl::StrCat("commands:\n", group));
    return kExitUsage;
  }
  // The environment fills what no flag gave.
  ConnectionOptions& connection = invocation->options.connection;
  for (auto [flag, name, field] :
       {std::tuple<const char*, const char*, std::string*>{
            "target", "TOBACCOCTL_TARGET", &connection.target},
        {"ca", "TOBACCOCTL_CA", &connection.ca_file},
        {"cert", "TOBACCOCTL_CERT", &connection.cert_file},
        {"key", "TOBACCOCTL_KEY", &connection.key_file}}) {
    if (invocation->args.Has(flag)) continue;
    std::optional<std::string> value = env.get_env(name);
    if (value.has_value() && !value->empty()) *field = *std::move(value);
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      make_channel(invocation->options.connection);
  if (!channel.ok()) {
    err << "error: " << channel.status().message() << "\n";
    return kExitUsage;
  }
  return RunCommand(*invocation, *std::move(channel), out, err, env);
}

}  // namespace nhs::tobacco::cli
