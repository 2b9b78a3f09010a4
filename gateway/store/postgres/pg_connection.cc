#include "gateway/store/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/common/log.h"

namespace nhs::tobacco::store {
namespace {

// The server's notices and warnings ("terminating connection due to
// administrator command") go to the gateway's log, not libpq's stderr.
void LogNotice(void* /*arg*/, const char* message) {
  LogWarning(
      "store",
      absl::StrCat("postgres: ", absl::StripTrailingAsciiWhitespace(message)));
}

constexpr char kApplicationName[] = "tobacco-gateway";

// Loopback names and Unix socket folders: traffic that never leaves the
// machine, where TLS is the operator's choice.
bool IsLocalHost(absl::string_view host) {
  host = absl::StripAsciiWhitespace(host);
  return host.empty() || absl::StartsWith(host, "/") ||
         absl::StartsWith(host, "@") || host == "localhost" || host == "::1" ||
         absl::StartsWith(host, "127.");
}

bool AllLocal(const std::string& hosts) {
  for (absl::string_view host : absl::StrSplit(hosts, ',')) {
    if (!IsLocalHost(host)) return false;
  }
  return true;
}

absl::Status ResultStatus(PGconn* conn, const PGresult* result,
                          absl::string_view context) {
  if (result == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "postgres: ", context, ": no result (",
        absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn)), ")"));
  }
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return absl::OkStatus();
  }
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (sqlstate == nullptr && PQstatus(conn) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat(
        "postgres: ", context, ": the connection to the server was lost"));
  }
  return PgErrorStatus(sqlstate == nullptr ? "" : sqlstate,
                       primary == nullptr ? "" : primary, context);
}

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
PgConnectParams(const PgConnectOptions& options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.conninfo.c_str(), &error);
  if (parsed == nullptr) {
    std::string why = error == nullptr ? "out of memory" : error;
    PQfreemem(error);
    return absl::InvalidArgumentError(
        absl::StrCat("postgres connection string: ",
                     absl::StripTrailingAsciiWhitespace(why)));
  }
  std::vector<std::pair<std::string, std::string>> params;
  std::string hosts;
  bool has_sslmode = false;
  std::string sslmode;
  bool has_password = false;
  bool has_application_name = false;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string keyword = o->keyword;
    if (keyword == "password") {
      has_password = true;
      continue;
    }
    if (keyword == "host" || keyword == "hostaddr") {
      hosts = hosts.empty() ? o->val : absl::StrCat(hosts, ",", o->val);
    }
    if (keyword == "sslmode") {
      has_sslmode = true;
      sslmode = o->val;
    }
    if (keyword == "application_name") has_application_name = true;
    params.emplace_back(keyword, o->val);
  }
  PQconninfoFree(parsed);
  if (has_password) {
    return absl::InvalidArgumentError(
        "postgres connection string: it carries a password; put the password "
        "in a file or an environment variable instead (password_file or "
        "password_env)");
  }
  if (!AllLocal(hosts)) {
    if (!has_sslmode) {
      params.emplace_back("sslmode", "verify-full");
    } else if (sslmode != "verify-full") {
      return absl::InvalidArgumentError(absl::StrCat(
          "postgres connection string: sslmode=", sslmode,
          " to a host that is not loopback; patient data goes only to a "
          "server whose certificate and name are checked: sslmode=verify-full "
          "with sslrootcert"));
    }
  }
  if (!options.password.empty()) {
    params.emplace_back("password", options.password);
  }
  params.emplace_back("connect_timeout",
                      absl::StrCat(std::max<int64_t>(
                          1, absl::ToInt64Seconds(options.connect_timeout))));
  if (!has_application_name) {
    params.emplace_back("application_name", kApplicationName);
  }
  return params;
}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

PgResult::~PgResult() {
  if (result_ != nullptr) PQclear(result_);
}

int PgResult::rows() const { return PQntuples(result_); }

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     PQgetlength(result_, row, column));
}

absl::StatusOr<int64_t> PgResult::Int(int row, int column) const {
  int64_t value = 0;
  if (!absl::SimpleAtoi(Text(row, column), &value)) {
    return absl::InternalError(absl::StrCat(
        "postgres: column ", PQfname(result_, column), " is not an integer"));
  }
  return value;
}

absl::StatusOr<std::string> PgResult::Bytes(int row, int column) const {
  absl::string_view text(PQgetvalue(result_, row, column),
                         PQgetlength(result_, row, column));
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string bytes;
  bool valid = absl::ConsumePrefix(&text, "\\x") && text.size() % 2 == 0;
  bytes.reserve(text.size() / 2);
  for (size_t i = 0; valid && i < text.size(); i += 2) {
    const int high = nibble(text[i]);
    const int low = nibble(text[i + 1]);
    valid = high >= 0 && low >= 0;
    bytes.push_back(static_cast<char>((high << 4) | low));
  }
  if (!valid) {
    return absl::InternalError(absl::StrCat(
        "postgres: column ", PQfname(result_, column), " is not bytea"));
  }
  return bytes;
}

std::string PgArgs::Add(std::optional<std::string> value, bool binary,
                        absl::string_view type) {
  values_.push_back(std::move(value));
  formats_.push_back(binary ? 1 : 0);
  return absl::StrCat("$", values_.size(), "::", type);
}

std::string PgArgs::Text(absl::string_view value) {
  return Add(std::string(value), false, "text");
}

std::string PgArgs::Int(int64_t value) {
  return Add(absl::StrCat(value), false, "bigint");
}

std::string PgArgs::Bytes(absl::string_view value) {
  return Add(std::string(value), true, "bytea");
}

std::string PgArgs::OptionalInt(const std::optional<int64_t>& value) {
  return value.has_value() ? Int(*value) : Add(std::nullopt, false, "bigint");
}

std::string PgArgs::OptionalText(const std::optional<std::string>& value) {
  return value.has_value() ? Text(*value) : Add(std::nullopt, false, "text");
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(
    const PgConnectOptions& options) {
  auto params = PgConnectParams(options);
  if (!params.ok()) return params.status();
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : *params) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(),
                                   /*expand_dbname=*/0);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("postgres: out of memory");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message names the host and the reason (refused, timeout,
    // authentication failed, certificate not trusted); never the password.
    absl::Status status = absl::UnavailableError(
        absl::StrCat("postgres: cannot connect: ",
                     absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn))));
    PQfinish(conn);
    return status;
  }
  PQsetNoticeProcessor(conn, &LogNotice, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

absl::Status PgConnection::Exec(absl::string_view sql) {
  const std::string text(sql);
  PGresult* raw = PQexec(conn_, text.c_str());
  absl::Status status = ResultStatus(conn_, raw, "exec");
  PgResult result(raw);  // frees it
  return status;
}

absl::StatusOr<PgResult> PgConnection::Query(
    absl::string_view sql,
    const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::optional<std::string>& p : params) {
    values.push_back(p.has_value() ? p->c_str() : nullptr);
  }
  const std::string text(sql);
  PGresult* raw =
      PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()),
                   nullptr, values.data(), nullptr, nullptr, 0);
  absl::Status status = ResultStatus(conn_, raw, "query");
  PgResult result(raw);
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<PgResult> PgConnection::Query(absl::string_view sql,
                                             const PgArgs& args) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(args.values_.size());
  lengths.reserve(args.values_.size());
  for (const std::optional<std::string>& v : args.values_) {
    values.push_back(v.has_value() ? v->data() : nullptr);
    lengths.push_back(v.has_value() ? static_cast<int>(v->size()) : 0);
  }
  const std::string text(sql);
  PGresult* raw =
      PQexecParams(conn_, text.c_str(), args.size(), nullptr, values.data(),
                   lengths.data(), args.formats_.data(), 0);
  absl::Status status = ResultStatus(conn_, raw, "query");
  PgResult result(raw);
  if (!status.ok()) return status;
  return result;
}

int PgConnection::socket() const { return PQsocket(conn_); }

absl::StatusOr<std::vector<std::string>> PgConnection::TakeNotifications() {
  if (PQconsumeInput(conn_) == 0) {
    return absl::UnavailableError(absl::StrCat(
        "postgres: connection lost: ",
        absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn_))));
  }
  std::vector<std::string> payloads;
  while (PGnotify* notify = PQnotifies(conn_)) {
    payloads.emplace_back(notify->extra == nullptr ? "" : notify->extra);
    PQfreemem(notify);
  }
  return payloads;
}

bool PgConnection::CheckAlive() {
  // A server going down sends a notice before it closes: one read takes
  // the notice, the next the end-of-file.
  for (int reads = 0; reads < 4 && healthy(); ++reads) {
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    if (::poll(&fd, 1, 0) <= 0) break;
    if (PQconsumeInput(conn_) == 0) return false;
  }
  return healthy();
}

bool PgConnection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

std::string PgConnection::server() const {
  const char* host = PQhost(conn_);
  const char* port = PQport(conn_);
  return absl::StrCat(host == nullptr ? "" : host, ":",
                      port == nullptr ? "" : port);
}

absl::Status PgErrorStatus(absl::string_view sqlstate,
                           absl::string_view primary_message,
                           absl::string_view context) {
  const absl::string_view sqlclass = sqlstate.substr(0, 2);
  // Data exceptions quote the value they could not take.
  const std::string what =
      sqlclass == "22"
          ? absl::StrCat("postgres: ", context, ": data exception (SQLSTATE ",
                         sqlstate, ")")
          : absl::StrCat("postgres: ", context, ": ", primary_message,
                         " (SQLSTATE ", sqlstate, ")");
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return absl::AbortedError(what);
  }
  if (sqlclass == "08" || sqlclass == "53" || sqlclass == "57" ||
      sqlstate == "25006") {
    return absl::UnavailableError(what);
  }
  if (sqlstate == "23505") return absl::AlreadyExistsError(what);
  if (sqlclass == "23") return absl::FailedPreconditionError(what);
  return absl::InternalError(what);
}

}  // namespace nhs::tobacco::store
