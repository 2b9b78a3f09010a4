#include "gateway/delivery/mesh_transport.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/secret.h"
#include "gateway/common/status_macros.h"
#include "gateway/delivery/send_result.h"

namespace nhs::tobacco::delivery {
namespace {

absl::StatusOr<std::string> Secret(absl::string_view name,
                                   const std::string& file,
                                   const std::string& env) {
  return ReadSecret({.file_field = absl::StrCat("mesh.", name, "_file"),
                     .env_field = absl::StrCat("mesh.", name, "_env"),
                     .file = file,
                     .env = env});
}

}  // namespace

absl::StatusOr<std::unique_ptr<MeshTransport>> MeshTransport::FromConfig(
    const v1::GatewayConfig& config) {
  const v1::MeshConfig& m = config.mesh();
  auto t = std::unique_ptr<MeshTransport>(new MeshTransport());
  mesh::MeshClientOptions options;
  options.base_url = m.base_url();
  ASSIGN_OR_RETURN(options.mailbox_id, Secret("mailbox_id", m.mailbox_id_file(),
                                              m.mailbox_id_env()));
  ASSIGN_OR_RETURN(options.password,
                   Secret("password", m.password_file(), m.password_env()));
  ASSIGN_OR_RETURN(options.shared_key, Secret("shared_key", m.shared_key_file(),
                                              m.shared_key_env()));
  options.tls.ca_cert_path = m.tls().client_ca_file();
  options.tls.client_cert_path = m.tls().cert_file();
  options.tls.client_key_path = m.tls().key_file();
  options.tls.connect_timeout = absl::Milliseconds(
      m.connect_timeout_ms() > 0 ? m.connect_timeout_ms() : 5000);
  options.tls.io_timeout =
      absl::Milliseconds(m.io_timeout_ms() > 0 ? m.io_timeout_ms() : 30000);
  if (m.chunk_size_bytes() > 0) {
    options.chunk_size = static_cast<size_t>(m.chunk_size_bytes());
  }
  t->call_timeout_ = options.tls.connect_timeout + options.tls.io_timeout;
  t->mailbox_id_ = options.mailbox_id;
  t->client_ = std::make_unique<mesh::MeshClient>(std::move(options));
  t->workflow_id_ = m.workflow_id().empty() ? std::string(kDefaultMeshWorkflow)
                                            : m.workflow_id();
  t->ack_workflow_id_ = m.ack_workflow_id().empty()
                            ? std::string(kDefaultMeshAckWorkflow)
                            : m.ack_workflow_id();
  if (m.infrastructure_ack_minutes() > 0) {
    t->deadlines_.infrastructure =
        absl::Minutes(m.infrastructure_ack_minutes());
  }
  if (m.business_ack_hours() > 0) {
    t->deadlines_.business = absl::Hours(m.business_ack_hours());
  }
  if (m.poll_interval_seconds() > 0) {
    t->poll_interval_ = absl::Seconds(m.poll_interval_seconds());
  }
  for (const v1::OrganisationConfig& o : config.organisations()) {
    if (o.has_mesh() && !o.mesh().mailbox_id().empty()) {
      absl::MutexLock lock(&t->mu_);
      t->mailboxes_[o.ods_code()] = o.mesh().mailbox_id();
    }
  }
  return t;
}

absl::Duration MeshTransport::send_timeout() const {
  // A lookup, then the send: one call per chunk (a letter is one or two),
  // each retried by the client. Generous: the claim's lease must outlast it.
  return 6 * call_timeout_;
}

absl::StatusOr<std::string> MeshTransport::MailboxOf(
    absl::string_view ods_code) {
  {
    absl::MutexLock lock(&mu_);
    auto it = mailboxes_.find(ods_code);
    if (it != mailboxes_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(std::vector<std::string> found,
                   client_->LookupMailboxes(ods_code, workflow_id_));
  if (found.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no MESH mailbox of ", ods_code, " takes the workflow ", workflow_id_,
        " (endpoint lookup); set organisations[].mesh.mailbox_id or ask the "
        "practice to register for it"));
  }
  absl::MutexLock lock(&mu_);
  mailboxes_[std::string(ods_code)] = found.front();
  return found.front();
}

domain::SendResult MeshTransport::Send(const v1::OutboundMessage& message,
                                       absl::string_view payload) {
  absl::StatusOr<std::string> mailbox = MailboxOf(message.destination_ods());
  if (!mailbox.ok()) return FromMeshSend(mailbox.status(), {});
  mesh::OutgoingMessage out;
  out.to_mailbox = *mailbox;
  out.workflow_id = workflow_id_;
  out.local_id = message.message_id();
  // MESH shows the subject to the practice's staff; it carries no patient
  // data here (the document does), so a log or a MESH report never leaks it.
  out.subject = "Stop smoking service letter";
  out.filename = absl::StrCat(message.message_id(), ".json");
  out.content_type = "application/fhir+json";
  out.body = std::string(payload);
  return FromMeshSend(client_->Send(out), deadlines_.infrastructure);
}

}  // namespace nhs::tobacco::delivery
