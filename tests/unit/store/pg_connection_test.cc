// The PostgreSQL connection (issue 16) against a real PostgreSQL 15 (the
// ctest fixture "postgres"): credentials from a file, the TLS policy,
// verify-full against the server's CA, and errors mapped by SQLSTATE
// without row values in their messages.
#include "gateway/store/postgres/pg_connection.h"

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/pg_test_server.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::PgFreshDatabase;
using ::nhs::tobacco::testing::PgTestOptions;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

using PgConnectionTest = ::nhs::tobacco::testing::PgServerTest;

TEST_F(PgConnectionTest, ConnectsWithThePasswordFromItsFileAndQueries) {
  auto conn = PgConnection::Connect(PgTestOptions());
  ASSERT_THAT(conn, IsOk());
  auto result = (*conn)->Query("SELECT $1::int + 1", {"41"});
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->Int(0, 0), IsOkAndHolds(42));
  EXPECT_TRUE((*conn)->healthy());
  EXPECT_THAT((*conn)->server(), HasSubstr("127.0.0.1:"));
}

TEST_F(PgConnectionTest, AWrongPasswordIsUnavailableAndNeverQuoted) {
  PgConnectOptions options = PgTestOptions();
  options.password = "not-the-password-4711";
  auto conn = PgConnection::Connect(options);
  EXPECT_THAT(conn, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(conn.status().message()),
              AllOf(HasSubstr("password authentication failed"),
                    Not(HasSubstr("4711"))));
}

TEST_F(PgConnectionTest, VerifyFullAgainstTheServersCa) {
  auto conn = PgConnection::Connect(PgTestOptions(/*tls=*/true));
  ASSERT_THAT(conn, IsOk());
  auto ssl = (*conn)->Query(
      "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  ASSERT_THAT(ssl, IsOk());
  EXPECT_EQ(ssl->Text(0, 0), "true");
}

TEST_F(PgConnectionTest, AServerCertificateFromAnotherCaIsRefused) {
  PgConnectOptions options = PgTestOptions(/*tls=*/true);
  // The system's public CAs did not sign the test server's certificate.
  options.conninfo = absl::StrCat(
      options.conninfo, " sslrootcert=/etc/ssl/certs/ca-certificates.crt");
  EXPECT_THAT(PgConnection::Connect(options),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("certificate verify failed")));
}

TEST_F(PgConnectionTest, ErrorsMapBySqlstateWithoutRowValues) {
  auto conn = PgConnection::Connect(PgFreshDatabase());
  ASSERT_THAT(conn, IsOk());
  PgConnection& c = **conn;
  ASSERT_THAT(c.Exec("CREATE TABLE t (id TEXT PRIMARY KEY)"), IsOk());
  ASSERT_THAT(c.Query("INSERT INTO t VALUES ($1)", {"9990000018"}), IsOk());
  auto duplicate = c.Query("INSERT INTO t VALUES ($1)", {"9990000018"});
  EXPECT_THAT(duplicate,
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("23505")));
  EXPECT_THAT(std::string(duplicate.status().message()),
              Not(HasSubstr("9990000018")))
      << "the DETAIL line quotes the key; it must not reach a Status";
  // 'invalid input syntax for type integer: "999000001x"' in the primary
  // message: a data exception says only its SQLSTATE.
  auto bad_number = c.Query("SELECT $1::int", {"999000001x"});
  EXPECT_THAT(bad_number,
              StatusIs(absl::StatusCode::kInternal, HasSubstr("22P02")));
  EXPECT_THAT(std::string(bad_number.status().message()),
              Not(HasSubstr("999000001")));
  EXPECT_THAT(c.Exec("DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = "
                     "'40001'; END $$"),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(c.Exec("DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = "
                     "'25006'; END $$"),
              StatusIs(absl::StatusCode::kUnavailable))
      << "a read-only standby: the gateway reconnects to the new primary";
}

TEST_F(PgConnectionTest, ATerminatedSessionIsUnavailableAndUnhealthy) {
  auto victim = PgConnection::Connect(PgTestOptions());
  auto killer = PgConnection::Connect(PgTestOptions());
  ASSERT_THAT(victim, IsOk());
  ASSERT_THAT(killer, IsOk());
  auto pid = (*victim)->Query("SELECT pg_backend_pid()");
  ASSERT_THAT(pid, IsOk());
  ASSERT_THAT((*killer)->Query("SELECT pg_terminate_backend($1::int)",
                               {pid->Text(0, 0)}),
              IsOk());
  EXPECT_THAT((*victim)->Query("SELECT 1"),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE((*victim)->healthy());
}

// The policy itself, without a server.
TEST(PgConnectParamsTest, APasswordInTheConnectionStringIsRefused) {
  auto params =
      PgConnectParams({.conninfo = "host=db1 password=s3cret-in-config"});
  EXPECT_THAT(params, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("password_file")));
  EXPECT_THAT(std::string(params.status().message()), Not(HasSubstr("s3cret")));
}

TEST(PgConnectParamsTest, RemoteHostsGetVerifyFullAndWeakerModesAreRefused) {
  auto params = PgConnectParams(
      {.conninfo = "host=db1.example,db2.example target_session_attrs="
                   "read-write dbname=tobacco"});
  ASSERT_THAT(params, IsOk());
  EXPECT_THAT(*params, ::testing::Contains(Pair("sslmode", "verify-full")));
  EXPECT_THAT(*params,
              ::testing::Contains(Pair("target_session_attrs", "read-write")));
  EXPECT_THAT(
      PgConnectParams({.conninfo = "host=db1.example sslmode=require"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("verify-full")));
  EXPECT_THAT(PgConnectParams(
                  {.conninfo = "host=127.0.0.1,db2.example sslmode=prefer"}),
              StatusIs(absl::StatusCode::kInvalidArgument))
      << "one remote host in the list is enough to need verify-full";
}

TEST(PgConnectParamsTest, LoopbackAndSocketsLeaveTlsToTheOperator) {
  for (const char* conninfo :
       {"host=127.0.0.1 sslmode=disable", "host=localhost",
        "host=/var/run/postgresql", "dbname=tobacco"}) {
    auto params = PgConnectParams({.conninfo = conninfo});
    ASSERT_THAT(params, IsOk()) << conninfo;
    EXPECT_THAT(*params,
                Not(::testing::Contains(Pair("sslmode", "verify-full"))))
        << conninfo;
  }
}

TEST(PgConnectParamsTest, AnUnparsableStringSaysWhy) {
  EXPECT_THAT(PgConnectParams({.conninfo = "host"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("connection string")));
}

}  // namespace
}  // namespace nhs::tobacco::store
