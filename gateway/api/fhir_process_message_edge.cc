#include "gateway/api/fhir_process_message_edge.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/fhir/json_read.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "adapters/fhir/message_response.h"
#include "adapters/fhir/operation_outcome.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/uuid.h"
#include "adapters/gp/gp_decision.h"
#include "adapters/pharmacy/dispense_report.h"
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

// The prescription request a message is about, and a check that it is the
// same patient: a message naming another patient is unprocessable.
absl::StatusOr<v1::PrescriptionRequest> FindRequest(
    pathway::Pathway& pathway, const std::string& prescription_id,
    const std::string& nhs_number, const std::string& id_path) {
  auto found = pathway.GetPrescription(prescription_id);
  if (!found.ok()) {
    if (found.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(
          absl::StrCat(id_path, ": no prescription request ", prescription_id));
    }
    return found.status();
  }
  if (found->patient().nhs_number() != nhs_number) {
    domain::Violations v;
    v.Add("Bundle.entry.resource.subject",
          "the patient is not the patient of this prescription request");
    return v.ToStatus("patient mismatch");
  }
  return found;
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

FhirProcessMessageEdge::FhirProcessMessageEdge(pathway::Pathway& pathway,
                                               std::string public_endpoint)
    : pathway_(pathway), public_endpoint_(std::move(public_endpoint)) {}

void FhirProcessMessageEdge::Handle(std::string_view body,
                                    fhir::Respond respond) {
  // simdjson keeps its buffers between parses: one parser per HTTP worker.
  thread_local fhir::MessageParser parser;
  auto message = parser.Parse(body);
  if (!message.ok()) {
    respond(Failure(message.status()));
    return;
  }
  Request request{std::string(message->message_key),
                  std::string(message->header_id),
                  std::string(message->event_code)};
  if (message->event_code == fhir::kEventDecision) {
    auto decision = gp::TranslateGpDecision(*message);
    if (!decision.ok()) {
      respond(Failure(decision.status()));
      return;
    }
    auto found =
        FindRequest(pathway_, decision->prescription_id(), decision->nhs_number,
                    "MedicationRequest.basedOn.identifier");
    if (!found.ok()) {
      respond(Failure(found.status()));
      return;
    }
    auto reply =
        Answer(std::move(request), public_endpoint_, std::move(respond));
    switch (decision->action) {
      case PrescriptionAction::kPrescribe:
        pathway_.Prescribe(decision->prescribe, std::move(reply));
        return;
      case PrescriptionAction::kDecline:
        pathway_.Transition(PrescriptionAction::kDecline, decision->decline,
                            std::move(reply));
        return;
      default:
        pathway_.Transition(PrescriptionAction::kRequireAppointment,
                            decision->require_appointment, std::move(reply));
        return;
    }
  }
  if (message->event_code == fhir::kEventDispense) {
    auto report = pharmacy::TranslateDispenseReport(*message);
    if (!report.ok()) {
      respond(Failure(report.status()));
      return;
    }
    if (report->transition.prescription_id().empty()) {
      // EPS ids are recorded on the timeline but not yet indexed for lookup.
      domain::Violations v;
      v.Add("MedicationDispense.authorizingPrescription",
            absl::StrCat("identify the request with identifier system ",
                         fhir::kPrescriptionRequestSystem,
                         " (lookup by EPS id alone is not supported yet)"));
      respond(Failure(v.ToStatus("unknown prescription request")));
      return;
    }
    auto found = FindRequest(pathway_, report->transition.prescription_id(),
                             report->nhs_number,
                             "MedicationDispense.authorizingPrescription");
    if (!found.ok()) {
      respond(Failure(found.status()));
      return;
    }
    const PrescriptionAction action =
        pharmacy::ActionFor(*report, found->route());
    auto reply =
        Answer(std::move(request), public_endpoint_, std::move(respond));
    if (action == PrescriptionAction::kRecordNotSupplied) {
      pathway_.Transition(action, pharmacy::NotSuppliedRequest(*report),
                          std::move(reply));
    } else {
      pathway_.Transition(action, report->transition, std::move(reply));
    }
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
