#include "projections/policy.h"

#include <capnp/compat/json.capnp.h>
#include <capnp/message.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "base/assert.h"
#include "events/codec.h"
#include "projections/json_writer.h"

namespace wulian::projections {
namespace {

using JsonValue = capnp::json::Value;

constexpr const char* kItemNames[] = {"contacts",    "consultations", "research",
                                      "suggestions", "resolved",      "adopted"};
constexpr const char* kItemLabels[] = {"联系群众", "协商议事", "调研",
                                       "提交建议", "化解矛盾", "建议被采纳"};
// How each item is counted, for the rule lines.
constexpr const char* kItemUnits[] = {"每次", "每次", "每次", "每件", "每件", "每件"};
constexpr const char* kItemNotes[] = {"",
                                      "（形式为调研的除外）",
                                      "（形式为调研的协商）",
                                      "",
                                      "（案件以“化解”办结，记给立案所列委员）",
                                      "（记给提交建议所列委员）"};
static_assert(std::size(kItemNames) == kScoreItems && std::size(kItemLabels) == kScoreItems &&
              std::size(kItemUnits) == kScoreItems && std::size(kItemNotes) == kScoreItems);

// Every field of the defaults, with its JSON name, in the order printed.
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

constexpr const char* kOptionalKeys[] = {"basePoints", "caps", "bonusItems", "bonusCap", "grades"};

std::string_view View(capnp::Text::Reader t) { return std::string_view(t.begin(), t.size()); }

// A whole number of points from 0 to kPolicyPointsMax.
Status Points(JsonValue::Reader v, const std::string& where, int64_t* out) {
  if (!v.isNumber() || v.getNumber() != std::floor(v.getNumber()) || v.getNumber() < 0 ||
      v.getNumber() > static_cast<double>(kPolicyPointsMax)) {
    return Status::InvalidArgument(where + " must be a whole number from 0 to " +
                                   std::to_string(kPolicyPointsMax));
  }
  *out = static_cast<int64_t>(v.getNumber());
  return Status::OK();
}

std::string ItemList() {
  std::string names;
  for (const char* n : kItemNames) names += (names.empty() ? "" : ", ") + std::string(n);
  return names;
}

Status Item(std::string_view name, const std::string& where, ScoreItem* item) {
  auto found = ScoreItemNamed(name);
  if (!found) {
    return Status::InvalidArgument(where + ": unknown item \"" + std::string(name) +
                                   "\" (items: " + ItemList() + ")");
  }
  *item = *found;
  return Status::OK();
}

Status ParseCaps(JsonValue::Reader v, Policy* p) {
  if (!v.isObject()) return Status::InvalidArgument("\"caps\" must be an object {item: points}");
  for (auto field : v.getObject()) {
    ScoreItem item;
    const std::string name(View(field.getName()));
    Status s = Item(name, "caps", &item);
    int64_t cap = 0;
    if (s.ok()) s = Points(field.getValue(), "caps." + name, &cap);
    if (!s.ok()) return s;
    auto& slot = p->caps[static_cast<size_t>(item)];
    if (slot) return Status::InvalidArgument("caps: item \"" + name + "\" given twice");
    slot = cap;
  }
  return Status::OK();
}

Status ParseBonusItems(JsonValue::Reader v, Policy* p) {
  if (!v.isArray()) return Status::InvalidArgument("\"bonusItems\" must be an array of items");
  for (auto e : v.getArray()) {
    if (!e.isString()) return Status::InvalidArgument("bonusItems must hold item names");
    ScoreItem item;
    Status s = Item(View(e.getString()), "bonusItems", &item);
    if (!s.ok()) return s;
    if (p->IsBonus(item))
      return Status::InvalidArgument("bonusItems: \"" + std::string(View(e.getString())) +
                                     "\" given twice");
    p->bonus_items.push_back(item);
  }
  return Status::OK();
}

Status ParseGrades(JsonValue::Reader v, Policy* p) {
  if (!v.isArray() || v.getArray().size() == 0 || v.getArray().size() > kGradeBandsMax) {
    return Status::InvalidArgument("\"grades\" must be an array of 1 to " +
                                   std::to_string(kGradeBandsMax) + " bands {\"grade\", \"min\"}");
  }
  for (auto band : v.getArray()) {
    const std::string where = "grades[" + std::to_string(p->grades.size()) + "]";
    if (!band.isObject()) return Status::InvalidArgument(where + " must be {\"grade\", \"min\"}");
    GradeBand g;
    bool has_grade = false, has_min = false;
    for (auto field : band.getObject()) {
      const std::string_view name = View(field.getName());
      if (name == "grade" && field.getValue().isString()) {
        g.grade = std::string(View(field.getValue().getString()));
        has_grade = !g.grade.empty() && g.grade.size() <= kGradeNameBytesMax;
      } else if (name == "min") {
        Status s = Points(field.getValue(), where + ".min", &g.min_points);
        if (!s.ok()) return s;
        has_min = true;
      } else if (name != "grade") {
        return Status::InvalidArgument(where + ": unknown key \"" + std::string(name) + "\"");
      }
    }
    if (!has_grade) {
      return Status::InvalidArgument(where + ".grade must be a name of 1 to " +
                                     std::to_string(kGradeNameBytesMax) + " bytes");
    }
    if (!has_min) return Status::InvalidArgument(where + ".min is missing");
    if (!p->grades.empty() && g.min_points >= p->grades.back().min_points) {
      return Status::InvalidArgument("grades must be in descending order of min: " + where +
                                     ".min " + std::to_string(g.min_points) + " is not below " +
                                     std::to_string(p->grades.back().min_points));
    }
    p->grades.push_back(std::move(g));
  }
  if (p->grades.back().min_points != 0) {
    return Status::InvalidArgument(
        "grades: the last band must have min 0, so that every total "
        "has a grade");
  }
  return Status::OK();
}

Status ParseOptional(std::string_view name, JsonValue::Reader v, Policy* p) {
  if (name == "basePoints") return Points(v, "basePoints", &p->base_points);
  if (name == "caps") return ParseCaps(v, p);
  if (name == "bonusItems") return ParseBonusItems(v, p);
  if (name == "grades") return ParseGrades(v, p);
  LEDGER_ASSERT(name == "bonusCap", "an optional key without a parser");
  int64_t cap = 0;
  Status s = Points(v, "bonusCap", &cap);
  if (s.ok()) p->bonus_cap = cap;
  return s;
}

Status Parse(JsonValue::Reader root, Policy* out) {
  Policy parsed;
  Status s;
  std::vector<std::string> known;
  ForEachField(parsed, [&](const char* name, int64_t& value) {
    known.emplace_back(name);
    if (!s.ok()) return;
    s = Status::InvalidArgument("\"" + std::string(name) + "\" is missing");
    for (auto field : root.getObject()) {
      if (View(field.getName()) == name)
        s = Points(field.getValue(), "\"" + std::string(name) + "\"", &value);
    }
  });
  if (!s.ok()) return s;
  std::vector<std::string> seen;
  for (auto field : root.getObject()) {
    const std::string name(View(field.getName()));
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return Status::InvalidArgument("\"" + name + "\" given twice");
    seen.push_back(name);
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (std::find(std::begin(kOptionalKeys), std::end(kOptionalKeys), name) ==
        std::end(kOptionalKeys)) {
      return Status::InvalidArgument("unknown key \"" + name + "\"");
    }
    s = ParseOptional(name, field.getValue(), &parsed);
    if (!s.ok()) return s;
  }
  if (parsed.late_percent > 100) return Status::InvalidArgument("latePercent must be at most 100");
  if (parsed.bonus_cap && parsed.bonus_items.empty())
    return Status::InvalidArgument("bonusCap needs bonusItems");
  *out = std::move(parsed);
  return Status::OK();
}

std::string Cn(int64_t n) { return std::to_string(n); }

}  // namespace

const char* ScoreItemName(ScoreItem item) { return kItemNames[static_cast<size_t>(item)]; }
const char* ScoreItemLabel(ScoreItem item) { return kItemLabels[static_cast<size_t>(item)]; }
std::optional<ScoreItem> ScoreItemNamed(std::string_view name) {
  for (size_t i = 0; i < kScoreItems; ++i) {
    if (name == kItemNames[i]) return static_cast<ScoreItem>(i);
  }
  return std::nullopt;
}

int64_t Policy::Weight(ScoreItem item) const {
  switch (item) {
    case ScoreItem::kContacts:
      return contact_points;
    case ScoreItem::kConsultations:
      return consultation_points;
    case ScoreItem::kResearch:
      return research_points;
    case ScoreItem::kSuggestions:
      return suggestion_points;
    case ScoreItem::kResolved:
      return case_resolved_points;
    case ScoreItem::kAdopted:
      return suggestion_adopted_points;
  }
  LEDGER_ASSERT(false, "unknown score item");
  return 0;
}

bool Policy::IsBonus(ScoreItem item) const {
  return std::find(bonus_items.begin(), bonus_items.end(), item) != bonus_items.end();
}

std::string Policy::ToJson() const {
  JsonWriter w;
  w.BeginObject();
  Policy copy = *this;
  ForEachField(copy, [&](const char* name, int64_t& value) { w.Key(name).Int(value); });
  if (base_points != 0) w.Key("basePoints").Int(base_points);
  if (std::any_of(caps.begin(), caps.end(), [](const auto& c) { return c.has_value(); })) {
    w.Key("caps").BeginObject();
    for (size_t i = 0; i < kScoreItems; ++i) {
      if (caps[i]) w.Key(kItemNames[i]).Int(*caps[i]);
    }
    w.EndObject();
  }
  if (!bonus_items.empty()) {
    w.Key("bonusItems").BeginArray();
    for (ScoreItem item : bonus_items) w.String(ScoreItemName(item));
    w.EndArray();
  }
  if (bonus_cap) w.Key("bonusCap").Int(*bonus_cap);
  if (!grades.empty()) {
    w.Key("grades").BeginArray();
    for (const GradeBand& g : grades) {
      w.BeginObject().Key("grade").String(g.grade).Key("min").Int(g.min_points).EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return w.str();
}

Status Policy::FromJson(std::string_view json, Policy* policy) {
  if (json.size() > kPolicyBytesMax) {
    return Status::InvalidArgument("policy: larger than " + std::to_string(kPolicyBytesMax) +
                                   " bytes");
  }
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<JsonValue>();
  Status s = ParseStrictJson(json, kJsonDepthMax, root);
  if (s.ok() && !root.asReader().isObject()) s = Status::InvalidArgument("expected a JSON object");
  if (s.ok()) s = Parse(root.asReader(), policy);
  return s.ok() ? s : Status::InvalidArgument("policy: " + s.message());
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
  while ((n = std::fread(buf, 1, sizeof buf, file)) > 0 && text.size() <= kPolicyBytesMax)
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

std::string Policy::ItemRule(ScoreItem item) const {
  const size_t i = static_cast<size_t>(item);
  std::string line = std::string(kItemLabels[i]) + kItemNotes[i] + " " + kItemUnits[i] + " " +
                     Cn(Weight(item)) + " 分";
  if (caps[i]) line += "，年度上限 " + Cn(*caps[i]) + " 分";
  if (IsBonus(item)) line += "，计入加分";
  return line;
}

std::vector<std::string> Policy::RuleLines() const {
  std::vector<std::string> lines;
  if (base_points != 0) lines.push_back("基础分 " + Cn(base_points) + " 分");
  for (size_t i = 0; i < kScoreItems; ++i) lines.push_back(ItemRule(static_cast<ScoreItem>(i)));
  if (bonus_cap) lines.push_back("加分 年度上限 " + Cn(*bonus_cap) + " 分");
  lines.push_back(base_points != 0 || !bonus_items.empty()
                      ? "总分 = 基础分 + 各项得分（封顶后）+ 加分"
                      : "总分 = 各项得分之和");
  if (!grades.empty()) {
    std::string line = "等次：";
    for (size_t i = 0; i < grades.size(); ++i) {
      if (i > 0) line += "；";
      line += grades[i].grade + " ";
      if (i == 0) {
        line += "≥ " + Cn(grades[i].min_points) + " 分";
      } else if (grades[i].min_points == 0) {
        line += "< " + Cn(grades[i - 1].min_points) + " 分";
      } else {
        line += Cn(grades[i].min_points) + "–" + Cn(grades[i - 1].min_points - 1) + " 分";
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> Policy::FlagRuleLines() const {
  return {
      "INACTIVE 长期无活动：授牌超过 " + Cn(licensed_days) + " 天，近 " + Cn(inactive_window_days) +
          " 天无活动",
      "NO_RULES 无工作制度：授牌超过 " + Cn(licensed_days) + " 天，尚无有效工作制度",
      "OVERDUE_CASES 案件超期：立案超过 " + Cn(overdue_case_days) + " 天仍未办结",
      "OVERDUE_FINDINGS 整改超期：问题已过整改期限仍未整改",
      "LATE_RECORDING 补录过多：近 " + Cn(late_window_days) + " 天活动不少于 " +
          Cn(late_min_events) + " 次，其中超过 " + Cn(late_percent) + "% 在发生 " +
          Cn(late_delay_days) + " 天后才录入",
  };
}

}  // namespace wulian::projections
