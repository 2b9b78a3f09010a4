#include "adapters/mental_health/translation_notes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nhs::tobacco::mental_health {
namespace {

// A code is short; its display text is clipped so the note stays a note.
constexpr size_t kMaxKeptText = 60;

std::string Clip(absl::string_view text) {
  if (text.size() <= kMaxKeptText) return std::string(text);
  return absl::StrCat(text.substr(0, kMaxKeptText - 3), "...");
}

}  // namespace

void TranslationNotes::LocalCode(absl::string_view location,
                                 absl::string_view table,
                                 absl::string_view code,
                                 absl::string_view text) {
  warnings_.Add(location,
                absl::StrCat("is a local code, not in table ", table,
                             ": accepted as \"other\", kept as sent in the "
                             "referral's timeline"));
  std::string kept = absl::StrCat(location, " \"", Clip(code), "\"");
  if (!text.empty()) absl::StrAppend(&kept, " (", Clip(text), ")");
  kept_.push_back(std::move(kept));
}

std::string TranslationNotes::Note() const {
  if (kept_.empty()) return "";
  return absl::StrCat("HL7 local codes kept as sent: ",
                      absl::StrJoin(kept_, "; "));
}

}  // namespace nhs::tobacco::mental_health
