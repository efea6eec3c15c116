// The periodic notice (notice.h): one occurred-axis replay at the period's end, read into
// the sections of the notice.
#include "projections/notice.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "base/assert.h"
#include "base/time.h"

namespace wulian::projections {
namespace {

constexpr int kPeriodYearMin = 2000;
constexpr int kPeriodYearMax = 9998;  // the next period's start must be a valid instant
constexpr const char* kQuarterZh[] = {"一", "二", "三", "四"};

std::optional<int> Digits(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 4) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

int64_t MonthStart(int year, int month) {
  return *ParseInstant(std::to_string(year) + "-" + Two(month) + "-01T00:00:00+08:00");
}

// The period of `kind` that starts with `month` of `year` and lasts `months` months.
Period Make(Period::Kind kind, int year, int number, int first_month, int months) {
  Period p;
  p.kind = kind;
  p.year = year;
  p.number = number;
  p.start = MonthStart(year, first_month);
  const int last = first_month + months - 1;  // ≤ 12
  p.end = last == 12 ? MonthStart(year + 1, 1) : MonthStart(year, last + 1);
  for (int m = first_month; m <= last; ++m) p.months.push_back(std::to_string(year) + "-" + Two(m));
  p.first_day = p.months.front() + "-01";
  const CivilDay end_day = LedgerDay(p.end - 1);
  p.last_day = p.months.back() + "-" + Two(end_day.day);
  const std::string y = std::to_string(year);
  switch (kind) {
    case Period::kYear:
      p.name = y;
      p.zh = y + "年";
      break;
    case Period::kQuarter:
      p.name = y + "-Q" + std::to_string(number);
      p.zh = y + "年第" + kQuarterZh[number - 1] + "季度";
      break;
    case Period::kMonth:
      p.name = y + "-" + Two(number);
      p.zh = y + "年" + std::to_string(number) + "月";
      break;
  }
  return p;
}

Period Of(Period::Kind kind, int year, int number) {
  switch (kind) {
    case Period::kQuarter:
      return Make(kind, year, number, 3 * number - 2, 3);
    case Period::kMonth:
      return Make(kind, year, number, number, 1);
    case Period::kYear:
      break;
  }
  return Make(Period::kYear, year, 0, 1, 12);
}

// Competition ranks (1, 1, 3, …) by activity, descending.
std::map<std::string, int> Ranks(const std::vector<std::pair<int64_t, std::string>>& activity) {
  auto sorted = activity;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::map<std::string, int> ranks;
  for (size_t i = 0; i < sorted.size(); ++i) {
    ranks[sorted[i].second] = i > 0 && sorted[i].first == sorted[i - 1].first
                                  ? ranks[sorted[i - 1].second]
                                  : static_cast<int>(i + 1);
  }
  return ranks;
}

// `recording` has every studio, in the order of the views.
void Rank(const std::vector<NoticeRecording>& recording, NoticeModel* n) {
  std::map<std::string, const NoticeRecording*> activity;
  for (const auto& r : recording) activity[r.studio] = &r;
  std::vector<std::pair<int64_t, std::string>> now, before;
  for (const auto& s : n->report.views.studios) {
    if (s.status == "revoked") continue;
    NoticeStudio& r = n->ranking.emplace_back();
    r.id = s.id;
    r.name = s.name;
    r.link_type = s.link_type;
    r.committee = s.committee;
    auto it = activity.find(s.id);
    LEDGER_ASSERT(it != activity.end(), "a studio of the views without its activity");
    r.activity = it->second->now.events;
    r.previous_activity = it->second->before.events;
    now.emplace_back(r.activity, r.id);
    // A studio licensed after the period before had no rank in it.
    if (s.licensed_on <= n->previous.last_day) before.emplace_back(r.previous_activity, r.id);
  }
  const auto ranks = Ranks(now), previous = Ranks(before);
  for (auto& r : n->ranking) {
    r.rank = ranks.at(r.id);
    auto it = previous.find(r.id);
    r.previous_rank = it == previous.end() ? 0 : it->second;
  }
  std::sort(n->ranking.begin(), n->ranking.end(), [](const auto& a, const auto& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.id < b.id;
  });
}

void Remind(NoticeModel* n) {
  const std::string year = std::to_string(n->period.year);
  for (const auto& m : n->report.views.members) {
    auto it = m.score.find(year);
    const int64_t points = it == m.score.end() ? 0 : it->second;
    if (points >= n->reminder_points_below) continue;
    n->reminder.push_back({m.id, m.name, m.sector, m.studios, points});
  }
  std::sort(n->reminder.begin(), n->reminder.end(), [](const auto& a, const auto& b) {
    return a.points != b.points ? a.points < b.points : a.id < b.id;
  });
}

}  // namespace

Status ParsePeriod(std::string_view text, Period* period) {
  auto bad = [&] {
    return Status::InvalidArgument("period: \"" + std::string(text) +
                                   "\" must be a year YYYY, a quarter YYYY-Q1…Q4 or a month "
                                   "YYYY-MM (years 2000–9998)");
  };
  auto year = Digits(text.substr(0, 4));
  if (text.size() < 4 || !year ||
      text.substr(0, 4).find_first_not_of("0123456789") != std::string_view::npos ||
      *year < kPeriodYearMin || *year > kPeriodYearMax) {
    return bad();
  }
  if (text.size() == 4) {
    *period = Of(Period::kYear, *year, 0);
    return Status::OK();
  }
  if (text.size() == 7 && text[4] == '-' && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4') {
    *period = Of(Period::kQuarter, *year, text[6] - '0');
    return Status::OK();
  }
  if (text.size() == 7 && text[4] == '-' && std::isdigit(static_cast<unsigned char>(text[5])) &&
      std::isdigit(static_cast<unsigned char>(text[6]))) {
    const int month = (text[5] - '0') * 10 + (text[6] - '0');
    if (month < 1 || month > 12) return bad();
    *period = Of(Period::kMonth, *year, month);
    return Status::OK();
  }
  return bad();
}

Period PreviousPeriod(const Period& p) {
  switch (p.kind) {
    case Period::kQuarter:
      return p.number == 1 ? Of(p.kind, p.year - 1, 4) : Of(p.kind, p.year, p.number - 1);
    case Period::kMonth:
      return p.number == 1 ? Of(p.kind, p.year - 1, 12) : Of(p.kind, p.year, p.number - 1);
    case Period::kYear:
      break;
  }
  return Of(Period::kYear, p.year - 1, 0);
}

int64_t ReminderPointsBelow(const Policy& policy) {
  const auto& g = policy.grades;
  return g.size() >= 2 ? g[g.size() - 2].min_points : kReminderPointsBelow;
}

Status BuildNotice(const Ledger& ledger, const Policy& policy, const NoticeOptions& o,
                   NoticeModel* n) {
  n->period = o.period;
  n->previous = PreviousPeriod(o.period);
  n->reminder_points_below = o.reminder_points_below.value_or(ReminderPointsBelow(policy));
  n->provisional = o.period.end - 1 > o.now_micros;
  if (o.now_micros < o.period.start) {
    return Status::InvalidArgument("period: " + o.period.name + " has not begun");
  }
  ReportOptions report;
  report.axis = Axis::kOccurred;
  report.as_of_micros = std::min(o.period.end - 1, o.now_micros);
  report.scratch_dir = o.scratch_dir;
  report.now_micros = o.now_micros;
  const int64_t t = report.as_of_micros;
  std::vector<NoticeRecording> recording;
  Status s = BuildModel(
      ledger, policy, report,
      [&](const Views& views) {
        Status read = views.Model(t, policy, &n->report.views);
        const auto now = views.Recording(o.period.start, o.period.end, policy);
        const auto before = views.Recording(n->previous.start, n->previous.end, policy);
        LEDGER_ASSERT(now.size() == before.size(), "two readings of one snapshot differ");
        for (size_t i = 0; i < now.size(); ++i) {
          recording.push_back({now[i].studio, "", now[i], before[i]});
        }
        n->overdue = views.OverdueFindings(t);
        return read;
      },
      &n->report);
  if (!s.ok()) return s;
  std::map<std::string, std::string> names;
  for (const auto& studio : n->report.views.studios) {
    names[studio.id] = studio.name;
    if (!studio.flags.empty()) n->flagged.push_back(studio);
  }
  Rank(recording, n);
  for (auto& r : recording) {
    if (r.now.events == 0 && r.before.events == 0) continue;
    r.name = names[r.studio];
    n->recording.push_back(std::move(r));
  }
  Remind(n);
  return Status::OK();
}

}  // namespace wulian::projections
