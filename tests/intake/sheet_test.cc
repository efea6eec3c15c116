// Reading .xlsx and .csv files into tables: real files written by libxlsxwriter, libzip and
// iconv(1).
#include "intake/sheet.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/intake/workbooks.h"
#include "tests/support.h"

namespace wulian::intake {
namespace {

using testing::TempDir;
using testing::WriteCsv;
using testing::WriteRawXlsx;
using testing::WriteXlsx;
using testing::WriteZip;

Table Read(const std::string& path, Encoding encoding = Encoding::kDetect) {
  Table table;
  SheetOptions options;
  options.encoding = encoding;
  Status s = ReadSheet(path, options, &table);
  EXPECT_TRUE(s.ok()) << s.message();
  return table;
}

// Refused as a whole: the message, and the row it names.
std::pair<std::string, uint64_t> Refusal(const std::string& path) {
  Table table;
  uint64_t row = 0;
  Status s = ReadSheet(path, SheetOptions{}, &table, &row);
  EXPECT_EQ(s.code(), Code::kInvalidEvent) << s.message();
  return {s.message(), row};
}

const Cell& At(const Table& t, size_t row, size_t column) {
  static const Cell kEmpty;
  for (const Row& r : t.rows) {
    if (r.number == row) return column < r.cells.size() ? r.cells[column] : kEmpty;
  }
  return kEmpty;
}

TEST(SheetTest, XlsxOfLibxlsxwriterHasStringsNumbersBooleansDatesAndGaps) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  WriteXlsx(
      path,
      {{"编号", "", "联系人数"}, {"k1", "@2025-03-01 09:30", "#25", "", "?1"}, {}, {"停车难"}});
  Table t = Read(path);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_FALSE(t.date1904);
  EXPECT_EQ(At(t, 1, 0).text, "编号");
  EXPECT_EQ(At(t, 1, 1).type, Cell::Type::kEmpty);
  EXPECT_EQ(At(t, 2, 1).type, Cell::Type::kNumber);
  EXPECT_DOUBLE_EQ(std::stod(At(t, 2, 1).text), 45717 + 9.5 / 24);  // 2025-03-01 09:30
  EXPECT_EQ(At(t, 2, 2).text, "25");
  EXPECT_EQ(At(t, 2, 3).type, Cell::Type::kEmpty);
  EXPECT_EQ(At(t, 2, 4).type, Cell::Type::kBool);
  EXPECT_EQ(At(t, 2, 4).text, "1");
  EXPECT_EQ(t.rows[2].number, 4u);  // row 3 is empty and absent
  EXPECT_EQ(At(t, 4, 0).text, "停车难");
}

TEST(SheetTest, ConstantMemoryWorkbooksUseInlineStrings) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  WriteXlsx(path, {{"主题"}, {"垃圾分类"}}, /*constant_memory=*/true);
  EXPECT_EQ(At(Read(path), 2, 0).text, "垃圾分类");
}

TEST(SheetTest, RichTextRunsAreOneStringAndPhoneticRunsAreNotText) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  WriteRawXlsx(
      path,
      R"(<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row></sheetData>)",
      R"(<si><r><rPr><b/></rPr><t>停车</t></r><r><t xml:space="preserve">难 </t></r><rPh sb="0" eb="1"><t>tingche</t></rPh></si><si><t>主题</t></si>)");
  Table t = Read(path);
  EXPECT_EQ(At(t, 1, 0).text, "停车难 ");
  EXPECT_EQ(At(t, 1, 1).type, Cell::Type::kEmpty);
  EXPECT_EQ(At(t, 1, 2).text, "主题");
}

TEST(SheetTest, Date1904AndCellsWithoutReferencesAndFormulaResults) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  WriteRawXlsx(
      path,
      R"(<sheetData><row><c><v>44255.5</v></c><c t="inlineStr"><is><t>x</t></is></c></row>)"
      R"(<row r="3"><c r="B3" t="str"><f>A1&amp;"y"</f><v>xy</v></c><c><f>1+1</f><v>2</v></c></row></sheetData>)",
      "", R"(date1904="1")");
  Table t = Read(path);
  EXPECT_TRUE(t.date1904);
  EXPECT_EQ(At(t, 1, 0).text, "44255.5");
  EXPECT_EQ(At(t, 1, 1).text, "x");
  EXPECT_EQ(At(t, 3, 1).text, "xy");
  EXPECT_EQ(At(t, 3, 2).text, "2");
}

TEST(SheetTest, TheFirstSheetIsFoundThroughTheWorkbookRelationships) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  const std::string rel = std::string(testing::kRelNs) + "/worksheet";
  WriteRawXlsx(
      path,
      R"(<sheetData><row r="1"><c t="inlineStr"><is><t>second</t></is></c></row></sheetData>)", "",
      "",
      {{"xl/workbook.xml",
        std::string(R"(<workbook xmlns:r=")") + testing::kRelNs +
            R"("><sheets><sheet name="一" r:id="rId7"/><sheet name="二" r:id="rId1"/></sheets></workbook>)"},
       {"xl/_rels/workbook.xml.rels",
        R"(<Relationships><Relationship Id="rId1" Type=")" + rel +
            R"(" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type=")" + rel +
            R"(" Target="/xl/worksheets/first.xml"/></Relationships>)"},
       {"xl/worksheets/first.xml",
        R"(<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>first</t></is></c></row></sheetData></worksheet>)"}});
  EXPECT_EQ(At(Read(path), 1, 0).text, "first");
}

TEST(SheetTest, AFormulaWithoutACachedValueAndAnErrorValueAreInvalidCells) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  WriteRawXlsx(
      path,
      R"(<sheetData><row r="2"><c r="C2"><f>SUM(A1:A9)</f></c><c r="D2" t="e"><v>#DIV/0!</v></c></row></sheetData>)");
  Table t = Read(path);
  EXPECT_EQ(At(t, 2, 2).type, Cell::Type::kInvalid);
  EXPECT_NE(At(t, 2, 2).text.find("公式没有缓存的计算结果"), std::string::npos);
  EXPECT_EQ(At(t, 2, 3).type, Cell::Type::kInvalid);
  EXPECT_NE(At(t, 2, 3).text.find("#DIV/0!"), std::string::npos);
}

TEST(SheetTest, MergedCellsAreInvalidAtTheirFirstCell) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  lxw_workbook* book = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(book, nullptr);
  worksheet_write_string(sheet, 0, 0, "主题", nullptr);
  worksheet_merge_range(sheet, 2, 1, 3, 2, "停车难", nullptr);
  ASSERT_EQ(workbook_close(book), LXW_NO_ERROR);
  Table t = Read(path);
  EXPECT_EQ(At(t, 3, 1).type, Cell::Type::kInvalid);
  EXPECT_NE(At(t, 3, 1).text.find("合并单元格 B3:C4"), std::string::npos) << At(t, 3, 1).text;
  // An empty merged range holds nothing a row needs: not refused.
  lxw_workbook* blank = workbook_new(path.c_str());
  lxw_worksheet* blank_sheet = workbook_add_worksheet(blank, nullptr);
  worksheet_write_string(blank_sheet, 0, 0, "主题", nullptr);
  worksheet_write_string(blank_sheet, 1, 0, "停车难", nullptr);
  worksheet_merge_range(blank_sheet, 9, 7, 9, 9, "", nullptr);
  ASSERT_EQ(workbook_close(blank), LXW_NO_ERROR);
  t = Read(path);
  EXPECT_EQ(At(t, 2, 0).text, "停车难");
  EXPECT_EQ(At(t, 10, 7).type, Cell::Type::kEmpty);
}

TEST(SheetTest, ADoctypeIsRefusedSoNoEntityIsExpanded) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  WriteRawXlsx(
      path, "", "", "",
      {{"xl/worksheets/sheet1.xml",
        R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>)"
        R"(<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>)"}});
  EXPECT_NE(Refusal(path).first.find("DOCTYPE"), std::string::npos);
}

TEST(SheetTest, AnEntryLargerThanTheLimitIsRefusedBeforeItIsInflated) {
  TempDir dir;
  const std::string path = dir.path() + "/bomb.xlsx";
  std::string huge = "<worksheet><sheetData>";
  huge.resize(kZipEntryBytesMax + 1, ' ');
  WriteRawXlsx(path, "", "", "", {{"xl/worksheets/sheet1.xml", huge + "</sheetData></worksheet>"}});
  EXPECT_NE(Refusal(path).first.find("解压后超过 64 MiB"), std::string::npos);
}

TEST(SheetTest, AnEntryCompressedBeyondTheRatioIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/bomb.xlsx";
  std::string zeros = "<worksheet><sheetData>";
  zeros.resize(8 << 20, ' ');
  WriteRawXlsx(path, "", "", "",
               {{"xl/worksheets/sheet1.xml", zeros + "</sheetData></worksheet>"}});
  EXPECT_NE(Refusal(path).first.find("压缩比超过"), std::string::npos);
}

TEST(SheetTest, AFileThatIsNotAZipIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/a.xlsx";
  std::ofstream(path) << "编号,发生时间\n";
  EXPECT_NE(Refusal(path).first.find("不是有效的 zip"), std::string::npos);
}

TEST(SheetTest, RowsBeyondTheLimitAreRefusedNamingTheFirstOne) {
  TempDir dir;
  const std::string path = dir.path() + "/a.csv";
  std::string csv = "主题\n";
  for (uint64_t i = 0; i < kSheetRowsMax + 10; ++i) csv += "t\n";
  std::ofstream(path) << csv;
  auto [message, row] = Refusal(path);
  EXPECT_EQ(row, kSheetRowsMax + 2);
  EXPECT_NE(message.find("50000"), std::string::npos);
}

TEST(SheetTest, CsvQuotingCrlfAndTheByteOrderMark) {
  TempDir dir;
  const std::string path = dir.path() + "/a.csv";
  std::ofstream(path, std::ios::binary) << "\xEF\xBB\xBF"
                                           "主题,数\r\n\"a,\"\"b\"\"\r\nc\",2\r\n\r\nx,\n";
  Table t = Read(path);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(At(t, 1, 0).text, "主题");
  EXPECT_EQ(At(t, 2, 0).text, "a,\"b\"\r\nc");
  EXPECT_EQ(At(t, 2, 1).text, "2");
  EXPECT_EQ(At(t, 4, 0).text, "x");
}

TEST(SheetTest, Gb18030IsDetectedOrNamedAndABadSequenceIsAnInvalidCell) {
  TempDir dir;
  const std::string utf8 = dir.path() + "/u.csv", gb = dir.path() + "/g.csv";
  WriteCsv(utf8, {{"主题", "人数"}, {"停车难", "3"}});
  testing::ToGb18030(utf8, gb);
  EXPECT_EQ(At(Read(gb), 2, 0).text, "停车难");
  EXPECT_EQ(At(Read(gb, Encoding::kGb18030), 2, 0).text, "停车难");
  EXPECT_EQ(At(Read(gb, Encoding::kUtf8), 2, 0).type, Cell::Type::kInvalid);
  std::ofstream(gb, std::ios::app | std::ios::binary) << "\"\xB6\xA8\x81\x20\",4\r\n";
  Table t = Read(gb);
  EXPECT_EQ(At(t, 3, 0).type, Cell::Type::kInvalid);
  EXPECT_NE(At(t, 3, 0).text.find("GB18030"), std::string::npos);
  EXPECT_EQ(At(t, 3, 1).text, "4");
}

TEST(SheetTest, CsvEmptyFieldsAndRowsAreNotKeptAndContentBeyondTheColumnsIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/a.csv";
  // A million empty fields and ten thousand empty lines, as a careless export leaves them:
  // read without keeping them (a hostile file of commas once took 75 times its size).
  std::ofstream(path, std::ios::binary) << "主题,数\na," << std::string(1'000'000, ',') << "\n"
                                        << std::string(10'000, '\n') << "b,2\n";
  Table t = Read(path);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(At(t, 2, 0).text, "a");
  for (const Row& r : t.rows) EXPECT_LE(r.cells.size(), kSheetColumnsMax) << r.number;
  EXPECT_EQ(At(t, 10'003, 1).text, "2");
  std::ofstream(path, std::ios::binary) << "主题\nx" << std::string(kSheetColumnsMax, ',') << "y\n";
  auto [message, row] = Refusal(path);
  EXPECT_EQ(row, 2u);
  EXPECT_NE(message.find("第 65 列"), std::string::npos) << message;
}

TEST(SheetTest, AnUnclosedQuoteIsRefusedNamingItsRow) {
  TempDir dir;
  const std::string path = dir.path() + "/a.csv";
  std::ofstream(path) << "主题\n\"open\n";
  EXPECT_EQ(Refusal(path).second, 2u);
}

}  // namespace
}  // namespace wulian::intake
