// Access and the access journal: grants, revocations, constant-time lookup by secret, the
// chain, and processes granting at the same time.
#include "server/access.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support.h"

namespace wulian::server {
namespace {

using wulian::testing::TempDir;

TEST(TokensTest, GrantAuthenticateRevoke) {
  TempDir dir;
  std::unique_ptr<Access> tokens;
  ASSERT_TRUE(Access::Open(dir.path() + "/access.jsonl", &tokens).ok());
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
  std::unique_ptr<Access> tokens;
  std::string secret;
  ASSERT_TRUE(Access::Open(path, &tokens).ok());
  ASSERT_TRUE(tokens->Grant("aud", Role::kAuditor, {}, "t", &secret).ok());
  ASSERT_TRUE(tokens->Grant("adm", Role::kAdmin, {}, "t", &secret).ok());
  std::stringstream journal;
  journal << std::ifstream(path).rdbuf();
  std::string text = journal.str();
  text.replace(text.find("\"role\":\"auditor\""), 16, "\"role\":\"admin\"  ");
  std::ofstream(path, std::ios::trunc) << text;
  tokens.reset();
  EXPECT_EQ(Access::Open(path, &tokens).code(), Code::kCorruption);
}

// A crash in the middle of an append leaves a last line without its newline: that line
// (never acknowledged) is dropped with a warning, and everything before it still holds. It
// used to make the whole journal unreadable: 401 for everyone.
TEST(TokensTest, ATornLastLineIsDroppedAndTheRestHolds) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  std::unique_ptr<Access> tokens;
  std::string aud, adm;
  ASSERT_TRUE(Access::Open(path, &tokens).ok());
  ASSERT_TRUE(tokens->Grant("aud", Role::kAuditor, {}, "t", &aud).ok());
  ASSERT_TRUE(tokens->Grant("adm", Role::kAdmin, {}, "t", &adm).ok());
  tokens.reset();
  const auto whole = std::filesystem::file_size(path);
  std::ofstream(path, std::ios::app) << R"({"seq":3,"action":"grant","name":"evil","ro)";
  ASSERT_TRUE(Access::Open(path, &tokens).ok());
  EXPECT_EQ(std::filesystem::file_size(path), whole);
  ASSERT_TRUE(tokens->Authenticate(aud));
  EXPECT_EQ(tokens->Authenticate(adm)->role, Role::kAdmin);
  // The journal goes on from its last whole line.
  std::string next;
  ASSERT_TRUE(tokens->Grant("next", Role::kAuditor, {}, "t", &next).ok());
  tokens.reset();
  ASSERT_TRUE(Access::Open(path, &tokens).ok());
  EXPECT_TRUE(tokens->Authenticate(next));
  // A broken line that is not the last is still corruption.
  std::stringstream journal;
  journal << std::ifstream(path).rdbuf();
  std::string text = journal.str();
  text.insert(text.find('\n') + 1, "{\"seq\":2,\"torn\n");
  std::ofstream(path, std::ios::trunc) << text;
  tokens.reset();
  EXPECT_EQ(Access::Open(path, &tokens).code(), Code::kCorruption);
}

TEST(TokensTest, ProcessesGrantingAtOnceKeepTheJournalWhole) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // Each thread is a separate Access, as separate processes would be.
      std::unique_ptr<Access> tokens;
      ASSERT_TRUE(Access::Open(path, &tokens).ok());
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
  ASSERT_TRUE(Access::Open(path, &tokens).ok());
  std::stringstream live(tokens->List());
  int n = 0;
  for (std::string line; std::getline(live, line);) ++n;
  EXPECT_EQ(n, 40);
}

TEST(PeopleTest, APasswordIsStoredOnlyAsAnArgon2idHashAndSignsIn) {
  TempDir dir;
  const std::string path = dir.path() + "/access.jsonl";
  std::unique_ptr<Access> access;
  ASSERT_TRUE(Access::Open(path, &access).ok());
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
  ASSERT_TRUE(Access::Open(path, &other).ok());
  EXPECT_TRUE(other->SignIn("jilu", "秘密 password", &credential).has_value());
}

TEST(PeopleTest, ANewPasswordOrDisablingEndsWhatTheOldSignInAllowed) {
  TempDir dir;
  std::unique_ptr<Access> access;
  ASSERT_TRUE(Access::Open(dir.path() + "/access.jsonl", &access).ok());
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
  std::unique_ptr<Access> access;
  ASSERT_TRUE(Access::Open(dir.path() + "/access.jsonl", &access).ok());
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
