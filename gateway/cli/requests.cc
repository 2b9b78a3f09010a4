#include "gateway/cli/requests.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/cli/enum_names.h"
#include "gateway/common/status_macros.h"
#include "google/protobuf/util/json_util.h"

namespace nhs::tobacco::cli {
namespace {

template <typename E>
absl::StatusOr<std::optional<E>> OptionalEnum(const ParsedArgs& args,
                                              absl::string_view flag) {
  if (!args.Has(flag)) return std::optional<E>();
  ASSIGN_OR_RETURN(E value, ParseEnum<E>(flag, args.GetString(flag)));
  return std::optional<E>(value);
}

absl::StatusOr<int> NonNegativeInt(const ParsedArgs& args,
                                   absl::string_view flag) {
  ASSIGN_OR_RETURN(std::optional<int> value, args.GetInt(flag));
  if (value.value_or(0) < 0) return FlagError(flag, "must not be negative");
  return value.value_or(0);
}

// --practitioner, --practitioner-register, --practitioner-name; the message
// is left unset when none is given so the server sees it as missing.
absl::Status ApplyPractitioner(const ParsedArgs& args,
                               v1::Practitioner* practitioner) {
  if (args.Has("practitioner")) {
    practitioner->set_identifier(args.GetString("practitioner"));
  }
  ASSIGN_OR_RETURN(
      std::optional<v1::ProfessionalRegister> reg,
      OptionalEnum<v1::ProfessionalRegister>(args, "practitioner-register"));
  if (reg.has_value()) practitioner->set_register_(*reg);
  if (args.Has("practitioner-name")) {
    practitioner->set_display_name(args.GetString("practitioner-name"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Actor>> ActorFromArgs(const ParsedArgs& args) {
  if (!args.Has("actor-ods") && !args.Has("actor-practitioner") &&
      !args.Has("actor-register")) {
    return std::optional<v1::Actor>();
  }
  v1::Actor actor;
  if (args.Has("actor-ods")) {
    actor.mutable_organisation()->set_ods_code(args.GetString("actor-ods"));
  }
  if (args.Has("actor-practitioner")) {
    actor.mutable_practitioner()->set_identifier(
        args.GetString("actor-practitioner"));
  }
  ASSIGN_OR_RETURN(
      std::optional<v1::ProfessionalRegister> reg,
      OptionalEnum<v1::ProfessionalRegister>(args, "actor-register"));
  if (reg.has_value()) actor.mutable_practitioner()->set_register_(*reg);
  return std::optional<v1::Actor>(std::move(actor));
}

absl::StatusOr<std::vector<v1::ExternalId>> ExternalIds(
    const ParsedArgs& args) {
  std::vector<v1::ExternalId> ids;
  for (const std::string& text : args.GetAll("external-id")) {
    std::pair<std::string, std::string> parts =
        absl::StrSplit(text, absl::MaxSplits('=', 1));
    if (parts.first.empty() || parts.second.empty()) {
      return FlagError("external-id",
                       absl::StrCat("\"", text, "\" is not SYSTEM=VALUE"));
    }
    v1::ExternalId id;
    id.set_system(parts.first);
    id.set_value(parts.second);
    ids.push_back(std::move(id));
  }
  return ids;
}

// The fields every transition request shares, whatever its message type.
template <typename Request>
absl::Status FillTransition(const ParsedArgs& args,
                            absl::string_view request_id, Request* request) {
  ASSIGN_OR_RETURN(std::string id, PositionalArg(args, 0, "ID"));
  request->set_request_id(std::string(request_id));
  request->set_prescription_id(id);
  ASSIGN_OR_RETURN(std::optional<v1::Actor> actor, ActorFromArgs(args));
  if (actor.has_value()) *request->mutable_actor() = *std::move(actor);
  request->set_note(args.GetString("note"));
  ASSIGN_OR_RETURN(std::vector<v1::ExternalId> ids, ExternalIds(args));
  for (v1::ExternalId& id : ids) *request->add_external_ids() = std::move(id);
  return absl::OkStatus();
}

// Flags that describe the referral itself: refused next to --from-json.
constexpr absl::string_view kReferralFlags[] = {
    "nhs-number",
    "dob",
    "given-name",
    "family-name",
    "referrer-ods",
    "practitioner",
    "practitioner-register",
    "practitioner-name",
    "source",
    "service-ods",
    "gp-ods",
    "cigarettes-per-day",
    "years-smoked",
    "co-ppm",
    "diagnosis",
    "smi",
    "medicines",
    "goal",
    "text-reminders",
    "home-visits",
    "share-with-gp",
    "share-with-pharmacy",
    "share-with-mh-team",
    "external-referral-id",
};

absl::StatusOr<v1::Referral> ReferralFromJson(const ParsedArgs& args,
                                              const FileReader& read_file) {
  for (absl::string_view flag : kReferralFlags) {
    if (args.Has(flag)) {
      return FlagError(flag, "cannot be combined with --from-json");
    }
  }
  std::string path = args.GetString("from-json");
  absl::StatusOr<std::string> json = read_file(path);
  if (!json.ok()) return FlagError("from-json", json.status().message());
  v1::Referral referral;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  // protobuf 3.21 has its own util::Status, not absl::Status.
  google::protobuf::util::Status parsed =
      google::protobuf::util::JsonStringToMessage(*json, &referral, options);
  if (!parsed.ok()) {
    return FlagError("from-json",
                     absl::StrCat(path, ": not a Referral in proto JSON: ",
                                  parsed.message().ToString()));
  }
  return referral;
}

absl::StatusOr<v1::Referral> ReferralFromFlags(const ParsedArgs& args) {
  v1::Referral r;
  if (args.Has("nhs-number")) {
    r.mutable_patient()->set_nhs_number(args.GetString("nhs-number"));
  }
  if (args.Has("dob")) {
    r.mutable_patient()->set_date_of_birth(args.GetString("dob"));
  }
  if (args.Has("given-name")) {
    r.mutable_patient()->set_given_name(args.GetString("given-name"));
  }
  if (args.Has("family-name")) {
    r.mutable_patient()->set_family_name(args.GetString("family-name"));
  }
  if (args.Has("referrer-ods")) {
    r.mutable_referrer()->set_ods_code(args.GetString("referrer-ods"));
  }
  if (args.Has("practitioner") || args.Has("practitioner-register") ||
      args.Has("practitioner-name")) {
    RETURN_IF_ERROR(
        ApplyPractitioner(args, r.mutable_referring_practitioner()));
  }
  ASSIGN_OR_RETURN(std::optional<v1::ReferralSource> source,
                   OptionalEnum<v1::ReferralSource>(args, "source"));
  if (source.has_value()) r.set_source(*source);
  if (args.Has("service-ods")) {
    r.mutable_service()->set_ods_code(args.GetString("service-ods"));
  }
  if (args.Has("gp-ods")) {
    r.mutable_gp_practice()->set_ods_code(args.GetString("gp-ods"));
  }
  if (args.Has("cigarettes-per-day") || args.Has("years-smoked") ||
      args.Has("co-ppm")) {
    v1::SmokingHistory* smoking = r.mutable_smoking();
    ASSIGN_OR_RETURN(int per_day, NonNegativeInt(args, "cigarettes-per-day"));
    smoking->set_cigarettes_per_day(per_day);
    ASSIGN_OR_RETURN(int years, NonNegativeInt(args, "years-smoked"));
    smoking->set_years_smoked(years);
    ASSIGN_OR_RETURN(std::optional<double> co, args.GetDouble("co-ppm"));
    if (co.has_value()) smoking->set_co_reading_ppm(*co);
  }
  if (args.Has("diagnosis") || args.Has("smi") || args.Has("medicines")) {
    v1::MentalHealthContext* mh = r.mutable_mental_health();
    ASSIGN_OR_RETURN(std::optional<v1::DiagnosisCategory> diagnosis,
                     OptionalEnum<v1::DiagnosisCategory>(args, "diagnosis"));
    if (diagnosis.has_value()) mh->set_diagnosis_category(*diagnosis);
    ASSIGN_OR_RETURN(bool smi, args.GetBool("smi"));
    mh->set_smi(smi);
    // NAME or NAME:DMD_CODE; the gateway decides CYP1A2 sensitivity.
    for (absl::string_view item :
         absl::StrSplit(args.GetString("medicines"), ',', absl::SkipEmpty())) {
      std::pair<absl::string_view, absl::string_view> parts =
          absl::StrSplit(item, absl::MaxSplits(':', 1));
      absl::string_view name = absl::StripAsciiWhitespace(parts.first);
      if (name.empty()) {
        return FlagError("medicines",
                         absl::StrCat("\"", item, "\" has no medicine name"));
      }
      v1::PsychiatricMedicine* medicine = mh->add_medicines();
      medicine->set_name(std::string(name));
      medicine->set_dmd_code(
          std::string(absl::StripAsciiWhitespace(parts.second)));
    }
  }
  ASSIGN_OR_RETURN(std::optional<v1::QuitGoal> goal,
                   OptionalEnum<v1::QuitGoal>(args, "goal"));
  if (goal.has_value()) r.set_goal(*goal);
  if (args.Has("text-reminders") || args.Has("home-visits")) {
    ASSIGN_OR_RETURN(bool text, args.GetBool("text-reminders"));
    ASSIGN_OR_RETURN(bool visits, args.GetBool("home-visits"));
    r.mutable_contact()->set_text_reminders(text);
    r.mutable_contact()->set_home_visits(visits);
  }
  // Consent is always sent: absent flags are an explicit "no" to sharing.
  ASSIGN_OR_RETURN(bool gp, args.GetBool("share-with-gp"));
  ASSIGN_OR_RETURN(bool pharmacy, args.GetBool("share-with-pharmacy"));
  ASSIGN_OR_RETURN(bool mh_team, args.GetBool("share-with-mh-team"));
  r.mutable_consent()->set_share_with_gp(gp);
  r.mutable_consent()->set_share_with_pharmacy(pharmacy);
  r.mutable_consent()->set_share_with_mental_health_team(mh_team);
  r.set_external_referral_id(args.GetString("external-referral-id"));
  return r;
}

}  // namespace

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<std::string> PositionalArg(const ParsedArgs& args, size_t index,
                                          absl::string_view name) {
  if (index >= args.positionals().size() || args.positionals()[index].empty()) {
    return absl::InvalidArgumentError(absl::StrCat("missing ", name));
  }
  return args.positionals()[index];
}

absl::StatusOr<v1::CreateReferralRequest> BuildCreateReferralRequest(
    const ParsedArgs& args, absl::string_view request_id,
    const FileReader& read_file) {
  v1::CreateReferralRequest request;
  request.set_request_id(std::string(request_id));
  if (args.Has("from-json")) {
    ASSIGN_OR_RETURN(*request.mutable_referral(),
                     ReferralFromJson(args, read_file));
  } else {
    ASSIGN_OR_RETURN(*request.mutable_referral(), ReferralFromFlags(args));
  }
  return request;
}

absl::StatusOr<v1::ListReferralsRequest> BuildListReferralsRequest(
    const ParsedArgs& args) {
  v1::ListReferralsRequest request;
  request.set_ods_code(args.GetString("ods"));
  ASSIGN_OR_RETURN(std::optional<v1::ReferralStatus> status,
                   OptionalEnum<v1::ReferralStatus>(args, "status"));
  if (status.has_value()) request.set_status(*status);
  ASSIGN_OR_RETURN(int page_size, NonNegativeInt(args, "page-size"));
  request.set_page_size(page_size);
  request.set_page_token(args.GetString("page-token"));
  request.set_disengaged_only(args.Has("disengaged"));
  return request;
}

absl::StatusOr<v1::GetReferralRequest> BuildGetReferralRequest(
    const ParsedArgs& args) {
  v1::GetReferralRequest request;
  ASSIGN_OR_RETURN(*request.mutable_referral_id(),
                   PositionalArg(args, 0, "ID"));
  return request;
}

absl::StatusOr<v1::UpdateReferralStatusRequest>
BuildUpdateReferralStatusRequest(const ParsedArgs& args,
                                 absl::string_view request_id) {
  v1::UpdateReferralStatusRequest request;
  request.set_request_id(std::string(request_id));
  ASSIGN_OR_RETURN(*request.mutable_referral_id(),
                   PositionalArg(args, 0, "ID"));
  ASSIGN_OR_RETURN(std::string status_text, PositionalArg(args, 1, "STATUS"));
  absl::StatusOr<v1::ReferralStatus> status =
      ParseEnum<v1::ReferralStatus>("status", status_text);
  if (!status.ok()) {
    // STATUS is positional, so name it as such rather than as "--status".
    std::string message(status.status().message());
    return absl::InvalidArgumentError(
        absl::StrCat("STATUS", message.substr(message.find(':'))));
  }
  request.set_status(*status);
  request.set_reason(args.GetString("reason"));
  ASSIGN_OR_RETURN(std::optional<v1::Actor> actor, ActorFromArgs(args));
  if (actor.has_value()) *request.mutable_actor() = *std::move(actor);
  return request;
}

absl::StatusOr<v1::RecommendPrescriptionRequest>
BuildRecommendPrescriptionRequest(const ParsedArgs& args,
                                  absl::string_view request_id) {
  v1::RecommendPrescriptionRequest request;
  request.set_request_id(std::string(request_id));
  request.set_referral_id(args.GetString("referral"));
  request.set_product_id(args.GetString("product"));
  request.set_dose_text(args.GetString("dose"));
  if (args.Has("quantity") || args.Has("unit")) {
    ASSIGN_OR_RETURN(std::optional<double> value, args.GetDouble("quantity"));
    if (value.value_or(0) < 0) {
      return FlagError("quantity", "must not be negative");
    }
    request.mutable_quantity()->set_value(value.value_or(0));
    request.mutable_quantity()->set_unit(args.GetString("unit"));
  }
  ASSIGN_OR_RETURN(int days, NonNegativeInt(args, "duration-days"));
  request.set_duration_days(days);
  ASSIGN_OR_RETURN(std::optional<v1::Route> route,
                   OptionalEnum<v1::Route>(args, "route"));
  if (route.has_value()) request.set_route(*route);
  if (args.Has("target-ods")) {
    request.mutable_target()->set_ods_code(args.GetString("target-ods"));
  }
  if (args.Has("nominated-pharmacy")) {
    request.mutable_nominated_pharmacy()->set_ods_code(
        args.GetString("nominated-pharmacy"));
  }
  if (args.Has("practitioner") || args.Has("practitioner-register") ||
      args.Has("practitioner-name")) {
    RETURN_IF_ERROR(ApplyPractitioner(args, request.mutable_recommended_by()));
  }
  request.set_reason(args.GetString("reason"));
  return request;
}

absl::StatusOr<v1::ListPrescriptionsRequest> BuildListPrescriptionsRequest(
    const ParsedArgs& args) {
  v1::ListPrescriptionsRequest request;
  request.set_ods_code(args.GetString("ods"));
  ASSIGN_OR_RETURN(std::optional<v1::PrescriptionStatus> status,
                   OptionalEnum<v1::PrescriptionStatus>(args, "status"));
  if (status.has_value()) request.set_status(*status);
  ASSIGN_OR_RETURN(bool overdue, args.GetBool("overdue"));
  request.set_overdue_only(overdue);
  request.set_referral_id(args.GetString("referral"));
  ASSIGN_OR_RETURN(int page_size, NonNegativeInt(args, "page-size"));
  request.set_page_size(page_size);
  request.set_page_token(args.GetString("page-token"));
  return request;
}

absl::StatusOr<v1::GetPrescriptionRequest> BuildGetPrescriptionRequest(
    const ParsedArgs& args) {
  v1::GetPrescriptionRequest request;
  ASSIGN_OR_RETURN(*request.mutable_prescription_id(),
                   PositionalArg(args, 0, "ID"));
  return request;
}

absl::StatusOr<v1::GetTimelineRequest> BuildGetTimelineRequest(
    const ParsedArgs& args) {
  v1::GetTimelineRequest request;
  ASSIGN_OR_RETURN(*request.mutable_prescription_id(),
                   PositionalArg(args, 0, "ID"));
  return request;
}

absl::StatusOr<v1::TransitionRequest> BuildTransitionRequest(
    const ParsedArgs& args, absl::string_view request_id) {
  v1::TransitionRequest request;
  RETURN_IF_ERROR(FillTransition(args, request_id, &request));
  return request;
}

absl::StatusOr<v1::PrescribeRequest> BuildPrescribeRequest(
    const ParsedArgs& args, absl::string_view request_id) {
  v1::PrescribeRequest request;
  RETURN_IF_ERROR(FillTransition(args, request_id, &request));
  request.set_eps_prescription_id(args.GetString("eps-id"));
  return request;
}

absl::StatusOr<v1::ReasonedTransitionRequest> BuildReasonedTransitionRequest(
    const ParsedArgs& args, absl::string_view request_id) {
  v1::ReasonedTransitionRequest request;
  RETURN_IF_ERROR(FillTransition(args, request_id, &request));
  ASSIGN_OR_RETURN(*request.mutable_reason_code(), args.GetRequired("reason"));
  return request;
}

absl::StatusOr<v1::WatchEventsRequest> BuildWatchEventsRequest(
    const ParsedArgs& args) {
  v1::WatchEventsRequest request;
  ASSIGN_OR_RETURN(std::optional<int64_t> after, args.GetInt64("after"));
  if (after.value_or(0) < 0) return FlagError("after", "must not be negative");
  request.set_after_sequence(after.value_or(0));
  request.set_prescription_id(args.GetString("prescription"));
  request.set_referral_id(args.GetString("referral"));
  return request;
}

absl::StatusOr<v1::RecordOutcomeRequest> BuildRecordOutcomeRequest(
    const ParsedArgs& args, absl::string_view request_id) {
  v1::RecordOutcomeRequest request;
  request.set_request_id(std::string(request_id));
  v1::Outcome* outcome = request.mutable_outcome();
  outcome->set_referral_id(args.GetString("referral"));
  if (args.Has("follow-up")) {
    std::string text = args.GetString("follow-up");
    // "4" is how clinicians say it; the enum spells it WEEK_4.
    if (!text.empty() &&
        absl::ascii_isdigit(static_cast<unsigned char>(text[0]))) {
      text = absl::StrCat("week_", text);
    }
    ASSIGN_OR_RETURN(v1::FollowUpPoint point,
                     ParseEnum<v1::FollowUpPoint>("follow-up", text));
    outcome->set_follow_up(point);
  }
  ASSIGN_OR_RETURN(std::optional<v1::OutcomeStatus> status,
                   OptionalEnum<v1::OutcomeStatus>(args, "status"));
  if (status.has_value()) outcome->set_status(*status);
  ASSIGN_OR_RETURN(std::optional<double> co, args.GetDouble("co-ppm"));
  if (co.has_value()) {
    if (*co < 0) return FlagError("co-ppm", "must not be negative");
    outcome->set_co_reading_ppm(*co);
  }
  outcome->set_quit_date(args.GetString("quit-date"));
  outcome->set_recorded_on(args.GetString("recorded-on"));
  ASSIGN_OR_RETURN(std::optional<v1::Actor> actor, ActorFromArgs(args));
  if (actor.has_value()) *outcome->mutable_recorded_by() = *std::move(actor);
  outcome->set_note(args.GetString("note"));
  return request;
}

absl::StatusOr<v1::ListOutcomesRequest> BuildListOutcomesRequest(
    const ParsedArgs& args) {
  v1::ListOutcomesRequest request;
  ASSIGN_OR_RETURN(*request.mutable_referral_id(),
                   PositionalArg(args, 0, "REFERRAL_ID"));
  return request;
}

absl::StatusOr<v1::ListDeliveriesRequest> BuildListDeliveriesRequest(
    const ParsedArgs& args) {
  v1::ListDeliveriesRequest request;
  if (args.Has("state")) {
    const std::string text = args.GetString("state");
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(text), "dead")) {
      request.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
    } else {
      ASSIGN_OR_RETURN(v1::DeliveryState state,
                       ParseEnum<v1::DeliveryState>("state", text));
      request.set_state(state);
    }
  }
  request.set_destination_ods(args.GetString("destination"));
  ASSIGN_OR_RETURN(int page_size, NonNegativeInt(args, "page-size"));
  request.set_page_size(page_size);
  request.set_page_token(args.GetString("page-token"));
  return request;
}

absl::StatusOr<v1::GetDeliveryRequest> BuildGetDeliveryRequest(
    const ParsedArgs& args) {
  v1::GetDeliveryRequest request;
  ASSIGN_OR_RETURN(*request.mutable_message_id(),
                   PositionalArg(args, 0, "MESSAGE_ID"));
  return request;
}

absl::StatusOr<v1::ReplayDeliveryRequest> BuildReplayDeliveryRequest(
    const ParsedArgs& args) {
  v1::ReplayDeliveryRequest request;
  ASSIGN_OR_RETURN(*request.mutable_message_id(),
                   PositionalArg(args, 0, "MESSAGE_ID"));
  return request;
}

absl::StatusOr<v1::DiscardDeliveryRequest> BuildDiscardDeliveryRequest(
    const ParsedArgs& args) {
  v1::DiscardDeliveryRequest request;
  ASSIGN_OR_RETURN(*request.mutable_message_id(),
                   PositionalArg(args, 0, "MESSAGE_ID"));
  ASSIGN_OR_RETURN(std::string reason, args.GetRequired("reason"));
  if (absl::StripAsciiWhitespace(reason).empty()) {
    return FlagError("reason", "required");
  }
  request.set_reason(std::move(reason));
  return request;
}

// care (issue 12).
absl::StatusOr<v1::SetQuitDateRequest> BuildSetQuitDateRequest(
    const ParsedArgs& args, absl::string_view request_id) {
  v1::SetQuitDateRequest request;
  request.set_request_id(std::string(request_id));
  ASSIGN_OR_RETURN(*request.mutable_referral_id(),
                   PositionalArg(args, 0, "ID"));
  ASSIGN_OR_RETURN(*request.mutable_quit_date(),
                   PositionalArg(args, 1, "DATE"));
  request.set_note(args.GetString("note"));
  ASSIGN_OR_RETURN(std::optional<v1::Actor> actor, ActorFromArgs(args));
  if (actor.has_value()) *request.mutable_actor() = *std::move(actor);
  return request;
}

absl::StatusOr<v1::RecordContactRequest> BuildRecordContactRequest(
    const ParsedArgs& args, absl::string_view request_id) {
  v1::RecordContactRequest request;
  request.set_request_id(std::string(request_id));
  ASSIGN_OR_RETURN(*request.mutable_referral_id(),
                   PositionalArg(args, 0, "ID"));
  ASSIGN_OR_RETURN(std::string outcome_text, PositionalArg(args, 1, "OUTCOME"));
  absl::StatusOr<v1::ContactOutcome> outcome =
      ParseEnum<v1::ContactOutcome>("outcome", outcome_text);
  if (!outcome.ok()) {
    std::string message(outcome.status().message());
    return absl::InvalidArgumentError(
        absl::StrCat("OUTCOME", message.substr(message.find(':'))));
  }
  request.set_outcome(*outcome);
  ASSIGN_OR_RETURN(std::optional<v1::ContactMode> mode,
                   OptionalEnum<v1::ContactMode>(args, "mode"));
  if (mode.has_value()) request.set_mode(*mode);
  request.set_contact_date(args.GetString("date"));
  request.set_note(args.GetString("note"));
  ASSIGN_OR_RETURN(std::optional<v1::Actor> actor, ActorFromArgs(args));
  if (actor.has_value()) *request.mutable_actor() = *std::move(actor);
  return request;
}

absl::StatusOr<v1::ListOutcomesRequest> BuildSearchOutcomesRequest(
    const ParsedArgs& args) {
  v1::ListOutcomesRequest request;
  request.set_referral_id(args.GetString("referral"));
  request.set_ods_code(args.GetString("ods"));
  request.set_recorded_from(args.GetString("from"));
  request.set_recorded_to(args.GetString("to"));
  ASSIGN_OR_RETURN(int page_size, NonNegativeInt(args, "page-size"));
  request.set_page_size(page_size);
  request.set_page_token(args.GetString("page-token"));
  return request;
}

}  // namespace nhs::tobacco::cli
