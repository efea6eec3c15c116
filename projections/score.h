// The yearly appraisal of a member (SPEC §5 Score), as published appraisal rules
// (履职积分细则) write it: per item, the count of earning events times the item's weight,
// cut at the item's yearly cap; plus base points; plus the items counted as bonus (加分),
// cut at the bonus cap; the total, and the grade band the total falls in.
//
// ScoreYear is the one place a score is computed: the member view's `score`, a member's
// record and the member's annual file all call it. With the default policy (no caps, no
// base, no bonus, no grades) the total is Σ count × weight, the score of SPEC §5.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "projections/policy.h"

namespace wulian::projections {

// Counts of the earning events of one member in one year, indexed by ScoreItem.
using ScoreCounts = std::array<int64_t, kScoreItems>;

struct ItemScore {
  ScoreItem item = ScoreItem::kContacts;
  int64_t count = 0;
  int64_t weight = 0;
  int64_t points_before_cap = 0;  // count × weight
  std::optional<int64_t> cap;     // the item's yearly cap, when the policy sets one
  int64_t points = 0;             // after the cap: min(points_before_cap, cap)
  bool bonus = false;             // counted in `bonus`, not in the items' sum
};

struct Score {
  std::array<ItemScore, kScoreItems> items;
  int64_t base = 0;                  // the policy's base points
  int64_t items_points = 0;          // Σ points of the items that are not bonus
  int64_t bonus_before_cap = 0;      // Σ points of the bonus items
  std::optional<int64_t> bonus_cap;  // the policy's cap on bonus points
  int64_t bonus = 0;                 // min(bonus_before_cap, bonus_cap)
  int64_t total = 0;                 // base + items_points + bonus
  std::optional<std::string> grade;  // the band of `total`, when the policy has bands
};

// REQUIRES: every count ≥ 0 and `policy` valid (as Policy::FromJson accepts it).
Score ScoreYear(const Policy& policy, const ScoreCounts& counts);

// The score as JSON: {"total", "base", "itemsPoints", "bonusBeforeCap", "bonusCap",
// "bonus", "grade", "items": [{"item", "count", "weight", "points" (after the cap),
// "pointsBeforeCap", "cap", "bonus"}]} ("cap", "bonusCap" and "grade" null when the policy
// sets none).
std::string ScoreJson(const Score& score);

}  // namespace wulian::projections
