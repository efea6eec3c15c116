// A seeded fault simulator: lives of the ledger (appends, view catch-ups and rebuilds) each
// run in a child process whose RocksDB works through a filesystem that, at one chosen write
// point, crashes the process (what was not synced is then lost, as in a power cut), or fails
// the write with EIO or ENOSPC. After every life the ledger reopens: it verifies, holds every
// acknowledged event at its seq, and its views catch up to exactly what a rebuild gives.
//
// The seed is printed; WULIAN_FAULT_SEED replays one, WULIAN_FAULT_LIVES sets how many lives
// (tools/soak.sh runs thousands).
#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>

#include "projections/policy.h"
#include "projections/views.h"
#include "tests/support.h"

namespace wulian {
namespace {

using testing::TempDir;

enum class Fault { kNone, kCrash, kIoError, kNoSpace };

// What a child tells its parent, one line each: "F fault" (the life's fault, first), "C path"
// (created), "S path size" (synced up to size), "A seq id" (acknowledged).
class Report {
 public:
  explicit Report(int fd) : fd_(fd) {}
  void Line(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string text = line + "\n";
    [[maybe_unused]] ssize_t n = ::write(fd_, text.data(), text.size());
  }

 private:
  int fd_;
  std::mutex mu_;
};

// The write points of one life: every Append, Sync and Fsync of a file RocksDB writes. At
// point `fault_at` the fault happens.
struct WritePoints {
  uint64_t count = 0;
  uint64_t fault_at = 0;
  Fault fault = Fault::kNone;
  Report* report = nullptr;
  std::mutex mu;

  // The error of this write point, if it is the chosen one; a crash does not return.
  rocksdb::IOStatus Next() {
    std::lock_guard<std::mutex> lock(mu);
    if (++count != fault_at) return rocksdb::IOStatus::OK();
    switch (fault) {
      case Fault::kCrash:
        ::_exit(9);  // dies here: nothing after the last sync is on the disk
      case Fault::kIoError:
        return rocksdb::IOStatus::IOError("injected EIO");
      case Fault::kNoSpace:
        return rocksdb::IOStatus::NoSpace("injected ENOSPC");
      case Fault::kNone:
        break;
    }
    return rocksdb::IOStatus::OK();
  }
};

class FaultFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string path, uint64_t size,
            WritePoints& points)
      : FSWritableFileOwnerWrapper(std::move(file)),
        path_(std::move(path)),
        size_(size),
        points_(points) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = points_.Next();
    if (s.ok()) s = target()->Append(data, options, dbg);
    if (s.ok()) size_ += data.size();
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo&,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return Synced(points_.Next(), [&] { return target()->Sync(options, dbg); });
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    return Synced(points_.Next(), [&] { return target()->Fsync(options, dbg); });
  }

 private:
  template <class SyncFn>
  rocksdb::IOStatus Synced(rocksdb::IOStatus s, SyncFn sync) {
    if (s.ok()) s = sync();
    if (s.ok()) points_.report->Line("S " + path_ + " " + std::to_string(size_));
    return s;
  }

  std::string path_;
  uint64_t size_;
  WritePoints& points_;
};

class FaultFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultFileSystem(WritePoints& points)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), points_(points) {}
  const char* Name() const override { return "FaultFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->NewWritableFile(path, options, &file, dbg);
    if (!s.ok()) return s;
    points_.report->Line("C " + path);
    *result = std::make_unique<FaultFile>(std::move(file), path, 0, points_);
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReopenWritableFile(path, options, &file, dbg);
    if (!s.ok()) return s;
    const uint64_t size = std::filesystem::file_size(path);
    points_.report->Line("S " + path + " " + std::to_string(size));
    *result = std::make_unique<FaultFile>(std::move(file), path, size, points_);
    return s;
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string&, const std::string&,
                                      const rocksdb::FileOptions&,
                                      std::unique_ptr<rocksdb::FSWritableFile>*,
                                      rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("no recycled files under the simulator");
  }

 private:
  WritePoints& points_;
};

std::string Contact(const std::string& id, std::mt19937_64& rng) {
  const char* studios[] = {"S01", "S02"};
  const char* members[] = {"M1", "M2"};
  const int s = static_cast<int>(rng() % 2);
  return testing::Event(id, "ContactRecorded",
                        std::string(R"({"studio":")") + studios[s] + R"(","members":[")" +
                            members[s] + R"("],"channel":"visit","peopleReached":)" +
                            std::to_string(1 + rng() % 9) + R"(,"topic":"模拟"})");
}

// One life, in the child: opens the ledger and its views through the fault filesystem and
// does `steps` random things, reporting what was acknowledged. Never returns.
[[noreturn]] void Live(const std::string& dir, uint64_t seed, int life, Report& report) {
  std::mt19937_64 rng(seed);
  WritePoints points;
  points.report = &report;
  points.fault_at = 1 + rng() % 80;
  points.fault = static_cast<Fault>(rng() % 4);
  report.Line("F " + std::to_string(static_cast<int>(points.fault)));
  auto env = rocksdb::NewCompositeEnv(std::make_shared<FaultFileSystem>(points));
  std::unique_ptr<Ledger> ledger;
  OpenOptions open;
  open.env = env.get();
  if (!Ledger::Open(dir + "/db", open, &ledger).ok()) ::_exit(3);
  std::unique_ptr<projections::Views> views;
  if (!projections::Views::Open(dir + "/views", &views, env.get()).ok()) ::_exit(3);
  Codec codec;
  for (int step = 0; step < 12; ++step) {
    const uint64_t what = rng() % 10;
    if (what < 7) {
      Submissions batch;
      const int n = 1 + static_cast<int>(rng() % 20);
      for (int i = 0; i < n; ++i) {
        const std::string id =
            "e" + std::to_string(life) + "-" + std::to_string(step) + "-" + std::to_string(i);
        if (!codec.ParseLine(Contact(id, rng), false, &batch).ok()) ::_exit(4);
      }
      AppendOptions options;
      options.now_micros = *ParseInstant(testing::kNow) + life * 1'000'000LL + step;
      std::vector<AppendResult> results;
      if (!ledger->Append(batch, options, &results).ok()) ::_exit(5);  // refused: not acked
      for (size_t i = 0; i < results.size(); ++i) {
        report.Line("A " + std::to_string(results[i].seq) + " " + batch[i]->event().getId().cStr());
      }
    } else if (what < 9) {
      if (!views->CatchUp(*ledger).ok()) ::_exit(6);
    } else {
      if (!views->Rebuild(*ledger).ok()) ::_exit(6);
    }
  }
  views.reset();
  ledger.reset();
  ::_exit(0);
}

// What the parent knows of the files a life wrote: the size each was last synced at.
void LoseWhatWasNotSynced(const std::string& messages) {
  std::map<std::string, uint64_t> synced;
  size_t at = 0;
  while (at < messages.size()) {
    const size_t end = messages.find('\n', at);
    const std::string line = messages.substr(at, end - at);
    at = end + 1;
    if (line.rfind("C ", 0) == 0) synced[line.substr(2)] = 0;
    if (line.rfind("S ", 0) == 0) {
      const size_t space = line.rfind(' ');
      synced[line.substr(2, space - 2)] = std::stoull(line.substr(space + 1));
    }
  }
  for (const auto& [path, size] : synced) {
    std::error_code error;
    const uint64_t now = std::filesystem::file_size(path, error);
    if (!error && now > size) std::filesystem::resize_file(path, size);
  }
}

// Runs `body` in a child process and returns its exit status and what it reported. The test
// process itself never opens RocksDB: a child forked after it had would inherit RocksDB's
// locks and thread pools without their threads.
template <class Body>
std::pair<int, std::string> InChild(Body body) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {-1, "pipe failed"};
  std::fflush(stdout);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    Report report(pipe_fds[1]);
    body(report);
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string messages;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) messages.append(buf, n);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {status, messages};
}

// In a child: the ledger in `dir` after a life verifies, holds every event of `acked` at its
// seq, and its views catch up to exactly what a rebuild from the log gives. Reports "E why"
// and exits 1 otherwise.
void Check(const std::string& dir, const std::map<uint64_t, std::string>& acked, Report& report) {
  auto fail = [&](const std::string& why) {
    report.Line("E " + why);
    ::_exit(1);
  };
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(dir + "/db", OpenOptions{}, &ledger);
  if (!s.ok()) fail("open: " + s.message());
  VerifyReport verified;
  s = ledger->Verify(VerifyOptions{}, &verified);
  if (!s.ok() || !verified.ok) fail("verify: " + s.message() + verified.problem);
  for (const auto& [seq, id] : acked) {
    std::string bytes;
    if (!ledger->Get(seq, &bytes).ok()) fail("acknowledged event " + std::to_string(seq) + " lost");
    StoredMessage stored(bytes);
    if (std::string(stored.event().getId().cStr()) != id)
      fail("event " + std::to_string(seq) + " is not " + id);
  }
  std::unique_ptr<projections::Views> views, rebuilt;
  std::filesystem::remove_all(dir + "/rebuilt");
  s = projections::Views::Open(dir + "/views", &views);
  if (s.ok()) s = views->CatchUp(*ledger);
  if (s.ok()) s = projections::Views::Open(dir + "/rebuilt", &rebuilt);
  if (s.ok()) s = rebuilt->Rebuild(*ledger);
  projections::Policy policy;
  std::string caught_up, fresh;
  const int64_t r = *ParseInstant("2026-01-01T00:00:00+08:00");
  if (s.ok()) s = views->Studios(r, policy, &caught_up);
  if (s.ok()) s = rebuilt->Studios(r, policy, &fresh);
  if (!s.ok()) fail("views: " + s.message());
  if (caught_up != fresh) fail("the views differ from a rebuild:\n" + caught_up + "\n" + fresh);
}

uint64_t SeedFromEnvironment() {
  const char* fixed = std::getenv("WULIAN_FAULT_SEED");
  if (fixed != nullptr && *fixed != '\0') return std::stoull(fixed);
  return std::random_device{}();
}

TEST(FaultSimulatorTest, NoAcknowledgedEventIsLostWhateverFailsWhereItFails) {
  const uint64_t seed = SeedFromEnvironment();
  const char* lives_text = std::getenv("WULIAN_FAULT_LIVES");
  const int lives = lives_text != nullptr ? std::atoi(lives_text) : 24;
  std::printf("fault simulator: seed %llu, %d lives (replay: WULIAN_FAULT_SEED=%llu)\n",
              static_cast<unsigned long long>(seed), lives, static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  SCOPED_TRACE("WULIAN_FAULT_SEED=" + std::to_string(seed));
  TempDir dir;
  auto [setup, setup_out] = InChild([&](Report&) {
    testing::TestLedger registry;  // the registry, appended without faults
    if (!registry.Append(testing::Registry()).ok()) ::_exit(1);
    registry.Close();
    std::filesystem::rename(registry.db_dir(), dir.path() + "/db");
  });
  ASSERT_TRUE(WIFEXITED(setup) && WEXITSTATUS(setup) == 0) << setup_out;
  std::map<uint64_t, std::string> acked;
  std::map<Fault, int> faults;
  std::mt19937_64 seeds(seed);
  for (int life = 0; life < lives; ++life) {
    const uint64_t life_seed = seeds();
    auto [status, messages] =
        InChild([&](Report& report) { Live(dir.path(), life_seed, life, report); });
    if ((!WIFEXITED(status) || WEXITSTATUS(status) != 0) && messages.starts_with("F "))
      ++faults[static_cast<Fault>(messages[2] - '0')];
    LoseWhatWasNotSynced(messages);
    for (size_t at = 0; (at = messages.find("A ", at)) != std::string::npos;) {
      if (at > 0 && messages[at - 1] != '\n') {
        ++at;
        continue;
      }
      const size_t end = messages.find('\n', at);
      const std::string line = messages.substr(at + 2, end - at - 2);
      const size_t space = line.find(' ');
      acked[std::stoull(line.substr(0, space))] = line.substr(space + 1);
      at = end;
    }
    auto [checked, verdict] = InChild([&](Report& report) { Check(dir.path(), acked, report); });
    ASSERT_TRUE(WIFEXITED(checked) && WEXITSTATUS(checked) == 0)
        << "life " << life << " (status " << status << "): " << verdict;
  }
  std::printf(
      "fault simulator: %zu events acknowledged; lives ended early: crash %d, EIO %d, "
      "ENOSPC %d\n",
      acked.size(), faults[Fault::kCrash], faults[Fault::kIoError], faults[Fault::kNoSpace]);
}

}  // namespace
}  // namespace wulian
