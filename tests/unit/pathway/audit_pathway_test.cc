#include "gateway/pathway/audit_pathway.h"

#include <atomic>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
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
    audit_ = std::make_unique<AuditPathway>(*store_, clock_);
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
  AuditPathway audit(failing, clock_);
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

}  // namespace
}  // namespace nhs::tobacco::pathway
