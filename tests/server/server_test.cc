// The HTTP API against a real server on a loopback port: routes, roles, hostile HTTP,
// read-your-writes and live subscriptions.
#include "server/server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "server/server_internal.h"
#include "tests/server/harness.h"

namespace wulian {
namespace {

using testing::Event;
namespace net = testing::net;
namespace beast = testing::beast;
namespace http = testing::http;
using testing::Reply;
using testing::ServedLedger;

const std::string kContactData =
    R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"停车难"})";

std::string Contact(const std::string& id, const std::string& studio = "S01") {
  return Event(id, "ContactRecorded",
               R"({"studio":")" + studio +
                   R"(","members":["M1"],"channel":"visit","peopleReached":3,"topic":"停车难"})");
}

bool Has(const Reply& r, const std::string& fragment) {
  return r.body.find(fragment) != std::string::npos;
}

TEST(ServerTest, HealthNeedsNoTokenAndEveryOtherRouteDoes) {
  ServedLedger s;
  Reply r = s.Get("/healthz", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Has(r, R"({"ok":true,"seq":7})")) << r.body;
  EXPECT_EQ(s.Get("/v1/overview", "").status, 401);
  EXPECT_EQ(
      s.Call(http::verb::get, "/v1/overview", "", "", {{"Authorization", "Bearer wl_nonsense"}})
          .status,
      401);
  EXPECT_EQ(s.Get("/", "").status, 200);
}

TEST(ServerTest, ReadRoutesAnswerWithTheirData) {
  ServedLedger s;
  ASSERT_EQ(s.Post(Contact("c1")).status, 201);
  const struct {
    std::string target, fragment;
  } cases[] = {
      {"/v1/events?from=2&limit=2", R"("next":4)"},
      {"/v1/streams/studio/S01", R"("stream":"studio/S01","events":[{"seq":6,)"},
      {"/v1/events/8/history", R"({"event":{"seq":8,)"},
      {"/v1/studios?minSeq=8", R"("id":"S02")"},
      {"/v1/studios/S01?minSeq=8", R"("contacts":1,"peopleReached":3,)"},
      {"/v1/members/M1?minSeq=8", R"("totals":{"contacts":1,)"},
      {"/v1/committees/C1", R"("studios":["S01","S02"])"},
      {"/v1/overview?minSeq=8", R"({"events":8,"studios":2,"members":3,"committees":2,)"},
      {"/v1/reports?asOf=2030-01-01T00:00:00Z&axis=occurred", R"("axis":"occurred")"},
      {"/v1/audit/head", R"({"size":8,"root":")"},
      {"/v1/audit/proof/inclusion?seq=3&size=8", R"({"seq":3,"size":8,"leaf":")"},
      {"/v1/audit/proof/consistency?from=5&to=8", R"({"from":5,"to":8,"path":[")"},
      {"/metrics", "wulian_sync_batches_total 1"},
  };
  for (const auto& c : cases) {
    Reply r = s.Get(c.target);
    EXPECT_EQ(r.status, 200) << c.target << " " << r.body;
    EXPECT_TRUE(Has(r, c.fragment)) << c.target << " " << r.body.substr(0, 400);
  }
  EXPECT_EQ(s.Get("/v1/studios/S99").status, 404);
  EXPECT_EQ(s.Get("/v1/members/M99").status, 404);
  EXPECT_EQ(s.Get("/v1/events/99/history").status, 404);
  EXPECT_EQ(s.Get("/v1/streams/studio/S99").status, 404);
  EXPECT_EQ(s.Get("/v1/audit/proof/inclusion?seq=9").status, 400);
  EXPECT_EQ(s.Get("/v1/reports?asOf=yesterday").status, 400);
  EXPECT_EQ(s.Get("/v1/reports?asOf=2999-01-01T00:00:00Z").status, 400);  // not final yet
  EXPECT_EQ(s.Get("/v1/nothing").status, 404);
  EXPECT_EQ(s.Get("/v1").status, 404);  // once dropped the connection with the request in hand
}

TEST(ServerTest, AppendsAnswerLikeTheCliWithTheStatusesOfTheSpec) {
  ServedLedger s;
  Reply r = s.Post(Contact("c1"));
  EXPECT_EQ(r.status, 201);
  EXPECT_TRUE(Has(r, R"({"seq":8,"stream":"studio/S01","version":2,"hash":")")) << r.body;
  Reply again = s.Post(Contact("c1"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r.body);
  r = s.Post(R"({"events":[)" + Contact("b1") + "," + Contact("b2") + "]}");
  EXPECT_EQ(r.status, 201);
  EXPECT_TRUE(Has(r, R"({"results":[{"seq":9,)")) << r.body;
  r = s.Post(R"({"events":[)" + Contact("b3") + "," + Contact("b4", "S99") + "]}");
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(Has(r, R"("code":"REFERENCE_ERROR")") && Has(r, R"("index":1)")) << r.body;
  r = s.Post(Event(
      "c1", "ContactRecorded",
      R"({"studio":"S01","members":["M2"],"channel":"visit","peopleReached":3,"topic":"t"})"));
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(Has(r, "DUPLICATE_ID"));
  r = s.Post(Event("v1", "ContactRecorded", kContactData, "2025-03-01T09:30:00+08:00",
                   R"(,"expectedVersion":1)"));
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(Has(r, "VERSION_CONFLICT"));
  r = s.Post(R"({"id":"x","type":"ContactRecorded"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(Has(r, "INVALID_EVENT"));
  EXPECT_EQ(s.Get("/healthz", "").body, "{\"ok\":true,\"seq\":10}\n");
  // The actor is the token's name.
  EXPECT_TRUE(Has(s.Get("/v1/events?from=8&limit=1"), R"("actor":"admin")"));
}

// Under a stream of commits the views catch up at most every views_follow_ms, taking the
// commits of that time in one step; a ?minSeq= query does not wait for the interval.
TEST(ServerTest, TheViewsBatchCommitsButReadYourWritesDoesNotWait) {
  ServedLedger s(2000, [](server::ServerOptions& o) { o.views_follow_ms = 600'000; });
  ASSERT_EQ(s.Post(Contact("c1")).status, 201);  // seq 8: the first after a quiet spell
  EXPECT_TRUE(Has(s.Get("/v1/studios/S01?minSeq=8"), R"("contacts":1,)"));
  ASSERT_EQ(s.Post(Contact("c2")).status, 201);  // seq 9: waits for the interval
  EXPECT_TRUE(Has(s.Get("/v1/studios/S01"), R"("contacts":1,)"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(Has(s.Get("/v1/studios/S01?minSeq=9"), R"("contacts":2,)"));
  // Well inside kMinSeqWaitMsMax: the query woke the follower.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(ServerTest, RolesAreEnforcedOnEveryRoute) {
  ServedLedger s;
  ASSERT_EQ(s.Post(Contact("seed")).status, 201);
  const std::vector<std::string> roles = {"admin", "supervisor", "auditor", "recorder"};
  // Expected statuses for admin, supervisor, auditor, recorder.
  const struct {
    std::string target;
    std::array<int, 4> expected;
  } reads[] = {
      {"/v1/events", {200, 200, 200, 403}},
      {"/v1/events/8/history", {200, 200, 200, 200}},
      {"/v1/events/1/history", {200, 200, 200, 403}},
      {"/v1/streams/studio/S01", {200, 200, 200, 200}},
      {"/v1/streams/studio/S02", {200, 200, 200, 403}},
      {"/v1/streams/member/M1", {200, 200, 200, 403}},
      {"/v1/studios", {200, 200, 200, 200}},
      {"/v1/studios/S01", {200, 200, 200, 200}},
      {"/v1/studios/S02", {200, 200, 200, 403}},
      {"/v1/members/M1", {200, 200, 200, 403}},
      {"/v1/committees/C1", {200, 200, 200, 403}},
      {"/v1/overview", {200, 200, 200, 403}},
      {"/v1/reports?asOf=2026-01-01T00:00:00Z", {200, 200, 200, 403}},
      {"/v1/audit/head", {200, 200, 200, 403}},
      {"/v1/audit/proof/inclusion?seq=1", {200, 200, 200, 403}},
      {"/v1/audit/proof/consistency?from=1&to=2", {200, 200, 200, 403}},
      {"/metrics", {200, 200, 200, 403}},
  };
  for (const auto& read : reads) {
    for (size_t i = 0; i < roles.size(); ++i) {
      EXPECT_EQ(s.Get(read.target, roles[i]).status, read.expected[i])
          << read.target << " as " << roles[i];
    }
    EXPECT_EQ(s.Get(read.target, "").status, 401) << read.target;
  }
  // A recorder sees only its studios in the list.
  EXPECT_FALSE(Has(s.Get("/v1/studios", "recorder"), R"("id":"S02")"));
  // Writes: activity of S01 by its recorder; registry by the supervisor; nothing by the auditor.
  const std::string registry = Event("m9", "MemberRegistered",
                                     R"({"member":"M9","name":"九","sector":"s","committees":[]})");
  EXPECT_EQ(s.Post(Contact("rec1"), "recorder").status, 201);
  EXPECT_EQ(s.Post(Contact("rec2", "S02"), "recorder").status, 403);
  EXPECT_EQ(s.Post(registry, "recorder").status, 403);
  EXPECT_EQ(s.Post(Contact("a1"), "auditor").status, 403);
  EXPECT_EQ(s.Post(Contact("s1"), "supervisor").status, 403);
  EXPECT_EQ(s.Post(registry, "supervisor").status, 201);
  EXPECT_EQ(s.Post(Event("v1", "SupervisionVisited",
                         R"({"studio":"S02","visit":"V1","inspectors":["甲"],"notes":"n"})"),
                   "supervisor")
                .status,
            201);
  EXPECT_EQ(s.Post(Event("v2", "SupervisionVisited",
                         R"({"studio":"S01","visit":"V2","inspectors":["甲"],"notes":"n"})"),
                   "recorder")
                .status,
            403);
  // Corrections: a recorder corrects its own studio's events only.
  const std::string fix8 =
      Event("f8", "EventCorrected", R"({"target":8,"reason":"r","data":)" + kContactData + "}");
  const std::string fix3 = Event(
      "f3", "EventCorrected",
      R"({"target":3,"reason":"r","data":{"member":"M1","name":"张三丰","sector":"经济界","committees":["C1"]}})");
  EXPECT_EQ(s.Post(fix3, "recorder").status, 403);
  EXPECT_EQ(s.Post(fix8, "recorder").status, 201);
  EXPECT_EQ(s.Post(fix3, "supervisor").status, 201);
  // Nor may a recorder correct or retract its studio's supervision: a visit, its status.
  auto seq_of = [](const Reply& r) { return r.body.substr(7, r.body.find(',') - 7); };
  Reply visit = s.Post(Event("v3", "SupervisionVisited",
                             R"({"studio":"S01","visit":"V3","inspectors":["甲"],"notes":"n"})"),
                       "supervisor");
  Reply suspend = s.Post(Event("sus", "StudioStatusChanged",
                               R"({"studio":"S01","status":"suspended","reason":"整顿"})"),
                         "supervisor");
  ASSERT_EQ(visit.status, 201);
  ASSERT_EQ(suspend.status, 201);
  for (const std::string& target : {seq_of(visit), seq_of(suspend)}) {
    EXPECT_EQ(s.Post(Event("undo" + target, "EventRetracted",
                           R"({"target":)" + target + R"(,"reason":"r"})"),
                     "recorder")
                  .status,
              403);
    EXPECT_EQ(s.Post(Event("fix" + target, "EventRetracted",
                           R"({"target":)" + target + R"(,"reason":"r"})"),
                     "supervisor")
                  .status,
              201);
  }
  // The token list of a batch is checked event by event.
  EXPECT_EQ(
      s.Post(R"({"events":[)" + Contact("rec3") + "," + Contact("rec4", "S02") + "]}", "recorder")
          .status,
      403);
}

// Who may append each type of §3.2 (SPEC §6.2): 403 or not, before any rule of the log is
// judged. The recorder holds S01; every studio event names S01, then S02.
TEST(ServerTest, TheRoleMatrixCoversEveryEventType) {
  ServedLedger s;
  ASSERT_EQ(s.Post(Contact("seed")).status, 201);  // seq 8, a target for corrections
  enum Who { kAdmin, kSupervisor, kAuditor, kRecorder };
  const std::vector<std::string> roles = {"admin", "supervisor", "auditor", "recorder"};
  // `@` in the data is replaced by a fresh suffix, `$` by the studio.
  const struct {
    std::string type, data;
    std::array<bool, 4> allowed;  // admin, supervisor, auditor, recorder of S01
    bool studio;                  // names a studio (a recorder of S01 may not use S02)
  } matrix[] = {
      {"CommitteeRegistered",
       R"({"committee":"C@","name":"委","supervises":false})",
       {true, true, false, false},
       false},
      {"MemberRegistered",
       R"({"member":"M@","name":"甲","sector":"s","committees":[]})",
       {true, true, false, false},
       false},
      {"StudioLicensed",
       R"({"studio":"S@","name":"工作室","linkType":"industry","leadMember":"M3","committee":"C1","partyOrg":"党组","batch":1,"licensedOn":"2024-11-08"})",
       {true, true, false, false},
       false},
      {"MemberJoinedStudio", R"({"studio":"$","member":"M3"})", {true, true, false, true}, true},
      {"MemberLeftStudio", R"({"studio":"$","member":"M3"})", {true, true, false, true}, true},
      {"StudioRuleAdopted",
       R"({"studio":"$","rule":"R@","title":"制度"})",
       {true, true, false, true},
       true},
      {"StudioStatusChanged",
       R"({"studio":"$","status":"active","reason":"r"})",
       {true, true, false, false},
       true},
      {"ContactRecorded",
       R"({"studio":"$","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})",
       {true, false, false, true},
       true},
      {"ConsultationHeld",
       R"({"studio":"$","members":["M1"],"form":"meeting","partners":[],"attendees":3,"topic":"t","outcome":"o"})",
       {true, false, false, true},
       true},
      {"CaseOpened",
       R"({"studio":"$","case":"K@","kind":"dispute","members":["M1"],"summary":"s"})",
       {true, false, false, true},
       true},
      {"CaseResolved",
       R"({"studio":"$","case":"K@","outcome":"resolved","summary":"s"})",
       {true, false, false, true},
       true},
      {"SuggestionSubmitted",
       R"({"studio":"$","suggestion":"G@","members":["M1"],"title":"t","channel":"proposal"})",
       {true, false, false, true},
       true},
      {"SuggestionAdopted",
       R"({"studio":"$","suggestion":"G@","by":"区政府"})",
       {true, false, false, true},
       true},
      {"SupervisionVisited",
       R"({"studio":"$","visit":"V@","inspectors":["甲"],"notes":"n"})",
       {true, true, false, false},
       true},
      {"FindingRaised",
       R"({"studio":"$","finding":"F@","severity":"low","summary":"s","dueOn":"2025-12-31"})",
       {true, true, false, false},
       true},
      {"FindingRectified",
       R"({"studio":"$","finding":"F@","summary":"s"})",
       {true, true, false, true},
       true},
      {"EventCorrected",
       R"({"target":8,"reason":"r","data":)" + kContactData + "}",
       {true, true, false, true},
       false},
      {"EventRetracted", R"({"target":8,"reason":"r"})", {true, true, false, true}, false},
  };
  auto fill = [](std::string data, const std::string& suffix, const std::string& studio) {
    for (size_t at; (at = data.find('@')) != std::string::npos;) data.replace(at, 1, suffix);
    for (size_t at; (at = data.find('$')) != std::string::npos;) data.replace(at, 1, studio);
    return data;
  };
  size_t n = 0;
  for (const auto& row : matrix) {
    for (size_t who = 0; who < roles.size(); ++who) {
      const std::string suffix = std::to_string(++n);
      const Reply r =
          s.Post(Event("e" + suffix, row.type, fill(row.data, suffix, "S01")), roles[who]);
      ASSERT_NE(r.status, 0) << row.type;
      EXPECT_EQ(r.status == 403, !row.allowed[who])
          << row.type << " as " << roles[who] << ": " << r.status << " " << r.body;
    }
    if (row.studio) {
      const std::string suffix = std::to_string(++n);
      EXPECT_EQ(
          s.Post(Event("e" + suffix, row.type, fill(row.data, suffix, "S02")), roles[kRecorder])
              .status,
          403)
          << row.type << " of S02 as the recorder of S01";
    }
  }
  // The supervisor's registry writes land: a rule and a membership of S02.
  EXPECT_EQ(
      s.Post(Event("sr", "StudioRuleAdopted", R"({"studio":"S02","rule":"R1","title":"制度"})"),
             "supervisor")
          .status,
      201);
  EXPECT_EQ(
      s.Post(Event("sj", "MemberJoinedStudio", R"({"studio":"S02","member":"M1"})"), "supervisor")
          .status,
      201);
}

// A refusal says only what its caller may read: a recorder is not told the seq of another
// studio's event, and a failure of the server is logged, not sent.
TEST(ServerTest, RefusalsSayOnlyWhatTheCallerMayRead) {
  ServedLedger s;
  ASSERT_EQ(
      s
          .Post(Event(
              "theirs", "ContactRecorded",
              R"({"studio":"S02","members":["M2"],"channel":"visit","peopleReached":3,"topic":"t"})"))
          .status,
      201);                                        // seq 8, of S02
  ASSERT_EQ(s.Post(Contact("mine")).status, 201);  // seq 9, of S01
  const std::string other =
      R"({"studio":"S01","members":["M1"],"channel":"phone","peopleReached":1,"topic":"x"})";
  Reply theirs = s.Post(Event("theirs", "ContactRecorded", other), "recorder");
  EXPECT_EQ(theirs.status, 409);
  EXPECT_TRUE(Has(theirs, "DUPLICATE_ID")) << theirs.body;
  EXPECT_FALSE(Has(theirs, "event 8")) << theirs.body;
  EXPECT_TRUE(Has(theirs, "another event")) << theirs.body;
  // In a batch the index stays.
  Reply batch = s.Post(
      R"({"events":[)" + Contact("fresh") + "," + Event("theirs", "ContactRecorded", other) + "]}",
      "recorder");
  EXPECT_EQ(batch.status, 409);
  EXPECT_FALSE(Has(batch, "event 8")) << batch.body;
  EXPECT_TRUE(Has(batch, R"("index":1)")) << batch.body;
  // Its own studio's event is named, and any event to an admin.
  Reply mine = s.Post(Event("mine", "ContactRecorded", other), "recorder");
  EXPECT_EQ(mine.status, 409);
  EXPECT_TRUE(Has(mine, "event 9")) << mine.body;
  EXPECT_TRUE(Has(s.Post(Event("theirs", "ContactRecorded", other), "admin"), "event 8"));

  const std::string secret = "IO error: /srv/wulian/data/000123.sst: No space left on device";
  server::Request req{http::verb::get, "/v1/overview", 11};
  for (const Status& failure : {Status::IOError(secret), Status::Corruption(secret)}) {
    server::Response res = server::ErrorResponse(req, failure);
    EXPECT_EQ(res.result_int(), 500);
    EXPECT_EQ(res.body().find("/srv"), std::string::npos) << res.body();
    EXPECT_EQ(res.body().find("sst"), std::string::npos) << res.body();
    EXPECT_NE(res.body().find("INTERNAL"), std::string::npos) << res.body();
  }
}

// The cache of rendered views is bounded in bytes and drops the least recently used first
// (it used to keep up to 4096 answers of any size, then drop them all).
TEST(ServerTest, TheViewCacheIsBoundedInBytesLeastRecentlyUsedFirst) {
  server::ViewCache cache(1000);
  const std::string body(290, 'x');  // each entry: a 2-byte key and 290 bytes
  for (const char* key : {"k1", "k2", "k3"}) cache.Put(key, body);
  EXPECT_EQ(cache.bytes(), 876u);
  ASSERT_TRUE(cache.Get("k1"));  // k1 is now the most recent
  cache.Put("k4", body);         // over 1000: k2, the least recent, goes
  EXPECT_EQ(cache.bytes(), 876u);
  EXPECT_FALSE(cache.Get("k2"));
  EXPECT_TRUE(cache.Get("k1"));
  EXPECT_TRUE(cache.Get("k3"));
  EXPECT_TRUE(cache.Get("k4"));
  cache.Put("k3", "short");  // replacing an entry counts its new size
  EXPECT_EQ(cache.bytes(), 2u * 292 + 7);
  cache.Put("huge", std::string(2000, 'y'));  // larger than the cache: not kept
  EXPECT_FALSE(cache.Get("huge"));
  EXPECT_EQ(cache.bytes(), 2u * 292 + 7);
  for (int i = 0; i < 10000; ++i) cache.Put("n" + std::to_string(i), body);
  EXPECT_LE(cache.bytes(), 1000u);
  EXPECT_TRUE(cache.Get("n9999"));
}

// One address cannot take every connection: over its own cap it is closed at once, and a
// client at another address (127.0.0.2) still gets in.
TEST(ServerTest, OneAddressCannotHoldEverySlot) {
  // Requests time out later than the test takes: no slot frees itself meanwhile.
  ServedLedger s(/*request_timeout_ms=*/60'000, [](server::ServerOptions& o) {
    o.connections_max = 40;
    o.connections_per_address_max = 8;
  });
  net::io_context ioc;
  const net::ip::tcp::endpoint server(net::ip::make_address("127.0.0.1"), s.port());
  std::vector<std::unique_ptr<net::ip::tcp::socket>> flood;
  for (int i = 0; i < 48; ++i) {
    flood.push_back(std::make_unique<net::ip::tcp::socket>(ioc));
    flood.back()->connect(server);
  }
  // The last of the flood is over the caps: the server closes it at once.
  char byte;
  const timeval limit{testing::kRawReadSeconds, 0};
  setsockopt(flood.back()->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  EXPECT_EQ(::recv(flood.back()->native_handle(), &byte, 1, 0), 0);

  net::ip::tcp::socket other(ioc);
  other.open(net::ip::tcp::v4());
  other.bind(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.2"), 0));
  const auto start = std::chrono::steady_clock::now();
  other.connect(server);
  setsockopt(other.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  net::write(other, net::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string answer;
  char buf[1024];
  while (answer.find("\"ok\":true") == std::string::npos) {
    const ssize_t n = ::recv(other.native_handle(), buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  RecordProperty("healthz_from_another_address_ms", std::to_string(ms));
  std::printf("healthz from 127.0.0.2 under a flood from 127.0.0.1: %.2f ms\n", ms);
}

// A request without a token is refused on its header: the 4 MiB body it announces is never
// waited for (the server used to read it, or wait for it until the request timeout).
TEST(ServerTest, AnUnauthenticatedBodyIsNotRead) {
  ServedLedger s;
  const std::string answer =
      s.Raw("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n" +
            std::string(1000, ' '));
  EXPECT_NE(answer.find("HTTP/1.1 401"), std::string::npos) << answer;
  // With a token the same header is read on (and the short body refused as JSON).
  const std::string with_token =
      s.Raw("POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " +
            s.token("admin") + "\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_NE(with_token.find("HTTP/1.1 400"), std::string::npos) << with_token;
}

// A kept-alive connection waits keep_alive_idle_ms for its next request, not the request
// timeout, and serves at most requests_per_connection_max requests.
TEST(ServerTest, KeptAliveConnectionsAreBounded) {
  ServedLedger s(/*request_timeout_ms=*/8000, [](server::ServerOptions& o) {
    o.keep_alive_idle_ms = 100;
    o.requests_per_connection_max = 3;
  });
  std::string five;
  for (int i = 0; i < 5; ++i) five += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string answers = s.Raw(five);
  size_t count = 0;
  for (size_t at = 0; (at = answers.find("HTTP/1.1 200", at)) != std::string::npos; ++at) ++count;
  EXPECT_EQ(count, 3u) << answers;
  EXPECT_NE(answers.find("Connection: close"), std::string::npos);
  // One request, then silence: closed after the idle wait, long before the request timeout.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NE(s.Raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/1.1 200"),
            std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

// The number after `name ` in a Prometheus text answer (-1 when absent).
long long MetricValue(const std::string& text, const std::string& name) {
  const size_t at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + name.size() + 2));
}

// Appends `batches` × 500 contacts of S01 with a 300-byte topic straight to the ledger; the
// head after them.
uint64_t AppendBulk(ServedLedger& s, int batches) {
  const std::string topic(300, 'x');
  for (int batch = 0; batch < batches; ++batch) {
    std::vector<std::string> lines;
    for (int i = 0; i < 500; ++i) {
      lines.push_back(testing::Event(
          "bulk-" + std::to_string(batch) + "-" + std::to_string(i), "ContactRecorded",
          R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":")" +
              topic + R"("})"));
    }
    EXPECT_TRUE(s.test_ledger().Append(lines).ok());
  }
  return 7 + static_cast<uint64_t>(batches) * 500;
}

// A report whose client sent it and went is not built: it is dropped when its turn comes.
TEST(ServerTest, AReportWhoseClientHasGoneIsNotBuilt) {
  ServedLedger s(2000, [](server::ServerOptions& o) { o.reports_running_max = 1; });
  AppendBulk(s, 8);
  // A first report holds the one report thread while the others are sent and their clients
  // go, so that each is still waiting when its client's close arrives.
  net::io_context first_ioc;
  net::ip::tcp::socket first(first_ioc);
  first.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port()));
  net::write(first, net::buffer("GET /v1/reports?axis=occurred&asOf=2026-01-01T00:00:00%2B08:00"
                                " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                s.token("auditor") + "\r\n\r\n"));
  constexpr int kGone = 5;
  for (int i = 0; i < kGone; ++i) {
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port()));
    const std::string request =
        "GET /v1/reports?axis=occurred&asOf=2025-07-01T00:00:00%2B08:00&n=" + std::to_string(i) +
        " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.token("auditor") + "\r\n\r\n";
    net::write(socket, net::buffer(request));
    socket.close();  // gone before the answer
  }
  EXPECT_EQ(s.Get("/v1/reports?axis=occurred&asOf=2025-07-01T00:00:00%2B08:00").status, 200);
  // Each gone request is counted once its session is done with it (its answer cannot be
  // written); then every one of them must have been dropped.
  std::string metrics;
  for (int polls = 0; polls < 10'000; ++polls) {
    metrics = s.Get("/metrics").body;
    // the first report, the gone ones, the last report and the polls before this one
    if (MetricValue(metrics, "wulian_http_requests_total") >= 1 + kGone + 1 + polls) break;
  }
  EXPECT_EQ(MetricValue(metrics, "wulian_reports_dropped_total"), kGone) << metrics;
}

// A recorded-axis report of a past moment is built once and then read from disk: the same
// bytes, however much is appended later. Occurred-axis reports are always built.
TEST(ServerTest, RecordedAxisReportsOfThePastAreKeptOnDisk) {
  ServedLedger s;
  const std::string target = "/v1/reports?asOf=2025-07-01T00:00:00%2B08:00&format=md";
  const Reply first = s.Get(target);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-report-cache"), "miss");
  const Reply second = s.Get(target);
  EXPECT_EQ(second.header("x-report-cache"), "hit");
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.content_type, first.content_type);
  ASSERT_EQ(s.Post(Contact("later")).status, 201);  // recorded now, long after asOf
  const Reply third = s.Get(target);
  EXPECT_EQ(third.header("x-report-cache"), "hit");
  EXPECT_EQ(third.body, first.body);
  EXPECT_EQ(s.Get(target + "&download=1").header("content-disposition"),
            "attachment; filename=\"wulian-report-recorded-202507010000000800.md\"");
  // Another format is another file; the occurred axis is not kept.
  EXPECT_EQ(
      s.Get("/v1/reports?asOf=2025-07-01T00:00:00%2B08:00&format=csv").header("x-report-cache"),
      "miss");
  const Reply occurred = s.Get("/v1/reports?asOf=2025-07-01T00:00:00%2B08:00&axis=occurred");
  EXPECT_EQ(occurred.status, 200);
  EXPECT_EQ(occurred.header("x-report-cache"), "");
  size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(s.test_ledger().dir() + "/report-cache")) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 2u);
}

// The report as a workbook: the spreadsheet's content type, a zip's bytes, the same bytes as
// the report built directly, and an .xlsx file name for a download.
TEST(ServerTest, ReportsComeAsWorkbooksToo) {
  ServedLedger s;
  const std::string target = "/v1/reports?asOf=2025-07-01T00:00:00%2B08:00&format=xlsx";
  const Reply reply = s.Get(target);
  ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 200);
  EXPECT_EQ(reply.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(reply.body.substr(0, 2), "PK");
  ASSERT_GT(reply.body.size(), 22u);
  EXPECT_EQ(reply.body.substr(reply.body.size() - 22, 4), std::string("PK\x05\x06"))
      << "the zip's end record closes the body: nothing is appended";
  EXPECT_EQ(s.Get(target).body, reply.body);
  EXPECT_EQ(s.Get(target + "&download=1").header("content-disposition"),
            "attachment; filename=\"wulian-report-recorded-202507010000000800.xlsx\"");
}

TEST(ServerTest, TheNoticeAndTheViewsWorkbookAreReadersDownloads) {
  ServedLedger s;
  for (const char* format : {"md", "html", "json", "pdf", "xlsx"}) {
    const std::string target = std::string("/v1/notice?period=2025-Q3&format=") + format;
    const Reply reply = s.Get(target, "auditor");
    ASSERT_EQ(reply.status, 200) << format << ": " << reply.body.substr(0, 200);
    EXPECT_EQ(s.Get(target, "supervisor").body, reply.body) << format << ": the same bytes";
    EXPECT_EQ(s.Get(target, "recorder").status, 403) << format;
  }
  EXPECT_EQ(s.Get("/v1/notice?period=2025-Q3&format=pdf").content_type, "application/pdf");
  EXPECT_EQ(s.Get("/v1/notice?period=2025-Q3&format=pdf").body.substr(0, 5), "%PDF-");
  EXPECT_EQ(s.Get("/v1/notice?period=2025-11&format=md&download=1").header("content-disposition"),
            "attachment; filename=\"wulian-notice-2025-11.md\"");
  EXPECT_NE(s.Get("/v1/notice?period=2025-Q3&format=md&below=1000").body.find("低于1000分"),
            std::string::npos);
  // A workbook is sent as built: its zip's end record closes the body.
  for (const char* target : {"/v1/notice?period=2025-Q3&format=xlsx", "/v1/views.xlsx"}) {
    const std::string body = s.Get(target).body;
    ASSERT_GT(body.size(), 22u) << target;
    EXPECT_EQ(body.substr(body.size() - 22, 4), std::string("PK\x05\x06")) << target;
  }
  for (const char* bad :
       {"period=2025-Q5", "period=2025-Q3&format=docx", "", "period=2025&below=-1", "period=2999",
        "period=2025&below=18446744073709551615", "period=2025&below=1000000001"}) {
    const Reply r = s.Get(std::string("/v1/notice?") + bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  const Reply book = s.Get("/v1/views.xlsx?download=1", "auditor");
  ASSERT_EQ(book.status, 200) << book.body.substr(0, 200);
  EXPECT_EQ(book.body.substr(0, 2), "PK");
  EXPECT_TRUE(
      book.header("content-disposition").starts_with("attachment; filename=\"wulian-views-"));
  EXPECT_EQ(s.Get("/v1/views.xlsx", "recorder").status, 403);
}

TEST(ServerTest, HostileHttpGetsTheRightStatusAndTheServerStaysUp) {
  ServedLedger s(/*request_timeout_ms=*/300);
  EXPECT_EQ(s.Call(http::verb::delete_, "/v1/events").status, 405);
  EXPECT_EQ(s.Call(http::verb::put, "/v1/overview").status, 405);
  EXPECT_NE(s.Raw("BREW /v1/overview HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/1.1 501"),
            std::string::npos);
  EXPECT_NE(s.Raw("GET /v1/overview HTTP/9.9\r\n\r\n").find("HTTP/1.1 400"), std::string::npos);
  // (With a token: without one the header alone is answered, 401.)
  EXPECT_NE(s.Raw("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                  s.token("admin") + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n")
                .find("HTTP/1.1 400"),
            std::string::npos);
  EXPECT_NE(s.Raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " +
                  std::string(server::kHeaderBytesMax, 'a') + "\r\n\r\n")
                .find("HTTP/1.1 431"),
            std::string::npos);
  EXPECT_EQ(s.Post(std::string(server::kRequestBodyBytesMax + 1, ' ')).status, 413);
  // A slow client is cut off after the request timeout: Raw returns when the server closes.
  EXPECT_EQ(s.Raw("GET /healthz HTTP/1.1\r\nHost: x\r\n"), "");
  EXPECT_EQ(s.Post("{not json").status, 400);
  EXPECT_EQ(s.Post(std::string("{\"id\":\"\xff\"}")).status, 400);
  EXPECT_EQ(s.Post("[" + Contact("c1") + "]").status, 400);
  EXPECT_EQ(s.Get("/v1/studios/%ZZ").status, 400);
  EXPECT_EQ(s.Get("/v1/events?from=-1").status, 400);
  EXPECT_EQ(s.Get("/v1/events?limit=0").status, 400);
  EXPECT_EQ(s.Get("/v1/events?limit=1001").status, 400);
  EXPECT_EQ(s.Get("/v1/streams/studio/S01?limit=0").status, 400);
  EXPECT_EQ(s.Get("/healthz", "").status, 200);
  EXPECT_EQ(s.Post(Contact("after")).status, 201);
}

// A number beyond 64 bits is refused, not read as 0 (from the first event, no wait, a live
// stream from the start).
TEST(ServerTest, NumbersBeyondSixtyFourBitsAreRefused) {
  ServedLedger s;
  const std::string big = "18446744073709551616";  // 2^64
  EXPECT_EQ(s.Get("/v1/events?from=" + big).status, 400);
  EXPECT_EQ(s.Get("/v1/events?limit=" + big + "1").status, 400);
  EXPECT_EQ(s.Get("/v1/studios/S01?minSeq=" + big).status, 400);
  EXPECT_EQ(s.Get("/v1/streams/studio/S01?from=" + big).status, 400);
  EXPECT_EQ(s.Get("/v1/events/" + big + "/history").status, 400);
  EXPECT_EQ(s.Get("/v1/events/abc/history").status, 404);
  EXPECT_EQ(s.Get("/v1/events?from=18446744073709551615").status, 200);
  for (const std::string& id : {big, std::string("-1"), std::string("x")}) {
    const std::string answer =
        s.Raw("GET /v1/events/live HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " + id +
              "\r\nAuthorization: Bearer " + s.token("auditor") + "\r\n\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << id << ": " << answer.substr(0, 200);
  }
}

// HEAD gets the headers of GET and no body, so the next answer on the connection is read
// from its first byte.
TEST(ServerTest, HeadAnswersWithoutABody) {
  ServedLedger s;
  const std::string auth = "Authorization: Bearer " + s.token("auditor") + "\r\n";
  const std::string answer =
      s.Raw("HEAD /v1/overview HTTP/1.1\r\nHost: x\r\n" + auth +
            "\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer.substr(0, 300);
  const size_t end = answer.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  const std::string head = answer.substr(0, end);
  EXPECT_NE(head.find("Content-Length: "), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length: 0\r"), std::string::npos) << head;
  EXPECT_EQ(answer.substr(end + 4, 12), "HTTP/1.1 200") << answer.substr(end, 300);
}

TEST(ServerTest, ARevokedTokenIsRefused) {
  ServedLedger s;
  ASSERT_EQ(s.Get("/v1/overview", "auditor").status, 200);
  std::unique_ptr<server::Access> tokens;
  ASSERT_TRUE(server::Access::Open(s.test_ledger().dir() + "/access.jsonl", s.key(), &tokens).ok());
  ASSERT_TRUE(tokens->Revoke("auditor", "2025-07-01T00:00:00+08:00").ok());
  EXPECT_EQ(s.Get("/v1/overview", "auditor").status, 401);
  EXPECT_EQ(s.Get("/v1/overview", "supervisor").status, 200);
}

// Reads "id: N" lines of an SSE stream until `last` has been seen.
std::vector<uint64_t> ReadIds(net::ip::tcp::socket& socket, std::string& pending, uint64_t last,
                              std::string* seen = nullptr) {
  std::vector<uint64_t> ids;
  char buf[4096];
  while (ids.empty() || ids.back() < last) {
    size_t at;
    while ((at = pending.find("\n\n")) != std::string::npos) {
      const std::string block = pending.substr(0, at);
      pending.erase(0, at + 2);
      if (block.rfind("id: ", 0) == 0) ids.push_back(std::stoull(block.substr(4)));
    }
    if (!ids.empty() && ids.back() >= last) break;
    beast::error_code ec;
    const size_t n = socket.read_some(net::buffer(buf), ec);
    if (ec) break;
    pending.append(buf, n);
    if (seen) seen->append(buf, n);
  }
  return ids;
}

TEST(ServerTest, LiveSubscriptionCatchesUpThenFollowsWithoutGaps) {
  ServedLedger s;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port()));
  net::write(
      socket,
      net::buffer("GET /v1/events/live?from=3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                  s.token("auditor") + "\r\n\r\n"));
  std::string pending, seen;
  std::vector<uint64_t> ids = ReadIds(socket, pending, 7, &seen);
  EXPECT_EQ(ids, (std::vector<uint64_t>{3, 4, 5, 6, 7}));
  EXPECT_NE(seen.find("Content-Type: text/event-stream"), std::string::npos) << seen.substr(0, 300);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(s.Post(Contact("l" + std::to_string(i))).status, 201);
  ids = ReadIds(socket, pending, 12);
  EXPECT_EQ(ids, (std::vector<uint64_t>{8, 9, 10, 11, 12}));
}

TEST(ServerTest, LiveSubscriptionResumesAfterARestartFromLastEventId) {
  std::string dir;
  auto s = std::make_unique<ServedLedger>();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(s->Post(Contact("l" + std::to_string(i))).status, 201);
  // The first subscription saw up to 9; after a restart the stream resumes at 10.
  s->RestartServer();
  // Read-your-writes holds at once after a restart: the views already include event 10.
  EXPECT_EQ(s->Get("/v1/studios/S01?minSeq=10").status, 200);
  for (int i = 3; i < 6; ++i) ASSERT_EQ(s->Post(Contact("l" + std::to_string(i))).status, 201);
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), s->port()));
  net::write(
      socket,
      net::buffer(
          "GET /v1/events/live HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 9\r\nAuthorization: Bearer " +
          s->token("auditor") + "\r\n\r\n"));
  std::string pending;
  EXPECT_EQ(ReadIds(socket, pending, 13), (std::vector<uint64_t>{10, 11, 12, 13}));
}

// Subscribers catching up from the first event read the log off the I/O threads, a page of
// at most kLivePageBytesMax at a time: each gets every event once, in order, and /healthz
// answers meanwhile.
TEST(ServerTest, SubscribersCatchingUpFromTheStartGetEveryEventAndDoNotStallOthers) {
  ServedLedger s;
  const uint64_t head = AppendBulk(s, 12);
  constexpr int kSubscribers = 16;
  std::vector<std::vector<uint64_t>> received(kSubscribers);
  std::vector<std::thread> subscribers;
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers.emplace_back([&, i] {
      net::io_context ioc;
      net::ip::tcp::socket socket(ioc);
      socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port()));
      net::write(socket, net::buffer("GET /v1/events/live?from=1 HTTP/1.1\r\nHost: x\r\n"
                                     "Authorization: Bearer " +
                                     s.token("auditor") + "\r\n\r\n"));
      std::string pending;
      received[i] = ReadIds(socket, pending, head);
    });
  }
  double worst_ms = 0;
  for (int i = 0; i < 50; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(s.Get("/healthz", "").status, 200);
    worst_ms =
        std::max(worst_ms,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  for (auto& t : subscribers) t.join();
  std::vector<uint64_t> all(head);
  std::iota(all.begin(), all.end(), 1);
  for (int i = 0; i < kSubscribers; ++i) EXPECT_EQ(received[i], all) << "subscriber " << i;
  EXPECT_LT(worst_ms, 50.0);  // read on the I/O threads: 90-116 ms
  std::printf("%d subscribers from 1 (%llu events): /healthz at worst %.1f ms\n", kSubscribers,
              static_cast<unsigned long long>(head), worst_ms);
}

}  // namespace
}  // namespace wulian
