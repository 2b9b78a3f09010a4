#include "gateway/domain/formulary.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::domain {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

}  // namespace

absl::StatusOr<Formulary> Formulary::FromConfig(
    const google::protobuf::RepeatedPtrField<v1::FormularyEntry>& entries) {
  Formulary formulary;
  Violations violations;
  for (int i = 0; i < entries.size(); ++i) {
    const v1::FormularyEntry& e = entries.Get(i);
    const v1::Product& p = e.product();
    const std::string path = absl::StrCat("formulary[", i, "]");
    if (p.product_id().empty()) {
      violations.Add(absl::StrCat(path, ".product.product_id"), "is required");
    } else if (formulary.entries_.contains(p.product_id())) {
      violations.Add(absl::StrCat(path, ".product.product_id"),
                     "is used by another entry");
    }
    if (p.display().empty()) {
      violations.Add(absl::StrCat(path, ".product.display"), "is required");
    }
    if (p.kind() == v1::PRODUCT_KIND_UNSPECIFIED ||
        !v1::ProductKind_IsValid(p.kind())) {
      violations.Add(absl::StrCat(path, ".product.kind"),
                     "must be NRT, VARENICLINE, CYTISINE, BUPROPION or VAPE");
    }
    if (e.routes().empty()) {
      violations.Add(absl::StrCat(path, ".routes"), "needs at least one route");
    }
    for (int r : e.routes()) {
      if (r == v1::ROUTE_UNSPECIFIED || !v1::Route_IsValid(r)) {
        violations.Add(absl::StrCat(path, ".routes"), "has an unknown route");
      }
    }
    if (p.kind() == v1::PRODUCT_KIND_VAPE) {
      if (!p.dmd_code().empty()) {
        violations.Add(absl::StrCat(path, ".product.dmd_code"),
                       "a vape kit is not a medicine and has no dm+d code");
      }
      if (p.local_code().empty()) {
        violations.Add(absl::StrCat(path, ".product.local_code"),
                       "a vape kit needs a local code");
      }
      if (AllowsRoute(e, v1::ROUTE_GP_PRESCRIPTION)) {
        violations.Add(absl::StrCat(path, ".routes"),
                       "a vape kit cannot be prescribed by a GP");
      }
    } else if (!p.dmd_code().empty() && !AllDigits(p.dmd_code())) {
      violations.Add(absl::StrCat(path, ".product.dmd_code"),
                     "must be a dm+d (SNOMED CT) identifier: digits only");
    } else if (p.dmd_code().empty() && p.dmd_verified()) {
      violations.Add(absl::StrCat(path, ".product.dmd_verified"),
                     "cannot be true without a dm+d code");
    }
    if (formulary.entries_.emplace(p.product_id(), e).second) {
      formulary.order_.push_back(p.product_id());
    }
  }
  if (!violations.empty()) return violations.ToStatus("invalid formulary");
  return formulary;
}

std::vector<const v1::FormularyEntry*> Formulary::Entries() const {
  std::vector<const v1::FormularyEntry*> all;
  all.reserve(order_.size());
  for (const std::string& id : order_) all.push_back(&entries_.at(id));
  return all;
}

const v1::FormularyEntry* Formulary::Find(absl::string_view product_id) const {
  auto it = entries_.find(product_id);
  return it == entries_.end() ? nullptr : &it->second;
}

bool Formulary::AllowsRoute(const v1::FormularyEntry& entry, v1::Route route) {
  for (int r : entry.routes()) {
    if (r == route) return true;
  }
  return false;
}

}  // namespace nhs::tobacco::domain
