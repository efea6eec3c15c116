// SHA-256 leaf and chain hashes of SPEC §4, computed with OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/ledger.capnp.h"

namespace wulian {

using Hash = std::array<uint8_t, 32>;

// SHA-256(0x00 ‖ canonical bytes of `event` with hash and chain unset).
// REQUIRES: `event` has hash and chain unset.
Hash LeafHash(schema::Event::Reader event);

// SHA-256(previous ‖ leaf).
Hash ChainHash(const Hash& previous, const Hash& leaf);

// SHA-256 of arbitrary bytes.
Hash Sha256(std::string_view bytes);

std::string ToHex(const Hash& hash);

// Lower-case hex, and back (false on bad input or a length other than 2·size).
std::string HexOf(const uint8_t* data, size_t size);
bool FromHex(std::string_view hex, uint8_t* out, size_t size);

}  // namespace wulian
