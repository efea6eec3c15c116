#include "projections/state.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>

#include "events/assert.h"
#include "events/keys.h"

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

std::optional<std::string> Writer::Get(const std::string& key) {
  auto it = pending_.find(key);
  if (it != pending_.end()) return it->second;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_, key, &value);
  if (s.IsNotFound()) return std::nullopt;
  LEDGER_ASSERT(s.ok(), "views database read failed");
  return value;
}

void Writer::Add(const std::string& key, size_t size, size_t index, int64_t delta) {
  auto it = pending_.find(key);
  std::string value;
  if (it != pending_.end() && it->second) {
    value = std::move(*it->second);
  } else if (it == pending_.end()) {
    value = Get(key).value_or("");
  }
  if (value.size() < size * 8) value.resize(size * 8, '\0');
  int64_t v;
  std::memcpy(&v, value.data() + index * 8, 8);
  v += delta;
  std::memcpy(value.data() + index * 8, &v, 8);
  pending_[key] = std::move(value);
}

Status Writer::Commit(uint64_t seq, const Hash& chain) {
  // In key order: the memtable's skip list inserts a sorted run far faster than a random one.
  std::vector<const std::pair<const std::string, std::optional<std::string>>*> sorted;
  sorted.reserve(pending_.size());
  for (const auto& entry : pending_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  rocksdb::WriteBatch batch;
  for (const auto* entry : sorted) {
    const auto& [key, value] = *entry;
    rocksdb::Status s = value ? batch.Put(family_, key, *value) : batch.Delete(family_, key);
    LEDGER_ASSERT(s.ok(), "WriteBatch refused an entry");
  }
  std::string checkpoint = Be64(seq);
  checkpoint.append(reinterpret_cast<const char*>(chain.data()), chain.size());
  LEDGER_ASSERT(batch.Put(family_, kCheckpointKey, checkpoint).ok(), "checkpoint");
  // Views are derived from the log: a crash may lose recent steps, never half of one.
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  rocksdb::Status s = db_->Write(options, &batch);
  pending_.clear();
  if (!s.ok()) return Status::IOError(s.ToString());
  return Status::OK();
}

}  // namespace wulian::projections::state
