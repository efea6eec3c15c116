// SHA-256 and hex, computed with OpenSSL.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace wulian {

using Hash = std::array<uint8_t, 32>;

// SHA-256 of arbitrary bytes.
Hash Sha256(std::string_view bytes);

// SHA-256 of the concatenation of `parts`, each hashed where it lies (nothing is copied).
Hash Sha256Parts(std::initializer_list<std::string_view> parts);

std::string ToHex(const Hash& hash);

// Lower-case hex, and back (false on bad input or a length other than 2·size).
std::string HexOf(const uint8_t* data, size_t size);
bool FromHex(std::string_view hex, uint8_t* out, size_t size);

}  // namespace wulian
