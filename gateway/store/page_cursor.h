#ifndef GATEWAY_STORE_PAGE_CURSOR_H_
#define GATEWAY_STORE_PAGE_CURSOR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Page tokens of the keyset-paged listings, the same for every back end so
// that a token from one instance pages on at another. Base64 so callers
// treat them as opaque.
namespace nhs::tobacco::store {

// The key of the last row of a page: listings are newest first by
// (created_us, id).
struct KeysetCursor {
  int64_t created_us = 0;
  std::string id;
};

// "created_us:id", or "kind:created_us:id" when `kind` is not empty (a
// safety alert's token is kind "a", so it is never taken for another
// listing's).
std::string EncodeKeysetCursor(absl::string_view kind, int64_t created_us,
                               absl::string_view id);
// INVALID_ARGUMENT "page_token is not a valid token" for anything else.
absl::StatusOr<KeysetCursor> DecodeKeysetCursor(absl::string_view kind,
                                                absl::string_view cursor);

// The outbox's token: "o:seq", the last message's queue order.
std::string EncodeOutboxCursor(int64_t seq);
absl::StatusOr<int64_t> DecodeOutboxCursor(absl::string_view cursor);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_PAGE_CURSOR_H_
