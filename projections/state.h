// The stored state of the views (internal to projections/). One RocksDB database in
// DATA/views with one column family, `views`, keyed by a one-byte tag. Keys never hold
// 0x00 inside an ID, so it separates their parts; be64 is big-endian, so keys sort by number;
// signed values are stored as be64(value + 2^63).
//
//   records
//     'S' studio                → StudioLicensed message (the current data)
//     'T' studio                → (be64 seq, u8 StudioStatus)*  live status changes
//     'M' member                → MemberRegistered message
//     'C' committee             → CommitteeRegistered message
//     'J' studio 0 member       → (be64 join, be64 leave)*  live memberships; leave 0: in
//     'K' studio 0 case         → CaseRecord
//     'G' studio 0 suggestion   → ItemRecord (submission, adoption)
//     'F' studio 0 finding      → ItemRecord (raising, rectification)
//     'X' be64 seq              → ""  the event is retracted
//     'Y' be64 target           → be64 seq of the correction in force
//     'A' studio 0 YYYY-MM      → (be64s occurred, be64 seq, be64s recordedAt − occurredAt)*
//                                 the studio's activity of the month, in (occurred, seq) order
//     'E' member 0 YYYY-MM      → (be64s occurred, be64 seq)*  activity listing the member
//   counters (int64 little-endian arrays)
//     's' studio                → StudioCounter
//     'b' studio 0 YYYY-MM      → MonthCounter
//     'm' member                → MemberCounter
//     'y' member 0 YYYY         → ScoreCounter
//     'o'                       → OverviewCounter
//   indexes (values empty unless said)
//     'q' studio 0 be64s opened case         (open cases)
//     'f' studio 0 be64s dueDay finding      (open findings)
//     'r' studio 0 be64s duration be64 seq   (cases closed as resolved)
//     'c' committee 0 studio                 (studios a committee guides)
//     'l' committee 0 member                 (members that list a committee)
//     'w' member 0 studio                    (studios whose current members include the member)
//   'P' → be64 seq ‖ chain(32)  the checkpoint: the last event applied
//   'V' → the layout's version (kLayoutVersion); views of another version are rebuilt
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/hash.h"
#include "base/status.h"

namespace wulian::projections::state {

inline constexpr char kFamily[] = "views";
inline constexpr char kCheckpointKey[] = "P";
inline constexpr char kLayoutKey[] = "V";
inline constexpr char kLayoutVersion[] = "2";
// Entries of the monthly activity lists: 'A' (occurred, seq, delay) and 'E' (occurred, seq).
inline constexpr size_t kStudioActivityBytes = 24;
inline constexpr size_t kMemberActivityBytes = 16;

enum StudioCounter {
  kContacts,
  kPeopleReached,
  kConsultations,
  kCasesOpened,
  kCasesResolved,
  kCasesOpen,
  kSuggestions,
  kSuggestionsAdopted,
  kRules,
  kVisits,
  kFindingsOpen,
  kFindingsRectified,
  kStudioCounters
};
enum MonthCounter {
  kMonthContacts,
  kMonthPeopleReached,
  kMonthConsultations,
  kMonthCasesOpened,
  kMonthCasesResolved,
  kMonthSuggestions,
  kMonthActivity,
  kMonthCounters
};
enum MemberCounter {
  kMemberContacts,
  kMemberConsultations,
  kMemberCases,
  kMemberSuggestions,
  kMemberCounters
};
enum ScoreCounter {
  kScoreContacts,
  kScoreConsultations,
  kScoreResearch,
  kScoreSuggestions,
  kScoreResolved,
  kScoreAdopted,
  kScoreCounters
};
enum OverviewCounter { kEvents, kStudios, kMembers, kCommittees, kOverviewCounters };

using Counters = std::vector<int64_t>;

std::string Be64(uint64_t v);
std::string Be64s(int64_t v);
uint64_t GetBe64(std::string_view bytes, size_t at = 0);
int64_t GetBe64s(std::string_view bytes, size_t at = 0);
// "YYYY" and "YYYY-MM" of an instant in the ledger time zone (years 1000–9999).
std::string Year(int64_t micros);
std::string Month(int64_t micros);
std::string EncodeCounters(const Counters& counters);
Counters DecodeCounters(std::string_view bytes, size_t size);

// 'tag' a [0x00 b].
std::string Key(char tag, std::string_view a, std::string_view b = {});
// 'tag' a 0x00 followed by raw bytes.
std::string KeyWith(char tag, std::string_view a, std::string_view rest);

// A case, suggestion or finding: opened by one event, maybe closed by another.
struct ItemRecord {
  uint64_t open_seq = 0;  // 0: not opened (or its opening is not counted)
  int64_t open_occurred = 0;
  uint64_t close_seq = 0;  // 0: open
  int64_t close_occurred = 0;
  uint8_t outcome = 0;               // cases: CaseOutcome
  int64_t due_day = 0;               // findings: dueOn as days since 1970-01-01
  std::vector<std::string> members;  // cases and suggestions: listed on the opening

  std::string Encode() const;
  static ItemRecord Decode(std::string_view bytes);
};

// Records and counters in memory, bounded in bytes, and the writes of the current projection
// step, written with the checkpoint in one RocksDB write at Commit. The indexes (lower-case
// tags other than the counters: q f r c l w) are only ever written, never read back by the
// projector: their writes are kept in order as they come and sorted at Commit. Records and
// counters are read through the cache and written at Commit in key order; after a Commit
// past kWriterCacheBytes the cache starts again empty.
//
// A key that is not in the cache is read from the database once, unless the Writer knows it
// is absent: a Writer that starts on an empty family (a rebuild, a first catch-up) knows
// every key there is, and after it drops its cache it keeps a bloom filter of the keys it has
// written (kWriterFilterBytes), so a new key (a new case, a new month) costs no read.
class Writer {
 public:
  // `empty`: the family holds nothing yet. The cache is dropped after a Commit that leaves it
  // holding more than `cache_bytes`.
  Writer(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, bool empty, size_t cache_bytes);
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  // REQUIRES: not an index key.
  std::optional<std::string> Get(std::string_view key);
  void Put(std::string_view key, std::string value);
  void Delete(std::string_view key);
  // Adds `delta` to counter `index` of the counter array at `key` (of `size` counters).
  void Add(std::string_view key, size_t size, size_t index, int64_t delta);
  // In the list of fixed-size entries at `key`, kept in the order of their first 16 bytes:
  // inserts `entry`, or removes the entry whose first 16 bytes are `entry`'s (the key goes
  // when its list is empty).
  void Insert(std::string_view key, std::string_view entry);
  void Remove(std::string_view key, std::string_view entry, size_t width);
  // Writes everything pending and the checkpoint (seq, chain) atomically; if a read of this
  // step failed, writes nothing, forgets what it holds and returns that failure.
  //
  // With `wait` false the step is handed to a second thread, which writes it while the caller
  // applies the next one: Commit first waits for the step before (at most one is in flight)
  // and returns how its write ended. A failed write, found then, is returned like a failed
  // read: nothing later is written and the cache is forgotten. When the cache is over budget
  // the step is written before Commit returns, since the keys it drops are read back.
  Status Commit(uint64_t seq, const Hash& chain, bool wait = true);
  // Waits for the step in flight; its failure is returned as Commit would return it.
  Status Wait();
  // The checkpoint seq of the last step known to be written (0: none yet).
  uint64_t written() const { return written_; }
  ~Writer();

 private:
  struct Entry {
    std::string key;
    uint64_t hash = 0;
    std::optional<std::string> value;
    bool dirty = false;
  };
  // An open-addressing table of the entries: the hash beside the pointer, so that a probe
  // reads the entry only when its hash matches.
  struct Bucket {
    uint64_t hash = 0;
    Entry* entry = nullptr;
  };
  // The entry of `key`, made empty (and *inserted true) if it was not in memory.
  Entry& Slot(std::string_view key, bool* inserted);
  // The entry of `key`, read from the database if it was not in memory (and may exist).
  Entry& Load(std::string_view key);
  void MarkDirty(Entry& e);
  void Grow();
  void Forget();                 // drops the cache and whatever this step has pending
  void Remember(uint64_t hash);  // into the filter of written keys
  bool MayExist(uint64_t hash) const;

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* family_;
  size_t cache_bytes_;
  // Every key of the family is in the cache (the family was empty and nothing was dropped),
  // or in filter_ when it is not empty.
  bool complete_;
  std::vector<uint64_t> filter_;                  // bits; empty until the cache is first dropped
  std::vector<std::unique_ptr<Entry[]>> blocks_;  // the entries, allocated a block at a time
  size_t used_ = 0;                               // entries in use
  std::vector<Bucket> table_;                     // a power of two long, at most half full
  std::vector<Entry*> dirty_;                     // entries changed since the last Commit
  std::array<Bucket, 4> recent_{};                // the entries last looked up
  size_t next_recent_ = 0;
  size_t bytes_ = 0;  // of the entries, roughly
  // This step's index writes, in order (nullopt: a delete); sorted at Commit.
  std::vector<std::pair<std::string, std::optional<std::string>>> index_writes_;
  Status failure_;  // the first failed read of this step; Commit returns it and writes nothing
  // Waits for the step in flight, if any; its failure, or OK.
  Status Settle();
  std::future<rocksdb::Status> in_flight_;  // the write of the step before, when not waited for
  uint64_t in_flight_seq_ = 0;
  uint64_t written_ = 0;
  // The step in flight writes this batch; once written, the next step reuses it.
  rocksdb::WriteBatch batch_;
};

// Bytes of records and counters the Writer keeps in memory between steps.
inline constexpr size_t kWriterCacheBytes = 64 << 20;
// A step's WriteBatch is reused by the next step unless it grew past this.
inline constexpr size_t kWriterBatchBytesKept = 16 << 20;
// Bytes of the filter of keys written, once the cache has been dropped: 32 Mi bits, under 1%
// false positives up to 4 million keys.
inline constexpr size_t kWriterFilterBytes = 4 << 20;

}  // namespace wulian::projections::state
