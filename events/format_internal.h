// The on-disk layout of a ledger database (SPEC §4). Internal to events/.
//
// Column families (all with RocksDB's default bytewise comparator):
//
//   events   be64(seq)                      → Event message (capnp::messageToFlatArray)
//   ids      id                             → be64(seq)
//   streams  stream 0x00 be64(version)      → be64(seq)
//   state    write-side state of §3.3, written in the same batch as the event:
//            'c' committee                  → be64(seq)           registered committee
//            'm' member                     → be64(seq)           registered member
//            's' studio                     → be64(seq) status*   licensed studio, with
//                                             status = be64(seq) u8(StudioStatus), one per
//                                             live StudioStatusChanged, in seq order
//            'j' studio 0x00 member         → (be64(join) be64(leave))+  one pair per live
//                                             membership, oldest first; leave 0: still in
//            'k' studio 0x00 case           → Pair
//            'g' studio 0x00 suggestion     → Pair
//            'f' studio 0x00 finding        → Pair
//            'r' studio 0x00 rule           → be64(seq)
//            'v' studio 0x00 visit          → be64(seq)
//            'x' be64(seq)                  → ""                  the event is retracted
//            'q' stream                     → be64(version)       current stream version
//            Pair = be64(open) be64(close)    close 0: still open; an item whose
//                                             opening is retracted ('x') counts as closed
//   merkle   u8(level) be64(index)          → SHA-256 node: the root of the perfect subtree
//                                             over leaves [index·2^level, (index+1)·2^level)
//                                             (level 0: the event hashes), RFC 6962 §2.1
//   targets  be64(target) be64(seq)         → ""   event seq corrects or retracts target
//   default  'format'                       → be64(kFormatVersion)
//
// be64 is an 8-byte big-endian unsigned integer, so that keys sort by number. IDs never
// contain 0x00 (SPEC §3.2), so it separates the parts of a key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/keys.h"

namespace wulian::format {

inline constexpr uint32_t kFormatVersion = 1;
inline constexpr char kEventsFamily[] = "events";
inline constexpr char kIdsFamily[] = "ids";
inline constexpr char kStreamsFamily[] = "streams";
inline constexpr char kStateFamily[] = "state";
inline constexpr char kMerkleFamily[] = "merkle";
inline constexpr char kTargetsFamily[] = "targets";
inline constexpr char kFormatKey[] = "format";

inline constexpr char kCommitteeTag = 'c';
inline constexpr char kMemberTag = 'm';
inline constexpr char kStudioTag = 's';
inline constexpr char kMembershipTag = 'j';
inline constexpr char kCaseTag = 'k';
inline constexpr char kSuggestionTag = 'g';
inline constexpr char kFindingTag = 'f';
inline constexpr char kRuleTag = 'r';
inline constexpr char kVisitTag = 'v';
inline constexpr char kRetractedTag = 'x';
inline constexpr char kStreamVersionTag = 'q';

inline constexpr size_t kSeqBytes = 8;
inline constexpr size_t kPairBytes = 2 * kSeqBytes;
inline constexpr size_t kMembershipBytes = 2 * kSeqBytes;
inline constexpr size_t kStatusEntryBytes = kSeqBytes + 1;
static_assert(kPairBytes == 16 && kStatusEntryBytes == 9, "stored layouts are fixed");

using wulian::GetBe64;
using wulian::PutBe64;
static_assert(kSeqBytes == kBe64Bytes, "seqs are be64");

inline std::string SeqKey(uint64_t seq) {
  std::string key;
  PutBe64(&key, seq);
  return key;
}

inline std::string StreamKey(std::string_view stream, uint64_t version) {
  std::string key(stream);
  key.push_back('\0');
  PutBe64(&key, version);
  return key;
}

// 'tag' a, or 'tag' a 0x00 b.
inline std::string StateKey(char tag, std::string_view a, std::string_view b = {}) {
  return TaggedKey(tag, a, b);
}

inline std::string MerkleKey(int level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  PutBe64(&key, index);
  return key;
}

inline std::string TargetKey(uint64_t target, uint64_t seq) {
  std::string key;
  PutBe64(&key, target);
  PutBe64(&key, seq);
  return key;
}

inline std::string RetractedKey(uint64_t seq) {
  std::string key(1, kRetractedTag);
  PutBe64(&key, seq);
  return key;
}

}  // namespace wulian::format
