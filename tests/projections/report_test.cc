// As-of replay reports (SPEC §5, §6.1): both axes on a hand-made history with late recording
// and corrections, flags relative to T, the head at T, reproducible bytes, usage errors.
#include "projections/report.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "base/time.h"
#include "projections/policy.h"
#include "tests/projections/support.h"
#include "tests/support.h"
#include "tests/tools/runner.h"

namespace wulian {
namespace {

using projections::Axis;
using projections::BuildReport;
using projections::Format;
using projections::Policy;
using projections::ReportOptions;
using namespace testing;  // event lines, JsonAt, TestLedger, Wulian

constexpr char kT[] = "2025-03-10T00:00:00+08:00";

struct Recorded {
  std::string line;
  std::string recorded_at;
};

// After EarlyRegistry() (seq 1–7). Recorded by T: seq 8–13 (M2 joins S01, so that S01's
// activity may list M2). Seq 14 occurred before T but was recorded after it; seq 15
// resolves the case before T, recorded after; seq 16 corrects seq 11 and seq 17 retracts
// seq 12, both recorded after T; seq 18 and 19 occur after T.
std::vector<Recorded> History() {
  return {
      {JoinAt("j2", "2024-11-10T09:00:00+08:00", "M2"), "2024-11-10T09:00:00+08:00"},
      {RuleAt("ru", "2024-11-10T10:00:00+08:00", "R1"), "2024-11-10T10:00:00+08:00"},
      {CaseOpenedAt("k1", "2025-02-01T10:00:00+08:00", "K1", "S01", "M1"),
       "2025-02-01T10:00:00+08:00"},
      {ContactAt("a", "2025-03-01T10:00:00+08:00", "S01", "M1", 10), "2025-03-01T11:00:00+08:00"},
      {ConsultationAt("h", "2025-03-02T10:00:00+08:00", "S01", "M1", "meeting"),
       "2025-03-02T10:00:00+08:00"},
      {FindingAt("f1", "2025-03-03T10:00:00+08:00", "F1", "2025-03-09"),
       "2025-03-03T10:00:00+08:00"},
      {ContactAt("b", "2025-03-05T10:00:00+08:00", "S01", "M2", 7), "2025-03-20T10:00:00+08:00"},
      {CaseResolvedAt("k1r", "2025-03-08T22:00:00+08:00", "K1"), "2025-03-21T10:00:00+08:00"},
      {Correct("x1", "2025-03-25T10:00:00+08:00", 11, data::Contact("S01", "M2", 99)),
       "2025-03-25T10:00:00+08:00"},
      {Retract("x2", "2025-03-26T10:00:00+08:00", 12), "2025-03-26T10:00:00+08:00"},
      {ContactAt("c", "2025-03-15T10:00:00+08:00", "S01", "M1", 5), "2025-03-26T10:00:00+08:00"},
      {RectifiedAt("f1r", "2025-04-01T10:00:00+08:00", "F1"), "2025-04-01T10:00:00+08:00"},
  };
}
constexpr size_t kRecordedByT = 6;  // History()[0..5]: seq 8–13

class ReportTest : public ::testing::Test {
 protected:
  ReportTest() {
    for (const auto& line : EarlyRegistry()) Append({line, kRegistryAt});
  }

  void Append(const Recorded& e) {
    ledger_.set_now(e.recorded_at);
    Status s = ledger_.Append(e.line);
    ASSERT_TRUE(s.ok()) << s.message() << "\n" << e.line;
  }
  void AppendHistory(size_t from, size_t to) {
    const auto history = History();
    for (size_t i = from; i < to; ++i) Append(history[i]);
  }

  std::string Report(Axis axis, const std::string& t = kT, Format format = Format::kJson) {
    ReportOptions options;
    options.as_of_micros = At(t);
    options.axis = axis;
    options.format = format;
    options.scratch_dir = scratch_.path() + "/replay";
    std::string out;
    Status s = BuildReport(ledger_.ledger(), Policy{}, options, &out);
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  TestLedger ledger_;
  TempDir scratch_;
};

// A recorded-axis report is final only for a moment the ledger clock has passed.
TEST_F(ReportTest, ARecordedAxisReportForALaterMomentIsRefused) {
  ReportOptions options;
  options.as_of_micros = At(kT);
  options.now_micros = options.as_of_micros - 1;
  options.scratch_dir = scratch_.path() + "/replay";
  std::string out;
  EXPECT_EQ(BuildReport(ledger_.ledger(), Policy{}, options, &out).code(), Code::kInvalidArgument);
  options.axis = Axis::kOccurred;  // what had happened by T, as known now: always allowed
  EXPECT_TRUE(BuildReport(ledger_.ledger(), Policy{}, options, &out).ok());
  options.axis = Axis::kRecorded;
  options.now_micros = options.as_of_micros;
  EXPECT_TRUE(BuildReport(ledger_.ledger(), Policy{}, options, &out).ok());
}

TEST_F(ReportTest, TheRecordedAxisShowsWhatTheLedgerHeldAtT) {
  AppendHistory(0, History().size());
  const std::string r = Report(Axis::kRecorded);
  EXPECT_EQ(JsonAt(r, "axis"), "\"recorded\"");
  EXPECT_EQ(JsonAt(r, "asOf"), "\"2025-03-10T00:00:00+08:00\"");
  EXPECT_EQ(JsonAt(r, "policy"), Policy{}.ToJson());
  EXPECT_EQ(JsonAt(r, "head/seq"), "13");
  EXPECT_EQ(JsonAt(r, "overview/events"), "13");
  EXPECT_EQ(JsonAt(r, "overview/asOf/seq"), "13");
  const std::string s01 = JsonAt(r, "studios/0");
  ASSERT_EQ(JsonAt(s01, "id"), "\"S01\"");
  // The late contact b, the resolution, the correction and the retraction are not there yet.
  EXPECT_EQ(
      JsonAt(s01, "totals"),
      R"({"contacts":1,"peopleReached":10,"consultations":1,"casesOpened":1,"casesResolved":0,"casesOpen":1,)"
      R"("suggestions":0,"suggestionsAdopted":0,"rules":1,"visits":0,"findingsOpen":1,"findingsRectified":0})");
  EXPECT_EQ(JsonAt(s01, "medianDaysToResolve"), "null");
  EXPECT_EQ(JsonAt(s01, "flags"), R"(["OVERDUE_CASES","OVERDUE_FINDINGS"])");
  EXPECT_EQ(JsonAt(r, "members/0/id"), "\"M1\"");
  EXPECT_EQ(JsonAt(r, "members/0/totals"),
            R"({"contacts":1,"consultations":1,"cases":1,"suggestions":0})");
  EXPECT_EQ(JsonAt(r, "members/0/score"), R"({"2025":3})");
  EXPECT_EQ(JsonAt(r, "members/1/score"), "{}");
  EXPECT_EQ(JsonAt(r, "committees/0/id"), "\"C1\"");
  EXPECT_EQ(JsonAt(r, "committees/0/flaggedStudios"), R"(["S01","S02"])");
}

TEST_F(ReportTest, TheOccurredAxisAppliesEveryCorrectionAndRetractionKnownNow) {
  AppendHistory(0, History().size());
  const std::string r = Report(Axis::kOccurred);
  EXPECT_EQ(JsonAt(r, "axis"), "\"occurred\"");
  // Events by their own occurredAt (SPEC §5): seq 1–15. The correction (16) and the
  // retraction (17) occurred after T, though both apply; 18 and 19 occurred after T.
  EXPECT_EQ(JsonAt(r, "overview/events"), "15");
  const std::string s01 = JsonAt(r, "studios/0");
  // b occurred before T; a is corrected (99 people, M2); h is retracted; K1 is resolved.
  EXPECT_EQ(
      JsonAt(s01, "totals"),
      R"({"contacts":2,"peopleReached":106,"consultations":0,"casesOpened":1,"casesResolved":1,"casesOpen":0,)"
      R"("suggestions":0,"suggestionsAdopted":0,"rules":1,"visits":0,"findingsOpen":1,"findingsRectified":0})");
  EXPECT_EQ(JsonAt(s01, "medianDaysToResolve"), "35.5");
  EXPECT_EQ(JsonAt(s01, "lastActivityAt"), "\"2025-03-08T22:00:00+08:00\"");
  EXPECT_EQ(
      JsonAt(s01, "byMonth/2025-03"),
      R"({"contacts":2,"peopleReached":106,"consultations":0,"casesOpened":0,"casesResolved":1,"suggestions":0})");
  EXPECT_EQ(JsonAt(s01, "flags"), R"(["OVERDUE_FINDINGS"])");  // rectified only after T
  EXPECT_EQ(JsonAt(r, "members/0/totals"),
            R"({"contacts":0,"consultations":0,"cases":1,"suggestions":0})");
  EXPECT_EQ(JsonAt(r, "members/0/score"), R"({"2025":3})");  // the resolution of K1
  EXPECT_EQ(JsonAt(r, "members/1/totals"),
            R"({"contacts":2,"consultations":0,"cases":0,"suggestions":0})");
  EXPECT_EQ(JsonAt(r, "members/1/score"), R"({"2025":2})");
}

// Both windows include T itself: recordedAt ≤ T, occurredAt ≤ T.
TEST_F(ReportTest, AnEventAtExactlyTCountsOnBothAxes) {
  Append({ContactAt("t0", kT, "S01", "M1", 4), kT});
  Append({ContactAt("t1", "2025-03-10T00:00:00.001+08:00", "S01", "M1", 5),
          "2025-03-11T00:00:00+08:00"});
  EXPECT_EQ(JsonAt(Report(Axis::kRecorded), "studios/0/totals/peopleReached"), "4");
  EXPECT_EQ(JsonAt(Report(Axis::kOccurred), "studios/0/totals/peopleReached"), "4");
  EXPECT_EQ(JsonAt(Report(Axis::kOccurred, "2025-03-09T23:59:59.999+08:00"),
                   "studios/0/totals/peopleReached"),
            "0");
  EXPECT_EQ(JsonAt(Report(Axis::kOccurred, "2025-03-10T00:00:00.001+08:00"),
                   "studios/0/totals/peopleReached"),
            "9");
}

TEST_F(ReportTest, FlagsAreRelativeToT) {
  // S02 (licensed 2024-11-08, no activity, no rules) is "licensed more than 90 days before
  // T" from 2025-02-06T00:00:00+08:00 on.
  const std::string before = Report(Axis::kRecorded, "2025-02-06T00:00:00+08:00");
  EXPECT_EQ(JsonAt(before, "studios/1/id"), "\"S02\"");
  EXPECT_EQ(JsonAt(before, "studios/1/flags"), "[]");
  EXPECT_EQ(JsonAt(before, "overview/byFlag/INACTIVE"), "0");
  const std::string after = Report(Axis::kRecorded, "2025-02-06T00:00:00.001+08:00");
  EXPECT_EQ(JsonAt(after, "studios/1/flags"), R"(["INACTIVE","NO_RULES"])");
  EXPECT_EQ(JsonAt(after, "overview/byFlag/INACTIVE"), "2");
  EXPECT_EQ(JsonAt(after, "overview/byFlag/NO_RULES"), "2");
}

TEST_F(ReportTest, ARecordedAxisReportNeverChanges) {
  AppendHistory(0, kRecordedByT);
  const std::string json = Report(Axis::kRecorded),
                    md = Report(Axis::kRecorded, kT, Format::kMarkdown);
  const std::string occurred = Report(Axis::kOccurred);
  AppendHistory(kRecordedByT, History().size());  // late events, a correction, a retraction
  EXPECT_EQ(Report(Axis::kRecorded), json);
  EXPECT_EQ(Report(Axis::kRecorded, kT, Format::kMarkdown), md);
  EXPECT_NE(Report(Axis::kOccurred), occurred);  // what is known now about the past changed
}

TEST_F(ReportTest, TheHeadIsTheLedgersAtThePrefix) {
  AppendHistory(0, History().size());
  std::string bytes;
  ASSERT_TRUE(ledger_.ledger().Get(13, &bytes).ok());
  StoredMessage stored(bytes);
  Hash chain;
  std::memcpy(chain.data(), stored.event().getChain().begin(), chain.size());
  Hash root;
  ASSERT_TRUE(ledger_.ledger().TreeRoot(13, &root).ok());
  EXPECT_EQ(JsonAt(Report(Axis::kRecorded), "head"),
            R"({"seq":13,"chain":")" + ToHex(chain) + R"(","root":")" + ToHex(root) + R"("})");
  // Before the first event: the empty tree.
  EXPECT_EQ(
      JsonAt(Report(Axis::kRecorded, "2024-01-01T00:00:00+08:00"), "head"),
      R"({"seq":0,"chain":"0000000000000000000000000000000000000000000000000000000000000000",)"
      R"("root":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"})");
  // An event recorded exactly at T is included.
  EXPECT_EQ(JsonAt(Report(Axis::kRecorded, "2025-03-03T10:00:00+08:00"), "head/seq"), "13");
  EXPECT_EQ(JsonAt(Report(Axis::kRecorded, "2025-03-03T09:59:59.999+08:00"), "head/seq"), "12");
}

// ------------------------------------------------------------------ the CLI

// A CLI ledger holding History(), each event appended with WULIAN_NOW at its recorded time.
class ReportCliTest : public ::testing::Test {
 protected:
  ReportCliTest() {
    EXPECT_EQ(Wulian(dir_.path(), "init").exit_code, 0);
    EXPECT_EQ(Wulian(dir_.path(), "append", Lines(EarlyRegistry()), Now(kRegistryAt)).exit_code, 0);
  }
  static std::string Now(const std::string& t) { return "WULIAN_NOW=" + t; }
  void AppendHistory(size_t from, size_t to) {
    const auto history = History();
    for (size_t i = from; i < to; ++i) {
      Output r = Wulian(dir_.path(), "append", history[i].line + "\n", Now(history[i].recorded_at));
      ASSERT_EQ(r.exit_code, 0) << r.out;
    }
  }
  Output Report(const std::string& args) { return Wulian(dir_.path(), "report " + args); }

  TempDir dir_;
};

TEST_F(ReportCliTest, ARecordedAxisReportKeepsItsBytesAfterLaterAppends) {
  AppendHistory(0, kRecordedByT);
  std::map<std::string, std::string> before;
  for (const char* format : {"json", "md", "csv", "html"}) {
    Output r = Report(std::string("--as-of ") + kT + " --format " + format);
    ASSERT_EQ(r.exit_code, 0) << r.out;
    before[format] = r.out;
  }
  AppendHistory(kRecordedByT, History().size());
  for (const auto& [format, bytes] : before) {
    Output r = Report(std::string("--as-of ") + kT + " --format " + format);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, bytes) << format;
  }
}

TEST_F(ReportCliTest, TheSameArgumentsGiveTheSameBytes) {
  AppendHistory(0, History().size());
  for (const char* axis : {"recorded", "occurred"}) {
    for (const char* format : {"json", "md", "csv", "html"}) {
      const std::string args =
          std::string("--as-of 2025-03-20T00:00:00+08:00 --axis ") + axis + " --format " + format;
      Output first = Report(args), second = Report(args);
      EXPECT_EQ(first.exit_code, 0) << args << first.out;
      EXPECT_GT(first.out.size(), 500u) << args;
      EXPECT_EQ(first.out, second.out) << args;
      // --out writes the same bytes to a file.
      const std::string file = dir_.path() + "/report." + format;
      Output to_file = Report(args + " --out " + file);
      EXPECT_EQ(to_file.exit_code, 0) << to_file.out;
      std::ifstream in(file, std::ios::binary);
      std::stringstream written;
      written << in.rdbuf();
      EXPECT_EQ(written.str(), first.out) << args;
    }
  }
}

TEST_F(ReportCliTest, TheHeadMatchesWulianHeadAtTheSameSize) {
  AppendHistory(0, History().size());
  for (const char* t : {kT, "2025-03-21T10:00:00+08:00", "2025-12-31T00:00:00+08:00"}) {
    Output report = Report(std::string("--as-of ") + t);
    ASSERT_EQ(report.exit_code, 0) << report.out;
    const std::string seq = JsonAt(report.out, "head/seq");
    Output head = Wulian(dir_.path(), "head --size " + seq);
    ASSERT_EQ(head.exit_code, 0) << head.out;
    EXPECT_EQ(JsonAt(report.out, "head/root"), JsonAt(head.out, "root")) << t;
    Output event = Wulian(dir_.path(), "export --from " + seq + " --to " + seq);
    EXPECT_EQ(JsonAt(report.out, "head/chain"), JsonAt(event.out, "chain")) << t;
  }
  EXPECT_EQ(JsonAt(Report(std::string("--as-of ") + kT).out, "head/seq"), "13");
  EXPECT_EQ(JsonAt(Report("--as-of 2025-03-21T10:00:00+08:00").out, "head/seq"), "15");
}

TEST_F(ReportCliTest, HostileArgumentsAreUsageErrors) {
  AppendHistory(0, 2);
  const std::string t = std::string(" --as-of ") + kT;
  for (const std::string& args : {std::string("--format xml") + t,
                                  std::string("--format JSON") + t,
                                  std::string("--format ''") + t,
                                  std::string("--format 'json '") + t,
                                  std::string("--format 'json;md'") + t,
                                  std::string("--axis both") + t,
                                  std::string("--axis ''") + t,
                                  std::string("--axis Recorded") + t,
                                  std::string("--axis 'recorded occurred'") + t,
                                  std::string(""),
                                  std::string("--as-of ''"),
                                  std::string("--as-of yesterday"),
                                  std::string("--as-of 2025-03-10"),
                                  std::string("--as-of 2025-03-10T00:00:00"),
                                  std::string("--as-of 2025-13-01T00:00:00+08:00"),
                                  std::string("--as-of 2025-02-30T00:00:00+08:00"),
                                  std::string("--as-of '2025-03-10T00:00:00+08:00 '"),
                                  std::string("--as-of '2025-03-10T00:00:00+08:00;'"),
                                  std::string("--as-of -1"),
                                  std::string("extra") + t}) {
    Output r = Report(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    EXPECT_EQ(r.out.rfind(R"({"error":{"code":)", 0), 0u) << args << "\n" << r.out;
  }
  EXPECT_EQ(Report(std::string("--axis occurred --format csv") + t).exit_code, 0);
}

}  // namespace
}  // namespace wulian
