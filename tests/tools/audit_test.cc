// The auditor's tools end to end: signed heads, offline proof checks, verify --against a
// rewritten or truncated history, forged heads, and an event's history.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support.h"
#include "tests/tools/runner.h"

namespace wulian {
namespace {

using testing::Contact;
using testing::Event;
using testing::Lines;
using testing::Output;
using testing::Registry;
using testing::SplitLines;
using testing::TempDir;
using testing::Wulian;

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A ledger with the registry (7 events), a published head h7, then 5 contacts and head h12.
class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Wulian(dir_.path(), "init").exit_code, 0);
    ASSERT_EQ(Wulian(dir_.path(), "append", Lines(Registry())).exit_code, 0);
    Publish("h7.json");
    std::vector<std::string> contacts;
    for (int i = 0; i < 5; ++i) contacts.push_back(Contact("c" + std::to_string(i)));
    ASSERT_EQ(Wulian(dir_.path(), "append", Lines(contacts)).exit_code, 0);
    Publish("h12.json");
    Save("key.json", Wulian(dir_.path(), "pubkey"));
  }

  void Publish(const std::string& name) { Save(name, Wulian(dir_.path(), "head")); }
  void Save(const std::string& name, const Output& out) {
    ASSERT_EQ(out.exit_code, 0) << out.out;
    Write(Path(name), out.out);
  }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }
  Output Check(const std::string& args) { return Wulian(dir_.path(), "check " + args); }

  // Rebuilds the ledger from `lines` with the same key and clock: every hash, chain value,
  // Merkle node and index is recomputed, as a careful forger would.
  void Rewrite(const std::vector<std::string>& lines) {
    const std::string data = dir_.path() + "/ledger";
    std::filesystem::rename(data + "/signing-key.pem", dir_.path() + "/stolen.pem");
    std::filesystem::remove_all(data);
    ASSERT_EQ(Wulian(dir_.path(), "init").exit_code, 0);
    std::filesystem::remove(data + "/signing-key.pem");
    std::filesystem::rename(dir_.path() + "/stolen.pem", data + "/signing-key.pem");
    ASSERT_EQ(Wulian(dir_.path(), "append", Lines(lines)).exit_code, 0);
    ASSERT_EQ(Wulian(dir_.path(), "verify").exit_code, 0);
  }

  TempDir dir_;
};

TEST_F(AuditTest, ConsistencyBetweenPublishedHeadsChecksOffline) {
  Save("p.json", Wulian(dir_.path(), "proof consistency 7 12"));
  Output r = Check("consistency --pubkey " + Path("key.json") + " --old " + Path("h7.json") +
                   " --new " + Path("h12.json") + " --proof " + Path("p.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"ok\":true,\"from\":7,\"to\":12}\n");
  // The heads swapped, or a proof between other sizes, prove nothing.
  r = Check("consistency --pubkey " + Path("key.json") + " --old " + Path("h12.json") + " --new " +
            Path("h7.json") + " --proof " + Path("p.json"));
  EXPECT_EQ(r.exit_code, 1);
  Save("p2.json", Wulian(dir_.path(), "proof consistency 6 12"));
  r = Check("consistency --pubkey " + Path("key.json") + " --old " + Path("h7.json") + " --new " +
            Path("h12.json") + " --proof " + Path("p2.json"));
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(AuditTest, InclusionOfAnExportedEventChecksOffline) {
  Save("p.json", Wulian(dir_.path(), "proof inclusion 9"));
  Save("e.json", Wulian(dir_.path(), "export --from 9 --to 9"));
  const std::string args = "inclusion --pubkey " + Path("key.json") + " --head " +
                           Path("h12.json") + " --proof " + Path("p.json");
  Output r = Check(args + " --event " + Path("e.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"ok\":true,\"seq\":9,\"size\":12}\n");
  // An altered event no longer hashes to the proven leaf.
  std::string event = Wulian(dir_.path(), "export --from 9 --to 9").out;
  event.replace(event.find("\"peopleReached\":3"), 17, "\"peopleReached\":4");
  Write(Path("e2.json"), event);
  r = Check(args + " --event " + Path("e2.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("does not hash to the proven leaf"), std::string::npos) << r.out;
  // A proof for another size does not fit the head.
  r = Check("inclusion --pubkey " + Path("key.json") + " --head " + Path("h7.json") + " --proof " +
            Path("p.json"));
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(AuditTest, CorrectionsCheckOfflineToo) {
  ASSERT_EQ(
      Wulian(
          dir_.path(), "append",
          Event(
              "fix", "EventCorrected",
              R"({"target":9,"reason":"人数有误","data":{"studio":"S01","members":["M1"],"channel":"visit","peopleReached":30,"topic":"停车难"}})") +
              "\n")
          .exit_code,
      0);
  Publish("h13.json");
  Save("p.json", Wulian(dir_.path(), "proof inclusion 13"));
  Save("e.json", Wulian(dir_.path(), "export --from 13"));
  Output r = Check("inclusion --pubkey " + Path("key.json") + " --head " + Path("h13.json") +
                   " --proof " + Path("p.json") + " --event " + Path("e.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST_F(AuditTest, ForgedOrForeignHeadsAreRejected) {
  std::string head = SplitLines(Wulian(dir_.path(), "head").out)[0];
  const size_t root = head.find("\"root\":\"") + 8;
  head[root] = head[root] == 'a' ? 'b' : 'a';
  Write(Path("forged.json"), head);
  Save("p.json", Wulian(dir_.path(), "proof consistency 7 12"));
  Output r = Check("consistency --pubkey " + Path("key.json") + " --old " + Path("h7.json") +
                   " --new " + Path("forged.json") + " --proof " + Path("p.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("signature"), std::string::npos) << r.out;
  EXPECT_EQ(Wulian(dir_.path(), "verify --against " + Path("forged.json")).exit_code, 1);

  TempDir other;
  ASSERT_EQ(Wulian(other.path(), "init").exit_code, 0);
  Write(Path("other-key.json"), Wulian(other.path(), "pubkey").out);
  r = Check("consistency --pubkey " + Path("other-key.json") + " --old " + Path("h7.json") +
            " --new " + Path("h12.json") + " --proof " + Path("p.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Wulian(dir_.path(),
                   "verify --against " + Path("h12.json") + " --pubkey " + Path("other-key.json"))
                .exit_code,
            1);
  EXPECT_EQ(Check("consistency --pubkey " + Path("nope.json")).exit_code, 2);
}

TEST_F(AuditTest, VerifyAgainstCatchesAFullRewriteWithRecomputedHashes) {
  EXPECT_EQ(Wulian(dir_.path(), "verify --against " + Path("h7.json")).exit_code, 0);
  Output ok =
      Wulian(dir_.path(), "verify --against " + Path("h12.json") + " --pubkey " + Path("key.json"));
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_NE(ok.out.find(R"("against":{"size":12,"consistent":true})"), std::string::npos) << ok.out;

  std::vector<std::string> lines = Registry();
  lines[3].replace(lines[3].find("李四"), 6, "李五");  // a member's name, quietly changed
  for (int i = 0; i < 5; ++i) lines.push_back(Contact("c" + std::to_string(i)));
  Rewrite(lines);
  Output r = Wulian(dir_.path(), "verify --against " + Path("h7.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("rewritten"), std::string::npos) << r.out;
}

TEST_F(AuditTest, VerifyAgainstCatchesATruncatedLog) {
  Rewrite(Registry());
  EXPECT_EQ(Wulian(dir_.path(), "verify --against " + Path("h7.json")).exit_code, 0);
  Output r = Wulian(dir_.path(), "verify --against " + Path("h12.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("events were removed"), std::string::npos) << r.out;
}

TEST_F(AuditTest, HeadsOfEarlierSizesAreSignedToo) {
  Output r = Wulian(dir_.path(), "head --size 7");
  ASSERT_EQ(r.exit_code, 0);
  const std::string h7 = SplitLines(Wulian(dir_.path(), "head --size 7").out)[0];
  const std::string published = SplitLines(Wulian(dir_.path(), "head").out)[0];
  auto root_of = [](const std::string& head) { return head.substr(head.find("\"root\""), 72); };
  std::ifstream in(Path("h7.json"));
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(root_of(h7), root_of(first));
  EXPECT_NE(root_of(published), root_of(first));
  EXPECT_EQ(Wulian(dir_.path(), "head --size 13").exit_code, 2);
  EXPECT_EQ(Wulian(dir_.path(), "proof inclusion 13").exit_code, 2);
  EXPECT_EQ(Wulian(dir_.path(), "proof inclusion 0").exit_code, 2);
  EXPECT_EQ(Wulian(dir_.path(), "proof consistency 8 7").exit_code, 2);
}

TEST_F(AuditTest, HistoryListsEachCorrectionAndRetraction) {
  ASSERT_EQ(
      Wulian(
          dir_.path(), "append",
          Lines(
              {Event(
                   "fix", "EventCorrected",
                   R"({"target":9,"reason":"人数有误","data":{"studio":"S01","members":["M1"],"channel":"visit","peopleReached":30,"topic":"停车难"}})"),
               Event("drop", "EventRetracted", R"({"target":9,"reason":"重复录入"})")}))
          .exit_code,
      0);
  Output r = Wulian(dir_.path(), "query history 9");
  ASSERT_EQ(r.exit_code, 0);
  const size_t event = r.out.find(R"({"event":{"seq":9,)");
  const size_t fix = r.out.find(R"("changes":[{"seq":13,"id":"fix")");
  const size_t drop = r.out.find(R"({"seq":14,"id":"drop")");
  EXPECT_NE(event, std::string::npos) << r.out;
  EXPECT_NE(fix, std::string::npos) << r.out;
  EXPECT_NE(drop, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("重复录入"), std::string::npos);
  EXPECT_NE(r.out.find(R"("actor":"local")"), std::string::npos);
  EXPECT_EQ(Wulian(dir_.path(), "query history 99").exit_code, 2);
  EXPECT_EQ(Wulian(dir_.path(), "verify").exit_code, 0);
}

}  // namespace
}  // namespace wulian
