#include "gateway/domain/identifier_systems.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

const char* const kAllSystems[] = {
    kNhsNumberSystem,
    kOdsOrganizationSystem,
    kEpsOrderNumberSystem,
    kGmcSystem,
    kGmpSystem,
    kNmcSystem,
    kGphcSystem,
    kHcpcSystem,
    kSdsUserSystem,
    kDmdSystem,
    kSnomedSystem,
    kUcumSystem,
    kMedicationRequestCategorySystem,
    kObservationCategorySystem,
    kCommunicationCategorySystem,
    kMessageIdSystem,
    kPrescriptionRequestSystem,
    kReferralSystem,
    kLocalPractitionerSystem,
    kDispenseIdSystem,
    kMessageEventSystem,
    kLocalProductSystem,
    kStatusReasonSystem,
    kOutcomeSystem,
    kErrorSystem,
};

TEST(IdentifierSystemsTest, EverySystemIsADistinctAbsoluteUri) {
  std::set<std::string> seen;
  for (const char* system : kAllSystems) {
    SCOPED_TRACE(system);
    EXPECT_TRUE(absl::StartsWith(system, "https://") ||
                absl::StartsWith(system, "http://"));
    EXPECT_FALSE(absl::EndsWith(system, "/"));
    EXPECT_TRUE(seen.insert(system).second) << "defined twice";
  }
}

TEST(IdentifierSystemsTest, KeepsTheSystemsStoredEventsAndPartnersUse) {
  EXPECT_STREQ(kEpsOrderNumberSystem,
               "https://fhir.nhs.uk/Id/prescription-order-number");
  EXPECT_STREQ(kMessageIdSystem, "https://example.org/fhir/Id/td-message");
  EXPECT_STREQ(kNhsNumberSystem, "https://fhir.nhs.uk/Id/nhs-number");
  EXPECT_STREQ(kOdsOrganizationSystem,
               "https://fhir.nhs.uk/Id/ods-organization-code");
  EXPECT_STREQ(kPrescriptionRequestSystem,
               "https://example.org/fhir/Id/td-prescription-request");
}

}  // namespace
}  // namespace nhs::tobacco::domain
