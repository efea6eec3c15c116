// What the renderings of the report share (render_md.cc, render_csv.cc, render_html.cc,
// render_xlsx.cc): the report with the lookups they derive from it, the words of each code
// (zh and en), and the cells of the studio and member tables. Internal to projections/.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "projections/report_model.h"

namespace wulian::projections::render_internal {

using Numbers = Counts;
using NumberList = CountList;
using Studio = StudioView;
using Committee = CommitteeView;
using Member = MemberView;

inline constexpr int kChartMonthsMax =
    240;                                    // beyond this the charts show only months with activity
inline constexpr const char kNull[] = "—";  // a null value in the text formats

inline constexpr const char* kOverviewCounts[] = {"events", "studios", "members", "committees"};
// A studio's (and a committee's) totals as printed, in order.
inline constexpr const char* kStudioCounts[] = {
    "contacts",      "peopleReached", "consultations", "casesOpened",
    "casesResolved", "casesOpen",     "suggestions",   "suggestionsAdopted",
    "rules",         "visits",        "findingsOpen"};
// The columns of a committee's studio table.
inline constexpr const char* kCommitteeCounts[] = {"contacts",    "peopleReached", "consultations",
                                                   "casesOpened", "casesOpen",     "suggestions",
                                                   "rules",       "findingsOpen"};
inline constexpr const char* kMemberCounts[] = {"contacts", "consultations", "cases",
                                                "suggestions"};

// The report as the renderings see it: the model, its axis and policy as text, and lookups.
struct Report {
  explicit Report(const ReportModel& m);
  const ReportHead& head;
  const std::string axis;
  const std::string& as_of;
  const NumberList policy;
  // The appraisal rules in Chinese (Policy::RuleLines) when the policy has any beyond the
  // weights (base points, caps, bonus, grades); empty for a policy of weights only, whose
  // table says it all.
  const std::vector<std::string> score_rules;
  const OverviewView& overview;
  const std::vector<Committee>& committees;
  const std::vector<Studio>& studios;
  const std::vector<Member>& members;
  // Derived from the above.
  std::map<std::string, size_t> studio_index;
  std::map<std::string, std::string> committee_names;
  std::vector<std::string> years;   // of the members' scores, sorted
  std::vector<std::string> months;  // of the charts, sorted
  int64_t month_peak = 0;           // the largest monthly activity of any studio
};

// "YYYY-MM" as a month number, or nullopt; and the inverse.
std::optional<int> MonthNumber(std::string_view s);
std::string MonthName(int number);
// contacts + consultations + cases opened + suggestions of a month.
int64_t MonthActivity(const Numbers& month);

struct Label {
  const char* key;
  const char* zh;
  const char* en;
};

constexpr Label kLinkTypeLabels[] = {
    {"industry", "行业联", "same trade"},
    {"interest", "兴趣联", "shared interest"},
    {"locality", "属地联", "same town or street"},
    {"professional", "专技学术联", "teachers, experts, scientists"},
    {"sector", "属性界别联", "same party or people's organisation"},
};

constexpr Label kStatusLabels[] = {
    {"active", "正常", "active"},
    {"suspended", "暂停", "suspended"},
    {"revoked", "已撤销", "revoked"},
};

// Flags: short name, then the meaning with {policyField} placeholders (zh, en).
struct FlagLabel {
  const char* key;
  const char* name;
  const char* zh;
  const char* en;
};

constexpr FlagLabel kFlagLabels[] = {
    {"INACTIVE", "无活动", "授牌超过{licensedDays}天，且近{inactiveWindowDays}天无任何活动",
     "licensed more than {licensedDays} days ago and no activity in the last "
     "{inactiveWindowDays} days"},
    {"LATE_RECORDING", "补录偏多",
     "近{lateWindowDays}天的活动（至少{lateMinEvents}条）中，"
     "超过{latePercent}%在发生{lateDelayDays}天后才录入",
     "of the activity in the last {lateWindowDays} days (at least {lateMinEvents} events), more "
     "than {latePercent}% was recorded more than {lateDelayDays} days after it happened"},
    {"NO_RULES", "无制度", "授牌超过{licensedDays}天，尚未建立工作制度",
     "licensed more than {licensedDays} days ago and no work rules adopted"},
    {"OVERDUE_CASES", "案件逾期", "有受理超过{overdueCaseDays}天仍未办结的案件",
     "a case opened more than {overdueCaseDays} days ago is still open"},
    {"OVERDUE_FINDINGS", "整改逾期", "督导发现的问题已过整改期限仍未整改",
     "a supervision finding is past its due date and not rectified"},
};

constexpr Label kPolicyLabels[] = {
    {"licensedDays", "授牌满（天）", "INACTIVE and NO_RULES apply to studios licensed longer"},
    {"inactiveWindowDays", "无活动窗口（天）", "INACTIVE: no activity within this window"},
    {"overdueCaseDays", "案件逾期（天）", "OVERDUE_CASES: a case open longer than this"},
    {"lateWindowDays", "补录统计窗口（天）", "LATE_RECORDING: the window looked at"},
    {"lateMinEvents", "补录最少活动数", "LATE_RECORDING: fewest events in the window"},
    {"latePercent", "补录比例（%）", "LATE_RECORDING: share recorded late, above"},
    {"lateDelayDays", "补录延迟（天）", "LATE_RECORDING: recorded later than this is late"},
    {"contactPoints", "联系群众", "points per contact"},
    {"consultationPoints", "协商", "points per consultation"},
    {"researchPoints", "调研", "points per research consultation"},
    {"suggestionPoints", "提交建议", "points per suggestion submitted"},
    {"caseResolvedPoints", "化解案件", "points per case resolved, to the members on the case"},
    {"suggestionAdoptedPoints", "建议被采纳", "points per suggestion adopted, to its authors"},
};

template <typename T, size_t N>
const T* Find(const T (&labels)[N], std::string_view key) {
  for (const T& label : labels) {
    if (key == label.key) return &label;
  }
  return nullptr;
}

std::string Num(int64_t v);
// A decimal with one digit after the point.
std::string Decimal(double v);
std::string Join(const std::vector<std::string>& items, std::string_view separator);
// `text` with each {policyField} replaced by its value in the report's policy.
std::string WithPolicy(std::string_view text, const NumberList& policy);
std::string AxisMeaning(std::string_view axis, bool zh);
// The flags of the legends: those the overview counts, then any other a studio carries.
NumberList LegendFlags(const Report& r);
// The header and the unescaped cells of the studio tables of Markdown and CSV.
std::vector<std::string> StudioHeader();
std::vector<std::string> StudioCells(const Studio& s, std::string_view list_separator,
                                     std::string_view null_text);
std::vector<std::string> MemberHeader(const Report& r);
std::vector<std::string> MemberCells(const Report& r, const Member& m,
                                     std::string_view list_separator, std::string_view null_text);
bool IsAsciiAlnum(char c);
// `s` as HTML text or attribute value.
std::string H(std::string_view s);
// `s` as the text of a Markdown table cell: characters Markdown would act on are escaped, line
// breaks become spaces.
std::string Md(std::string_view s);

}  // namespace wulian::projections::render_internal
