#include "projections/score.h"

#include <algorithm>

#include "base/assert.h"
#include "projections/json_writer.h"

namespace wulian::projections {

Score ScoreYear(const Policy& policy, const ScoreCounts& counts) {
  Score score;
  score.base = policy.base_points;
  score.bonus_cap = policy.bonus_cap;
  for (size_t i = 0; i < kScoreItems; ++i) {
    LEDGER_ASSERT(counts[i] >= 0, "a negative count of earning events");
    ItemScore& it = score.items[i];
    it.item = static_cast<ScoreItem>(i);
    it.count = counts[i];
    it.weight = policy.Weight(it.item);
    it.points_before_cap = it.count * it.weight;
    it.cap = policy.caps[i];
    it.points = it.cap ? std::min(it.points_before_cap, *it.cap) : it.points_before_cap;
    it.bonus = policy.IsBonus(it.item);
    (it.bonus ? score.bonus_before_cap : score.items_points) += it.points;
  }
  score.bonus =
      score.bonus_cap ? std::min(score.bonus_before_cap, *score.bonus_cap) : score.bonus_before_cap;
  score.total = score.base + score.items_points + score.bonus;
  for (const GradeBand& band : policy.grades) {
    if (score.total >= band.min_points) {
      score.grade = band.grade;
      break;
    }
  }
  LEDGER_ASSERT(policy.grades.empty() || score.grade.has_value(), "a total below every band");
  return score;
}

std::string ScoreJson(const Score& score) {
  JsonWriter w;
  w.BeginObject().Key("total").Int(score.total).Key("base").Int(score.base);
  w.Key("itemsPoints").Int(score.items_points).Key("bonusBeforeCap").Int(score.bonus_before_cap);
  w.Key("bonusCap");
  score.bonus_cap ? w.Int(*score.bonus_cap) : w.Null();
  w.Key("bonus").Int(score.bonus).Key("grade");
  score.grade ? w.String(*score.grade) : w.Null();
  w.Key("items").BeginArray();
  for (const ItemScore& it : score.items) {
    w.BeginObject().Key("item").String(ScoreItemName(it.item)).Key("count").Int(it.count);
    w.Key("weight").Int(it.weight).Key("points").Int(it.points);
    w.Key("pointsBeforeCap").Int(it.points_before_cap).Key("cap");
    it.cap ? w.Int(*it.cap) : w.Null();
    w.Key("bonus").Bool(it.bonus).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

}  // namespace wulian::projections
