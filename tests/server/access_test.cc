// Access and the access journal: grants, revocations, constant-time lookup by secret, the
// chain, the signatures and the signed head, the seal of an old journal, and processes
// granting at the same time.
#include "server/access.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/hash.h"
#include "events/signing.h"
#include "tests/support.h"

namespace wulian::server {
namespace {

using wulian::testing::TempDir;

// A new ledger key in `dir`.
std::unique_ptr<SigningKey> NewKey(const TempDir& dir, const std::string& name = "key.pem") {
  std::unique_ptr<SigningKey> key;
  EXPECT_TRUE(SigningKey::Create(dir.path() + "/" + name, &key).ok());
  return key;
}

std::string ReadAll(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

// A line without its signature: as journals were written before lines were signed.
std::string Unsigned(const std::string& line) {
  const size_t at = line.find(R"(","signature":")");
  return at == std::string::npos ? line : line.substr(0, at) + "\"}";
}

// What someone who can write the journal but has not the key can do: recompute every prev
// and chain from the first line on, so that the hash chain holds again. Each line keeps
// whatever follows its chain (its old signature, if any).
std::vector<std::string> Rechain(std::vector<std::string> lines) {
  std::string prev(64, '0');
  Hash chain{};
  for (std::string& line : lines) {
    const size_t at = line.find(R"(,"chain":")");
    std::string body = line.substr(0, at);
    const std::string after = line.substr(at + 10 + 64);
    const size_t p = body.rfind(R"(,"prev":")");
    body = body.substr(0, p) + R"(,"prev":")" + prev + "\"";
    chain = Sha256(std::string(reinterpret_cast<const char*>(chain.data()), chain.size()) + body);
    prev = ToHex(chain);
    line = body + R"(,"chain":")" + prev + after;
  }
  return lines;
}

TEST(TokensTest, GrantAuthenticateRevoke) {
  TempDir dir;
  const auto key = NewKey(dir);
  std::unique_ptr<Access> tokens;
  ASSERT_TRUE(Access::Open(dir.path() + "/access.jsonl", *key, &tokens).ok());
  std::string secret;
  ASSERT_TRUE(
      tokens->Grant("s01", Role::kRecorder, {"S01"}, "2025-01-01T00:00:00+08:00", &secret).ok());
  auto who = tokens->Authenticate(secret);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "s01");
  EXPECT_EQ(who->role, Role::kRecorder);
  EXPECT_EQ(who->studios, std::vector<std::string>{"S01"});
  EXPECT_FALSE(tokens->Authenticate(secret + "0").has_value());
  EXPECT_FALSE(tokens->Authenticate("").has_value());
  EXPECT_EQ(tokens->Grant("s01", Role::kAuditor, {}, "t", &secret).code(), Code::kInvalidArgument);
  EXPECT_EQ(tokens->Grant("r", Role::kRecorder, {}, "t", &secret).code(), Code::kInvalidArgument);
  EXPECT_EQ(tokens->Grant("a", Role::kAuditor, {"S01"}, "t", &secret).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(tokens->Grant("bad\"name", Role::kAuditor, {}, "t", &secret).code(),
            Code::kInvalidArgument);
  ASSERT_TRUE(tokens->Revoke("s01", "2025-01-02T00:00:00+08:00").ok());
  EXPECT_FALSE(tokens->Authenticate(secret).has_value());
  EXPECT_EQ(tokens->Revoke("s01", "t").code(), Code::kNotFound);
  EXPECT_NE(tokens->History(true).find(R"("action":"revoke","name":"s01")"), std::string::npos);
  // The secret itself is never stored.
  std::ifstream in(dir.path() + "/access.jsonl");
  std::stringstream journal;
  journal << in.rdbuf();
  EXPECT_EQ(journal.str().find(secret), std::string::npos);
}

TEST(TokensTest, AChangedJournalLineBreaksTheChain) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  std::unique_ptr<Access> tokens;
  std::string secret;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  ASSERT_TRUE(tokens->Grant("aud", Role::kAuditor, {}, "t", &secret).ok());
  ASSERT_TRUE(tokens->Grant("adm", Role::kAdmin, {}, "t", &secret).ok());
  std::stringstream journal;
  journal << std::ifstream(path).rdbuf();
  std::string text = journal.str();
  text.replace(text.find("\"role\":\"auditor\""), 16, "\"role\":\"admin\"  ");
  std::ofstream(path, std::ios::trunc) << text;
  tokens.reset();
  EXPECT_EQ(Access::Open(path, *key, &tokens).code(), Code::kCorruption);
}

// A crash in the middle of an append leaves a last line without its newline: that line
// (never acknowledged) is dropped with a warning, and everything before it still holds. It
// used to make the whole journal unreadable: 401 for everyone.
TEST(TokensTest, ATornLastLineIsDroppedAndTheRestHolds) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  std::unique_ptr<Access> tokens;
  std::string aud, adm;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  ASSERT_TRUE(tokens->Grant("aud", Role::kAuditor, {}, "t", &aud).ok());
  ASSERT_TRUE(tokens->Grant("adm", Role::kAdmin, {}, "t", &adm).ok());
  tokens.reset();
  const auto whole = std::filesystem::file_size(path);
  std::ofstream(path, std::ios::app) << R"({"seq":3,"action":"grant","name":"evil","ro)";
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  EXPECT_EQ(std::filesystem::file_size(path), whole);
  ASSERT_TRUE(tokens->Authenticate(aud));
  EXPECT_EQ(tokens->Authenticate(adm)->role, Role::kAdmin);
  // The journal goes on from its last whole line.
  std::string next;
  ASSERT_TRUE(tokens->Grant("next", Role::kAuditor, {}, "t", &next).ok());
  tokens.reset();
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  EXPECT_TRUE(tokens->Authenticate(next));
  // A broken line that is not the last is still corruption.
  std::stringstream journal;
  journal << std::ifstream(path).rdbuf();
  std::string text = journal.str();
  text.insert(text.find('\n') + 1, "{\"seq\":2,\"torn\n");
  std::ofstream(path, std::ios::trunc) << text;
  tokens.reset();
  EXPECT_EQ(Access::Open(path, *key, &tokens).code(), Code::kCorruption);
}

// Someone who can write the journal but has not the ledger's key rebuilds it around a forged
// admin grant, with every prev and chain recomputed: the journal is refused on open, and an
// Access that had it open authenticates nobody, whether the forged lines keep the old
// signatures, carry none, or come after the signed lines.
TEST(TokensTest, AJournalRebuiltAroundAForgedGrantWithoutTheKeyIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  std::unique_ptr<Access> tokens, running;
  std::string first, aud;
  ASSERT_TRUE(Access::Open(path, *key, &running).ok());
  ASSERT_TRUE(running->Grant("first", Role::kAuditor, {}, "t", &first).ok());
  ASSERT_TRUE(running->Grant("aud", Role::kAuditor, {}, "t", &aud).ok());
  ASSERT_TRUE(running->Authenticate(aud));
  const std::string genuine = ReadAll(path);
  const std::string forged_secret = "wl_forged";
  std::vector<std::string> lines = SplitLines(genuine);
  ASSERT_EQ(lines.size(), 2u);
  // Line 2 becomes an admin grant of a secret the forger knows.
  const size_t role = lines[1].find(R"("role":"auditor")");
  const size_t hash = lines[1].find(R"("tokenHash":")");
  ASSERT_NE(role, std::string::npos);
  ASSERT_NE(hash, std::string::npos);
  lines[1].replace(hash + 13, 64, ToHex(Sha256(forged_secret)));
  lines[1].replace(role, 16, R"("role":"admin")");
  // Or the forged grant comes third, after the signed lines, chained to them.
  std::vector<std::string> appended = SplitLines(genuine);
  appended.push_back(lines[1]);
  appended.back().replace(0, 8, R"({"seq":3)");
  appended.back().replace(appended.back().find(R"("name":"aud")"), 12, R"("name":"bad")");
  appended = Rechain(appended);
  appended.back() = Unsigned(appended.back());
  const std::vector<std::pair<std::vector<std::string>, std::string>> forgeries = {
      {Rechain(lines), "line 2: the signature is not the ledger key's"},
      {Rechain({Unsigned(lines[0]), Unsigned(lines[1])}),
       "line 1: no signature (lines 1-2 are unsigned"},
      {appended, "line 3: no signature, after signed lines"},
  };
  for (size_t i = 0; i < forgeries.size(); ++i) {
    std::ofstream(path, std::ios::trunc) << JoinLines(forgeries[i].first);
    Status s = Access::Open(path, *key, &tokens);
    EXPECT_EQ(s.code(), Code::kCorruption) << i << ": " << s.message();
    EXPECT_NE(s.message().find(forgeries[i].second), std::string::npos) << s.message();
    EXPECT_FALSE(running->Authenticate(forged_secret)) << i;
    EXPECT_FALSE(running->Authenticate(aud)) << i;
    EXPECT_FALSE(running->Authenticate(first)) << i;
  }
  // The genuine journal back, everyone is who they were.
  std::ofstream(path, std::ios::trunc) << genuine;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  EXPECT_EQ(running->Authenticate(aud)->role, Role::kAuditor);
  EXPECT_FALSE(running->Authenticate(forged_secret));
}

TEST(TokensTest, ALineWhoseSignatureIsChangedIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  std::unique_ptr<Access> tokens;
  std::string secret;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_TRUE(tokens->Grant(name, Role::kAuditor, {}, "t", &secret).ok());
  }
  tokens.reset();
  const std::vector<std::string> genuine = SplitLines(ReadAll(path));
  ASSERT_EQ(genuine.size(), 3u);
  std::vector<std::string> lines = genuine;
  const size_t at = lines[1].find(R"("signature":")") + 13;
  ASSERT_GT(at, 13u);
  lines[1][at + 10] = lines[1][at + 10] == '0' ? '1' : '0';
  std::ofstream(path, std::ios::trunc) << JoinLines(lines);
  Status s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("line 2: the signature is not the ledger key's"), std::string::npos)
      << s.message();
  // Nor may anything but the signature follow the chain: it would go unsigned.
  lines = genuine;
  lines[1].insert(lines[1].size() - 1, R"(,"role":"admin")");
  std::ofstream(path, std::ios::trunc) << JoinLines(lines);
  s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("line 2: the access journal's chain is broken"), std::string::npos)
      << s.message();
  std::ofstream(path, std::ios::trunc) << JoinLines(genuine);
  EXPECT_TRUE(Access::Open(path, *key, &tokens).ok());
}

TEST(TokensTest, AJournalSignedByAnotherKeyIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  const auto other = NewKey(dir, "other.pem");
  std::unique_ptr<Access> tokens;
  std::string secret;
  ASSERT_TRUE(Access::Open(path, *other, &tokens).ok());
  ASSERT_TRUE(tokens->Grant("adm", Role::kAdmin, {}, "t", &secret).ok());
  tokens.reset();
  Status s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("line 1: the signature is not the ledger key's"), std::string::npos)
      << s.message();
  // Nor is its head the ledger's, even beside an empty journal.
  std::ofstream(path, std::ios::trunc).close();
  s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("is not a head signed by the ledger's key"), std::string::npos)
      << s.message();
}

// A head that cannot be written (a full disk, say) after its line was synced leaves the
// change made and everyone signed in: the head stays behind, which proves nothing is
// missing, and is signed anew once it can be.
TEST(TokensTest, AHeadThatCannotBeWrittenLocksNobodyOut) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  std::unique_ptr<Access> tokens;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  std::string first, second;
  ASSERT_TRUE(tokens->Grant("a", Role::kAuditor, {}, "2025-01-01T00:00:00+08:00", &first).ok());
  // The head's temporary file cannot be created.
  const std::string blocked = AccessHeadPath(path) + ".tmp";
  std::filesystem::create_directory(blocked);
  EXPECT_TRUE(tokens->Grant("b", Role::kAuditor, {}, "2025-01-01T00:00:00+08:00", &second).ok());
  EXPECT_TRUE(tokens->Authenticate(first));
  EXPECT_TRUE(tokens->Authenticate(second));
  std::unique_ptr<Access> reopened;
  ASSERT_TRUE(Access::Open(path, *key, &reopened).ok());
  EXPECT_TRUE(reopened->Authenticate(second));
  // Once the head can be written again it catches up, and a cut is seen again.
  std::filesystem::remove(blocked);
  ASSERT_TRUE(Access::Open(path, *key, &reopened).ok());
  std::string journal;
  {
    std::ifstream in(path);
    std::getline(in, journal);
  }
  std::ofstream(path, std::ios::trunc) << journal << "\n";
  EXPECT_EQ(Access::Open(path, *key, &reopened).code(), Code::kCorruption);
}

// The signed head names the journal's last line: lines cut from the end are seen, a head
// left behind by a crash between an append and its head is signed anew, and a missing head
// is refused. A journal rolled back together with its head to an older copy of both is not
// seen (access.h says so).
TEST(TokensTest, LinesCutFromTheEndAreSeenByTheSignedHead) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const std::string head = AccessHeadPath(path);
  const auto key = NewKey(dir);
  std::unique_ptr<Access> tokens;
  std::string stolen;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  ASSERT_TRUE(tokens->Grant("stolen", Role::kAdmin, {}, "t", &stolen).ok());
  const std::string old_journal = ReadAll(path), old_head = ReadAll(head);
  EXPECT_NE(old_head.find(R"({"seq":1,"chain":")"), std::string::npos) << old_head;
  ASSERT_TRUE(tokens->Revoke("stolen", "t").ok());
  tokens.reset();
  const std::string journal = ReadAll(path);
  // The revocation cut off.
  std::ofstream(path, std::ios::trunc) << old_journal;
  Status s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("ends at line 1 but its signed head is at line 2"), std::string::npos)
      << s.message();
  // Nor is the revocation dropped as a torn line when its newline is removed: the journal is
  // refused and left as it was.
  const std::string without_newline = journal.substr(0, journal.size() - 1);
  std::ofstream(path, std::ios::trunc) << without_newline;
  EXPECT_EQ(Access::Open(path, *key, &tokens).code(), Code::kCorruption);
  EXPECT_EQ(ReadAll(path), without_newline);
  // A crash after the revocation was synced, before its head was.
  std::ofstream(path, std::ios::trunc) << journal;
  std::ofstream(head, std::ios::trunc) << old_head;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  EXPECT_FALSE(tokens->Authenticate(stolen));
  EXPECT_NE(ReadAll(head).find(R"({"seq":2,"chain":")"), std::string::npos) << ReadAll(head);
  tokens.reset();
  // Another journal signed with the same key in this one's place.
  const std::string other_path = dir.path() + "/other.jsonl";
  std::unique_ptr<Access> other;
  std::string secret;
  ASSERT_TRUE(Access::Open(other_path, *key, &other).ok());
  for (const char* name : {"o1", "o2", "o3"}) {
    ASSERT_TRUE(other->Grant(name, Role::kAdmin, {}, "t", &secret).ok());
  }
  std::ofstream(path, std::ios::trunc) << ReadAll(other_path);
  s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("line 2 is not the line its signed head names"), std::string::npos)
      << s.message();
  std::ofstream(path, std::ios::trunc) << journal;
  // A missing head beside lines.
  std::filesystem::remove(head);
  s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("is missing"), std::string::npos) << s.message();
  // Which an admin may seal, after review.
  JournalReview review;
  ASSERT_TRUE(Access::Review(path, *key, &review).ok());
  EXPECT_EQ(review.problem, s.message());
  EXPECT_TRUE(review.unsigned_lines.empty());
  ASSERT_TRUE(Access::Seal(path, *key, review.chain, "t").ok());
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  // Journal and head rolled back together: the revocation is undone, unseen.
  std::ofstream(path, std::ios::trunc) << old_journal;
  std::ofstream(head, std::ios::trunc) << old_head;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  EXPECT_TRUE(tokens->Authenticate(stolen));
}

// A journal from before lines were signed (unsigned lines, no head) is refused until an admin
// has reviewed it and sealed it with the chain the review showed; then it loads, and only
// signed lines may follow the seal.
TEST(TokensTest, AJournalFromBeforeSigningIsRefusedUntilAnAdminSealsIt) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  std::unique_ptr<Access> tokens;
  std::string aud, adm, generated;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  ASSERT_TRUE(tokens->Grant("aud", Role::kAuditor, {}, "t", &aud).ok());
  ASSERT_TRUE(
      tokens->AddPerson(Person{"p", "某", Role::kAdmin, {}, false}, "", "t", &generated).ok());
  tokens.reset();
  std::vector<std::string> lines = SplitLines(ReadAll(path));
  for (auto& line : lines) line = Unsigned(line);
  const std::string legacy = JoinLines(lines);
  std::ofstream(path, std::ios::trunc) << legacy;
  std::filesystem::remove(AccessHeadPath(path));

  Status s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("line 1: no signature (lines 1-2 are unsigned"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("wulian token seal"), std::string::npos) << s.message();
  JournalReview review;
  ASSERT_TRUE(Access::Review(path, *key, &review).ok());
  EXPECT_EQ(review.problem, s.message());
  EXPECT_EQ(review.lines, 2u);
  ASSERT_EQ(review.unsigned_lines.size(), 2u);
  EXPECT_NE(review.unsigned_lines[0].find(R"("action":"grant","name":"aud")"), std::string::npos);
  EXPECT_EQ(review.unsigned_lines[1].find("$argon2id$"), std::string::npos);
  EXPECT_EQ(ReadAll(path), legacy);  // a review changes nothing
  // Only the chain the admin reviewed is sealed.
  EXPECT_EQ(Access::Seal(path, *key, std::string(64, '0'), "t").code(), Code::kInvalidArgument);
  EXPECT_EQ(ReadAll(path), legacy);
  ASSERT_TRUE(Access::Seal(path, *key, review.chain, "2026-01-01T00:00:00+08:00").ok());
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  EXPECT_EQ(tokens->Authenticate(aud)->role, Role::kAuditor);
  EXPECT_NE(tokens->History(false).find(R"("action":"seal","sealed":2,)"), std::string::npos);
  ASSERT_TRUE(Access::Review(path, *key, &review).ok());
  EXPECT_EQ(review.problem, "");
  EXPECT_EQ(Access::Seal(path, *key, review.chain, "t").code(), Code::kInvalidArgument);
  ASSERT_TRUE(tokens->Grant("after", Role::kAuditor, {}, "t", &adm).ok());
  tokens.reset();
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  EXPECT_TRUE(tokens->Authenticate(adm));
  tokens.reset();
  // After the seal, an unsigned line is refused, however well chained.
  lines = SplitLines(ReadAll(path));
  lines.push_back(lines[0]);
  lines.back().replace(0, 8, R"({"seq":5)");
  lines.back().replace(lines.back().find(R"("name":"aud")"), 12, R"("name":"bad")");
  std::vector<std::string> rechained = Rechain(lines);
  rechained.back() = Unsigned(rechained.back());
  std::ofstream(path, std::ios::trunc) << JoinLines(rechained);
  s = Access::Open(path, *key, &tokens);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("line 5: no signature"), std::string::npos) << s.message();
}

TEST(TokensTest, ProcessesGrantingAtOnceKeepTheJournalWhole) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // Each thread is a separate Access, as separate processes would be.
      std::unique_ptr<Access> tokens;
      ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
      for (int i = 0; i < 10; ++i) {
        std::string secret;
        ASSERT_TRUE(tokens
                        ->Grant("t" + std::to_string(t) + "-" + std::to_string(i), Role::kAuditor,
                                {}, "t", &secret)
                        .ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::unique_ptr<Access> tokens;
  ASSERT_TRUE(Access::Open(path, *key, &tokens).ok());
  std::stringstream live(tokens->List());
  int n = 0;
  for (std::string line; std::getline(live, line);) ++n;
  EXPECT_EQ(n, 40);
}

TEST(PeopleTest, APasswordIsStoredOnlyAsAnArgon2idHashAndSignsIn) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  const auto key = NewKey(dir);
  std::unique_ptr<Access> access;
  ASSERT_TRUE(Access::Open(path, *key, &access).ok());
  std::string generated;
  ASSERT_TRUE(access
                  ->AddPerson(Person{"jilu", "记录员 王芳", Role::kRecorder, {"S01"}, false},
                              "秘密 password", "t", &generated)
                  .ok());
  EXPECT_TRUE(generated.empty());
  std::string credential;
  auto who = access->SignIn("jilu", "秘密 password", &credential);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "jilu");
  EXPECT_EQ(who->display_name, "记录员 王芳");
  EXPECT_EQ(who->studios, std::vector<std::string>{"S01"});
  EXPECT_FALSE(access->SignIn("jilu", "秘密 passwore", &credential).has_value());
  EXPECT_FALSE(access->SignIn("JILU", "秘密 password", &credential).has_value());
  std::stringstream journal;
  journal << std::ifstream(path).rdbuf();
  EXPECT_EQ(journal.str().find("秘密 password"), std::string::npos);
  EXPECT_NE(journal.str().find("$argon2id$"), std::string::npos);
  EXPECT_EQ(access->History(false).find("$argon2id$"), std::string::npos);
  // Another process sees the person.
  std::unique_ptr<Access> other;
  ASSERT_TRUE(Access::Open(path, *key, &other).ok());
  EXPECT_TRUE(other->SignIn("jilu", "秘密 password", &credential).has_value());
}

TEST(PeopleTest, ANewPasswordOrDisablingEndsWhatTheOldSignInAllowed) {
  TempDir dir;
  const auto key = NewKey(dir);
  std::unique_ptr<Access> access;
  ASSERT_TRUE(Access::Open(dir.path() + "/access.jsonl", *key, &access).ok());
  std::string generated, credential;
  ASSERT_TRUE(
      access->AddPerson(Person{"dudao", "督导", Role::kSupervisor, {}, false}, "", "t", &generated)
          .ok());
  EXPECT_GE(generated.size(), 12u);
  ASSERT_TRUE(access->SignIn("dudao", generated, &credential).has_value());
  EXPECT_TRUE(access->Current("dudao", credential).has_value());
  std::string second;
  ASSERT_TRUE(access->SetPassword("dudao", "", "t2", &second).ok());
  EXPECT_NE(second, generated);
  EXPECT_FALSE(access->Current("dudao", credential).has_value());
  EXPECT_FALSE(access->SignIn("dudao", generated, &credential).has_value());
  ASSERT_TRUE(access->SignIn("dudao", second, &credential).has_value());
  Person p = *access->FindPerson("dudao");
  p.disabled = true;
  ASSERT_TRUE(access->UpdatePerson(p, "t3").ok());
  EXPECT_FALSE(access->Current("dudao", credential).has_value());
  EXPECT_FALSE(access->SignIn("dudao", second, &credential).has_value());
}

TEST(PeopleTest, HostileLoginsNamesAndPasswordsAreRefused) {
  TempDir dir;
  const auto key = NewKey(dir);
  std::unique_ptr<Access> access;
  ASSERT_TRUE(Access::Open(dir.path() + "/access.jsonl", *key, &access).ok());
  std::string g, secret;
  ASSERT_TRUE(access->Grant("bot", Role::kAuditor, {}, "t", &secret).ok());
  auto add = [&](const std::string& login, const std::string& name, Role role,
                 std::vector<std::string> studios, const std::string& password) {
    return access->AddPerson(Person{login, name, role, studios, false}, password, "t", &g).code();
  };
  EXPECT_EQ(add("", "某", Role::kAuditor, {}, ""), Code::kInvalidArgument);
  EXPECT_EQ(add("a b", "某", Role::kAuditor, {}, ""), Code::kInvalidArgument);
  EXPECT_EQ(add("a\"b", "某", Role::kAuditor, {}, ""), Code::kInvalidArgument);
  EXPECT_EQ(add(std::string(65, 'a'), "某", Role::kAuditor, {}, ""), Code::kInvalidArgument);
  EXPECT_EQ(add("bot", "某", Role::kAuditor, {}, ""), Code::kInvalidArgument);  // a token's name
  EXPECT_EQ(add("x", "", Role::kAuditor, {}, ""), Code::kInvalidArgument);
  EXPECT_EQ(add("x", "\xff", Role::kAuditor, {}, ""), Code::kInvalidArgument);
  EXPECT_EQ(add("x", "某", Role::kRecorder, {}, ""), Code::kInvalidArgument);
  EXPECT_EQ(add("x", "某", Role::kAuditor, {"S01"}, ""), Code::kInvalidArgument);
  EXPECT_EQ(add("x", "某", Role::kAuditor, {}, "1234567"), Code::kInvalidArgument);
  EXPECT_EQ(add("x", "某", Role::kAuditor, {}, std::string(129, 'p')), Code::kInvalidArgument);
  EXPECT_EQ(add("x", "某", Role::kAuditor, {}, std::string("1234567\0", 8)),
            Code::kInvalidArgument);
  EXPECT_TRUE(access->People().empty());
  ASSERT_EQ(add("x", "某", Role::kAuditor, {}, "12345678"), Code::kOk);
  EXPECT_EQ(add("x", "某", Role::kAuditor, {}, "12345678"), Code::kInvalidArgument);
  EXPECT_EQ(access->Grant("x", Role::kAuditor, {}, "t", &secret).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace wulian::server
