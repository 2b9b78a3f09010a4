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
#include "gateway/api/authorization.h"
#include "gateway/common/status_macros.h"
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

// The prescription request a message is about, or NOT_FOUND naming the
// element that referred to it (seen only by the development principal:
// AuthorizeRecord hides absence from everyone else).
absl::StatusOr<v1::PrescriptionRequest> Lookup(
    pathway::Pathway& pathway, const std::string& prescription_id,
    const std::string& id_path) {
  auto found = pathway.GetPrescription(prescription_id);
  if (!found.ok() && found.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat(id_path, ": no prescription request ", prescription_id));
  }
  return found;
}

// A message naming another patient than the request's is unprocessable.
// Checked only after authorisation, so it reveals nothing to a stranger.
absl::Status SamePatient(const v1::PrescriptionRequest& found,
                         const std::string& nhs_number) {
  if (found.patient().nhs_number() == nhs_number) return absl::OkStatus();
  domain::Violations v;
  v.Add("Bundle.entry.resource.subject",
        "the patient is not the patient of this prescription request");
  return v.ToStatus("patient mismatch");
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

FhirProcessMessageEdge::FhirProcessMessageEdge(pathway::Pathway& pathway,
                                               std::string public_endpoint,
                                               int per_principal_rate_limit)
    : pathway_(pathway),
      public_endpoint_(std::move(public_endpoint)),
      limiter_(per_principal_rate_limit) {}

absl::StatusOr<v1::PrescriptionRequest> FhirProcessMessageEdge::Authorized(
    const security::Principal& caller, security::Operation op,
    const std::string& prescription_id, const v1::Actor& sender,
    const std::string& nhs_number,
    absl::StatusOr<v1::PrescriptionRequest> found, bool holds_eps_id) {
  absl::StatusOr<v1::PrescriptionRequest> allowed =
      AuthorizeRecord(caller, op, std::move(found), holds_eps_id);
  // The timeline records the sender the message names; it must be the
  // organisation that proved itself in the handshake, or one practice could
  // act in another's name.
  if (allowed.ok() && caller.role != security::Role::kDevelopment &&
      sender.organisation().ods_code() != caller.ods_code) {
    allowed = absl::PermissionDeniedError(absl::StrCat(
        security::OperationName(op), " refused for ", caller.ods_code,
        ": the message's sender (MessageHeader.sender / performer) must be "
        "the organisation of the client certificate"));
  }
  if (!allowed.ok() &&
      allowed.status().code() == absl::StatusCode::kPermissionDenied) {
    pathway_.Audit(caller, security::OperationName(op), prescription_id,
                   allowed.status());
  }
  if (allowed.ok()) {
    // Only then may the message's patient be compared: a refusal above
    // must not reveal whose request it is.
    RETURN_IF_ERROR(SamePatient(*allowed, nhs_number));
  }
  return allowed;
}

void FhirProcessMessageEdge::Handle(const fhir::InboundMessage& inbound,
                                    fhir::Respond respond) {
  absl::StatusOr<security::Principal> caller =
      Authenticate(inbound.peer_certificate_pem);
  if (!caller.ok()) {
    respond(Failure(caller.status()));
    return;
  }
  if (!limiter_.Allow(caller->ods_code, absl::Now())) {
    respond(Failure(absl::ResourceExhaustedError(absl::StrCat(
        "rate limit for ", caller->ods_code, " exceeded; resend shortly"))));
    return;
  }
  // simdjson keeps its buffers between parses: one parser per HTTP worker.
  thread_local fhir::MessageParser parser;
  auto message = parser.Parse(inbound.body);
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
    const v1::Actor& sender =
        decision->action == PrescriptionAction::kDecline
            ? decision->decline.actor()
        : decision->action == PrescriptionAction::kRequireAppointment
            ? decision->require_appointment.actor()
            : decision->prescribe.actor();
    auto found =
        Authorized(*caller, OperationFor(decision->action),
                   decision->prescription_id(), sender, decision->nhs_number,
                   Lookup(pathway_, decision->prescription_id(),
                          "MedicationRequest.basedOn.identifier"),
                   /*holds_eps_id=*/false);
    if (!found.ok()) {
      respond(Failure(found.status()));
      return;
    }
    auto reply =
        Answer(std::move(request), public_endpoint_, std::move(respond));
    switch (decision->action) {
      case PrescriptionAction::kPrescribe:
        pathway_.Prescribe(decision->prescribe, std::move(reply), *caller);
        return;
      case PrescriptionAction::kDecline:
        pathway_.Transition(PrescriptionAction::kDecline, decision->decline,
                            std::move(reply), *caller);
        return;
      default:
        pathway_.Transition(PrescriptionAction::kRequireAppointment,
                            decision->require_appointment, std::move(reply),
                            *caller);
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
      // A pharmacy dispensing a GP prescription knows it by its EPS id only
      // (the translation guarantees one of the two ids).
      absl::StatusOr<v1::PrescriptionRequest> by_eps =
          pathway_.GetPrescriptionByEpsId(report->eps_prescription_id);
      if (by_eps.ok()) {
        report->transition.set_prescription_id(by_eps->prescription_id());
      } else if (by_eps.status().code() != absl::StatusCode::kNotFound) {
        respond(Failure(by_eps.status()));
        return;
      }
    }
    // An unknown EPS id is audited under the id the pharmacy quoted.
    const std::string id = report->transition.prescription_id().empty()
                               ? report->eps_prescription_id
                               : report->transition.prescription_id();
    absl::StatusOr<v1::PrescriptionRequest> current =
        Lookup(pathway_, id, "MedicationDispense.authorizingPrescription");
    // The step depends on the request's route; an unknown request is
    // refused whatever the step, so any will do for it.
    const PrescriptionAction action =
        current.ok() ? pharmacy::ActionFor(*report, current->route())
                     : PrescriptionAction::kSupply;
    // On the GP route the patient chose the pharmacy through EPS: quoting
    // the request's EPS id is what entitles it to dispense.
    const bool holds_eps_id =
        current.ok() && !current->eps_prescription_id().empty() &&
        report->eps_prescription_id == current->eps_prescription_id();
    auto found = Authorized(*caller, OperationFor(action), id,
                            report->transition.actor(), report->nhs_number,
                            std::move(current), holds_eps_id);
    if (!found.ok()) {
      respond(Failure(found.status()));
      return;
    }
    auto reply =
        Answer(std::move(request), public_endpoint_, std::move(respond));
    if (action == PrescriptionAction::kRecordNotSupplied) {
      pathway_.Transition(action, pharmacy::NotSuppliedRequest(*report),
                          std::move(reply), *caller);
    } else {
      pathway_.Transition(action, report->transition, std::move(reply),
                          *caller);
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
