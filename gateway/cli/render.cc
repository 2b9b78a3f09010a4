#include "gateway/cli/render.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gateway/cli/enum_names.h"
#include "gateway/cli/table.h"
#include "gateway/common/nhs_number_mask.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace nhs::tobacco::cli {
namespace {

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

// Enum value without prefix; "-" for UNSPECIFIED (not set).
template <typename E>
std::string Name(E value) {
  return static_cast<int>(value) == 0 ? "-" : EnumName(value);
}

std::string PractitionerText(const v1::Practitioner& p) {
  if (p.identifier().empty() && p.display_name().empty()) return "";
  std::vector<std::string> parts;
  if (!p.display_name().empty()) parts.push_back(p.display_name());
  if (!p.identifier().empty()) {
    parts.push_back(p.register_() == 0 ? p.identifier()
                                       : absl::StrCat(EnumName(p.register_()),
                                                      " ", p.identifier()));
  }
  return absl::StrJoin(parts, ", ");
}

std::string OrgText(const v1::Organisation& org) {
  if (org.name().empty()) return OrDash(org.ods_code());
  return absl::StrCat(OrDash(org.ods_code()), " (", org.name(), ")");
}

std::string ActorText(const v1::Actor& actor) {
  std::string text = OrDash(actor.organisation().ods_code());
  std::string practitioner = PractitionerText(actor.practitioner());
  if (!practitioner.empty()) absl::StrAppend(&text, " / ", practitioner);
  return text;
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

std::string Transition(const v1::TimelineEvent& event) {
  if (event.from_status() != 0 || event.to_status() != 0) {
    return absl::StrCat(
        event.from_status() == 0 ? "" : Name(event.from_status()), "->",
        Name(event.to_status()));
  }
  if (event.referral_status() != 0) {
    return absl::StrCat("->", Name(event.referral_status()));
  }
  return "-";
}

std::string ReasonAndNote(const v1::TimelineEvent& event) {
  std::vector<std::string> parts;
  if (!event.reason_code().empty()) {
    parts.push_back(event.reason_display().empty()
                        ? event.reason_code()
                        : absl::StrCat(event.reason_code(), " (",
                                       event.reason_display(), ")"));
  }
  if (!event.note().empty()) parts.push_back(event.note());
  if (event.has_due_at()) {
    parts.push_back(absl::StrCat("due ", FormatTimestamp(event.due_at())));
  }
  for (const v1::ExternalId& id : event.external_ids()) {
    parts.push_back(absl::StrCat(id.system(), "=", id.value()));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

// Whole seconds, "1h2m3s"; "-" when nothing is pending (the age is 0).
std::string PendingAge(const v1::DestinationStats& stats) {
  if (stats.pending() == 0) return "-";
  absl::Duration age = absl::Trunc(
      absl::Seconds(stats.oldest_pending_age_seconds()), absl::Seconds(1));
  return age < absl::Seconds(1) ? "<1s" : absl::FormatDuration(age);
}

// Enough for "gave up after 12 tries; last: UNAVAILABLE: cannot connect"
// or "refused by the receiver: HL7 AR: ..." in a list; the rest is one
// `deliveries show` away.
constexpr size_t kListErrorWidth = 64;

std::string NextPage(const std::string& token) {
  if (token.empty()) return "";
  return absl::StrCat("next page: --page-token ", token, "\n");
}

// Records an older version stored that could not be read: the gateway's log
// names them.
std::string Unreadable(int skipped) {
  if (skipped == 0) return "";
  return absl::StrCat(skipped, " stored record", skipped == 1 ? "" : "s",
                      " on this page could not be read and ",
                      skipped == 1 ? "was" : "were",
                      " skipped (the gateway log names them)\n");
}

}  // namespace

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

std::string ToJson(const google::protobuf::Message& message, bool multiline) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = multiline;
  std::string json;
  google::protobuf::util::Status status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    // Only a message with an unresolvable Any fails; say so, don't crash.
    return absl::StrCat("{\"error\": \"cannot print as JSON: ",
                        status.message().ToString(), "\"}\n");
  }
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

std::string RenderReferral(const v1::Referral& r) {
  Table table({});
  table.AddRow({"Referral", OrDash(r.referral_id())});
  table.AddRow({"Status", Name(r.status())});
  if (!r.status_reason().empty()) table.AddRow({"Reason", r.status_reason()});
  table.AddRow({"NHS number", OrDash(MaskNhsNumber(r.patient().nhs_number()))});
  table.AddRow({"Source", Name(r.source())});
  std::string referrer = OrgText(r.referrer());
  std::string practitioner = PractitionerText(r.referring_practitioner());
  if (!practitioner.empty()) absl::StrAppend(&referrer, " / ", practitioner);
  table.AddRow({"Referrer", referrer});
  table.AddRow({"Service", OrgText(r.service())});
  table.AddRow({"GP practice", OrgText(r.gp_practice())});
  table.AddRow({"Pharmacy", OrgText(r.nominated_pharmacy())});  // nominated
  std::string smoking = absl::StrCat(r.smoking().cigarettes_per_day(), "/day");
  if (r.smoking().years_smoked() > 0) {
    absl::StrAppend(&smoking, ", ", r.smoking().years_smoked(), " years");
  }
  if (r.smoking().has_co_reading_ppm()) {
    absl::StrAppend(&smoking, ", CO ", r.smoking().co_reading_ppm(), " ppm");
  }
  table.AddRow({"Smoking", smoking});
  table.AddRow({"Diagnosis", Name(r.mental_health().diagnosis_category())});
  table.AddRow({"SMI", YesNo(r.mental_health().smi())});
  std::vector<std::string> medicines;
  for (const v1::PsychiatricMedicine& m : r.mental_health().medicines()) {
    medicines.push_back(
        m.cyp1a2_sensitive() ? absl::StrCat(m.name(), " (CYP1A2)") : m.name());
  }
  table.AddRow(
      {"Medicines", medicines.empty() ? "-" : absl::StrJoin(medicines, ", ")});
  table.AddRow({"Goal", Name(r.goal())});
  std::vector<std::string> contact;
  if (r.contact().text_reminders()) contact.push_back("text reminders");
  if (r.contact().home_visits()) contact.push_back("home visits");
  table.AddRow(
      {"Contact", contact.empty() ? "-" : absl::StrJoin(contact, ", ")});
  std::vector<std::string> consent;
  if (r.consent().share_with_gp()) consent.push_back("GP");
  if (r.consent().share_with_pharmacy()) consent.push_back("pharmacy");
  if (r.consent().share_with_mental_health_team()) {
    consent.push_back("mental health team");
  }
  table.AddRow({"Shares with",
                consent.empty() ? "nobody" : absl::StrJoin(consent, ", ")});
  if (!r.external_referral_id().empty()) {
    table.AddRow({"External id", r.external_referral_id()});
  }
  // care (issue 12).
  if (r.status() == v1::REFERRAL_STATUS_ON_HOLD) {
    table.AddRow({"Reopens to", Name(r.held_from())});
  }
  if (r.has_quit_date()) {
    table.AddRow({"Quit date", r.quit_date().quit_date()});
  }
  if (r.disengaged()) {
    table.AddRow({"Engagement",
                  absl::StrCat("disengaged (", r.missed_contacts_in_a_row(),
                               " missed in a row)")});
  }
  table.AddRow({"Created", FormatTimestamp(r.created_at())});
  table.AddRow({"Updated", FormatTimestamp(r.updated_at())});
  return table.Render();
}

std::string RenderReferralList(const v1::ListReferralsResponse& response) {
  if (response.referrals().empty()) {
    return absl::StrCat("no referrals\n", NextPage(response.next_page_token()),
                        Unreadable(response.unreadable_skipped()));
  }
  Table table({"ID", "STATUS", "NHS NUMBER", "SOURCE", "REFERRER", "SERVICE",
               "GOAL", "SMI", "UPDATED"});
  for (const v1::Referral& r : response.referrals()) {
    table.AddRow({r.referral_id(), Name(r.status()),
                  OrDash(MaskNhsNumber(r.patient().nhs_number())),
                  Name(r.source()), OrDash(r.referrer().ods_code()),
                  OrDash(r.service().ods_code()), Name(r.goal()),
                  YesNo(r.mental_health().smi()),
                  FormatTimestamp(r.updated_at())});
  }
  return absl::StrCat(table.Render(), NextPage(response.next_page_token()),
                      Unreadable(response.unreadable_skipped()));
}

std::string RenderPrescription(const v1::PrescriptionRequest& p) {
  Table table({});
  table.AddRow({"Prescription", OrDash(p.prescription_id())});
  table.AddRow({"Referral", OrDash(p.referral_id())});
  table.AddRow({"Status", Name(p.status())});
  if (!p.status_reason().empty())
    table.AddRow({"Reason code", p.status_reason()});
  if (!p.status_reason_display().empty())
    table.AddRow({"Reason", p.status_reason_display()});
  if (!p.replaces().empty()) table.AddRow({"Replaces", p.replaces()});
  if (!p.replaced_by().empty()) table.AddRow({"Replaced by", p.replaced_by()});
  table.AddRow({"NHS number", OrDash(MaskNhsNumber(p.patient().nhs_number()))});
  std::string product =
      OrDash(p.product().display().empty() ? p.product().product_id()
                                           : p.product().display());
  if (!p.product().dmd_code().empty()) {
    absl::StrAppend(&product, " [dm+d ", p.product().dmd_code(),
                    p.product().dmd_verified() ? "" : ", unverified", "]");
  } else if (!p.product().local_code().empty()) {
    absl::StrAppend(&product, " [local ", p.product().local_code(), "]");
  }
  table.AddRow({"Product", product});
  table.AddRow({"Kind", Name(p.product().kind())});
  table.AddRow({"Dose", OrDash(p.dose_text())});
  table.AddRow({"Quantity", p.has_quantity()
                                ? absl::StrCat(p.quantity().value(), " ",
                                               p.quantity().unit())
                                : "-"});
  table.AddRow({"Duration", absl::StrCat(p.duration_days(), " days")});
  table.AddRow({"Route", Name(p.route())});
  table.AddRow({"Target", OrgText(p.target())});
  table.AddRow({"Service", OrgText(p.service())});
  table.AddRow(
      {"Recommended by", OrDash(PractitionerText(p.recommended_by()))});
  if (!p.reason().empty()) table.AddRow({"Clinical reason", p.reason()});
  if (!p.eps_prescription_id().empty()) {
    table.AddRow({"EPS id", p.eps_prescription_id()});
  }
  table.AddRow({"Due", FormatTimestamp(p.due_at())});
  table.AddRow({"Overdue", YesNo(p.overdue())});
  if (p.cyp1a2_safety_alert()) {
    table.AddRow({"Safety alert",
                  "CYP1A2-sensitive medicine: prescribers to review levels"});
  }
  table.AddRow({"Created", FormatTimestamp(p.created_at())});
  table.AddRow({"Updated", FormatTimestamp(p.updated_at())});
  table.AddRow({"Version", absl::StrCat(p.version())});
  return table.Render();
}

std::string RenderPrescriptionList(
    const v1::ListPrescriptionsResponse& response) {
  if (response.prescriptions().empty()) {
    return absl::StrCat("no prescriptions\n",
                        NextPage(response.next_page_token()),
                        Unreadable(response.unreadable_skipped()));
  }
  Table table({"ID", "STATUS", "NHS NUMBER", "PRODUCT", "ROUTE", "TARGET",
               "OVERDUE", "DUE", "UPDATED"});
  for (const v1::PrescriptionRequest& p : response.prescriptions()) {
    table.AddRow(
        {p.prescription_id(), Name(p.status()),
         OrDash(MaskNhsNumber(p.patient().nhs_number())),
         OrDash(p.product().display().empty() ? p.product().product_id()
                                              : p.product().display()),
         Name(p.route()), OrDash(p.target().ods_code()),
         p.overdue() ? "OVERDUE" : "-", FormatTimestamp(p.due_at()),
         FormatTimestamp(p.updated_at())});
  }
  return absl::StrCat(table.Render(), NextPage(response.next_page_token()),
                      Unreadable(response.unreadable_skipped()));
}

std::string RenderTimeline(const v1::GetTimelineResponse& response) {
  if (response.events().empty()) return "no events\n";
  Table table({"SEQ", "TIME", "EVENT", "FROM->TO", "ACTOR", "REASON/NOTE"});
  for (const v1::TimelineEvent& e : response.events()) {
    table.AddRow({absl::StrCat(e.sequence()), FormatTimestamp(e.occurred_at()),
                  Name(e.type()), Transition(e), ActorText(e.actor()),
                  ReasonAndNote(e)});
  }
  return table.Render();
}

namespace {
// Wide enough for the gateway's ids ("ref-" and 24 hex digits) and the
// longest transition; longer values push the line rather than being cut.
constexpr absl::string_view kEventLineFormat =
    "%-8s  %-20s  %-28s  %-28s  %-28s  %-34s  %-8s  %s";
}  // namespace

std::string RenderEventHeader() {
  return absl::StrCat(
      absl::StrFormat(kEventLineFormat, "SEQ", "TIME", "EVENT", "REFERRAL",
                      "PRESCRIPTION", "FROM->TO", "ACTOR", "REASON/NOTE"),
      "\n");
}

std::string RenderEventLine(const v1::TimelineEvent& e) {
  std::string line = absl::StrFormat(
      kEventLineFormat, absl::StrCat(e.sequence()),
      FormatTimestamp(e.occurred_at()), Name(e.type()), OrDash(e.referral_id()),
      OrDash(e.prescription_id()), Transition(e),
      OrDash(e.actor().organisation().ods_code()), ReasonAndNote(e));
  line.erase(line.find_last_not_of(' ') + 1);
  return absl::StrCat(line, "\n");
}

std::string RenderOutcome(const v1::Outcome& o) {
  Table table({});
  table.AddRow({"Outcome", OrDash(o.outcome_id())});
  table.AddRow({"Referral", OrDash(o.referral_id())});
  table.AddRow({"Follow-up", Name(o.follow_up())});
  table.AddRow({"Status", Name(o.status())});
  table.AddRow({"CO", o.has_co_reading_ppm()
                          ? absl::StrCat(o.co_reading_ppm(), " ppm")
                          : "-"});
  table.AddRow({"Quit date", OrDash(o.quit_date())});
  table.AddRow({"Recorded on", OrDash(o.recorded_on())});
  table.AddRow({"Recorded by", ActorText(o.recorded_by())});
  if (!o.note().empty()) table.AddRow({"Note", o.note()});
  table.AddRow({"Created", FormatTimestamp(o.created_at())});
  return table.Render();
}

std::string RenderOutcomeList(const v1::ListOutcomesResponse& response) {
  if (response.outcomes().empty()) {
    return absl::StrCat("no outcomes\n", NextPage(response.next_page_token()));
  }
  Table table({"ID", "FOLLOW-UP", "STATUS", "CO PPM", "QUIT DATE",
               "RECORDED ON", "RECORDED BY"});
  for (const v1::Outcome& o : response.outcomes()) {
    table.AddRow(
        {o.outcome_id(), Name(o.follow_up()), Name(o.status()),
         o.has_co_reading_ppm() ? absl::StrCat(o.co_reading_ppm()) : "-",
         OrDash(o.quit_date()), OrDash(o.recorded_on()),
         ActorText(o.recorded_by())});
  }
  return absl::StrCat(table.Render(), NextPage(response.next_page_token()));
}

std::string RenderContact(const v1::Contact& c) {
  Table table({});
  table.AddRow({"Contact", OrDash(c.contact_id())});
  table.AddRow({"Referral", OrDash(c.referral_id())});
  table.AddRow({"Outcome", Name(c.outcome())});
  table.AddRow({"Mode", Name(c.mode())});
  table.AddRow({"Date", OrDash(c.contact_date())});
  table.AddRow({"Recorded by", ActorText(c.recorded_by())});
  if (!c.note().empty()) table.AddRow({"Note", c.note()});
  return table.Render();
}

std::string RenderDelivery(const v1::Delivery& d) {
  Table table({});
  table.AddRow({"Message", OrDash(d.message_id())});
  table.AddRow({"Kind", Name(d.kind())});
  table.AddRow({"Channel", Name(d.channel())});
  table.AddRow({"Destination", OrDash(d.destination_ods())});
  table.AddRow({"State", Name(d.state())});
  table.AddRow({"Attempts", absl::StrCat(d.attempts())});
  table.AddRow({"Handed over", YesNo(d.handed_over())});
  table.AddRow({"Referral", OrDash(d.referral_id())});
  if (!d.prescription_id().empty()) {
    table.AddRow({"Prescription", d.prescription_id()});
  }
  table.AddRow({"Created", FormatTimestamp(d.created_at())});
  table.AddRow({"Updated", FormatTimestamp(d.updated_at())});
  table.AddRow({"Next attempt", FormatTimestamp(d.next_attempt_at())});
  // Whole (never longer than its bytes), but on one line.
  table.AddRow(
      {"Last error", OrDash(FitCell(d.last_error(), d.last_error().size()))});
  return table.Render();
}

std::string RenderDeliveryList(const v1::ListDeliveriesResponse& response) {
  if (response.deliveries().empty()) {
    return absl::StrCat("no outbound messages\n",
                        NextPage(response.next_page_token()));
  }
  Table table({"MESSAGE ID", "KIND", "DESTINATION", "CHANNEL", "STATE",
               "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR"});
  for (const v1::Delivery& d : response.deliveries()) {
    table.AddRow({d.message_id(), Name(d.kind()), OrDash(d.destination_ods()),
                  Name(d.channel()), Name(d.state()),
                  absl::StrCat(d.attempts()),
                  FormatTimestamp(d.next_attempt_at()),
                  OrDash(FitCell(d.last_error(), kListErrorWidth))});
  }
  return absl::StrCat(table.Render(), NextPage(response.next_page_token()));
}

std::string RenderDeliveryStats(const v1::GetDeliveryStatsResponse& response) {
  if (response.destinations().empty()) return "no outbound messages\n";
  Table table({"DESTINATION", "CHANNEL", "PENDING", "OLDEST PENDING",
               "PENDING ATTEMPTS", "DEAD LETTERS", "DELIVERED"});
  for (const v1::DestinationStats& s : response.destinations()) {
    table.AddRow({OrDash(s.destination_ods()), Name(s.channel()),
                  absl::StrCat(s.pending()), PendingAge(s),
                  absl::StrCat(s.pending_attempts()),
                  absl::StrCat(s.dead_letters()), absl::StrCat(s.delivered())});
  }
  return table.Render();
}

std::string StatusCodeName(int code) {
  // gRPC's codes are absl's, number for number and name for name.
  std::string name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? absl::StrCat("CODE_", code) : name;
}

std::string RenderRpcError(const grpc::Status& status) {
  std::string out = absl::StrCat("error: ", StatusCodeName(status.error_code()),
                                 ": ", status.error_message(), "\n");
  google::rpc::Status details;
  if (status.error_details().empty() ||
      !details.ParseFromString(status.error_details())) {
    return out;
  }
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& violation : bad_request.field_violations()) {
      absl::StrAppend(&out, "  ", violation.field(), ": ",
                      violation.description(), "\n");
    }
  }
  return out;
}

std::string RenderAuditVerification(const v1::VerifyAuditChainResponse& r) {
  std::string out;
  if (r.intact()) {
    absl::StrAppend(&out, "audit chain intact: ", r.rows_checked(),
                    " rows checked\n");
  } else if (r.fault() == v1::AUDIT_CHAIN_FAULT_TAIL_MISSING) {
    absl::StrAppend(&out, "audit chain BROKEN: tail missing after row ",
                    r.head_sequence(), " (checkpoint names row ",
                    r.checkpoint_sequence(), "): ", r.problem(), "\n");
  } else {
    absl::StrAppend(&out, "audit chain BROKEN at row ",
                    r.first_broken_sequence(), ": ", r.problem(), "\n");
  }
  if (!r.intact() && r.fault() != v1::AUDIT_CHAIN_FAULT_UNSPECIFIED) {
    absl::StrAppend(&out, "  fault: ",
                    absl::StripPrefix(v1::AuditChainFault_Name(r.fault()),
                                      "AUDIT_CHAIN_FAULT_"),
                    "\n");
  }
  if (r.head_sequence() > 0) {
    absl::StrAppend(&out, "  head: row ", r.head_sequence(), " key ",
                    r.head_key_id().empty() ? "(unkeyed)" : r.head_key_id(),
                    " hash ", r.head_hash(), "\n");
  }
  if (r.first_keyed_sequence() > 1) {
    absl::StrAppend(&out, "  rows 1-", r.first_keyed_sequence() - 1,
                    " predate the audit key (unkeyed)\n");
  }
  if (r.checkpoints_checked() > 0) {
    absl::StrAppend(&out, "  checkpoints: ", r.checkpoints_checked(), " from ",
                    r.checkpoint_source(), ", newest row ",
                    r.checkpoint_sequence(), "\n");
  } else if (!r.checkpoint_source().empty()) {
    absl::StrAppend(&out, "  checkpoints: none in ", r.checkpoint_source(),
                    " yet\n");
  }
  return out;
}

std::string RenderAuditRecords(const v1::ListAuditRecordsResponse& r) {
  // PRACTITIONER: the person a console session named (issue 13), if any.
  Table table({"SEQ", "AT (UTC)", "ODS", "ROLE", "OPERATION", "RECORD",
               "RESULT", "PRACTITIONER"});
  for (const v1::AuditRecord& a : r.records()) {
    table.AddRow({absl::StrCat(a.sequence()),
                  google::protobuf::util::TimeUtil::ToString(a.at()),
                  a.ods_code(), a.role(), a.operation(), a.record_id(),
                  a.result(), a.practitioner()});
  }
  return table.Render();
}

}  // namespace nhs::tobacco::cli
