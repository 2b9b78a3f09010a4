#ifndef ADAPTERS_MESH_MESH_ERROR_H_
#define ADAPTERS_MESH_MESH_ERROR_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "adapters/http/message.h"

namespace nhs::tobacco::mesh {

// What MESH said about a refused request: the HTTP status and, when its
// body carried one, MESH's error event, code and description (e.g. 417,
// "SEND", "12", "Unregistered to address"). Travels on the Status as a
// payload, so callers branch on the code rather than parse the message.
struct MeshErrorDetail {
  int http_status = 0;
  std::string event;
  std::string code;
  std::string description;
};

// MESH error codes saying the message can never be delivered as addressed:
// the recipient mailbox is unknown ("12"), the workflow is not registered
// for it ("17", "18"), or the ODS code/workflow lookup matched none or
// several mailboxes ("EPL-150".."EPL-153").
bool IsAddressingErrorCode(absl::string_view code);

// The Status for a non-2xx answer to `what` ("POST /messageexchange/X/outbox"):
//   403 (and 401)                       -> PERMISSION_DENIED
//   404, 410                            -> NOT_FOUND
//   417 with an addressing code (above) -> FAILED_PRECONDITION
//   429, 5xx                            -> UNAVAILABLE
//   any other                           -> INVALID_ARGUMENT
// The message names `what`, the HTTP status and MESH's event, code and
// description, read from the v2 ({"detail":[{"event","code","msg"}]}), v1
// ({"errorEvent","errorCode","errorDescription"}) or validation
// ({"detail":[{"loc","msg"}]}) shapes; never the rest of the body, which
// may echo the request. The detail is attached (MeshErrorOf).
absl::Status StatusFromMeshAnswer(absl::string_view what,
                                  const http::Response& answer);

// The detail StatusFromMeshAnswer attached, if any.
std::optional<MeshErrorDetail> MeshErrorOf(const absl::Status& status);

}  // namespace nhs::tobacco::mesh

#endif  // ADAPTERS_MESH_MESH_ERROR_H_
