#include "gateway/security/audit_chain.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::security {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

std::vector<v1::AuditRecord> Chain(int n) {
  std::vector<v1::AuditRecord> rows;
  std::string previous(kAuditGenesisHash);
  for (int i = 1; i <= n; ++i) {
    v1::AuditRecord r;
    r.set_sequence(i);
    r.mutable_at()->set_seconds(1764000000 + i);
    r.set_ods_code(i % 2 ? "FZZ99" : "Y90001");
    r.set_role(i % 2 ? "pharmacy" : "gp");
    r.set_operation("GetPrescription");
    r.set_record_id(absl::StrCat("rx-", i));
    r.set_result("OK");
    r.set_hash(AuditRowHash(previous, r));
    previous = r.hash();
    rows.push_back(r);
  }
  return rows;
}

absl::Status Verify(const std::vector<v1::AuditRecord>& rows,
                    AuditChainVerifier& verifier) {
  for (const auto& r : rows) {
    absl::Status s = verifier.Next(r);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

TEST(AuditChainTest, AnUntouchedChainVerifies) {
  AuditChainVerifier verifier;
  EXPECT_THAT(Verify(Chain(50), verifier), IsOk());
  EXPECT_EQ(verifier.rows_checked(), 50);
}

TEST(AuditChainTest, AChangedFieldIsFoundAtItsRow) {
  for (int field = 0; field < 5; ++field) {
    auto rows = Chain(10);
    v1::AuditRecord& r = rows[6];
    switch (field) {
      case 0:
        r.set_result("PERMISSION_DENIED");
        break;
      case 1:
        r.set_ods_code("FZZ98");
        break;
      case 2:
        r.set_record_id("rx-other");
        break;
      case 3:
        r.mutable_at()->set_seconds(1);
        break;
      case 4:
        r.set_operation("Dispense");
        break;
    }
    AuditChainVerifier verifier;
    EXPECT_THAT(Verify(rows, verifier),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("row 7")));
    EXPECT_EQ(verifier.first_broken_sequence(), 7);
  }
}

TEST(AuditChainTest, ARemovedRowIsFound) {
  auto rows = Chain(10);
  rows.erase(rows.begin() + 3);
  AuditChainVerifier verifier;
  EXPECT_THAT(Verify(rows, verifier),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("missing")));
  EXPECT_EQ(verifier.first_broken_sequence(), 5);
}

TEST(AuditChainTest, ARewrittenTailWithFreshHashesStillBreaksAtTheSeam) {
  // Someone edits row 4 and recomputes its hash, but not the next one's.
  auto rows = Chain(10);
  rows[3].set_result("OK_EDITED");
  rows[3].set_hash(AuditRowHash(rows[2].hash(), rows[3]));
  AuditChainVerifier verifier;
  EXPECT_THAT(Verify(rows, verifier),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("row 5")));
}

}  // namespace
}  // namespace nhs::tobacco::security
