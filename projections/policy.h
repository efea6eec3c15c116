// The supervision policy: the thresholds of the flags and the appraisal rules of the yearly
// score (SPEC §5). One JSON file in the ledger directory, `policy.json`, written by `init`
// with these defaults and printed in every report. Changing it changes flags and scores at
// the next query; no rebuild is needed.
//
// The appraisal rules beyond the weights — yearly caps per item, base points, bonus items,
// grade bands — are optional: unset, they are absent from the JSON, and the score is
// SPEC §5's Σ count × weight (projections/score.h computes it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace wulian::projections {

// The items of the yearly score, in the order they are stored and printed.
enum class ScoreItem { kContacts, kConsultations, kResearch, kSuggestions, kResolved, kAdopted };
inline constexpr size_t kScoreItems = 6;

// "contacts", "consultations", "research", "suggestions", "resolved", "adopted": the item's
// name in the policy's `caps` and `bonusItems` and in the score's JSON.
const char* ScoreItemName(ScoreItem item);
// 联系群众, 协商议事, …: the item's name in rule lines and the member's file.
const char* ScoreItemLabel(ScoreItem item);
std::optional<ScoreItem> ScoreItemNamed(std::string_view name);

// Limits on the policy file, enforced where it is read.
inline constexpr size_t kPolicyBytesMax = 1 << 16;
inline constexpr size_t kGradeBandsMax = 16;
inline constexpr size_t kGradeNameBytesMax = 60;
inline constexpr int64_t kPolicyPointsMax = 1000000;  // any weight, cap or base

// A grade band: totals of at least `min_points`, below the band above, get `grade`.
struct GradeBand {
  std::string grade;  // 优秀, 称职, …
  int64_t min_points = 0;
  bool operator==(const GradeBand&) const = default;
};

struct Policy {
  // INACTIVE and NO_RULES apply to studios licensed more than this many days before R.
  int64_t licensed_days = 90;
  // INACTIVE: no activity with occurredAt in [R − inactive_window_days, R].
  int64_t inactive_window_days = 90;
  // OVERDUE_CASES: a case opened more than this many days before R is still open.
  int64_t overdue_case_days = 30;
  // LATE_RECORDING: of the activity in [R − late_window_days, R], at least late_min_events
  // events, more than late_percent % recorded more than late_delay_days after it occurred.
  int64_t late_window_days = 90;
  int64_t late_min_events = 5;
  int64_t late_percent = 20;
  int64_t late_delay_days = 7;
  // Yearly score points for each member listed on the earning event.
  int64_t contact_points = 1;
  int64_t consultation_points = 2;
  int64_t research_points = 3;  // a consultation of form `research`
  int64_t suggestion_points = 2;
  int64_t case_resolved_points = 3;       // to each member listed on the CaseOpened
  int64_t suggestion_adopted_points = 3;  // to each member listed on the submission

  // JSON `basePoints`: points every member's year starts from (基础分).
  int64_t base_points = 0;
  // JSON `caps` {item: points}: the most points an item gives in a year (年度上限).
  std::array<std::optional<int64_t>, kScoreItems> caps{};
  // JSON `bonusItems` [item]: items whose points are bonus (加分) rather than regular points.
  std::vector<ScoreItem> bonus_items;
  // JSON `bonusCap`: the most bonus points in a year.
  std::optional<int64_t> bonus_cap;
  // JSON `grades` [{"grade", "min"}]: bands with strictly descending minima, the last at 0.
  std::vector<GradeBand> grades;

  // The weight of an item.
  int64_t Weight(ScoreItem item) const;
  bool IsBonus(ScoreItem item) const;

  // The JSON of the policy; the optional appraisal rules only when set, so that the default
  // policy prints as it always did.
  std::string ToJson() const;
  // Parses and checks a policy: every key of the defaults must be present, the optional
  // ones may be; a refusal is INVALID_ARGUMENT naming the key and what is wrong.
  static Status FromJson(std::string_view json, Policy* policy);
  // Reads `path`; a missing file gives the defaults.
  static Status Load(const std::string& path, Policy* policy);
  // Writes `path` with the defaults unless it exists.
  static Status WriteDefault(const std::string& path);

  // The appraisal rules in Chinese, one line each, for any renderer: the weight (and cap,
  // and whether bonus) of each item, the base points, the bonus cap, the grade bands, e.g.
  // "联系群众 每次 1 分，年度上限 20 分".
  std::vector<std::string> RuleLines() const;
  // The rule line of one item.
  std::string ItemRule(ScoreItem item) const;
  // The flag thresholds in Chinese, one line each.
  std::vector<std::string> FlagRuleLines() const;
};

}  // namespace wulian::projections
