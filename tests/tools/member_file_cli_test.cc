// `wulian report member` and `report members` end to end: the real binary on a real ledger.
// The member's annual file in json, html and pdf is the same bytes on every run; the PDF is
// A4 with the member's Chinese name and score as text in an embedded CJK font; its score is
// the member view's; `members` writes one file per member; a bad policy file is refused.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/support.h"
#include "tests/tools/runner.h"

namespace wulian {
namespace {

using testing::Event;
using testing::Lines;
using testing::Output;
using testing::Registry;
using testing::Stdout;
using testing::TempDir;
using testing::Wulian;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// M1 in 2025: three contacts, a research trip, a suggestion adopted.
std::vector<std::string> Year2025() {
  std::vector<std::string> lines = Registry();
  for (int i = 1; i <= 3; ++i) {
    lines.push_back(Event(
        "c" + std::to_string(i), "ContactRecorded",
        R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"停车难"})",
        "2025-03-0" + std::to_string(i + 1) + "T09:30:00+08:00"));
  }
  lines.push_back(Event(
      "h1", "ConsultationHeld",
      R"({"studio":"S01","members":["M1"],"form":"research","partners":[],"attendees":9,"topic":"老旧小区改造调研","outcome":"形成建议"})",
      "2025-03-10T09:30:00+08:00"));
  lines.push_back(Event(
      "g1", "SuggestionSubmitted",
      R"({"studio":"S01","suggestion":"G1","members":["M1"],"title":"增设停车位","channel":"proposal"})",
      "2025-03-11T09:30:00+08:00"));
  lines.push_back(Event("g1a", "SuggestionAdopted",
                        R"({"studio":"S01","suggestion":"G1","by":"区政府办公室"})",
                        "2025-04-01T09:30:00+08:00"));
  return lines;
}

// A policy modelled on a published one: base points, a cap, adoption as capped bonus, grades.
constexpr char kPublishedPolicy[] =
    R"({"licensedDays":90,"inactiveWindowDays":90,"overdueCaseDays":30,"lateWindowDays":90,)"
    R"("lateMinEvents":5,"latePercent":20,"lateDelayDays":7,"contactPoints":1,)"
    R"("consultationPoints":2,"researchPoints":3,"suggestionPoints":2,"caseResolvedPoints":2,)"
    R"("suggestionAdoptedPoints":5,"basePoints":55,"caps":{"contacts":2},)"
    R"("bonusItems":["adopted"],"bonusCap":4,)"
    R"("grades":[{"grade":"优秀","min":85},{"grade":"称职","min":60},{"grade":"不称职","min":0}]})";

class MemberFileCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Wulian(dir_.path(), "init").exit_code, 0);
    const Output r = Wulian(dir_.path(), "append -", Lines(Year2025()));
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }
  Output Report(const std::string& args) { return Wulian(dir_.path(), "report " + args); }
  void SetPolicy(const std::string& json) {
    std::ofstream(dir_.path() + "/ledger/policy.json", std::ios::binary) << json;
  }

  TempDir dir_;
};

TEST_F(MemberFileCliTest, TheSameArgumentsGiveTheSameBytesInEveryFormat) {
  for (const char* format : {"json", "html", "pdf"}) {
    const std::string args = std::string("member M1 --year 2025 --format ") + format;
    const Output a = Report(args), b = Report(args);
    ASSERT_EQ(a.exit_code, 0) << format << a.out.substr(0, 300);
    EXPECT_GT(a.out.size(), 1000u) << format;
    EXPECT_TRUE(a.out == b.out) << format << " differs between two runs";
    ASSERT_EQ(Report(args + " --out " + Path(std::string("m1.") + format)).exit_code, 0);
    EXPECT_TRUE(Slurp(Path(std::string("m1.") + format)) == a.out) << format;
  }
  EXPECT_EQ(Slurp(Path("m1.pdf")).rfind("%PDF-", 0), 0u);
  EXPECT_EQ(Slurp(Path("m1.html")).rfind("<!DOCTYPE html>", 0), 0u);
}

TEST_F(MemberFileCliTest, ThePdfHoldsTheNameAndScoreInAnEmbeddedCjkFontOnA4) {
  ASSERT_EQ(Report("member M1 --year 2025 --format pdf --out " + Path("m1.pdf")).exit_code, 0);
  const std::string text = Stdout("pdftotext -layout " + Path("m1.pdf") + " -");
  EXPECT_NE(text.find("张三 2025 年度履职档案"), std::string::npos) << text;
  EXPECT_NE(text.find("鱼洞街道委员工作室"), std::string::npos);
  EXPECT_NE(text.find("老旧小区改造调研"), std::string::npos);
  // 3 contacts + research 3 + suggestion 2 + adoption 3.
  EXPECT_NE(text.find("总分"), std::string::npos);
  EXPECT_NE(text.find("11 分"), std::string::npos) << text;
  EXPECT_NE(text.find("wulian head --size 13"), std::string::npos);
  const std::string fonts = Stdout("pdffonts " + Path("m1.pdf"));
  EXPECT_NE(fonts.find("NotoSansCJKsc-Regular"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("CID Type 0C       Identity-H       yes yes yes"), std::string::npos)
      << fonts;
  EXPECT_NE(Stdout("pdfinfo " + Path("m1.pdf")).find("(A4)"), std::string::npos);
}

TEST_F(MemberFileCliTest, TheFilesScoreIsTheMemberViewsAndTheHeadIsTheLogsHead) {
  const Output file = Report("member M1 --year 2025");
  ASSERT_EQ(file.exit_code, 0) << file.out;
  const Output member = Wulian(dir_.path(), "query member M1");
  ASSERT_NE(member.out.find(R"("score":{"2025":11})"), std::string::npos) << member.out;
  EXPECT_NE(file.out.find(R"("bonus":0,"total":11,"grade":null})"), std::string::npos) << file.out;
  const Output head = Wulian(dir_.path(), "head");
  const size_t root = head.out.find("\"root\":\"");
  ASSERT_NE(root, std::string::npos);
  EXPECT_NE(file.out.find(R"("head":{"seq":13,)"), std::string::npos) << file.out;
  EXPECT_NE(file.out.find(head.out.substr(root, 8 + 64)), std::string::npos);
  // The signed head in the file is one `verify --against` accepts.
  const size_t at = file.out.find(R"("signedHead":)");
  ASSERT_NE(at, std::string::npos);
  const size_t end = file.out.find('}', at);
  std::ofstream(Path("head.json")) << file.out.substr(at + 13, end + 1 - (at + 13));
  const Output verified = Wulian(dir_.path(), "verify --against " + Path("head.json"));
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
  EXPECT_NE(verified.out.find(R"("against":{"size":13,"consistent":true})"), std::string::npos)
      << verified.out;
}

TEST_F(MemberFileCliTest, MembersWritesOneFilePerMemberNamedByItsId) {
  const Output r = Report("members --year 2025 --format pdf --out " + Path("files"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"("members":3,)"), std::string::npos) << r.out;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(Path("files"))) {
    ++files;
    EXPECT_EQ(Slurp(entry.path().string()).rfind("%PDF-", 0), 0u) << entry.path();
  }
  EXPECT_EQ(files, 3u);
  for (const char* id : {"M1", "M2", "M3"}) {
    EXPECT_TRUE(std::filesystem::exists(Path("files/") + id + ".pdf")) << id;
  }
  EXPECT_NE(Stdout("pdftotext " + Path("files/M2.pdf") + " -").find("李四"), std::string::npos);
  // The same file as `report member`.
  ASSERT_EQ(Report("member M2 --year 2025 --format pdf --out " + Path("m2.pdf")).exit_code, 0);
  EXPECT_TRUE(Slurp(Path("m2.pdf")) == Slurp(Path("files/M2.pdf")));
}

TEST_F(MemberFileCliTest, APublishedPolicyFileGivesCapsBaseBonusAndGrade) {
  SetPolicy(kPublishedPolicy);
  const Output file = Report("member M1 --year 2025");
  ASSERT_EQ(file.exit_code, 0) << file.out;
  // 55 + contacts 3 cut at 2 + research 3 + suggestion 2 + adoption 5 cut at the bonus cap 4.
  EXPECT_NE(file.out.find(R"("base":55,"itemsPoints":7,"bonusBeforeCap":5,"bonusCap":4,)"
                          R"("bonus":4,"total":66,"grade":"称职"})"),
            std::string::npos)
      << file.out;
  EXPECT_NE(Wulian(dir_.path(), "query member M1").out.find(R"("score":{"2025":66})"),
            std::string::npos);
  ASSERT_EQ(Report("member M1 --year 2025 --format pdf --out " + Path("p.pdf")).exit_code, 0);
  const std::string text = Stdout("pdftotext " + Path("p.pdf") + " -");
  EXPECT_NE(text.find("等次：优秀 ≥ 85 分；称职 60–84 分；不称职 < 60 分"), std::string::npos)
      << text;
  EXPECT_NE(text.find("年度上限 2 分（已按上"), std::string::npos) << text;  // the cell wraps
}

TEST_F(MemberFileCliTest, TheFileNamesTheStudiosOfTheYearAsWellAsTheCurrentOnes) {
  // M3 works at S02 in 2025, leaves it, and joins S01 in 2026.
  const std::vector<std::string> lines = {
      Event("j1", "MemberJoinedStudio", R"({"studio":"S02","member":"M3"})",
            "2025-02-01T09:00:00+08:00"),
      Event(
          "m3c", "ContactRecorded",
          R"({"studio":"S02","members":["M3"],"channel":"phone","peopleReached":1,"topic":"求助"})",
          "2025-05-01T09:00:00+08:00"),
      Event("l1", "MemberLeftStudio", R"({"studio":"S02","member":"M3"})",
            "2025-12-01T09:00:00+08:00"),
      Event("j2", "MemberJoinedStudio", R"({"studio":"S01","member":"M3"})",
            "2026-01-05T09:00:00+08:00")};
  ASSERT_EQ(Wulian(dir_.path(), "append -", Lines(lines)).exit_code, 0);
  const Output file = Report("member M3 --year 2025");
  ASSERT_EQ(file.exit_code, 0) << file.out;
  EXPECT_NE(file.out.find(R"("studios":[{"id":"S01","name":"鱼洞街道委员工作室"}])"),
            std::string::npos)
      << file.out;
  EXPECT_NE(file.out.find(R"("yearStudios":[{"id":"S02","name":"商贸物流委员工作室"}])"),
            std::string::npos)
      << file.out;
  ASSERT_EQ(Report("member M3 --year 2025 --format pdf --out " + Path("m3.pdf")).exit_code, 0);
  const std::string text = Stdout("pdftotext -layout " + Path("m3.pdf") + " -");
  EXPECT_NE(text.find("本年度履职所在工作室"), std::string::npos) << text;
  EXPECT_NE(text.find("商贸物流委员工作室（S02）"), std::string::npos) << text;
}

TEST_F(MemberFileCliTest, EveryReportAndTheNoticePrintThePublishedRulesTheyUsed) {
  const std::string kGrades = "等次：优秀 ≥ 85 分；称职 60–84 分；不称职 ";  // "< 60 分" is escaped
  // The default policy: weights only, no rule lines (its table says it all).
  Output md = Report("--as-of 2025-12-31T00:00:00+08:00 --format md");
  ASSERT_EQ(md.exit_code, 0) << md.out;
  EXPECT_EQ(md.out.find("积分细则"), std::string::npos);
  Output notice = Report("notice --period 2025 --format json");
  ASSERT_EQ(notice.exit_code, 0) << notice.out;
  EXPECT_NE(notice.out.find(R"("reminderPointsBelow":10)"), std::string::npos) << notice.out;
  SetPolicy(kPublishedPolicy);
  for (const char* format : {"md", "csv", "html"}) {
    const Output r = Report(std::string("--as-of 2025-12-31T00:00:00+08:00 --format ") + format);
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.out;
    EXPECT_NE(r.out.find(kGrades), std::string::npos) << format << ":\n" << r.out;
    EXPECT_NE(r.out.find("联系群众 每次 1 分，年度上限 2 分"), std::string::npos) << format;
  }
  ASSERT_EQ(
      Report("--as-of 2025-12-31T00:00:00+08:00 --format xlsx --out " + Path("r.xlsx")).exit_code,
      0);
  EXPECT_NE(Stdout("unzip -p " + Path("r.xlsx") + " xl/sharedStrings.xml").find(kGrades),
            std::string::npos);
  // The notice's reminder line is the lowest passing grade: below 称职's 60 points.
  notice = Report("notice --period 2025 --format json");
  ASSERT_EQ(notice.exit_code, 0) << notice.out;
  EXPECT_NE(notice.out.find(R"("reminderPointsBelow":60)"), std::string::npos) << notice.out;
  notice = Report("notice --period 2025 --format json --below 7");
  EXPECT_NE(notice.out.find(R"("reminderPointsBelow":7)"), std::string::npos) << notice.out;
}

TEST_F(MemberFileCliTest, ABadPolicyFileIsRefusedSayingWhatIsWrong) {
  SetPolicy(
      R"({"licensedDays":90,"inactiveWindowDays":90,"overdueCaseDays":30,"lateWindowDays":90,)"
      R"("lateMinEvents":5,"latePercent":20,"lateDelayDays":7,"contactPoints":1,)"
      R"("consultationPoints":2,"researchPoints":3,"suggestionPoints":2,"caseResolvedPoints":3,)"
      R"("suggestionAdoptedPoints":3,"caps":{"visits":3}})");
  for (const char* args : {"report member M1 --year 2025", "query member M1"}) {
    const Output r = Wulian(dir_.path(), args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.out.find(R"(policy: caps: unknown item \"visits\")"), std::string::npos) << r.out;
  }
}

TEST_F(MemberFileCliTest, UsageErrorsAndAnUnknownMemberAreRefused) {
  EXPECT_EQ(Report("member M1").exit_code, 2);                            // no --year
  EXPECT_EQ(Report("member M1 --year 2025 --format docx").exit_code, 2);  // format
  EXPECT_EQ(Report("members --year 2025 --format pdf").exit_code, 2);     // no --out
  EXPECT_EQ(Report("member M1 --year 25").exit_code, 2);                  // year
  const Output unknown = Report("member M99 --year 2025");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.out.find("NOT_FOUND"), std::string::npos) << unknown.out;
  // The ledger's own directories are not a place for the files.
  for (const std::string inside : {"ledger", "ledger/db", "ledger/views/x"}) {
    const Output r = Report("members --year 2025 --format json --out " + Path(inside));
    EXPECT_EQ(r.exit_code, 2) << inside << ": " << r.out;
    EXPECT_NE(r.out.find("inside the ledger directory"), std::string::npos) << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(Path("ledger/views/x")));
}

}  // namespace
}  // namespace wulian
