// The renderings of the periodic notice (notice.h): JSON, Markdown, one self-contained HTML
// page and an .xlsx workbook, each a pure function of the NoticeModel, in Chinese first. Each
// starts with the head the notice is anchored to, its axis and as-of time, the period and the
// one it is compared with, and the reminder threshold.
#include "base/time.h"
#include "documents/document.h"
#include "projections/json_writer.h"
#include "projections/notice.h"
#include "projections/xlsx_internal.h"

namespace wulian::projections {
namespace {

using namespace render_internal;

constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

std::string CommitteeName(const NoticeModel& n, const std::string& id) {
  for (const auto& c : n.report.views.committees) {
    if (c.id == id) return c.name;
  }
  return id;
}

std::string LinkZh(std::string_view key) {
  const Label* label = Find(kLinkTypeLabels, key);
  return label ? label->zh : std::string(key);
}

std::string FlagZh(std::string_view key) {
  const FlagLabel* label = Find(kFlagLabels, key);
  return label ? label->name : std::string(key);
}

std::string DayOf(int64_t micros) { return FormatInstant(micros).substr(0, 10); }

std::string Signed(int64_t v) { return (v > 0 ? "+" : "") + Num(v); }

// late / events as a percentage with one decimal, or "—".
std::string Rate(const StudioRecording& r) {
  return r.events == 0 ? kNull : Decimal(100.0 * r.late / r.events) + "%";
}

// Why a flag was raised, from its figures, in Chinese.
std::string Reason(const FlagFigures& f, const Policy& p) {
  switch (f.kind) {
    case FlagFigures::kInactive:
      return "近" + Num(p.inactive_window_days) + "天无活动" +
             (f.at ? "（最近活动 " + DayOf(*f.at) + "）" : "（从无活动记录）");
    case FlagFigures::kLateRecording:
      return "近" + Num(p.late_window_days) + "天活动" + Num(f.count) + "条，其中" + Num(f.late) +
             "条在发生" + Num(p.late_delay_days) + "天后才录入（" +
             Decimal(100.0 * f.late / std::max<int64_t>(f.count, 1)) + "%）";
    case FlagFigures::kNoRules:
      return "授牌于" + f.date + "，尚未建立工作制度";
    case FlagFigures::kOverdueCases:
      return Num(f.count) + "件案件受理超过" + Num(p.overdue_case_days) + "天仍未办结（最早受理 " +
             (f.at ? DayOf(*f.at) : std::string(kNull)) + "）";
    case FlagFigures::kOverdueFindings:
      return Num(f.count) + "个督导问题逾期未整改（最早期限 " + f.date + "）";
  }
  return "";
}

std::string Reasons(const StudioView& s, const Policy& p) {
  std::vector<std::string> out;
  for (const auto& f : s.figures) out.push_back(FlagZh(kFlagNames[f.kind]) + "：" + Reason(f, p));
  return Join(out, "；");
}

int64_t DaysOverdue(const NoticeModel& n, const OverdueFinding& f) {
  const int64_t today =
      (n.report.as_of_micros + kLedgerOffsetSeconds * kMicrosPerSecond) / kMicrosPerDay;
  return today - ParseDate(f.due_on).value_or(today);
}

std::string Threshold(const NoticeModel& n) {
  return Num(n.period.year) + "年积分（截至" +
         (n.provisional ? "本通报时刻" : std::string("期末")) + "）低于" +
         Num(n.reminder_points_below) + "分";
}

// The rows of each section as cells of text, shared by Markdown and HTML.
struct Table {
  std::vector<std::string> header;
  std::string align;  // 'l' or 'r' per column
  std::vector<std::vector<std::string>> rows;
};

Table RankingTable(const NoticeModel& n) {
  Table t{
      {"名次", "工作室", "名称", "联系类型", "专委会", "本期活动", "上期活动", "增减", "上期名次"},
      "rllllrrrr",
      {}};
  for (const auto& r : n.ranking) {
    t.rows.push_back({Num(r.rank), r.id, r.name, LinkZh(r.link_type), CommitteeName(n, r.committee),
                      Num(r.activity), Num(r.previous_activity),
                      Signed(r.activity - r.previous_activity),
                      r.previous_rank == 0 ? std::string(kNull) : Num(r.previous_rank)});
  }
  return t;
}

Table FlaggedTable(const NoticeModel& n) {
  Table t{{"工作室", "名称", "专委会", "标记", "原因"}, "lllll", {}};
  for (const auto& s : n.flagged) {
    std::vector<std::string> flags;
    for (const auto& f : s.flags) flags.push_back(FlagZh(f));
    t.rows.push_back({s.id, s.name, CommitteeName(n, s.committee), Join(flags, "、"),
                      Reasons(s, n.report.policy)});
  }
  return t;
}

Table OverdueTable(const NoticeModel& n) {
  Table t{{"工作室", "名称", "问题编号", "整改期限", "逾期天数"}, "llllr", {}};
  std::map<std::string, std::string> names;
  for (const auto& s : n.report.views.studios) names[s.id] = s.name;
  for (const auto& f : n.overdue) {
    t.rows.push_back({f.studio, names[f.studio], f.finding, f.due_on, Num(DaysOverdue(n, f))});
  }
  return t;
}

Table ReminderTable(const NoticeModel& n) {
  Table t{{"委员", "姓名", "界别", "工作室", Num(n.period.year) + "年积分"}, "llllr", {}};
  for (const auto& m : n.reminder) {
    t.rows.push_back({m.id, m.name, m.sector, Join(m.studios, " "), Num(m.points)});
  }
  return t;
}

Table RecordingTable(const NoticeModel& n) {
  Table t{
      {"工作室", "名称", "本期活动", "补录", "补录率", "上期活动", "上期补录率"}, "llrrrrr", {}};
  for (const auto& r : n.recording) {
    t.rows.push_back({r.studio, r.name, Num(r.now.events), Num(r.now.late), Rate(r.now),
                      Num(r.before.events), Rate(r.before)});
  }
  return t;
}

struct Section {
  const char* zh;
  const char* en;
  const char* note;
  Table (*table)(const NoticeModel&);
};

const Section kSections[] = {
    {"一、工作室活跃度排名", "studios ranked by activity",
     "活动 = "
     "期间内发生的履职活动条数（联系群众、协商、受理与办结案件、提交与采纳建议，按发生时间计）；已"
     "撤销的工作室不参加排名；活动相同者名次相同。",
     RankingTable},
    {"二、被标记的工作室", "flagged studios", "标记按期末计算。", FlaggedTable},
    {"三、逾期未整改问题", "overdue findings", "整改期限早于期末日期且未整改的督导问题。",
     OverdueTable},
    {"四、谈话提醒名单", "members for a reminder talk", nullptr, ReminderTable},
    {"五、补录情况", "late recording by studio", nullptr, RecordingTable},
};

std::string SectionNote(const Section& s, const NoticeModel& n) {
  if (s.table == ReminderTable) return "年度积分按现行积分规则计算：" + Threshold(n) + "的委员。";
  if (s.table == RecordingTable) {
    return "期间内发生的活动中，发生" + Num(n.report.policy.late_delay_days) +
           "天后才录入的条数与比例；只列本期或上期有活动的工作室。";
  }
  return s.note ? s.note : "";
}

std::vector<std::pair<std::string, std::string>> Preamble(const NoticeModel& n) {
  const ReportModel& r = n.report;
  return {
      {"期间", n.period.zh + "（" + n.period.first_day + " 至 " + n.period.last_day + "）" +
                   (n.provisional ? "，本期尚未结束，为阶段性通报" : "")},
      {"对比", n.previous.zh + "（" + n.previous.first_day + " 至 " + n.previous.last_day + "）"},
      {"截至", r.as_of},
      {"口径", std::string(AxisName(r.axis)) + " — " + AxisMeaning(AxisName(r.axis), true)},
      {"日志头", "seq " + Num(r.head.seq)},
      {"链哈希", r.head.chain},
      {"默克尔根", r.head.root},
      {"谈话提醒线", Threshold(n)}};
}

std::string Title(const NoticeModel& n) { return "五联委员工作室履职通报 — " + n.period.zh; }

// A column's share of the page: its widest cell (CJK counting double), within bounds, so
// that short codes stay narrow and reasons and names get the room.
constexpr double kPdfColumnWidthMin = 4, kPdfColumnWidthMax = 36;

documents::Table PdfTable(const Table& t) {
  documents::Table out;
  for (size_t i = 0; i < t.header.size(); ++i) {
    double widest = DisplayWidth(t.header[i]) + 2;
    for (const auto& row : t.rows) widest = std::max(widest, DisplayWidth(row[i]) + 2);
    out.columns.push_back({t.header[i], std::clamp(widest, kPdfColumnWidthMin, kPdfColumnWidthMax),
                           t.align[i] == 'r' ? documents::Align::kRight : documents::Align::kLeft});
  }
  out.rows = t.rows;
  return out;
}

}  // namespace

Status RenderNoticePdf(const NoticeModel& n, std::string* out) {
  documents::Document doc(Title(n));
  doc.KeyValues(Preamble(n));
  for (const Section& section : kSections) {
    doc.Heading(section.zh);
    const std::string note = SectionNote(section, n);
    if (!note.empty()) doc.Paragraph(note);
    const Table t = section.table(n);
    if (t.rows.empty()) {
      doc.Paragraph("（无）");
    } else {
      doc.AddTable(PdfTable(t));
    }
  }
  documents::PdfOptions options;
  // "2026-09-30T23:59:59.999+08:00" → "2026-09-30T23:59:59+08:00"
  const std::string& t = n.report.as_of;
  const size_t dot = t.find('.');
  options.date = dot == std::string::npos ? t : t.substr(0, dot) + t.substr(t.size() - 6);
  options.subject = "履职通报 " + n.period.name;
  return documents::RenderPdf(doc, options, out);
}

Status RenderNoticeJson(const NoticeModel& n, std::string* out) {
  const ReportModel& r = n.report;
  JsonWriter w;
  w.BeginObject().Key("head").BeginObject().Key("seq").Int(r.head.seq);
  w.Key("chain").String(r.head.chain).Key("root").String(r.head.root).EndObject();
  w.Key("axis").String(AxisName(r.axis)).Key("asOf").String(r.as_of);
  w.Key("period").String(n.period.name).Key("previous").String(n.previous.name);
  w.Key("provisional").Bool(n.provisional).Key("reminderPointsBelow").Int(n.reminder_points_below);
  w.Key("policy").Raw(r.policy.ToJson()).Key("ranking").BeginArray();
  for (const auto& s : n.ranking) {
    w.BeginObject().Key("rank").Int(s.rank).Key("id").String(s.id).Key("name").String(s.name);
    w.Key("linkType").String(s.link_type).Key("committee").String(s.committee);
    w.Key("activity").Int(s.activity).Key("previousActivity").Int(s.previous_activity);
    w.Key("previousRank");
    s.previous_rank == 0 ? w.Null() : w.Int(s.previous_rank);
    w.EndObject();
  }
  w.EndArray().Key("flagged").BeginArray();
  for (const auto& s : n.flagged) {
    w.BeginObject().Key("id").String(s.id).Key("flags").BeginArray();
    for (const auto& f : s.flags) w.String(f);
    w.EndArray().Key("reasons").String(Reasons(s, r.policy)).EndObject();
  }
  w.EndArray().Key("overdue").BeginArray();
  for (const auto& f : n.overdue) {
    w.BeginObject().Key("studio").String(f.studio).Key("finding").String(f.finding);
    w.Key("dueOn").String(f.due_on).Key("daysOverdue").Int(DaysOverdue(n, f)).EndObject();
  }
  w.EndArray().Key("reminder").BeginArray();
  for (const auto& m : n.reminder) {
    w.BeginObject().Key("id").String(m.id).Key("name").String(m.name);
    w.Key("points").Int(m.points).EndObject();
  }
  w.EndArray().Key("recording").BeginArray();
  for (const auto& x : n.recording) {
    w.BeginObject().Key("studio").String(x.studio).Key("events").Int(x.now.events);
    w.Key("late").Int(x.now.late).Key("previousEvents").Int(x.before.events);
    w.Key("previousLate").Int(x.before.late).EndObject();
  }
  w.EndArray().EndObject();
  *out = w.str() + "\n";
  return Status::OK();
}

Status RenderNoticeMarkdown(const NoticeModel& n, std::string* out) {
  std::string md = "# " + Md(Title(n)) + "\n\n";
  for (const auto& [key, value] : Preamble(n)) md += "- **" + key + "：** " + Md(value) + "\n";
  md += "\n时间均为北京时间（+08:00）。同一账本、同一参数生成的通报逐字节相同。\n";
  for (const Section& s : kSections) {
    md += "\n## " + std::string(s.zh) + " / " + s.en + "\n\n" + Md(SectionNote(s, n)) + "\n\n";
    const Table t = s.table(n);
    if (t.rows.empty()) {
      md += "无。\n";
      continue;
    }
    auto row = [&](const std::vector<std::string>& cells) {
      md += "|";
      for (const auto& c : cells) md += " " + Md(c) + " |";
      md += "\n";
    };
    row(t.header);
    md += "|";
    for (char a : t.align) md += a == 'r' ? "---:|" : "---|";
    md += "\n";
    for (const auto& cells : t.rows) row(cells);
  }
  *out = std::move(md);
  return Status::OK();
}

Status RenderNoticeHtml(const NoticeModel& n, std::string* out) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      H(Title(n)) +
      "</title>\n<style>body{margin:0 auto;max-width:1100px;padding:20px;color:#1f2933;"
      "font:13px/1.5 \"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif}h1,h2{color:#8b1e1e}"
      "h2{border-bottom:1px solid #8b1e1e;font-size:16px}table{border-collapse:collapse;width:100%}"
      "th,td{padding:3px 6px;border-bottom:1px solid #dfe3e8;text-align:left}th{background:#f2f4f7}"
      ".n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#667085}.hash{font:11px "
      "monospace;word-break:break-all}@page{size:A4;margin:12mm}</style>\n</head>\n<body>\n<h1>" +
      H(Title(n)) + "</h1>\n<dl>\n";
  for (const auto& [key, value] : Preamble(n)) {
    html += "<dt>" + H(key) + "</dt><dd" + (value.size() == 64 ? " class=\"hash\"" : "") + ">" +
            H(value) + "</dd>\n";
  }
  html +=
      "</dl>\n<p "
      "class=\"note\">时间均为北京时间（+08:00）。同一账本、同一参数生成的通报逐字节相同。</p>\n";
  for (const Section& s : kSections) {
    html += "<section>\n<h2>" + std::string(s.zh) + "</h2>\n<p class=\"note\">" +
            H(SectionNote(s, n)) + "</p>\n";
    const Table t = s.table(n);
    if (t.rows.empty()) {
      html += "<p>无。</p>\n</section>\n";
      continue;
    }
    html += "<table>\n<thead><tr>";
    for (size_t i = 0; i < t.header.size(); ++i) {
      html += (t.align[i] == 'r' ? "<th class=\"n\">" : "<th>") + H(t.header[i]) + "</th>";
    }
    html += "</tr></thead>\n<tbody>\n";
    for (const auto& cells : t.rows) {
      html += "<tr>";
      for (size_t i = 0; i < cells.size(); ++i) {
        html += (t.align[i] == 'r' ? "<td class=\"n\">" : "<td>") + H(cells[i]) + "</td>";
      }
      html += "</tr>\n";
    }
    html += "</tbody>\n</table>\n</section>\n";
  }
  html += "</body>\n</html>\n";
  *out = std::move(html);
  return Status::OK();
}

Status RenderNoticeXlsx(const NoticeModel& n, const std::string& scratch_dir, std::string* out) {
  static constexpr const char* kSheetNames[] = {"排名", "标记", "逾期问题", "谈话提醒", "补录"};
  static_assert(std::size(kSheetNames) == std::size(kSections));
  return WriteWorkbook(
      scratch_dir, n.report.as_of_micros,
      [&](lxw_workbook* book, const Styles& styles, Status* status) {
        {
          Sheet sheet(book, "通报", styles, status);
          sheet.Header({"项目", "值"});
          for (const auto& [key, value] : Preamble(n)) {
            if (key == "截至") {
              sheet.Text(key).Instant(value);
            } else if (key == "日志头") {
              sheet.Text(key).Number(static_cast<double>(n.report.head.seq));
            } else {
              sheet.Text(key).Text(value);
            }
            sheet.NextRow();
          }
          for (const auto& [key, value] : PolicyFields(n.report.policy)) {
            const Label* label = Find(kPolicyLabels, key);
            sheet.Text(std::string("策略：") + (label ? label->zh : key));
            sheet.Number(static_cast<double>(value));
            sheet.NextRow();
          }
        }
        for (size_t i = 0; i < std::size(kSections); ++i) {
          Sheet sheet(book, kSheetNames[i], styles, status);
          const Table t = kSections[i].table(n);
          sheet.Header(t.header);
          for (const auto& cells : t.rows) {
            for (size_t c = 0; c < cells.size(); ++c) {
              const std::string& v = cells[c];
              const bool number = t.align[c] == 'r' && !v.empty() &&
                                  v.find_first_not_of("+-0123456789") == std::string::npos;
              if (number) {
                sheet.Number(std::stod(v));
              } else if (t.header[c] == "整改期限") {
                sheet.Date(v);
              } else {
                sheet.Text(v);
              }
            }
            sheet.NextRow();
          }
        }
      },
      out);
}

Status RenderNotice(const NoticeModel& notice, std::string_view format,
                    const std::string& scratch_dir, std::string* out) {
  if (format == "md") return RenderNoticeMarkdown(notice, out);
  if (format == "html") return RenderNoticeHtml(notice, out);
  if (format == "json") return RenderNoticeJson(notice, out);
  if (format == "pdf") return RenderNoticePdf(notice, out);
  if (format == "xlsx") return RenderNoticeXlsx(notice, scratch_dir, out);
  return Status::InvalidArgument("format: md, html, json, pdf or xlsx");
}

}  // namespace wulian::projections
