// The event log on RocksDB (SPEC §4): append with validation, read, scan and verify.
//
// One Ledger owns one RocksDB database. Appends are serialised by the Ledger; reads may run
// concurrently with them. The stored format is described in events/format_internal.h.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/hash.h"
#include "base/status.h"
#include "events/codec.h"
#include "events/merkle.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
class Logger;
}  // namespace rocksdb

namespace wulian {

namespace internal {
class Overlay;
class StateCache;
}  // namespace internal

inline constexpr uint64_t kDiskFreeBytesMin = 128ull << 20;
// Pipelined appends are written (as table files) in steps of about this many events.
inline constexpr size_t kPipelinedEvents = 1 << 14;

struct OpenOptions {
  // Create the database if the directory holds none; otherwise opening a missing ledger fails.
  bool create_if_missing = false;
  // Refuse to open an existing ledger (for `init`).
  bool error_if_exists = false;
  // An append is refused (NO_SPACE, nothing written) while the disk of the database has less
  // free than this: RocksDB needs room to flush its memtables, and a write that fails in its
  // write-ahead log leaves it unable to write again (Debian's build aborts on the next one).
  uint64_t disk_free_bytes_min = kDiskFreeBytesMin;
  // The filesystem (and clock) RocksDB works through; null: the machine's. The fault
  // simulator of the tests puts one here that fails or "crashes" at a chosen write.
  rocksdb::Env* env = nullptr;
};

struct AppendOptions {
  // The ledger clock for this append, in microseconds; recordedAt never decreases along seq.
  int64_t now_micros = 0;
  // The authenticated name recorded as `actor`.
  std::string actor = "local";
  // Sync the write-ahead log before returning. Only a scratch copy may append without it.
  bool sync = true;
  // Write the write-ahead log. Only a scratch copy that is flushed (Ledger::Flush) before
  // anything depends on it may append without.
  bool wal = true;
  // Return before this append is written: pipelined appends gather in memory until they hold
  // kPipelinedEvents events, which are then written as sorted table files and ingested on a
  // second thread while the next appends are validated (reading them through). Flush()
  // writes what is gathered and waits. A write that fails fails every later append and the
  // Flush: the head already counted it. Only for a scratch copy without the write-ahead log
  // that nothing else reads until its Flush (import). REQUIRES: !sync, !wal.
  bool pipelined = false;
};

// The info log of a RocksDB database in `db_dir`: its LOG file, rotated at kRocksLogBytesMax
// with kRocksLogFilesKept old files. RocksDB's own file logger aborts the process on its
// second failed write (a full disk, in Debian's build with assertions), so the log is written
// through spdlog's rotating file sink, which drops a line it cannot write. Null if the file
// cannot be opened at all (RocksDB then uses its own).
inline constexpr size_t kRocksLogBytesMax = 16 << 20;
inline constexpr size_t kRocksLogFilesKept = 2;
inline constexpr size_t kRocksLogLineBytesMax = 4096;
std::shared_ptr<rocksdb::Logger> NewRocksLogger(const std::string& db_dir);

// DUPLICATE_ID says `id "X"` + kUsedByEvent + the seq of the event that holds the id +
// " with different content" (the server hides the seq from callers who may not read it).
inline constexpr std::string_view kUsedByEvent = " was used by event ";

// The leaf hash of an event (SPEC §4), its `hash`: SHA-256(0x00 ‖ canonical bytes of `event`
// with hash and chain unset). REQUIRES: `event` has hash and chain unset.
Hash LeafHash(schema::Event::Reader event);

// What an append answers for one event (SPEC §6.1): for a repeated id with the same
// content, the original event's values and `duplicate` set.
struct AppendResult {
  uint64_t seq = 0;
  std::string stream;
  uint64_t version = 0;
  Hash hash{};
  bool duplicate = false;
};

// A studio's case, suggestion, finding, rule or visit, as the write-side state holds it.
struct StudioObject {
  enum class Kind { kCase, kSuggestion, kFinding, kRule, kVisit };
  Kind kind = Kind::kCase;
  std::string studio;
  std::string id;
  uint64_t opened = 0;  // the seq of the event that opened, submitted, raised, adopted or made it
  uint64_t closed = 0;  // cases, suggestions, findings: the seq that closed it; 0: open
  bool retracted = false;  // its opening event is retracted
};

struct Head {
  uint64_t seq = 0;                 // 0 for an empty ledger
  Hash chain{};                     // 32 zero bytes for an empty ledger
  Hash root = merkle::EmptyRoot();  // RFC 6962 root over the `seq` leaves
  int64_t recorded_at_micros = 0;   // of the last event; 0 for an empty ledger
};

struct VerifyOptions {
  // When not 0, also recompute the Merkle root at this size from the events themselves
  // (for checking a head published earlier). REQUIRES: at most the number of events.
  uint64_t root_at_size = 0;
  // Threads that recompute leaf hashes and scan the indexes (0: one per core). The result
  // does not depend on it.
  unsigned threads = 0;
};

struct VerifyReport {
  bool ok = true;
  uint64_t events = 0;
  Head head;
  uint64_t first_bad_seq = 0;  // when !ok
  std::string problem;         // when !ok
  Hash root_at_size{};         // the recomputed root at VerifyOptions::root_at_size
};

class Ledger {
 public:
  // Opens the ledger whose RocksDB database is in `db_dir`.
  static Status Open(const std::string& db_dir, const OpenOptions& options,
                     std::unique_ptr<Ledger>* ledger);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Validates every event of `batch` against the log and appends them in one atomic,
  // (by default) synced write. On refusal nothing is appended and the status carries the
  // index of the refused event. On success `results` has one entry per submission.
  Status Append(Submissions& batch, const AppendOptions& options,
                std::vector<AppendResult>* results);

  // Group commit: validates each request (an atomic batch) on its own, against the log and
  // the requests before it, and writes all accepted ones in one write with one sync.
  // statuses[i] is request i's refusal (with the index of the refused event) or OK, and
  // results[i] its results. The returned status is a storage failure, which fails them all.
  // `actors`, if given, names the actor of each request instead of options.actor.
  Status AppendGroup(const std::vector<Submissions*>& requests, const AppendOptions& options,
                     std::vector<Status>* statuses, std::vector<std::vector<AppendResult>>* results,
                     const std::vector<std::string>* actors = nullptr);

  Head GetHead() const;

  // The stored message of the event at `seq` (the bytes of the `events` column family).
  Status Get(uint64_t seq, std::string* bytes) const;

  // Calls `visit` for the events from..to (inclusive; to = 0 means the head) in seq order,
  // with the stored bytes. Stops early, returning its status, when `visit` fails.
  Status Scan(uint64_t from, uint64_t to,
              const std::function<Status(uint64_t seq, std::string_view bytes)>& visit) const;

  // Calls `visit` for the events of `stream` with version ≥ from_version, in order, at most
  // `limit` of them.
  Status ScanStream(const std::string& stream, uint64_t from_version, size_t limit,
                    const std::function<Status(uint64_t seq, std::string_view bytes)>& visit) const;

  // Recomputes every leaf hash, the chain, the Merkle tree and the indexes.
  Status Verify(const VerifyOptions& options, VerifyReport* report) const;

  // The Merkle root of the first `size` events. REQUIRES: size <= head.
  Status TreeRoot(uint64_t size, Hash* root) const;
  // The audit path of event `seq` in the tree of the first `size` events, and its leaf hash.
  Status InclusionProof(uint64_t seq, uint64_t size, Hash* leaf, std::vector<Hash>* proof) const;
  // The consistency proof between the trees of the first m and first n events.
  Status ConsistencyProof(uint64_t m, uint64_t n, std::vector<Hash>* proof) const;

  // The current version of `stream` (0 if it does not exist).
  Status StreamVersion(const std::string& stream, uint64_t* version) const;

  // The objects of `kind` of `studio` (every studio when empty), sorted by studio and ID.
  Status StudioObjects(StudioObject::Kind kind, const std::string& studio,
                       std::vector<StudioObject>* objects) const;

  // The seqs of the corrections and retractions of event `seq`, in order.
  Status History(uint64_t seq, std::vector<uint64_t>* changes) const;

  // Makes a consistent copy of the database in `dir` (a RocksDB checkpoint).
  Status Checkpoint(const std::string& dir) const;

  // Syncs the write-ahead log: makes every earlier unsynced append durable.
  Status SyncWal();
  // Flushes every column family to synced table files: makes every earlier append durable,
  // those written without the write-ahead log too.
  Status Flush();

 private:
  struct Handles;
  Ledger(std::unique_ptr<rocksdb::DB> db, std::unique_ptr<Handles> handles, Head head,
         merkle::Frontier frontier);
  merkle::NodeReader Nodes() const;
  // Validates and stamps one event into `overlay`, advancing head and frontier.
  Status AppendOne(internal::Overlay& overlay, Head& head, merkle::Frontier& frontier,
                   Submission* submission, const AppendOptions& options, const std::string& actor,
                   AppendResult* result);
  // Fails unless 0 < size <= head (or size == 0 when allow_empty).
  Status CheckSize(uint64_t size, bool allow_empty) const;
  // Pipelined appends (all under append_mu_): HandOff starts the write of the gathered ones
  // (after the one in flight is done); SettleInFlight waits for the write in flight, and once
  // it is written the state cache takes its writes (a failure stays in pipeline_failure_);
  // Drain does both, so that everything appended is in the database.
  Status HandOff();
  Status SettleInFlight();
  Status Drain();

  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<Handles> handles_;
  mutable std::mutex append_mu_;  // one writer at a time
  mutable std::mutex head_mu_;    // guards head_ and frontier_
  Head head_;
  merkle::Frontier frontier_;                          // the right edge of the Merkle tree at head_
  Codec codec_;                                        // used under append_mu_
  std::unique_ptr<internal::StateCache> state_cache_;  // used under append_mu_
  // The failure of the last write (a full disk, an I/O error), until RocksDB resumes: it
  // refuses every write until then, so the next append asks it to (DB::Resume) and, while it
  // cannot, answers with this failure. RocksDB resumes by itself after a full disk once
  // there is room for its memtables again. Used under append_mu_.
  Status write_failure_;
  // The pipelined append whose write may be in flight, and the failure of such a write,
  // which no later append gets past. Used under append_mu_.
  struct InFlight;
  std::unique_ptr<internal::Overlay> pending_;  // gathered, not yet handed off
  std::unique_ptr<InFlight> in_flight_;
  Status pipeline_failure_;
  uint64_t ingests_ = 0;  // names the table files of each write
  std::string db_dir_;
  uint64_t disk_free_bytes_min_ = kDiskFreeBytesMin;
};

}  // namespace wulian
