// The typed report (SPEC §5, §6.1): the views of the ledger at one head, as plain structs.
// The report builder (report.cc) fills a ReportModel from a replay's views; every rendering
// reads it, one file per format: render_json.cc (also the JSON of `query` and /v1),
// render_md.cc, render_csv.cc, render_html.cc, render_xlsx.cc.
//
// Counts are kept by their JSON name ("contacts", "peopleReached", …) and instants as the
// RFC 3339 text of the views (+08:00), so that every format prints the same figures.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "projections/policy.h"

namespace wulian::projections {

class JsonWriter;

enum class Axis { kRecorded, kOccurred };
// "recorded" or "occurred".
const char* AxisName(Axis axis);

using Counts = std::map<std::string, int64_t>;                   // by JSON name
using CountList = std::vector<std::pair<std::string, int64_t>>;  // in the printed order

// The JSON names of a studio's totals, of a month's figures and of a member's totals, in
// the order the views print them.
inline constexpr const char* kStudioTotalNames[] = {
    "contacts",      "peopleReached", "consultations", "casesOpened",
    "casesResolved", "casesOpen",     "suggestions",   "suggestionsAdopted",
    "rules",         "visits",        "findingsOpen",  "findingsRectified"};
inline constexpr const char* kMonthTotalNames[] = {"contacts",    "peopleReached", "consultations",
                                                   "casesOpened", "casesResolved", "suggestions"};
inline constexpr const char* kMemberTotalNames[] = {"contacts", "consultations", "cases",
                                                    "suggestions"};
// The monthly figures summed into a month's bar in the HTML charts.
inline constexpr const char* kActivityNames[] = {"contacts", "consultations", "casesOpened",
                                                 "suggestions"};
// Flags, by their kind (FlagFigures::Kind), sorted by name.
inline constexpr const char* kFlagNames[] = {"INACTIVE", "LATE_RECORDING", "NO_RULES",
                                             "OVERDUE_CASES", "OVERDUE_FINDINGS"};

// The policy's fields as the reports print them: {JSON name, value}, in Policy::ToJson order.
CountList PolicyFields(const Policy& policy);

// The last event a view includes.
struct ViewAsOf {
  int64_t seq = 0;
  std::string chain;  // hex
};

// A flag of a studio with the figures that raised it (SPEC §5).
struct FlagFigures {
  enum Kind { kInactive, kLateRecording, kNoRules, kOverdueCases, kOverdueFindings };
  explicit FlagFigures(Kind k) : kind(k) {}
  Kind kind;
  std::optional<int64_t> at;  // INACTIVE: the last activity; OVERDUE_CASES: the oldest opening
  int64_t count = 0;          // LATE_RECORDING: events in the window; OVERDUE_*: how many
  int64_t late = 0;           // LATE_RECORDING: of them recorded late
  std::string date;           // NO_RULES: licensedOn; OVERDUE_FINDINGS: the earliest dueOn
};

struct StudioView {
  std::string id, name, link_type, status, lead_member, committee, party_org;
  std::optional<std::string> town;
  int64_t batch = 0;
  std::string licensed_on;           // YYYY-MM-DD
  std::vector<std::string> members;  // sorted
  Counts totals;                     // kStudioTotalNames
  std::optional<std::string> last_activity_at;
  std::optional<double> median_days_to_resolve;
  std::map<std::string, Counts> by_month;  // "YYYY-MM" → kMonthTotalNames
  std::vector<std::string> flags;          // sorted names
  std::vector<FlagFigures> figures;        // the flags with their figures (empty when read back)
  ViewAsOf as_of;
};

struct MemberView {
  std::string id, name, sector;
  std::vector<std::string> committees, studios;  // sorted
  Counts totals;                                 // kMemberTotalNames
  std::optional<std::string> last_activity_at;
  std::map<std::string, int64_t> score;  // "YYYY" → points
  ViewAsOf as_of;
};

struct CommitteeView {
  std::string id, name;
  bool supervises = false;
  std::vector<std::string> studios, members, flagged_studios;  // sorted
  Counts totals;                                               // kStudioTotalNames, summed
  int64_t findings_open = 0;
  ViewAsOf as_of;
};

struct OverviewView {
  Counts counts;                    // events, studios, members, committees
  CountList by_link_type, by_flag;  // all five keys each, sorted
  ViewAsOf as_of;
};

// The views of one snapshot, as of a reference time for the flags.
struct ViewsModel {
  OverviewView overview;
  std::vector<CommitteeView> committees;  // sorted by ID
  std::vector<StudioView> studios;        // sorted by ID
  std::vector<MemberView> members;        // sorted by ID
};

// The head a report is anchored to: the last event it includes.
struct ReportHead {
  int64_t seq = 0;
  std::string chain, root;  // hex
};

struct ReportModel {
  ReportHead head;
  Axis axis = Axis::kRecorded;
  int64_t as_of_micros = 0;  // T
  std::string as_of;         // T in +08:00
  Policy policy;
  ViewsModel views;
};

// The JSON of each view, as `query` and /v1 print it, and of the whole report.
void WriteStudioJson(const StudioView& v, JsonWriter& w);
void WriteMemberJson(const MemberView& v, JsonWriter& w);
void WriteCommitteeJson(const CommitteeView& v, JsonWriter& w);
void WriteOverviewJson(const OverviewView& v, JsonWriter& w);

// The renderings, each a pure function of the model: the same model gives the same bytes.
Status RenderJson(const ReportModel& report, std::string* out);
Status RenderMarkdown(const ReportModel& report, std::string* out);
Status RenderCsv(const ReportModel& report, std::string* out);
Status RenderHtml(const ReportModel& report, std::string* out);
// An .xlsx workbook (bytes of a zip file); `scratch_dir` is a directory it may write in.
Status RenderXlsx(const ReportModel& report, const std::string& scratch_dir, std::string* out);

// Reads a JSON report (as RenderJson writes it) back into the model: every field the
// renderings print is checked; input that is not JSON or lacks such a field is an
// InvalidArgument naming the field. Fields the renderings do not print (leadMember, partyOrg,
// town, batch, licensedOn, members and asOf of a studio; figures) are left empty.
Status ParseReportJson(const std::string& json, ReportModel* report);

}  // namespace wulian::projections
