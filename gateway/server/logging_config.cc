#include "gateway/server/logging_config.h"

namespace nhs::tobacco::server {

LogFormat LogFormatFor(const v1::LoggingConfig& logging) {
  return logging.format() == v1::LoggingConfig::FORMAT_JSON ? LogFormat::kJson
                                                            : LogFormat::kText;
}

LogLevel LogLevelFor(const v1::LoggingConfig& logging) {
  switch (logging.level()) {
    case v1::LoggingConfig::LEVEL_DEBUG:
      return LogLevel::kDebug;
    case v1::LoggingConfig::LEVEL_WARNING:
      return LogLevel::kWarning;
    case v1::LoggingConfig::LEVEL_ERROR:
      return LogLevel::kError;
    default:
      return LogLevel::kInfo;
  }
}

void ApplyLoggingConfig(const v1::LoggingConfig& logging) {
  SetLogFormat(LogFormatFor(logging));
  SetLogLevel(LogLevelFor(logging));
}

}  // namespace nhs::tobacco::server
