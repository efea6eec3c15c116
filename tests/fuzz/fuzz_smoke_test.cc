// A short, deterministic fuzz run in the suite: seeds and their random mutations through the
// fuzz target (tools/fuzz.sh runs the same target for as long as you like under libFuzzer).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/codec.h"
#include "tests/fuzz/mutate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace wulian {
namespace {

std::vector<std::string> Seeds() {
  return {
      R"({"id":"c1","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00","expectedVersion":3,"data":{"studio":"S01","members":["M1","M2"],"channel":"visit","peopleReached":25,"topic":"停车难"}})",
      R"({"events":[{"id":"a","type":"CaseOpened","occurredAt":"2025-03-01T09:30:00Z","data":{"studio":"S01","case":"K1","kind":"dispute","members":["M1"],"summary":"邻里纠纷 \ud83d\ude00"}}]})",
      R"({"id":"f","type":"EventCorrected","occurredAt":"2025-03-01T09:30:00+08:00","data":{"target":4,"reason":"r","data":{"studio":"S01"}}})",
      R"({"id":"g","type":"EventCorrected","occurredAt":"2025-03-01T09:30:00+08:00","data":{"target":4,"reason":"r","data":{"studio":"S01","members":["M1"],"channel":"visit","peopleReached":2,"topic":"t"}}})",
      R"({"id":"s","type":"StudioLicensed","occurredAt":"2025-03-01T09:30:00+08:00","data":{"studio":"S01","name":"n","linkType":"locality","leadMember":"M1","committee":"C1","partyOrg":"p","town":"t","batch":1,"licensedOn":"2024-02-29"}})",
      R"({"size":5,"root":"10e61b91ab39b7a69a3c4014e5b1a9d3af6a7003988055996c5a57eabf851b36","time":"2025-06-30T23:59:59+08:00","signature":"00"})",
      R"({"algorithm":"Ed25519","publicKey":"58c19189301323c45b4e09b6d9cfa5d9fe832ed6e7d1dbca902d525763419103"})",
      "2025-03-01T09:30:00.123456789-05:30",
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
  };
}

TEST(FuzzSmokeTest, MutatedInputsAreRefusedOrAcceptedWithoutCrashing) {
  const auto seeds = Seeds();
  uint64_t x = 0x9E3779B97F4A7C15ull;
  constexpr int kRuns = 20000;
  Codec codec;
  int accepted = 0, refused = 0;
  static const char kInteresting[] = "\"\\{}[],:0123456789-.eE+u\xff\xc3\xed\x00";
  for (int run = 0; run < kRuns; ++run) {
    const std::string input =
        testing::Mutate(seeds, std::string_view(kInteresting, sizeof kInteresting - 1), 8, &x);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    Submissions parsed;
    (codec.ParseLine(input, true, &parsed).ok() ? accepted : refused)++;
  }
  // Both paths were exercised: mutations that stay valid, and ones that are refused.
  EXPECT_GT(accepted, 10);  // 69 with this seed: most mutations break the JSON
  EXPECT_GT(refused, kRuns / 2);
}

}  // namespace
}  // namespace wulian
