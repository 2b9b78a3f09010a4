#include "adapters/pharmacy/dispense_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/fhir/inbound_common.h"
#include "adapters/fhir/json_read.h"
#include "adapters/fhir/systems.h"
#include "gateway/domain/adapter_names.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::pharmacy {
namespace {

using fhir::Absl;
using fhir::Array;
using fhir::JsonArray;
using fhir::JsonElement;
using fhir::Member;
using fhir::Str;

// "28 patch of Nicotine ... handed over 2026-12-01T11:20:00+00:00".
std::string HandoverNote(JsonElement md) {
  std::string note;
  JsonElement quantity;
  double value = 0;
  if (Member(md, "quantity", &quantity) &&
      fhir::Number(quantity, "value", &value)) {
    absl::StrAppend(&note, absl::StrFormat("%g", value), " ",
                    Absl(Str(quantity, "unit")), " ");
  }
  JsonElement medication;
  if (Member(md, "medicationCodeableConcept", &medication)) {
    std::string_view text = Str(medication, "text");
    if (text.empty()) {
      JsonArray codings;
      if (Array(medication, "coding", &codings)) {
        for (JsonElement c : codings) {
          text = Str(c, "display");
          break;
        }
      }
    }
    if (!text.empty()) absl::StrAppend(&note, "of ", Absl(text), " ");
  }
  std::string_view when = Str(md, "whenHandedOver");
  if (!when.empty()) absl::StrAppend(&note, "handed over ", Absl(when));
  while (!note.empty() && note.back() == ' ') note.pop_back();
  return note.substr(0, 500);
}

}  // namespace

absl::StatusOr<DispenseReport> TranslateDispenseReport(
    const fhir::MessageBundle& message) {
  domain::Violations v;
  if (message.event_code != fhir::kEventDispense) {
    v.Add("Bundle.entry[0].resource.eventCoding.code",
          absl::StrCat("must be '", fhir::kEventDispense,
                       "' for a pharmacy report"));
    return v.ToStatus("not a dispense notification");
  }
  const fhir::BundleEntry* md = message.Focus();
  if (md == nullptr || md->resource_type != "MedicationDispense") {
    v.Add("Bundle.entry[0].resource.focus",
          "must reference the MedicationDispense entry");
    return v.ToStatus("not a usable dispense notification");
  }
  const std::string path = md->Path();
  DispenseReport r;
  JsonArray auth;
  if (Array(md->resource, "authorizingPrescription", &auth)) {
    for (JsonElement a : auth) {
      JsonElement id;
      if (!Member(a, "identifier", &id)) continue;
      const std::string_view system = Str(id, "system");
      if (system == fhir::kPrescriptionRequestSystem) {
        r.transition.set_prescription_id(std::string(Str(id, "value")));
      } else if (system == fhir::kEpsOrderNumberSystem) {
        r.eps_prescription_id = std::string(Str(id, "value"));
      }
    }
  }
  if (r.transition.prescription_id().empty() && r.eps_prescription_id.empty()) {
    v.Add(absl::StrCat(path, ".authorizingPrescription"),
          absl::StrCat("must identify the prescription request (identifier "
                       "system ",
                       fhir::kPrescriptionRequestSystem, " or ",
                       fhir::kEpsOrderNumberSystem, ")"));
  } else if (!r.eps_prescription_id.empty()) {
    if (absl::Status s =
            domain::ValidateEpsPrescriptionId(r.eps_prescription_id);
        !s.ok()) {
      v.Add(absl::StrCat(path, ".authorizingPrescription.identifier.value"),
            s.message());
    }
  }
  r.nhs_number = fhir::SubjectNhsNumber(message, *md, v);

  v1::Actor* actor = r.transition.mutable_actor();
  actor->set_adapter(std::string(domain::kFhirAdapter));
  JsonArray performers;
  bool have_org = false;
  if (Array(md->resource, "performer", &performers)) {
    int i = 0;
    for (JsonElement p : performers) {
      JsonElement who;
      if (!Member(p, "actor", &who)) continue;
      const fhir::BundleEntry* e = message.Resolve(Str(who, "reference"));
      if (e != nullptr && e->resource_type != "Organization") {
        *actor->mutable_practitioner() =
            fhir::ReferencedPractitioner(message, who);
        continue;
      }
      *actor->mutable_organisation() = fhir::ReferencedOrganisation(
          message, who, absl::StrCat(path, ".performer[", i, "].actor"), v);
      have_org = true;
      ++i;
    }
  }
  if (!have_org) {
    JsonElement sender;
    if (Member(message.header, "sender", &sender)) {
      *actor->mutable_organisation() = fhir::ReferencedOrganisation(
          message, sender, "Bundle.entry[0].resource.sender", v);
    } else {
      v.Add(absl::StrCat(path, ".performer"),
            "the pharmacy (an Organization with an ODS code) is required");
    }
  }

  const std::string_view status = Str(md->resource, "status");
  if (status == "completed") {
    r.completed = true;
    r.transition.set_note(HandoverNote(md->resource));
  } else if (status == "declined" || status == "cancelled" ||
             status == "stopped") {
    JsonElement reason;
    JsonArray codings;
    if (Member(md->resource, "statusReasonCodeableConcept", &reason) &&
        Array(reason, "coding", &codings)) {
      for (JsonElement c : codings) {
        r.reason_code = std::string(Str(c, "code"));
        break;
      }
      r.transition.set_note(std::string(Str(reason, "text")).substr(0, 500));
    }
    if (r.reason_code.empty()) {
      v.Add(absl::StrCat(path, ".statusReasonCodeableConcept"),
            "a coded reason (coding[0].code) is required when not supplied");
    }
  } else {
    v.Add(absl::StrCat(path, ".status"),
          absl::StrCat("'", Absl(status.substr(0, 32)),
                       "' is not a final report: send completed, or declined "
                       "with a statusReasonCodeableConcept"));
  }
  r.transition.set_request_id(fhir::RequestIdFor(message));
  JsonArray ids;
  if (Array(md->resource, "identifier", &ids)) {
    for (JsonElement id : ids) {
      if (Str(id, "system").empty() || Str(id, "value").empty()) continue;
      v1::ExternalId* e = r.transition.add_external_ids();
      e->set_system(std::string(Str(id, "system")));
      e->set_value(std::string(Str(id, "value")));
    }
  }
  v1::ExternalId* e = r.transition.add_external_ids();
  e->set_system(fhir::kMessageIdSystem);
  e->set_value(std::string(message.message_key));
  if (!v.empty()) return v.ToStatus("not a usable dispense notification");
  return r;
}

domain::PrescriptionAction ActionFor(const DispenseReport& report,
                                     v1::Route route) {
  if (!report.completed) return domain::PrescriptionAction::kRecordNotSupplied;
  return route == v1::ROUTE_GP_PRESCRIPTION
             ? domain::PrescriptionAction::kDispense
             : domain::PrescriptionAction::kSupply;
}

v1::ReasonedTransitionRequest NotSuppliedRequest(const DispenseReport& report) {
  v1::ReasonedTransitionRequest r;
  r.set_request_id(report.transition.request_id());
  r.set_prescription_id(report.transition.prescription_id());
  *r.mutable_actor() = report.transition.actor();
  r.set_note(report.transition.note());
  *r.mutable_external_ids() = report.transition.external_ids();
  r.set_reason_code(report.reason_code);
  return r;
}

}  // namespace nhs::tobacco::pharmacy
