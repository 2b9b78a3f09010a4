#include "gateway/store/record_columns.h"

#include "absl/strings/str_cat.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::store {

ReferralColumns ReferralColumnsOf(const v1::Referral& r) {
  ReferralColumns c;
  c.source = r.source();
  c.smi = r.mental_health().smi() ? 1 : 0;
  c.diagnosis = r.mental_health().diagnosis_category();
  c.shares_with_gp = r.consent().share_with_gp() ? 1 : 0;
  c.received_on =
      domain::IsoDay(domain::LondonDay(domain::FromTimestamp(r.created_at())));
  if (r.has_quit_date() && !r.quit_date().quit_date().empty()) {
    c.quit_date = r.quit_date().quit_date();
  }
  return c;
}

std::string PharmacyOdsOf(const v1::PrescriptionRequest& p) {
  switch (p.route()) {
    case v1::ROUTE_PHARMACY_SUPPLY:
      return p.target().ods_code();
    case v1::ROUTE_GP_PRESCRIPTION:
      return p.nominated_pharmacy().ods_code();
    default:
      return "";
  }
}

std::string WaitingOn(v1::PrescriptionStatus status,
                      const v1::PrescriptionRequest& p) {
  if (status == v1::PRESCRIPTION_STATUS_RECOMMENDED ||
      status == v1::PRESCRIPTION_STATUS_UNSPECIFIED ||
      p.target().ods_code().empty()) {
    return "GATEWAY";
  }
  return p.target().ods_code();
}

namespace {

std::optional<int64_t> MicrosIfSet(bool set,
                                   const google::protobuf::Timestamp& ts) {
  if (!set) return std::nullopt;
  return domain::Micros(ts);
}

}  // namespace

PrescriptionColumns PrescriptionColumnsOf(const v1::PrescriptionRequest& p) {
  PrescriptionColumns c;
  c.route = p.route();
  c.product_kind = p.product().kind();
  c.pharmacy_ods = PharmacyOdsOf(p);
  c.created_on =
      domain::IsoDay(domain::LondonDay(domain::FromTimestamp(p.created_at())));
  c.acknowledged_us = MicrosIfSet(p.has_acknowledged_at(), p.acknowledged_at());
  c.prescribed_or_supplied_us = MicrosIfSet(p.has_prescribed_or_supplied_at(),
                                            p.prescribed_or_supplied_at());
  c.dispensed_us = MicrosIfSet(p.has_dispensed_at(), p.dispensed_at());
  c.status_reason = p.status_reason();
  c.first_overdue_waiting_on = p.first_overdue_waiting_on();
  return c;
}

const char* OutcomeColumn(v1::FollowUpPoint point) {
  switch (point) {
    case v1::FOLLOW_UP_POINT_WEEK_4:
      return "outcome_4wk";
    case v1::FOLLOW_UP_POINT_WEEK_12:
      return "outcome_12wk";
    case v1::FOLLOW_UP_POINT_WEEK_52:
      return "outcome_52wk";
    default:
      return nullptr;
  }
}

std::string OutboxOrderKey(const v1::OutboundMessage& m) {
  return absl::StrCat(
      DeliveryQueue(m.destination_ods(), m.channel()), "/",
      m.prescription_id().empty() ? m.referral_id() : m.prescription_id());
}

bool AlertWaiting(const v1::SafetyAlert& a) {
  return a.state() == v1::SAFETY_ALERT_STATE_RAISED ||
         a.state() == v1::SAFETY_ALERT_STATE_SENT;
}

std::string ReferralIdNamedIn(const v1::OutboundMessage& m) {
  for (const std::string* id :
       {&m.referral_id(), &m.prescription().referral_id(),
        &m.referral().referral_id(), &m.outcome().referral_id(),
        &m.safety_alert().referral_id()}) {
    if (!id->empty()) return *id;
  }
  return "";
}

}  // namespace nhs::tobacco::store
