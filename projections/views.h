// The views of SPEC §5 — studio, member, committee, overview — kept by one projector in
// their own RocksDB database (DATA/views; layout in state.h) and queried as JSON.
//
// The projector consumes the log in seq order and writes its state with its checkpoint in
// one atomic write, so a crash can neither apply an event twice nor skip one. The views are
// derived data: their writes skip the write-ahead log, and a crash costs at most the steps
// since RocksDB last flushed, which the next catch-up applies again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/ledger.capnp.h"
#include "events/store.h"
#include "projections/policy.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
}  // namespace rocksdb

namespace wulian::projections {

struct ViewsModel;

// A studio's activity with occurredAt in a period, and how much of it was recorded more than
// the policy's lateDelayDays after it occurred.
struct StudioRecording {
  std::string studio;
  int64_t events = 0;
  int64_t late = 0;
};

// An open finding whose dueOn is before the reference time's date (+08:00).
struct OverdueFinding {
  std::string studio, finding, due_on;
};

// Events applied between two checkpoints.
inline constexpr uint64_t kStepEvents = 20000;

// Which events count (as-of replay): a correction or retraction counts when its target does.
using EventFilter = std::function<bool(schema::Event::Reader)>;

class Views {
 public:
  // Opens the views database in `dir`, creating it if missing; RocksDB works through `env`
  // (null: the machine's filesystem).
  static Status Open(const std::string& dir, std::unique_ptr<Views>* views,
                     rocksdb::Env* env = nullptr);
  ~Views();
  Views(const Views&) = delete;
  Views& operator=(const Views&) = delete;

  // Applies the events after the checkpoint up to `up_to` (0: the ledger's head). Views that
  // belong to another log (the event at the checkpoint has another chain) are rebuilt.
  Status CatchUp(const Ledger& ledger, uint64_t up_to = 0, const EventFilter& filter = nullptr);
  // Drops every view and replays the log.
  Status Rebuild(const Ledger& ledger);

  // Called with the seq of the last event applied at every checkpoint (for progress output).
  void set_progress(std::function<void(uint64_t)> progress) { progress_ = std::move(progress); }

  // Bytes of records and counters the projector keeps in memory between checkpoints
  // (state::kWriterCacheBytes unless set; tests set a small budget to drop them often).
  void set_cache_bytes(size_t bytes) { cache_bytes_ = bytes; }

  // The last event applied: {seq, chain}; {0, zeros} when there is none or it cannot be read.
  uint64_t seq() const;
  Hash chain() const;

  // The views as JSON, with flags relative to the reference time `r` (microseconds).
  // NotFound for an unknown ID.
  Status Studio(const std::string& id, int64_t r, const Policy& policy, std::string* json) const;
  Status Member(const std::string& id, const Policy& policy, std::string* json) const;
  Status Committee(const std::string& id, int64_t r, const Policy& policy, std::string* json) const;
  // Every studio's view, sorted by ID, as a JSON array (each with its asOf).
  Status Studios(int64_t r, const Policy& policy, std::string* json) const;
  Status Overview(int64_t r, const Policy& policy, std::string* json) const;
  // {"asOf", "studios": {id: [{"flag", figures…}]}}: the flags of `studios` (every studio
  // when nullopt) with the figures that raised them; studios without flags are left out.
  Status Flags(const std::optional<std::vector<std::string>>& studios, int64_t r,
               const Policy& policy, std::string* json) const;
  bool HasStudio(const std::string& id) const;
  // [{"id", "name", "sector", "committees", "studios"}] of every member, sorted by ID.
  Status MemberList(std::string* json) const;
  // Every committee's view, sorted by ID, as a JSON array.
  Status Committees(int64_t r, const Policy& policy, std::string* json) const;
  // A member's year (the latest year with points when `year` is empty): the score by item and
  // weight and the activities that earned it, read with their data from `ledger`.
  Status MemberRecord(const Ledger& ledger, const std::string& id, const std::string& year,
                      int64_t r, const Policy& policy, std::string* json) const;
  // Every view of one snapshot as structs (report_model.h), flags relative to `r`.
  Status Model(int64_t r, const Policy& policy, ViewsModel* model) const;
  // Every studio's activity with occurredAt in [from, to), sorted by studio.
  std::vector<StudioRecording> Recording(int64_t from, int64_t to, const Policy& policy) const;
  // The findings overdue at `r`, by studio and dueOn.
  std::vector<OverdueFinding> OverdueFindings(int64_t r) const;
  // The IDs of every member or committee, sorted.
  std::vector<std::string> MemberIds() const;
  std::vector<std::string> CommitteeIds() const;

 private:
  Views(std::unique_ptr<rocksdb::DB> db, rocksdb::ColumnFamilyHandle* family);
  Status Replay(const Ledger& ledger, uint64_t from, uint64_t to, const EventFilter& filter);
  // The checkpoint {seq, chain} ({0, zeros} when absent); an error only when it cannot be read.
  Status Checkpoint(uint64_t* seq, Hash* chain) const;
  // After a failed write (a full disk) RocksDB refuses writes until it resumes: asks it to.
  Status ResumeWrites();

  std::unique_ptr<rocksdb::DB> db_;
  bool resume_ = false;  // a write failed since the last ResumeWrites
  rocksdb::ColumnFamilyHandle* family_;
  std::function<void(uint64_t)> progress_;
  size_t cache_bytes_;
  friend class Query;
};

}  // namespace wulian::projections
