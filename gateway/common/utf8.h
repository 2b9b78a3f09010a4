#ifndef GATEWAY_COMMON_UTF8_H_
#define GATEWAY_COMMON_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

// UTF-8 validity as protobuf checks it when parsing a proto3 string: a
// string field that is not valid UTF-8 serializes, but never parses back.
// Valid means well-formed per RFC 3629: shortest form, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF.
namespace nhs::tobacco {

// The length (1-4) of the well-formed sequence starting at byte `i` of
// `text`, or 0 when the bytes there are not one.
size_t Utf8SequenceLength(absl::string_view text, size_t i);

// The byte offset of the first ill-formed sequence, or npos when `text` is
// valid UTF-8.
size_t FirstInvalidUtf8(absl::string_view text);

inline bool IsValidUtf8(absl::string_view text) {
  return FirstInvalidUtf8(text) == absl::string_view::npos;
}

// `text` with each maximal ill-formed subsequence replaced by U+FFFD (the
// Unicode "substitution of maximal subparts" practice).
std::string ReplaceInvalidUtf8(absl::string_view text);

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_UTF8_H_
