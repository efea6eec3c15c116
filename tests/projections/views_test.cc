// The views of SPEC §5: hand-computed studio, member, committee and overview views, every
// flag at its boundaries, corrections and retractions, incremental catch-up against a full
// rebuild, and catch-up or rebuild killed with SIGKILL.
#include "projections/views.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "base/time.h"
#include "projections/state.h"
#include "tests/projections/support.h"
#include "tests/support.h"
#include "tests/tools/runner.h"
#include "tools/demo.h"

namespace wulian {
namespace {

using projections::Policy;
using projections::Views;
using namespace testing;  // event lines: ContactAt, CaseOpenedAt, Correct, …

constexpr char kNoFlags[] = "[]";
constexpr char kZeroTotals[] =
    R"({"contacts":0,"peopleReached":0,"consultations":0,"casesOpened":0,"casesResolved":0,"casesOpen":0,)"
    R"("suggestions":0,"suggestionsAdopted":0,"rules":0,"visits":0,"findingsOpen":0,"findingsRectified":0})";

// S03: licensed on 2025-03-01, lead M3, committee LIA.
std::string LicenseS03() {
  return Event("s3", "StudioLicensed",
               data::Studio("S03", "新区工作室", "locality", "M3", "LIA", "2025-03-01"),
               "2025-03-01T09:00:00+08:00");
}

// A studio S01 that flags nothing at kR: a rule and recent activity.
void Quiet(ViewsLedger& t) {
  t.Add(RuleAt("quiet-rule", "2025-03-01T10:00:00+08:00", "R0"));
  t.Add(ContactAt("quiet-contact", "2025-06-01T10:00:00+08:00"));
}

// Members joining `studio` early (2024-11-10), so that its activity may list them.
void Join(ViewsLedger& t, std::initializer_list<const char*> members,
          const std::string& studio = "S01") {
  for (const char* m : members) {
    t.Add(JoinAt(std::string("early-") + m + "-" + studio, "2024-11-10T09:00:00+08:00", m, studio));
  }
}

// ------------------------------------------------------------------ hand-computed views

// A history touching every field of the studio, member, committee and overview views.
void RichHistory(ViewsLedger& t) {
  t.Add(JoinAt("j1", "2025-03-10T09:00:00+08:00", "M2"));
  t.Add(JoinAt("j2", "2025-03-10T09:10:00+08:00", "M3"));
  t.Add(LeaveAt("l1", "2025-03-20T09:00:00+08:00", "M3"));
  t.Add(RuleAt("ru1", "2025-03-21T09:00:00+08:00", "R1"));
  t.Add(ContactAt("c1", "2025-03-31T23:30:00+08:00", "S01", "M1", 25));  // 15:30Z: still March
  t.Add(ContactAt("c2", "2025-04-02T10:00:00+08:00", "S01", "M2,M1", 5));
  t.Add(ConsultationAt("h1", "2025-04-03T10:00:00+08:00", "S01", "M1", "meeting"));
  t.Add(CaseOpenedAt("k1", "2025-04-10T10:00:00+08:00", "K1", "S01", "M1"));
  t.Add(CaseResolvedAt("k1r", "2025-04-12T22:00:00+08:00", "K1", "resolved"));  // 2.5 days
  t.Add(CaseOpenedAt("k3", "2025-04-21T10:00:00+08:00", "K3", "S01", "M1"));
  t.Add(CaseResolvedAt("k3r", "2025-04-22T10:00:00+08:00", "K3", "withdrawn"));
  t.Add(SuggestionAt("g1", "2025-04-25T10:00:00+08:00", "G1", "S01", "M1,M2"));
  t.Add(AdoptedAt("g1a", "2025-05-05T10:00:00+08:00", "G1"));  // May has only this adoption
  t.Add(SuggestionAt("g2", "2025-06-01T10:00:00+08:00", "G2", "S01", "M2"));
  t.Add(VisitAt("v1", "2025-06-02T10:00:00+08:00", "V1"));
  t.Add(FindingAt("f1", "2025-06-02T11:00:00+08:00", "F1", "2025-07-31"));
  t.Add(FindingAt("f2", "2025-06-02T11:10:00+08:00", "F2", "2025-08-31"));
  t.Add(RectifiedAt("f2r", "2025-06-05T10:00:00+08:00", "F2"));
  t.Add(CaseOpenedAt("k2", "2025-06-10T10:00:00+08:00", "K2", "S01", "M2"));
}

constexpr char kRichTotals[] =
    R"({"contacts":2,"peopleReached":30,"consultations":1,"casesOpened":3,"casesResolved":1,"casesOpen":1,)"
    R"("suggestions":2,"suggestionsAdopted":1,"rules":1,"visits":1,"findingsOpen":1,"findingsRectified":1})";

TEST(StudioViewTest, ShowsEveryField) {
  ViewsLedger t;
  RichHistory(t);
  EXPECT_EQ(
      t.Studio("S01"),
      std::string(
          R"({"id":"S01","name":"鱼洞街道委员工作室","linkType":"locality","status":"active",)"
          R"("leadMember":"M1","committee":"C1","partyOrg":"鱼洞街道党工委","town":"鱼洞街道",)"
          R"("batch":1,"licensedOn":"2024-11-08","members":["M1","M2"],"totals":)") +
          kRichTotals +
          R"(,"lastActivityAt":"2025-06-10T10:00:00+08:00","medianDaysToResolve":2.5,"byMonth":{)"
          R"("2025-03":{"contacts":1,"peopleReached":25,"consultations":0,"casesOpened":0,"casesResolved":0,"suggestions":0},)"
          R"("2025-04":{"contacts":1,"peopleReached":5,"consultations":1,"casesOpened":2,"casesResolved":1,"suggestions":1},)"
          R"("2025-05":{"contacts":0,"peopleReached":0,"consultations":0,"casesOpened":0,"casesResolved":0,"suggestions":0},)"
          R"("2025-06":{"contacts":0,"peopleReached":0,"consultations":0,"casesOpened":1,"casesResolved":0,"suggestions":1}},)"
          R"("flags":[]})");
}

// Instants are compared as instants and printed in +08:00, whatever offset they were sent in.
TEST(StudioViewTest, OffsetsAreNormalisedToTheLedgerTimeZone) {
  ViewsLedger t;
  Join(t, {"M2"});
  t.Add(ContactAt("c1", "2025-03-31T16:30:00Z"));       // 2025-04-01T00:30:00+08:00
  t.Add(ContactAt("c2", "2025-04-30T11:30:00-05:00"));  // 2025-05-01T00:30:00+08:00
  t.Add(ContactAt("c3", "2025-04-30T23:59:59.250+08:00"), "2025-05-01T00:30:00+08:00");
  const std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-03"), "<missing>");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-04/contacts"), "2");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-05/contacts"), "1");
  EXPECT_EQ(JsonAt(s, "lastActivityAt"), "\"2025-05-01T00:30:00+08:00\"");
  EXPECT_EQ(JsonAt(t.Member("M1"), "lastActivityAt"), "\"2025-05-01T00:30:00+08:00\"");
  // Years too: 2024-12-31T16:30:00Z is already 2025 in +08:00.
  t.Add(ContactAt("c4", "2024-12-31T16:30:00Z", "S01", "M2"), "2025-05-01T00:30:00+08:00");
  EXPECT_EQ(t.Score("M2"), R"({"2025":1})");
}

TEST(StudioViewTest, AStudioWithoutActivityHasNullsAndEmptyMonths) {
  ViewsLedger t;
  RichHistory(t);
  EXPECT_EQ(
      t.Studio("S02"),
      std::string(
          R"({"id":"S02","name":"商贸物流委员工作室","linkType":"industry","status":"active",)"
          R"("leadMember":"M2","committee":"C1","partyOrg":"区商务委党组","town":null,)"
          R"("batch":1,"licensedOn":"2024-11-08","members":["M2"],"totals":)") +
          kZeroTotals +
          R"(,"lastActivityAt":null,"medianDaysToResolve":null,"byMonth":{},"flags":["INACTIVE","NO_RULES"]})");
}

TEST(StudioViewTest, StudiosListsEveryStudioSortedWithItsAsOf) {
  ViewsLedger t;
  RichHistory(t);
  t.Add(LicenseS03());
  std::string json;
  ASSERT_TRUE(t.views().Studios(At(kR), Policy{}, &json).ok());
  EXPECT_EQ(JsonAt(json, "0/id"), "\"S01\"");
  EXPECT_EQ(JsonAt(json, "1/id"), "\"S02\"");
  EXPECT_EQ(JsonAt(json, "2/id"), "\"S03\"");
  EXPECT_EQ(JsonAt(json, "3"), "<missing>");
  EXPECT_EQ(WithoutAsOf(JsonAt(json, "0")), t.Studio("S01"));
  EXPECT_EQ(JsonAt(json, "2/asOf/seq"), std::to_string(t.ledger().GetHead().seq));
}

TEST(StudioViewTest, UnknownIdsAreNotFound) {
  ViewsLedger t;
  std::string json;
  EXPECT_EQ(t.views().Studio("S99", At(kR), Policy{}, &json).code(), Code::kNotFound);
  EXPECT_EQ(t.views().Member("M99", Policy{}, &json).code(), Code::kNotFound);
  EXPECT_EQ(t.views().Committee("C99", At(kR), Policy{}, &json).code(), Code::kNotFound);
}

TEST(StudioViewTest, MedianDaysToResolveCountsOnlyResolvedCases) {
  ViewsLedger t;
  EXPECT_EQ(JsonAt(t.Studio("S01"), "medianDaysToResolve"), "null");
  t.Add(CaseOpenedAt("k1", "2025-04-01T10:00:00+08:00", "K1"));
  t.Add(CaseOpenedAt("k2", "2025-04-01T11:00:00+08:00", "K2"));
  t.Add(CaseOpenedAt("k3", "2025-04-01T12:00:00+08:00", "K3"));
  t.Add(CaseOpenedAt("k4", "2025-04-01T13:00:00+08:00", "K4"));
  t.Add(CaseOpenedAt("k5", "2025-04-01T14:00:00+08:00", "K5"));
  t.Add(CaseResolvedAt("k3r", "2025-04-01T18:00:00+08:00", "K3"));  // 0.25 days
  t.Add(CaseResolvedAt("k1r", "2025-04-02T22:00:00+08:00", "K1"));  // 1.5 days
  t.Add(CaseResolvedAt("k2r", "2025-04-04T11:00:00+08:00", "K2"));  // 3 days
  t.Add(CaseResolvedAt("k4r", "2025-04-11T13:00:00+08:00", "K4",
                       "referred"));  // 10 days: not counted
  t.Add(CaseResolvedAt("k5r", "2025-04-11T14:00:00+08:00", "K5",
                       "withdrawn"));  // 10 days: not counted
  std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "medianDaysToResolve"), "1.5");  // odd count: the middle one
  EXPECT_EQ(JsonAt(s, "totals/casesOpened"), "5");
  EXPECT_EQ(JsonAt(s, "totals/casesResolved"), "3");
  EXPECT_EQ(JsonAt(s, "totals/casesOpen"), "0");  // closed by any outcome
  t.Add(CaseOpenedAt("k6", "2025-04-12T10:00:00+08:00", "K6"));
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/casesOpen"), "1");
  t.Add(CaseResolvedAt("k6r", "2025-04-16T10:00:00+08:00", "K6"));  // 4 days
  s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "medianDaysToResolve"), "2.25");  // even count: (1.5 + 3) / 2
  EXPECT_EQ(JsonAt(s, "byMonth/2025-04/casesResolved"), "4");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-04/casesOpened"), "6");
}

TEST(MemberViewTest, ShowsEveryField) {
  ViewsLedger t;
  RichHistory(t);
  // M1: contacts 2×1, consultation 2, suggestion G1 2, K1 resolved 3, G1 adopted 3; K3 withdrawn.
  EXPECT_EQ(t.Member("M1"),
            R"({"id":"M1","name":"张三","sector":"经济界","committees":["C1"],"studios":["S01"],)"
            R"("totals":{"contacts":2,"consultations":1,"cases":2,"suggestions":1},)"
            R"("lastActivityAt":"2025-04-25T10:00:00+08:00","score":{"2025":12}})");
  // M2: contact 1, suggestions G1 and G2 2×2, G1 adopted 3; the open case K2 earns nothing yet.
  EXPECT_EQ(
      t.Member("M2"),
      R"({"id":"M2","name":"李四","sector":"农业界","committees":["C1"],"studios":["S01","S02"],)"
      R"("totals":{"contacts":1,"consultations":0,"cases":1,"suggestions":2},)"
      R"("lastActivityAt":"2025-06-10T10:00:00+08:00","score":{"2025":8}})");
  // M3 joined and left S01 and is listed on nothing.
  EXPECT_EQ(t.Member("M3"),
            R"({"id":"M3","name":"王五","sector":"教育界","committees":[],"studios":[],)"
            R"("totals":{"contacts":0,"consultations":0,"cases":0,"suggestions":0},)"
            R"("lastActivityAt":null,"score":{}})");
}

// Points go to the year (+08:00) of the earning event: the resolution, the adoption.
TEST(MemberViewTest, ScoreFollowsThePolicyWeightsAndTheYearOfTheEarningEvent) {
  ViewsLedger t;
  Join(t, {"M2"});
  t.Add(SuggestionAt("g1", "2024-12-15T10:00:00+08:00", "G1", "S01", "M1"));          // 2024: 2
  t.Add(CaseOpenedAt("k1", "2024-12-20T10:00:00+08:00", "K1", "S01", "M1,M2"));       // nothing yet
  t.Add(ConsultationAt("h1", "2024-12-31T23:30:00+08:00", "S01", "M1", "research"));  // 2024: 3
  t.Add(ContactAt("c1", "2025-01-01T00:30:00+08:00", "S01", "M1"));  // 2025: 1 (16:30Z)
  t.Add(CaseResolvedAt("k1r", "2025-01-05T10:00:00+08:00", "K1"));   // 2025: 3 each
  t.Add(CaseOpenedAt("k2", "2025-01-10T10:00:00+08:00", "K2", "S01", "M2"));
  t.Add(CaseResolvedAt("k2r", "2025-01-11T10:00:00+08:00", "K2", "referred"));     // nothing
  t.Add(AdoptedAt("g1a", "2025-02-01T10:00:00+08:00", "G1"));                      // 2025: 3
  t.Add(ConsultationAt("h2", "2025-02-02T10:00:00+08:00", "S01", "M2", "forum"));  // 2025: 2
  EXPECT_EQ(t.Score("M1"), R"({"2024":5,"2025":7})");
  EXPECT_EQ(t.Score("M2"), R"({"2025":5})");
  EXPECT_EQ(t.Score("M3"), "{}");
  EXPECT_EQ(JsonAt(t.Member("M2"), "totals"),
            R"({"contacts":0,"consultations":1,"cases":2,"suggestions":0})");
}

TEST(MemberViewTest, TotalsCountOnlyActivityListingTheMember) {
  ViewsLedger t;
  Join(t, {"M2"});
  Join(t, {"M1"}, "S02");
  t.Add(ContactAt("c1", "2025-04-01T10:00:00+08:00", "S01", "M1"));
  t.Add(ContactAt("c2", "2025-04-02T10:00:00+08:00", "S01", "M2"));  // M1's studio, not M1
  t.Add(SuggestionAt("g1", "2025-04-03T10:00:00+08:00", "G1", "S01", "M2"));
  t.Add(AdoptedAt("g1a", "2025-04-20T10:00:00+08:00", "G1"));        // lists nobody
  t.Add(ContactAt("c3", "2025-04-05T10:00:00+08:00", "S02", "M1"));  // another studio
  const std::string m1 = t.Member("M1");
  EXPECT_EQ(JsonAt(m1, "totals"), R"({"contacts":2,"consultations":0,"cases":0,"suggestions":0})");
  EXPECT_EQ(JsonAt(m1, "lastActivityAt"), "\"2025-04-05T10:00:00+08:00\"");
  EXPECT_EQ(JsonAt(t.Member("M2"), "lastActivityAt"), "\"2025-04-03T10:00:00+08:00\"");
  EXPECT_EQ(JsonAt(t.Studio("S01"), "lastActivityAt"), "\"2025-04-20T10:00:00+08:00\"");
}

TEST(MemberViewTest, StudiosAreThoseWhoseCurrentMembersIncludeThemWhateverTheirStatus) {
  ViewsLedger t;
  t.Add(JoinAt("j1", "2025-03-10T09:00:00+08:00", "M3"));
  t.Add(JoinAt("j2", "2025-03-10T09:00:00+08:00", "M3", "S02"));
  t.Add(JoinAt("j3", "2025-03-10T09:00:00+08:00", "M1", "S02"));
  t.Add(LeaveAt("l1", "2025-03-11T09:00:00+08:00", "M1", "S02"));
  t.Add(StatusAt("st1", "2025-03-12T09:00:00+08:00", "suspended", "S01"));
  t.Add(StatusAt("st2", "2025-03-12T09:00:00+08:00", "revoked", "S02"));
  EXPECT_EQ(JsonAt(t.Member("M3"), "studios"), R"(["S01","S02"])");
  EXPECT_EQ(JsonAt(t.Member("M1"), "studios"), R"(["S01"])");
  EXPECT_EQ(JsonAt(t.Member("M2"), "studios"), R"(["S02"])");
  EXPECT_EQ(JsonAt(t.Studio("S02"), "members"), R"(["M2","M3"])");
  // A member may leave and join again.
  ViewsLedger u;
  u.Add(JoinAt("j1", "2025-03-10T09:00:00+08:00", "M3"));
  u.Add(LeaveAt("l1", "2025-03-11T09:00:00+08:00", "M3"));
  EXPECT_EQ(JsonAt(u.Member("M3"), "studios"), "[]");
  u.Add(JoinAt("j2", "2025-03-12T09:00:00+08:00", "M3"));
  EXPECT_EQ(JsonAt(u.Member("M3"), "studios"), R"(["S01"])");
  EXPECT_EQ(JsonAt(u.Studio("S01"), "members"), R"(["M1","M3"])");
}

TEST(CommitteeViewTest, ShowsEveryField) {
  ViewsLedger t;
  RichHistory(t);
  EXPECT_EQ(t.Committee("C1"),
            std::string(R"({"id":"C1","name":"经济委","supervises":false,"studios":["S01","S02"],)"
                        R"("members":["M1","M2"],"totals":)") +
                kRichTotals + R"(,"findingsOpen":1,"flaggedStudios":["S02"]})");
  EXPECT_EQ(t.Committee("LIA"),
            std::string(R"({"id":"LIA","name":"联络委","supervises":true,"studios":[],)"
                        R"("members":[],"totals":)") +
                kZeroTotals + R"(,"findingsOpen":0,"flaggedStudios":[]})");
}

TEST(CommitteeViewTest, StudiosIncludeSuspendedAndRevokedOnes) {
  ViewsLedger t;
  t.Add(LicenseS03());
  t.Add(FindingAt("f1", "2025-03-02T10:00:00+08:00", "F1", "2025-05-01", "S01"));
  t.Add(FindingAt("f2", "2025-03-02T10:00:00+08:00", "F2", "2025-09-01", "S02"));
  t.Add(FindingAt("f3", "2025-03-02T10:00:00+08:00", "F3", "2025-05-01", "S03"));
  t.Add(StatusAt("st1", "2025-03-12T09:00:00+08:00", "suspended", "S01"));
  t.Add(StatusAt("st2", "2025-03-12T09:00:00+08:00", "revoked", "S02"));
  const std::string c1 = t.Committee("C1");
  EXPECT_EQ(JsonAt(c1, "studios"), R"(["S01","S02"])");
  EXPECT_EQ(JsonAt(c1, "totals/findingsOpen"), "2");
  EXPECT_EQ(JsonAt(c1, "findingsOpen"), "2");
  // The suspended S01 keeps its flags; the revoked S02 has none.
  EXPECT_EQ(JsonAt(c1, "flaggedStudios"), R"(["S01"])");
  EXPECT_EQ(JsonAt(t.Studio("S01"), "status"), "\"suspended\"");
  EXPECT_EQ(t.Flags("S01"), R"(["INACTIVE","NO_RULES","OVERDUE_FINDINGS"])");
  EXPECT_EQ(JsonAt(t.Studio("S02"), "status"), "\"revoked\"");
  EXPECT_EQ(t.Flags("S02"), kNoFlags);
  const std::string lia = t.Committee("LIA");
  EXPECT_EQ(JsonAt(lia, "studios"), R"(["S03"])");
  EXPECT_EQ(JsonAt(lia, "findingsOpen"), "1");
  EXPECT_EQ(JsonAt(lia, "flaggedStudios"), R"(["S03"])");
  EXPECT_EQ(t.Flags("S03"), R"(["INACTIVE","NO_RULES","OVERDUE_FINDINGS"])");
}

TEST(OverviewViewTest, ShowsEveryField) {
  ViewsLedger t;
  RichHistory(t);
  EXPECT_EQ(
      t.Overview(),
      R"({"events":26,"studios":2,"members":3,"committees":2,)"
      R"("byLinkType":{"industry":1,"interest":0,"locality":1,"professional":0,"sector":0},)"
      R"("byFlag":{"INACTIVE":1,"LATE_RECORDING":0,"NO_RULES":1,"OVERDUE_CASES":0,"OVERDUE_FINDINGS":0}})");
}

TEST(OverviewViewTest, AnEmptyLedgerListsAllFiveKeys) {
  testing::TestLedger ledger;
  std::unique_ptr<Views> views;
  ASSERT_TRUE(Views::Open(ledger.dir() + "/views", &views).ok());
  ASSERT_TRUE(views->CatchUp(ledger.ledger()).ok());
  std::string json;
  ASSERT_TRUE(views->Overview(At(kR), Policy{}, &json).ok());
  EXPECT_EQ(
      json,
      R"({"events":0,"studios":0,"members":0,"committees":0,)"
      R"("byLinkType":{"industry":0,"interest":0,"locality":0,"professional":0,"sector":0},)"
      R"("byFlag":{"INACTIVE":0,"LATE_RECORDING":0,"NO_RULES":0,"OVERDUE_CASES":0,"OVERDUE_FINDINGS":0},)"
      R"("asOf":{"seq":0,"chain":"0000000000000000000000000000000000000000000000000000000000000000"}})");
}

// ------------------------------------------------------------------ flags

// "Licensed more than 90 days before R": licensedOn at 00:00 +08:00 < R − 90 days.
TEST(FlagsTest, InactiveAndNoRulesWaitNinetyDaysAfterTheLicence) {
  ViewsLedger t;
  t.Add(LicenseS03());  // licensedOn 2025-03-01 → 2025-03-01T00:00:00+08:00 + 90 days:
  const int64_t r = At("2025-05-30T00:00:00+08:00");
  EXPECT_EQ(t.Flags("S03", "2025-05-29T23:59:59+08:00"), kNoFlags);
  std::string json;
  ASSERT_TRUE(t.views().Studio("S03", r, Policy{}, &json).ok());
  EXPECT_EQ(JsonAt(json, "flags"), kNoFlags);
  ASSERT_TRUE(t.views().Studio("S03", r + 1, Policy{}, &json).ok());
  EXPECT_EQ(JsonAt(json, "flags"), R"(["INACTIVE","NO_RULES"])");
  // A rule clears NO_RULES; activity clears INACTIVE.
  t.Add(RuleAt("ru", "2025-06-01T10:00:00+08:00", "R1", "S03"));
  EXPECT_EQ(t.Flags("S03"), R"(["INACTIVE"])");
  t.Add(ContactAt("c1", "2025-06-02T10:00:00+08:00", "S03", "M3"));
  EXPECT_EQ(t.Flags("S03"), kNoFlags);
}

// INACTIVE looks at activity with occurredAt in [R − 90 days, R], both ends included.
TEST(FlagsTest, InactiveWindowIncludesBothEnds) {
  ViewsLedger t;
  t.Add(RuleAt("ru", "2025-03-01T10:00:00+08:00", "R1"));
  const int64_t contact = At("2025-04-01T12:00:00+08:00");
  t.Add(ContactAt("c1", "2025-04-01T12:00:00+08:00"));
  auto flags = [&](int64_t r) {
    std::string json;
    EXPECT_TRUE(t.views().Studio("S01", r, Policy{}, &json).ok());
    return JsonAt(json, "flags");
  };
  EXPECT_EQ(flags(contact + 90 * kDay), kNoFlags);
  EXPECT_EQ(flags(contact + 90 * kDay + 1), R"(["INACTIVE"])");
  EXPECT_EQ(flags(contact), kNoFlags);
  EXPECT_EQ(flags(contact - 1), R"(["INACTIVE"])");  // activity after R does not count
}

// Any kind of activity counts, a resolution or an adoption too; supervision does not.
TEST(FlagsTest, EveryKindOfActivityKeepsAStudioActive) {
  ViewsLedger t;
  t.Add(CaseOpenedAt("k1", "2025-01-10T10:00:00+08:00", "K1", "S02", "M2"));
  t.Add(SuggestionAt("g1", "2025-01-10T10:00:00+08:00", "G1", "S01", "M1"));
  t.Add(RuleAt("ru", "2025-03-01T10:00:00+08:00", "R1"));
  t.Add(VisitAt("v1", "2025-05-01T10:00:00+08:00", "V1"));
  t.Add(FindingAt("f1", "2025-05-01T11:00:00+08:00", "F1", "2025-12-31"));
  t.Add(RectifiedAt("f1r", "2025-05-02T10:00:00+08:00", "F1"));
  EXPECT_EQ(t.Flags("S01"), R"(["INACTIVE"])");
  EXPECT_EQ(t.Flags("S02"), R"(["INACTIVE","NO_RULES","OVERDUE_CASES"])");
  t.Add(CaseResolvedAt("k1r", "2025-05-01T10:00:00+08:00", "K1", "withdrawn", "S02"));
  t.Add(AdoptedAt("g1a", "2025-05-01T10:00:00+08:00", "G1"));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
  EXPECT_EQ(t.Flags("S02"), R"(["NO_RULES"])");
}

// OVERDUE_CASES: a case opened more than 30 days before R is still open.
TEST(FlagsTest, OverdueCasesAfterMoreThanThirtyDays) {
  ViewsLedger t;
  Quiet(t);
  const int64_t opened = At("2025-05-01T10:00:00+08:00");
  t.Add(CaseOpenedAt("k1", "2025-05-01T10:00:00+08:00", "K1"));
  std::string json;
  ASSERT_TRUE(t.views().Studio("S01", opened + 30 * kDay, Policy{}, &json).ok());
  EXPECT_EQ(JsonAt(json, "flags"), kNoFlags);
  ASSERT_TRUE(t.views().Studio("S01", opened + 30 * kDay + 1, Policy{}, &json).ok());
  EXPECT_EQ(JsonAt(json, "flags"), R"(["OVERDUE_CASES"])");
  // Any outcome closes the case.
  t.Add(CaseResolvedAt("k1r", "2025-06-20T10:00:00+08:00", "K1", "referred"));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
}

// OVERDUE_FINDINGS: dueOn is before R's date in +08:00.
TEST(FlagsTest, OverdueFindingsComparesDatesInTheLedgerTimeZone) {
  ViewsLedger t;
  Quiet(t);
  t.Add(FindingAt("f1", "2025-06-02T10:00:00+08:00", "F1", "2025-06-29"));
  EXPECT_EQ(t.Flags("S01", "2025-06-29T23:59:59+08:00"), kNoFlags);  // due today
  // 2025-06-29T16:30:00Z: still the 29th in UTC, already the 30th in the ledger time zone.
  EXPECT_EQ(t.Flags("S01", "2025-06-30T00:30:00+08:00"), R"(["OVERDUE_FINDINGS"])");
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/findingsOpen"), "1");
  t.Add(RectifiedAt("f1r", "2025-06-30T10:00:00+08:00", "F1"));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
}

// LATE_RECORDING: ≥ 5 activities in [R − 90 days, R], more than 20% recorded more than 7
// days after they occurred.
TEST(FlagsTest, LateRecordingNeedsMoreThanTwentyPercentRecordedLate) {
  ViewsLedger t;
  t.Add(RuleAt("ru", "2025-03-01T10:00:00+08:00", "R1"));
  t.Add(ContactAt("c1", "2025-05-01T10:00:00+08:00"));
  t.Add(ContactAt("c2", "2025-05-02T10:00:00+08:00"));
  t.Add(ContactAt("c3", "2025-05-03T10:00:00+08:00"));
  t.Add(ContactAt("c4", "2025-05-04T10:00:00+08:00"),
        "2025-05-11T10:00:00+08:00");  // 7 days: not late
  t.Add(ContactAt("c5", "2025-05-05T10:00:00+08:00"), "2025-05-12T10:00:01+08:00");  // late
  EXPECT_EQ(t.Flags("S01"), kNoFlags);  // 1 of 5: exactly 20%
  t.Add(ContactAt("c6", "2025-05-13T10:00:00+08:00"), "2025-05-20T10:00:01+08:00");  // late
  EXPECT_EQ(t.Flags("S01"), R"(["LATE_RECORDING"])");                                // 2 of 6
  // Once c1..c5 leave the window, one late event of one is too few.
  std::string json;
  ASSERT_TRUE(t.views()
                  .Studio("S01", At("2025-05-05T10:00:00+08:00") + 90 * kDay + 1, Policy{}, &json)
                  .ok());
  EXPECT_EQ(JsonAt(json, "flags"), kNoFlags);
  // The window is by occurredAt: c6 occurred after this R, so c1..c5 alone count.
  EXPECT_EQ(t.Flags("S01", "2025-05-12T00:00:00+08:00"), kNoFlags);
}

TEST(FlagsTest, LateRecordingNeedsAtLeastFiveActivities) {
  ViewsLedger t;
  t.Add(RuleAt("ru", "2025-03-01T10:00:00+08:00", "R1"));
  t.Add(ContactAt("c1", "2025-05-01T10:00:00+08:00"));
  t.Add(ContactAt("c2", "2025-05-02T10:00:00+08:00"), "2025-05-20T10:00:00+08:00");
  t.Add(CaseOpenedAt("k1", "2025-05-03T10:00:00+08:00", "K1"), "2025-05-21T10:00:00+08:00");
  t.Add(CaseResolvedAt("k1r", "2025-05-04T10:00:00+08:00", "K1"), "2025-05-22T10:00:00+08:00");
  EXPECT_EQ(t.Flags("S01"), kNoFlags);  // 3 of 4
  t.Add(ContactAt("c5", "2025-06-01T10:00:00+08:00"));
  EXPECT_EQ(t.Flags("S01"), R"(["LATE_RECORDING"])");  // 3 of 5
  // The window [R − 90 days, R] includes both ends.
  auto flags = [&](int64_t r) {
    std::string json;
    EXPECT_TRUE(t.views().Studio("S01", r, Policy{}, &json).ok());
    return JsonAt(json, "flags");
  };
  const int64_t first = At("2025-05-01T10:00:00+08:00"), last = At("2025-06-01T10:00:00+08:00");
  EXPECT_EQ(flags(first + 90 * kDay), R"(["LATE_RECORDING"])");
  EXPECT_EQ(flags(first + 90 * kDay + 1), kNoFlags);
  EXPECT_EQ(flags(last), R"(["LATE_RECORDING"])");
  EXPECT_EQ(flags(last - 1), kNoFlags);
}

// A correction keeps its target's recordedAt: correcting old events is not late recording.
TEST(FlagsTest, CorrectionsRecordedLaterDoNotMakeTheirTargetsLate) {
  ViewsLedger t;
  Join(t, {"M2"});
  t.Add(RuleAt("ru", "2025-03-01T10:00:00+08:00", "R1"));
  std::vector<uint64_t> contacts;
  for (int day = 1; day <= 5; ++day) {
    contacts.push_back(t.Add(ContactAt("c" + std::to_string(day),
                                       "2025-05-0" + std::to_string(day) + "T10:00:00+08:00")));
  }
  t.Add(Correct("x1", "2025-06-20T10:00:00+08:00", contacts[0], data::Contact("S01", "M2", 1)));
  t.Add(Correct("x2", "2025-06-20T10:00:00+08:00", contacts[1], data::Contact("S01", "M2", 1)));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
  EXPECT_EQ(JsonAt(t.Studio("S01"), "lastActivityAt"), "\"2025-05-05T10:00:00+08:00\"");
}

TEST(FlagsTest, ARevokedStudioHasNoFlagsASuspendedOneKeepsThem) {
  ViewsLedger t;
  t.Add(CaseOpenedAt("k1", "2025-01-10T10:00:00+08:00", "K1", "S02", "M2"));
  t.Add(FindingAt("f1", "2025-01-11T10:00:00+08:00", "F1", "2025-02-01", "S02"));
  const std::string all = R"(["INACTIVE","NO_RULES","OVERDUE_CASES","OVERDUE_FINDINGS"])";
  EXPECT_EQ(t.Flags("S02"), all);
  t.Add(StatusAt("st1", "2025-06-01T10:00:00+08:00", "suspended", "S02"));
  EXPECT_EQ(t.Flags("S02"), all);
  t.Add(StatusAt("st2", "2025-06-02T10:00:00+08:00", "revoked", "S02"));
  EXPECT_EQ(t.Flags("S02"), kNoFlags);
  EXPECT_EQ(
      JsonAt(t.Overview(), "byFlag"),
      R"({"INACTIVE":1,"LATE_RECORDING":0,"NO_RULES":1,"OVERDUE_CASES":0,"OVERDUE_FINDINGS":0})");  // S01
  EXPECT_EQ(JsonAt(t.Overview(), "byLinkType/industry"), "1");  // still counted
}

TEST(FlagsTest, ChangingThePolicyChangesTheFlags) {
  ViewsLedger t;
  Quiet(t);
  t.Add(CaseOpenedAt("k1", "2025-06-10T10:00:00+08:00", "K1"));
  Policy strict;
  strict.overdue_case_days = 10;
  std::string json;
  ASSERT_TRUE(t.views().Studio("S01", At(kR), strict, &json).ok());
  EXPECT_EQ(JsonAt(json, "flags"), R"(["OVERDUE_CASES"])");
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
}

// ------------------------------------------------------------------ corrections

TEST(CorrectionTest, PeopleReachedIsReplacedWhereTheTargetOccurred) {
  ViewsLedger t;
  const uint64_t c1 = t.Add(ContactAt("c1", "2025-04-02T10:00:00+08:00", "S01", "M1", 25));
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", c1, data::Contact("S01", "M1", 52)));
  const std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/contacts"), "1");
  EXPECT_EQ(JsonAt(s, "totals/peopleReached"), "52");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-04/peopleReached"), "52");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-06"), "<missing>");  // the target keeps its occurredAt
  EXPECT_EQ(JsonAt(s, "lastActivityAt"), "\"2025-04-02T10:00:00+08:00\"");
  EXPECT_EQ(JsonAt(t.Overview(), "events"), "9");  // the correction is an event too
}

TEST(CorrectionTest, ALaterCorrectionOfTheSameTargetWins) {
  ViewsLedger t;
  Join(t, {"M2", "M3"});
  const uint64_t c1 = t.Add(ContactAt("c1", "2025-04-02T10:00:00+08:00", "S01", "M1", 25));
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", c1, data::Contact("S01", "M2", 52)));
  t.Add(Correct("x2", "2025-06-02T10:00:00+08:00", c1, data::Contact("S01", "M3", 40)));
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/peopleReached"), "40");
  EXPECT_EQ(JsonAt(t.Member("M1"), "totals/contacts"), "0");
  EXPECT_EQ(JsonAt(t.Member("M2"), "totals/contacts"), "0");
  EXPECT_EQ(JsonAt(t.Member("M3"), "totals/contacts"), "1");
  EXPECT_EQ(t.Score("M2"), "{}");
  EXPECT_EQ(t.Score("M3"), R"({"2025":1})");
  EXPECT_EQ(JsonAt(t.Overview(), "events"),
            "12");  // 7 of the registry, 2 joins, the contact, 2 corrections
}

TEST(CorrectionTest, MembersMoveTotalsLastActivityAndScore) {
  ViewsLedger t;
  Join(t, {"M2", "M3"});
  const uint64_t c1 = t.Add(ContactAt("c1", "2025-04-02T10:00:00+08:00", "S01", "M1"));
  EXPECT_EQ(t.Score("M1"), R"({"2025":1})");
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", c1, data::Contact("S01", "M2,M3", 3)));
  EXPECT_EQ(t.Member("M1"),
            R"({"id":"M1","name":"张三","sector":"经济界","committees":["C1"],"studios":["S01"],)"
            R"("totals":{"contacts":0,"consultations":0,"cases":0,"suggestions":0},)"
            R"("lastActivityAt":null,"score":{}})");
  for (const char* m : {"M2", "M3"}) {
    const std::string member = t.Member(m);
    EXPECT_EQ(JsonAt(member, "totals/contacts"), "1") << m;
    EXPECT_EQ(JsonAt(member, "lastActivityAt"), "\"2025-04-02T10:00:00+08:00\"") << m;
    EXPECT_EQ(JsonAt(member, "score"), R"({"2025":1})") << m;
  }
}

TEST(CorrectionTest, AConsultationCorrectedToResearchScoresThree) {
  ViewsLedger t;
  const uint64_t h1 =
      t.Add(ConsultationAt("h1", "2025-04-03T10:00:00+08:00", "S01", "M1", "meeting"));
  EXPECT_EQ(t.Score("M1"), R"({"2025":2})");
  t.Add(
      Correct("x1", "2025-06-01T10:00:00+08:00", h1, data::Consultation("S01", "M1", "research")));
  EXPECT_EQ(t.Score("M1"), R"({"2025":3})");
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/consultations"), "1");
  EXPECT_EQ(JsonAt(t.Member("M1"), "totals/consultations"), "1");
}

TEST(CorrectionTest, TheMembersOfAResolvedCaseTakeItsPointsWithThem) {
  ViewsLedger t;
  Join(t, {"M2", "M3"});
  const uint64_t k1 = t.Add(CaseOpenedAt("k1", "2024-12-20T10:00:00+08:00", "K1", "S01", "M1"));
  t.Add(CaseResolvedAt("k1r", "2025-01-05T22:00:00+08:00", "K1"));
  EXPECT_EQ(t.Score("M1"), R"({"2025":3})");
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", k1, data::CaseOpened("S01", "K1", "M2,M3")));
  EXPECT_EQ(t.Score("M1"), "{}");
  EXPECT_EQ(t.Score("M2"), R"({"2025":3})");
  EXPECT_EQ(t.Score("M3"), R"({"2025":3})");
  EXPECT_EQ(JsonAt(t.Member("M1"), "totals/cases"), "0");
  EXPECT_EQ(JsonAt(t.Member("M2"), "totals/cases"), "1");
  const std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/casesOpened"), "1");
  EXPECT_EQ(JsonAt(s, "totals/casesResolved"), "1");
  EXPECT_EQ(JsonAt(s, "totals/casesOpen"), "0");
  EXPECT_EQ(JsonAt(s, "medianDaysToResolve"), "16.5");
}

TEST(CorrectionTest, AnOpenCaseCorrectedStaysOpen) {
  ViewsLedger t;
  Join(t, {"M2"});
  Quiet(t);
  const uint64_t k1 = t.Add(CaseOpenedAt("k1", "2025-04-20T10:00:00+08:00", "K1", "S01", "M1"));
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", k1, data::CaseOpened("S01", "K1", "M2")));
  const std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/casesOpened"), "1");
  EXPECT_EQ(JsonAt(s, "totals/casesOpen"), "1");
  EXPECT_EQ(JsonAt(s, "flags"), R"(["OVERDUE_CASES"])");
  t.Add(CaseResolvedAt("k1r", "2025-06-02T10:00:00+08:00", "K1"));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
  EXPECT_EQ(t.Score("M2"), R"({"2025":3})");
  EXPECT_EQ(t.Score("M1"), R"({"2025":1})");  // the quiet contact
}

TEST(CorrectionTest, AResolutionCorrectedToReferredNoLongerCountsAsResolved) {
  ViewsLedger t;
  t.Add(CaseOpenedAt("k1", "2025-04-10T10:00:00+08:00", "K1", "S01", "M1"));
  const uint64_t k1r = t.Add(CaseResolvedAt("k1r", "2025-04-12T22:00:00+08:00", "K1"));
  EXPECT_EQ(t.Score("M1"), R"({"2025":3})");
  t.Add(
      Correct("x1", "2025-06-01T10:00:00+08:00", k1r, data::CaseResolved("S01", "K1", "referred")));
  std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/casesResolved"), "0");
  EXPECT_EQ(JsonAt(s, "totals/casesOpen"), "0");
  EXPECT_EQ(JsonAt(s, "medianDaysToResolve"), "null");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-04/casesResolved"), "0");
  EXPECT_EQ(t.Score("M1"), "{}");
  // Back to resolved, by a later correction of the same target.
  t.Add(
      Correct("x2", "2025-06-02T10:00:00+08:00", k1r, data::CaseResolved("S01", "K1", "resolved")));
  s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/casesResolved"), "1");
  EXPECT_EQ(JsonAt(s, "medianDaysToResolve"), "2.5");
  EXPECT_EQ(t.Score("M1"), R"({"2025":3})");
}

TEST(CorrectionTest, TheMembersOfAnAdoptedSuggestionTakeItsPointsWithThem) {
  ViewsLedger t;
  Join(t, {"M2"});
  const uint64_t g1 = t.Add(SuggestionAt("g1", "2024-12-15T10:00:00+08:00", "G1", "S01", "M1"));
  t.Add(AdoptedAt("g1a", "2025-02-01T10:00:00+08:00", "G1"));
  EXPECT_EQ(t.Score("M1"), R"({"2024":2,"2025":3})");
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", g1, data::Suggestion("S01", "G1", "M2")));
  EXPECT_EQ(t.Score("M1"), "{}");
  EXPECT_EQ(t.Score("M2"), R"({"2024":2,"2025":3})");
  EXPECT_EQ(JsonAt(t.Member("M2"), "totals/suggestions"), "1");
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/suggestionsAdopted"), "1");
}

TEST(CorrectionTest, AFindingsDueDateTogglesOverdueFindings) {
  ViewsLedger t;
  Quiet(t);
  const uint64_t f1 = t.Add(FindingAt("f1", "2025-05-02T10:00:00+08:00", "F1", "2025-07-31"));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", f1, data::Finding("S01", "F1", "2025-06-01")));
  EXPECT_EQ(t.Flags("S01"), R"(["OVERDUE_FINDINGS"])");
  t.Add(Correct("x2", "2025-06-02T10:00:00+08:00", f1, data::Finding("S01", "F1", "2025-08-01")));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/findingsOpen"), "1");
}

TEST(CorrectionTest, ARectifiedFindingWithACorrectedDueDateReopensAtTheNewDate) {
  ViewsLedger t;
  Quiet(t);
  const uint64_t f1 = t.Add(FindingAt("f1", "2025-05-02T10:00:00+08:00", "F1", "2025-07-31"));
  const uint64_t f1r = t.Add(RectifiedAt("f1r", "2025-05-03T10:00:00+08:00", "F1"));
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", f1, data::Finding("S01", "F1", "2025-06-01")));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
  t.Add(Retract("x2", "2025-06-02T10:00:00+08:00", f1r));
  EXPECT_EQ(t.Flags("S01"), R"(["OVERDUE_FINDINGS"])");
}

TEST(CorrectionTest, ALicenceCorrectionChangesNameAndLinkType) {
  ViewsLedger t;
  t.Add(Correct(
      "x1", "2025-06-01T10:00:00+08:00", 7,
      R"({"studio":"S02","name":"物流委员工作室","linkType":"professional","leadMember":"M2",)"
      R"("committee":"C1","partyOrg":"区商务委党组","batch":2,"licensedOn":"2025-05-01"})"));
  const std::string s = t.Studio("S02");
  EXPECT_EQ(JsonAt(s, "name"), "\"物流委员工作室\"");
  EXPECT_EQ(JsonAt(s, "linkType"), "\"professional\"");
  EXPECT_EQ(JsonAt(s, "batch"), "2");
  EXPECT_EQ(JsonAt(s, "licensedOn"), "\"2025-05-01\"");
  EXPECT_EQ(JsonAt(s, "members"), R"(["M2"])");
  EXPECT_EQ(JsonAt(s, "flags"), kNoFlags);  // licensed less than 90 days ago now
  const std::string o = t.Overview();
  EXPECT_EQ(JsonAt(o, "studios"), "2");
  EXPECT_EQ(JsonAt(o, "byLinkType"),
            R"({"industry":0,"interest":0,"locality":1,"professional":1,"sector":0})");
  EXPECT_EQ(JsonAt(t.Committee("C1"), "studios"), R"(["S01","S02"])");
}

TEST(CorrectionTest, AMembersCommitteesMoveThemBetweenCommittees) {
  ViewsLedger t;
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", 5, data::Member("M3", "LIA,C1")));
  EXPECT_EQ(JsonAt(t.Member("M3"), "committees"), R"(["C1","LIA"])");
  EXPECT_EQ(JsonAt(t.Committee("C1"), "members"), R"(["M1","M2","M3"])");
  EXPECT_EQ(JsonAt(t.Committee("LIA"), "members"), R"(["M3"])");
  t.Add(Correct("x2", "2025-06-02T10:00:00+08:00", 3, data::Member("M1", "LIA")));
  EXPECT_EQ(JsonAt(t.Committee("C1"), "members"), R"(["M2","M3"])");
  EXPECT_EQ(JsonAt(t.Committee("LIA"), "members"), R"(["M1","M3"])");
  EXPECT_EQ(JsonAt(t.Member("M1"), "name"), "\"王五\"");
  EXPECT_EQ(JsonAt(t.Overview(), "members"), "3");
}

TEST(CorrectionTest, ASuspensionCorrectedToARevocationDropsTheFlags) {
  ViewsLedger t;
  const uint64_t st = t.Add(StatusAt("st1", "2025-06-01T10:00:00+08:00", "suspended", "S02"));
  EXPECT_EQ(t.Flags("S02"), R"(["INACTIVE","NO_RULES"])");
  t.Add(Correct("x1", "2025-06-02T10:00:00+08:00", st, data::Status("S02", "revoked")));
  const std::string s = t.Studio("S02");
  EXPECT_EQ(JsonAt(s, "status"), "\"revoked\"");
  EXPECT_EQ(JsonAt(s, "flags"), kNoFlags);
  EXPECT_EQ(JsonAt(t.Committee("C1"), "flaggedStudios"), R"(["S01"])");
  EXPECT_EQ(JsonAt(t.Overview(), "byFlag/INACTIVE"), "1");
}

// ------------------------------------------------------------------ retractions

TEST(RetractionTest, EachActivityTypeLosesItsContribution) {
  ViewsLedger t;
  Join(t, {"M2"});
  t.Add(RuleAt("ru", "2025-03-01T10:00:00+08:00", "R1"));
  const uint64_t c = t.Add(ContactAt("c1", "2025-04-02T10:00:00+08:00", "S01", "M1", 25));
  const uint64_t h =
      t.Add(ConsultationAt("h1", "2025-04-03T10:00:00+08:00", "S01", "M1", "research"));
  const uint64_t k = t.Add(CaseOpenedAt("k1", "2025-04-04T10:00:00+08:00", "K1", "S01", "M2"));
  const uint64_t g = t.Add(SuggestionAt("g1", "2025-04-05T10:00:00+08:00", "G1", "S01", "M2"));
  const uint64_t v = t.Add(VisitAt("v1", "2025-04-06T10:00:00+08:00", "V1"));
  const uint64_t f = t.Add(FindingAt("f1", "2025-04-07T10:00:00+08:00", "F1", "2025-04-30"));
  EXPECT_EQ(
      JsonAt(t.Studio("S01"), "totals"),
      R"({"contacts":1,"peopleReached":25,"consultations":1,"casesOpened":1,"casesResolved":0,"casesOpen":1,)"
      R"("suggestions":1,"suggestionsAdopted":0,"rules":1,"visits":1,"findingsOpen":1,"findingsRectified":0})");
  EXPECT_EQ(t.Flags("S01"), R"(["OVERDUE_CASES","OVERDUE_FINDINGS"])");
  const std::string at = "2025-06-01T10:00:00+08:00";
  t.Add(Retract("x1", at, c));
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/peopleReached"), "0");
  EXPECT_EQ(JsonAt(t.Member("M1"), "totals/contacts"), "0");
  EXPECT_EQ(t.Score("M1"), R"({"2025":3})");
  t.Add(Retract("x2", at, h));
  EXPECT_EQ(JsonAt(t.Member("M1"), "totals/consultations"), "0");
  EXPECT_EQ(JsonAt(t.Member("M1"), "lastActivityAt"), "null");
  EXPECT_EQ(t.Score("M1"), "{}");
  t.Add(Retract("x3", at, k));
  EXPECT_EQ(JsonAt(t.Member("M2"), "totals/cases"), "0");
  EXPECT_EQ(t.Flags("S01"), R"(["OVERDUE_FINDINGS"])");
  t.Add(Retract("x4", at, g));
  EXPECT_EQ(JsonAt(t.Member("M2"), "totals/suggestions"), "0");
  EXPECT_EQ(JsonAt(t.Member("M2"), "lastActivityAt"), "null");
  t.Add(Retract("x5", at, v));
  t.Add(Retract("x6", at, f));
  const std::string s = t.Studio("S01");
  EXPECT_EQ(
      JsonAt(s, "totals"),
      R"({"contacts":0,"peopleReached":0,"consultations":0,"casesOpened":0,"casesResolved":0,"casesOpen":0,)"
      R"("suggestions":0,"suggestionsAdopted":0,"rules":1,"visits":0,"findingsOpen":0,"findingsRectified":0})");
  EXPECT_EQ(JsonAt(s, "byMonth"), "{}");
  EXPECT_EQ(JsonAt(s, "lastActivityAt"), "null");
  EXPECT_EQ(JsonAt(s, "flags"), R"(["INACTIVE"])");
  EXPECT_EQ(t.Score("M2"), "{}");
  EXPECT_EQ(JsonAt(t.Overview(), "events"), std::to_string(t.ledger().GetHead().seq));
}

TEST(RetractionTest, RetractingTheOnlyRuleBringsBackNoRules) {
  ViewsLedger t;
  Quiet(t);
  const uint64_t rule = t.Add(RuleAt("ru", "2025-06-01T10:00:00+08:00", "R1"));
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/rules"), "2");
  t.Add(Retract("x1", "2025-06-02T10:00:00+08:00", rule));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
  t.Add(Retract("x2", "2025-06-02T10:00:00+08:00", 8));  // the quiet rule
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/rules"), "0");
  EXPECT_EQ(t.Flags("S01"), R"(["NO_RULES"])");
}

TEST(RetractionTest, RetractingAStatusChangeRestoresThePreviousStatus) {
  ViewsLedger t;
  const uint64_t first = t.Add(StatusAt("st1", "2025-05-01T10:00:00+08:00", "suspended", "S02"));
  t.Add(StatusAt("st2", "2025-05-10T10:00:00+08:00", "active", "S02"));
  const uint64_t third = t.Add(StatusAt("st3", "2025-05-20T10:00:00+08:00", "suspended", "S02"));
  EXPECT_EQ(JsonAt(t.Studio("S02"), "status"), "\"suspended\"");
  t.Add(Retract("x1", "2025-06-01T10:00:00+08:00", third));
  EXPECT_EQ(JsonAt(t.Studio("S02"), "status"), "\"active\"");
  t.Add(Retract("x2", "2025-06-01T10:00:00+08:00", first));
  EXPECT_EQ(JsonAt(t.Studio("S02"), "status"), "\"active\"");
  t.Add(StatusAt("st4", "2025-06-02T10:00:00+08:00", "revoked", "S02"));
  EXPECT_EQ(JsonAt(t.Studio("S02"), "status"), "\"revoked\"");
}

TEST(RetractionTest, RetractingAJoinOrALeaveChangesTheMembers) {
  ViewsLedger t;
  const uint64_t join = t.Add(JoinAt("j1", "2025-05-01T10:00:00+08:00", "M3"));
  t.Add(JoinAt("j2", "2025-05-01T10:00:00+08:00", "M2"));
  const uint64_t leave = t.Add(LeaveAt("l2", "2025-05-02T10:00:00+08:00", "M2"));
  EXPECT_EQ(JsonAt(t.Studio("S01"), "members"), R"(["M1","M3"])");
  t.Add(Retract("x1", "2025-06-01T10:00:00+08:00", join));
  t.Add(Retract("x2", "2025-06-01T10:00:00+08:00", leave));
  EXPECT_EQ(JsonAt(t.Studio("S01"), "members"), R"(["M1","M2"])");
  EXPECT_EQ(JsonAt(t.Member("M3"), "studios"), "[]");
  EXPECT_EQ(JsonAt(t.Member("M2"), "studios"), R"(["S01","S02"])");
}

TEST(RetractionTest, RetractingAResolutionReopensTheCase) {
  ViewsLedger t;
  Join(t, {"M2"});
  Quiet(t);
  t.Add(CaseOpenedAt("k1", "2025-04-10T10:00:00+08:00", "K1", "S01", "M2"));
  const uint64_t resolved = t.Add(CaseResolvedAt("k1r", "2025-04-12T22:00:00+08:00", "K1"));
  EXPECT_EQ(t.Score("M2"), R"({"2025":3})");
  t.Add(Retract("x1", "2025-06-01T10:00:00+08:00", resolved));
  const std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/casesResolved"), "0");
  EXPECT_EQ(JsonAt(s, "totals/casesOpen"), "1");
  EXPECT_EQ(JsonAt(s, "medianDaysToResolve"), "null");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-04/casesResolved"), "0");
  EXPECT_EQ(JsonAt(s, "flags"), R"(["OVERDUE_CASES"])");
  EXPECT_EQ(t.Score("M2"), "{}");
  // The case can be closed again.
  t.Add(CaseResolvedAt("k1r2", "2025-06-02T10:00:00+08:00", "K1"));
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/casesResolved"), "1");
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
}

// A retraction takes away what the target contributes now: its latest correction's data.
TEST(RetractionTest, RetractingACorrectedResolutionTakesAwayTheCorrectedData) {
  ViewsLedger t;
  t.Add(CaseOpenedAt("k1", "2025-04-10T10:00:00+08:00", "K1", "S01", "M1"));
  const uint64_t resolved =
      t.Add(CaseResolvedAt("k1r", "2025-04-12T22:00:00+08:00", "K1", "referred"));
  t.Add(Correct("x1", "2025-06-01T10:00:00+08:00", resolved,
                data::CaseResolved("S01", "K1", "resolved")));
  EXPECT_EQ(JsonAt(t.Studio("S01"), "totals/casesResolved"), "1");
  t.Add(Retract("x2", "2025-06-02T10:00:00+08:00", resolved));
  const std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/casesResolved"), "0");
  EXPECT_EQ(JsonAt(s, "totals/casesOpen"), "1");
  EXPECT_EQ(JsonAt(s, "medianDaysToResolve"), "null");
  EXPECT_EQ(t.Score("M1"), "{}");
}

TEST(RetractionTest, RetractingARectificationReopensTheFinding) {
  ViewsLedger t;
  Quiet(t);
  t.Add(FindingAt("f1", "2025-05-02T10:00:00+08:00", "F1", "2025-06-01"));
  const uint64_t rectified = t.Add(RectifiedAt("f1r", "2025-05-20T10:00:00+08:00", "F1"));
  EXPECT_EQ(t.Flags("S01"), kNoFlags);
  t.Add(Retract("x1", "2025-06-01T10:00:00+08:00", rectified));
  const std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/findingsOpen"), "1");
  EXPECT_EQ(JsonAt(s, "totals/findingsRectified"), "0");
  EXPECT_EQ(JsonAt(s, "flags"), R"(["OVERDUE_FINDINGS"])");
  EXPECT_EQ(JsonAt(t.Committee("C1"), "findingsOpen"), "1");
}

TEST(RetractionTest, RetractingAnAdoptionTakesAwayItsPointsAndItsMonth) {
  ViewsLedger t;
  t.Add(SuggestionAt("g1", "2025-04-11T10:00:00+08:00", "G1", "S01", "M1"));
  const uint64_t adopted = t.Add(AdoptedAt("g1a", "2025-05-05T10:00:00+08:00", "G1"));
  EXPECT_EQ(t.Score("M1"), R"({"2025":5})");
  EXPECT_EQ(JsonAt(t.Studio("S01"), "lastActivityAt"), "\"2025-05-05T10:00:00+08:00\"");
  t.Add(Retract("x1", "2025-06-01T10:00:00+08:00", adopted));
  const std::string s = t.Studio("S01");
  EXPECT_EQ(JsonAt(s, "totals/suggestionsAdopted"), "0");
  EXPECT_EQ(JsonAt(s, "byMonth/2025-05"), "<missing>");
  EXPECT_EQ(JsonAt(s, "lastActivityAt"), "\"2025-04-11T10:00:00+08:00\"");
  EXPECT_EQ(t.Score("M1"), R"({"2025":2})");
  // Adopted again, later.
  t.Add(AdoptedAt("g1a2", "2026-01-05T10:00:00+08:00", "G1"));
  EXPECT_EQ(t.Score("M1"), R"({"2025":2,"2026":3})");
}

// ------------------------------------------------------------------ incremental == rebuild

// Every view as one string: overview, studios, committees, members.
std::string AllViews(const Views& views, int64_t r) {
  const Policy policy;
  std::string all, json;
  EXPECT_TRUE(views.Overview(r, policy, &json).ok());
  all += json + "\n";
  EXPECT_TRUE(views.Studios(r, policy, &json).ok());
  all += json + "\n";
  for (const auto& id : views.CommitteeIds()) {
    EXPECT_TRUE(views.Committee(id, r, policy, &json).ok());
    all += json + "\n";
  }
  for (const auto& id : views.MemberIds()) {
    EXPECT_TRUE(views.Member(id, policy, &json).ok());
    all += json + "\n";
  }
  return all;
}

// The first difference between two multi-line strings, for a readable failure.
std::string FirstDifference(const std::string& a, const std::string& b) {
  auto la = SplitLines(a), lb = SplitLines(b);
  for (size_t i = 0; i < std::max(la.size(), lb.size()); ++i) {
    const std::string x = i < la.size() ? la[i] : "<none>", y = i < lb.size() ? lb[i] : "<none>";
    if (x != y)
      return "line " + std::to_string(i) + ":\n  " + x.substr(0, 2000) + "\n  " + y.substr(0, 2000);
  }
  return "";
}

// The demo history (tools/demo.h), each event at its own recorded time, appended in batches
// of random sizes; after each batch the views catch up in random steps.
// Appends events[from, from + n) in one batch, each at its recorded time.
void AppendDemoBatch(testing::TestLedger& t, const std::vector<demo::DemoEvent>& events,
                     size_t from, size_t n) {
  Codec codec;
  AppendOptions append;
  append.sync = false;
  Submissions batch;
  for (size_t i = from; i < from + n; ++i) {
    ASSERT_TRUE(codec.ParseLine(events[i].json, false, &batch).ok()) << events[i].json;
    batch.back()->clock_micros = At(events[i].recorded_at);
  }
  std::vector<AppendResult> results;
  Status s = t.ledger().Append(batch, append, &results);
  ASSERT_TRUE(s.ok()) << s.message();
}

TEST(IncrementalTest, CatchingUpInStepsEqualsAFullRebuild) {
  constexpr uint64_t kEvents = 3000;
  for (uint64_t seed : {20241101ULL, 7ULL, 99991ULL}) {
    SCOPED_TRACE("demo seed " + std::to_string(seed));
    std::mt19937_64 random(seed);
    testing::TestLedger t;
    std::unique_ptr<Views> stepped, rebuilt;
    ASSERT_TRUE(Views::Open(t.dir() + "/stepped", &stepped).ok());
    ASSERT_TRUE(Views::Open(t.dir() + "/rebuilt", &rebuilt).ok());
    std::vector<demo::DemoEvent> events;
    demo::Generate(demo::DemoOptions{seed, kEvents},
                   [&](const demo::DemoEvent& e) { events.push_back(e); });
    ASSERT_EQ(events.size(), kEvents);
    size_t next = 0;
    while (next < events.size()) {
      const size_t batch_size = std::min<size_t>(1 + random() % 700, events.size() - next);
      ASSERT_NO_FATAL_FAILURE(AppendDemoBatch(t, events, next, batch_size));
      next += batch_size;
      const uint64_t head = t.ledger().GetHead().seq;
      while (stepped->seq() < head) {
        const uint64_t up_to = stepped->seq() + 1 + random() % 400;
        ASSERT_TRUE(stepped->CatchUp(t.ledger(), up_to).ok());
        ASSERT_EQ(stepped->seq(), std::min(up_to, head));
      }
    }
    ASSERT_TRUE(rebuilt->Rebuild(t.ledger()).ok());
    ASSERT_EQ(stepped->seq(), kEvents);
    EXPECT_EQ(stepped->chain(), t.ledger().GetHead().chain);
    for (const char* r : {"2025-06-01T00:00:00+08:00", "2026-11-01T00:00:00+08:00"}) {
      SCOPED_TRACE(r);
      const std::string a = AllViews(*stepped, At(r)), b = AllViews(*rebuilt, At(r));
      EXPECT_GT(a.size(), 10000u);
      EXPECT_TRUE(a == b) << FirstDifference(a, b);
    }
  }
}

// A projector that drops its cache at every checkpoint reads back what it dropped and still
// knows which keys are new without reading them (the filter of keys written): its views are
// those of a projector that keeps everything, for a rebuild and for a catch-up in steps.
TEST(IncrementalTest, DroppingTheCacheAtEveryStepChangesNoView) {
  constexpr uint64_t kEvents = 3 * projections::kStepEvents + 5000;
  testing::TestLedger t;
  std::vector<demo::DemoEvent> events;
  demo::Generate(demo::DemoOptions{demo::DemoOptions{}.seed, kEvents},
                 [&](const demo::DemoEvent& e) { events.push_back(e); });
  for (size_t next = 0; next < events.size();) {
    const size_t batch_size = std::min<size_t>(5000, events.size() - next);
    ASSERT_NO_FATAL_FAILURE(AppendDemoBatch(t, events, next, batch_size));
    next += batch_size;
  }
  std::unique_ptr<Views> kept, dropped, stepped;
  ASSERT_TRUE(Views::Open(t.dir() + "/kept", &kept).ok());
  ASSERT_TRUE(Views::Open(t.dir() + "/dropped", &dropped).ok());
  ASSERT_TRUE(Views::Open(t.dir() + "/stepped", &stepped).ok());
  dropped->set_cache_bytes(0);
  stepped->set_cache_bytes(0);
  ASSERT_TRUE(kept->Rebuild(t.ledger()).ok());
  ASSERT_TRUE(dropped->Rebuild(t.ledger()).ok());
  ASSERT_TRUE(stepped->CatchUp(t.ledger(), projections::kStepEvents + 7).ok());
  ASSERT_TRUE(stepped->CatchUp(t.ledger()).ok());
  ASSERT_EQ(dropped->seq(), kEvents);
  ASSERT_EQ(stepped->seq(), kEvents);
  for (const char* r : {"2025-06-01T00:00:00+08:00", "2026-11-01T00:00:00+08:00"}) {
    SCOPED_TRACE(r);
    const std::string a = AllViews(*kept, At(r)), b = AllViews(*dropped, At(r)),
                      c = AllViews(*stepped, At(r));
    EXPECT_GT(a.size(), 10000u);
    EXPECT_TRUE(a == b) << FirstDifference(a, b);
    EXPECT_TRUE(a == c) << FirstDifference(a, c);
  }
}

// Views checkpointed over one log and caught up over another are rebuilt for it: when the
// other log is shorter than the checkpoint, and when its event at the checkpoint differs.
TEST(IncrementalTest, ViewsOfAnotherLogAreRebuilt) {
  ViewsLedger a, b, c;
  a.Add(ContactAt("c1", "2025-04-01T10:00:00+08:00", "S01", "M1", 25));
  a.Add(ContactAt("c2", "2025-04-02T10:00:00+08:00", "S01", "M1", 25));
  b.Add(ContactAt("other", "2025-04-01T10:00:00+08:00", "S01", "M1", 7));
  for (int i = 0; i < 4; ++i)
    c.Add(ContactAt("c" + std::to_string(i), "2025-04-01T10:00:00+08:00", "S01", "M1", 1));
  TempDir dir;
  std::unique_ptr<Views> views;
  ASSERT_TRUE(Views::Open(dir.path() + "/views", &views).ok());
  auto people = [&](ViewsLedger& over) {
    EXPECT_TRUE(views->CatchUp(over.ledger()).ok());
    EXPECT_EQ(views->seq(), over.ledger().GetHead().seq);
    EXPECT_EQ(views->chain(), over.ledger().GetHead().chain);
    std::string json;
    EXPECT_TRUE(views->Studio("S01", At(kR), Policy{}, &json).ok());
    EXPECT_EQ(JsonAt(json, "totals/contacts"), JsonAt(over.Studio("S01"), "totals/contacts"));
    return JsonAt(json, "totals/peopleReached");
  };
  EXPECT_EQ(people(a), "50");  // seq 9
  EXPECT_EQ(people(b), "7");   // seq 8: shorter than the checkpoint
  EXPECT_EQ(people(c), "4");   // seq 11: its seq 8 is another event
}

// Views written in another layout (an older version of this program) are rebuilt, not read.
TEST(IncrementalTest, ViewsOfAnotherLayoutAreRebuilt) {
  ViewsLedger a;
  a.Add(ContactAt("c1", "2025-04-01T10:00:00+08:00", "S01", "M1", 25));
  TempDir dir;
  const std::string views_dir = dir.path() + "/views";
  std::string before;
  {
    std::unique_ptr<Views> views;
    ASSERT_TRUE(Views::Open(views_dir, &views).ok());
    ASSERT_TRUE(views->CatchUp(a.ledger()).ok());
    ASSERT_TRUE(views->Studio("S01", At(kR), Policy{}, &before).ok());
    ASSERT_NE(JsonAt(before, "lastActivityAt"), "null");
  }
  {
    // As an older layout would have it: another version, and no monthly activity lists.
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {projections::state::kFamily, rocksdb::ColumnFamilyOptions()}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), views_dir, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), handles[1], projections::state::kLayoutKey, "1").ok());
    ASSERT_TRUE(db->DeleteRange(rocksdb::WriteOptions(), handles[1], std::string(1, 'A'),
                                std::string(1, 'B'))
                    .ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  }
  std::unique_ptr<Views> views;
  ASSERT_TRUE(Views::Open(views_dir, &views).ok());
  ASSERT_TRUE(views->CatchUp(a.ledger()).ok());
  std::string after;
  ASSERT_TRUE(views->Studio("S01", At(kR), Policy{}, &after).ok());
  EXPECT_EQ(after, before);
}

// A failed read of the views database (a damaged table here) is an error of the catch-up,
// not a crash (it was an assertion), and writes nothing; a rebuild repairs the views.
TEST(IncrementalTest, AFailedViewsReadIsAnErrorThatWritesNothing) {
  ViewsLedger a;
  a.Add(ContactAt("c1", "2025-04-01T10:00:00+08:00", "S01", "M1", 25));
  TempDir dir;
  const std::string views_dir = dir.path() + "/views";
  auto tables = [&] {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(views_dir)) {
      if (e.path().extension() == ".sst") out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto catch_up = [&] {
    std::unique_ptr<Views> views;
    ASSERT_TRUE(Views::Open(views_dir, &views).ok());
    ASSERT_TRUE(views->CatchUp(a.ledger()).ok());
  };
  catch_up();  // closing flushes: one table with S01's records
  const auto first = tables();
  ASSERT_EQ(first.size(), 1u);
  // A second table holds the next checkpoint and what a contact of S02 changed.
  a.Add(ContactAt("c2", "2025-04-02T10:00:00+08:00", "S02", "M2", 5));
  catch_up();
  ASSERT_EQ(tables().size(), 2u);
  {
    // Damage the first table's first data block, where S01's records are.
    std::fstream table(first[0], std::ios::in | std::ios::out | std::ios::binary);
    table.seekp(16);
    const std::string junk(32, '\xff');
    table.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  a.Add(ContactAt("c3", "2025-04-03T10:00:00+08:00", "S01", "M1", 7));
  std::unique_ptr<Views> views;
  ASSERT_TRUE(Views::Open(views_dir, &views).ok());
  const uint64_t at = views->seq();
  const Status s = views->CatchUp(a.ledger());
  EXPECT_EQ(s.code(), Code::kIOError) << s.message();
  EXPECT_NE(s.message().find("Corruption"), std::string::npos) << s.message();
  EXPECT_EQ(views->seq(), at);
  ASSERT_TRUE(views->Rebuild(a.ledger()).ok());
  EXPECT_EQ(views->seq(), a.ledger().GetHead().seq);
  std::string studio;
  ASSERT_TRUE(views->Studio("S01", At(kR), Policy{}, &studio).ok());
  EXPECT_EQ(JsonAt(studio, "totals/peopleReached"), "32");
}

// ------------------------------------------------------------------ SIGKILL

// Runs `wulian --data DIR/ledger ARGS…` and SIGKILLs it when it prints its first
// "views: N events applied" line; returns that line.
std::string RunAndKillAtFirstProgress(const std::string& dir, std::vector<std::string> args) {
  return testing::RunAndKillAt(dir, std::move(args), " events applied\n");
}

// Every view the CLI shows for the demo ledger: overview, studios, committees, some members.
std::string CliViews(const std::string& dir) {
  std::string all;
  for (const std::string q : {"overview", "studios", "committee C-LIAISON", "committee C-ECON",
                              "member M001", "member M002", "member M010", "member M050"}) {
    testing::Output r = testing::Wulian(dir, "query " + q);
    EXPECT_EQ(r.exit_code, 0) << q << ": " << r.out;
    all += r.out;
  }
  return all;
}

// The demo's client events, as `import` takes them, cut in two.
void WriteDemoHalves(const std::string& dir, const std::string& first, const std::string& whole) {
  ASSERT_EQ(testing::Wulian(dir, "demo --events 60000 --jsonl " + whole).exit_code, 0);
  std::ifstream in(whole);
  std::ofstream out(first);
  std::string line;
  for (int i = 0; i < 30000 && std::getline(in, line); ++i) out << line << "\n";
}

TEST(CrashTest, CatchUpKilledMidwayResumesToTheStateOfARebuild) {
  testing::TempDir dir;
  ASSERT_EQ(testing::Wulian(dir.path(), "init").exit_code, 0);
  const std::string first = dir.path() + "/first.jsonl", whole = dir.path() + "/whole.jsonl";
  WriteDemoHalves(dir.path(), first, whole);
  // Views checkpointed at 30000, then 30000 more events; the catch-up is killed after it
  // commits its first step (at 40000).
  ASSERT_EQ(testing::Wulian(dir.path(), "import " + first).exit_code, 0);
  ASSERT_EQ(testing::Wulian(dir.path(), "query overview").exit_code, 0);
  ASSERT_EQ(testing::Wulian(dir.path(), "import " + whole).exit_code, 0);
  EXPECT_EQ(RunAndKillAtFirstProgress(dir.path(), {"query", "overview"})
                .rfind("views: 40000 events applied\n", 0),
            0u);

  const std::string resumed = CliViews(dir.path());
  EXPECT_NE(resumed.find(R"({"events":60000,)"), std::string::npos) << resumed.substr(0, 300);
  testing::Output rebuild = testing::Wulian(dir.path(), "rebuild");
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.out;
  EXPECT_NE(rebuild.out.find(R"("asOf":{"seq":60000,)"), std::string::npos) << rebuild.out;
  const std::string rebuilt = CliViews(dir.path());
  EXPECT_TRUE(resumed == rebuilt) << FirstDifference(resumed, rebuilt);
}

TEST(CrashTest, RebuildKilledMidwayLeavesViewsThatCatchUpToTheSameState) {
  testing::TempDir dir;
  ASSERT_EQ(testing::Wulian(dir.path(), "demo --events 60000").exit_code, 0);
  const std::string before = CliViews(dir.path());  // catches up from nothing
  EXPECT_NE(before.find(R"({"events":60000,)"), std::string::npos) << before.substr(0, 300);
  EXPECT_EQ(
      RunAndKillAtFirstProgress(dir.path(), {"rebuild"}).rfind("views: 20000 events applied\n", 0),
      0u);
  const std::string after = CliViews(dir.path());
  EXPECT_TRUE(before == after) << FirstDifference(before, after);
}

}  // namespace
}  // namespace wulian
