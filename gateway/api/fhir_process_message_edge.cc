#include "gateway/api/fhir_process_message_edge.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/fhir/json_read.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "adapters/fhir/message_response.h"
#include "adapters/fhir/operation_outcome.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/uuid.h"
#include "adapters/gp/gp_decision.h"
#include "adapters/pharmacy/dispense_report.h"
#include "gateway/common/error_reason.h"
#include "gateway/common/log.h"
#include "gateway/domain/field_violations.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::api {
namespace {

using domain::PrescriptionAction;

fhir::HttpResponse Failure(const absl::Status& status) {
  fhir::HttpResponse r;
  r.status = HttpStatusFor(status);
  r.body = fhir::BuildOperationOutcome(status, fhir::RandomUuid()).dump();
  return r;
}

// What the answer needs from the request, copied: the parsed Bundle lives
// in a per-thread parser that the next request reuses.
struct Request {
  std::string message_key;
  std::string header_id;
  std::string event_code;
};

pathway::Reply<v1::PrescriptionRequest> Answer(Request request,
                                               std::string endpoint,
                                               fhir::Respond respond) {
  return [request = std::move(request), endpoint = std::move(endpoint),
          respond = std::move(respond)](
             absl::StatusOr<v1::PrescriptionRequest> result) {
    if (!result.ok()) {
      respond(Failure(result.status()));
      return;
    }
    const absl::Time when = absl::FromUnixMillis(
        google::protobuf::util::TimeUtil::TimestampToMilliseconds(
            result->updated_at()));
    fhir::HttpResponse r;
    r.body =
        fhir::BuildOkResponse(
            {request.message_key, request.header_id, request.event_code}, when,
            endpoint,
            absl::StrCat("Prescription request ", result->prescription_id(),
                         " is ", domain::StatusName(result->status())))
            .dump();
    respond(std::move(r));
  };
}

// The sender from a verified client certificate. The handshake refuses a
// client without one, so an empty PEM means a listener set up without
// client_ca_file: refused all the same.
absl::StatusOr<security::Principal> Authenticate(std::string_view pem) {
  if (pem.empty()) {
    return absl::UnauthenticatedError(
        "a client certificate from the gateway's CA is required");
  }
  return security::PrincipalFromCertificatePem(
      absl::string_view(pem.data(), pem.size()));
}

}  // namespace

int HttpStatusFor(const absl::Status& status) {
  if (fhir::IsMalformedJson(status)) return 400;
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
      return 422;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

FhirProcessMessageEdge::FhirProcessMessageEdge(
    pathway::PrescriptionUseCases& prescriptions, std::string public_endpoint,
    int per_principal_rate_limit)
    : prescriptions_(prescriptions),
      public_endpoint_(std::move(public_endpoint)),
      limiter_(per_principal_rate_limit) {}

namespace {

// One event per message with its correlation fields, whatever the answer:
// the sender, the Bundle and its event, the request it moved, the status.
struct MessageLogFields {
  std::string sender;
  std::string bundle_id;
  std::string event_code;
  std::string prescription_id;
};

fhir::Respond LoggingResponder(std::shared_ptr<MessageLogFields> fields,
                               fhir::Respond respond) {
  return [fields = std::move(fields),
          respond = std::move(respond)](fhir::HttpResponse r) {
    const bool ok = r.status < 400;
    LogEvent event(ok ? LogLevel::kInfo : LogLevel::kWarning, "fhir");
    event.With("fhir_sender", fields->sender)
        .With("fhir_bundle_id", fields->bundle_id)
        .With("fhir_event", fields->event_code)
        .With("http_status", r.status);
    if (!fields->prescription_id.empty()) {
      event.With("prescription_id", fields->prescription_id);
    }
    event.Write(ok ? "message processed" : "message refused");
    respond(std::move(r));
  };
}

}  // namespace

void FhirProcessMessageEdge::Handle(const fhir::InboundMessage& inbound,
                                    fhir::Respond respond) {
  auto log_fields = std::make_shared<MessageLogFields>();
  respond = LoggingResponder(log_fields, std::move(respond));
  // The event is known only once the Bundle is parsed; the answer may come
  // later on a store thread, after the label was set here.
  std::shared_ptr<std::string_view> event;
  if (observer_) {
    event = std::make_shared<std::string_view>("none");
    respond = [observer = observer_, event,
               respond = std::move(respond)](fhir::HttpResponse response) {
      observer(*event, response.status);
      respond(std::move(response));
    };
  }
  absl::StatusOr<security::Principal> caller =
      Authenticate(inbound.peer_certificate_pem);
  if (!caller.ok()) {
    respond(Failure(caller.status()));
    return;
  }
  log_fields->sender = caller->ods_code;
  if (!limiter_.Allow(caller->ods_code, absl::Now())) {
    respond(Failure(WithReason(
        absl::ResourceExhaustedError(absl::StrCat(
            "rate limit for ", caller->ods_code, " exceeded; resend shortly")),
        reason::kRateLimited)));
    return;
  }
  // simdjson keeps its buffers between parses: one parser per HTTP worker.
  thread_local fhir::MessageParser parser;
  auto message = parser.Parse(inbound.body);
  if (!message.ok()) {
    respond(Failure(message.status()));
    return;
  }
  log_fields->bundle_id = std::string(message->message_key);
  log_fields->event_code = std::string(message->event_code.substr(0, 64));
  if (event != nullptr) {
    // Only our constants as labels: the sender's text never becomes one.
    *event = message->event_code == fhir::kEventDecision ? fhir::kEventDecision
             : message->event_code == fhir::kEventDispense
                 ? fhir::kEventDispense
                 : "other";
  }
  Request request{std::string(message->message_key),
                  std::string(message->header_id),
                  std::string(message->event_code)};
  const pathway::Caller as(*caller, pathway::kFhirAdapter);
  if (message->event_code == fhir::kEventDecision) {
    auto decision = gp::TranslateGpDecision(*message);
    if (!decision.ok()) {
      respond(Failure(decision.status()));
      return;
    }
    pathway::MessageStep step;
    step.action_for_route = [action = decision->action](v1::Route) {
      return action;
    };
    step.prescription_id = decision->prescription_id();
    log_fields->prescription_id = step.prescription_id;
    step.prescribe = decision->prescribe;
    step.reasoned = decision->decline;
    step.transition = decision->require_appointment;
    step.nhs_number = decision->nhs_number;
    step.id_path = "MedicationRequest.basedOn.identifier";
    step.reason_path = "MedicationRequest.statusReason.coding[0].code";
    prescriptions_.ApplyMessage(
        as, std::move(step),
        Answer(std::move(request), public_endpoint_, std::move(respond)));
    return;
  }
  if (message->event_code == fhir::kEventDispense) {
    auto report = pharmacy::TranslateDispenseReport(*message);
    if (!report.ok()) {
      respond(Failure(report.status()));
      return;
    }
    pathway::MessageStep step;
    // The step depends on the request's route; an unknown request is
    // refused whatever the step, so any will do for it.
    step.action_for_route = [completed = report->completed](v1::Route route) {
      if (route == v1::ROUTE_UNSPECIFIED) return PrescriptionAction::kSupply;
      pharmacy::DispenseReport r;
      r.completed = completed;
      return pharmacy::ActionFor(r, route);
    };
    step.prescription_id = report->transition.prescription_id();
    log_fields->prescription_id = step.prescription_id;
    step.reasoned = pharmacy::NotSuppliedRequest(*report);
    step.transition = report->transition;
    step.eps_prescription_id = report->eps_prescription_id;
    step.nhs_number = report->nhs_number;
    step.id_path = "MedicationDispense.authorizingPrescription";
    step.reason_path =
        "MedicationDispense.statusReasonCodeableConcept.coding[0].code";
    prescriptions_.ApplyMessage(
        as, std::move(step),
        Answer(std::move(request), public_endpoint_, std::move(respond)));
    return;
  }
  domain::Violations v;
  v.Add("Bundle.entry[0].resource.eventCoding.code",
        absl::StrCat("event '", fhir::Absl(message->event_code.substr(0, 64)),
                     "' is not one this gateway accepts (",
                     fhir::kEventDecision, ", ", fhir::kEventDispense, ")"));
  respond(Failure(v.ToStatus("unsupported message event")));
}

}  // namespace nhs::tobacco::api
