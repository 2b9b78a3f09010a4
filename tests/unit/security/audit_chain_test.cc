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

// The keyed counterpart of Chain(): `n` more rows sealed by `keys`,
// continuing `rows`.
void Extend(std::vector<v1::AuditRecord>& rows, int n,
            const AuditKeyRing& keys) {
  std::string previous =
      rows.empty() ? std::string(kAuditGenesisHash) : rows.back().hash();
  const int64_t first = rows.empty() ? 1 : rows.back().sequence() + 1;
  for (int64_t i = first; i < first + n; ++i) {
    v1::AuditRecord r;
    r.set_sequence(i);
    r.mutable_at()->set_seconds(1764000000 + i);
    r.set_ods_code("TDS01");
    r.set_role("service");
    r.set_operation("CreateReferral");
    r.set_record_id(absl::StrCat("ref-", i));
    r.set_result("OK");
    keys.Seal(previous, r);
    previous = r.hash();
    rows.push_back(r);
  }
}

const AuditKey kKey1{"k1", "first-audit-key-0123456789abcdefghijkl"};
const AuditKey kKey2{"k2", "second-audit-key-0123456789abcdefghijk"};

absl::Status VerifyAll(const std::vector<v1::AuditRecord>& rows,
                       AuditChainVerifier& verifier) {
  absl::Status s = Verify(rows, verifier);
  return s.ok() ? verifier.Finish() : s;
}

TEST(KeyedAuditChainTest, TheMacIsHmacSha256) {
  // RFC 4231, test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(KeyedAuditChainTest, TheHashIsAnHmacUnderTheKeyAndCoversTheKeyId) {
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 1, AuditKeyRing(kKey1));
  v1::AuditRecord r = rows[0];
  EXPECT_EQ(r.key_id(), "k1");
  EXPECT_EQ(r.hash().size(), 64u);
  EXPECT_EQ(r.hash(), KeyedAuditRowHash(kKey1.secret, kAuditGenesisHash, r));
  EXPECT_NE(r.hash(), KeyedAuditRowHash(kKey2.secret, kAuditGenesisHash, r));
  EXPECT_NE(r.hash(), AuditRowHash(kAuditGenesisHash, r));
  r.set_key_id("k2");
  EXPECT_NE(rows[0].hash(),
            KeyedAuditRowHash(kKey1.secret, kAuditGenesisHash, r));
}

TEST(KeyedAuditChainTest, AnUntouchedKeyedChainVerifies) {
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 30, AuditKeyRing(kKey1));
  AuditChainVerifier verifier{AuditKeyRing(kKey1)};
  EXPECT_THAT(VerifyAll(rows, verifier), IsOk());
  EXPECT_EQ(verifier.head_sequence(), 30);
  EXPECT_EQ(verifier.head_key_id(), "k1");
  EXPECT_EQ(verifier.first_keyed_sequence(), 1);
}

TEST(KeyedAuditChainTest, ARowRewrittenWithPlainSha256OrAWrongKeyIsNamed) {
  for (bool plain : {true, false}) {
    std::vector<v1::AuditRecord> rows;
    Extend(rows, 10, AuditKeyRing(kKey1));
    rows[3].set_result("PERMISSION_DENIED");
    std::string previous = rows[2].hash();
    for (size_t i = 3; i < rows.size(); ++i) {
      rows[i].set_hash(plain
                           ? AuditRowHash(previous, rows[i])
                           : KeyedAuditRowHash("made-up-key-0123456789abcdefgh"
                                               "ijklmn",
                                               previous, rows[i]));
      previous = rows[i].hash();
    }
    AuditChainVerifier verifier{AuditKeyRing(kKey1)};
    EXPECT_THAT(VerifyAll(rows, verifier),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("row 4")));
    EXPECT_EQ(verifier.finding().fault, v1::AUDIT_CHAIN_FAULT_ROW_REWRITTEN);
    EXPECT_EQ(verifier.first_broken_sequence(), 4);
  }
}

TEST(KeyedAuditChainTest,
     OldUnkeyedRowsVerifyAndTheFirstKeyedRowAnchorsOnThem) {
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 5, AuditKeyRing());  // written before the gateway was keyed
  Extend(rows, 5, AuditKeyRing(kKey1));
  EXPECT_EQ(rows[5].hash(),
            KeyedAuditRowHash(kKey1.secret, rows[4].hash(), rows[5]));
  AuditChainVerifier verifier{AuditKeyRing(kKey1)};
  EXPECT_THAT(VerifyAll(rows, verifier), IsOk());
  EXPECT_EQ(verifier.first_keyed_sequence(), 6);
}

TEST(KeyedAuditChainTest, KeyedRowsRewrittenAsUnkeyedAreADowngrade) {
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 3, AuditKeyRing());
  Extend(rows, 6, AuditKeyRing(kKey1));
  std::string previous = rows[5].hash();
  for (size_t i = 6; i < rows.size(); ++i) {
    rows[i].set_key_id("");
    rows[i].set_hash(AuditRowHash(previous, rows[i]));
    previous = rows[i].hash();
  }
  AuditChainVerifier verifier{AuditKeyRing(kKey1)};
  EXPECT_THAT(VerifyAll(rows, verifier),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("row 7")));
  EXPECT_EQ(verifier.finding().fault,
            v1::AUDIT_CHAIN_FAULT_UNKEYED_AFTER_KEYED);
}

TEST(KeyedAuditChainTest, ARotatedKeyStartsASegmentAnchoredOnTheOldHead) {
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 4, AuditKeyRing(kKey1));
  Extend(rows, 4, AuditKeyRing(kKey2, {kKey1}));
  EXPECT_EQ(rows[4].key_id(), "k2");
  AuditChainVerifier with_both{AuditKeyRing(kKey2, {kKey1})};
  EXPECT_THAT(VerifyAll(rows, with_both), IsOk());
  // Without the retired key its rows cannot be checked: said, not passed.
  AuditChainVerifier without{AuditKeyRing(kKey2)};
  EXPECT_THAT(VerifyAll(rows, without),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("retired_keys")));
  EXPECT_EQ(without.finding().fault, v1::AUDIT_CHAIN_FAULT_UNKNOWN_KEY);
  EXPECT_EQ(without.first_broken_sequence(), 1);
}

AuditCheckpoint CheckpointOf(const v1::AuditRecord& r) {
  return {r.sequence(), r.hash(), r.key_id(),
          absl::FromUnixSeconds(1764000000)};
}

TEST(KeyedAuditChainTest, ACutTailIsNamedFromTheNewestCheckpoint) {
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 20, AuditKeyRing(kKey1));
  AuditChainVerifier verifier{AuditKeyRing(kKey1)};
  verifier.ExpectCheckpoints({CheckpointOf(rows[9]), CheckpointOf(rows[19])});
  rows.resize(15);
  EXPECT_THAT(VerifyAll(rows, verifier),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("rows 16 to 20 are missing")));
  EXPECT_EQ(verifier.finding().fault, v1::AUDIT_CHAIN_FAULT_TAIL_MISSING);
  EXPECT_EQ(verifier.first_broken_sequence(), 20);
}

TEST(KeyedAuditChainTest, ARowThatIsNotTheCheckpointedOneIsNamed) {
  // Cut after row 12 and written again past the checkpoint (row 15): every
  // row verifies under the key, but row 15 is not the row checkpointed.
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 20, AuditKeyRing(kKey1));
  const AuditCheckpoint checkpoint = CheckpointOf(rows[14]);
  rows.resize(12);
  Extend(rows, 8, AuditKeyRing(kKey1));
  AuditChainVerifier verifier{AuditKeyRing(kKey1)};
  verifier.ExpectCheckpoints({checkpoint});
  // The rows written again are later than the ones cut.
  for (size_t i = 12; i < rows.size(); ++i) {
    rows[i].mutable_at()->set_seconds(rows[i].at().seconds() + 3600);
    rows[i].set_hash(
        KeyedAuditRowHash(kKey1.secret, rows[i - 1].hash(), rows[i]));
  }
  EXPECT_THAT(VerifyAll(rows, verifier),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("row 15")));
  EXPECT_EQ(verifier.finding().fault,
            v1::AUDIT_CHAIN_FAULT_CHECKPOINT_MISMATCH);
}

TEST(KeyedAuditChainTest, KeyIdsAreShortAndPlain) {
  EXPECT_TRUE(ValidAuditKeyId("2026-11_a.b"));
  EXPECT_FALSE(ValidAuditKeyId(""));
  EXPECT_FALSE(ValidAuditKeyId("has space"));
  EXPECT_FALSE(ValidAuditKeyId(std::string(33, 'k')));
}

// identity (issue 13): the console's practitioner is sealed with its row;
// a row without one hashes exactly as rows always have, so old chains verify.
namespace practitioner {

std::string Field(absl::string_view v) {
  return absl::StrCat(v.size(), ":", v, ";");
}

TEST(KeyedAuditChainTest, ARowWithoutAPractitionerHashesAsBefore) {
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 1, AuditKeyRing(kKey1));
  const v1::AuditRecord& r = rows[0];
  const std::string canonical = absl::StrCat(
      Field(kAuditGenesisHash), Field("1"), Field("1764000001000000"),
      Field("TDS01"), Field("service"), Field("CreateReferral"), Field("ref-1"),
      Field("OK"), Field("k1"));
  EXPECT_EQ(r.hash(), HmacSha256Hex(kKey1.secret, canonical));
}

TEST(KeyedAuditChainTest, ThePractitionerIsCoveredByTheHash) {
  const AuditKeyRing keys(kKey1);
  std::vector<v1::AuditRecord> rows;
  Extend(rows, 2, keys);
  v1::AuditRecord r = rows[1];
  r.set_sequence(3);
  r.set_operation("Prescribe");
  r.set_practitioner("GMC 7654321");
  keys.Seal(rows[1].hash(), r);
  rows.push_back(r);
  Extend(rows, 2, keys);
  {
    AuditChainVerifier verifier{AuditKeyRing(kKey1)};
    EXPECT_THAT(VerifyAll(rows, verifier), IsOk());
  }
  for (const char* forged : {"GMC 1111111", ""}) {
    std::vector<v1::AuditRecord> changed = rows;
    changed[2].set_practitioner(forged);
    AuditChainVerifier verifier{AuditKeyRing(kKey1)};
    EXPECT_THAT(VerifyAll(changed, verifier),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("row 3")))
        << forged;
  }
}

}  // namespace practitioner

}  // namespace
}  // namespace nhs::tobacco::security
