#ifndef GATEWAY_JSONAPI_JSON_ERRORS_H_
#define GATEWAY_JSONAPI_JSON_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "adapters/http/message.h"

namespace nhs::tobacco::jsonapi {

// The HTTP status of a gRPC code, as Google's HTTP/JSON transcoding maps
// it (INVALID_ARGUMENT, FAILED_PRECONDITION and OUT_OF_RANGE 400,
// UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404,
// ALREADY_EXISTS and ABORTED 409, RESOURCE_EXHAUSTED 429, CANCELLED 499,
// UNIMPLEMENTED 501, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, the rest 500).
int HttpStatusOf(absl::StatusCode code);

// The status as google.rpc.Status JSON: code, message and the details the
// gRPC edge sends (api::RichStatusOf): a google.rpc.ErrorInfo always, a
// google.rpc.BadRequest when validation attached field violations, a
// google.rpc.RetryInfo on UNAVAILABLE and RESOURCE_EXHAUSTED, each with its
// @type.
std::string StatusJson(const absl::Status& status);

// The headers every /v1 answer carries: nothing cached, no MIME sniffing,
// no referrer leaking an id.
void AddApiHeaders(http::Response& response);

// A refusal as the JSON API sends it: HttpStatusOf(code), StatusJson body,
// API headers, and Retry-After (whole seconds) on 429 and 503.
http::Response ErrorResponse(const absl::Status& status);

// The error page of the /v1/ mount, for answers the server or router makes
// itself (400, 404, 405, 408, 413, 415, 431, 503): the same
// google.rpc.Status body, with the HTTP status given.
http::Response JsonErrorPage(int http_status, const std::string& why);

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_JSON_ERRORS_H_
