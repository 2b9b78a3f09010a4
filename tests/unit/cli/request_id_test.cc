#include "gateway/cli/request_id.h"

#include <regex>
#include <set>

#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

TEST(NewRequestIdTest, IsAVersionFourUuid) {
  const std::regex uuid(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) {
    std::string id = NewRequestId();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
  }
}

TEST(NewRequestIdTest, SuccessiveIdsDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewRequestId());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace nhs::tobacco::cli
