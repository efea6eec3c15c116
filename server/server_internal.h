// Internals of the server shared by server.cc (connections) and routes.cc (handlers).
#pragma once

// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <algorithm>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "server/commit.h"
#include "server/hub.h"
#include "server/metrics.h"
#include "server/server.h"
#include "server/sessions.h"
#include "server/slots.h"
#include "server/static_files.h"
#include "server/view_cache.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace wulian::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct Server::Impl {
  Impl(const ServerParts& parts, const ServerOptions& options);

  // The views follow the log on their own thread, woken by each commit, catching up at most
  // every options.views_follow_ms unless a query waits for them.
  void FollowLog();

  ServerParts parts;
  ServerOptions options;
  std::unique_ptr<net::ssl::context> tls;  // set when the server speaks HTTPS
  Metrics metrics;
  net::io_context ioc{static_cast<int>(kServerThreads)};
  tcp::acceptor acceptor{ioc};
  net::local::stream_protocol::acceptor control{ioc};  // open when options.control_socket is set
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  net::thread_pool blocking{static_cast<size_t>(std::max(1, options.reports_running_max))};
  std::atomic<int> reports_admitted{0};           // running or waiting for the pool
  net::thread_pool live_reads{kLiveReadThreads};  // live streams' catch-up reads
  Hub committed;  // woken with the head after every commit (live subscriptions)
  Hub projected;  // woken with the views' seq after every catch-up (?minSeq=)
  std::unique_ptr<GroupCommitter> committer;
  std::mutex follow_mu;
  std::condition_variable follow_cv;
  uint64_t follow_target = 0;  // guarded by follow_mu
  uint64_t follow_wake = 0;    // the highest seq a ?minSeq= query waits for; guarded by follow_mu
  std::atomic<bool> stopping{false};
  std::atomic<int64_t> in_flight{0};  // requests being handled
  Slots connections;                  // by client address
  Slots live;                         // live streams by token or person name
  std::thread follower;
  std::atomic<uint64_t> report_seq{0};
  ViewCache view_cache;
  StaticFiles web;
  Sessions sessions{options.session_idle_ms};
  Throttle login_throttle{options.sign_in_failures_free};
  Throttle address_throttle{options.sign_in_failures_free * 10};
};

// The path and the decoded query parameters of a request target.
struct Target {
  std::string path;
  std::map<std::string, std::string> query;
};

// One request being handled.
struct Call {
  Server::Impl& impl;
  Request& req;
  Target target;
  Principal who;
  std::string peer;        // the client's address
  std::string session_id;  // the cookie's session, when the request came with one
  std::string csrf;        // that session's CSRF token
  // Whether the client has closed its connection (safe from any thread while the session
  // waits for the answer); null: never.
  std::function<bool()> client_gone = nullptr;
};

inline const std::initializer_list<Role> kReaders = {Role::kSupervisor, Role::kAuditor,
                                                     Role::kAdmin};

inline bool Can(const Principal& p, std::initializer_list<Role> roles) {
  for (Role r : roles) {
    if (p.role == r) return true;
  }
  return false;
}

inline bool OwnStudio(const Principal& p, const std::string& studio) {
  return std::find(p.studios.begin(), p.studios.end(), studio) != p.studios.end();
}

// A whole number of 0 to 2^64 − 1, digits only.
bool WholeNumber(std::string_view text, uint64_t* out);
// A query parameter as a whole number; nullopt when absent, error when malformed.
Status UintParam(const Target& t, const std::string& name, std::optional<uint64_t>* out);
// {"error": {"code", "message"}} with `status`.
Response Plain(const Request& req, http::status status, const std::string& code,
               const std::string& message);
Response Forbidden(const Request& req);
// The JSON-Lines text as one JSON array.
std::string LinesToArray(const std::string& lines);

// Waits until `hub` reaches `target` or `timeout_ms` passes; true if reached.
net::awaitable<bool> WaitFor(Hub& hub, uint64_t target, int timeout_ms);
// A cookie rides along on any request the browser makes, so a request that changes state
// must show that it comes from the workspace itself: its Origin (http:// or, when the server
// speaks TLS, https:// and the Host), or the session's CSRF token.
bool FromWorkspace(const Server::Impl& impl, const Request& req, const std::string& csrf);
// The studio of a stream ("studio/S01" → "S01"), or "" for another stream.
std::string StudioOfStream(const std::string& stream);

// The routes of the people and the workspace (access_routes.cc, workspace_routes.cc); each
// returns nullopt when the request is not one of its routes.
net::awaitable<std::optional<Response>> SessionRoute(Call& c);
net::awaitable<std::optional<Response>> AdminRoute(Call& c);
net::awaitable<std::optional<Response>> WorkspaceRoute(Call& c);
// The downloads of document_routes.cc: GET /v1/members/{id}/file (the member's annual file),
// /v1/notice (the periodic notice), /v1/views.xlsx (the views as a workbook).
net::awaitable<Response> MemberFileRoute(Call& c, const std::string& id);
net::awaitable<Response> NoticeRoute(Call& c);
net::awaitable<Response> ViewsWorkbookRoute(Call& c);
// Runs `build` on the blocking pool under the reports' admission limit (UNAVAILABLE beyond
// it); a build that waited longer than the request timeout, or whose client has gone, is
// dropped unbuilt.
net::awaitable<std::pair<Status, std::string>> BuildDocument(
    Call& c, std::function<Status(std::string*)> build);
// Authenticates by bearer token or session cookie; sets c.who, c.session_id and c.csrf.
bool Authenticate(Call& c);
// Who a request authenticated as, found once and handed on.
struct Authenticated {
  Principal who;
  std::string session_id, csrf;
};
// Whether `path` is an API route (`/v1…`, `/metrics`): each but /v1/session needs a token
// or session.
bool IsApiPath(const std::string& path);
// 401 with WWW-Authenticate: Bearer.
Response Unauthorized(const Request& req);
// Who may follow /v1/events/live: readers, and recorders (their studios' events).
bool MayFollowLive(const Principal& who);

// For a request whose header came and whose body has not: the 401 its route would answer
// (an API route without a valid token or session), so that the body is never read; else
// nullopt, with *passed set to who it authenticated as, if it is an API route.
std::optional<Response> RefuseBeforeBody(Server::Impl& impl, Request& header,
                                         std::optional<Authenticated>* passed);
// Answers one request from `peer` (the client's address), authenticated already if `passed`
// is set. Sets *live to the subscriber when the request is a live subscription, which the
// session then serves itself with ServeLive.
// `client_gone` tells whether the client has closed its connection (slow work checks it
// before it starts).
net::awaitable<Response> Handle(Server::Impl& impl, Request& request, const std::string& peer,
                                const std::optional<Authenticated>& passed,
                                std::optional<Principal>* live,
                                const std::function<bool()>& client_gone);
// Writes a piece of a live stream to the client within the write timeout; false once the
// client is gone or too slow.
using LiveSink = std::function<net::awaitable<bool>(std::string)>;
// Serves GET /v1/events/live through `send` until the client goes, the server
// stops, or the request's token or session no longer authenticates (checked every
// kLiveRecheckMs: a revocation, a sign-out, a disabled person); recorders get only their
// studios' events, as their studios are at each check.
net::awaitable<void> ServeLive(Server::Impl& impl, const LiveSink& send, Request& request,
                               Principal who);

// `body` as built (a workbook or a PDF must not gain a byte), of `content_type`, not to be
// cached.
Response BodyResponse(const Request& req, http::status status, const char* content_type,
                      std::string body);
// A JSON response with the given status, ending in a newline.
Response JsonResponse(const Request& request, http::status status, std::string body);
// {"error": {"code", "message", "index"?}} with the status SPEC §6.2 maps the code to.
Response ErrorResponse(const Request& request, const Status& error, bool with_index = false);

}  // namespace wulian::server
