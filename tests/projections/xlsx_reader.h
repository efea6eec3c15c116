// Reads an .xlsx workbook back for the tests, the way a spreadsheet program would: the zip
// with libzip, the sheets, shared strings and styles with expat. Only what the tests look at:
// sheet names in order, each cell's text (shared strings resolved), type and number format,
// and whether the header row is frozen.
#pragma once

#include <expat.h>
#include <zip.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace wulian::testing {

struct XlsxCell {
  std::string text;        // the shared string, or the number as written
  bool is_string = false;  // t="s" (a text cell) rather than a number
  std::string format;      // the number format of its style ("" for General)
  double number() const { return std::strtod(text.c_str(), nullptr); }
};

struct XlsxSheet {
  std::string name;
  bool header_frozen = false;  // a frozen pane below the first row
  std::vector<std::vector<XlsxCell>> rows;
  // The cell in `row` under the header `column` (nullptr if none).
  const XlsxCell* At(size_t row, const std::string& column) const {
    if (rows.empty() || row >= rows.size()) return nullptr;
    for (size_t c = 0; c < rows[0].size(); ++c) {
      if (rows[0][c].text == column) return c < rows[row].size() ? &rows[row][c] : nullptr;
    }
    return nullptr;
  }
};

struct Xlsx {
  bool ok = false;
  std::vector<XlsxSheet> sheets;
  const XlsxSheet* Sheet(const std::string& name) const {
    for (const auto& s : sheets) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
};

namespace xlsx_internal {

inline bool ReadEntry(zip_t* zip, const std::string& name, std::string* out) {
  zip_file_t* f = zip_fopen(zip, name.c_str(), 0);
  if (f == nullptr) return false;
  char buf[65536];
  zip_int64_t n;
  while ((n = zip_fread(f, buf, sizeof buf)) > 0) out->append(buf, static_cast<size_t>(n));
  zip_fclose(f);
  return n == 0;
}

// Calls start(name, attributes), text(chars) and end(name) over `xml`.
struct Parser {
  std::function<void(const std::string&, const std::map<std::string, std::string>&)> start;
  std::function<void(const std::string&)> text;
  std::function<void(const std::string&)> end;

  bool Parse(const std::string& xml) {
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, this);
    XML_SetElementHandler(
        p,
        [](void* self, const XML_Char* name, const XML_Char** attributes) {
          std::map<std::string, std::string> a;
          for (int i = 0; attributes[i]; i += 2) a[attributes[i]] = attributes[i + 1];
          auto* parser = static_cast<Parser*>(self);
          if (parser->start) parser->start(name, a);
        },
        [](void* self, const XML_Char* name) {
          auto* parser = static_cast<Parser*>(self);
          if (parser->end) parser->end(name);
        });
    XML_SetCharacterDataHandler(p, [](void* self, const XML_Char* s, int len) {
      auto* parser = static_cast<Parser*>(self);
      if (parser->text) parser->text(std::string(s, static_cast<size_t>(len)));
    });
    const bool ok = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    return ok;
  }
};

// "AB12" → column 27 (0-based 27), row ignored.
inline size_t Column(const std::string& ref) {
  size_t col = 0;
  for (char c : ref) {
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + static_cast<size_t>(c - 'A' + 1);
  }
  return col - 1;
}

}  // namespace xlsx_internal

inline Xlsx ReadXlsx(const std::string& bytes) {
  using namespace xlsx_internal;
  Xlsx book;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* zip = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
  if (zip == nullptr) {
    if (source) zip_source_free(source);
    return book;
  }
  std::string workbook, strings_xml, styles_xml;
  bool ok =
      ReadEntry(zip, "xl/workbook.xml", &workbook) && ReadEntry(zip, "xl/styles.xml", &styles_xml);
  ReadEntry(zip, "xl/sharedStrings.xml", &strings_xml);  // absent when no cell has text

  std::vector<std::string> strings;
  {
    Parser p;
    bool in_t = false;
    p.start = [&](const std::string& n, const auto&) {
      if (n == "si") strings.emplace_back();
      in_t = n == "t";
    };
    p.text = [&](const std::string& s) {
      if (in_t && !strings.empty()) strings.back() += s;
    };
    p.end = [&](const std::string&) { in_t = false; };
    ok = ok && (strings_xml.empty() || p.Parse(strings_xml));
  }
  std::map<std::string, std::string> formats;  // numFmtId → code
  std::vector<std::string> xf_formats;         // cellXfs index → code
  {
    Parser p;
    bool in_cell_xfs = false;
    p.start = [&](const std::string& n, const std::map<std::string, std::string>& a) {
      if (n == "numFmt") formats[a.at("numFmtId")] = a.at("formatCode");
      if (n == "cellXfs") in_cell_xfs = true;
      if (n == "xf" && in_cell_xfs) {
        auto it = formats.find(a.count("numFmtId") ? a.at("numFmtId") : "0");
        xf_formats.push_back(it == formats.end() ? "" : it->second);
      }
    };
    p.end = [&](const std::string& n) {
      if (n == "cellXfs") in_cell_xfs = false;
    };
    ok = ok && p.Parse(styles_xml);
  }
  {
    Parser p;
    p.start = [&](const std::string& n, const std::map<std::string, std::string>& a) {
      if (n == "sheet") book.sheets.push_back({a.at("name"), false, {}});
    };
    ok = ok && p.Parse(workbook);
  }
  for (size_t i = 0; ok && i < book.sheets.size(); ++i) {
    std::string xml;
    ok = ReadEntry(zip, "xl/worksheets/sheet" + std::to_string(i + 1) + ".xml", &xml);
    XlsxSheet& sheet = book.sheets[i];
    Parser p;
    XlsxCell* cell = nullptr;
    bool in_v = false;
    p.start = [&](const std::string& n, const std::map<std::string, std::string>& a) {
      if (n == "pane") {
        sheet.header_frozen = a.count("ySplit") && a.at("ySplit") == "1" && a.count("state") &&
                              a.at("state") == "frozen";
      } else if (n == "row") {
        sheet.rows.resize(static_cast<size_t>(std::atoi(a.at("r").c_str())));
      } else if (n == "c" && !sheet.rows.empty()) {
        auto& row = sheet.rows.back();
        const size_t col = Column(a.at("r"));
        if (row.size() <= col) row.resize(col + 1);
        cell = &row[col];
        cell->is_string = a.count("t") && a.at("t") == "s";
        const size_t style = a.count("s") ? std::strtoul(a.at("s").c_str(), nullptr, 10) : 0;
        cell->format = style < xf_formats.size() ? xf_formats[style] : "";
      }
      in_v = n == "v";
    };
    p.text = [&](const std::string& s) {
      if (in_v && cell) cell->text += s;
    };
    p.end = [&](const std::string& n) {
      in_v = false;
      if (n == "c" && cell) {
        if (cell->is_string) {
          const size_t index = std::strtoul(cell->text.c_str(), nullptr, 10);
          cell->text = index < strings.size() ? strings[index] : "";
        }
        cell = nullptr;
      }
    };
    ok = ok && p.Parse(xml);
  }
  zip_close(zip);
  book.ok = ok;
  return book;
}

}  // namespace wulian::testing
