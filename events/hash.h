// SHA-256 leaf and chain hashes of SPEC §4, computed with OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/ledger.capnp.h"

namespace wulian {

using Hash = std::array<uint8_t, 32>;

// SHA-256(0x00 ‖ canonical bytes of `event` with hash and chain unset).
// REQUIRES: `event` has hash and chain unset.
Hash LeafHash(schema::Event::Reader event);

// The canonical words of an event with hash and chain unset, and its leaf hash over them.
struct CanonicalLeaf {
  kj::Array<capnp::word> words;
  Hash leaf;
};
// REQUIRES: `event` has hash and chain unset.
CanonicalLeaf CanonicalizeForLeaf(schema::Event::Reader event);

// What the `events` family stores for a hashed event (SPEC §4): one flat single-segment
// message whose segment is the canonical form of the event with `hash` and `chain` set.
// Built from the unhashed canonical words, without a second canonicalisation: the root gets
// all its pointers, the other pointers move by as many words, and the two blobs go last.
std::string StoredBytes(const CanonicalLeaf& unhashed, const Hash& chain);

// The leaf hash of an event from its stored bytes, without decoding or copying them. The
// canonical form without hash and chain differs from the canonical form with them only in
// the root's pointer count, the offsets of its other pointers and the two trailing blobs.
// Empty when `bytes` are not in the form StoredBytes writes (a ledger written before it, or
// damage): then the leaf is LeafHash of a decoded copy. A value it returns is the hash of
// the canonical bytes it derived; a caller still compares it with the stored hash.
std::optional<Hash> LeafHashOfStored(std::string_view bytes);

// SHA-256(previous ‖ leaf).
Hash ChainHash(const Hash& previous, const Hash& leaf);

// SHA-256 of arbitrary bytes.
Hash Sha256(std::string_view bytes);

std::string ToHex(const Hash& hash);

// Lower-case hex, and back (false on bad input or a length other than 2·size).
std::string HexOf(const uint8_t* data, size_t size);
bool FromHex(std::string_view hex, uint8_t* out, size_t size);

}  // namespace wulian
