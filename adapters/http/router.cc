#include "adapters/http/router.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nhs::tobacco::http {

Response PlainErrorPage(int status, const std::string& why) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = absl::StrCat(why, "\n");
  return response;
}

void Router::Add(std::string method, std::string path, Handler handler) {
  routes_.push_back(
      Route{std::move(method), std::move(path), std::move(handler)});
}

void Router::Dispatch(Request request, Responder responder) const {
  const absl::string_view path = request.path();
  std::vector<absl::string_view> allowed;
  for (const Route& route : routes_) {
    if (route.path != path) continue;
    if (route.method == request.method) {
      route.handler(std::move(request), std::move(responder));
      return;
    }
    allowed.push_back(route.method);
  }
  if (allowed.empty()) {
    // The path is not echoed: it is the sender's bytes, maybe not UTF-8.
    responder.Send(error_page_(404, "no such endpoint"));
    return;
  }
  const std::string allow = absl::StrJoin(allowed, ", ");
  Response response = error_page_(
      405,
      absl::StrCat("method ", request.method, " not allowed; use ", allow));
  response.headers.emplace_back("Allow", allow);
  responder.Send(std::move(response));
}

}  // namespace nhs::tobacco::http
