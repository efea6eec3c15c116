// Rows of a table as event lines: headers, times, lists, names, derived ids, refusals.
#include "intake/rows.h"

#include <gtest/gtest.h>

#include <regex>

namespace wulian::intake {
namespace {

Cell Text(std::string s) { return Cell{Cell::Type::kText, std::move(s)}; }
Cell Number(std::string s) { return Cell{Cell::Type::kNumber, std::move(s)}; }

Table Of(std::vector<std::vector<Cell>> rows) {
  Table t;
  for (size_t i = 0; i < rows.size(); ++i) t.rows.push_back(Row{i + 1, std::move(rows[i])});
  return t;
}

std::vector<Cell> ContactHeader() {
  return {Text("发生时间"), Text("工作室"),   Text("委员"),
          Text("方式"),     Text("联系人数"), Text("主题")};
}

Directory Registry() {
  Directory d;
  d.Add(Directory::Kind::kStudio, "S01", "商贸物流工作室");
  d.Add(Directory::Kind::kMember, "M001", "张三");
  d.Add(Directory::Kind::kMember, "M002", "李四");
  return d;
}

MappedSheet Map(const Table& table, const std::string& type = "ContactRecorded",
                const Directory& directory = Registry()) {
  MappedSheet sheet;
  Status s = MapRows(table, type, directory, &sheet);
  EXPECT_TRUE(s.ok()) << s.message();
  return sheet;
}

std::string Data(const MappedSheet& sheet, size_t i = 0) {
  const std::string& line = sheet.rows.at(i).line;
  return line.substr(line.find("\"data\":"));
}

TEST(RowsTest, ChineseHeadersNamesAndEnumsBecomeTheEventOfTheSchema) {
  MappedSheet sheet = Map(Of({ContactHeader(),
                              {Text("2025-03-01 09:30"), Text("商贸物流工作室"),
                               Text(" 张三、M002 "), Text("走访"), Number("25"), Text("停车难")}}));
  ASSERT_TRUE(sheet.refused.empty()) << sheet.refused[0].status.message();
  ASSERT_EQ(sheet.rows.size(), 1u);
  EXPECT_EQ(
      sheet.rows[0].line.substr(sheet.rows[0].line.find("\"type\"")),
      R"("type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00","data":)"
      R"({"studio":"S01","members":["M001","M002"],"channel":"visit","peopleReached":25,"topic":"停车难"}})");
}

TEST(RowsTest, FieldNamesServeAsHeadersAndGiveTheSameDerivedId) {
  const std::vector<Cell> row = {Text("2025-03-01 09:30"),
                                 Text("S01"),
                                 Text("M001"),
                                 Text("visit"),
                                 Text("25"),
                                 Text("停车难")};
  MappedSheet chinese = Map(Of({ContactHeader(), row}));
  MappedSheet english = Map(Of({{Text("occurredAt"), Text("studio"), Text("members"),
                                 Text("channel"), Text("peopleReached"), Text("topic")},
                                row}));
  ASSERT_EQ(english.rows.size(), 1u);
  EXPECT_EQ(english.rows[0].line, chinese.rows[0].line);
  EXPECT_EQ(english.rows[0].studio, "S01");
  EXPECT_EQ(english.rows[0].occurred_at, "2025-03-01T09:30:00+08:00");
  // Columns in another order: the same event.
  std::vector<Cell> header = ContactHeader(), reordered = row;
  std::swap(header[0], header[5]);
  std::swap(reordered[0], reordered[5]);
  EXPECT_EQ(Map(Of({header, reordered})).rows.at(0).line, chinese.rows[0].line);
  EXPECT_TRUE(std::regex_match(english.rows[0].id, std::regex("sh-[0-9a-f]{40}")))
      << english.rows[0].id;
  // Written with names instead of ids, the row is the same event.
  MappedSheet named = Map(Of({ContactHeader(),
                              {Text("2025/3/1 9:30"), Text("商贸物流工作室"), Text("张三"),
                               Text("走访"), Number("25"), Text("停车难")}}));
  EXPECT_EQ(named.rows.at(0).id, chinese.rows[0].id);
  MappedSheet edited = Map(Of({ContactHeader(),
                               {Text("2025/3/1 9:30"), Text("S01"), Text("M001"), Text("走访"),
                                Number("26"), Text("停车难")}}));
  EXPECT_NE(edited.rows.at(0).id, chinese.rows[0].id);
}

TEST(RowsTest, TimesInEveryAcceptedForm) {
  Table t = Of({{Text("发生时间"), Text("工作室"), Text("委员"), Text("方式"), Text("联系人数"),
                 Text("主题"), Text("编号")}});
  const std::vector<Cell> times = {Text("2025-03-01 09:30"), Text("2025/3/1 9:30:00"),
                                   Text("2025-03-01T01:30:00Z"), Number("45717.395833333336")};
  for (size_t i = 0; i < times.size(); ++i) {
    t.rows.push_back(Row{i + 2,
                         {times[i], Text("S01"), Text("M001"), Text("电话"), Number("1"), Text("t"),
                          Text("k" + std::to_string(i))}});
  }
  MappedSheet sheet = Map(t);
  ASSERT_EQ(sheet.rows.size(), times.size());
  for (const auto& row : sheet.rows) {
    EXPECT_NE(row.line.find(R"("occurredAt":"2025-03-01T09:30:00+08:00")"), std::string::npos)
        << row.line;
  }
  t.date1904 = true;  // the same instant is 1462 days fewer from 1904-01-01
  t.rows.resize(2);
  t.rows[1].cells[0] = Number("44255.395833333336");
  EXPECT_NE(Map(t).rows.at(0).line.find("2025-03-01T09:30:00+08:00"), std::string::npos);
}

TEST(RowsTest, BadCellsAreRefusedWithTheirRowAndColumnInChinese) {
  MappedSheet sheet = Map(Of(
      {ContactHeader(),
       {Text("2025-02-30 09:00"), Text("S01"), Text("M001"), Text("走访"), Number("1"), Text("t")},
       {Text("2025-03-01"), Text("S01"), Text("M001"), Text("走访"), Text("-3"), Text("t")},
       {Text("2025-03-01"), Text("S01"), Text("M001"), Text("飞鸽"), Number("1"), Text("t")},
       {Text("2025-03-01"), Text("无名工作室"), Text("M001"), Text("走访"), Number("1"), Text("t")},
       {Text("2025-03-01"), Text("S01"), Text(""), Text("走访"), Number("1"), Text("t")}}));
  ASSERT_EQ(sheet.refused.size(), 5u);
  EXPECT_EQ(sheet.refused[0].row, 2u);
  EXPECT_EQ(sheet.refused[0].column, "发生时间");
  EXPECT_EQ(sheet.refused[1].column, "联系人数");
  EXPECT_EQ(sheet.refused[1].status.message(), "必须是非负整数");
  EXPECT_EQ(sheet.refused[2].column, "方式");
  EXPECT_NE(sheet.refused[2].status.message().find("飞鸽"), std::string::npos);
  EXPECT_EQ(sheet.refused[3].column, "工作室");
  EXPECT_EQ(sheet.refused[3].status.message(), "未登记的工作室“无名工作室”");
  EXPECT_EQ(sheet.refused[4].column, "委员");
  EXPECT_EQ(sheet.refused[4].row, 6u);
}

TEST(RowsTest, ANameSharedByTwoIsRefusedNamingBothIds) {
  Directory d = Registry();
  d.Add(Directory::Kind::kMember, "M009", "张三");
  MappedSheet sheet = Map(
      Of({ContactHeader(),
          {Text("2025-03-01"), Text("S01"), Text("张三"), Text("走访"), Number("1"), Text("t")}}),
      "ContactRecorded", d);
  ASSERT_EQ(sheet.refused.size(), 1u);
  EXPECT_EQ(sheet.refused[0].column, "委员");
  EXPECT_EQ(sheet.refused[0].status.message(), "有 2 个委员都叫“张三”（M001、M009）：请填写编号");
  d.Add(Directory::Kind::kMember, "M009", "张叁");  // a correction renames M009
  EXPECT_TRUE(Map(Of({ContactHeader(),
                      {Text("2025-03-01"), Text("S01"), Text("张三"), Text("走访"), Number("1"),
                       Text("t")}}),
                  "ContactRecorded", d)
                  .refused.empty());
}

TEST(RowsTest, HeaderProblemsRefuseRowOne) {
  MappedSheet sheet = Map(Of({{Text("发生时间"), Text("工作室"), Text("委员"), Text("方式"),
                               Text("联系人数"), Text("地点")}}));
  ASSERT_EQ(sheet.refused.size(), 2u);
  EXPECT_EQ(sheet.refused[0].row, 1u);
  EXPECT_EQ(sheet.refused[0].column, "地点");
  EXPECT_NE(sheet.refused[0].status.message().find("未知的列名"), std::string::npos);
  EXPECT_EQ(sheet.refused[1].column, "主题");
  EXPECT_NE(sheet.refused[1].status.message().find("缺少必填的列"), std::string::npos);
}

TEST(RowsTest, OptionalColumnsListsAndIdenticalRows) {
  MappedSheet sheet =
      Map(Of({{Text("编号"), Text("发生时间"), Text("工作室"), Text("委员"), Text("形式"),
               Text("参加人数"), Text("主题"), Text("成果")},
              {Text("h1"), Text("2025-04-10 14:30"), Text("S01"), Text("张三；李四;"),
               Text("联合协商"), Number("18"), Text("冷链"), Text("三条建议")}}),
          "ConsultationHeld");
  ASSERT_EQ(sheet.rows.size(), 1u) << sheet.refused.at(0).status.message();
  EXPECT_EQ(
      Data(sheet),
      R"("data":{"studio":"S01","members":["M001","M002"],"form":"joint","partners":[],"attendees":18,"topic":"冷链","outcome":"三条建议"}})");
  const std::vector<Cell> row = {Text("2025-03-01"), Text("S01"), Text("M001"),
                                 Text("走访"),       Number("1"), Text("t")};
  sheet = Map(Of({ContactHeader(), row, {}, row}));
  ASSERT_EQ(sheet.refused.size(), 1u);
  EXPECT_EQ(sheet.refused[0].row, 4u);
  EXPECT_NE(sheet.refused[0].status.message().find("与第 2 行内容完全相同"), std::string::npos);
  EXPECT_EQ(sheet.blank_rows, 1u);
}

TEST(RowsTest, RefusalsOfTheLedgerAreExplainedByColumn) {
  const Directory d = Registry();
  MappedSheet sheet = Map(
      Of({ContactHeader(),
          {Text("2025-03-01"), Text("S01"), Text("M002"), Text("走访"), Number("1"), Text("t")}}));
  RowRefusal r = Explain(sheet, d, sheet.rows.at(0),
                         Status::ReferenceError(R"(member "M002" is not in studio "S01")"));
  EXPECT_EQ(r.row, 2u);
  EXPECT_EQ(r.column, "委员");
  EXPECT_EQ(r.status.code(), Code::kReferenceError);
  EXPECT_EQ(r.status.message(), "委员 M002（李四）不是工作室 S01 的现任成员");
  r = Explain(sheet, d, sheet.rows[0], Status::ReferenceError(R"(studio "S9" is not licensed)"));
  EXPECT_EQ(r.column, "工作室");
  r = Explain(sheet, d, sheet.rows[0], Status::InvalidEvent("data.topic: must be 1-4000 bytes"));
  EXPECT_EQ(r.column, "主题");
  EXPECT_EQ(r.status.message(), "长度须为 1–4000 字节");
  r = Explain(sheet, d, sheet.rows[0],
              Status::DuplicateId(R"(id "k1" was used by event 7 with different content)"));
  EXPECT_EQ(r.column, "编号");
  EXPECT_EQ(r.status.code(), Code::kDuplicateId);
}

}  // namespace
}  // namespace wulian::intake
