#include "adapters/hl7v2/mllp_framer.h"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::hl7v2 {

std::string MllpFrame(absl::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 3);
  out.push_back(kMllpStartBlock);
  out.append(payload.data(), payload.size());
  out.push_back(kMllpEndBlock);
  out.push_back(kMllpCarriageReturn);
  return out;
}

MllpFramer::MllpFramer(size_t max_frame_bytes)
    : max_frame_bytes_(max_frame_bytes) {}

void MllpFramer::Append(absl::string_view bytes) {
  if (!error_.ok()) return;  // the stream is already abandoned
  // Drop what was handed out before growing, so the buffer holds at most
  // one partial frame plus this read.
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes.data(), bytes.size());
}

absl::Status MllpFramer::Fail(absl::Status status) {
  error_ = std::move(status);
  buffer_.clear();
  consumed_ = 0;
  scanned_ = 0;
  return error_;
}

absl::StatusOr<std::optional<std::string>> MllpFramer::Next() {
  if (!error_.ok()) return error_;
  if (consumed_ == buffer_.size()) return std::nullopt;
  const absl::string_view pending =
      absl::string_view(buffer_).substr(consumed_);
  if (pending[0] != kMllpStartBlock) {
    return Fail(absl::InvalidArgumentError(absl::StrFormat(
        "MLLP: byte 0x%02X at stream offset %d is outside a frame (expected "
        "start block 0x0B)",
        static_cast<unsigned char>(pending[0]), stream_offset_)));
  }
  // pending = 0x0B payload 0x1C 0x0D; scanned_ payload bytes are known to
  // hold no framing byte.
  for (size_t i = 1 + scanned_; i < pending.size(); ++i) {
    const char c = pending[i];
    if (c == kMllpStartBlock) {
      return Fail(absl::InvalidArgumentError(absl::StrFormat(
          "MLLP: start block 0x0B inside a frame at stream offset %d",
          stream_offset_ + i)));
    }
    if (c == kMllpEndBlock) {
      if (i + 1 == pending.size()) break;  // wait for the CR
      if (pending[i + 1] != kMllpCarriageReturn) {
        return Fail(absl::InvalidArgumentError(absl::StrFormat(
            "MLLP: end block 0x1C at stream offset %d is followed by 0x%02X, "
            "not 0x0D",
            stream_offset_ + i, static_cast<unsigned char>(pending[i + 1]))));
      }
      std::string payload(pending.substr(1, i - 1));
      consumed_ += i + 2;
      stream_offset_ += i + 2;
      scanned_ = 0;
      return std::optional<std::string>(std::move(payload));
    }
    if (i > max_frame_bytes_) {
      return Fail(absl::ResourceExhaustedError(
          absl::StrCat("MLLP: frame exceeds ", max_frame_bytes_,
                       " bytes without an end block")));
    }
    scanned_ = i;
  }
  return std::nullopt;
}

}  // namespace nhs::tobacco::hl7v2
