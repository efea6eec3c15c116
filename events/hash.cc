#include <capnp/message.h>
#include <capnp/serialize.h>

#include <bit>
#include <cstring>

#include "base/assert.h"
#include "events/hash_internal.h"
#include "events/store.h"

namespace wulian {

namespace {

constexpr std::string_view kLeafPrefix("\0", 1);

// `size` bytes at `data`, as a part of Sha256Parts.
std::string_view Bytes(const void* data, size_t size) {
  return {static_cast<const char*>(data), size};
}

// The wire format of Cap'n Proto pointers (encoding.html), as far as the stored form needs.
static_assert(std::endian::native == std::endian::little, "words are read in place");
constexpr unsigned kRootPointers = 8;  // Event's pointer section: 6 fields, hash, chain
constexpr unsigned kHashPointer = 6, kChainPointer = 7;
static_assert(schema::Event::_capnpPrivate::pointerCount == kRootPointers);
constexpr uint64_t kHashWords = sizeof(Hash) / sizeof(capnp::word);
constexpr uint64_t kStructPointer = 0, kListPointer = 1;
constexpr uint64_t kByteElements = 2;
constexpr uint64_t kRootDataWordsMax = 8;  // Event's data section is three words

uint64_t WordAt(std::string_view bytes, uint64_t index) {
  uint64_t w;
  std::memcpy(&w, bytes.data() + index * sizeof(w), sizeof(w));
  return w;
}

// A pointer with its offset (in words, from the word after the pointer) changed by `delta`.
uint64_t Shifted(uint64_t pointer, int64_t delta) {
  const int64_t offset = static_cast<int32_t>(static_cast<uint32_t>(pointer)) >> 2;
  const uint64_t low =
      static_cast<uint32_t>(static_cast<uint32_t>(offset + delta) << 2) | (pointer & 3);
  return (pointer & ~uint64_t{0xffffffff}) | low;
}

// The list pointer at segment word `at` to a 32-byte Data blob at segment word `target`.
uint64_t BlobPointer(uint64_t at, uint64_t target) {
  return Shifted((uint64_t{sizeof(Hash)} << 3 | kByteElements) << 32 | kListPointer,
                 static_cast<int64_t>(target) - static_cast<int64_t>(at + 1));
}

}  // namespace

CanonicalLeaf CanonicalizeForLeaf(schema::Event::Reader event) {
  LEDGER_ASSERT(!event.hasHash() && !event.hasChain(), "leaf hash over a hashed event");
  CanonicalLeaf out{capnp::canonicalize(event), {}};
  const auto bytes = out.words.asBytes();
  out.leaf = Sha256Parts({kLeafPrefix, Bytes(bytes.begin(), bytes.size())});
  return out;
}

Hash LeafHash(schema::Event::Reader event) { return CanonicalizeForLeaf(event).leaf; }

std::string StoredBytes(const CanonicalLeaf& unhashed, const Hash& chain) {
  // The inverse of LeafHashOfStored's transform: root pointer, data, `kept` pointers and
  // children become root pointer (8 pointers), data, 8 pointers, children, hash, chain.
  const kj::ArrayPtr<const capnp::word> in = unhashed.words;
  LEDGER_ASSERT(in.size() >= 1, "canonical event without a root");
  uint64_t root;
  std::memcpy(&root, in.begin(), sizeof(root));
  const uint64_t data_words = (root >> 32) & 0xffff, kept = root >> 48;
  LEDGER_ASSERT(static_cast<uint32_t>(root) == kStructPointer && kept <= kHashPointer &&
                    in.size() >= 1 + data_words + kept,
                "canonical event root");
  const uint64_t pointers = 1 + data_words;
  const uint64_t moved = kRootPointers - kept;
  const uint64_t children_words = in.size() - pointers - kept;
  const uint64_t size = pointers + kRootPointers + children_words + 2 * kHashWords;

  std::string out((1 + size) * sizeof(capnp::word), '\0');
  auto put = [&](uint64_t at, uint64_t w) {  // segment word `at`
    std::memcpy(out.data() + (1 + at) * sizeof(w), &w, sizeof(w));
  };
  const uint64_t table = size << 32;  // one segment of `size` words
  std::memcpy(out.data(), &table, sizeof(table));
  put(0, (root & 0x0000ffff'ffffffff) | uint64_t{kRootPointers} << 48);
  std::memcpy(out.data() + 2 * sizeof(capnp::word), in.begin() + 1,
              data_words * sizeof(capnp::word));
  for (uint64_t i = 0; i < kept; ++i) {
    uint64_t p;
    std::memcpy(&p, in.begin() + pointers + i, sizeof(p));
    put(pointers + i, p == 0 ? 0 : Shifted(p, static_cast<int64_t>(moved)));
  }
  put(pointers + kHashPointer, BlobPointer(pointers + kHashPointer, size - 2 * kHashWords));
  put(pointers + kChainPointer, BlobPointer(pointers + kChainPointer, size - kHashWords));
  std::memcpy(out.data() + (1 + pointers + kRootPointers) * sizeof(capnp::word),
              in.begin() + pointers + kept, children_words * sizeof(capnp::word));
  std::memcpy(out.data() + (1 + size - 2 * kHashWords) * sizeof(capnp::word), unhashed.leaf.data(),
              sizeof(Hash));
  std::memcpy(out.data() + (1 + size - kHashWords) * sizeof(capnp::word), chain.data(),
              sizeof(Hash));
  return out;
}

std::optional<Hash> LeafHashOfStored(std::string_view bytes) {
  // The segment table of one segment, then the segment: the root pointer, the root struct
  // (data, then pointers), its children in pre-order, the hash blob and the chain blob last.
  const uint64_t total = bytes.size() / sizeof(capnp::word);
  if (bytes.size() % sizeof(capnp::word) != 0 || total < 2) return std::nullopt;
  const uint64_t table = WordAt(bytes, 0);
  const uint64_t size = total - 1;  // segment words
  if (static_cast<uint32_t>(table) != 0 || table >> 32 != size) return std::nullopt;
  auto word = [&](uint64_t at) { return WordAt(bytes, 1 + at); };
  const uint64_t root = word(0);
  const uint64_t data_words = (root >> 32) & 0xffff;
  if (static_cast<uint32_t>(root) != kStructPointer || root >> 48 != kRootPointers)
    return std::nullopt;
  const uint64_t pointers = 1 + data_words;  // segment word of pointer 0
  const uint64_t children = pointers + kRootPointers;
  if (size < children + 2 * kHashWords) return std::nullopt;
  if (word(pointers + kHashPointer) !=
          BlobPointer(pointers + kHashPointer, size - 2 * kHashWords) ||
      word(pointers + kChainPointer) != BlobPointer(pointers + kChainPointer, size - kHashWords))
    return std::nullopt;

  // Without hash and chain, trailing null pointers go too and the children move up.
  unsigned kept = kHashPointer;
  while (kept > 0 && word(pointers + kept - 1) == 0) --kept;
  const int64_t moved = kRootPointers - kept;
  if (data_words > kRootDataWordsMax) return std::nullopt;
  uint64_t head[1 + kRootDataWordsMax + kRootPointers];  // root pointer, data, kept pointers
  head[0] = (root & 0x0000ffff'ffffffff) | uint64_t{kept} << 48;
  for (uint64_t i = 0; i < data_words; ++i) head[1 + i] = word(1 + i);
  for (unsigned i = 0; i < kept; ++i) {
    const uint64_t p = word(pointers + i);
    if (p != 0 && (p & 3) != kStructPointer && (p & 3) != kListPointer) return std::nullopt;
    head[pointers + i] = p == 0 ? 0 : Shifted(p, -moved);
  }
  const std::string_view rest =
      bytes.substr((1 + children) * sizeof(capnp::word),
                   (size - children - 2 * kHashWords) * sizeof(capnp::word));
  return Sha256Parts({kLeafPrefix, Bytes(head, (pointers + kept) * sizeof(capnp::word)), rest});
}

Hash ChainHash(const Hash& previous, const Hash& leaf) {
  return Sha256Parts({Bytes(previous.data(), previous.size()), Bytes(leaf.data(), leaf.size())});
}

}  // namespace wulian
