// Deterministic mutations for the fuzz smoke tests: a fixed, portable random sequence and
// the edits libFuzzer would try (flip a byte, insert an interesting one, erase, repeat).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wulian::testing {

// xorshift64*: a fixed, portable sequence.
inline uint64_t Next(uint64_t* x) {
  *x ^= *x >> 12;
  *x ^= *x << 25;
  *x ^= *x >> 27;
  return *x * 0x2545F4914F6CDD1Dull;
}

// One of `seeds` with 1 to `edits_max` random edits; `interesting` are the bytes inserted.
inline std::string Mutate(const std::vector<std::string>& seeds, std::string_view interesting,
                          int edits_max, uint64_t* x) {
  std::string input = seeds[Next(x) % seeds.size()];
  const int edits = 1 + static_cast<int>(Next(x) % static_cast<uint64_t>(edits_max));
  for (int e = 0; e < edits && !input.empty(); ++e) {
    const size_t at = Next(x) % input.size();
    switch (Next(x) % 4) {
      case 0:
        input[at] = static_cast<char>(Next(x));
        break;
      case 1:
        input.insert(at, 1, interesting[Next(x) % interesting.size()]);
        break;
      case 2:
        input.erase(at, 1 + Next(x) % 4);
        break;
      case 3:
        input.insert(at, input.substr(at, Next(x) % 16));
        break;
    }
  }
  return input;
}

}  // namespace wulian::testing
