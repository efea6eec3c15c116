// The HTML rendering of a Document: one page, no external resources, print CSS for A4.
#include <numeric>

#include "documents/document.h"

namespace wulian::documents {
namespace {

constexpr char kStyle[] =
    "@page{size:A4;margin:18mm}"
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\","
    "\"Microsoft YaHei\",sans-serif;font-size:10.5pt;line-height:1.5;color:#111;"
    "max-width:174mm;margin:12mm auto}"
    "h1{font-size:17pt;text-align:center;margin:0 0 10pt}"
    "h2{font-size:12.5pt;border-bottom:0.5pt solid #111;margin:14pt 0 6pt;"
    "break-after:avoid}"
    "p{margin:0 0 6pt;white-space:pre-wrap}"
    "dl{display:grid;grid-template-columns:24% 76%;margin:0 0 6pt}"
    "dt{font-weight:bold}dd{margin:0}"
    "table{border-collapse:collapse;width:100%;margin:0 0 6pt;font-size:9pt}"
    "thead{display:table-header-group}tr{break-inside:avoid}"
    "th{background:#e6e6e6}th,td{border:0.5pt solid #777;padding:3pt;vertical-align:top;"
    "overflow-wrap:anywhere}"
    ".c{text-align:center}.r{text-align:right}"
    "@media print{body{margin:0;max-width:none}}";

std::string Escape(const std::string& s) { return EscapeHtml(s); }

const char* AlignClass(Align a) {
  switch (a) {
    case Align::kLeft:
      return "";
    case Align::kCenter:
      return " class=\"c\"";
    case Align::kRight:
      return " class=\"r\"";
  }
  return "";
}

void TableHtml(const Table& t, std::string& out) {
  const double sum = std::accumulate(t.columns.begin(), t.columns.end(), 0.0,
                                     [](double s, const Column& c) { return s + c.width; });
  out += "<table><colgroup>";
  for (const Column& c : t.columns) {
    out += "<col style=\"width:" + std::to_string(static_cast<int>(100 * c.width / sum)) + "%\">";
  }
  out += "</colgroup><thead><tr>";
  for (const Column& c : t.columns) out += "<th>" + Escape(c.header) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += std::string("<td") + AlignClass(t.columns[i].align) + ">" + Escape(row[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

}  // namespace

std::string EscapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
            c == 0x7f) {
          out += "\xEF\xBF\xBD";
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string RenderHtml(const Document& document) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">";
  out += "<meta name=\"viewport\" content=\"width=device-width\">";
  out += "<title>" + Escape(document.title()) + "</title><style>" + kStyle + "</style></head>\n";
  out += "<body>\n<h1>" + Escape(document.title()) + "</h1>\n";
  for (const Block& b : document.blocks()) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        out += "<h2>" + Escape(b.text) + "</h2>\n";
        break;
      case Block::Kind::kParagraph:
        out += "<p>" + Escape(b.text) + "</p>\n";
        break;
      case Block::Kind::kKeyValues:
        out += "<dl>";
        for (const auto& [k, v] : b.pairs)
          out += "<dt>" + Escape(k) + "</dt><dd>" + Escape(v) + "</dd>";
        out += "</dl>\n";
        break;
      case Block::Kind::kTable:
        TableHtml(b.table, out);
        break;
    }
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace wulian::documents
