// `wulian serve [--listen ADDRESS:PORT]`: the HTTP API (SPEC §6.2) over the ledger in --data.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

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
  options.port = static_cast<uint16_t>(port);
  options.web_dir = args.flags.count("web") ? args.flags.at("web") : WULIAN_WEB_DIR;

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
  if (s.ok()) s = SigningKey::Load(SigningKeyPath(args.data), &key);
  if (s.ok()) s = server::Access::Open(AccessJournalPath(args.data), *key, &access);
  if (s.ok()) s = projections::Views::Open(ViewsDir(args.data), &views);
  if (s.ok()) s = views->CatchUp(*ledger);
  if (!s.ok()) return Fail(s);
  server::Server server({ledger.get(), views.get(), access.get(), &policy, key.get()}, options);
  s = server.Start();
  if (!s.ok()) return Fail(s);
  std::cout << "{\"listening\":\"" << options.address << ":" << server.port()
            << "\",\"seq\":" << ledger->GetHead().seq << "}" << std::endl;
  spdlog::info("serving {} on {}:{}", args.data, options.address, server.port());
  server.Run();
  return 0;
}

}  // namespace wulian::cli
