// The spreadsheet and notice commands of the real `wulian` binary on a demo ledger:
// `export --sheet`, `report --format xlsx` and `report notice`.
#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "base/time.h"
#include "events/codec.h"
#include "tests/projections/xlsx_reader.h"
#include "tests/support.h"
#include "tests/tools/runner.h"

namespace wulian {
namespace {

using testing::Output;
using testing::ReadXlsx;
using testing::SplitLines;
using testing::TempDir;
using testing::Wulian;
using testing::Xlsx;
using testing::XlsxSheet;
using JsonReader = capnp::json::Value::Reader;

constexpr char kDemo[] = "demo --events 3000 --seed 11";

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A JSON document held for reading.
class Json {
 public:
  explicit Json(const std::string& text) {
    Status s = ParseStrictJson(text, 32, message_.initRoot<capnp::json::Value>());
    EXPECT_TRUE(s.ok()) << s.message() << ": " << text.substr(0, 200);
  }
  JsonReader root() { return message_.getRoot<capnp::json::Value>().asReader(); }

 private:
  capnp::MallocMessageBuilder message_;
};

std::optional<JsonReader> Field(JsonReader v, std::string_view name) {
  if (!v.isObject()) return std::nullopt;
  for (auto f : v.getObject()) {
    if (std::string_view(f.getName().cStr()) == name) return f.getValue();
  }
  return std::nullopt;
}
std::string Str(JsonReader v, std::string_view name) {
  auto f = Field(v, name);
  return f && f->isString() ? f->getString().cStr() : "";
}
double Num(JsonReader v, std::string_view name) {
  auto f = Field(v, name);
  return f && f->isNumber() ? f->getNumber() : -1;
}
std::vector<std::string> Strs(JsonReader v, std::string_view name) {
  std::vector<std::string> out;
  auto f = Field(v, name);
  if (f && f->isArray()) {
    for (auto item : f->getArray()) out.push_back(item.getString().cStr());
  }
  return out;
}
std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
  return out;
}

class SheetCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_EQ(Wulian(dir_->path(), kDemo).exit_code, 0);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static const std::string& dir() { return dir_->path(); }
  static inline TempDir* dir_ = nullptr;
};

// The row of `sheet` whose 编号 is `id`.
size_t RowOf(const XlsxSheet& sheet, const std::string& id) {
  for (size_t r = 1; r < sheet.rows.size(); ++r) {
    if (sheet.At(r, "编号") && sheet.At(r, "编号")->text == id) return r;
  }
  return 0;
}

TEST_F(SheetCliTest, ExportSheetRowsEqualTheViews) {
  const std::string file = dir() + "/views.xlsx";
  const Output out = Wulian(dir(), "export --sheet " + file);
  ASSERT_EQ(out.exit_code, 0) << out.out;
  const Xlsx book = ReadXlsx(ReadBytes(file));
  ASSERT_TRUE(book.ok);
  const XlsxSheet* studios = book.Sheet("工作室");
  const XlsxSheet* members = book.Sheet("委员");
  const XlsxSheet* committees = book.Sheet("专委会");
  ASSERT_TRUE(studios && members && committees);

  static const std::pair<const char*, const char*> kStudioTotals[] = {
      {"contacts", "联系群众"},       {"peopleReached", "覆盖人次"},
      {"consultations", "协商"},      {"casesOpened", "受理案件"},
      {"casesResolved", "化解案件"},  {"casesOpen", "在办案件"},
      {"suggestions", "提交建议"},    {"suggestionsAdopted", "建议被采纳"},
      {"rules", "工作制度"},          {"visits", "督导检查"},
      {"findingsOpen", "未整改问题"}, {"findingsRectified", "已整改问题"}};
  Json query(Wulian(dir(), "query studios").out);
  ASSERT_TRUE(query.root().isArray());
  EXPECT_EQ(studios->rows.size(), query.root().getArray().size() + 1);
  std::set<std::string> member_ids, committee_ids;
  for (JsonReader s : query.root().getArray()) {
    const size_t r = RowOf(*studios, Str(s, "id"));
    ASSERT_GT(r, 0u) << Str(s, "id");
    EXPECT_EQ(studios->At(r, "名称")->text, Str(s, "name"));
    EXPECT_EQ(studios->At(r, "专委会编号")->text, Str(s, "committee"));
    EXPECT_EQ(studios->At(r, "委员")->text, Joined(Strs(s, "members")));
    const auto flags = Strs(s, "flags");
    const auto* codes = studios->At(r, "标记代码");
    EXPECT_EQ(codes ? codes->text : "", Joined(flags)) << Str(s, "id");
    for (const auto& [key, column] : kStudioTotals) {
      EXPECT_EQ(studios->At(r, column)->number(), Num(*Field(s, "totals"), key)) << key;
    }
    for (const auto& m : Strs(s, "members")) member_ids.insert(m);
    committee_ids.insert(Str(s, "committee"));
  }
  for (const auto& id : member_ids) {
    Json m(Wulian(dir(), "query member " + id).out);
    const size_t r = RowOf(*members, id);
    ASSERT_GT(r, 0u) << id;
    EXPECT_EQ(members->At(r, "姓名")->text, Str(m.root(), "name"));
    EXPECT_EQ(members->At(r, "联系群众")->number(), Num(*Field(m.root(), "totals"), "contacts"));
    EXPECT_EQ(members->At(r, "案件")->number(), Num(*Field(m.root(), "totals"), "cases"));
    for (auto year : Field(m.root(), "score")->getObject()) {
      const auto* cell = members->At(r, std::string(year.getName().cStr()) + "年积分");
      ASSERT_NE(cell, nullptr) << year.getName().cStr();
      EXPECT_EQ(cell->number(), year.getValue().getNumber()) << id << " " << year.getName().cStr();
    }
  }
  for (const auto& id : committee_ids) {
    Json c(Wulian(dir(), "query committee " + id).out);
    const size_t r = RowOf(*committees, id);
    ASSERT_GT(r, 0u) << id;
    EXPECT_EQ(committees->At(r, "名称")->text, Str(c.root(), "name"));
    EXPECT_EQ(committees->At(r, "指导工作室")->text, Joined(Strs(c.root(), "studios")));
    const auto* flagged = committees->At(r, "被标记工作室");
    EXPECT_EQ(flagged ? flagged->text : "", Joined(Strs(c.root(), "flaggedStudios")));
    for (const auto& [key, column] : kStudioTotals) {
      EXPECT_EQ(committees->At(r, column)->number(), Num(*Field(c.root(), "totals"), key)) << key;
    }
  }
  // The head sheet names the head the views are at.
  Json head(Wulian(dir(), "verify").out);
  EXPECT_EQ(book.Sheet("报告")->At(1, "值")->number(), Num(*Field(head.root(), "head"), "seq"));
  EXPECT_EQ(book.Sheet("报告")->At(3, "值")->text, Str(*Field(head.root(), "head"), "root"));
}

TEST_F(SheetCliTest, XlsxReportsAndSheetsAreByteStable) {
  const std::string args = "report --as-of 2026-06-30T23:59:59+08:00 --axis occurred --format xlsx";
  ASSERT_EQ(Wulian(dir(), args + " --out " + dir() + "/a.xlsx").exit_code, 0);
  ASSERT_EQ(Wulian(dir(), args + " --out " + dir() + "/b.xlsx").exit_code, 0);
  const std::string a = ReadBytes(dir() + "/a.xlsx");
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, ReadBytes(dir() + "/b.xlsx"));
  ASSERT_EQ(Wulian(dir(), "export --sheet " + dir() + "/c.xlsx").exit_code, 0);
  ASSERT_EQ(Wulian(dir(), "export --sheet " + dir() + "/d.xlsx").exit_code, 0);
  EXPECT_EQ(ReadBytes(dir() + "/c.xlsx"), ReadBytes(dir() + "/d.xlsx"));
  const Output no_out = Wulian(dir(), args);
  EXPECT_EQ(no_out.exit_code, 2) << "a workbook is not written to a terminal";
  EXPECT_NE(no_out.out.find("--out"), std::string::npos);
}

// Live activity events per studio with occurredAt in [from, to), computed from `export`.
std::map<std::string, int64_t> ActivityFromEvents(const std::string& exported, int64_t from,
                                                  int64_t to) {
  static const std::set<std::string> kActivity = {"ContactRecorded",     "ConsultationHeld",
                                                  "CaseOpened",          "CaseResolved",
                                                  "SuggestionSubmitted", "SuggestionAdopted"};
  const std::regex retracted(R"re("type":"EventRetracted","data":\{"target":([0-9]+))re");
  std::set<std::string> gone;
  for (const auto& line : SplitLines(exported)) {
    std::smatch m;
    if (std::regex_search(line, m, retracted)) gone.insert(m[1]);
  }
  std::map<std::string, int64_t> activity;
  for (const auto& line : SplitLines(exported)) {
    JsonDocument doc;
    std::string type, stream, occurred;
    uint64_t seq = 0;
    if (!doc.Parse(line).ok() || !doc.GetString("type", &type).ok()) continue;
    if (!doc.GetString("stream", &stream).ok() || !doc.GetUint("seq", &seq).ok()) continue;
    if (!doc.GetString("occurredAt", &occurred).ok()) continue;
    if (stream.rfind("studio/", 0) == 0) activity.emplace(stream.substr(7), 0);
    if (!kActivity.count(type) || gone.count(std::to_string(seq))) continue;
    const int64_t at = *ParseInstant(occurred);
    if (at >= from && at < to) ++activity[stream.substr(7)];
  }
  return activity;
}

TEST_F(SheetCliTest, NoticeRankingEqualsOneComputedFromTheEvents) {
  const std::string exported = Wulian(dir(), "export").out;
  const auto q3 = ActivityFromEvents(exported, *ParseInstant("2026-07-01T00:00:00+08:00"),
                                     *ParseInstant("2026-10-01T00:00:00+08:00"));
  const auto q2 = ActivityFromEvents(exported, *ParseInstant("2026-04-01T00:00:00+08:00"),
                                     *ParseInstant("2026-07-01T00:00:00+08:00"));
  const Output out = Wulian(dir(), "report notice --period 2026-Q3 --format json");
  ASSERT_EQ(out.exit_code, 0) << out.out;
  Json notice(out.out);
  EXPECT_EQ(Str(notice.root(), "period"), "2026-Q3");
  EXPECT_EQ(Str(notice.root(), "previous"), "2026-Q2");
  EXPECT_EQ(Str(notice.root(), "axis"), "occurred");
  auto ranking = Field(notice.root(), "ranking");
  ASSERT_TRUE(ranking && ranking->isArray());
  ASSERT_GE(ranking->getArray().size(), 8u);
  int64_t last = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  for (JsonReader s : ranking->getArray()) {
    const std::string id = Str(s, "id");
    ASSERT_TRUE(q3.count(id)) << id;
    EXPECT_EQ(Num(s, "activity"), q3.at(id)) << id;
    EXPECT_EQ(Num(s, "previousActivity"), q2.at(id)) << id;
    EXPECT_LE(Num(s, "activity"), last) << "sorted by activity";
    last = static_cast<int64_t>(Num(s, "activity"));
    total += last;
    // The rank is one more than the number of studios with more activity.
    int64_t ahead = 0;
    for (JsonReader other : ranking->getArray()) ahead += Num(other, "activity") > last;
    EXPECT_EQ(Num(s, "rank"), ahead + 1) << id;
  }
  EXPECT_GT(total, 0) << "the demo has activity in 2026-Q3";
  // Every studio of the oracle is ranked.
  EXPECT_EQ(ranking->getArray().size(), q3.size());
  // The first studios were licensed on 2024-11-08: in October 2024 none had a rank.
  Json first(Wulian(dir(), "report notice --period 2024-11 --format json").out);
  auto first_ranking = Field(first.root(), "ranking");
  ASSERT_TRUE(first_ranking && first_ranking->isArray());
  ASSERT_GT(first_ranking->getArray().size(), 0u);
  for (JsonReader s : first_ranking->getArray()) {
    auto previous = Field(s, "previousRank");
    ASSERT_TRUE(previous.has_value()) << Str(s, "id");
    EXPECT_TRUE(previous->isNull()) << Str(s, "id");
  }
}

TEST_F(SheetCliTest, NoticeSameArgumentsSameBytesAndBadPeriodsRefused) {
  for (const char* format : {"md", "html", "json"}) {
    const std::string args = std::string("report notice --period 2026-11 --format ") + format;
    const Output a = Wulian(dir(), args), b = Wulian(dir(), args);
    EXPECT_EQ(a.exit_code, 0) << format;
    EXPECT_FALSE(a.out.empty());
    EXPECT_EQ(a.out, b.out) << format;
  }
  const std::string x = dir() + "/n1.xlsx", y = dir() + "/n2.xlsx";
  ASSERT_EQ(Wulian(dir(), "report notice --period 2026 --format xlsx --out " + x).exit_code, 0);
  ASSERT_EQ(Wulian(dir(), "report notice --period 2026 --format xlsx --out " + y).exit_code, 0);
  EXPECT_EQ(ReadBytes(x), ReadBytes(y));
  EXPECT_TRUE(ReadXlsx(ReadBytes(x)).Sheet("谈话提醒"));
  for (const char* bad : {"2026-Q5", "2026-13", "Q3", "2026-Q3x", "next"}) {
    const Output r = Wulian(dir(), std::string("report notice --period ") + bad);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.out.find("YYYY-Q1"), std::string::npos) << r.out;
  }
  EXPECT_EQ(Wulian(dir(), "report notice").exit_code, 2);
  EXPECT_EQ(Wulian(dir(), "report notice --period 2026 --below 18446744073709551615").exit_code, 2)
      << "no threshold wraps to a negative one";
  EXPECT_EQ(Wulian(dir(), "report notice --period 2026-Q3 --format pdf").exit_code, 2)
      << "a PDF needs --out";
}

TEST_F(SheetCliTest, TheNoticeAsPdfIsItsRankingInRealChineseTextOnA4AndByteStable) {
  const std::string a = dir() + "/n1.pdf", b = dir() + "/n2.pdf";
  const std::string args = "report notice --period 2026-Q3 --format pdf --out ";
  ASSERT_EQ(Wulian(dir(), args + a).exit_code, 0);
  ASSERT_EQ(Wulian(dir(), args + b).exit_code, 0);
  EXPECT_EQ(ReadBytes(a), ReadBytes(b));
  const std::string text = testing::Stdout("pdftotext -layout " + a + " -");
  EXPECT_NE(text.find("五联委员工作室履职通报 — 2026年第三季度"), std::string::npos) << text;
  EXPECT_NE(text.find("谈话提醒名单"), std::string::npos);
  // Every studio of the ranking is in the text, in the ranking's order.
  Json notice(Wulian(dir(), "report notice --period 2026-Q3 --format json").out);
  auto ranking = Field(notice.root(), "ranking");
  ASSERT_TRUE(ranking && ranking->isArray());
  size_t at = 0;
  for (JsonReader s : ranking->getArray()) {
    const size_t found = text.find(Str(s, "name"), at);
    ASSERT_NE(found, std::string::npos) << Str(s, "name");
    at = found;
  }
  EXPECT_NE(testing::Stdout("pdfinfo " + a).find("595.276 x 841.89 pts (A4)"), std::string::npos);
  EXPECT_NE(testing::Stdout("pdffonts " + a).find("NotoSansCJK"), std::string::npos);
}

}  // namespace
}  // namespace wulian
