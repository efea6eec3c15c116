// The report as one self-contained HTML page (SPEC §6.1), in Chinese first with English
// beside it: head, axis, as-of and policy, a summary with the flags explained, each committee
// with its studios, every studio with a monthly chart, every member with yearly scores. A pure
// function of the model: no clock, no locale, so the same report gives the same bytes.
#include "projections/render_internal.h"

namespace wulian::projections {
namespace {

using namespace render_internal;

constexpr char kCss[] = R"css(
:root{--ink:#1f2933;--muted:#667085;--line:#dfe3e8;--head:#f2f4f7;--accent:#8b1e1e}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1240px;padding:20px 24px 28px;color:var(--ink);background:#fff;
font:13px/1.5 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
header{border-bottom:3px double var(--accent);padding-bottom:6px}
h1{margin:0 0 6px;font-size:22px;color:var(--accent)}
h2{margin:22px 0 8px;padding-bottom:2px;font-size:16px;color:var(--accent);border-bottom:1px solid var(--accent)}
h3{margin:14px 0 2px;font-size:14px}
.en{color:var(--muted);font-weight:normal;font-size:12px;margin-left:6px}
h1 .en{font-size:14px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:6px 0 8px}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0}
.hash{font:11px/1.4 "DejaVu Sans Mono",Consolas,Menlo,monospace;word-break:break-all}
.cols{display:flex;flex-wrap:wrap;gap:6px 32px;align-items:flex-start}
.cols>table{width:auto;min-width:240px}
caption{text-align:left;font-weight:600;padding:2px 0;white-space:nowrap}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:4px 0 10px}
.card{flex:1 1 110px;border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:4px;padding:5px 10px;background:#fafafa}
.card b{display:block;font-size:22px;font-variant-numeric:tabular-nums}
.card span{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:4px 0 8px;font-size:12px}
th,td{padding:3px 5px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
th{background:var(--head);font-weight:600;white-space:nowrap;vertical-align:bottom}
small{display:block;color:var(--muted);font-weight:normal;font-size:10px;line-height:1.25}
.k{color:var(--muted);font-size:10px;margin-left:6px}
table.fixed{table-layout:fixed}
table.fixed td{overflow-wrap:anywhere}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nw{white-space:nowrap}
tfoot td{font-weight:600;border-top:1px solid var(--ink);border-bottom:0}
tr.flagged td:first-child{box-shadow:inset 3px 0 0 #c2410c}
tr.revoked td{color:var(--muted)}
.flag,.st{display:inline-block;margin:1px 3px 1px 0;padding:0 6px;border:1px solid;border-radius:8px;font-size:11px;line-height:16px;white-space:nowrap}
.f-INACTIVE{color:#991b1b;background:#fee2e2;border-color:#f5a3a3}
.f-NO_RULES{color:#8a4b08;background:#fef3c7;border-color:#f3cd7a}
.f-OVERDUE_CASES{color:#9a3412;background:#ffedd5;border-color:#fbb583}
.f-OVERDUE_FINDINGS{color:#6b21a8;background:#f3e8ff;border-color:#d3b0fb}
.f-LATE_RECORDING{color:#075985;background:#e0f2fe;border-color:#8ec9f0}
.f-other{color:#374151;background:#f3f4f6;border-color:#c9ced6}
.st-active{color:#166534;background:#e7f8ec;border-color:#9fdcb2}
.st-suspended{color:#8a4b08;background:#fef3c7;border-color:#f3cd7a}
.st-revoked{color:#475467;background:#eaecf0;border-color:#b0b7c3}
ul.flagged{columns:2 380px;margin:4px 0;padding-left:18px}
ul.flagged li{break-inside:avoid;margin:2px 0}
.note{color:var(--muted);font-size:12px;margin:2px 0 6px}
svg.spark{display:block}
footer{margin-top:22px;border-top:1px solid var(--line);padding-top:6px;color:var(--muted);font-size:11px}
@page{size:A4 landscape;margin:10mm}
@media print{body{max-width:none;padding:0;font-size:9pt}table{font-size:7.5pt}th,td{padding:2px 3px}
small{font-size:6.5pt}h2{break-after:avoid}h3{break-after:avoid}tr,.card,li{break-inside:avoid}
thead{display:table-header-group}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)css";

std::string Badge(std::string_view flag) {
  const FlagLabel* label = Find(kFlagLabels, flag);
  if (!label) return "<span class=\"flag f-other\">" + H(flag) + "</span>";
  return "<span class=\"flag f-" + std::string(label->key) + "\" title=\"" + H(flag) + "\">" +
         label->name + "</span>";
}

std::string Badges(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& flag : flags) out += Badge(flag);
  return out;
}

std::string StatusBadge(std::string_view status) {
  const Label* label = Find(kStatusLabels, status);
  if (!label) return "<span class=\"st\">" + H(status) + "</span>";
  return "<span class=\"st st-" + std::string(label->key) + "\">" + label->zh + "</span>";
}

std::string LinkTypeName(std::string_view link_type) {
  const Label* label = Find(kLinkTypeLabels, link_type);
  return label ? label->zh : H(link_type);
}

std::string CommitteeName(const Report& r, const std::string& id) {
  auto it = r.committee_names.find(id);
  return H(it == r.committee_names.end() ? id : it->second);
}

// "2025-06-29T09:49:00+08:00" as "2025-06-29 09:49" (every time is printed in +08:00).
std::string ShortTime(const std::optional<std::string>& t) {
  if (!t) return kNull;
  if (t->size() == 25 && (*t)[10] == 'T' && t->ends_with("+08:00")) {
    return H(t->substr(0, 10)) + " " + H(t->substr(11, 5));
  }
  return H(*t);
}

std::string Th(std::string_view zh, std::string_view en, bool numeric = false) {
  return std::string(numeric ? "<th class=\"n\">" : "<th>") + std::string(zh) + "<small>" +
         std::string(en) + "</small></th>";
}

std::string Td(const std::string& html, bool numeric = false) {
  return (numeric ? "<td class=\"n\">" : "<td>") + html + "</td>";
}

std::string RowOpen(const Studio& s) {
  if (s.status == "revoked") return "<tr class=\"revoked\">";
  return s.flags.empty() ? "<tr>" : "<tr class=\"flagged\">";
}

void HtmlPolicy(const Report& r, bool points, std::string* out) {
  *out +=
      points
          ? "<table><caption>年度积分 <span class=\"en\">score weights, points</span></caption>\n"
          : "<table><caption>标记阈值 <span class=\"en\">flag thresholds</span></caption>\n";
  for (const auto& [key, value] : r.policy) {
    if (key.ends_with("Points") != points) continue;
    const Label* label = Find(kPolicyLabels, key);
    *out += "<tr>" +
            Td(std::string(label ? label->zh : "") + "<span class=\"k\">" + H(key) + "</span>") +
            Td(Num(value), true) + "</tr>\n";
  }
  *out += "</table>\n";
}

void HtmlHeader(const Report& r, std::string* out) {
  *out +=
      "<header>\n<h1>五联委员工作室履职台账 — 报告<span class=\"en\">Wulian Ledger "
      "report</span></h1>\n";
  *out += "<dl class=\"meta\">\n<dt>截至 <span class=\"en\">as of</span></dt><dd><b>" + H(r.as_of) +
          "</b></dd>\n";
  *out += "<dt>口径 <span class=\"en\">axis</span></dt><dd>" + H(r.axis);
  const std::string zh = AxisMeaning(r.axis, true);
  if (!zh.empty())
    *out += " — " + zh + "<span class=\"en\">" + AxisMeaning(r.axis, false) + "</span>";
  *out += "</dd>\n<dt>日志头 <span class=\"en\">log head</span></dt><dd>seq " + Num(r.head.seq) +
          "</dd>\n";
  *out += "<dt>链哈希 <span class=\"en\">chain</span></dt><dd class=\"hash\">" + H(r.head.chain) +
          "</dd>\n";
  *out += "<dt>默克尔根 <span class=\"en\">Merkle root</span></dt><dd class=\"hash\">" +
          H(r.head.root) + "</dd>\n";
  *out += "</dl>\n<div class=\"cols\">\n";
  HtmlPolicy(r, false, out);
  HtmlPolicy(r, true, out);
  if (!r.score_rules.empty()) {
    *out += "<table><caption>积分细则 <span class=\"en\">scoring rules</span></caption>\n";
    for (const auto& line : r.score_rules) *out += "<tr>" + Td(H(line)) + "</tr>\n";
    *out += "</table>\n";
  }
  *out +=
      "</div>\n<p class=\"note\">时间均为北京时间（+08:00）。本报告由账本日志重放生成，"
      "同一账本、同一参数生成的报告逐字节相同。<span class=\"en\">Times in +08:00. Replayed "
      "from the ledger log: the same ledger and arguments give identical bytes.</span></p>\n";
  *out += "</header>\n";
}

void HtmlCards(const Report& r, std::string* out) {
  static constexpr Label kCards[] = {{"events", "事件", "events"},
                                     {"studios", "工作室", "studios"},
                                     {"members", "委员", "members"},
                                     {"committees", "专委会", "committees"}};
  *out += "<div class=\"cards\">\n";
  for (const Label& card : kCards) {
    *out += "<div class=\"card\"><b>" + Num(r.overview.counts.at(card.key)) + "</b><span>" +
            card.zh + " " + card.en + "</span></div>\n";
  }
  const auto flagged = std::count_if(r.studios.begin(), r.studios.end(),
                                     [](const Studio& s) { return !s.flags.empty(); });
  *out += "<div class=\"card\"><b>" + Num(flagged) +
          "</b><span>被标记工作室 flagged studios</span></div>\n";
  *out += "</div>\n";
}

void HtmlLegend(const Report& r, std::string* out) {
  *out +=
      "<div class=\"cols\">\n<table><caption>按联系类型 <span class=\"en\">studios by link "
      "type</span></caption>\n";
  for (const auto& [key, n] : r.overview.by_link_type) {
    const Label* label = Find(kLinkTypeLabels, key);
    *out += "<tr>" +
            Td(LinkTypeName(key) + "<span class=\"k\">" + H(key) +
               (label ? std::string(" — ") + label->en : "") + "</span>") +
            Td(Num(n), true) + "</tr>\n";
  }
  *out +=
      "</table>\n<table><caption>标记说明 <span class=\"en\">flags: what they mean, and how many "
      "studios carry them</span></caption>\n";
  for (const auto& [key, n] : LegendFlags(r)) {
    const FlagLabel* label = Find(kFlagLabels, key);
    std::string meaning = label ? WithPolicy(label->zh, r.policy) + "<small>" + H(key) + ": " +
                                      H(WithPolicy(label->en, r.policy)) + "</small>"
                                : H(key);
    *out += "<tr>" + Td(Badge(key)) + Td(meaning) + Td(n < 0 ? kNull : Num(n), true) + "</tr>\n";
  }
  *out += "</table>\n</div>\n";
}

void HtmlFlagged(const Report& r, std::string* out) {
  *out += "<h3>需关注的工作室 <span class=\"en\">flagged studios</span></h3>\n";
  std::string items;
  for (const auto& s : r.studios) {
    if (s.flags.empty()) continue;
    items += "<li><b>" + H(s.id) + "</b> " + H(s.name) + " <span class=\"en\">" +
             CommitteeName(r, s.committee) + "</span> " + Badges(s.flags) + "</li>\n";
  }
  *out += items.empty() ? "<p class=\"note\">无被标记的工作室。No studio is flagged.</p>\n"
                        : "<ul class=\"flagged\">\n" + items + "</ul>\n";
}

void HtmlCommitteeTable(const Report& r, const Committee& c, std::string* out) {
  static constexpr Label kColumns[] = {{"contacts", "联系群众", "contacts"},
                                       {"peopleReached", "覆盖人次", "people"},
                                       {"consultations", "协商", "consult."},
                                       {"casesOpened", "受理", "cases"},
                                       {"casesOpen", "在办", "open"},
                                       {"suggestions", "建议", "sugg."},
                                       {"rules", "制度", "rules"},
                                       {"findingsOpen", "未整改", "findings"}};
  static_assert(std::size(kColumns) == std::size(kCommitteeCounts));
  *out +=
      "<table class=\"fixed\">\n<colgroup><col style=\"width:5%\"><col style=\"width:19%\">"
      "<col style=\"width:8%\"><col style=\"width:6%\">";
  for (size_t i = 0; i < std::size(kColumns); ++i) *out += "<col style=\"width:6.5%\">";
  *out += "<col style=\"width:10%\"></colgroup>\n<thead><tr>" + Th("编号", "id") +
          Th("工作室", "studio") + Th("类型", "link") + Th("状态", "status");
  for (const Label& column : kColumns) *out += Th(column.zh, column.en, true);
  *out += Th("标记", "flags") + "</tr></thead>\n<tbody>\n";
  for (const auto& id : c.studios) {
    auto it = r.studio_index.find(id);
    if (it == r.studio_index.end()) {
      *out += "<tr>" + Td(H(id)) + "<td colspan=\"" + Num(std::size(kColumns) + 4) +
              "\">不在报告中 not in the report</td></tr>\n";
      continue;
    }
    const Studio& s = r.studios[it->second];
    *out += RowOpen(s) + Td(H(s.id)) + Td(H(s.name)) + Td(LinkTypeName(s.link_type), false) +
            Td(StatusBadge(s.status));
    for (const Label& column : kColumns) *out += Td(Num(s.totals.at(column.key)), true);
    *out += Td(Badges(s.flags)) + "</tr>\n";
  }
  *out += "</tbody>\n<tfoot><tr><td colspan=\"4\">合计 total</td>";
  for (const Label& column : kColumns) *out += Td(Num(c.totals.at(column.key)), true);
  *out += "<td></td></tr></tfoot>\n</table>\n";
}

void HtmlCommittees(const Report& r, std::string* out) {
  *out +=
      "<section id=\"committees\">\n<h2>专委会 <span class=\"en\">committees and the studios they "
      "guide</span></h2>\n";
  for (const auto& c : r.committees) {
    *out += "<section class=\"committee\">\n<h3>" + H(c.name) + " <span class=\"en\">" + H(c.id) +
            (c.supervises ? " · 督导 supervises" : "") + "</span></h3>\n";
    *out += "<p class=\"note\">委员 members " + Num(std::ssize(c.members)) + " · 工作室 studios " +
            Num(std::ssize(c.studios)) + " · 被标记 flagged " + Num(std::ssize(c.flagged_studios)) +
            " · 未整改问题 findings open " + Num(c.findings_open) + "</p>\n";
    if (c.studios.empty()) {
      *out += "<p class=\"note\">无指导的工作室。Guides no studio.</p>\n";
    } else {
      HtmlCommitteeTable(r, c, out);
    }
    *out += "</section>\n";
  }
  *out += "</section>\n";
}

// The labels under a chart: the first and last month, then each January as its year,
// where they do not overlap. Each: x, anchor, text.
struct AxisLabel {
  int x;
  const char* anchor;
  std::string text;
};

std::vector<AxisLabel> ChartLabels(const std::vector<std::string>& months, int slot, int width) {
  constexpr int kCharWidth = 5, kGap = 4;
  std::vector<AxisLabel> wanted = {{0, "start", months.front()}};
  if (months.size() > 1) wanted.push_back({width, "end", months.back()});
  for (size_t i = 1; i + 1 < months.size(); ++i) {
    if (months[i].ends_with("-01")) {
      wanted.push_back({static_cast<int>(i) * slot + slot / 2, "middle", months[i].substr(0, 4)});
    }
  }
  std::vector<AxisLabel> kept;
  std::vector<std::pair<int, int>> spans;
  for (auto& label : wanted) {
    const int w = kCharWidth * static_cast<int>(label.text.size());
    const int left = label.anchor[0] == 's'   ? label.x
                     : label.anchor[0] == 'e' ? label.x - w
                                              : label.x - w / 2;
    bool overlaps = left < 0 || left + w > width;
    for (const auto& [a, b] : spans) overlaps |= left < b + kGap && a < left + w + kGap;
    if (overlaps && !kept.empty()) continue;
    spans.emplace_back(left, left + w);
    kept.push_back(std::move(label));
  }
  return kept;
}

// A bar per month of the report: contacts + consultations + cases opened + suggestions.
std::string Sparkline(const Report& r, const Studio& s) {
  constexpr int kPlot = 28, kBase = 30, kHeight = 40;
  const int n = static_cast<int>(r.months.size());
  const int slot = std::clamp(120 / std::max(n, 1), 3, 12);
  const int width = std::max(n * slot, 40);
  std::string title, bars, ticks;
  for (int i = 0; i < n; ++i) {
    auto it = s.by_month.find(r.months[i]);
    const int64_t v = it == s.by_month.end() ? 0 : MonthActivity(it->second);
    title += (i ? "; " : "") + r.months[i] + " " + Num(v);
    if (r.months[i].ends_with("-01") && i > 0) {
      ticks += "<line x1=\"" + Num(i * slot) + "\" y1=\"" + Num(kBase) + "\" x2=\"" +
               Num(i * slot) + "\" y2=\"" + Num(kBase + 3) + "\"/>";
    }
    if (v <= 0 || r.month_peak <= 0) continue;
    const int h =
        std::max(1, static_cast<int>(std::lround(static_cast<double>(v) * kPlot / r.month_peak)));
    bars += "<rect x=\"" + Num(i * slot) + "\" y=\"" + Num(kBase - h) + "\" width=\"" +
            Num(std::max(slot - 1, 1)) + "\" height=\"" + Num(h) + "\"/>";
  }
  std::string svg = "<svg class=\"spark\" width=\"" + Num(width) + "\" height=\"" + Num(kHeight) +
                    "\" viewBox=\"0 0 " + Num(width) + " " + Num(kHeight) +
                    "\" role=\"img\" aria-label=\"" + H(s.id) +
                    " 月度活动 monthly activity\"><title>" + H(s.id) + ": " + H(title) + "</title>";
  svg += "<g fill=\"#3b6ea5\">" + bars + "</g>";
  svg += "<g stroke=\"#98a2b3\" stroke-width=\"1\"><line x1=\"0\" y1=\"" + Num(kBase) +
         ".5\" x2=\"" + Num(width) + "\" y2=\"" + Num(kBase) + ".5\"/>" + ticks + "</g>";
  svg += "<g font-size=\"8\" fill=\"#667085\">";
  for (const auto& label : ChartLabels(r.months, slot, width)) {
    svg += "<text x=\"" + Num(label.x) + "\" y=\"39\" text-anchor=\"" + label.anchor + "\">" +
           H(label.text) + "</text>";
  }
  return svg + "</g></svg>";
}

void HtmlStudios(const Report& r, std::string* out) {
  static constexpr Label kColumns[] = {{"contacts", "联系群众", "contacts"},
                                       {"peopleReached", "覆盖人次", "people"},
                                       {"consultations", "协商", "consult."},
                                       {"casesOpened", "受理", "cases"},
                                       {"casesResolved", "化解", "resolved"},
                                       {"casesOpen", "在办", "open"},
                                       {"suggestions", "建议", "sugg."},
                                       {"suggestionsAdopted", "采纳", "adopted"},
                                       {"rules", "制度", "rules"},
                                       {"visits", "督导", "visits"},
                                       {"findingsOpen", "未整改", "findings"}};
  static_assert(std::size(kColumns) == std::size(kStudioCounts));
  *out += "<section id=\"studios\">\n<h2>工作室 <span class=\"en\">all studios</span></h2>\n";
  *out +=
      "<p class=\"note\">月度活动 = 联系群众 + 协商 + 受理案件 + "
      "提交建议，各工作室同一比例（最高 " +
      Num(r.month_peak) +
      " 件/月）。<span class=\"en\">Monthly activity = contacts + consultations + "
      "cases opened + suggestions, on one scale for all studios (peak " +
      Num(r.month_peak) + " a month). Median days to resolve rounded to one decimal.</span></p>\n";
  *out += "<table>\n<thead><tr>" + Th("编号", "id") + Th("工作室", "studio · link · committee");
  for (const Label& column : kColumns) *out += Th(column.zh, column.en, true);
  *out += Th("最近活动", "last activity") + Th("办结天数", "median days", true) +
          Th("标记", "flags") + Th("月度活动", "monthly activity") + "</tr></thead>\n<tbody>\n";
  for (const auto& s : r.studios) {
    // The status shows only when it is not the usual one.
    *out += RowOpen(s) + Td(H(s.id)) + "<td class=\"nw\">" + H(s.name) +
            (s.status == "active" ? "" : " " + StatusBadge(s.status)) + "<small>" +
            LinkTypeName(s.link_type) + " · " + CommitteeName(r, s.committee) + "</small></td>";
    for (const Label& column : kColumns) *out += Td(Num(s.totals.at(column.key)), true);
    *out += "<td class=\"nw\">" + ShortTime(s.last_activity_at) + "</td>" +
            Td(s.median_days_to_resolve ? Decimal(*s.median_days_to_resolve) : kNull, true) +
            Td(Badges(s.flags)) + Td(s.by_month.empty() ? kNull : Sparkline(r, s)) + "</tr>\n";
  }
  *out += "</tbody>\n</table>\n</section>\n";
}

void HtmlMembers(const Report& r, std::string* out) {
  *out +=
      "<section id=\"members\">\n<h2>委员 <span class=\"en\">members and yearly "
      "scores</span></h2>\n";
  *out += "<table>\n<thead><tr>" + Th("编号", "id") + Th("姓名", "name") + Th("界别", "sector") +
          Th("专委会", "committees") + Th("工作室", "studios") + Th("联系群众", "contacts", true) +
          Th("协商", "consult.", true) + Th("案件", "cases", true) + Th("建议", "sugg.", true) +
          Th("最近活动", "last activity");
  for (const auto& year : r.years) *out += Th(H(year) + " 积分", "score " + H(year), true);
  *out += "</tr></thead>\n<tbody>\n";
  for (const auto& m : r.members) {
    std::vector<std::string> committees;
    for (const auto& id : m.committees) committees.push_back(CommitteeName(r, id));
    std::vector<std::string> studios;
    for (const auto& id : m.studios) studios.push_back(H(id));
    *out += "<tr>" + Td(H(m.id)) + Td(H(m.name)) + Td(H(m.sector)) + Td(Join(committees, "、")) +
            Td(Join(studios, " "));
    for (const char* key : kMemberCounts) *out += Td(Num(m.totals.at(key)), true);
    *out += "<td class=\"nw\">" + ShortTime(m.last_activity_at) + "</td>";
    for (const auto& year : r.years) {
      auto it = m.score.find(year);
      *out += Td(it == m.score.end() ? kNull : Num(it->second), true);
    }
    *out += "</tr>\n";
  }
  *out += "</tbody>\n</table>\n</section>\n";
}

}  // namespace

Status RenderHtml(const ReportModel& model, std::string* out) {
  const Report r(model);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>五联委员工作室履职台账 — 报告（截至 " + H(r.as_of) + "）</title>\n";
  html += "<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n";
  HtmlHeader(r, &html);
  html += "<section id=\"summary\">\n<h2>概览 <span class=\"en\">summary</span></h2>\n";
  HtmlCards(r, &html);
  HtmlLegend(r, &html);
  HtmlFlagged(r, &html);
  html += "</section>\n";
  HtmlCommittees(r, &html);
  HtmlStudios(r, &html);
  HtmlMembers(r, &html);
  html += "<footer>日志头 log head seq " + Num(r.head.seq) + " · " + H(r.head.chain) +
          " · 截至 as of " + H(r.as_of) + " · " + H(r.axis) + "</footer>\n</body>\n</html>\n";
  *out = std::move(html);
  return Status::OK();
}

}  // namespace wulian::projections
