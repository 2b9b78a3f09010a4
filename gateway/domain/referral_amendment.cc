#include "gateway/domain/referral_amendment.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/domain/cyp1a2_medicines.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::domain {
namespace {

constexpr size_t kMaxIdLength = 128;

constexpr std::array<absl::string_view, 11> kAmendable = {
    "gp_practice",
    "nominated_pharmacy",
    "contact",
    "contact.text_reminders",
    "contact.home_visits",
    "goal",
    "consent",
    "consent.share_with_gp",
    "consent.share_with_pharmacy",
    "consent.share_with_mental_health_team",
    "mental_health.medicines",
};

bool IsAmendable(absl::string_view path) {
  return std::find(kAmendable.begin(), kAmendable.end(), path) !=
         kAmendable.end();
}

// The leaf paths a mask path covers, so the timeline names exactly which
// consent flag or contact preference changed.
std::vector<absl::string_view> Leaves(absl::string_view path) {
  if (path == "consent") {
    return {"consent.share_with_gp", "consent.share_with_pharmacy",
            "consent.share_with_mental_health_team"};
  }
  if (path == "contact")
    return {"contact.text_reminders", "contact.home_visits"};
  return {path};
}

// Copies the value at leaf `path` from `from` into `to`.
void CopyLeaf(absl::string_view path, const v1::Referral& from,
              v1::Referral& to) {
  // An absent organisation clears it (the mask's usual meaning).
  if (path == "gp_practice") {
    if (from.has_gp_practice()) {
      *to.mutable_gp_practice() = from.gp_practice();
    } else {
      to.clear_gp_practice();
    }
  } else if (path == "nominated_pharmacy") {
    if (from.has_nominated_pharmacy()) {
      *to.mutable_nominated_pharmacy() = from.nominated_pharmacy();
    } else {
      to.clear_nominated_pharmacy();
    }
  } else if (path == "contact.text_reminders") {
    to.mutable_contact()->set_text_reminders(from.contact().text_reminders());
  } else if (path == "contact.home_visits") {
    to.mutable_contact()->set_home_visits(from.contact().home_visits());
  } else if (path == "goal") {
    to.set_goal(from.goal());
  } else if (path == "consent.share_with_gp") {
    to.mutable_consent()->set_share_with_gp(from.consent().share_with_gp());
  } else if (path == "consent.share_with_pharmacy") {
    to.mutable_consent()->set_share_with_pharmacy(
        from.consent().share_with_pharmacy());
  } else if (path == "consent.share_with_mental_health_team") {
    to.mutable_consent()->set_share_with_mental_health_team(
        from.consent().share_with_mental_health_team());
  } else if (path == "mental_health.medicines") {
    *to.mutable_mental_health()->mutable_medicines() =
        from.mental_health().medicines();
  }
}

// The value at leaf `path`, serialised, to tell whether it changed.
std::string ValueAt(absl::string_view path, const v1::Referral& r) {
  v1::Referral only;
  CopyLeaf(path, r, only);
  return only.SerializeAsString();
}

}  // namespace

absl::Span<const absl::string_view> AmendablePaths() { return kAmendable; }

absl::Status ValidateUpdateReferral(const v1::UpdateReferralRequest& request) {
  Violations v;
  if (request.request_id().empty()) {
    v.Add("request_id", "is required (a client-chosen idempotency key)");
  } else if (request.request_id().size() > kMaxIdLength) {
    v.Add("request_id",
          absl::StrCat("must be at most ", kMaxIdLength, " characters"));
  }
  if (request.referral_id().empty()) v.Add("referral_id", "is required");
  if (request.expected_version() < 0) {
    v.Add("expected_version", "must not be negative (0 = no check)");
  }
  const std::string amendable = absl::StrJoin(kAmendable, ", ");
  if (request.update_mask().paths().empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: name the fields to change (amendable: ",
                       amendable, ")"));
  }
  for (int i = 0; i < request.update_mask().paths_size(); ++i) {
    const std::string& path = request.update_mask().paths(i);
    if (!IsAmendable(path)) {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"),
            absl::StrCat("\"", path, "\" is not an amendable field (",
                         "amendable: ", amendable, ")"));
    }
  }
  return v.ToStatus("invalid referral amendment");
}

absl::StatusOr<Amendment> AmendReferral(
    const v1::Referral& current, const v1::UpdateReferralRequest& request,
    const ValidationLimits& limits,
    const std::vector<std::string>& cyp1a2_medicines) {
  if (absl::Status s = ValidateUpdateReferral(request); !s.ok()) return s;
  Amendment result;
  result.amended = current;
  std::vector<absl::string_view> leaves;
  for (const std::string& path : request.update_mask().paths()) {
    for (absl::string_view leaf : Leaves(path)) {
      if (std::find(leaves.begin(), leaves.end(), leaf) == leaves.end()) {
        leaves.push_back(leaf);
      }
    }
  }
  for (absl::string_view leaf : leaves) {
    CopyLeaf(leaf, request.referral(), result.amended);
  }

  // The values are checked as a new referral's are, keeping only what the
  // mask touched: a stored field is never the caller's fault.
  Violations v;
  v1::CreateReferralRequest as_new;
  as_new.set_request_id(request.request_id());
  *as_new.mutable_referral() = result.amended;
  for (const FieldViolation& f :
       GetFieldViolations(ValidateCreateReferral(as_new, limits))) {
    for (absl::string_view leaf : leaves) {
      const std::string prefix = absl::StrCat("referral.", leaf);
      if (f.field == prefix || absl::StartsWith(f.field, prefix + ".") ||
          absl::StartsWith(f.field, prefix + "[")) {
        v.Add(f.field, f.description);
        break;
      }
    }
  }
  const std::string& pharmacy = result.amended.nominated_pharmacy().ods_code();
  if (std::find(leaves.begin(), leaves.end(), "nominated_pharmacy") !=
          leaves.end() &&
      !pharmacy.empty()) {
    if (absl::Status s = ValidateOdsCode(pharmacy); !s.ok()) {
      v.Add("referral.nominated_pharmacy.ods_code", s.message());
    }
  }
  if (absl::Status s = v.ToStatus("invalid referral amendment"); !s.ok()) {
    return s;
  }

  FlagCyp1a2Medicines(*result.amended.mutable_mental_health(),
                      cyp1a2_medicines);
  for (absl::string_view leaf : leaves) {
    if (ValueAt(leaf, current) != ValueAt(leaf, result.amended)) {
      result.changed_paths.emplace_back(leaf);
    }
  }
  result.withdrawn =
      WithdrawnParties(current.consent(), result.amended.consent());
  return result;
}

}  // namespace nhs::tobacco::domain
