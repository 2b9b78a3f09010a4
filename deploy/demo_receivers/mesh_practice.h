#ifndef DEPLOY_DEMO_RECEIVERS_MESH_PRACTICE_H_
#define DEPLOY_DEMO_RECEIVERS_MESH_PRACTICE_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "adapters/mesh/mesh_client.h"

namespace nhs::tobacco::demo {

struct MeshPracticeOptions {
  // The practice's mailbox (client.mailbox_id) on the MESH server, with its
  // password, the environment's shared key and a client certificate.
  mesh::MeshClientOptions client;
  std::string ods_code;      // the practice, e.g. "Y90001"
  std::string letters_dir;   // where each letter's PDF is written
  std::string ack_workflow;  // the ITK3 responses' MESH workflow
  absl::Duration poll_interval = absl::Seconds(2);
};

// One line of the demo receivers' report: channel, what, message id,
// receiver, note.
using ReportLine =
    std::function<void(absl::string_view, absl::string_view, absl::string_view,
                       absl::string_view, absl::string_view)>;

// A GP practice's system taking GP Connect Send Document messages from its
// MESH mailbox, as the gateway sends its letters: every poll_interval it
// lists the inbox and, for each message, downloads it, writes the PDF the
// ITK3 bundle carries to <letters_dir>/<ITK3 message id>.pdf, reports one
// line, acknowledges the download to MESH, and answers the sender's mailbox
// (from_mailbox) in ack_workflow with a positive ITK3 infrastructure and
// then business acknowledgement. A message it cannot read gets a negative
// infrastructure acknowledgement (10009 unreadable, 20009 no PDF) instead.
//
// Only the MESH and ITK3 headers and the PDF's bytes are used: the subject
// and the bundle's patient data are never printed (the PDF on disk is the
// letter, patient data included; development data only). Answers that
// could not be sent are kept and tried again on the next pass.
class MeshPractice {
 public:
  MeshPractice(MeshPracticeOptions options, ReportLine report);
  ~MeshPractice();  // Stop()

  MeshPractice(const MeshPractice&) = delete;
  MeshPractice& operator=(const MeshPractice&) = delete;

  // Polls on its own thread until Stop().
  void Start();
  void Stop();
  // One pass on the caller's thread: the answers owed, then the inbox.
  // Returns how many messages were taken.
  absl::StatusOr<int> PollOnce();

 private:
  void Run();
  // Downloads, files, acknowledges and answers one message.
  absl::Status Take(const std::string& mesh_message_id);
  // Queues an ITK3 response to `to_mailbox` about `itk3_message_id`.
  // `code` empty = the positive code of its kind.
  void Answer(const std::string& to_mailbox, const std::string& to_ods,
              const std::string& itk3_message_id,
              const std::string& sender_reference, bool business,
              const std::string& code) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sends the queued answers in order; stops at the first failure.
  absl::Status SendAnswers() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes `pdf` to letters_dir; returns the path.
  absl::StatusOr<std::string> SaveLetter(absl::string_view name,
                                         absl::string_view pdf) const;

  const MeshPracticeOptions options_;
  const ReportLine report_;
  mesh::MeshClient client_;
  absl::Notification stop_;
  std::thread thread_;
  absl::Mutex mu_;  // one pass at a time
  std::deque<mesh::OutgoingMessage> answers_ ABSL_GUARDED_BY(mu_);
  std::string last_error_ ABSL_GUARDED_BY(mu_);  // printed once per change
};

}  // namespace nhs::tobacco::demo

#endif  // DEPLOY_DEMO_RECEIVERS_MESH_PRACTICE_H_
