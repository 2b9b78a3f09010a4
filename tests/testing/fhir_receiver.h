#ifndef TESTS_TESTING_FHIR_RECEIVER_H_
#define TESTS_TESTING_FHIR_RECEIVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "adapters/fhir/https_listener.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/dev_certs.h"

namespace nhs::tobacco::testing {

// A GP practice's, pharmacy's or service's FHIR $process-message endpoint
// for tests: mutual TLS with the development certificates, keeps every
// Bundle it is sent, answers 200 (or a failure the test asks for).
class FhirReceiver {
 public:
  struct Received {
    std::string event;        // MessageHeader.eventCoding.code
    std::string id;           // Bundle.identifier.value: the message id
    std::string destination;  // MessageHeader.destination[0].endpoint
    std::string body;
    nlohmann::json bundle() const { return nlohmann::json::parse(body); }
  };

  FhirReceiver() {
    fhir::HttpsListenerOptions options;
    options.address = "127.0.0.1:0";
    options.tls_cert_path = (DevCerts() / "server.pem").string();
    options.tls_key_path = (DevCerts() / "server.key").string();
    options.client_ca_path = (DevCerts() / "ca.pem").string();
    auto listener = fhir::HttpsListener::Start(
        options, [this](const fhir::InboundMessage& in, fhir::Respond respond) {
          Receive(in, std::move(respond));
        });
    EXPECT_TRUE(listener.ok()) << listener.status();
    if (listener.ok()) listener_ = std::move(*listener);
  }

  std::string url() const {
    return absl::StrCat("https://127.0.0.1:", listener_->port(),
                        "/fhir/$process-message");
  }
  // The next `count` requests get `status`; then 200.
  void FailNext(int count, int status) {
    absl::MutexLock lock(&mu_);
    fail_count_ = count;
    fail_status_ = status;
  }
  void Delay(absl::Duration d) { delay_ns_ = absl::ToInt64Nanoseconds(d); }

  // Every request received, in order.
  std::vector<Received> received() {
    absl::MutexLock lock(&mu_);
    return received_;
  }
  // The requests whose MessageHeader event is `code`.
  std::vector<Received> WithEvent(absl::string_view code) {
    std::vector<Received> out;
    for (Received& r : received()) {
      if (r.event == code) out.push_back(std::move(r));
    }
    return out;
  }
  // How many times the message `message_id` arrived.
  int CountOf(absl::string_view message_id) {
    int n = 0;
    for (const Received& r : received()) n += r.id == message_id;
    return n;
  }
  int max_in_flight() const { return max_in_flight_.load(); }

 private:
  void Receive(const fhir::InboundMessage& in, fhir::Respond respond) {
    const int now = ++in_flight_;
    int seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    absl::SleepFor(absl::Nanoseconds(delay_ns_.load()));
    const nlohmann::json bundle = nlohmann::json::parse(in.body);
    const nlohmann::json& header = bundle["entry"][0]["resource"];
    int status = 200;
    {
      absl::MutexLock lock(&mu_);
      received_.push_back(
          Received{header["eventCoding"]["code"], bundle["identifier"]["value"],
                   header["destination"][0]["endpoint"], std::string(in.body)});
      if (fail_count_ > 0) {
        --fail_count_;
        status = fail_status_;
      }
    }
    --in_flight_;
    fhir::HttpResponse response;
    response.status = status;
    response.body =
        status == 200
            ? R"({"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational"}]})"
            : R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"Patient 9990000018 unknown here"}]})";
    respond(std::move(response));
  }

  std::unique_ptr<fhir::HttpsListener> listener_;
  absl::Mutex mu_;
  std::vector<Received> received_ ABSL_GUARDED_BY(mu_);
  int fail_count_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_status_ ABSL_GUARDED_BY(mu_) = 200;
  std::atomic<int64_t> delay_ns_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_FHIR_RECEIVER_H_
