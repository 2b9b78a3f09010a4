#ifndef GATEWAY_COMMON_LOG_H_
#define GATEWAY_COMMON_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace nhs::tobacco {

// The gateway's log: one line per event to stderr (systemd's journal and
// container runtimes collect stderr), as text for people or as one JSON
// object per line for a SIEM (README "Logs"). Debian 12's Abseil predates
// absl/log, hence this small module.
//
// Every event names its component ("grpc", "hl7", "fhir", "delivery",
// "store", "audit", ...) and carries the correlation fields that apply
// (request_id, hl7_sender, hl7_control_id, fhir_bundle_id, message_id,
// referral_id, prescription_id): gateway-assigned or sender-assigned
// identifiers, never patient data. Callers never pass NHS numbers, names or
// dates of birth; use MaskNhsNumber where one must be referred to.
enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

// Process-wide settings; safe to change while other threads log (SIGHUP
// changes the level at run time).
void SetLogFormat(LogFormat format);
void SetLogLevel(LogLevel level);
LogLevel CurrentLogLevel();
bool LogEnabled(LogLevel level);
absl::string_view LogLevelName(LogLevel level);

// One key and value; numbers are JSON numbers in the JSON format.
struct LogField {
  std::string key;
  std::string value;
  bool number = false;
};

// Builds one event: LogEvent(LogLevel::kInfo, "delivery")
//     .With("message_id", id).Write("delivered");
// Nothing is formatted when the level is below the configured one.
class LogEvent {
 public:
  LogEvent(LogLevel level, absl::string_view component);
  LogEvent& With(absl::string_view key, absl::string_view value);
  LogEvent& With(absl::string_view key, const char* value) {
    return With(key, absl::string_view(value));
  }
  LogEvent& With(absl::string_view key, const std::string& value) {
    return With(key, absl::string_view(value));
  }
  LogEvent& With(absl::string_view key, int64_t value);
  LogEvent& With(absl::string_view key, int value) {
    return With(key, static_cast<int64_t>(value));
  }
  void Write(absl::string_view message);

 private:
  LogLevel level_;
  bool enabled_;
  std::string component_;
  std::vector<LogField> fields_;
};

// Correlation fields added to every event this thread writes while the
// object lives: an edge sets them once (the HL7 sender and control id, the
// FHIR Bundle id, the outbox message id) and the pathway's and store's
// events inside the call carry them without being told. Nests; an inner
// scope's field of the same key wins.
class ScopedLogContext {
 public:
  ScopedLogContext() = default;
  ScopedLogContext(
      std::initializer_list<std::pair<absl::string_view, absl::string_view>>
          fields);
  ~ScopedLogContext();
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;
  // Adds a field once it is known (e.g. the record id after parsing).
  void Add(absl::string_view key, absl::string_view value);

 private:
  size_t pushed_ = 0;
};

// Formats one event without writing it (for tests and for Write).
std::string FormatLogLine(LogFormat format, absl::string_view time,
                          LogLevel level, absl::string_view component,
                          absl::string_view message,
                          const std::vector<LogField>& fields);

void Log(LogLevel level, absl::string_view component,
         absl::string_view message);

inline void LogInfo(absl::string_view component, absl::string_view m) {
  Log(LogLevel::kInfo, component, m);
}
inline void LogWarning(absl::string_view component, absl::string_view m) {
  Log(LogLevel::kWarning, component, m);
}
inline void LogError(absl::string_view component, absl::string_view m) {
  Log(LogLevel::kError, component, m);
}

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_LOG_H_
