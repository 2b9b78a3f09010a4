#include "adapters/gp/gp_decision.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/inbound_common.h"
#include "adapters/fhir/json_read.h"
#include "adapters/fhir/systems.h"
#include "gateway/domain/adapter_names.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::gp {
namespace {

using fhir::Absl;
using fhir::Array;
using fhir::JsonArray;
using fhir::JsonElement;
using fhir::Member;
using fhir::Str;

// Our prescription id: in basedOn (the GP's order points at our proposal) or
// in identifier (the GP returns our proposal with a new status).
std::string_view OurPrescriptionId(JsonElement mr) {
  JsonArray based_on;
  if (Array(mr, "basedOn", &based_on)) {
    for (JsonElement b : based_on) {
      std::string_view id = fhir::IdentifierValue(
          b, "identifier", fhir::kPrescriptionRequestSystem);
      if (!id.empty()) return id;
    }
  }
  return fhir::IdentifierValue(mr, "identifier",
                               fhir::kPrescriptionRequestSystem);
}

// statusReason.coding[0].code and .text.
void StatusReason(JsonElement mr, std::string_view* code,
                  std::string_view* text) {
  JsonElement reason;
  if (!Member(mr, "statusReason", &reason)) return;
  *text = Str(reason, "text");
  JsonArray codings;
  if (Array(reason, "coding", &codings)) {
    for (JsonElement c : codings) {
      *code = Str(c, "code");
      if (text->empty()) *text = Str(c, "display");
      return;
    }
  }
}

std::string FirstNote(JsonElement resource) {
  JsonArray notes;
  if (Array(resource, "note", &notes)) {
    for (JsonElement n : notes) return std::string(Str(n, "text"));
  }
  return "";
}

template <typename Request>
void FillCommon(Request& r, const std::string& request_id,
                const std::string& prescription_id, const v1::Actor& actor,
                const std::string& note, const fhir::MessageBundle& message) {
  r.set_request_id(request_id);
  r.set_prescription_id(prescription_id);
  *r.mutable_actor() = actor;
  r.set_note(note);
  v1::ExternalId* id = r.add_external_ids();
  id->set_system(std::string(fhir::kMessageIdSystem));
  id->set_value(std::string(message.message_key));
}

}  // namespace

const std::string& GpDecision::prescription_id() const {
  switch (action) {
    case domain::PrescriptionAction::kDecline:
      return decline.prescription_id();
    case domain::PrescriptionAction::kRequireAppointment:
      return require_appointment.prescription_id();
    default:
      return prescribe.prescription_id();
  }
}

absl::StatusOr<GpDecision> TranslateGpDecision(
    const fhir::MessageBundle& message) {
  domain::Violations v;
  if (message.event_code != fhir::kEventDecision) {
    v.Add(
        "Bundle.entry[0].resource.eventCoding.code",
        absl::StrCat("must be '", fhir::kEventDecision, "' for a GP decision"));
    return v.ToStatus("not a GP decision");
  }
  const fhir::BundleEntry* mr = message.Focus();
  if (mr == nullptr || mr->resource_type != "MedicationRequest") {
    v.Add("Bundle.entry[0].resource.focus",
          "must reference the MedicationRequest entry with the decision");
    return v.ToStatus("not a usable GP decision");
  }
  const std::string path = mr->Path();
  GpDecision d;
  const std::string prescription_id(OurPrescriptionId(mr->resource));
  if (prescription_id.empty()) {
    v.Add(absl::StrCat(path, ".basedOn"),
          absl::StrCat("must identify our prescription request (identifier "
                       "system ",
                       fhir::kPrescriptionRequestSystem, ")"));
  }
  d.nhs_number = fhir::SubjectNhsNumber(message, *mr, v);
  v1::Actor actor;
  actor.set_adapter(std::string(domain::kFhirAdapter));
  JsonElement sender;
  if (Member(message.header, "sender", &sender)) {
    *actor.mutable_organisation() = fhir::ReferencedOrganisation(
        message, sender, "Bundle.entry[0].resource.sender", v);
  } else {
    v.Add("Bundle.entry[0].resource.sender",
          "is required (the GP practice, by ODS code)");
  }
  JsonElement requester;
  if (Member(mr->resource, "requester", &requester)) {
    *actor.mutable_practitioner() =
        fhir::ReferencedPractitioner(message, requester);
  }
  const std::string request_id = fhir::RequestIdFor(message);
  const std::string_view status = Str(mr->resource, "status");
  const std::string_view intent = Str(mr->resource, "intent");
  std::string_view reason_code, reason_text;
  StatusReason(mr->resource, &reason_code, &reason_text);
  std::string note = FirstNote(mr->resource);

  if (status == "on-hold") {
    d.action = domain::PrescriptionAction::kRequireAppointment;
    if (note.empty()) note = std::string(reason_text);
    FillCommon(d.require_appointment, request_id, prescription_id, actor, note,
               message);
  } else if (status == "cancelled" || status == "stopped") {
    d.action = domain::PrescriptionAction::kDecline;
    if (reason_code.empty()) {
      v.Add(absl::StrCat(path, ".statusReason"),
            "a coded reason (statusReason.coding[0].code) is required to "
            "decline");
    }
    if (note.empty()) note = std::string(reason_text);
    FillCommon(d.decline, request_id, prescription_id, actor, note, message);
    d.decline.set_reason_code(std::string(reason_code));
  } else if ((status == "active" || status == "completed") &&
             (intent == "order" || intent == "original-order")) {
    d.action = domain::PrescriptionAction::kPrescribe;
    std::string_view eps = fhir::IdentifierValue(
        mr->resource, "groupIdentifier", fhir::kEpsOrderNumberSystem);
    const std::string eps_path = absl::StrCat(path, ".groupIdentifier.value");
    if (eps.empty()) {
      v.Add(eps_path, absl::StrCat("the EPS prescription id (system ",
                                   fhir::kEpsOrderNumberSystem,
                                   ") is required for a prescription"));
    } else if (absl::Status s = domain::ValidateEpsPrescriptionId(Absl(eps));
               !s.ok()) {
      v.Add(eps_path, s.message());
    }
    FillCommon(d.prescribe, request_id, prescription_id, actor, note, message);
    d.prescribe.set_eps_prescription_id(std::string(eps));
    JsonArray ids;
    if (Array(mr->resource, "identifier", &ids)) {
      for (JsonElement id : ids) {
        if (Str(id, "system") == fhir::kPrescriptionRequestSystem) continue;
        if (Str(id, "system").empty() || Str(id, "value").empty()) continue;
        v1::ExternalId* e = d.prescribe.add_external_ids();
        e->set_system(std::string(Str(id, "system")));
        e->set_value(std::string(Str(id, "value")));
      }
    }
  } else {
    v.Add(absl::StrCat(path, ".status"),
          absl::StrCat("status '", Absl(status.substr(0, 32)),
                       "' with intent '", Absl(intent.substr(0, 32)),
                       "' is not a decision: use intent order (prescribed), "
                       "status cancelled or stopped with a statusReason "
                       "(declined), or status on-hold (see the patient "
                       "first)"));
  }
  if (!v.empty()) return v.ToStatus("not a usable GP decision");
  return d;
}

}  // namespace nhs::tobacco::gp
