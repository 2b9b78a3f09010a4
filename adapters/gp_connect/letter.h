#ifndef ADAPTERS_GP_CONNECT_LETTER_H_
#define ADAPTERS_GP_CONNECT_LETTER_H_

#include <string>
#include <vector>

// A letter as plain structured text: no markup, so each renderer (the PDF
// here; any other later) draws it its own way and nothing needs escaping
// twice. Values are the final wording a reader sees.
namespace nhs::tobacco::gp_connect {

struct LetterSection {
  std::string heading;  // may be empty: paragraphs without a heading
  std::vector<std::string> paragraphs;
};

struct Letter {
  std::string title;  // e.g. "Stop smoking medicine recommendation"
  std::vector<std::string> header_lines;  // from / to / date lines
  std::vector<LetterSection> sections;
  // The clozapine/olanzapine CYP1A2 warning when it applies, empty
  // otherwise; drawn in a box so it cannot be missed.
  std::string safety_note;
  std::string footer;  // every page; keep patient data out of it
};

}  // namespace nhs::tobacco::gp_connect

#endif  // ADAPTERS_GP_CONNECT_LETTER_H_
