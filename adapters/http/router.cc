#include "adapters/http/router.h"

#include <utility>

#include "absl/strings/match.h"
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

void Router::AddMount(Mount mount) { mounts_.push_back(std::move(mount)); }

const Mount* Router::MountOf(absl::string_view path) const {
  const Mount* best = nullptr;
  for (const Mount& mount : mounts_) {
    // "/v1" alone falls under "/v1/" too, so its 404 is the mount's.
    const absl::string_view bare =
        absl::string_view(mount.prefix).substr(0, mount.prefix.size() - 1);
    if (!absl::StartsWith(path, mount.prefix) && path != bare) continue;
    if (best == nullptr || mount.prefix.size() > best->prefix.size()) {
      best = &mount;
    }
  }
  return best;
}

Response Router::ErrorPageFor(absl::string_view path, int status,
                              const std::string& why) const {
  const Mount* mount = MountOf(path);
  return mount != nullptr ? mount->error_page(status, why)
                          : error_page_(status, why);
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
    if (const Mount* mount = MountOf(path); mount != nullptr) {
      mount->handler(std::move(request), std::move(responder));
      return;
    }
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
