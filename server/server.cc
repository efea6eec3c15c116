// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include "server/server.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "answers/answers.h"
#include "events/codec.h"
#include "server/server_internal.h"

namespace wulian::server {
namespace {

// The one place where a failed connection or operation is logged.
void Fail(const beast::error_code& ec, const char* what) {
  if (ec == net::error::operation_aborted || ec == beast::error::timeout || ec == net::error::eof ||
      ec == http::error::end_of_stream || ec == net::error::connection_reset ||
      ec == net::error::broken_pipe) {
    spdlog::debug("{}: {}", what, ec.message());
    return;
  }
  spdlog::warn("{}: {}", what, ec.message());
}

// A parse error becomes an answer (and the connection closes); transport errors do not.
std::optional<Response> ReadErrorResponse(const beast::error_code& ec) {
  Request dummy;
  dummy.version(11);
  if (ec == http::error::body_limit) {
    return ErrorResponse(dummy,
                         Status::InvalidArgument("request body larger than " +
                                                 std::to_string(kRequestBodyBytesMax) + " bytes"));
  }
  if (ec == http::error::header_limit) {
    Response r = JsonResponse(
        dummy, http::status::request_header_fields_too_large,
        R"({"error":{"code":"INVALID_ARGUMENT","message":"request header too large"}})");
    return r;
  }
  if (ec.category() == beast::error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return JsonResponse(
        dummy, http::status::bad_request,
        "{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":" + JsonString(ec.message()) + "}}");
  }
  return std::nullopt;
}

// Gives a live stream's slot back however the stream ends.
struct LiveSlot {
  Slots& slots;
  std::string name;
  ~LiveSlot() { slots.Give(name); }
};

// Reads requests and answers them in order on `stream` (a TCP stream, or a TLS stream over
// one) until the connection is done with.
template <class Stream>
net::awaitable<void> Serve(Server::Impl& impl, Stream& stream, const std::string& peer) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  // The peer closed (an orderly FIN, or a reset) when a peek finds the end of the stream; bytes
  // waiting (a pipelined request) or none yet mean it is still there.
  const int fd = tcp_layer.socket().native_handle();
  const std::function<bool()> client_gone = [fd] {
    char byte;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
  };
  beast::error_code ec;
  // Writes a last answer; the connection then closes.
  auto answer_and_close = [&](Response& answer) -> net::awaitable<void> {
    answer.keep_alive(false);
    tcp_layer.expires_after(std::chrono::milliseconds(impl.options.write_timeout_ms));
    co_await http::async_write(stream, answer, net::redirect_error(net::use_awaitable, ec));
  };
  for (int served = 0;; ++served) {
    if (served > 0 && buffer.size() == 0) {
      // Kept alive: the next request has its own, shorter wait for its first bytes.
      tcp_layer.expires_after(std::chrono::milliseconds(impl.options.keep_alive_idle_ms));
      const size_t n = co_await stream.async_read_some(buffer.prepare(kHeaderBytesMax),
                                                       net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        Fail(ec, "idle");
        break;
      }
      buffer.commit(n);
    }
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderBytesMax);
    parser.body_limit(kRequestBodyBytesMax);
    tcp_layer.expires_after(std::chrono::milliseconds(impl.options.request_timeout_ms));
    co_await http::async_read_header(stream, buffer, parser,
                                     net::redirect_error(net::use_awaitable, ec));
    std::optional<Authenticated> passed;
    if (!ec && !parser.is_done()) {
      // No body is read for a caller the route would refuse: 401 before 4 MiB arrive.
      if (auto refusal = RefuseBeforeBody(impl, parser.get(), &passed)) {
        co_await answer_and_close(*refusal);
        break;
      }
      co_await http::async_read(stream, buffer, parser,
                                net::redirect_error(net::use_awaitable, ec));
    }
    if (ec) {
      Fail(ec, "read");
      if (auto answer = ReadErrorResponse(ec)) co_await answer_and_close(*answer);
      break;
    }
    Request request = parser.release();
    std::optional<Principal> live;
    // A request counts as in hand until its answer is written, so that a stop lets it finish.
    impl.in_flight.fetch_add(1);
    Response response;
    try {
      response = co_await Handle(impl, request, peer, passed, &live, client_gone);
    } catch (const std::exception& x) {
      // A bug in a route must not drop the connection with the request still counted in hand.
      spdlog::error("{} {}: {}", std::string(request.method_string()),
                    std::string(request.target()), x.what());
      live.reset();
      response = ErrorResponse(request, Status::IOError("internal error"));
    }
    impl.metrics.requests.fetch_add(1);
    if (served + 1 >= impl.options.requests_per_connection_max) response.keep_alive(false);
    if (request.method() == http::verb::head) {
      // The headers of the GET answer, its Content-Length included, and no body (RFC 9110
      // §9.3.2): a body here would be read as the start of the next answer.
      const auto size = response.body().size();
      response.body().clear();
      response.content_length(size);
    }
    if (live) {
      impl.in_flight.fetch_sub(1);
      // Live subscribers are capped in all and per token or person.
      if (!impl.live.Take(live->name, impl.options.live_subscribers_max,
                          impl.options.live_subscribers_per_name_max)) {
        Response busy = ErrorResponse(
            request, Status::Unavailable("too many live subscriptions; close one or retry"));
        co_await answer_and_close(busy);
        break;
      }
      LiveSlot slot{impl.live, live->name};
      const LiveSink send = [&](std::string text) -> net::awaitable<bool> {
        tcp_layer.expires_after(std::chrono::milliseconds(impl.options.write_timeout_ms));
        co_await net::async_write(stream, net::buffer(text),
                                  net::redirect_error(net::use_awaitable, ec));
        tcp_layer.expires_never();
        co_return !ec;
      };
      co_await ServeLive(impl, send, request, *live);
      break;
    }
    tcp_layer.expires_after(std::chrono::milliseconds(impl.options.write_timeout_ms));
    co_await http::async_write(stream, response, net::redirect_error(net::use_awaitable, ec));
    impl.in_flight.fetch_sub(1);
    if (spdlog::should_log(spdlog::level::info)) {  // the bench logs warnings only
      spdlog::info("{} {} {} {}", std::string(request.method_string()),
                   std::string(request.target()), response.result_int(), response.body().size());
    }
    if (ec) {
      Fail(ec, "write");
      break;
    }
    if (!response.keep_alive() || impl.stopping) break;
  }
}

net::awaitable<void> PlainSession(Server::Impl& impl, beast::tcp_stream stream, std::string peer) {
  co_await Serve(impl, stream, peer);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

// The handshake has the time of a request read; a client that speaks plain HTTP to the TLS
// port fails it and is closed.
net::awaitable<void> TlsSession(Server::Impl& impl, beast::tcp_stream tcp_stream,
                                std::string peer) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *impl.tls);
  beast::error_code ec;
  stream.next_layer().expires_after(std::chrono::milliseconds(impl.options.request_timeout_ms));
  co_await stream.async_handshake(net::ssl::stream_base::server,
                                  net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    Fail(ec, "tls handshake");
    co_return;
  }
  co_await Serve(impl, stream, peer);
  stream.next_layer().expires_after(std::chrono::milliseconds(impl.options.write_timeout_ms));
  co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
}

net::awaitable<void> Listen(Server::Impl& impl) {
  int backoff_ms = 0;  // after a failed accept (EMFILE, ENFILE, ENOBUFS …): waits, doubling
  net::steady_timer pause(impl.ioc);
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await impl.acceptor.async_accept(
        net::make_strand(impl.ioc), net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (ec == net::error::operation_aborted || impl.stopping) co_return;
      // The pending connection stays in the backlog; accepting again at once would only fail
      // again, as fast as the loop can spin.
      backoff_ms = std::clamp(backoff_ms * 2, kAcceptBackoffMsMin, kAcceptBackoffMsMax);
      impl.metrics.accept_failures.fetch_add(1);
      spdlog::warn("accept: {}; next try in {} ms", ec.message(), backoff_ms);
      pause.expires_after(std::chrono::milliseconds(backoff_ms));
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    backoff_ms = 0;
    const auto remote = socket.remote_endpoint(ec);
    const std::string peer = ec ? "" : remote.address().to_string();
    if (!impl.connections.Take(peer, impl.options.connections_max,
                               impl.options.connections_per_address_max)) {
      // Over the cap in all or of this address: closed at once, so that one client cannot
      // hold every slot and others still get in.
      impl.metrics.connections_refused.fetch_add(1);
      socket.close(ec);
      continue;
    }
    impl.metrics.connections.fetch_add(1);
    auto executor = socket.get_executor();
    beast::tcp_stream stream(std::move(socket));
    auto session = impl.tls ? TlsSession(impl, std::move(stream), peer)
                            : PlainSession(impl, std::move(stream), peer);
    net::co_spawn(executor, std::move(session), [&impl, peer](std::exception_ptr e) {
      impl.metrics.connections.fetch_sub(1);
      impl.connections.Give(peer);
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          spdlog::error("session: {}", x.what());
        }
      }
    });
  }
}

// One request of the control socket (server.h): checked to come from this process's user,
// then answered from the blocking pool.
net::awaitable<void> ControlSession(Server::Impl& impl,
                                    net::local::stream_protocol::socket socket) {
  ucred peer{};
  socklen_t size = sizeof peer;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 ||
      peer.uid != ::geteuid()) {
    spdlog::warn("control socket: refused a connection of uid {}", peer.uid);
    co_return;
  }
  beast::basic_stream<net::local::stream_protocol> stream(std::move(socket));
  beast::error_code ec;
  std::string line;
  stream.expires_after(std::chrono::milliseconds(kControlRequestTimeoutMs));
  co_await net::async_read_until(stream, net::dynamic_buffer(line, kControlRequestBytesMax), '\n',
                                 net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    Fail(ec, "control socket");
    co_return;
  }
  line.resize(line.find('\n'));
  constexpr std::string_view kBackup = "backup ";
  const std::string dir = line.starts_with(kBackup) ? line.substr(kBackup.size()) : "";
  std::string answer;
  Status s;
  if (dir.empty() || dir.front() != '/') {
    s = Status::InvalidArgument("the control socket takes `backup /ABSOLUTE/DIR`");
  } else if (!impl.parts.backup) {
    s = Status::Unavailable("this server makes no backups");
  } else {
    auto run = [&]() -> net::awaitable<Status> { co_return impl.parts.backup(dir, &answer); };
    s = co_await net::co_spawn(impl.blocking.get_executor(), run(), net::use_awaitable);
    spdlog::info("backup to {}: {}", dir, s.ok() ? "done" : s.message());
  }
  if (!s.ok()) answer = ErrorJson(s);
  const std::string out = std::to_string(s.ExitCode()) + "\n" + answer + "\n";
  stream.expires_after(std::chrono::milliseconds(impl.options.write_timeout_ms));
  co_await net::async_write(stream, net::buffer(out), net::redirect_error(net::use_awaitable, ec));
  if (ec) Fail(ec, "control socket");
}

net::awaitable<void> ListenControl(Server::Impl& impl) {
  for (;;) {
    beast::error_code ec;
    auto socket = co_await impl.control.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (ec == net::error::operation_aborted || impl.stopping) co_return;
    if (ec) {
      Fail(ec, "control accept");
      continue;
    }
    net::co_spawn(impl.ioc, ControlSession(impl, std::move(socket)), net::detached);
  }
}

// Lets the requests in hand finish (their appends are answered after their sync), then
// stops the io_context; idle keep-alive connections are simply closed.
void DrainThenStop(Server::Impl& impl, std::chrono::steady_clock::time_point deadline) {
  if (impl.in_flight.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
    impl.ioc.stop();
    return;
  }
  auto timer = std::make_shared<net::steady_timer>(impl.ioc, std::chrono::milliseconds(10));
  timer->async_wait(
      [&impl, deadline, timer](const beast::error_code&) { DrainThenStop(impl, deadline); });
}

}  // namespace

Server::Impl::Impl(const ServerParts& p, const ServerOptions& o) : parts(p), options(o) {}

Status LoadServerConfig(const std::string& path, ServerOptions* options) {
  std::ifstream in(path);
  if (!in) return Status::OK();
  std::stringstream text;
  text << in.rdbuf();
  JsonDocument doc;
  Status s = doc.Parse(text.str());
  uint64_t minutes = options->session_idle_ms / 60'000, failures = options->sign_in_failures_free;
  for (const auto& name : doc.Names()) {
    if (!s.ok()) break;
    if (name == "sessionIdleMinutes") {
      s = doc.GetUint(name, &minutes);
    } else if (name == "signInFailuresFree") {
      s = doc.GetUint(name, &failures);
    } else {
      s = Status::InvalidArgument("unknown key \"" + name + "\"");
    }
  }
  if (s.ok() && (minutes < 1 || minutes > 30 * 24 * 60 || failures < 1 || failures > 1000)) {
    s = Status::InvalidArgument("sessionIdleMinutes is 1-43200, signInFailuresFree 1-1000");
  }
  if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
  options->session_idle_ms = static_cast<int64_t>(minutes) * 60'000;
  options->sign_in_failures_free = static_cast<int>(failures);
  return Status::OK();
}

Status WriteDefaultServerConfig(const std::string& path) {
  if (std::filesystem::exists(path)) return Status::OK();
  std::ofstream out(path);
  out << "{\"sessionIdleMinutes\":" << kSessionIdleMsDefault / 60'000
      << ",\"signInFailuresFree\":" << kSignInFailuresFreeDefault << "}\n";
  out.close();
  return out ? Status::OK() : Status::IOError("cannot write " + path);
}

Status RaiseOpenFilesLimit(uint64_t* limit) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return Status::IOError("getrlimit(RLIMIT_NOFILE)");
  const rlim_t wanted = std::min<rlim_t>(r.rlim_max, kOpenFilesWanted);
  if (r.rlim_cur < wanted) {
    r.rlim_cur = wanted;
    if (::setrlimit(RLIMIT_NOFILE, &r) != 0) return Status::IOError("setrlimit(RLIMIT_NOFILE)");
  }
  *limit = r.rlim_cur;
  return Status::OK();
}

void Server::Impl::FollowLog() {
  auto last = std::chrono::steady_clock::time_point();
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(follow_mu);
      follow_cv.wait(lock, [&] { return stopping || follow_target > parts.views->seq(); });
      // The commits of the rest of the interval join this catch-up: the follower takes one
      // core's share at most as often, leaving the committer and the sessions theirs.
      follow_cv.wait_until(lock, last + std::chrono::milliseconds(options.views_follow_ms),
                           [&] { return stopping || follow_wake > parts.views->seq(); });
      if (stopping) return;
    }
    last = std::chrono::steady_clock::now();
    Status s;
    try {
      s = parts.views->CatchUp(*parts.ledger);
    } catch (const std::exception& x) {
      s = Status::IOError(std::string("exception: ") + x.what());
    }
    if (!s.ok()) {
      // Retry later rather than spin; queries keep answering from the last checkpoint.
      spdlog::error("views: {}", s.message());
      std::unique_lock<std::mutex> lock(follow_mu);
      follow_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping.load(); });
      continue;
    }
    metrics.views_seq.store(parts.views->seq());
    projected.Notify(parts.views->seq());
  }
}

Server::Server(const ServerParts& parts, const ServerOptions& options)
    : impl_(std::make_unique<Impl>(parts, options)) {}

Server::~Server() = default;

namespace {

// A server context of TLS 1.2 and later with the certificate chain and key of `options`.
Status LoadTls(const ServerOptions& options, std::unique_ptr<net::ssl::context>* out) {
  if (options.tls_cert.empty() != options.tls_key.empty())
    return Status::InvalidArgument("TLS needs both a certificate and a key");
  if (options.tls_cert.empty()) return Status::OK();
  auto tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::single_dh_use);
  ::SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  tls->use_certificate_chain_file(options.tls_cert, ec);
  if (ec)
    return Status::InvalidArgument("cannot load TLS certificate " + options.tls_cert + ": " +
                                   ec.message());
  tls->use_private_key_file(options.tls_key, net::ssl::context::pem, ec);
  if (ec)
    return Status::InvalidArgument("cannot load TLS key " + options.tls_key + ": " + ec.message());
  if (::SSL_CTX_check_private_key(tls->native_handle()) != 1)
    return Status::InvalidArgument("the TLS key " + options.tls_key +
                                   " does not match the certificate " + options.tls_cert);
  *out = std::move(tls);
  return Status::OK();
}

// Binds the control socket, replacing a file left by a server that died (the caller holds
// the ledger's lock, so no other server uses it).
Status OpenControlSocket(Server::Impl& impl) {
  const std::string& path = impl.options.control_socket;
  if (path.empty()) return Status::OK();
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    spdlog::warn(
        "no control socket: {} is too long a path; `wulian backup` needs the server "
        "stopped",
        path);
    return Status::OK();
  }
  ::unlink(path.c_str());
  beast::error_code ec;
  const net::local::stream_protocol::endpoint endpoint(path);
  impl.control.open(endpoint.protocol(), ec);
  if (!ec) impl.control.bind(endpoint, ec);
  if (!ec && ::chmod(path.c_str(), 0600) != 0)
    ec = beast::error_code(errno, beast::system_category());
  if (!ec) impl.control.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::IOError("cannot open the control socket " + path + ": " + ec.message());
  return Status::OK();
}

}  // namespace

Status Server::Start() {
  Status loaded = impl_->web.Load(impl_->options.web_dir);
  if (!loaded.ok()) return loaded;
  loaded = LoadTls(impl_->options, &impl_->tls);
  if (!loaded.ok()) return loaded;
  if (!impl_->web.built())
    spdlog::warn("the web workspace is not built ({})", impl_->options.web_dir);
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.address, ec);
  if (ec) return Status::InvalidArgument("bad listen address " + impl_->options.address);
  tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::IOError("cannot listen on " + impl_->options.address + ":" +
                           std::to_string(impl_->options.port) + ": " + ec.message());
  return OpenControlSocket(*impl_);
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Run() {
  Impl& impl = *impl_;
  const uint64_t head = impl.parts.ledger->GetHead().seq;
  impl.metrics.head_seq.store(head);
  impl.committed.Notify(head);
  impl.metrics.views_seq.store(impl.parts.views->seq());
  impl.projected.Notify(impl.parts.views->seq());
  impl.committer =
      std::make_unique<GroupCommitter>(*impl.parts.ledger, impl.metrics, [&impl](uint64_t seq) {
        impl.committed.Notify(seq);
        std::lock_guard<std::mutex> lock(impl.follow_mu);
        impl.follow_target = seq;
        impl.follow_cv.notify_one();
      });
  {
    std::lock_guard<std::mutex> lock(impl.follow_mu);
    impl.follow_target = head;
  }
  impl.projected.OnWait([&impl](uint64_t target) {
    std::lock_guard<std::mutex> lock(impl.follow_mu);
    impl.follow_wake = std::max(impl.follow_wake, target);
    impl.follow_cv.notify_one();
  });
  impl.follower = std::thread([&impl] { impl.FollowLog(); });
  impl.signals.async_wait([this](const beast::error_code& ec, int) {
    if (!ec) Stop();
  });
  net::co_spawn(impl.ioc, Listen(impl), net::detached);
  if (impl.control.is_open()) net::co_spawn(impl.ioc, ListenControl(impl), net::detached);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < kServerThreads; ++i) threads.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& t : threads) t.join();
  // Every request accepted by the committer is synced before it goes.
  impl.committer.reset();
  {
    std::lock_guard<std::mutex> lock(impl.follow_mu);
    impl.stopping = true;
  }
  impl.follow_cv.notify_one();
  impl.follower.join();
  impl.blocking.stop();  // reports not yet started are dropped; their clients are gone
  impl.blocking.join();
  impl.live_reads.stop();
  impl.live_reads.join();
  spdlog::info("stopped at seq {}", impl.parts.ledger->GetHead().seq);
}

void Server::Stop() {
  Impl& impl = *impl_;
  if (impl.stopping.exchange(true)) return;
  spdlog::info("stopping");
  net::post(impl.ioc, [&impl] {
    beast::error_code ec;
    impl.acceptor.close(ec);
    if (impl.control.is_open()) {
      impl.control.close(ec);
      ::unlink(impl.options.control_socket.c_str());  // a stopped server takes no requests
    }
    impl.signals.cancel(ec);
    impl.committed.WakeAll();
    impl.projected.WakeAll();
    DrainThenStop(impl, std::chrono::steady_clock::now() + std::chrono::milliseconds(kDrainMsMax));
  });
}

}  // namespace wulian::server
