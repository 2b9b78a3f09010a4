#include "adapters/fhir/message_bundle_builder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/uuid.h"
#include "adapters/fhir/xhtml.h"

namespace nhs::tobacco::fhir {

MessageBundleBuilder::MessageBundleBuilder(MessageContext context,
                                           absl::string_view event_code,
                                           absl::string_view event_display)
    : context_(std::move(context)),
      event_code_(event_code),
      event_display_(event_display) {}

std::string MessageBundleBuilder::UrlFor(absl::string_view key) const {
  return absl::StrCat(
      "urn:uuid:", NameBasedUuid(absl::StrCat(context_.message_id, "/", key)));
}

std::string MessageBundleBuilder::Add(absl::string_view key, Json resource) {
  const std::string id =
      NameBasedUuid(absl::StrCat(context_.message_id, "/", key));
  // id goes right after resourceType, where readers expect it.
  Json ordered{{"resourceType", resource["resourceType"]}, {"id", id}};
  for (auto& [k, v] : resource.items()) {
    if (k != "resourceType" && k != "id") ordered[k] = std::move(v);
  }
  std::string full_url = absl::StrCat("urn:uuid:", id);
  entries_.push_back(
      Json{{"fullUrl", full_url}, {"resource", std::move(ordered)}});
  return full_url;
}

void MessageBundleBuilder::SetResponse(absl::string_view request_header_id,
                                       absl::string_view code) {
  response_to_ = std::string(request_header_id);
  response_code_ = std::string(code);
}

Json MessageBundleBuilder::Build() && {
  const std::string& header_id = context_.message_id;
  Json header{{"resourceType", "MessageHeader"},
              {"id", header_id},
              {"meta", Meta(kProfileMessageHeader)},
              {"text", Narrative(absl::StrCat("Message: ",
                                              EscapeXhtml(event_display_)))},
              {"eventCoding",
               Coding(kMessageEventSystem, event_code_, event_display_)}};
  if (!context_.destination_endpoint.empty()) {
    Json destination{{"endpoint", context_.destination_endpoint}};
    if (!receiver_.empty()) destination["receiver"] = Reference(receiver_);
    header["destination"] = Json::array({std::move(destination)});
  }
  if (!sender_.empty()) header["sender"] = Reference(sender_);
  if (!reason_.is_null()) header["reason"] = std::move(reason_);
  header["source"] = Json{{"name", context_.source_name},
                          {"endpoint", context_.source_endpoint}};
  if (!response_to_.empty()) {
    header["response"] =
        Json{{"identifier", response_to_}, {"code", response_code_}};
  }
  if (!focus_.empty()) {
    Json focus = Json::array();
    for (const std::string& f : focus_) focus.push_back(Reference(f));
    header["focus"] = std::move(focus);
  }
  Json entries = Json::array();
  entries.push_back(Json{{"fullUrl", absl::StrCat("urn:uuid:", header_id)},
                         {"resource", std::move(header)}});
  for (auto& e : entries_) entries.push_back(std::move(e));
  return Json{{"resourceType", "Bundle"},
              {"id", NameBasedUuid(absl::StrCat(header_id, "/bundle"))},
              {"meta", Meta(kProfileBundle)},
              {"identifier", Identifier(kMessageIdSystem, header_id)},
              {"type", "message"},
              {"timestamp", DateTime(context_.timestamp)},
              {"entry", std::move(entries)}};
}

}  // namespace nhs::tobacco::fhir
