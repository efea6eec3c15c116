// `wulian import --sheet` end to end: workbooks written by libxlsxwriter and libzip, GB18030
// files converted by iconv(1), the real program on a real ledger.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/intake/workbooks.h"
#include "tests/support.h"
#include "tests/tools/runner.h"

namespace wulian {
namespace {

using testing::Lines;
using testing::Output;
using testing::SheetRows;
using testing::SplitLines;
using testing::TempDir;
using testing::Wulian;

// One sheet of the scenario, and the same events as JSON lines (written by hand: the
// oracle of the round trips).
struct Sheet {
  std::string name;
  std::string type;
  SheetRows rows;
  std::vector<std::string> lines;
};

// Two committees, three members, two studios, a member joining, contacts, a consultation, a
// case opened and resolved, a suggestion submitted and adopted, a work rule, a supervision
// visit, a finding and its rectification, a member leaving, a studio suspended: every sheet
// type, the offices' way (names, Chinese enum names, date cells, lists with 、 and ；) and the
// ledger's way.
std::vector<Sheet> Scenario() {
  return {
      {"committees",
       "CommitteeRegistered",
       {{"编号", "发生时间", "专委会编号", "名称", "督导"},
        {"c-1", "@2025-01-02 09:00", "C1", "经济委员会", "?0"},
        {"c-2", "2025-01-02 09:00", "C2", "联络委员会", "?1"}},
       {R"({"id":"c-1","type":"CommitteeRegistered","occurredAt":"2025-01-02T09:00:00+08:00","data":{"committee":"C1","name":"经济委员会","supervises":false}})",
        R"({"id":"c-2","type":"CommitteeRegistered","occurredAt":"2025-01-02T09:00:00+08:00","data":{"committee":"C2","name":"联络委员会","supervises":true}})"}},
      {"members",
       "MemberRegistered",
       {{"编号", "发生时间", "委员编号", "姓名", "界别", "专委会"},
        {"m-1", "@2025-01-03 09:00", "M001", "张三", "经济界", "经济委员会"},
        {"m-2", "@2025-01-03 09:00", "M002", "李四", "工商联界", "经济委员会、联络委员会"},
        {"m-3", "@2025-01-03 09:00", "M003", "王五", "教育界", "C2"}},
       {R"({"id":"m-1","type":"MemberRegistered","occurredAt":"2025-01-03T09:00:00+08:00","data":{"member":"M001","name":"张三","sector":"经济界","committees":["C1"]}})",
        R"({"id":"m-2","type":"MemberRegistered","occurredAt":"2025-01-03T09:00:00+08:00","data":{"member":"M002","name":"李四","sector":"工商联界","committees":["C1","C2"]}})",
        R"({"id":"m-3","type":"MemberRegistered","occurredAt":"2025-01-03T09:00:00+08:00","data":{"member":"M003","name":"王五","sector":"教育界","committees":["C2"]}})"}},
      {"studios",
       "StudioLicensed",
       {{"编号", "发生时间", "工作室编号", "名称", "类型", "牵头委员", "专委会", "党组织", "镇街",
         "批次", "授牌日期"},
        {"s-1", "@2025-01-15 10:00", "S01", "商贸物流工作室", "行业联", "张三", "经济委员会",
         "区工商联党组", "", "#1", "@2025-01-15 00:00"},
        {"s-2", "@2025-01-15 10:00", "S02", "鱼洞街道工作室", "属地联", "王五", "C2",
         "鱼洞街道党工委", "鱼洞街道", "#1", "2025-01-15"}},
       {R"({"id":"s-1","type":"StudioLicensed","occurredAt":"2025-01-15T10:00:00+08:00","data":{"studio":"S01","name":"商贸物流工作室","linkType":"industry","leadMember":"M001","committee":"C1","partyOrg":"区工商联党组","batch":1,"licensedOn":"2025-01-15"}})",
        R"({"id":"s-2","type":"StudioLicensed","occurredAt":"2025-01-15T10:00:00+08:00","data":{"studio":"S02","name":"鱼洞街道工作室","linkType":"locality","leadMember":"M003","committee":"C2","partyOrg":"鱼洞街道党工委","town":"鱼洞街道","batch":1,"licensedOn":"2025-01-15"}})"}},
      {"joins",
       "MemberJoinedStudio",
       {{"编号", "发生时间", "工作室", "委员"},
        {"j-1", "@2025-01-20 10:00", "商贸物流工作室", "李四"}},
       {R"({"id":"j-1","type":"MemberJoinedStudio","occurredAt":"2025-01-20T10:00:00+08:00","data":{"studio":"S01","member":"M002"}})"}},
      {"contacts",
       "ContactRecorded",
       {{"编号", "发生时间", "工作室", "委员", "方式", "联系人数", "主题"},
        {"k-1", "@2025-03-01 09:30", "商贸物流工作室", "张三、李四", "走访", "#25", "停车难"},
        {"k-2", "2025-03-05T14:00:00+08:00", "S02", "王五", "电话", "#3", "垃圾分类"},
        {"k-3", "@2025-03-06 16:45", "S01", "M002", "平台", "#12", "“渝事好商量”议题征集"}},
       {R"({"id":"k-1","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00","data":{"studio":"S01","members":["M001","M002"],"channel":"visit","peopleReached":25,"topic":"停车难"}})",
        R"({"id":"k-2","type":"ContactRecorded","occurredAt":"2025-03-05T14:00:00+08:00","data":{"studio":"S02","members":["M003"],"channel":"phone","peopleReached":3,"topic":"垃圾分类"}})",
        R"({"id":"k-3","type":"ContactRecorded","occurredAt":"2025-03-06T16:45:00+08:00","data":{"studio":"S01","members":["M002"],"channel":"platform","peopleReached":12,"topic":"“渝事好商量”议题征集"}})"}},
      {"consultations",
       "ConsultationHeld",
       {{"编号", "发生时间", "工作室", "委员", "形式", "协商单位", "参加人数", "主题", "成果"},
        {"h-1", "@2025-04-10 14:30", "S01", "张三；李四", "联合协商", "区商会、物流协会", "#18",
         "冷链物流", "形成三条建议"}},
       {R"({"id":"h-1","type":"ConsultationHeld","occurredAt":"2025-04-10T14:30:00+08:00","data":{"studio":"S01","members":["M001","M002"],"form":"joint","partners":["区商会","物流协会"],"attendees":18,"topic":"冷链物流","outcome":"形成三条建议"}})"}},
      {"cases",
       "CaseOpened",
       {{"编号", "发生时间", "工作室", "案件编号", "类别", "委员", "摘要"},
        {"o-1", "@2025-05-01 09:00", "鱼洞街道工作室", "K001", "矛盾纠纷", "王五", "邻里噪音纠纷"}},
       {R"({"id":"o-1","type":"CaseOpened","occurredAt":"2025-05-01T09:00:00+08:00","data":{"studio":"S02","case":"K001","kind":"dispute","members":["M003"],"summary":"邻里噪音纠纷"}})"}},
      {"resolutions",
       "CaseResolved",
       {{"编号", "发生时间", "工作室", "案件编号", "结果", "摘要"},
        {"r-1", "@2025-05-20 16:00", "S02", "K001", "已解决", "双方和解"}},
       {R"({"id":"r-1","type":"CaseResolved","occurredAt":"2025-05-20T16:00:00+08:00","data":{"studio":"S02","case":"K001","outcome":"resolved","summary":"双方和解"}})"}},
      {"suggestions",
       "SuggestionSubmitted",
       {{"编号", "发生时间", "工作室", "建议编号", "委员", "标题", "渠道"},
        {"g-1", "@2025-06-01 10:00", "S01", "G001", "李四", "关于完善冷链物流的建议", "提案"}},
       {R"({"id":"g-1","type":"SuggestionSubmitted","occurredAt":"2025-06-01T10:00:00+08:00","data":{"studio":"S01","suggestion":"G001","members":["M002"],"title":"关于完善冷链物流的建议","channel":"proposal"}})"}},
      {"adoptions",
       "SuggestionAdopted",
       {{"编号", "发生时间", "工作室", "建议编号", "采纳单位"},
        {"a-1", "@2025-07-01 10:00", "S01", "G001", "区商务委"}},
       {R"({"id":"a-1","type":"SuggestionAdopted","occurredAt":"2025-07-01T10:00:00+08:00","data":{"studio":"S01","suggestion":"G001","by":"区商务委"}})"}},
      {"rules",
       "StudioRuleAdopted",
       {{"编号", "发生时间", "工作室", "制度编号", "标题"},
        {"u-1", "@2025-07-02 09:00", "S01", "R01", "委员轮值接待制度"}},
       {R"({"id":"u-1","type":"StudioRuleAdopted","occurredAt":"2025-07-02T09:00:00+08:00","data":{"studio":"S01","rule":"R01","title":"委员轮值接待制度"}})"}},
      {"visits",
       "SupervisionVisited",
       {{"编号", "发生时间", "工作室", "督导编号", "督导人员", "情况记录"},
        {"v-1", "@2025-08-01 10:00", "S02", "V01", "赵六、钱七", "台账齐全，活动真实"}},
       {R"({"id":"v-1","type":"SupervisionVisited","occurredAt":"2025-08-01T10:00:00+08:00","data":{"studio":"S02","visit":"V01","inspectors":["赵六","钱七"],"notes":"台账齐全，活动真实"}})"}},
      {"findings",
       "FindingRaised",
       {{"编号", "发生时间", "工作室", "问题编号", "严重程度", "摘要", "整改期限"},
        {"f-1", "@2025-08-01 11:00", "S02", "F01", "中", "制度未上墙", "@2025-09-30 00:00"}},
       {R"({"id":"f-1","type":"FindingRaised","occurredAt":"2025-08-01T11:00:00+08:00","data":{"studio":"S02","finding":"F01","severity":"medium","summary":"制度未上墙","dueOn":"2025-09-30"}})"}},
      {"rectifications",
       "FindingRectified",
       {{"编号", "发生时间", "工作室", "问题编号", "摘要"},
        {"x-1", "@2025-09-15 10:00", "S02", "F01", "已上墙"}},
       {R"({"id":"x-1","type":"FindingRectified","occurredAt":"2025-09-15T10:00:00+08:00","data":{"studio":"S02","finding":"F01","summary":"已上墙"}})"}},
      {"leaves",
       "MemberLeftStudio",
       {{"编号", "发生时间", "工作室", "委员"}, {"l-1", "@2025-10-01 10:00", "S01", "李四"}},
       {R"({"id":"l-1","type":"MemberLeftStudio","occurredAt":"2025-10-01T10:00:00+08:00","data":{"studio":"S01","member":"M002"}})"}},
      {"statuses",
       "StudioStatusChanged",
       {{"编号", "发生时间", "工作室", "状态", "原因"},
        {"t-1", "@2025-11-01 10:00", "鱼洞街道工作室", "暂停", "督导发现问题未整改"}},
       {R"({"id":"t-1","type":"StudioStatusChanged","occurredAt":"2025-11-01T10:00:00+08:00","data":{"studio":"S02","status":"suspended","reason":"督导发现问题未整改"}})"}},
  };
}

std::string Head(const TempDir& dir) { return Wulian(dir.path(), "head").out; }

// A ledger with the scenario's registry (as JSON lines).
void InitWithRegistry(const TempDir& dir) {
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  std::vector<std::string> lines;
  for (const Sheet& s : Scenario()) {
    if (s.type == "ContactRecorded") break;
    lines.insert(lines.end(), s.lines.begin(), s.lines.end());
  }
  std::ofstream(dir.path() + "/registry.jsonl") << Lines(lines);
  ASSERT_EQ(Wulian(dir.path(), "import " + dir.path() + "/registry.jsonl").exit_code, 0);
}

// The export of the scenario imported as JSON lines, one file a sheet.
std::string ExportOfJsonLines() {
  TempDir dir;
  EXPECT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  for (const Sheet& s : Scenario()) {
    const std::string file = dir.path() + "/" + s.name + ".jsonl";
    std::ofstream(file) << Lines(s.lines);
    Output r = Wulian(dir.path(), "import " + file);
    EXPECT_EQ(r.exit_code, 0) << r.out;
  }
  return Wulian(dir.path(), "export").out;
}

Output ImportSheet(const TempDir& dir, const std::string& file, const std::string& type,
                   const std::string& more = "") {
  return Wulian(dir.path(), "import --sheet " + file + " --type " + type + more);
}

TEST(ImportSheetTest, XlsxRoundTripEqualsTheImportOfTheSameJsonLines) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  for (const Sheet& s : Scenario()) {
    const std::string file = dir.path() + "/" + s.name + ".xlsx";
    testing::WriteXlsx(file, s.rows);
    Output r = ImportSheet(dir, file, s.type);
    ASSERT_EQ(r.exit_code, 0) << s.name << ": " << r.out;
    EXPECT_NE(r.out.find("\"appended\":" + std::to_string(s.lines.size())), std::string::npos)
        << r.out;
  }
  const std::string exported = Wulian(dir.path(), "export").out;
  EXPECT_EQ(SplitLines(exported).size(), 22u);
  EXPECT_EQ(exported, ExportOfJsonLines());
  EXPECT_EQ(Wulian(dir.path(), "verify").exit_code, 0);
}

TEST(ImportSheetTest, Gb18030CsvRoundTripEqualsTheImportOfTheSameJsonLines) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  bool named = false;
  for (const Sheet& s : Scenario()) {
    const std::string utf8 = dir.path() + "/" + s.name + ".utf8.csv";
    const std::string file = dir.path() + "/" + s.name + ".csv";
    testing::WriteCsv(utf8, s.rows);
    testing::ToGb18030(utf8, file);
    // Detected for most sheets; named with --encoding for one.
    Output r = ImportSheet(dir, file, s.type, named ? "" : " --encoding gb18030");
    named = true;
    ASSERT_EQ(r.exit_code, 0) << s.name << ": " << r.out;
  }
  EXPECT_EQ(Wulian(dir.path(), "export").out, ExportOfJsonLines());
}

TEST(ImportSheetTest, Utf8CsvWithAByteOrderMarkImportsTheSameEvents) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  for (const Sheet& s : Scenario()) {
    const std::string file = dir.path() + "/" + s.name + ".csv";
    testing::WriteCsv(file, s.rows, /*bom=*/true);
    ASSERT_EQ(ImportSheet(dir, file, s.type).exit_code, 0) << s.name;
  }
  EXPECT_EQ(Wulian(dir.path(), "export").out, ExportOfJsonLines());
}

// Contacts without an 编号 column: ids derived from the rows.
SheetRows ContactsWithoutIds() {
  return {{"发生时间", "工作室", "委员", "方式", "联系人数", "主题"},
          {"@2025-03-01 09:30", "商贸物流工作室", "张三、李四", "走访", "#25", "停车难"},
          {"@2025-03-05 14:00", "S02", "王五", "电话", "#3", "垃圾分类"}};
}

TEST(ImportSheetTest, ReimportAppendsNothingAndAGrownSheetOnlyItsNewRows) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string file = dir.path() + "/contacts.xlsx";
  SheetRows rows = ContactsWithoutIds();
  testing::WriteXlsx(file, rows);
  Output r = ImportSheet(dir, file, "ContactRecorded");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"({"rows":2,"appended":2,"duplicates":0,"head":{"seq":10,)"),
            std::string::npos)
      << r.out;
  r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"({"rows":2,"appended":0,"duplicates":2,"head":{"seq":10,)"),
            std::string::npos)
      << r.out;
  rows.push_back({"@2025-03-09 10:00", "S01", "张三", "接待", "#7", "就业"});
  testing::WriteXlsx(file, rows);
  r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"({"rows":3,"appended":1,"duplicates":2,"head":{"seq":11,)"),
            std::string::npos)
      << r.out;
  // The same rows as a csv, with the columns in another order: the same ids.
  SheetRows reordered;
  for (auto row : rows) {
    std::swap(row[0], row[5]);
    reordered.push_back(row);
  }
  testing::WriteCsv(dir.path() + "/contacts.csv", reordered);
  r = ImportSheet(dir, dir.path() + "/contacts.csv", "ContactRecorded");
  EXPECT_NE(r.out.find(R"("appended":0,"duplicates":3)"), std::string::npos) << r.out;
  const std::string exported = Wulian(dir.path(), "export").out;
  EXPECT_EQ(SplitLines(exported).size(), 11u);
  EXPECT_NE(exported.find(R"("id":"sh-)"), std::string::npos);
}

TEST(ImportSheetTest, ARowEditedAfterItsImportIsRefusedAndNamesTheEventToCorrect) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string file = dir.path() + "/contacts.xlsx";
  SheetRows rows = ContactsWithoutIds();
  testing::WriteXlsx(file, rows);
  ASSERT_EQ(ImportSheet(dir, file, "ContactRecorded").exit_code, 0);
  const std::string head = Head(dir);
  rows[2][4] = "#30";  // 联系人数 of row 3 changed
  testing::WriteXlsx(file, rows);
  Output r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 2);
  auto out = SplitLines(r.out);
  ASSERT_EQ(out.size(), 1u) << r.out;
  EXPECT_NE(
      out[0].find(
          R"({"row":3,"code":"DUPLICATE_ID","message":"这一行像是导入后又改过：第 10 号事件)"),
      std::string::npos)
      << out[0];
  EXPECT_NE(out[0].find("EventCorrected"), std::string::npos);
  EXPECT_EQ(Head(dir), head);
  // Another sheet's activity of the same day and studio by another member is not an edit.
  const std::string other = dir.path() + "/other.xlsx";
  SheetRows another = {rows[0], rows[1]};
  another[1][2] = "张三";      // 委员: row 2 was 张三、李四
  another[1][5] = "另一件事";  // 主题
  testing::WriteXlsx(other, another);
  r = ImportSheet(dir, other, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

// Imports `rows` (as .xlsx, or .csv when `csv`) and expects exactly one refusal: at `row`,
// in `column`, with `code` and a message that contains `message`; and nothing appended.
void ExpectRefused(const std::string& type, const SheetRows& rows, uint64_t row,
                   const std::string& column, const std::string& code, const std::string& message,
                   bool csv = false) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string head = Head(dir);
  const std::string file = dir.path() + (csv ? "/sheet.csv" : "/sheet.xlsx");
  csv ? testing::WriteCsv(file, rows) : testing::WriteXlsx(file, rows);
  Output r = ImportSheet(dir, file, type);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  auto out = SplitLines(r.out);
  ASSERT_EQ(out.size(), 1u) << r.out;
  std::string expected = "{\"row\":" + std::to_string(row) + ",";
  if (!column.empty()) expected += "\"column\":\"" + column + "\",";
  expected += "\"code\":\"" + code + "\",\"message\":\"";
  EXPECT_EQ(out[0].rfind(expected, 0), 0u) << out[0];
  EXPECT_NE(out[0].find(message), std::string::npos) << out[0];
  EXPECT_EQ(Head(dir), head);
}

SheetRows Contacts(std::vector<std::string> header, std::vector<std::string> row) {
  SheetRows rows = ContactsWithoutIds();
  if (!header.empty()) rows[0] = header;
  if (!row.empty()) rows.push_back(row);
  return rows;
}

TEST(ImportSheetTest, AnUnknownHeaderIsRefusedAtRowOne) {
  ExpectRefused("ContactRecorded",
                Contacts({"发生时间", "工作室", "委员", "方式", "联系人数", "主题", "地点"}, {}), 1,
                "地点", "INVALID_EVENT", "未知的列名");
}

TEST(ImportSheetTest, AMissingRequiredColumnIsRefusedAtRowOne) {
  SheetRows rows = ContactsWithoutIds();
  for (auto& row : rows) row.pop_back();
  ExpectRefused("ContactRecorded", rows, 1, "主题", "INVALID_EVENT", "缺少必填的列");
}

TEST(ImportSheetTest, ABadDateIsRefused) {
  ExpectRefused("ContactRecorded",
                Contacts({}, {"2025-02-30 09:00", "S01", "张三", "走访", "1", "t"}), 4, "发生时间",
                "INVALID_EVENT", "不是有效的时间", /*csv=*/true);
}

TEST(ImportSheetTest, ABadNumberIsRefused) {
  ExpectRefused("ContactRecorded",
                Contacts({}, {"@2025-03-09 10:00", "S01", "张三", "走访", "二十", "t"}), 4,
                "联系人数", "INVALID_EVENT", "必须是非负整数");
}

TEST(ImportSheetTest, AnUnknownEnumNameIsRefused) {
  ExpectRefused(
      "ContactRecorded", Contacts({}, {"@2025-03-09 10:00", "S01", "张三", "飞鸽传书", "#1", "t"}),
      4, "方式", "INVALID_EVENT", "未知的方式“飞鸽传书”：可填 走访、接待、电话、网络、平台、活动");
}

TEST(ImportSheetTest, AnUnknownStudioIsRefusedByNameOrByTheLedger) {
  ExpectRefused("ContactRecorded",
                Contacts({}, {"@2025-03-09 10:00", "不存在的工作室", "张三", "走访", "#1", "t"}), 4,
                "工作室", "REFERENCE_ERROR", "未登记的工作室“不存在的工作室”");
  ExpectRefused("ContactRecorded",
                Contacts({}, {"@2025-03-09 10:00", "S77", "张三", "走访", "#1", "t"}), 4, "工作室",
                "REFERENCE_ERROR", "工作室 S77 未授牌");
}

TEST(ImportSheetTest, ANameSharedByTwoMembersIsRefusedNamingBothIds) {
  TempDir dir;
  InitWithRegistry(dir);
  ASSERT_EQ(Wulian(dir.path(), "append",
                   testing::Event(
                       "m-4", "MemberRegistered",
                       R"({"member":"M004","name":"张三","sector":"科技界","committees":["C1"]})") +
                       "\n")
                .exit_code,
            0);
  const std::string head = Head(dir);
  const std::string file = dir.path() + "/contacts.xlsx";
  testing::WriteXlsx(file, ContactsWithoutIds());
  Output r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out,
            "{\"row\":2,\"column\":\"委员\",\"code\":\"INVALID_EVENT\",\"message\":\"有 2 "
            "个委员都叫“张三”（M001、M004）：请填写编号\"}\n");
  EXPECT_EQ(Head(dir), head);
}

TEST(ImportSheetTest, AMemberOfAnotherStudioIsRefusedByTheLedgerWithRowAndColumn) {
  ExpectRefused("ContactRecorded",
                Contacts({}, {"@2025-03-09 10:00", "S01", "王五", "走访", "#1", "t"}), 4, "委员",
                "REFERENCE_ERROR", "委员 M003（王五）不是工作室 S01 的现任成员");
}

TEST(ImportSheetTest, AnIdUsedWithOtherContentIsADuplicateInTheIdColumn) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string head = Head(dir);
  const std::string file = dir.path() + "/contacts.xlsx";
  testing::WriteXlsx(file, {{"编号", "发生时间", "工作室", "委员", "方式", "联系人数", "主题"},
                            {"m-1", "@2025-03-01 09:30", "S01", "张三", "走访", "#25", "停车难"}});
  Output r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.out.rfind(
          R"({"row":2,"column":"编号","code":"DUPLICATE_ID","message":"编号 m-1 已被第 3 号事件用于不同的内容)",
          0),
      0u)
      << r.out;
  EXPECT_EQ(Head(dir), head);
}

TEST(ImportSheetTest, EveryRefusedRowIsListedAndNothingIsAppended) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string head = Head(dir);
  SheetRows rows = ContactsWithoutIds();
  rows.push_back({"@2025-03-09 10:00", "S01", "张三", "走访", "#-1", "t"});  // row 4
  rows.push_back({"@2025-03-09 11:00", "S01", "张三", "走访", "#1", "t"});   // fine
  rows.push_back({"@2025-03-09 12:00", "S02", "李四", "走访", "#1", "t"});   // row 6
  const std::string file = dir.path() + "/contacts.xlsx";
  testing::WriteXlsx(file, rows);
  Output r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 2);
  auto out = SplitLines(r.out);
  ASSERT_EQ(out.size(), 2u) << r.out;
  EXPECT_EQ(out[0],
            R"({"row":4,"column":"联系人数","code":"INVALID_EVENT","message":"必须是非负整数"})");
  EXPECT_EQ(out[1].rfind(R"({"row":6,"column":"委员","code":"REFERENCE_ERROR")", 0), 0u) << out[1];
  EXPECT_EQ(Head(dir), head);
}

TEST(ImportSheetTest, MergedCellsAreRefused) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string head = Head(dir);
  const std::string file = dir.path() + "/contacts.xlsx";
  lxw_workbook* book = workbook_new(file.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(book, nullptr);
  const SheetRows rows = ContactsWithoutIds();
  for (size_t c = 0; c < rows[0].size(); ++c) {
    worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), rows[0][c].c_str(), nullptr);
  }
  worksheet_write_string(sheet, 1, 0, "2025-03-01 09:30", nullptr);
  worksheet_merge_range(sheet, 1, 1, 2, 1, "S01", nullptr);  // 工作室 of rows 2 and 3
  ASSERT_EQ(workbook_close(book), LXW_NO_ERROR);
  Output r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      SplitLines(r.out).at(0).rfind(
          R"({"row":2,"column":"工作室","code":"INVALID_EVENT","message":"合并单元格 B2:B3)", 0),
      0u)
      << r.out;
  EXPECT_EQ(Head(dir), head);
}

TEST(ImportSheetTest, ASheetOfAHundredThousandRowsIsRefusedNamingTheFirstRowBeyondTheLimit) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string head = Head(dir);
  const std::string file = dir.path() + "/contacts.xlsx";
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* book = workbook_new_opt(file.c_str(), &options);
  lxw_worksheet* sheet = workbook_add_worksheet(book, nullptr);
  const SheetRows rows = ContactsWithoutIds();
  for (size_t c = 0; c < rows[0].size(); ++c) {
    worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), rows[0][c].c_str(), nullptr);
  }
  for (lxw_row_t r = 1; r <= 100'000; ++r) {
    worksheet_write_number(sheet, r, 0, 45717 + r / 1000.0, nullptr);
    worksheet_write_string(sheet, r, 1, "S01", nullptr);
    worksheet_write_string(sheet, r, 2, "张三", nullptr);
    worksheet_write_string(sheet, r, 3, "走访", nullptr);
    worksheet_write_number(sheet, r, 4, r, nullptr);
    worksheet_write_string(sheet, r, 5, "停车难", nullptr);
  }
  ASSERT_EQ(workbook_close(book), LXW_NO_ERROR);
  Output r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.out.rfind(R"({"row":50002,"code":"INVALID_EVENT","message":"工作表超过 50000 行数据的上限)",
                  0),
      0u)
      << r.out;
  EXPECT_EQ(Head(dir), head);
}

// A package whose refusal concerns the whole file: one line without row or column.
void ExpectFileRefused(const std::string& file, const std::string& message,
                       const std::string& flags = "") {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string head = Head(dir);
  Output r = ImportSheet(dir, file, "ContactRecorded", flags);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out.rfind(R"({"code":"INVALID_EVENT","message":")", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(message), std::string::npos) << r.out;
  EXPECT_EQ(SplitLines(r.out).size(), 1u);
  EXPECT_EQ(Head(dir), head);
}

TEST(ImportSheetTest, AZipBombIsRefused) {
  TempDir files;
  const std::string file = files.path() + "/bomb.xlsx";
  std::string huge = "<worksheet><sheetData>";
  huge.resize(200u << 20, ' ');
  testing::WriteRawXlsx(file, "", "", "",
                        {{"xl/worksheets/sheet1.xml", huge + "</sheetData></worksheet>"}});
  ExpectFileRefused(file, "xl/worksheets/sheet1.xml 解压后超过 64 MiB 的上限");
}

TEST(ImportSheetTest, AnXmlEntityExpansionIsRefused) {
  TempDir files;
  const std::string file = files.path() + "/lol.xlsx";
  std::string entities = R"(<!ENTITY a "aaaaaaaaaa">)";
  for (char c = 'b'; c <= 'j'; ++c) {
    entities += std::string("<!ENTITY ") + c + " \"" + std::string(10, '&') + "\">";
    std::string& e = entities;
    const std::string ref = std::string("&") + static_cast<char>(c - 1) + ";";
    size_t at = e.rfind(std::string(10, '&'));
    std::string refs;
    for (int i = 0; i < 10; ++i) refs += ref;
    e.replace(at, 10, refs);
  }
  testing::WriteRawXlsx(
      file, "", "", "",
      {{"xl/sharedStrings.xml",
        "<?xml version=\"1.0\"?><!DOCTYPE sst [" + entities + "]><sst><si><t>&j;</t></si></sst>"}});
  ExpectFileRefused(file, "xl/sharedStrings.xml 含有 DOCTYPE");
}

TEST(ImportSheetTest, AFileThatIsNotAZipIsRefused) {
  TempDir files;
  const std::string file = files.path() + "/contacts.xlsx";
  std::ofstream(file) << "this is not a workbook";
  ExpectFileRefused(file, "不是 .xlsx 文件");
}

TEST(ImportSheetTest, ACsvWithABadGb18030SequenceIsRefusedAtItsCell) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string head = Head(dir);
  const std::string utf8 = dir.path() + "/u.csv", file = dir.path() + "/contacts.csv";
  testing::WriteCsv(utf8, ContactsWithoutIds());
  testing::ToGb18030(utf8, file);
  std::ofstream(file, std::ios::app | std::ios::binary)
      << "2025-03-09 10:00,S01,\xD5\xC5\xC8\xFD,\xD7\xDF\xB7\xC3,1,\"\xCD\xA3\x81\x20\"\r\n";
  Output r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out,
            "{\"row\":4,\"column\":\"主题\",\"code\":\"INVALID_EVENT\",\"message\":\"含有无效的 "
            "GB18030 字节序列\"}\n");
  EXPECT_EQ(Head(dir), head);
}

TEST(ImportSheetTest, AFormulaWithoutACachedValueIsRefusedAtItsCell) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string head = Head(dir);
  const std::string file = dir.path() + "/contacts.xlsx";
  std::string header = R"(<row r="1">)";
  const char* headers[] = {"发生时间", "工作室", "委员", "方式", "联系人数", "主题"};
  for (const char* h : headers)
    header += std::string(R"(<c t="inlineStr"><is><t>)") + h + "</t></is></c>";
  header += "</row>";
  testing::WriteRawXlsx(
      file,
      "<sheetData>" + header +
          R"(<row r="2"><c r="A2"><v>45717.5</v></c><c r="B2" t="inlineStr"><is><t>S01</t></is></c>)"
          R"(<c r="C2" t="inlineStr"><is><t>张三</t></is></c><c r="D2" t="inlineStr"><is><t>走访</t></is></c>)"
          R"(<c r="E2"><f>SUM(X1:X9)</f></c><c r="F2" t="inlineStr"><is><t>停车难</t></is></c></row></sheetData>)");
  Output r = ImportSheet(dir, file, "ContactRecorded");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.out.rfind(
          R"({"row":2,"column":"联系人数","code":"INVALID_EVENT","message":"公式没有缓存的计算结果)",
          0),
      0u)
      << r.out;
  EXPECT_EQ(Head(dir), head);
}

TEST(ImportSheetTest, AnUnknownTypeOrEncodingIsAUsageError) {
  TempDir dir;
  InitWithRegistry(dir);
  const std::string file = dir.path() + "/contacts.csv";
  testing::WriteCsv(file, ContactsWithoutIds());
  EXPECT_EQ(ImportSheet(dir, file, "EventRetracted").exit_code, 2);
  EXPECT_EQ(ImportSheet(dir, file, "ContactRecorded", " --encoding latin1").exit_code, 2);
  EXPECT_EQ(Wulian(dir.path(), "import --sheet " + file).exit_code, 2);
}

}  // namespace
}  // namespace wulian
