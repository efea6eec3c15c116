// The key encodings shared by every column family (events/format_internal.h for the log,
// projections/state.h for the views): 8-byte big-endian integers, so that keys sort by
// number, and tagged keys whose parts are separated by 0x00 (IDs never contain it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wulian {

inline constexpr size_t kBe64Bytes = 8;

inline void PutBe64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// REQUIRES: in.size() >= at + 8.
inline uint64_t GetBe64(std::string_view in, size_t at = 0) {
  uint64_t v = 0;
  for (size_t i = 0; i < kBe64Bytes; ++i) v = (v << 8) | static_cast<uint8_t>(in[at + i]);
  return v;
}

// 'tag' a, or 'tag' a 0x00 b when b is not empty.
inline std::string TaggedKey(char tag, std::string_view a, std::string_view b = {}) {
  std::string key(1, tag);
  key.append(a);
  if (!b.empty()) {
    key.push_back('\0');
    key.append(b);
  }
  return key;
}

}  // namespace wulian
