// GET /v1/events as server-sent events (gateway/jsonapi/server_sent_events)
// over a real TLS HTTP server, with the real EventHub and StreamSlots and a
// timeline held in memory behind the use case's EventWatch: events arrive as
// they are committed, a backlog far larger than the stream's buffer arrives
// whole to a client that reads, Last-Event-ID beats after_sequence, the caps
// answer 429 and give the slot back when the client leaves, and an idle
// stream gets keep-alive comments. The pure rules (resume point, event
// format) as tables.
#include "gateway/jsonapi/server_sent_events.h"

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "adapters/http/server.h"
#include "gateway/domain/field_violations.h"
#include "gateway/security/principal.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/raw_https_client.h"

namespace nhs::tobacco::jsonapi {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::TlsTestClient;

// The committed timeline, in memory; an event is visible to a caller when
// its referral_id is the caller's ODS code (a stand-in for the use case's
// scoping, which the pathway's own tests cover).
class Timeline {
 public:
  int64_t Commit(const std::string& organisation, const std::string& note) {
    absl::MutexLock lock(&mu_);
    v1::TimelineEvent e;
    e.set_sequence(static_cast<int64_t>(events_.size()) + 1);
    e.set_referral_id(organisation);
    e.set_note(note);
    e.set_type(v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED);
    events_.push_back(e);
    return e.sequence();
  }
  pathway::EventBatch Next(const std::string& organisation, int64_t after,
                           int limit) {
    absl::MutexLock lock(&mu_);
    pathway::EventBatch batch;
    batch.last_sequence = after;
    for (int64_t s = after + 1;
         s <= static_cast<int64_t>(events_.size()) && batch.read < limit; ++s) {
      const v1::TimelineEvent& e = events_[s - 1];
      ++batch.read;
      batch.last_sequence = s;
      if (e.referral_id() == organisation) batch.visible.push_back(e);
    }
    return batch;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::TimelineEvent> events_ ABSL_GUARDED_BY(mu_);
};

class FakeWatch : public pathway::EventWatch {
 public:
  FakeWatch(Timeline& timeline, std::string organisation)
      : timeline_(timeline), organisation_(std::move(organisation)) {}
  absl::StatusOr<pathway::EventBatch> Next(int64_t after, int limit) override {
    return timeline_.Next(organisation_, after, limit);
  }

 private:
  Timeline& timeline_;
  const std::string organisation_;
};

// Only WatchEvents is used by the stream.
class FakePrescriptions : public pathway::PrescriptionUseCases {
 public:
  explicit FakePrescriptions(Timeline& timeline) : timeline_(timeline) {}

  absl::StatusOr<std::unique_ptr<pathway::EventWatch>> WatchEvents(
      const pathway::Caller& caller,
      const v1::WatchEventsRequest& request) override {
    last_after_sequence = request.after_sequence();
    return std::make_unique<FakeWatch>(timeline_, caller.principal.ods_code);
  }

  void RecommendPrescription(const pathway::Caller&,
                             const v1::RecommendPrescriptionRequest&,
                             pathway::Reply<v1::PrescriptionRequest>) override {
  }
  void Transition(const pathway::Caller&, domain::PrescriptionAction,
                  const v1::TransitionRequest&,
                  pathway::Reply<v1::PrescriptionRequest>) override {}
  void Transition(const pathway::Caller&, domain::PrescriptionAction,
                  const v1::ReasonedTransitionRequest&,
                  pathway::Reply<v1::PrescriptionRequest>) override {}
  void Prescribe(const pathway::Caller&, const v1::PrescribeRequest&,
                 pathway::Reply<v1::PrescriptionRequest>) override {}
  void ApplyMessage(const pathway::Caller&, pathway::MessageStep,
                    pathway::Reply<v1::PrescriptionRequest>) override {}
  absl::StatusOr<v1::PrescriptionRequest> GetPrescription(
      const pathway::Caller&, absl::string_view) override {
    return absl::UnimplementedError("unused");
  }
  absl::StatusOr<v1::ListPrescriptionsResponse> ListPrescriptions(
      const pathway::Caller&, const v1::ListPrescriptionsRequest&) override {
    return absl::UnimplementedError("unused");
  }
  absl::StatusOr<v1::GetTimelineResponse> GetTimeline(
      const pathway::Caller&, absl::string_view) override {
    return absl::UnimplementedError("unused");
  }
  void RecommendAlternative(const pathway::Caller&,
                            const v1::RecommendAlternativeRequest&,
                            pathway::Reply<v1::PrescriptionRequest>) override {}

  std::atomic<int64_t> last_after_sequence{-1};

 private:
  Timeline& timeline_;
};

pathway::Caller CallerFor(const std::string& ods) {
  security::Principal principal;
  principal.ods_code = ods;
  principal.role = security::Role::kPharmacy;
  return pathway::Caller(principal, pathway::kHttpAdapter);
}

// The server: the organisation is the query's `org` (the real binding
// takes it from the certificate; not under test here).
class SseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerSentEventsOptions options;
    options.keep_alive = absl::Milliseconds(300);
    events_ = std::make_unique<ServerSentEvents>(prescriptions_, hub_, slots_,
                                                 options);
    http::ServerOptions server;
    server.address = "127.0.0.1:0";
    server.tls_cert_path = (DevCerts() / "server.pem").string();
    server.tls_key_path = (DevCerts() / "server.key").string();
    server.client_ca_path = (DevCerts() / "ca.pem").string();
    server.stream_buffer_bytes = 64 * 1024;
    auto started = http::Server::Start(
        server, [this](http::Request request, http::Responder responder) {
          const std::string target = request.target;
          const std::string org = target.substr(target.find("org=") + 4, 5);
          auto message = std::make_unique<v1::WatchEventsRequest>();
          if (absl::StrContains(target, "after=7")) {
            message->set_after_sequence(7);
          }
          events_->Watch(CallerFor(org), std::move(message), request,
                         std::move(responder));
        });
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }
  void TearDown() override {
    server_.reset();
    events_.reset();
  }

  std::unique_ptr<TlsTestClient> Open(const std::string& org,
                                      const std::string& extra = "",
                                      const std::string& query = "") {
    auto client =
        std::make_unique<TlsTestClient>(server_->port(), "pharmacy-fzz99");
    EXPECT_TRUE(client->ok()) << client->error();
    EXPECT_TRUE(
        client->Write(absl::StrCat("GET /v1/events?org=", org, query,
                                   " HTTP/1.1\r\nHost: t\r\n", extra, "\r\n")));
    return client;
  }

  void Commit(const std::string& org, const std::string& note) {
    hub_.Publish(timeline_.Commit(org, note));
  }

  Timeline timeline_;
  FakePrescriptions prescriptions_{timeline_};
  pathway::EventHub hub_;
  api::StreamSlots slots_{4, 2, "grpc.max_watch_streams",
                          "grpc.max_watch_streams_per_organisation"};
  std::unique_ptr<ServerSentEvents> events_;
  std::unique_ptr<http::Server> server_;
};

// The ids of the events in `text` (chunk framing and all), in order.
std::vector<int64_t> Ids(absl::string_view text) {
  std::vector<int64_t> ids;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    int64_t id = 0;
    if (absl::ConsumePrefix(&line, "id: ") && absl::SimpleAtoi(line, &id)) {
      ids.push_back(id);
    }
  }
  return ids;
}

TEST(ResumeAfterTest, LastEventIdBeatsAfterSequenceAndBadValuesAreNamed) {
  struct Case {
    const char* header;
    int64_t after_sequence;
    int64_t want;       // -1: refused
    const char* field;  // the violation's field when refused
  };
  const Case cases[] = {
      {"", 0, 0, ""},
      {"", 42, 42, ""},
      {"17", 42, 17, ""},
      {"0", 42, 0, ""},
      {"abc", 42, -1, "Last-Event-ID"},
      {"-3", 0, -1, "Last-Event-ID"},
      {"", -1, -1, "after_sequence"},
  };
  for (const Case& c : cases) {
    v1::WatchEventsRequest request;
    request.set_after_sequence(c.after_sequence);
    http::Request http_request;
    if (*c.header != '\0') {
      http_request.headers.emplace_back("last-event-id", c.header);
    }
    absl::StatusOr<int64_t> after = ResumeAfter(request, http_request);
    if (c.want >= 0) {
      ASSERT_TRUE(after.ok()) << c.header << " " << after.status();
      EXPECT_EQ(*after, c.want) << c.header;
    } else {
      ASSERT_FALSE(after.ok()) << c.header;
      EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument);
      const auto violations = domain::GetFieldViolations(after.status());
      ASSERT_EQ(violations.size(), 1u);
      EXPECT_EQ(violations[0].field, c.field);
    }
  }
}

TEST(FormatTimelineEventTest, IdIsTheSequenceAndDataIsOneLineOfProtoJson) {
  v1::TimelineEvent event;
  event.set_sequence(12);
  event.set_prescription_id("rx-1");
  event.set_type(v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED);
  event.set_note("two\nlines");
  EXPECT_EQ(FormatTimelineEvent(event),
            "id: 12\nevent: timeline\ndata: {\"sequence\":\"12\","
            "\"type\":\"EVENT_TYPE_PRESCRIPTION_RECOMMENDED\","
            "\"prescriptionId\":\"rx-1\",\"note\":\"two\\nlines\"}\n\n");
}

TEST_F(SseTest, CommittedEventsArriveAsTheyAreCommittedOnlyForTheirCaller) {
  auto client = Open("FA001");
  const std::string head =
      client->ReadUntil("retry: 3000\n\n", absl::Seconds(5));
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 200 OK")) << head;
  EXPECT_TRUE(absl::StrContains(head, "Content-Type: text/event-stream"));
  EXPECT_TRUE(absl::StrContains(head, "Cache-Control: no-store"));
  EXPECT_TRUE(absl::StrContains(head, "X-Content-Type-Options: nosniff"));

  Commit("FB002", "not yours");
  Commit("FA001", "yours");
  const std::string got =
      client->ReadUntil("\"note\":\"yours\"}\n\n", absl::Seconds(5));
  EXPECT_EQ(Ids(got), std::vector<int64_t>{2}) << got;
  EXPECT_FALSE(absl::StrContains(got, "not yours"));
  EXPECT_TRUE(absl::StrContains(got, "event: timeline\n"));
}

TEST_F(SseTest, BacklogFarLargerThanTheBufferArrivesWholeToAReadingClient) {
  const std::string padding(400, 'p');
  for (int i = 0; i < 3000; ++i) {
    timeline_.Commit(i % 3 == 0 ? "FB002" : "FA001", padding);
  }
  hub_.Publish(3000);
  auto client = Open("FA001");
  const std::string got = client->ReadUntil("id: 3000\n", absl::Seconds(30));
  const std::vector<int64_t> ids = Ids(got);
  ASSERT_EQ(ids.size(), 2000u)
      << "stream cut short: " << got.size() << " bytes";
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_NE(ids[i] % 3, 1) << ids[i];
  }
  EXPECT_GT(got.size(), 64u * 1024u * 10u);
}

TEST_F(SseTest, LastEventIdResumesAfterItEvenWithAfterSequence) {
  for (int i = 0; i < 10; ++i) timeline_.Commit("FA001", "e");
  hub_.Publish(10);
  auto client = Open("FA001", "Last-Event-ID: 4\r\n", "&after=7");
  const std::string got = client->ReadUntil("id: 10\n", absl::Seconds(5));
  EXPECT_EQ(Ids(got), (std::vector<int64_t>{5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(prescriptions_.last_after_sequence.load(), 4);

  auto bad = Open("FA001", "Last-Event-ID: yesterday\r\n");
  std::string body;
  EXPECT_EQ(bad->ReadStatus(absl::Seconds(5), &body), 400);
  EXPECT_TRUE(absl::StrContains(body, "\"field\":\"Last-Event-ID\"")) << body;
}

TEST_F(SseTest, FullCapsAnswer429AndALeavingClientGivesItsSlotBack) {
  auto first = Open("FA001");
  auto second = Open("FA001");
  first->ReadUntil("retry: 3000\n\n", absl::Seconds(5));
  second->ReadUntil("retry: 3000\n\n", absl::Seconds(5));
  EXPECT_EQ(slots_.open_for("FA001"), 2);

  auto third = Open("FA001");
  std::string body;
  EXPECT_EQ(third->ReadStatus(absl::Seconds(5), &body), 429);
  EXPECT_TRUE(absl::StrContains(body, "\"code\":8")) << body;
  EXPECT_TRUE(absl::StrContains(body, "max_watch_streams_per_organisation"))
      << body;

  first->Drop();
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (slots_.open_for("FA001") != 1 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(slots_.open_for("FA001"), 1);
  auto fourth = Open("FA001");
  EXPECT_TRUE(absl::StrContains(
      fourth->ReadUntil("retry: 3000\n\n", absl::Seconds(5)), "200 OK"));
}

TEST_F(SseTest, IdleStreamGetsKeepAliveComments) {
  auto client = Open("FA001");
  client->ReadUntil("retry: 3000\n\n", absl::Seconds(5));
  const absl::Time start = absl::Now();
  EXPECT_TRUE(
      absl::StrContains(client->ReadUntil(": keep-alive\n\n", absl::Seconds(5)),
                        ": keep-alive\n\n"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_F(SseTest, StoppingTheServerEndsStreamsAndGivesSlotsBack) {
  auto client = Open("FA001");
  client->ReadUntil("retry: 3000\n\n", absl::Seconds(5));
  EXPECT_EQ(slots_.open(), 1);
  server_->Stop();
  EXPECT_TRUE(client->ClosedWithin(absl::Seconds(5)));
  EXPECT_EQ(slots_.open(), 0);
  EXPECT_EQ(events_->open(), 0);
}

}  // namespace
}  // namespace nhs::tobacco::jsonapi
