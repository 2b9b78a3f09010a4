#ifndef ADAPTERS_HTTP_ROUTER_H_
#define ADAPTERS_HTTP_ROUTER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "adapters/http/responder.h"

namespace nhs::tobacco::http {

// Dispatches by method and exact path (the query is the handler's): an
// unknown path gets 404, a known path with another method 405 with an
// Allow header. Built before the server starts, then read-only.
class Router {
 public:
  explicit Router(ErrorPage error_page) : error_page_(std::move(error_page)) {}

  void Add(std::string method, std::string path, Handler handler);
  void Dispatch(Request request, Responder responder) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    Handler handler;
  };
  ErrorPage error_page_;
  std::vector<Route> routes_;
};

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_ROUTER_H_
