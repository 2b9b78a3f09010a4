#include "adapters/fhir/operation_outcome.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/xhtml.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::fhir {

absl::string_view IssueTypeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return "invalid";
    case absl::StatusCode::kNotFound:
      return "not-found";
    case absl::StatusCode::kFailedPrecondition:
      return "business-rule";
    case absl::StatusCode::kAlreadyExists:
      return "duplicate";
    case absl::StatusCode::kAborted:
      return "conflict";
    case absl::StatusCode::kPermissionDenied:
      return "forbidden";
    case absl::StatusCode::kUnauthenticated:
      return "login";
    case absl::StatusCode::kResourceExhausted:
      return "too-costly";
    case absl::StatusCode::kUnavailable:
      return "transient";
    case absl::StatusCode::kDeadlineExceeded:
      return "timeout";
    case absl::StatusCode::kUnimplemented:
      return "not-supported";
    default:
      return "exception";
  }
}

Json BuildOperationOutcome(const absl::Status& status, absl::string_view id) {
  absl::string_view code = IssueTypeFor(status.code());
  if (IsMalformedJson(status)) code = "structure";
  const std::string status_name = absl::StatusCodeToString(status.code());
  Json issues = Json::array();
  const auto violations = domain::GetFieldViolations(status);
  for (const domain::FieldViolation& v : violations) {
    issues.push_back(Json{
        {"severity", "error"},
        {"code", std::string(code)},
        {"details", Concept(Coding(kErrorSystem, status_name), v.description)},
        {"diagnostics", absl::StrCat(v.field, ": ", v.description)},
        {"expression", Json::array({v.field})}});
  }
  if (violations.empty()) {
    issues.push_back(
        Json{{"severity", "error"},
             {"code", std::string(code)},
             {"details", Concept(Coding(kErrorSystem, status_name))},
             {"diagnostics", std::string(status.message())}});
  }
  return Json{{"resourceType", "OperationOutcome"},
              {"id", std::string(id)},
              {"meta", Meta(kProfileOperationOutcome)},
              {"text", Narrative(absl::StrCat("Rejected: ",
                                              EscapeXhtml(status.message())))},
              {"issue", std::move(issues)}};
}

}  // namespace nhs::tobacco::fhir
