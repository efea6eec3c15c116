// The HTTP API of SPEC §6.2 on Boost.Asio and Beast.
//
// Shape (Beast's awaitable server): a listener coroutine accepts connections, each session
// is a coroutine on its own strand, reading requests with Beast's parser limits and
// answering them in order (keep-alive). Appends go through one GroupCommitter; the views
// follow the log on their own thread; live subscribers are woken at every commit. SIGINT
// and SIGTERM stop accepting, let sessions finish the request in hand, drain the committer
// (every acknowledged append is synced) and stop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "events/signing.h"
#include "events/store.h"
#include "projections/policy.h"
#include "projections/views.h"
#include "server/access.h"

namespace wulian::server {

// Limits at the edge.
inline constexpr size_t kHeaderBytesMax = 8 * 1024;
inline constexpr size_t kRequestBodyBytesMax = 4 * 1024 * 1024;
inline constexpr int kRequestTimeoutMs = 10'000;  // to read one request, once it has begun
inline constexpr int kWriteTimeoutMs = 10'000;    // to write one response
inline constexpr int kKeepAliveIdleMs = 5'000;    // a kept-alive connection waits this long
inline constexpr int64_t kConnectionsMax = 512;
inline constexpr int64_t kConnectionsPerAddressMax = 128;  // of one client address
inline constexpr int kRequestsPerConnectionMax = 1'000;    // then the connection closes
inline constexpr int kMinSeqWaitMsMax = 5'000;             // ?minSeq= waits at most this long
inline constexpr int kLiveHeartbeatMs = 15'000;            // SSE comment line when idle
inline constexpr int kLiveRecheckMs = 500;                 // a live stream re-checks its credential
inline constexpr int64_t kLiveSubscribersMax = 256;        // live streams in all
inline constexpr int64_t kLiveSubscribersPerNameMax = 16;  // of one token or person
inline constexpr size_t kEventsPageMax = 1000;             // GET /v1/events?limit=
// A live stream is read a page at a time (at most kEventsPageMax events, and no more once
// this many bytes of it are ready) on its own thread; the page is the subscriber's whole
// unsent backlog, and one that does not take it within the write timeout is dropped.
inline constexpr size_t kLivePageBytesMax = 1 << 20;
inline constexpr size_t kLiveReadThreads = 1;
inline constexpr size_t kServerThreads = 2;
// Under a stream of commits the views catch up at most this often (each catch-up is one
// checkpoint write of everything it changed), unless a ?minSeq= query waits for them; after
// a quiet spell the first commit is caught up at once.
inline constexpr int kViewsFollowMs = 20;
inline constexpr int kDrainMsMax = 5'000;  // on stop, requests in hand get this long
inline constexpr int64_t kSessionIdleMsDefault = 8 * 3600 * 1000;
inline constexpr int kSignInFailuresFreeDefault = 5;  // per login; ten times that per address
inline constexpr size_t kTimelinePageMax = 100;       // GET /v1/studios/{id}/timeline?limit=
// Reports (GET /v1/reports): built at most this many at once, this many more waiting; over
// that, 503 with Retry-After. Recorded-axis reports of a past moment are kept on disk
// (DATA/report-cache), at most kReportCacheFilesMax files, the oldest dropped first.
inline constexpr int kReportsRunningMax = 2;
inline constexpr int kReportsQueuedMax = 8;
inline constexpr size_t kReportCacheFilesMax = 256;
// After a failed accept (out of descriptors, say) the next waits, doubling between these.
inline constexpr int kAcceptBackoffMsMin = 10;
inline constexpr int kAcceptBackoffMsMax = 1'000;
// Descriptors: `serve` raises its soft RLIMIT_NOFILE to the hard limit, at most this many.
inline constexpr uint64_t kOpenFilesWanted = 65'536;

struct ServerOptions {
  // Address and port to listen on; port 0 picks a free one (see Server::port()).
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  // PEM files of the certificate chain and its private key: both set, the server speaks only
  // HTTPS (TLS 1.2 or later, OpenSSL through Beast's ssl_stream); both empty, plain HTTP.
  std::string tls_cert;
  std::string tls_key;
  // The ledger directory, for scratch space of reports.
  std::string data_dir;
  // A Unix socket (in the private ledger directory) where the ledger's owner asks the running
  // server for a backup (`wulian backup DIR`); empty: none. See ControlSocket below.
  std::string control_socket;
  // Time to read one request once its first byte came (the first request of a connection:
  // from the accept), and to write one response.
  int request_timeout_ms = kRequestTimeoutMs;
  int write_timeout_ms = kWriteTimeoutMs;
  // How long a kept-alive connection may wait for its next request.
  int keep_alive_idle_ms = kKeepAliveIdleMs;
  // Connections in all, of one client address, and requests on one connection.
  int64_t connections_max = kConnectionsMax;
  int64_t connections_per_address_max = kConnectionsPerAddressMax;
  int requests_per_connection_max = kRequestsPerConnectionMax;
  // Live subscriptions in all and of one token or person; over either, 503.
  int64_t live_subscribers_max = kLiveSubscribersMax;
  int64_t live_subscribers_per_name_max = kLiveSubscribersPerNameMax;
  // Reports built at once (the blocking pool's threads) and waiting beyond those.
  int reports_running_max = kReportsRunningMax;
  int reports_queued_max = kReportsQueuedMax;
  // The views catch up at most this often under load (kViewsFollowMs).
  int views_follow_ms = kViewsFollowMs;
  // The built web workspace (web/dist); empty or missing: a page says it is not built.
  std::string web_dir;
  // A session unused this long ends (DATA/server.json "sessionIdleMinutes").
  int64_t session_idle_ms = kSessionIdleMsDefault;
  // Failed sign-ins of one login before each further attempt must wait (doubling from 1 s).
  int sign_in_failures_free = kSignInFailuresFreeDefault;
};

// DATA/server.json: {"sessionIdleMinutes": 480, "signInFailuresFree": 5}. A missing file or
// key gives the default; `WriteDefault` writes the file unless it exists.
Status LoadServerConfig(const std::string& path, ServerOptions* options);
// Raises the soft limit of open files towards kOpenFilesWanted (never above the hard limit);
// sets *limit to the soft limit in force.
Status RaiseOpenFilesLimit(uint64_t* limit);
Status WriteDefaultServerConfig(const std::string& path);

// Makes a consistent copy of the ledger in `dir` while it is served; sets *answer to the
// JSON line that `wulian backup` prints.
using BackupFunction = std::function<Status(const std::string& dir, std::string* answer)>;

// What the server needs, owned by the caller (main wires them): the ledger, its views, its
// tokens and people, its policy, its signing key, and how to back it up.
struct ServerParts {
  Ledger* ledger;
  projections::Views* views;
  Access* access;
  const projections::Policy* policy;
  const SigningKey* key;
  BackupFunction backup = {};  // none: the control socket answers UNAVAILABLE
};

// The control socket: a stream socket whose mode (0600, in a 0700 directory) and peer
// credentials (only the server's own user) admit the ledger's owner alone. One request line
// per connection, one answer, then the connection closes:
//   request := "backup " ABSOLUTE-DIR "\n"
//   answer  := EXIT-CODE "\n" JSON-LINE "\n"      (what `wulian backup` exits with and prints)
inline constexpr size_t kControlRequestBytesMax = 4096;
inline constexpr int kControlRequestTimeoutMs = 10'000;

class Server {
 public:
  Server(const ServerParts& parts, const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS certificate and key (if set) and binds the listening socket.
  Status Start();
  uint16_t port() const;
  // Serves until Stop() or SIGINT/SIGTERM; then drains and returns.
  void Run();
  // Asks Run() to stop; safe from any thread.
  void Stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wulian::server
