#include "gateway/domain/adapter_names.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

TEST(AdapterNamesTest, KeepTheNamesTheTimelineAlreadyHolds) {
  EXPECT_EQ(kGrpcAdapter, "grpc");
  EXPECT_EQ(kHl7v2Adapter, "hl7v2");
  EXPECT_EQ(kFhirAdapter, "fhir");
  EXPECT_EQ(kGatewayAdapter, "gateway");
  const std::set<absl::string_view> distinct = {kGrpcAdapter, kHl7v2Adapter,
                                                kFhirAdapter, kGatewayAdapter};
  EXPECT_EQ(distinct.size(), 4u);
}

TEST(AdapterForChannelTest, NamesTheAdapterThatCarriesTheChannel) {
  EXPECT_EQ(AdapterForChannel(v1::DELIVERY_CHANNEL_HL7V2_MLLP), kHl7v2Adapter);
  EXPECT_EQ(AdapterForChannel(v1::DELIVERY_CHANNEL_FHIR_HTTPS), kFhirAdapter);
}

}  // namespace
}  // namespace nhs::tobacco::domain
