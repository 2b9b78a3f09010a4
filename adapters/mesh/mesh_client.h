#ifndef ADAPTERS_MESH_MESH_CLIENT_H_
#define ADAPTERS_MESH_MESH_CLIENT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/http/client.h"
#include "adapters/http/message.h"

namespace nhs::tobacco::mesh {

struct MeshClientOptions {
  std::string base_url;  // "https://host:port", no trailing slash
  std::string mailbox_id;
  std::string password;  // secrets: never logged, never in a Status message
  std::string shared_key;
  // CA, our client certificate and key, timeouts: MESH requires mutual TLS.
  // max_response_bytes is raised to kMaxMeshChunkBytes if lower, as one
  // downloaded chunk is as large as its sender made it.
  http::ClientOptions tls;
  size_t chunk_size = 20 * 1024 * 1024;  // a larger body goes in chunks
  int max_attempts = 3;  // per HTTP call, for 429/5xx/unreachable
  absl::Duration initial_backoff = absl::Milliseconds(200);  // then doubled
};

// MESH's largest chunk (100 MB): the least download limit we accept.
inline constexpr size_t kMaxMeshChunkBytes = 100 * 1000 * 1000;

struct OutgoingMessage {
  std::string to_mailbox;
  std::string workflow_id;  // mex-workflowid
  std::string local_id;     // mex-localid (the gateway's outbox message id)
  // mex-subject: carries patient data by design: NEVER log it or put it in a
  // Status.
  std::string subject;
  std::string filename;      // mex-filename
  std::string content_type;  // e.g. application/fhir+json
  std::string body;
};

struct InboxMessage {
  std::string message_id;
  std::string message_type;  // "DATA" or "REPORT" (mex-messagetype)
  std::string workflow_id, from_mailbox, to_mailbox, local_id, filename,
      content_type;
  // REPORT messages (non-delivery and similar): mex-statuscode,
  // mex-statusdescription, mex-statusevent, mex-statussuccess
  // ("SUCCESS"/"ERROR"), mex-linkedmsgid (the DATA message it reports on).
  // A DATA message has "00", "Transferred to recipient mailbox", "TRANSFER",
  // "SUCCESS" here.
  std::string status_code, status_description, status_event, status_success,
      linked_message_id;
  std::string subject;  // mex-subject: patient data, never log it
  std::string body;     // all chunks joined
};

struct TrackingInfo {
  // status as MESH reports it, lower case: "uploading", "accepted",
  // "acknowledged", "undeliverable", "error".
  std::string message_id, local_id, status;
  std::string status_code, status_description;
};

// A client of one MESH mailbox over the MESH API v2 (Accept:
// application/vnd.mesh.v2+json): every request has a fresh nonce in its
// NHSMESH Authorization header and the mex-client/OS headers MESH asks for.
//
// Errors, for the outbox's transient/permanent rules:
//   UNAVAILABLE          unreachable, TLS failure, HTTP 429 or 5xx, after
//                        max_attempts tries with doubling back-off
//   DEADLINE_EXCEEDED    a timeout of http::ClientOptions, after the tries
//   PERMISSION_DENIED    HTTP 403 (401): wrong password, shared key or
//                        mailbox, or not our message
//   FAILED_PRECONDITION  HTTP 417 with an addressing code: unknown recipient
//                        mailbox ("12"), workflow not registered ("17","18"),
//                        lookup matched none/several ("EPL-150".."EPL-153");
//                        TrackByLocalId: several messages share the local id;
//                        also our CA, certificate or key cannot be loaded
//   NOT_FOUND            HTTP 404 or 410 (download, acknowledge, track)
//   INVALID_ARGUMENT     any other 4xx, or a message we refuse to send (no
//                        recipient, workflow or body; CR/LF in a header)
//   DATA_LOSS            a downloaded body fails the checksum we sent with it
//   INTERNAL             a 2xx answer MESH should not have given (bad JSON)
// Messages name the call, HTTP status and MESH's error code and
// description (mesh_error.h; MeshErrorOf reads them back), never the
// subject, body, password or key.
//
// Retries: every call but the first POST of a Send is idempotent and is
// retried as above. That POST is retried only when MESH cannot have acted
// on it (429, or no connection was made); after a 5xx or a timeout MESH
// may hold the message, so the error is returned at once for the caller
// to check with TrackByLocalId before sending again.
//
// Thread-safe: no mutable state; each call uses its own connections.
class MeshClient {
 public:
  explicit MeshClient(MeshClientOptions options);

  // Mailbox validation (the "connect" call); MESH wants one a day at least.
  absl::Status Handshake();
  // Returns MESH's message id. A body over chunk_size goes in chunks (the
  // first with mex-chunk-range "1:N", then POST outbox/{id}/{n}); a failed
  // chunk's error names the message id and chunk.
  absl::StatusOr<std::string> Send(const OutgoingMessage& m);
  // Message ids waiting, oldest first, following links.next.
  absl::StatusOr<std::vector<std::string>> ListInbox();
  // The message with its chunks joined; it stays in the inbox until
  // Acknowledge.
  absl::StatusOr<InboxMessage> Download(absl::string_view message_id);
  // Removes it from the inbox; acknowledging twice is OK.
  absl::Status Acknowledge(absl::string_view message_id);
  // A message we sent.
  absl::StatusOr<TrackingInfo> TrackByMessageId(absl::string_view message_id);
  // Deprecated by MESH but the only lookup by our own id; nullopt when no
  // message we sent has it. A local id with '/' is INVALID_ARGUMENT (it is
  // a path segment MESH decodes before routing).
  absl::StatusOr<std::optional<TrackingInfo>> TrackByLocalId(
      absl::string_view local_id);
  // The mailboxes of organisation `ods_code` that receive `workflow_id`.
  absl::StatusOr<std::vector<std::string>> LookupMailboxes(
      absl::string_view ods_code, absl::string_view workflow_id);

 private:
  struct Call {
    std::string method;
    std::string path;  // from /messageexchange, query included
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool idempotent = true;
  };
  // One call, retried as documented; a non-2xx answer becomes a Status.
  absl::StatusOr<http::Response> Exchange(const Call& call) const;
  absl::StatusOr<http::Response> ExchangeOnce(const Call& call) const;
  std::string MailboxPath(absl::string_view rest) const;

  const MeshClientOptions options_;
  http::ClientOptions tls_;
  // mex-clientversion and the mex-os* headers, fixed for the process.
  std::vector<std::pair<std::string, std::string>> client_headers_;
};

}  // namespace nhs::tobacco::mesh

#endif  // ADAPTERS_MESH_MESH_CLIENT_H_
