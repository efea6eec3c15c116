// The periodic notice (履职通报): how the studios did in a quarter, a month or a year, as
// compared with the period before (Q3 with Q2, November with October, 2026 with 2025).
//
// Sections (docs/views.md, "The notice"):
//   ranking     studios not revoked, by activity in the period (the live activity events of
//               SPEC §5 — contacts, consultations, cases opened and closed, suggestions
//               submitted and adopted — with occurredAt in the period), with the change from
//               the period before and the rank they had then; equal activity, equal rank;
//   flagged     studios with flags at the period's end, with the figures that raised them;
//   overdue     findings past their dueOn and not rectified at the period's end;
//   reminder    members whose score in the period's year, as of its end, is below the reminder
//               threshold (the list for a reminder talk, 谈话提醒);
//   recording   each studio's activity in the period and how much of it was recorded more
//               than the policy's lateDelayDays after it occurred, with the period before.
//
// Axis: occurred, as known now, at T = the period's last microsecond (or the ledger clock if
// the period has not ended: the notice is then marked provisional). The notice judges what
// happened in the period: backfilled records and corrections made later belong to it (a
// recorded-axis cut at the period's end would hide exactly the late recording the notice
// reports). It is anchored to the ledger's head: the same ledger and arguments give the same
// bytes, and the head it prints lets a reader rebuild it. Periods are in +08:00.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/store.h"
#include "projections/report.h"
#include "projections/report_model.h"
#include "projections/views.h"

namespace wulian::projections {

// The reminder threshold without grade bands: a member whose year's score so far is below
// this many points is listed for a reminder talk. One yearly target of the default policy's
// weights: about one contact a month (12 points) falls short of it only with no consultation
// or suggestion.
inline constexpr int64_t kReminderPointsBelow = 10;
// The largest reminder threshold one may ask for (--below, &below=).
inline constexpr uint64_t kReminderPointsBelowMax = 1'000'000'000;

// The reminder threshold of `policy`: with two or more grade bands, the minimum of the
// lowest band above the last (a score in the last band, e.g. 不称职 < 60, is the reminder
// list); else kReminderPointsBelow.
int64_t ReminderPointsBelow(const Policy& policy);

struct Period {
  enum Kind { kYear, kQuarter, kMonth };
  Kind kind = kYear;
  int year = 0;
  int number = 0;                   // quarter 1–4 or month 1–12; 0 for a year
  int64_t start = 0;                // first microsecond, 00:00 +08:00
  int64_t end = 0;                  // the next period's start
  std::string name;                 // "2026-Q3", "2026-11", "2026"
  std::string zh;                   // "2026年第三季度", "2026年11月", "2026年"
  std::string first_day, last_day;  // YYYY-MM-DD
  std::vector<std::string> months;  // "YYYY-MM" of the period
};

// Parses "YYYY-Qn", "YYYY-MM" or "YYYY" (years 2000–9998); InvalidArgument otherwise.
Status ParsePeriod(std::string_view text, Period* period);
// The period of the same kind just before.
Period PreviousPeriod(const Period& period);

struct NoticeOptions {
  Period period;
  // Members below this many points in the period's year are listed for a reminder talk;
  // unset: ReminderPointsBelow(policy).
  std::optional<int64_t> reminder_points_below;
  // A directory the replay may create and remove.
  std::string scratch_dir;
  // The ledger clock: a period not ended by then is cut at it (a provisional notice).
  int64_t now_micros = std::numeric_limits<int64_t>::max();
};

struct NoticeStudio {
  std::string id, name, link_type, committee;
  int64_t activity = 0, previous_activity = 0;
  int rank = 0;           // 1 = most active; equal activity, equal rank
  int previous_rank = 0;  // in the period before; 0: not ranked then (licensed after it)
};

struct NoticeMember {
  std::string id, name, sector;
  std::vector<std::string> studios;
  int64_t points = 0;  // in the period's year, as of T
};

struct NoticeRecording {
  std::string studio, name;
  StudioRecording now, before;  // in the period, in the period before
};

struct NoticeModel {
  ReportModel report;  // head, axis (occurred), T, policy and the views at T
  Period period, previous;
  bool provisional = false;  // the period had not ended at the ledger clock
  int64_t reminder_points_below = kReminderPointsBelow;
  std::vector<NoticeStudio> ranking;  // by rank, then ID
  std::vector<StudioView> flagged;    // studios with flags at T, by ID
  std::vector<OverdueFinding> overdue;
  std::vector<NoticeMember> reminder;      // by points, then ID
  std::vector<NoticeRecording> recording;  // studios with activity in either period, by ID
};

Status BuildNotice(const Ledger& ledger, const Policy& policy, const NoticeOptions& options,
                   NoticeModel* notice);

// The renderings (render_notice.cc), pure functions of the model.
Status RenderNoticeJson(const NoticeModel& notice, std::string* out);
Status RenderNoticeMarkdown(const NoticeModel& notice, std::string* out);
Status RenderNoticeHtml(const NoticeModel& notice, std::string* out);
// A4 PDF through documents/ (Pango and Cairo, the Chinese in an embedded CJK font); its
// dates are the notice's as-of time, so the same notice gives the same bytes.
Status RenderNoticePdf(const NoticeModel& notice, std::string* out);
Status RenderNoticeXlsx(const NoticeModel& notice, const std::string& scratch_dir,
                        std::string* out);
// The notice in `format` (md, html, json, pdf, xlsx: kNoticeFormats); InvalidArgument for
// another. `scratch_dir` is for xlsx.
inline constexpr const char* kNoticeFormats[] = {"md", "html", "json", "pdf", "xlsx"};
Status RenderNotice(const NoticeModel& notice, std::string_view format,
                    const std::string& scratch_dir, std::string* out);

}  // namespace wulian::projections
