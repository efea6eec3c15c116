#include "projections/state.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support.h"

namespace wulian::projections::state {
namespace {

// A views-like database of its own with one family, as the Writer writes it.
class StateDb {
 public:
  StateDb() {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {kFamily, rocksdb::ColumnFamilyOptions()}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open(options, dir_.path(), families, &handles, &raw).ok());
    db_.reset(raw);
    default_ = handles[0];
    family_ = handles[1];
  }
  ~StateDb() {
    EXPECT_TRUE(db_->DestroyColumnFamilyHandle(default_).ok());
    EXPECT_TRUE(db_->DestroyColumnFamilyHandle(family_).ok());
  }
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family() { return family_; }
  std::string Read(const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_, key, &value);
    return s.ok() ? value : "(" + s.ToString() + ")";
  }

 private:
  testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
  rocksdb::ColumnFamilyHandle* family_ = nullptr;
};

TEST(WriterTest, AStepNotWaitedForIsWrittenByTheNextCommit) {
  StateDb db;
  state::Writer writer(db.db(), db.family(), true, kWriterCacheBytes);
  writer.Put("Sa", "1");
  ASSERT_TRUE(writer.Commit(1, Hash{}, /*wait=*/false).ok());
  writer.Put("Sb", "2");
  writer.Add("o", kOverviewCounters, kEvents, 5);
  ASSERT_TRUE(writer.Commit(2, Hash{}, /*wait=*/false).ok());
  EXPECT_EQ(writer.written(), 1u);
  EXPECT_EQ(db.Read("Sa"), "1");
  ASSERT_TRUE(writer.Commit(3, Hash{}).ok());
  EXPECT_EQ(writer.written(), 3u);
  EXPECT_EQ(db.Read("Sb"), "2");
  EXPECT_EQ(DecodeCounters(db.Read("o"), kOverviewCounters)[kEvents], 5);
  EXPECT_EQ(GetBe64(db.Read(kCheckpointKey)), 3u);
}

TEST(WriterTest, AWriteThatFailsInFlightIsTheNextCommitsFailure) {
  StateDb db;
  state::Writer writer(db.db(), db.family(), true, kWriterCacheBytes);
  writer.Put("Sa", "1");
  ASSERT_TRUE(writer.Commit(1, Hash{}).ok());
  // Writes to a dropped family fail: the next step's write fails in flight.
  ASSERT_TRUE(db.db()->DropColumnFamily(db.family()).ok());
  writer.Put("Sb", "2");
  ASSERT_TRUE(writer.Commit(2, Hash{}, /*wait=*/false).ok());
  writer.Put("Sc", "3");
  const Status s = writer.Commit(3, Hash{}, /*wait=*/false);
  EXPECT_EQ(s.code(), Code::kIOError) << s.message();
  EXPECT_EQ(writer.written(), 1u);
}

}  // namespace
}  // namespace wulian::projections::state
