// `wulian backup DIR`: a consistent copy of the ledger (a RocksDB checkpoint of the database,
// and the key, policy, access journal and server settings), whether or not it is served.
// While `serve` runs it holds the ledger, so the command asks it through its control socket
// (server/server.h) to make the copy itself.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "answers/answers.h"
#include "events/codec.h"
#include "server/access.h"
#include "server/server.h"
#include "tools/cli.h"

namespace wulian::cli {
namespace {

// How long a backup made by the server may take before the command gives up waiting.
constexpr int kBackupAnswerSecondsMax = 3600;

// Asks a running server; false when none answers on the socket (no server, or a file left
// by one that died), in which case the command opens the ledger itself.
bool AskServer(const std::string& socket_path, const std::string& dir, int* exit_code) {
  sockaddr_un address{};
  if (socket_path.size() >= sizeof address.sun_path) return false;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return false;
  }
  const timeval limit{kBackupAnswerSecondsMax, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  const std::string request = "backup " + dir + "\n";
  std::string answer;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, n);
  }
  ::close(fd);
  const size_t newline = answer.find('\n');
  if (newline == std::string::npos || answer.back() != '\n') {
    PrintError(Status::IOError("the running server gave no answer to the backup request"));
    *exit_code = 1;
    return true;
  }
  *exit_code = std::atoi(answer.substr(0, newline).c_str());
  std::cout << answer.substr(newline + 1);
  return true;
}

}  // namespace

Status BackupTo(const std::string& data_dir, const Ledger& ledger, const std::string& dir,
                std::string* answer) {
  if (std::filesystem::exists(dir)) return Status::InvalidArgument(dir + " already exists");
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Status::IOError("cannot create " + dir);
  if (::chmod(dir.c_str(), 0700) != 0) return Status::IOError("cannot make " + dir + " private");
  // Every event synced before this call is in the checkpoint: it flushes the memtables first.
  Status s = ledger.Checkpoint(DatabaseDir(dir));
  // The journal's head before the journal: an append between the two copies leaves the
  // copied head behind the copied journal (accepted), never ahead of it (refused).
  for (const auto& file : {SigningKeyPath(data_dir), PolicyPath(data_dir),
                           server::AccessHeadPath(AccessJournalPath(data_dir)),
                           AccessJournalPath(data_dir), ServerConfigPath(data_dir)}) {
    if (!s.ok() || !std::filesystem::exists(file)) continue;
    std::filesystem::copy_file(file, dir + "/" + std::filesystem::path(file).filename().string(),
                               error);
    if (error) s = Status::IOError("cannot copy " + file + ": " + error.message());
  }
  // The head of the copy itself: while served, the ledger may already have grown past it.
  std::unique_ptr<Ledger> copy;
  if (s.ok()) s = Ledger::Open(DatabaseDir(dir), OpenOptions{}, &copy);
  if (s.ok())
    *answer = "{\"backup\":" + JsonString(dir) + ",\"head\":" + HeadJson(copy->GetHead()) + "}";
  return s;
}

std::string ControlSocketPath(const std::string& data_dir) {
  return std::filesystem::absolute(data_dir + "/control.sock").lexically_normal();
}

int BackupCommand(const Args& args) {
  if (args.positional.size() != 1) return Fail(Status::InvalidArgument("usage: backup DIR"));
  // Absolute, since a server may be the one that writes it.
  const std::string dir = std::filesystem::absolute(args.positional[0]).lexically_normal();
  if (std::filesystem::exists(dir)) return Fail(Status::InvalidArgument(dir + " already exists"));
  int exit_code = 0;
  if (AskServer(ControlSocketPath(args.data), dir, &exit_code)) return exit_code;
  std::unique_ptr<Ledger> ledger;
  std::string answer;
  Status s = OpenLedger(args.data, &ledger);
  if (s.ok()) s = BackupTo(args.data, *ledger, dir, &answer);
  if (!s.ok()) return Fail(s);
  std::cout << answer << "\n";
  return 0;
}

}  // namespace wulian::cli
