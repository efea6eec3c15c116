// Printable documents: the PDF is A4, its Chinese text is real text in an embedded CJK font
// (poppler's pdftotext and pdffonts read it back), a long table breaks across pages with its
// header repeated and every page numbered, and the same document gives the same bytes; the
// HTML page is self-contained with print rules for A4.
#include "documents/document.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support.h"

namespace wulian {
namespace {

using documents::Align;
using documents::Document;
using documents::PdfOptions;
using documents::Table;
using testing::Stdout;
using testing::TempDir;

std::vector<std::string> LinesOf(const std::string& text) {
  std::vector<std::string> lines;
  size_t from = 0;
  for (size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1)
    lines.push_back(text.substr(from, nl - from));
  return lines;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A notice-like document: a table of 120 rows spans several pages.
Document LongDocument() {
  Document doc("巴南区政协委员工作室通报");
  doc.KeyValues({{"年度", "2025 年"}, {"范围", "第一批授牌的 8 个委员工作室"}});
  doc.Heading("一、总体情况");
  doc.Paragraph("各工作室围绕“五联”工作机制，联系界别群众、开展协商议事、化解矛盾纠纷。");
  Table t;
  t.columns = {
      {"序号", 0.6, Align::kRight}, {"工作室", 2}, {"事项", 4}, {"次数", 0.8, Align::kRight}};
  for (int i = 1; i <= 120; ++i) {
    t.rows.push_back({std::to_string(i), "商贸物流委员工作室",
                      "联系群众，听取对停车难、加装电梯的意见（第 " + std::to_string(i) + " 条）",
                      std::to_string(i % 7)});
  }
  doc.AddTable(std::move(t));
  doc.Heading("二、下一步工作");
  doc.Paragraph("防止形式化、套路化、表面化。");
  return doc;
}

PdfOptions At(const std::string& date) {
  PdfOptions options;
  options.date = date;
  return options;
}

std::string Pdf(const Document& doc) {
  std::string pdf;
  Status s = documents::RenderPdf(doc, At("2025-12-31T18:00:00+08:00"), &pdf);
  EXPECT_TRUE(s.ok()) << s.message();
  return pdf;
}

std::string Saved(const TempDir& dir, const std::string& pdf) {
  const std::string path = dir.path() + "/doc.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  return path;
}

TEST(PdfTest, TheChineseTextIsRealTextInAnEmbeddedCjkFontOnA4) {
  TempDir dir;
  const std::string path = Saved(dir, Pdf(LongDocument()));
  const std::string text = Stdout("pdftotext -f 1 -l 1 " + path + " -");
  EXPECT_NE(text.find("巴南区政协委员工作室通报"), std::string::npos) << text;
  EXPECT_NE(text.find("商贸物流委员工作室"), std::string::npos);
  const std::string fonts = Stdout("pdffonts " + path);
  EXPECT_NE(fonts.find("NotoSansCJK"), std::string::npos) << fonts;
  for (const std::string& line : LinesOf(fonts)) {
    if (line.find("NotoSansCJK") != std::string::npos) {
      EXPECT_NE(line.find(" yes yes yes "), std::string::npos)
          << "embedded, subset, unicode: " << line;
    }
  }
  const std::string info = Stdout("pdfinfo " + path);
  EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  EXPECT_NE(info.find("CreationDate:    Wed Dec 31 10:00:00 2025 UTC"), std::string::npos) << info;
}

TEST(PdfTest, ALongTableContinuesOnNewPagesWithItsHeaderAndEveryPageIsNumbered) {
  TempDir dir;
  const std::string path = Saved(dir, Pdf(LongDocument()));
  const std::string info = Stdout("pdfinfo " + path);
  const size_t at = info.find("Pages:");
  ASSERT_NE(at, std::string::npos);
  const int pages = std::stoi(info.substr(at + 6));
  ASSERT_GE(pages, 3) << info;
  for (int p = 1; p <= pages; ++p) {
    const std::string text = Stdout("pdftotext -f " + std::to_string(p) + " -l " +
                                    std::to_string(p) + " " + path + " -");
    EXPECT_NE(text.find("第 " + std::to_string(p) + " 页 / 共 " + std::to_string(pages) + " 页"),
              std::string::npos)
        << "page " << p << ":\n"
        << text;
    if (p < pages) {
      EXPECT_NE(text.find("序号"), std::string::npos) << "the header on page " << p;
      EXPECT_NE(text.find("次数"), std::string::npos) << "the header on page " << p;
    }
  }
  // Every row is there once, in order.
  const std::string all = Stdout("pdftotext " + path + " -");
  EXPECT_EQ(Count(all, "（第 1 条）"), 1u);
  EXPECT_EQ(Count(all, "（第 120 条）"), 1u);
  EXPECT_LT(all.find("（第 119 条）"), all.find("（第 120 条）"));
  EXPECT_LT(all.find("（第 120 条）"), all.find("二、下一步工作"));
}

TEST(PdfTest, TheSameDocumentGivesTheSameBytes) {
  const std::string a = Pdf(LongDocument());
  const std::string b = Pdf(LongDocument());
  EXPECT_GT(a.size(), 10000u);
  EXPECT_TRUE(a == b) << "the PDF differs between two renderings";
  // The date is the one given, never the clock.
  std::string other;
  ASSERT_TRUE(documents::RenderPdf(LongDocument(), At("2026-01-01T00:00:00+08:00"), &other).ok());
  EXPECT_NE(a, other);
  EXPECT_NE(other.find("/CreationDate (20260101000000+08'00)"), std::string::npos);
}

TEST(PdfTest, ACellTallerThanAPageIsCutNotLost) {
  Document doc("长单元格");
  std::string topic;
  for (int i = 0; i < 400; ++i) topic += "很长的协商主题文字";
  doc.AddTable(Table{{{"主题", 1}}, {{topic}, {"下一行"}}});
  TempDir dir;
  const std::string path = Saved(dir, Pdf(doc));
  const std::string all = Stdout("pdftotext " + path + " -");
  EXPECT_NE(all.find("很长的协商主题文字"), std::string::npos);
  EXPECT_NE(all.find("下一行"), std::string::npos);
}

TEST(HtmlTest, TheHtmlIsOneSelfContainedPageWithA4PrintRules) {
  const std::string html = documents::RenderHtml(LongDocument());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"zh-CN\">", 0), 0u);
  EXPECT_NE(html.find("@page{size:A4;"), std::string::npos);
  EXPECT_NE(html.find("thead{display:table-header-group}"), std::string::npos);
  EXPECT_NE(html.find("<h1>巴南区政协委员工作室通报</h1>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"r\">120</td>"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  Document escaped("<b>&");
  escaped.Paragraph("a<script>");
  const std::string e = documents::RenderHtml(escaped);
  EXPECT_NE(e.find("<h1>&lt;b&gt;&amp;</h1>"), std::string::npos);
  EXPECT_EQ(e.find("<script>"), std::string::npos);
  EXPECT_EQ(html, documents::RenderHtml(LongDocument()));
}

}  // namespace
}  // namespace wulian
