// The JSON of the views (SPEC §5: `query`, /v1) and of the report (SPEC §6.1), written from
// the model of report_model.h. Keys are printed in the order of the contract; the bytes are
// part of it (tests/tools/golden_digests.txt).
#include "base/time.h"
#include "projections/json_writer.h"
#include "projections/report_model.h"

namespace wulian::projections {
namespace {

void Strings(JsonWriter& w, const std::vector<std::string>& items) {
  w.BeginArray();
  for (const auto& s : items) w.String(s);
  w.EndArray();
}

void NullableString(JsonWriter& w, const std::optional<std::string>& s) {
  s ? w.String(*s) : w.Null();
}

// The counts of `names`, in that order (a missing one is a broken model).
template <size_t N>
void Named(JsonWriter& w, const Counts& counts, const char* const (&names)[N]) {
  w.BeginObject();
  for (const char* name : names) w.Key(name).Int(counts.at(name));
  w.EndObject();
}

void AsOf(JsonWriter& w, const ViewAsOf& a) {
  w.Key("asOf").BeginObject().Key("seq").Int(a.seq).Key("chain").String(a.chain).EndObject();
}

}  // namespace

const char* AxisName(Axis axis) { return axis == Axis::kRecorded ? "recorded" : "occurred"; }

CountList PolicyFields(const Policy& p) {
  return {{"licensedDays", p.licensed_days},
          {"inactiveWindowDays", p.inactive_window_days},
          {"overdueCaseDays", p.overdue_case_days},
          {"lateWindowDays", p.late_window_days},
          {"lateMinEvents", p.late_min_events},
          {"latePercent", p.late_percent},
          {"lateDelayDays", p.late_delay_days},
          {"contactPoints", p.contact_points},
          {"consultationPoints", p.consultation_points},
          {"researchPoints", p.research_points},
          {"suggestionPoints", p.suggestion_points},
          {"caseResolvedPoints", p.case_resolved_points},
          {"suggestionAdoptedPoints", p.suggestion_adopted_points}};
}

void WriteStudioJson(const StudioView& v, JsonWriter& w) {
  w.BeginObject().Key("id").String(v.id).Key("name").String(v.name);
  w.Key("linkType").String(v.link_type).Key("status").String(v.status);
  w.Key("leadMember").String(v.lead_member).Key("committee").String(v.committee);
  w.Key("partyOrg").String(v.party_org).Key("town");
  NullableString(w, v.town);
  w.Key("batch").Int(v.batch).Key("licensedOn").String(v.licensed_on).Key("members");
  Strings(w, v.members);
  w.Key("totals");
  Named(w, v.totals, kStudioTotalNames);
  w.Key("lastActivityAt");
  NullableString(w, v.last_activity_at);
  w.Key("medianDaysToResolve");
  v.median_days_to_resolve ? w.Double(*v.median_days_to_resolve) : w.Null();
  w.Key("byMonth").BeginObject();
  for (const auto& [month, counts] : v.by_month) {
    w.Key(month);
    Named(w, counts, kMonthTotalNames);
  }
  w.EndObject().Key("flags");
  Strings(w, v.flags);
  AsOf(w, v.as_of);
  w.EndObject();
}

void WriteMemberJson(const MemberView& v, JsonWriter& w) {
  w.BeginObject().Key("id").String(v.id).Key("name").String(v.name);
  w.Key("sector").String(v.sector).Key("committees");
  Strings(w, v.committees);
  w.Key("studios");
  Strings(w, v.studios);
  w.Key("totals");
  Named(w, v.totals, kMemberTotalNames);
  w.Key("lastActivityAt");
  NullableString(w, v.last_activity_at);
  w.Key("score").BeginObject();
  for (const auto& [year, points] : v.score) w.Key(year).Int(points);
  w.EndObject();
  AsOf(w, v.as_of);
  w.EndObject();
}

void WriteCommitteeJson(const CommitteeView& v, JsonWriter& w) {
  w.BeginObject().Key("id").String(v.id).Key("name").String(v.name);
  w.Key("supervises").Bool(v.supervises).Key("studios");
  Strings(w, v.studios);
  w.Key("members");
  Strings(w, v.members);
  w.Key("totals");
  Named(w, v.totals, kStudioTotalNames);
  w.Key("findingsOpen").Int(v.findings_open).Key("flaggedStudios");
  Strings(w, v.flagged_studios);
  AsOf(w, v.as_of);
  w.EndObject();
}

void WriteOverviewJson(const OverviewView& v, JsonWriter& w) {
  w.BeginObject().Key("events").Int(v.counts.at("events"));
  w.Key("studios").Int(v.counts.at("studios")).Key("members").Int(v.counts.at("members"));
  w.Key("committees").Int(v.counts.at("committees")).Key("byLinkType").BeginObject();
  for (const auto& [k, n] : v.by_link_type) w.Key(k).Int(n);
  w.EndObject().Key("byFlag").BeginObject();
  for (const auto& [k, n] : v.by_flag) w.Key(k).Int(n);
  w.EndObject();
  AsOf(w, v.as_of);
  w.EndObject();
}

Status RenderJson(const ReportModel& r, std::string* out) {
  JsonWriter w;
  w.BeginObject().Key("head").BeginObject().Key("seq").Int(r.head.seq);
  w.Key("chain").String(r.head.chain).Key("root").String(r.head.root).EndObject();
  w.Key("axis").String(AxisName(r.axis)).Key("asOf").String(r.as_of);
  w.Key("policy").Raw(r.policy.ToJson()).Key("overview");
  WriteOverviewJson(r.views.overview, w);
  w.Key("committees").BeginArray();
  for (const auto& c : r.views.committees) WriteCommitteeJson(c, w);
  w.EndArray().Key("studios").BeginArray();
  for (const auto& s : r.views.studios) WriteStudioJson(s, w);
  w.EndArray().Key("members").BeginArray();
  for (const auto& m : r.views.members) WriteMemberJson(m, w);
  w.EndArray().EndObject();
  *out = w.str() + "\n";
  return Status::OK();
}

}  // namespace wulian::projections
