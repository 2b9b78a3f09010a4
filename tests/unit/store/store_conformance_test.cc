// One conformance suite for every Store back end: each case states a
// behaviour callers rely on. Instantiated per back end in
// store_conformance_sqlite_test.cc and store_conformance_postgres_test.cc.
#include "tests/unit/store/store_conformance.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gateway/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_referral.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Optional;
using ::testing::Property;

google::protobuf::Timestamp Ts(int64_t micros) {
  return TimeUtil::MicrosecondsToTimestamp(micros);
}

v1::Referral MakeReferral(const std::string& id, int64_t created_us,
                          const std::string& referrer = "RX9") {
  return testing::SampleStoredReferral(id, created_us, referrer);
}

v1::PrescriptionRequest MakePrescription(const std::string& id,
                                         const std::string& referral_id,
                                         int64_t created_us,
                                         const std::string& target) {
  v1::PrescriptionRequest p;
  p.set_prescription_id(id);
  p.set_referral_id(referral_id);
  p.mutable_patient()->set_nhs_number("9990000018");
  p.mutable_target()->set_ods_code(target);
  p.mutable_service()->set_ods_code("TDS01");
  p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  *p.mutable_created_at() = Ts(created_us);
  p.set_version(1);
  return p;
}

v1::TimelineEvent MakeEvent(const std::string& prescription_id,
                            const std::string& referral_id) {
  v1::TimelineEvent e;
  e.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
  e.set_prescription_id(prescription_id);
  e.set_referral_id(referral_id);
  *e.mutable_occurred_at() = Ts(1);
  return e;
}

TEST_P(StoreConformanceTest, InsertedReferralReadsBackWholeAfterReopen) {
  ASSERT_THAT(Write([](WriteTransaction& tx) {
                return tx.InsertReferral(MakeReferral("ref-1", 100));
              }),
              IsOk());
  Reopen();
  std::optional<v1::Referral> got;
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto r = tx.GetReferral("ref-1");
    if (!r.ok()) return r.status();
    got = *r;
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->SerializeAsString(),
            MakeReferral("ref-1", 100).SerializeAsString());
}

TEST_P(StoreConformanceTest, ASecondInstanceIsRefusedOrSharesTheDatabase) {
  if (GetParam().one_instance) {
    EXPECT_THAT(OpenStore(config_),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         ::testing::HasSubstr("run one gateway per database")));
    store_.reset();
    EXPECT_THAT(OpenStore(config_), IsOk());
    return;
  }
  auto second = OpenStore(config_);
  ASSERT_THAT(second, IsOk());
  ASSERT_THAT(Write([](WriteTransaction& tx) {
                return tx.InsertReferral(MakeReferral("ref-1", 100));
              }),
              IsOk());
  bool seen = false;
  ASSERT_THAT((*second)->Read([&](ReadTransaction& tx) -> absl::Status {
    auto r = tx.GetReferral("ref-1");
    if (!r.ok()) return r.status();
    seen = r->has_value();
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_TRUE(seen) << "the second instance reads the first's commit";
  EXPECT_THAT((*second)->WriteAndWait([](WriteTransaction& tx) {
    return tx.InsertReferral(MakeReferral("ref-1", 100));
  }),
              StatusIs(absl::StatusCode::kAlreadyExists))
      << "ids are unique across instances";
}

TEST_P(StoreConformanceTest, DuplicateReferralIdIsAlreadyExists) {
  ASSERT_THAT(Write([](WriteTransaction& tx) {
                return tx.InsertReferral(MakeReferral("ref-1", 100));
              }),
              IsOk());
  EXPECT_THAT(Write([](WriteTransaction& tx) {
                return tx.InsertReferral(MakeReferral("ref-1", 200));
              }),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_P(StoreConformanceTest, AFailedWriteRollsBackAloneAndTheBatchCommits) {
  // Many concurrent writes share transactions; the failing ones (duplicate
  // ids) must leave no trace while every other one is durable.
  ASSERT_THAT(Write([](WriteTransaction& tx) {
                return tx.InsertReferral(MakeReferral("ref-dup", 1));
              }),
              IsOk());
  constexpr int kWrites = 200;
  std::atomic<int> ok{0}, failed{0}, pending{kWrites};
  absl::Notification all_done;
  for (int i = 0; i < kWrites; ++i) {
    store_->Write(
        [i](WriteTransaction& tx) -> absl::Status {
          // Insert an event first so a failure must undo it too.
          auto seq = tx.AppendEvent(MakeEvent("", "ref-" + std::to_string(i)));
          if (!seq.ok()) return seq.status();
          return tx.InsertReferral(MakeReferral(
              i % 10 == 0 ? "ref-dup" : "ref-" + std::to_string(i), 10 + i));
        },
        [&](absl::Status s) {
          (s.ok() ? ok : failed).fetch_add(1);
          if (pending.fetch_sub(1) == 1) all_done.Notify();
        });
  }
  all_done.WaitForNotification();
  EXPECT_EQ(ok.load(), 180);
  EXPECT_EQ(failed.load(), 20);
  Reopen();
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto page = tx.ListReferrals({.limit = 1000});
    if (!page.ok()) return page.status();
    EXPECT_EQ(page->items.size(), 181u);
    EventQuery q;
    q.limit = 1000;
    auto events = tx.ListEvents(q);
    if (!events.ok()) return events.status();
    EXPECT_EQ(events->size(), 180u);
    return absl::OkStatus();
  }),
              IsOk());
}

TEST_P(StoreConformanceTest, PrescriptionUpdateWithStaleVersionIsAborted) {
  ASSERT_THAT(Write([](WriteTransaction& tx) -> absl::Status {
                absl::Status s = tx.InsertReferral(MakeReferral("ref-1", 1));
                if (!s.ok()) return s;
                return tx.InsertPrescription(
                    MakePrescription("rx-1", "ref-1", 2, "Y90001"));
              }),
              IsOk());
  v1::PrescriptionRequest next = MakePrescription("rx-1", "ref-1", 2, "Y90001");
  next.set_status(v1::PRESCRIPTION_STATUS_SENT);
  next.set_version(2);
  EXPECT_THAT(Write([&](WriteTransaction& tx) {
                return tx.UpdatePrescription(next, 1);
              }),
              IsOk());
  EXPECT_THAT(Write([&](WriteTransaction& tx) {
                return tx.UpdatePrescription(next, 1);
              }),
              StatusIs(absl::StatusCode::kAborted));
  next.set_prescription_id("rx-missing");
  EXPECT_THAT(Write([&](WriteTransaction& tx) {
                return tx.UpdatePrescription(next, 1);
              }),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(StoreConformanceTest,
       PrescriptionIsFoundByTheEpsIdItWasPrescribedUnder) {
  ASSERT_THAT(Write([](WriteTransaction& tx) -> absl::Status {
                absl::Status s = tx.InsertReferral(MakeReferral("ref-1", 1));
                if (!s.ok()) return s;
                s = tx.InsertPrescription(
                    MakePrescription("rx-1", "ref-1", 2, "Y90001"));
                if (!s.ok()) return s;
                return tx.InsertPrescription(
                    MakePrescription("rx-2", "ref-1", 3, "Y90001"));
              }),
              IsOk());
  const auto by_eps =
      [&](const std::string& eps) -> absl::StatusOr<std::string> {
    std::string id;
    absl::Status read = store_->Read([&](ReadTransaction& tx) -> absl::Status {
      auto p = tx.GetPrescriptionByEpsId(eps);
      if (!p.ok()) return p.status();
      if (p->has_value()) id = (*p)->prescription_id();
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    return id;
  };
  // Not yet prescribed: no EPS id, nothing found (not even for "").
  EXPECT_EQ(by_eps("4D7E1A-Y90001-0003FX").value_or("?"), "");
  EXPECT_EQ(by_eps("").value_or("?"), "");
  v1::PrescriptionRequest prescribed =
      MakePrescription("rx-2", "ref-1", 3, "Y90001");
  prescribed.set_status(v1::PRESCRIPTION_STATUS_PRESCRIBED);
  prescribed.set_eps_prescription_id("4D7E1A-Y90001-0003FX");
  prescribed.set_version(2);
  ASSERT_THAT(Write([&](WriteTransaction& tx) {
                return tx.UpdatePrescription(prescribed, 1);
              }),
              IsOk());
  Reopen();
  EXPECT_EQ(by_eps("4D7E1A-Y90001-0003FX").value_or("?"), "rx-2");
  EXPECT_EQ(by_eps("335C70-A83008-84058A").value_or("?"), "");
  // A second request under the same EPS id makes the id ambiguous.
  v1::PrescriptionRequest twin = MakePrescription("rx-3", "ref-1", 4, "Y90001");
  twin.set_eps_prescription_id("4D7E1A-Y90001-0003FX");
  ASSERT_THAT(
      Write([&](WriteTransaction& tx) { return tx.InsertPrescription(twin); }),
      IsOk());
  EXPECT_THAT(by_eps("4D7E1A-Y90001-0003FX").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_P(StoreConformanceTest, ListsFilterAndPageNewestFirstWithoutGaps) {
  ASSERT_THAT(Write([](WriteTransaction& tx) -> absl::Status {
                absl::Status s = tx.InsertReferral(MakeReferral("ref-1", 1));
                for (int i = 0; s.ok() && i < 25; ++i) {
                  // Same timestamp for pairs, to exercise the id tie-break.
                  s = tx.InsertPrescription(MakePrescription(
                      absl::StrCat("rx-", 100 + i), "ref-1", 1000 + i / 2,
                      i % 2 == 0 ? "Y90001" : "FZZ99"));
                }
                return s;
              }),
              IsOk());
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
      PrescriptionQuery q;
      q.ods_code = "Y90001";
      q.limit = 4;
      q.cursor = cursor;
      auto page = tx.ListPrescriptions(q);
      if (!page.ok()) return page.status();
      for (const auto& p : page->items) {
        EXPECT_EQ(p.target().ods_code(), "Y90001");
        seen.push_back(p.prescription_id());
      }
      cursor = page->next_cursor;
      return absl::OkStatus();
    }),
                IsOk());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  ASSERT_EQ(seen.size(), 13u);
  EXPECT_EQ(seen.front(), "rx-124");
  EXPECT_EQ(seen.back(), "rx-100");
  EXPECT_EQ(pages, 4);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
}

TEST_P(StoreConformanceTest, RecordWithTextNotUtf8IsRefusedAndNotStored) {
  // Protobuf serializes such a string but never parses it back.
  v1::Referral bad = MakeReferral("ref-bad", 1);
  bad.set_external_referral_id("CMHT-\xFF\xFE");
  EXPECT_THAT(
      Write([&](WriteTransaction& tx) { return tx.InsertReferral(bad); }),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::HasSubstr("referral.external_referral_id")));
  v1::PrescriptionRequest p = MakePrescription("rx-1", "ref-1", 1, "Y90001");
  ASSERT_THAT(Write([&](WriteTransaction& tx) -> absl::Status {
                absl::Status s = tx.InsertReferral(MakeReferral("ref-1", 1));
                return s.ok() ? tx.InsertPrescription(p) : s;
              }),
              IsOk());
  p.set_status_reason("\xC0\xAF");
  EXPECT_THAT(
      Write([&](WriteTransaction& tx) { return tx.UpdatePrescription(p, 1); }),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::HasSubstr("prescription.status_reason")));
  v1::TimelineEvent e = MakeEvent("rx-1", "ref-1");
  e.set_note("\xED\xA0\x80");
  EXPECT_THAT(
      Write([&](WriteTransaction& tx) { return tx.AppendEvent(e).status(); }),
      StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto r = tx.GetReferral("ref-bad");
    EXPECT_TRUE(r.ok() && !r->has_value());
    auto rx = tx.GetPrescription("rx-1");
    EXPECT_TRUE(rx.ok() && rx->has_value() && (*rx)->status_reason().empty());
    auto events = tx.ListEvents(EventQuery{});
    EXPECT_TRUE(events.ok() && events->empty());
    return absl::OkStatus();
  }),
              IsOk());
}

TEST_P(StoreConformanceTest, GarbledPageTokenIsInvalidArgument) {
  EXPECT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    PrescriptionQuery q;
    q.cursor = "%%%not-a-token";
    return tx.ListPrescriptions(q).status();
  }),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(StoreConformanceTest, EventsGetIncreasingSequencesAndFilterByRecord) {
  ASSERT_THAT(
      Write([](WriteTransaction& tx) -> absl::Status {
        for (int i = 0; i < 6; ++i) {
          auto s = tx.AppendEvent(MakeEvent(i % 2 ? "rx-a" : "rx-b", "ref-1"));
          if (!s.ok()) return s.status();
        }
        return absl::OkStatus();
      }),
      IsOk());
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    EventQuery q;
    q.prescription_id = "rx-a";
    auto events = tx.ListEvents(q);
    if (!events.ok()) return events.status();
    std::vector<int64_t> seqs;
    for (const auto& e : *events) seqs.push_back(e.sequence());
    EXPECT_THAT(seqs, ElementsAre(2, 4, 6));
    q.after_sequence = 2;
    q.limit = 1;
    events = tx.ListEvents(q);
    if (!events.ok()) return events.status();
    EXPECT_THAT(*events,
                ElementsAre(Property(&v1::TimelineEvent::sequence, 4)));
    auto latest = tx.LatestEventSequence();
    EXPECT_THAT(latest, nhs::tobacco::testing::IsOkAndHolds(6));
    return absl::OkStatus();
  }),
              IsOk());
}

TEST_P(StoreConformanceTest, CommitListenerHearsTheLatestSequenceAfterCommit) {
  // Shared: a back end may call the listener from its own thread after the
  // test body returns (PostgreSQL's LISTEN thread), until the store closes.
  auto heard = std::make_shared<std::atomic<int64_t>>(0);
  store_->SetCommitListener([heard](int64_t s) { *heard = s; });
  ASSERT_THAT(Write([](WriteTransaction& tx) {
                return tx.AppendEvent(MakeEvent("rx", "ref")).status();
              }),
              IsOk());
  EXPECT_EQ(heard->load(), 1);
  ASSERT_THAT(Write([](WriteTransaction& tx) {
                return tx.InsertReferral(MakeReferral("ref-x", 5));
              }),
              IsOk());
  EXPECT_EQ(heard->load(), 1) << "no events, no notification";
}

TEST_P(StoreConformanceTest, IdempotencyRecordsAreKeptPerScope) {
  ASSERT_THAT(Write([](WriteTransaction& tx) {
                return tx.PutIdempotencyRecord("CreateReferral", "req-1",
                                               {"hash", "answer"});
              }),
              IsOk());
  EXPECT_THAT(Write([](WriteTransaction& tx) {
                return tx.PutIdempotencyRecord("CreateReferral", "req-1",
                                               {"hash2", "answer2"});
              }),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto got = tx.GetIdempotencyRecord("CreateReferral", "req-1");
    EXPECT_TRUE(got.ok());
    EXPECT_THAT(*got, Optional(::testing::Field(&IdempotencyRecord::response,
                                                "answer")));
    auto other = tx.GetIdempotencyRecord("Prescribe", "req-1");
    EXPECT_TRUE(other.ok());
    EXPECT_FALSE(other->has_value());
    return absl::OkStatus();
  }),
              IsOk());
}

TEST_P(StoreConformanceTest, DeadlineCandidatesAreOpenDueAndUnflagged) {
  ASSERT_THAT(
      Write([](WriteTransaction& tx) -> absl::Status {
        absl::Status s = tx.InsertReferral(MakeReferral("ref-1", 1));
        auto due = MakePrescription("rx-due", "ref-1", 5000, "Y90001");
        *due.mutable_due_at() = Ts(2000);
        auto later = MakePrescription("rx-later", "ref-1", 5000, "Y90001");
        *later.mutable_due_at() = Ts(9000);
        auto flagged = MakePrescription("rx-flagged", "ref-1", 5000, "Y90001");
        *flagged.mutable_due_at() = Ts(2000);
        flagged.set_overdue(true);
        auto done = MakePrescription("rx-done", "ref-1", 5000, "Y90001");
        done.set_status(v1::PRESCRIPTION_STATUS_DISPENSED);
        *done.mutable_due_at() = Ts(2000);
        auto old = MakePrescription("rx-old", "ref-1", 10, "Y90001");
        for (auto* p : {&due, &later, &flagged, &done, &old}) {
          if (s.ok()) s = tx.InsertPrescription(*p);
        }
        return s;
      }),
      IsOk());
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto c = tx.ListDeadlineCandidates(absl::FromUnixMicros(3000),
                                       absl::FromUnixMicros(100), 100);
    if (!c.ok()) return c.status();
    std::vector<std::string> ids;
    for (const auto& p : *c) ids.push_back(p.prescription_id());
    EXPECT_THAT(ids, ::testing::UnorderedElementsAre("rx-due", "rx-old"));
    return absl::OkStatus();
  }),
              IsOk());
}

OutboxRow MakeOutbox(const std::string& id, const std::string& ods,
                     const std::string& record, int64_t due_us) {
  OutboxRow row;
  row.message.set_message_id(id);
  row.message.set_kind(v1::MESSAGE_KIND_GP_RECOMMENDATION);
  row.message.set_channel(v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  row.message.set_destination_ods(ods);
  row.message.set_prescription_id(record);
  row.delivery.set_message_id(id);
  row.delivery.set_destination_ods(ods);
  row.delivery.set_channel(v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  row.delivery.set_state(v1::DELIVERY_STATE_PENDING);
  *row.delivery.mutable_created_at() = Ts(due_us);
  *row.delivery.mutable_updated_at() = Ts(due_us);
  *row.delivery.mutable_next_attempt_at() = Ts(due_us);
  return row;
}

std::vector<std::string> DueIds(Store& store, int64_t now_us,
                                std::vector<std::string> full = {}) {
  std::vector<std::string> ids;
  EXPECT_THAT(store.Read([&](ReadTransaction& tx) -> absl::Status {
    auto due = tx.ListDueMessages(absl::FromUnixMicros(now_us), full, 100);
    if (!due.ok()) return due.status();
    for (const auto& row : *due) ids.push_back(row.message.message_id());
    return absl::OkStatus();
  }),
              IsOk());
  return ids;
}

TEST_P(StoreConformanceTest, OutboxOffersOnlyTheOldestPendingMessagePerRecord) {
  ASSERT_THAT(
      Write([](WriteTransaction& tx) -> absl::Status {
        for (const OutboxRow& row : {MakeOutbox("m1", "Y90001", "rx-1", 10),
                                     MakeOutbox("m2", "Y90001", "rx-1", 5),
                                     MakeOutbox("m3", "Y90001", "rx-2", 20),
                                     MakeOutbox("m4", "FZZ99", "rx-1", 30),
                                     MakeOutbox("m5", "FZZ99", "rx-3", 999)}) {
          if (absl::Status s = tx.InsertOutboxMessage(row); !s.ok()) {
            return s;
          }
        }
        return absl::OkStatus();
      }),
      IsOk());
  // m2 is due before m1 but was caused after it: it waits. m5 is not due.
  EXPECT_THAT(DueIds(*store_, 100), ::testing::ElementsAre("m1", "m3", "m4"));
  // A full queue is skipped.
  EXPECT_THAT(DueIds(*store_, 100, {"Y90001/fhir"}),
              ::testing::ElementsAre("m4"));
  // Once m1 is delivered, m2 is next for rx-1.
  OutboxRow m1 = MakeOutbox("m1", "Y90001", "rx-1", 10);
  m1.delivery.set_state(v1::DELIVERY_STATE_DELIVERED);
  m1.delivery.set_attempts(1);
  ASSERT_THAT(Write([&](WriteTransaction& tx) {
                return tx.UpdateDelivery(m1.delivery);
              }),
              IsOk());
  EXPECT_THAT(DueIds(*store_, 100), ::testing::ElementsAre("m2", "m3", "m4"));
  Reopen();
  std::optional<OutboxRow> got;
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto r = tx.GetOutboxRow("m1");
    if (!r.ok()) return r.status();
    got = *r;
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->delivery.state(), v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(got->message.prescription_id(), "rx-1");
}

TEST_P(StoreConformanceTest, PendingNotDueListsOnlyFuturePendingMessages) {
  ASSERT_THAT(
      Write([](WriteTransaction& tx) -> absl::Status {
        OutboxRow dead = MakeOutbox("dead", "A1", "r3", 500);
        dead.delivery.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
        for (const auto& row : {MakeOutbox("due", "A1", "r1", 10),
                                MakeOutbox("later", "A1", "r2", 500), dead}) {
          if (absl::Status s = tx.InsertOutboxMessage(row); !s.ok()) {
            return s;
          }
        }
        return absl::OkStatus();
      }),
      IsOk());
  std::vector<std::string> ids;
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto waiting = tx.ListPendingNotDue(absl::FromUnixMicros(100), 10);
    if (!waiting.ok()) return waiting.status();
    for (const auto& d : *waiting) ids.push_back(d.message_id());
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(ids, ::testing::ElementsAre("later"));
}

TEST_P(StoreConformanceTest, OutboxMessageIdsAreUniqueAndUpdatesNeedARow) {
  ASSERT_THAT(Write([](WriteTransaction& tx) {
                return tx.InsertOutboxMessage(MakeOutbox("m1", "A1", "r", 1));
              }),
              IsOk());
  EXPECT_THAT(Write([](WriteTransaction& tx) {
                return tx.InsertOutboxMessage(MakeOutbox("m1", "A1", "r", 2));
              }),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(
      Write([](WriteTransaction& tx) {
        return tx.UpdateDelivery(MakeOutbox("nope", "A1", "r", 1).delivery);
      }),
      StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(StoreConformanceTest, DeliveriesListNewestFirstByStateAndStatsCount) {
  ASSERT_THAT(Write([](WriteTransaction& tx) -> absl::Status {
                for (int i = 0; i < 5; ++i) {
                  OutboxRow row = MakeOutbox(absl::StrCat("m", i), "Y90001",
                                             absl::StrCat("rx-", i), 10 + i);
                  row.delivery.set_attempts(i);
                  if (i % 2 == 1) {
                    row.delivery.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
                  }
                  if (absl::Status s = tx.InsertOutboxMessage(row); !s.ok()) {
                    return s;
                  }
                }
                return absl::OkStatus();
              }),
              IsOk());
  std::vector<std::string> ids;
  std::string cursor;
  do {
    DeliveryQuery q;
    q.state = v1::DELIVERY_STATE_PENDING;
    q.limit = 2;
    q.cursor = cursor;
    ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
      auto page = tx.ListDeliveries(q);
      if (!page.ok()) return page.status();
      for (const auto& d : page->items) ids.push_back(d.message_id());
      cursor = page->next_cursor;
      return absl::OkStatus();
    }),
                IsOk());
  } while (!cursor.empty());
  EXPECT_THAT(ids, ::testing::ElementsAre("m4", "m2", "m0"));
  std::vector<v1::DestinationStats> stats;
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto s = tx.DeliveryStats(absl::FromUnixMicros(1000010));
    if (!s.ok()) return s.status();
    stats = *s;
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].destination_ods(), "Y90001");
  EXPECT_EQ(stats[0].pending(), 3);
  EXPECT_EQ(stats[0].dead_letters(), 2);
  EXPECT_EQ(stats[0].pending_attempts(), 0 + 2 + 4);
  EXPECT_DOUBLE_EQ(stats[0].oldest_pending_age_seconds(), 1.0);
}

TEST_P(StoreConformanceTest, PruneDeletesOnlyOldDeliveredOrDiscardedMessages) {
  ASSERT_THAT(
      Write([](WriteTransaction& tx) -> absl::Status {
        OutboxRow old_done = MakeOutbox("old", "A1", "r1", 10);
        old_done.delivery.set_state(v1::DELIVERY_STATE_DELIVERED);
        OutboxRow new_done = MakeOutbox("new", "A1", "r2", 500);
        new_done.delivery.set_state(v1::DELIVERY_STATE_DELIVERED);
        OutboxRow old_dead = MakeOutbox("dead", "A1", "r3", 10);
        old_dead.delivery.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
        OutboxRow old_discarded = MakeOutbox("gone", "A1", "r4", 10);
        old_discarded.delivery.set_state(v1::DELIVERY_STATE_DISCARDED);
        for (const auto& row : {old_done, new_done, old_dead, old_discarded}) {
          if (absl::Status s = tx.InsertOutboxMessage(row); !s.ok()) {
            return s;
          }
        }
        return absl::OkStatus();
      }),
      IsOk());
  int pruned = -1;
  ASSERT_THAT(Write([&](WriteTransaction& tx) -> absl::Status {
                auto n = tx.PruneDelivered(absl::FromUnixMicros(100), 10);
                if (!n.ok()) return n.status();
                pruned = *n;
                return absl::OkStatus();
              }),
              IsOk());
  // The old delivered and the old discarded; never a dead letter.
  EXPECT_EQ(pruned, 2);
}

// care (issue 12): quit dates and contacts per referral in the order
// recorded; the disengaged flag filters referrals; outcomes page by
// organisation and recorded_on.
TEST_P(StoreConformanceTest, CareRecordsListPerReferralAndOutcomesByPeriod) {
  ASSERT_THAT(Write([](WriteTransaction& tx) -> absl::Status {
                absl::Status s = tx.InsertReferral(MakeReferral("ref-1", 1));
                v1::Referral other = MakeReferral("ref-2", 2, "RX8");
                other.set_disengaged(true);
                if (s.ok()) s = tx.InsertReferral(other);
                for (int i = 0; s.ok() && i < 3; ++i) {
                  v1::QuitDate q;
                  q.set_quit_date_id(absl::StrCat("qd-", i));
                  q.set_referral_id("ref-1");
                  q.set_quit_date(absl::StrCat("2026-01-0", i + 1));
                  *q.mutable_set_at() =
                      Ts(100);  // same time: recorded order wins
                  s = tx.InsertQuitDate(q);
                  v1::Contact c;
                  c.set_contact_id(absl::StrCat("con-", i));
                  c.set_referral_id("ref-1");
                  *c.mutable_created_at() = Ts(100);
                  if (s.ok()) s = tx.InsertContact(c);
                }
                for (int i = 0; s.ok() && i < 6; ++i) {
                  v1::Outcome o;
                  o.set_outcome_id(absl::StrCat("out-", i));
                  o.set_referral_id(i < 4 ? "ref-1" : "ref-2");
                  o.set_recorded_on(absl::StrCat("2026-02-0", i + 1));
                  *o.mutable_created_at() = Ts(1000 + i);
                  s = tx.InsertOutcome(o);
                }
                return s;
              }),
              IsOk());
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto quit_dates = tx.ListQuitDates("ref-1");
    if (!quit_dates.ok()) return quit_dates.status();
    EXPECT_EQ(quit_dates->size(), 3u);
    EXPECT_EQ(quit_dates->back().quit_date(), "2026-01-03");
    auto contacts = tx.ListContacts("ref-1");
    if (!contacts.ok()) return contacts.status();
    EXPECT_EQ(contacts->size(), 3u);
    EXPECT_EQ(contacts->front().contact_id(), "con-0");
    EXPECT_TRUE(tx.ListContacts("ref-2")->empty());
    ReferralQuery disengaged;
    disengaged.disengaged_only = true;
    auto referrals = tx.ListReferrals(disengaged);
    if (!referrals.ok()) return referrals.status();
    EXPECT_EQ(referrals->items.size(), 1u);
    EXPECT_EQ(referrals->items[0].referral_id(), "ref-2");
    return absl::OkStatus();
  }),
              IsOk());
  // RX9's outcomes recorded 2 to 4 February, two a page, newest first.
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
      OutcomeQuery q;
      q.ods_code = "RX9";
      q.recorded_from = "2026-02-02";
      q.recorded_to = "2026-02-04";
      q.limit = 2;
      q.cursor = cursor;
      auto page = tx.ListOutcomesPage(q);
      if (!page.ok()) return page.status();
      for (const auto& o : page->items) seen.push_back(o.outcome_id());
      cursor = page->next_cursor;
      return absl::OkStatus();
    }),
                IsOk());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{"out-3", "out-2", "out-1"}));
  EXPECT_EQ(pages, 2);
}

// Run-once jobs: one holder at a time, renewed by its holder, taken over
// once it lapses.
TEST_P(StoreConformanceTest, AJobLeaseHasOneHolderUntilItLapses) {
  const auto take = [&](const std::string& job, const std::string& holder,
                        int64_t now_us, int64_t until_us) {
    bool held = false;
    EXPECT_THAT(Write([&](WriteTransaction& tx) -> absl::Status {
                  auto taken =
                      tx.TakeJobLease(job, holder, absl::FromUnixMicros(now_us),
                                      absl::FromUnixMicros(until_us));
                  if (!taken.ok()) return taken.status();
                  held = *taken;
                  return absl::OkStatus();
                }),
                IsOk());
    return held;
  };
  EXPECT_TRUE(take("scan", "a", 0, 100)) << "free";
  EXPECT_FALSE(take("scan", "b", 50, 150)) << "a's, live";
  EXPECT_TRUE(take("scan", "a", 60, 160)) << "renewed by its holder";
  EXPECT_FALSE(take("scan", "b", 120, 220)) << "renewed, still live";
  EXPECT_TRUE(take("other", "b", 120, 220)) << "another job";
  EXPECT_TRUE(take("scan", "b", 160, 260)) << "lapsed: taken over";
  EXPECT_FALSE(take("scan", "a", 170, 270)) << "b's now";
  Reopen();
  EXPECT_FALSE(take("scan", "a", 200, 300)) << "durable";
}

}  // namespace
}  // namespace nhs::tobacco::store
