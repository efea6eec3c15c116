#include "projections/views.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <cstring>

#include "events/assert.h"
#include "events/codec.h"
#include "projections/projector.h"
#include "projections/state.h"

namespace wulian::projections {
namespace {

constexpr size_t kViewsCacheBytes = 64 << 20;

Status FromRocks(const rocksdb::Status& s) {
  return s.ok() ? Status::OK() : Status::IOError("views: " + s.ToString());
}

// Most reads of the projector look for keys that do not exist yet (a new case, a new month):
// bloom filters answer them without reading blocks.
rocksdb::ColumnFamilyOptions FamilyOptions() {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(kViewsCacheBytes);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace

Views::Views(std::unique_ptr<rocksdb::DB> db, rocksdb::ColumnFamilyHandle* family)
    : db_(std::move(db)), family_(family) {}

Views::~Views() {
  if (family_ != nullptr) db_->DestroyColumnFamilyHandle(family_).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

Status Views::Open(const std::string& dir, std::unique_ptr<Views>* views) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {state::kFamily, FamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  Status s = FromRocks(rocksdb::DB::Open(options, dir, families, &handles, &raw));
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::DB> db(raw);
  db->DestroyColumnFamilyHandle(handles[0]).PermitUncheckedError();
  views->reset(new Views(std::move(db), handles[1]));
  return Status::OK();
}

uint64_t Views::seq() const {
  std::string value;
  if (!db_->Get(rocksdb::ReadOptions(), family_, state::kCheckpointKey, &value).ok()) return 0;
  return state::GetBe64(value);
}

Hash Views::chain() const {
  Hash chain{};
  std::string value;
  if (db_->Get(rocksdb::ReadOptions(), family_, state::kCheckpointKey, &value).ok() &&
      value.size() == 8 + chain.size()) {
    std::memcpy(chain.data(), value.data() + 8, chain.size());
  }
  return chain;
}

Status Views::Replay(const Ledger& ledger, uint64_t from, uint64_t to, const EventFilter& filter) {
  state::Writer writer(db_.get(), family_);
  Projector projector(
      writer, ledger, filter ? filter : [](schema::Event::Reader) { return true; });
  uint64_t last = from - 1;
  Hash chain{};
  Status s = ledger.Scan(from, to, [&](uint64_t seq, std::string_view bytes) {
    StoredMessage stored(bytes);
    auto event = stored.event();
    Status applied = projector.Apply(seq, event);
    if (!applied.ok()) return applied;
    last = seq;
    std::memcpy(chain.data(), event.getChain().begin(), chain.size());
    if (seq % kStepEvents != 0) return Status::OK();
    Status committed = writer.Commit(last, chain);
    if (committed.ok() && progress_) progress_(last);
    return committed;
  });
  if (s.ok() && last >= from) s = writer.Commit(last, chain);
  if (s.ok() && last >= from && progress_) progress_(last);
  return s;
}

Status Views::CatchUp(const Ledger& ledger, uint64_t up_to, const EventFilter& filter) {
  const uint64_t head = ledger.GetHead().seq;
  const uint64_t to = up_to == 0 ? head : std::min(up_to, head);
  const uint64_t at = seq();
  if (at > head) return Rebuild(ledger);
  if (at > 0) {
    std::string layout;
    if (!db_->Get(rocksdb::ReadOptions(), family_, state::kLayoutKey, &layout).ok() ||
        layout != state::kLayoutVersion) {
      return Rebuild(ledger);
    }
    std::string bytes;
    Status s = ledger.Get(at, &bytes);
    if (!s.ok()) return s;
    StoredMessage stored(bytes);
    if (std::memcmp(stored.event().getChain().begin(), chain().data(), sizeof(Hash)) != 0) {
      return Rebuild(ledger);
    }
  }
  if (at >= to) return Status::OK();
  return Replay(ledger, at + 1, to, filter);
}

Status Views::Rebuild(const Ledger& ledger) {
  Status s = FromRocks(db_->DropColumnFamily(family_));
  if (s.ok()) s = FromRocks(db_->DestroyColumnFamilyHandle(family_));
  family_ = nullptr;
  if (s.ok()) s = FromRocks(db_->CreateColumnFamily(FamilyOptions(), state::kFamily, &family_));
  if (!s.ok()) return s;
  return Replay(ledger, 1, 0, nullptr);
}

}  // namespace wulian::projections
