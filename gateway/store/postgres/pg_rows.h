#ifndef GATEWAY_STORE_POSTGRES_PG_ROWS_H_
#define GATEWAY_STORE_POSTGRES_PG_ROWS_H_

// Reading rows into records, shared by PgTransaction's files.
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/store/page_cursor.h"
#include "gateway/store/postgres/pg_connection.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::store::pg {

// A row whose body does not parse (damaged, or written by an older
// version) is skipped by the listings and reported: a warning naming the
// row (ids only, never the body), so one bad row never fails every page
// holding it.
inline void ReportUnreadable(absl::string_view table, absl::string_view id) {
  LogWarning("store", absl::StrCat("skipped a ", table, " row that does not ",
                                   "parse (id ", absl::CHexEscape(id),
                                   "); restore it from a backup or remove it"));
}

// The record in a bytea column; DATA_LOSS when it does not parse.
template <typename T>
absl::StatusOr<T> ParseColumn(const PgResult& result, int row, int column) {
  ASSIGN_OR_RETURN(std::string bytes, result.Bytes(row, column));
  T message;
  if (!message.ParseFromString(bytes)) {
    return absl::DataLossError("stored record does not parse");
  }
  return message;
}

// The record in a bytea column, or nullopt (reported) when it does not
// parse.
template <typename T>
absl::StatusOr<std::optional<T>> ParseColumnOrSkip(const PgResult& result,
                                                   int row, int column,
                                                   absl::string_view table,
                                                   absl::string_view id) {
  ASSIGN_OR_RETURN(std::string bytes, result.Bytes(row, column));
  T message;
  if (!message.ParseFromString(bytes)) {
    ReportUnreadable(table, id);
    return std::optional<T>();
  }
  return std::optional<T>(std::move(message));
}

// One keyset page from a result selecting (body, created_us, id) newest
// first with LIMIT limit + 1; `kind` as EncodeKeysetCursor. The cursor is
// the key of the last row read, so skipped rows are paged past like any
// other.
template <typename T>
absl::StatusOr<Page<T>> ReadPage(const PgResult& result, int limit,
                                 absl::string_view table,
                                 absl::string_view kind = "") {
  Page<T> page;
  int64_t last_created_us = 0;
  std::string last_id;
  for (int row = 0; row < result.rows(); ++row) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = EncodeKeysetCursor(kind, last_created_us, last_id);
      return page;
    }
    ASSIGN_OR_RETURN(last_created_us, result.Int(row, 1));
    last_id = result.Text(row, 2);
    ASSIGN_OR_RETURN(std::optional<T> item,
                     ParseColumnOrSkip<T>(result, row, 0, table, last_id));
    if (!item.has_value()) {
      page.unreadable_ids.push_back(last_id);
      continue;
    }
    page.items.push_back(*std::move(item));
  }
  // The LIMIT ran out before the page filled (rows were skipped): more may
  // follow the last row read.
  if (result.rows() == limit + 1) {
    page.next_cursor = EncodeKeysetCursor(kind, last_created_us, last_id);
  }
  return page;
}

}  // namespace nhs::tobacco::store::pg

#endif  // GATEWAY_STORE_POSTGRES_PG_ROWS_H_
