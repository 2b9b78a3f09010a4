#include "gateway/common/build_info.h"

#include "absl/strings/str_cat.h"
// Generated at configure time into the build tree (cmake/build_info.cmake);
// only this file includes it, so a new commit recompiles one file.
#include "gateway/common/build_info_values.h"

namespace nhs::tobacco {

absl::string_view BuildVersion() { return kTobaccoBuildVersion; }

absl::string_view BuildCommit() { return kTobaccoBuildCommit; }

std::string VersionLine(absl::string_view program) {
  return absl::StrCat(program, " ", BuildVersion(), " (commit ", BuildCommit(),
                      ")");
}

}  // namespace nhs::tobacco
