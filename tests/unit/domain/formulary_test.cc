#include "gateway/domain/formulary.h"

#include "gateway/domain/cyp1a2_medicines.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

v1::FormularyEntry Entry(const std::string& id, v1::ProductKind kind,
                         std::vector<v1::Route> routes) {
  v1::FormularyEntry e;
  e.mutable_product()->set_product_id(id);
  e.mutable_product()->set_display(id + " display");
  e.mutable_product()->set_kind(kind);
  for (v1::Route r : routes) e.add_routes(r);
  return e;
}

TEST(FormularyTest, FindsProductsAndTheirRoutes) {
  google::protobuf::RepeatedPtrField<v1::FormularyEntry> entries;
  *entries.Add() = Entry("varenicline-1mg", v1::PRODUCT_KIND_VARENICLINE,
                         {v1::ROUTE_GP_PRESCRIPTION});
  auto vape = Entry("vape", v1::PRODUCT_KIND_VAPE, {v1::ROUTE_PHARMACY_SUPPLY});
  vape.mutable_product()->set_local_code("VAPE-STARTER");
  *entries.Add() = vape;
  auto formulary = Formulary::FromConfig(entries);
  ASSERT_TRUE(formulary.ok()) << formulary.status();
  const v1::FormularyEntry* e = formulary->Find("varenicline-1mg");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(Formulary::AllowsRoute(*e, v1::ROUTE_GP_PRESCRIPTION));
  EXPECT_FALSE(Formulary::AllowsRoute(*e, v1::ROUTE_PHARMACY_SUPPLY));
  EXPECT_EQ(formulary->Find("unknown"), nullptr);
}

TEST(FormularyTest, AVapeKitIsNotAMedicine) {
  google::protobuf::RepeatedPtrField<v1::FormularyEntry> entries;
  auto vape = Entry("vape", v1::PRODUCT_KIND_VAPE, {v1::ROUTE_GP_PRESCRIPTION});
  vape.mutable_product()->set_dmd_code("12345");
  *entries.Add() = vape;
  EXPECT_THAT(
      Formulary::FromConfig(entries).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("no dm+d code"), HasSubstr("needs a local code"),
                     HasSubstr("cannot be prescribed by a GP"))));
}

TEST(FormularyTest, DuplicateIdsBadCodesAndUnverifiedClaimsAreRefused) {
  google::protobuf::RepeatedPtrField<v1::FormularyEntry> entries;
  *entries.Add() =
      Entry("nrt", v1::PRODUCT_KIND_NRT, {v1::ROUTE_GP_PRESCRIPTION});
  auto dup = Entry("nrt", v1::PRODUCT_KIND_NRT, {v1::ROUTE_GP_PRESCRIPTION});
  dup.mutable_product()->set_dmd_code("TODO-VERIFY-DMD-1");
  *entries.Add() = dup;
  auto claimed = Entry("nrt2", v1::PRODUCT_KIND_NRT, {});
  claimed.mutable_product()->set_dmd_verified(true);
  *entries.Add() = claimed;
  EXPECT_THAT(Formulary::FromConfig(entries).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("formulary[1].product.product_id"),
                             HasSubstr("formulary[1].product.dmd_code"),
                             HasSubstr("formulary[2].routes"),
                             HasSubstr("formulary[2].product.dmd_verified"))));
}

TEST(Cyp1a2MedicinesTest, MatchesWholeWordsCaseInsensitively) {
  const auto list = DefaultCyp1a2Medicines();
  EXPECT_TRUE(IsCyp1a2Sensitive("Clozapine 100mg tablets", list));
  EXPECT_TRUE(IsCyp1a2Sensitive("OLANZAPINE", list));
  EXPECT_FALSE(IsCyp1a2Sensitive("Quetiapine 25mg tablets", list));
  EXPECT_FALSE(IsCyp1a2Sensitive("clozapinex", list));
}

TEST(Cyp1a2MedicinesTest, FlagsMedicinesAndKeepsReferrerFlags) {
  v1::MentalHealthContext context;
  context.add_medicines()->set_name("Sertraline 50mg tablets");
  EXPECT_FALSE(FlagCyp1a2Medicines(context, DefaultCyp1a2Medicines()));
  auto* theophylline = context.add_medicines();
  theophylline->set_name("Theophylline");
  theophylline->set_cyp1a2_sensitive(true);
  context.add_medicines()->set_name("Clozapine");
  EXPECT_TRUE(FlagCyp1a2Medicines(context, DefaultCyp1a2Medicines()));
  EXPECT_FALSE(context.medicines(0).cyp1a2_sensitive());
  EXPECT_TRUE(context.medicines(1).cyp1a2_sensitive());
  EXPECT_TRUE(context.medicines(2).cyp1a2_sensitive());
}

}  // namespace
}  // namespace nhs::tobacco::domain
