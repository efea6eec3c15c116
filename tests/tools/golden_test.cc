// Byte identity of everything the ledger hands out, against digests recorded in
// tests/tools/golden_digests.txt: the export and `verify` of a fixed-seed demo ledger built
// by `demo` and of the same events brought in by `import`, every view (each studio, member
// and committee, the lists, the overview and the histories of corrected events), the views
// again after `rebuild`, every report format on both axes at several moments, and the notice.
//
// A change to any of these bytes is a change of the contract (SPEC §3–§5) and must be made
// on purpose: WULIAN_GOLDEN_WRITE=FILE writes the digests this build gives to FILE.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "base/hash.h"
#include "tests/support.h"
#include "tests/tools/runner.h"

namespace wulian {
namespace {

using testing::Output;
using testing::SplitLines;
using testing::TempDir;
using testing::Wulian;

constexpr char kEvents[] = "6000";
constexpr char kSeed[] = "7";

std::map<std::string, std::string> ReadGolden() {
  std::map<std::string, std::string> golden;
  std::ifstream in(WULIAN_SOURCE_DIR "/tests/tools/golden_digests.txt");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    golden[line.substr(0, space)] = line.substr(space + 1);
  }
  return golden;
}

class Digests {
 public:
  // Runs `wulian ARGS` on the ledger in `dir` and records the digest of what it printed.
  std::string Record(const std::string& name, const std::string& dir, const std::string& args) {
    const Output out = Wulian(dir, args);
    EXPECT_EQ(out.exit_code, 0) << args << "\n" << out.out.substr(0, 500);
    EXPECT_FALSE(out.out.empty()) << args;
    digests_[name] = ToHex(Sha256(out.out));
    return out.out;
  }
  const std::map<std::string, std::string>& all() const { return digests_; }

 private:
  std::map<std::string, std::string> digests_;
};

// The ids registered in an export, by stream kind ("studio", "member", "committee"), and the
// seqs that corrections and retractions name.
struct Registry {
  std::map<std::string, std::set<std::string>> ids;
  std::set<std::string> targets;
};

Registry Scan(const std::string& exported) {
  Registry registry;
  const std::regex stream(R"re("stream":"(studio|member|committee)/([^"]+)")re");
  const std::regex target(R"re("type":"Event(Corrected|Retracted)","data":\{"target":([0-9]+))re");
  for (const std::string& line : SplitLines(exported)) {
    std::smatch m;
    if (std::regex_search(line, m, stream)) registry.ids[m[1]].insert(m[2]);
    if (std::regex_search(line, m, target)) registry.targets.insert(m[2]);
  }
  return registry;
}

void RecordViews(Digests& d, const std::string& dir, const std::string& prefix,
                 const Registry& registry) {
  d.Record(prefix + "query studios", dir, "query studios");
  d.Record(prefix + "query overview", dir, "query overview");
  for (const auto& [kind, ids] : registry.ids) {
    for (const std::string& id : ids) {
      d.Record(prefix + "query " + kind + " " + id, dir, "query " + kind + " " + id);
    }
  }
  for (const std::string& seq : registry.targets) {
    d.Record(prefix + "query history " + seq, dir, "query history " + seq);
  }
}

TEST(GoldenTest, EveryOutputOfAFixedSeedDemoLedgerIsByteIdentical) {
  TempDir built, imported;
  Digests d;
  ASSERT_EQ(
      Wulian(built.path(), std::string("demo --events ") + kEvents + " --seed " + kSeed).exit_code,
      0);
  const std::string exported = d.Record("demo export", built.path(), "export");
  d.Record("demo export --from 100 --to 2000", built.path(), "export --from 100 --to 2000");
  d.Record("demo verify", built.path(), "verify");
  const Registry registry = Scan(exported);
  ASSERT_GE(registry.ids.at("studio").size(), 8u);
  ASSERT_GE(registry.ids.at("member").size(), 30u);
  ASSERT_GE(registry.targets.size(), 10u);
  RecordViews(d, built.path(), "", registry);
  for (const char* at :
       {"2025-03-31T23:59:59+08:00", "2025-12-01T08:00:00+08:00", "2026-11-01T00:00:00+08:00"}) {
    for (const char* axis : {"recorded", "occurred"}) {
      for (const char* format : {"json", "md", "csv", "html"}) {
        const std::string args =
            std::string("report --as-of ") + at + " --axis " + axis + " --format " + format;
        d.Record(args, built.path(), args);
      }
    }
  }
  // The periodic notice (its workbook is checked for stable bytes in sheet_cli_test: its bytes
  // are libxlsxwriter's as much as ours).
  for (const char* args : {"report notice --period 2026-Q3 --format md",
                           "report notice --period 2026-10 --format html",
                           "report notice --period 2025 --format json"}) {
    d.Record(args, built.path(), args);
  }
  ASSERT_EQ(Wulian(built.path(), "rebuild").exit_code, 0);
  RecordViews(d, built.path(), "rebuilt ", registry);

  // The same events through `import` (recordedAt from the fixed WULIAN_NOW of the runner).
  const std::string jsonl = imported.path() + "/demo.jsonl";
  ASSERT_EQ(Wulian(imported.path(), std::string("demo --events ") + kEvents + " --seed " + kSeed +
                                        " --jsonl " + jsonl)
                .exit_code,
            0);
  ASSERT_EQ(Wulian(imported.path(), "init").exit_code, 0);
  d.Record("import", imported.path(), "import " + jsonl);
  d.Record("import export", imported.path(), "export");
  d.Record("import verify", imported.path(), "verify");
  d.Record("import query overview", imported.path(), "query overview");
  d.Record("import query studios", imported.path(), "query studios");

  if (const char* path = std::getenv("WULIAN_GOLDEN_WRITE")) {
    std::ofstream out(path);
    out << "# SHA-256 of each output of tests/tools/golden_test.cc (demo --events " << kEvents
        << " --seed " << kSeed << ", WULIAN_NOW=2026-11-26T10:00:00+08:00)\n";
    for (const auto& [name, digest] : d.all()) out << name << ' ' << digest << '\n';
  }
  const auto golden = ReadGolden();
  ASSERT_FALSE(golden.empty()) << "tests/tools/golden_digests.txt is missing";
  EXPECT_EQ(golden.size(), d.all().size()) << "the set of recorded outputs changed";
  for (const auto& [name, digest] : d.all()) {
    auto it = golden.find(name);
    if (it == golden.end()) {
      ADD_FAILURE() << "no golden digest for: " << name;
    } else {
      EXPECT_EQ(digest, it->second) << "output changed: wulian " << name;
    }
  }
}

}  // namespace
}  // namespace wulian
