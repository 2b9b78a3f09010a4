#ifndef GATEWAY_JSONAPI_OPENAPI_DOCUMENT_H_
#define GATEWAY_JSONAPI_OPENAPI_DOCUMENT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/descriptor.h"

namespace nhs::tobacco::jsonapi {

// The OpenAPI 3.1 document of the HTTP/JSON API (issue 13), made from the
// same google.api.http annotations the router reads, so no route is written
// by hand twice. Pure: the same services give the same text.
//
// - paths: one operation per annotation (and per additional binding); a
//   method without one is left out. Path variables ({field}, {a.b}) are
//   required path parameters; for a rule without body "*" every other
//   scalar, enum or repeated-scalar field of the request (nested ones
//   dotted) is a query parameter named as in the .proto.
// - requestBody: the request message (body "*", less the fields the path
//   binds) or the named field; the response is the output message (or its
//   response_body field); a server-streaming method answers
//   text/event-stream.
// - components.schemas: every message and enum reachable, as proto JSON
//   prints it: lowerCamelCase json names, enums as their value names, 64-bit
//   integers as strings, Timestamp/Duration/FieldMask as strings, Any with
//   "@type". Errors are google.rpc.Status with the HTTP status of the gRPC
//   mapping.
// - security: mutualTLS (the client certificate names the organisation).
std::string OpenApiDocument(
    absl::Span<const google::protobuf::ServiceDescriptor* const> services,
    absl::string_view server_url);

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_OPENAPI_DOCUMENT_H_
