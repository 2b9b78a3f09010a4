#include "gateway/jsonapi/openapi_document.h"

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::jsonapi {
namespace {

namespace pb = google::protobuf;
// Insertion order kept, so the document reads as it is built and the same
// services always print the same text.
using Json = nlohmann::ordered_json;

constexpr absl::string_view kSchemaRef = "#/components/schemas/";
constexpr absl::string_view kResponseRef = "#/components/responses/";

// The well-known types proto JSON prints as something other than an object
// of their fields; each is written inline where it is used.
Json WellKnownSchema(absl::string_view full_name, bool* found) {
  *found = true;
  if (full_name == "google.protobuf.Timestamp") {
    return {{"type", "string"},
            {"format", "date-time"},
            {"description", "RFC 3339, UTC (\"Z\")."}};
  }
  if (full_name == "google.protobuf.Duration") {
    return {{"type", "string"},
            {"pattern", "^-?[0-9]+(\\.[0-9]{1,9})?s$"},
            {"description", "Seconds with an \"s\" suffix, e.g. \"3.5s\"."}};
  }
  if (full_name == "google.protobuf.FieldMask") {
    return {{"type", "string"},
            {"description",
             "Comma-separated field paths in lowerCamelCase, e.g. "
             "\"quitDate,goal\"."}};
  }
  if (full_name == "google.protobuf.Any") {
    return {{"type", "object"},
            {"properties", {{"@type", {{"type", "string"}}}}},
            {"required", {"@type"}},
            {"additionalProperties", true}};
  }
  if (full_name == "google.protobuf.Struct") {
    return {{"type", "object"}, {"additionalProperties", true}};
  }
  if (full_name == "google.protobuf.Value") return Json::object();
  if (full_name == "google.protobuf.ListValue") {
    return {{"type", "array"}, {"items", Json::object()}};
  }
  if (full_name == "google.protobuf.Empty") return {{"type", "object"}};
  static const auto* const kWrappers =
      new std::map<std::string, Json, std::less<>>{
          {"google.protobuf.DoubleValue", {{"type", "number"}}},
          {"google.protobuf.FloatValue", {{"type", "number"}}},
          {"google.protobuf.Int64Value",
           {{"type", "string"}, {"format", "int64"}}},
          {"google.protobuf.UInt64Value",
           {{"type", "string"}, {"format", "uint64"}}},
          {"google.protobuf.Int32Value",
           {{"type", "integer"}, {"format", "int32"}}},
          {"google.protobuf.UInt32Value",
           {{"type", "integer"}, {"minimum", 0}}},
          {"google.protobuf.BoolValue", {{"type", "boolean"}}},
          {"google.protobuf.StringValue", {{"type", "string"}}},
          {"google.protobuf.BytesValue",
           {{"type", "string"}, {"contentEncoding", "base64"}}},
      };
  auto it = kWrappers->find(full_name);
  if (it != kWrappers->end()) return it->second;
  *found = false;
  return nullptr;
}

bool IsWellKnown(const pb::Descriptor* message) {
  bool found = false;
  WellKnownSchema(message->full_name(), &found);
  return found;
}

// "RecordNotSupplied" -> "Record not supplied".
std::string Summary(absl::string_view method_name) {
  std::string out;
  for (size_t i = 0; i < method_name.size(); ++i) {
    const char c = method_name[i];
    if (i > 0 && absl::ascii_isupper(static_cast<unsigned char>(c))) {
      out += ' ';
      out += absl::ascii_tolower(static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// Every message and enum the document names, and the component name of
// each: the name inside its package ("Referral", "Status"), or the full
// name where two packages would give the same one.
class SchemaNames {
 public:
  void AddMessage(const pb::Descriptor* message) {
    if (IsWellKnown(message)) return;
    if (!messages_.emplace(message->full_name(), message).second) return;
    for (int i = 0; i < message->field_count(); ++i) {
      const pb::FieldDescriptor* field = message->field(i);
      if (field->is_map()) field = field->message_type()->map_value();
      if (field->enum_type() != nullptr) {
        enums_.emplace(field->enum_type()->full_name(), field->enum_type());
      } else if (field->message_type() != nullptr) {
        AddMessage(field->message_type());
      }
    }
  }

  void AssignNames() {
    std::map<std::string, int> uses;
    const auto short_name = [](const auto* type) {
      const std::string& package = type->file()->package();
      return package.empty() ? type->full_name()
                             : type->full_name().substr(package.size() + 1);
    };
    for (const auto& [full, m] : messages_) ++uses[short_name(m)];
    for (const auto& [full, e] : enums_) ++uses[short_name(e)];
    const auto assign = [&](const std::string& full, const auto* type) {
      const std::string name = short_name(type);
      names_[full] = uses[name] > 1 ? full : name;
    };
    for (const auto& [full, m] : messages_) assign(full, m);
    for (const auto& [full, e] : enums_) assign(full, e);
  }

  // A reference to the type's component; the first pass records every
  // type referenced (and what it reaches), the second finds its name.
  Json Ref(const pb::Descriptor* message) {
    AddMessage(message);
    return RefTo(message->full_name());
  }
  Json Ref(const pb::EnumDescriptor* enum_type) {
    enums_.emplace(enum_type->full_name(), enum_type);
    return RefTo(enum_type->full_name());
  }
  const std::string& Name(const std::string& full_name) const {
    return names_.at(full_name);
  }
  const std::map<std::string, const pb::Descriptor*>& messages() const {
    return messages_;
  }
  const std::map<std::string, const pb::EnumDescriptor*>& enums() const {
    return enums_;
  }

 private:
  Json RefTo(const std::string& full_name) const {
    auto it = names_.find(full_name);
    return {
        {"$ref", absl::StrCat(kSchemaRef,
                              it == names_.end() ? full_name : it->second)}};
  }

  std::map<std::string, const pb::Descriptor*> messages_;
  std::map<std::string, const pb::EnumDescriptor*> enums_;
  absl::flat_hash_map<std::string, std::string> names_;
};

Json MessageSchema(const pb::Descriptor* message, SchemaNames& names) {
  bool found = false;
  Json wkt = WellKnownSchema(message->full_name(), &found);
  return found ? wkt : names.Ref(message);
}

// One value of the field, as proto JSON prints it.
Json SingularSchema(const pb::FieldDescriptor* field, SchemaNames& names) {
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return {{"type", "integer"}, {"format", "int32"}};
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return {{"type", "integer"}, {"minimum", 0}};
    // Proto JSON prints 64-bit integers as strings (JavaScript numbers
    // lose digits past 2^53).
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return {{"type", "string"}, {"format", "int64"}};
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return {{"type", "string"}, {"format", "uint64"}};
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return {{"type", "number"}, {"format", "double"}};
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return {{"type", "number"}, {"format", "float"}};
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return {{"type", "boolean"}};
    case pb::FieldDescriptor::CPPTYPE_STRING:
      if (field->type() == pb::FieldDescriptor::TYPE_BYTES) {
        return {{"type", "string"}, {"contentEncoding", "base64"}};
      }
      return {{"type", "string"}};
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return names.Ref(field->enum_type());
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageSchema(field->message_type(), names);
  }
  return Json::object();
}

Json FieldSchema(const pb::FieldDescriptor* field, SchemaNames& names) {
  Json schema;
  if (field->is_map()) {
    schema = {{"type", "object"},
              {"additionalProperties",
               SingularSchema(field->message_type()->map_value(), names)}};
  } else if (field->is_repeated()) {
    schema = {{"type", "array"}, {"items", SingularSchema(field, names)}};
  } else {
    schema = SingularSchema(field, names);
  }
  if (field->options().deprecated()) schema["deprecated"] = true;
  return schema;
}

Json ObjectSchema(const pb::Descriptor* message, SchemaNames& names,
                  const std::set<std::string>& leave_out) {
  Json properties = Json::object();
  for (int i = 0; i < message->field_count(); ++i) {
    const pb::FieldDescriptor* field = message->field(i);
    if (leave_out.count(field->name()) > 0) continue;
    properties[field->json_name()] = FieldSchema(field, names);
  }
  Json schema = {{"type", "object"}, {"properties", properties}};
  std::vector<std::string> oneofs;
  for (int i = 0; i < message->real_oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* oneof =
        message->oneof_decl(i);  // Real ones come first.
    std::vector<std::string> members;
    for (int f = 0; f < oneof->field_count(); ++f) {
      members.push_back(oneof->field(f)->json_name());
    }
    oneofs.push_back(absl::StrCat("at most one of ",
                                  absl::StrJoin(members, ", "), " is set"));
  }
  if (!oneofs.empty()) {
    schema["description"] = absl::StrCat(absl::StrJoin(oneofs, "; "), ".");
  }
  return schema;
}

Json ComponentSchemas(SchemaNames& names) {
  // Sorted by component name, for a reader and for stable output.
  std::map<std::string, Json> sorted;
  for (const auto& [full, message] : names.messages()) {
    Json schema = ObjectSchema(message, names, {});
    schema["title"] = full;
    sorted[names.Name(full)] = std::move(schema);
  }
  for (const auto& [full, enum_type] : names.enums()) {
    std::vector<std::string> values;
    for (int i = 0; i < enum_type->value_count(); ++i) {
      values.push_back(enum_type->value(i)->name());
    }
    sorted[names.Name(full)] = {
        {"title", full}, {"type", "string"}, {"enum", values}};
  }
  Json out = Json::object();
  for (auto& [name, schema] : sorted) out[name] = std::move(schema);
  return out;
}

// The HTTP statuses of the gRPC mapping (as Google's HTTP/JSON transcoding
// does) that a /v1 call can answer, each a google.rpc.Status.
struct ErrorResponse {
  const char* status;
  const char* name;
  const char* description;
  bool needs_body;  // Only an operation that takes a body can get it.
};
constexpr ErrorResponse kErrorResponses[] = {
    {"400", "BadRequest",
     "INVALID_ARGUMENT, FAILED_PRECONDITION or OUT_OF_RANGE; bad input "
     "carries a google.rpc.BadRequest in details naming each field. Also "
     "malformed JSON and unknown fields.",
     false},
    {"401", "Unauthenticated",
     "UNAUTHENTICATED: no verified client certificate naming an "
     "organisation and role.",
     false},
    {"403", "PermissionDenied",
     "PERMISSION_DENIED: the organisation's role may not do this, or the "
     "record is not its to see.",
     false},
    {"404", "NotFound", "NOT_FOUND: no such record, or no such route.", false},
    {"409", "Conflict",
     "ALREADY_EXISTS or ABORTED: e.g. a request_id reused for a different "
     "request.",
     false},
    {"413", "PayloadTooLarge", "The body is over the listener's limit.", true},
    {"415", "UnsupportedMediaType", "The body is not application/json.", true},
    {"429", "TooManyRequests",
     "RESOURCE_EXHAUSTED: over the organisation's rate or stream cap.", false},
    {"500", "Internal", "INTERNAL.", false},
    {"503", "Unavailable", "UNAVAILABLE: try again later.", false},
    {"504", "GatewayTimeout", "DEADLINE_EXCEEDED.", false},
};

Json ComponentResponses(SchemaNames& names) {
  Json out = Json::object();
  for (const ErrorResponse& error : kErrorResponses) {
    out[error.name] = {
        {"description", error.description},
        {"content",
         {{"application/json",
           {{"schema", names.Ref(google::rpc::Status::descriptor())}}}}}};
  }
  return out;
}

struct Binding {
  std::string verb;  // Lower case, as an OpenAPI path item key.
  std::string path;
  const google::api::HttpRule* rule;
};

// The rule's verb and path; false for a custom verb OpenAPI has no key for.
bool VerbAndPath(const google::api::HttpRule& rule, Binding* out) {
  using Rule = google::api::HttpRule;
  out->rule = &rule;
  switch (rule.pattern_case()) {
    case Rule::kGet:
      out->verb = "get";
      out->path = rule.get();
      break;
    case Rule::kPut:
      out->verb = "put";
      out->path = rule.put();
      break;
    case Rule::kPost:
      out->verb = "post";
      out->path = rule.post();
      break;
    case Rule::kDelete:
      out->verb = "delete";
      out->path = rule.delete_();
      break;
    case Rule::kPatch:
      out->verb = "patch";
      out->path = rule.patch();
      break;
    case Rule::kCustom: {
      out->verb = absl::AsciiStrToLower(rule.custom().kind());
      out->path = rule.custom().path();
      static const std::set<std::string>* const kVerbs =
          new std::set<std::string>{"head", "options", "trace"};
      if (kVerbs->count(out->verb) == 0) return false;
      break;
    }
    case Rule::PATTERN_NOT_SET:
      return false;
  }
  return !out->path.empty();
}

// "/v1/referrals/{referral.referral_id=*}:update" -> the OpenAPI path
// "/v1/referrals/{referral.referral_id}:update" and its variables.
std::string OpenApiPath(absl::string_view tmpl,
                        std::vector<std::string>* variables) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] != '{') {
      out += tmpl[i++];
      continue;
    }
    const size_t close = tmpl.find('}', i);
    if (close == absl::string_view::npos) {
      absl::StrAppend(&out, tmpl.substr(i));
      break;
    }
    absl::string_view inside = tmpl.substr(i + 1, close - i - 1);
    const absl::string_view name = inside.substr(0, inside.find('='));
    variables->emplace_back(name);
    absl::StrAppend(&out, "{", name, "}");
    i = close + 1;
  }
  return out;
}

// The field a dotted proto path names, or null.
const pb::FieldDescriptor* FieldAt(const pb::Descriptor* message,
                                   absl::string_view dotted) {
  const pb::FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(dotted, '.')) {
    if (message == nullptr) return nullptr;
    field = message->FindFieldByName(std::string(part));
    if (field == nullptr) return nullptr;
    message = field->message_type();
  }
  return field;
}

// Query parameters: every field the path and the body do not bind that a
// query string can carry (scalars, enums, repeated scalars and the string
// well-known types), nested messages' fields dotted.
void AddQueryParameters(const pb::Descriptor* message,
                        const std::string& prefix,
                        const std::set<std::string>& bound, SchemaNames& names,
                        std::vector<const pb::Descriptor*>* stack,
                        Json* parameters) {
  for (int i = 0; i < message->field_count(); ++i) {
    const pb::FieldDescriptor* field = message->field(i);
    const std::string name = absl::StrCat(prefix, field->name());
    if (bound.count(name) > 0 || field->is_map()) continue;
    const pb::Descriptor* nested = field->message_type();
    if (nested != nullptr && !IsWellKnown(nested)) {
      if (field->is_repeated()) continue;
      bool cycle = false;
      for (const pb::Descriptor* seen : *stack) cycle |= seen == nested;
      if (cycle) continue;
      stack->push_back(nested);
      AddQueryParameters(nested, name + ".", bound, names, stack, parameters);
      stack->pop_back();
      continue;
    }
    if (nested != nullptr) {
      const std::string& wkt = nested->full_name();
      const bool string_like = wkt == "google.protobuf.Timestamp" ||
                               wkt == "google.protobuf.Duration" ||
                               wkt == "google.protobuf.FieldMask" ||
                               absl::EndsWith(wkt, "Value");
      if (!string_like || wkt == "google.protobuf.Value" ||
          wkt == "google.protobuf.ListValue") {
        continue;
      }
    }
    Json parameter = {
        {"name", name}, {"in", "query"}, {"schema", FieldSchema(field, names)}};
    if (field->is_repeated()) {
      parameter["style"] = "form";
      parameter["explode"] = true;
    }
    parameters->push_back(std::move(parameter));
  }
}

Json Operation(const pb::MethodDescriptor* method, const Binding& binding,
               const std::vector<std::string>& variables,
               const std::string& operation_id, SchemaNames& names) {
  const pb::Descriptor* input = method->input_type();
  const google::api::HttpRule& rule = *binding.rule;
  Json operation = {
      {"operationId", operation_id},
      {"summary", Summary(method->name())},
      {"description", absl::StrCat("gRPC: /", method->service()->full_name(),
                                   "/", method->name())},
      {"tags", {method->service()->name()}},
  };

  Json parameters = Json::array();
  std::set<std::string> bound(variables.begin(), variables.end());
  for (const std::string& variable : variables) {
    const pb::FieldDescriptor* field = FieldAt(input, variable);
    parameters.push_back(
        {{"name", variable},
         {"in", "path"},
         {"required", true},
         {"schema", field == nullptr ? Json{{"type", "string"}}
                                     : SingularSchema(field, names)}});
  }
  if (!rule.body().empty() && rule.body() != "*") bound.insert(rule.body());
  if (rule.body() != "*") {
    std::vector<const pb::Descriptor*> stack = {input};
    AddQueryParameters(input, "", bound, names, &stack, &parameters);
  }
  if (method->server_streaming()) {
    parameters.push_back(
        {{"name", "Last-Event-ID"},
         {"in", "header"},
         {"description",
          "The id of the last event received; resumes after it (beats "
          "after_sequence)."},
         {"schema", {{"type", "string"}}}});
  }
  if (!parameters.empty()) operation["parameters"] = std::move(parameters);

  if (!rule.body().empty()) {
    Json schema;
    if (rule.body() == "*") {
      std::set<std::string> top_level_path_fields;
      for (const std::string& v : variables) {
        if (v.find('.') == std::string::npos) top_level_path_fields.insert(v);
      }
      schema = top_level_path_fields.empty()
                   ? MessageSchema(input, names)
                   : ObjectSchema(input, names, top_level_path_fields);
    } else {
      const pb::FieldDescriptor* field = input->FindFieldByName(rule.body());
      schema = field == nullptr ? Json::object() : FieldSchema(field, names);
    }
    operation["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", schema}}}}}};
  }

  Json ok;
  if (method->server_streaming()) {
    ok = {
        {"description",
         absl::StrCat("Server-sent events: each event has `id:` (its "
                      "sequence), `event: timeline` and `data:` one ",
                      method->output_type()->name(),
                      " in proto JSON; a `: keep-alive` comment comes "
                      "while nothing happens.")},
        {"content",
         {{"text/event-stream",
           {{"schema", {{"type", "string"}}},
            {"x-event-data", MessageSchema(method->output_type(), names)}}}}}};
  } else {
    Json schema = MessageSchema(method->output_type(), names);
    if (!rule.response_body().empty()) {
      const pb::FieldDescriptor* field =
          method->output_type()->FindFieldByName(rule.response_body());
      if (field != nullptr) schema = FieldSchema(field, names);
    }
    ok = {{"description", "OK"},
          {"content", {{"application/json", {{"schema", schema}}}}}};
  }
  Json responses = {{"200", ok}};
  for (const ErrorResponse& error : kErrorResponses) {
    if (error.needs_body && rule.body().empty()) continue;
    responses[error.status] = {
        {"$ref", absl::StrCat(kResponseRef, error.name)}};
  }
  operation["responses"] = std::move(responses);
  return operation;
}

std::vector<Binding> Bindings(const pb::MethodDescriptor* method) {
  std::vector<Binding> out;
  if (!method->options().HasExtension(google::api::http)) return out;
  const google::api::HttpRule& rule =
      method->options().GetExtension(google::api::http);
  Binding binding;
  if (VerbAndPath(rule, &binding)) out.push_back(binding);
  for (const google::api::HttpRule& extra : rule.additional_bindings()) {
    if (VerbAndPath(extra, &binding)) out.push_back(binding);
  }
  return out;
}

// The paths object, sorted by path; within a path, the verbs in the order
// declared. The tags, one per service, go to `tags`.
Json Paths(absl::Span<const pb::ServiceDescriptor* const> services,
           SchemaNames& names, Json* tags) {
  std::map<std::string, Json> paths;
  *tags = Json::array();
  for (const pb::ServiceDescriptor* service : services) {
    tags->push_back(
        {{"name", service->name()},
         {"description", absl::StrCat("gRPC service ", service->full_name())}});
    for (int m = 0; m < service->method_count(); ++m) {
      const pb::MethodDescriptor* method = service->method(m);
      const std::vector<Binding> bindings = Bindings(method);
      for (size_t b = 0; b < bindings.size(); ++b) {
        std::vector<std::string> variables;
        const std::string path = OpenApiPath(bindings[b].path, &variables);
        Json& item = paths[path];
        if (item.is_null()) item = Json::object();
        if (item.contains(bindings[b].verb)) continue;  // First one wins.
        const std::string id =
            absl::StrCat(service->name(), "_", method->name(),
                         b == 0 ? "" : absl::StrCat("_", b + 1));
        item[bindings[b].verb] =
            Operation(method, bindings[b], variables, id, names);
      }
    }
  }
  Json out = Json::object();
  for (auto& [path, item] : paths) out[path] = std::move(item);
  return out;
}

}  // namespace

std::string OpenApiDocument(
    absl::Span<const pb::ServiceDescriptor* const> services,
    absl::string_view server_url) {
  // Two passes: the first finds every type an operation refers to (so the
  // components hold those and what they reach, no more) and names them; the
  // second writes the references with those names.
  SchemaNames names;
  names.Ref(google::rpc::Status::descriptor());
  names.Ref(google::rpc::BadRequest::descriptor());
  Json tags;
  Paths(services, names, &tags);
  names.AssignNames();
  Json paths = Paths(services, names, &tags);

  Json doc = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "NHS tobacco dependency gateway: HTTP/JSON API"},
        {"version", "v1"},
        {"description",
         "The gRPC API's request and response messages in proto JSON, on "
         "the gateway's HTTPS listener with mutual TLS: the client "
         "certificate names the organisation and its role. Writes take a "
         "request_id: the same request_id again returns the first answer. "
         "Made from the google.api.http annotations in the .proto files, "
         "as the router is."}}},
      {"servers", {{{"url", server_url}}}},
      {"security", {{{"mutualTLS", Json::array()}}}},
      {"tags", tags},
  };
  doc["paths"] = std::move(paths);
  doc["components"] = {
      {"schemas", ComponentSchemas(names)},
      {"responses", ComponentResponses(names)},
      {"securitySchemes",
       {{"mutualTLS",
         {{"type", "mutualTLS"},
          {"description",
           "A client certificate the gateway's CA issued; its subject "
           "names the organisation (O, its ODS code) and its role (OU)."}}}}},
  };
  return doc.dump(2);
}

}  // namespace nhs::tobacco::jsonapi
