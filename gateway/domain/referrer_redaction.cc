#include "gateway/domain/referrer_redaction.h"

namespace nhs::tobacco::domain {

// A new free-text field on either message needs a decision here: the unit
// test classifies every string field and fails on one it does not know.
void RedactForReferrer(v1::PrescriptionRequest& request) {
  request.clear_reason();
}

void RedactForReferrer(v1::TimelineEvent& event) {
  // Notes are free text from the GP, pharmacy or service (a decline's
  // clinical explanation, a supply note); the reason code says what
  // happened without it.
  event.clear_note();
}

}  // namespace nhs::tobacco::domain
