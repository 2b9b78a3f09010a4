#include "gateway/jsonapi/json_api.h"

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/jsonapi/json_errors.h"
#include "gateway/jsonapi/request_fields.h"
#include "google/api/annotations.pb.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/formulary_service.pb.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"
#include "nhs/tobacco/v1/report_service.pb.h"
#include "nhs/tobacco/v1/safety_alert_service.pb.h"

namespace nhs::tobacco::jsonapi {
namespace {

using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// The HTTP method and template of one rule (its oneof pattern).
std::pair<std::string, std::string> PatternOf(const google::api::HttpRule& r) {
  switch (r.pattern_case()) {
    case google::api::HttpRule::kGet:
      return {"GET", r.get()};
    case google::api::HttpRule::kPut:
      return {"PUT", r.put()};
    case google::api::HttpRule::kPost:
      return {"POST", r.post()};
    case google::api::HttpRule::kDelete:
      return {"DELETE", r.delete_()};
    case google::api::HttpRule::kPatch:
      return {"PATCH", r.patch()};
    case google::api::HttpRule::kCustom:
      return {r.custom().kind(), r.custom().path()};
    default:
      return {"", ""};
  }
}

// "application/json", with or without parameters (charset=utf-8).
bool IsJson(absl::string_view content_type) {
  const absl::string_view media = absl::StripAsciiWhitespace(
      content_type.substr(0, content_type.find(';')));
  return absl::EqualsIgnoreCase(media, "application/json");
}

http::Response JsonResponse(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  http::Response response;
  response.content_type = "application/json";
  if (!google::protobuf::util::MessageToJsonString(message, &response.body,
                                                   options)
           .ok()) {
    return ErrorResponse(
        absl::InternalError("the answer could not be encoded"));
  }
  AddApiHeaders(response);
  return response;
}

}  // namespace

std::vector<const ServiceDescriptor*> JsonApi::GatewayServices() {
  // Through a message of each file, so that the file is linked in (a
  // static library drops an object nothing refers to) and its descriptors
  // are in the generated pool.
  const std::pair<const google::protobuf::FileDescriptor*, const char*>
      kFiles[] = {
          {v1::CreateReferralRequest::descriptor()->file(), "ReferralService"},
          {v1::RecommendPrescriptionRequest::descriptor()->file(),
           "PrescriptionService"},
          {v1::RecordOutcomeRequest::descriptor()->file(), "OutcomeService"},
          {v1::ListSafetyAlertsRequest::descriptor()->file(),
           "SafetyAlertService"},
          {v1::ListProductsRequest::descriptor()->file(), "FormularyService"},
          {v1::VerifyAuditChainRequest::descriptor()->file(), "AdminService"},
          {v1::ReportRequest::descriptor()->file(), "ReportService"},
      };
  std::vector<const ServiceDescriptor*> services;
  for (const auto& [file, name] : kFiles) {
    services.push_back(file->FindServiceByName(name));
  }
  return services;
}

absl::StatusOr<std::unique_ptr<JsonApi>> JsonApi::Create(
    api::HttpPrincipalSource& principals, MethodBindings bindings,
    const std::vector<const ServiceDescriptor*>& services) {
  auto api =
      std::unique_ptr<JsonApi>(new JsonApi(principals, std::move(bindings)));
  for (const ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      const google::api::HttpRule& rule =
          method->options().GetExtension(google::api::http);
      std::vector<const google::api::HttpRule*> rules = {&rule};
      for (const auto& extra : rule.additional_bindings()) {
        rules.push_back(&extra);
      }
      if (method->client_streaming()) {
        return absl::InvalidArgumentError(absl::StrCat(
            method->full_name(), ": client streaming has no HTTP mapping"));
      }
      if (method->server_streaming()) {
        // Answered 501 until its binding exists.
      } else {
        auto found = api->bindings_.unary.find(method->full_name());
        if (found == api->bindings_.unary.end()) {
          return absl::FailedPreconditionError(
              absl::StrCat(method->full_name(), " has no binding"));
        }
        if (found->second.input != method->input_type()) {
          return absl::FailedPreconditionError(absl::StrCat(
              method->full_name(), " is bound to a use case taking ",
              found->second.input->full_name()));
        }
      }
      for (const google::api::HttpRule* r : rules) {
        auto [http_method, text] = PatternOf(*r);
        if (http_method.empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), ": rule without a pattern"));
        }
        absl::StatusOr<PathTemplate> path = ParsePathTemplate(text);
        if (!path.ok()) return path.status();
        api->routes_.push_back(
            Route{http_method, text, *std::move(path), r->body(), method});
      }
    }
  }
  return api;
}

void JsonApi::AddStaticRoute(std::string method, std::string path,
                             http::Handler handler) {
  static_routes_.push_back(
      StaticRoute{std::move(method), std::move(path), std::move(handler)});
}

http::Mount JsonApi::MakeMount() const {
  return http::Mount{kPrefix,
                     [this](http::Request request, http::Responder responder) {
                       Handle(std::move(request), std::move(responder));
                     },
                     JsonErrorPage};
}

void JsonApi::Handle(http::Request request, http::Responder responder) const {
  const std::string path(request.path());
  std::vector<std::string> allowed;
  for (const StaticRoute& route : static_routes_) {
    if (route.path != path) continue;
    if (route.method == request.method) {
      return route.handler(std::move(request), std::move(responder));
    }
    allowed.push_back(route.method);
  }
  for (const Route& route : routes_) {
    std::optional<PathBindings> bindings = MatchPath(route.path, path);
    if (!bindings.has_value()) continue;
    if (route.http_method == request.method) {
      return Call(route, *bindings, std::move(request), std::move(responder));
    }
    allowed.push_back(route.http_method);
  }
  if (allowed.empty()) {
    // The path is not echoed: it is the sender's bytes, maybe not UTF-8.
    return responder.Send(JsonErrorPage(
        404, "no such endpoint; the routes are in GET /v1/openapi.json"));
  }
  const std::string allow = absl::StrJoin(allowed, ", ");
  http::Response response = JsonErrorPage(
      405,
      absl::StrCat("method ", request.method, " not allowed; use ", allow));
  response.headers.emplace_back("Allow", allow);
  responder.Send(std::move(response));
}

void JsonApi::Call(const Route& route, const PathBindings& path_bindings,
                   http::Request request, http::Responder responder) const {
  absl::StatusOr<pathway::Caller> caller = principals_.Resolve(request);
  if (!caller.ok()) return responder.Send(ErrorResponse(caller.status()));

  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          route.method->input_type());
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  const bool has_body = !absl::StripAsciiWhitespace(request.body).empty();
  absl::Status decoded;
  if (route.body.empty()) {
    if (has_body) {
      return responder.Send(JsonErrorPage(
          400, absl::StrCat(route.http_method, " ", route.template_text,
                            " takes no request body")));
    }
  } else if (has_body) {
    if (!IsJson(request.header("Content-Type"))) {
      return responder.Send(
          JsonErrorPage(415,
                        "the request body must be JSON (Content-Type: "
                        "application/json)"));
    }
    decoded = ApplyBody(request.body, route.body, *message);
  }
  const absl::string_view target = request.target;
  const size_t question = target.find('?');
  const absl::string_view query = question == absl::string_view::npos
                                      ? absl::string_view()
                                      : target.substr(question + 1);
  if (decoded.ok() && !query.empty()) {
    if (route.body == "*") {
      decoded = absl::InvalidArgumentError(absl::StrCat(
          route.template_text, " takes its fields in the body, not the query"));
    } else {
      decoded = ApplyQuery(query, path_bindings, *message);
    }
  }
  if (decoded.ok()) decoded = ApplyPathBindings(path_bindings, *message);
  if (!decoded.ok()) return responder.Send(ErrorResponse(decoded));

  if (route.method->server_streaming()) {
    auto found = bindings_.streaming.find(route.method->full_name());
    if (found == bindings_.streaming.end()) {
      return responder.Send(ErrorResponse(absl::UnimplementedError(
          absl::StrCat(route.template_text, " is not served over HTTP yet"))));
    }
    return found->second(*caller, std::move(message), request,
                         std::move(responder));
  }
  const UnaryBinding& binding = bindings_.unary.at(route.method->full_name());
  // The request lives until the use case answered, as gRPC's does.
  std::shared_ptr<const google::protobuf::Message> held = std::move(message);
  binding.call(
      *caller, *held,
      [held, responder](
          absl::StatusOr<std::unique_ptr<google::protobuf::Message>> result) {
        if (!result.ok()) {
          return responder.Send(ErrorResponse(result.status()));
        }
        responder.Send(JsonResponse(**result));
      });
}

}  // namespace nhs::tobacco::jsonapi
