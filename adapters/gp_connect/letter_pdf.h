#ifndef ADAPTERS_GP_CONNECT_LETTER_PDF_H_
#define ADAPTERS_GP_CONNECT_LETTER_PDF_H_

#include <string>

#include "absl/status/statusor.h"
#include "adapters/gp_connect/letter.h"

namespace nhs::tobacco::gp_connect {

// The letter as an A4 PDF, in memory: Cairo draws, Pango lays out and wraps
// the text; a paragraph that reaches the bottom margin continues on a new
// page, and every page carries the footer and its number. The safety note
// is drawn in a box.
//
// The PDF's metadata (title, dates) is fixed and holds no patient data
// (documents are forwarded and indexed by their metadata); the same letter
// gives the same bytes, so a retried message carries the same document.
// INTERNAL when Cairo fails. Thread-safe: no shared state.
absl::StatusOr<std::string> RenderLetterPdf(const Letter& letter);

// The title written into every PDF's metadata.
inline constexpr char kPdfMetadataTitle[] =
    "Letter from a tobacco dependence treatment service";

}  // namespace nhs::tobacco::gp_connect

#endif  // ADAPTERS_GP_CONNECT_LETTER_PDF_H_
