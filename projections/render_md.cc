// The report in Markdown (SPEC §6.1): head, axis, as-of and policy, the overview, each
// committee with its studios, then every studio and every member. A pure function of the
// model: the same report gives the same bytes.
#include "projections/render_internal.h"

namespace wulian::projections {
namespace {

using namespace render_internal;

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
  if (!r.score_rules.empty()) {
    *out += "Scoring rules (积分细则):\n\n";
    for (const auto& line : r.score_rules) *out += "- " + Md(line) + "\n";
    *out += "\n";
  }
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

}  // namespace

Status RenderMarkdown(const ReportModel& model, std::string* out) {
  const Report r(model);
  std::string md;
  MdPreamble(r, &md);
  MdOverview(r, &md);
  MdTables(r, &md);
  *out = std::move(md);
  return Status::OK();
}

}  // namespace wulian::projections
