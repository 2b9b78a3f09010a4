#ifndef GATEWAY_JSONAPI_JSON_API_H_
#define GATEWAY_JSONAPI_JSON_API_H_

#include <google/protobuf/descriptor.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "adapters/http/responder.h"
#include "adapters/http/router.h"
#include "gateway/api/http_principal_source.h"
#include "gateway/jsonapi/method_bindings.h"
#include "gateway/jsonapi/path_template.h"

namespace nhs::tobacco::jsonapi {

// The HTTP/JSON edge (issue 13): the gRPC contract transcoded as Google's
// HTTP/JSON mapping does it. Routes come from the google.api.http
// annotations of the services' methods in the generated descriptor pool,
// so no route is written by hand. For each request: match the route (404,
// 405 with Allow), resolve the caller (HttpPrincipalSource: the client
// certificate, the console's checks), decode path, query and body into the
// RPC's request message (415 for a body that is not JSON; unknown fields
// refused), call the method's binding (the use case, which authorises,
// scopes, audits and deduplicates request_id), answer with proto JSON or
// a google.rpc.Status. Read-only once serving; thread-safe.
class JsonApi {
 public:
  // The prefix every route shares; the mount on the HTTPS listener.
  static constexpr char kPrefix[] = "/v1/";

  // The six nhs.tobacco.v1 services.
  static std::vector<const google::protobuf::ServiceDescriptor*>
  GatewayServices();

  // FAILED_PRECONDITION when an annotated unary method has no binding or a
  // binding's request type differs from its method's; INVALID_ARGUMENT for
  // a template outside the supported subset. A streaming method without a
  // binding answers 501.
  static absl::StatusOr<std::unique_ptr<JsonApi>> Create(
      api::HttpPrincipalSource& principals, MethodBindings bindings,
      const std::vector<const google::protobuf::ServiceDescriptor*>& services =
          GatewayServices());

  // A route that is no RPC (GET /v1/openapi.json): exact path, handler
  // answers as it likes. Before serving only.
  void AddStaticRoute(std::string method, std::string path,
                      http::Handler handler);

  void Handle(http::Request request, http::Responder responder) const;

  // The "/v1/" mount (handler and google.rpc.Status error page). The mount
  // refers to this object, which must outlive the listener.
  http::Mount MakeMount() const;

  struct Route {
    std::string http_method;
    std::string template_text;
    PathTemplate path;
    std::string body;  // "*", a field name, or empty: no body
    const google::protobuf::MethodDescriptor* method = nullptr;
  };
  const std::vector<Route>& routes() const { return routes_; }

 private:
  JsonApi(api::HttpPrincipalSource& principals, MethodBindings bindings)
      : principals_(principals), bindings_(std::move(bindings)) {}

  void Call(const Route& route, const PathBindings& path_bindings,
            http::Request request, http::Responder responder) const;

  struct StaticRoute {
    std::string method;
    std::string path;
    http::Handler handler;
  };

  api::HttpPrincipalSource& principals_;
  const MethodBindings bindings_;
  std::vector<Route> routes_;
  std::vector<StaticRoute> static_routes_;
};

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_JSON_API_H_
