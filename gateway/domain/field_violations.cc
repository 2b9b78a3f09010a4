#include "gateway/domain/field_violations.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/common/error_reason.h"
#include "google/rpc/error_details.pb.h"

namespace nhs::tobacco::domain {

void Violations::Add(absl::string_view field, absl::string_view description) {
  list_.push_back({std::string(field), std::string(description)});
}

absl::Status Violations::ToStatus(absl::string_view what) const {
  if (list_.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations(what, list_);
}

absl::Status InvalidArgumentWithViolations(
    absl::string_view what, const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  std::string message = absl::StrCat(
      what, ": ",
      absl::StrJoin(violations, "; ",
                    [](std::string* out, const FieldViolation& v) {
                      absl::StrAppend(out, v.field, ": ", v.description);
                    }));
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl,
                    absl::Cord(bad_request.SerializeAsString()));
  return WithReason(std::move(status), reason::kValidationFailed);
}

std::vector<FieldViolation> GetFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& fv : bad_request.field_violations()) {
    out.push_back({fv.field(), fv.description()});
  }
  return out;
}

}  // namespace nhs::tobacco::domain
