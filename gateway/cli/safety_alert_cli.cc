#include "gateway/cli/safety_alert_cli.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/cli/enum_names.h"
#include "gateway/cli/render.h"
#include "gateway/cli/requests.h"
#include "gateway/cli/table.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::cli {
namespace {

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

template <typename E>
std::string Name(E value) {
  return static_cast<int>(value) == 0 ? "-" : EnumName(value);
}

std::string WhoText(const v1::Actor& actor) {
  std::string text = OrDash(actor.organisation().ods_code());
  const v1::Practitioner& p = actor.practitioner();
  if (!p.display_name().empty() || !p.identifier().empty()) {
    absl::StrAppend(&text, " / ", p.display_name(),
                    p.identifier().empty() ? "" : " (", p.identifier(),
                    p.identifier().empty() ? "" : ")");
  }
  return text;
}

std::string Medicines(const v1::SafetyAlert& a) {
  std::vector<std::string> names;
  for (const auto& m : a.medicines()) names.push_back(m.name());
  return OrDash(absl::StrJoin(names, ", "));
}

}  // namespace

absl::StatusOr<v1::ListSafetyAlertsRequest> BuildListSafetyAlertsRequest(
    const ParsedArgs& args) {
  v1::ListSafetyAlertsRequest request;
  request.set_referral_id(args.GetString("referral"));
  request.set_ods_code(args.GetString("ods"));
  if (args.Has("state")) {
    ASSIGN_OR_RETURN(
        v1::SafetyAlertState state,
        ParseEnum<v1::SafetyAlertState>("state", args.GetString("state")));
    request.set_state(state);
  }
  ASSIGN_OR_RETURN(std::optional<int> page_size, args.GetInt("page-size"));
  if (page_size.value_or(0) < 0) {
    return FlagError("page-size", "must not be negative");
  }
  request.set_page_size(page_size.value_or(0));
  request.set_page_token(args.GetString("page-token"));
  return request;
}

absl::StatusOr<v1::AcknowledgeSafetyAlertRequest>
BuildAcknowledgeSafetyAlertRequest(const ParsedArgs& args,
                                   absl::string_view request_id) {
  v1::AcknowledgeSafetyAlertRequest request;
  request.set_request_id(std::string(request_id));
  ASSIGN_OR_RETURN(*request.mutable_alert_id(),
                   PositionalArg(args, 0, "ALERT_ID"));
  v1::Actor* actor = request.mutable_actor();
  if (args.Has("actor-ods")) {
    actor->mutable_organisation()->set_ods_code(args.GetString("actor-ods"));
  }
  if (args.Has("practitioner")) {
    actor->mutable_practitioner()->set_identifier(
        args.GetString("practitioner"));
  }
  if (args.Has("practitioner-name")) {
    actor->mutable_practitioner()->set_display_name(
        args.GetString("practitioner-name"));
  }
  if (args.Has("practitioner-register")) {
    ASSIGN_OR_RETURN(
        v1::ProfessionalRegister reg,
        ParseEnum<v1::ProfessionalRegister>(
            "practitioner-register", args.GetString("practitioner-register")));
    actor->mutable_practitioner()->set_register_(reg);
  }
  request.set_note(args.GetString("note"));
  return request;
}

std::string RenderSafetyAlert(const v1::SafetyAlert& a) {
  Table table({});
  table.AddRow({"Alert", OrDash(a.alert_id())});
  table.AddRow({"Referral", OrDash(a.referral_id())});
  table.AddRow({"Trigger", Name(a.trigger())});
  table.AddRow({"Trigger date", OrDash(a.trigger_date())});
  table.AddRow({"State", Name(a.state())});
  table.AddRow({"Medicines", Medicines(a)});
  table.AddRow({"Prescriber", a.prescriber().ods_code().empty()
                                  ? "- (no route: nobody alerted)"
                                  : a.prescriber().ods_code()});
  table.AddRow({"Service", OrDash(a.service().ods_code())});
  table.AddRow({"Raised", FormatTimestamp(a.raised_at())});
  table.AddRow({"Sent", FormatTimestamp(a.sent_at())});
  table.AddRow({"Due", FormatTimestamp(a.due_at())});
  table.AddRow({"Acknowledged", FormatTimestamp(a.acknowledged_at())});
  if (a.has_acknowledged_by()) {
    table.AddRow({"Acknowledged by", WhoText(a.acknowledged_by())});
  }
  if (!a.acknowledgement_note().empty()) {
    table.AddRow({"Note", a.acknowledgement_note()});
  }
  return table.Render();
}

std::string RenderSafetyAlertList(
    const v1::ListSafetyAlertsResponse& response) {
  if (response.alerts().empty()) return "no safety alerts\n";
  Table table({"ID", "REFERRAL", "TRIGGER", "STATE", "PRESCRIBER", "RAISED",
               "SENT", "ACKNOWLEDGED BY"});
  for (const v1::SafetyAlert& a : response.alerts()) {
    table.AddRow(
        {a.alert_id(), a.referral_id(), Name(a.trigger()), Name(a.state()),
         OrDash(a.prescriber().ods_code()), FormatTimestamp(a.raised_at()),
         FormatTimestamp(a.sent_at()),
         a.has_acknowledged_by() ? WhoText(a.acknowledged_by()) : "-"});
  }
  std::string out = table.Render();
  if (!response.next_page_token().empty()) {
    absl::StrAppend(&out, "next page: --page-token ",
                    response.next_page_token(), "\n");
  }
  return out;
}

}  // namespace nhs::tobacco::cli
