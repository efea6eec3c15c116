// The report in CSV (RFC 4180; SPEC §6.1): key/value rows of the head, axis, as-of and
// policy, the overview, then the tables of studios, of their months and of members, each
// after an empty line. A pure function of the model: the same report gives the same bytes.
#include "projections/render_internal.h"

namespace wulian::projections {
namespace {

using namespace render_internal;

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
  for (const auto& line : r.score_rules) CsvRow({"policy.rule", line}, out);
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
  header.insert(header.end(), std::begin(kMonthTotalNames), std::end(kMonthTotalNames));
  CsvRow(header, out);
  for (const auto& s : r.studios) {
    for (const auto& [month, counts] : s.by_month) {
      std::vector<std::string> row = {s.id, month};
      for (const char* key : kMonthTotalNames) row.push_back(Num(counts.at(key)));
      CsvRow(row, out);
    }
  }
  *out += "\r\n";
  CsvRow(MemberHeader(r), out);
  for (const auto& m : r.members) CsvRow(MemberCells(r, m, ";", ""), out);
}

}  // namespace

Status RenderCsv(const ReportModel& model, std::string* out) {
  const Report r(model);
  std::string csv;
  CsvHeadAndOverview(r, &csv);
  CsvTables(r, &csv);
  *out = std::move(csv);
  return Status::OK();
}

}  // namespace wulian::projections
