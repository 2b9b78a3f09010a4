#include "gateway/cli/products.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::cli {
namespace {

using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(ProductsTest, ListRequestTakesKindAndRouteAsPeopleTypeThem) {
  ParsedArgs args;
  args.Add("kind", "vape");
  args.Add("route", "Pharmacy-Supply");
  absl::StatusOr<v1::ListProductsRequest> r = BuildListProductsRequest(args);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind(), v1::PRODUCT_KIND_VAPE);
  EXPECT_EQ(r->route(), v1::ROUTE_PHARMACY_SUPPLY);
  EXPECT_EQ(BuildListProductsRequest(ParsedArgs())->kind(),
            v1::PRODUCT_KIND_UNSPECIFIED);
}

TEST(ProductsTest, AnUnknownKindNamesTheFlagAndTheChoices) {
  ParsedArgs args;
  args.Add("kind", "snuff");
  EXPECT_THAT(BuildListProductsRequest(args),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kind"), HasSubstr("varenicline"))));
}

TEST(ProductsTest, TableShowsCodesWithTheirVerificationAndRoutes) {
  v1::ListProductsResponse response;
  v1::FormularyProduct* patch = response.add_products();
  patch->mutable_product()->set_product_id("nrt-patch-21mg-24h");
  patch->mutable_product()->set_display("Nicotine patches");
  patch->mutable_product()->set_kind(v1::PRODUCT_KIND_NRT);
  patch->mutable_product()->set_dmd_code("123456");
  patch->add_routes(v1::ROUTE_GP_PRESCRIPTION);
  patch->add_routes(v1::ROUTE_PHARMACY_SUPPLY);
  v1::FormularyProduct* vape = response.add_products();
  vape->mutable_product()->set_product_id("vape-starter-kit");
  vape->mutable_product()->set_kind(v1::PRODUCT_KIND_VAPE);
  vape->mutable_product()->set_local_code("VAPE-STARTER");
  vape->add_routes(v1::ROUTE_SERVICE_SUPPLY);
  const std::string table = RenderProductList(response);
  EXPECT_THAT(table, AllOf(HasSubstr("dm+d 123456 (unverified)"),
                           HasSubstr("GP_PRESCRIPTION, PHARMACY_SUPPLY"),
                           HasSubstr("local VAPE-STARTER"),
                           HasSubstr("SERVICE_SUPPLY")));
  patch->mutable_product()->set_dmd_verified(true);
  EXPECT_THAT(RenderProductList(response),
              AllOf(HasSubstr("dm+d 123456 "),
                    ::testing::Not(HasSubstr("123456 (unverified)"))));
  EXPECT_EQ(RenderProductList(v1::ListProductsResponse()), "no products\n");
}

}  // namespace
}  // namespace nhs::tobacco::cli
