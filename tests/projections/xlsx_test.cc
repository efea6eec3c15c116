// The report as an .xlsx workbook (projections/render_xlsx.cc), read back as a spreadsheet
// program reads it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time.h"
#include "projections/policy.h"
#include "projections/report.h"
#include "tests/projections/xlsx_reader.h"
#include "tests/support.h"

namespace wulian::projections {
namespace {

using testing::Event;
using testing::ReadXlsx;
using testing::Registry;
using testing::TempDir;
using testing::TestLedger;
using testing::Xlsx;

// The Excel serial of a +08:00 wall-clock time: days since 1899-12-30 and the fraction.
double Serial(const std::string& date, int hour, int minute) {
  constexpr int64_t kDaysFrom1899To1970 = 25569;
  return static_cast<double>(*ParseDate(date) + kDaysFrom1899To1970) +
         (hour * 60 + minute) / 1440.0;
}

class XlsxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger_.Append(Registry()).ok());
    const std::string contact =
        R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":25,"topic":"停车难"})";
    ASSERT_TRUE(ledger_
                    .Append({Event("e1", "ContactRecorded", contact, "2025-04-02T09:30:00+08:00"),
                             Event("e2", "ContactRecorded", contact, "2025-05-12T10:00:00+08:00")})
                    .ok());
    options_.as_of_micros = *ParseInstant("2025-06-30T23:59:59+08:00");
    options_.scratch_dir = scratch_.path() + "/replay";
    options_.format = Format::kXlsx;
  }

  std::string Workbook() {
    std::string bytes;
    Status s = BuildReport(ledger_.ledger(), Policy{}, options_, &bytes);
    EXPECT_TRUE(s.ok()) << s.message();
    return bytes;
  }

  TestLedger ledger_;
  TempDir scratch_;
  ReportOptions options_;
};

TEST_F(XlsxTest, HasTheSheetsInOrderEachWithAFrozenChineseHeader) {
  const Xlsx book = ReadXlsx(Workbook());
  ASSERT_TRUE(book.ok);
  std::vector<std::string> names;
  for (const auto& s : book.sheets) names.push_back(s.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"报告", "概览", "专委会", "工作室", "委员", "月度活动"}));
  for (const auto& s : book.sheets) {
    EXPECT_TRUE(s.header_frozen) << s.name;
    ASSERT_FALSE(s.rows.empty()) << s.name;
    EXPECT_TRUE(s.rows[0][0].is_string) << s.name;
  }
  const auto* studios = book.Sheet("工作室");
  EXPECT_EQ(studios->rows[0][0].text, "编号");
  EXPECT_EQ(studios->rows[0][1].text, "名称");
  ASSERT_NE(studios->At(1, "联系类型"), nullptr);
  EXPECT_EQ(studios->At(1, "联系类型")->text, "属地联");
  EXPECT_EQ(studios->At(1, "状态")->text, "正常");
  EXPECT_EQ(studios->At(1, "名称")->text, "鱼洞街道委员工作室");
}

TEST_F(XlsxTest, CountsAreNumbersAndTimesAreDateCellsInLedgerTime) {
  const Xlsx book = ReadXlsx(Workbook());
  ASSERT_TRUE(book.ok);
  const auto* studios = book.Sheet("工作室");
  ASSERT_NE(studios, nullptr);
  const auto* contacts = studios->At(1, "联系群众");
  ASSERT_NE(contacts, nullptr);
  EXPECT_FALSE(contacts->is_string);
  EXPECT_EQ(contacts->number(), 2);
  EXPECT_EQ(studios->At(1, "覆盖人次")->number(), 50);
  const auto* last = studios->At(1, "最近活动");
  ASSERT_NE(last, nullptr);
  EXPECT_FALSE(last->is_string);
  EXPECT_EQ(last->format, "yyyy-mm-dd hh:mm");
  EXPECT_NEAR(last->number(), Serial("2025-05-12", 10, 0), 1e-9) << "10:00 +08:00, not UTC";
  const auto* licensed = studios->At(1, "授牌日期");
  EXPECT_EQ(licensed->format, "yyyy-mm-dd");
  EXPECT_NEAR(licensed->number(), Serial("2024-11-08", 0, 0), 1e-9);
  EXPECT_EQ(studios->At(1, "标记代码")->text, "NO_RULES");
  EXPECT_EQ(studios->At(1, "标记")->text, "无制度");

  const auto* head = book.Sheet("报告");
  EXPECT_EQ(head->At(1, "值")->number(), 9) << "the head's seq";
  EXPECT_EQ(head->At(5, "项目")->text, "截至");
  EXPECT_NEAR(head->At(5, "值")->number(), Serial("2025-06-30", 23, 59) + 59 / 86400.0, 1e-6);
  EXPECT_EQ(head->At(6, "项目")->text, "策略：授牌满（天）");
  EXPECT_EQ(head->At(6, "值")->number(), 90);
  EXPECT_EQ(head->rows.size(), 1u + 5 + 13) << "head, axis, as-of and the 13 policy fields";

  const auto* members = book.Sheet("委员");
  EXPECT_EQ(members->At(1, "编号")->text, "M1");
  EXPECT_EQ(members->At(1, "2025年积分")->number(), 2);
  const auto* months = book.Sheet("月度活动");
  EXPECT_EQ(months->At(1, "月份")->format, "yyyy-mm");
  EXPECT_NEAR(months->At(1, "月份")->number(), Serial("2025-04-01", 0, 0), 1e-9);
}

TEST_F(XlsxTest, TheSameReportGivesTheSameBytes) {
  const std::string first = Workbook();
  ASSERT_GT(first.size(), 1000u);
  EXPECT_EQ(first.substr(0, 2), "PK");
  EXPECT_EQ(Workbook(), first);
  options_.as_of_micros += kMicrosPerSecond;  // another creation time, other bytes
  EXPECT_NE(Workbook(), first);
}

}  // namespace
}  // namespace wulian::projections
