#ifndef ADAPTERS_HL7V2_MLLP_FRAMER_H_
#define ADAPTERS_HL7V2_MLLP_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::hl7v2 {

// MLLP (Minimal Lower Layer Protocol) wire constants.
inline constexpr char kMllpStartBlock = '\x0B';
inline constexpr char kMllpEndBlock = '\x1C';
inline constexpr char kMllpCarriageReturn = '\x0D';

// Wraps `payload` in an MLLP frame: 0x0B payload 0x1C 0x0D.
std::string MllpFrame(absl::string_view payload);

// Reassembles MLLP-framed HL7 v2 messages from bytes arriving in any
// chunking: Append() what the socket gave, then Next() until it returns
// std::nullopt (more bytes needed).
//
// Bytes outside a frame are an error, not skipped: such a peer is
// misconfigured and must be told. So are a start block inside a frame, an
// end block not followed by CR, and a frame larger than the limit
// (ResourceExhausted). Errors are sticky: once Next() has failed it keeps
// returning the same error, since the stream position is lost and the
// connection should be closed.
//
// Thread-compatible; one per connection. Scanning resumes where it stopped,
// so a message trickling in byte by byte costs linear time.
class MllpFramer {
 public:
  static constexpr size_t kDefaultMaxFrameBytes = 16 * 1024 * 1024;

  explicit MllpFramer(size_t max_frame_bytes = kDefaultMaxFrameBytes);

  void Append(absl::string_view bytes);

  // The next complete payload (framing bytes removed), std::nullopt when no
  // complete frame is buffered yet, or an error as described above.
  absl::StatusOr<std::optional<std::string>> Next();

  // Bytes buffered but not yet returned by Next().
  size_t buffered_bytes() const { return buffer_.size() - consumed_; }
  // True when the buffered bytes start a frame that has not ended: at end of
  // stream that means a truncated message.
  bool in_frame() const { return buffered_bytes() > 0; }

 private:
  absl::Status Fail(absl::Status status);

  size_t max_frame_bytes_;
  std::string buffer_;
  size_t consumed_ = 0;  // bytes of buffer_ already handed out
  size_t scanned_ = 0;   // payload bytes after the start block known clean
  uint64_t stream_offset_ = 0;  // offset of buffer_[consumed_] in the stream
  absl::Status error_;
};

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_MLLP_FRAMER_H_
