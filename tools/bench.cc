// Benchmarks of SPEC §7, each measured against its baseline in the same run.
//
// bench import: N demo events imported into a fresh ledger (`wulian import`, both passes,
// synced batches of kImportBatchEvents) vs the same number of values of the same sizes
// written into a bare RocksDB in synced batches of 1000.
#include "tools/bench.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "base/time.h"
#include "events/codec.h"
#include "projections/views.h"

namespace wulian::cli {
namespace {

constexpr size_t kRawBatchValues = 1000;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Writes values of the given sizes (incompressible bytes) into a new RocksDB, synced every
// kRawBatchValues values. Returns the seconds taken.
Status RawRocksDb(const std::string& dir, const std::vector<uint32_t>& sizes, double* seconds) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status rs = rocksdb::DB::Open(options, dir, &raw);
  if (!rs.ok()) return Status::IOError(rs.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string noise(1 << 20, '\0');
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (char& c : noise) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const auto start = std::chrono::steady_clock::now();
  rocksdb::WriteBatch batch;
  size_t offset = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string key;
    for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>((i + 1) >> shift));
    offset = (offset + 4099) % (noise.size() - sizes[i]);
    batch.Put(key, rocksdb::Slice(noise.data() + offset, sizes[i])).PermitUncheckedError();
    if (batch.Count() == kRawBatchValues || i + 1 == sizes.size()) {
      rs = db->Write(sync, &batch);
      if (!rs.ok()) return Status::IOError(rs.ToString());
      batch.Clear();
    }
  }
  *seconds = Seconds(start);
  return Status::OK();
}

int BenchImport(const Args& args) {
  uint64_t events;
  Status s = args.Uint("events", 100000, &events);
  if (!s.ok()) return PrintError(s), s.ExitCode();
  auto it = args.flags.find("dir");
  const std::string dir =
      it != args.flags.end()
          ? it->second
          : (std::filesystem::temp_directory_path() / ("wulian-bench-" + std::to_string(getpid())))
                .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  s = WriteDemoLines(demo::DemoOptions{demo::DemoOptions{}.seed, events}, dir + "/input.jsonl");

  std::unique_ptr<Ledger> ledger;
  if (s.ok()) s = CreateLedger(dir + "/ledger", &ledger);
  int64_t now = 0;
  if (s.ok()) s = LedgerClock(&now);
  ImportReport report;
  const auto start = std::chrono::steady_clock::now();
  if (s.ok()) s = Import(dir + "/ledger", &ledger, dir + "/input.jsonl", now, &report);
  const double ledger_seconds = Seconds(start);
  if (s.ok() && !report.refused.empty()) s = std::move(report.refused[0].second);

  std::vector<uint32_t> sizes;
  uint64_t bytes = 0;
  if (s.ok()) {
    s = ledger->Scan(1, 0, [&](uint64_t, std::string_view value) {
      sizes.push_back(static_cast<uint32_t>(value.size()));
      bytes += value.size();
      return Status::OK();
    });
  }
  double raw_seconds = 0;
  if (s.ok()) s = RawRocksDb(dir + "/raw", sizes, &raw_seconds);
  ledger.reset();
  if (args.flags.count("keep") == 0) std::filesystem::remove_all(dir);
  if (!s.ok()) return PrintError(s), s.ExitCode();

  const double ledger_rate = report.appended / ledger_seconds;
  const double raw_rate = sizes.size() / raw_seconds;
  std::cout << "{\"bench\":\"import\",\"events\":" << report.appended
            << ",\"meanValueBytes\":" << (sizes.empty() ? 0 : bytes / sizes.size())
            << ",\"ledger\":{\"seconds\":" << ledger_seconds
            << ",\"eventsPerSecond\":" << static_cast<uint64_t>(ledger_rate)
            << "},\"rawRocksdb\":{\"batch\":" << kRawBatchValues << ",\"seconds\":" << raw_seconds
            << ",\"valuesPerSecond\":" << static_cast<uint64_t>(raw_rate)
            << "},\"ratio\":" << ledger_rate / raw_rate << ",\"goal\":0.6}\n";
  return 0;
}

// Times a full scan of the `events` column family that touches every value: the floor
// under any pass over the log. The better of two runs, so that both see a warm cache.
Status RawScan(const Ledger& ledger, uint64_t* events, double* seconds) {
  *seconds = 1e300;
  for (int run = 0; run < 2; ++run) {
    uint64_t n = 0, checksum = 0;
    const auto start = std::chrono::steady_clock::now();
    Status s = ledger.Scan(1, 0, [&](uint64_t, std::string_view value) {
      ++n;
      checksum += static_cast<uint8_t>(value[value.size() / 2]);
      return Status::OK();
    });
    if (!s.ok()) return s;
    *seconds = std::min(*seconds, Seconds(start));
    *events = n + (checksum & 0);  // the checksum keeps the value reads from being optimised away
  }
  return Status::OK();
}

// The p50 and p99 of `samples` in microseconds.
std::string Percentiles(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) { return samples[static_cast<size_t>(q * (samples.size() - 1))]; };
  std::ostringstream out;
  out << "{\"p50Micros\":" << at(0.5) << ",\"p99Micros\":" << at(0.99) << "}";
  return out.str();
}

// A ledger to measure: --data DIR if it holds one, else N demo events in a temporary one.
Status BenchLedger(const Args& args, std::string* data, bool* temporary,
                   std::unique_ptr<Ledger>* ledger) {
  *temporary = args.flags.count("data-dir") == 0;
  *data =
      *temporary
          ? (std::filesystem::temp_directory_path() / ("wulian-bench-" + std::to_string(getpid())))
                .string()
          : args.flags.at("data-dir");
  if (!*temporary) return OpenLedger(*data, ledger);
  uint64_t events;
  Status s = args.Uint("events", 100000, &events);
  std::filesystem::remove_all(*data);
  if (s.ok()) s = CreateLedger(*data, ledger);
  if (s.ok()) s = BuildDemo(**ledger, demo::DemoOptions{demo::DemoOptions{}.seed, events});
  // Reopened, the log is read from its files, as it would be on any later day.
  ledger->reset();
  return s.ok() ? OpenLedger(*data, ledger) : s;
}

// The ledger a pass over the log is measured on, and the baseline scan of it.
struct Subject {
  std::string data;
  bool temporary = false;
  std::unique_ptr<Ledger> ledger;
  uint64_t scanned = 0;
  double scan_seconds = 0;
};

Status OpenSubject(const Args& args, Subject* subject) {
  Status s = BenchLedger(args, &subject->data, &subject->temporary, &subject->ledger);
  return s.ok() ? RawScan(*subject->ledger, &subject->scanned, &subject->scan_seconds) : s;
}

// Closes the ledger and removes it if it was made for the run (unless --keep).
void CloseSubject(const Args& args, Subject* subject) {
  subject->ledger.reset();
  if (subject->temporary && args.flags.count("keep") == 0)
    std::filesystem::remove_all(subject->data);
}

int BenchVerify(const Args& args) {
  Subject subject;
  Status s = OpenSubject(args, &subject);
  auto& [data, temporary, ledger, scanned, scan_seconds] = subject;
  VerifyReport report;
  auto start = std::chrono::steady_clock::now();
  if (s.ok()) s = ledger->Verify(VerifyOptions{}, &report);
  const double verify_seconds = Seconds(start);
  if (s.ok() && !report.ok) s = Status::Corruption(report.problem);
  // Proof latency: inclusion and consistency proofs at random positions of the whole log.
  std::vector<double> inclusion, consistency;
  const uint64_t n = ledger ? ledger->GetHead().seq : 0;
  uint64_t x = 0x2545F4914F6CDD1Dull;
  for (int i = 0; s.ok() && n > 0 && i < 2000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    std::vector<Hash> path;
    Hash leaf;
    start = std::chrono::steady_clock::now();
    s = ledger->InclusionProof(1 + x % n, n, &leaf, &path);
    inclusion.push_back(Seconds(start) * 1e6);
    start = std::chrono::steady_clock::now();
    if (s.ok()) s = ledger->ConsistencyProof(1 + (x >> 20) % n, n, &path);
    consistency.push_back(Seconds(start) * 1e6);
  }
  CloseSubject(args, &subject);
  if (!s.ok()) return PrintError(s), s.ExitCode();
  const double verify_rate = report.events / verify_seconds, scan_rate = scanned / scan_seconds;
  std::cout << "{\"bench\":\"verify\",\"events\":" << report.events
            << ",\"verify\":{\"seconds\":" << verify_seconds
            << ",\"eventsPerSecond\":" << static_cast<uint64_t>(verify_rate)
            << "},\"rawScan\":{\"seconds\":" << scan_seconds
            << ",\"eventsPerSecond\":" << static_cast<uint64_t>(scan_rate)
            << "},\"ratio\":" << verify_rate / scan_rate << ",\"goal\":0.4"
            << ",\"inclusionProof\":" << Percentiles(inclusion)
            << ",\"consistencyProof\":" << Percentiles(consistency) << "}\n";
  return 0;
}

int BenchRebuild(const Args& args) {
  Subject subject;
  Status s = OpenSubject(args, &subject);
  auto& [data, temporary, ledger, scanned, scan_seconds] = subject;
  const std::string views_dir = data + "/bench-views";
  std::filesystem::remove_all(views_dir);
  std::unique_ptr<projections::Views> views;
  if (s.ok()) s = projections::Views::Open(views_dir, &views);
  auto start = std::chrono::steady_clock::now();
  if (s.ok()) s = views->Rebuild(*ledger);
  const double rebuild_seconds = Seconds(start);
  // Studio views at random studios, with flags at the time of the newest event.
  std::vector<double> latency;
  std::vector<std::string> studios;
  int64_t now = 0;
  if (s.ok()) s = LedgerClock(&now);
  if (s.ok()) {
    std::string json;
    s = views->Studios(now, projections::Policy{}, &json);
    for (size_t at = 0; (at = json.find("{\"id\":\"", at)) != std::string::npos; at += 7) {
      studios.push_back(json.substr(at + 7, json.find('"', at + 7) - at - 7));
    }
  }
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; s.ok() && !studios.empty() && i < 2000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    std::string json;
    start = std::chrono::steady_clock::now();
    s = views->Studio(studios[x % studios.size()], now, projections::Policy{}, &json);
    latency.push_back(Seconds(start) * 1e6);
  }
  views.reset();
  std::filesystem::remove_all(views_dir);
  CloseSubject(args, &subject);
  if (!s.ok()) return PrintError(s), s.ExitCode();
  const double rebuild_rate = scanned / rebuild_seconds, scan_rate = scanned / scan_seconds;
  std::cout << "{\"bench\":\"rebuild\",\"events\":" << scanned
            << ",\"rebuild\":{\"seconds\":" << rebuild_seconds
            << ",\"eventsPerSecond\":" << static_cast<uint64_t>(rebuild_rate)
            << "},\"rawScan\":{\"seconds\":" << scan_seconds
            << ",\"eventsPerSecond\":" << static_cast<uint64_t>(scan_rate)
            << "},\"ratio\":" << rebuild_rate / scan_rate
            << ",\"goal\":0.4,\"goalEventsPerSecond\":1000000"
            << ",\"studios\":" << studios.size() << ",\"studioQuery\":" << Percentiles(latency)
            << "}\n";
  return 0;
}

}  // namespace

int Bench(const Args& args) {
  const std::string what = args.positional.size() == 1 ? args.positional[0] : "";
  if (what == "import") return BenchImport(args);
  if (what == "verify") return BenchVerify(args);
  if (what == "rebuild") return BenchRebuild(args);
  if (what == "serve") return BenchServe(args);
  PrintError(Status::InvalidArgument(
      "usage: wulian bench import [--events N] [--dir DIR] [--keep] | "
      "bench verify [--events N | --data-dir DIR] | bench rebuild [--events N | --data-dir DIR] | "
      "bench serve [--per-client N]"));
  return 2;
}

}  // namespace wulian::cli
