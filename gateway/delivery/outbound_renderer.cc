#include "gateway/delivery/outbound_renderer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "adapters/fhir/message_bundle_builder.h"
#include "adapters/gp/outcome_message.h"
#include "adapters/gp/recommendation_message.h"
#include "adapters/gp_connect/gp_letters.h"
#include "adapters/gp_connect/letter_pdf.h"
#include "adapters/gp_connect/send_document.h"
#include "adapters/hl7v2/writer.h"
#include "adapters/mental_health/oru_r01_builder.h"
#include "adapters/mental_health/rri_i12_builder.h"
#include "adapters/mental_health/safety_alert_builder.h"
#include "adapters/pharmacy/supply_request_message.h"
#include "adapters/service/cancellation_message.h"
#include "adapters/service/overdue_escalation_message.h"
#include "adapters/service/safety_alert_escalation_message.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"

namespace nhs::tobacco::delivery {
namespace {

absl::Time CausedAt(const v1::OutboundMessage& m) {
  return domain::FromTimestamp(m.caused_at());
}

mental_health::OutboundHeader Hl7Header(const v1::OutboundMessage& m,
                                        const RenderTarget& target) {
  mental_health::OutboundHeader h;
  h.receiving_application = target.receiving_application;
  h.sending_facility = m.referral().service().ods_code();
  if (h.sending_facility.empty()) {
    h.sending_facility = m.prescription().service().ods_code();
  }
  h.receiving_facility = m.destination_ods();
  h.control_id = Hl7ControlId(m.message_id());
  h.timestamp = CausedAt(m);
  return h;
}

absl::StatusOr<std::string> RenderHl7(const v1::OutboundMessage& m,
                                      const RenderTarget& target) {
  const mental_health::OutboundHeader header = Hl7Header(m, target);
  absl::StatusOr<hl7v2::Message> built;
  switch (m.kind()) {
    case v1::MESSAGE_KIND_REFERRAL_RESPONSE:
      built = mental_health::BuildRriI12(m.referral(), header);
      break;
    case v1::MESSAGE_KIND_TRUST_OUTCOME:
      built = mental_health::BuildOruR01(m.outcome(), m.referral(), header);
      break;
    case v1::MESSAGE_KIND_SAFETY_ALERT:
      if (m.has_safety_alert()) {
        built = mental_health::BuildSafetyAlert(m.referral(), m.safety_alert(),
                                                header);
        break;
      }
      // Queued before alerts were records: treatment starts with the
      // recommendation that caused it.
      built = mental_health::BuildSafetyAlert(
          m.referral(),
          absl::FormatTime("%Y-%m-%d", header.timestamp, absl::UTCTimeZone()),
          header);
      break;
    default:
      return absl::InvalidArgumentError("not an HL7 v2 message kind");
  }
  RETURN_IF_ERROR(built.status());
  return hl7v2::WriteEr7(*built);
}

absl::StatusOr<std::string> RenderFhir(const v1::OutboundMessage& m,
                                       const RenderTarget& target) {
  fhir::MessageContext context;
  context.message_id = m.message_id();
  context.timestamp = CausedAt(m);
  context.source_endpoint = target.source_endpoint;
  context.destination_endpoint = target.destination_endpoint;
  absl::StatusOr<fhir::Json> built;
  switch (m.kind()) {
    case v1::MESSAGE_KIND_GP_RECOMMENDATION:
      built = gp::BuildRecommendationMessage(m.prescription(), m.referral(),
                                             context);
      break;
    case v1::MESSAGE_KIND_GP_REMINDER:
      built = gp::BuildRecommendationMessage(m.prescription(), m.referral(),
                                             context, /*reminder=*/true);
      break;
    case v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST:
      built = pharmacy::BuildPharmacyMessage(
          m.prescription(), m.referral(), m.prescription().target(), context);
      break;
    case v1::MESSAGE_KIND_PRESCRIPTION_NOTICE:
      built = pharmacy::BuildPharmacyMessage(
          m.prescription(), m.referral(), m.prescription().nominated_pharmacy(),
          context);
      break;
    case v1::MESSAGE_KIND_GP_OUTCOME:
      built = gp::BuildOutcomeMessage(m.outcome(), m.referral(), context);
      break;
    case v1::MESSAGE_KIND_OVERDUE_ESCALATION:
      built = service::BuildOverdueEscalationMessage(m.prescription(), m.note(),
                                                     context);
      break;
    case v1::MESSAGE_KIND_SAFETY_ALERT_ESCALATION:
      built = service::BuildSafetyAlertEscalationMessage(
          m.safety_alert(), m.referral(), m.note(), context);
      break;
    case v1::MESSAGE_KIND_CANCELLATION_NOTICE:
      built = service::BuildCancellationMessage(
          m.prescription(), m.referral(),
          m.destination_ods() == m.prescription().target().ods_code()
              ? m.prescription().target()
              : m.prescription().nominated_pharmacy(),
          context);
      break;
    default:
      return absl::InvalidArgumentError("not a FHIR message kind");
  }
  RETURN_IF_ERROR(built.status());
  // JSON escapes every control character (\u000b); bytes that are not UTF-8
  // (a record from before text was checked on the way in) become U+FFFD
  // rather than throwing out of the delivery worker.
  return built->dump(-1, ' ', false, fhir::Json::error_handler_t::replace);
}

// MESH (issue 17): a GP Connect Send Document, the letter as a PDF in an
// ITK3 message.
absl::StatusOr<std::string> RenderMesh(const v1::OutboundMessage& m,
                                       const RenderTarget& target) {
  gp_connect::Letter letter;
  switch (m.kind()) {
    case v1::MESSAGE_KIND_GP_RECOMMENDATION:
      letter = gp_connect::RecommendationLetter(m.prescription(), m.referral(),
                                                /*reminder=*/false);
      break;
    case v1::MESSAGE_KIND_GP_REMINDER:
      letter = gp_connect::RecommendationLetter(m.prescription(), m.referral(),
                                                /*reminder=*/true);
      break;
    case v1::MESSAGE_KIND_GP_OUTCOME:
      letter = gp_connect::OutcomeLetter(m.outcome(), m.referral());
      break;
    case v1::MESSAGE_KIND_CANCELLATION_NOTICE:
      letter = gp_connect::CancellationLetter(m.prescription(), m.referral());
      break;
    default:
      return absl::InvalidArgumentError("not a letter MESH can carry");
  }
  ASSIGN_OR_RETURN(std::string pdf, gp_connect::RenderLetterPdf(letter));
  const v1::Organisation& service = ServiceOf(m);
  gp_connect::SendDocumentContext context;
  context.message_id = m.message_id();
  context.timestamp = CausedAt(m);
  context.sender_ods = service.ods_code();
  context.sender_name =
      !service.name().empty() ? service.name()
      : !target.sender_name.empty()
          ? target.sender_name
          : absl::StrCat("Tobacco dependence service ", service.ods_code());
  context.recipient_ods = m.destination_ods();
  context.document_title = letter.title;
  context.sender_mesh_mailbox = target.source_mesh_mailbox;
  // Who wrote it: the practitioner who recommended (or cancelled) the
  // request, or who recorded the outcome.
  context.author = m.kind() == v1::MESSAGE_KIND_GP_OUTCOME
                       ? m.outcome().recorded_by().practitioner()
                       : m.prescription().recommended_by();
  if (context.author.identifier().empty() &&
      context.author.display_name().empty()) {
    // No named person (a GP-referred patient's outcome from an HL7 feed):
    // the service signs, as its letters do.
    context.author.set_display_name(context.sender_name);
  }
  if (!m.prescription_id().empty()) {
    context.sender_reference = m.prescription_id();
  }
  return gp_connect::BuildSendDocument(context, m.referral(), pdf);
}

}  // namespace

const v1::Organisation& ServiceOf(const v1::OutboundMessage& message) {
  return message.prescription().has_service() ? message.prescription().service()
                                              : message.referral().service();
}

std::string Hl7ControlId(absl::string_view message_id) {
  std::string hex = absl::StrReplaceAll(message_id, {{"-", ""}});
  return hex.substr(0, 20);
}

absl::StatusOr<std::string> RenderMessage(const v1::OutboundMessage& message,
                                          const RenderTarget& target) {
  if (message.channel() == v1::DELIVERY_CHANNEL_HL7V2_MLLP) {
    return RenderHl7(message, target);
  }
  if (message.channel() == v1::DELIVERY_CHANNEL_MESH) {
    return RenderMesh(message, target);
  }
  return RenderFhir(message, target);
}

}  // namespace nhs::tobacco::delivery
