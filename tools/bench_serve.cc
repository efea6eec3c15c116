// `wulian bench serve`: the server against its baselines in one run (SPEC §7).
//   appends: 64 clients, each appending single events over keep-alive HTTP and waiting for
//            each answer, vs single-event appends with one fsync each (the same ledger code);
//   queries: GET /v1/studios/S01 under wrk vs nginx serving a small static file under the
//            same wrk load (when nginx and wrk are installed: apt-get install nginx-light wrk).
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "base/time.h"
#include "events/signing.h"
#include "projections/views.h"
#include "server/server.h"
#include "tools/bench.h"

namespace wulian::cli {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr int kClients = 64;

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ContactLine(const std::string& id) {
  return "{\"id\":\"" + id +
         "\",\"type\":\"ContactRecorded\",\"occurredAt\":\"2026-10-31T12:00:00+08:00\","
         "\"data\":{\"studio\":\"S01\",\"members\":[\"M001\"],\"channel\":\"online\","
         "\"peopleReached\":1,\"topic\":\"基准\"}}";
}

// One event per Append, each with its own fsync: the rate group commit is measured against.
Status SingleFsyncRate(Ledger& ledger, int events, double* rate) {
  Codec codec;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < events; ++i) {
    Submissions batch;
    Status s = codec.ParseLine(ContactLine("single-" + std::to_string(i)), false, &batch);
    AppendOptions options;
    options.now_micros = SystemNowMicros();
    std::vector<AppendResult> results;
    if (s.ok()) s = ledger.Append(batch, options, &results);
    if (!s.ok()) return s;
  }
  *rate = events / Since(start);
  return Status::OK();
}

// kClients clients on keep-alive connections, each appending `per_client` single events.
Status HttpAppendRate(uint16_t port, const std::string& token, int per_client, double* rate) {
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      net::io_context ioc;
      beast::tcp_stream stream(ioc);
      beast::error_code ec;
      stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
      beast::flat_buffer buffer;
      for (int i = 0; i < per_client && !ec; ++i) {
        http::request<http::string_body> req{http::verb::post, "/v1/events", 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::authorization, "Bearer " + token);
        req.keep_alive(true);
        req.body() = ContactLine("load-" + std::to_string(c) + "-" + std::to_string(i));
        req.prepare_payload();
        http::write(stream, req, ec);
        http::response<http::string_body> res;
        if (!ec) http::read(stream, buffer, res, ec);
        if (ec || res.result() != http::status::created) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  *rate = kClients * per_client / Since(start);
  return failures == 0 ? Status::OK()
                       : Status::IOError(std::to_string(failures.load()) + " appends failed");
}

// One wrk run: requests/s, the p99 latency in ms (from --latency), the requests sent and
// those answered with neither 2xx nor 3xx.
struct WrkRun {
  double rps = -1;
  double p99_ms = -1;
  uint64_t requests = 0;
  uint64_t refused = 0;
};

// Runs `wrk -t2 -c64 -d5s --latency` (one request in flight per connection) with `extra`
// arguments (a header, a script) against `url`.
bool Wrk(const std::string& url, const std::string& extra, WrkRun* run) {
  const std::string cmd = "wrk -t2 -c64 -d5s --latency " + extra + " " + url + " 2>&1";
  std::FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return false;
  char line[512];
  *run = WrkRun{};
  while (std::fgets(line, sizeof line, pipe)) {
    double v;
    unsigned long long n;
    char unit[8];
    if (std::sscanf(line, "Requests/sec: %lf", &v) == 1) run->rps = v;
    if (std::sscanf(line, " %llu requests in", &n) == 1) run->requests = n;
    if (std::sscanf(line, " Non-2xx or 3xx responses: %llu", &n) == 1) run->refused = n;
    if (std::sscanf(line, " 99%% %lf%7s", &v, unit) == 2) {
      const std::string u = unit;
      run->p99_ms = u == "us" ? v / 1000 : u == "s" ? v * 1000 : v;
    }
  }
  return pclose(pipe) == 0 && run->rps > 0;
}

// A wrk script that POSTs one ContactLine per request, with ids unique per wrk thread
// ("wrk-THREAD-N"), so that every request is a new append.
std::string WriteAppendScript(const std::string& dir) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/appends.lua";
  std::string line = ContactLine("\x01");
  const size_t hole = line.find("\x01");
  std::ofstream(path)
      << "local threads = 0\n"
      << "function setup(thread) thread:set(\"tid\", threads); threads = threads + 1 end\n"
      << "local n = 0\n"
      << "wrk.method = \"POST\"\n"
      << "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
      << "function request()\n"
      << "  n = n + 1\n"
      << "  return wrk.format(nil, nil, nil, [[" << line.substr(0, hole)
      << "wrk-]] .. tid .. \"-\" .. n .. [[" << line.substr(hole + 1) << "]])\n"
      << "end\n";
  return path;
}

// The CPU time (user and system, every thread) this process has used, in seconds.
double ProcessCpuSeconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

// `run` under wrk, with the CPU this process (the server) spent per request in µs.
bool WrkServer(const std::string& url, const std::string& extra, WrkRun* run, double* cpu_micros) {
  const double cpu = ProcessCpuSeconds();
  const bool ok = Wrk(url, extra, run);
  *cpu_micros = run->requests ? (ProcessCpuSeconds() - cpu) * 1e6 / run->requests : 0;
  return ok;
}

// nginx serving a small static file from `dir` on `port`, under the same wrk load.
bool NginxRate(const std::string& dir, uint16_t port, WrkRun* run) {
  std::filesystem::create_directories(dir + "/logs");
  std::ofstream(dir + "/small.json") << "{\"ok\":true}\n";
  std::ofstream(dir + "/nginx.conf")
      << "worker_processes 1; daemon on; pid " << dir << "/nginx.pid;\n"
      << "error_log " << dir << "/logs/error.log;\nevents { worker_connections 1024; }\n"
      << "http { access_log off; server { listen 127.0.0.1:" << port << "; root " << dir
      << "; } }\n";
  if (std::system(("nginx -p " + dir + " -c " + dir + "/nginx.conf").c_str()) != 0) return false;
  const bool ok = Wrk("http://127.0.0.1:" + std::to_string(port) + "/small.json", "", run);
  std::system(("nginx -p " + dir + " -c " + dir + "/nginx.conf -s stop").c_str());
  return ok;
}

}  // namespace

int BenchServe(const Args& args) {
  uint64_t per_client = 0;
  Status s = args.Uint("per-client", 50, &per_client);
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("wulian-bench-serve-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(dir);
  spdlog::set_level(spdlog::level::warn);
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<projections::Views> views;
  std::unique_ptr<server::Access> tokens;
  std::unique_ptr<SigningKey> key;
  projections::Policy policy;
  std::string token;
  if (s.ok()) s = CreateLedger(dir, &ledger);
  if (s.ok()) s = BuildDemo(*ledger, demo::DemoOptions{demo::DemoOptions{}.seed, 2000});
  if (s.ok()) s = SigningKey::Load(SigningKeyPath(dir), &key);
  if (s.ok()) s = server::Access::Open(AccessJournalPath(dir), *key, &tokens);
  if (s.ok())
    s = tokens->Grant("bench", server::Role::kAdmin, {}, "2026-11-26T00:00:00+08:00", &token);
  if (s.ok()) s = projections::Views::Open(ViewsDir(dir), &views);
  if (s.ok()) s = views->CatchUp(*ledger);
  double single = 0, grouped = 0;
  WrkRun appends, queries, nginx;
  double append_cpu = 0, query_cpu = 0;
  uint64_t appended = 0;  // events the wrk appends added to the ledger
  if (s.ok()) s = SingleFsyncRate(*ledger, 300, &single);
  bool wrk_ok = false, queries_ok = false, nginx_ok = false;
  if (s.ok()) {
    server::ServerOptions options;
    options.port = 0;
    options.data_dir = dir;
    server::Server server({ledger.get(), views.get(), tokens.get(), &policy, key.get()}, options);
    s = server.Start();
    std::thread serving;
    if (s.ok()) serving = std::thread([&] { server.Run(); });
    if (s.ok()) s = HttpAppendRate(server.port(), token, static_cast<int>(per_client), &grouped);
    if (s.ok()) {
      const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
      const std::string auth = "-H 'Authorization: Bearer " + token + "'";
      // The queries first, against the same ledger as before the wrk appends were measured.
      queries_ok = WrkServer(base + "/v1/studios/S01", auth, &queries, &query_cpu);
      nginx_ok =
          queries_ok && NginxRate(dir + "/nginx", static_cast<uint16_t>(server.port() + 1), &nginx);
      const uint64_t before = ledger->GetHead().seq;
      wrk_ok = WrkServer(base + "/v1/events", auth + " -s " + WriteAppendScript(dir + "/wrk"),
                         &appends, &append_cpu);
      appended = ledger->GetHead().seq - before;
    }
    server.Stop();
    if (serving.joinable()) serving.join();
  }
  views.reset();
  ledger.reset();
  std::filesystem::remove_all(dir);
  if (!s.ok()) return PrintError(s), s.ExitCode();
  // wrk counts the answers it read: each is one new event, and those still in flight when it
  // stopped (one per connection at most) are appended too.
  if (wrk_ok && (appends.refused > 0 || appended < appends.requests ||
                 appended > appends.requests + kClients)) {
    PrintError(Status::IOError(std::to_string(appends.refused) + " of " +
                               std::to_string(appends.requests) + " wrk appends refused, " +
                               std::to_string(appended) + " appended"));
    return 1;
  }
  std::cout << "{\"bench\":\"serve\",\"appends\":{\"clients\":" << kClients
            << ",\"perClient\":" << per_client
            << ",\"httpEventsPerSecond\":" << static_cast<uint64_t>(grouped)
            << ",\"oneFsyncPerEventPerSecond\":" << static_cast<uint64_t>(single)
            << ",\"ratio\":" << grouped / single << ",\"goal\":20,\"wrk\":";
  if (!wrk_ok) {
    std::cout << "{\"skipped\":\"needs wrk (apt-get install wrk)\"}";
  } else {
    std::cout << "{\"eventsPerSecond\":" << static_cast<uint64_t>(appends.rps)
              << ",\"events\":" << appended << ",\"p99Ms\":" << appends.p99_ms
              << ",\"serverCpuMicrosPerEvent\":" << append_cpu
              << ",\"ratio\":" << appends.rps / single;
    if (nginx_ok) std::cout << ",\"ofNginx\":" << appends.rps / nginx.rps;
    std::cout << "}";
  }
  std::cout << "},\"queries\":";
  if (!queries_ok || !nginx_ok) {
    std::cout << "{\"skipped\":\"needs wrk and nginx (apt-get install wrk nginx-light)\"}}\n";
    return 0;
  }
  std::cout << "{\"studioRequestsPerSecond\":" << static_cast<uint64_t>(queries.rps)
            << ",\"studioP99Ms\":" << queries.p99_ms
            << ",\"serverCpuMicrosPerRequest\":" << query_cpu
            << ",\"nginxRequestsPerSecond\":" << static_cast<uint64_t>(nginx.rps)
            << ",\"nginxP99Ms\":" << nginx.p99_ms << ",\"ratio\":" << queries.rps / nginx.rps
            << ",\"goal\":0.4,\"goalP99Ms\":2}}\n";
  return 0;
}

}  // namespace wulian::cli
