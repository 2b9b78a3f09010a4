#include "gateway/security/operations.h"

#include <set>
#include <string>
#include <vector>

#include "gateway/security/access_policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::security {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::Optional;
using O = Operation;
using A = domain::PrescriptionAction;

TEST(OperationsTest, EveryOperationHasADistinctNameThatRoundTrips) {
  std::set<std::string> names;
  for (Operation op : AllOperations()) {
    const std::string name(OperationName(op));
    SCOPED_TRACE(name);
    EXPECT_NE(name, "Unknown");
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << "duplicate name";
    EXPECT_THAT(OperationNamed(name), Optional(op));
  }
  EXPECT_EQ(names.size(), AllOperations().size());
}

TEST(OperationsTest, ListsEveryOperationOnceInDeclarationOrder) {
  const absl::Span<const Operation> all = AllOperations();
  ASSERT_EQ(all.size(), static_cast<size_t>(O::kGetPathwayReport) + 1);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(all[i]), i);
  }
}

TEST(OperationsTest, UnknownNamesAndValuesAreNotOperations) {
  EXPECT_EQ(OperationNamed("createreferral"), std::nullopt);
  EXPECT_EQ(OperationNamed(""), std::nullopt);
  EXPECT_EQ(OperationName(static_cast<Operation>(999)), "Unknown");
}

// The names the audit log has always written: changing one breaks readers
// of existing rows.
struct NameCase {
  Operation op;
  std::string name;
};

TEST(OperationsTest, KeepsTheNamesTheAuditLogAlreadyHolds) {
  const std::vector<NameCase> cases = {
      {O::kCreateReferral, "CreateReferral"},
      {O::kReadReferral, "ReadReferral"},
      {O::kUpdateReferralStatus, "UpdateReferralStatus"},
      {O::kRecommend, "RecommendPrescription"},
      {O::kReadPrescription, "ReadPrescription"},
      {O::kMarkSent, "MarkSent"},
      {O::kAcknowledge, "Acknowledge"},
      {O::kPrescribe, "Prescribe"},
      {O::kDecline, "Decline"},
      {O::kRequireAppointment, "RequireAppointment"},
      {O::kDispense, "Dispense"},
      {O::kSupply, "Supply"},
      {O::kRecordNotSupplied, "RecordNotSupplied"},
      {O::kCancel, "Cancel"},
      {O::kRecordOutcome, "RecordOutcome"},
      {O::kReadOutcomes, "ReadOutcomes"},
      {O::kAdminister, "Administer"},
      {O::kGetReferral, "GetReferral"},
      {O::kListReferrals, "ListReferrals"},
      {O::kGetPrescription, "GetPrescription"},
      {O::kListPrescriptions, "ListPrescriptions"},
      {O::kGetTimeline, "GetTimeline"},
      {O::kListOutcomes, "ListOutcomes"},
      {O::kWatchEvents, "WatchEvents"},
      {O::kVerifyAuditChain, "VerifyAuditChain"},
      {O::kListAuditRecords, "ListAuditRecords"},
      {O::kListDeliveries, "ListDeliveries"},
      {O::kGetDelivery, "GetDelivery"},
      {O::kReplayDelivery, "ReplayDelivery"},
      {O::kDiscardDelivery, "DiscardDelivery"},
      {O::kGetDeliveryStats, "GetDeliveryStats"},
      // Amendment (issue 12, amend part).
      {O::kUpdateReferral, "UpdateReferral"},
      {O::kGetReferralTimeline, "GetReferralTimeline"},
      {O::kRecommendAlternative, "RecommendAlternative"},
      // referrers
      {O::kReadFormulary, "ReadFormulary"},
      {O::kListProducts, "ListProducts"},
      // safety
      {O::kReadSafetyAlerts, "ReadSafetyAlerts"},
      {O::kAcknowledgeSafetyAlert, "AcknowledgeSafetyAlert"},
      {O::kListSafetyAlerts, "ListSafetyAlerts"},
      {O::kSetQuitDate, "SetQuitDate"},
      {O::kRecordContact, "RecordContact"},
      // reports (issue 14)
      {O::kReadReports, "ReadReports"},
      {O::kGetOutcomeReport, "GetOutcomeReport"},
      {O::kGetPathwayReport, "GetPathwayReport"},
  };
  EXPECT_EQ(cases.size(), AllOperations().size());
  for (const NameCase& c : cases) {
    EXPECT_EQ(OperationName(c.op), c.name);
  }
}

struct PermissionCase {
  Operation op;
  Operation permission;
};

TEST(OperationsTest, EntryPointsAreCheckedAsTheirPermission) {
  const std::vector<PermissionCase> cases = {
      {O::kGetReferral, O::kReadReferral},
      {O::kListReferrals, O::kReadReferral},
      {O::kGetPrescription, O::kReadPrescription},
      {O::kListPrescriptions, O::kReadPrescription},
      {O::kGetTimeline, O::kReadPrescription},
      {O::kListOutcomes, O::kReadOutcomes},
      {O::kWatchEvents, O::kWatchEvents},
      {O::kVerifyAuditChain, O::kAdminister},
      {O::kListAuditRecords, O::kAdminister},
      {O::kListDeliveries, O::kAdminister},
      {O::kGetDelivery, O::kAdminister},
      {O::kReplayDelivery, O::kAdminister},
      {O::kDiscardDelivery, O::kAdminister},
      {O::kGetDeliveryStats, O::kAdminister},
      {O::kRecommendAlternative, O::kRecommend},
      {O::kListSafetyAlerts, O::kReadSafetyAlerts},
      {O::kAcknowledgeSafetyAlert, O::kAcknowledgeSafetyAlert},
      {O::kCreateReferral, O::kCreateReferral},
      {O::kRecommend, O::kRecommend},
      {O::kAdminister, O::kAdminister},
      // Amendment (issue 12, amend part).
      {O::kUpdateReferral, O::kUpdateReferral},
      {O::kGetReferralTimeline, O::kReadReferral},
      {O::kListProducts, O::kReadFormulary},
      {O::kSetQuitDate, O::kSetQuitDate},
      {O::kRecordContact, O::kRecordContact},
      {O::kReadReports, O::kReadReports},
      {O::kGetOutcomeReport, O::kReadReports},
      {O::kGetPathwayReport, O::kReadReports},
  };
  for (const PermissionCase& c : cases) {
    SCOPED_TRACE(OperationName(c.op));
    EXPECT_EQ(PermissionFor(c.op), c.permission);
    // A permission is its own permission.
    EXPECT_EQ(PermissionFor(PermissionFor(c.op)), PermissionFor(c.op));
  }
}

TEST(OperationsTest, AuthorizeChecksAnEntryPointAsItsPermission) {
  const Principal admin{"ADM01", Role::kAdmin, "operator"};
  const Principal gp{"A81001", Role::kGp, "the surgery"};
  RecordView own_patient;
  own_patient.gp_ods = "A81001";
  EXPECT_THAT(Authorize(admin, O::kListAuditRecords, RecordView()), IsOk());
  EXPECT_THAT(Authorize(gp, O::kGetReferral, own_patient), IsOk());
  EXPECT_THAT(Authorize(gp, O::kListOutcomes, own_patient), IsOk());
  // Refusals name the permission, as they did before entry points had
  // names of their own.
  EXPECT_THAT(Authorize(gp, O::kGetReferral, RecordView()),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "ReadReferral refused for A81001 (gp): not found, or "
                       "not entitled to it"));
  EXPECT_THAT(Authorize(gp, O::kGetDeliveryStats, RecordView()),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       ::testing::HasSubstr("Administer refused")));
  EXPECT_EQ(NotEntitled(gp, O::kGetReferral),
            Authorize(gp, O::kReadReferral, RecordView()));
}

TEST(OperationsTest, NoRuleGrantsWatchEventsItself) {
  const Principal service{"SVC01", Role::kTobaccoService, "the service"};
  RecordView own;
  own.service_ods = "SVC01";
  EXPECT_THAT(Authorize(service, O::kWatchEvents, own),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

struct ActionCase {
  A action;
  Operation op;
};

TEST(OperationsTest, EachProtocolStepNeedsThePermissionOfItsName) {
  const std::vector<ActionCase> cases = {
      {A::kMarkSent, O::kMarkSent},
      {A::kAcknowledge, O::kAcknowledge},
      {A::kPrescribe, O::kPrescribe},
      {A::kDecline, O::kDecline},
      {A::kRequireAppointment, O::kRequireAppointment},
      {A::kDispense, O::kDispense},
      {A::kSupply, O::kSupply},
      {A::kRecordNotSupplied, O::kRecordNotSupplied},
      {A::kCancel, O::kCancel},
      {A::kExpire, O::kCancel},
  };
  for (const ActionCase& c : cases) {
    SCOPED_TRACE(OperationName(c.op));
    EXPECT_EQ(OperationFor(c.action), c.op);
  }
}

}  // namespace
}  // namespace nhs::tobacco::security
