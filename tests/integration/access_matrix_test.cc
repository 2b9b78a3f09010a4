// The access matrix on the wire: every role, as an organisation related to
// the record and as one that is not, against every operation, through every
// edge of the real tobacco-gateway binary that offers it (gRPC; HL7 v2 over
// MLLP/TLS; FHIR $process-message over HTTPS; the HTTP/JSON API at /v1/,
// every unary operation, issue 13), all on mutual TLS with the
// development PKI. One table (access_matrix/matrix_table.h) says who may do
// what; each edge (access_matrix/*_edge.cc) is a column that must give the
// table's answer - allowed, or refused (gRPC PERMISSION_DENIED, HL7 AE with
// an ERR naming the field at fault, FHIR 403 forbidden, JSON 403 with a
// google.rpc.Status). A refusal must
// change nothing and leave an audit row naming the caller. An edge that does
// not offer an operation to a role (HL7 takes referrals from trusts only)
// must refuse it: no edge may be a way round the table. The proof for
// issue 10 that no edge can bypass the security boundary.
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/access_matrix/matrix_edge.h"
#include "tests/integration/access_matrix/matrix_records.h"
#include "tests/integration/access_matrix/matrix_table.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco::access_matrix {
namespace {

// A refusal's audit row: the caller, and the record it concerned or, for a
// refusal about no record, the operation's name.
struct AuditExpectation {
  std::string ods;
  std::string role;
  std::string record_id;
  std::string operation;
  std::string what;
};

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // X26 also runs a tobacco service and a GP practice in the integrator
    // world: certificates only to set its records up.
    testing::MakeExtraDevCert("service-x26", "X26", "tobacco_service");
    testing::MakeExtraDevCert("gp-x26", "X26", "gp");
    // reports: the ICB commissioner (make_dev_certs.sh makes it too; an
    // older PKI may lack it).
    testing::MakeExtraDevCert("icb-qe1", "QE1", "icb_commissioner");
    gateway_ = new SecureGatewayBinary("access_matrix");
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gateway_->started()); }

  // Drives every case of the table through `edge`; returns the number of
  // cases.
  int RunEdge(Edge& edge) {
    int cases = 0;
    const int64_t audited_before = LastAuditSequence();
    std::vector<AuditExpectation> audits;
    for (const Row& row : Matrix()) {
      if (!edge.Offers(row.op)) continue;
      const Need need = NeedOf(row.op);
      for (const CallerInfo& c : kCallers) {
        const bool expected = edge.Serves(c) && Allowed(row, c.caller);
        Fixture f;
        if (need.stage != Stage::kNone) f = records_.FixtureFor(c.world, need);
        const Answer got = edge.Run(row.op, c, f);
        ++cases;
        const std::string what =
            absl::StrCat(edge.Name(), " ", row.name, " by ", c.label);
        const Answer::Kind want =
            expected ? Answer::kAllowed : Answer::kRefused;
        if (got.kind != want) {
          ADD_FAILURE() << what << ": expected " << KindName(want) << ", got "
                        << KindName(got.kind) << " (" << got.detail << ")";
        }
        if (got.kind == Answer::kAllowed && need.changes) {
          records_.Spent(c.world, need);
        } else if (got.kind == Answer::kRefused && need.changes) {
          EXPECT_EQ(records_.Fingerprint(c.world, f), f.fingerprint)
              << what << ": a refusal changed the record";
        }
        if (got.kind == Answer::kRefused && got.audited) {
          audits.push_back({c.ods, c.role, got.record_id,
                            got.record_id.empty() ? row.name : "", what});
        }
      }
    }
    ExpectAudited(audits, audited_before);
    return cases;
  }

  // The audit log after `after`, oldest first (admin only).
  static std::vector<v1::AuditRecord> AuditRows(int64_t after) {
    std::vector<v1::AuditRecord> rows;
    while (true) {
      v1::ListAuditRecordsRequest list;
      list.set_after_sequence(after);
      list.set_limit(1000);
      v1::ListAuditRecordsResponse page;
      grpc::Status s = gateway_->As("admin-ops")
                           .admin->ListAuditRecords(Ctx().get(), list, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return rows;
      for (const auto& r : page.records()) rows.push_back(r);
      // A short page is the end: each read of the audit log is itself
      // audited, so paging until a page is empty would never stop.
      if (page.records_size() < list.limit()) return rows;
      after = page.records(page.records_size() - 1).sequence();
    }
  }
  static int64_t LastAuditSequence() {
    std::vector<v1::AuditRecord> rows = AuditRows(0);
    return rows.empty() ? 0 : rows.back().sequence();
  }

  // Every refusal has its own PERMISSION_DENIED row, written since the
  // edge's cases began, naming the caller (organisation and role) and the
  // record (or the operation). Refusals are audited asynchronously: wait a
  // little.
  static void ExpectAudited(const std::vector<AuditExpectation>& expected,
                            int64_t after) {
    std::vector<const AuditExpectation*> missing;
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    do {
      std::vector<v1::AuditRecord> rows = AuditRows(after);
      std::vector<bool> used(rows.size(), false);
      missing.clear();
      for (const AuditExpectation& e : expected) {
        bool found = false;
        for (size_t i = 0; i < rows.size() && !found; ++i) {
          const v1::AuditRecord& r = rows[i];
          found = !used[i] && r.ods_code() == e.ods && r.role() == e.role &&
                  r.result() == "PERMISSION_DENIED" &&
                  (e.record_id.empty() ? r.operation() == e.operation
                                       : r.record_id() == e.record_id);
          if (found) used[i] = true;
        }
        if (!found) missing.push_back(&e);
      }
      if (missing.empty()) break;
      absl::SleepFor(absl::Milliseconds(100));
    } while (absl::Now() < give_up);
    for (const AuditExpectation* e : missing) {
      ADD_FAILURE() << "no audit row for the refusal of " << e->what << " (ods "
                    << e->ods << ", record '" << e->record_id
                    << "', operation '" << e->operation << "')";
    }
    EXPECT_GT(expected.size(), 0u);
  }

  static SecureGatewayBinary* gateway_;
  MatrixRecords records_{*gateway_};
};

SecureGatewayBinary* AccessMatrixTest::gateway_ = nullptr;

TEST_F(AccessMatrixTest, TheTableNamesEveryCallerOnce) {
  // Guards the table itself: 16 callers (10 roles, related or not), and no
  // row grants a caller twice.
  EXPECT_EQ(std::size(kCallers), 16u);
  for (size_t i = 0; i < std::size(kCallers); ++i) {
    EXPECT_EQ(static_cast<size_t>(kCallers[i].caller), i);
  }
  for (const Row& row : Matrix()) {
    std::set<Caller> seen(row.allowed.begin(), row.allowed.end());
    EXPECT_EQ(seen.size(), row.allowed.size()) << row.name;
  }
}

TEST_F(AccessMatrixTest, GrpcGivesEveryRoleTheTablesAnswer) {
  const absl::Time start = absl::Now();
  const int cases = RunEdge(*GrpcEdge(records_));
  EXPECT_EQ(cases, static_cast<int>(Matrix().size() * std::size(kCallers)));
  std::cout << "gRPC: " << cases << " cases in " << (absl::Now() - start)
            << "\n";
}

TEST_F(AccessMatrixTest, Hl7GivesEveryRoleTheTablesAnswer) {
  const absl::Time start = absl::Now();
  const int cases = RunEdge(*Hl7Edge(records_));
  EXPECT_EQ(cases, static_cast<int>(std::size(kCallers)));
  std::cout << "HL7: " << cases << " cases in " << (absl::Now() - start)
            << "\n";
}

TEST_F(AccessMatrixTest, FhirGivesEveryRoleTheTablesAnswer) {
  const absl::Time start = absl::Now();
  const int cases = RunEdge(*FhirEdge(records_));
  EXPECT_EQ(cases, static_cast<int>(8 * std::size(kCallers)));
  std::cout << "FHIR: " << cases << " cases in " << (absl::Now() - start)
            << "\n";
}

TEST_F(AccessMatrixTest, HttpJsonGivesEveryRoleTheTablesAnswer) {
  const absl::Time start = absl::Now();
  const int cases = RunEdge(*HttpEdge(records_));
  EXPECT_EQ(cases,
            static_cast<int>((Matrix().size() - 1) * std::size(kCallers)))
      << "every operation but the event stream";
  std::cout << "HTTP/JSON: " << cases << " cases in " << (absl::Now() - start)
            << "\n";
}

}  // namespace
}  // namespace nhs::tobacco::access_matrix
