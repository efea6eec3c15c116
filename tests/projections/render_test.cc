// The Markdown, CSV and HTML renderings of the as-of report (SPEC §5, §6.1).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "projections/policy.h"
#include "projections/report.h"
#include "tests/support.h"

namespace wulian::projections {
namespace {

using testing::Event;
using testing::Registry;
using testing::TempDir;
using testing::TestLedger;

constexpr char kChain[] = "c3eecd4510257d034a4829fe8f92548f376983e3a4895b34575c4ae2260dac6e";
constexpr char kRoot[] = "7e1de188651eaaadf977611c0b7701e94678999c2445d394924cef8ba270af06";

// Two committees; S01 (flags, two months with a gap), S02 (a name with every character
// that needs escaping, null median), S03 (revoked, no flags, no activity); two members
// scored in two years. inactiveWindowDays is 60, not the default, to show where the
// legends take their numbers from.
const std::string kReport = std::string(R"({"head":{"seq":42,"chain":")") + kChain +
                            R"(","root":")" + kRoot + R"("},"axis":"recorded",
"asOf":"2025-06-30T23:59:59+08:00",
"policy":{"licensedDays":90,"inactiveWindowDays":60,"overdueCaseDays":30,"lateWindowDays":90,
 "lateMinEvents":5,"latePercent":20,"lateDelayDays":7,"contactPoints":1,"consultationPoints":2,
 "researchPoints":3,"suggestionPoints":2,"caseResolvedPoints":3,"suggestionAdoptedPoints":3},
"overview":{"events":42,"studios":3,"members":2,"committees":2,
 "byLinkType":{"industry":1,"interest":0,"locality":2,"professional":0,"sector":0},
 "byFlag":{"INACTIVE":0,"LATE_RECORDING":1,"NO_RULES":1,"OVERDUE_CASES":1,"OVERDUE_FINDINGS":0},
 "asOf":{"seq":42,"chain":"00"}},
"committees":[
 {"id":"C-ECON","name":"经济委","supervises":false,"studios":["S01","S02"],"members":["M1"],
  "totals":{"contacts":16,"peopleReached":420,"consultations":5,"casesOpened":3,"casesResolved":1,
   "casesOpen":2,"suggestions":2,"suggestionsAdopted":1,"rules":0,"visits":1,"findingsOpen":0,
   "findingsRectified":0},"findingsOpen":0,"flaggedStudios":["S01","S02"],"asOf":{"seq":42,"chain":"00"}},
 {"id":"C-LAW","name":"社会法制委","supervises":true,"studios":["S03"],"members":["M2"],
  "totals":{"contacts":0,"peopleReached":0,"consultations":0,"casesOpened":0,"casesResolved":0,
   "casesOpen":0,"suggestions":0,"suggestionsAdopted":0,"rules":1,"visits":0,"findingsOpen":0,
   "findingsRectified":0},"findingsOpen":0,"flaggedStudios":[],"asOf":{"seq":42,"chain":"00"}}],
"studios":[
 {"id":"S01","name":"商贸物流委员工作室","linkType":"industry","status":"active","leadMember":"M1",
  "committee":"C-ECON","partyOrg":"区商务委机关党委","town":null,"batch":1,"licensedOn":"2024-11-08",
  "members":["M1"],"totals":{"contacts":10,"peopleReached":300,"consultations":4,"casesOpened":3,
   "casesResolved":1,"casesOpen":2,"suggestions":2,"suggestionsAdopted":1,"rules":0,"visits":1,
   "findingsOpen":0,"findingsRectified":0},"lastActivityAt":"2025-03-20T09:49:00+08:00",
  "medianDaysToResolve":10.280555555555555,
  "byMonth":{"2025-01":{"contacts":6,"peopleReached":200,"consultations":3,"casesOpened":2,
   "casesResolved":1,"suggestions":1},"2025-03":{"contacts":4,"peopleReached":100,"consultations":1,
   "casesOpened":1,"casesResolved":0,"suggestions":1}},
  "flags":["NO_RULES","OVERDUE_CASES"],"asOf":{"seq":42,"chain":"00"}},
 {"id":"S02","name":"鱼洞<&\"'|,工作室","linkType":"locality","status":"active","leadMember":"M1",
  "committee":"C-ECON","partyOrg":"鱼洞街道党工委","town":"鱼洞街道","batch":1,"licensedOn":"2024-11-08",
  "members":["M1"],"totals":{"contacts":6,"peopleReached":120,"consultations":1,"casesOpened":0,
   "casesResolved":0,"casesOpen":0,"suggestions":0,"suggestionsAdopted":0,"rules":0,"visits":0,
   "findingsOpen":0,"findingsRectified":0},"lastActivityAt":"2025-02-10T15:00:00+08:00",
  "medianDaysToResolve":null,
  "byMonth":{"2025-02":{"contacts":6,"peopleReached":120,"consultations":1,"casesOpened":0,
   "casesResolved":0,"suggestions":0}},
  "flags":["LATE_RECORDING"],"asOf":{"seq":42,"chain":"00"}},
 {"id":"S03","name":"李家沱街道委员工作室","linkType":"locality","status":"revoked","leadMember":"M2",
  "committee":"C-LAW","partyOrg":"李家沱街道党工委","town":"李家沱街道","batch":2,"licensedOn":"2025-05-01",
  "members":["M2"],"totals":{"contacts":0,"peopleReached":0,"consultations":0,"casesOpened":0,
   "casesResolved":0,"casesOpen":0,"suggestions":0,"suggestionsAdopted":0,"rules":1,"visits":0,
   "findingsOpen":0,"findingsRectified":0},"lastActivityAt":null,"medianDaysToResolve":null,
  "byMonth":{},"flags":[],"asOf":{"seq":42,"chain":"00"}}],
"members":[
 {"id":"M1","name":"张三","sector":"经济界","committees":["C-ECON"],"studios":["S01","S02"],
  "totals":{"contacts":16,"consultations":5,"cases":3,"suggestions":2},
  "lastActivityAt":"2025-03-20T09:49:00+08:00","score":{"2024":12,"2025":30},"asOf":{"seq":42,"chain":"00"}},
 {"id":"M2","name":"李四","sector":"农业界\n特邀","committees":["C-ECON","C-LAW"],"studios":["S03"],
  "totals":{"contacts":0,"consultations":0,"cases":0,"suggestions":0},
  "lastActivityAt":null,"score":{"2025":7},"asOf":{"seq":42,"chain":"00"}}]}
)";

using Renderer = Status (*)(const ReportModel&, std::string*);

// The JSON report read back into the model, then rendered.
std::string Render(Renderer render, const std::string& json) {
  ReportModel model;
  Status s = ParseReportJson(json, &model);
  EXPECT_TRUE(s.ok()) << s.message();
  std::string out;
  s = render(model, &out);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
    ++n;
  return n;
}

// The line of `text` that contains `what`.
std::string LineWith(const std::string& text, const std::string& what) {
  const size_t at = text.find(what);
  if (at == std::string::npos) return "";
  const size_t begin = text.rfind('\n', at) + 1;  // npos + 1 == 0
  return text.substr(begin, text.find('\n', at) - begin);
}

// The cell separators of a Markdown table row: the `|` not escaped with a backslash.
size_t Separators(const std::string& row) {
  size_t n = 0;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      ++i;
    } else if (row[i] == '|') {
      ++n;
    }
  }
  return n;
}

TEST(RenderTest, EveryFormatStartsWithTheHeadAxisAsOfAndPolicy) {
  const std::string md = Render(RenderMarkdown, kReport);
  const size_t overview = md.find("## Overview");
  ASSERT_NE(overview, std::string::npos);
  EXPECT_EQ(md.rfind("# 五联委员工作室履职台账", 0), 0u);
  for (const std::string& head :
       {std::string("seq 42"), std::string(kChain), std::string(kRoot), std::string("recorded"),
        std::string("2025-06-30T23:59:59+08:00"), std::string("| inactiveWindowDays | 60 |")}) {
    EXPECT_LT(md.find(head), overview) << head;
  }

  const std::string csv = Render(RenderCsv, kReport);
  EXPECT_EQ(csv.rfind(std::string("key,value\r\nhead.seq,42\r\nhead.chain,") + kChain +
                          "\r\nhead.root," + kRoot +
                          "\r\naxis,recorded\r\nasOf,2025-06-30T23:59:59+08:00\r\n"
                          "policy.licensedDays,90\r\npolicy.inactiveWindowDays,60\r\n",
                      0),
            0u)
      << csv.substr(0, 400);
  EXPECT_NE(csv.find("policy.suggestionAdoptedPoints,3\r\n\r\nmetric,value\r\nevents,42\r\n"),
            std::string::npos);

  const std::string html = Render(RenderHtml, kReport);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  const size_t summary = html.find("id=\"summary\"");
  ASSERT_NE(summary, std::string::npos);
  for (const std::string& head :
       {std::string("seq 42"), std::string(kChain), std::string(kRoot), std::string("recorded"),
        std::string("2025-06-30T23:59:59+08:00"), std::string("inactiveWindowDays")}) {
    EXPECT_LT(html.find(head), summary) << head;
  }
}

TEST(RenderTest, TheSameReportGivesTheSameBytes) {
  EXPECT_EQ(Render(RenderMarkdown, kReport), Render(RenderMarkdown, kReport));
  EXPECT_EQ(Render(RenderCsv, kReport), Render(RenderCsv, kReport));
  EXPECT_EQ(Render(RenderHtml, kReport), Render(RenderHtml, kReport));
}

TEST(RenderTest, CsvFollowsRfc4180) {
  const std::string csv = Render(RenderCsv, kReport);
  // Fields with a comma, a quote or a line break are quoted, quotes doubled.
  EXPECT_NE(csv.find("\r\nS02,\"鱼洞<&\"\"'|,工作室\",locality,active,C-ECON,6,120,"),
            std::string::npos);
  const std::string quoted_sector = "\"农业界\n特邀\"";
  EXPECT_NE(csv.find("\r\nM2,李四," + quoted_sector + ",C-ECON;C-LAW,S03,0,0,0,0,,,7\r\n"),
            std::string::npos);
  // Every line ends with CRLF (the only bare LF is inside the quoted field).
  std::string rest = csv;
  rest.erase(rest.find(quoted_sector), quoted_sector.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '\n') {
      EXPECT_TRUE(i > 0 && rest[i - 1] == '\r') << "bare LF at " << i;
    }
  }
  ASSERT_GE(rest.size(), 2u);
  EXPECT_EQ(rest.substr(rest.size() - 2), "\r\n");
  // Five sections, one empty line between them.
  EXPECT_EQ(Count(csv, "\r\n\r\n"), 4u);
  EXPECT_EQ(Count(csv, "\r\n\r\n\r\n"), 0u);
  EXPECT_NE(csv.find("\r\n\r\nid,name,linkType,status,committee,contacts,peopleReached,"
                     "consultations,casesOpened,casesResolved,casesOpen,suggestions,"
                     "suggestionsAdopted,rules,visits,findingsOpen,lastActivityAt,"
                     "medianDaysToResolve,flags\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("\r\nS01,商贸物流委员工作室,industry,active,C-ECON,10,300,4,3,1,2,2,1,0,1,0,"
                     "2025-03-20T09:49:00+08:00,10.3,NO_RULES;OVERDUE_CASES\r\n"),
            std::string::npos);
  EXPECT_NE(
      csv.find("\r\nS03,李家沱街道委员工作室,locality,revoked,C-LAW,0,0,0,0,0,0,0,0,1,0,0,,,\r\n"),
      std::string::npos)
      << "S03: null times, no flags";
  EXPECT_NE(csv.find("\r\n\r\nstudio,month,contacts,peopleReached,consultations,casesOpened,"
                     "casesResolved,suggestions\r\nS01,2025-01,6,200,3,2,1,1\r\n"
                     "S01,2025-03,4,100,1,1,0,1\r\nS02,2025-02,6,120,1,0,0,0\r\n\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("\r\nid,name,sector,committees,studios,contacts,consultations,cases,"
                     "suggestions,lastActivityAt,score 2024,score 2025\r\n"
                     "M1,张三,经济界,C-ECON,S01;S02,16,5,3,2,2025-03-20T09:49:00+08:00,12,30\r\n"),
            std::string::npos);
}

TEST(RenderTest, MarkdownEscapesCellsAndKeepsTablesRectangular) {
  const std::string md = Render(RenderMarkdown, kReport);
  const std::string header = LineWith(md, "| id | name | linkType |");
  ASSERT_FALSE(header.empty());
  const std::string s02 = LineWith(md, "| S02 | 鱼洞\\<\\&\"'\\|,工作室 | locality |");
  ASSERT_FALSE(s02.empty()) << md;
  EXPECT_EQ(Separators(s02), Separators(header));
  EXPECT_EQ(Separators(header), 20u);
  const std::string s03 = LineWith(md, "| S03 | 李家沱街道委员工作室 | locality |");
  EXPECT_NE(s03.find("| — | — |  |"), std::string::npos) << s03;  // null, null, no flags
  EXPECT_NE(md.find("| S01 | 商贸物流委员工作室 | industry |"), std::string::npos);
  EXPECT_NE(md.find("| 10.3 | NO_RULES, OVERDUE_CASES |"), std::string::npos);
  EXPECT_NE(md.find("| score 2024 | score 2025 |"), std::string::npos);
  EXPECT_NE(md.find("| 12 | 30 |"), std::string::npos);
  EXPECT_NE(md.find("| M2 | 李四 | 农业界 特邀 |"), std::string::npos) << "line break in a cell";
  EXPECT_NE(md.find("no activity in the last 60 days"), std::string::npos);
  EXPECT_NE(md.find("### 社会法制委 (C-LAW)"), std::string::npos);
  EXPECT_NE(md.find("| **Total** |  |  | **16** | **420** |"), std::string::npos);
}

TEST(RenderTest, HtmlIsEscapedSelfContainedAndCharted) {
  const std::string html = Render(RenderHtml, kReport);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(html.find("\"Noto Sans CJK SC\""), std::string::npos);
  EXPECT_NE(html.find("鱼洞&lt;&amp;&quot;&#39;|,工作室"), std::string::npos);
  EXPECT_EQ(html.find("<&"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  for (const char* external : {"<link", "<script", "src=", "url(", "@import"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  // One chart per studio with monthly data (S01, S02; not S03), over 2025-01 … 2025-03.
  EXPECT_EQ(Count(html, "<svg"), 2u);
  EXPECT_EQ(Count(html, "</svg>"), 2u);
  const size_t s02 = html.find("aria-label=\"S02 ");
  ASSERT_NE(s02, std::string::npos);
  const std::string chart = html.substr(s02, html.find("</svg>", s02) - s02);
  EXPECT_EQ(Count(chart, "<rect"), 1u) << chart;
  EXPECT_NE(chart.find("2025-01 0; 2025-02 7; 2025-03 0"), std::string::npos) << chart;
  // Badges, and a legend whose numbers come from the report's policy.
  EXPECT_NE(html.find("<span class=\"flag f-NO_RULES\""), std::string::npos);
  EXPECT_NE(html.find("<span class=\"flag f-OVERDUE_CASES\""), std::string::npos);
  EXPECT_NE(html.find("<span class=\"flag f-LATE_RECORDING\""), std::string::npos);
  EXPECT_NE(html.find("<span class=\"flag f-INACTIVE\""), std::string::npos);  // legend
  EXPECT_NE(html.find("近60天无任何活动"), std::string::npos);
  EXPECT_NE(html.find("no activity in the last 60 days"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"revoked\">"), std::string::npos);
  EXPECT_NE(html.find("2025 积分"), std::string::npos);
  EXPECT_NE(html.find(">10.3<"), std::string::npos);
}

TEST(RenderTest, MalformedJsonReportsAreInvalidArguments) {
  std::string bad_count = kReport;
  bad_count.replace(bad_count.find("\"contacts\":10"), 13, "\"contacts\":\"10\"");
  std::string bad_month = kReport;
  bad_month.replace(bad_month.find("\"2025-02\""), 9, "\"2025-13\"");
  std::string bad_name = kReport;  // a lone surrogate decodes to bytes that are not UTF-8
  bad_name.replace(bad_name.find("商贸物流委员工作室"), std::string("商贸物流委员工作室").size(),
                   "\\ud800");
  std::string no_studios = kReport;
  no_studios.replace(no_studios.find("\"studios\":["), 10, "\"shops\":[");
  const std::vector<std::string> inputs = {"",
                                           "{",
                                           "[]",
                                           "null",
                                           "{\"head\":1}",
                                           "{} {}",
                                           kReport + "x",
                                           "{\"a\":\"\xff\"}",
                                           bad_name,
                                           bad_count,
                                           bad_month,
                                           no_studios};
  for (const auto& input : inputs) {
    ReportModel model;
    EXPECT_EQ(ParseReportJson(input, &model).code(), Code::kInvalidArgument) << input.substr(0, 40);
  }
  ReportModel model;
  EXPECT_NE(ParseReportJson(bad_count, &model).message().find("studios[0].totals.contacts"),
            std::string::npos);
  EXPECT_NE(ParseReportJson(bad_name, &model).message().find("surrogate"), std::string::npos);
}

// The report built from a small ledger, rendered through BuildReport.
TEST(RenderTest, RendersAReportBuiltFromALedger) {
  TestLedger ledger;
  ASSERT_TRUE(ledger.Append(Registry()).ok());
  const std::string contact =
      R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":25,"topic":"停车难"})";
  const std::string opened =
      R"({"studio":"S01","case":"K1","kind":"dispute","members":["M1"],"summary":"噪音"})";
  const std::string resolved =
      R"({"studio":"S01","case":"K1","outcome":"resolved","summary":"调解"})";
  const std::vector<std::string> activity = {
      Event("e1", "ContactRecorded", contact, "2025-04-02T09:30:00+08:00"),
      Event("e2", "ContactRecorded", contact, "2025-05-12T10:00:00+08:00"),
      Event("e3", "CaseOpened", opened, "2025-05-01T09:00:00+08:00"),
      Event("e4", "CaseResolved", resolved, "2025-05-11T21:00:00+08:00")};
  ASSERT_TRUE(ledger.Append(activity).ok());
  TempDir scratch;
  ReportOptions options;
  options.as_of_micros = *ParseInstant("2025-06-30T23:59:59+08:00");
  options.scratch_dir = scratch.path() + "/replay";
  std::string json;
  ASSERT_TRUE(BuildReport(ledger.ledger(), Policy{}, options, &json).ok());
  ASSERT_EQ(json.rfind("{\"head\":{\"seq\":11,", 0), 0u) << json.substr(0, 200);

  const std::string md = Render(RenderMarkdown, json);
  EXPECT_NE(md.find("- **Log head:** seq 11\n"), std::string::npos);
  EXPECT_NE(
      md.find("| S01 | 鱼洞街道委员工作室 | locality | active | C1 | 2 | 50 | 0 | 1 | 1 | 0 |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("| 10.5 | NO_RULES |"), std::string::npos) << "10.5 days to resolve";
  EXPECT_NE(md.find("| M1 | 张三 | 经济界 | C1 | S01 | 2 | 0 | 1 | 0 |"), std::string::npos);
  const std::string csv = Render(RenderCsv, json);
  EXPECT_NE(csv.find("\r\nS01,2025-05,1,25,0,1,1,0\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",score 2025\r\n"), std::string::npos);
  const std::string html = Render(RenderHtml, json);
  EXPECT_EQ(Count(html, "<svg"), 1u);  // only S01 has activity
  EXPECT_NE(html.find("商贸物流委员工作室"), std::string::npos);

  // BuildReport renders through the same functions.
  for (auto [format, expected] : {std::pair{Format::kMarkdown, md}, std::pair{Format::kCsv, csv},
                                  std::pair{Format::kHtml, html}}) {
    options.format = format;
    std::string rendered;
    ASSERT_TRUE(BuildReport(ledger.ledger(), Policy{}, options, &rendered).ok());
    EXPECT_EQ(rendered, expected);
  }
}

}  // namespace
}  // namespace wulian::projections
