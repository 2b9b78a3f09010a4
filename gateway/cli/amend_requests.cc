#include "gateway/cli/amend_requests.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/cli/enum_names.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::cli {
namespace {

absl::StatusOr<std::string> OneId(const ParsedArgs& args) {
  if (args.positionals().size() != 1 || args.positionals()[0].empty()) {
    return absl::InvalidArgumentError("expects one argument: the referral ID");
  }
  return args.positionals()[0];
}

// The consent flag path of a party as the CLI spells it.
absl::StatusOr<std::string> ConsentPath(absl::string_view flag,
                                        absl::string_view party) {
  const std::string p = absl::AsciiStrToLower(party);
  if (p == "gp") return std::string("consent.share_with_gp");
  if (p == "pharmacy") return std::string("consent.share_with_pharmacy");
  if (p == "mental-health" || p == "mental_health") {
    return std::string("consent.share_with_mental_health_team");
  }
  return FlagError(flag, absl::StrCat("\"", party,
                                      "\" is not a party; use gp, pharmacy "
                                      "or mental-health"));
}

void SetConsent(v1::Consent& consent, absl::string_view path, bool value) {
  if (path == "consent.share_with_gp") consent.set_share_with_gp(value);
  if (path == "consent.share_with_pharmacy") {
    consent.set_share_with_pharmacy(value);
  }
  if (path == "consent.share_with_mental_health_team") {
    consent.set_share_with_mental_health_team(value);
  }
}

}  // namespace

absl::StatusOr<v1::UpdateReferralRequest> BuildUpdateReferralRequest(
    const ParsedArgs& args, absl::string_view request_id) {
  v1::UpdateReferralRequest request;
  request.set_request_id(std::string(request_id));
  ASSIGN_OR_RETURN(*request.mutable_referral_id(), OneId(args));
  v1::Referral& r = *request.mutable_referral();
  auto mask = [&](absl::string_view path) {
    request.mutable_update_mask()->add_paths(std::string(path));
  };
  if (args.Has("gp-practice")) {
    r.mutable_gp_practice()->set_ods_code(args.GetString("gp-practice"));
    mask("gp_practice");
  }
  if (args.Has("nominated-pharmacy")) {
    r.mutable_nominated_pharmacy()->set_ods_code(
        args.GetString("nominated-pharmacy"));
    mask("nominated_pharmacy");
  }
  if (args.Has("goal")) {
    ASSIGN_OR_RETURN(v1::QuitGoal goal,
                     ParseEnum<v1::QuitGoal>("goal", args.GetString("goal")));
    r.set_goal(goal);
    mask("goal");
  }
  if (args.Has("text-reminders")) {
    ASSIGN_OR_RETURN(bool on, args.GetBool("text-reminders"));
    r.mutable_contact()->set_text_reminders(on);
    mask("contact.text_reminders");
  }
  if (args.Has("home-visits")) {
    ASSIGN_OR_RETURN(bool on, args.GetBool("home-visits"));
    r.mutable_contact()->set_home_visits(on);
    mask("contact.home_visits");
  }
  if (args.Has("medicines")) {
    // NAME or NAME:DMD_CODE, as referrals create; the gateway decides
    // CYP1A2 sensitivity. An empty list clears the medicines.
    for (absl::string_view item :
         absl::StrSplit(args.GetString("medicines"), ',', absl::SkipEmpty())) {
      std::pair<absl::string_view, absl::string_view> parts =
          absl::StrSplit(item, absl::MaxSplits(':', 1));
      absl::string_view name = absl::StripAsciiWhitespace(parts.first);
      if (name.empty()) {
        return FlagError("medicines",
                         absl::StrCat("\"", item, "\" has no medicine name"));
      }
      v1::PsychiatricMedicine* m = r.mutable_mental_health()->add_medicines();
      m->set_name(std::string(name));
      m->set_dmd_code(std::string(absl::StripAsciiWhitespace(parts.second)));
    }
    mask("mental_health.medicines");
  }
  for (const auto& [flag, value] :
       {std::pair<const char*, bool>{"withdraw-consent", false},
        std::pair<const char*, bool>{"give-consent", true}}) {
    for (const std::string& party : args.GetAll(flag)) {
      ASSIGN_OR_RETURN(std::string path, ConsentPath(flag, party));
      SetConsent(*r.mutable_consent(), path, value);
      mask(path);
    }
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> version,
                   args.GetInt64("expected-version"));
  if (version.has_value()) request.set_expected_version(*version);
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(
        "nothing to change: give at least one of --gp-practice, "
        "--nominated-pharmacy, --goal, --text-reminders, --home-visits, "
        "--medicines, --withdraw-consent, --give-consent");
  }
  return request;
}

absl::StatusOr<v1::GetReferralTimelineRequest> BuildGetReferralTimelineRequest(
    const ParsedArgs& args) {
  v1::GetReferralTimelineRequest request;
  ASSIGN_OR_RETURN(*request.mutable_referral_id(), OneId(args));
  return request;
}

}  // namespace nhs::tobacco::cli
