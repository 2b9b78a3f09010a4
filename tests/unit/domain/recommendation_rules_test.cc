#include "gateway/domain/recommendation_rules.h"

#include <string>
#include <vector>

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::string_view kNrt = "nrt-patch-21mg";
constexpr absl::string_view kVape = "vape-starter";

Formulary TestFormulary() {
  google::protobuf::RepeatedPtrField<v1::FormularyEntry> entries;
  v1::FormularyEntry* nrt = entries.Add();
  nrt->mutable_product()->set_product_id(std::string(kNrt));
  nrt->mutable_product()->set_display("Nicotine 21mg/24h patch");
  nrt->mutable_product()->set_kind(v1::PRODUCT_KIND_NRT);
  nrt->add_routes(v1::ROUTE_GP_PRESCRIPTION);
  nrt->add_routes(v1::ROUTE_PHARMACY_SUPPLY);
  v1::FormularyEntry* vape = entries.Add();
  vape->mutable_product()->set_product_id(std::string(kVape));
  vape->mutable_product()->set_display("Vape starter kit");
  vape->mutable_product()->set_kind(v1::PRODUCT_KIND_VAPE);
  vape->mutable_product()->set_local_code("VAPE-STARTER");
  vape->add_routes(v1::ROUTE_PHARMACY_SUPPLY);
  absl::StatusOr<Formulary> formulary = Formulary::FromConfig(entries);
  EXPECT_THAT(formulary, IsOk());
  return *std::move(formulary);
}

v1::RecommendPrescriptionRequest Request(absl::string_view product_id,
                                         v1::Route route) {
  v1::RecommendPrescriptionRequest request;
  request.set_request_id("req-1");
  request.set_referral_id("ref-1");
  request.set_product_id(std::string(product_id));
  request.set_route(route);
  return request;
}

TEST(CheckProductAndRouteTest, ReturnsTheFormularyProductForAnAllowedRoute) {
  const Formulary formulary = TestFormulary();
  absl::StatusOr<v1::Product> product = CheckProductAndRoute(
      Request(kVape, v1::ROUTE_PHARMACY_SUPPLY), formulary);
  ASSERT_THAT(product, IsOk());
  EXPECT_EQ(product->product_id(), kVape);
  EXPECT_EQ(product->local_code(), "VAPE-STARTER");
}

struct ProductCase {
  std::string name;
  std::string product_id;
  v1::Route route;
  FieldViolation expected;
};

TEST(CheckProductAndRouteTest, RefusesUnknownProductsAndRoutesTheyMayNotTake) {
  const Formulary formulary = TestFormulary();
  const std::vector<ProductCase> cases = {
      {"unknown product",
       "unknown",
       v1::ROUTE_PHARMACY_SUPPLY,
       {"product_id", "is not in the gateway's formulary"}},
      {"vape to a GP",
       std::string(kVape),
       v1::ROUTE_GP_PRESCRIPTION,
       {"route",
        "product vape-starter may not take route GP_PRESCRIPTION; allowed: "
        "PHARMACY_SUPPLY"}},
      {"patch supplied by the service",
       std::string(kNrt),
       v1::ROUTE_SERVICE_SUPPLY,
       {"route",
        "product nrt-patch-21mg may not take route SERVICE_SUPPLY; allowed: "
        "GP_PRESCRIPTION, PHARMACY_SUPPLY"}},
  };
  for (const ProductCase& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<v1::Product> product =
        CheckProductAndRoute(Request(c.product_id, c.route), formulary);
    EXPECT_THAT(product, StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("invalid prescription "
                                            "recommendation")));
    EXPECT_THAT(GetFieldViolations(product.status()), ElementsAre(c.expected));
  }
}

struct ReferralFacts {
  v1::ReferralStatus status = v1::REFERRAL_STATUS_ACCEPTED;
  std::string gp_ods = "A81001";
  bool share_with_gp = true;
  bool share_with_pharmacy = true;
};

v1::Referral ReferralWith(const ReferralFacts& facts) {
  v1::Referral referral;
  referral.set_referral_id("ref-1");
  referral.set_status(facts.status);
  if (!facts.gp_ods.empty()) {
    referral.mutable_gp_practice()->set_ods_code(facts.gp_ods);
    referral.mutable_gp_practice()->set_name("The Surgery");
  }
  referral.mutable_consent()->set_share_with_gp(facts.share_with_gp);
  referral.mutable_consent()->set_share_with_pharmacy(
      facts.share_with_pharmacy);
  return referral;
}

v1::Product Patch() {
  v1::Product product;
  product.set_product_id(std::string(kNrt));
  return product;
}

struct RefusalCase {
  std::string name;
  ReferralFacts referral;
  v1::Route route;
  std::string target_ods;
  absl::StatusCode code;
  std::string message;
};

TEST(CheckRecommendationForReferralTest, RefusesWhatTheReferralDoesNotAllow) {
  const std::vector<RefusalCase> cases = {
      {"declined referral",
       {.status = v1::REFERRAL_STATUS_DECLINED},
       v1::ROUTE_PHARMACY_SUPPLY,
       "FA123",
       absl::StatusCode::kFailedPrecondition,
       "cannot recommend: referral is DECLINED"},
      {"completed referral",
       {.status = v1::REFERRAL_STATUS_COMPLETED},
       v1::ROUTE_GP_PRESCRIPTION,
       "",
       absl::StatusCode::kFailedPrecondition,
       "cannot recommend: referral is COMPLETED"},
      {"withdrawn referral, even without consent",
       {.status = v1::REFERRAL_STATUS_WITHDRAWN, .share_with_gp = false},
       v1::ROUTE_GP_PRESCRIPTION,
       "",
       absl::StatusCode::kFailedPrecondition,
       "cannot recommend: referral is WITHDRAWN"},
      {"GP route with no GP practice anywhere",
       {.gp_ods = "", .share_with_gp = false},
       v1::ROUTE_GP_PRESCRIPTION,
       "",
       absl::StatusCode::kInvalidArgument,
       "invalid prescription recommendation: target.ods_code: is required: "
       "the referral names no GP practice"},
      {"GP route without consent to share with the GP",
       {.share_with_gp = false},
       v1::ROUTE_GP_PRESCRIPTION,
       "",
       absl::StatusCode::kFailedPrecondition,
       "cannot recommend on route GP_PRESCRIPTION: the patient has not "
       "consented to sharing with their GP "
       "(referral.consent.share_with_gp)"},
      {"GP route with an explicit target still needs GP consent",
       {.share_with_gp = false},
       v1::ROUTE_GP_PRESCRIPTION,
       "B82002",
       absl::StatusCode::kFailedPrecondition,
       "cannot recommend on route GP_PRESCRIPTION: the patient has not "
       "consented to sharing with their GP "
       "(referral.consent.share_with_gp)"},
      {"pharmacy route without consent to share with a pharmacy",
       {.share_with_pharmacy = false},
       v1::ROUTE_PHARMACY_SUPPLY,
       "FA123",
       absl::StatusCode::kFailedPrecondition,
       "cannot recommend on route PHARMACY_SUPPLY: the patient has not "
       "consented to sharing with a pharmacy "
       "(referral.consent.share_with_pharmacy)"},
  };
  for (const RefusalCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::RecommendPrescriptionRequest request = Request(kNrt, c.route);
    request.mutable_target()->set_ods_code(c.target_ods);
    absl::StatusOr<Recommendation> result = CheckRecommendationForReferral(
        ReferralWith(c.referral), request, Patch());
    EXPECT_THAT(result, StatusIs(c.code, c.message));
  }
}

TEST(CheckRecommendationForReferralTest,
     AMissingGpPracticeIsAViolationOnTheTarget) {
  v1::RecommendPrescriptionRequest request =
      Request(kNrt, v1::ROUTE_GP_PRESCRIPTION);
  absl::StatusOr<Recommendation> result = CheckRecommendationForReferral(
      ReferralWith({.gp_ods = ""}), request, Patch());
  EXPECT_THAT(GetFieldViolations(result.status()),
              ElementsAre(FieldViolation{
                  "target.ods_code",
                  "is required: the referral names no GP practice"}));
}

struct AllowedCase {
  std::string name;
  ReferralFacts referral;
  v1::Route route;
  std::string target_ods;
  std::string expected_target_ods;
};

TEST(CheckRecommendationForReferralTest, AllowsOpenReferralsWithConsent) {
  const std::vector<AllowedCase> cases = {
      {"received referral, GP route defaults to its practice",
       {.status = v1::REFERRAL_STATUS_RECEIVED},
       v1::ROUTE_GP_PRESCRIPTION,
       "",
       "A81001"},
      {"GP route keeps an explicit target",
       {},
       v1::ROUTE_GP_PRESCRIPTION,
       "B82002",
       "B82002"},
      {"GP route with an explicit target needs no practice on the referral",
       {.gp_ods = ""},
       v1::ROUTE_GP_PRESCRIPTION,
       "B82002",
       "B82002"},
      {"in treatment, pharmacy route needs no GP consent",
       {.status = v1::REFERRAL_STATUS_IN_TREATMENT, .share_with_gp = false},
       v1::ROUTE_PHARMACY_SUPPLY,
       "FA123",
       "FA123"},
      {"pharmacy route never defaults to the GP practice",
       {},
       v1::ROUTE_PHARMACY_SUPPLY,
       "",
       ""},
      {"service supply needs neither consent",
       {.share_with_gp = false, .share_with_pharmacy = false},
       v1::ROUTE_SERVICE_SUPPLY,
       "",
       ""},
  };
  for (const AllowedCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::RecommendPrescriptionRequest request = Request(kNrt, c.route);
    request.mutable_target()->set_ods_code(c.target_ods);
    absl::StatusOr<Recommendation> result = CheckRecommendationForReferral(
        ReferralWith(c.referral), request, Patch());
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->target.ods_code(), c.expected_target_ods);
    EXPECT_EQ(result->product.product_id(), kNrt);
    EXPECT_FALSE(result->cyp1a2_safety_alert);
  }
}

TEST(CheckRecommendationForReferralTest, TheDefaultTargetIsTheWholePractice) {
  absl::StatusOr<Recommendation> result = CheckRecommendationForReferral(
      ReferralWith({}), Request(kNrt, v1::ROUTE_GP_PRESCRIPTION), Patch());
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->target.name(), "The Surgery");
}

TEST(CheckRecommendationForReferralTest, FlagsACyp1a2SensitiveMedicine) {
  v1::Referral referral = ReferralWith({});
  referral.mutable_mental_health()->add_medicines()->set_name("Sertraline");
  v1::PsychiatricMedicine* clozapine =
      referral.mutable_mental_health()->add_medicines();
  clozapine->set_name("Clozapine 100mg tablets");
  clozapine->set_cyp1a2_sensitive(true);
  absl::StatusOr<Recommendation> result = CheckRecommendationForReferral(
      referral, Request(kNrt, v1::ROUTE_PHARMACY_SUPPLY), Patch());
  ASSERT_THAT(result, IsOk());
  EXPECT_TRUE(result->cyp1a2_safety_alert);
}

}  // namespace
}  // namespace nhs::tobacco::domain
