#include "gateway/common/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/common/utf8.h"

namespace nhs::tobacco {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<LogLevel> g_level{LogLevel::kInfo};

// This thread's correlation fields (ScopedLogContext), innermost last.
thread_local std::vector<LogField> t_context;

// A JSON string body: quotes, backslashes and control characters escaped,
// bytes that are not UTF-8 replaced, so every line parses.
void AppendJsonString(std::string& out, absl::string_view raw) {
  const std::string text = ReplaceInvalidUtf8(raw);
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// Text values with spaces or quotes are quoted so key=value stays readable
// and splittable.
void AppendTextValue(std::string& out, absl::string_view value) {
  if (!value.empty() &&
      value.find_first_of(" \"=\n\t") == absl::string_view::npos) {
    out.append(value.data(), value.size());
  } else {
    AppendJsonString(out, value);
  }
}

void WriteLine(const std::string& line) {
  // One write per line so concurrent lines do not interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format.store(format); }
void SetLogLevel(LogLevel level) { g_level.store(level); }
LogLevel CurrentLogLevel() { return g_level.load(); }
bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= static_cast<int>(g_level.load());
}

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

std::string FormatLogLine(LogFormat format, absl::string_view time,
                          LogLevel level, absl::string_view component,
                          absl::string_view message,
                          const std::vector<LogField>& fields) {
  std::string line;
  if (format == LogFormat::kJson) {
    line.append("{\"time\":");
    AppendJsonString(line, time);
    line.append(",\"level\":");
    AppendJsonString(line, LogLevelName(level));
    line.append(",\"component\":");
    AppendJsonString(line, component);
    line.append(",\"message\":");
    AppendJsonString(line, message);
    for (size_t i = 0; i < fields.size(); ++i) {
      // A later field of the same key (an inner context, the event's own)
      // wins: one key per object.
      bool overridden = false;
      for (size_t j = i + 1; j < fields.size(); ++j) {
        if (fields[j].key == fields[i].key) overridden = true;
      }
      if (overridden) continue;
      line.push_back(',');
      AppendJsonString(line, fields[i].key);
      line.push_back(':');
      if (fields[i].number) {
        line.append(fields[i].value);
      } else {
        AppendJsonString(line, fields[i].value);
      }
    }
    line.append("}\n");
    return line;
  }
  absl::StrAppend(&line, time, " ", LogLevelName(level), " ", component, ": ",
                  message);
  for (size_t i = 0; i < fields.size(); ++i) {
    bool overridden = false;
    for (size_t j = i + 1; j < fields.size(); ++j) {
      if (fields[j].key == fields[i].key) overridden = true;
    }
    if (overridden) continue;
    absl::StrAppend(&line, " ", fields[i].key, "=");
    AppendTextValue(line, fields[i].value);
  }
  line.push_back('\n');
  return line;
}

LogEvent::LogEvent(LogLevel level, absl::string_view component)
    : level_(level), enabled_(LogEnabled(level)), component_(component) {
  if (enabled_) fields_ = t_context;
}

LogEvent& LogEvent::With(absl::string_view key, absl::string_view value) {
  if (enabled_) fields_.push_back({std::string(key), std::string(value)});
  return *this;
}

LogEvent& LogEvent::With(absl::string_view key, int64_t value) {
  if (enabled_) {
    fields_.push_back({std::string(key), absl::StrCat(value), true});
  }
  return *this;
}

void LogEvent::Write(absl::string_view message) {
  if (!enabled_) return;
  const std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                            absl::UTCTimeZone());
  WriteLine(FormatLogLine(g_format.load(), time, level_, component_, message,
                          fields_));
}

ScopedLogContext::ScopedLogContext(
    std::initializer_list<std::pair<absl::string_view, absl::string_view>>
        fields) {
  for (const auto& [key, value] : fields) Add(key, value);
}

ScopedLogContext::~ScopedLogContext() {
  t_context.resize(t_context.size() - pushed_);
}

void ScopedLogContext::Add(absl::string_view key, absl::string_view value) {
  if (value.empty()) return;
  t_context.push_back({std::string(key), std::string(value)});
  ++pushed_;
}

void Log(LogLevel level, absl::string_view component,
         absl::string_view message) {
  LogEvent(level, component).Write(message);
}

}  // namespace nhs::tobacco
