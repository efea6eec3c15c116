// Internals of the server shared by server.cc (connections) and routes.cc (handlers).
#pragma once

// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "server/commit.h"
#include "server/hub.h"
#include "server/metrics.h"
#include "server/server.h"

namespace wulian::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Rendered view answers, reused while the views and the reference second are the same.
class ViewCache {
 public:
  static constexpr size_t kEntriesMax = 4096;
  std::optional<std::string> Get(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& key, const std::string& body) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= kEntriesMax) entries_.clear();
    entries_[key] = body;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::string> entries_;
};

struct Server::Impl {
  Impl(const ServerParts& parts, const ServerOptions& options);

  // The views follow the log on their own thread, woken by each commit.
  void FollowLog();

  ServerParts parts;
  ServerOptions options;
  Metrics metrics;
  net::io_context ioc{static_cast<int>(kServerThreads)};
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  net::thread_pool blocking{2};  // reports and other slow reads
  Hub committed;                 // woken with the head after every commit (live subscriptions)
  Hub projected;                 // woken with the views' seq after every catch-up (?minSeq=)
  std::unique_ptr<GroupCommitter> committer;
  std::mutex follow_mu;
  std::condition_variable follow_cv;
  uint64_t follow_target = 0;  // guarded by follow_mu
  std::atomic<bool> stopping{false};
  std::atomic<int64_t> in_flight{0};  // requests being handled
  std::thread follower;
  std::atomic<uint64_t> report_seq{0};
  ViewCache view_cache;
};

// Answers one request. Sets *live when the request is a live subscription, which the
// session then serves itself with ServeLive.
net::awaitable<Response> Handle(Server::Impl& impl, Request& request, bool* live);
// Serves GET /v1/events/live on the session's stream until the client goes or the server stops.
net::awaitable<void> ServeLive(Server::Impl& impl, beast::tcp_stream& stream,
                               const Request& request);

// A JSON response with the given status.
Response JsonResponse(const Request& request, http::status status, std::string body);
// {"error": {"code", "message", "index"?}} with the status SPEC §6.2 maps the code to.
Response ErrorResponse(const Request& request, const Status& error, bool with_index = false);

}  // namespace wulian::server
