#include "projections/state.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>

#include "base/assert.h"
#include "base/keys.h"
#include "base/time.h"

namespace wulian::projections::state {

std::string Be64(uint64_t v) {
  std::string out;
  PutBe64(&out, v);
  return out;
}

std::string Be64s(int64_t v) { return Be64(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63)); }

uint64_t GetBe64(std::string_view bytes, size_t at) {
  LEDGER_ASSERT(bytes.size() >= at + kBe64Bytes, "short be64");
  return wulian::GetBe64(bytes, at);
}

int64_t GetBe64s(std::string_view bytes, size_t at) {
  return static_cast<int64_t>(GetBe64(bytes, at) ^ (uint64_t{1} << 63));
}

std::string Year(int64_t micros) { return std::to_string(LedgerDay(micros).year); }

std::string Month(int64_t micros) {
  const CivilDay day = LedgerDay(micros);
  std::string out = std::to_string(day.year) + "-00";
  out[5] = static_cast<char>('0' + day.month / 10);
  out[6] = static_cast<char>('0' + day.month % 10);
  return out;
}

std::string EncodeCounters(const Counters& counters) {
  std::string out(counters.size() * 8, '\0');
  std::memcpy(out.data(), counters.data(), out.size());  // little-endian host (x86-64, arm64)
  return out;
}

Counters DecodeCounters(std::string_view bytes, size_t size) {
  Counters out(size, 0);
  std::memcpy(out.data(), bytes.data(), std::min(bytes.size(), size * 8));
  return out;
}

std::string Key(char tag, std::string_view a, std::string_view b) { return TaggedKey(tag, a, b); }

std::string KeyWith(char tag, std::string_view a, std::string_view rest) {
  return TaggedKey(tag, a, "") + '\0' + std::string(rest);
}

std::string ItemRecord::Encode() const {
  std::string out = Be64(open_seq) + Be64s(open_occurred) + Be64(close_seq) +
                    Be64s(close_occurred) + Be64s(due_day) +
                    std::string(1, static_cast<char>(outcome));
  for (const auto& m : members) {
    out.push_back(static_cast<char>(m.size()));  // IDs are at most 64 bytes
    out.append(m);
  }
  return out;
}

ItemRecord ItemRecord::Decode(std::string_view bytes) {
  LEDGER_ASSERT(bytes.size() >= 41, "short item record");
  ItemRecord r;
  r.open_seq = GetBe64(bytes, 0);
  r.open_occurred = GetBe64s(bytes, 8);
  r.close_seq = GetBe64(bytes, 16);
  r.close_occurred = GetBe64s(bytes, 24);
  r.due_day = GetBe64s(bytes, 32);
  r.outcome = static_cast<uint8_t>(bytes[40]);
  for (size_t at = 41; at < bytes.size();) {
    const size_t n = static_cast<uint8_t>(bytes[at]);
    r.members.emplace_back(bytes.substr(at + 1, n));
    at += 1 + n;
  }
  return r;
}

namespace {

// Tags of the indexes: written by the projector, read only by the queries.
bool IsIndex(std::string_view key) {
  LEDGER_ASSERT(!key.empty(), "empty views key");
  switch (key[0]) {
    case 'q':
    case 'f':
    case 'r':
    case 'c':
    case 'l':
    case 'w':
      return true;
    default:
      return false;
  }
}

// Bytes an entry costs beside its key and value: the entry, its share of the table, and
// the allocations of a value longer than the short-string buffer.
constexpr size_t kEntryOverhead = 128;
constexpr size_t kEntriesPerBlock = 4096;
constexpr size_t kFirstTableSize = 1 << 12;

uint64_t HashOf(std::string_view key) { return std::hash<std::string_view>()(key); }

}  // namespace

Writer::Writer(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, bool empty, size_t cache_bytes)
    : db_(db),
      family_(family),
      cache_bytes_(cache_bytes),
      complete_(empty),
      table_(kFirstTableSize) {}

void Writer::Grow() {
  std::vector<Bucket> table(table_.size() * 2);
  const size_t mask = table.size() - 1;
  for (const Bucket& b : table_) {
    if (b.entry == nullptr) continue;
    size_t at = b.hash & mask;
    while (table[at].entry != nullptr) at = (at + 1) & mask;
    table[at] = b;
  }
  table_ = std::move(table);
}

Writer::Entry& Writer::Slot(std::string_view key, bool* inserted) {
  const uint64_t hash = HashOf(key);
  // An event touches a few keys several times (a studio's counters, then its month's): the
  // last few entries are looked at before the table.
  for (const Bucket& b : recent_) {
    if (b.entry != nullptr && b.hash == hash && b.entry->key == key) {
      *inserted = false;
      return *b.entry;
    }
  }
  const size_t mask = table_.size() - 1;
  size_t at = hash & mask;
  for (; table_[at].entry != nullptr; at = (at + 1) & mask) {
    if (table_[at].hash == hash && table_[at].entry->key == key) {
      *inserted = false;
      recent_[next_recent_++ % recent_.size()] = table_[at];
      return *table_[at].entry;
    }
  }
  if (used_ == blocks_.size() * kEntriesPerBlock) {
    blocks_.push_back(std::make_unique<Entry[]>(kEntriesPerBlock));
  }
  Entry& e = blocks_[used_ / kEntriesPerBlock][used_ % kEntriesPerBlock];
  ++used_;
  e.key.assign(key);
  e.hash = hash;
  table_[at] = Bucket{hash, &e};
  bytes_ += key.size() + kEntryOverhead;
  *inserted = true;
  recent_[next_recent_++ % recent_.size()] = table_[at];
  if (used_ * 2 > table_.size()) Grow();
  return e;
}

void Writer::Remember(uint64_t hash) {
  const uint64_t bits = filter_.size() * 64;
  const uint64_t step = (hash >> 32) | 1;
  for (uint64_t i = 0, h = hash; i < 4; ++i, h += step) {
    const uint64_t bit = h % bits;
    filter_[bit / 64] |= uint64_t{1} << (bit % 64);
  }
}

bool Writer::MayExist(uint64_t hash) const {
  if (!complete_) return true;
  if (filter_.empty()) return false;
  const uint64_t bits = filter_.size() * 64;
  const uint64_t step = (hash >> 32) | 1;
  for (uint64_t i = 0, h = hash; i < 4; ++i, h += step) {
    const uint64_t bit = h % bits;
    if ((filter_[bit / 64] & (uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

Writer::Entry& Writer::Load(std::string_view key) {
  bool inserted;
  Entry& e = Slot(key, &inserted);
  if (inserted && MayExist(e.hash)) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_, key, &value);
    if (!s.ok() && !s.IsNotFound() && failure_.ok()) {
      // The step goes on as if the key were absent; Commit refuses it, so nothing computed
      // from the missing value is written.
      failure_ = Status::IOError("views database read failed: " + s.ToString());
    }
    if (s.ok()) {
      bytes_ += value.size();
      e.value = std::move(value);
    }
  }
  return e;
}

void Writer::Forget() {
  if (complete_) {
    // What the database holds is what the cache holds once committed: only a failed step
    // leaves pending entries, and the keys it would have written may be remembered too.
    if (filter_.empty()) filter_.assign(kWriterFilterBytes / 8, 0);
    for (size_t i = 0; i < used_; ++i) {
      const Entry& e = blocks_[i / kEntriesPerBlock][i % kEntriesPerBlock];
      if (e.value || e.dirty) Remember(e.hash);
    }
  }
  dirty_.clear();
  index_writes_.clear();
  blocks_.clear();
  used_ = 0;
  table_.assign(kFirstTableSize, Bucket{});
  recent_.fill(Bucket{});
  bytes_ = 0;
}

std::optional<std::string> Writer::Get(std::string_view key) {
  LEDGER_ASSERT(!IsIndex(key), "the projector reads an index");
  return Load(key).value;
}

void Writer::Put(std::string_view key, std::string value) {
  if (IsIndex(key)) {
    index_writes_.emplace_back(key, std::move(value));
    return;
  }
  bool inserted;
  Entry& e = Slot(key, &inserted);
  if (e.value) bytes_ -= e.value->size();
  bytes_ += value.size();
  e.value = std::move(value);
  MarkDirty(e);
}

void Writer::Delete(std::string_view key) {
  if (IsIndex(key)) {
    index_writes_.emplace_back(key, std::nullopt);
    return;
  }
  bool inserted;
  Entry& e = Slot(key, &inserted);
  if (e.value) bytes_ -= e.value->size();
  e.value.reset();
  MarkDirty(e);
}

void Writer::Add(std::string_view key, size_t size, size_t index, int64_t delta) {
  LEDGER_ASSERT(!IsIndex(key), "counters are not indexes");
  Entry& e = Load(key);
  if (!e.value) e.value.emplace();
  std::string& value = *e.value;
  if (value.size() < size * 8) {
    bytes_ += size * 8 - value.size();
    value.resize(size * 8, '\0');
  }
  int64_t v;
  std::memcpy(&v, value.data() + index * 8, 8);
  v += delta;
  std::memcpy(value.data() + index * 8, &v, 8);
  MarkDirty(e);
}

void Writer::MarkDirty(Entry& e) {
  if (!e.dirty) dirty_.push_back(&e);
  e.dirty = true;
}

void Writer::Insert(std::string_view key, std::string_view entry) {
  LEDGER_ASSERT(!IsIndex(key) && entry.size() >= 16, "entry lists are records");
  Entry& e = Load(key);
  if (!e.value) e.value.emplace();
  std::string& list = *e.value;
  const size_t width = entry.size();
  LEDGER_ASSERT(list.size() % width == 0, "entry list of another width");
  // Appends are the rule (the log comes mostly in occurrence order): search from the end.
  size_t at = list.size();
  while (at > 0 && std::memcmp(list.data() + at - width, entry.data(), 16) > 0) at -= width;
  list.insert(at, entry);
  bytes_ += width;
  MarkDirty(e);
}

void Writer::Remove(std::string_view key, std::string_view entry, size_t width) {
  LEDGER_ASSERT(!IsIndex(key) && width >= 16 && entry.size() >= 16, "entry lists are records");
  Entry& e = Load(key);
  if (!e.value) return;
  std::string& list = *e.value;
  for (size_t at = list.size(); at >= width; at -= width) {
    if (std::memcmp(list.data() + at - width, entry.data(), 16) != 0) continue;
    list.erase(at - width, width);
    bytes_ -= width;
    if (list.empty()) e.value.reset();
    MarkDirty(e);
    return;
  }
}

// A step still in flight is written before the Writer goes; a failure then changes nothing
// that the checkpoint does not already say.
Writer::~Writer() { Settle().IgnoreError(); }

Status Writer::Settle() {
  if (!in_flight_.valid()) return Status::OK();
  const rocksdb::Status s = in_flight_.get();
  if (!s.ok()) return Status::IOError(s.ToString());
  written_ = in_flight_seq_;
  return Status::OK();
}

Status Writer::Wait() {
  Status s = Settle();
  if (!s.ok()) {
    // What the cache holds may not have reached the database: read it again.
    Forget();
    failure_ = Status::OK();
  }
  return s;
}

Status Writer::Commit(uint64_t seq, const Hash& chain, bool wait) {
  Status before = Wait();
  if (!before.ok()) return before;
  if (!failure_.ok()) {
    Forget();
    return std::exchange(failure_, Status::OK());
  }
  // The batch written before is reused (it is no longer in flight): its buffer is grown and
  // its pages are mapped.
  rocksdb::WriteBatch* batch = &batch_;
  if (batch->GetDataSize() > kWriterBatchBytesKept) batch_ = rocksdb::WriteBatch();
  batch->Clear();
  // In key order: the memtable's skip list inserts a sorted run far faster than a random one.
  std::stable_sort(index_writes_.begin(), index_writes_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::sort(dirty_.begin(), dirty_.end(), [](Entry* a, Entry* b) { return a->key < b->key; });
  auto index = index_writes_.begin();
  auto next_index = [&]() -> bool {
    // The last write of a key wins: skip to it.
    while (index + 1 != index_writes_.end() && (index + 1)->first == index->first) ++index;
    rocksdb::Status s = index->second ? batch->Put(family_, index->first, *index->second)
                                      : batch->Delete(family_, index->first);
    ++index;
    return s.ok();
  };
  for (Entry* e : dirty_) {
    const std::string& key = e->key;
    while (index != index_writes_.end() && index->first < key) {
      LEDGER_ASSERT(next_index(), "WriteBatch refused an entry");
    }
    rocksdb::Status s =
        e->value ? batch->Put(family_, key, *e->value) : batch->Delete(family_, key);
    LEDGER_ASSERT(s.ok(), "WriteBatch refused an entry");
    e->dirty = false;
  }
  while (index != index_writes_.end()) LEDGER_ASSERT(next_index(), "WriteBatch refused an entry");
  dirty_.clear();
  index_writes_.clear();
  std::string checkpoint = Be64(seq);
  checkpoint.append(reinterpret_cast<const char*>(chain.data()), chain.size());
  LEDGER_ASSERT(batch->Put(family_, kCheckpointKey, checkpoint).ok(), "checkpoint");
  LEDGER_ASSERT(batch->Put(family_, kLayoutKey, kLayoutVersion).ok(), "layout");
  // Views are derived from the log: a crash may lose recent steps, never half of one.
  auto write = [db = db_, batch] {
    rocksdb::WriteOptions options;
    options.disableWAL = true;
    return db->Write(options, batch);
  };
  in_flight_seq_ = seq;
  const bool drop = bytes_ > cache_bytes_;
  in_flight_ = std::async(wait || drop ? std::launch::deferred : std::launch::async, write);
  if (!wait && !drop) return Status::OK();
  Status s = Settle();
  if (!s.ok() || drop) Forget();
  return s;
}

}  // namespace wulian::projections::state
