// `wulian import`: all-or-nothing bulk import (SPEC §6.1); the protocol is described at
// Import() in tools/cli.h.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <future>

#include "events/codec.h"
#include "tools/cli.h"

namespace wulian::cli {
namespace {

struct Chunk {
  Submissions submissions;
  std::vector<uint64_t> lines;  // the line number of each submission
};

bool IsBlank(const std::string& line) { return line.find_first_not_of(" \t") == std::string::npos; }

// Reads and parses up to kImportBatchEvents lines. Line-alone refusals go to `report`.
// Returns false when no line was left to read.
bool ReadChunk(LineReader& reader, const Codec& codec, Chunk* chunk, ImportReport* report) {
  chunk->submissions.clear();
  chunk->lines.clear();
  std::string line;
  bool too_long;
  bool any = false;
  while (chunk->submissions.size() < kImportBatchEvents && reader.Next(&line, &too_long)) {
    any = true;
    ++report->lines;
    if (too_long) {
      report->refused.emplace_back(
          reader.line_number(),
          Status::InvalidEvent("line longer than " + std::to_string(kLineBytesMax) + " bytes"));
      continue;
    }
    if (IsBlank(line)) continue;
    Status s = codec.ParseLine(line, /*allow_batch=*/false, &chunk->submissions);
    if (!s.ok()) {
      report->refused.emplace_back(reader.line_number(), std::move(s));
      continue;
    }
    chunk->lines.push_back(reader.line_number());
  }
  return any;
}

// Appends a chunk. A refused event is recorded and left out, and the rest of the chunk is
// tried again, so that every refused line is found.
Status AppendChunk(Ledger& ledger, Chunk& chunk, const AppendOptions& options,
                   ImportReport* report) {
  while (!chunk.submissions.empty()) {
    std::vector<AppendResult> results;
    Status s = ledger.Append(chunk.submissions, options, &results);
    if (s.ok()) {
      for (const auto& r : results) (r.duplicate ? report->duplicates : report->appended)++;
      return Status::OK();
    }
    if (!s.index()) return s;
    const size_t i = *s.index();
    report->refused.emplace_back(chunk.lines[i], std::move(s));
    chunk.submissions.erase(chunk.submissions.begin() + static_cast<ptrdiff_t>(i));
    chunk.lines.erase(chunk.lines.begin() + static_cast<ptrdiff_t>(i));
  }
  return Status::OK();
}

// A chunk as the parsing thread hands it over, with the lines it refused on their own.
struct Parsed {
  Chunk chunk;
  ImportReport report;  // lines and refused only
  bool any = false;
};

// Appends every line of `path` to `ledger` without the write-ahead log, then flushes it to
// synced table files. The next chunk is read and parsed on a second thread while one is
// validated, and a validated chunk is written while the next is (AppendOptions::pipelined);
// refusals keep their order (a chunk's refused lines, then its refused events).
Status AppendAll(Ledger& ledger, const std::string& path, int64_t now_micros,
                 ImportReport* report) {
  std::unique_ptr<LineReader> reader;
  Status s = LineReader::Open(path, &reader);
  if (!s.ok()) return s;
  AppendOptions options;
  options.now_micros = now_micros;
  options.sync = false;
  options.wal = false;
  options.pipelined = true;
  Codec codec;
  auto parse = [&](Parsed* p) {
    p->report = ImportReport{};
    p->any = ReadChunk(*reader, codec, &p->chunk, &p->report);
  };
  Parsed current, next;
  parse(&current);
  while (current.any) {
    std::future<void> parsing = std::async(std::launch::async, parse, &next);
    report->lines += current.report.lines;
    for (auto& refused : current.report.refused) report->refused.push_back(std::move(refused));
    s = AppendChunk(ledger, current.chunk, options, report);
    parsing.wait();
    if (!s.ok()) return s;
    std::fprintf(stderr, "import: %llu lines checked\n",
                 static_cast<unsigned long long>(report->lines));
    std::swap(current, next);
  }
  return ledger.Flush();
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  return ok ? Status::OK() : Status::IOError("cannot sync " + dir);
}

// Puts the database in `scratch` in place of the ledger's. The new database carries a marker
// file, synced before anything moves; the old one is renamed aside first. A crash leaves the
// old database (db.replaced, no marked db: undone) or the new one (marked db: finished) —
// OpenLedger and CreateLedger complete the recovery before anything else.
Status ReplaceDatabase(const std::string& data_dir, const std::string& scratch) {
  const std::string db = DatabaseDir(data_dir), old = data_dir + "/db.replaced";
  std::error_code error;
  {
    std::FILE* marker = std::fopen((scratch + "/" + kReplacementMarker).c_str(), "wb");
    const bool ok = marker != nullptr && std::fflush(marker) == 0 && ::fsync(fileno(marker)) == 0;
    if (marker != nullptr) std::fclose(marker);
    if (!ok) return Status::IOError("cannot mark " + scratch);
  }
  Status synced = SyncDirectory(scratch);
  if (!synced.ok()) return synced;
  std::filesystem::rename(db, old, error);
  Status s = error ? Status::IOError("cannot rename " + db + ": " + error.message())
                   : SyncDirectory(data_dir);
  if (s.ok()) std::filesystem::rename(scratch, db, error);
  if (s.ok() && error) s = Status::IOError("cannot rename " + scratch + ": " + error.message());
  if (s.ok()) s = SyncDirectory(data_dir);
  if (s.ok()) std::filesystem::remove_all(old, error);
  if (s.ok()) std::filesystem::remove(db + "/" + kReplacementMarker, error);
  return s;
}

}  // namespace

Status Import(const std::string& data_dir, std::unique_ptr<Ledger>* ledger, const std::string& path,
              int64_t now_micros, ImportReport* report, bool check_only) {
  const std::string scratch = data_dir + "/import-check";
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  Status s = (*ledger)->Checkpoint(scratch);
  std::unique_ptr<Ledger> copy;
  if (s.ok()) s = Ledger::Open(scratch, OpenOptions{}, &copy);
  if (s.ok()) s = AppendAll(*copy, path, now_micros, report);
  copy.reset();
  if (!s.ok() || !report->refused.empty() || report->appended == 0 || check_only) {
    std::filesystem::remove_all(scratch, ignored);
    return s;
  }
  ledger->reset();
  s = ReplaceDatabase(data_dir, scratch);
  Status reopened = OpenLedger(data_dir, ledger);
  return s.ok() ? reopened : s;
}

}  // namespace wulian::cli
