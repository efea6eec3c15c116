// Fuzz target: any bytes sent as one request to a real server (routing, query numbers,
// cookies, tokens, Last-Event-ID, chunked bodies, the limits). The server must answer with
// a well-formed status line or close, never crash or hang. `@TOKEN@` in an input becomes an
// admin token, so that the routes behind authentication are reached too. Built by
// tools/fuzz.sh with libFuzzer; tests/fuzz/http_fuzz_smoke_test.cc runs it over mutated
// seeds in the suite.
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include "tests/fuzz/http_fuzz.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "base/time.h"
#include "events/codec.h"
#include "events/signing.h"
#include "events/store.h"
#include "projections/policy.h"
#include "projections/views.h"
#include "server/access.h"
#include "server/server.h"

namespace wulian::fuzz {
namespace {

// How long one input waits for the server to finish answering (a live stream never does).
constexpr int kAnswerWaitMs = 1000;

// A small ledger (two committees, a member, a studio, a contact) served on 127.0.0.1 for
// the life of the process.
struct Served {
  Served() {
    char templ[] = "/tmp/wulian-http-fuzz-XXXXXX";
    dir = ::mkdtemp(templ);
    OpenOptions open;
    open.create_if_missing = true;
    Check(Ledger::Open(dir + "/db", open, &ledger));
    Codec codec;
    Submissions batch;
    for (
        const char* line :
        {R"({"id":"r1","type":"CommitteeRegistered","occurredAt":"2025-03-01T09:30:00+08:00","data":{"committee":"C1","name":"经济委","supervises":false}})",
         R"({"id":"r2","type":"MemberRegistered","occurredAt":"2025-03-01T09:30:00+08:00","data":{"member":"M1","name":"张三","sector":"经济界","committees":["C1"]}})",
         R"({"id":"r3","type":"StudioLicensed","occurredAt":"2025-03-01T09:30:00+08:00","data":{"studio":"S01","name":"鱼洞","linkType":"industry","leadMember":"M1","committee":"C1","partyOrg":"党组","batch":1,"licensedOn":"2024-11-08"}})",
         R"({"id":"r4","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00","data":{"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"停车难"}})"}) {
      Check(codec.ParseLine(line, false, &batch));
    }
    AppendOptions append;
    append.now_micros = *ParseInstant("2025-06-30T12:00:00+08:00");
    std::vector<AppendResult> results;
    Check(ledger->Append(batch, append, &results));
    Check(SigningKey::Create(dir + "/key.pem", &key));
    Check(server::Access::Open(dir + "/access.jsonl", *key, &access));
    Check(access->Grant("admin", server::Role::kAdmin, {}, "2025-06-30T12:00:00+08:00", &token));
    Check(projections::Views::Open(dir + "/views", &views));
    Check(views->CatchUp(*ledger));
    server::ServerOptions options;
    options.port = 0;
    options.data_dir = dir;
    options.request_timeout_ms = 500;
    options.keep_alive_idle_ms = 200;
    options.web_dir = dir + "/web";
    server = std::make_unique<server::Server>(
        server::ServerParts{ledger.get(), views.get(), access.get(), &policy, key.get()}, options);
    Check(server->Start());
    thread = std::thread([this] { server->Run(); });
  }
  ~Served() {
    server->Stop();
    thread.join();
    server.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  static void Check(const Status& s) {
    if (s.ok()) return;
    std::fprintf(stderr, "http fuzz setup: %s\n", s.message().c_str());
    std::abort();
  }

  std::string dir, token;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<SigningKey> key;
  std::unique_ptr<server::Access> access;
  std::unique_ptr<projections::Views> views;
  projections::Policy policy;
  std::unique_ptr<server::Server> server;
  std::thread thread;
};

Served& Instance() {
  static Served* served = new Served();  // lives until the process ends
  return *served;
}

}  // namespace

std::string Exchange(std::string request) {
  Served& served = Instance();
  for (size_t at; (at = request.find("@TOKEN@")) != std::string::npos;) {
    request.replace(at, 7, served.token);
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(served.server->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    // The server may answer and close before it has read everything: no SIGPIPE.
    for (size_t sent = 0; sent < request.size();) {
      const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buf[16384];
    for (;;) {
      pollfd ready{fd, POLLIN, 0};
      if (::poll(&ready, 1, kAnswerWaitMs) <= 0) break;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      answer.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return answer;
}

bool WellFormed(const std::string& answer) {
  if (answer.empty()) return true;  // closed without an answer (a transport error)
  if (answer.size() < 12 || answer.compare(0, 9, "HTTP/1.1 ") != 0) return false;
  const int code = (answer[9] - '0') * 100 + (answer[10] - '0') * 10 + (answer[11] - '0');
  return code >= 100 && code <= 599 && answer.find("\r\n\r\n") != std::string::npos;
}

}  // namespace wulian::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string answer =
      wulian::fuzz::Exchange(std::string(reinterpret_cast<const char*>(data), size));
  if (!wulian::fuzz::WellFormed(answer)) __builtin_trap();
  return 0;
}
