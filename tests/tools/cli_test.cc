// The `wulian` program end to end: real processes, real files, real RocksDB.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

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

TEST(CliTest, InitCreatesAnEmptyLedgerOnce) {
  TempDir dir;
  Output r = Wulian(dir.path(), "init");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(
      r.out.find(
          R"("head":{"seq":0,"chain":"0000000000000000000000000000000000000000000000000000000000000000","root":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"})"),
      std::string::npos)
      << r.out;
  r = Wulian(dir.path(), "init");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("INVALID_ARGUMENT"), std::string::npos);
}

TEST(CliTest, CommandsOnAMissingLedgerAreUsageErrors) {
  TempDir dir;
  EXPECT_EQ(Wulian(dir.path(), "verify").exit_code, 2);
  EXPECT_EQ(Wulian(dir.path(), "frobnicate").exit_code, 2);
  EXPECT_EQ(Wulian(dir.path(), "").exit_code, 2);
}

TEST(CliTest, AppendPrintsOneResultALineAndStopsAtTheFirstRefusal) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  std::string batch = R"({"events":[)" + Contact("b1") + "," + Contact("b2") + "]}";
  Output r = Wulian(
      dir.path(), "append -",
      Lines(Registry()) + batch + "\n" + Contact("x", "S99") + "\n" + Contact("never") + "\n");
  EXPECT_EQ(r.exit_code, 2);
  auto lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 9u) << r.out;
  EXPECT_EQ(lines[0].rfind(R"({"seq":1,"stream":"committee/C1","version":1,"hash":")", 0), 0u)
      << lines[0];
  EXPECT_EQ(lines[7].rfind(R"({"results":[{"seq":8,"stream":"studio/S01","version":2,)", 0), 0u)
      << lines[7];
  EXPECT_EQ(
      lines[8].rfind(
          R"({"error":{"code":"REFERENCE_ERROR","message":"studio \"S99\" is not licensed","line":9)",
          0),
      0u)
      << lines[8];
  EXPECT_NE(Wulian(dir.path(), "head").out.find(R"({"size":9,)"), std::string::npos);
}

TEST(CliTest, AppendExitCodesFollowTheSpec) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "append", Lines(Registry())).exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "append", Contact("c1") + "\n").exit_code, 0);
  Output r = Wulian(
      dir.path(), "append",
      Event(
          "c1", "ContactRecorded",
          R"({"studio":"S01","members":["M2"],"channel":"visit","peopleReached":3,"topic":"t"})") +
          "\n");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("DUPLICATE_ID"), std::string::npos);
  r = Wulian(
      dir.path(), "append",
      Event("c2", "ContactRecorded",
            R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})",
            "2025-03-01T09:30:00+08:00", R"(,"expectedVersion":7)") +
          "\n");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("VERSION_CONFLICT"), std::string::npos);
  r = Wulian(dir.path(), "append", "{\"id\":\"bad\"\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(R"("code":"INVALID_EVENT")"), std::string::npos);
  EXPECT_NE(r.out.find(R"("line":1)"), std::string::npos);
  r = Wulian(dir.path(), "append",
             R"({"events":[)" + Contact("b1") + "," + Contact("b2", "S99") + "]}\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(R"("line":1,"index":1})"), std::string::npos) << r.out;
  r = Wulian(dir.path(), "append", Contact("late") + "\n", "WULIAN_NOW=not-a-time");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliTest, AppendRefusesAHugeLineAndInvalidUtf8WithTheirLineNumbers) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "append", Lines(Registry())).exit_code, 0);
  Output r = Wulian(dir.path(), "append",
                    Contact("ok1") + "\n" + std::string(kLineBytesMax + 10, 'x') + "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(R"(longer than 16777216 bytes","line":2)"), std::string::npos)
      << r.out.substr(0, 400);
  r = Wulian(dir.path(), "append",
             "\n" +
                 Event("u", "ContactRecorded",
                       "{\"studio\":\"S01\",\"members\":[\"M1\"],\"channel\":\"visit\","
                       "\"peopleReached\":3,\"topic\":\"\xc3\x28\"}") +
                 "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(R"(UTF-8","line":2)"), std::string::npos) << r.out;
  EXPECT_NE(Wulian(dir.path(), "head").out.find(R"({"size":8,)"), std::string::npos);
}

TEST(CliTest, ImportIsAllOrNothingAndListsEveryRefusedLine) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  std::vector<std::string> lines = Registry();
  lines.push_back(Contact("c1"));
  lines.push_back("{not json");           // line 9
  lines.push_back(Contact("c2", "S77"));  // line 10
  lines.push_back(Contact("c3"));
  lines.push_back(
      Event("k1", "CaseResolved",
            R"({"studio":"S01","case":"K9","outcome":"resolved","summary":"s"})"));  // 12
  const std::string file = dir.path() + "/in.jsonl";
  std::ofstream(file) << Lines(lines);
  Output r = Wulian(dir.path(), "import " + file);
  EXPECT_EQ(r.exit_code, 2);
  auto out = SplitLines(r.out);
  ASSERT_EQ(out.size(), 3u) << r.out;
  EXPECT_NE(out[0].find(R"("code":"INVALID_EVENT")"), std::string::npos);
  EXPECT_NE(out[0].find(R"("line":9)"), std::string::npos);
  EXPECT_NE(out[1].find(R"("code":"REFERENCE_ERROR")"), std::string::npos);
  EXPECT_NE(out[1].find(R"("line":10)"), std::string::npos);
  EXPECT_NE(out[2].find(R"("line":12)"), std::string::npos);
  EXPECT_NE(Wulian(dir.path(), "head").out.find(R"({"size":0,)"), std::string::npos);

  lines.erase(lines.begin() + 11);
  lines.erase(lines.begin() + 8, lines.begin() + 10);
  std::ofstream(file) << Lines(lines);
  r = Wulian(dir.path(), "import " + file);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"({"lines":9,"appended":9,"duplicates":0,"head":{"seq":9,)"),
            std::string::npos)
      << r.out;
  r = Wulian(dir.path(), "import " + file);
  EXPECT_NE(r.out.find(R"({"lines":9,"appended":0,"duplicates":9,)"), std::string::npos) << r.out;
  EXPECT_EQ(Wulian(dir.path(), "verify").exit_code, 0);
}

TEST(CliTest, ExportHonoursFromAndTo) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "append", Lines(Registry())).exit_code, 0);
  auto all = SplitLines(Wulian(dir.path(), "export").out);
  ASSERT_EQ(all.size(), 7u);
  auto some = SplitLines(Wulian(dir.path(), "export --from 3 --to 4").out);
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0], all[2]);
  EXPECT_EQ(some[1], all[3]);
  EXPECT_EQ(Wulian(dir.path(), "export --from x").exit_code, 2);
}

// §4: the leaf hash is SHA-256(0x00 ‖ `capnp convert json:canonical` of the event without
// hash and chain), checked with the Cap'n Proto and coreutils tools, not our code.
TEST(CliTest, LeafHashesMatchCapnpCanonicalForm) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "demo --events 300").exit_code, 0);
  const std::string source = WULIAN_SOURCE_DIR;
  auto events = SplitLines(Wulian(dir.path(), "export --from 1 --to 300").out);
  ASSERT_EQ(events.size(), 300u);
  int checked = 0;
  for (size_t i = 0; i < events.size(); i += 37) {
    std::string e = events[i];
    if (e.find("\"EventCorrected\"") != std::string::npos) continue;  // its data is written bare
    const size_t h = e.find(",\"hash\":\"");
    const std::string hash = e.substr(h + 9, 64);
    e.erase(h, 9 + 64 + 1 + 10 + 64 + 1);  // ,"hash":"…","chain":"…"
    std::ofstream(dir.path() + "/e.json") << e;
    const std::string cmd = "(printf '\\0'; capnp convert json:canonical --import-path=" + source +
                            "/events " + source + "/events/ledger.capnp Event < " + dir.path() +
                            "/e.json) | sha256sum";
    std::FILE* pipe = popen(cmd.c_str(), "r");
    char buf[128] = {};
    ASSERT_NE(std::fgets(buf, sizeof buf, pipe), nullptr);
    pclose(pipe);
    EXPECT_EQ(std::string(buf, 64), hash) << e;
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST(CliTest, BackupIsAConsistentLedgerThatVerifies) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "append", Lines(Registry())).exit_code, 0);
  const std::string copy = dir.path() + "/copy";
  Output r = Wulian(dir.path(), "backup " + copy);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Wulian(dir.path(), "backup " + copy).exit_code, 2);  // never overwrites
  // The copy is a ledger of its own: same head, same key.
  std::filesystem::rename(dir.path() + "/ledger", dir.path() + "/original");
  std::filesystem::rename(copy, dir.path() + "/ledger");
  Output verify = Wulian(dir.path(), "verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_NE(verify.out.find(R"("events":7,)"), std::string::npos);
  EXPECT_EQ(Wulian(dir.path(), "pubkey").exit_code, 0);
  // With its access journal and the journal's signed head.
  Output tokens = Wulian(dir.path(), "token list");
  EXPECT_EQ(tokens.exit_code, 0) << tokens.out;
  EXPECT_NE(tokens.out.find(R"({"name":"admin","role":"admin")"), std::string::npos) << tokens.out;
}

// An access journal from before lines were signed stops `token`, `user` and `serve` until
// `token seal` has shown its unsigned lines and been given back the chain it showed.
TEST(CliTest, AnAccessJournalFromBeforeSigningIsUsedOnlyOnceAnAdminSealedIt) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "token add --role auditor --name a").exit_code, 0);
  const std::string journal = dir.path() + "/ledger/access.jsonl";
  std::stringstream text;
  text << std::ifstream(journal).rdbuf();
  std::ofstream(journal, std::ios::trunc)
      << std::regex_replace(text.str(), std::regex(R"(","signature":"[0-9a-f]{128})"), "");
  std::filesystem::remove(journal + ".head");

  Output r = Wulian(dir.path(), "token list");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find(R"({"error":{"code":"CORRUPTION","message":")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("review it with `wulian token seal`"), std::string::npos) << r.out;
  EXPECT_EQ(Wulian(dir.path(), "user add p --role auditor").exit_code, 1);
  r = Wulian(dir.path(), "serve --listen 127.0.0.1:0", "",
             "WULIAN_NOW=2026-11-26T10:00:00+08:00 timeout 20");
  EXPECT_EQ(r.exit_code, 1) << r.out;

  r = Wulian(dir.path(), "token seal");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_NE(lines[0].find(R"("action":"grant","name":"admin")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("action":"grant","name":"a")"), std::string::npos) << lines[1];
  const std::string summary = R"({"lines":2,"unsigned":2,"chain":")";
  ASSERT_EQ(lines[2].rfind(summary, 0), 0u) << lines[2];
  const std::string chain = lines[2].substr(summary.size(), 64);
  EXPECT_EQ(Wulian(dir.path(), "token seal --confirm " + std::string(64, '0')).exit_code, 2);
  r = Wulian(dir.path(), "token seal --confirm " + chain);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, R"({"sealed":")" + chain + "\"}\n");

  r = Wulian(dir.path(), "token list");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"({"name":"a","role":"auditor")"), std::string::npos) << r.out;
  EXPECT_EQ(Wulian(dir.path(), "user add p --role auditor").exit_code, 0);
  r = Wulian(dir.path(), "token seal");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"("unsigned":0,)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("problem":""})"), std::string::npos) << r.out;
}

// Under a umask of 000 the ledger's files are still private (directories 0700, files 0600),
// a file written for the caller keeps the caller's umask, and `serve` refuses a signing key
// or an access journal that others may read.
TEST(CliTest, TheDataDirectoryIsPrivateWhateverTheUmask) {
  TempDir dir;
  const std::string env = "umask 000; WULIAN_NOW=2026-11-26T10:00:00+08:00";
  ASSERT_EQ(Wulian(dir.path(), "init", "", env).exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "append", Lines(Registry()), env).exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "token add --role auditor --name a", "", env).exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "rebuild", "", env).exit_code, 0);
  const std::string report = dir.path() + "/report.json";
  ASSERT_EQ(Wulian(dir.path(), "report --as-of 2026-11-26T10:00:00+08:00 --out " + report, "", env)
                .exit_code,
            0);
  ASSERT_EQ(Wulian(dir.path(), "backup " + dir.path() + "/copy", "", env).exit_code, 0);
  namespace fs = std::filesystem;
  size_t checked = 0;
  for (const std::string& root : {dir.path() + "/ledger", dir.path() + "/copy"}) {
    EXPECT_EQ(fs::status(root).permissions() & fs::perms::all, fs::perms::owner_all) << root;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const fs::perms p = fs::symlink_status(entry.path()).permissions();
      EXPECT_EQ(p & (fs::perms::group_all | fs::perms::others_all), fs::perms::none)
          << entry.path() << " " << std::oct << static_cast<unsigned>(p);
      ++checked;
    }
  }
  EXPECT_GT(checked, 20u);  // the databases, the views, the key, the journal, the policy
  EXPECT_EQ(fs::status(report).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::group_write | fs::perms::others_read | fs::perms::others_write);
  // A key or a journal that others may read is refused (`timeout` only bounds a server that
  // would serve anyway).
  for (const char* file : {"signing-key.pem", "access.jsonl"}) {
    const std::string path = dir.path() + "/ledger/" + std::string(file);
    fs::permissions(path, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
    Output r = Wulian(dir.path(), "serve --listen 127.0.0.1:0", "",
                      "WULIAN_NOW=2026-11-26T10:00:00+08:00 timeout 20");
    EXPECT_EQ(r.exit_code, 2) << file << ": " << r.out;
    EXPECT_NE(r.out.find("chmod 600 " + path), std::string::npos) << r.out;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  }
}

// Off loopback, plain HTTP is refused unless the operator insists with --insecure-http.
TEST(CliTest, ServeRefusesPlainHttpOffLoopback) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  for (const char* listen : {"0.0.0.0:0", "[::]:0", "192.0.2.1:0"}) {
    Output r = Wulian(dir.path(), std::string("serve --listen ") + listen, "", "timeout 20");
    EXPECT_EQ(r.exit_code, 2) << listen << ": " << r.out;
    EXPECT_NE(r.out.find("refusing plain HTTP"), std::string::npos) << r.out;
  }
  // With the flag the same command passes that check and stops at the next one (a journal
  // that others may read), so that it needs no server to run.
  const std::string journal = dir.path() + "/ledger/access.jsonl";
  std::filesystem::permissions(journal, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  Output r = Wulian(dir.path(), "serve --listen 0.0.0.0:0 --insecure-http", "", "timeout 20");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(r.out.find("refusing plain HTTP"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chmod 600"), std::string::npos) << r.out;
}

// A crash during the replacement of the database leaves the old or the new ledger.
TEST(CliTest, AnInterruptedReplacementIsFinishedOrUndone) {
  TempDir dir;
  const std::string data = dir.path() + "/ledger";
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "append", Lines(Registry())).exit_code, 0);
  // Crashed after moving the old database aside, before the new one took its place.
  std::filesystem::rename(data + "/db", data + "/db.replaced");
  Output r = Wulian(dir.path(), "verify");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"("events":7,)"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(data + "/db.replaced"));
  // Crashed after the new (marked) database took its place, before the old one was removed.
  ASSERT_EQ(Wulian(dir.path(), "append", Contact("c1") + "\n").exit_code, 0);
  std::filesystem::copy(data + "/db", data + "/db.replaced");
  std::ofstream(data + "/db/WULIAN-REPLACES-DB").close();
  r = Wulian(dir.path(), "verify");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(R"("events":8,)"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(data + "/db.replaced"));
  EXPECT_FALSE(std::filesystem::exists(data + "/db/WULIAN-REPLACES-DB"));
  // An unmarked database beside db.replaced did not replace it: nothing is deleted.
  std::filesystem::copy(data + "/db", data + "/db.replaced");
  r = Wulian(dir.path(), "verify");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(std::filesystem::exists(data + "/db.replaced"));
  // And init refuses to create a ledger over the remains of an interrupted import.
  std::filesystem::remove_all(data + "/db");
  EXPECT_EQ(Wulian(dir.path(), "init").exit_code, 2);
  EXPECT_EQ(Wulian(dir.path(), "verify").exit_code, 0);  // recovered: db.replaced went back
}

TEST(CliTest, ImportKilledMidwayLeavesAVerifiedPrefixAndARerunCompletesIt) {
  TempDir dir;
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  const std::string file = dir.path() + "/demo.jsonl";
  ASSERT_EQ(Wulian(dir.path(), "demo --events 40000 --jsonl " + file).exit_code, 0);
  testing::RunAndKillAt(dir.path(), {"import", file}, "lines checked");

  Output verify = Wulian(dir.path(), "verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  std::ifstream in(file);
  std::vector<std::string> input;
  for (std::string line; std::getline(in, line);) input.push_back(line);
  auto ids_of = [](const std::vector<std::string>& lines) {
    std::vector<std::string> ids;
    for (const auto& l : lines) {
      const size_t at = l.find("\"id\":\"") + 6;
      ids.push_back(l.substr(at, l.find('"', at) - at));
    }
    return ids;
  };
  auto stored = ids_of(SplitLines(Wulian(dir.path(), "export").out));
  auto wanted = ids_of(input);
  ASSERT_LT(stored.size(), wanted.size());
  EXPECT_TRUE(std::equal(stored.begin(), stored.end(), wanted.begin()));

  Output rerun = Wulian(dir.path(), "import " + file);
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out;
  EXPECT_NE(rerun.out.find("\"duplicates\":" + std::to_string(stored.size())), std::string::npos)
      << rerun.out;
  EXPECT_EQ(Wulian(dir.path(), "verify").exit_code, 0);
  EXPECT_EQ(ids_of(SplitLines(Wulian(dir.path(), "export").out)), wanted);
}

}  // namespace
}  // namespace wulian
