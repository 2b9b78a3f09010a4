// Live events over HTTPS (issue 13): GET /v1/events on the real binary's
// HTTPS listener as server-sent events, with the development certificates.
// A client that drops and reconnects with Last-Event-ID loses nothing (its
// events are exactly what a fresh stream from the start, and the gRPC Watch
// stream, deliver); a pharmacy sees only its own requests' events; event
// streams and gRPC Watch streams share the per-organisation cap (429 /
// RESOURCE_EXHAUSTED); an idle stream gets keep-alive comments; stopping
// the gateway ends the streams and the gateway still stops in time.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testing/raw_https_client.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::nhs::tobacco::testing::TlsTestClient;

constexpr int kPerOrganisation = 2;

// One event as the stream sent it.
struct Event {
  int64_t id = 0;
  std::string data;
};

// The events in what a stream sent (chunk framing included), in order.
std::vector<Event> Events(absl::string_view text) {
  std::vector<Event> events;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    int64_t id = 0;
    if (absl::ConsumePrefix(&line, "id: ") && absl::SimpleAtoi(line, &id)) {
      events.push_back({id, ""});
    } else if (absl::ConsumePrefix(&line, "data: ") && !events.empty()) {
      events.back().data = std::string(line);
    }
  }
  return events;
}

std::vector<int64_t> Ids(const std::vector<Event>& events) {
  std::vector<int64_t> ids;
  for (const Event& e : events) ids.push_back(e.id);
  return ids;
}

class ServerSentEventsTest : public ::testing::Test {
 protected:
  // `per_organisation`: grpc.max_watch_streams_per_organisation (0: the
  // default, 32).
  explicit ServerSentEventsTest(int per_organisation = 0)
      : gateway_("server_sent_events", [per_organisation](
                                           v1::GatewayConfig& config) {
          if (per_organisation > 0) {
            config.mutable_grpc()->set_max_watch_streams_per_organisation(
                per_organisation);
          }
          config.mutable_fhir()->set_event_keep_alive_seconds(1);
        }) {}

  void SetUp() override { ASSERT_TRUE(gateway_.started()); }

  // GET /v1/events as `cert`, the head read; the status it answered with.
  std::unique_ptr<TlsTestClient> Open(const std::string& cert,
                                      const std::string& query = "",
                                      const std::string& extra = "",
                                      std::string* head = nullptr) {
    auto client = std::make_unique<TlsTestClient>(gateway_.fhir_port(), cert);
    EXPECT_TRUE(client->ok()) << client->error();
    EXPECT_TRUE(client->Write(absl::StrCat(
        "GET /v1/events", query, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        "Accept: text/event-stream\r\n", extra, "\r\n")));
    const std::string got = client->ReadUntil("\r\n\r\n", absl::Seconds(10));
    if (head != nullptr) *head = got;
    return client;
  }

  static std::vector<Event> ReadThrough(TlsTestClient& client, int64_t id) {
    // Through the id line, then the rest of that event (in this order).
    std::string text =
        client.ReadUntil(absl::StrCat("id: ", id, "\n"), absl::Seconds(10));
    text += client.ReadUntil("\n\n", absl::Seconds(10));
    return Events(text);
  }

  // A referral the service accepted and a recommendation on the pharmacy
  // route to `pharmacy`; the recommendation's prescription id.
  std::string Recommend(const std::string& key, const std::string& pharmacy) {
    v1::Referral referral;
    grpc::Status s =
        gateway_.As("trust-rx9")
            .referrals->CreateReferral(
                Ctx().get(), testing::SampleReferralRequest("referral-" + key),
                &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id("accept-" + key);
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = gateway_.As("service-tds01")
            .referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::PrescriptionRequest p;
    s = gateway_.As("service-tds01")
            .prescriptions->RecommendPrescription(
                Ctx().get(),
                testing::SampleRecommendation(
                    "recommend-" + key, referral.referral_id(),
                    "nrt-patch-21mg-24h", v1::ROUTE_PHARMACY_SUPPLY, pharmacy),
                &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p.prescription_id();
  }

  // Every sequence gRPC WatchEvents delivers to `cert` (what is there now:
  // the stream is read until it is quiet for its 2 s deadline).
  std::vector<int64_t> GrpcWatch(const std::string& cert) {
    auto ctx = Ctx(absl::Seconds(2));
    v1::WatchEventsRequest request;
    auto reader =
        gateway_.As(cert).prescriptions->WatchEvents(ctx.get(), request);
    std::vector<int64_t> ids;
    v1::TimelineEvent e;
    while (reader->Read(&e)) ids.push_back(e.sequence());
    reader->Finish().IgnoreError();
    return ids;
  }

  int64_t LastSequence(const std::string& cert) {
    const std::vector<int64_t> ids = GrpcWatch(cert);
    return ids.empty() ? 0 : ids.back();
  }

  SecureGatewayBinary gateway_;
};

// The same with a cap of kPerOrganisation streams per organisation.
class ServerSentEventsCapTest : public ServerSentEventsTest {
 protected:
  ServerSentEventsCapTest() : ServerSentEventsTest(kPerOrganisation) {}
};

TEST_F(ServerSentEventsTest, ReconnectWithLastEventIdLosesNothing) {
  Recommend("1", "FZZ99");
  const int64_t first_batch_end = LastSequence("service-tds01");
  ASSERT_GT(first_batch_end, 2);

  std::string head;
  auto client = Open("service-tds01", "", "", &head);
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 200")) << head;
  EXPECT_TRUE(absl::StrContains(head, "Content-Type: text/event-stream"));
  EXPECT_TRUE(absl::StrContains(head, "Cache-Control: no-store"));
  const std::vector<Event> before = ReadThrough(*client, first_batch_end);
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(before.back().id, first_batch_end);
  EXPECT_TRUE(absl::StrContains(before.back().data, "\"sequence\":\""))
      << before.back().data;
  // The client goes away; more happens while it is gone.
  client->Drop();
  Recommend("2", "FZZ98");
  const int64_t last = LastSequence("service-tds01");
  ASSERT_GT(last, first_batch_end);

  // The browser reconnects with the last id it saw (and an after_sequence
  // the header beats).
  auto resumed =
      Open("service-tds01", "?after_sequence=1",
           absl::StrCat("Last-Event-ID: ", before.back().id, "\r\n"));
  const std::vector<Event> after = ReadThrough(*resumed, last);

  std::vector<int64_t> seen = Ids(before);
  for (const Event& e : after) seen.push_back(e.id);
  // Exactly what a fresh stream delivers, and what gRPC Watch delivers.
  auto fresh = Open("service-tds01");
  EXPECT_EQ(seen, Ids(ReadThrough(*fresh, last)));
  EXPECT_EQ(seen, GrpcWatch("service-tds01"));
  EXPECT_GT(after.front().id, first_batch_end);

  // after_sequence alone (no header) starts after it.
  auto from_query =
      Open("service-tds01", absl::StrCat("?after_sequence=", first_batch_end));
  EXPECT_EQ(Ids(ReadThrough(*from_query, last)), Ids(after));
}

TEST_F(ServerSentEventsTest, PharmacySeesOnlyItsOwnRequestsEvents) {
  const std::string mine = Recommend("mine", "FZZ99");
  const std::string theirs = Recommend("theirs", "FZZ98");

  auto pharmacy = Open("pharmacy-fzz99");
  // What gRPC Watch delivers to the pharmacy, and no more.
  const std::vector<int64_t> grpc = GrpcWatch("pharmacy-fzz99");
  ASSERT_FALSE(grpc.empty());
  const std::vector<Event> events = ReadThrough(*pharmacy, grpc.back());
  ASSERT_FALSE(events.empty());
  int about_mine = 0;
  for (const Event& e : events) {
    if (absl::StrContains(e.data, mine)) ++about_mine;
    EXPECT_FALSE(absl::StrContains(e.data, theirs)) << e.data;
  }
  EXPECT_GT(about_mine, 0);
  EXPECT_EQ(Ids(events), grpc);
  // Nothing more comes, even though the other pharmacy's request moved on.
  EXPECT_FALSE(
      absl::StrContains(pharmacy->ReadUntil("id: ", absl::Seconds(2)), "id: "));
}

TEST_F(ServerSentEventsCapTest,
       EventStreamsAndGrpcWatchShareTheOrganisationsCap) {
  Recommend("1", "FZZ99");
  // A gRPC Watch stream of the pharmacy, proven open by an event.
  auto grpc_ctx = Ctx(absl::Seconds(30));
  v1::WatchEventsRequest request;
  auto grpc_reader = gateway_.As("pharmacy-fzz99")
                         .prescriptions->WatchEvents(grpc_ctx.get(), request);
  v1::TimelineEvent e;
  ASSERT_TRUE(grpc_reader->Read(&e));

  std::string head;
  auto sse = Open("pharmacy-fzz99", "", "", &head);
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 200")) << head;

  // The cap (2) is full: one more event stream is 429 ...
  std::string body;
  TlsTestClient refused(gateway_.fhir_port(), "pharmacy-fzz99");
  ASSERT_TRUE(
      refused.Write("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_EQ(refused.ReadStatus(absl::Seconds(10), &body), 429);
  EXPECT_TRUE(absl::StrContains(body, "\"code\":8")) << body;
  EXPECT_TRUE(absl::StrContains(body, "max_watch_streams_per_organisation"))
      << body;
  // ... and so is one more gRPC Watch stream.
  auto extra_ctx = Ctx(absl::Seconds(5));
  auto extra = gateway_.As("pharmacy-fzz99")
                   .prescriptions->WatchEvents(extra_ctx.get(), request);
  EXPECT_FALSE(extra->Read(&e));
  EXPECT_EQ(extra->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Another organisation is not affected.
  std::string service_head;
  auto service = Open("service-tds01", "", "", &service_head);
  EXPECT_TRUE(absl::StartsWith(service_head, "HTTP/1.1 200")) << service_head;

  // The event stream's client leaves: its slot comes back, and a gRPC
  // Watch stream takes it.
  sse->Drop();
  bool reopened = false;
  for (int attempt = 0; attempt < 50 && !reopened; ++attempt) {
    auto ctx = Ctx(absl::Seconds(5));
    auto again = gateway_.As("pharmacy-fzz99")
                     .prescriptions->WatchEvents(ctx.get(), request);
    reopened = again->Read(&e);
    ctx->TryCancel();
    again->Finish().IgnoreError();
    if (!reopened) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(reopened);
  grpc_ctx->TryCancel();
  grpc_reader->Finish().IgnoreError();
}

TEST_F(ServerSentEventsTest, IdleStreamKeptAliveAndStoppingTheGatewayEndsIt) {
  auto client = Open("service-tds01");
  // event_keep_alive_seconds is 1 here.
  EXPECT_TRUE(
      absl::StrContains(client->ReadUntil(": keep-alive\n\n", absl::Seconds(5)),
                        ": keep-alive\n\n"));

  const absl::Time start = absl::Now();
  gateway_.Stop();  // SIGTERM; fails the test if the gateway does not stop
  EXPECT_LT(absl::Now() - start, absl::Seconds(8));
  EXPECT_TRUE(absl::StrContains(
      client->ReadUntil("0\r\n\r\n", absl::Seconds(5)), "0\r\n\r\n"));
  EXPECT_TRUE(client->ClosedWithin(absl::Seconds(5)));
}

}  // namespace
}  // namespace nhs::tobacco
