#ifndef TESTS_UNIT_CONSOLE_CONSOLE_TEST_SUPPORT_H_
#define TESTS_UNIT_CONSOLE_CONSOLE_TEST_SUPPORT_H_

#include <optional>
#include <string>
#include <utility>

#include "adapters/http/message.h"
#include "adapters/http/responder.h"
#include "gateway/api/http_principal_source.h"
#include "gateway/pathway/caller.h"
#include "gateway/security/principal.h"

namespace nhs::tobacco::console {

// Stands in for the api part's CertificatePrincipalSource: the principal
// the client certificate names, adapter "http". Counts its calls.
class CertificateOnly : public api::HttpPrincipalSource {
 public:
  absl::StatusOr<pathway::Caller> Resolve(
      const http::Request& request) override {
    ++calls;
    absl::StatusOr<security::Principal> p =
        security::PrincipalFromCertificatePem(request.peer_certificate_pem);
    if (!p.ok()) return p.status();
    return pathway::Caller(*std::move(p), pathway::kHttpAdapter);
  }
  int calls = 0;
};

// Keeps the one answer a handler sends.
class Captured : public http::ExchangeSink {
 public:
  void Send(http::Response response) override {
    if (!response_.has_value()) response_ = std::move(response);
  }
  const std::optional<http::Response>& response() const { return response_; }

 private:
  std::optional<http::Response> response_;
};

}  // namespace nhs::tobacco::console

#endif  // TESTS_UNIT_CONSOLE_CONSOLE_TEST_SUPPORT_H_
