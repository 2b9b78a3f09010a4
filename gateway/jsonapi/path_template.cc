#include "gateway/jsonapi/path_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nhs::tobacco::jsonapi {
namespace {

bool IsFieldPath(absl::string_view text) {
  if (text.empty()) return false;
  for (absl::string_view ident : absl::StrSplit(text, '.')) {
    if (ident.empty() || absl::ascii_isdigit(ident[0])) return false;
    for (char c : ident) {
      if (!absl::ascii_isalnum(c) && c != '_') return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<PathTemplate> ParsePathTemplate(absl::string_view text) {
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("path template \"", text, "\": ", why));
  };
  if (!absl::StartsWith(text, "/")) return bad("must start with '/'");
  absl::string_view rest = text.substr(1);
  PathTemplate result;
  // The verb is after the last ':' outside braces.
  const size_t close = rest.rfind('}');
  const size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos &&
      (close == absl::string_view::npos || colon > close)) {
    result.verb = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (result.verb.empty()) return bad("empty verb");
  }
  for (absl::string_view segment : absl::StrSplit(rest, '/')) {
    if (segment.empty()) return bad("empty segment");
    PathTemplate::Segment parsed;
    if (absl::StartsWith(segment, "{")) {
      if (!absl::EndsWith(segment, "}")) return bad("unclosed variable");
      absl::string_view inner = segment.substr(1, segment.size() - 2);
      if (absl::EndsWith(inner, "=*")) inner.remove_suffix(2);
      if (!IsFieldPath(inner)) {
        return bad("only {field.path} variables are supported");
      }
      parsed.variable = true;
      parsed.text = std::string(inner);
    } else {
      if (absl::StrContains(segment, "*") || absl::StrContains(segment, "{") ||
          absl::StrContains(segment, "}")) {
        return bad("wildcards are not supported");
      }
      parsed.text = std::string(segment);
    }
    result.segments.push_back(std::move(parsed));
  }
  return result;
}

std::optional<std::string> PercentDecode(absl::string_view text,
                                         bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const char hi = text[i + 1];
      const char lo = text[i + 2];
      if (!absl::ascii_isxdigit(hi) || !absl::ascii_isxdigit(lo)) {
        return std::nullopt;
      }
      const auto value = [](char h) {
        return absl::ascii_isdigit(h) ? h - '0'
                                      : absl::ascii_tolower(h) - 'a' + 10;
      };
      out.push_back(static_cast<char>(value(hi) * 16 + value(lo)));
      i += 2;
    }
  }
  return out;
}

std::optional<PathBindings> MatchPath(const PathTemplate& path_template,
                                      absl::string_view path) {
  if (!absl::ConsumePrefix(&path, "/")) return std::nullopt;
  if (!path_template.verb.empty() &&
      !absl::ConsumeSuffix(&path, absl::StrCat(":", path_template.verb))) {
    return std::nullopt;
  }
  const std::vector<absl::string_view> segments = absl::StrSplit(path, '/');
  if (segments.size() != path_template.segments.size()) return std::nullopt;
  PathBindings bindings;
  for (size_t i = 0; i < segments.size(); ++i) {
    const PathTemplate::Segment& expected = path_template.segments[i];
    if (!expected.variable) {
      if (segments[i] != expected.text) return std::nullopt;
      continue;
    }
    if (segments[i].empty()) return std::nullopt;
    if (path_template.verb.empty() && i + 1 == segments.size() &&
        absl::StrContains(segments[i], ':')) {
      return std::nullopt;
    }
    std::optional<std::string> value =
        PercentDecode(segments[i], /*plus_is_space=*/false);
    if (!value.has_value()) return std::nullopt;
    bindings.emplace_back(expected.text, *std::move(value));
  }
  return bindings;
}

}  // namespace nhs::tobacco::jsonapi
