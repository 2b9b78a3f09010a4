#include "adapters/fhir/uuid.h"

#include "gtest/gtest.h"

namespace nhs::tobacco::fhir {
namespace {

TEST(UuidTest, NameBasedUuidIsStableForTheSameName) {
  EXPECT_EQ(NameBasedUuid("msg-1/patient"), NameBasedUuid("msg-1/patient"));
  EXPECT_NE(NameBasedUuid("msg-1/patient"), NameBasedUuid("msg-2/patient"));
}

TEST(UuidTest, NameBasedUuidIsVersionFiveInCanonicalForm) {
  const std::string id = NameBasedUuid("anything");
  EXPECT_TRUE(IsUuid(id)) << id;
  EXPECT_EQ(id[14], '5');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
}

TEST(UuidTest, RandomUuidsDifferAndAreVersionFour) {
  const std::string a = RandomUuid();
  EXPECT_TRUE(IsUuid(a));
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, RandomUuid());
}

TEST(UuidTest, IsUuidRejectsOtherShapes) {
  EXPECT_FALSE(IsUuid("7c1f4a2e00114d1a9a11000000000011"));
  EXPECT_FALSE(IsUuid("7c1f4a2e-0011-4d1a-9a11-00000000001g"));
  EXPECT_TRUE(IsUuid("7c1f4a2e-0011-4d1a-9a11-000000000011"));
}

}  // namespace
}  // namespace nhs::tobacco::fhir
