// The FHIR listener under hostile input (issue 11 items 1 and 3), on the
// real binary over loopback with its default limits: chunked bodies far
// over the body limit are refused with 413 while memory stays flat; slow
// bodies and sockets that never start TLS do not starve legitimate
// senders; header floods get 431.
//
// (With cpp-httplib, before issue 11: four 128 MiB chunked bodies were read
// whole, RSS grew by over a gigabyte and the answer was 422; eight slow
// bodies held all eight workers, so every legitimate request timed out;
// header floods were not answered 431.)
#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_client.h"
#include "gtest/gtest.h"
#include "tests/testing/raw_https_client.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::nhs::tobacco::testing::TlsTestClient;

constexpr char kGp[] = "gp-y90001";
constexpr char kPharmacy[] = "pharmacy-fzz99";

// Resident memory of a process, from /proc/<pid>/status (VmRSS, in kB).
int64_t ResidentKb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::vector<std::string> parts =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    int64_t kb = 0;
    if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kb)) return kb;
  }
  return -1;
}

std::string Head(absl::string_view extra) {
  return absl::StrCat(
      "POST /fhir/$process-message HTTP/1.1\r\nHost: gateway\r\n"
      "Content-Type: application/fhir+json\r\n",
      extra, "\r\n");
}

fhir::HttpsClientOptions As(const std::string& cert) {
  fhir::HttpsClientOptions options;
  options.ca_cert_path = (testing::DevCerts() / "ca.pem").string();
  options.client_cert_path = (testing::DevCerts() / (cert + ".pem")).string();
  options.client_key_path = (testing::DevCerts() / (cert + ".key")).string();
  options.connect_timeout = absl::Seconds(5);
  options.io_timeout = absl::Seconds(5);
  return options;
}

TEST(FhirListenerLimitsTest,
     FourHugeChunkedBodiesAreRefusedWith413WhileMemoryStaysFlat) {
  SecureGatewayBinary gateway("fhir_chunked");
  ASSERT_TRUE(gateway.started());
  const int64_t before = ResidentKb(gateway.pid());
  ASSERT_GT(before, 0);

  constexpr size_t kBodyBytes = size_t{128} << 20;
  constexpr size_t kChunkBytes = 64 * 1024;
  const std::string chunk = absl::StrCat(absl::Hex(kChunkBytes), "\r\n",
                                         std::string(kChunkBytes, '{'), "\r\n");
  std::atomic<bool> sending{true};
  std::vector<int> statuses(4, -1);
  std::vector<std::thread> senders;
  for (int i = 0; i < 4; ++i) {
    senders.emplace_back([&, i] {
      TlsTestClient client(gateway.fhir_port(), kGp);
      if (!client.ok()) return;
      if (!client.Write(Head("Transfer-Encoding: chunked\r\n"))) return;
      for (size_t sent = 0; sent < kBodyBytes; sent += kChunkBytes) {
        // The answer may come while we are still sending.
        if (client.Readable()) break;
        if (!client.Write(chunk)) break;
      }
      statuses[i] = client.ReadStatus(absl::Seconds(10));
    });
  }
  int64_t peak = before;
  std::thread sampler([&] {
    while (sending) {
      peak = std::max(peak, ResidentKb(gateway.pid()));
      absl::SleepFor(absl::Milliseconds(20));
    }
  });
  for (std::thread& t : senders) t.join();
  sending = false;
  sampler.join();
  const int64_t grew_kb = peak - before;
  std::cout << "resident memory before " << before << " kB, peak " << peak
            << " kB, grew " << grew_kb << " kB\n";
  EXPECT_LT(grew_kb, 32 * 1024);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(statuses[i], 413) << "client " << i;
  // And the listener still serves.
  auto ok = fhir::PostMessage(gateway.fhir_url(), "{}", As(kGp));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->status, 422);
}

TEST(FhirListenerLimitsTest,
     SlowBodiesAndSocketsThatNeverStartTlsDoNotDelayOtherSenders) {
  SecureGatewayBinary gateway("fhir_starve");
  ASSERT_TRUE(gateway.started());
  std::atomic<bool> attacking{true};

  // 40 TCP connections from another address that never send a byte.
  std::vector<int> idle;
  for (int i = 0; i < 40; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(0x7f000002);  // 127.0.0.2
    ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(static_cast<uint16_t>(gateway.fhir_port()));
    ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    idle.push_back(fd);
  }
  // Eight senders with a valid certificate, each dribbling a body one byte
  // every three seconds.
  std::vector<std::thread> slow;
  std::atomic<int> slow_started{0};
  for (int i = 0; i < 8; ++i) {
    slow.emplace_back([&] {
      TlsTestClient client(gateway.fhir_port(), kPharmacy, "127.0.0.3");
      if (!client.ok()) return;
      if (!client.Write(Head("Content-Length: 1000\r\n"))) return;
      ++slow_started;
      while (attacking) {
        if (!client.Write("{")) return;
        for (int t = 0; t < 30 && attacking; ++t) {
          absl::SleepFor(absl::Milliseconds(100));
        }
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(slow_started.load(), 8);

  // Legitimate messages meanwhile, one every 150 ms for 15 s.
  std::vector<absl::Duration> latencies;
  int answered = 0;
  for (int i = 0; i < 100; ++i) {
    const absl::Time start = absl::Now();
    auto r = fhir::PostMessage(gateway.fhir_url(), "{}", As(kGp));
    latencies.push_back(absl::Now() - start);
    if (r.ok() && r->status == 422) ++answered;
    absl::SleepFor(absl::Milliseconds(150));
  }
  attacking = false;
  for (std::thread& t : slow) t.join();
  for (int fd : idle) ::close(fd);

  std::sort(latencies.begin(), latencies.end());
  const absl::Duration p50 = latencies[latencies.size() / 2];
  const absl::Duration p99 = latencies[latencies.size() * 99 / 100];
  std::cout << "legitimate requests: " << answered << "/" << latencies.size()
            << " answered; p50 " << p50 << ", p99 " << p99 << ", max "
            << latencies.back() << "\n";
  EXPECT_EQ(answered, 100);
  EXPECT_LT(p99, absl::Seconds(1));
}

TEST(FhirListenerLimitsTest, HeaderFloodsAreRefusedWith431) {
  SecureGatewayBinary gateway("fhir_headers");
  ASSERT_TRUE(gateway.started());
  {
    // Many small fields, within the size limit: over the count limit.
    std::string fields;
    for (int i = 0; i < 1000; ++i) absl::StrAppend(&fields, "X-", i, ": v\r\n");
    TlsTestClient client(gateway.fhir_port(), kGp);
    ASSERT_TRUE(client.ok()) << client.error();
    ASSERT_TRUE(
        client.Write(Head(absl::StrCat(fields, "Content-Length: 2\r\n"))));
    client.Write("{}");
    EXPECT_EQ(client.ReadStatus(absl::Seconds(10)), 431);
  }
  {
    // One field of 64 KiB, sent without an end.
    TlsTestClient client(gateway.fhir_port(), kGp);
    ASSERT_TRUE(client.ok()) << client.error();
    client.Write(absl::StrCat("POST /fhir/$process-message HTTP/1.1\r\nX-Big: ",
                              std::string(64 * 1024, 'a')));
    EXPECT_EQ(client.ReadStatus(absl::Seconds(10)), 431);
  }
  auto ok = fhir::PostMessage(gateway.fhir_url(), "{}", As(kGp));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->status, 422);
}

}  // namespace
}  // namespace nhs::tobacco
