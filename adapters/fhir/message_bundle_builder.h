#ifndef ADAPTERS_FHIR_MESSAGE_BUNDLE_BUILDER_H_
#define ADAPTERS_FHIR_MESSAGE_BUNDLE_BUILDER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/fhir/resource_json.h"

namespace nhs::tobacco::fhir {

// Where a message comes from and goes to, and its identity. The message id
// is the receiver's deduplication key: a resend must reuse it.
struct MessageContext {
  // A UUID: Bundle.identifier.value and the MessageHeader's id.
  std::string message_id;
  absl::Time timestamp;
  std::string source_endpoint;
  std::string destination_endpoint;
  std::string source_name = "Tobacco dependence gateway";
};

// Assembles a FHIR R4 Bundle of type message (domain.md section 7): the
// MessageHeader first, every entry with a urn:uuid fullUrl derived from the
// message id (so the same input always gives the same bytes), UK Core
// profiles in meta.profile. Single use; thread-compatible.
class MessageBundleBuilder {
 public:
  MessageBundleBuilder(MessageContext context, absl::string_view event_code,
                       absl::string_view event_display);

  // Adds `resource` as an entry; `key` names it within the message
  // ("patient", "gp-practice"). Sets resource.id and returns the fullUrl
  // ("urn:uuid:...") to reference it by.
  std::string Add(absl::string_view key, Json resource);
  // The fullUrl the resource added under `key` has (or will have), so
  // resources can reference each other in any order.
  std::string UrlFor(absl::string_view key) const;

  void SetSender(absl::string_view full_url) {
    sender_ = std::string(full_url);
  }
  void SetReceiver(absl::string_view full_url) {
    receiver_ = std::string(full_url);
  }
  void AddFocus(absl::string_view full_url) { focus_.emplace_back(full_url); }
  // MessageHeader.reason: why the event happened (a CodeableConcept),
  // e.g. that this message is a reminder.
  void SetReason(Json reason) { reason_ = std::move(reason); }
  // Makes this a response to the request whose MessageHeader id is
  // `request_header_id`; `code` is ok, transient-error or fatal-error.
  void SetResponse(absl::string_view request_header_id, absl::string_view code);

  Json Build() &&;

 private:
  MessageContext context_;
  std::string event_code_;
  std::string event_display_;
  std::string sender_;
  std::string receiver_;
  std::vector<std::string> focus_;
  std::string response_to_;
  std::string response_code_;
  Json reason_;
  Json entries_ = Json::array();
};

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_MESSAGE_BUNDLE_BUILDER_H_
