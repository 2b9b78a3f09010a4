#include "gateway/api/hl7_text.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/utf8.h"

namespace nhs::tobacco::api {
namespace {

// Whether field `n` of a segment with `id` is one the gateway needs (see
// the header). 0 in the table means every field of that segment.
bool Needed(absl::string_view id, int n) {
  static const auto* const kNeeded =
      new absl::flat_hash_map<std::string, std::vector<int>>{
          {"MSH", {0}}, {"PID", {3, 7}},     {"PRD", {1, 7}}, {"RF1", {0}},
          {"DG1", {3}}, {"OBX", {3, 5, 11}}, {"PV1", {0}},    {"RXE", {2}},
      };
  auto it = kNeeded->find(id);
  if (it == kNeeded->end()) return false;
  for (int f : it->second) {
    if (f == 0 || f == n) return true;
  }
  return false;
}

}  // namespace

Hl7TextCheck CheckHl7Text(const hl7v2::Message& message,
                          hl7v2::Charset charset) {
  Hl7TextCheck out{message, {}, {}};
  absl::flat_hash_map<std::string, int> seen;  // occurrences per segment id
  for (const hl7v2::Segment& segment : message.segments()) {
    const int occurrence = ++seen[segment.id()];
    hl7v2::Segment* repaired = nullptr;
    for (int n = 1; n <= segment.field_count(); ++n) {
      const absl::string_view raw = segment.RawField(n);
      std::string decoded;
      bool undecodable = false;
      if (charset == hl7v2::Charset::kUtf8) {
        if (IsValidUtf8(raw)) continue;
        decoded = ReplaceInvalidUtf8(raw);
        undecodable = true;
      } else {
        if (std::all_of(raw.begin(), raw.end(),
                        [](char c) { return (c & 0x80) == 0; })) {
          continue;
        }
        int bad = 0;
        decoded = hl7v2::SingleByteToUtf8(raw, charset, bad);
        undecodable = bad > 0;
      }
      const std::string where =
          occurrence == 1
              ? absl::StrCat(segment.id(), "-", n)
              : absl::StrCat(segment.id(), "(", occurrence, ")-", n);
      if (undecodable && Needed(segment.id(), n)) {
        out.refused.push_back(where);
        continue;
      }
      if (repaired == nullptr) {
        repaired = out.repaired.FindMutableSegment(segment.id(), occurrence);
      }
      // Decoding never makes an ASCII byte (delimiters are ASCII), so the
      // field's structure and escapes stay as sent.
      if (!repaired->SetRawField(n, decoded).ok()) {
        out.refused.push_back(where);
      } else if (undecodable) {
        out.replaced.push_back(where);
      }
    }
  }
  return out;
}

}  // namespace nhs::tobacco::api
