#include "projections/views.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "base/assert.h"
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
    : db_(std::move(db)), family_(family), cache_bytes_(state::kWriterCacheBytes) {}

Views::~Views() {
  if (family_ != nullptr) db_->DestroyColumnFamilyHandle(family_).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

Status Views::Open(const std::string& dir, std::unique_ptr<Views>* views, rocksdb::Env* env) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.info_log = NewRocksLogger(dir);
  if (env != nullptr) options.env = env;
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

Status Views::Checkpoint(uint64_t* seq, Hash* chain) const {
  *seq = 0;
  *chain = Hash{};
  std::string value;
  const rocksdb::Status read =
      db_->Get(rocksdb::ReadOptions(), family_, state::kCheckpointKey, &value);
  if (read.IsNotFound()) return Status::OK();
  if (!read.ok()) return FromRocks(read);
  *seq = state::GetBe64(value);
  if (value.size() == 8 + chain->size())
    std::memcpy(chain->data(), value.data() + 8, chain->size());
  return Status::OK();
}

uint64_t Views::seq() const {
  uint64_t seq;
  Hash chain;
  return Checkpoint(&seq, &chain).ok() ? seq : 0;
}

Hash Views::chain() const {
  uint64_t seq;
  Hash chain;
  return Checkpoint(&seq, &chain).ok() ? chain : Hash{};
}

namespace {

// Events read ahead of the projector when a replay is long: the log is read, decompressed
// and copied on a second thread, in chunks, while the projector applies the previous ones.
constexpr uint64_t kReadAheadMinEvents = 4096;
constexpr size_t kReadAheadChunkEvents = 2048;
constexpr size_t kReadAheadChunks = 4;

struct Chunk {
  std::string bytes;                                // the events, one after the other
  std::vector<std::pair<uint64_t, size_t>> events;  // seq, end offset in bytes
};

// A bounded queue of chunks between the reading thread and the projector.
class ReadAhead {
 public:
  ReadAhead(const Ledger& ledger, uint64_t from, uint64_t to)
      : reader_([this, &ledger, from, to] { Read(ledger, from, to); }) {}
  ~ReadAhead() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    changed_.notify_all();
    reader_.join();
  }

  // The next chunk; false at the end (then status() says whether the read succeeded).
  bool Next(Chunk* chunk) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return !chunks_.empty() || done_; });
    if (chunks_.empty()) return false;
    *chunk = std::move(chunks_.front());
    chunks_.pop_front();
    changed_.notify_all();
    return true;
  }
  Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  void Read(const Ledger& ledger, uint64_t from, uint64_t to) {
    Chunk chunk;
    auto push = [&]() -> bool {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return chunks_.size() < kReadAheadChunks || cancelled_; });
      if (cancelled_) return false;
      chunks_.push_back(std::move(chunk));
      chunk = Chunk();
      changed_.notify_all();
      return true;
    };
    Status s = ledger.Scan(from, to, [&](uint64_t seq, std::string_view bytes) {
      chunk.bytes.append(bytes);
      chunk.events.emplace_back(seq, chunk.bytes.size());
      if (chunk.events.size() < kReadAheadChunkEvents || push()) return Status::OK();
      return Status::IOError("replay stopped");
    });
    if (s.ok() && !chunk.events.empty()) push();
    std::lock_guard<std::mutex> lock(mu_);
    status_ = s;
    done_ = true;
    changed_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Chunk> chunks_;
  bool done_ = false;
  bool cancelled_ = false;
  Status status_;
  std::thread reader_;  // last: starts once the rest is ready
};

// Calls visit(seq, bytes) for the events from..to (0: the head) in order, reading ahead on a
// second thread when there are many.
Status ScanForReplay(const Ledger& ledger, uint64_t from, uint64_t to,
                     const std::function<Status(uint64_t, std::string_view)>& visit) {
  const uint64_t last = to == 0 ? ledger.GetHead().seq : to;
  if (last < from || last - from < kReadAheadMinEvents) return ledger.Scan(from, to, visit);
  ReadAhead ahead(ledger, from, to);
  Chunk chunk;
  while (ahead.Next(&chunk)) {
    size_t begin = 0;
    for (const auto& [seq, end] : chunk.events) {
      Status s = visit(seq, std::string_view(chunk.bytes).substr(begin, end - begin));
      if (!s.ok()) return s;
      begin = end;
    }
  }
  return ahead.status();
}

}  // namespace

Status Views::ResumeWrites() {
  if (!resume_) return Status::OK();
  Status s = FromRocks(db_->Resume());
  if (s.ok()) resume_ = false;
  return s;
}

Status Views::Replay(const Ledger& ledger, uint64_t from, uint64_t to, const EventFilter& filter) {
  Status resumed = ResumeWrites();
  if (!resumed.ok()) return resumed;
  // An empty family (a rebuild, a first catch-up): the writer need not look up new keys.
  bool empty;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_));
    it->SeekToFirst();
    if (!it->status().ok()) return FromRocks(it->status());
    empty = !it->Valid();
  }
  state::Writer writer(db_.get(), family_, empty, cache_bytes_);
  Projector projector(
      writer, ledger, filter ? filter : [](schema::Event::Reader) { return true; });
  uint64_t last = from - 1;
  Hash chain{};
  // Progress counts the steps written, each once.
  uint64_t reported = 0;
  auto report = [&](Status written) {
    if (written.ok() && progress_ && writer.written() > reported) {
      reported = writer.written();
      progress_(reported);
    }
    return written;
  };
  Status s = ScanForReplay(ledger, from, to, [&](uint64_t seq, std::string_view bytes) {
    StoredMessage stored(bytes);
    auto event = stored.event();
    Status applied = projector.Apply(seq, event);
    if (!applied.ok()) return applied;
    last = seq;
    std::memcpy(chain.data(), event.getChain().begin(), chain.size());
    if (seq % kStepEvents != 0) return Status::OK();
    // The step is written while the next is applied.
    return report(writer.Commit(last, chain, /*wait=*/false));
  });
  if (s.ok()) s = report(writer.Wait());
  if (s.ok() && last >= from && writer.written() < last) s = report(writer.Commit(last, chain));
  if (!s.ok()) resume_ = true;
  return s;
}

Status Views::CatchUp(const Ledger& ledger, uint64_t up_to, const EventFilter& filter) {
  const uint64_t head = ledger.GetHead().seq;
  const uint64_t to = up_to == 0 ? head : std::min(up_to, head);
  // A failed read is not "no checkpoint": that would replay the log over the views.
  uint64_t at = 0;
  Hash at_chain;
  Status checkpoint = Checkpoint(&at, &at_chain);
  if (!checkpoint.ok()) return checkpoint;
  if (at > head) return Rebuild(ledger);
  if (at > 0) {
    std::string layout;
    const rocksdb::Status read =
        db_->Get(rocksdb::ReadOptions(), family_, state::kLayoutKey, &layout);
    if (!read.ok() && !read.IsNotFound()) return FromRocks(read);  // not a reason to rebuild
    if (read.IsNotFound() || layout != state::kLayoutVersion) return Rebuild(ledger);
    std::string bytes;
    Status s = ledger.Get(at, &bytes);
    if (!s.ok()) return s;
    StoredMessage stored(bytes);
    if (std::memcmp(stored.event().getChain().begin(), at_chain.data(), sizeof(Hash)) != 0) {
      return Rebuild(ledger);
    }
  }
  if (at >= to) return Status::OK();
  return Replay(ledger, at + 1, to, filter);
}

Status Views::Rebuild(const Ledger& ledger) {
  Status s = ResumeWrites();
  if (s.ok()) s = FromRocks(db_->DropColumnFamily(family_));
  if (s.ok()) s = FromRocks(db_->DestroyColumnFamilyHandle(family_));
  family_ = nullptr;
  if (s.ok()) s = FromRocks(db_->CreateColumnFamily(FamilyOptions(), state::kFamily, &family_));
  if (!s.ok()) {
    resume_ = true;
    return s;
  }
  return Replay(ledger, 1, 0, nullptr);
}

}  // namespace wulian::projections
