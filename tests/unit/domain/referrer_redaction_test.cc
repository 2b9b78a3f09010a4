#include "gateway/domain/referrer_redaction.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// A request with every field a referrer might be shown filled in.
v1::PrescriptionRequest FullRequest() {
  v1::PrescriptionRequest p;
  p.set_prescription_id("rx-1");
  p.set_referral_id("ref-1");
  p.mutable_product()->set_product_id("nrt-patch-21mg-24h");
  p.set_dose_text("Apply one patch every 24 hours");
  p.set_route(v1::ROUTE_GP_PRESCRIPTION);
  p.mutable_target()->set_ods_code("Y90001");
  p.mutable_service()->set_ods_code("TDS01");
  p.set_reason("Smokes 30 a day; on clozapine, levels to be reviewed.");
  p.set_status(v1::PRESCRIPTION_STATUS_DECLINED);
  p.set_status_reason("CLINICAL_CONTRAINDICATION");
  p.set_eps_prescription_id("A1B2C3-Y90001-D4E5F6");
  p.set_version(4);
  return p;
}

TEST(ReferrerRedactionTest, RequestLosesTheLetterReasonAndKeepsWhatHappened) {
  v1::PrescriptionRequest p = FullRequest();
  RedactForReferrer(p);
  EXPECT_EQ(p.reason(), "") << "the clinical reason written for the GP";
  v1::PrescriptionRequest expected = FullRequest();
  expected.clear_reason();
  EXPECT_EQ(p.SerializeAsString(), expected.SerializeAsString())
      << "nothing else changes";
}

TEST(ReferrerRedactionTest, EventLosesItsNoteAndKeepsTheReasonCode) {
  struct Case {
    v1::EventType type;
    const char* reason_code;
    const char* note;
  };
  const Case cases[] = {
      {v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED, "CLINICAL_CONTRAINDICATION",
       "History of seizures; discussed with the patient."},
      {v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED, "", "Supplied 7 patches."},
      {v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED, "", ""},
      {v1::EVENT_TYPE_OVERDUE, "", "GP decision overdue"},
  };
  for (const Case& c : cases) {
    v1::TimelineEvent e;
    e.set_sequence(7);
    e.set_type(c.type);
    e.set_prescription_id("rx-1");
    e.set_to_status(v1::PRESCRIPTION_STATUS_DECLINED);
    e.mutable_actor()->mutable_organisation()->set_ods_code("Y90001");
    e.set_reason_code(c.reason_code);
    e.set_note(c.note);
    RedactForReferrer(e);
    EXPECT_EQ(e.note(), "") << c.note;
    EXPECT_EQ(e.reason_code(), c.reason_code);
    EXPECT_EQ(e.type(), c.type);
    EXPECT_EQ(e.to_status(), v1::PRESCRIPTION_STATUS_DECLINED);
    EXPECT_EQ(e.actor().organisation().ods_code(), "Y90001");
  }
}

// Every free-text field of the two messages is classified: shown to a
// referrer, or redacted. A new string field fails here until someone
// decides whether it can carry letter text (and redacts it if so).
void ExpectClassified(const Descriptor* d, const std::set<std::string>& shown,
                      const std::set<std::string>& redacted) {
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->type() != FieldDescriptor::TYPE_STRING) continue;
    EXPECT_TRUE(shown.contains(f->name()) || redacted.contains(f->name()))
        << d->name() << "." << f->name()
        << " is new free text: decide in referrer_redaction.cc whether a "
           "referrer may see it";
  }
}

TEST(ReferrerRedactionTest, EveryStringFieldIsClassified) {
  ExpectClassified(v1::PrescriptionRequest::descriptor(),
                   {"prescription_id", "referral_id", "dose_text",
                    "eps_prescription_id", "status_reason",
                    // The display text of a configured reason code, and the
                    // ids of the requests an alternative links.
                    "status_reason_display", "replaces", "replaced_by",
                    // reports: an ODS code (who it waited on), not text.
                    "first_overdue_waiting_on"},
                   {"reason"});
  ExpectClassified(
      v1::TimelineEvent::descriptor(),
      {"referral_id", "prescription_id", "reason_code", "outcome_id",
       // Field mask paths (never values), a configured code's display text,
       // the linked request's id.
       "changed_paths", "reason_display", "related_prescription_id",
       // The id of a safety alert the event is about.
       "safety_alert_id"},
      {"note"});
}

}  // namespace
}  // namespace nhs::tobacco::domain
