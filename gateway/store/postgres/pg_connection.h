#ifndef GATEWAY_STORE_POSTGRES_PG_CONNECTION_H_
#define GATEWAY_STORE_POSTGRES_PG_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// libpq's types, kept out of every includer's namespace.
struct pg_conn;
struct pg_result;

namespace nhs::tobacco::store {

// What the gateway connects to PostgreSQL with (issue 16).
struct PgConnectOptions {
  // A libpq connection string, keyword=value or postgresql:// URI, without
  // a password. Several hosts with target_session_attrs=read-write make
  // the gateway follow a promoted standby, e.g.
  //   host=db1,db2 port=5432,5432 dbname=tobacco user=gateway
  //   target_session_attrs=read-write sslmode=verify-full
  //   sslrootcert=/etc/tobacco-gateway/tls/db-ca.pem
  std::string conninfo;
  // From a file or an environment variable (ReadSecret); empty for
  // certificate or peer authentication.
  std::string password;
  absl::Duration connect_timeout = absl::Seconds(10);
};

// The keyword/value pairs a connection is opened with: `conninfo` parsed,
// with the password, a connect timeout and the application name added.
// INVALID_ARGUMENT when the string does not parse or carries a password
// (it belongs in a file or variable), and when a host is neither loopback
// nor a Unix socket but sslmode is not verify-full: patient data crosses
// the network only to a server whose certificate and name were checked.
// sslmode=verify-full is added when the string names no sslmode and a host
// is remote.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
PgConnectParams(const PgConnectOptions& options);

// The parameters of one statement, each added where its placeholder goes:
//   PgArgs args;
//   const std::string sql =
//       absl::StrCat("SELECT body FROM referrals WHERE referral_id = ",
//                    args.Text(id));
// Each placeholder carries its type ("$1::text"), so PostgreSQL never has
// to guess one. Bytes go in binary, so a body needs no escaping.
class PgArgs {
 public:
  std::string Text(absl::string_view value);
  std::string Int(int64_t value);
  std::string Bytes(absl::string_view value);
  // NULL when absent.
  std::string OptionalInt(const std::optional<int64_t>& value);
  std::string OptionalText(const std::optional<std::string>& value);

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class PgConnection;
  std::string Add(std::optional<std::string> value, bool binary,
                  absl::string_view type);

  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
};

// One result, owned. Values are read in text format.
class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  PgResult(PgResult&& other) noexcept : result_(other.result_) {
    other.result_ = nullptr;
  }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  // INTERNAL when the value is not an integer.
  absl::StatusOr<int64_t> Int(int row, int column) const;
  // A bytea value (text format "\\x" and hex digits) as its bytes;
  // INTERNAL when it is not one.
  absl::StatusOr<std::string> Bytes(int row, int column) const;

 private:
  pg_result* result_;
};

// One libpq connection, used by one thread at a time.
class PgConnection {
 public:
  static absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      const PgConnectOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one or more statements without parameters (migrations, BEGIN).
  absl::Status Exec(absl::string_view sql);
  // One statement with text parameters ($1, $2, ...; nullopt is NULL).
  absl::StatusOr<PgResult> Query(
      absl::string_view sql,
      const std::vector<std::optional<std::string>>& params = {});

  // The same with typed parameters, bytes in binary.
  absl::StatusOr<PgResult> Query(absl::string_view sql, const PgArgs& args);

  // LISTEN support: the socket to poll for readability, and the payloads
  // of the notifications that arrived (reads what is waiting without
  // blocking). UNAVAILABLE when the connection broke.
  int socket() const;
  absl::StatusOr<std::vector<std::string>> TakeNotifications();

  // Whether the server is still there, without a round trip: a
  // connection the server closed (a restart, a failover) reads as
  // end-of-file, which marks it broken. Checked before a connection is
  // reused, so the first request after a failover does not fail on it.
  bool CheckAlive();

  // False once the server has gone (a restart, a failover): the pool
  // replaces the connection.
  bool healthy() const;
  // The server's address as libpq reports it (host, port): after a
  // failover, which of the multi-host list it reached.
  std::string server() const;

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}

  pg_conn* conn_;
};

// Maps a PostgreSQL error to a Status by its SQLSTATE, so callers can act on
// the code: a serialisation failure or deadlock is ABORTED (retry the
// transaction); a lost connection, a server shutting down, a read-only
// standby, or no disk or memory is UNAVAILABLE (retry later); a unique
// violation is ALREADY_EXISTS; other integrity violations are
// FAILED_PRECONDITION; the rest INTERNAL. The message is the server's
// primary message and the SQLSTATE, never its DETAIL (which quotes row
// values) and, for data exceptions (class 22), not even the primary
// message, which may quote the offending value.
absl::Status PgErrorStatus(absl::string_view sqlstate,
                           absl::string_view primary_message,
                           absl::string_view context);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_POSTGRES_PG_CONNECTION_H_
