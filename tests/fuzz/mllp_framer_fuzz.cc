// Feeds untrusted bytes to MllpFramer in fuzzer-chosen chunks. The first byte
// picks the chunk size; the result (frames returned and whether and how the
// stream failed) must not depend on chunking, and every frame must survive
// MllpFrame() -> MllpFramer unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "adapters/hl7v2/mllp_framer.h"

namespace nhs::tobacco::hl7v2 {
namespace {

constexpr size_t kMaxFrame = 1024;

struct Result {
  std::vector<std::string> frames;
  absl::Status error;
};

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

Result Run(absl::string_view stream, size_t chunk) {
  MllpFramer framer(kMaxFrame);
  Result result;
  for (size_t pos = 0; pos < stream.size(); pos += chunk) {
    framer.Append(stream.substr(pos, chunk));
    while (true) {
      absl::StatusOr<std::optional<std::string>> next = framer.Next();
      if (!next.ok()) {
        result.error = next.status();
        return result;
      }
      if (!next->has_value()) break;
      Check((*next)->size() <= kMaxFrame, "frame within the limit");
      result.frames.push_back(**next);
    }
  }
  return result;
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nhs::tobacco::hl7v2;  // NOLINT: fuzz entry point only
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 17;
  const absl::string_view stream(reinterpret_cast<const char*>(data) + 1,
                                 size - 1);

  const Result whole = Run(stream, stream.size() + 1);
  const Result pieces = Run(stream, chunk);
  Check(whole.frames == pieces.frames, "same frames for any chunking");
  Check(whole.error == pieces.error, "same error for any chunking");

  for (const std::string& frame : whole.frames) {
    const Result again = Run(MllpFrame(frame), chunk);
    Check(again.error.ok() && again.frames.size() == 1 &&
              again.frames[0] == frame,
          "MllpFrame then MllpFramer gives the payload back");
  }
  return 0;
}
