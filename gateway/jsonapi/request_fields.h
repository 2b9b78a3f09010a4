#ifndef GATEWAY_JSONAPI_REQUEST_FIELDS_H_
#define GATEWAY_JSONAPI_REQUEST_FIELDS_H_

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/jsonapi/path_template.h"

namespace nhs::tobacco::jsonapi {

// How the parts of an HTTP request fill the RPC's request message (the
// google.api.http rules): path variables, query parameters and the body.
// Every refusal is INVALID_ARGUMENT with a field violation naming the
// field or parameter, and leaves the caller nothing to act on.

// Sets the path variables. With a body already parsed into `request`, a
// field the body set to another value than the path is refused.
absl::Status ApplyPathBindings(const PathBindings& bindings,
                               google::protobuf::Message& request);

// Query parameters: proto or JSON field names, dotted for nested fields,
// a repeated field by repeating the parameter; scalars and enums (by name
// or number) only. An unknown name, a message-typed field, a field the
// path binds, or a value that does not parse is refused.
absl::Status ApplyQuery(absl::string_view query, const PathBindings& bindings,
                        google::protobuf::Message& request);

// The body as proto JSON (unknown fields refused) into the whole request
// (`body_field` "*") or into one top-level message field.
absl::Status ApplyBody(absl::string_view json, absl::string_view body_field,
                       google::protobuf::Message& request);

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_REQUEST_FIELDS_H_
