#ifndef GATEWAY_DOMAIN_REASON_CODES_H_
#define GATEWAY_DOMAIN_REASON_CODES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::domain {

// A configured list of coded reasons (GatewayConfig decline_reasons,
// not_supplied_reasons): the codes a party may give for a refusal and the
// text people read for each. Free-text reasons cannot be counted or acted
// on, so a code outside the list is refused, naming the list so the caller
// can fix it at once. An empty list accepts any well-formed code (the
// gateway's config always fills one; see config_loader). Immutable;
// thread-safe.
class ReasonCodeList {
 public:
  ReasonCodeList() = default;
  explicit ReasonCodeList(std::vector<v1::ReasonCode> codes)
      : codes_(std::move(codes)) {}
  static ReasonCodeList FromConfig(
      const google::protobuf::RepeatedPtrField<v1::ReasonCode>& codes);

  // OK when `code` is listed (or the list is empty); otherwise
  // INVALID_ARGUMENT with one violation on `field` whose description names
  // every valid code with its display text. `what` names the refusal
  // ("decline"), for the message.
  absl::Status Check(absl::string_view code, absl::string_view field,
                     absl::string_view what) const;
  // The display text of `code`; empty when it is not listed.
  std::string Display(absl::string_view code) const;
  // "CODE (Display), ..." for error messages and help text.
  std::string Describe() const;
  bool empty() const { return codes_.empty(); }
  const std::vector<v1::ReasonCode>& codes() const { return codes_; }

 private:
  std::vector<v1::ReasonCode> codes_;
};

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REASON_CODES_H_
