// The PDF rendering of a Document: a cairo PDF surface, text laid out and shaped by Pango
// (fontconfig finds the CJK font; cairo embeds the subset of its glyphs the text uses).
//
// Two passes over the blocks with the same layout code: the first only measures, to count
// the pages ("共 n 页" in every footer), the second draws. Both see the same fonts and
// widths, so they break the pages at the same places.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <numeric>

#include "base/assert.h"
#include "documents/document.h"

namespace wulian::documents {
namespace {

constexpr double kPtPerMm = 72.0 / 25.4;
constexpr double kPageWidthPt = kPageWidthMm * kPtPerMm;
constexpr double kPageHeightPt = kPageHeightMm * kPtPerMm;
constexpr double kMarginPt = kMarginMm * kPtPerMm;
constexpr double kFooterGapPt = 8 * kPtPerMm;  // from the text's bottom to the footer
constexpr double kTitlePt = 17;
constexpr double kHeadingPt = 12.5;
constexpr double kBodyPt = 10;
constexpr double kTablePt = 9;
constexpr double kFooterPt = 8;
constexpr double kCellPadPt = 3;
constexpr double kBlockGapPt = 6;
constexpr double kHeadingGapPt = 10;
constexpr double kKeyColumnShare = 0.24;
constexpr double kRulePt = 0.5;
constexpr int kLinesWithHeading = 3;  // a heading stays on the page of its next lines
static_assert(2 * kMarginPt < kPageWidthPt && 2 * kMarginPt + kFooterGapPt < kPageHeightPt);

struct LayoutUnref {
  void operator()(PangoLayout* layout) const { g_object_unref(layout); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutUnref>;

double Height(PangoLayout* layout) {
  int width = 0, height = 0;
  pango_layout_get_size(layout, &width, &height);
  return pango_units_to_double(height);
}

PangoAlignment PangoAlign(Align a) {
  switch (a) {
    case Align::kLeft:
      return PANGO_ALIGN_LEFT;
    case Align::kCenter:
      return PANGO_ALIGN_CENTER;
    case Align::kRight:
      return PANGO_ALIGN_RIGHT;
  }
  return PANGO_ALIGN_LEFT;
}

// Lays out and (when `draw`) paints the blocks, page by page.
class Painter {
 public:
  Painter(cairo_t* cr, PangoContext* context, const PdfOptions& options, const Document& doc,
          bool draw, int pages)
      : cr_(cr), context_(context), options_(options), doc_(doc), draw_(draw), pages_(pages) {}

  // Paints the whole document; returns the number of pages.
  int Run() {
    y_ = kTop;
    Title();
    for (const Block& b : doc_.blocks()) {
      switch (b.kind) {
        case Block::Kind::kHeading:
          Heading(b.text);
          break;
        case Block::Kind::kParagraph:
          Paragraph(b.text);
          break;
        case Block::Kind::kKeyValues:
          KeyValues(b.pairs);
          break;
        case Block::Kind::kTable:
          TableBlock(b.table);
          break;
      }
    }
    Footer();
    if (draw_) cairo_show_page(cr_);
    return page_;
  }

 private:
  static constexpr double kTop = kMarginPt;
  static constexpr double kBottom = kPageHeightPt - kMarginPt - kFooterGapPt;
  static constexpr double kLeft = kMarginPt;
  static constexpr double kWidth = kPageWidthPt - 2 * kMarginPt;

  LayoutPtr Layout(const std::string& text, double size_pt, bool bold, double width_pt,
                   Align align = Align::kLeft, double max_height_pt = 0) const {
    LayoutPtr layout(pango_layout_new(context_));
    PangoFontDescription* font = pango_font_description_from_string(options_.font_family.c_str());
    pango_font_description_set_absolute_size(font, size_pt * PANGO_SCALE);
    pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    pango_layout_set_width(layout.get(), pango_units_from_double(width_pt));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), PangoAlign(align));
    if (max_height_pt > 0) {
      pango_layout_set_height(layout.get(), pango_units_from_double(max_height_pt));
      pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
  }

  void Show(PangoLayout* layout, double x, double y) {
    if (!draw_) return;
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
  }

  void Footer() {
    if (!draw_) return;
    const std::string text = doc_.title() + " · 第 " + std::to_string(page_) + " 页 / 共 " +
                             std::to_string(pages_) + " 页";
    LayoutPtr footer = Layout(text, kFooterPt, false, kWidth, Align::kCenter);
    cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
    Show(footer.get(), kLeft, kPageHeightPt - kMarginPt - Height(footer.get()));
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }

  void NewPage() {
    Footer();
    if (draw_) cairo_show_page(cr_);
    ++page_;
    y_ = kTop;
  }

  // Starts a new page unless `height` fits below y (or the page is still empty).
  void Need(double height) {
    if (y_ + height > kBottom && y_ > kTop) NewPage();
  }

  void Title() {
    LayoutPtr title = Layout(doc_.title(), kTitlePt, true, kWidth, Align::kCenter);
    Show(title.get(), kLeft, y_);
    y_ += Height(title.get()) + 2 * kBlockGapPt;
  }

  void Heading(const std::string& text) {
    LayoutPtr heading = Layout(text, kHeadingPt, true, kWidth);
    if (y_ > kTop) y_ += kHeadingGapPt - kBlockGapPt;
    Need(Height(heading.get()) + kLinesWithHeading * kBodyPt * 1.5);
    Show(heading.get(), kLeft, y_);
    y_ += Height(heading.get()) + 1;
    if (draw_) {
      cairo_set_line_width(cr_, kRulePt);
      cairo_move_to(cr_, kLeft, y_);
      cairo_line_to(cr_, kLeft + kWidth, y_);
      cairo_stroke(cr_);
    }
    y_ += kBlockGapPt;
  }

  // Line by line, so that a long paragraph continues on the next page.
  void Paragraph(const std::string& text) {
    LayoutPtr layout = Layout(text, kBodyPt, false, kWidth);
    PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      const double height = pango_units_to_double(logical.height);
      Need(height);
      if (draw_) {
        const double baseline =
            pango_units_to_double(pango_layout_iter_get_baseline(iter) - logical.y);
        cairo_move_to(cr_, kLeft + pango_units_to_double(logical.x), y_ + baseline);
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(iter));
      }
      y_ += height;
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    y_ += kBlockGapPt;
  }

  void KeyValues(const std::vector<std::pair<std::string, std::string>>& pairs) {
    const double key_width = kWidth * kKeyColumnShare;
    for (const auto& [key, value] : pairs) {
      LayoutPtr k = Layout(key, kBodyPt, true, key_width - kCellPadPt);
      LayoutPtr v = Layout(value, kBodyPt, false, kWidth - key_width, Align::kLeft, kBottom - kTop);
      const double height = std::max(Height(k.get()), Height(v.get()));
      Need(height);
      Show(k.get(), kLeft, y_);
      Show(v.get(), kLeft + key_width, y_);
      y_ += height + 2;
    }
    y_ += kBlockGapPt;
  }

  // One row of cells; `header` rows are bold on grey.
  struct Row {
    std::vector<LayoutPtr> cells;
    double height = 0;
  };

  Row MakeRow(const Table& t, const std::vector<double>& widths,
              const std::vector<std::string>& texts, bool header, double max_height) const {
    Row row;
    for (size_t i = 0; i < texts.size(); ++i) {
      row.cells.push_back(Layout(texts[i], kTablePt, header, widths[i] - 2 * kCellPadPt,
                                 header ? Align::kCenter : t.columns[i].align, max_height));
      row.height = std::max(row.height, Height(row.cells.back().get()));
    }
    row.height += 2 * kCellPadPt;
    return row;
  }

  void DrawRow(const Row& row, const std::vector<double>& widths, bool header) {
    if (draw_) {
      double x = kLeft;
      cairo_set_line_width(cr_, kRulePt);
      for (size_t i = 0; i < row.cells.size(); ++i) {
        cairo_rectangle(cr_, x, y_, widths[i], row.height);
        if (header) {
          cairo_set_source_rgb(cr_, 0.9, 0.9, 0.9);
          cairo_fill_preserve(cr_);
        }
        cairo_set_source_rgb(cr_, 0.45, 0.45, 0.45);
        cairo_stroke(cr_);
        cairo_set_source_rgb(cr_, 0, 0, 0);
        Show(row.cells[i].get(), x + kCellPadPt, y_ + kCellPadPt);
        x += widths[i];
      }
    }
    y_ += row.height;
  }

  void TableBlock(const Table& t) {
    const double sum = std::accumulate(t.columns.begin(), t.columns.end(), 0.0,
                                       [](double s, const Column& c) { return s + c.width; });
    std::vector<double> widths;
    std::vector<std::string> headers;
    for (const Column& c : t.columns) {
      widths.push_back(kWidth * c.width / sum);
      headers.push_back(c.header);
    }
    const Row header = MakeRow(t, widths, headers, true, 0);
    // A cell is cut where its row would not fit on an empty page below the header.
    const double max_cell = kBottom - kTop - header.height - 2 * kCellPadPt;
    bool first = true;
    for (const auto& cells : t.rows) {
      const Row row = MakeRow(t, widths, cells, false, max_cell);
      if (first) {
        Need(header.height + row.height);
        DrawRow(header, widths, true);
        first = false;
      } else if (y_ + row.height > kBottom) {
        NewPage();
        DrawRow(header, widths, true);
      }
      DrawRow(row, widths, false);
    }
    if (first) DrawRow(header, widths, true);  // a table without rows shows its header
    y_ += kBlockGapPt;
  }

  cairo_t* cr_;
  PangoContext* context_;
  const PdfOptions& options_;
  const Document& doc_;
  const bool draw_;
  const int pages_;
  int page_ = 1;
  double y_ = 0;
};

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Cairo objects released in reverse order of creation.
struct Cairo {
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  PangoFontMap* fonts = nullptr;
  PangoContext* context = nullptr;
  ~Cairo() {
    if (context != nullptr) g_object_unref(context);
    if (fonts != nullptr) g_object_unref(fonts);
    if (cr != nullptr) cairo_destroy(cr);
    if (surface != nullptr) cairo_surface_destroy(surface);
  }
};

}  // namespace

Status RenderPdf(const Document& document, const PdfOptions& options, std::string* pdf) {
  LEDGER_ASSERT(!options.date.empty(), "a PDF needs a fixed date to be reproducible");
  std::string out;
  {
    Cairo c;
    c.surface = cairo_pdf_surface_create_for_stream(Append, &out, kPageWidthPt, kPageHeightPt);
    cairo_pdf_surface_set_metadata(c.surface, CAIRO_PDF_METADATA_TITLE, document.title().c_str());
    cairo_pdf_surface_set_metadata(c.surface, CAIRO_PDF_METADATA_AUTHOR, options.author.c_str());
    cairo_pdf_surface_set_metadata(c.surface, CAIRO_PDF_METADATA_SUBJECT, options.subject.c_str());
    cairo_pdf_surface_set_metadata(c.surface, CAIRO_PDF_METADATA_CREATOR, "Wulian Ledger");
    cairo_pdf_surface_set_metadata(c.surface, CAIRO_PDF_METADATA_CREATE_DATE, options.date.c_str());
    cairo_pdf_surface_set_metadata(c.surface, CAIRO_PDF_METADATA_MOD_DATE, options.date.c_str());
    c.cr = cairo_create(c.surface);
    // A font map of our own: no state shared with other renderings or threads.
    c.fonts = pango_cairo_font_map_new();
    c.context = pango_font_map_create_context(c.fonts);
    cairo_font_options_t* font_options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(font_options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(font_options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(c.context, font_options);
    cairo_font_options_destroy(font_options);
    pango_context_set_language(c.context, pango_language_from_string("zh-cn"));
    pango_cairo_update_context(c.cr, c.context);
    const int pages = Painter(c.cr, c.context, options, document, false, 0).Run();
    const int drawn = Painter(c.cr, c.context, options, document, true, pages).Run();
    LEDGER_ASSERT(drawn == pages, "the measuring pass and the drawing pass disagree on pages");
    cairo_surface_finish(c.surface);
    const cairo_status_t status = cairo_surface_status(c.surface);
    if (status != CAIRO_STATUS_SUCCESS) {
      return Status::IOError(std::string("PDF: ") + cairo_status_to_string(status));
    }
  }
  *pdf = std::move(out);
  return Status::OK();
}

}  // namespace wulian::documents
