#include "adapters/mesh/mesh_error.h"

#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::mesh {
namespace {

using nlohmann::json;

constexpr absl::string_view kDetailPayload = "nhs.tobacco.mesh/error";
// MESH's descriptions are short; anything longer is not one of them.
constexpr size_t kMaxDescription = 200;

std::string Text(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>().substr(0, kMaxDescription);
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

MeshErrorDetail ReadDetail(const http::Response& answer) {
  MeshErrorDetail detail;
  detail.http_status = answer.status;
  const json body =
      json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return detail;
  // v1: {"errorEvent", "errorCode", "errorDescription"}.
  detail.event = Text(body, "errorEvent");
  detail.code = Text(body, "errorCode");
  detail.description = Text(body, "errorDescription");
  auto list = body.find("detail");
  if (list != body.end() && list->is_array() && !list->empty()) {
    const json& first = (*list)[0];
    if (first.contains("loc")) {
      // FastAPI's validation answer: where, and what is wrong there (the
      // values themselves are left out).
      std::vector<std::string> where;
      if (first["loc"].is_array()) {
        for (const json& part : first["loc"]) {
          if (part.is_string()) where.push_back(part.get<std::string>());
        }
      }
      detail.description =
          absl::StrCat(absl::StrJoin(where, " "), ": ", Text(first, "msg"));
    } else {
      // v2: {"detail": [{"event", "code", "msg"}]}.
      detail.event = Text(first, "event");
      detail.code = Text(first, "code");
      detail.description = Text(first, "msg");
    }
  } else if (list != body.end() && list->is_string()) {
    detail.description = list->get<std::string>().substr(0, kMaxDescription);
  }
  if (detail.description.empty()) detail.description = Text(body, "message");
  return detail;
}

absl::StatusCode CodeFor(const MeshErrorDetail& detail) {
  const int status = detail.http_status;
  if (status == 401 || status == 403)
    return absl::StatusCode::kPermissionDenied;
  if (status == 404 || status == 410) return absl::StatusCode::kNotFound;
  if (status == 417 && IsAddressingErrorCode(detail.code)) {
    return absl::StatusCode::kFailedPrecondition;
  }
  if (status == 429 || status >= 500) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kInvalidArgument;
}

}  // namespace

bool IsAddressingErrorCode(absl::string_view code) {
  return code == "12" || code == "17" || code == "18" || code == "EPL-150" ||
         code == "EPL-151" || code == "EPL-152" || code == "EPL-153";
}

absl::Status StatusFromMeshAnswer(absl::string_view what,
                                  const http::Response& answer) {
  const MeshErrorDetail detail = ReadDetail(answer);
  std::string message = absl::StrCat("MESH ", what, ": HTTP ", answer.status);
  for (const std::string* part :
       {&detail.event, &detail.code, &detail.description}) {
    if (!part->empty()) absl::StrAppend(&message, " ", *part);
  }
  absl::Status status(CodeFor(detail), message);
  status.SetPayload(
      kDetailPayload,
      absl::Cord(absl::StrCat(detail.http_status, "\n", detail.event, "\n",
                              detail.code, "\n", detail.description)));
  return status;
}

std::optional<MeshErrorDetail> MeshErrorOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kDetailPayload);  // absl::optional
  if (!payload.has_value()) return std::nullopt;
  std::vector<std::string> parts =
      absl::StrSplit(std::string(*payload), absl::MaxSplits('\n', 3));
  if (parts.size() != 4) return std::nullopt;
  MeshErrorDetail detail;
  if (!absl::SimpleAtoi(parts[0], &detail.http_status)) return std::nullopt;
  detail.event = std::move(parts[1]);
  detail.code = std::move(parts[2]);
  detail.description = std::move(parts[3]);
  return detail;
}

}  // namespace nhs::tobacco::mesh
