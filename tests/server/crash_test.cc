// SIGKILL of `wulian serve` under concurrent appends: every acknowledged event survives with
// its seq, the log verifies, and the views catch up to what a full rebuild gives.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/server/harness.h"
#include "tests/tools/runner.h"

namespace wulian {
namespace {

namespace net = testing::net;
namespace beast = testing::beast;
namespace http = testing::http;
using testing::SplitLines;
using testing::TempDir;
using testing::Wulian;

// One request on a new connection: the status (0 when the connection failed), the body,
// and the whole answer as sent (headers included).
struct Answer {
  int status = 0;
  std::string body, raw;
};
Answer Send(uint16_t port, const std::string& token, http::verb method, const std::string& target,
            const std::string& body = "") {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return {};
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.body() = body;
    req.prepare_payload();
  }
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buffer, res, ec);
  if (ec) return {};
  std::ostringstream raw;
  raw << res;
  return {static_cast<int>(res.result_int()), res.body(), raw.str()};
}

// A token of `role` granted with `wulian token add` on the ledger in DIR/ledger.
std::string AddToken(const std::string& dir, const std::string& role, const std::string& name) {
  const std::string added = Wulian(dir, "token add --role " + role + " --name " + name).out;
  return added.substr(added.find("wl_"), 67);
}

// Starts `wulian serve` on a free port; returns its pid and port. With `open_files`, the
// server may hold at most that many descriptors (soft and hard limit); with `log`, its
// stderr goes there (a descriptor the caller reads), else to /dev/null.
pid_t Serve(const std::string& data, uint16_t* port, rlim_t open_files = 0, int log = -1) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    dup2(log >= 0 ? log : ::open("/dev/null", O_WRONLY), 2);
    if (open_files > 0) {
      const rlimit limit{open_files, open_files};
      setrlimit(RLIMIT_NOFILE, &limit);
    }
    execl(testing::Bin().c_str(), "wulian", "--data", data.c_str(), "serve", "--listen",
          "127.0.0.1:0", nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  const size_t colon = line.find(':', line.find("127.0.0.1"));
  *port = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
  return pid;
}

// Clients that append ContactRecorded events to a server on `port` until stopped (or until the
// server goes), keeping what was acknowledged.
class AppendLoad {
 public:
  using Acks = std::vector<std::pair<std::string, uint64_t>>;  // id → seq
  AppendLoad(uint16_t port, const std::string& token, int clients) : running_(clients) {
    for (int t = 0; t < clients; ++t) {
      clients_.emplace_back([this, port, token, t] {
        // However the client ends (the server gone, a failed assertion), waiters wake.
        struct Gone {
          AppendLoad* load;
          ~Gone() {
            std::lock_guard<std::mutex> lock(load->mu_);
            --load->running_;
            load->grew_.notify_all();
          }
        } gone{this};
        for (int n = 0; n < 100000 && !stop_; ++n) {
          const std::string id = "k-" + std::to_string(t) + "-" + std::to_string(n);
          auto [status, body, raw] = Send(
              port, token, http::verb::post, "/v1/events",
              testing::Event(
                  id, "ContactRecorded",
                  R"({"studio":"S01","members":["M001"],"channel":"online","peopleReached":1,"topic":"负载"})",
                  "2026-10-31T12:00:00+08:00"));
          if (status == 0) return;
          std::lock_guard<std::mutex> lock(mu_);
          if (status == 507) {  // a full disk: nothing was written
            ASSERT_NE(body.find("\"code\":\"NO_SPACE\""), std::string::npos) << body;
            ++refused_;
          } else {
            ASSERT_EQ(status, 201) << body;
            acked_.emplace_back(id, std::stoull(body.substr(7)));
          }
          grew_.notify_all();
        }
      });
    }
  }
  ~AppendLoad() { Stop(); }
  // Blocks until at least `count` appends were acknowledged in all; false if every client
  // ended first (the server went away).
  bool WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    grew_.wait(lock, [&] { return acked_.size() >= count || running_ == 0; });
    return acked_.size() >= count;
  }
  // Blocks until at least `count` appends were refused for a full disk in all; false as above.
  bool WaitForRefusals(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    grew_.wait(lock, [&] { return refused_ >= count || running_ == 0; });
    return refused_ >= count;
  }
  Acks Acked() {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }
  void Stop() {
    stop_ = true;
    for (auto& c : clients_) c.join();
    clients_.clear();
  }

 private:
  std::mutex mu_;
  std::condition_variable grew_;
  Acks acked_;
  size_t refused_ = 0;
  int running_;  // clients not yet ended
  std::atomic<bool> stop_{false};
  std::vector<std::thread> clients_;
};

// The events from seq 3001 on of the ledger in DIR/ledger, by seq: their ids.
std::map<uint64_t, std::string> IdsAfterTheDemo(const std::string& dir) {
  std::map<uint64_t, std::string> stored;
  for (const auto& line : SplitLines(Wulian(dir, "export --from 3001").out)) {
    const size_t at = line.find("\"id\":\"") + 6;
    stored[std::stoull(line.substr(7))] = line.substr(at, line.find('"', at) - at);
  }
  return stored;
}

// `wulian serve` over a 3000-event demo ledger in ROOT/ledger, with an admin token "load".
struct ServedDemo {
  explicit ServedDemo(const std::string& root) : data(root + "/ledger") {
    EXPECT_EQ(Wulian(root, "demo --events 3000").exit_code, 0);
    token = AddToken(root, "admin", "load");
    pid = Serve(data, &port);
  }
  std::string data, token;
  uint16_t port = 0;
  pid_t pid = 0;
};

TEST(CrashTest, KilledUnderConcurrentAppendsLosesNoAcknowledgedEvent) {
  TempDir dir;
  ServedDemo served(dir.path());
  const auto& [data, token, port, pid] = served;
  AppendLoad load(port, token, 8);
  ASSERT_TRUE(load.WaitFor(300));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  load.Stop();
  const AppendLoad::Acks acked = load.Acked();

  ASSERT_EQ(Wulian(dir.path(), "verify").exit_code, 0);
  std::map<uint64_t, std::string> stored = IdsAfterTheDemo(dir.path());
  ASSERT_GE(stored.size(), acked.size());
  for (const auto& [id, seq] : acked)
    EXPECT_EQ(stored[seq], id) << "acknowledged event " << seq << " lost or moved";

  // The views the server left behind catch up to exactly what a full rebuild gives.
  const std::string now = "WULIAN_NOW=2026-11-26T10:00:00+08:00";
  const std::string caught_up = Wulian(dir.path(), "query studios", "", now).out;
  ASSERT_EQ(Wulian(dir.path(), "rebuild").exit_code, 0);
  EXPECT_EQ(Wulian(dir.path(), "query studios", "", now).out, caught_up);
}

// GET /healthz on `socket`, already connected; the status, or 0 if no answer came.
int Health(net::ip::tcp::socket& socket) {
  const timeval limit{10, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  beast::error_code ec;
  http::request<http::empty_body> req{http::verb::get, "/healthz", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(socket, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(socket, buffer, res, ec);
  return ec ? 0 : static_cast<int>(res.result_int());
}

// Out of descriptors, the accept loop waits between failed accepts (it used to retry at
// once, as fast as it could spin and log), and answers again once descriptors are free.
TEST(FaultTest, OutOfDescriptorsTheAcceptLoopBacksOffAndRecovers) {
  TempDir dir;
  const std::string data = dir.path() + "/ledger";
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  ASSERT_EQ(Wulian(dir.path(), "append", testing::Lines(testing::Registry())).exit_code, 0);
  auto descriptors = [](pid_t pid) {
    const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
    return static_cast<rlim_t>(std::distance(std::filesystem::directory_iterator(fds),
                                             std::filesystem::directory_iterator()));
  };
  uint16_t port = 0;
  pid_t pid = Serve(data, &port);
  const rlim_t idle = descriptors(pid);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);

  // Room for four connections; stderr read line by line on a thread of its own.
  int err[2];
  ASSERT_EQ(pipe2(err, O_CLOEXEC), 0);  // only the dup on the child's stderr stays open
  pid = Serve(data, &port, idle + 4, err[1]);
  close(err[1]);
  std::mutex mu;
  std::condition_variable logged;
  std::deque<std::string> lines;
  bool closed = false;
  std::thread reader([&] {
    std::string line;
    char c;
    while (read(err[0], &c, 1) == 1) {
      if (c != '\n') {
        line += c;
        continue;
      }
      std::lock_guard<std::mutex> lock(mu);
      lines.push_back(std::move(line));
      line.clear();
      logged.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    closed = true;
    logged.notify_all();
  });
  auto accept_failures = [&] {
    return std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
      return l.find("accept:") != std::string::npos;
    });
  };
  net::io_context ioc;
  const net::ip::tcp::endpoint server(net::ip::make_address("127.0.0.1"), port);
  std::vector<std::unique_ptr<net::ip::tcp::socket>> held;
  for (int i = 0; i < 12; ++i) {
    held.push_back(std::make_unique<net::ip::tcp::socket>(ioc));
    held.back()->connect(server);
  }
  net::ip::tcp::socket probe(ioc);
  probe.connect(server);  // waits in the backlog behind the others
  {
    std::unique_lock<std::mutex> lock(mu);
    logged.wait(lock, [&] { return closed || accept_failures() > 0; });
    ASSERT_GT(accept_failures(), 0) << "the server never ran out of descriptors";
  }
  held.clear();  // the server sees them close and frees their descriptors
  EXPECT_EQ(Health(probe), 200);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  reader.join();
  close(err[0]);
  // Failures between the first and the answer: a handful of paused retries, not a spin.
  EXPECT_LE(accept_failures(), 30);
  // `serve` says what limit it runs with: here the hard limit, which it cannot raise.
  EXPECT_NE(std::find_if(lines.begin(), lines.end(),
                         [&](const std::string& l) {
                           return l.find("open files limit " + std::to_string(idle + 4)) !=
                                  std::string::npos;
                         }),
            lines.end());
}

// 64 occurred-axis reports at once: at most 2 are built and 8 wait, the rest get 503 with
// Retry-After at once (the queue used to take every one); views and /healthz answer
// meanwhile.
TEST(FaultTest, AFloodOfReportsIsBoundedAndTheRestStillAnswers) {
  TempDir dir;
  const std::string data = dir.path() + "/ledger";
  ASSERT_EQ(Wulian(dir.path(), "demo --events 3000").exit_code, 0);
  const std::string token = AddToken(dir.path(), "auditor", "reader");
  uint16_t port = 0;
  const pid_t pid = Serve(data, &port);
  std::vector<Answer> answers(64);
  std::vector<std::thread> clients;
  for (size_t i = 0; i < answers.size(); ++i) {
    clients.emplace_back([&, i] {
      answers[i] =
          Send(port, token, http::verb::get,
               "/v1/reports?axis=occurred&asOf=2026-06-01T00:00:00%2B08:00&n=" + std::to_string(i));
    });
  }
  const auto start = std::chrono::steady_clock::now();
  const Answer health = Send(port, "", http::verb::get, "/healthz");
  const double health_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const Answer view = Send(port, token, http::verb::get, "/v1/studios/S01");
  const double view_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (auto& c : clients) c.join();
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(view.status, 200);
  size_t built = 0, refused = 0;
  for (const auto& [status, body, raw] : answers) {
    if (status == 200) {
      ++built;
      EXPECT_EQ(body.rfind("{\"head\":", 0), 0u) << body.substr(0, 100);
    } else {
      EXPECT_EQ(status, 503) << raw;
      EXPECT_NE(raw.find("Retry-After: 1"), std::string::npos) << raw;
      ++refused;
    }
  }
  EXPECT_GT(refused, 0u) << "every report was queued";
  EXPECT_GE(built, 1u);
  std::printf("64 reports at once: %zu built, %zu refused; /healthz %.1f ms, a view %.1f ms\n",
              built, refused, health_ms, view_ms);
}

// `wulian backup` while the server appends under load: the server makes the copy (it holds
// the ledger), which verifies, rebuilds its views, and holds every event acknowledged before
// the backup began. Once the server is gone (killed: its socket file stays behind) the
// command opens the ledger itself.
TEST(FaultTest, ABackupWhileServingUnderLoadHoldsEveryAcknowledgedEvent) {
  TempDir dir;
  ServedDemo served(dir.path());
  const auto& [data, token, port, pid] = served;
  AppendLoad load(port, token, 4);
  ASSERT_TRUE(load.WaitFor(200));
  const AppendLoad::Acks before = load.Acked();
  const std::string copy = dir.path() + "/copy";
  std::filesystem::create_directories(copy);
  const testing::Output backup = Wulian(dir.path(), "backup " + copy + "/ledger");
  ASSERT_EQ(backup.exit_code, 0) << backup.out;
  const size_t during = load.Acked().size();
  EXPECT_TRUE(load.WaitFor(during + 100));  // the load went on through the backup and after
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  load.Stop();

  EXPECT_EQ(backup.out.rfind("{\"backup\":\"" + copy + "/ledger\",\"head\":{\"seq\":", 0), 0u)
      << backup.out;
  const testing::Output verified = Wulian(copy, "verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
  EXPECT_EQ(Wulian(copy, "rebuild").exit_code, 0);
  EXPECT_EQ(Wulian(copy, "query studio S01").exit_code, 0);
  EXPECT_EQ(Wulian(copy, "token list").exit_code, 0);  // its journal and signed head hold
  std::map<uint64_t, std::string> stored = IdsAfterTheDemo(copy);
  for (const auto& [id, seq] : before)
    EXPECT_EQ(stored[seq], id) << "event " << seq << ", acknowledged before the backup, is missing";
  std::printf("backup under load: %zu acknowledged before it, %zu in the copy\n", before.size(),
              stored.size());

  // The server was killed and left its socket file: the command makes the copy itself.
  ASSERT_TRUE(std::filesystem::exists(data + "/control.sock"));
  const testing::Output direct = Wulian(dir.path(), "backup " + dir.path() + "/copy2/ledger");
  EXPECT_EQ(direct.exit_code, 0) << direct.out;
  EXPECT_EQ(Wulian(dir.path() + "/copy2", "verify").exit_code, 0);
  // A server that stops takes its socket with it.
  uint16_t again_port = 0;
  const pid_t again = Serve(data, &again_port);
  EXPECT_TRUE(std::filesystem::exists(data + "/control.sock"));
  kill(again, SIGTERM);
  waitpid(again, nullptr, 0);
  EXPECT_FALSE(std::filesystem::exists(data + "/control.sock"));
}

// A tmpfs of its own for a test, unmounted when it ends; empty path when this process may not
// mount one.
struct SmallDisk {
  explicit SmallDisk(const std::string& where, const std::string& size) : path(where) {
    std::filesystem::create_directories(path);
    if (::mount("tmpfs", path.c_str(), "tmpfs", 0, ("size=" + size + ",mode=0700").c_str()) != 0)
      path.clear();
  }
  ~SmallDisk() {
    if (!path.empty()) ::umount2(path.c_str(), MNT_DETACH);
  }
  std::string path;
};

// Fills the file system of `dir` to the last byte with the file `dir`/filler.
void FillToTheBrim(const std::string& dir) {
  const int fd = ::open((dir + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  const std::string block(1 << 20, 'x');
  for (size_t size = block.size(); size > 0;) {
    if (::write(fd, block.data(), size) < 0) size /= 2;  // ENOSPC: smaller pieces, to 1 byte
  }
  ::close(fd);
  struct statvfs disk {};
  ASSERT_EQ(::statvfs(dir.c_str(), &disk), 0);
  ASSERT_EQ(disk.f_bavail, 0u);
}

// A ledger on a small tmpfs filled to the brim under load: appends are refused with 507
// NO_SPACE and the server stays up; once space returns the appends go on; nothing
// acknowledged is lost, the log verifies and the views equal a rebuild.
TEST(FaultTest, OnAFullDiskAppendsAreRefusedAndNothingAcknowledgedIsLost) {
  TempDir dir;
  SmallDisk disk(dir.path() + "/disk", "512m");
  if (disk.path.empty()) GTEST_SKIP() << "mounting a tmpfs needs root (CAP_SYS_ADMIN)";
  ServedDemo served(disk.path);
  const auto& [data, token, port, pid] = served;
  AppendLoad load(port, token, 4);
  ASSERT_TRUE(load.WaitFor(100));
  FillToTheBrim(disk.path);
  EXPECT_TRUE(load.WaitForRefusals(50)) << "the server went away on a full disk";
  const size_t before_space = load.Acked().size();
  EXPECT_EQ(Send(port, "", http::verb::get, "/healthz").status, 200);
  EXPECT_EQ(Send(port, token, http::verb::get, "/v1/studios/S01").status, 200);
  std::filesystem::remove(disk.path + "/filler");
  EXPECT_TRUE(load.WaitFor(before_space + 100)) << "no append after space returned";
  load.Stop();
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);

  const AppendLoad::Acks acked = load.Acked();
  ASSERT_EQ(Wulian(disk.path, "verify").exit_code, 0);
  std::map<uint64_t, std::string> stored = IdsAfterTheDemo(disk.path);
  EXPECT_EQ(stored.size(), acked.size()) << "only acknowledged appends were written";
  for (const auto& [id, seq] : acked) EXPECT_EQ(stored[seq], id) << "event " << seq << " lost";
  const std::string now = "WULIAN_NOW=2026-11-26T10:00:00+08:00";
  const std::string caught_up = Wulian(disk.path, "query studios", "", now).out;
  ASSERT_EQ(Wulian(disk.path, "rebuild").exit_code, 0);
  EXPECT_EQ(Wulian(disk.path, "query studios", "", now).out, caught_up);
}

}  // namespace
}  // namespace wulian
