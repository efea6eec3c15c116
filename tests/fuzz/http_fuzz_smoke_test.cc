// A short, deterministic run of the HTTP fuzz target in the suite: seed requests and their
// random mutations against a real server on a loopback port (tools/fuzz.sh http runs the
// same target under libFuzzer for as long as you like).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/http_fuzz.h"
#include "tests/fuzz/mutate.h"

namespace wulian {
namespace {

std::vector<std::string> Seeds() {
  const std::string auth = "Authorization: Bearer @TOKEN@\r\n";
  auto with_body = [](const std::string& head, const std::string& body) {
    return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  return {
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /v1/events?from=1&limit=2 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
      "GET /v1/studios/S01?minSeq=3 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
      "GET /v1/streams/studio/S01?from=1&limit=10 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
      "GET /v1/events/4/history HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
      "GET /v1/audit/proof/inclusion?seq=2&size=4 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
      "GET /v1/reports?asOf=2025-07-01T00:00:00%2B08:00&axis=occurred&format=csv HTTP/1.1\r\n"
      "Host: x\r\n" +
          auth + "\r\n",
      "GET /v1/events/live?from=4 HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 18446744073709551616\r\n" +
          auth + "\r\n",
      "GET /v1/session HTTP/1.1\r\nHost: x\r\nCookie: a=b; wl_session=0123456789abcdef; c\r\n\r\n",
      with_body("POST /v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n",
                R"({"login":"dudao","password":"x y"})"),
      with_body(
          "POST /v1/events HTTP/1.1\r\nHost: x\r\n" + auth,
          R"({"id":"f1","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00","data":{"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"}})"),
      "POST /v1/events HTTP/1.1\r\nHost: x\r\n" + auth +
          "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\n0\r\n\r\n",
      "HEAD /v1/overview HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
      "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
  };
}

TEST(HttpFuzzSmokeTest, MutatedRequestsGetAWellFormedAnswerOrAClose) {
  const auto seeds = Seeds();
  // Every seed as it is first: each route answers.
  for (const auto& seed : seeds) {
    const std::string answer = fuzz::Exchange(seed);
    EXPECT_TRUE(fuzz::WellFormed(answer)) << seed << "\n" << answer.substr(0, 200);
    EXPECT_FALSE(answer.empty()) << seed;
  }
  // tools/fuzz.sh http runs this longer (WULIAN_HTTP_FUZZ_RUNS) from other seeds
  // (WULIAN_HTTP_FUZZ_SEED) under AddressSanitizer; the suite runs 1500 from a fixed one.
  const char* runs_text = std::getenv("WULIAN_HTTP_FUZZ_RUNS");
  const char* seed_text = std::getenv("WULIAN_HTTP_FUZZ_SEED");
  uint64_t x = seed_text != nullptr ? std::stoull(seed_text) : 0x9E3779B97F4A7C15ull;
  const int kRuns = runs_text != nullptr ? std::atoi(runs_text) : 1500;
  std::printf("http fuzz: %d runs from seed %llu\n", kRuns, static_cast<unsigned long long>(x));
  static const char kInteresting[] = "%&=?/;:\r\n 0123456789-+\x7f\xff\xe4\x00";
  std::map<char, int> classes;  // '1'..'5' by status class, '0' closed
  for (int run = 0; run < kRuns; ++run) {
    const std::string input =
        testing::Mutate(seeds, std::string_view(kInteresting, sizeof kInteresting - 1), 4, &x);
    const std::string answer = fuzz::Exchange(input);
    ASSERT_TRUE(fuzz::WellFormed(answer)) << input << "\n---\n" << answer.substr(0, 300);
    ++classes[answer.empty() ? '0' : answer[9]];
    // 501 (unknown method) and 503 (a minSeq wait) are answers; 500 would be a bug.
    EXPECT_NE(answer.substr(0, 12), "HTTP/1.1 500") << input << "\n---\n" << answer.substr(0, 300);
  }
  // Both the routes and the refusals were reached, and the server is still up.
  EXPECT_GT(classes['2'], 50);
  EXPECT_GT(classes['4'], 100);
  EXPECT_EQ(fuzz::Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").substr(0, 12),
            "HTTP/1.1 200");
}

}  // namespace
}  // namespace wulian
