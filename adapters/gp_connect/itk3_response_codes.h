#ifndef ADAPTERS_GP_CONNECT_ITK3_RESPONSE_CODES_H_
#define ADAPTERS_GP_CONNECT_ITK3_RESPONSE_CODES_H_

#include <optional>

#include "absl/strings/string_view.h"

// The ITK3 response codes (nhsconnect/ITK3-Messaging-Distribution, pages/
// explore/explore_response_codes.md and the code-mapping page): what each
// means and how FHIR carries it (MessageHeader.response.code,
// OperationOutcome.issue.severity and .code).
namespace nhs::tobacco::gp_connect {

struct Itk3ResponseCode {
  absl::string_view code;        // "20013"
  absl::string_view display;     // the spec's display name; no patient data
  absl::string_view issue_type;  // OperationOutcome.issue.code
  bool positive;                 // response.code ok, issue severity information
  bool business;                 // 3xxxx: a business acknowledgement
};

// The entry for `code`, or nothing for a code the spec does not define.
std::optional<Itk3ResponseCode> FindItk3ResponseCode(absl::string_view code);

}  // namespace nhs::tobacco::gp_connect

#endif  // ADAPTERS_GP_CONNECT_ITK3_RESPONSE_CODES_H_
