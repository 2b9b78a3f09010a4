#include "adapters/mental_health/registered_gp.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::mental_health {
namespace {

constexpr char kNotOds[] =
    "is not an ODS code (3 to 6 upper-case letters and digits): the "
    "registered practice is left out";

bool IsOds(const std::string& ods) {
  return !ods.empty() && domain::ValidateOdsCode(ods).ok();
}

v1::Organisation Practice(std::string ods, std::string name) {
  v1::Organisation practice;
  practice.set_ods_code(std::move(ods));
  practice.set_name(std::move(name));
  return practice;
}

}  // namespace

std::optional<v1::Organisation> ReadRegisteredGp(const hl7v2::Message& message,
                                                 TranslationNotes* notes) {
  bool warned = false;
  auto warn = [&](absl::string_view location, absl::string_view what) {
    if (notes != nullptr) notes->Warn(location, what);
    warned = true;
  };
  if (const hl7v2::Segment* pd1 = message.FindSegment("PD1"); pd1 != nullptr) {
    const hl7v2::Repetition xon = pd1->GetField(3).GetRepetition(1);
    std::string ods = xon.GetComponent(10).Text();
    int component = 10;
    if (ods.empty()) {
      ods = xon.GetComponent(3).Text();
      component = 3;
    }
    if (IsOds(ods)) return Practice(std::move(ods), xon.GetComponent(1).Text());
    if (!ods.empty()) warn(absl::StrCat("PD1-3(1).", component), kNotOds);
  }
  int occurrence = 0;
  for (const hl7v2::Segment* prd : message.FindSegments("PRD")) {
    ++occurrence;
    if (!absl::EqualsIgnoreCase(prd->GetField(1).Text(), "PP")) continue;
    const hl7v2::Field ids = prd->GetField(7);
    for (int i = 1; i <= ids.repetition_count(); ++i) {
      const hl7v2::Repetition pln = ids.GetRepetition(i);
      if (!absl::EqualsIgnoreCase(pln.GetComponent(2).Text(), "ODS")) continue;
      std::string ods = pln.GetComponent(1).Text();
      if (IsOds(ods)) return Practice(std::move(ods), "");
      warn(absl::StrCat(
               "PRD", occurrence == 1 ? "" : absl::StrCat("(", occurrence, ")"),
               "-7(", i, ").1"),
           kNotOds);
    }
  }
  if (!warned) {
    warn("PD1-3",
         "is required for the GP route: no registered practice (PD1-3, or a "
         "PRD with role PP); accepted without one");
  }
  return std::nullopt;
}

}  // namespace nhs::tobacco::mental_health
