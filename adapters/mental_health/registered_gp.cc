#include "adapters/mental_health/registered_gp.h"

#include <string>

#include "absl/strings/match.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::mental_health {
namespace {

std::optional<v1::Organisation> Practice(std::string ods, std::string name) {
  if (ods.empty() || !domain::ValidateOdsCode(ods).ok()) return std::nullopt;
  v1::Organisation practice;
  practice.set_ods_code(std::move(ods));
  practice.set_name(std::move(name));
  return practice;
}

}  // namespace

std::optional<v1::Organisation> ReadRegisteredGp(
    const hl7v2::Message& message) {
  if (const hl7v2::Segment* pd1 = message.FindSegment("PD1"); pd1 != nullptr) {
    const hl7v2::Repetition xon = pd1->GetField(3).GetRepetition(1);
    std::string ods = xon.GetComponent(10).Text();
    if (ods.empty()) ods = xon.GetComponent(3).Text();
    if (auto practice = Practice(std::move(ods), xon.GetComponent(1).Text())) {
      return practice;
    }
  }
  for (const hl7v2::Segment* prd : message.FindSegments("PRD")) {
    if (!absl::EqualsIgnoreCase(prd->GetField(1).Text(), "PP")) continue;
    const hl7v2::Field ids = prd->GetField(7);
    for (int i = 1; i <= ids.repetition_count(); ++i) {
      const hl7v2::Repetition pln = ids.GetRepetition(i);
      if (absl::EqualsIgnoreCase(pln.GetComponent(2).Text(), "ODS")) {
        if (auto practice = Practice(pln.GetComponent(1).Text(), "")) {
          return practice;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace nhs::tobacco::mental_health
