#ifndef GATEWAY_SERVER_LOGGING_CONFIG_H_
#define GATEWAY_SERVER_LOGGING_CONFIG_H_

#include "gateway/common/log.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// config.logging as the log module's settings (unset: text, INFO).
LogFormat LogFormatFor(const v1::LoggingConfig& logging);
LogLevel LogLevelFor(const v1::LoggingConfig& logging);

// Sets the process's log format and level from config.logging.
void ApplyLoggingConfig(const v1::LoggingConfig& logging);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_LOGGING_CONFIG_H_
