// SHA-256 leaf and chain hashes of SPEC §4, and the stored form of a hashed event, over
// base/hash.h. Internal to events/: store.cc is its user (and tests/events/store_test.cc);
// the leaf hash of an event for other folders is LeafHash in events/store.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/hash.h"
#include "events/ledger.capnp.h"

namespace wulian {

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

}  // namespace wulian
