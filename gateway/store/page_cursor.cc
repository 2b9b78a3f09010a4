#include "gateway/store/page_cursor.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace nhs::tobacco::store {
namespace {

absl::Status InvalidToken() {
  return absl::InvalidArgumentError("page_token is not a valid token");
}

}  // namespace

std::string EncodeKeysetCursor(absl::string_view kind, int64_t created_us,
                               absl::string_view id) {
  return absl::WebSafeBase64Escape(
      kind.empty() ? absl::StrCat(created_us, ":", id)
                   : absl::StrCat(kind, ":", created_us, ":", id));
}

absl::StatusOr<KeysetCursor> DecodeKeysetCursor(absl::string_view kind,
                                                absl::string_view cursor) {
  std::string plain;
  if (!absl::WebSafeBase64Unescape(cursor, &plain)) return InvalidToken();
  absl::string_view rest = plain;
  if (!kind.empty() &&
      !(absl::ConsumePrefix(&rest, kind) && absl::ConsumePrefix(&rest, ":"))) {
    return InvalidToken();
  }
  std::vector<absl::string_view> parts =
      absl::StrSplit(rest, absl::MaxSplits(':', 1));
  KeysetCursor key;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &key.created_us) ||
      parts[1].empty()) {
    return InvalidToken();
  }
  key.id = std::string(parts[1]);
  return key;
}

std::string EncodeOutboxCursor(int64_t seq) {
  return absl::WebSafeBase64Escape(absl::StrCat("o:", seq));
}

absl::StatusOr<int64_t> DecodeOutboxCursor(absl::string_view cursor) {
  std::string plain;
  int64_t seq = 0;
  absl::string_view rest;
  if (absl::WebSafeBase64Unescape(cursor, &plain)) rest = plain;
  if (!absl::ConsumePrefix(&rest, "o:") || !absl::SimpleAtoi(rest, &seq)) {
    return InvalidToken();
  }
  return seq;
}

}  // namespace nhs::tobacco::store
