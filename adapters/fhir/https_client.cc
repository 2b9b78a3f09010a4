#include "adapters/fhir/https_client.h"

#include "adapters/http/client.h"

namespace nhs::tobacco::fhir {

absl::StatusOr<HttpResponse> PostMessage(absl::string_view url,
                                         absl::string_view bundle_json,
                                         const HttpsClientOptions& options) {
  http::ClientOptions client;
  client.connect_timeout = options.connect_timeout;
  client.io_timeout = options.io_timeout;
  client.ca_cert_path = options.ca_cert_path;
  client.client_cert_path = options.client_cert_path;
  client.client_key_path = options.client_key_path;
  absl::StatusOr<http::Response> answer =
      http::PostOverTls(url, "application/fhir+json", bundle_json, client);
  if (!answer.ok()) return answer.status();
  HttpResponse response;
  response.status = answer->status;
  response.body = std::move(answer->body);
  response.content_type = std::move(answer->content_type);
  return response;
}

}  // namespace nhs::tobacco::fhir
