#include "tools/cli.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>

#include "answers/answers.h"
#include "base/time.h"
#include "events/codec.h"
#include "events/signing.h"
#include "projections/policy.h"
#include "server/server.h"

namespace wulian::cli {

namespace {

// Holds an exclusive lock on DIR/wulian.lock until the process exits.
Status LockDataDir(const std::string& data_dir) {
  static std::set<std::string>* locked = new std::set<std::string>();  // process-wide by design
  const std::string path = std::filesystem::absolute(data_dir + "/wulian.lock").lexically_normal();
  if (locked->count(path)) return Status::OK();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot open " + path);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::IOError(data_dir + " is in use by another wulian process");
  }
  locked->insert(path);
  return Status::OK();
}

// Finishes or undoes ReplaceDatabase after a crash: with the old database still beside the
// new one the replacement was complete; with no database, the old one goes back.
Status RecoverReplacement(const std::string& data_dir) {
  const std::string db = DatabaseDir(data_dir), old = data_dir + "/db.replaced";
  const std::string marker = db + "/" + kReplacementMarker;
  std::error_code error;
  if (!std::filesystem::exists(old)) {
    std::filesystem::remove(marker, error);  // the replacement had finished
  } else if (std::filesystem::exists(marker)) {
    std::filesystem::remove_all(old, error);  // the new database was in place: finish
    if (!error) std::filesystem::remove(marker, error);
  } else if (!std::filesystem::exists(db)) {
    std::filesystem::rename(old, db, error);  // the new database never arrived: undo
  } else {
    return Status::Corruption(data_dir +
                              " holds both db.replaced and a db that did not replace it;"
                              " keep the one you want and move the other away");
  }
  return error ? Status::IOError("cannot recover " + data_dir + ": " + error.message())
               : Status::OK();
}

}  // namespace

Status LineReader::Open(const std::string& path, std::unique_ptr<LineReader>* reader) {
  if (path == "-") {
    reader->reset(new LineReader(stdin, false));
    return Status::OK();
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Status::InvalidArgument("cannot open " + path);
  reader->reset(new LineReader(file, true));
  return Status::OK();
}

LineReader::~LineReader() {
  if (owned_) std::fclose(file_);
}

bool LineReader::Fill() {
  buffer_.resize(kBufferBytes);
  const size_t n = std::fread(buffer_.data(), 1, kBufferBytes, file_);
  buffer_.resize(n);
  pos_ = 0;
  return n > 0;
}

bool LineReader::Next(std::string* line, bool* too_long) {
  line->clear();
  *too_long = false;
  bool any = false;
  while (pos_ < buffer_.size() || Fill()) {
    any = true;
    const char* begin = buffer_.data() + pos_;
    const size_t available = buffer_.size() - pos_;
    const void* newline = std::memchr(begin, '\n', available);
    const size_t take = newline ? static_cast<const char*>(newline) - begin : available;
    if (!*too_long) {
      if (line->size() + take > kLineBytesMax) {
        *too_long = true;
        line->clear();
      } else {
        line->append(begin, take);
      }
    }
    pos_ += take;
    if (newline) {
      ++pos_;
      break;
    }
  }
  if (!any) return false;
  ++line_number_;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

void PrintError(const Status& status, std::optional<uint64_t> line, bool in_batch) {
  std::string extra;
  if (line) extra += ",\"line\":" + std::to_string(*line);
  if (in_batch && status.index()) extra += ",\"index\":" + std::to_string(*status.index());
  std::cout << ErrorJson(status, extra) << "\n";
}

Status LedgerClock(int64_t* now_micros) {
  const char* fixed = std::getenv("WULIAN_NOW");
  if (fixed != nullptr && *fixed != '\0') {
    auto parsed = ParseInstant(fixed);
    if (!parsed) return Status::InvalidArgument("WULIAN_NOW must be RFC 3339 with an offset");
    *now_micros = *parsed;
    return Status::OK();
  }
  *now_micros = SystemNowMicros() / 1000 * 1000;
  return Status::OK();
}

std::string DatabaseDir(const std::string& data_dir) { return data_dir + "/db"; }

std::string SigningKeyPath(const std::string& data_dir) { return data_dir + "/signing-key.pem"; }

std::string ViewsDir(const std::string& data_dir) { return data_dir + "/views"; }

bool LedgerExists(const std::string& data_dir) {
  return std::filesystem::exists(DatabaseDir(data_dir) + "/CURRENT") ||
         std::filesystem::exists(data_dir + "/db.replaced/CURRENT");
}

std::string AccessJournalPath(const std::string& data_dir) { return data_dir + "/access.jsonl"; }

std::string PolicyPath(const std::string& data_dir) { return data_dir + "/policy.json"; }

std::string ServerConfigPath(const std::string& data_dir) { return data_dir + "/server.json"; }

Status ReadFile(const std::string& path, std::string* contents) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Status::InvalidArgument("cannot open " + path);
  contents->clear();
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, file)) > 0 && contents->size() <= kLineBytesMax) {
    contents->append(buf, n);
  }
  std::fclose(file);
  if (contents->size() > kLineBytesMax) return Status::InvalidArgument(path + " is too large");
  return Status::OK();
}

namespace {
mode_t caller_umask = 022;  // set once by KeepDataPrivate
}  // namespace

void KeepDataPrivate() { caller_umask = ::umask(077); }

std::FILE* CreateOutputFile(const std::string& path) {
  const mode_t mode = 0666 & ~caller_umask & 0777;
  const bool existed = ::access(path.c_str(), F_OK) == 0;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return nullptr;
  // A file made here got the ledger's umask: give it the caller's. One that existed keeps its.
  if (!existed) ::fchmod(fd, mode);
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) ::close(fd);
  return file;
}

Status WriteOutput(const std::string& path, const std::string& bytes) {
  std::FILE* file = CreateOutputFile(path);
  const bool ok =
      file != nullptr && std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  if (file == nullptr || std::fclose(file) != 0 || !ok)
    return Status::IOError("cannot write " + path);
  return Status::OK();
}

int Deliver(const Args& args, Status status, const std::string& bytes) {
  auto out = args.flags.find("out");
  if (status.ok() && out != args.flags.end()) status = WriteOutput(out->second, bytes);
  if (!status.ok()) return Fail(status);
  if (out == args.flags.end()) std::cout << bytes;
  return 0;
}

Status CheckPrivate(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::OK();
  if ((st.st_mode & 077) == 0) return Status::OK();
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return Status::InvalidArgument(path + " may be read or written by others (mode " + mode +
                                 "): run chmod 600 " + path);
}

Status CreateLedger(const std::string& data_dir, std::unique_ptr<Ledger>* ledger) {
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) return Status::InvalidArgument("cannot create " + data_dir + ": " + error.message());
  // A directory that existed before (made by hand, say) becomes private too.
  if (::chmod(data_dir.c_str(), 0700) != 0) {
    return Status::InvalidArgument("cannot make " + data_dir + " private: " + std::strerror(errno));
  }
  Status locked = LockDataDir(data_dir);
  if (locked.ok()) locked = RecoverReplacement(data_dir);
  if (!locked.ok()) return locked;
  OpenOptions options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  Status s = Ledger::Open(DatabaseDir(data_dir), options, ledger);
  if (!s.ok())
    return Status::InvalidArgument("cannot create a ledger in " + data_dir + ": " + s.message());
  std::unique_ptr<SigningKey> key;
  s = SigningKey::Create(SigningKeyPath(data_dir), &key);
  if (s.ok()) s = projections::Policy::WriteDefault(PolicyPath(data_dir));
  return s.ok() ? server::WriteDefaultServerConfig(ServerConfigPath(data_dir)) : s;
}

int Fail(const Status& s) {
  PrintError(s);
  return s.ExitCode();
}

Status OpenLedger(const std::string& data_dir, std::unique_ptr<Ledger>* ledger) {
  if (!std::filesystem::exists(data_dir)) {
    return Status::InvalidArgument("no ledger in " + data_dir + " (run `wulian init` first)");
  }
  Status s = LockDataDir(data_dir);
  if (s.ok()) s = RecoverReplacement(data_dir);
  if (s.ok() && !std::filesystem::exists(DatabaseDir(data_dir) + "/CURRENT")) {
    return Status::InvalidArgument("no ledger in " + data_dir + " (run `wulian init` first)");
  }
  return s.ok() ? Ledger::Open(DatabaseDir(data_dir), OpenOptions{}, ledger) : s;
}

}  // namespace wulian::cli

namespace wulian::cli {

Status WriteDemoLines(const demo::DemoOptions& options, const std::string& path) {
  std::FILE* out = CreateOutputFile(path);
  if (out == nullptr) return Status::InvalidArgument("cannot write " + path);
  bool ok = true;
  demo::Generate(options, [&](const demo::DemoEvent& e) {
    ok &= std::fwrite(e.json.data(), 1, e.json.size(), out) == e.json.size();
    ok &= std::fputc('\n', out) != EOF;
  });
  ok &= std::fclose(out) == 0;
  return ok ? Status::OK() : Status::IOError("cannot write " + path);
}

Status BuildDemo(Ledger& ledger, const demo::DemoOptions& options) {
  Codec codec;
  Submissions batch;
  Status s;
  AppendOptions append;
  append.actor = "demo";
  auto flush = [&]() {
    std::vector<AppendResult> results;
    if (s.ok() && !batch.empty()) s = ledger.Append(batch, append, &results);
    batch.clear();
  };
  demo::Generate(options, [&](const demo::DemoEvent& event) {
    if (!s.ok()) return;
    s = codec.ParseLine(event.json, /*allow_batch=*/false, &batch);
    if (!s.ok()) {
      s = std::move(s).Within("demo event " + event.json);
      return;
    }
    batch.back()->clock_micros = ParseInstant(event.recorded_at).value_or(0);
    if (batch.size() == kImportBatchEvents) flush();
  });
  flush();
  return s;
}

}  // namespace wulian::cli
