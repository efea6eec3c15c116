// The event store. Layout: events/format_internal.h. An append is one WriteBatch holding the
// events, their index entries and the write-side state they change, written with sync so that
// an acknowledged event survives a crash.
#include "events/store.h"

#include <capnp/dynamic.h>
#include <capnp/serialize.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <deque>
#include <filesystem>
#include <future>
#include <thread>
#include <unordered_map>

#include "base/assert.h"
#include "base/time.h"
#include "events/format_internal.h"
#include "events/hash_internal.h"
#include "events/store_internal.h"

namespace wulian {

namespace internal {

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  // RocksDB's text names files; its own log keeps it.
  if (s.IsNoSpace()) return Status::NoSpace("the disk of the ledger is full; nothing was written");
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::IOError(s.ToString());
}

const std::optional<std::string>* StateCache::Find(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

void StateCache::Set(const std::string& key, const std::optional<std::string>& value) {
  const size_t size = key.size() + (value ? value->size() : 0) + kStateCacheEntryOverhead;
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    bytes_ -= key.size() + (it->second ? it->second->size() : 0) + kStateCacheEntryOverhead;
    entries_.erase(it);
  }
  if (bytes_ + size > kStateCacheBytes) {
    entries_.clear();
    bytes_ = 0;
  }
  entries_.emplace(key, value);
  bytes_ += size;
}

Overlay::Overlay(rocksdb::DB* db,
                 const std::array<rocksdb::ColumnFamilyHandle*, kFamilies>& families,
                 StateCache* cache, const Overlay* parent, bool pipelined)
    : db_(db),
      families_(families),
      snapshot_(pipelined ? nullptr : db->GetSnapshot()),
      cache_(cache),
      parent_(parent) {
  added_in_order_.fill(true);
}

Overlay::~Overlay() {
  if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
}

bool Overlay::Own(Family family, const std::string& key, const std::string& where,
                  std::optional<std::string>* value) const {
  const auto& added = added_[static_cast<int>(family)];
  if (!added.empty()) {
    auto less = [](const auto& entry, const std::string& k) { return entry.first < k; };
    auto hit = added_in_order_[static_cast<int>(family)]
                   ? std::lower_bound(added.begin(), added.end(), key, less)
                   : std::find_if(added.begin(), added.end(),
                                  [&](const auto& entry) { return entry.first == key; });
    if (hit != added.end() && hit->first == key) {
      *value = hit->second;
      return true;
    }
  }
  auto it = pending_.find(where);
  if (it == pending_.end()) return false;
  *value = it->second;
  return true;
}

Status Overlay::Get(Family family, const std::string& key,
                    std::optional<std::string>* value) const {
  const std::string where = static_cast<char>(family) + key;
  if (Own(family, key, where, value)) return Status::OK();
  if (parent_ != nullptr && parent_->Own(family, key, where, value)) return Status::OK();
  const bool cached = cache_ != nullptr && family == Family::kState;
  if (cached) {
    if (const auto* hit = cache_->Find(key)) {
      *value = *hit;
      return Status::OK();
    }
  }
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  std::string found;
  rocksdb::Status s = db_->Get(options, families_[static_cast<int>(family)], key, &found);
  if (s.IsNotFound()) {
    value->reset();
  } else if (s.ok()) {
    *value = std::move(found);
  } else {
    return FromRocks(s);
  }
  if (cached) cache_->Set(key, *value);
  return Status::OK();
}

void Overlay::Set(std::string key, std::optional<std::string> value) {
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    undo_.push_back({key, std::nullopt});
    pending_.emplace(std::move(key), std::move(value));
  } else {
    undo_.push_back({key, std::move(it->second)});
    it->second = std::move(value);
  }
}

void Overlay::Put(Family family, const std::string& key, std::string value) {
  Set(static_cast<char>(family) + key, std::move(value));
}

void Overlay::Delete(Family family, const std::string& key) {
  Set(static_cast<char>(family) + key, std::nullopt);
}

void Overlay::PutNew(Family family, std::string key, std::string value) {
  auto& added = added_[static_cast<int>(family)];
  if (!added.empty() && !(added.back().first < key))
    added_in_order_[static_cast<int>(family)] = false;
  added.emplace_back(std::move(key), std::move(value));
}

Overlay::Mark Overlay::Marked() const {
  Mark mark;
  mark.undo = undo_.size();
  for (size_t f = 0; f < kFamilies; ++f) mark.added[f] = added_[f].size();
  return mark;
}

void Overlay::Rollback(const Mark& mark) {
  LEDGER_ASSERT(mark.undo <= undo_.size(), "rollback past the start");
  for (size_t f = 0; f < kFamilies; ++f) {
    LEDGER_ASSERT(mark.added[f] <= added_[f].size(), "rollback past the start");
    added_[f].resize(mark.added[f]);  // (an order broken by what went stays "broken": a scan)
  }
  while (undo_.size() > mark.undo) {
    auto& [key, before] = undo_.back();
    if (before) {
      pending_[key] = std::move(*before);
    } else {
      pending_.erase(key);
    }
    undo_.pop_back();
  }
}

template <typename Visit>
rocksdb::Status Overlay::ForEachWrite(Visit visit) const {
  using Pending = std::pair<const std::string, std::optional<std::string>>;
  std::vector<const Pending*> pending;
  pending.reserve(pending_.size());
  for (const auto& entry : pending_) pending.push_back(&entry);
  // By family (the first byte), then key within it.
  std::sort(pending.begin(), pending.end(), [](auto* a, auto* b) { return a->first < b->first; });
  auto next_pending = pending.begin();
  std::vector<const std::pair<std::string, std::string>*> added;
  for (size_t f = 0; f < kFamilies; ++f) {
    auto pending_end = std::find_if(next_pending, pending.end(), [&](const Pending* entry) {
      return static_cast<uint8_t>(entry->first[0]) != f;
    });
    added.clear();
    for (const auto& entry : added_[f]) added.push_back(&entry);
    if (!added_in_order_[f]) {
      std::sort(added.begin(), added.end(), [](auto* a, auto* b) { return a->first < b->first; });
    }
    // The two sorted runs merged; a key is in at most one of them (PutNew's keys are new).
    auto next_added = added.begin();
    while (next_pending != pending_end || next_added != added.end()) {
      rocksdb::Status s;
      const rocksdb::Slice pending_key =
          next_pending != pending_end
              ? rocksdb::Slice((*next_pending)->first.data() + 1, (*next_pending)->first.size() - 1)
              : rocksdb::Slice();
      if (next_added == added.end() ||
          (next_pending != pending_end && pending_key.compare((*next_added)->first) < 0)) {
        const std::optional<std::string>& value = (*next_pending++)->second;
        s = visit(f, pending_key, value ? &*value : nullptr);
      } else {
        s = visit(f, rocksdb::Slice((*next_added)->first), &(*next_added)->second);
        ++next_added;
      }
      if (!s.ok()) return s;
    }
  }
  return rocksdb::Status::OK();
}

void Overlay::WriteTo(rocksdb::WriteBatch* batch) const {
  // In key order: the memtable's skip list inserts a sorted run far faster than a random one.
  rocksdb::Status s =
      ForEachWrite([&](size_t f, const rocksdb::Slice& key, const std::string* value) {
        return value ? batch->Put(families_[f], key, *value) : batch->Delete(families_[f], key);
      });
  LEDGER_ASSERT(s.ok(), "WriteBatch refused an entry");
}

void Overlay::Written() const {
  if (cache_ == nullptr) return;
  for (const auto& [where, value] : pending_) {
    if (where[0] == static_cast<char>(Family::kState)) cache_->Set(where.substr(1), value);
  }
}

Status Overlay::WriteTables(const std::string& prefix,
                            std::vector<rocksdb::IngestExternalFileArg>* files) const {
  std::optional<rocksdb::SstFileWriter> writer;
  size_t family = 0;
  std::string path;
  auto finish = [&] {
    rocksdb::Status s = writer->Finish();
    if (!s.ok()) return s;
    rocksdb::IngestExternalFileArg file;
    file.column_family = families_[family];
    file.external_files.push_back(path);
    file.options.move_files = true;
    files->push_back(std::move(file));
    return s;
  };
  // One file per family, opened at its first write.
  rocksdb::Status s =
      ForEachWrite([&](size_t f, const rocksdb::Slice& key, const std::string* value) {
        if (!writer || f != family) {
          if (writer) {
            rocksdb::Status finished = finish();
            if (!finished.ok()) return finished;
          }
          const rocksdb::Options options = db_->GetOptions(families_[f]);
          writer.emplace(rocksdb::EnvOptions(options), options, families_[f]);
          family = f;
          path = prefix + "-" + std::to_string(f) + ".sst";
          rocksdb::Status opened = writer->Open(path);
          if (!opened.ok()) return opened;
        }
        return value ? writer->Put(key, *value) : writer->Delete(key);
      });
  if (s.ok() && writer) s = finish();
  if (!s.ok()) {
    std::error_code ignored;  // the file of the failed family (those before are in `files`)
    std::filesystem::remove(path, ignored);
    return FromRocks(s);
  }
  return Status::OK();
}

Status LoadEvent(const Overlay& overlay, uint64_t seq, std::string* bytes) {
  std::optional<std::string> v;
  Status s = overlay.Get(Family::kEvents, format::SeqKey(seq), &v);
  if (!s.ok()) return s;
  if (!v) return Status::ReferenceError("event " + std::to_string(seq) + " does not exist");
  if (v->size() % sizeof(capnp::word) != 0) {
    return Status::Corruption("event " + std::to_string(seq) + " is not a whole message");
  }
  *bytes = std::move(*v);
  return Status::OK();
}

}  // namespace internal

namespace {

// Bytes read ahead by a long sequential read.
constexpr size_t kScanReadaheadBytes = 512 << 10;

// A long sequential read: large reads ahead, and blocks kept out of the cache that the
// appends and point reads use.
rocksdb::ReadOptions ScanOptions() {
  rocksdb::ReadOptions options;
  options.fill_cache = false;
  options.readahead_size = kScanReadaheadBytes;
  return options;
}

using internal::Family;
using internal::FromRocks;
using internal::kFamilies;
using schema::Event;

constexpr size_t kLedgerCacheBytes = 64 << 20;
// The share of a memtable's bytes given to its bloom filter.
constexpr double kMemtableBloomRatio = 0.05;

// Minimum distance between occurredAt and the ledger clock (SPEC §3.1).
constexpr int64_t kFutureToleranceMicros = 5 * 60 * kMicrosPerSecond;

// Canonical bytes of what a client sent: id, occurredAt and data (for idempotency).
kj::Array<capnp::word> ClientContent(Event::Reader event) {
  capnp::MallocMessageBuilder message;
  auto copy = message.initRoot<Event>();
  copy.setId(event.getId());
  copy.setOccurredAt(event.getOccurredAt());
  capnp::DynamicStruct::Reader from = event;
  capnp::DynamicStruct::Builder to = copy;
  auto field = KJ_ASSERT_NONNULL(from.which());
  to.set(field, from.get(field));
  return capnp::canonicalize(copy.asReader());
}

Hash HashFrom(capnp::Data::Reader data) {
  Hash h{};
  if (data.size() == h.size()) std::memcpy(h.data(), data.begin(), h.size());
  return h;
}

}  // namespace

struct Ledger::InFlight {
  std::unique_ptr<internal::Overlay> overlay;
  std::future<Status> write;
};

struct Ledger::Handles {
  std::vector<rocksdb::ColumnFamilyHandle*> all;  // owned; destroyed before the DB
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies> families{};
  rocksdb::ColumnFamilyHandle* meta = nullptr;
};

Ledger::Ledger(std::unique_ptr<rocksdb::DB> db, std::unique_ptr<Handles> handles, Head head,
               merkle::Frontier frontier)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      head_(head),
      frontier_(std::move(frontier)),
      state_cache_(std::make_unique<internal::StateCache>()) {}

namespace {

merkle::NodeReader NodesOf(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family) {
  return [db, family](int level, uint64_t index, Hash* node) {
    std::string value;
    rocksdb::Status s =
        db->Get(rocksdb::ReadOptions(), family, format::MerkleKey(level, index), &value);
    if (!s.ok()) return FromRocks(s);
    if (value.size() != node->size()) return Status::Corruption("Merkle node of the wrong size");
    std::memcpy(node->data(), value.data(), node->size());
    return Status::OK();
  };
}

}  // namespace

merkle::NodeReader Ledger::Nodes() const {
  return NodesOf(db_.get(), handles_->families[static_cast<int>(Family::kMerkle)]);
}

Ledger::~Ledger() {
  if (in_flight_) in_flight_->write.wait();
  for (auto* h : handles_->all) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

namespace {

// RocksDB keeps every table file of the database open, and an import adds two files to the
// `events` and `ids` families per kPipelinedEvents events (about 1,200 at 10M events): more
// than a soft limit of 1024 descriptors allows. The process raises its soft limit to the
// hard one, once.
void RaiseOpenFilesLimit() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
      limit.rlim_cur = limit.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &limit);
    }
  });
}

}  // namespace

Status Ledger::Open(const std::string& db_dir, const OpenOptions& options,
                    std::unique_ptr<Ledger>* ledger) {
  RaiseOpenFilesLimit();
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.error_if_exists = options.error_if_exists;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.info_log = NewRocksLogger(db_dir);
  if (options.env != nullptr) db_options.env = options.env;
  const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                          format::kEventsFamily,
                                          format::kIdsFamily,
                                          format::kStreamsFamily,
                                          format::kStateFamily,
                                          format::kMerkleFamily,
                                          format::kTargetsFamily};
  // Appends look up keys that mostly do not exist (new ids, cases, …): bloom filters answer.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(kLedgerCacheBytes);
  rocksdb::ColumnFamilyOptions family_options(db_options);
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // The same for the keys still in the memtable: a bloom filter over whole keys.
  family_options.memtable_whole_key_filtering = true;
  family_options.memtable_prefix_bloom_size_ratio = kMemtableBloomRatio;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, family_options);
  auto handles = std::make_unique<Handles>();
  rocksdb::DB* raw = nullptr;
  Status s = FromRocks(rocksdb::DB::Open(db_options, db_dir, descriptors, &handles->all, &raw));
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::DB> db(raw);
  handles->meta = handles->all[0];
  for (size_t i = 0; i < kFamilies; ++i) handles->families[i] = handles->all[i + 1];

  std::string version;
  rocksdb::Status rs = db->Get(rocksdb::ReadOptions(), handles->meta, format::kFormatKey, &version);
  if (rs.IsNotFound()) {
    std::string value;
    format::PutBe64(&value, format::kFormatVersion);
    rs = db->Put(rocksdb::WriteOptions(), handles->meta, format::kFormatKey, value);
  } else if (rs.ok() && (version.size() != format::kSeqBytes ||
                         format::GetBe64(version) != format::kFormatVersion)) {
    s = Status::Corruption("unknown ledger format version");
  }
  if (s.ok()) s = FromRocks(rs);

  Head head;
  if (s.ok()) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(
        rocksdb::ReadOptions(), handles->families[static_cast<int>(Family::kEvents)]));
    it->SeekToLast();
    if (it->Valid()) {
      try {
        StoredMessage last(std::string_view(it->value().data(), it->value().size()));
        head.seq = last.event().getSeq();
        head.chain = HashFrom(last.event().getChain());
        head.recorded_at_micros = ParseInstant(last.event().getRecordedAt().cStr()).value_or(0);
      } catch (const kj::Exception& e) {
        s = Status::Corruption(std::string("last event: ") + e.getDescription().cStr());
      }
    }
    if (s.ok()) s = FromRocks(it->status());
  }
  merkle::Frontier frontier;
  if (s.ok()) {
    s = merkle::Frontier::Load(
        NodesOf(db.get(), handles->families[static_cast<int>(Family::kMerkle)]), head.seq,
        &frontier);
    head.root = frontier.Root();
  }
  if (!s.ok()) {
    for (auto* h : handles->all) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    return s;
  }
  ledger->reset(new Ledger(std::move(db), std::move(handles), head, std::move(frontier)));
  (*ledger)->db_dir_ = db_dir;
  (*ledger)->disk_free_bytes_min_ = options.disk_free_bytes_min;
  return Status::OK();
}

Head Ledger::GetHead() const {
  std::lock_guard<std::mutex> lock(head_mu_);
  return head_;
}

namespace {

// An event that was already appended under the submission's id. Sets *result when the
// content is the same; otherwise DUPLICATE_ID.
Status Repeat(const internal::Overlay& overlay, const Codec& codec, uint64_t seq,
              Submission* submission, AppendResult* result) {
  std::string bytes;
  Status s = internal::LoadEvent(overlay, seq, &bytes);
  if (!s.ok()) return s;
  StoredMessage stored(bytes);
  auto original = stored.event();
  auto sent = submission->message.getRoot<Event>();
  const std::string id = sent.getId().cStr();
  Status same = Status::OK();
  if (sent.isEventCorrected() && original.isEventCorrected()) {
    capnp::DynamicStruct::Reader data = original.getEventCorrected().getData();
    auto which = KJ_ASSERT_NONNULL(data.which());
    same = codec.DecodeReplacement(static_cast<Event::Which>(which.getIndex()), submission);
  }
  if (!same.ok() || sent.which() != original.which() ||
      ClientContent(sent.asReader()).asBytes() != ClientContent(original).asBytes()) {
    return Status::DuplicateId("id \"" + id + "\"" + std::string(kUsedByEvent) +
                               std::to_string(seq) + " with different content");
  }
  result->seq = seq;
  result->stream = original.getStream().cStr();
  result->version = original.getVersion();
  result->hash = HashFrom(original.getHash());
  result->duplicate = true;
  return Status::OK();
}

}  // namespace

Status Ledger::AppendOne(internal::Overlay& overlay, Head& head, merkle::Frontier& frontier,
                         Submission* sub, const AppendOptions& options, const std::string& actor,
                         AppendResult* result) {
  auto event = sub->message.getRoot<Event>();
  const std::string id = event.getId().cStr();
  std::optional<std::string> known;
  Status s = overlay.Get(Family::kIds, id, &known);
  if (s.ok() && known) s = Repeat(overlay, codec_, format::GetBe64(*known), sub, result);
  if (!s.ok() || known) return s;

  const int64_t clock = sub->clock_micros != 0 ? sub->clock_micros : options.now_micros;
  if (sub->occurred_micros > clock + kFutureToleranceMicros) {
    return Status::InvalidEvent("occurredAt: more than 5 minutes ahead of the ledger clock " +
                                FormatInstant(clock));
  }
  const uint64_t seq = head.seq + 1;
  std::string stream;
  s = internal::StreamOf(overlay, event, seq, &stream);
  if (!s.ok()) return s;
  const std::string version_key = format::StateKey(format::kStreamVersionTag, stream);
  std::optional<std::string> current;
  s = overlay.Get(Family::kState, version_key, &current);
  if (!s.ok()) return s;
  const uint64_t version = current ? format::GetBe64(*current) : 0;
  if (sub->expected_version &&
      *sub->expected_version != (version == 0 ? -1 : static_cast<int64_t>(version)) &&
      !(*sub->expected_version == 0 && version == 0)) {
    return Status::VersionConflict("stream " + stream + " is at version " +
                                   std::to_string(version) + ", not " +
                                   std::to_string(*sub->expected_version));
  }
  s = internal::ApplyRules(overlay, codec_, seq, sub);
  if (!s.ok()) return s;

  capnp::MallocMessageBuilder stamped(kEventFirstSegmentWords);
  stamped.setRoot(event.asReader());
  auto root = stamped.getRoot<Event>();
  head.recorded_at_micros = std::max(head.recorded_at_micros, clock);
  root.setSeq(seq);
  root.setStream(stream);
  root.setVersion(version + 1);
  root.setRecordedAt(FormatInstant(head.recorded_at_micros));
  root.setActor(actor);
  const CanonicalLeaf canonical = CanonicalizeForLeaf(root.asReader());
  const Hash& leaf = canonical.leaf;
  head.chain = ChainHash(head.chain, leaf);
  head.seq = seq;
  overlay.PutNew(Family::kEvents, format::SeqKey(seq), StoredBytes(canonical, head.chain));
  overlay.Put(Family::kIds, id, format::SeqKey(seq));
  overlay.Put(Family::kStreams, format::StreamKey(stream, version + 1), format::SeqKey(seq));
  std::string next_version;
  format::PutBe64(&next_version, version + 1);
  overlay.Put(Family::kState, version_key, std::move(next_version));
  frontier.Append(leaf, [&](int level, uint64_t index, const Hash& node) {
    overlay.PutNew(Family::kMerkle, format::MerkleKey(level, index),
                   std::string(reinterpret_cast<const char*>(node.data()), node.size()));
  });
  if (event.isEventCorrected() || event.isEventRetracted()) {
    const uint64_t target = event.isEventCorrected() ? event.getEventCorrected().getTarget()
                                                     : event.getEventRetracted().getTarget();
    overlay.Put(Family::kTargets, format::TargetKey(target, seq), "");
  }
  *result = AppendResult{seq, stream, version + 1, leaf, false};
  return Status::OK();
}

Status Ledger::AppendGroup(const std::vector<Submissions*>& requests, const AppendOptions& options,
                           std::vector<Status>* statuses,
                           std::vector<std::vector<AppendResult>>* results,
                           const std::vector<std::string>* actors) {
  std::lock_guard<std::mutex> append_lock(append_mu_);
  struct statvfs disk {};
  const uint64_t free_bytes = ::statvfs(db_dir_.c_str(), &disk) == 0
                                  ? static_cast<uint64_t>(disk.f_bavail) * disk.f_frsize
                                  : UINT64_MAX;  // unknown: RocksDB will tell
  if (free_bytes < disk_free_bytes_min_) {
    return Status::NoSpace("the disk of the ledger has " + std::to_string(free_bytes >> 20) +
                           " MiB free, less than the " +
                           std::to_string(disk_free_bytes_min_ >> 20) +
                           " MiB it keeps free; nothing was written");
  }
  if (!write_failure_.ok()) {
    // The failed batch was never in the memtable; resuming flushes what was and starts a
    // new WAL, so nothing of it comes back.
    if (!db_->Resume().ok()) return write_failure_;
    write_failure_ = Status::OK();
  }
  LEDGER_ASSERT(!options.pipelined || (!options.sync && !options.wal),
                "a pipelined append is written without the write-ahead log");
  if (!pipeline_failure_.ok()) return pipeline_failure_;
  std::optional<internal::Overlay> own;  // an append written before it returns
  internal::Overlay* overlay;
  if (options.pipelined) {
    if (!pending_) {
      pending_ = std::make_unique<internal::Overlay>(
          db_.get(), handles_->families, state_cache_.get(),
          in_flight_ ? in_flight_->overlay.get() : nullptr, /*pipelined=*/true);
    }
    overlay = pending_.get();
  } else {
    Status s = Drain();
    if (!s.ok()) return s;
    overlay = &own.emplace(db_.get(), handles_->families, state_cache_.get());
  }
  Head head;
  merkle::Frontier frontier;
  {
    std::lock_guard<std::mutex> lock(head_mu_);
    head = head_;
    frontier = frontier_;
  }
  statuses->assign(requests.size(), Status::OK());
  results->assign(requests.size(), {});
  bool any = false;
  for (size_t r = 0; r < requests.size(); ++r) {
    // A refused request leaves no trace: its writes are undone, head and tree restored.
    const internal::Overlay::Mark mark = overlay->Marked();
    const Head head_before = head;
    const merkle::Frontier frontier_before = frontier;
    Submissions& batch = *requests[r];
    std::vector<AppendResult>& out = (*results)[r];
    out.resize(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      const std::string& actor = actors != nullptr ? (*actors)[r] : options.actor;
      Status s = AppendOne(*overlay, head, frontier, batch[i].get(), options, actor, &out[i]);
      if (s.ok()) continue;
      (*statuses)[r] = std::move(s).WithIndex(i);
      overlay->Rollback(mark);
      head = head_before;
      frontier = frontier_before;
      out.clear();
      break;
    }
    any |= (*statuses)[r].ok();
  }
  if (!any) return Status::OK();
  if (options.pipelined) {
    overlay->Keep();
  } else {
    rocksdb::WriteBatch write;
    overlay->WriteTo(&write);
    rocksdb::WriteOptions write_options;
    write_options.sync = options.sync;
    write_options.disableWAL = !options.wal;
    Status s = FromRocks(db_->Write(write_options, &write));
    if (!s.ok()) {
      write_failure_ = s;
      return s;
    }
    overlay->Written();
  }
  head.root = frontier.Root();
  {
    std::lock_guard<std::mutex> lock(head_mu_);
    head_ = head;
    frontier_ = std::move(frontier);
  }
  return pending_ && pending_->events() >= kPipelinedEvents ? HandOff() : Status::OK();
}

Status Ledger::HandOff() {
  Status s = SettleInFlight();
  if (!s.ok() || !pending_) return s;
  in_flight_ = std::make_unique<InFlight>();
  in_flight_->overlay = std::move(pending_);
  const std::string prefix = db_dir_ + "/ingest-" + std::to_string(++ingests_);
  in_flight_->write =
      std::async(std::launch::async, [db = db_.get(), overlay = in_flight_->overlay.get(), prefix] {
        std::vector<rocksdb::IngestExternalFileArg> files;
        Status s = overlay->WriteTables(prefix, &files);
        if (s.ok() && !files.empty()) s = FromRocks(db->IngestExternalFiles(files));
        std::error_code ignored;  // moved into the database, or not wanted
        for (const auto& file : files) std::filesystem::remove(file.external_files[0], ignored);
        return s;
      });
  return Status::OK();
}

Status Ledger::SettleInFlight() {
  if (!in_flight_) return Status::OK();
  Status s = in_flight_->write.get();
  if (s.ok()) {
    in_flight_->overlay->Written();
  } else {
    pipeline_failure_ = s;
  }
  if (pending_) pending_->DropParent();
  in_flight_.reset();
  return s;
}

Status Ledger::Drain() {
  Status s = HandOff();
  return s.ok() ? SettleInFlight() : s;
}

Status Ledger::Append(Submissions& batch, const AppendOptions& options,
                      std::vector<AppendResult>* results) {
  std::vector<Status> statuses;
  std::vector<std::vector<AppendResult>> grouped;
  Status s = AppendGroup({&batch}, options, &statuses, &grouped);
  if (!s.ok()) return s;
  if (!statuses[0].ok()) return statuses[0];
  *results = std::move(grouped[0]);
  return Status::OK();
}

Status Ledger::Get(uint64_t seq, std::string* bytes) const {
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handles_->families[static_cast<int>(Family::kEvents)],
               format::SeqKey(seq), bytes);
  if (s.IsNotFound()) return Status::NotFound("no event " + std::to_string(seq));
  return FromRocks(s);
}

Status Ledger::Scan(uint64_t from, uint64_t to,
                    const std::function<Status(uint64_t, std::string_view)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ScanOptions(), handles_->families[static_cast<int>(Family::kEvents)]));
  for (it->Seek(format::SeqKey(std::max<uint64_t>(from, 1))); it->Valid(); it->Next()) {
    if (it->key().size() != format::kSeqBytes) {
      return Status::Corruption("event key of " + std::to_string(it->key().size()) + " bytes");
    }
    const uint64_t seq = format::GetBe64(std::string_view(it->key().data(), it->key().size()));
    if (to != 0 && seq > to) break;
    Status s = visit(seq, std::string_view(it->value().data(), it->value().size()));
    if (!s.ok()) return s;
  }
  return FromRocks(it->status());
}

Status Ledger::ScanStream(const std::string& stream, uint64_t from_version, size_t limit,
                          const std::function<Status(uint64_t, std::string_view)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(
      rocksdb::ReadOptions(), handles_->families[static_cast<int>(Family::kStreams)]));
  const std::string prefix = stream + std::string(1, '\0');
  size_t n = 0;
  for (it->Seek(format::StreamKey(stream, from_version));
       it->Valid() && it->key().starts_with(prefix) && n < limit; it->Next(), ++n) {
    const uint64_t seq = format::GetBe64(std::string_view(it->value().data(), it->value().size()));
    std::string bytes;
    Status s = Get(seq, &bytes);
    if (s.ok()) s = visit(seq, bytes);
    if (!s.ok()) return s;
  }
  return FromRocks(it->status());
}

Status Ledger::SyncWal() {
  std::lock_guard<std::mutex> append_lock(append_mu_);
  return FromRocks(db_->SyncWAL());
}

Status Ledger::Flush() {
  std::lock_guard<std::mutex> append_lock(append_mu_);
  if (!pipeline_failure_.ok()) return pipeline_failure_;
  Status drained = Drain();
  if (!drained.ok()) return drained;
  rocksdb::FlushOptions options;
  options.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> families(handles_->all.begin(), handles_->all.end());
  Status s = FromRocks(db_->Flush(options, families));
  return s.ok() ? FromRocks(db_->SyncWAL()) : s;
}

Status Ledger::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  Status s = FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw));
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir));
}

namespace {

// An order-independent digest of a set of (key, value) entries: their count and the sum
// modulo 2^128 of SipHash-2-4-128(be64(key size) ‖ key ‖ value) under a key drawn at random
// once per process (libsodium). Lets a sequential scan of an index be compared with what the
// events imply, without a random read per event; whoever wrote the files cannot know the key,
// so cannot choose a different set with the same sum.
class SetDigest {
 public:
  void Add(std::string_view key, std::string_view value) {
    element_.clear();
    format::PutBe64(&element_, key.size());
    element_.append(key);
    element_.append(value);
    unsigned char h[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(h, reinterpret_cast<const unsigned char*>(element_.data()),
                                element_.size(), Key().data());
    uint64_t parts[2];
    std::memcpy(parts, h, sizeof(parts));
    Sum(parts);
    ++count_;
  }
  void Merge(const SetDigest& other) {
    Sum(other.sum_);
    count_ += other.count_;
  }
  bool operator==(const SetDigest& other) const {
    return sum_[0] == other.sum_[0] && sum_[1] == other.sum_[1] && count_ == other.count_;
  }

 private:
  using DigestKey = std::array<unsigned char, crypto_shorthash_siphashx24_KEYBYTES>;
  static const DigestKey& Key() {
    static const DigestKey key = [] {
      LEDGER_ASSERT(sodium_init() >= 0, "libsodium");
      DigestKey k;
      randombytes_buf(k.data(), k.size());
      return k;
    }();
    return key;
  }
  void Sum(const uint64_t (&parts)[2]) {
    const unsigned __int128 low = static_cast<unsigned __int128>(sum_[0]) + parts[0];
    sum_[0] = static_cast<uint64_t>(low);
    sum_[1] += parts[1] + static_cast<uint64_t>(low >> 64);
  }

  uint64_t sum_[2] = {0, 0};
  uint64_t count_ = 0;
  std::string element_;  // reused
};

// The leaf hash of a stored event as verify recomputes it: from the stored bytes when they
// are in the form StoredBytes writes and give the stored hash, else (an older ledger, or a
// damaged event) from the canonical form of a decoded copy, which is the definition.
Hash RecomputedLeaf(std::string_view bytes, Event::Reader event,
                    kj::ArrayPtr<capnp::word> scratch) {
  if (const std::optional<Hash> leaf = LeafHashOfStored(bytes);
      leaf && event.getHash().size() == leaf->size() && *leaf == HashFrom(event.getHash())) {
    return *leaf;
  }
  capnp::MallocMessageBuilder copy(scratch);
  copy.setRoot(event);
  auto unhashed = copy.getRoot<Event>();
  unhashed.disownHash();
  unhashed.disownChain();
  return LeafHash(unhashed.asReader());
}

// Checks the stored events one by one, in order, against their keys, their predecessors,
// a Merkle tree rebuilt from their recomputed leaves, and the indexes. In the fast mode the
// indexes are compared as whole sets after the scan; in the exact mode every entry is read
// as its event is checked, which names the first event whose entries are wrong.
class Verifier {
 public:
  Verifier(rocksdb::DB* db, const std::array<rocksdb::ColumnFamilyHandle*, kFamilies>& families,
           uint64_t root_at_size, bool exact)
      : db_(db), families_(families), root_at_size_(root_at_size), exact_(exact) {}

  // Returns a problem description, or an empty string.
  std::string Check(uint64_t key_seq, std::string_view bytes) {
    if (key_seq != report.events + 1)
      return "event " + std::to_string(report.events + 1) + " is missing";
    try {
      StoredMessage stored(bytes);
      auto event = stored.event();
      if (event.getSeq() != key_seq)
        return "stored seq " + std::to_string(event.getSeq()) + " under key " +
               std::to_string(key_seq);
      const Hash leaf = RecomputedLeaf(bytes, event, scratch_);
      if (event.getHash().size() != leaf.size() || leaf != HashFrom(event.getHash()))
        return "leaf hash does not match the event";
      const Hash chain = ChainHash(report.head.chain, leaf);
      if (chain != HashFrom(event.getChain())) return "chain hash does not match";
      auto recorded = ParseInstant(event.getRecordedAt().cStr());
      if (!recorded || *recorded < report.head.recorded_at_micros)
        return "recordedAt missing or decreasing";
      std::string problem = CheckIndexes(event, key_seq);
      if (problem.empty()) problem = CheckTree(leaf);
      if (!problem.empty()) return problem;
      report.events = key_seq;
      report.head = Head{key_seq, chain, Hash{}, *recorded};  // the root: at Finish
      if (key_seq == root_at_size_) report.root_at_size = frontier_.Root();
    } catch (const kj::Exception& e) {
      return std::string("undecodable: ") + e.getDescription().cStr();
    }
    return "";
  }

  // After the scan: the indexes hold exactly the entries the events imply.
  std::string CheckIndexSets() {
    static constexpr struct {
      Family family;
      const char* problem;
    } kIndexes[] = {
        {Family::kIds, "the id index does not match the events"},
        {Family::kStreams, "the stream index does not match the events"},
        {Family::kMerkle, "the stored Merkle nodes do not match the events"},
        {Family::kTargets, "the history index does not match the events"},
    };
    for (const auto& index : kIndexes) {
      const int f = static_cast<int>(index.family);
      // In the exact mode every expected entry was read already: only extra ones are left.
      const bool differs =
          exact_ ? Count(index.family) != expected_count_[f] : Scan(index.family) != expected_[f];
      if (differs) return index.problem;
    }
    return "";
  }

  // The root of the events verified so far, into the report.
  void Finish() {
    if (report.events > 0) report.head.root = frontier_.Root();
  }

  VerifyReport report;

 private:
  // Fast mode: adds the entry to the expected set; exact mode: reads it.
  bool Expect(Family family, const std::string& key, const std::string& value) {
    ++expected_count_[static_cast<int>(family)];
    if (!exact_) {
      expected_[static_cast<int>(family)].Add(key, value);
      return true;
    }
    std::string stored;
    return db_->Get(rocksdb::ReadOptions(), families_[static_cast<int>(family)], key, &stored)
               .ok() &&
           stored == value;
  }

  std::string CheckIndexes(Event::Reader event, uint64_t seq) {
    const std::string stream = event.getStream().cStr();
    uint64_t& version = versions_[stream];
    if (event.getVersion() != ++version)
      return "version " + std::to_string(event.getVersion()) + " breaks stream " + stream;
    if (!Expect(Family::kIds, event.getId().cStr(), format::SeqKey(seq)))
      return "id index does not point to the event";
    if (!Expect(Family::kStreams, format::StreamKey(stream, version), format::SeqKey(seq))) {
      return "stream index does not point to the event";
    }
    if (event.isEventCorrected() || event.isEventRetracted()) {
      const uint64_t target = event.isEventCorrected() ? event.getEventCorrected().getTarget()
                                                       : event.getEventRetracted().getTarget();
      if (target >= seq || !Expect(Family::kTargets, format::TargetKey(target, seq), "")) {
        return "history index does not list the correction or retraction";
      }
    }
    return "";
  }

  std::string CheckTree(const Hash& leaf) {
    std::string problem;
    frontier_.Append(leaf, [&](int level, uint64_t index, const Hash& node) {
      const std::string expected(reinterpret_cast<const char*>(node.data()), node.size());
      if (problem.empty() && !Expect(Family::kMerkle, format::MerkleKey(level, index), expected)) {
        problem = "Merkle node (" + std::to_string(level) + ", " + std::to_string(index) +
                  ") does not match";
      }
    });
    return problem;
  }

  uint64_t Count(Family family) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), families_[static_cast<int>(family)]));
    uint64_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }

  SetDigest Scan(Family family) {
    SetDigest digest;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(ScanOptions(), families_[static_cast<int>(family)]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      digest.Add(std::string_view(it->key().data(), it->key().size()),
                 std::string_view(it->value().data(), it->value().size()));
    }
    return digest;
  }

  rocksdb::DB* db_;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies> families_;
  const uint64_t root_at_size_;
  const bool exact_;
  std::array<SetDigest, kFamilies> expected_;
  std::array<uint64_t, kFamilies> expected_count_{};
  merkle::Frontier frontier_;
  std::unordered_map<std::string, uint64_t> versions_;  // one entry per stream
  capnp::word scratch_buffer_[1024]{};                  // zeroed, as MallocMessageBuilder requires
  kj::ArrayPtr<capnp::word> scratch_{scratch_buffer_, 1024};
};

// The fast mode on several threads: chunks of events are decoded and leaf-hashed, and
// their id, stream and history entries digested, on worker threads while this thread reads
// the next; the chain, the versions and the Merkle tree are then checked in order here. The
// index families are digested by tasks of their own. Digests are sums, so the result does not
// depend on how the work is split.
class ParallelVerifier {
 public:
  ParallelVerifier(rocksdb::DB* db,
                   const std::array<rocksdb::ColumnFamilyHandle*, kFamilies>& families,
                   uint64_t root_at_size, unsigned threads)
      : db_(db), families_(families), root_at_size_(root_at_size), threads_(threads) {}

  // Returns a problem description (report says where), or an empty string; *in_indexes when
  // the events are sound but an index family differs from them.
  std::string Run(const Ledger& ledger, Status* status, bool* in_indexes) {
    *in_indexes = false;
    std::vector<std::future<SetDigest>> stored;
    for (Family f : kIndexFamilies) {
      stored.push_back(std::async(std::launch::async, [this, f] { return ScanFamily(f); }));
    }
    std::deque<std::future<std::unique_ptr<Chunk>>> pending;
    auto start = [&](std::unique_ptr<Chunk> chunk) {
      pending.push_back(std::async(std::launch::async, [c = std::move(chunk)]() mutable {
        Digest(c.get());
        return std::move(c);
      }));
    };
    std::string problem;
    auto finish_one = [&] {
      std::unique_ptr<Chunk> done = pending.front().get();
      pending.pop_front();
      if (problem.empty()) problem = InOrder(*done);
    };
    auto chunk = std::make_unique<Chunk>();
    *status = ledger.Scan(1, 0, [&](uint64_t seq, std::string_view bytes) {
      chunk->bytes.append(bytes);
      Checked& c = chunk->events.emplace_back();
      c.seq = seq;
      c.end = chunk->bytes.size();
      if (chunk->events.size() < kVerifyChunkEvents) return Status::OK();
      const size_t filled = chunk->bytes.size();
      start(std::move(chunk));
      chunk = std::make_unique<Chunk>();
      chunk->bytes.reserve(filled + filled / 4);  // the next chunk is about as large
      chunk->lead.assign(bytes);
      while (pending.size() >= 2 * threads_) finish_one();
      return problem.empty() ? Status::OK() : Status::Corruption(problem);
    });
    if (!chunk->events.empty()) start(std::move(chunk));
    while (!pending.empty()) finish_one();
    std::array<SetDigest, kFamilies> found;
    for (size_t i = 0; i < stored.size(); ++i) {
      found[static_cast<int>(kIndexFamilies[i])] = stored[i].get();
    }
    if (!problem.empty() || !status->ok()) return problem;
    *in_indexes = true;
    static constexpr const char* kProblems[] = {
        "the id index does not match the events",
        "the stream index does not match the events",
        "the stored Merkle nodes do not match the events",
        "the history index does not match the events",
    };
    for (size_t i = 0; i < std::size(kIndexFamilies); ++i) {
      const int f = static_cast<int>(kIndexFamilies[i]);
      if (!(found[f] == expected_[f])) return kProblems[i];
    }
    *in_indexes = false;
    return "";
  }

  // The root of the events verified so far, into the report.
  void Finish() {
    if (report.events > 0) report.head.root = frontier_.Root();
  }

  VerifyReport report;

 private:
  static constexpr Family kIndexFamilies[] = {Family::kIds, Family::kStreams, Family::kMerkle,
                                              Family::kTargets};
  static constexpr size_t kVerifyChunkEvents = 1024;

  // What a worker finds out about one event.
  struct Checked {
    uint64_t seq = 0;
    size_t end = 0;       // offset of the event's end in Chunk::bytes
    std::string problem;  // of the event alone: undecodable, seq, leaf hash
    Hash leaf{};
    Hash chain{};  // as stored
    bool chain_matches = false;
    int64_t recorded = -1;  // -1: missing
    std::string stream;
    uint64_t version = 0;
    uint64_t target = 0;  // corrections and retractions
  };
  struct Chunk {
    std::string lead;  // the event before the first, if any
    std::string bytes;
    std::vector<Checked> events;
    std::array<SetDigest, kFamilies> digests;  // ids, streams, history entries
  };

  static void Digest(Chunk* chunk) {
    // Zeroed, as MallocMessageBuilder requires; it zeroes what it used when it goes.
    capnp::word scratch_buffer[1024]{};
    Hash previous_chain{};
    if (!chunk->lead.empty()) {
      try {
        StoredMessage stored(chunk->lead);
        if (stored.event().getChain().size() == previous_chain.size())
          previous_chain = HashFrom(stored.event().getChain());
      } catch (const kj::Exception&) {
        // The chunk before names this event.
      }
    }
    size_t begin = 0;
    for (Checked& c : chunk->events) {
      const std::string_view bytes = std::string_view(chunk->bytes).substr(begin, c.end - begin);
      begin = c.end;
      try {
        StoredMessage stored(bytes);
        auto event = stored.event();
        if (event.getSeq() != c.seq) {
          c.problem = "stored seq " + std::to_string(event.getSeq()) + " under key " +
                      std::to_string(c.seq);
          continue;
        }
        c.leaf = RecomputedLeaf(bytes, event, kj::ArrayPtr<capnp::word>(scratch_buffer, 1024));
        if (event.getHash().size() != c.leaf.size() || c.leaf != HashFrom(event.getHash())) {
          c.problem = "leaf hash does not match the event";
          continue;
        }
        if (event.getChain().size() == c.chain.size()) c.chain = HashFrom(event.getChain());
        // Against the stored chain of the event before: equal to the running chain of the
        // in-order check as long as every event before passed it.
        c.chain_matches = c.chain == ChainHash(previous_chain, c.leaf);
        previous_chain = c.chain;
        auto recorded = ParseInstant(event.getRecordedAt().cStr());
        if (recorded) c.recorded = *recorded;
        c.stream = event.getStream().cStr();
        c.version = event.getVersion();
        const std::string seq_key = format::SeqKey(c.seq);
        chunk->digests[static_cast<int>(Family::kIds)].Add(event.getId().cStr(), seq_key);
        chunk->digests[static_cast<int>(Family::kStreams)].Add(
            format::StreamKey(c.stream, c.version), seq_key);
        if (event.isEventCorrected() || event.isEventRetracted()) {
          c.target = event.isEventCorrected() ? event.getEventCorrected().getTarget()
                                              : event.getEventRetracted().getTarget();
          if (c.target < c.seq) {
            chunk->digests[static_cast<int>(Family::kTargets)].Add(
                format::TargetKey(c.target, c.seq), "");
          }
        }
      } catch (const kj::Exception& e) {
        c.problem = std::string("undecodable: ") + e.getDescription().cStr();
      }
    }
  }

  // The checks that need the events before: in the order of Verifier::Check.
  std::string InOrder(const Chunk& chunk) {
    for (const Checked& c : chunk.events) {
      if (c.seq != report.events + 1) {
        return "event " + std::to_string(report.events + 1) + " is missing";
      }
      if (!c.problem.empty()) return c.problem;
      const Hash& chain = c.chain;
      if (!c.chain_matches) return "chain hash does not match";
      if (c.recorded < 0 || c.recorded < report.head.recorded_at_micros)
        return "recordedAt missing or decreasing";
      uint64_t& version = versions_[c.stream];
      if (c.version != ++version)
        return "version " + std::to_string(c.version) + " breaks stream " + c.stream;
      if (c.target != 0 && c.target >= c.seq) {
        return "history index does not list the correction or retraction";
      }
      frontier_.Append(c.leaf, [&](int level, uint64_t index, const Hash& node) {
        expected_[static_cast<int>(Family::kMerkle)].Add(
            format::MerkleKey(level, index),
            std::string_view(reinterpret_cast<const char*>(node.data()), node.size()));
      });
      report.events = c.seq;
      report.head = Head{c.seq, chain, Hash{}, c.recorded};  // the root: at Finish
      if (c.seq == root_at_size_) report.root_at_size = frontier_.Root();
    }
    for (Family f : {Family::kIds, Family::kStreams, Family::kTargets}) {
      expected_[static_cast<int>(f)].Merge(chunk.digests[static_cast<int>(f)]);
    }
    return "";
  }

  SetDigest ScanFamily(Family family) const {
    SetDigest digest;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(ScanOptions(), families_[static_cast<int>(family)]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      digest.Add(std::string_view(it->key().data(), it->key().size()),
                 std::string_view(it->value().data(), it->value().size()));
    }
    return digest;
  }

  rocksdb::DB* db_;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies> families_;
  const uint64_t root_at_size_;
  const unsigned threads_;
  std::array<SetDigest, kFamilies> expected_;
  merkle::Frontier frontier_;
  std::unordered_map<std::string, uint64_t> versions_;
};

}  // namespace

// Verifies in the fast mode; if the indexes do not match as sets, runs the exact mode to
// name the first event whose entries are wrong.
Status Ledger::Verify(const VerifyOptions& options, VerifyReport* report) const {
  const unsigned threads =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  if (threads > 1) {
    ParallelVerifier verifier(db_.get(), handles_->families, options.root_at_size, threads);
    Status s;
    bool in_indexes = false;
    const std::string problem = verifier.Run(*this, &s, &in_indexes);
    verifier.Finish();
    *report = verifier.report;
    if (problem.empty()) return s;
    if (!in_indexes) {
      report->ok = false;
      report->first_bad_seq = report->events + 1;
      report->problem = problem;
      return Status::OK();
    }
    // An index differs: the exact mode finds where.
  }
  for (const bool exact : {false, true}) {
    if (threads > 1 && !exact) continue;
    auto verifier =
        std::make_unique<Verifier>(db_.get(), handles_->families, options.root_at_size, exact);
    std::string problem;
    Status s = Scan(1, 0, [&](uint64_t seq, std::string_view bytes) {
      problem = verifier->Check(seq, bytes);
      return problem.empty() ? Status::OK() : Status::Corruption(problem);
    });
    if (s.ok()) problem = verifier->CheckIndexSets();
    verifier->Finish();
    *report = verifier->report;
    if (problem.empty()) return s;
    if (s.ok() && !exact) continue;  // an index differs: find where
    report->ok = false;
    report->first_bad_seq = report->events + 1;
    report->problem = problem;
    return Status::OK();
  }
  return Status::OK();
}

Status Ledger::CheckSize(uint64_t size, bool allow_empty) const {
  const uint64_t head = GetHead().seq;
  if ((size == 0 && !allow_empty) || size > head) {
    return Status::InvalidArgument("tree size " + std::to_string(size) + " is not between " +
                                   (allow_empty ? "0" : "1") + " and the head " +
                                   std::to_string(head));
  }
  return Status::OK();
}

Status Ledger::TreeRoot(uint64_t size, Hash* root) const {
  Status s = CheckSize(size, /*allow_empty=*/true);
  return s.ok() ? merkle::Root(Nodes(), size, root) : s;
}

Status Ledger::InclusionProof(uint64_t seq, uint64_t size, Hash* leaf,
                              std::vector<Hash>* proof) const {
  Status s = CheckSize(size, /*allow_empty=*/false);
  if (s.ok() && (seq == 0 || seq > size)) {
    s = Status::InvalidArgument("seq " + std::to_string(seq) + " is not in the tree of size " +
                                std::to_string(size));
  }
  if (s.ok()) s = Nodes()(0, seq - 1, leaf);
  return s.ok() ? merkle::InclusionProof(Nodes(), seq - 1, size, proof) : s;
}

Status Ledger::ConsistencyProof(uint64_t m, uint64_t n, std::vector<Hash>* proof) const {
  Status s = CheckSize(n, /*allow_empty=*/false);
  if (s.ok() && (m == 0 || m > n)) {
    s = Status::InvalidArgument("consistency needs 0 < M <= N");
  }
  return s.ok() ? merkle::ConsistencyProof(Nodes(), m, n, proof) : s;
}

Status Ledger::History(uint64_t seq, std::vector<uint64_t>* changes) const {
  changes->clear();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(
      rocksdb::ReadOptions(), handles_->families[static_cast<int>(Family::kTargets)]));
  const std::string prefix = format::SeqKey(seq);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != 2 * format::kSeqBytes) return Status::Corruption("history key size");
    changes->push_back(
        format::GetBe64(std::string_view(it->key().data(), it->key().size()), format::kSeqBytes));
  }
  return FromRocks(it->status());
}

Status Ledger::StreamVersion(const std::string& stream, uint64_t* version) const {
  std::string value;
  rocksdb::Status r =
      db_->Get(rocksdb::ReadOptions(), handles_->families[static_cast<int>(Family::kState)],
               format::StateKey(format::kStreamVersionTag, stream), &value);
  *version = 0;
  if (r.IsNotFound()) return Status::OK();
  if (!r.ok()) return FromRocks(r);
  if (value.size() != format::kSeqBytes) return Status::Corruption("stream version size");
  *version = format::GetBe64(value);
  return Status::OK();
}

Status Ledger::StudioObjects(StudioObject::Kind kind, const std::string& studio,
                             std::vector<StudioObject>* objects) const {
  static constexpr char kTags[] = {format::kCaseTag, format::kSuggestionTag, format::kFindingTag,
                                   format::kRuleTag, format::kVisitTag};
  const char tag = kTags[static_cast<int>(kind)];
  const bool paired = kind == StudioObject::Kind::kCase ||
                      kind == StudioObject::Kind::kSuggestion ||
                      kind == StudioObject::Kind::kFinding;
  objects->clear();
  rocksdb::ReadOptions options;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  options.snapshot = snapshot;
  auto* family = handles_->families[static_cast<int>(Family::kState)];
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, family));
  const std::string prefix =
      studio.empty() ? std::string(1, tag) : format::StateKey(tag, studio) + std::string(1, '\0');
  Status s;
  for (it->Seek(prefix); s.ok() && it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    const size_t zero = key.find('\0', 1);
    const size_t size = paired ? format::kPairBytes : format::kSeqBytes;
    if (zero == std::string_view::npos || value.size() != size) {
      s = Status::Corruption("state key or value of a studio object");
      break;
    }
    StudioObject o;
    o.kind = kind;
    o.studio = std::string(key.substr(1, zero - 1));
    o.id = std::string(key.substr(zero + 1));
    o.opened = format::GetBe64(value);
    if (paired) o.closed = format::GetBe64(value, format::kSeqBytes);
    std::string ignored;
    rocksdb::Status r = db_->Get(options, family, format::RetractedKey(o.opened), &ignored);
    if (!r.ok() && !r.IsNotFound()) s = FromRocks(r);
    o.retracted = r.ok();
    objects->push_back(std::move(o));
  }
  if (s.ok()) s = FromRocks(it->status());
  it.reset();
  db_->ReleaseSnapshot(snapshot);
  return s;
}

}  // namespace wulian
