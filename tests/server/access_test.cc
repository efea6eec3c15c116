// Access and the access journal: grants, revocations, constant-time lookup by secret, the
// chain, and processes granting at the same time.
#include "server/access.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace wulian::server
