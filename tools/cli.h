// Pieces shared by the commands of the `wulian` program.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "answers/answers.h"
#include "base/status.h"
#include "events/signing.h"
#include "events/store.h"
#include "tools/demo.h"

namespace wulian::cli {

// Command-line arguments after the command name: positionals and --flag VALUE pairs.
struct Args {
  std::string data = "./data";
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;

  Status Uint(const std::string& name, uint64_t fallback, uint64_t* out) const {
    auto it = flags.find(name);
    if (it == flags.end()) {
      *out = fallback;
      return Status::OK();
    }
    try {
      size_t used = 0;
      *out = std::stoull(it->second, &used);
      if (used == it->second.size() && it->second[0] != '-') return Status::OK();
    } catch (const std::exception&) {
    }
    return Status::InvalidArgument("--" + name + " needs a whole number");
  }
};

// Reads lines of at most kLineBytesMax bytes from a file or stdin ("-"), without ever
// holding more than one line in memory. A longer line is skipped and reported.
class LineReader {
 public:
  // Opens `path`; "-" is standard input.
  static Status Open(const std::string& path, std::unique_ptr<LineReader>* reader);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line without its newline. Returns false at the end of input.
  // Sets *too_long (and leaves *line empty) when the line exceeded the limit.
  bool Next(std::string* line, bool* too_long);
  // 1-based number of the line last returned.
  uint64_t line_number() const { return line_number_; }

 private:
  static constexpr size_t kBufferBytes = 1 << 20;
  explicit LineReader(std::FILE* file, bool owned) : file_(file), owned_(owned) {}
  // Refills the buffer; false at the end of input.
  bool Fill();
  std::FILE* file_;
  bool owned_;
  uint64_t line_number_ = 0;
  std::string buffer_;
  size_t pos_ = 0;
};

// {"error": {"code", "message", "line"?, "index"?}} on stdout. The index is printed only
// for refusals within a batch.
void PrintError(const Status& status, std::optional<uint64_t> line = std::nullopt,
                bool in_batch = false);

// The ledger clock of the CLI: WULIAN_NOW (RFC 3339) if set, else the system clock, in
// whole milliseconds. Fails if WULIAN_NOW is malformed.
Status LedgerClock(int64_t* now_micros);

// The RocksDB directory of the ledger in `data_dir`.
std::string DatabaseDir(const std::string& data_dir);
// The ledger's Ed25519 signing key (PKCS#8 PEM, mode 0600) in `data_dir`.
std::string SigningKeyPath(const std::string& data_dir);

// The ledger's files are private whatever the umask: the process creates everything with
// umask 077 (directories 0700, files 0600) and keeps the caller's umask for the files it
// writes for the caller (KeepDataPrivate is called once, first thing in main).
void KeepDataPrivate();
// Creates or truncates a file the caller asked for (a report, demo lines) with the caller's
// umask, not the ledger's. Null on failure.
std::FILE* CreateOutputFile(const std::string& path);
// Writes `bytes` to the file the caller asked for (CreateOutputFile); IOError naming it.
Status WriteOutput(const std::string& path, const std::string& bytes);
// A command's result: `bytes` to --out when given, else to stdout; exit 0, or the error of
// `status` (or of the write) printed.
int Deliver(const Args& args, Status status, const std::string& bytes);
// OK unless `path` exists and its group or others may read or write it (a signing key, the
// access journal): then an error that says so and how to fix it.
Status CheckPrivate(const std::string& path);

// Reads a whole (small) file.
Status ReadFile(const std::string& path, std::string* contents);

// Prints `status` as {"error": …} and returns its exit code.
int Fail(const Status& status);

// Opens the ledger in `data_dir`. Takes the directory's lock (DIR/wulian.lock) for the rest
// of the process, so that no other wulian process uses it meanwhile, and finishes or undoes
// a database replacement that a crash interrupted (see Import).
Status OpenLedger(const std::string& data_dir, std::unique_ptr<Ledger>* ledger);
// Whether `data_dir` holds a ledger (one that an interrupted import left aside included).
bool LedgerExists(const std::string& data_dir);
// The file an import puts in its new database before swapping it in (see Import).
inline constexpr char kReplacementMarker[] = "WULIAN-REPLACES-DB";
// Creates a new ledger in `data_dir`: the database and the signing key. Fails if either exists.
Status CreateLedger(const std::string& data_dir, std::unique_ptr<Ledger>* ledger);

// What `import` did.
struct ImportReport {
  uint64_t lines = 0;
  uint64_t appended = 0;
  uint64_t duplicates = 0;
  // Refused lines with their reasons; when not empty, nothing was appended.
  std::vector<std::pair<uint64_t, Status>> refused;
};

// Events per atomic write of `import` and `demo`.
inline constexpr size_t kImportBatchEvents = 1000;

// SPEC §6.1 import, all or nothing. Every line is appended, unsynced, to a RocksDB checkpoint
// of the ledger in `data_dir`, so each is judged by the rules of a real append against all
// before it, in memory that RocksDB bounds. If any line is refused, the checkpoint is
// dropped and the report lists every refused line. Otherwise its log is synced and it
// replaces the ledger's database (renames, then a directory sync), and *ledger is reopened.
// A crash at any point leaves the old ledger or the new one; a re-run appends what is
// missing (ids are idempotent). With `check_only`, every line is judged the same way and the
// checkpoint is always dropped. REQUIRES: *ledger is the open ledger of data_dir.
Status Import(const std::string& data_dir, std::unique_ptr<Ledger>* ledger, const std::string& path,
              int64_t now_micros, ImportReport* report, bool check_only = false);

// `import --sheet FILE --type TYPE [--encoding utf-8|gb18030]` (tools/import_sheet.cc):
// spreadsheet intake, all or nothing, as docs/intake.md describes.
int ImportSheetCommand(const Args& args);

// Writes the demo history's client events as JSON Lines (recorded times are dropped).
Status WriteDemoLines(const demo::DemoOptions& options, const std::string& path);

// The audit commands (tools/audit.cc): pubkey, head, proof, check, verify, query history.
int PubkeyCommand(const Args& args);
int HeadCommand(const Args& args);
int ProofCommand(const Args& args);
int CheckCommand(const Args& args);
int VerifyCommand(const Args& args);
int HistoryCommand(const Args& args);

// The view commands (tools/views_cli.cc): query, rebuild, report.
int QueryCommand(const Args& args);
int RebuildCommand(const Args& args);
int ReportCommand(const Args& args);
int NoticeCommand(const Args& args);
// export --sheet FILE.xlsx: the live views as a workbook.
int SheetExportCommand(const Args& args);
// `report member ID` and `report members` (tools/member_file_cli.cc): the annual file.
int MemberFileCommand(const Args& args);

// `serve` (tools/serve_cli.cc).
int ServeCommand(const Args& args);
// `backup DIR` (tools/backup_cli.cc): by the running server when there is one.
int BackupCommand(const Args& args);
// Copies the ledger of `data_dir`, open as `ledger`, into the new directory `dir`; sets
// *answer to {"backup": DIR, "head": the copy's head}.
Status BackupTo(const std::string& data_dir, const Ledger& ledger, const std::string& dir,
                std::string* answer);
// DATA/control.sock, absolute: where a running server takes `backup` requests.
std::string ControlSocketPath(const std::string& data_dir);

// The token commands (tools/token_cli.cc): token add|list|revoke. They need only the access
// journal, so they work while `serve` runs.
int TokenCommand(const Args& args);
int UserCommand(const Args& args);
// Grants the token named "admin" of a new ledger, signed with its `key`; its secret is
// printed once by `init`.
Status GrantFirstAdmin(const std::string& data_dir, const SigningKey& key, std::string* secret);
// The access journal of the ledger in `data_dir`.
std::string AccessJournalPath(const std::string& data_dir);

// The views database and the policy file of the ledger in `data_dir`.
std::string ViewsDir(const std::string& data_dir);
std::string PolicyPath(const std::string& data_dir);
// DATA/server.json: the server's settings (sessions, sign-in throttle).
std::string ServerConfigPath(const std::string& data_dir);

// Appends the demo history to an empty ledger, each event at its own recorded time.
Status BuildDemo(Ledger& ledger, const demo::DemoOptions& options);

}  // namespace wulian::cli
