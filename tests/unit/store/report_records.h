#ifndef TESTS_UNIT_STORE_REPORT_RECORDS_H_
#define TESTS_UNIT_STORE_REPORT_RECORDS_H_

// Records for the report scan tests (issue 14): small builders with the
// fields the reporting columns copy, and collectors that run a scan into a
// vector (fine for a test's handful of rows).
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::store::report_testing {

// A London wall-clock time.
inline absl::Time London(int y, int m, int d, int hh = 12, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0),
                         domain::LondonZone());
}

inline v1::Referral MakeReferral(const std::string& id, absl::Time created,
                                 const std::string& service_ods = "TDS01",
                                 const std::string& gp_ods = "Y90001") {
  v1::Referral r;
  r.set_referral_id(id);
  r.mutable_patient()->set_nhs_number("9990000018");
  r.mutable_referrer()->set_ods_code("RX9");
  r.mutable_service()->set_ods_code(service_ods);
  r.mutable_gp_practice()->set_ods_code(gp_ods);
  r.set_source(v1::REFERRAL_SOURCE_TALKING_THERAPIES);
  r.mutable_mental_health()->set_smi(true);
  r.mutable_mental_health()->set_diagnosis_category(
      v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER);
  r.mutable_consent()->set_share_with_gp(true);
  r.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  *r.mutable_created_at() = domain::ToTimestamp(created);
  r.set_version(1);
  return r;
}

inline void SetQuitDate(v1::Referral& r, const std::string& day) {
  r.mutable_quit_date()->set_quit_date_id("qd-" + r.referral_id());
  r.mutable_quit_date()->set_referral_id(r.referral_id());
  r.mutable_quit_date()->set_quit_date(day);
}

inline v1::PrescriptionRequest MakePrescription(
    const std::string& id, const v1::Referral& r, absl::Time created,
    v1::Route route = v1::ROUTE_PHARMACY_SUPPLY,
    const std::string& target = "FZZ99") {
  v1::PrescriptionRequest p;
  p.set_prescription_id(id);
  p.set_referral_id(r.referral_id());
  p.mutable_patient()->set_nhs_number(r.patient().nhs_number());
  p.mutable_product()->set_kind(v1::PRODUCT_KIND_VARENICLINE);
  p.set_route(route);
  p.mutable_target()->set_ods_code(target);
  p.mutable_service()->set_ods_code(r.service().ods_code());
  *p.mutable_gp_practice() = r.gp_practice();
  p.mutable_nominated_pharmacy()->set_ods_code("FNM01");
  p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  *p.mutable_created_at() = domain::ToTimestamp(created);
  *p.mutable_updated_at() = p.created_at();
  p.set_version(1);
  return p;
}

inline v1::Outcome MakeOutcome(const std::string& id, const std::string& ref,
                               v1::FollowUpPoint point,
                               v1::OutcomeStatus status, absl::Time created) {
  v1::Outcome o;
  o.set_outcome_id(id);
  o.set_referral_id(ref);
  o.set_follow_up(point);
  o.set_status(status);
  o.set_recorded_on(domain::IsoDay(domain::LondonDay(created)));
  *o.mutable_created_at() = domain::ToTimestamp(created);
  return o;
}

// An outbox message to `destination` about `referral_id` (or, when
// `prescription_id` is given, naming only that request), in `state`.
inline OutboxRow MakeOutboxRow(const std::string& id,
                               const std::string& destination,
                               const std::string& referral_id,
                               absl::Time created, v1::DeliveryState state,
                               const std::string& prescription_id = "") {
  OutboxRow row;
  row.message.set_message_id(id);
  row.message.set_kind(v1::MESSAGE_KIND_UNSPECIFIED);
  row.message.set_channel(v1::DELIVERY_CHANNEL_UNSPECIFIED);
  row.message.set_destination_ods(destination);
  row.message.set_referral_id(referral_id);
  row.message.set_prescription_id(prescription_id);
  row.delivery.set_message_id(id);
  row.delivery.set_destination_ods(destination);
  row.delivery.set_referral_id(referral_id);
  row.delivery.set_prescription_id(prescription_id);
  row.delivery.set_state(state);
  *row.delivery.mutable_created_at() = domain::ToTimestamp(created);
  *row.delivery.mutable_updated_at() = domain::ToTimestamp(created);
  *row.delivery.mutable_next_attempt_at() = domain::ToTimestamp(created);
  return row;
}

inline ReportScan Scan(absl::CivilDay from, absl::CivilDay to,
                       std::vector<std::string> ods = {}) {
  ReportScan scan;
  scan.from = from;
  scan.to = to;
  scan.ods_codes = std::move(ods);
  return scan;
}

template <typename T>
absl::StatusOr<std::vector<T>> Collect(
    Store& store,
    absl::Status (ReadTransaction::*method)(const ReportScan&,
                                            const FactSink<T>&),
    const ReportScan& scan) {
  std::vector<T> out;
  absl::Status s = store.Read([&](ReadTransaction& tx) {
    return (tx.*method)(scan, [&](const T& fact) {
      out.push_back(fact);
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace nhs::tobacco::store::report_testing

#endif  // TESTS_UNIT_STORE_REPORT_RECORDS_H_
