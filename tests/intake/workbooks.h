// Test support: spreadsheets written the way offices' tools write them — .xlsx with
// libxlsxwriter, hand-made .xlsx packages with libzip (for what libxlsxwriter never writes),
// .csv in UTF-8 and, through iconv(1), in GB18030.
#pragma once

#include <gtest/gtest.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace wulian::testing {

// Rows of cells. A cell "#25" is written as a number, "@2025-03-01 09:30" as a date-time
// cell, "?1" / "?0" as a boolean; anything else as text ("" leaves the cell empty).
using SheetRows = std::vector<std::vector<std::string>>;

// The cell as a .csv file holds it.
inline std::string CsvText(const std::string& cell) {
  if (cell.empty()) return cell;
  if (cell[0] == '#' || cell[0] == '@') return cell.substr(1);
  if (cell[0] == '?') return cell == "?1" ? "是" : "否";
  return cell;
}

inline void WriteXlsx(const std::string& path, const SheetRows& rows,
                      bool constant_memory = false) {
  lxw_workbook_options options = {};
  options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
  ASSERT_NE(book, nullptr);
  lxw_worksheet* sheet = workbook_add_worksheet(book, "台账");
  lxw_format* date = workbook_add_format(book);
  format_set_num_format(date, "yyyy-mm-dd hh:mm");
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& v = rows[r][c];
      const auto row = static_cast<lxw_row_t>(r);
      const auto col = static_cast<lxw_col_t>(c);
      if (v.empty()) continue;
      if (v[0] == '#') {
        worksheet_write_number(sheet, row, col, std::stod(v.substr(1)), nullptr);
      } else if (v[0] == '?') {
        worksheet_write_boolean(sheet, row, col, v == "?1", nullptr);
      } else if (v[0] == '@') {
        lxw_datetime dt = {};
        std::sscanf(v.c_str() + 1, "%d-%d-%d %d:%d", &dt.year, &dt.month, &dt.day, &dt.hour,
                    &dt.min);
        worksheet_write_datetime(sheet, row, col, &dt, date);
      } else {
        worksheet_write_string(sheet, row, col, v.c_str(), nullptr);
      }
    }
  }
  ASSERT_EQ(workbook_close(book), LXW_NO_ERROR);
}

// RFC 4180: every field quoted (quotes doubled), CRLF line ends.
inline void WriteCsv(const std::string& path, const SheetRows& rows, bool bom = false) {
  std::string out = bom ? "\xEF\xBB\xBF" : "";
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      std::string v = CsvText(row[c]), quoted = "\"";
      for (char ch : v) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      out += (c ? "," : "") + quoted + "\"";
    }
    out += "\r\n";
  }
  std::ofstream(path, std::ios::binary) << out;
}

// Converts a UTF-8 file to GB18030 with iconv(1).
inline void ToGb18030(const std::string& from, const std::string& to) {
  const std::string cmd = "iconv -f UTF-8 -t GB18030 '" + from + "' > '" + to + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// A zip of (name, contents) entries, deflated, written with libzip.
inline void WriteZip(const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& entries) {
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(z, nullptr);
  for (const auto& [name, contents] : entries) {
    zip_source_t* src = zip_source_buffer(z, contents.data(), contents.size(), 0);
    ASSERT_NE(src, nullptr);
    ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE), 0);
  }
  ASSERT_EQ(zip_close(z), 0) << zip_strerror(z);
}

inline constexpr char kMainNs[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
inline constexpr char kRelNs[] =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// A minimal workbook package around `sheet_data` (the children of <worksheet>), with
// `shared` as the <si> elements of xl/sharedStrings.xml and `workbook_pr` as the attributes
// of <workbookPr>. Entries in `extra` are added or replace the generated ones.
inline void WriteRawXlsx(const std::string& path, const std::string& sheet_children,
                         const std::string& shared = "", const std::string& workbook_pr = "",
                         std::vector<std::pair<std::string, std::string>> extra = {}) {
  const std::string rel = std::string(kRelNs) + "/";
  std::vector<std::pair<std::string, std::string>> entries = {
      {"[Content_Types].xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)"},
      {"_rels/.rels",
       R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type=")" +
           rel + R"(officeDocument" Target="xl/workbook.xml"/></Relationships>)"},
      {"xl/workbook.xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns=")" + std::string(kMainNs) +
           R"(" xmlns:r=")" + kRelNs + R"("><workbookPr )" + workbook_pr +
           R"(/><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type=")" +
           rel + R"(worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type=")" +
           rel + R"(sharedStrings" Target="sharedStrings.xml"/></Relationships>)"},
      {"xl/sharedStrings.xml", R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns=")" +
                                   std::string(kMainNs) + R"(">)" + shared + "</sst>"},
      {"xl/worksheets/sheet1.xml", R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns=")" +
                                       std::string(kMainNs) + R"(">)" + sheet_children +
                                       "</worksheet>"},
  };
  for (auto& e : extra) {
    bool replaced = false;
    for (auto& have : entries) {
      if (have.first == e.first) have.second = e.second, replaced = true;
    }
    if (!replaced) entries.push_back(std::move(e));
  }
  WriteZip(path, entries);
}

}  // namespace wulian::testing
