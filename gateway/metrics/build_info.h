#ifndef GATEWAY_METRICS_BUILD_INFO_H_
#define GATEWAY_METRICS_BUILD_INFO_H_

#include "absl/strings/string_view.h"

namespace nhs::tobacco::metrics {

// What was built: the version and the git commit CMake read at configure
// time (build_info.cc.in; "unknown" outside a git checkout).
absl::string_view BuildVersion();
absl::string_view BuildGitCommit();

}  // namespace nhs::tobacco::metrics

#endif  // GATEWAY_METRICS_BUILD_INFO_H_
