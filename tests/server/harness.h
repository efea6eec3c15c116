// A real server on a loopback port inside the test process, and a small HTTP client.
#pragma once

// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <functional>
#include <map>
#include <thread>

#include "events/signing.h"
#include "projections/views.h"
#include "server/access.h"
#include "server/server.h"
#include "tests/support.h"

namespace wulian::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// How long Raw waits for more bytes before it gives up on the server closing.
inline constexpr int kRawReadSeconds = 10;

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A ledger with the registry of support.h, its views and tokens of every role, served on
// 127.0.0.1 at an ephemeral port for the life of the object.
class ServedLedger {
 public:
  explicit ServedLedger(int request_timeout_ms = 2000,
                        const std::function<void(server::ServerOptions&)>& configure = nullptr) {
    ledger_.set_now("2025-06-30T12:00:00+08:00");
    EXPECT_TRUE(ledger_.Append(Registry()).ok());
    const std::string dir = ledger_.dir();
    EXPECT_TRUE(SigningKey::Create(dir + "/key.pem", &key_).ok());
    EXPECT_TRUE(server::Access::Open(dir + "/access.jsonl", *key_, &tokens_).ok());
    Grant("admin", server::Role::kAdmin, {});
    Grant("supervisor", server::Role::kSupervisor, {});
    Grant("auditor", server::Role::kAuditor, {});
    Grant("recorder", server::Role::kRecorder, {"S01"});
    EXPECT_TRUE(projections::Views::Open(dir + "/views", &views_).ok());
    EXPECT_TRUE(views_->CatchUp(ledger_.ledger()).ok());
    options_.port = 0;
    options_.data_dir = dir;
    options_.request_timeout_ms = request_timeout_ms;
    options_.web_dir = dir + "/web";  // not built: the server answers with its placeholder
    if (configure) configure(options_);
    StartServer();
  }
  ~ServedLedger() { StopServer(); }

  // Stops the server (draining it) and starts a new one over the same ledger.
  void RestartServer() {
    StopServer();
    StartServer();
  }

  uint16_t port() const { return server_->port(); }
  const std::string& token(const std::string& role) { return secrets_[role]; }
  TestLedger& test_ledger() { return ledger_; }
  server::Access& access() { return *tokens_; }
  const SigningKey& key() const { return *key_; }
  // Adds a person who signs in with `password`.
  void AddPerson(const std::string& login, server::Role role,
                 const std::vector<std::string>& studios, const std::string& password) {
    std::string generated;
    EXPECT_TRUE(tokens_
                    ->AddPerson(server::Person{login, "测试 " + login, role, studios, false},
                                password, "2025-06-30T12:00:00+08:00", &generated)
                    .ok());
  }

  // One request on a fresh connection; `role` empty sends no token.
  Reply Call(http::verb method, const std::string& target, const std::string& role = "admin",
             const std::string& body = "",
             const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port()), ec);
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!role.empty()) req.set(http::field::authorization, "Bearer " + token(role));
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    // The server may answer (413) and close before the whole body is written.
    http::write(stream, req, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res, ec);
    Reply reply;
    if (ec) return reply;
    reply.status = res.result_int();
    reply.body = res.body();
    reply.content_type = std::string(res[http::field::content_type]);
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      reply.headers[name] = std::string(field.value());
    }
    return reply;
  }
  Reply Get(const std::string& target, const std::string& role = "admin") {
    return Call(http::verb::get, target, role);
  }
  Reply Post(const std::string& body, const std::string& role = "admin") {
    return Call(http::verb::post, "/v1/events", role, body);
  }

  // Sends raw bytes and reads everything until the server closes the connection.
  std::string Raw(const std::string& bytes) {
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
    // A server that never closes fails the test instead of hanging it.
    const timeval limit{kRawReadSeconds, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    beast::error_code ec;
    net::write(socket, net::buffer(bytes), ec);
    std::string out;
    char buf[4096];
    for (;;) {
      // recv itself: Asio's blocking read_some polls on past SO_RCVTIMEO.
      const ssize_t n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  void StartServer() {
    server_ = std::make_unique<server::Server>(
        server::ServerParts{&ledger_.ledger(), views_.get(), tokens_.get(), &policy_, key_.get()},
        options_);
    EXPECT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  void StopServer() {
    server_->Stop();
    thread_.join();
    server_.reset();
  }

  void Grant(const std::string& name, server::Role role, const std::vector<std::string>& studios) {
    std::string secret;
    EXPECT_TRUE(tokens_->Grant(name, role, studios, "2025-06-30T12:00:00+08:00", &secret).ok());
    secrets_[name] = secret;
  }

  TestLedger ledger_;
  std::unique_ptr<SigningKey> key_;
  std::unique_ptr<server::Access> tokens_;
  std::unique_ptr<projections::Views> views_;
  projections::Policy policy_;
  server::ServerOptions options_;
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
  std::map<std::string, std::string> secrets_;
};

}  // namespace wulian::testing
