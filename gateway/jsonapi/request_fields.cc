#include "gateway/jsonapi/request_fields.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::jsonapi {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Refuse(absl::string_view field, absl::string_view why) {
  return domain::InvalidArgumentWithViolations(
      "the request does not match the method",
      {domain::FieldViolation{std::string(field), std::string(why)}});
}

const FieldDescriptor* FieldNamed(const Descriptor& type,
                                  absl::string_view name) {
  if (const FieldDescriptor* f = type.FindFieldByName(std::string(name))) {
    return f;
  }
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == name) return type.field(i);
  }
  return nullptr;
}

// The message holding the last field of `path` and that field, creating
// the nested messages on the way; null field when a name is unknown or
// crosses a non-message field.
std::pair<Message*, const FieldDescriptor*> Resolve(Message& root,
                                                    absl::string_view path) {
  Message* message = &root;
  const std::vector<absl::string_view> names = absl::StrSplit(path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* field =
        FieldNamed(*message->GetDescriptor(), names[i]);
    if (field == nullptr) return {message, nullptr};
    if (i + 1 == names.size()) return {message, field};
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      return {message, nullptr};
    }
    message = message->GetReflection()->MutableMessage(message, field);
  }
  return {message, nullptr};
}

// An enum value by its full name ("REPORT_BREAKDOWN_SOURCE"), its number,
// or its name without the type's prefix ("SOURCE" for ReportBreakdown):
// what a person types in a URL.
const google::protobuf::EnumValueDescriptor* EnumValueNamed(
    const google::protobuf::EnumDescriptor& type, const std::string& text) {
  if (const auto* value = type.FindValueByName(text)) return value;
  int number;
  if (absl::SimpleAtoi(text, &number)) return type.FindValueByNumber(number);
  std::string prefix;
  for (char c : type.name()) {
    if (absl::ascii_isupper(c) && !prefix.empty()) prefix.push_back('_');
    prefix.push_back(absl::ascii_toupper(c));
  }
  return type.FindValueByName(absl::StrCat(prefix, "_", text));
}

// Sets (or adds, for a repeated field) one scalar from text.
absl::Status SetScalar(Message& message, const FieldDescriptor& field,
                       absl::string_view name, const std::string& text) {
  const Reflection& r = *message.GetReflection();
  const bool rep = field.is_repeated();
  const auto bad = [&] {
    return Refuse(name, absl::StrCat("not a valid ", field.cpp_type_name()));
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      rep ? r.AddString(&message, &field, text)
          : r.SetString(&message, &field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad();
      rep ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad();
      rep ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad();
      rep ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad();
      rep ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(text, &v)) return bad();
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        rep ? r.AddDouble(&message, &field, v)
            : r.SetDouble(&message, &field, v);
      } else {
        const float f = static_cast<float>(v);
        rep ? r.AddFloat(&message, &field, f) : r.SetFloat(&message, &field, f);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (text == "true") {
        v = true;
      } else if (text == "false") {
        v = false;
      } else {
        return Refuse(name, "must be true or false");
      }
      rep ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* value =
          EnumValueNamed(*field.enum_type(), text);
      if (value == nullptr) {
        return Refuse(
            name, absl::StrCat("not a value of ", field.enum_type()->name()));
      }
      rep ? r.AddEnum(&message, &field, value)
          : r.SetEnum(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return Refuse(name, "a message field cannot be set from the URL");
}

// What the body put in a field, as text, to compare with the path's value
// (empty when unset: the path fills it).
std::string CurrentText(const Message& message, const FieldDescriptor& field) {
  const Reflection& r = *message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return r.GetString(message, &field);
    case FieldDescriptor::CPPTYPE_INT32:
      return r.GetInt32(message, &field) == 0
                 ? ""
                 : absl::StrCat(r.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return r.GetInt64(message, &field) == 0
                 ? ""
                 : absl::StrCat(r.GetInt64(message, &field));
    default:
      return "";
  }
}

}  // namespace

absl::Status ApplyPathBindings(const PathBindings& bindings, Message& request) {
  for (const auto& [path, value] : bindings) {
    auto [message, field] = Resolve(request, path);
    if (field == nullptr || field->is_repeated()) {
      return absl::InternalError(
          absl::StrCat("route variable ", path, " names no field"));
    }
    const std::string current = CurrentText(*message, *field);
    if (!current.empty() && current != value) {
      return Refuse(path, "differs from the value in the URL path");
    }
    if (absl::Status s = SetScalar(*message, *field, path, value); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyQuery(absl::string_view query, const PathBindings& bindings,
                        Message& request) {
  // Values by parameter name, in order, so a repeated field gets them all.
  std::vector<std::pair<std::string, std::string>> params;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::optional<std::string> name = PercentDecode(kv.first, true);
    std::optional<std::string> value = PercentDecode(kv.second, true);
    if (!name.has_value() || !value.has_value()) {
      return Refuse("query", "malformed percent-encoding");
    }
    params.emplace_back(*std::move(name), *std::move(value));
  }
  absl::flat_hash_map<const FieldDescriptor*, int> seen;
  for (const auto& [name, value] : params) {
    auto [message, field] = Resolve(request, name);
    if (field == nullptr) return Refuse(name, "no such query parameter");
    for (const auto& [bound, unused] : bindings) {
      auto [bound_message, bound_field] = Resolve(request, bound);
      if (bound_field == field && bound_message == message) {
        return Refuse(name, "is given in the URL path");
      }
    }
    if (!field->is_repeated() && ++seen[field] > 1) {
      return Refuse(name, "given more than once");
    }
    if (absl::Status s = SetScalar(*message, *field, name, value); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyBody(absl::string_view json, absl::string_view body_field,
                       Message& request) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  Message* target = &request;
  if (body_field != "*") {
    const FieldDescriptor* field =
        request.GetDescriptor()->FindFieldByName(std::string(body_field));
    if (field == nullptr ||
        field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::InternalError(
          absl::StrCat("route body ", body_field, " names no message field"));
    }
    target = request.GetReflection()->MutableMessage(&request, field);
  }
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      std::string(json), target, options);
  if (!parsed.ok()) {
    return Refuse("body", absl::StrCat("not a valid JSON ",
                                       target->GetDescriptor()->name(), ": ",
                                       std::string(parsed.message())));
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::jsonapi
