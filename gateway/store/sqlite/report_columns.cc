#include "gateway/store/sqlite/report_columns.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/timestamps.h"

// Migration 10's backfill, and an outbox message's referral.

namespace nhs::tobacco::store {
namespace {

void BindOptional(SqliteStatement& stmt, int index,
                  const std::optional<int64_t>& v) {
  if (v.has_value()) {
    stmt.Bind(index, *v);
  } else {
    stmt.BindNull(index);
  }
}

absl::Status BackfillReferrals(SqliteConnection& conn) {
  std::vector<std::pair<std::string, ReferralColumns>> found;
  {
    ASSIGN_OR_RETURN(SqliteStatement rows,
                     conn.Prepare("SELECT referral_id, body FROM referrals"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      v1::Referral r;
      if (r.ParseFromString(rows.ColumnBlob(1))) {
        found.emplace_back(rows.ColumnText(0), ReferralColumnsOf(r));
      }
    }
  }
  for (const auto& [id, c] : found) {
    ASSIGN_OR_RETURN(
        SqliteStatement update,
        conn.Prepare("UPDATE referrals SET source = ?, smi = ?, diagnosis = ?, "
                     "shares_with_gp = ?, received_on = ?, quit_date = ? "
                     "WHERE referral_id = ?"));
    update.Bind(1, c.source)
        .Bind(2, c.smi)
        .Bind(3, c.diagnosis)
        .Bind(4, c.shares_with_gp)
        .Bind(5, c.received_on);
    if (c.quit_date.has_value()) {
      update.Bind(6, *c.quit_date);
    } else {
      update.BindNull(6);
    }
    RETURN_IF_ERROR(update.Bind(7, id).Run());
  }
  return absl::OkStatus();
}

absl::Status BackfillOutcomes(SqliteConnection& conn) {
  struct Found {
    std::string id;
    int64_t follow_up;
    int64_t status;
    int64_t co_verified;
  };
  std::vector<Found> found;
  {
    ASSIGN_OR_RETURN(SqliteStatement rows,
                     conn.Prepare("SELECT outcome_id, body FROM outcomes"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      v1::Outcome o;
      if (o.ParseFromString(rows.ColumnBlob(1))) {
        found.push_back(
            {rows.ColumnText(0), o.follow_up(), o.status(), CoVerified(o)});
      }
    }
  }
  for (const Found& f : found) {
    ASSIGN_OR_RETURN(SqliteStatement update,
                     conn.Prepare("UPDATE outcomes SET follow_up = ?, status = "
                                  "?, co_verified = ? WHERE outcome_id = ?"));
    RETURN_IF_ERROR(update.Bind(1, f.follow_up)
                        .Bind(2, f.status)
                        .Bind(3, f.co_verified)
                        .Bind(4, f.id)
                        .Run());
  }
  // The latest outcome at each point, by created_at.
  for (const v1::FollowUpPoint point :
       {v1::FOLLOW_UP_POINT_WEEK_4, v1::FOLLOW_UP_POINT_WEEK_12,
        v1::FOLLOW_UP_POINT_WEEK_52}) {
    RETURN_IF_ERROR(conn.Exec(absl::StrCat(
        "UPDATE referrals SET ", OutcomeColumn(point),
        " = COALESCE((SELECT o.status FROM outcomes o WHERE o.referral_id = "
        "referrals.referral_id AND o.follow_up = ",
        static_cast<int>(point),
        " ORDER BY o.created_us DESC, o.outcome_id DESC LIMIT 1), 0)")));
  }
  return absl::OkStatus();
}

// What the timeline shows of a request from before migration 10.
struct TimelineSteps {
  std::optional<int64_t> acknowledged_us;
  std::optional<int64_t> prescribed_or_supplied_us;
  std::optional<int64_t> dispensed_us;
  bool overdue = false;
  v1::PrescriptionStatus overdue_from = v1::PRESCRIPTION_STATUS_UNSPECIFIED;
  std::string overdue_target;
};

absl::StatusOr<absl::flat_hash_map<std::string, TimelineSteps>> ReadSteps(
    SqliteConnection& conn) {
  absl::flat_hash_map<std::string, TimelineSteps> steps;
  ASSIGN_OR_RETURN(SqliteStatement rows,
                   conn.Prepare("SELECT prescription_id, occurred_us, body "
                                "FROM events WHERE prescription_id != '' "
                                "ORDER BY sequence"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    v1::TimelineEvent e;
    if (!e.ParseFromString(rows.ColumnBlob(2))) continue;
    const int64_t at = rows.ColumnInt(1);
    if (e.type() == v1::EVENT_TYPE_OVERDUE) {
      TimelineSteps& s = steps[rows.ColumnText(0)];
      if (!s.overdue) {
        s.overdue = true;
        s.overdue_from = e.from_status();
        s.overdue_target = e.actor().organisation().ods_code();
      }
      continue;
    }
    if (e.to_status() == e.from_status()) continue;
    std::optional<int64_t>* slot = nullptr;
    switch (e.to_status()) {
      case v1::PRESCRIPTION_STATUS_ACKNOWLEDGED:
        slot = &steps[rows.ColumnText(0)].acknowledged_us;
        break;
      case v1::PRESCRIPTION_STATUS_PRESCRIBED:
      case v1::PRESCRIPTION_STATUS_SUPPLIED:
        slot = &steps[rows.ColumnText(0)].prescribed_or_supplied_us;
        break;
      case v1::PRESCRIPTION_STATUS_DISPENSED:
        slot = &steps[rows.ColumnText(0)].dispensed_us;
        break;
      default:
        break;
    }
    if (slot != nullptr && !slot->has_value()) *slot = at;
  }
  return steps;
}

absl::Status BackfillPrescriptions(SqliteConnection& conn) {
  ASSIGN_OR_RETURN(auto steps, ReadSteps(conn));
  std::vector<std::pair<std::string, PrescriptionColumns>> found;
  {
    ASSIGN_OR_RETURN(
        SqliteStatement rows,
        conn.Prepare("SELECT prescription_id, body FROM prescriptions"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      v1::PrescriptionRequest p;
      if (!p.ParseFromString(rows.ColumnBlob(1))) continue;
      PrescriptionColumns c = PrescriptionColumnsOf(p);
      if (auto it = steps.find(p.prescription_id()); it != steps.end()) {
        const TimelineSteps& s = it->second;
        if (!c.acknowledged_us.has_value()) {
          c.acknowledged_us = s.acknowledged_us;
        }
        if (!c.prescribed_or_supplied_us.has_value()) {
          c.prescribed_or_supplied_us = s.prescribed_or_supplied_us;
        }
        if (!c.dispensed_us.has_value()) c.dispensed_us = s.dispensed_us;
        if (c.first_overdue_waiting_on.empty() && s.overdue) {
          if (s.overdue_from == v1::PRESCRIPTION_STATUS_RECOMMENDED ||
              s.overdue_from == v1::PRESCRIPTION_STATUS_UNSPECIFIED) {
            c.first_overdue_waiting_on = "GATEWAY";
          } else if (!s.overdue_target.empty()) {
            c.first_overdue_waiting_on = s.overdue_target;
          } else {
            c.first_overdue_waiting_on = WaitingOn(s.overdue_from, p);
          }
        }
      }
      found.emplace_back(p.prescription_id(), std::move(c));
    }
  }
  for (const auto& [id, c] : found) {
    ASSIGN_OR_RETURN(
        SqliteStatement update,
        conn.Prepare("UPDATE prescriptions SET route = ?, product_kind = ?, "
                     "pharmacy_ods = ?, created_on = ?, acknowledged_us = ?, "
                     "prescribed_or_supplied_us = ?, dispensed_us = ?, "
                     "status_reason = ?, first_overdue_waiting_on = ? WHERE "
                     "prescription_id = ?"));
    update.Bind(1, c.route)
        .Bind(2, c.product_kind)
        .Bind(3, c.pharmacy_ods)
        .Bind(4, c.created_on);
    BindOptional(update, 5, c.acknowledged_us);
    BindOptional(update, 6, c.prescribed_or_supplied_us);
    BindOptional(update, 7, c.dispensed_us);
    RETURN_IF_ERROR(update.Bind(8, c.status_reason)
                        .Bind(9, c.first_overdue_waiting_on)
                        .Bind(10, id)
                        .Run());
  }
  // Each request copies its referral's subject; each referral its first
  // request's route, product kind and pharmacy.
  RETURN_IF_ERROR(conn.Exec(
      "UPDATE prescriptions SET (referrer_ods, gp_ods, source, smi, "
      "diagnosis, shares_with_gp) = (SELECT r.referrer_ods, r.gp_ods, "
      "r.source, r.smi, r.diagnosis, r.shares_with_gp FROM referrals r WHERE "
      "r.referral_id = prescriptions.referral_id) WHERE EXISTS (SELECT 1 "
      "FROM referrals r WHERE r.referral_id = prescriptions.referral_id)"));
  return conn.Exec(
      "UPDATE referrals SET (first_route, first_product_kind, "
      "first_pharmacy_ods) = (SELECT p.route, p.product_kind, p.pharmacy_ods "
      "FROM prescriptions p WHERE p.referral_id = referrals.referral_id "
      "ORDER BY p.created_us, p.prescription_id LIMIT 1) WHERE EXISTS "
      "(SELECT 1 FROM prescriptions p WHERE p.referral_id = "
      "referrals.referral_id)");
}

absl::Status BackfillOutbox(SqliteConnection& conn) {
  std::vector<std::pair<std::string, v1::OutboundMessage>> found;
  {
    ASSIGN_OR_RETURN(SqliteStatement rows,
                     conn.Prepare("SELECT message_id, message FROM outbox"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      v1::OutboundMessage m;
      if (!m.ParseFromString(rows.ColumnBlob(1))) continue;
      found.emplace_back(rows.ColumnText(0), std::move(m));
    }
  }
  for (const auto& [message_id, message] : found) {
    ASSIGN_OR_RETURN(std::string referral_id, OutboxReferralId(conn, message));
    if (referral_id.empty()) continue;
    ASSIGN_OR_RETURN(SqliteStatement update,
                     conn.Prepare("UPDATE outbox SET referral_id = ? WHERE "
                                  "message_id = ?"));
    RETURN_IF_ERROR(update.Bind(1, referral_id).Bind(2, message_id).Run());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> OutboxReferralId(SqliteConnection& conn,
                                             const v1::OutboundMessage& m) {
  if (std::string named = ReferralIdNamedIn(m); !named.empty()) return named;
  if (m.prescription_id().empty()) return std::string();
  // A message naming only its request: the request's referral.
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn.Prepare("SELECT referral_id FROM prescriptions WHERE "
                                "prescription_id = ?"));
  stmt.Bind(1, m.prescription_id());
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnText(0) : std::string();
}

absl::Status BackfillReportColumns(SqliteConnection& conn) {
  RETURN_IF_ERROR(BackfillReferrals(conn));
  RETURN_IF_ERROR(BackfillOutcomes(conn));
  RETURN_IF_ERROR(BackfillPrescriptions(conn));
  return BackfillOutbox(conn);
}

}  // namespace nhs::tobacco::store
