// Renderings of the JSON report (SPEC §5, §6.1): Markdown, CSV (RFC 4180) and one
// self-contained HTML page.
//
// The report is decoded with Cap'n Proto's JSON codec into the plain structs below, which
// checks every field the renderings print; input that is not JSON, or lacks such a field,
// is an InvalidArgument. The renderings are pure functions of those structs: no clock, no
// locale, no hash-map order, so the same report always gives the same bytes. Each starts
// with the log head the report was computed from, its axis and as-of time, and its policy.
#include <capnp/compat/json.h>
#include <capnp/message.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/codec.h"
#include "projections/report.h"

namespace wulian::projections {
namespace {

// ---------------------------------------------------------------------------------------
// The report, as the renderings see it.

using JsonValue = capnp::json::Value;
using JsonReader = JsonValue::Reader;
using Numbers = std::map<std::string, int64_t>;                   // by key
using NumberList = std::vector<std::pair<std::string, int64_t>>;  // in the report's order
using Keys = std::span<const char* const>;

constexpr int kJsonDepth = 16;        // the report nests 5 deep
constexpr int kChartMonthsMax = 240;  // beyond this the charts show only months with activity
constexpr const char kNull[] = "—";   // a null value in the text formats

constexpr const char* kOverviewCounts[] = {"events", "studios", "members", "committees"};
// A studio's (and a committee's) totals as printed, in order.
constexpr const char* kStudioCounts[] = {"contacts",    "peopleReached",      "consultations",
                                         "casesOpened", "casesResolved",      "casesOpen",
                                         "suggestions", "suggestionsAdopted", "rules",
                                         "visits",      "findingsOpen"};
// The columns of a committee's studio table.
constexpr const char* kCommitteeCounts[] = {"contacts",    "peopleReached", "consultations",
                                            "casesOpened", "casesOpen",     "suggestions",
                                            "rules",       "findingsOpen"};
constexpr const char* kMonthCounts[] = {"contacts",    "peopleReached", "consultations",
                                        "casesOpened", "casesResolved", "suggestions"};
// Summed into the bar of a month in the HTML charts.
constexpr const char* kMonthActivity[] = {"contacts", "consultations", "casesOpened",
                                          "suggestions"};
constexpr const char* kMemberCounts[] = {"contacts", "consultations", "cases", "suggestions"};

struct Head {
  int64_t seq = 0;
  std::string chain, root;
};

struct Overview {
  Numbers counts;  // kOverviewCounts
  NumberList by_link_type, by_flag;
};

struct Studio {
  std::string id, name, link_type, status, committee;
  Numbers totals;  // kStudioCounts
  std::optional<std::string> last_activity_at;
  std::optional<double> median_days_to_resolve;
  std::map<std::string, Numbers> by_month;  // "YYYY-MM" → kMonthCounts
  std::vector<std::string> flags;
};

struct Committee {
  std::string id, name;
  bool supervises = false;
  std::vector<std::string> studios, members, flagged_studios;
  Numbers totals;  // kStudioCounts
  int64_t findings_open = 0;
};

struct Member {
  std::string id, name, sector;
  std::vector<std::string> committees, studios;
  Numbers totals;  // kMemberCounts
  std::optional<std::string> last_activity_at;
  Numbers score;  // "YYYY" → points
};

struct Report {
  Head head;
  std::string axis, as_of;
  NumberList policy;
  Overview overview;
  std::vector<Committee> committees;
  std::vector<Studio> studios;
  std::vector<Member> members;
  // Derived from the above.
  std::map<std::string, size_t> studio_index;
  std::map<std::string, std::string> committee_names;
  std::vector<std::string> years;   // of the members' scores, sorted
  std::vector<std::string> months;  // of the charts, sorted
  int64_t month_peak = 0;           // the largest monthly activity of any studio
};

// ---------------------------------------------------------------------------------------
// Decoding.

void Fail(Status* status, const std::string& path, std::string_view what) {
  if (status->ok()) {
    *status = Status::InvalidArgument("report: " + path + " must be " + std::string(what));
  }
}

std::optional<std::string> AsString(JsonReader v) {
  if (!v.isString()) return std::nullopt;
  auto text = v.getString();
  std::string s(text.cStr(), text.size());
  if (!IsValidUtf8(s)) return std::nullopt;
  return s;
}

std::optional<int64_t> AsInt(JsonReader v) {
  if (!v.isNumber()) return std::nullopt;
  const double d = v.getNumber();
  if (!std::isfinite(d) || d != std::trunc(d) ||
      std::fabs(d) > static_cast<double>(kJsonIntegerMax)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

// An object of integers, in its order.
NumberList IntObject(JsonReader v, const std::string& path, Status* status) {
  NumberList out;
  if (!v.isObject()) {
    Fail(status, path, "an object of integers");
    return out;
  }
  for (auto field : v.getObject()) {
    const std::string key(field.getName().cStr(), field.getName().size());
    auto n = AsInt(field.getValue());
    if (!IsValidUtf8(key) || !n) {
      Fail(status, path + "." + key, "an integer");
      return out;
    }
    out.emplace_back(key, *n);
  }
  return out;
}

// The integers of an object by key, checking that `required` are all there.
Numbers Counts(JsonReader v, const std::string& path, Keys required, Status* status) {
  NumberList list = IntObject(v, path, status);
  Numbers out(list.begin(), list.end());
  for (const char* key : required) {
    if (!out.count(key)) Fail(status, path + "." + key, "an integer");
  }
  return out;
}

// The fields of one JSON object. The first problem is kept in *status; after one, the
// getters return empty values.
class Fields {
 public:
  Fields(JsonReader value, std::string path, Status* status)
      : path_(std::move(path)), status_(status) {
    if (value.isObject()) {
      object_ = value.getObject();
    } else {
      Fail(status_, path_, "an object");
    }
  }

  std::string Path(std::string_view name) const { return path_ + "." + std::string(name); }

  // The value of `name`; absent fails.
  std::optional<JsonReader> Value(std::string_view name) {
    for (auto field : object_) {
      if (std::string_view(field.getName().cStr(), field.getName().size()) == name) {
        return field.getValue();
      }
    }
    Fail(status_, Path(name), "present");
    return std::nullopt;
  }
  std::string String(std::string_view name) {
    auto v = Value(name);
    auto s = v ? AsString(*v) : std::nullopt;
    if (v && !s) Fail(status_, Path(name), "a string of valid UTF-8");
    return s.value_or("");
  }
  std::optional<std::string> NullableString(std::string_view name) {
    auto v = Value(name);
    if (!v || v->isNull()) return std::nullopt;
    auto s = AsString(*v);
    if (!s) Fail(status_, Path(name), "a string or null");
    return s;
  }
  int64_t Int(std::string_view name) {
    auto v = Value(name);
    auto n = v ? AsInt(*v) : std::nullopt;
    if (v && !n) Fail(status_, Path(name), "an integer");
    return n.value_or(0);
  }
  bool Bool(std::string_view name) {
    auto v = Value(name);
    if (v && !v->isBoolean()) Fail(status_, Path(name), "true or false");
    return v && v->isBoolean() && v->getBoolean();
  }
  std::optional<double> NullableNumber(std::string_view name) {
    auto v = Value(name);
    if (!v || v->isNull()) return std::nullopt;
    if (!v->isNumber() || !std::isfinite(v->getNumber())) {
      Fail(status_, Path(name), "a number or null");
      return std::nullopt;
    }
    return v->getNumber();
  }
  std::vector<JsonReader> Array(std::string_view name) {
    auto v = Value(name);
    if (v && !v->isArray()) Fail(status_, Path(name), "an array");
    if (!v || !v->isArray()) return {};
    std::vector<JsonReader> items;
    for (JsonReader item : v->getArray()) items.push_back(item);
    return items;
  }
  std::vector<std::string> Strings(std::string_view name) {
    std::vector<std::string> out;
    for (JsonReader item : Array(name)) {
      auto s = AsString(item);
      if (!s) Fail(status_, Path(name), "an array of strings");
      out.push_back(s.value_or(""));
    }
    return out;
  }
  NumberList IntList(std::string_view name) {
    auto v = Value(name);
    return v ? IntObject(*v, Path(name), status_) : NumberList();
  }
  Numbers CountsOf(std::string_view name, Keys required) {
    auto v = Value(name);
    return v ? Counts(*v, Path(name), required, status_) : Numbers();
  }

 private:
  std::string path_;
  Status* status_;
  capnp::List<JsonValue::Field>::Reader object_;
};

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

Studio ParseStudio(JsonReader v, const std::string& path, Status* status) {
  Fields f(v, path, status);
  Studio s;
  s.id = f.String("id");
  s.name = f.String("name");
  s.link_type = f.String("linkType");
  s.status = f.String("status");
  s.committee = f.String("committee");
  s.totals = f.CountsOf("totals", kStudioCounts);
  s.last_activity_at = f.NullableString("lastActivityAt");
  s.median_days_to_resolve = f.NullableNumber("medianDaysToResolve");
  s.flags = f.Strings("flags");
  auto months = f.Value("byMonth");
  if (months && !months->isObject()) Fail(status, f.Path("byMonth"), "an object");
  if (!months || !months->isObject()) return s;
  for (auto field : months->getObject()) {
    const std::string month(field.getName().cStr(), field.getName().size());
    const std::string where = f.Path("byMonth") + "." + month;
    if (!MonthNumber(month)) Fail(status, where, "a month YYYY-MM");
    s.by_month[month] = Counts(field.getValue(), where, kMonthCounts, status);
  }
  return s;
}

Committee ParseCommittee(JsonReader v, const std::string& path, Status* status) {
  Fields f(v, path, status);
  Committee c;
  c.id = f.String("id");
  c.name = f.String("name");
  c.supervises = f.Bool("supervises");
  c.studios = f.Strings("studios");
  c.members = f.Strings("members");
  c.totals = f.CountsOf("totals", kStudioCounts);
  c.findings_open = f.Int("findingsOpen");
  c.flagged_studios = f.Strings("flaggedStudios");
  return c;
}

Member ParseMember(JsonReader v, const std::string& path, Status* status) {
  Fields f(v, path, status);
  Member m;
  m.id = f.String("id");
  m.name = f.String("name");
  m.sector = f.String("sector");
  m.committees = f.Strings("committees");
  m.studios = f.Strings("studios");
  m.totals = f.CountsOf("totals", kMemberCounts);
  m.last_activity_at = f.NullableString("lastActivityAt");
  m.score = f.CountsOf("score", {});
  return m;
}

void ParseHeadAndOverview(Fields& f, Report* r, Status* status) {
  if (auto head = f.Value("head")) {
    Fields h(*head, f.Path("head"), status);
    r->head.seq = h.Int("seq");
    r->head.chain = h.String("chain");
    r->head.root = h.String("root");
  }
  r->axis = f.String("axis");
  r->as_of = f.String("asOf");
  r->policy = f.IntList("policy");
  if (auto overview = f.Value("overview")) {
    Fields o(*overview, f.Path("overview"), status);
    for (const char* key : kOverviewCounts) r->overview.counts[key] = o.Int(key);
    r->overview.by_link_type = o.IntList("byLinkType");
    r->overview.by_flag = o.IntList("byFlag");
  }
}

int64_t MonthActivity(const Numbers& month) {
  int64_t sum = 0;
  for (const char* key : kMonthActivity) sum += month.at(key);
  return sum;
}

// The index, names, years and months the renderings look up.
void Derive(Report* r) {
  for (size_t i = 0; i < r->studios.size(); ++i) r->studio_index.emplace(r->studios[i].id, i);
  for (const auto& c : r->committees) r->committee_names.emplace(c.id, c.name);
  std::set<std::string> years, months;
  for (const auto& m : r->members) {
    for (const auto& [year, points] : m.score) years.insert(year);
  }
  for (const auto& s : r->studios) {
    for (const auto& [month, counts] : s.by_month) {
      months.insert(month);
      r->month_peak = std::max(r->month_peak, MonthActivity(counts));
    }
  }
  r->years.assign(years.begin(), years.end());
  if (months.empty()) return;
  const int first = *MonthNumber(*months.begin()), last = *MonthNumber(*months.rbegin());
  if (last - first >= kChartMonthsMax) {
    r->months.assign(months.begin(), months.end());
    return;
  }
  for (int m = first; m <= last; ++m) r->months.push_back(MonthName(m));
}

Status Parse(const std::string& json, Report* r) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<JsonValue>();
  Status parsed = ParseStrictJson(json, kJsonDepth, root);
  if (!parsed.ok()) return Status::InvalidArgument("report: " + parsed.message());
  Status status;
  Fields f(root.asReader(), "report", &status);
  ParseHeadAndOverview(f, r, &status);
  auto committees = f.Array("committees");
  for (size_t i = 0; i < committees.size(); ++i) {
    r->committees.push_back(ParseCommittee(
        committees[i], f.Path("committees") + "[" + std::to_string(i) + "]", &status));
  }
  auto studios = f.Array("studios");
  for (size_t i = 0; i < studios.size(); ++i) {
    r->studios.push_back(
        ParseStudio(studios[i], f.Path("studios") + "[" + std::to_string(i) + "]", &status));
  }
  auto members = f.Array("members");
  for (size_t i = 0; i < members.size(); ++i) {
    r->members.push_back(
        ParseMember(members[i], f.Path("members") + "[" + std::to_string(i) + "]", &status));
  }
  if (!status.ok()) return status;
  Derive(r);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------
// Words and numbers shared by the formats.

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

// ---------------------------------------------------------------------------------------
// Markdown.

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

// A row of cells already in Markdown.
void MdRawRow(const std::vector<std::string>& cells, std::string* out) {
  *out += "|";
  for (const auto& cell : cells) *out += " " + cell + " |";
  *out += "\n";
}

void MdRow(std::vector<std::string> cells, std::string* out) {
  for (auto& cell : cells) cell = Md(cell);
  MdRawRow(cells, out);
}

// A header row and its alignment row; `align` has 'l' or 'r' per column.
void MdHeader(const std::vector<std::string>& cells, std::string_view align, std::string* out) {
  MdRow(cells, out);
  *out += "|";
  for (size_t i = 0; i < cells.size(); ++i) {
    *out += i < align.size() && align[i] == 'r' ? "---:|" : "---|";
  }
  *out += "\n";
}

void MdPreamble(const Report& r, std::string* out) {
  *out += "# 五联委员工作室履职台账 — 报告 / Wulian Ledger report\n\n";
  *out += "- **Log head:** seq " + Num(r.head.seq) + "\n";
  *out += "- **Chain:** " + Md(r.head.chain) + "\n";
  *out += "- **Merkle root:** " + Md(r.head.root) + "\n";
  *out += "- **Axis:** " + Md(r.axis);
  const std::string meaning = AxisMeaning(r.axis, false);
  if (!meaning.empty()) *out += " — " + meaning;
  *out += "\n- **As of:** " + Md(r.as_of) + "\n\n";
  *out += "Times are in +08:00; medianDaysToResolve is rounded to one decimal.\n\n";
  *out += "## Policy\n\n";
  MdHeader({"setting", "value", "meaning"}, "lrl", out);
  for (const auto& [key, value] : r.policy) {
    const Label* label = Find(kPolicyLabels, key);
    MdRow({key, Num(value), label ? label->en : ""}, out);
  }
  *out += "\n";
}

void MdOverview(const Report& r, std::string* out) {
  *out += "## Overview\n\n";
  std::vector<std::string> header, row;
  for (const char* key : kOverviewCounts) {
    header.push_back(key);
    row.push_back(Num(r.overview.counts.at(key)));
  }
  MdHeader(header, "rrrr", out);
  MdRow(row, out);
  *out += "\n### Studios by link type\n\n";
  MdHeader({"linkType", "类型", "studios"}, "llr", out);
  for (const auto& [key, n] : r.overview.by_link_type) {
    const Label* label = Find(kLinkTypeLabels, key);
    MdRow({key, label ? label->zh : "", Num(n)}, out);
  }
  *out += "\n### Studios by flag\n\n";
  MdHeader({"flag", "studios", "meaning"}, "lrl", out);
  for (const auto& [key, n] : LegendFlags(r)) {
    const FlagLabel* label = Find(kFlagLabels, key);
    MdRow({key, n < 0 ? kNull : Num(n), label ? WithPolicy(label->en, r.policy) : ""}, out);
  }
  *out += "\n";
}

void MdCommittee(const Report& r, const Committee& c, std::string* out) {
  *out += "### " + Md(c.name) + " (" + Md(c.id) + ")\n\n";
  *out += "Supervises: " + std::string(c.supervises ? "yes" : "no") +
          " · Members: " + Num(static_cast<int64_t>(c.members.size())) +
          " · Studios: " + Num(static_cast<int64_t>(c.studios.size())) + " · Flagged: " +
          (c.flagged_studios.empty() ? "none" : Md(Join(c.flagged_studios, ", "))) +
          " · Findings open: " + Num(c.findings_open) + "\n\n";
  if (c.studios.empty()) {
    *out += "No studios.\n\n";
    return;
  }
  std::vector<std::string> header = {"id", "name", "status"};
  header.insert(header.end(), std::begin(kCommitteeCounts), std::end(kCommitteeCounts));
  header.push_back("flags");
  MdHeader(header, "lll" + std::string(std::size(kCommitteeCounts), 'r') + "l", out);
  for (const auto& id : c.studios) {
    auto it = r.studio_index.find(id);
    std::vector<std::string> row = {id};
    if (it == r.studio_index.end()) {
      row.resize(header.size(), kNull);
    } else {
      const Studio& s = r.studios[it->second];
      row.insert(row.end(), {s.name, s.status});
      for (const char* key : kCommitteeCounts) row.push_back(Num(s.totals.at(key)));
      row.push_back(Join(s.flags, ", "));
    }
    MdRow(row, out);
  }
  std::vector<std::string> total = {"**Total**", "", ""};
  for (const char* key : kCommitteeCounts) total.push_back("**" + Num(c.totals.at(key)) + "**");
  total.push_back("");
  MdRawRow(total, out);
  *out += "\n";
}

void MdTables(const Report& r, std::string* out) {
  *out += "## Committees\n\n";
  for (const auto& c : r.committees) MdCommittee(r, c, out);
  *out += "## Studios\n\n";
  MdHeader(StudioHeader(), "lllll" + std::string(std::size(kStudioCounts), 'r') + "lrl", out);
  for (const auto& s : r.studios) MdRow(StudioCells(s, ", ", kNull), out);
  *out += "\n## Members\n\n";
  const std::vector<std::string> header = MemberHeader(r);
  MdHeader(
      header,
      "lllll" + std::string(std::size(kMemberCounts), 'r') + "l" + std::string(r.years.size(), 'r'),
      out);
  for (const auto& m : r.members) MdRow(MemberCells(r, m, ", ", kNull), out);
}

// ---------------------------------------------------------------------------------------
// CSV (RFC 4180).

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void CsvRow(const std::vector<std::string>& cells, std::string* out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out->push_back(',');
    *out += CsvField(cells[i]);
  }
  *out += "\r\n";
}

void CsvHeadAndOverview(const Report& r, std::string* out) {
  CsvRow({"key", "value"}, out);
  CsvRow({"head.seq", Num(r.head.seq)}, out);
  CsvRow({"head.chain", r.head.chain}, out);
  CsvRow({"head.root", r.head.root}, out);
  CsvRow({"axis", r.axis}, out);
  CsvRow({"asOf", r.as_of}, out);
  for (const auto& [key, value] : r.policy) CsvRow({"policy." + key, Num(value)}, out);
  *out += "\r\n";
  CsvRow({"metric", "value"}, out);
  for (const char* key : kOverviewCounts) CsvRow({key, Num(r.overview.counts.at(key))}, out);
  for (const auto& [key, n] : r.overview.by_link_type) CsvRow({"byLinkType." + key, Num(n)}, out);
  for (const auto& [key, n] : r.overview.by_flag) CsvRow({"byFlag." + key, Num(n)}, out);
}

void CsvTables(const Report& r, std::string* out) {
  *out += "\r\n";
  CsvRow(StudioHeader(), out);
  for (const auto& s : r.studios) CsvRow(StudioCells(s, ";", ""), out);
  *out += "\r\n";
  std::vector<std::string> header = {"studio", "month"};
  header.insert(header.end(), std::begin(kMonthCounts), std::end(kMonthCounts));
  CsvRow(header, out);
  for (const auto& s : r.studios) {
    for (const auto& [month, counts] : s.by_month) {
      std::vector<std::string> row = {s.id, month};
      for (const char* key : kMonthCounts) row.push_back(Num(counts.at(key)));
      CsvRow(row, out);
    }
  }
  *out += "\r\n";
  CsvRow(MemberHeader(r), out);
  for (const auto& m : r.members) CsvRow(MemberCells(r, m, ";", ""), out);
}

// ---------------------------------------------------------------------------------------
// HTML.

// `s` as HTML text or attribute value.
std::string H(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
            c == 0x7f) {
          out += "\xEF\xBF\xBD";
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

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

Status RenderMarkdown(const std::string& report_json, std::string* out) {
  Report r;
  Status s = Parse(report_json, &r);
  if (!s.ok()) return s;
  std::string md;
  MdPreamble(r, &md);
  MdOverview(r, &md);
  MdTables(r, &md);
  *out = std::move(md);
  return Status::OK();
}

Status RenderCsv(const std::string& report_json, std::string* out) {
  Report r;
  Status s = Parse(report_json, &r);
  if (!s.ok()) return s;
  std::string csv;
  CsvHeadAndOverview(r, &csv);
  CsvTables(r, &csv);
  *out = std::move(csv);
  return Status::OK();
}

Status RenderHtml(const std::string& report_json, std::string* out) {
  Report r;
  Status s = Parse(report_json, &r);
  if (!s.ok()) return s;
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
