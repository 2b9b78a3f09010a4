#include "gateway/delivery/mesh_inbox_poller.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "adapters/gp_connect/itk3_acknowledgement.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::delivery {
namespace {

constexpr absl::string_view kLog = "mesh";

domain::Acknowledgement FromItk3(const gp_connect::Itk3Acknowledgement& a) {
  domain::Acknowledgement ack;
  ack.message_id = a.acknowledged_message_id;
  ack.kind = a.kind == gp_connect::Itk3Acknowledgement::Kind::kBusiness
                 ? domain::AcknowledgementKind::kBusiness
                 : domain::AcknowledgementKind::kInfrastructure;
  ack.positive = a.positive;
  ack.code = a.code;
  ack.description = a.description;
  return ack;
}

// A MESH report about one of our messages that could not be delivered
// (mex-statussuccess ERROR, e.g. the recipient never downloaded it); its
// local id is the one we sent.
bool IsNonDeliveryReport(const mesh::InboxMessage& m) {
  return absl::AsciiStrToUpper(m.message_type) == "REPORT" &&
         absl::AsciiStrToUpper(m.status_success) != "SUCCESS";
}

}  // namespace

MeshInboxPoller::MeshInboxPoller(MeshTransport& mesh,
                                 pathway::AcknowledgementWork& work,
                                 pathway::JobLease* lease)
    : mesh_(mesh), work_(work), lease_(lease) {}

MeshInboxPoller::~MeshInboxPoller() {
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void MeshInboxPoller::Start() {
  thread_ = std::thread([this] { Run(); });
}

void MeshInboxPoller::Run() {
  while (!stop_.WaitForNotificationWithTimeout(mesh_.poll_interval())) {
    if (lease_ != nullptr) {
      absl::StatusOr<bool> held = lease_->Hold();
      if (!held.ok()) {
        LogWarning(kLog, absl::StrCat("cannot take the inbox lease, will "
                                      "retry: ",
                                      held.status().ToString()));
        continue;
      }
      if (!*held) continue;  // another instance polls
    }
    absl::StatusOr<InboxPass> pass = PollOnce();
    if (!pass.ok()) {
      LogWarning(kLog, absl::StrCat("inbox poll failed, will retry: ",
                                    pass.status().ToString()));
    } else if (pass->recorded + pass->overdue > 0) {
      LogInfo(kLog, absl::StrCat("inbox: ", pass->recorded,
                                 " acknowledgements recorded, ", pass->overdue,
                                 " overdue"));
    }
  }
}

absl::StatusOr<InboxPass> MeshInboxPoller::PollOnce() {
  absl::MutexLock lock(&mu_);
  InboxPass pass;
  // Acknowledgements first, then deadlines: one that came in time is never
  // flagged late because this pass had not read it yet.
  absl::StatusOr<std::vector<std::string>> ids = mesh_.client().ListInbox();
  if (ids.ok()) {
    for (const std::string& id : *ids) {
      if (left_.contains(id)) continue;
      absl::Status taken = Take(id, pass);
      if (!taken.ok()) {
        // The next pass tries again; the rest of this one goes on.
        LogWarning(kLog,
                   absl::StrCat("inbox message ", id,
                                " not taken, will retry: ", taken.ToString()));
      }
    }
  }
  ASSIGN_OR_RETURN(pass.overdue, work_.FlagOverdueAcknowledgements());
  if (!ids.ok()) return ids.status();
  return pass;
}

absl::Status MeshInboxPoller::Take(const std::string& id, InboxPass& pass) {
  ASSIGN_OR_RETURN(mesh::InboxMessage m, mesh_.client().Download(id));
  domain::Acknowledgement ack;
  if (IsNonDeliveryReport(m)) {
    ack.message_id = m.local_id;
    ack.kind = domain::AcknowledgementKind::kNonDelivery;
    ack.positive = false;
    ack.code = m.status_code;
    ack.description = m.status_description;
  } else if (m.workflow_id == mesh_.ack_workflow_id()) {
    absl::StatusOr<gp_connect::Itk3Acknowledgement> itk3 =
        gp_connect::ParseItk3Acknowledgement(m.body);
    if (!itk3.ok()) {
      LogWarning(kLog,
                 absl::StrCat("inbox message ", id, " from ", m.from_mailbox,
                              " is not an ITK3 acknowledgement we can "
                              "read; left in the inbox: ",
                              itk3.status().message()));
      left_.insert(id);
      ++pass.left;
      return absl::OkStatus();
    }
    ack = FromItk3(*itk3);
  } else {
    // Not ours to take: a person looks at it in the mailbox.
    LogWarning(kLog, absl::StrCat("inbox message ", id, " (workflow ",
                                  m.workflow_id, ", type ", m.message_type,
                                  ") is not an acknowledgement; left in the "
                                  "inbox"));
    left_.insert(id);
    ++pass.left;
    return absl::OkStatus();
  }
  if (ack.message_id.empty()) {
    LogWarning(kLog, absl::StrCat("inbox message ", id,
                                  " names no message of ours; left in the "
                                  "inbox"));
    left_.insert(id);
    ++pass.left;
    return absl::OkStatus();
  }
  ScopedLogContext context({{"message_id", ack.message_id}});
  absl::StatusOr<bool> recorded = work_.RecordAcknowledgement(ack);
  if (recorded.ok()) {
    ++(*recorded ? pass.recorded : pass.repeats);
  } else if (absl::IsNotFound(recorded.status())) {
    // About a message this gateway never sent, or pruned long ago: there
    // is nothing to record, and keeping it would only fill the inbox.
    LogWarning(kLog, absl::StrCat("inbox message ", id, ": ",
                                  recorded.status().message()));
    ++pass.repeats;
  } else {
    return recorded.status();
  }
  // Durable: only now may MESH forget it.
  return mesh_.client().Acknowledge(id);
}

}  // namespace nhs::tobacco::delivery
