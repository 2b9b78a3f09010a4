// Several gateway instances on one PostgreSQL database (issue 16): two
// stores opened on the same fresh database stand for two instances, their
// writes racing on real connections.
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gateway/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/pg_test_server.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

v1::TimelineEvent Event(const std::string& record) {
  v1::TimelineEvent e;
  e.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
  e.set_prescription_id(record);
  e.set_referral_id("ref-" + record);
  *e.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(1);
  return e;
}

OutboxRow DueMessage(int i) {
  OutboxRow row;
  const std::string id = absl::StrCat("m", i);
  row.message.set_message_id(id);
  row.message.set_kind(v1::MESSAGE_KIND_GP_RECOMMENDATION);
  row.message.set_channel(v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  row.message.set_destination_ods("Y90001");
  row.message.set_prescription_id(absl::StrCat("rx-", i));
  row.delivery.set_message_id(id);
  row.delivery.set_destination_ods("Y90001");
  row.delivery.set_channel(v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  row.delivery.set_state(v1::DELIVERY_STATE_PENDING);
  *row.delivery.mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(i);
  *row.delivery.mutable_updated_at() = TimeUtil::MicrosecondsToTimestamp(i);
  *row.delivery.mutable_next_attempt_at() =
      TimeUtil::MicrosecondsToTimestamp(i);
  return row;
}

class PgInstancesTest : public testing::PgServerTest {
 protected:
  void SetUp() override {
    testing::PgServerTest::SetUp();
    if (HasFatalFailure()) return;
    v1::StoreConfig config;
    config.set_data_dir(::testing::TempDir());
    config.mutable_postgres()->set_conninfo(
        testing::PgFreshDatabase().conninfo);
    config.mutable_postgres()->set_password_file(
        absl::StrCat(testing::PgTestDir(), "/password"));
    for (std::unique_ptr<Store>* instance : {&a_, &b_}) {
      auto opened = OpenStore(config);
      ASSERT_THAT(opened, IsOk());
      *instance = *std::move(opened);
    }
  }

  std::unique_ptr<Store> a_;
  std::unique_ptr<Store> b_;
};

// A Watch cursor is "events after N": it is sound only if no event with a
// lower sequence commits after one with a higher sequence was seen. Four
// writers on two instances race while a reader follows the cursor.
TEST_F(PgInstancesTest, EventsFromEveryInstanceAreSeenInSequenceOrder) {
  constexpr int kWriters = 4;
  constexpr int kEventsEach = 60;
  std::atomic<bool> writing{true};
  std::vector<int64_t> seen;
  std::thread reader([&] {
    int64_t cursor = 0;
    bool last_round = false;
    while (true) {
      last_round = !writing.load();
      ASSERT_THAT(a_->Read([&](ReadTransaction& tx) -> absl::Status {
        EventQuery query;
        query.after_sequence = cursor;
        query.limit = 1000;
        auto events = tx.ListEvents(query);
        if (!events.ok()) return events.status();
        for (const v1::TimelineEvent& e : *events) {
          seen.push_back(e.sequence());
          cursor = e.sequence();
        }
        return absl::OkStatus();
      }),
                  IsOk());
      if (last_round) return;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    Store& store = w % 2 == 0 ? *a_ : *b_;
    writers.emplace_back([&store, w] {
      for (int i = 0; i < kEventsEach; ++i) {
        ASSERT_THAT(store.WriteAndWait([&](WriteTransaction& tx) {
          return tx.AppendEvent(Event(absl::StrCat(w, "-", i))).status();
        }),
                    IsOk());
      }
    });
  }
  for (std::thread& t : writers) t.join();
  writing = false;
  reader.join();
  ASSERT_EQ(seen.size(), size_t{kWriters * kEventsEach})
      << "the cursor skipped an event that committed late";
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i], static_cast<int64_t>(i + 1));
  }
}

TEST_F(PgInstancesTest, AWatcherOnOneInstanceHearsCommitsOnAnother) {
  // Shared: the LISTEN thread may call it after the test body returns.
  auto heard = std::make_shared<std::atomic<int64_t>>(0);
  a_->SetCommitListener([heard](int64_t sequence) {
    int64_t seen = heard->load();
    while (sequence > seen && !heard->compare_exchange_weak(seen, sequence)) {
    }
  });
  std::atomic<int64_t>& heard_on_a = *heard;
  int64_t appended = 0;
  ASSERT_THAT(b_->WriteAndWait([&](WriteTransaction& tx) -> absl::Status {
    auto sequence = tx.AppendEvent(Event("rx-1"));
    if (!sequence.ok()) return sequence.status();
    appended = *sequence;
    return absl::OkStatus();
  }),
              IsOk());
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (heard_on_a.load() < appended && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(heard_on_a.load(), appended)
      << "instance A's watchers were not told of B's commit";
}

// Each audit row chains to the newest one (LastAuditRecord + 1 in the same
// transaction): with writers on two instances the chain stays one.
TEST_F(PgInstancesTest, TheAuditChainHasOneHeadAcrossInstances) {
  constexpr int kRowsEach = 40;
  std::vector<std::thread> writers;
  for (Store* store : {a_.get(), b_.get(), a_.get(), b_.get()}) {
    writers.emplace_back([store] {
      for (int i = 0; i < kRowsEach; ++i) {
        ASSERT_THAT(store->WriteAndWait([](WriteTransaction& tx) {
          auto last = tx.LastAuditRecord();
          if (!last.ok()) return last.status();
          v1::AuditRecord row;
          row.set_sequence(last->has_value() ? (*last)->sequence() + 1 : 1);
          row.set_operation("Test");
          row.set_hash(absl::StrCat("h", row.sequence()));
          return tx.InsertAuditRecord(row);
        }),
                    IsOk());
      }
    });
  }
  for (std::thread& t : writers) t.join();
  std::vector<v1::AuditRecord> rows;
  ASSERT_THAT(b_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto listed = tx.ListAuditRecords(0, 10000);
    if (!listed.ok()) return listed.status();
    rows = *std::move(listed);
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_EQ(rows.size(), size_t{4 * kRowsEach});
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].sequence(), static_cast<int64_t>(i + 1));
  }
}

// The dispatcher's claim: due messages read and leased in one write. Two
// instances claiming at once never take the same message.
TEST_F(PgInstancesTest, AMessageIsClaimedByOneInstanceOnly) {
  constexpr int kMessages = 60;
  ASSERT_THAT(a_->WriteAndWait([](WriteTransaction& tx) -> absl::Status {
    for (int i = 1; i <= kMessages; ++i) {
      if (absl::Status s = tx.InsertOutboxMessage(DueMessage(i)); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }),
              IsOk());
  absl::Mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> claimers;
  for (Store* store : {a_.get(), b_.get(), a_.get(), b_.get()}) {
    claimers.emplace_back([&, store] {
      while (true) {
        std::vector<std::string> taken;
        ASSERT_THAT(
            store->WriteAndWait([&](WriteTransaction& tx) -> absl::Status {
              taken.clear();
              const absl::Time now = absl::FromUnixMicros(1000);
              auto due = tx.ListDueMessages(now, {}, 3);
              if (!due.ok()) return due.status();
              for (OutboxRow& row : *due) {
                *row.delivery.mutable_next_attempt_at() =
                    TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now) +
                                                      3600000000);
                if (absl::Status s = tx.UpdateDelivery(row.delivery); !s.ok()) {
                  return s;
                }
                taken.push_back(row.message.message_id());
              }
              return absl::OkStatus();
            }),
            IsOk());
        if (taken.empty()) return;
        absl::MutexLock lock(&mu);
        claimed.insert(taken.begin(), taken.end());
      }
    });
  }
  for (std::thread& t : claimers) t.join();
  EXPECT_EQ(claimed.size(), size_t{kMessages});
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(),
            size_t{kMessages})
      << "a message was claimed twice";
}

TEST_F(PgInstancesTest, ARetryOnAnotherInstanceGetsTheFirstAnswer) {
  ASSERT_THAT(a_->WriteAndWait([](WriteTransaction& tx) {
    return tx.PutIdempotencyRecord("CreateReferral", "req-1",
                                   {"hash-1", "first answer"});
  }),
              IsOk());
  std::optional<IdempotencyRecord> found;
  ASSERT_THAT(b_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto record = tx.GetIdempotencyRecord("CreateReferral", "req-1");
    if (!record.ok()) return record.status();
    found = *record;
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->response, "first answer");
  EXPECT_THAT(b_->WriteAndWait([](WriteTransaction& tx) {
    return tx.PutIdempotencyRecord("CreateReferral", "req-1",
                                   {"hash-1", "second answer"});
  }),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

// A run-once job's lease: holders racing on two instances at the same
// moment, exactly one gets it.
TEST_F(PgInstancesTest, OneOfManyInstancesTakesAJobLease) {
  constexpr int kTakers = 8;
  std::atomic<int> held{0};
  std::vector<std::thread> takers;
  for (int i = 0; i < kTakers; ++i) {
    Store& store = i % 2 == 0 ? *a_ : *b_;
    takers.emplace_back([&store, &held, i] {
      ASSERT_THAT(store.WriteAndWait([&](WriteTransaction& tx) -> absl::Status {
        auto taken = tx.TakeJobLease("deadline_scan", absl::StrCat("i", i),
                                     absl::FromUnixMicros(1000),
                                     absl::FromUnixMicros(2000));
        if (!taken.ok()) return taken.status();
        if (*taken) ++held;
        return absl::OkStatus();
      }),
                  IsOk());
    });
  }
  for (std::thread& t : takers) t.join();
  EXPECT_EQ(held.load(), 1);
}

}  // namespace
}  // namespace nhs::tobacco::store
