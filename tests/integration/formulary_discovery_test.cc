// Formulary discovery (issue 12 item 8) on the real binary over mutual TLS:
// ListProducts returns the configured catalogue - ids, display names,
// kinds, routes and whether each dm+d code is verified - to any
// authenticated caller, filters by kind and route, refuses an unknown one
// naming the field, and every call leaves an audit row; tobaccoctl
// `products list` prints it.
#include <grpcpp/grpcpp.h>

#include <sstream>
#include <string>
#include <vector>

#include "gateway/cli/channel.h"
#include "gateway/cli/commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::AllOf;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// A test-only product with a verified dm+d code (the digits are made up:
// the gateway checks the form of a code, never its meaning).
constexpr char kVerifiedId[] = "test-verified-product";
constexpr char kVerifiedCode[] = "9999991000001109";

class FormularyDiscoveryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    configured_ = new google::protobuf::RepeatedPtrField<v1::FormularyEntry>;
    gateway_ = new SecureGatewayBinary(
        "formulary_discovery", [](v1::GatewayConfig& config) {
          v1::FormularyEntry* e = config.add_formulary();
          e->mutable_product()->set_product_id(kVerifiedId);
          e->mutable_product()->set_display("Test product, verified code");
          e->mutable_product()->set_kind(v1::PRODUCT_KIND_VARENICLINE);
          e->mutable_product()->set_dmd_code(kVerifiedCode);
          e->mutable_product()->set_dmd_verified(true);
          e->add_routes(v1::ROUTE_GP_PRESCRIPTION);
          *configured_ = config.formulary();
        });
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
    delete configured_;
  }
  void SetUp() override { ASSERT_TRUE(gateway_->started()); }

  static grpc::Status List(const std::string& cert,
                           const v1::ListProductsRequest& request,
                           v1::ListProductsResponse* out) {
    return gateway_->As(cert).formulary->ListProducts(Ctx().get(), request,
                                                      out);
  }

  static SecureGatewayBinary* gateway_;
  static google::protobuf::RepeatedPtrField<v1::FormularyEntry>* configured_;
};

SecureGatewayBinary* FormularyDiscoveryTest::gateway_ = nullptr;
google::protobuf::RepeatedPtrField<v1::FormularyEntry>*
    FormularyDiscoveryTest::configured_ = nullptr;

TEST_F(FormularyDiscoveryTest, EveryRoleListsTheConfiguredCatalogueInOrder) {
  ASSERT_GT(configured_->size(), 1);
  for (const char* cert :
       {"gp-y90001", "pharmacy-fzz99", "trust-rx9", "service-tds01",
        "integrator-x26", "admin-ops", "talking-therapies-tt001",
        "local-authority-la001", "voluntary-sector-vs001"}) {
    SCOPED_TRACE(cert);
    v1::ListProductsResponse listed;
    grpc::Status s = List(cert, v1::ListProductsRequest(), &listed);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(listed.products_size(), configured_->size());
    for (int i = 0; i < configured_->size(); ++i) {
      const v1::FormularyEntry& want = configured_->Get(i);
      const v1::FormularyProduct& got = listed.products(i);
      EXPECT_EQ(got.product().SerializeAsString(),
                want.product().SerializeAsString())
          << want.product().product_id();
      EXPECT_THAT(got.routes(), ElementsAreArray(want.routes()));
    }
  }
}

TEST_F(FormularyDiscoveryTest, SaysWhichDmdCodesAreVerified) {
  v1::ListProductsResponse listed;
  ASSERT_TRUE(List("gp-y90001", v1::ListProductsRequest(), &listed).ok());
  int verified = 0;
  for (const auto& p : listed.products()) {
    if (p.product().product_id() == kVerifiedId) {
      EXPECT_TRUE(p.product().dmd_verified());
      EXPECT_EQ(p.product().dmd_code(), kVerifiedCode);
      ++verified;
    } else {
      // The sample catalogue verifies none of its codes.
      EXPECT_FALSE(p.product().dmd_verified()) << p.product().product_id();
    }
  }
  EXPECT_EQ(verified, 1);
}

TEST_F(FormularyDiscoveryTest, FiltersByKindAndRoute) {
  v1::ListProductsRequest vapes;
  vapes.set_kind(v1::PRODUCT_KIND_VAPE);
  v1::ListProductsResponse listed;
  ASSERT_TRUE(List("integrator-x26", vapes, &listed).ok());
  ASSERT_EQ(listed.products_size(), 1);
  EXPECT_EQ(listed.products(0).product().product_id(), "vape-starter-kit");

  v1::ListProductsRequest gp_route;
  gp_route.set_route(v1::ROUTE_GP_PRESCRIPTION);
  ASSERT_TRUE(List("integrator-x26", gp_route, &listed).ok());
  EXPECT_GT(listed.products_size(), 0);
  for (const auto& p : listed.products()) {
    EXPECT_THAT(p.routes(), ::testing::Contains(v1::ROUTE_GP_PRESCRIPTION))
        << p.product().product_id();
    EXPECT_NE(p.product().kind(), v1::PRODUCT_KIND_VAPE);
  }
}

TEST_F(FormularyDiscoveryTest, AnUnknownKindIsRefusedNamingTheField) {
  v1::ListProductsRequest bad;
  bad.set_kind(static_cast<v1::ProductKind>(42));
  bad.set_route(static_cast<v1::Route>(42));
  v1::ListProductsResponse listed;
  grpc::Status s = List("gp-y90001", bad, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), AllOf(HasSubstr("kind"), HasSubstr("route")));
}

TEST_F(FormularyDiscoveryTest, EveryListingIsAudited) {
  v1::ListProductsResponse listed;
  ASSERT_TRUE(
      List("voluntary-sector-vs001", v1::ListProductsRequest(), &listed).ok());
  // Reads are audited asynchronously: look for the row a little while.
  bool found = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (!found && absl::Now() < give_up) {
    v1::ListAuditRecordsRequest request;
    request.set_limit(1000);
    v1::ListAuditRecordsResponse rows;
    ASSERT_TRUE(gateway_->As("admin-ops")
                    .admin->ListAuditRecords(Ctx().get(), request, &rows)
                    .ok());
    for (const auto& r : rows.records()) {
      found |= r.operation() == "ListProducts" && r.ods_code() == "VS001" &&
               r.role() == "voluntary_sector" && r.result() == "OK";
    }
    if (!found) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(found) << "no ListProducts audit row for VS001";
}

TEST_F(FormularyDiscoveryTest, TobaccoctlProductsListPrintsTheCatalogue) {
  const std::string pki = DevCerts().string();
  std::vector<std::string> args = {
      "--target", absl::StrCat("localhost:", gateway_->grpc_port()),
      "--ca",     pki + "/ca.pem",
      "--cert",   pki + "/talking-therapies-tt001.pem",
      "--key",    pki + "/talking-therapies-tt001.key",
      "products", "list",
      "--route",  "pharmacy_supply"};
  std::ostringstream out, err;
  cli::Environment env;
  const int code = cli::RunTobaccoctl(
      args, out, err,
      [&env](const cli::ConnectionOptions& options) {
        return cli::MakeChannel(options, env.read_file);
      },
      env);
  ASSERT_EQ(code, 0) << err.str();
  EXPECT_THAT(
      out.str(),
      AllOf(HasSubstr("vape-starter-kit"), HasSubstr("local VAPE-STARTER"),
            HasSubstr("nrt-patch-21mg-24h"), HasSubstr("PHARMACY_SUPPLY")));
  EXPECT_THAT(out.str(), ::testing::Not(HasSubstr("varenicline-1mg")))
      << "GP route only: filtered out";
}

}  // namespace
}  // namespace nhs::tobacco
