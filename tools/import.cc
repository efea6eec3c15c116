// `wulian import`: all-or-nothing bulk import (SPEC §6.1).
//
// Pass 1 appends every line, unsynced, to a RocksDB checkpoint of the ledger, so that each
// line is judged by exactly the rules of a real append against everything before it, with
// memory bounded by RocksDB rather than by the file. Refused lines are recorded and left out
// so that the rest can still be judged. Pass 2 runs only if nothing was refused: it appends
// to the ledger in large synced batches. Ids are idempotent, so a re-run after a crash
// appends exactly what is missing.
#include <cstdio>
#include <filesystem>

#include "events/codec.h"
#include "tools/cli.h"

namespace wulian::cli {
namespace {

struct Chunk {
  Submissions submissions;
  std::vector<uint64_t> lines;  // the line number of each submission
};

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

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

// Appends a chunk. With `collect`, a refused event is recorded, left out, and the rest of
// the chunk is tried again; without, the first refusal is returned.
Status AppendChunk(Ledger& ledger, Chunk& chunk, const AppendOptions& options, bool collect,
                   ImportReport* report) {
  while (!chunk.submissions.empty()) {
    std::vector<AppendResult> results;
    Status s = ledger.Append(chunk.submissions, options, &results);
    if (s.ok()) {
      for (const auto& r : results) (r.duplicate ? report->duplicates : report->appended)++;
      return Status::OK();
    }
    if (!s.index() || !collect) {
      if (s.index()) {
        const uint64_t line = chunk.lines[*s.index()];
        return Status(std::move(s)).Within("line " + std::to_string(line));
      }
      return s;
    }
    const size_t i = *s.index();
    report->refused.emplace_back(chunk.lines[i], std::move(s));
    chunk.submissions.erase(chunk.submissions.begin() + static_cast<ptrdiff_t>(i));
    chunk.lines.erase(chunk.lines.begin() + static_cast<ptrdiff_t>(i));
  }
  return Status::OK();
}

// Runs every line of `path` through `ledger`.
Status Pass(Ledger& ledger, const std::string& path, const AppendOptions& options, bool collect,
            ImportReport* report) {
  std::unique_ptr<LineReader> reader;
  Status s = LineReader::Open(path, &reader);
  if (!s.ok()) return s;
  Codec codec;
  Chunk chunk;
  while (ReadChunk(*reader, codec, &chunk, report)) {
    if (!collect && !report->refused.empty()) break;
    s = AppendChunk(ledger, chunk, options, collect, report);
    if (!s.ok()) return s;
    if (!collect) std::fprintf(stderr, "import: %llu events appended\n",
                               static_cast<unsigned long long>(report->appended));
  }
  return Status::OK();
}

}  // namespace

Status Import(Ledger& ledger, const std::string& path, const std::string& scratch_dir,
              int64_t now_micros, ImportReport* report) {
  AppendOptions options;
  options.now_micros = now_micros;
  std::error_code ignored;
  std::filesystem::remove_all(scratch_dir, ignored);
  Status s = ledger.Checkpoint(scratch_dir);
  if (!s.ok()) return s;
  {
    std::unique_ptr<Ledger> scratch;
    s = Ledger::Open(scratch_dir, OpenOptions{}, &scratch);
    if (s.ok()) {
      options.sync = false;
      s = Pass(*scratch, path, options, /*collect=*/true, report);
    }
  }
  std::filesystem::remove_all(scratch_dir, ignored);
  if (!s.ok() || !report->refused.empty()) return s;

  *report = ImportReport{};
  options.sync = true;
  s = Pass(ledger, path, options, /*collect=*/false, report);
  if (s.ok() && !report->refused.empty()) {
    // The file changed between the passes; what was appended before is valid.
    return Status::InvalidArgument("the input changed while it was imported");
  }
  return s;
}

}  // namespace wulian::cli
