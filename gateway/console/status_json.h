#ifndef GATEWAY_CONSOLE_STATUS_JSON_H_
#define GATEWAY_CONSOLE_STATUS_JSON_H_

#include "absl/status/status.h"
#include "adapters/http/message.h"

namespace nhs::tobacco::console {

// The headers every console API answer carries: never cached (patient
// pages and tokens), never sniffed, no referrer.
void AddNoStoreHeaders(http::Response& response);

// An error as the JSON API answers it: a google.rpc.Status in proto JSON
// (code, message, details with the BadRequest field violations) with the
// HTTP status of the gRPC-to-HTTP mapping (INVALID_ARGUMENT and
// FAILED_PRECONDITION 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, ...).
http::Response StatusResponse(const absl::Status& status);

}  // namespace nhs::tobacco::console

#endif  // GATEWAY_CONSOLE_STATUS_JSON_H_
