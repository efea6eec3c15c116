// Sessions and the sign-in throttle, driven by explicit clocks.
#include "server/sessions.h"

#include <gtest/gtest.h>

namespace wulian::server {
namespace {

constexpr int64_t kMinute = 60 * 1000;

TEST(SessionsTest, ASessionLastsWhileUsedAndEndsWhenIdle) {
  Sessions sessions(30 * kMinute);
  const std::string id = sessions.Create("jilu", "cred", 0);
  EXPECT_EQ(id.size(), 64u);
  auto s = sessions.Use(id, 29 * kMinute);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->login, "jilu");
  EXPECT_EQ(s->credential, "cred");
  EXPECT_EQ(s->csrf.size(), 64u);
  // Each use restarts the idle time.
  EXPECT_TRUE(sessions.Use(id, 58 * kMinute).has_value());
  EXPECT_FALSE(sessions.Use(id, 88 * kMinute + 1).has_value());
  EXPECT_FALSE(sessions.Use(id, 89 * kMinute).has_value());  // ended stays ended
  EXPECT_FALSE(sessions.Use("", 0).has_value());
  EXPECT_FALSE(sessions.Use(std::string(64, '0'), 0).has_value());
}

TEST(SessionsTest, IdsAreUnguessableAndEndingOneLeavesTheOthers) {
  Sessions sessions(kMinute);
  const std::string a = sessions.Create("jilu", "c", 0), b = sessions.Create("jilu", "c", 0),
                    c = sessions.Create("dudao", "c", 0);
  EXPECT_NE(a, b);
  EXPECT_NE(sessions.Use(a, 0)->csrf, sessions.Use(b, 0)->csrf);
  sessions.End(a);
  EXPECT_FALSE(sessions.Use(a, 0).has_value());
  EXPECT_TRUE(sessions.Use(b, 0).has_value());
  sessions.EndAll("jilu");
  EXPECT_FALSE(sessions.Use(b, 0).has_value());
  EXPECT_TRUE(sessions.Use(c, 0).has_value());
  EXPECT_EQ(sessions.size(), 1u);
}

TEST(SessionsTest, TheOldestSessionsEndBeyondTheCap) {
  Sessions sessions(24 * 60 * kMinute);
  const std::string first = sessions.Create("p0", "c", 0);
  for (size_t i = 1; i <= kSessionsMax; ++i) sessions.Create("p", "c", static_cast<int64_t>(i));
  EXPECT_LE(sessions.size(), kSessionsMax);
  EXPECT_FALSE(sessions.Use(first, kSessionsMax + 1).has_value());
}

TEST(ThrottleTest, FailuresBeyondTheFreeOnesWaitLongerEachTimeUpToTheCap) {
  Throttle throttle(3);
  int64_t now = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle.Begin("login:a", now), 0);
  }
  EXPECT_EQ(throttle.WaitMs("login:a", now), 1000);
  EXPECT_EQ(throttle.WaitMs("login:b", now), 0);  // per key
  now += 1000;
  EXPECT_EQ(throttle.Begin("login:a", now), 0);
  EXPECT_EQ(throttle.WaitMs("login:a", now), 2000);
  // Each attempt let through once its wait is over doubles the next wait, up to the cap.
  for (int i = 0; i < 40; ++i) {
    now += throttle.WaitMs("login:a", now);
    EXPECT_EQ(throttle.Begin("login:a", now), 0);
  }
  EXPECT_EQ(throttle.WaitMs("login:a", now), kThrottleWaitMsMax);
  throttle.Succeed("login:a");
  EXPECT_EQ(throttle.WaitMs("login:a", now), 0);
}

TEST(ThrottleTest, AnAttemptLetThroughCountsAsFailedUntilTakenBack) {
  Throttle login(2), address(2);
  // Two attempts let through and not yet checked hold up the third.
  EXPECT_EQ(login.Begin("login:a", 0), 0);
  EXPECT_EQ(login.Begin("login:a", 0), 0);
  EXPECT_EQ(login.Begin("login:a", 0), 1000);
  EXPECT_EQ(login.WaitMs("login:a", 0), 1000);  // a refused attempt is not counted
  login.Succeed("login:a");
  EXPECT_EQ(login.Begin("login:a", 0), 0);
  // Undo takes back one attempt only.
  EXPECT_EQ(address.Begin("address:1", 0), 0);
  EXPECT_EQ(address.Begin("address:1", 0), 0);
  address.Undo("address:1");
  EXPECT_EQ(address.Begin("address:1", 0), 0);
  EXPECT_EQ(address.Begin("address:1", 0), 1000);
  address.Undo("address:1");
  address.Undo("address:1");
  address.Undo("address:1");  // more than counted: the key is gone, not negative
  EXPECT_EQ(address.Begin("address:1", 0), 0);
  EXPECT_EQ(address.Begin("address:1", 0), 0);
  EXPECT_EQ(address.Begin("address:1", 0), 1000);
}

TEST(ThrottleTest, AKeyUntouchedForAnHourIsForgotten) {
  Throttle throttle(1);
  EXPECT_EQ(throttle.Begin("address:1", 0), 0);
  EXPECT_GT(throttle.WaitMs("address:1", 0), 0);
  EXPECT_EQ(throttle.WaitMs("address:1", kThrottleForgetMs + 1), 0);
}

}  // namespace
}  // namespace wulian::server
