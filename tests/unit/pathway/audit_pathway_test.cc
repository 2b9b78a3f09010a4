#include "gateway/pathway/audit_pathway.h"

#include <atomic>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/pathway/record_stamps.h"
#include "gateway/security/audit_checkpoint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/pathway/use_case_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

class AuditPathwayTest : public UseCaseTest {
 protected:
  void SetUp() override {
    UseCaseTest::SetUp();
    audit_ = std::make_unique<AuditPathway>(
        *store_, clock_, ::nhs::tobacco::testing::TestAuditKeys());
  }
  void TearDown() override {
    audit_.reset();
    UseCaseTest::TearDown();
  }

  absl::StatusOr<v1::VerifyAuditChainResponse> Verify(
      const security::Principal& caller) {
    Answer<v1::VerifyAuditChainResponse> answer;
    audit_->VerifyAuditChain(caller, v1::VerifyAuditChainRequest(),
                             answer.reply());
    return answer.Get();
  }
  absl::StatusOr<v1::ListAuditRecordsResponse> List(
      const security::Principal& caller, int after = 0) {
    v1::ListAuditRecordsRequest request;
    request.set_after_sequence(after);
    Answer<v1::ListAuditRecordsResponse> answer;
    audit_->ListAuditRecords(caller, request, answer.reply());
    return answer.Get();
  }

  std::unique_ptr<AuditPathway> audit_;
};

// The real store, whose writes can be made to fail as a full disk would.
class FailingWritesStore final : public store::Store {
 public:
  explicit FailingWritesStore(store::Store& real) : real_(real) {}
  void Write(store::WriteWork work, store::WriteDone done) override {
    if (failing_) {
      done(absl::UnavailableError("disk full"));
      return;
    }
    real_.Write(std::move(work), std::move(done));
  }
  absl::Status Read(const store::ReadWork& work) override {
    return real_.Read(work);
  }
  void SetCommitListener(std::function<void(int64_t)> listener) override {
    real_.SetCommitListener(std::move(listener));
  }
  store::StoreStats stats() override { return real_.stats(); }
  void FailWrites() { failing_ = true; }

 private:
  store::Store& real_;
  std::atomic<bool> failing_{false};
};

TEST_F(AuditPathwayTest, ReadingTheLogIsRefusedToNonAdminsAndTheRefusalLogged) {
  for (const security::Principal& caller : NonAdmins()) {
    const std::string who =
        absl::StrCat(caller.ods_code, " ", security::RoleName(caller.role));
    EXPECT_THAT(Verify(caller), StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_EQ(LastAuditRow(),
              absl::StrCat(who, " VerifyAuditChain  PERMISSION_DENIED"));
    EXPECT_THAT(List(caller), StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_EQ(LastAuditRow(),
              absl::StrCat(who, " ListAuditRecords  PERMISSION_DENIED"));
  }
  EXPECT_EQ(AuditRows().size(), 2 * NonAdmins().size());
}

TEST_F(AuditPathwayTest, AnAdminReadsTheLogAndTheReadIsLogged) {
  EXPECT_THAT(List(As(security::Role::kGp)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  auto listed = List(Admin());
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->records_size(), 1) << "the refusal, read before the read "
                                          "itself is logged";
  EXPECT_EQ(listed->records(0).role(), "gp");
  EXPECT_EQ(LastAuditRow(), "ME001 admin ListAuditRecords  OK");

  auto later = List(Admin(), /*after=*/1);
  ASSERT_THAT(later, IsOk());
  ASSERT_EQ(later->records_size(), 1);
  EXPECT_EQ(later->records(0).operation(), "ListAuditRecords");
}

TEST_F(AuditPathwayTest, AnAdminVerifiesTheChainAndTheCheckIsLogged) {
  EXPECT_THAT(List(As(security::Role::kPharmacy)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(List(Admin()), IsOk());
  auto verified = Verify(Admin());
  ASSERT_THAT(verified, IsOk());
  EXPECT_TRUE(verified->intact()) << verified->problem();
  EXPECT_EQ(verified->rows_checked(), 2);
  EXPECT_EQ(LastAuditRow(), "ME001 admin VerifyAuditChain  OK");
}

TEST_F(AuditPathwayTest, AnAdminReadTheLogCannotRecordIsNotAnswered) {
  FailingWritesStore failing(*store_);
  AuditPathway audit(failing, clock_, ::nhs::tobacco::testing::TestAuditKeys());
  failing.FailWrites();
  Answer<v1::ListAuditRecordsResponse> listed;
  audit.ListAuditRecords(Admin(), v1::ListAuditRecordsRequest(),
                         listed.reply());
  EXPECT_THAT(listed.Get(), StatusIs(absl::StatusCode::kUnavailable));
  Answer<v1::ListAuditRecordsResponse> refused;
  audit.ListAuditRecords(As(security::Role::kGp), v1::ListAuditRecordsRequest(),
                         refused.reply());
  EXPECT_THAT(refused.Get(), StatusIs(absl::StatusCode::kPermissionDenied))
      << "a refusal stays a refusal";
}

// Verifies as admin with `request` through `audit`.
absl::StatusOr<v1::VerifyAuditChainResponse> VerifyWith(
    AuditPathway& audit, const security::Principal& admin,
    const v1::VerifyAuditChainRequest& request) {
  Answer<v1::VerifyAuditChainResponse> answer;
  audit.VerifyAuditChain(admin, request, answer.reply());
  return answer.Get();
}

TEST_F(AuditPathwayTest, AnOldUnkeyedLogKeepsVerifyingOnceTheGatewayIsKeyed) {
  // Rows written before the key existed (the unkeyed scheme, key_id "").
  const security::AuditKeyRing unkeyed;
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(store_->WriteAndWait([&](store::WriteTransaction& tx) {
      return AppendAudit(tx, unkeyed, Admin(), "ListDeliveries", "", "OK",
                         clock_.Now());
    }),
                IsOk());
  }
  auto first = Verify(Admin());
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(first->intact()) << first->problem();
  EXPECT_EQ(first->first_keyed_sequence(), 0);
  EXPECT_EQ(first->head_key_id(), "");
  // The first verification's own row is the first keyed one.
  auto second = Verify(Admin());
  ASSERT_THAT(second, IsOk());
  EXPECT_TRUE(second->intact()) << second->problem();
  EXPECT_EQ(second->rows_checked(), 4);
  EXPECT_EQ(second->first_keyed_sequence(), 4);
  EXPECT_EQ(second->head_key_id(), "test");
}

TEST_F(AuditPathwayTest, ACheckpointInTheRequestIsCheckedAndABadOneRefused) {
  v1::VerifyAuditChainRequest bad;
  bad.set_checkpoint("not a checkpoint");
  EXPECT_THAT(VerifyWith(*audit_, Admin(), bad),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("checkpoint")));
  // A checkpoint naming row 50 of a log one row long (the refusal's row;
  // this verification's own row is written after it reads).
  v1::VerifyAuditChainRequest ahead;
  ahead.set_checkpoint(security::FormatAuditCheckpoint(
      {50, std::string(64, 'b'), "test", absl::FromUnixSeconds(1764000000)}));
  auto verified = VerifyWith(*audit_, Admin(), ahead);
  ASSERT_THAT(verified, IsOk());
  EXPECT_FALSE(verified->intact());
  EXPECT_EQ(verified->fault(), v1::AUDIT_CHAIN_FAULT_TAIL_MISSING);
  EXPECT_EQ(verified->checkpoint_source(), "request");
  EXPECT_EQ(verified->checkpoint_sequence(), 50);
  EXPECT_EQ(verified->head_sequence(), 1);
}

TEST_F(AuditPathwayTest,
       TheConfiguredCheckpointFileIsReadAndAnUnreadableOneSaid) {
  absl::StatusOr<std::string> file = absl::NotFoundError("no file yet");
  AuditPathway audit(
      *store_, clock_, ::nhs::tobacco::testing::TestAuditKeys(),
      AuditCheckpointSource{"/var/audit.log", [&] { return file; }});
  auto none = VerifyWith(audit, Admin(), {});
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->intact());
  EXPECT_EQ(none->checkpoints_checked(), 0);
  EXPECT_EQ(none->checkpoint_source(), "/var/audit.log");

  // Row 1 is the first verification's own row: checkpoint it.
  const std::vector<v1::AuditRecord> rows = AuditRows();
  ASSERT_FALSE(rows.empty());
  const v1::AuditRecord& row1 = rows.front();
  file = security::FormatAuditCheckpoint(
      {1, row1.hash(), row1.key_id(), absl::FromUnixSeconds(1764000000)});
  auto checked = VerifyWith(audit, Admin(), {});
  ASSERT_THAT(checked, IsOk());
  EXPECT_TRUE(checked->intact()) << checked->problem();
  EXPECT_EQ(checked->checkpoints_checked(), 1);

  file = absl::PermissionDeniedError("cannot read /var/audit.log");
  auto unreadable = VerifyWith(audit, Admin(), {});
  ASSERT_THAT(unreadable, IsOk());
  EXPECT_FALSE(unreadable->intact());
  EXPECT_EQ(unreadable->fault(), v1::AUDIT_CHAIN_FAULT_CHECKPOINT_UNREADABLE);
}

}  // namespace
}  // namespace nhs::tobacco::pathway
