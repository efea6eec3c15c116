// `wulian token add|list|revoke` (SPEC §6.2): tokens and the access journal.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "events/time.h"
#include "server/tokens.h"
#include "tools/cli.h"

namespace wulian::cli {
namespace {

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

Status OpenTokens(const Args& args, std::unique_ptr<server::Tokens>* tokens, std::string* now) {
  if (!LedgerExists(args.data)) {
    return Status::InvalidArgument("no ledger in " + args.data);
  }
  int64_t micros = 0;
  Status s = LedgerClock(&micros);
  *now = FormatInstant(micros);
  return s.ok() ? server::Tokens::Open(AccessJournalPath(args.data), tokens) : s;
}

}  // namespace

Status GrantFirstAdmin(const std::string& data_dir, std::string* secret) {
  std::unique_ptr<server::Tokens> tokens;
  int64_t micros = 0;
  Status s = LedgerClock(&micros);
  if (s.ok()) s = server::Tokens::Open(AccessJournalPath(data_dir), &tokens);
  return s.ok() ? tokens->Grant("admin", server::Role::kAdmin, {}, FormatInstant(micros), secret)
                : s;
}

int TokenCommand(const Args& args) {
  const std::string what = args.positional.empty() ? "" : args.positional[0];
  std::unique_ptr<server::Tokens> tokens;
  std::string now;
  if (what == "add" && args.positional.size() == 1 && args.flags.count("role") &&
      args.flags.count("name")) {
    auto role = server::RoleFromName(args.flags.at("role"));
    if (!role)
      return Fail(Status::InvalidArgument("--role is recorder, supervisor, auditor or admin"));
    const auto studios = args.flags.count("studio") ? SplitComma(args.flags.at("studio"))
                                                    : std::vector<std::string>{};
    std::string secret;
    Status s = OpenTokens(args, &tokens, &now);
    if (s.ok()) s = tokens->Grant(args.flags.at("name"), *role, studios, now, &secret);
    if (!s.ok()) return Fail(s);
    std::cout << "{\"name\":" << JsonString(args.flags.at("name")) << ",\"role\":\""
              << server::RoleName(*role) << "\",\"token\":" << JsonString(secret) << "}\n";
    return 0;
  }
  if (what == "list" && args.positional.size() == 1) {
    Status s = OpenTokens(args, &tokens, &now);
    if (!s.ok()) return Fail(s);
    std::cout << tokens->List(args.flags.count("history") != 0);
    return 0;
  }
  if (what == "revoke" && args.positional.size() == 2) {
    Status s = OpenTokens(args, &tokens, &now);
    if (s.ok()) s = tokens->Revoke(args.positional[1], now);
    if (!s.ok()) return Fail(s);
    std::cout << "{\"revoked\":" << JsonString(args.positional[1]) << "}\n";
    return 0;
  }
  return Fail(
      Status::InvalidArgument("usage: token add --role ROLE --name NAME [--studio S01,S02] | token "
                              "list [--history] | token revoke NAME"));
}

}  // namespace wulian::cli
