// `wulian serve [--listen ADDRESS:PORT] [--tls-cert FILE --tls-key FILE] [--insecure-http]`:
// the HTTP API (SPEC §6.2) over the ledger in --data.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <iostream>

#include "projections/views.h"
#include "server/server.h"
#include "tools/cli.h"

namespace wulian::cli {

int ServeCommand(const Args& args) {
  const std::string listen =
      args.flags.count("listen") ? args.flags.at("listen") : "127.0.0.1:8080";
  const size_t colon = listen.rfind(':');
  server::ServerOptions options;
  options.data_dir = args.data;
  uint64_t port = 0;
  try {
    port = colon == std::string::npos ? 70000 : std::stoull(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = 70000;
  }
  if (port > 65535) return Fail(Status::InvalidArgument("--listen ADDRESS:PORT"));
  options.address = listen.substr(0, colon);
  // An IPv6 address is written in brackets: [::1]:8080.
  if (options.address.size() > 2 && options.address.front() == '[' &&
      options.address.back() == ']') {
    options.address = options.address.substr(1, options.address.size() - 2);
  }
  options.port = static_cast<uint16_t>(port);
  options.web_dir = args.flags.count("web") ? args.flags.at("web") : WULIAN_WEB_DIR;
  if (args.flags.count("tls-cert")) options.tls_cert = args.flags.at("tls-cert");
  if (args.flags.count("tls-key")) options.tls_key = args.flags.at("tls-key");
  // Passwords, session cookies and tokens cross the network in the clear without TLS: only
  // loopback may be served so unless the operator says so.
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(options.address, ec);
  if (ec) return Fail(Status::InvalidArgument("--listen: bad address " + options.address));
  if (!address.is_loopback() && options.tls_cert.empty() && !args.flags.count("insecure-http")) {
    return Fail(Status::InvalidArgument(
        "refusing plain HTTP on " + options.address +
        ", which is not a loopback address: give --tls-cert FILE --tls-key FILE, or "
        "--insecure-http behind a TLS proxy"));
  }

  spdlog::set_default_logger(spdlog::stderr_logger_mt("wulian"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<projections::Views> views;
  std::unique_ptr<server::Access> access;
  std::unique_ptr<SigningKey> key;
  projections::Policy policy;
  uint64_t open_files = 0;
  Status s = server::RaiseOpenFilesLimit(&open_files);
  if (s.ok()) spdlog::info("open files limit {}", open_files);
  if (s.ok()) s = OpenLedger(args.data, &ledger);
  if (s.ok()) s = projections::Policy::Load(PolicyPath(args.data), &policy);
  if (s.ok()) s = server::WriteDefaultServerConfig(ServerConfigPath(args.data));
  if (s.ok()) s = server::LoadServerConfig(ServerConfigPath(args.data), &options);
  // Whoever can read the key can sign heads; whoever can write the journal can grant access.
  if (s.ok()) s = CheckPrivate(SigningKeyPath(args.data));
  if (s.ok()) s = CheckPrivate(AccessJournalPath(args.data));
  if (s.ok() && !options.tls_key.empty()) s = CheckPrivate(options.tls_key);
  if (s.ok()) s = SigningKey::Load(SigningKeyPath(args.data), &key);
  if (s.ok()) s = server::Access::Open(AccessJournalPath(args.data), *key, &access);
  if (s.ok()) s = projections::Views::Open(ViewsDir(args.data), &views);
  if (s.ok()) s = views->CatchUp(*ledger);
  if (!s.ok()) return Fail(s);
  options.control_socket = ControlSocketPath(args.data);
  const std::string data = args.data;
  Ledger& served = *ledger;
  auto backup = [data, &served](const std::string& dir, std::string* answer) {
    return BackupTo(data, served, dir, answer);
  };
  server::Server server({ledger.get(), views.get(), access.get(), &policy, key.get(), backup},
                        options);
  s = server.Start();
  if (!s.ok()) return Fail(s);
  std::cout << "{\"listening\":\"" << options.address << ":" << server.port() << "\",\"scheme\":\""
            << (options.tls_cert.empty() ? "http" : "https")
            << "\",\"seq\":" << ledger->GetHead().seq << "}" << std::endl;
  spdlog::info("serving {} on {}:{}", args.data, options.address, server.port());
  server.Run();
  return 0;
}

}  // namespace wulian::cli
