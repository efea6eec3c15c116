// Appraisal rules as policy (SPEC §5 Score): the default policy scores as it always did and
// prints as it always did; a published-style policy (base points, per-item yearly caps,
// adoption as bonus, grade bands) cuts items at their caps, adds base and bonus and assigns
// the bands at their boundaries; bad policy files are refused saying what is wrong.
#include "projections/score.h"

#include <gtest/gtest.h>

#include "projections/policy.h"
#include "tests/projections/support.h"

namespace wulian {
namespace {

using projections::Policy;
using projections::ScoreCounts;
using projections::ScoreItem;
using projections::ScoreYear;
using namespace testing;

// Modelled on a district CPPCC's 委员履职积分: 40 base points, per-item points with yearly
// caps, adoption of a suggestion as bonus (5 each, at most 10 a year), three grades.
constexpr char kPublished[] =
    R"({"licensedDays":90,"inactiveWindowDays":90,"overdueCaseDays":30,"lateWindowDays":90,)"
    R"("lateMinEvents":5,"latePercent":20,"lateDelayDays":7,"contactPoints":1,)"
    R"("consultationPoints":2,"researchPoints":3,"suggestionPoints":2,"caseResolvedPoints":2,)"
    R"("suggestionAdoptedPoints":5,"basePoints":40,)"
    R"("caps":{"contacts":10,"consultations":10,"research":9,"suggestions":10,"resolved":6},)"
    R"("bonusItems":["adopted"],"bonusCap":10,)"
    R"("grades":[{"grade":"优秀","min":85},{"grade":"称职","min":60},{"grade":"不称职","min":0}]})";

constexpr char kDefaultJson[] =
    R"({"licensedDays":90,"inactiveWindowDays":90,"overdueCaseDays":30,"lateWindowDays":90,)"
    R"("lateMinEvents":5,"latePercent":20,"lateDelayDays":7,"contactPoints":1,)"
    R"("consultationPoints":2,"researchPoints":3,"suggestionPoints":2,"caseResolvedPoints":3,)"
    R"("suggestionAdoptedPoints":3})";

Policy Published() {
  Policy p;
  Status s = Policy::FromJson(kPublished, &p);
  EXPECT_TRUE(s.ok()) << s.message();
  return p;
}

// {contacts, consultations, research, suggestions, resolved, adopted}
ScoreCounts Counts(int64_t contacts, int64_t consultations, int64_t research, int64_t suggestions,
                   int64_t resolved, int64_t adopted) {
  return {contacts, consultations, research, suggestions, resolved, adopted};
}

TEST(PolicyTest, TheDefaultPolicyPrintsExactlyAsBeforeAndReadsBack) {
  EXPECT_EQ(Policy{}.ToJson(), kDefaultJson);
  Policy p;
  ASSERT_TRUE(Policy::FromJson(kDefaultJson, &p).ok());
  EXPECT_EQ(p.ToJson(), kDefaultJson);
  EXPECT_TRUE(p.grades.empty());
  EXPECT_FALSE(p.bonus_cap.has_value());
}

TEST(PolicyTest, APublishedPolicyReadsBackToTheSameJson) {
  EXPECT_EQ(Published().ToJson(), kPublished);
}

TEST(ScoreTest, TheDefaultPolicyIsTheSumOfCountsTimesWeights) {
  const auto s = ScoreYear(Policy{}, Counts(4, 3, 2, 5, 1, 2));
  EXPECT_EQ(s.total, 4 * 1 + 3 * 2 + 2 * 3 + 5 * 2 + 1 * 3 + 2 * 3);
  EXPECT_EQ(s.base, 0);
  EXPECT_EQ(s.bonus, 0);
  EXPECT_FALSE(s.grade.has_value());
  for (const auto& item : s.items) {
    EXPECT_EQ(item.points, item.points_before_cap);
    EXPECT_FALSE(item.cap.has_value());
  }
}

TEST(ScoreTest, CapsCutAnItemAtItsCapAndBaseAndBonusAreAdded) {
  const auto s = ScoreYear(Published(), Counts(25, 5, 4, 2, 1, 3));
  const auto& contacts = s.items[static_cast<size_t>(ScoreItem::kContacts)];
  EXPECT_EQ(contacts.count, 25);
  EXPECT_EQ(contacts.points_before_cap, 25);
  EXPECT_EQ(contacts.cap, 10);
  EXPECT_EQ(contacts.points, 10);
  const auto& research = s.items[static_cast<size_t>(ScoreItem::kResearch)];
  EXPECT_EQ(research.points_before_cap, 12);
  EXPECT_EQ(research.points, 9);
  const auto& consultations = s.items[static_cast<size_t>(ScoreItem::kConsultations)];
  EXPECT_EQ(consultations.points, 10);  // exactly at the cap: not cut
  const auto& adopted = s.items[static_cast<size_t>(ScoreItem::kAdopted)];
  EXPECT_TRUE(adopted.bonus);
  EXPECT_EQ(adopted.points, 15);  // no item cap; the bonus cap applies
  EXPECT_EQ(s.base, 40);
  EXPECT_EQ(s.items_points, 10 + 10 + 9 + 4 + 2);
  EXPECT_EQ(s.bonus_before_cap, 15);
  EXPECT_EQ(s.bonus, 10);
  EXPECT_EQ(s.total, 40 + 35 + 10);
  EXPECT_EQ(s.grade, "优秀");
}

TEST(ScoreTest, GradeBandsAreAssignedAtTheirBoundaries) {
  const Policy p = Published();
  // 40 + 8 + 10 + 9 + 10 + 2 + 5 = 84, one more contact: 85.
  EXPECT_EQ(ScoreYear(p, Counts(8, 5, 3, 5, 1, 1)).total, 84);
  EXPECT_EQ(ScoreYear(p, Counts(8, 5, 3, 5, 1, 1)).grade, "称职");
  EXPECT_EQ(ScoreYear(p, Counts(9, 5, 3, 5, 1, 1)).total, 85);
  EXPECT_EQ(ScoreYear(p, Counts(9, 5, 3, 5, 1, 1)).grade, "优秀");
  // 40 + 5 + 14 → cut at 10: 55; 40 + 9 + 10 = 59, one more contact: 60.
  EXPECT_EQ(ScoreYear(p, Counts(9, 5, 0, 0, 0, 0)).total, 59);
  EXPECT_EQ(ScoreYear(p, Counts(9, 5, 0, 0, 0, 0)).grade, "不称职");
  EXPECT_EQ(ScoreYear(p, Counts(10, 5, 0, 0, 0, 0)).total, 60);
  EXPECT_EQ(ScoreYear(p, Counts(10, 5, 0, 0, 0, 0)).grade, "称职");
  EXPECT_EQ(ScoreYear(p, Counts(0, 0, 0, 0, 0, 0)).grade, "不称职");
}

TEST(PolicyTest, RuleLinesDescribeEveryItemItsCapBaseBonusAndGrades) {
  const auto lines = Published().RuleLines();
  auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_TRUE(has("基础分 40 分"));
  EXPECT_TRUE(has("联系群众 每次 1 分，年度上限 10 分"));
  EXPECT_TRUE(has("建议被采纳（记给提交建议所列委员） 每件 5 分，计入加分"));
  EXPECT_TRUE(has("加分 年度上限 10 分"));
  EXPECT_TRUE(has("等次：优秀 ≥ 85 分；称职 60–84 分；不称职 < 60 分"));
  const auto plain = Policy{}.RuleLines();
  EXPECT_EQ(plain[0], "联系群众 每次 1 分");
  EXPECT_EQ(plain.back(), "总分 = 各项得分之和");
}

// A policy with one key replaced: `key` is a JSON fragment "\"name\":value" appended.
std::string With(const std::string& extra) {
  std::string json = kDefaultJson;
  json.pop_back();
  return json + "," + extra + "}";
}

std::string Refusal(const std::string& json) {
  Policy p;
  Status s = Policy::FromJson(json, &p);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << json;
  return s.message();
}

TEST(PolicyTest, BadPolicyFilesAreRefusedSayingWhatIsWrong) {
  EXPECT_EQ(Refusal(With(R"("caps":{"visits":3})")),
            "policy: caps: unknown item \"visits\" (items: contacts, consultations, research, "
            "suggestions, resolved, adopted)");
  EXPECT_EQ(Refusal(With(R"("grades":[{"grade":"称职","min":60},{"grade":"优秀","min":85},)"
                         R"({"grade":"不称职","min":0}])")),
            "policy: grades must be in descending order of min: grades[1].min 85 is not below 60");
  EXPECT_EQ(Refusal(With(R"("grades":[{"grade":"优秀","min":85},{"grade":"称职","min":60}])")),
            "policy: grades: the last band must have min 0, so that every total has a grade");
  EXPECT_EQ(Refusal(With(R"("basePoints":-5)")),
            "policy: basePoints must be a whole number from 0 to 1000000");
  EXPECT_EQ(Refusal(With(R"("caps":{"contacts":-1})")),
            "policy: caps.contacts must be a whole number from 0 to 1000000");
  EXPECT_EQ(Refusal(With(R"("bonusItems":["adoption"])")).substr(0, 45),
            "policy: bonusItems: unknown item \"adoption\" (");
  EXPECT_EQ(Refusal(With(R"("bonusCap":5)")), "policy: bonusCap needs bonusItems");
  EXPECT_EQ(Refusal(With(R"("cap":{"contacts":5})")), "policy: unknown key \"cap\"");
  EXPECT_EQ(Refusal(With(R"("grades":[{"grade":"","min":0}])")),
            "policy: grades[0].grade must be a name of 1 to 60 bytes");
  EXPECT_EQ(Refusal(With(R"("grades":[])")).substr(0, 30), "policy: \"grades\" must be an ar");
  EXPECT_EQ(Refusal(R"({"licensedDays":90})"), "policy: \"inactiveWindowDays\" is missing");
  EXPECT_EQ(Refusal(With(R"("contactPoints":1)")), "policy: \"contactPoints\" given twice");
  std::string negative = kDefaultJson;
  negative.replace(negative.find("\"contactPoints\":1"), 17, "\"contactPoints\":-1");
  EXPECT_EQ(Refusal(negative),
            "policy: \"contactPoints\" must be a whole number from 0 to 1000000");
  EXPECT_EQ(Refusal("[1]"), "policy: expected a JSON object");
}

// The views use the one score function: the member view's score is its total, the member's
// record shows each item before and after its cap.
TEST(ScoreTest, TheMemberViewAndRecordScoreWithThePolicysCapsBaseAndBonus) {
  ViewsLedger t;
  t.set_policy(Published());
  for (int i = 0; i < 12; ++i) {
    t.Add(ContactAt("c" + std::to_string(i),
                    "2025-04-0" + std::to_string(1 + i % 9) + "T10:00:00+08:00", "S01", "M1"));
  }
  t.Add(SuggestionAt("g1", "2025-04-10T10:00:00+08:00", "G1", "S01", "M1"));
  t.Add(AdoptedAt("g1a", "2025-04-20T10:00:00+08:00", "G1"));
  // 40 base + contacts 12 cut at 10 + suggestion 2 + adoption bonus 5.
  EXPECT_EQ(t.Score("M1"), R"({"2025":57})");
  std::string record;
  ASSERT_TRUE(t.views().MemberRecord(t.ledger(), "M1", "2025", At(kR), Published(), &record).ok());
  EXPECT_EQ(JsonAt(record, "score/total"), "57");
  EXPECT_EQ(JsonAt(record, "score/grade"), "\"不称职\"");
  EXPECT_EQ(JsonAt(record, "score/items/0"),
            R"({"item":"contacts","count":12,"weight":1,"points":10,"pointsBeforeCap":12,)"
            R"("cap":10,"bonus":false})");
  EXPECT_EQ(JsonAt(record, "score/bonus"), "5");
  EXPECT_EQ(JsonAt(record, "activities/0/item"), "\"contacts\"");
  // The default policy: 12 + 2 + 3.
  t.set_policy(Policy{});
  EXPECT_EQ(t.Score("M1"), R"({"2025":17})");
}

}  // namespace
}  // namespace wulian
