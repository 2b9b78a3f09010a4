#include "gateway/api/stream_slots.h"

#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::api {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(StreamSlotsTest, AnOrganisationAtItsCapIsRefusedAndAnotherIsNot) {
  StreamSlots slots(10, 2, "grpc.max_watch_streams",
                    "grpc.max_watch_streams_per_organisation");
  std::vector<StreamSlots::Slot> held;
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<StreamSlots::Slot> slot = slots.Acquire("FZZ99");
    ASSERT_THAT(slot, IsOk());
    held.push_back(*std::move(slot));
  }
  EXPECT_THAT(
      slots.Acquire("FZZ99"),
      StatusIs(absl::StatusCode::kResourceExhausted,
               AllOf(HasSubstr("FZZ99"), HasSubstr("limit 2 per organisation"),
                     HasSubstr("grpc.max_watch_streams_per_organisation"))));
  EXPECT_THAT(slots.Acquire("TDS01"), IsOk());
  EXPECT_EQ(slots.open_for("FZZ99"), 2);
}

TEST(StreamSlotsTest, TheTotalCapHoldsAcrossOrganisations) {
  StreamSlots slots(3, 2, "grpc.max_watch_streams",
                    "grpc.max_watch_streams_per_organisation");
  std::vector<StreamSlots::Slot> held;
  for (const char* ods : {"A1", "A1", "B2"}) {
    absl::StatusOr<StreamSlots::Slot> slot = slots.Acquire(ods);
    ASSERT_THAT(slot, IsOk());
    held.push_back(*std::move(slot));
  }
  EXPECT_THAT(slots.Acquire("C3"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(HasSubstr("limit 3 in total"),
                             HasSubstr("grpc.max_watch_streams"))));
  EXPECT_EQ(slots.open_for("C3"), 0);
  EXPECT_EQ(slots.open(), 3);
}

TEST(StreamSlotsTest, ASlotGivenBackMakesRoomAgain) {
  StreamSlots slots(1, 1, "t", "p");
  {
    absl::StatusOr<StreamSlots::Slot> slot = slots.Acquire("A1");
    ASSERT_THAT(slot, IsOk());
    StreamSlots::Slot moved = *std::move(slot);
    EXPECT_THAT(slots.Acquire("B2"),
                StatusIs(absl::StatusCode::kResourceExhausted));
    EXPECT_EQ(slots.open(), 1);
  }
  EXPECT_EQ(slots.open(), 0);
  EXPECT_EQ(slots.open_for("A1"), 0);
  absl::StatusOr<StreamSlots::Slot> again = slots.Acquire("B2");
  ASSERT_THAT(again, IsOk());
  again->Release();
  again->Release();  // a second release gives nothing back twice
  EXPECT_EQ(slots.open(), 0);
}

}  // namespace
}  // namespace nhs::tobacco::api
