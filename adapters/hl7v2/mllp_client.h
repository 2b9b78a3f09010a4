#ifndef ADAPTERS_HL7V2_MLLP_CLIENT_H_
#define ADAPTERS_HL7V2_MLLP_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/hl7v2/mllp_framer.h"
#include "adapters/hl7v2/mllp_transport.h"

namespace nhs::tobacco::hl7v2 {

struct MllpClientOptions {
  std::string address;  // host:port (IPv4)
  absl::Duration connect_timeout = absl::Seconds(5);
  // For the whole exchange: sending the frame and reading the ACK frame.
  absl::Duration io_timeout = absl::Seconds(30);
  size_t max_frame_bytes = 1024 * 1024;
  // Tries per Send(); each failure closes the connection and the next try
  // reconnects. Resending is safe because HL7 receivers deduplicate on
  // MSH-10 (and this gateway's own listener does).
  int attempts = 2;
  // MLLP over TLS when set (MllpTlsContext::ForClient): the receiver's
  // certificate is verified against its CA and must name the host; this
  // end presents its own certificate when the context has one. Null means
  // plaintext.
  std::shared_ptr<MllpTlsContext> tls;
};

// Sends HL7 v2 messages over one MLLP connection and waits for each framed
// reply: Send() frames the payload, writes it and returns the payload of the
// next frame the peer sends (the ACK). Connects lazily; reconnects after any
// failure. UNAVAILABLE when the peer cannot be reached or drops the
// connection, DEADLINE_EXCEEDED on a timeout, and the framer's error when
// the reply is not MLLP.
//
// Thread-compatible: one exchange at a time (MLLP is a request/response
// protocol on one connection). Use one client per connection.
class MllpClient {
 public:
  explicit MllpClient(MllpClientOptions options);
  ~MllpClient();
  MllpClient(const MllpClient&) = delete;
  MllpClient& operator=(const MllpClient&) = delete;

  absl::StatusOr<std::string> Send(absl::string_view payload);
  bool connected() const { return fd_ >= 0; }
  void Close();

 private:
  absl::Status Connect(absl::Time deadline);
  absl::StatusOr<std::string> Exchange(absl::string_view frame,
                                       absl::Time deadline);

  const MllpClientOptions options_;
  int fd_ = -1;
  std::unique_ptr<MllpTransport> transport_;
};

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_MLLP_CLIENT_H_
