// The care records (issue 12) of PgTransaction: quit dates and contacts,
// each one row per record with its body, listed per referral in the order
// recorded.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/postgres/pg_rows.h"
#include "gateway/store/postgres/pg_transaction.h"
#include "gateway/store/stored_body.h"

namespace nhs::tobacco::store {
namespace {

// Every row of `table` about the referral oldest first by `time_column`
// (selecting body, then `id_column`), skipping and reporting by id a body
// that does not parse, as the other listings do. Between records of one
// time (one transaction, or a clock that did not move) the order inserted
// (seq, as SQLite's rowid).
template <typename T>
absl::StatusOr<std::vector<T>> ListBodies(PgConnection& conn,
                                          absl::string_view table,
                                          absl::string_view id_column,
                                          absl::string_view time_column,
                                          absl::string_view referral_id) {
  PgArgs args;
  const std::string sql =
      absl::StrCat("SELECT body, ", id_column, " FROM ", table,
                   " WHERE referral_id = ", args.Text(referral_id),
                   " ORDER BY ", time_column, ", seq");
  ASSIGN_OR_RETURN(const PgResult result, conn.Query(sql, args));
  std::vector<T> items;
  items.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(
        std::optional<T> item,
        pg::ParseColumnOrSkip<T>(result, row, 0, table, result.Text(row, 1)));
    if (item.has_value()) items.push_back(*std::move(item));
  }
  return items;
}

// Inserts a row unless its id is taken: ALREADY_EXISTS then, without
// aborting the transaction (a SQLite caller may carry on with it).
absl::Status InsertRow(PgConnection& conn, const std::string& sql,
                       const PgArgs& args, absl::string_view what,
                       absl::string_view id) {
  ASSIGN_OR_RETURN(const PgResult result, conn.Query(sql, args));
  if (result.rows() == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat(what, " ", id, " already exists"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::QuitDate>> PgTransaction::ListQuitDates(
    absl::string_view referral_id) {
  return ListBodies<v1::QuitDate>(conn_, "quit_dates", "quit_date_id", "set_us",
                                  referral_id);
}

absl::StatusOr<std::vector<v1::Contact>> PgTransaction::ListContacts(
    absl::string_view referral_id) {
  return ListBodies<v1::Contact>(conn_, "contacts", "contact_id", "created_us",
                                 referral_id);
}

absl::Status PgTransaction::InsertQuitDate(const v1::QuitDate& q) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(q, "quit_date"));
  PgArgs args;
  const std::string sql = absl::StrCat(
      "INSERT INTO quit_dates (quit_date_id, referral_id, set_us, body) "
      "VALUES (",
      args.Text(q.quit_date_id()), ", ", args.Text(q.referral_id()), ", ",
      args.Int(domain::Micros(q.set_at())), ", ", args.Bytes(body),
      ") ON CONFLICT DO NOTHING RETURNING quit_date_id");
  return InsertRow(conn_, sql, args, "quit date", q.quit_date_id());
}

absl::Status PgTransaction::InsertContact(const v1::Contact& c) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(c, "contact"));
  PgArgs args;
  const std::string sql = absl::StrCat(
      "INSERT INTO contacts (contact_id, referral_id, created_us, body) "
      "VALUES (",
      args.Text(c.contact_id()), ", ", args.Text(c.referral_id()), ", ",
      args.Int(domain::Micros(c.created_at())), ", ", args.Bytes(body),
      ") ON CONFLICT DO NOTHING RETURNING contact_id");
  return InsertRow(conn_, sql, args, "contact", c.contact_id());
}

}  // namespace nhs::tobacco::store
