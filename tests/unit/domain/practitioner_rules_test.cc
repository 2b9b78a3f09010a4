#include "gateway/domain/practitioner_rules.h"

#include <string>
#include <vector>

#include "gateway/domain/adapter_names.h"
#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;

v1::Practitioner Named() {
  v1::Practitioner p;
  p.set_register_(v1::PROFESSIONAL_REGISTER_GMC);
  p.set_identifier("7654321");
  p.set_display_name("Dr Ada Jones");
  return p;
}

TEST(IsPractitionerActTest, FollowsTheTable) {
  const std::vector<std::pair<PrescriptionAction, bool>> cases = {
      {PrescriptionAction::kMarkSent, false},
      {PrescriptionAction::kAcknowledge, false},
      {PrescriptionAction::kPrescribe, true},
      {PrescriptionAction::kDecline, true},
      {PrescriptionAction::kRequireAppointment, false},
      {PrescriptionAction::kDispense, true},
      {PrescriptionAction::kSupply, true},
      {PrescriptionAction::kRecordNotSupplied, true},
      {PrescriptionAction::kCancel, false},
      {PrescriptionAction::kExpire, false},
  };
  for (const auto& [action, expected] : cases) {
    EXPECT_EQ(IsPractitionerAct(action), expected) << ActionName(action);
  }
}

TEST(NamesPractitionerTest, NeedsRegisterNumberAndName) {
  EXPECT_TRUE(NamesPractitioner(Named()));
  v1::Practitioner no_register = Named();
  no_register.clear_register_();
  EXPECT_FALSE(NamesPractitioner(no_register));
  v1::Practitioner no_number = Named();
  no_number.clear_identifier();
  EXPECT_FALSE(NamesPractitioner(no_number));
  v1::Practitioner no_name = Named();
  no_name.clear_display_name();
  EXPECT_FALSE(NamesPractitioner(no_name));
  EXPECT_FALSE(NamesPractitioner(v1::Practitioner()));
}

struct Case {
  absl::string_view adapter;
  bool practitioner_act;
  bool named;
  bool allowed;
};

TEST(CheckPractitionerNamedTest, RefusesOnlyTheConsoleWithoutAPerson) {
  const std::vector<Case> cases = {
      {kConsoleAdapter, true, true, true},
      {kConsoleAdapter, true, false, false},
      {kConsoleAdapter, false, false, true},
      {kHttpAdapter, true, false, true},
      {kGrpcAdapter, true, false, true},
      {kFhirAdapter, true, false, true},
      {kHl7v2Adapter, true, false, true},
      {kGatewayAdapter, true, false, true},
  };
  for (const Case& c : cases) {
    const absl::Status s = CheckPractitionerNamed(
        c.adapter, c.practitioner_act, c.named ? Named() : v1::Practitioner());
    EXPECT_EQ(s.ok(), c.allowed)
        << c.adapter << " act=" << c.practitioner_act << " named=" << c.named;
  }
}

TEST(CheckPractitionerNamedTest, RefusalIsAPreconditionOnThePractitionerField) {
  const absl::Status s =
      CheckPractitionerNamed(kConsoleAdapter, true, v1::Practitioner());
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(GetFieldViolations(s),
              ElementsAre(Field(&FieldViolation::field, "practitioner")));
}

struct SignInCase {
  std::string register_code;
  std::string number;
  std::string name;
  std::vector<std::string> wrong;  // violated fields; empty = accepted
};

TEST(ValidateSignInTest, FollowsTheTable) {
  const std::vector<SignInCase> cases = {
      {"GMC", "7654321", "Dr Ada Jones", {}},
      {"GPHC", "2012345", "Sam Patel", {}},
      {"NMC", "12A3456B", "Jo Smith", {}},
      {"HCPC", "PH123456", "Lee Chan", {}},
      {"LOCAL", "tds-0042", "Advisor Kim", {}},
      {"GMC", "765432", "Dr Short", {"number"}},
      {"GMC", "76543210", "Dr Long", {"number"}},
      {"GMC", "76543X1", "Dr Letter", {"number"}},
      {"NMC", "1234567B", "No Letter", {"number"}},
      {"HCPC", "P1234567", "One Letter", {"number"}},
      {"LOCAL", "", "Nobody", {"number"}},
      {"LOCAL", "a b", "Space", {"number"}},
      {"", "7654321", "No Register", {"register"}},
      {"gmc", "7654321", "Lower Case", {"register"}},
      {"SDS_USER", "123", "Not Offered", {"register"}},
      {"GMC", "7654321", "", {"display_name"}},
      {"GMC", "7654321", "   ", {"display_name"}},
      {"GMC", "7654321", "Line\nBreak", {"display_name"}},
      {"GMC", "7654321", std::string(101, 'a'), {"display_name"}},
      {"", "", "", {"register", "display_name"}},
  };
  for (const SignInCase& c : cases) {
    v1::ConsolePractitioner form;
    form.set_register_(c.register_code);
    form.set_number(c.number);
    form.set_display_name(c.name);
    const absl::Status s = ValidateSignIn(form);
    std::vector<std::string> fields;
    for (const FieldViolation& v : GetFieldViolations(s)) {
      fields.push_back(v.field);
    }
    EXPECT_EQ(fields, c.wrong) << c.register_code << " " << c.number;
    EXPECT_EQ(s.ok(), c.wrong.empty());
    if (!s.ok()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace nhs::tobacco::domain
