#ifndef ADAPTERS_GP_LETTER_TEXT_H_
#define ADAPTERS_GP_LETTER_TEXT_H_

#include <string>
#include <vector>

#include "nhs/tobacco/v1/common.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

// The plain-text pieces both GP letters share: the FHIR narrative
// (recommendation_letter.h) and the PDF of GP Connect Send Document
// (adapters/gp_connect/gp_letters.h) say the same thing in the same words.
// Unescaped: callers escape for their format.
namespace nhs::tobacco::gp {

// "28 patch" and so on.
std::string QuantityText(const v1::Quantity& q);
// "Sam Testpatient", or "Your patient" when the record holds no name.
std::string PatientName(const v1::Patient& p);
// The medicines whose levels the GP must review (CYP1A2), by name.
std::vector<std::string> Cyp1a2Medicines(const v1::Referral& referral);
// "stop smoking now", "cut down to quit", "temporary abstinence", or empty.
std::string GoalText(v1::QuitGoal goal);

}  // namespace nhs::tobacco::gp

#endif  // ADAPTERS_GP_LETTER_TEXT_H_
