#include "gateway/jsonapi/openapi_document.h"

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/formulary_service.pb.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"
#include "nhs/tobacco/v1/report_service.pb.h"
#include "nhs/tobacco/v1/safety_alert_service.pb.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::jsonapi {
namespace {

namespace pb = google::protobuf;
using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// A small API with every shape an annotation can take: path variables
// (nested too), a custom verb, body "*" and a body field, response_body, an
// additional binding, a server stream, a method with no annotation, and
// the field types proto JSON prints specially.
constexpr char kTestFile[] = R"pb(
  name: "test/things.proto"
  package: "test.v1"
  dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/duration.proto"
  dependency: "google/protobuf/field_mask.proto"
  syntax: "proto3"
  message_type {
    name: "Thing"
    field {
      name: "thing_id"
      number: 1
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      json_name: "thingId"
    }
    field {
      name: "state"
      number: 2
      type: TYPE_ENUM
      type_name: ".test.v1.State"
      label: LABEL_OPTIONAL
      json_name: "state"
    }
    field {
      name: "count"
      number: 3
      type: TYPE_INT64
      label: LABEL_OPTIONAL
      json_name: "count"
    }
    field {
      name: "made_at"
      number: 4
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
      label: LABEL_OPTIONAL
      json_name: "madeAt"
    }
    field {
      name: "lasts"
      number: 5
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Duration"
      label: LABEL_OPTIONAL
      json_name: "lasts"
    }
    field {
      name: "tags"
      number: 6
      type: TYPE_STRING
      label: LABEL_REPEATED
      json_name: "tags"
    }
    field {
      name: "labels"
      number: 7
      type: TYPE_MESSAGE
      type_name: ".test.v1.Thing.LabelsEntry"
      label: LABEL_REPEATED
      json_name: "labels"
    }
    field {
      name: "owner"
      number: 8
      type: TYPE_MESSAGE
      type_name: ".test.v1.Owner"
      label: LABEL_OPTIONAL
      json_name: "owner"
    }
    field {
      name: "size"
      number: 9
      type: TYPE_INT32
      label: LABEL_OPTIONAL
      json_name: "size"
    }
    field {
      name: "weight"
      number: 10
      type: TYPE_DOUBLE
      label: LABEL_OPTIONAL
      json_name: "weight"
    }
    field {
      name: "blob"
      number: 11
      type: TYPE_BYTES
      label: LABEL_OPTIONAL
      json_name: "blob"
    }
    field {
      name: "by_post"
      number: 12
      type: TYPE_BOOL
      label: LABEL_OPTIONAL
      oneof_index: 0
      json_name: "byPost"
    }
    field {
      name: "by_hand"
      number: 13
      type: TYPE_BOOL
      label: LABEL_OPTIONAL
      oneof_index: 0
      json_name: "byHand"
    }
    field {
      name: "parts"
      number: 14
      type: TYPE_MESSAGE
      type_name: ".test.v1.Owner"
      label: LABEL_REPEATED
      json_name: "parts"
    }
    nested_type {
      name: "LabelsEntry"
      field {
        name: "key"
        number: 1
        type: TYPE_STRING
        label: LABEL_OPTIONAL
        json_name: "key"
      }
      field {
        name: "value"
        number: 2
        type: TYPE_INT32
        label: LABEL_OPTIONAL
        json_name: "value"
      }
      options { map_entry: true }
    }
    oneof_decl { name: "delivery" }
  }
  message_type {
    name: "Owner"
    field {
      name: "ods_code"
      number: 1
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      json_name: "odsCode"
    }
    field {
      name: "seen"
      number: 2
      type: TYPE_UINT64
      label: LABEL_OPTIONAL
      json_name: "seen"
    }
  }
  message_type {
    name: "GetThingRequest"
    field {
      name: "thing_id"
      number: 1
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      json_name: "thingId"
    }
  }
  message_type {
    name: "ListThingsRequest"
    field {
      name: "owner"
      number: 1
      type: TYPE_MESSAGE
      type_name: ".test.v1.Owner"
      label: LABEL_OPTIONAL
      json_name: "owner"
    }
    field {
      name: "state"
      number: 2
      type: TYPE_ENUM
      type_name: ".test.v1.State"
      label: LABEL_REPEATED
      json_name: "state"
    }
    field {
      name: "page_size"
      number: 3
      type: TYPE_INT32
      label: LABEL_OPTIONAL
      json_name: "pageSize"
    }
    field {
      name: "since"
      number: 4
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
      label: LABEL_OPTIONAL
      json_name: "since"
    }
    field {
      name: "things"
      number: 5
      type: TYPE_MESSAGE
      type_name: ".test.v1.Thing"
      label: LABEL_REPEATED
      json_name: "things"
    }
  }
  message_type {
    name: "ListThingsResponse"
    field {
      name: "things"
      number: 1
      type: TYPE_MESSAGE
      type_name: ".test.v1.Thing"
      label: LABEL_REPEATED
      json_name: "things"
    }
  }
  message_type {
    name: "ArchiveThingRequest"
    field {
      name: "request_id"
      number: 1
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      json_name: "requestId"
    }
    field {
      name: "thing_id"
      number: 2
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      json_name: "thingId"
    }
    field {
      name: "note"
      number: 3
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      json_name: "note"
    }
  }
  message_type {
    name: "UpdateThingRequest"
    field {
      name: "thing"
      number: 1
      type: TYPE_MESSAGE
      type_name: ".test.v1.Thing"
      label: LABEL_OPTIONAL
      json_name: "thing"
    }
    field {
      name: "update_mask"
      number: 2
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.FieldMask"
      label: LABEL_OPTIONAL
      json_name: "updateMask"
    }
  }
  message_type {
    name: "WatchRequest"
    field {
      name: "after_sequence"
      number: 1
      type: TYPE_INT64
      label: LABEL_OPTIONAL
      json_name: "afterSequence"
    }
  }
  enum_type {
    name: "State"
    value { name: "STATE_UNSPECIFIED" number: 0 }
    value { name: "STATE_NEW" number: 1 }
    value { name: "STATE_ARCHIVED" number: 2 }
  }
  service {
    name: "ThingService"
    method {
      name: "GetThing"
      input_type: ".test.v1.GetThingRequest"
      output_type: ".test.v1.Thing"
      options {
        [google.api.http] { get: "/v1/things/{thing_id}" }
      }
    }
    method {
      name: "ListThings"
      input_type: ".test.v1.ListThingsRequest"
      output_type: ".test.v1.ListThingsResponse"
      options {
        [google.api.http] {
          get: "/v1/things"
          additional_bindings { get: "/v1/owners/{owner.ods_code}/things" }
        }
      }
    }
    method {
      name: "ListThingArray"
      input_type: ".test.v1.ListThingsRequest"
      output_type: ".test.v1.ListThingsResponse"
      options {
        [google.api.http] { get: "/v1/things:array" response_body: "things" }
      }
    }
    method {
      name: "ArchiveThing"
      input_type: ".test.v1.ArchiveThingRequest"
      output_type: ".test.v1.Thing"
      options {
        [google.api.http] { post: "/v1/things/{thing_id=*}:archive" body: "*" }
      }
    }
    method {
      name: "UpdateThing"
      input_type: ".test.v1.UpdateThingRequest"
      output_type: ".test.v1.Thing"
      options {
        [google.api.http] { patch: "/v1/things/{thing.thing_id}" body: "thing" }
      }
    }
    method {
      name: "WatchThings"
      input_type: ".test.v1.WatchRequest"
      output_type: ".test.v1.Thing"
      server_streaming: true
      options {
        [google.api.http] { get: "/v1/thing-events" }
      }
    }
    method {
      name: "Unrouted"
      input_type: ".test.v1.GetThingRequest"
      output_type: ".test.v1.Thing"
    }
  }
)pb";

class TestApi {
 public:
  TestApi() {
    for (const pb::FileDescriptor* dependency :
         {pb::Timestamp::descriptor()->file(),
          pb::Duration::descriptor()->file(),
          pb::FieldMask::descriptor()->file()}) {
      pb::FileDescriptorProto proto;
      dependency->CopyTo(&proto);
      EXPECT_NE(pool_.BuildFile(proto), nullptr) << dependency->name();
    }
    pb::FileDescriptorProto proto;
    EXPECT_TRUE(pb::TextFormat::ParseFromString(kTestFile, &proto));
    const pb::FileDescriptor* file = pool_.BuildFile(proto);
    EXPECT_NE(file, nullptr);
    service_ =
        file == nullptr ? nullptr : file->FindServiceByName("ThingService");
  }

  Json Document() const {
    const pb::ServiceDescriptor* services[] = {service_};
    return Json::parse(OpenApiDocument(services, "https://gateway.test:8443"));
  }

 private:
  pb::DescriptorPool pool_;
  const pb::ServiceDescriptor* service_ = nullptr;
};

// Every "$ref" in the document, anywhere.
void CollectRefs(const Json& node, std::vector<std::string>* refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) refs->push_back(value);
      CollectRefs(value, refs);
    }
  } else if (node.is_array()) {
    for (const Json& value : node) CollectRefs(value, refs);
  }
}

std::vector<std::string> ParameterNames(const Json& operation,
                                        const std::string& in) {
  std::vector<std::string> names;
  for (const Json& p : operation.value("parameters", Json::array())) {
    if (p["in"] == in) names.push_back(p["name"]);
  }
  return names;
}

const Json& Parameter(const Json& operation, const std::string& name) {
  for (const Json& p : operation["parameters"]) {
    if (p["name"] == name) return p;
  }
  static const Json kNone;
  ADD_FAILURE() << "no parameter " << name;
  return kNone;
}

TEST(OpenApiDocumentTest, IsOpenApi31WithTheServerAndMutualTls) {
  const Json doc = TestApi().Document();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["servers"][0]["url"], "https://gateway.test:8443");
  EXPECT_EQ(doc["components"]["securitySchemes"]["mutualTLS"]["type"],
            "mutualTLS");
  EXPECT_EQ(doc["security"], Json::parse(R"([{"mutualTLS": []}])"));
}

TEST(OpenApiDocumentTest, HasOneOperationPerAnnotationAndBinding) {
  const Json doc = TestApi().Document();
  std::set<std::string> operations;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [verb, op] : item.items()) {
      operations.insert(absl::StrCat(verb, " ", path, " ",
                                     op["operationId"].get<std::string>()));
    }
  }
  EXPECT_THAT(
      operations,
      UnorderedElementsAre(
          "get /v1/things/{thing_id} ThingService_GetThing",
          "get /v1/things ThingService_ListThings",
          "get /v1/owners/{owner.ods_code}/things "
          "ThingService_ListThings_2",
          "get /v1/things:array ThingService_ListThingArray",
          "post /v1/things/{thing_id}:archive ThingService_ArchiveThing",
          "patch /v1/things/{thing.thing_id} ThingService_UpdateThing",
          "get /v1/thing-events ThingService_WatchThings"));
}

TEST(OpenApiDocumentTest, PathVariablesAreRequiredParametersTypedByTheirField) {
  const Json doc = TestApi().Document();
  const Json& get = doc["paths"]["/v1/things/{thing_id}"]["get"];
  EXPECT_THAT(ParameterNames(get, "path"), ElementsAre("thing_id"));
  EXPECT_THAT(ParameterNames(get, "query"), IsEmpty());
  EXPECT_EQ(Parameter(get, "thing_id")["required"], true);
  EXPECT_EQ(Parameter(get, "thing_id")["schema"]["type"], "string");

  const Json& nested =
      doc["paths"]["/v1/owners/{owner.ods_code}/things"]["get"];
  EXPECT_THAT(ParameterNames(nested, "path"), ElementsAre("owner.ods_code"));
  // The rest of owner still comes from the query string.
  EXPECT_THAT(ParameterNames(nested, "query"),
              ElementsAre("owner.seen", "state", "page_size", "since"));
}

TEST(OpenApiDocumentTest, QueryParametersAreTheScalarFieldsDottedWhenNested) {
  const Json doc = TestApi().Document();
  const Json& list = doc["paths"]["/v1/things"]["get"];
  // Repeated messages (things) cannot ride in a query string.
  EXPECT_THAT(ParameterNames(list, "query"),
              ElementsAre("owner.ods_code", "owner.seen", "state", "page_size",
                          "since"));
  EXPECT_EQ(Parameter(list, "owner.seen")["schema"]["type"], "string");
  const Json& state = Parameter(list, "state");
  EXPECT_EQ(state["schema"]["type"], "array");
  EXPECT_EQ(state["schema"]["items"]["$ref"], "#/components/schemas/State");
  EXPECT_EQ(state["explode"], true);
  EXPECT_EQ(Parameter(list, "since")["schema"]["format"], "date-time");
  EXPECT_FALSE(list.contains("requestBody"));
}

TEST(OpenApiDocumentTest, BodyStarIsTheRequestLessThePathFields) {
  const Json doc = TestApi().Document();
  const Json& archive = doc["paths"]["/v1/things/{thing_id}:archive"]["post"];
  EXPECT_THAT(ParameterNames(archive, "path"), ElementsAre("thing_id"));
  EXPECT_THAT(ParameterNames(archive, "query"), IsEmpty());
  const Json& body =
      archive["requestBody"]["content"]["application/json"]["schema"];
  EXPECT_EQ(body["type"], "object");
  std::vector<std::string> properties;
  for (const auto& [name, schema] : body["properties"].items()) {
    properties.push_back(name);
  }
  EXPECT_THAT(properties, UnorderedElementsAre("requestId", "note"));
  EXPECT_EQ(archive["requestBody"]["required"], true);
}

TEST(OpenApiDocumentTest, BodyFieldIsThatFieldAndTheRestIsQuery) {
  const Json doc = TestApi().Document();
  const Json& update = doc["paths"]["/v1/things/{thing.thing_id}"]["patch"];
  EXPECT_EQ(
      update["requestBody"]["content"]["application/json"]["schema"]["$ref"],
      "#/components/schemas/Thing");
  EXPECT_THAT(ParameterNames(update, "query"), ElementsAre("update_mask"));
  EXPECT_EQ(Parameter(update, "update_mask")["schema"]["type"], "string");
}

TEST(OpenApiDocumentTest, ResponsesAreTheOutputOrItsResponseBodyField) {
  const Json doc = TestApi().Document();
  EXPECT_EQ(doc["paths"]["/v1/things/{thing_id}"]["get"]["responses"]["200"]
               ["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Thing");
  const Json& array = doc["paths"]["/v1/things:array"]["get"]["responses"]
                         ["200"]["content"]["application/json"]["schema"];
  EXPECT_EQ(array["type"], "array");
  EXPECT_EQ(array["items"]["$ref"], "#/components/schemas/Thing");
}

TEST(OpenApiDocumentTest, ServerStreamIsEventStreamWithLastEventIdHeader) {
  const Json doc = TestApi().Document();
  const Json& watch = doc["paths"]["/v1/thing-events"]["get"];
  const Json& ok = watch["responses"]["200"]["content"];
  EXPECT_TRUE(ok.contains("text/event-stream"));
  EXPECT_FALSE(ok.contains("application/json"));
  EXPECT_EQ(ok["text/event-stream"]["x-event-data"]["$ref"],
            "#/components/schemas/Thing");
  EXPECT_THAT(ParameterNames(watch, "header"), ElementsAre("Last-Event-ID"));
  EXPECT_EQ(Parameter(watch, "after_sequence")["schema"]["type"], "string");
}

TEST(OpenApiDocumentTest, SchemasAreProtoJsonNamesAndTypes) {
  const Json doc = TestApi().Document();
  const Json& thing = doc["components"]["schemas"]["Thing"];
  EXPECT_EQ(thing["title"], "test.v1.Thing");
  const Json& p = thing["properties"];
  EXPECT_TRUE(p.contains("thingId"));
  EXPECT_FALSE(p.contains("thing_id"));
  EXPECT_EQ(p["state"]["$ref"], "#/components/schemas/State");
  EXPECT_EQ(p["count"], Json::parse(R"({"type":"string","format":"int64"})"));
  EXPECT_EQ(p["size"], Json::parse(R"({"type":"integer","format":"int32"})"));
  EXPECT_EQ(p["weight"]["type"], "number");
  EXPECT_EQ(p["byPost"]["type"], "boolean");
  EXPECT_EQ(p["blob"]["contentEncoding"], "base64");
  EXPECT_EQ(p["madeAt"]["type"], "string");
  EXPECT_EQ(p["madeAt"]["format"], "date-time");
  EXPECT_EQ(p["lasts"]["type"], "string");
  EXPECT_TRUE(p["lasts"].contains("pattern"));
  EXPECT_EQ(p["tags"],
            Json::parse(R"({"type":"array","items":{"type":"string"}})"));
  EXPECT_EQ(p["labels"], Json::parse(R"({"type":"object",
      "additionalProperties":{"type":"integer","format":"int32"}})"));
  EXPECT_EQ(p["owner"]["$ref"], "#/components/schemas/Owner");
  EXPECT_EQ(p["parts"]["items"]["$ref"], "#/components/schemas/Owner");
  EXPECT_THAT(thing["description"].get<std::string>(),
              ::testing::HasSubstr("at most one of byPost, byHand"));
  // A map entry is not a schema of its own; well-known types are inline.
  EXPECT_FALSE(doc["components"]["schemas"].contains("Thing.LabelsEntry"));
  EXPECT_FALSE(doc["components"]["schemas"].contains("Timestamp"));

  const Json& state = doc["components"]["schemas"]["State"];
  EXPECT_EQ(state["type"], "string");
  EXPECT_EQ(
      state["enum"],
      Json::parse(R"(["STATE_UNSPECIFIED","STATE_NEW","STATE_ARCHIVED"])"));
}

TEST(OpenApiDocumentTest, ComponentsHoldOnlyWhatAnOperationReaches) {
  const Json doc = TestApi().Document();
  std::set<std::string> schemas;
  for (const auto& [name, schema] : doc["components"]["schemas"].items()) {
    schemas.insert(name);
  }
  // GetThingRequest and WatchRequest travel in the path and query only;
  // ArchiveThingRequest's body is inline (its path field left out).
  EXPECT_THAT(schemas,
              UnorderedElementsAre("Thing", "Owner", "State",
                                   "ListThingsResponse", "Status", "BadRequest",
                                   "BadRequest.FieldViolation"));
}

TEST(OpenApiDocumentTest, ErrorsAreGoogleRpcStatusWithTheirHttpStatuses) {
  const Json doc = TestApi().Document();
  const Json& get = doc["paths"]["/v1/things/{thing_id}"]["get"]["responses"];
  for (const char* status :
       {"400", "401", "403", "404", "409", "429", "500", "503", "504"}) {
    EXPECT_TRUE(get.contains(status)) << status;
  }
  // 413 and 415 are about a body: only operations that take one.
  EXPECT_FALSE(get.contains("413"));
  const Json& archive =
      doc["paths"]["/v1/things/{thing_id}:archive"]["post"]["responses"];
  EXPECT_EQ(archive["415"]["$ref"],
            "#/components/responses/UnsupportedMediaType");
  EXPECT_EQ(archive["413"]["$ref"], "#/components/responses/PayloadTooLarge");

  const Json& bad = doc["components"]["responses"]["BadRequest"];
  EXPECT_EQ(bad["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Status");
  const Json& status = doc["components"]["schemas"]["Status"];
  EXPECT_EQ(status["title"], "google.rpc.Status");
  EXPECT_EQ(status["properties"]["code"]["type"], "integer");
  EXPECT_EQ(
      status["properties"]["details"]["items"]["properties"]["@type"]["type"],
      "string");
  // The field violations' shape is named for clients to decode details.
  EXPECT_TRUE(doc["components"]["schemas"]["BadRequest"]["properties"].contains(
      "fieldViolations"));
}

TEST(OpenApiDocumentTest, EveryReferenceResolves) {
  const Json doc = TestApi().Document();
  std::vector<std::string> refs;
  CollectRefs(doc, &refs);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    EXPECT_TRUE(doc.contains(Json::json_pointer(ref.substr(1)))) << ref;
  }
}

TEST(OpenApiDocumentTest, SameServicesGiveTheSameText) {
  TestApi api;
  EXPECT_EQ(api.Document().dump(), api.Document().dump());
}

// The gateway's own services: every RPC is routed (the issue's list plus
// the later RPCs), each exactly once, and the document is self-consistent.
std::vector<const pb::ServiceDescriptor*> GatewayServices() {
  namespace v1 = ::nhs::tobacco::v1;
  const auto service = [](const pb::Descriptor* message, const char* name) {
    const pb::ServiceDescriptor* found =
        message->file()->FindServiceByName(name);
    EXPECT_NE(found, nullptr) << name;
    return found;
  };
  return {
      service(v1::CreateReferralRequest::descriptor(), "ReferralService"),
      service(v1::RecommendAlternativeRequest::descriptor(),
              "PrescriptionService"),
      service(v1::RecordOutcomeRequest::descriptor(), "OutcomeService"),
      service(v1::AuditRecord::descriptor(), "AdminService"),
      service(v1::ListProductsRequest::descriptor(), "FormularyService"),
      service(v1::ListSafetyAlertsRequest::descriptor(), "SafetyAlertService"),
      service(v1::ReportRequest::descriptor(), "ReportService"),
  };
}

TEST(OpenApiDocumentTest, GatewayDocumentHasAnOperationForEveryRpc) {
  const std::vector<const pb::ServiceDescriptor*> services = GatewayServices();
  const Json doc = Json::parse(OpenApiDocument(services, "https://localhost"));
  std::set<std::string> expected;
  for (const pb::ServiceDescriptor* service : services) {
    for (int m = 0; m < service->method_count(); ++m) {
      expected.insert(
          absl::StrCat(service->name(), "_", service->method(m)->name()));
    }
  }
  std::multiset<std::string> seen;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [verb, op] : item.items()) {
      const std::string id = op["operationId"];
      if (id.find('_') == id.rfind('_')) seen.insert(id);  // Not a _2.
    }
  }
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size());

  std::vector<std::string> refs;
  CollectRefs(doc, &refs);
  for (const std::string& ref : refs) {
    EXPECT_TRUE(doc.contains(Json::json_pointer(ref.substr(1)))) << ref;
  }
}

TEST(OpenApiDocumentTest, GatewayDocumentHasTheIssuesRoutes) {
  const Json doc =
      Json::parse(OpenApiDocument(GatewayServices(), "https://localhost"));
  const Json& paths = doc["paths"];
  const auto has = [&](const std::string& verb, const std::string& path) {
    return paths.contains(path) && paths[path].contains(verb);
  };
  EXPECT_TRUE(has("post", "/v1/referrals"));
  EXPECT_TRUE(has("get", "/v1/referrals"));
  EXPECT_TRUE(has("get", "/v1/referrals/{referral_id}"));
  EXPECT_TRUE(has("post", "/v1/referrals/{referral_id}:updateStatus"));
  EXPECT_TRUE(has("post", "/v1/prescriptions"));
  EXPECT_TRUE(has("get", "/v1/prescriptions"));
  EXPECT_TRUE(has("get", "/v1/prescriptions/{prescription_id}"));
  for (const char* verb :
       {"markSent", "acknowledge", "prescribe", "decline", "requireAppointment",
        "dispense", "supply", "recordNotSupplied", "cancel"}) {
    EXPECT_TRUE(
        has("post", absl::StrCat("/v1/prescriptions/{prescription_id}:", verb)))
        << verb;
  }
  EXPECT_TRUE(has("get", "/v1/prescriptions/{prescription_id}/timeline"));
  EXPECT_TRUE(has("post", "/v1/outcomes"));
  EXPECT_TRUE(has("get", "/v1/outcomes"));
  EXPECT_TRUE(has("get", "/v1/events"));
  EXPECT_TRUE(
      paths["/v1/events"]["get"]["responses"]["200"]["content"].contains(
          "text/event-stream"));
  EXPECT_TRUE(has("get", "/v1/deliveries"));
  EXPECT_TRUE(has("get", "/v1/deliveries/{message_id}"));
  EXPECT_TRUE(has("post", "/v1/deliveries/{message_id}:replay"));
  EXPECT_TRUE(has("post", "/v1/deliveries/{message_id}:discard"));
  EXPECT_TRUE(has("get", "/v1/deliveries:stats"));
  EXPECT_TRUE(has("post", "/v1/audit:verify"));
  EXPECT_TRUE(has("get", "/v1/audit"));
}

}  // namespace
}  // namespace nhs::tobacco::jsonapi
