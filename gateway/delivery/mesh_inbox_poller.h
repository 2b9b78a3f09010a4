#ifndef GATEWAY_DELIVERY_MESH_INBOX_POLLER_H_
#define GATEWAY_DELIVERY_MESH_INBOX_POLLER_H_

#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gateway/delivery/mesh_transport.h"
#include "gateway/pathway/acknowledgement_work.h"
#include "gateway/pathway/job_lease.h"

namespace nhs::tobacco::delivery {

// What one look at the inbox did.
struct InboxPass {
  int recorded = 0;  // acknowledgements that changed a delivery
  int repeats = 0;   // acknowledgements already known, or for no message
  int left = 0;      // messages left in the inbox for a person (not ours)
  int overdue = 0;   // awaited acknowledgements newly overdue
};

// MESH's inbox (issue 17): downloads what came back to the gateway's
// mailbox (ITK3 acknowledgements in the acknowledgement workflow, MESH's
// non-delivery reports), records each through the pathway, and only then
// acknowledges it to MESH, so a crash between the two downloads it again
// (the pathway ignores a repeat). Then flags the acknowledgements past their
// deadline. Every poll_interval on its own thread; with `lease`, only while
// this instance holds it (one instance polls).
class MeshInboxPoller {
 public:
  MeshInboxPoller(MeshTransport& mesh, pathway::AcknowledgementWork& work,
                  pathway::JobLease* lease);
  ~MeshInboxPoller();  // stops the thread, if started

  void Start();
  // One pass, on the caller's thread (tests; the thread calls it too).
  absl::StatusOr<InboxPass> PollOnce();

 private:
  void Run();
  // One message: recorded and acknowledged, a repeat, or left.
  absl::Status Take(const std::string& id, InboxPass& pass)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  MeshTransport& mesh_;
  pathway::AcknowledgementWork& work_;
  pathway::JobLease* const lease_;
  absl::Notification stop_;
  std::thread thread_;
  absl::Mutex mu_;  // one pass at a time
  // Messages left for a person: not downloaded again on every pass.
  absl::flat_hash_set<std::string> left_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nhs::tobacco::delivery

#endif  // GATEWAY_DELIVERY_MESH_INBOX_POLLER_H_
