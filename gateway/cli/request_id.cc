#include "gateway/cli/request_id.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace nhs::tobacco::cli {

std::string NewRequestId() {
  // absl::BitGen is seeded from the OS entropy source per instance.
  absl::BitGen gen;
  uint64_t high = absl::Uniform<uint64_t>(gen);
  uint64_t low = absl::Uniform<uint64_t>(gen);
  high = (high & ~uint64_t{0xF000}) | uint64_t{0x4000};          // Version 4.
  low = (low & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122.
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32,
                         (high >> 16) & 0xFFFF, high & 0xFFFF, low >> 48,
                         low & 0xFFFFFFFFFFFF);
}

}  // namespace nhs::tobacco::cli
