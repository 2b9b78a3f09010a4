#include "gateway/security/audit_checkpoint.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::security {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

const std::string kHash(64, 'a');

AuditCheckpoint Sample() {
  return {42, kHash, "k1", absl::FromUnixSeconds(1764523800)};
}

TEST(AuditCheckpointTest, IsOneLineOfNamedFields) {
  EXPECT_EQ(FormatAuditCheckpoint(Sample()),
            "tobacco-audit-checkpoint v=1 seq=42 hash=" + kHash +
                " key=k1 at=2025-11-30T17:30:00+00:00");
}

TEST(AuditCheckpointTest, ParsesWhatItFormats) {
  absl::StatusOr<AuditCheckpoint> c =
      ParseAuditCheckpoint(FormatAuditCheckpoint(Sample()));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->sequence, 42);
  EXPECT_EQ(c->hash, kHash);
  EXPECT_EQ(c->key_id, "k1");
  EXPECT_EQ(c->at, absl::FromUnixSeconds(1764523800));
}

TEST(AuditCheckpointTest, AnUnkeyedHeadIsWrittenAsADash) {
  AuditCheckpoint unkeyed = Sample();
  unkeyed.key_id = "";
  const std::string line = FormatAuditCheckpoint(unkeyed);
  EXPECT_THAT(line, HasSubstr(" key=- "));
  EXPECT_EQ(ParseAuditCheckpoint(line)->key_id, "");
}

TEST(AuditCheckpointTest, ALineCopiedFromTheJournalParses) {
  absl::StatusOr<AuditCheckpoint> c =
      ParseAuditCheckpoint("Nov 30 17:30:00 gw1 tobacco-gateway-audit[812]: " +
                           FormatAuditCheckpoint(Sample()));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->sequence, 42);
}

TEST(AuditCheckpointTest, ABrokenLineSaysWhatIsWrong) {
  EXPECT_THAT(ParseAuditCheckpoint("seq=1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an audit checkpoint")));
  EXPECT_THAT(ParseAuditCheckpoint("tobacco-audit-checkpoint v=1 seq=0 hash=" +
                                   kHash + " key=k1 at=2026-11-30T17:30:00Z"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("seq")));
  EXPECT_THAT(ParseAuditCheckpoint("tobacco-audit-checkpoint v=1 seq=3 "
                                   "hash=abc key=k1 at=2026-11-30T17:30:00Z"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hash")));
  EXPECT_THAT(
      ParseAuditCheckpoint("tobacco-audit-checkpoint v=2 seq=3"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("version")));
  EXPECT_THAT(
      ParseAuditCheckpoint("tobacco-audit-checkpoint v=1 seq=3 hash=" + kHash),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs")));
}

TEST(AuditCheckpointTest, AFileIsOneCheckpointPerLineAndNamesABadLine) {
  const std::string line = FormatAuditCheckpoint(Sample());
  EXPECT_THAT(ParseAuditCheckpoints(line + "\n\n" + line + "\n"), IsOk());
  EXPECT_THAT(*ParseAuditCheckpoints(line + "\n\n" + line + "\n"), SizeIs(2));
  EXPECT_THAT(
      ParseAuditCheckpoints(line + "\ngarbage\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2")));
}

}  // namespace
}  // namespace nhs::tobacco::security
