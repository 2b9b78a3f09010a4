#ifndef GATEWAY_COMMON_LOG_H_
#define GATEWAY_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace nhs::tobacco {

// One line to stderr: "2026-11-28T14:00:00.123Z INFO message". Debian 12's
// Abseil predates absl/log, hence this small helper. Callers never pass
// patient identifiers; use MaskNhsNumber where one must be referred to.
enum class LogLevel { kInfo, kWarning, kError };
void Log(LogLevel level, absl::string_view message);

inline void LogInfo(absl::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(absl::string_view m) { Log(LogLevel::kWarning, m); }
inline void LogError(absl::string_view m) { Log(LogLevel::kError, m); }

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_LOG_H_
