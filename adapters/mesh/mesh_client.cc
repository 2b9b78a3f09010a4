#include "adapters/mesh/mesh_client.h"

#include <openssl/sha.h>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "adapters/mesh/mesh_auth.h"
#include "adapters/mesh/mesh_error.h"
#include "gateway/common/build_info.h"
#include "gateway/common/log.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::mesh {
namespace {

using nlohmann::json;

constexpr absl::string_view kMeshV2 = "application/vnd.mesh.v2+json";
// A sandbox or proxy gone wrong must not keep ListInbox paging for ever.
constexpr int kMaxInboxPages = 1000;
// Our mex-content-checksum: "sha256:" and the body's hex digest. MESH only
// carries it; the recipient checks it (Download does).
constexpr absl::string_view kChecksumPrefix = "sha256:";

std::string Sha256Checksum(absl::string_view body) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(),
         digest.data());
  return absl::StrCat(
      kChecksumPrefix,
      absl::BytesToHexString(absl::string_view(
          reinterpret_cast<const char*>(digest.data()), digest.size())));
}

// Percent-encodes all but RFC 3986's unreserved characters: ids go into
// paths and queries whatever they contain.
std::string Escape(absl::string_view text) {
  std::string out;
  for (const char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(
                          absl::BytesToHexString(absl::string_view(&c, 1))));
    }
  }
  return out;
}

std::string Header(const http::Response& response, absl::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

std::string Text(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

absl::StatusOr<json> ParseJson(absl::string_view what,
                               const http::Response& response) {
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    return absl::InternalError(absl::StrCat(
        "MESH ", what, ": HTTP ", response.status, " without a JSON object"));
  }
  return body;
}

// "n:N" -> N; 1 when absent. A REPORT has no body and MESH says "1:0".
absl::StatusOr<int> TotalChunks(absl::string_view what,
                                const http::Response& response) {
  const std::string range = Header(response, "mex-chunk-range");
  if (range.empty()) return 1;
  std::vector<absl::string_view> parts = absl::StrSplit(range, ':');
  int total = 0;
  if (parts.size() != 2 ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(parts[1]), &total) ||
      total < 0) {
    return absl::InternalError(
        absl::StrCat("MESH ", what, ": bad mex-chunk-range ", range));
  }
  return total;
}

bool Transient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

TrackingInfo TrackingFrom(const json& body) {
  TrackingInfo info;
  // v2 names, then v1's (the deprecated local id route answers in v1).
  info.message_id = Text(body, "message_id");
  if (info.message_id.empty()) info.message_id = Text(body, "messageId");
  info.local_id = Text(body, "local_id");
  if (info.local_id.empty()) info.local_id = Text(body, "localId");
  info.status = absl::AsciiStrToLower(Text(body, "status"));
  info.status_code = Text(body, "status_code");
  if (info.status_code.empty()) info.status_code = Text(body, "statusCode");
  info.status_description = Text(body, "status_description");
  if (info.status_description.empty()) {
    info.status_description = Text(body, "statusDescription");
  }
  if (info.status_description.empty()) {
    info.status_description = Text(body, "failureDiagnostic");
  }
  return info;
}

}  // namespace

MeshClient::MeshClient(MeshClientOptions options)
    : options_(std::move(options)), tls_(options_.tls) {
  tls_.max_response_bytes =
      std::max(tls_.max_response_bytes, kMaxMeshChunkBytes);
  utsname host{};
  const bool named = uname(&host) == 0;
  client_headers_ = {
      {"mex-ClientVersion", absl::StrCat("tobacco-gateway==", BuildVersion())},
      {"mex-OSName", named ? host.sysname : "Linux"},
      {"mex-OSVersion", named ? host.release : "unknown"},
      {"mex-OSArchitecture", named ? host.machine : "unknown"},
  };
}

std::string MeshClient::MailboxPath(absl::string_view rest) const {
  return absl::StrCat("/messageexchange/", Escape(options_.mailbox_id), rest);
}

absl::StatusOr<http::Response> MeshClient::ExchangeOnce(
    const Call& call) const {
  http::ClientRequest request;
  request.method = call.method;
  request.url = absl::StrCat(options_.base_url, call.path);
  request.headers = client_headers_;
  request.headers.emplace_back(
      "Authorization",
      MeshAuthorization(options_.mailbox_id, options_.password,
                        options_.shared_key, NewNonce(), 1, absl::Now()));
  request.headers.emplace_back("Accept", std::string(kMeshV2));
  for (const auto& header : call.headers) request.headers.push_back(header);
  request.body = call.body;
  return http::SendOverTls(request, tls_);
}

absl::StatusOr<http::Response> MeshClient::Exchange(const Call& call) const {
  const std::string what = absl::StrCat(call.method, " ", call.path);
  absl::Duration backoff = options_.initial_backoff;
  absl::Status last;
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<http::Response> answer = ExchangeOnce(call);
    bool retry = false;
    if (!answer.ok()) {
      if (!Transient(answer.status())) return answer.status();
      retry = call.idempotent || http::RequestNeverSent(answer.status());
      // The transport's message names the URL, which is ours to show.
      last = absl::Status(answer.status().code(),
                          absl::StrCat("MESH ", answer.status().message()));
    } else if (answer->status >= 200 && answer->status < 300) {
      return answer;
    } else {
      last = StatusFromMeshAnswer(what, *answer);
      if (last.code() != absl::StatusCode::kUnavailable) return last;
      retry = call.idempotent || answer->status == 429;
    }
    if (!retry || attempt >= options_.max_attempts) return last;
    LogEvent(LogLevel::kWarning, "mesh")
        .With("call", what)
        .With("attempt", attempt)
        .With("error", std::string(absl::StatusCodeToString(last.code())))
        .Write("MESH call failed; retrying");
    absl::SleepFor(backoff);
    backoff *= 2;
  }
}

absl::Status MeshClient::Handshake() {
  return Exchange({.method = "GET", .path = MailboxPath("")}).status();
}

absl::StatusOr<std::string> MeshClient::Send(const OutgoingMessage& m) {
  if (m.to_mailbox.empty() || m.workflow_id.empty()) {
    return absl::InvalidArgumentError(
        "MESH send: a recipient mailbox and a workflow id are required");
  }
  if (m.body.empty()) {
    return absl::InvalidArgumentError("MESH send: the body is empty");
  }
  const size_t chunk_size = std::max<size_t>(options_.chunk_size, 1);
  const size_t chunks = (m.body.size() + chunk_size - 1) / chunk_size;
  const absl::string_view body(m.body);

  Call first{.method = "POST", .path = MailboxPath("/outbox")};
  first.idempotent = false;
  first.headers = {
      {"mex-From", options_.mailbox_id},
      {"mex-To", m.to_mailbox},
      {"mex-WorkflowID", m.workflow_id},
      {"mex-Content-Checksum", Sha256Checksum(body)},
      {"Content-Type",
       m.content_type.empty() ? "application/octet-stream" : m.content_type},
  };
  if (!m.local_id.empty())
    first.headers.emplace_back("mex-LocalID", m.local_id);
  if (!m.subject.empty()) first.headers.emplace_back("mex-Subject", m.subject);
  if (!m.filename.empty()) {
    first.headers.emplace_back("mex-FileName", m.filename);
  }
  if (chunks > 1) {
    first.headers.emplace_back("mex-Chunk-Range", absl::StrCat("1:", chunks));
  }
  first.body = std::string(body.substr(0, chunk_size));
  absl::StatusOr<http::Response> sent = Exchange(first);
  if (!sent.ok()) return sent.status();
  absl::StatusOr<json> answer = ParseJson("POST outbox", *sent);
  if (!answer.ok()) return answer.status();
  std::string message_id = Text(*answer, "message_id");
  if (message_id.empty()) message_id = Text(*answer, "messageID");
  if (message_id.empty()) {
    return absl::InternalError("MESH POST outbox: no message_id in the answer");
  }

  for (size_t n = 2; n <= chunks; ++n) {
    Call chunk{.method = "POST",
               .path = MailboxPath(
                   absl::StrCat("/outbox/", Escape(message_id), "/", n))};
    chunk.headers = {{"mex-Chunk-Range", absl::StrCat(n, ":", chunks)},
                     {"Content-Type", "application/octet-stream"}};
    chunk.body = std::string(body.substr((n - 1) * chunk_size, chunk_size));
    absl::StatusOr<http::Response> uploaded = Exchange(chunk);
    if (!uploaded.ok()) {
      // MESH keeps the message "uploading" until it expires: never delivered.
      return absl::Status(
          uploaded.status().code(),
          absl::StrCat(uploaded.status().message(), " (message ", message_id,
                       " chunk ", n, " of ", chunks, " not uploaded)"));
    }
  }
  LogEvent(LogLevel::kInfo, "mesh")
      .With("message_id", message_id)
      .With("local_id", m.local_id)
      .With("workflow_id", m.workflow_id)
      .With("chunks", static_cast<int64_t>(chunks))
      .Write("MESH message sent");
  return message_id;
}

absl::StatusOr<std::vector<std::string>> MeshClient::ListInbox() {
  std::vector<std::string> ids;
  std::string path = MailboxPath("/inbox");
  for (int page = 0; page < kMaxInboxPages && !path.empty(); ++page) {
    absl::StatusOr<http::Response> answer =
        Exchange({.method = "GET", .path = path});
    if (!answer.ok()) return answer.status();
    absl::StatusOr<json> body = ParseJson("GET inbox", *answer);
    if (!body.ok()) return body.status();
    auto messages = body->find("messages");
    if (messages == body->end() || !messages->is_array()) {
      return absl::InternalError("MESH GET inbox: no messages list");
    }
    for (const json& id : *messages) {
      if (id.is_string()) ids.push_back(id.get<std::string>());
    }
    path.clear();
    auto links = body->find("links");
    if (links != body->end()) {
      const std::string next = Text(*links, "next");
      // A relative link ("/messageexchange/..."); an absolute one must be
      // MESH's own host, which base_url already names.
      if (absl::StartsWith(next, "/")) {
        path = next;
      } else if (absl::StartsWith(next, options_.base_url + "/")) {
        path = next.substr(options_.base_url.size());
      }
    }
  }
  return ids;
}

absl::StatusOr<InboxMessage> MeshClient::Download(
    absl::string_view message_id) {
  const std::string base =
      MailboxPath(absl::StrCat("/inbox/", Escape(message_id)));
  absl::StatusOr<http::Response> first =
      Exchange({.method = "GET", .path = base});
  if (!first.ok()) return first.status();
  absl::StatusOr<int> total = TotalChunks("GET inbox message", *first);
  if (!total.ok()) return total.status();

  InboxMessage message;
  const http::Response& h = *first;
  message.message_id = Header(h, "mex-messageid");
  if (message.message_id.empty()) message.message_id = std::string(message_id);
  message.message_type = Header(h, "mex-messagetype");
  message.workflow_id = Header(h, "mex-workflowid");
  message.from_mailbox = Header(h, "mex-from");
  message.to_mailbox = Header(h, "mex-to");
  message.local_id = Header(h, "mex-localid");
  message.filename = Header(h, "mex-filename");
  message.content_type = h.content_type;
  message.status_code = Header(h, "mex-statuscode");
  message.status_description = Header(h, "mex-statusdescription");
  message.status_event = Header(h, "mex-statusevent");
  message.status_success = Header(h, "mex-statussuccess");
  message.linked_message_id = Header(h, "mex-linkedmsgid");
  message.subject = Header(h, "mex-subject");
  message.body = std::move(first->body);

  for (int n = 2; n <= *total; ++n) {
    absl::StatusOr<http::Response> chunk =
        Exchange({.method = "GET", .path = absl::StrCat(base, "/", n)});
    if (!chunk.ok()) return chunk.status();
    message.body += chunk->body;
  }
  const std::string checksum = Header(h, "mex-content-checksum");
  if (absl::StartsWith(checksum, kChecksumPrefix) &&
      checksum != Sha256Checksum(message.body)) {
    return absl::DataLossError(absl::StrCat(
        "MESH message ", message.message_id, ": the body (", *total,
        " chunks) does not match its mex-content-checksum"));
  }
  return message;
}

absl::Status MeshClient::Acknowledge(absl::string_view message_id) {
  return Exchange({.method = "PUT",
                   .path = MailboxPath(absl::StrCat(
                       "/inbox/", Escape(message_id), "/status/acknowledged"))})
      .status();
}

absl::StatusOr<TrackingInfo> MeshClient::TrackByMessageId(
    absl::string_view message_id) {
  absl::StatusOr<http::Response> answer =
      Exchange({.method = "GET",
                .path = MailboxPath(absl::StrCat("/outbox/tracking?messageID=",
                                                 Escape(message_id)))});
  if (!answer.ok()) return answer.status();
  absl::StatusOr<json> body = ParseJson("GET outbox/tracking", *answer);
  if (!body.ok()) return body.status();
  return TrackingFrom(*body);
}

absl::StatusOr<std::optional<TrackingInfo>> MeshClient::TrackByLocalId(
    absl::string_view local_id) {
  // The id is one path segment, and MESH decodes %2F before routing, so a
  // "/" would make the lookup miss and look like "never sent".
  if (local_id.empty() || absl::StrContains(local_id, '/')) {
    return absl::InvalidArgumentError(
        "MESH tracking: a local id must be non-empty and without '/'");
  }
  const std::string path =
      MailboxPath(absl::StrCat("/outbox/tracking/", Escape(local_id)));
  absl::StatusOr<http::Response> answer =
      Exchange({.method = "GET", .path = path});
  if (!answer.ok()) {
    if (answer.status().code() == absl::StatusCode::kNotFound) {
      return std::optional<TrackingInfo>();
    }
    const std::optional<MeshErrorDetail> detail = MeshErrorOf(answer.status());
    if (detail.has_value() && detail->http_status == 300) {
      return absl::FailedPreconditionError(absl::StrCat(
          "MESH GET ", path, ": HTTP 300 several messages have this local id"));
    }
    return answer.status();
  }
  absl::StatusOr<json> body = ParseJson("GET outbox/tracking", *answer);
  if (!body.ok()) return body.status();
  return std::optional<TrackingInfo>(TrackingFrom(*body));
}

absl::StatusOr<std::vector<std::string>> MeshClient::LookupMailboxes(
    absl::string_view ods_code, absl::string_view workflow_id) {
  absl::StatusOr<http::Response> answer = Exchange(
      {.method = "GET",
       .path = absl::StrCat("/messageexchange/endpointlookup/",
                            Escape(ods_code), "/", Escape(workflow_id))});
  if (!answer.ok()) return answer.status();
  absl::StatusOr<json> body = ParseJson("GET endpointlookup", *answer);
  if (!body.ok()) return body.status();
  std::vector<std::string> mailboxes;
  auto results = body->find("results");
  if (results == body->end() || !results->is_array()) return mailboxes;
  for (const json& result : *results) {
    std::string id = Text(result, "mailbox_id");
    if (id.empty()) id = Text(result, "address");  // v1
    if (!id.empty()) mailboxes.push_back(std::move(id));
  }
  return mailboxes;
}

}  // namespace nhs::tobacco::mesh
