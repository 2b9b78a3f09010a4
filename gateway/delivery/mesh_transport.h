#ifndef GATEWAY_DELIVERY_MESH_TRANSPORT_H_
#define GATEWAY_DELIVERY_MESH_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/mesh/mesh_client.h"
#include "gateway/domain/acknowledgement_rules.h"
#include "gateway/domain/delivery_attempt.h"
#include "nhs/tobacco/v1/config.pb.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::delivery {

// The MESH channel (issue 17): the gateway's mailbox (mesh block of the
// config, secrets read from their files or variables), the recipients'
// mailboxes (organisations[].mesh.mailbox_id, or MESH's endpoint lookup by
// ODS code and workflow, remembered), and the send. Thread-safe.
class MeshTransport {
 public:
  // FAILED_PRECONDITION naming the field when a secret cannot be read.
  static absl::StatusOr<std::unique_ptr<MeshTransport>> FromConfig(
      const v1::GatewayConfig& config);

  // Sends a rendered document to the message's destination, mex-localid =
  // the message id (a resend after a crash carries the same one).
  domain::SendResult Send(const v1::OutboundMessage& message,
                          absl::string_view payload);

  mesh::MeshClient& client() { return *client_; }
  // The gateway's own mailbox id (the ITK3 header's source endpoint).
  const std::string& mailbox_id() const { return mailbox_id_; }
  const std::string& workflow_id() const { return workflow_id_; }
  const std::string& ack_workflow_id() const { return ack_workflow_id_; }
  const domain::AcknowledgementDeadlines& deadlines() const {
    return deadlines_;
  }
  absl::Duration poll_interval() const { return poll_interval_; }
  // The longest one send may take: a chunked send makes several calls.
  absl::Duration send_timeout() const;

 private:
  MeshTransport() = default;
  // The recipient's mailbox: configured, or looked up once.
  absl::StatusOr<std::string> MailboxOf(absl::string_view ods_code);

  std::unique_ptr<mesh::MeshClient> client_;
  std::string mailbox_id_;
  std::string workflow_id_;
  std::string ack_workflow_id_;
  domain::AcknowledgementDeadlines deadlines_;
  absl::Duration poll_interval_ = absl::Seconds(60);
  absl::Duration call_timeout_ = absl::Seconds(35);
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> mailboxes_ ABSL_GUARDED_BY(mu_);
};

// The MESH settings with their defaults applied (mesh block of the config).
inline constexpr absl::string_view kDefaultMeshWorkflow =
    "GPFED_CONSULT_REPORT";
inline constexpr absl::string_view kDefaultMeshAckWorkflow =
    "GPFED_CONSULT_REPORT_ACK";

}  // namespace nhs::tobacco::delivery

#endif  // GATEWAY_DELIVERY_MESH_TRANSPORT_H_
