// The care records (issue 12): quit dates and contacts, each one row per
// record with its body, listed per referral in the order recorded.
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/sqlite/sqlite_transaction.h"
#include "gateway/store/stored_body.h"

namespace nhs::tobacco::store {
namespace {

// Every row of `sql` (selecting body, id for one referral), skipping and
// logging by id a body that does not parse, as the other listings do.
template <typename T>
absl::StatusOr<std::vector<T>> ListBodies(SqliteConnection& conn,
                                          const char* sql,
                                          absl::string_view referral_id,
                                          absl::string_view table) {
  ASSIGN_OR_RETURN(SqliteStatement stmt, conn.Prepare(sql));
  stmt.Bind(1, referral_id);
  std::vector<T> items;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    T item;
    if (!item.ParseFromString(stmt.ColumnBlob(0))) {
      LogWarning(
          "store",
          absl::StrCat("skipped a ", table, " row that does not parse (id ",
                       absl::CHexEscape(stmt.ColumnText(1)), ")"));
      continue;
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

absl::StatusOr<std::vector<v1::QuitDate>> SqliteTransaction::ListQuitDates(
    absl::string_view referral_id) {
  return ListBodies<v1::QuitDate>(
      conn_,
      "SELECT body, quit_date_id FROM quit_dates WHERE referral_id = ? "
      "ORDER BY set_us, rowid",
      referral_id, "quit_dates");
}

absl::StatusOr<std::vector<v1::Contact>> SqliteTransaction::ListContacts(
    absl::string_view referral_id) {
  return ListBodies<v1::Contact>(
      conn_,
      "SELECT body, contact_id FROM contacts WHERE referral_id = ? "
      "ORDER BY created_us, rowid",
      referral_id, "contacts");
}

absl::Status SqliteTransaction::InsertQuitDate(const v1::QuitDate& q) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(q, "quit_date"));
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("INSERT INTO quit_dates (quit_date_id, "
                                 "referral_id, set_us, body) VALUES (?, ?, "
                                 "?, ?)"));
  stmt.Bind(1, q.quit_date_id())
      .Bind(2, q.referral_id())
      .Bind(3, domain::Micros(q.set_at()))
      .BindBlob(4, body);
  return stmt.Run();
}

absl::Status SqliteTransaction::InsertContact(const v1::Contact& c) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(c, "contact"));
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("INSERT INTO contacts (contact_id, "
                                 "referral_id, created_us, body) VALUES (?, "
                                 "?, ?, ?)"));
  stmt.Bind(1, c.contact_id())
      .Bind(2, c.referral_id())
      .Bind(3, domain::Micros(c.created_at()))
      .BindBlob(4, body);
  return stmt.Run();
}

}  // namespace nhs::tobacco::store
