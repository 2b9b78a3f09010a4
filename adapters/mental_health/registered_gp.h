#ifndef ADAPTERS_MENTAL_HEALTH_REGISTERED_GP_H_
#define ADAPTERS_MENTAL_HEALTH_REGISTERED_GP_H_

#include <optional>

#include "adapters/hl7v2/message.h"
#include "adapters/mental_health/translation_notes.h"
#include "nhs/tobacco/v1/common.pb.h"

namespace nhs::tobacco::mental_health {

// The patient's registered GP practice as a trust sends it:
// PD1-3 (patient primary facility, XON: name ^ type ^ id, the ODS code in
// XON.10 from v2.5 on or XON.3 before), else a PRD with role PP (primary
// care provider) whose PRD-7 has an ODS identifier. REF^I12 has no PD1 in
// the standard's structure, but trusts send one, so it is read wherever it
// is. A code that is not a valid ODS code is left out rather than refused:
// a referral must not bounce for a field the gateway can do without. Each
// such code, or no practice at all, is a warning in `notes` (when given)
// for the ACK: ERR-3 102 (data type error) at the code, or 101 (required
// field missing) at PD1-3, with severity W.
std::optional<v1::Organisation> ReadRegisteredGp(
    const hl7v2::Message& message, TranslationNotes* notes = nullptr);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_REGISTERED_GP_H_
