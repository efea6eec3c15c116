#include "projections/policy.h"

#include <cstdio>
#include <filesystem>

#include "events/codec.h"
#include "projections/json_writer.h"

namespace wulian::projections {
namespace {

// Every field, with its JSON name, in the order printed.
template <typename F>
void ForEachField(Policy& p, F&& f) {
  f("licensedDays", p.licensed_days);
  f("inactiveWindowDays", p.inactive_window_days);
  f("overdueCaseDays", p.overdue_case_days);
  f("lateWindowDays", p.late_window_days);
  f("lateMinEvents", p.late_min_events);
  f("latePercent", p.late_percent);
  f("lateDelayDays", p.late_delay_days);
  f("contactPoints", p.contact_points);
  f("consultationPoints", p.consultation_points);
  f("researchPoints", p.research_points);
  f("suggestionPoints", p.suggestion_points);
  f("caseResolvedPoints", p.case_resolved_points);
  f("suggestionAdoptedPoints", p.suggestion_adopted_points);
}

}  // namespace

std::string Policy::ToJson() const {
  JsonWriter w;
  w.BeginObject();
  Policy copy = *this;
  ForEachField(copy, [&](const char* name, int64_t& value) { w.Key(name).Int(value); });
  w.EndObject();
  return w.str();
}

Status Policy::FromJson(std::string_view json, Policy* policy) {
  JsonDocument doc;
  Status s = doc.Parse(json);
  Policy parsed;
  ForEachField(parsed, [&](const char* name, int64_t& value) {
    uint64_t v = 0;
    if (s.ok()) s = doc.GetUint(name, &v);
    value = static_cast<int64_t>(v);
  });
  if (!s.ok()) return Status::InvalidArgument("policy: " + s.message());
  if (parsed.late_percent > 100)
    return Status::InvalidArgument("policy: latePercent must be at most 100");
  *policy = parsed;
  return Status::OK();
}

Status Policy::Load(const std::string& path, Policy* policy) {
  if (!std::filesystem::exists(path)) {
    *policy = Policy{};
    return Status::OK();
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Status::IOError("cannot read " + path);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, file)) > 0 && text.size() < (1 << 20))
    text.append(buf, n);
  std::fclose(file);
  Status s = FromJson(text, policy);
  return s.ok() ? s : Status::InvalidArgument(path + ": " + s.message());
}

Status Policy::WriteDefault(const std::string& path) {
  if (std::filesystem::exists(path)) return Status::OK();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return Status::IOError("cannot write " + path);
  const std::string json = Policy{}.ToJson() + "\n";
  const bool ok = std::fwrite(json.data(), 1, json.size(), file) == json.size();
  return std::fclose(file) == 0 && ok ? Status::OK() : Status::IOError("cannot write " + path);
}

}  // namespace wulian::projections
