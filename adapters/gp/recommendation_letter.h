#ifndef ADAPTERS_GP_RECOMMENDATION_LETTER_H_
#define ADAPTERS_GP_RECOMMENDATION_LETTER_H_

#include <string>

#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::gp {

// The recommendation as the letter a GP reads in their system (the paper
// letter patients lose is what this replaces): who the patient is, what is
// recommended (product, dose, quantity, duration, reason), the smoking
// history, the clozapine/olanzapine safety note when the request carries the
// CYP1A2 alert, what to reply, and who signs it. XHTML for a FHIR narrative
// div (inner content, every value escaped). A `reminder` (the GP chaser)
// opens by saying so: the practice has not replied and the request is
// overdue.
std::string RecommendationLetterXhtml(const v1::PrescriptionRequest& request,
                                      const v1::Referral& referral,
                                      bool reminder = false);

// "999 000 0018": how people read NHS numbers.
std::string FormatNhsNumber(const std::string& nhs_number);

}  // namespace nhs::tobacco::gp

#endif  // ADAPTERS_GP_RECOMMENDATION_LETTER_H_
