// Printable documents: a tiny document model — a title, then headings, paragraphs,
// key–value lines and tables with column widths and wrapping — rendered to PDF (A4, with
// Pango and Cairo, the CJK text in an embedded Noto Sans CJK font) or to one self-contained
// HTML page with print CSS for A4. Used for the member's annual file and for notices.
//
// Rendering is deterministic: the same document and options give the same bytes (the PDF's
// dates come from PdfOptions, never from the clock).
//
// PDF layout: A4 portrait, margins kMarginMm; a heading stays with the lines after it; a
// paragraph breaks between lines; a table row never breaks, and a table continued on a new
// page repeats its header row; a cell taller than a page is cut with an ellipsis. Every page
// has a footer "标题 · 第 i 页 / 共 n 页".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace wulian::documents {

inline constexpr double kPageWidthMm = 210;
inline constexpr double kPageHeightMm = 297;
inline constexpr double kMarginMm = 18;
inline constexpr size_t kTableColumnsMax = 12;
inline constexpr size_t kDocumentBlocksMax = 100000;

enum class Align { kLeft, kCenter, kRight };

struct Column {
  std::string header;
  // A relative width: the columns share the text width in proportion to it. REQUIRES: > 0.
  double width = 1;
  Align align = Align::kLeft;
};

struct Table {
  std::vector<Column> columns;
  // Each row has one cell per column; a cell's text wraps within its column.
  std::vector<std::vector<std::string>> rows;
};

struct Block {
  enum class Kind { kHeading, kParagraph, kKeyValues, kTable };
  Kind kind = Kind::kParagraph;
  std::string text;                                        // kHeading, kParagraph
  std::vector<std::pair<std::string, std::string>> pairs;  // kKeyValues: key, value
  Table table;                                             // kTable
};

// A document under construction: blocks in reading order. All text is UTF-8 and plain (no
// markup is interpreted).
class Document {
 public:
  explicit Document(std::string title) : title_(std::move(title)) {}

  Document& Heading(std::string text);
  Document& Paragraph(std::string text);
  // Lines "key: value", the keys in one column, values wrapping in the other.
  Document& KeyValues(std::vector<std::pair<std::string, std::string>> pairs);
  // REQUIRES: 1 to kTableColumnsMax columns, each width > 0, each row as wide as the columns.
  Document& AddTable(Table table);

  const std::string& title() const { return title_; }
  const std::vector<Block>& blocks() const { return blocks_; }

 private:
  std::string title_;
  std::vector<Block> blocks_;
};

struct PdfOptions {
  // The PDF's creation and modification date, "YYYY-MM-DDThh:mm:ss+hh:mm" (ISO 8601, as
  // cairo writes it into the document information). REQUIRES: not empty — the same date
  // gives the same bytes.
  std::string date;
  // The document information's author and subject (may be empty).
  std::string author;
  std::string subject;
  // The font family, through fontconfig: a CJK family so that Chinese text is real text.
  std::string font_family = "Noto Sans CJK SC";
};

// The document as a PDF file. IOError if cairo fails (it then says why).
Status RenderPdf(const Document& document, const PdfOptions& options, std::string* pdf);

// `s` as HTML text or an attribute value: & < > " ' escaped, control characters other than
// tab and line ends replaced by U+FFFD.
std::string EscapeHtml(std::string_view s);

// The document as one self-contained HTML page (lang zh-CN, inline CSS, A4 print rules,
// table headers repeated on every printed page).
std::string RenderHtml(const Document& document);

}  // namespace wulian::documents
