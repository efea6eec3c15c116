// The periodic notice (projections/notice.h): periods, the ranking with the period before,
// the flags, overdue findings, the reminder list and late recording, on a small ledger.
#include "projections/notice.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time.h"
#include "tests/projections/xlsx_reader.h"
#include "tests/support.h"

namespace wulian::projections {
namespace {

using testing::Event;
using testing::Registry;
using testing::TempDir;
using testing::TestLedger;

Period Parsed(const std::string& text) {
  Period p;
  Status s = ParsePeriod(text, &p);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return p;
}

TEST(PeriodTest, QuartersMonthsAndYearsInLedgerTime) {
  const Period q3 = Parsed("2026-Q3");
  EXPECT_EQ(q3.start, *ParseInstant("2026-07-01T00:00:00+08:00"));
  EXPECT_EQ(q3.end, *ParseInstant("2026-10-01T00:00:00+08:00"));
  EXPECT_EQ(q3.months, (std::vector<std::string>{"2026-07", "2026-08", "2026-09"}));
  EXPECT_EQ(q3.last_day, "2026-09-30");
  EXPECT_EQ(q3.zh, "2026年第三季度");
  const Period feb = Parsed("2024-02");
  EXPECT_EQ(feb.last_day, "2024-02-29");
  EXPECT_EQ(feb.end, *ParseInstant("2024-03-01T00:00:00+08:00"));
  const Period year = Parsed("2026");
  EXPECT_EQ(year.start, *ParseInstant("2026-01-01T00:00:00+08:00"));
  EXPECT_EQ(year.end, *ParseInstant("2027-01-01T00:00:00+08:00"));
  EXPECT_EQ(year.months.size(), 12u);
}

TEST(PeriodTest, ThePeriodBeforeCrossesYears) {
  EXPECT_EQ(PreviousPeriod(Parsed("2026-Q3")).name, "2026-Q2");
  EXPECT_EQ(PreviousPeriod(Parsed("2026-Q1")).name, "2025-Q4");
  EXPECT_EQ(PreviousPeriod(Parsed("2026-11")).name, "2026-10");
  EXPECT_EQ(PreviousPeriod(Parsed("2026-01")).name, "2025-12");
  EXPECT_EQ(PreviousPeriod(Parsed("2026")).name, "2025");
}

TEST(PeriodTest, MalformedPeriodsAreRefused) {
  for (const char* bad : {"", "2026-Q0", "2026-Q5", "2026-13", "2026-00", "2026-1", "26", "abcd",
                          "2026Q3", "1999", "2026-q3", "2026-Q3 ", "+202", "2026-11-01"}) {
    Period p;
    Status s = ParsePeriod(bad, &p);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << "\"" << bad << "\"";
    EXPECT_NE(s.message().find("YYYY-Q1"), std::string::npos);
  }
}

std::string Contact(const std::string& id, const std::string& studio, const std::string& member,
                    const std::string& at) {
  return Event(id, "ContactRecorded",
               R"({"studio":")" + studio + R"(","members":[")" + member +
                   R"("],"channel":"visit","peopleReached":5,"topic":"走访"})",
               at);
}

// S01 (M1): one contact in Q2 2025, four in Q3 of which one is retracted, one in October.
// S02 (M2): three contacts in Q2 (one recorded on time), one in Q3, a consultation in Q1, a
// finding due in August never rectified.
class NoticeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_.set_now("2025-03-02T10:00:00+08:00");  // recordedAt never goes back
    ASSERT_TRUE(ledger_.Append(Registry()).ok());  // seqs 1–7
    ledger_.set_now("2025-05-03T10:00:00+08:00");
    ASSERT_TRUE(ledger_.Append(Contact("on-time", "S02", "M2", "2025-05-01T09:00:00+08:00")).ok());
    ledger_.set_now("2025-12-01T10:00:00+08:00");
    ASSERT_TRUE(
        ledger_
            .Append(
                {Contact("a1", "S01", "M1", "2025-05-10T09:00:00+08:00"),
                 Contact("a2", "S01", "M1", "2025-07-01T00:00:00+08:00"),
                 Contact("a3", "S01", "M1", "2025-08-10T09:00:00+08:00"),
                 Contact("a4", "S01", "M1", "2025-09-30T23:59:59+08:00"),
                 Contact("a5", "S01", "M1", "2025-09-15T09:00:00+08:00"),
                 Contact("a6", "S01", "M1", "2025-10-01T00:00:00+08:00"),
                 Contact("b1", "S02", "M2", "2025-04-10T09:00:00+08:00"),
                 Contact("b2", "S02", "M2", "2025-06-30T23:59:59+08:00"),
                 Contact("b3", "S02", "M2", "2025-08-01T09:00:00+08:00"),
                 Event(
                     "b4", "ConsultationHeld",
                     R"({"studio":"S02","members":["M2"],"form":"meeting","partners":[],"attendees":3,"topic":"物流","outcome":"建议"})",
                     "2025-02-01T09:00:00+08:00"),
                 Event(
                     "f1", "FindingRaised",
                     R"({"studio":"S02","finding":"F1","severity":"high","summary":"台账不全","dueOn":"2025-08-15"})",
                     "2025-07-01T09:00:00+08:00")})
            .ok());  // seqs 9–19; a5 is seq 13
    ASSERT_TRUE(ledger_
                    .Append(Event("x1", "EventRetracted", R"({"target":13,"reason":"重复录入"})",
                                  "2025-11-30T09:00:00+08:00"))
                    .ok());
  }

  NoticeModel Notice(const std::string& period, int64_t below = 5) {
    NoticeOptions o;
    EXPECT_TRUE(ParsePeriod(period, &o.period).ok());
    o.reminder_points_below = below;
    o.scratch_dir = scratch_.path() + "/notice";
    o.now_micros = *ParseInstant("2025-12-01T10:00:00+08:00");
    NoticeModel n;
    Status s = BuildNotice(ledger_.ledger(), Policy{}, o, &n);
    EXPECT_TRUE(s.ok()) << s.message();
    return n;
  }

  TestLedger ledger_;
  TempDir scratch_;
};

TEST_F(NoticeTest, RanksStudiosByActivityAgainstThePeriodBefore) {
  const NoticeModel n = Notice("2025-Q3");
  EXPECT_EQ(n.report.axis, Axis::kOccurred);
  EXPECT_EQ(n.report.as_of, "2025-09-30T23:59:59.999+08:00");
  EXPECT_EQ(n.report.head.seq, 20) << "anchored to the ledger's head";
  EXPECT_FALSE(n.provisional);
  ASSERT_EQ(n.ranking.size(), 2u);
  // S01: a2, a3, a4 (a5 retracted, a6 in October); before: a1.
  EXPECT_EQ(n.ranking[0].id, "S01");
  EXPECT_EQ(n.ranking[0].activity, 3);
  EXPECT_EQ(n.ranking[0].previous_activity, 1);
  EXPECT_EQ(n.ranking[0].rank, 1);
  EXPECT_EQ(n.ranking[0].previous_rank, 2);
  // S02: b3; before: on-time, b1, b2.
  EXPECT_EQ(n.ranking[1].id, "S02");
  EXPECT_EQ(n.ranking[1].activity, 1);
  EXPECT_EQ(n.ranking[1].previous_activity, 3);
  EXPECT_EQ(n.ranking[1].previous_rank, 1);
  EXPECT_EQ(n.ranking[1].link_type, "industry");
  EXPECT_EQ(n.ranking[1].committee, "C1");
}

TEST_F(NoticeTest, EqualActivityGivesEqualRank) {
  const NoticeModel n = Notice("2025-11");  // nobody active in November or October but S01
  ASSERT_EQ(n.ranking.size(), 2u);
  EXPECT_EQ(n.ranking[0].rank, 1);
  EXPECT_EQ(n.ranking[1].rank, 1);
  EXPECT_EQ(n.ranking[0].previous_activity, 1) << "a6 in October";
  EXPECT_EQ(n.ranking[0].id, "S01");
  EXPECT_EQ(n.ranking[0].previous_rank, 1);
  EXPECT_EQ(n.ranking[1].previous_rank, 2);
}

TEST_F(NoticeTest, ListsMembersBelowTheThresholdInThePeriodsYearAsOfItsEnd) {
  // At the end of Q3: M1 3 + 1 = 4 points (a6 is later), M2 4 contacts + a consultation = 6,
  // M3 none.
  NoticeModel n = Notice("2025-Q3", 5);
  ASSERT_EQ(n.reminder.size(), 2u);
  EXPECT_EQ(n.reminder[0].id, "M3");
  EXPECT_EQ(n.reminder[0].points, 0);
  EXPECT_EQ(n.reminder[1].id, "M1");
  EXPECT_EQ(n.reminder[1].points, 4);
  EXPECT_EQ(n.reminder[1].studios, (std::vector<std::string>{"S01"}));
  n = Notice("2025-Q3", 7);
  ASSERT_EQ(n.reminder.size(), 3u);
  EXPECT_EQ(n.reminder[2].id, "M2");
  EXPECT_EQ(n.reminder[2].points, 6);
  EXPECT_EQ(Notice("2025", 5).reminder.size(), 1u) << "M1 has 5 points by the year's end";
}

TEST_F(NoticeTest, FlagsOverdueFindingsAndLateRecordingAtThePeriodsEnd) {
  const NoticeModel n = Notice("2025-Q3");
  ASSERT_EQ(n.overdue.size(), 1u);
  EXPECT_EQ(n.overdue[0].studio, "S02");
  EXPECT_EQ(n.overdue[0].finding, "F1");
  EXPECT_EQ(n.overdue[0].due_on, "2025-08-15");
  bool s02_overdue = false;
  for (const auto& s : n.flagged) {
    if (s.id == "S02") {
      s02_overdue = std::find(s.flags.begin(), s.flags.end(), "OVERDUE_FINDINGS") != s.flags.end();
    }
  }
  EXPECT_TRUE(s02_overdue);
  EXPECT_TRUE(Notice("2025-07").overdue.empty()) << "not yet due at the end of July";
  ASSERT_EQ(n.recording.size(), 2u);
  EXPECT_EQ(n.recording[1].studio, "S02");
  EXPECT_EQ(n.recording[1].now.events, 1);
  EXPECT_EQ(n.recording[1].now.late, 1);
  EXPECT_EQ(n.recording[1].before.events, 3);
  EXPECT_EQ(n.recording[1].before.late, 2) << "on-time was recorded two days after";
}

TEST_F(NoticeTest, APeriodNotEndedIsProvisionalAndOneNotBegunIsRefused) {
  const NoticeModel n = Notice("2025-Q4");
  EXPECT_TRUE(n.provisional);
  EXPECT_EQ(n.report.as_of, "2025-12-01T10:00:00+08:00");
  NoticeOptions o;
  ASSERT_TRUE(ParsePeriod("2026-01", &o.period).ok());
  o.scratch_dir = scratch_.path() + "/notice";
  o.now_micros = *ParseInstant("2025-12-01T10:00:00+08:00");
  NoticeModel later;
  EXPECT_EQ(BuildNotice(ledger_.ledger(), Policy{}, o, &later).code(), Code::kInvalidArgument);
}

TEST_F(NoticeTest, EveryFormatIsStableAndStartsWithTheHeadAndPeriod) {
  const NoticeModel n = Notice("2025-Q3");
  std::string md, md2, html, json, xlsx, xlsx2;
  ASSERT_TRUE(RenderNoticeMarkdown(n, &md).ok());
  ASSERT_TRUE(RenderNoticeMarkdown(Notice("2025-Q3"), &md2).ok());
  EXPECT_EQ(md, md2);
  EXPECT_EQ(md.rfind("# 五联委员工作室履职通报 — 2025年第三季度\n", 0), 0u) << md;
  EXPECT_NE(md.find("- **日志头：** seq 20\n"), std::string::npos);
  EXPECT_NE(md.find("| 1 | S01 | 鱼洞街道委员工作室 | 属地联 | 经济委 | 3 | 1 | +2 | 2 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| S02 | 商贸物流委员工作室 | F1 | 2025-08-15 | 46 |"), std::string::npos);
  ASSERT_TRUE(RenderNoticeHtml(n, &html).ok());
  EXPECT_NE(html.find("<h1>五联委员工作室履职通报 — 2025年第三季度</h1>"), std::string::npos);
  ASSERT_TRUE(RenderNoticeJson(n, &json).ok());
  EXPECT_EQ(json.rfind("{\"head\":{\"seq\":20,", 0), 0u);
  ASSERT_TRUE(RenderNoticeXlsx(n, scratch_.path() + "/x", &xlsx).ok());
  ASSERT_TRUE(RenderNoticeXlsx(Notice("2025-Q3"), scratch_.path() + "/x", &xlsx2).ok());
  EXPECT_EQ(xlsx, xlsx2);
  const testing::Xlsx book = testing::ReadXlsx(xlsx);
  ASSERT_TRUE(book.ok);
  const auto* ranking = book.Sheet("排名");
  ASSERT_NE(ranking, nullptr);
  EXPECT_TRUE(ranking->header_frozen);
  EXPECT_EQ(ranking->At(1, "工作室")->text, "S01");
  EXPECT_FALSE(ranking->At(1, "本期活动")->is_string);
  EXPECT_EQ(ranking->At(1, "本期活动")->number(), 3);
  EXPECT_EQ(ranking->At(2, "增减")->number(), -2);
  EXPECT_EQ(book.Sheet("逾期问题")->At(1, "整改期限")->format, "yyyy-mm-dd");
}

}  // namespace
}  // namespace wulian::projections
