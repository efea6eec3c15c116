// The report as an .xlsx workbook (SPEC §6.1), written with libxlsxwriter. Sheets, in order:
//   报告     the log head (seq, chain, Merkle root), the axis, the as-of time and the policy
//   概览     the overview: counts, studios by link type and by flag
//   专委会   one row a committee          工作室  one row a studio
//   委员     one row a member, a column of points per year
//   月度活动 one row per studio and month with activity
// Headers are Chinese, the header row is frozen, columns are as wide as their widest cell
// (CJK characters count double). Counts are numbers; instants and dates are date cells in
// +08:00 (the ledger's time), so a spreadsheet sorts and filters them as dates.
//
// Byte-stable: the workbook's creation time is the report's as-of time (libxlsxwriter
// stamps the zip entries with a fixed date), and nothing else depends on the clock.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/time.h"
#include "projections/xlsx_internal.h"

namespace wulian::projections {
namespace {

using namespace render_internal;

constexpr Label kStudioTotalLabels[] = {
    {"contacts", "联系群众", ""},       {"peopleReached", "覆盖人次", ""},
    {"consultations", "协商", ""},      {"casesOpened", "受理案件", ""},
    {"casesResolved", "化解案件", ""},  {"casesOpen", "在办案件", ""},
    {"suggestions", "提交建议", ""},    {"suggestionsAdopted", "建议被采纳", ""},
    {"rules", "工作制度", ""},          {"visits", "督导检查", ""},
    {"findingsOpen", "未整改问题", ""}, {"findingsRectified", "已整改问题", ""}};
static_assert(std::size(kStudioTotalLabels) == std::size(kStudioTotalNames));
constexpr Label kMemberTotalLabels[] = {{"contacts", "联系群众", ""},
                                        {"consultations", "协商", ""},
                                        {"cases", "案件", ""},
                                        {"suggestions", "建议", ""}};
static_assert(std::size(kMemberTotalLabels) == std::size(kMemberTotalNames));

void HeadSheet(const Report& r, Sheet& s) {
  s.Header({"项目", "值", "说明"});
  s.Text("日志头序号").Number(static_cast<double>(r.head.seq)).Text("report head: seq");
  s.NextRow();
  s.Text("链哈希").Text(r.head.chain).Text("chain");
  s.NextRow();
  s.Text("默克尔根").Text(r.head.root).Text("Merkle root");
  s.NextRow();
  s.Text("口径").Text(r.axis).Text(AxisMeaning(r.axis, true));
  s.NextRow();
  s.Text("截至").Instant(r.as_of).Text("as of, +08:00");
  s.NextRow();
  for (const auto& [key, value] : r.policy) {
    const Label* label = Find(kPolicyLabels, key);
    s.Text(std::string("策略：") + (label ? label->zh : key)).Number(static_cast<double>(value));
    s.Text(key + (label ? std::string(" — ") + label->en : ""));
    s.NextRow();
  }
  for (const auto& line : r.score_rules) {
    s.Text("积分细则").Text(line).Text("scoring rule");
    s.NextRow();
  }
}

void OverviewSheet(const Report& r, Sheet& s) {
  static constexpr Label kCounts[] = {{"events", "事件", ""},
                                      {"studios", "工作室", ""},
                                      {"members", "委员", ""},
                                      {"committees", "专委会", ""}};
  s.Header({"类别", "项目", "代码", "数量"});
  for (const Label& c : kCounts) {
    s.Text("总数").Text(c.zh).Text(c.key).Number(static_cast<double>(r.overview.counts.at(c.key)));
    s.NextRow();
  }
  for (const auto& [key, n] : r.overview.by_link_type) {
    s.Text("按联系类型").Text(Zh(kLinkTypeLabels, key)).Text(key).Number(static_cast<double>(n));
    s.NextRow();
  }
  for (const auto& [key, n] : r.overview.by_flag) {
    const FlagLabel* label = Find(kFlagLabels, key);
    s.Text("按标记").Text(label ? label->name : key).Text(key).Number(static_cast<double>(n));
    s.NextRow();
  }
}

void CommitteeSheet(const Report& r, Sheet& s) {
  std::vector<std::string> header = {"编号", "名称", "督导", "指导工作室", "委员数"};
  for (const Label& l : kStudioTotalLabels) header.push_back(l.zh);
  header.insert(header.end(), {"被标记工作室"});
  s.Header(header);
  for (const auto& c : r.committees) {
    s.Text(c.id).Text(c.name).Text(c.supervises ? "是" : "否").Text(Join(c.studios, " "));
    s.Number(static_cast<double>(c.members.size()));
    for (const Label& l : kStudioTotalLabels) {
      auto it = c.totals.find(l.key);
      it == c.totals.end() ? s.Skip() : s.Number(static_cast<double>(it->second));
    }
    s.Text(Join(c.flagged_studios, " "));
    s.NextRow();
  }
}

void StudioSheet(const Report& r, const Styles& styles, Sheet& s) {
  std::vector<std::string> header = {"编号",     "名称",   "联系类型",   "状态",
                                     "牵头委员", "专委会", "专委会编号", "党组织",
                                     "镇街",     "批次",   "授牌日期",   "委员"};
  for (const Label& l : kStudioTotalLabels) header.push_back(l.zh);
  header.insert(header.end(), {"最近活动", "化解天数中位数", "标记", "标记代码"});
  s.Header(header);
  for (const auto& st : r.studios) {
    auto committee = r.committee_names.find(st.committee);
    s.Text(st.id).Text(st.name).Text(Zh(kLinkTypeLabels, st.link_type));
    s.Text(Zh(kStatusLabels, st.status)).Text(st.lead_member);
    s.Text(committee == r.committee_names.end() ? st.committee : committee->second);
    s.Text(st.committee).Text(st.party_org).Text(st.town.value_or(""));
    st.batch > 0 ? s.Number(static_cast<double>(st.batch)) : s.Skip();
    s.Date(st.licensed_on).Text(Join(st.members, " "));
    for (const Label& l : kStudioTotalLabels) {
      auto it = st.totals.find(l.key);
      it == st.totals.end() ? s.Skip() : s.Number(static_cast<double>(it->second));
    }
    s.Instant(st.last_activity_at);
    st.median_days_to_resolve ? s.Number(*st.median_days_to_resolve, styles.decimal) : s.Skip();
    s.Text(FlagsZh(st.flags)).Text(Join(st.flags, " "));
    s.NextRow();
  }
}

void MemberSheet(const Report& r, Sheet& s) {
  std::vector<std::string> header = {"编号", "姓名", "界别", "专委会", "工作室"};
  for (const Label& l : kMemberTotalLabels) header.push_back(l.zh);
  header.push_back("最近活动");
  for (const auto& year : r.years) header.push_back(year + "年积分");
  s.Header(header);
  for (const auto& m : r.members) {
    std::vector<std::string> committees;
    for (const auto& id : m.committees) {
      auto it = r.committee_names.find(id);
      committees.push_back(it == r.committee_names.end() ? id : it->second);
    }
    s.Text(m.id)
        .Text(m.name)
        .Text(m.sector)
        .Text(Join(committees, "、"))
        .Text(Join(m.studios, " "));
    for (const char* key : kMemberTotalNames) s.Number(static_cast<double>(m.totals.at(key)));
    s.Instant(m.last_activity_at);
    for (const auto& year : r.years) {
      auto it = m.score.find(year);
      it == m.score.end() ? s.Skip() : s.Number(static_cast<double>(it->second));
    }
    s.NextRow();
  }
}

void MonthSheet(const Report& r, Sheet& s) {
  static constexpr Label kMonthLabels[] = {
      {"contacts", "联系群众", ""},      {"peopleReached", "覆盖人次", ""},
      {"consultations", "协商", ""},     {"casesOpened", "受理案件", ""},
      {"casesResolved", "化解案件", ""}, {"suggestions", "提交建议", ""}};
  static_assert(std::size(kMonthLabels) == std::size(kMonthTotalNames));
  std::vector<std::string> header = {"工作室编号", "工作室", "月份"};
  for (const Label& l : kMonthLabels) header.push_back(l.zh);
  s.Header(header);
  for (const auto& st : r.studios) {
    for (const auto& [month, counts] : st.by_month) {
      s.Text(st.id).Text(st.name).Date(month);
      for (const Label& l : kMonthLabels) s.Number(static_cast<double>(counts.at(l.key)));
      s.NextRow();
    }
  }
}

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::IOError("cannot read " + path);
  *out = std::move(bytes).str();
  if (out->size() > kXlsxBytesMax)
    return Status::InvalidArgument("xlsx: the workbook is too large");
  return Status::OK();
}

}  // namespace

namespace render_internal {

Status WriteWorkbook(const std::string& scratch_dir, int64_t created_micros,
                     const std::function<void(lxw_workbook*, const Styles&, Status*)>& sheets,
                     std::string* out) {
  std::error_code ignored;
  std::filesystem::remove_all(scratch_dir, ignored);
  std::filesystem::create_directories(scratch_dir, ignored);
  const std::string path = scratch_dir + "/workbook.xlsx";
  lxw_workbook_options options{};
  options.tmpdir = const_cast<char*>(scratch_dir.c_str());
  lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
  if (book == nullptr) return Status::IOError("xlsx: cannot create " + path);
  lxw_doc_properties properties{};
  properties.title = const_cast<char*>("五联委员工作室履职台账");
  properties.author = const_cast<char*>("wulian");
  properties.created = static_cast<time_t>(created_micros / kMicrosPerSecond);
  Status s;
  if (workbook_set_properties(book, &properties) != LXW_NO_ERROR)
    s = Status::IOError("xlsx: cannot set the properties");
  Styles styles{};
  styles.header = workbook_add_format(book);
  format_set_bold(styles.header);
  format_set_bg_color(styles.header, 0xF2F4F7);
  format_set_bottom(styles.header, LXW_BORDER_THIN);
  styles.date = workbook_add_format(book);
  format_set_num_format(styles.date, "yyyy-mm-dd");
  styles.date_time = workbook_add_format(book);
  format_set_num_format(styles.date_time, "yyyy-mm-dd hh:mm");
  styles.month = workbook_add_format(book);
  format_set_num_format(styles.month, "yyyy-mm");
  styles.decimal = workbook_add_format(book);
  format_set_num_format(styles.decimal, "0.0");
  if (s.ok()) sheets(book, styles, &s);
  const lxw_error closed = workbook_close(book);
  if (s.ok() && closed != LXW_NO_ERROR)
    s = Status::IOError(std::string("xlsx: ") + lxw_strerror(closed));
  if (s.ok()) s = ReadFile(path, out);
  std::filesystem::remove_all(scratch_dir, ignored);
  return s;
}

}  // namespace render_internal

Status RenderXlsx(const ReportModel& model, const std::string& scratch_dir, std::string* out) {
  const Report r(model);
  return WriteWorkbook(
      scratch_dir, model.as_of_micros,
      [&](lxw_workbook* book, const Styles& styles, Status* s) {
        {
          Sheet sheet(book, "报告", styles, s);
          HeadSheet(r, sheet);
        }
        {
          Sheet sheet(book, "概览", styles, s);
          OverviewSheet(r, sheet);
        }
        {
          Sheet sheet(book, "专委会", styles, s);
          CommitteeSheet(r, sheet);
        }
        {
          Sheet sheet(book, "工作室", styles, s);
          StudioSheet(r, styles, sheet);
        }
        {
          Sheet sheet(book, "委员", styles, s);
          MemberSheet(r, sheet);
        }
        {
          Sheet sheet(book, "月度活动", styles, s);
          MonthSheet(r, sheet);
        }
      },
      out);
}

}  // namespace wulian::projections
