#ifndef ADAPTERS_GP_CONNECT_GP_LETTERS_H_
#define ADAPTERS_GP_CONNECT_GP_LETTERS_H_

#include "adapters/gp_connect/letter.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

// The letters the tobacco dependence service sends a GP practice through
// GP Connect Send Document, built from the outbox snapshot. Pure: the same
// protos give the same letter (dates come from the protos, never the
// clock), so a retried message renders the same document.
namespace nhs::tobacco::gp_connect {

// The recommendation: who the patient is, what is recommended (product,
// dose, quantity, duration, reason), the smoking history, the CYP1A2
// safety note when the request carries the alert, what to reply and who
// signs. The same content as gp::RecommendationLetterXhtml (the FHIR
// narrative). A `reminder` opens by saying the practice has not replied.
Letter RecommendationLetter(const v1::PrescriptionRequest& request,
                            const v1::Referral& referral, bool reminder);

// A treatment outcome at 4, 12 or 52 weeks. A quit (or cutting down) by a
// patient on clozapine or olanzapine carries the safety note: their levels
// rise when smoking stops; a relapse carries its mirror image.
Letter OutcomeLetter(const v1::Outcome& outcome, const v1::Referral& referral);

// The service withdrew its recommendation: do not prescribe it.
Letter CancellationLetter(const v1::PrescriptionRequest& request,
                          const v1::Referral& referral);

}  // namespace nhs::tobacco::gp_connect

#endif  // ADAPTERS_GP_CONNECT_GP_LETTERS_H_
