#ifndef GATEWAY_API_HTTP_PRINCIPAL_SOURCE_H_
#define GATEWAY_API_HTTP_PRINCIPAL_SOURCE_H_

#include "absl/status/statusor.h"
#include "adapters/http/message.h"
#include "gateway/pathway/caller.h"

namespace nhs::tobacco::api {

// The one step that turns an HTTP request on the HTTPS listener into the
// caller a use case sees (issue 13): the organisation and role from the
// verified client certificate, exactly as for gRPC, and for a browser the
// console's checks and the person its session names. An NHS CIS2 login
// would be another implementation of this interface; neither the pages nor
// the use cases change. Implementations are thread-safe.
class HttpPrincipalSource {
 public:
  virtual ~HttpPrincipalSource() = default;

  // UNAUTHENTICATED without a verified client certificate (or one that
  // names no organisation and role); PERMISSION_DENIED for a browser's
  // state-changing request that fails the same-origin or anti-CSRF check;
  // RESOURCE_EXHAUSTED over the per-organisation rate. The caller's adapter
  // is domain::kHttpAdapter for a program, kConsoleAdapter for the console.
  virtual absl::StatusOr<pathway::Caller> Resolve(
      const http::Request& request) = 0;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_HTTP_PRINCIPAL_SOURCE_H_
