// Internals of the event store shared by store.cc and rules.cc.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "events/codec.h"

namespace wulian::internal {

enum class Family { kEvents = 0, kIds = 1, kStreams = 2, kState = 3, kMerkle = 4, kTargets = 5 };
inline constexpr size_t kFamilies = 6;

// The write-side state (the `state` family) in memory: what appends read again and again —
// registrations, memberships, studio status, stream versions, open objects — including the
// keys that are absent. Bounded by kStateCacheBytes: when an insert would pass the bound the
// cache starts again empty. Used only by the one appender (under the Ledger's append lock),
// which is also the only writer of the state, so it never disagrees with the database.
class StateCache {
 public:
  // nullptr: not cached. Otherwise the value (nullopt: the key is absent).
  const std::optional<std::string>* Find(const std::string& key) const;
  void Set(const std::string& key, const std::optional<std::string>& value);
  size_t bytes() const { return bytes_; }

 private:
  std::unordered_map<std::string, std::optional<std::string>> entries_;
  size_t bytes_ = 0;
};

// Bytes of key and value plus a node's overhead in an unordered_map.
inline constexpr size_t kStateCacheEntryOverhead = 96;
inline constexpr size_t kStateCacheBytes = 64 << 20;

// The writes of one append, not yet in the database. Reads see them first, then those of
// `parent` (the appends before, whose write may still be in flight), then the state cache (if
// given), then the database: as of the overlay's creation, or with `parent` (a pipelined
// append) as it is at the read, since the parent's write lands while this one is read.
// REQUIRES: every write before the parent's is in the database when the overlay is created,
// and the parent outlives its reads (or is dropped once its write is in the database).
class Overlay {
 public:
  Overlay(rocksdb::DB* db, const std::array<rocksdb::ColumnFamilyHandle*, kFamilies>& families,
          StateCache* cache = nullptr, const Overlay* parent = nullptr, bool pipelined = false);
  ~Overlay();
  Overlay(const Overlay&) = delete;
  Overlay& operator=(const Overlay&) = delete;

  // Sets *value to the value of `key`, or nullopt if there is none.
  Status Get(Family family, const std::string& key, std::optional<std::string>* value) const;
  void Put(Family family, const std::string& key, std::string value);
  void Delete(Family family, const std::string& key);
  // A write of a key that is new to the database and to this overlay (an event, a Merkle
  // node): kept in arrival order rather than hashed. Reads of the family find it by binary
  // search while its keys arrive in increasing order (events do), else by a scan.
  void PutNew(Family family, std::string key, std::string value);
  // A point to roll back to, and the rollback: every write since is undone.
  struct Mark {
    size_t undo = 0;
    std::array<size_t, kFamilies> added{};
  };
  Mark Marked() const;
  void Rollback(const Mark& mark);
  // The writes so far are kept: no rollback goes back past this point (frees the undo log).
  void Keep() { undo_.clear(); }
  // The parent's writes are in the database: reads no longer look at it.
  void DropParent() { parent_ = nullptr; }
  // The events this overlay writes.
  size_t events() const { return added_[static_cast<int>(Family::kEvents)].size(); }
  // Writes each family's pending writes, in key order, to a table file `prefix`-family.sst
  // for IngestExternalFiles, and adds it to `files`. Reads neither the parent nor the cache:
  // it runs on another thread while a child overlay reads this one.
  Status WriteTables(const std::string& prefix,
                     std::vector<rocksdb::IngestExternalFileArg>* files) const;
  // Adds every pending write to `batch`.
  void WriteTo(rocksdb::WriteBatch* batch) const;
  // After `batch` was written: the state cache takes the pending writes of the state.
  void Written() const;

 private:
  rocksdb::DB* db_;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies> families_;
  const rocksdb::Snapshot* snapshot_;
  StateCache* cache_;
  const Overlay* parent_;
  void Set(std::string key, std::optional<std::string> value);
  // Calls visit(family, key, value or nullptr for a delete) for every pending write, family
  // by family and in key order within each, until it returns an error.
  template <typename Visit>
  rocksdb::Status ForEachWrite(Visit visit) const;
  // The value of `key` among this overlay's own writes; `where` is the family byte and key.
  bool Own(Family family, const std::string& key, const std::string& where,
           std::optional<std::string>* value) const;

  // Key: one byte of Family, then the key within it.
  std::unordered_map<std::string, std::optional<std::string>> pending_;
  // Each change: the key and what pending_ held for it before (nullopt: nothing).
  std::vector<std::pair<std::string, std::optional<std::optional<std::string>>>> undo_;
  // PutNew's writes by family, and whether each family's keys are increasing so far.
  std::array<std::vector<std::pair<std::string, std::string>>, kFamilies> added_;
  std::array<bool, kFamilies> added_in_order_;
};

// The stream of an event that will get `seq` (SPEC §3.1): derived from its data, or for a
// correction or retraction the stream of its target (which must exist).
Status StreamOf(const Overlay& overlay, schema::Event::Reader event, uint64_t seq,
                std::string* stream);

// Checks a new event against the write-side state (SPEC §3.2, §3.3 REFERENCE_ERROR) and
// records its effect in `overlay`. `seq` is the position it will get. For an
// EventCorrected it first decodes the replacement data with `codec`.
Status ApplyRules(Overlay& overlay, const Codec& codec, uint64_t seq, Submission* submission);

// Reads and decodes the stored event at `seq` through the overlay.
Status LoadEvent(const Overlay& overlay, uint64_t seq, std::string* bytes);

Status FromRocks(const rocksdb::Status& s);

}  // namespace wulian::internal
