// The member's annual file against the views it is built from (real RocksDB, real ledger):
// its score is the member's record for that year, under the default policy and under a
// published-style one (items before and after their caps, base, bonus, grade); studios and
// committees by name; only the year's activities; anchored to the views' head with a signed
// head that verifies.
#include "memberfile/member_file.h"

#include <gtest/gtest.h>

#include "events/signing.h"
#include "tests/projections/support.h"

namespace wulian {
namespace {

using memberfile::BuildMemberFile;
using memberfile::MemberFile;
using projections::Policy;
using namespace testing;

constexpr char kPublished[] =
    R"({"licensedDays":90,"inactiveWindowDays":90,"overdueCaseDays":30,"lateWindowDays":90,)"
    R"("lateMinEvents":5,"latePercent":20,"lateDelayDays":7,"contactPoints":1,)"
    R"("consultationPoints":2,"researchPoints":3,"suggestionPoints":2,"caseResolvedPoints":2,)"
    R"("suggestionAdoptedPoints":5,"basePoints":40,"caps":{"contacts":3,"research":3},)"
    R"("bonusItems":["adopted"],"bonusCap":10,)"
    R"("grades":[{"grade":"优秀","min":85},{"grade":"称职","min":60},{"grade":"不称职","min":0}]})";

// M1's 2025: 5 contacts, a research trip, a forum, a suggestion adopted, a case resolved;
// and a contact in 2024 and in 2026 that the 2025 file leaves out.
void History(ViewsLedger& t) {
  t.Add(ContactAt("c0", "2024-12-31T23:00:00+08:00"));
  for (int i = 1; i <= 5; ++i)
    t.Add(ContactAt("c" + std::to_string(i), "2025-04-0" + std::to_string(i) + "T10:00:00+08:00"));
  t.Add(ConsultationAt("h1", "2025-04-10T10:00:00+08:00", "S01", "M1", "research"));
  t.Add(ConsultationAt("h2", "2025-04-11T10:00:00+08:00", "S01", "M1", "forum"));
  t.Add(SuggestionAt("g1", "2025-04-12T10:00:00+08:00", "G1"));
  t.Add(AdoptedAt("g1a", "2025-05-01T10:00:00+08:00", "G1"));
  t.Add(CaseOpenedAt("k1", "2025-05-02T10:00:00+08:00", "K1", "S01", "M1"));
  t.Add(CaseResolvedAt("k1r", "2025-05-03T10:00:00+08:00", "K1"));
  t.Add(ContactAt("c9", "2026-01-01T00:00:00+08:00"));
}

Policy Published() {
  Policy p;
  EXPECT_TRUE(Policy::FromJson(kPublished, &p).ok());
  return p;
}

MemberFile Build(ViewsLedger& t, const Policy& policy, const SigningKey* key = nullptr) {
  MemberFile f;
  Status s = BuildMemberFile(t.ledger(), t.views(), policy, "M1", "2025", key, &f);
  EXPECT_TRUE(s.ok()) << s.message();
  return f;
}

void ExpectScoreIsTheRecords(ViewsLedger& t, const Policy& policy) {
  const MemberFile f = Build(t, policy);
  std::string record;
  ASSERT_TRUE(t.views().MemberRecord(t.ledger(), "M1", "2025", At(kR), policy, &record).ok());
  EXPECT_EQ(std::to_string(f.score.total), JsonAt(record, "score/total"));
  EXPECT_EQ(std::to_string(f.score.bonus), JsonAt(record, "score/bonus"));
  EXPECT_EQ(f.score.grade ? "\"" + *f.score.grade + "\"" : "null", JsonAt(record, "score/grade"));
  for (size_t i = 0; i < projections::kScoreItems; ++i) {
    const std::string at = "score/items/" + std::to_string(i) + "/";
    EXPECT_EQ(std::to_string(f.score.items[i].points), JsonAt(record, at + "points"));
    EXPECT_EQ(std::to_string(f.score.items[i].points_before_cap),
              JsonAt(record, at + "pointsBeforeCap"));
  }
  // And the member view's score of the year.
  t.set_policy(policy);
  EXPECT_EQ(JsonAt(t.Score("M1"), "2025"), std::to_string(f.score.total));
  // The same activities, in the same order.
  ASSERT_EQ(JsonAt(record, "activities/" + std::to_string(f.activities.size())), "<missing>");
  for (size_t i = 0; i < f.activities.size(); ++i) {
    EXPECT_EQ(JsonAt(record, "activities/" + std::to_string(i) + "/seq"),
              std::to_string(f.activities[i].seq));
  }
}

TEST(MemberFileTest, TheScoreIsTheMembersRecordForThatYearUnderEitherPolicy) {
  ViewsLedger t;
  History(t);
  ExpectScoreIsTheRecords(t, Policy{});
  ExpectScoreIsTheRecords(t, Published());
  EXPECT_EQ(Build(t, Policy{}).score.total, 5 + 3 + 2 + 2 + 3 + 3);
}

TEST(MemberFileTest, CapsAreShownBeforeAndAfterWithBaseBonusAndGrade) {
  ViewsLedger t;
  History(t);
  const MemberFile f = Build(t, Published());
  const auto& contacts = f.score.items[0];
  EXPECT_EQ(contacts.points_before_cap, 5);
  EXPECT_EQ(contacts.points, 3);
  // 40 + contacts 3 + consultation 2 + research 3 + suggestion 2 + resolved 2, bonus 5.
  EXPECT_EQ(f.score.total, 40 + 3 + 2 + 3 + 2 + 2 + 5);
  EXPECT_EQ(f.score.grade, "不称职");  // below 60
  const std::string json = memberfile::MemberFileJson(f);
  EXPECT_NE(json.find(R"({"item":"contacts","label":"联系群众","count":5,"weight":1,)"
                      R"("pointsBeforeCap":5,"cap":3,"points":3,"bonus":false,)"
                      R"("rule":"联系群众 每次 1 分，年度上限 3 分"})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("base":40,"itemsPoints":12,"bonusBeforeCap":5,"bonusCap":10,"bonus":5,)"
                      R"("total":57,"grade":"不称职"})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("rules":["基础分 40 分",)"), std::string::npos);
  // The document says the item was cut.
  const std::string html = documents::RenderHtml(memberfile::MemberFileDocument(f));
  EXPECT_NE(html.find("联系群众 每次 1 分，年度上限 3 分（已按上限封顶）"), std::string::npos);
  EXPECT_NE(html.find("<dt>等次</dt><dd>不称职</dd>"), std::string::npos);
}

TEST(MemberFileTest, ProfileStudiosCommitteesByNameAndOnlyTheYearsActivities) {
  ViewsLedger t;
  History(t);
  const MemberFile f = Build(t, Policy{});
  EXPECT_EQ(f.name, "张三");
  EXPECT_EQ(f.sector, "经济界");
  ASSERT_EQ(f.studios.size(), 1u);
  EXPECT_EQ(f.studios[0].name, "鱼洞街道委员工作室");
  ASSERT_EQ(f.committees.size(), 1u);
  EXPECT_EQ(f.committees[0].name, "经济委");
  ASSERT_EQ(f.activities.size(), 11u);  // 5 + 2 + 1 + 1 + opening + resolution
  EXPECT_EQ(f.activities.front().date, "2025-04-01");
  EXPECT_EQ(f.activities.front().kind, "联系群众");
  EXPECT_EQ(f.activities.front().studio.name, "鱼洞街道委员工作室");
  EXPECT_EQ(f.activities[5].kind, "调研");
  EXPECT_EQ(f.activities.back().kind, "化解矛盾（办结）");
  EXPECT_EQ(f.activities.back().points, 3);
}

TEST(MemberFileTest, TheFileIsAnchoredToTheViewsHeadWithASignedHeadThatVerifies) {
  ViewsLedger t;
  History(t);
  std::unique_ptr<SigningKey> key;
  ASSERT_TRUE(SigningKey::Create(t.dir() + "/key.pem", &key).ok());
  const MemberFile f = Build(t, Policy{}, key.get());
  const Head head = t.ledger().GetHead();
  EXPECT_EQ(f.head.seq, head.seq);
  EXPECT_EQ(f.head.root, ToHex(head.root));
  EXPECT_EQ(f.head.chain, ToHex(head.chain));
  EXPECT_EQ(f.head.recorded_at, "2026-01-01T00:00:00+08:00");
  TreeHead signed_head;
  ASSERT_TRUE(ParseTreeHead(f.head.signed_head, &signed_head).ok()) << f.head.signed_head;
  EXPECT_EQ(signed_head.size, head.seq);
  EXPECT_EQ(signed_head.root, head.root);
  EXPECT_TRUE(VerifyTreeHead(signed_head, key->public_key()));
  EXPECT_EQ(memberfile::CheckCommands(f.head)[0].rfind(
                "wulian head --size " + std::to_string(head.seq) + " ", 0),
            0u);
  EXPECT_EQ(memberfile::MemberFilePdfOptions(f).date, "2026-01-01T00:00:00+08:00");
}

TEST(MemberFileTest, AnUnknownMemberOrABadYearIsRefused) {
  ViewsLedger t;
  MemberFile f;
  EXPECT_EQ(BuildMemberFile(t.ledger(), t.views(), Policy{}, "M99", "2025", nullptr, &f).code(),
            Code::kNotFound);
  EXPECT_EQ(BuildMemberFile(t.ledger(), t.views(), Policy{}, "M1", "25", nullptr, &f).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(BuildMemberFile(t.ledger(), t.views(), Policy{}, "M1", "20x5", nullptr, &f).code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace wulian
