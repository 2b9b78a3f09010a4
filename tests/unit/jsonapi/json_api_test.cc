#include "gateway/jsonapi/json_api.h"

#include <memory>
#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"

namespace nhs::tobacco::jsonapi {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

class CapturedResponse : public http::ExchangeSink {
 public:
  void Send(http::Response response) override {
    response_ = std::move(response);
  }
  std::optional<http::Response> response_;
};

class FixedPrincipal : public api::HttpPrincipalSource {
 public:
  absl::StatusOr<pathway::Caller> Resolve(const http::Request&) override {
    if (refuse) return absl::UnauthenticatedError("no certificate");
    security::Principal p;
    p.ods_code = "TDS01";
    return pathway::Caller(p, pathway::kHttpAdapter);
  }
  bool refuse = false;
};

// Every unary method of `services` bound to a fake that records the request
// and answers with an empty response of the method's type.
MethodBindings FakeBindings(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services,
    std::string* seen) {
  MethodBindings bindings;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      if (method->server_streaming()) continue;
      bindings.unary[method->full_name()] = UnaryBinding{
          method->input_type(),
          [seen, method](const pathway::Caller& caller,
                         const google::protobuf::Message& request,
                         MessageReply reply) {
            *seen = absl::StrCat(method->name(), " ", caller.adapter, " ",
                                 request.ShortDebugString());
            const auto* prototype =
                google::protobuf::MessageFactory::generated_factory()
                    ->GetPrototype(method->output_type());
            reply(std::unique_ptr<google::protobuf::Message>(prototype->New()));
          }};
    }
  }
  return bindings;
}

class JsonApiUnitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto api = JsonApi::Create(
        principals_, FakeBindings(JsonApi::GatewayServices(), &seen_));
    ASSERT_TRUE(api.ok()) << api.status();
    api_ = *std::move(api);
  }

  http::Response Send(std::string method, std::string target,
                      std::string body = "",
                      std::string content_type = "application/json") {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers.emplace_back("Content-Type", std::move(content_type));
    auto sink = std::make_shared<CapturedResponse>();
    api_->Handle(std::move(request), http::Responder(sink));
    EXPECT_TRUE(sink->response_.has_value());
    return sink->response_.value_or(http::Response{});
  }

  FixedPrincipal principals_;
  std::string seen_;
  std::unique_ptr<JsonApi> api_;
};

TEST_F(JsonApiUnitTest, EveryMethodOfTheSevenServicesHasARoute) {
  int methods = 0;
  for (const auto* service : JsonApi::GatewayServices()) {
    methods += service->method_count();
  }
  EXPECT_EQ(JsonApi::GatewayServices().size(), 7u);
  EXPECT_EQ(api_->routes().size(), static_cast<size_t>(methods));
}

TEST_F(JsonApiUnitTest, AnUnboundUnaryMethodIsRefusedAtStart) {
  MethodBindings bindings = FakeBindings(JsonApi::GatewayServices(), &seen_);
  bindings.unary.erase("nhs.tobacco.v1.OutcomeService.ListOutcomes");
  auto api = JsonApi::Create(principals_, std::move(bindings));
  EXPECT_EQ(api.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(api.status().message(), HasSubstr("ListOutcomes"));
}

TEST_F(JsonApiUnitTest, DecodesPathBodyAndCallsTheBindingWithTheCaller) {
  const http::Response r = Send("POST", "/v1/prescriptions/p1:decline",
                                R"({"requestId":"q","reasonCode":"CLINICAL"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(seen_,
            "Decline http request_id: \"q\" prescription_id: \"p1\" "
            "reason_code: \"CLINICAL\"");
  EXPECT_THAT(r.headers, Contains(Pair("Cache-Control", "no-store")));
}

TEST_F(JsonApiUnitTest, DecodesQueryParametersForAGet) {
  EXPECT_EQ(
      Send("GET", "/v1/deliveries?destinationOds=Y90001&pageSize=3").status,
      200);
  EXPECT_EQ(seen_,
            "ListDeliveries http destination_ods: \"Y90001\" page_size: 3");
  EXPECT_EQ(Send("GET", "/v1/deliveries:stats").status, 200);
  EXPECT_THAT(seen_, HasSubstr("GetDeliveryStats"));
  EXPECT_EQ(Send("GET", "/v1/deliveries/m%2F1").status, 200);
  EXPECT_EQ(seen_, "GetDelivery http message_id: \"m/1\"");
}

TEST_F(JsonApiUnitTest, RefusesBeforeCallingTheBinding) {
  EXPECT_EQ(Send("GET", "/v1/nothing").status, 404);
  const http::Response wrong = Send("DELETE", "/v1/referrals/r1");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_THAT(wrong.headers, Contains(Pair("Allow", "GET, PATCH")));
  EXPECT_EQ(Send("POST", "/v1/outcomes", "x=1", "text/plain").status, 415);
  EXPECT_EQ(Send("GET", "/v1/outcomes", "{}").status, 400)
      << "a GET takes no body";
  EXPECT_EQ(Send("POST", "/v1/outcomes?requestId=x", "{}").status, 400)
      << "body \"*\" takes no query";
  EXPECT_EQ(
      Send("POST", "/v1/prescriptions/p1:cancel", R"({"prescriptionId":"p2"})")
          .status,
      400)
      << "the body contradicts the path";
  principals_.refuse = true;
  const http::Response unauthenticated = Send("GET", "/v1/outcomes");
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_THAT(unauthenticated.body, HasSubstr(R"("code":16)"));
  EXPECT_EQ(seen_, "") << "no binding was called";
}

TEST_F(JsonApiUnitTest, AStreamingMethodWithoutBindingAnswers501) {
  EXPECT_EQ(Send("GET", "/v1/events?after_sequence=3").status, 501);
}

TEST_F(JsonApiUnitTest, StaticRoutesComeFirst) {
  bool called = false;
  api_->AddStaticRoute("GET", "/v1/openapi.json",
                       [&](http::Request, http::Responder responder) {
                         called = true;
                         responder.Send(http::Response{});
                       });
  EXPECT_EQ(Send("GET", "/v1/openapi.json").status, 200);
  EXPECT_TRUE(called);
}

}  // namespace
}  // namespace nhs::tobacco::jsonapi
