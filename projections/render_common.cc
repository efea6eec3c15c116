// What the renderings of the report share (render_internal.h).
#include <algorithm>

#include "documents/document.h"
#include "projections/render_internal.h"

namespace wulian::projections::render_internal {
namespace {

std::vector<std::string> ScoreRules(const Policy& p) {
  const bool weights_only =
      p.base_points == 0 && p.bonus_items.empty() && !p.bonus_cap && p.grades.empty() &&
      std::none_of(p.caps.begin(), p.caps.end(), [](const auto& cap) { return cap.has_value(); });
  return weights_only ? std::vector<std::string>{} : p.RuleLines();
}

}  // namespace

Report::Report(const ReportModel& m)
    : head(m.head),
      axis(AxisName(m.axis)),
      as_of(m.as_of),
      policy(PolicyFields(m.policy)),
      score_rules(ScoreRules(m.policy)),
      overview(m.views.overview),
      committees(m.views.committees),
      studios(m.views.studios),
      members(m.views.members) {
  for (size_t i = 0; i < studios.size(); ++i) studio_index.emplace(studios[i].id, i);
  for (const auto& c : committees) committee_names.emplace(c.id, c.name);
  std::set<std::string> year_set, month_set;
  for (const auto& m : members) {
    for (const auto& [year, points] : m.score) year_set.insert(year);
  }
  for (const auto& s : studios) {
    for (const auto& [month, counts] : s.by_month) {
      month_set.insert(month);
      month_peak = std::max(month_peak, MonthActivity(counts));
    }
  }
  years.assign(year_set.begin(), year_set.end());
  if (month_set.empty()) return;
  const int first = *MonthNumber(*month_set.begin()), last = *MonthNumber(*month_set.rbegin());
  if (last - first >= kChartMonthsMax) {
    months.assign(month_set.begin(), month_set.end());
    return;
  }
  for (int m = first; m <= last; ++m) months.push_back(MonthName(m));
}

// "YYYY-MM" as a month number, or nullopt.
std::optional<int> MonthNumber(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  if (month < 1 || month > 12) return std::nullopt;
  return year * 12 + month - 1;
}

// The inverse of MonthNumber.
std::string MonthName(int number) {
  const int year = number / 12, month = number % 12 + 1;
  const std::string y = std::to_string(year);
  return std::string(4 - y.size(), '0') + y + (month < 10 ? "-0" : "-") + std::to_string(month);
}

int64_t MonthActivity(const Numbers& month) {
  int64_t sum = 0;
  for (const char* key : kActivityNames) sum += month.at(key);
  return sum;
}

std::string Num(int64_t v) { return std::to_string(v); }

// A decimal with one digit after the point.
std::string Decimal(double v) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  return std::string(buf, result.ptr);
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// `text` with each {policyField} replaced by its value in the report's policy.
std::string WithPolicy(std::string_view text, const NumberList& policy) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find('{', i), close = text.find('}', open);
    if (open == std::string_view::npos || close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    const std::string_view key = text.substr(open + 1, close - open - 1);
    auto it =
        std::find_if(policy.begin(), policy.end(), [&](const auto& p) { return p.first == key; });
    out += it == policy.end() ? "?" : Num(it->second);
    i = close + 1;
  }
  out.append(text.substr(std::min(i, text.size())));
  return out;
}

std::string AxisMeaning(std::string_view axis, bool zh) {
  if (axis == "recorded") {
    return zh ? "按记录时间：截至该时刻账本中已记录的内容（此后录入的更正不计入）"
              : "what the ledger held at the as-of time (corrections recorded later not applied)";
  }
  if (axis == "occurred") {
    return zh ? "按发生时间：截至该时刻已发生的活动，按现在所知（含此后录入的更正）"
              : "what had happened by the as-of time, as known now (all corrections applied)";
  }
  return "";
}

// The flags of the legends: those the overview counts, then any other a studio carries.
NumberList LegendFlags(const Report& r) {
  NumberList flags = r.overview.by_flag;
  std::set<std::string> seen;
  for (const auto& [flag, count] : flags) seen.insert(flag);
  std::set<std::string> extra;
  for (const auto& s : r.studios) {
    for (const auto& flag : s.flags) {
      if (!seen.count(flag)) extra.insert(flag);
    }
  }
  for (const auto& flag : extra) flags.emplace_back(flag, -1);
  return flags;
}

// The header and the unescaped cells of the studio tables of Markdown and CSV.
std::vector<std::string> StudioHeader() {
  std::vector<std::string> header = {"id", "name", "linkType", "status", "committee"};
  header.insert(header.end(), std::begin(kStudioCounts), std::end(kStudioCounts));
  header.insert(header.end(), {"lastActivityAt", "medianDaysToResolve", "flags"});
  return header;
}

std::vector<std::string> StudioCells(const Studio& s, std::string_view list_separator,
                                     std::string_view null_text) {
  std::vector<std::string> cells = {s.id, s.name, s.link_type, s.status, s.committee};
  for (const char* key : kStudioCounts) cells.push_back(Num(s.totals.at(key)));
  cells.push_back(s.last_activity_at.value_or(std::string(null_text)));
  cells.push_back(s.median_days_to_resolve ? Decimal(*s.median_days_to_resolve)
                                           : std::string(null_text));
  cells.push_back(Join(s.flags, list_separator));
  return cells;
}

std::vector<std::string> MemberHeader(const Report& r) {
  std::vector<std::string> header = {"id", "name", "sector", "committees", "studios"};
  for (const char* key : kMemberCounts) header.push_back(key);
  header.push_back("lastActivityAt");
  for (const auto& year : r.years) header.push_back("score " + year);
  return header;
}

std::vector<std::string> MemberCells(const Report& r, const Member& m,
                                     std::string_view list_separator, std::string_view null_text) {
  std::vector<std::string> cells = {m.id, m.name, m.sector, Join(m.committees, list_separator),
                                    Join(m.studios, list_separator)};
  for (const char* key : kMemberCounts) cells.push_back(Num(m.totals.at(key)));
  cells.push_back(m.last_activity_at.value_or(std::string(null_text)));
  for (const auto& year : r.years) {
    auto it = m.score.find(year);
    cells.push_back(it == m.score.end() ? std::string(null_text) : Num(it->second));
  }
  return cells;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// `s` as HTML text or attribute value.
std::string H(std::string_view s) { return documents::EscapeHtml(s); }

// `s` as the text of a table cell: characters Markdown would act on are escaped, line
// breaks become spaces.
std::string Md(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '\\':
      case '|':
      case '`':
      case '*':
      case '[':
      case ']':
      case '<':
      case '>':
      case '&':
      case '~':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '_':  // emphasis never starts or ends inside a word: OVERDUE_CASES stays readable
        if (i == 0 || i + 1 == s.size() || !IsAsciiAlnum(s[i - 1]) || !IsAsciiAlnum(s[i + 1])) {
          out.push_back('\\');
        }
        out.push_back(c);
        break;
      case '\n':
      case '\r':
      case '\t':
        out.push_back(' ');
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\xEF\xBF\xBD";
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

}  // namespace wulian::projections::render_internal
