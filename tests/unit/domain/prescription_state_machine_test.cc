#include "gateway/domain/prescription_state_machine.h"

#include <map>
#include <set>
#include <tuple>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using A = PrescriptionAction;
using S = v1::PrescriptionStatus;

constexpr S kRecommended = v1::PRESCRIPTION_STATUS_RECOMMENDED;
constexpr S kSent = v1::PRESCRIPTION_STATUS_SENT;
constexpr S kAck = v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
constexpr S kPrescribed = v1::PRESCRIPTION_STATUS_PRESCRIBED;
constexpr S kDeclined = v1::PRESCRIPTION_STATUS_DECLINED;
constexpr S kAppt = v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED;
constexpr S kDispensed = v1::PRESCRIPTION_STATUS_DISPENSED;
constexpr S kSupplied = v1::PRESCRIPTION_STATUS_SUPPLIED;
constexpr S kNotSupplied = v1::PRESCRIPTION_STATUS_NOT_SUPPLIED;
constexpr S kCancelled = v1::PRESCRIPTION_STATUS_CANCELLED;
constexpr S kExpired = v1::PRESCRIPTION_STATUS_EXPIRED;

const S kAllStatuses[] = {kRecommended, kSent,      kAck,       kPrescribed,
                          kDeclined,    kAppt,      kDispensed, kSupplied,
                          kNotSupplied, kCancelled, kExpired};
const A kAllActions[] = {A::kMarkSent, A::kAcknowledge,        A::kPrescribe,
                         A::kDecline,  A::kRequireAppointment, A::kDispense,
                         A::kSupply,   A::kRecordNotSupplied,  A::kCancel,
                         A::kExpire};
const v1::Route kAllRoutes[] = {v1::ROUTE_GP_PRESCRIPTION,
                                v1::ROUTE_PHARMACY_SUPPLY,
                                v1::ROUTE_SERVICE_SUPPLY};

// ARCHITECTURE.md section 2 written out edge by edge, independently of the
// implementation's rule table: (from, action, route) -> to.
std::map<std::tuple<S, A, v1::Route>, S> LegalEdges() {
  std::map<std::tuple<S, A, v1::Route>, S> edges;
  for (v1::Route r : kAllRoutes) {
    edges[{kRecommended, A::kMarkSent, r}] = kSent;
    edges[{kSent, A::kAcknowledge, r}] = kAck;
    for (S s : {kRecommended, kSent, kAck, kPrescribed, kAppt}) {
      edges[{s, A::kCancel, r}] = kCancelled;
      edges[{s, A::kExpire, r}] = kExpired;
    }
  }
  const v1::Route gp = v1::ROUTE_GP_PRESCRIPTION;
  edges[{kAck, A::kPrescribe, gp}] = kPrescribed;
  edges[{kAck, A::kDecline, gp}] = kDeclined;
  edges[{kAck, A::kRequireAppointment, gp}] = kAppt;
  edges[{kAppt, A::kPrescribe, gp}] = kPrescribed;
  edges[{kAppt, A::kDecline, gp}] = kDeclined;
  edges[{kPrescribed, A::kDispense, gp}] = kDispensed;
  for (v1::Route r : {v1::ROUTE_PHARMACY_SUPPLY, v1::ROUTE_SERVICE_SUPPLY}) {
    edges[{kAck, A::kSupply, r}] = kSupplied;
    edges[{kAck, A::kRecordNotSupplied, r}] = kNotSupplied;
  }
  return edges;
}

TEST(PrescriptionStateMachineTest, EveryLegalTransitionLeadsToItsState) {
  for (const auto& [key, to] : LegalEdges()) {
    const auto& [from, action, route] = key;
    EXPECT_THAT(NextStatus(from, route, action), IsOkAndHolds(to))
        << StatusName(from) << " --" << ActionName(action) << "--> on "
        << RouteName(route);
  }
}

TEST(PrescriptionStateMachineTest,
     EveryIllegalTransitionIsRefusedNamingTheCurrentState) {
  const auto legal = LegalEdges();
  int refused = 0;
  for (S from : kAllStatuses) {
    for (A action : kAllActions) {
      for (v1::Route route : kAllRoutes) {
        if (legal.contains({from, action, route})) continue;
        EXPECT_THAT(NextStatus(from, route, action),
                    StatusIs(absl::StatusCode::kFailedPrecondition,
                             HasSubstr(StatusName(from))))
            << StatusName(from) << " --" << ActionName(action) << "--> on "
            << RouteName(route);
        ++refused;
      }
    }
  }
  // 11 states x 10 actions x 3 routes, minus the legal edges.
  EXPECT_EQ(refused, 11 * 10 * 3 - static_cast<int>(legal.size()));
}

TEST(PrescriptionStateMachineTest,
     DispenseBeforePrescribeIsRefusedNamingBothStates) {
  EXPECT_THAT(NextStatus(kAck, v1::ROUTE_GP_PRESCRIPTION, A::kDispense),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("ACKNOWLEDGED"), HasSubstr("DISPENSED"),
                             HasSubstr("only from PRESCRIBED"))));
}

TEST(PrescriptionStateMachineTest, SupplyOnTheGpRouteIsRefusedNamingTheRoute) {
  EXPECT_THAT(NextStatus(kAck, v1::ROUTE_GP_PRESCRIPTION, A::kSupply),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("GP_PRESCRIPTION"),
                             HasSubstr("PHARMACY_SUPPLY"))));
}

TEST(PrescriptionStateMachineTest, CancellingAFinalStateSaysItIsFinal) {
  EXPECT_THAT(NextStatus(kDispensed, v1::ROUTE_GP_PRESCRIPTION, A::kCancel),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("DISPENSED"), HasSubstr("final"))));
}

TEST(PrescriptionStateMachineTest, UnspecifiedStatusIsRefused) {
  EXPECT_THAT(NextStatus(v1::PRESCRIPTION_STATUS_UNSPECIFIED,
                         v1::ROUTE_GP_PRESCRIPTION, A::kMarkSent),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(PrescriptionStateMachineTest, FinalStatesAreExactlyTheTerminalOnes) {
  std::set<S> final_states;
  for (S s : kAllStatuses) {
    if (IsFinal(s)) final_states.insert(s);
  }
  EXPECT_EQ(final_states, (std::set<S>{kDeclined, kDispensed, kSupplied,
                                       kNotSupplied, kCancelled, kExpired}));
}

}  // namespace
}  // namespace nhs::tobacco::domain
