#include "adapters/gp_connect/letter_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nhs::tobacco::gp_connect {
namespace {

// A4 in PostScript points, with 20 mm margins.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.890;
constexpr double kMargin = 56.693;
constexpr double kFooterGap = 28.0;  // room kept for the footer
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kBottom = kPageHeight - kMargin - kFooterGap;
constexpr double kBoxPadding = 8.0;
constexpr double kParagraphGap = 6.0;
constexpr double kSectionGap = 10.0;

// Fixed so the bytes never depend on the clock (cairo would write "now").
constexpr char kFixedPdfDate[] = "2000-01-01T00:00:00Z";

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
struct ContextDeleter {
  void operator()(PangoContext* c) const { g_object_unref(c); }
};
struct FontDeleter {
  void operator()(PangoFontDescription* f) const {
    pango_font_description_free(f);
  }
};
using FontPtr = std::unique_ptr<PangoFontDescription, FontDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;

cairo_status_t AppendToString(void* closure, const unsigned char* data,
                              unsigned int length) {
  static_cast<std::string*>(closure)->append(
      reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws text top to bottom, page after page. Owns nothing: the context is
// the caller's.
class PageWriter {
 public:
  PageWriter(cairo_t* cr, const std::string& footer)
      : cr_(cr),
        context_(pango_cairo_create_context(cr)),
        footer_(footer),
        body_(pango_font_description_from_string("DejaVu Sans 10.5")),
        bold_(pango_font_description_from_string("DejaVu Sans Bold 11.5")),
        title_(pango_font_description_from_string("DejaVu Sans Bold 16")),
        small_(pango_font_description_from_string("DejaVu Sans 8")) {
    // Font sizes in PDF points: Pango's default of 96 dpi would draw them
    // a third larger than named.
    pango_cairo_context_set_resolution(context_.get(), 72.0);
  }

  ~PageWriter() { Finish(); }

  void Title(const std::string& text) { Text(text, title_.get(), 0, 12); }
  void Heading(const std::string& text) { Text(text, bold_.get(), 0, 4); }
  void Paragraph(const std::string& text, double gap = kParagraphGap) {
    Text(text, body_.get(), 0, gap);
  }
  void Gap(double points) { y_ += points; }

  // The text in a box. Moves to a new page first when the box would not
  // fit here but fits on a fresh page; a box taller than a page is drawn
  // without its frame, line by line (the words matter more than the box).
  void Boxed(const std::string& text) {
    LayoutPtr layout =
        Layout(text, bold_.get(), kContentWidth - 2 * kBoxPadding);
    int width = 0, height = 0;
    pango_layout_get_size(layout.get(), &width, &height);
    const double box =
        static_cast<double>(height) / PANGO_SCALE + 2 * kBoxPadding;
    if (y_ + box > kBottom && kMargin + box <= kBottom) NewPage();
    if (y_ + box > kBottom) {
      Text(text, bold_.get(), 0, kSectionGap);
      return;
    }
    cairo_save(cr_);
    cairo_set_line_width(cr_, 1.5);
    cairo_rectangle(cr_, kMargin, y_, kContentWidth, box);
    cairo_stroke(cr_);
    cairo_restore(cr_);
    cairo_move_to(cr_, kMargin + kBoxPadding, y_ + kBoxPadding);
    pango_cairo_show_layout(cr_, layout.get());
    y_ += box + kSectionGap;
  }

  int pages() const { return page_; }

 private:
  LayoutPtr Layout(const std::string& text, const PangoFontDescription* font,
                   double width) {
    LayoutPtr layout(pango_layout_new(context_.get()));
    pango_layout_set_font_description(layout.get(), font);
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    // Plain text, never markup: letter values are data, not formatting.
    pango_layout_set_text(layout.get(), text.data(),
                          static_cast<int>(text.size()));
    return layout;
  }

  // Line by line, so one long paragraph may run over several pages.
  void Text(const std::string& text, const PangoFontDescription* font,
            double indent, double gap_after) {
    LayoutPtr layout = Layout(text, font, kContentWidth - indent);
    PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      const double line_height =
          static_cast<double>(logical.height) / PANGO_SCALE;
      const double ascent =
          static_cast<double>(pango_layout_iter_get_baseline(iter) -
                              logical.y) /
          PANGO_SCALE;
      if (y_ + line_height > kBottom) NewPage();
      cairo_move_to(cr_, kMargin + indent, y_ + ascent);
      pango_cairo_show_layout_line(cr_,
                                   pango_layout_iter_get_line_readonly(iter));
      y_ += line_height;
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    y_ += gap_after;
  }

  void DrawFooter() {
    const std::string text = footer_.empty()
                                 ? absl::StrCat("Page ", page_)
                                 : absl::StrCat(footer_, "  Page ", page_);
    LayoutPtr layout = Layout(text, small_.get(), kContentWidth);
    cairo_move_to(cr_, kMargin, kPageHeight - kMargin - 10);
    pango_cairo_show_layout(cr_, layout.get());
  }

  void NewPage() {
    DrawFooter();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    DrawFooter();
    cairo_show_page(cr_);
  }

  cairo_t* cr_;
  std::unique_ptr<PangoContext, ContextDeleter> context_;
  std::string footer_;
  FontPtr body_, bold_, title_, small_;
  double y_ = kMargin;
  int page_ = 1;
  bool finished_ = false;
};

}  // namespace

absl::StatusOr<std::string> RenderLetterPdf(const Letter& letter) {
  std::string pdf;
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
      cairo_pdf_surface_create_for_stream(AppendToString, &pdf, kPageWidth,
                                          kPageHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(absl::StrCat(
        "cairo PDF surface: ",
        cairo_status_to_string(cairo_surface_status(surface.get()))));
  }
  // No patient data in metadata: a fixed title, fixed dates.
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 kPdfMetadataTitle);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE,
                                 kFixedPdfDate);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE,
                                 kFixedPdfDate);
  {
    std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    PageWriter page(cr.get(), letter.footer);
    page.Title(letter.title);
    for (const std::string& line : letter.header_lines) page.Paragraph(line, 2);
    page.Gap(kSectionGap);
    // Safety first: above the letter body, where nobody skims past it.
    if (!letter.safety_note.empty()) page.Boxed(letter.safety_note);
    for (const LetterSection& section : letter.sections) {
      if (!section.heading.empty()) page.Heading(section.heading);
      for (const std::string& p : section.paragraphs) page.Paragraph(p);
      page.Gap(kSectionGap - kParagraphGap);
    }
    // ~PageWriter closes the last page before the context goes.
  }
  cairo_surface_finish(surface.get());
  const cairo_status_t status = cairo_surface_status(surface.get());
  if (status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(
        absl::StrCat("cairo PDF rendering: ", cairo_status_to_string(status)));
  }
  return pdf;
}

}  // namespace nhs::tobacco::gp_connect
