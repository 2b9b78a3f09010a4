#include "gateway/domain/text_fields.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/utf8.h"
#include "gateway/domain/field_violations.h"
#include "google/protobuf/descriptor.h"

namespace nhs::tobacco::domain {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr absl::string_view kNotUtf8 = "is not valid UTF-8";

std::string Join(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

// Only set fields are visited (ListFields), so the walk costs what the
// message holds, not what its schema could hold.
void Walk(const Message& message, const std::string& path, Violations& v) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  std::string scratch;
  for (const FieldDescriptor* field : fields) {
    const std::string at = Join(path, field->name());
    const bool text = field->type() == FieldDescriptor::TYPE_STRING;
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!text && !nested) continue;
    if (!field->is_repeated()) {
      if (text) {
        const std::string& s =
            reflection->GetStringReference(message, field, &scratch);
        if (!IsValidUtf8(s)) v.Add(at, kNotUtf8);
      } else {
        Walk(reflection->GetMessage(message, field), at, v);
      }
      continue;
    }
    // Map entries are repeated messages of key and value: the walk names
    // them by index like any repeated field.
    const int n = reflection->FieldSize(message, field);
    for (int i = 0; i < n; ++i) {
      const std::string item = absl::StrCat(at, "[", i, "]");
      if (text) {
        const std::string& s =
            reflection->GetRepeatedStringReference(message, field, i, &scratch);
        if (!IsValidUtf8(s)) v.Add(item, kNotUtf8);
      } else {
        Walk(reflection->GetRepeatedMessage(message, field, i), item, v);
      }
    }
  }
}

}  // namespace

absl::Status CheckTextFields(const Message& message, absl::string_view prefix,
                             absl::string_view what) {
  Violations v;
  Walk(message, std::string(prefix), v);
  return v.ToStatus(what);
}

}  // namespace nhs::tobacco::domain
