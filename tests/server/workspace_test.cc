// The routes of the web workspace against a real server: signing in with a password, the
// session cookie and its CSRF check, the throttle, the admin routes, and the read routes the
// pages are built from (flags with figures, items, timeline, findings, a member's year).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "base/time.h"
#include "events/codec.h"
#include "tests/server/harness.h"

namespace wulian {
namespace {

using server::Role;
using testing::Event;
using testing::Reply;
using testing::ServedLedger;
namespace http = testing::http;

constexpr char kPassword[] = "correct horse 马";

bool Has(const Reply& r, const std::string& fragment) {
  return r.body.find(fragment) != std::string::npos;
}

std::string Field(const std::string& json, const std::string& name) {
  JsonDocument doc;
  std::string value;
  if (!doc.Parse(json).ok() || !doc.GetString(name, &value).ok()) return "";
  return value;
}

std::string Contact(const std::string& id, const std::string& studio, const std::string& member,
                    const std::string& occurred = "2025-03-01T09:30:00+08:00") {
  return Event(id, "ContactRecorded",
               R"({"studio":")" + studio + R"(","members":[")" + member +
                   R"("],"channel":"visit","peopleReached":3,"topic":"停车难"})",
               occurred);
}

// A signed-in browser: the cookie and the CSRF token of one session.
struct Browser {
  explicit Browser(ServedLedger& server) : s(server) {}
  ServedLedger& s;
  std::string cookie, csrf;

  Reply SignIn(const std::string& login, const std::string& password = kPassword) {
    Reply r = s.Call(http::verb::post, "/v1/session", "",
                     R"({"login":")" + login + R"(","password":")" + password + R"("})",
                     {{"Content-Type", "application/json"}});
    const std::string set = r.header("set-cookie");
    if (r.status == 200 && set.starts_with("wl_session=")) {
      cookie = set.substr(0, set.find(';'));
      csrf = Field(r.body, "csrf");
    }
    return r;
  }
  Reply Get(const std::string& target) {
    return s.Call(http::verb::get, target, "", "", {{"Cookie", cookie}});
  }
  Reply Send(http::verb method, const std::string& target, const std::string& body,
             bool with_csrf = true) {
    std::vector<std::pair<std::string, std::string>> headers = {{"Cookie", cookie}};
    if (with_csrf) headers.emplace_back("X-CSRF-Token", csrf);
    return s.Call(method, target, "", body, headers);
  }
};

TEST(SessionTest, APersonSignsInWorksWithTheCookieAndSignsOut) {
  ServedLedger s;
  s.AddPerson("jilu", Role::kRecorder, {"S01"}, kPassword);
  Browser b(s);
  Reply r = b.SignIn("jilu");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Has(r, R"("login":"jilu","name":"测试 jilu","role":"recorder","studios":["S01"])"))
      << r.body;
  const std::string set = r.header("set-cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
  EXPECT_EQ(b.csrf.size(), 64u);
  EXPECT_EQ(b.Get("/v1/session").status, 200);
  EXPECT_EQ(b.Get("/v1/studios/S01").status, 200);
  // A recorder's event is acted as its login.
  r = b.Send(http::verb::post, "/v1/events", Contact("c1", "S01", "M1"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(Has(s.Get("/v1/events/8/history"), R"("actor":"jilu")"));
  // Signing out ends the session on the server, not only in the browser.
  r = b.Send(http::verb::delete_, "/v1/session", "", /*with_csrf=*/false);
  EXPECT_EQ(r.status, 403);  // another site may not sign the person out
  EXPECT_EQ(b.Get("/v1/session").status, 200);
  r = b.Send(http::verb::delete_, "/v1/session", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(b.Get("/v1/session").status, 401);
  EXPECT_EQ(b.Get("/v1/studios/S01").status, 401);
}

TEST(SessionTest, WrongPasswordsUnknownLoginsAndDisabledPeopleGetTheSameAnswer) {
  ServedLedger s;
  s.AddPerson("dudao", Role::kSupervisor, {}, kPassword);
  s.AddPerson("gone", Role::kSupervisor, {}, kPassword);
  server::Person gone = *s.access().FindPerson("gone");
  gone.disabled = true;
  ASSERT_TRUE(s.access().UpdatePerson(gone, "2025-07-01T00:00:00+08:00").ok());
  Browser b(s);
  std::string answers[3];
  int i = 0;
  for (const auto& [login, password] : std::vector<std::pair<std::string, std::string>>{
           {"dudao", "wrong password"}, {"nobody", kPassword}, {"gone", kPassword}}) {
    Reply r = b.SignIn(login, password);
    EXPECT_EQ(r.status, 401) << login;
    EXPECT_TRUE(r.header("set-cookie").empty());
    answers[i++] = r.body;
  }
  EXPECT_EQ(answers[0], answers[1]);
  EXPECT_EQ(answers[1], answers[2]);
  EXPECT_EQ(b.SignIn("dudao").status, 200);
}

// A live stream, subscribed with `credential` (an Authorization or Cookie header line).
struct LiveStream {
  LiveStream(ServedLedger& s, const std::string& credential) : socket(ioc) {
    socket.connect(
        testing::net::ip::tcp::endpoint(testing::net::ip::make_address("127.0.0.1"), s.port()));
    // A stream that never ends fails the test instead of hanging it.
    const timeval limit{testing::kRawReadSeconds, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    testing::net::write(socket,
                        testing::net::buffer("GET /v1/events/live?from=1 HTTP/1.1\r\nHost: x\r\n" +
                                             credential + "\r\n\r\n"));
  }
  // Reads until `text` has come; false if the stream ended or went quiet first.
  bool Saw(const std::string& text) {
    char buf[4096];
    while (seen.find(text) == std::string::npos) {
      // recv itself, not Asio's read_some: that waits on past SO_RCVTIMEO.
      const ssize_t n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
      if (n <= 0) return false;
      seen.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until the server closes the stream: true; false if it went quiet instead.
  bool Ended() {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
      if (n <= 0) return n == 0;  // 0: closed; -1: EAGAIN after SO_RCVTIMEO
      seen.append(buf, static_cast<size_t>(n));
    }
  }
  testing::net::io_context ioc;
  testing::net::ip::tcp::socket socket;
  std::string seen;
};

// A live stream ends soon after its token is revoked or its session signs out; it used to
// stream on (heartbeats included) for as long as the connection lasted.
TEST(SessionTest, ALiveStreamEndsWhenItsTokenOrSessionDoes) {
  ServedLedger s;
  s.AddPerson("dudao", Role::kSupervisor, {}, kPassword);
  Browser b(s);
  ASSERT_EQ(b.SignIn("dudao").status, 200);
  LiveStream by_token(s, "Authorization: Bearer " + s.token("auditor"));
  LiveStream by_session(s, "Cookie: " + b.cookie);
  LiveStream other(s, "Authorization: Bearer " + s.token("supervisor"));
  for (LiveStream* live : {&by_token, &by_session, &other}) ASSERT_TRUE(live->Saw("id: 7\n"));

  std::unique_ptr<server::Access> journal;
  ASSERT_TRUE(
      server::Access::Open(s.test_ledger().dir() + "/access.jsonl", s.key(), &journal).ok());
  ASSERT_TRUE(journal->Revoke("auditor", "2025-07-01T00:00:00+08:00").ok());
  EXPECT_TRUE(by_token.Ended());
  ASSERT_EQ(b.Send(http::verb::delete_, "/v1/session", "").status, 200);
  EXPECT_TRUE(by_session.Ended());
  // A stream whose credential still holds goes on.
  ASSERT_EQ(s.Post(Contact("after", "S01", "M1")).status, 201);
  EXPECT_TRUE(other.Saw("id: 8\n"));
}

// Live subscriptions are capped per token and in all: over a cap, 503 at once (there was
// no cap), and the streams within the caps go on.
TEST(SessionTest, LiveSubscriptionsAreCapped) {
  ServedLedger s(2000, [](server::ServerOptions& o) {
    o.live_subscribers_max = 3;
    o.live_subscribers_per_name_max = 2;
  });
  auto first = std::make_unique<LiveStream>(s, "Authorization: Bearer " + s.token("auditor"));
  LiveStream second(s, "Authorization: Bearer " + s.token("auditor"));
  ASSERT_TRUE(first->Saw("id: 7\n"));
  ASSERT_TRUE(second.Saw("id: 7\n"));
  LiveStream third(s, "Authorization: Bearer " + s.token("auditor"));
  EXPECT_TRUE(third.Saw("HTTP/1.1 503"));
  EXPECT_TRUE(third.Ended());
  LiveStream other(s, "Authorization: Bearer " + s.token("supervisor"));
  ASSERT_TRUE(other.Saw("id: 7\n"));
  LiveStream over_all(s, "Authorization: Bearer " + s.token("admin"));  // the fourth in all
  EXPECT_TRUE(over_all.Saw("HTTP/1.1 503"));
  // The streams within the caps go on.
  first.reset();
  ASSERT_EQ(s.Post(Contact("wake", "S01", "M1")).status, 201);
  EXPECT_TRUE(second.Saw("id: 8\n"));
  EXPECT_TRUE(other.Saw("id: 8\n"));
}

TEST(SessionTest, HostileSignInBodiesAreRefusedWithoutASession) {
  ServedLedger s;
  s.AddPerson("dudao", Role::kSupervisor, {}, kPassword);
  for (const std::string& body : std::vector<std::string>{
           std::string(""),
           std::string("not json"),
           std::string(R"({"login":"dudao"})"),
           std::string(R"({"login":1,"password":"x"})"),
           std::string(R"({"login":"dudao","password":["correct horse 马"]})"),
           R"({"login":")" + std::string(100, 'a') + R"(","password":"12345678"})",
           R"({"login":"dudao","password":")" + std::string(200, 'p') + R"("})",
           std::string("{\"login\":\"du\xff\",\"password\":\"12345678\"}"),
           std::string(R"({"login":"dudao\u0000","password":"12345678"})"),
       }) {
    Reply r = s.Call(http::verb::post, "/v1/session", "", body);
    EXPECT_TRUE(r.status == 400 || r.status == 401) << body << " → " << r.status << r.body;
    EXPECT_TRUE(r.header("set-cookie").empty()) << body;
  }
  EXPECT_EQ(s.Get("/healthz", "").status, 200);
}

TEST(SessionTest, ACookieRequestThatChangesStateNeedsTheCsrfTokenOrTheOrigin) {
  ServedLedger s;
  s.AddPerson("jilu", Role::kRecorder, {"S01"}, kPassword);
  Browser b(s);
  ASSERT_EQ(b.SignIn("jilu").status, 200);
  // A page on another site can make the browser send the cookie, but not the token.
  Reply r = b.Send(http::verb::post, "/v1/events", Contact("c1", "S01", "M1"), false);
  EXPECT_EQ(r.status, 403) << r.body;
  r = s.Call(http::verb::post, "/v1/events", "", Contact("c1", "S01", "M1"),
             {{"Cookie", b.cookie}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(r.status, 403);
  r = s.Call(http::verb::post, "/v1/events", "", Contact("c1", "S01", "M1"),
             {{"Cookie", b.cookie}, {"X-CSRF-Token", std::string(64, '0')}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(s.Get("/v1/events?from=8", "admin").body.find("\"seq\":8"), std::string::npos);
  // The workspace's own origin, or the token, may.
  r = s.Call(http::verb::post, "/v1/events", "", Contact("c1", "S01", "M1"),
             {{"Cookie", b.cookie}, {"Origin", "http://127.0.0.1"}});
  EXPECT_EQ(r.status, 201) << r.body;
  r = b.Send(http::verb::post, "/v1/events", Contact("c2", "S01", "M1"));
  EXPECT_EQ(r.status, 201) << r.body;
  // Bearer tokens are not sent by browsers on their own and need no CSRF token.
  EXPECT_EQ(s.Post(Contact("c3", "S01", "M1"), "recorder").status, 201);
}

TEST(SessionTest, RepeatedFailuresAreThrottledPerLoginWithRetryAfter) {
  ServedLedger s(2000, [](server::ServerOptions& o) { o.sign_in_failures_free = 2; });
  s.AddPerson("dudao", Role::kSupervisor, {}, kPassword);
  s.AddPerson("other", Role::kSupervisor, {}, kPassword);
  Browser b(s);
  EXPECT_EQ(b.SignIn("dudao", "wrong one").status, 401);
  EXPECT_EQ(b.SignIn("dudao", "wrong two").status, 401);
  // Now the login waits, even with the right password.
  Reply r = b.SignIn("dudao");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_TRUE(Has(r, R"("code":"TOO_MANY_ATTEMPTS")"));
  EXPECT_GE(std::stoi(r.header("retry-after")), 1);
  EXPECT_TRUE(r.header("set-cookie").empty());
  // Another login from the same address is not held up by it.
  EXPECT_EQ(b.SignIn("other").status, 200);
}

TEST(SessionTest, SignInsSentAtOnceCannotOutrunTheThrottle) {
  ServedLedger s(2000, [](server::ServerOptions& o) { o.sign_in_failures_free = 2; });
  s.AddPerson("dudao", Role::kSupervisor, {}, kPassword);
  // Twelve guesses at once: each password check takes time, so all twelve are in before the
  // first one fails. Only the free ones may be checked at all.
  constexpr int kGuesses = 12;
  std::vector<int> statuses(kGuesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuesses; ++i) {
    threads.emplace_back([&, i] {
      Browser b(s);
      statuses[i] = b.SignIn("dudao", "guess " + std::to_string(i)).status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 401), 2);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 429), kGuesses - 2);
}

TEST(SessionTest, SuccessfulSignInsDoNotCountAgainstTheirAddress) {
  ServedLedger s(2000, [](server::ServerOptions& o) { o.sign_in_failures_free = 1; });
  // The address allows ten failures (ten times a login's); an office behind one address
  // signs in many times a day.
  for (int i = 0; i < 12; ++i) {
    const std::string login = "p" + std::to_string(i);
    s.AddPerson(login, Role::kSupervisor, {}, kPassword);
    Browser b(s);
    EXPECT_EQ(b.SignIn(login).status, 200) << i;
  }
}

TEST(AdminRoutesTest, AnAdminManagesPeopleAndTokensAndOthersMayNot) {
  ServedLedger s;
  for (const char* role : {"supervisor", "auditor", "recorder"}) {
    EXPECT_EQ(s.Get("/v1/users", role).status, 403) << role;
    EXPECT_EQ(s.Call(http::verb::post, "/v1/users", role,
                     R"({"login":"x1","name":"某","role":"admin","studios":[]})")
                  .status,
              403)
        << role;
    EXPECT_EQ(s.Get("/v1/access/history", role).status, 403) << role;
  }
  Reply r = s.Call(http::verb::post, "/v1/users", "admin",
                   R"({"login":"jilu2","name":"记录员乙","role":"recorder","studios":["S02"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string generated = Field(r.body, "password");
  EXPECT_GE(generated.size(), 12u);
  Browser b(s);
  ASSERT_EQ(b.SignIn("jilu2", generated).status, 200);
  EXPECT_EQ(b.Get("/v1/studios/S02").status, 200);
  EXPECT_EQ(b.Get("/v1/studios/S01").status, 403);
  // A changed scope applies to the open session at its next request.
  r = s.Call(http::verb::post, "/v1/users/jilu2", "admin", R"({"studios":["S01"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(b.Get("/v1/studios/S01").status, 200);
  EXPECT_EQ(b.Get("/v1/studios/S02").status, 403);
  // A reset password ends the sessions signed in with the old one.
  r = s.Call(http::verb::post, "/v1/users/jilu2/password", "admin",
             R"({"password":"新的密码12345"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(b.Get("/v1/session").status, 401);
  EXPECT_EQ(b.SignIn("jilu2", generated).status, 401);
  ASSERT_EQ(b.SignIn("jilu2", "新的密码12345").status, 200);
  // Disabling ends them too.
  r = s.Call(http::verb::post, "/v1/users/jilu2", "admin", R"({"disabled":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(b.Get("/v1/session").status, 401);
  EXPECT_TRUE(Has(
      s.Get("/v1/users"),
      R"("login":"jilu2","name":"记录员乙","role":"recorder","studios":["S01"],"disabled":true)"))
      << s.Get("/v1/users").body;
  // Tokens.
  r = s.Call(http::verb::post, "/v1/tokens", "admin", R"({"name":"bot","role":"auditor"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string token = Field(r.body, "token");
  EXPECT_EQ(s.Call(http::verb::get, "/v1/overview", "", "", {{"Authorization", "Bearer " + token}})
                .status,
            200);
  EXPECT_TRUE(Has(s.Get("/v1/tokens"), R"("name":"bot")"));
  EXPECT_EQ(s.Call(http::verb::delete_, "/v1/tokens/bot", "admin").status, 200);
  EXPECT_EQ(s.Call(http::verb::get, "/v1/overview", "", "", {{"Authorization", "Bearer " + token}})
                .status,
            401);
  EXPECT_EQ(s.Call(http::verb::delete_, "/v1/tokens/bot", "admin").status, 404);
  // The journal's history names every change and holds no secret or hash.
  r = s.Get("/v1/access/history");
  ASSERT_EQ(r.status, 200);
  for (const char* action : {"person-add", "person-update", "person-password", "grant", "revoke"})
    EXPECT_TRUE(Has(r, std::string("\"action\":\"") + action + "\"")) << action;
  EXPECT_FALSE(Has(r, "$argon2"));
  EXPECT_FALSE(Has(r, generated));
  EXPECT_FALSE(Has(r, token));
}

TEST(AdminRoutesTest, HostilePeopleAndTokensAreRefusedAndChangeNothing) {
  ServedLedger s;
  const std::string before = s.Get("/v1/access/history").body;
  for (const std::string& body : std::vector<std::string>{
           std::string(R"({"login":"a b","name":"某","role":"auditor"})"),
           std::string(R"({"login":"","name":"某","role":"auditor"})"),
           std::string(R"({"login":"x","name":"某","role":"king"})"),
           std::string(R"({"login":"x","name":"某"})"),                    // no role
           std::string(R"({"login":"x","name":"某","role":"recorder"})"),  // no studio
           std::string(R"({"login":"x","name":"某","role":"auditor","studios":["S01"]})"),
           std::string(R"({"login":"x","name":"某","role":"auditor","password":"short"})"),
           std::string(R"({"login":"x","name":"某","role":"auditor","extra":1})"),
           std::string(R"({"login":"admin","name":"某","role":"auditor"})"),  // a token's name
           std::string(R"({"login":"x","name":")") + std::string(300, 'n') +
               R"(","role":"auditor"})",
           std::string("{\"login\":\"x\",\"name\":\"\xc3\",\"role\":\"auditor\"}"),
           std::string("[1,2,3]"),
       }) {
    Reply r = s.Call(http::verb::post, "/v1/users", "admin", body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    EXPECT_TRUE(Has(r, R"("error":{"code":)")) << r.body;
  }
  EXPECT_EQ(s.Call(http::verb::post, "/v1/users/nobody", "admin", R"({"disabled":true})").status,
            404);
  EXPECT_EQ(
      s.Call(http::verb::post, "/v1/tokens", "admin", R"({"name":"t","role":"recorder"})").status,
      400);
  EXPECT_EQ(s.Get("/v1/access/history").body, before);
}

// The registry of support.h, and the studio work the read routes are checked on.
class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<std::string> events = {
        Contact("c1", "S01", "M1", "2025-03-01T09:30:00+08:00"),
        Contact("c2", "S01", "M1", "2025-03-02T09:30:00+08:00"),
        Event(
            "k1", "CaseOpened",
            R"({"studio":"S01","case":"K1","kind":"dispute","members":["M1"],"summary":"邻里纠纷"})",
            "2025-03-03T09:30:00+08:00"),
        Event(
            "k2", "CaseOpened",
            R"({"studio":"S01","case":"K2","kind":"request","members":["M1"],"summary":"路灯不亮"})",
            "2025-03-04T09:30:00+08:00"),
        Event("k1r", "CaseResolved",
              R"({"studio":"S01","case":"K1","outcome":"resolved","summary":"调解成功"})",
              "2025-03-10T09:30:00+08:00"),
        Event(
            "g1", "SuggestionSubmitted",
            R"({"studio":"S01","suggestion":"G1","members":["M1"],"title":"增设停车位","channel":"proposal"})",
            "2025-03-05T09:30:00+08:00"),
        Event("rule1", "StudioRuleAdopted", R"({"studio":"S01","rule":"R1","title":"例会制度"})",
              "2025-03-06T09:30:00+08:00"),
        Event("v1", "SupervisionVisited",
              R"({"studio":"S01","visit":"V1","inspectors":["李娟"],"notes":"台账齐全"})",
              "2025-03-07T09:30:00+08:00"),
        Event(
            "f1", "FindingRaised",
            R"({"studio":"S01","finding":"F1","severity":"high","summary":"记录不全","dueOn":"2025-04-01"})",
            "2025-03-08T09:30:00+08:00"),
        Event(
            "f2", "FindingRaised",
            R"({"studio":"S02","finding":"F2","severity":"low","summary":"照片缺失","dueOn":"2099-01-01"})",
            "2025-03-08T09:30:00+08:00"),
    };
    for (const auto& e : events) {
      Reply r = s.Post(e, "admin");
      ASSERT_EQ(r.status, 201) << e << " → " << r.body;
    }
    // seqs 8..17; correct the second contact (seq 9), retract the first (seq 8).
    Reply r = s.Post(
        Event(
            "fix9", "EventCorrected",
            R"({"target":9,"reason":"人数录错","data":{"studio":"S01","members":["M1"],"channel":"phone","peopleReached":30,"topic":"停车难（更正）"}})"),
        "admin");
    ASSERT_EQ(r.status, 201) << r.body;
    r = s.Post(Event("undo8", "EventRetracted", R"({"target":8,"reason":"重复录入"})"), "admin");
    ASSERT_EQ(r.status, 201) << r.body;
    head_ = 19;
  }
  std::string Views(const std::string& target) {
    return target + (target.find('?') == std::string::npos ? "?" : "&") +
           "minSeq=" + std::to_string(head_);
  }

  ServedLedger s;
  uint64_t head_ = 0;
};

TEST_F(WorkspaceTest, ItemsListOpenCasesPendingSuggestionsFindingsRulesAndVisits) {
  Reply r = s.Get("/v1/studios/S01/items", "supervisor");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Has(
      r,
      R"("cases":[{"case":"K2","kind":"request","summary":"路灯不亮","members":["M1"],"openedAt":"2025-03-04T09:30:00+08:00","seq":11}])"))
      << r.body;
  EXPECT_TRUE(
      Has(r, R"("suggestions":[{"suggestion":"G1","title":"增设停车位","channel":"proposal")"));
  EXPECT_TRUE(Has(
      r,
      R"("findings":[{"finding":"F1","severity":"high","summary":"记录不全","dueOn":"2025-04-01","raisedAt":"2025-03-08T09:30:00+08:00","rectifiedAt":null,"rectification":null,"seq":16}])"))
      << r.body;
  EXPECT_TRUE(Has(r, R"("rules":[{"rule":"R1","title":"例会制度")"));
  EXPECT_TRUE(Has(r, R"("visits":[{"visit":"V1","inspectors":["李娟"],"notes":"台账齐全")"));
  // A rectification shows with its date and text.
  ASSERT_EQ(s.Post(Event("f1r", "FindingRectified",
                         R"({"studio":"S01","finding":"F1","summary":"已补齐"})",
                         "2025-03-20T09:30:00+08:00"),
                   "recorder")
                .status,
            201);
  r = s.Get("/v1/studios/S01/items", "recorder");
  EXPECT_TRUE(Has(r, R"("rectifiedAt":"2025-03-20T09:30:00+08:00","rectification":"已补齐")"))
      << r.body;
  EXPECT_EQ(s.Get("/v1/studios/S02/items", "recorder").status, 403);
  EXPECT_EQ(s.Get("/v1/studios/S99/items", "supervisor").status, 404);
}

TEST_F(WorkspaceTest, TheTimelineIsNewestFirstInPagesWithChangesInline) {
  Reply r = s.Get("/v1/studios/S01/timeline?limit=3", "recorder");
  ASSERT_EQ(r.status, 200) << r.body;
  uint64_t version = 0;
  JsonDocument doc;
  ASSERT_TRUE(doc.Parse(r.body).ok());
  ASSERT_TRUE(doc.GetUint("version", &version).ok());
  EXPECT_GE(version, 10u);
  // Every event of the stream, once, newest first, across pages.
  std::vector<std::string> seqs;
  std::string next = "";
  for (int pages = 0; pages < 20; ++pages) {
    r = s.Get("/v1/studios/S01/timeline?limit=3" + (next.empty() ? "" : "&before=" + next),
              "recorder");
    ASSERT_EQ(r.status, 200) << r.body;
    size_t at = 0;
    while ((at = r.body.find("{\"seq\":", at)) != std::string::npos) {
      at += 7;
      const std::string seq = r.body.substr(at, r.body.find(',', at) - at);
      // Seqs inside a "changes" list are not the stream's own entries; they appear again as
      // entries in their turn.
      seqs.push_back(seq);
    }
    ASSERT_LE(seqs.size(), 200u);
    const size_t n = r.body.rfind("\"next\":") + 7;
    next = r.body.substr(n, r.body.find('}', n) - n);
    if (next == "null") break;
  }
  EXPECT_EQ(next, "null");
  // The studio's stream: its licence (6), its work (8–16) and the two changes (18, 19); S02's
  // finding (17) is not in it.
  std::set<int> unique;
  for (const auto& seq : seqs) unique.insert(std::stoi(seq));
  EXPECT_EQ(unique, (std::set<int>{6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19}));
  // The corrected contact (seq 9) carries its correction inline; the retracted one (8) its
  // retraction.
  r = s.Get("/v1/studios/S01/timeline?limit=100", "supervisor");
  const size_t nine = r.body.find(R"({"seq":9,)");
  ASSERT_NE(nine, std::string::npos);
  const size_t changes = r.body.find(R"("changes":[{"seq":18,)", nine);
  EXPECT_NE(changes, std::string::npos) << r.body.substr(nine, 900);
  EXPECT_TRUE(Has(r, R"("reason":"人数录错")"));
  EXPECT_NE(r.body.find(R"("changes":[{"seq":19,)", r.body.find(R"({"seq":8,)")),
            std::string::npos);
  // Newest first: the first entry has the highest version.
  EXPECT_LT(r.body.find("\"version\":" + std::to_string(version) + ","),
            r.body.find("\"version\":1,"));
  for (const char* bad : {"limit=0", "limit=101", "limit=abc", "before=0", "before=-1",
                          "before=99999999999999999999999"}) {
    EXPECT_EQ(s.Get(std::string("/v1/studios/S01/timeline?") + bad, "supervisor").status, 400)
        << bad;
  }
  EXPECT_EQ(s.Get("/v1/studios/S02/timeline", "recorder").status, 403);
  EXPECT_EQ(s.Get("/v1/studios/S99/timeline", "supervisor").status, 404);
}

TEST_F(WorkspaceTest, FlagsComeWithTheFiguresThatRaisedThem) {
  Reply r = s.Get(Views("/v1/flags"), "supervisor");
  ASSERT_EQ(r.status, 200) << r.body;
  // Both studios were licensed on 2024-11-08 and have had no activity in the last 90 days.
  EXPECT_TRUE(
      Has(r, R"({"flag":"INACTIVE","lastActivityAt":"2025-03-10T09:30:00+08:00","windowDays":90})"))
      << r.body;
  EXPECT_TRUE(Has(r, R"({"flag":"INACTIVE","lastActivityAt":null,"windowDays":90})")) << r.body;
  EXPECT_TRUE(Has(r, R"({"flag":"NO_RULES","licensedOn":"2024-11-08","licensedDays":90})"));
  EXPECT_TRUE(Has(
      r,
      R"({"flag":"OVERDUE_CASES","overdue":1,"oldestOpenedAt":"2025-03-04T09:30:00+08:00","overdueDays":30})"))
      << r.body;
  EXPECT_TRUE(Has(r, R"({"flag":"OVERDUE_FINDINGS","overdue":1,"earliestDueOn":"2025-04-01"})"));
  // Recent work recorded weeks after it happened is late.
  const int64_t day = 86400 * kMicrosPerSecond;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(s.Post(Contact("late" + std::to_string(i), "S02", "M2",
                             FormatInstant(SystemNowMicros() / kMicrosPerSecond * kMicrosPerSecond -
                                           (30 + i) * day)),
                     "admin")
                  .status,
              201);
  }
  r = s.Get("/v1/flags?studio=S02&minSeq=24", "supervisor");
  EXPECT_EQ(
      r.body.substr(r.body.find("\"studios\"")),
      R"("studios":{"S02":[{"flag":"LATE_RECORDING","events":5,"late":5,"windowDays":90,"delayDays":7,"percent":20},{"flag":"NO_RULES","licensedOn":"2024-11-08","licensedDays":90}]}})"
      "\n");
  // A recorder sees its own studios' flags only.
  r = s.Get(Views("/v1/flags"), "recorder");
  EXPECT_TRUE(Has(r, R"("S01":)"));
  EXPECT_FALSE(Has(r, R"("S02":)"));
  EXPECT_EQ(s.Get("/v1/flags?studio=S02", "recorder").status, 403);
  EXPECT_EQ(s.Get("/v1/flags?studio=S99", "supervisor").status, 404);
}

TEST_F(WorkspaceTest, FindingsAreListedByDueDateForWhoMayReadThem) {
  Reply r = s.Get("/v1/findings", "auditor");
  ASSERT_EQ(r.status, 200);
  EXPECT_LT(r.body.find(R"("finding":"F1")"), r.body.find(R"("finding":"F2")"));
  r = s.Get("/v1/findings", "recorder");
  EXPECT_TRUE(Has(r, R"("finding":"F1")"));
  EXPECT_FALSE(Has(r, R"("studio":"S02")"));
  ASSERT_EQ(s.Post(Event("f1r", "FindingRectified",
                         R"({"studio":"S01","finding":"F1","summary":"已补齐"})"),
                   "recorder")
                .status,
            201);
  EXPECT_TRUE(Has(s.Get("/v1/findings", "auditor"), R"("finding":"F1")"));
  EXPECT_FALSE(Has(s.Get("/v1/findings?open=true", "auditor"), R"("finding":"F1")"));
  EXPECT_EQ(s.Get("/v1/findings?open=maybe", "auditor").status, 400);
}

TEST_F(WorkspaceTest, AMembersYearShowsTheScoreByItemAndTheActivitiesThatEarnedIt) {
  Reply r = s.Get(Views("/v1/members/M1/record?year=2025"), "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  // The corrected contact (1), the resolution of K1 (3) and the suggestion (2); the retracted
  // contact earns nothing, the case openings list M1 with no points.
  EXPECT_TRUE(Has(r, R"("year":"2025","years":["2025"],"score":{"total":6,)")) << r.body;
  EXPECT_TRUE(Has(r, R"({"item":"contacts","count":1,"weight":1,"points":1,"pointsBeforeCap":1,)"
                     R"("cap":null,"bonus":false})"));
  EXPECT_TRUE(Has(r, R"({"item":"resolved","count":1,"weight":3,"points":3,"pointsBeforeCap":3,)"
                     R"("cap":null,"bonus":false})"));
  EXPECT_TRUE(Has(
      r,
      R"({"seq":9,"type":"ContactRecorded","studio":"S01","occurredAt":"2025-03-02T09:30:00+08:00","title":"停车难（更正）","points":1,"item":"contacts"})"))
      << r.body;
  EXPECT_TRUE(Has(
      r,
      R"({"seq":12,"type":"CaseResolved","studio":"S01","occurredAt":"2025-03-10T09:30:00+08:00","title":"邻里纠纷","points":3,"item":"resolved"})"))
      << r.body;
  EXPECT_FALSE(Has(r, R"("seq":8,)"));
  // The points of the activities add up to the total.
  int64_t sum = 0;
  for (size_t at = 0; (at = r.body.find("\"points\":", at)) != std::string::npos;) {
    at += 9;
    sum += std::stoll(r.body.substr(at));
  }
  EXPECT_EQ(sum, 6 * 2);  // once in the items, once in the activities
  EXPECT_TRUE(Has(s.Get("/v1/members/M1/record?year=2024", "auditor"), R"("score":{"total":0,)"));
  for (const char* bad : {"year=20x5", "year=0000", "year=12345", "year=-202"}) {
    EXPECT_EQ(s.Get(std::string("/v1/members/M1/record?") + bad, "auditor").status, 400) << bad;
  }
  EXPECT_EQ(s.Get("/v1/members/M9/record", "auditor").status, 404);
  EXPECT_EQ(s.Get("/v1/members/M1/record", "recorder").status, 403);
}

TEST_F(WorkspaceTest, AMembersAnnualFileIsTheRecordsYearInJsonHtmlAndPdf) {
  const Reply record = s.Get(Views("/v1/members/M1/record?year=2025"), "auditor");
  ASSERT_EQ(record.status, 200);
  const Reply json = s.Get(Views("/v1/members/M1/file?year=2025&format=json"), "auditor");
  ASSERT_EQ(json.status, 200) << json.body;
  EXPECT_EQ(json.content_type, "application/json; charset=utf-8");
  EXPECT_TRUE(Has(record, R"("score":{"total":6,)"));
  EXPECT_TRUE(Has(json, R"("bonus":0,"total":6,"grade":null})")) << json.body;
  EXPECT_TRUE(Has(json, R"("studios":[{"id":"S01","name":"鱼洞街道委员工作室"}])"));
  EXPECT_TRUE(Has(json, R"("signedHead":{"size":)"));
  const Reply pdf = s.Get("/v1/members/M1/file?year=2025&format=pdf&download=1", "supervisor");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf.header("content-disposition"),
            "attachment; filename=\"wulian-member-M1-2025.pdf\"");
  EXPECT_TRUE(pdf.body == s.Get("/v1/members/M1/file?year=2025&format=pdf", "auditor").body);
  const Reply html = s.Get("/v1/members/M1/file?year=2025&format=html", "admin");
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(Has(html, "<h1>张三 2025 年度履职档案</h1>"));
  EXPECT_EQ(s.Get("/v1/members/M1/file?year=2025", "recorder").status, 403);
  EXPECT_EQ(s.Get("/v1/members/M1/file?format=pdf", "auditor").status, 400);
  EXPECT_EQ(s.Get("/v1/members/M1/file?year=2025&format=docx", "auditor").status, 400);
  EXPECT_EQ(s.Get("/v1/members/M1/file?year=20x5", "auditor").status, 400);
  EXPECT_EQ(s.Get("/v1/members/M9/file?year=2025", "auditor").status, 404);
}

TEST_F(WorkspaceTest, DirectoriesPolicyAndPublicKeyAnswerTheirRoles) {
  Reply r = s.Get(Views("/v1/members"), "recorder");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(Has(
      r, R"({"id":"M1","name":"张三","sector":"经济界","committees":["C1"],"studios":["S01"]})"))
      << r.body;
  r = s.Get(Views("/v1/committees"), "recorder");
  EXPECT_TRUE(Has(r, R"("id":"C1","name":"经济委")")) << r.body;
  r = s.Get("/v1/policy", "recorder");
  EXPECT_TRUE(Has(r, R"("lateDelayDays":7,)"));
  EXPECT_TRUE(Has(r, R"("sessionIdleMinutes":480})")) << r.body;
  r = s.Get("/v1/audit/pubkey", "auditor");
  EXPECT_TRUE(Has(r, R"({"algorithm":"Ed25519","publicKey":")"));
  EXPECT_EQ(s.Get("/v1/audit/pubkey", "recorder").status, 403);
  r = s.Get("/v1/reports?asOf=2025-03-05T00:00:00Z&axis=occurred&format=csv&download=1", "auditor");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-disposition"),
            R"(attachment; filename="wulian-report-occurred-20250305000000.csv")");
}

}  // namespace
}  // namespace wulian
