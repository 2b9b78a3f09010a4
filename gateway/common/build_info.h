#ifndef GATEWAY_COMMON_BUILD_INFO_H_
#define GATEWAY_COMMON_BUILD_INFO_H_

#include <string>

#include "absl/strings/string_view.h"

// What build this binary is: for --version, the metrics build_info gauge and
// support tickets. Both values are fixed when CMake configures the tree
// (cmake/build_info.cmake), so a rebuild after a new commit keeps the old
// commit until the tree is configured again; a tree without .git (a source
// tarball) says "unknown".
namespace nhs::tobacco {

// The CMake project() version, e.g. "0.1.0".
absl::string_view BuildVersion();

// The abbreviated git commit the tree was configured at, with "-dirty" when
// tracked files had uncommitted changes then; "unknown" without git.
absl::string_view BuildCommit();

// "<program> <version> (commit <commit>)", the --version line.
std::string VersionLine(absl::string_view program);

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_BUILD_INFO_H_
