#ifndef ADAPTERS_HTTP_ROUTER_H_
#define ADAPTERS_HTTP_ROUTER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "adapters/http/responder.h"

namespace nhs::tobacco::http {

// A subtree of paths (e.g. "/v1/") served by one handler, which answers
// its own 404s and 405s; the errors the server or router makes for a path
// under it use its error page, so each protocol on one listener answers in
// its own format (FHIR: OperationOutcome; JSON API: google.rpc.Status;
// console: HTML).
struct Mount {
  std::string prefix;  // starts and ends with '/'
  Handler handler;
  ErrorPage error_page;
};

// Dispatches by method and exact path (the query is the handler's), then
// by the longest mount prefix: an unknown path gets 404, a known path with
// another method 405 with an Allow header. Built before the server starts,
// then read-only.
class Router {
 public:
  explicit Router(ErrorPage error_page) : error_page_(std::move(error_page)) {}

  void Add(std::string method, std::string path, Handler handler);
  void AddMount(Mount mount);
  void Dispatch(Request request, Responder responder) const;

  // The answer the server gives itself (400/408/413/431/503) for a
  // request whose path is `path` (empty when not yet read): in the format
  // of the mount the path falls under, else the router's own.
  Response ErrorPageFor(absl::string_view path, int status,
                        const std::string& why) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    Handler handler;
  };
  const Mount* MountOf(absl::string_view path) const;

  ErrorPage error_page_;
  std::vector<Route> routes_;
  std::vector<Mount> mounts_;
};

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_ROUTER_H_
