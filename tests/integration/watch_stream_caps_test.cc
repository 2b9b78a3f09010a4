// WatchEvents streams are capped per organisation as well as in total
// (issue 11 item 6: a pharmacy opened all 256 streams and the service and
// GP practices were then refused). On the real binary with the default caps
// (256 in total, 32 per organisation): the pharmacy fills its 32, its 33rd
// is refused with RESOURCE_EXHAUSTED naming the per-organisation limit,
// and the service still opens a stream and reads from it.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr int kPerOrganisation = 32;  // the default

struct Stream {
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientReader<v1::TimelineEvent>> reader;
};

class WatchStreamCapsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(gateway_.started()); }

  // A stream opened by `cert` from the first event; an accepted one blocks
  // in Read until there is an event it may see, so `timeout` bounds it.
  Stream Open(const std::string& cert, absl::Duration timeout) {
    Stream s{Ctx(timeout), nullptr};
    v1::WatchEventsRequest request;
    s.reader =
        gateway_.As(cert).prescriptions->WatchEvents(s.ctx.get(), request);
    return s;
  }

  static void Close(Stream& s) {
    s.ctx->TryCancel();
    s.reader->Finish().IgnoreError();
  }

  // Something the pharmacy FZZ99 and the service TDS01 may both see: a
  // referral the service accepted and a recommendation on the pharmacy
  // route to FZZ99.
  void MakeEventsForPharmacyAndService() {
    v1::Referral referral;
    grpc::Status s =
        gateway_.As("trust-rx9")
            .referrals->CreateReferral(
                Ctx().get(), testing::SampleReferralRequest("referral-1"),
                &referral);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id("accept-1");
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = gateway_.As("service-tds01")
            .referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::PrescriptionRequest p;
    s = gateway_.As("service-tds01")
            .prescriptions->RecommendPrescription(
                Ctx().get(),
                testing::SampleRecommendation(
                    "recommend-1", referral.referral_id(), "nrt-patch-21mg-24h",
                    v1::ROUTE_PHARMACY_SUPPLY, "FZZ99"),
                &p);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  SecureGatewayBinary gateway_{"watch_stream_caps"};
};

TEST_F(WatchStreamCapsTest,
       OrganisationAtItsCapIsRefusedWhileAnotherStillOpensAStream) {
  MakeEventsForPharmacyAndService();

  // The pharmacy fills its share: each stream proves it is open by
  // delivering an event.
  std::vector<Stream> pharmacy;
  for (int i = 0; i < kPerOrganisation; ++i) {
    pharmacy.push_back(Open("pharmacy-fzz99", absl::Seconds(60)));
    v1::TimelineEvent e;
    ASSERT_TRUE(pharmacy.back().reader->Read(&e)) << "stream " << i + 1;
  }

  // One more is refused at once (before the fix it was accepted and sat
  // waiting until its deadline).
  Stream extra = Open("pharmacy-fzz99", absl::Seconds(5));
  v1::TimelineEvent e;
  EXPECT_FALSE(extra.reader->Read(&e));
  const grpc::Status refused = extra.reader->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_code() << " " << refused.error_message();
  EXPECT_THAT(refused.error_message(),
              AllOf(HasSubstr("FZZ99"), HasSubstr("limit 32 per organisation"),
                    HasSubstr("grpc.max_watch_streams_per_organisation")));

  // The service is another organisation: its stream opens and reads.
  Stream service = Open("service-tds01", absl::Seconds(10));
  EXPECT_TRUE(service.reader->Read(&e));
  Close(service);

  // A stream the pharmacy gives back makes room for its next one.
  Close(pharmacy.back());
  pharmacy.pop_back();
  bool reopened = false;
  for (int attempt = 0; attempt < 50 && !reopened; ++attempt) {
    Stream again = Open("pharmacy-fzz99", absl::Seconds(10));
    reopened = again.reader->Read(&e);
    if (reopened) {
      Close(again);
    } else {
      again.reader->Finish().IgnoreError();  // the slot may not be back yet
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
  EXPECT_TRUE(reopened);
  for (Stream& s : pharmacy) Close(s);
}

}  // namespace
}  // namespace nhs::tobacco
