// HTTPS: the server speaks TLS with a certificate, and nothing else on that port.
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>

#include "tests/server/harness.h"

namespace wulian::testing {
namespace {

namespace ssl = net::ssl;

// A self-signed certificate for 127.0.0.1 and its key, made with the openssl command.
struct Certificate {
  explicit Certificate(const std::string& dir, const std::string& name = "server")
      : cert(dir + "/" + name + ".crt"), key(dir + "/" + name + ".key") {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
        "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert + " 2>/dev/null";
    EXPECT_EQ(std::system(command.c_str()), 0);
  }
  std::string cert, key;
};

// One request over TLS that checks the server's certificate against `ca`; the answer's raw
// bytes, or "" if the handshake failed. Reads until `until` appears when given, else to EOF.
std::string Https(uint16_t port, const std::string& ca, const std::string& request,
                  const std::string& until = "") {
  net::io_context ioc;
  ssl::context context(ssl::context::tls_client);
  context.load_verify_file(ca);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, context);
  stream.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  beast::get_lowest_layer(stream).connect(
      net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (!ec) stream.handshake(ssl::stream_base::client, ec);
  if (ec) return "";
  net::write(stream, net::buffer(request), ec);
  std::string out;
  char buf[4096];
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(kRawReadSeconds));
  while (!ec && (until.empty() || out.find(until) == std::string::npos)) {
    const size_t n = stream.read_some(net::buffer(buf), ec);
    out.append(buf, n);
  }
  return out;
}

std::string GetRequest(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra + "\r\n";
}

// With a certificate the server answers HTTPS (API, sign-in, live stream), marks its session
// cookie Secure and accepts an https:// Origin; plain HTTP on that port gets no answer.
TEST(TlsTest, WithACertificateTheServerSpeaksOnlyHttps) {
  TempDir certs;
  Certificate certificate(certs.path());
  ServedLedger s(2000, [&](server::ServerOptions& o) {
    o.tls_cert = certificate.cert;
    o.tls_key = certificate.key;
  });
  s.AddPerson("jilu", server::Role::kRecorder, {"S01"}, "correct horse battery");

  std::string out = Https(s.port(), certificate.cert, GetRequest("/healthz"));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  out = Https(s.port(), certificate.cert,
              GetRequest("/v1/studios", "Authorization: Bearer " + s.token("auditor") + "\r\n"));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_NE(out.find("\"S01\""), std::string::npos) << out;

  const std::string body = R"({"login":"jilu","password":"correct horse battery"})";
  out = Https(s.port(), certificate.cert,
              "POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
              "Content-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  const size_t cookie_at = out.find("Set-Cookie: wl_session=");
  ASSERT_NE(cookie_at, std::string::npos) << out;
  const std::string cookie_line = out.substr(cookie_at, out.find("\r\n", cookie_at) - cookie_at);
  EXPECT_NE(cookie_line.find("; Secure"), std::string::npos) << cookie_line;
  const std::string cookie = cookie_line.substr(12, cookie_line.find(';') - 12);
  // A state change with the cookie from the workspace's https:// origin is accepted.
  out = Https(s.port(), certificate.cert,
              "DELETE /v1/session HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(s.port()) +
                  "\r\nConnection: close\r\nOrigin: https://127.0.0.1:" + std::to_string(s.port()) +
                  "\r\nCookie: " + cookie + "\r\n\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;

  // The live stream over TLS.
  out = Https(
      s.port(), certificate.cert,
      GetRequest("/v1/events/live?from=1", "Authorization: Bearer " + s.token("auditor") + "\r\n"),
      "\nid: 2\n");
  EXPECT_NE(out.find("\nid: 1\nevent: event\ndata: {"), std::string::npos) << out;

  // Plain HTTP to the TLS port gets no HTTP answer, and the server goes on.
  out = s.Raw(GetRequest("/healthz"));
  EXPECT_EQ(out.find("HTTP/1.1"), std::string::npos) << out;
  // A client that does not trust the certificate does not get through.
  Certificate other(certs.path(), "other");
  EXPECT_EQ(Https(s.port(), other.cert, GetRequest("/healthz")), "");
  out = Https(s.port(), certificate.cert, GetRequest("/healthz"));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
}

// A certificate without its key, or with another's key, does not start the server.
TEST(TlsTest, AMismatchedOrMissingKeyIsRefusedAtStart) {
  TempDir certs;
  Certificate a(certs.path(), "a"), b(certs.path(), "b");
  TestLedger ledger;
  std::unique_ptr<SigningKey> key;
  ASSERT_TRUE(SigningKey::Create(ledger.dir() + "/key.pem", &key).ok());
  std::unique_ptr<server::Access> access;
  ASSERT_TRUE(server::Access::Open(ledger.dir() + "/access.jsonl", *key, &access).ok());
  std::unique_ptr<projections::Views> views;
  ASSERT_TRUE(projections::Views::Open(ledger.dir() + "/views", &views).ok());
  projections::Policy policy;
  for (const auto& [cert, private_key] : std::vector<std::pair<std::string, std::string>>{
           {a.cert, b.key}, {a.cert, ""}, {"", a.key}, {a.cert, certs.path() + "/none.key"}}) {
    server::ServerOptions options;
    options.port = 0;
    options.tls_cert = cert;
    options.tls_key = private_key;
    server::Server server({&ledger.ledger(), views.get(), access.get(), &policy, key.get()},
                          options);
    const Status started = server.Start();
    EXPECT_EQ(started.code(), Code::kInvalidArgument) << cert << " " << private_key;
  }
}

}  // namespace
}  // namespace wulian::testing
