// `wulian token …` and `wulian user …` (SPEC §6.2): tokens, people and the access journal.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "base/time.h"
#include "server/access.h"
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

// The access journal of the ledger in --data, with the key that signs it (which must outlive
// *tokens), and the ledger's clock.
Status OpenAccess(const Args& args, std::unique_ptr<SigningKey>* key,
                  std::unique_ptr<server::Access>* tokens, std::string* now) {
  if (!LedgerExists(args.data)) {
    return Status::InvalidArgument("no ledger in " + args.data);
  }
  int64_t micros = 0;
  Status s = LedgerClock(&micros);
  *now = FormatInstant(micros);
  if (s.ok()) s = SigningKey::Load(SigningKeyPath(args.data), key);
  return s.ok() ? server::Access::Open(AccessJournalPath(args.data), **key, tokens) : s;
}

// `token seal`: prints what the ledger's key does not vouch for in the journal (its unsigned
// first lines, then {"lines", "unsigned", "chain", "problem"}; an empty problem: nothing to
// seal). `token seal --confirm CHAIN`, with the chain printed: seals the journal as reviewed.
int SealCommand(const Args& args) {
  if (!LedgerExists(args.data)) return Fail(Status::InvalidArgument("no ledger in " + args.data));
  std::unique_ptr<SigningKey> key;
  Status s = SigningKey::Load(SigningKeyPath(args.data), &key);
  const std::string path = AccessJournalPath(args.data);
  if (s.ok() && args.flags.count("confirm")) {
    int64_t micros = 0;
    s = LedgerClock(&micros);
    if (s.ok()) {
      s = server::Access::Seal(path, *key, args.flags.at("confirm"), FormatInstant(micros));
    }
    if (!s.ok()) return Fail(s);
    std::cout << "{\"sealed\":" << JsonString(args.flags.at("confirm")) << "}\n";
    return 0;
  }
  server::JournalReview review;
  if (s.ok()) s = server::Access::Review(path, *key, &review);
  if (!s.ok()) return Fail(s);
  for (const auto& line : review.unsigned_lines) std::cout << line << "\n";
  std::cout << "{\"lines\":" << review.lines << ",\"unsigned\":" << review.unsigned_lines.size()
            << ",\"chain\":\"" << review.chain << "\",\"problem\":" << JsonString(review.problem)
            << "}\n";
  return 0;
}

}  // namespace

Status GrantFirstAdmin(const std::string& data_dir, const SigningKey& key, std::string* secret) {
  std::unique_ptr<server::Access> tokens;
  int64_t micros = 0;
  Status s = LedgerClock(&micros);
  if (s.ok()) s = server::Access::Open(AccessJournalPath(data_dir), key, &tokens);
  return s.ok() ? tokens->Grant("admin", server::Role::kAdmin, {}, FormatInstant(micros), secret)
                : s;
}

int TokenCommand(const Args& args) {
  const std::string what = args.positional.empty() ? "" : args.positional[0];
  std::unique_ptr<SigningKey> key;
  std::unique_ptr<server::Access> tokens;
  std::string now;
  if (what == "add" && args.positional.size() == 1 && args.flags.count("role") &&
      args.flags.count("name")) {
    auto role = server::RoleFromName(args.flags.at("role"));
    if (!role)
      return Fail(Status::InvalidArgument("--role is recorder, supervisor, auditor or admin"));
    const auto studios = args.flags.count("studio") ? SplitComma(args.flags.at("studio"))
                                                    : std::vector<std::string>{};
    std::string secret;
    Status s = OpenAccess(args, &key, &tokens, &now);
    if (s.ok()) s = tokens->Grant(args.flags.at("name"), *role, studios, now, &secret);
    if (!s.ok()) return Fail(s);
    std::cout << "{\"name\":" << JsonString(args.flags.at("name")) << ",\"role\":\""
              << server::RoleName(*role) << "\",\"token\":" << JsonString(secret) << "}\n";
    return 0;
  }
  if (what == "list" && args.positional.size() == 1) {
    Status s = OpenAccess(args, &key, &tokens, &now);
    if (!s.ok()) return Fail(s);
    std::cout << (args.flags.count("history") ? tokens->History(/*secrets=*/false)
                                              : tokens->List());
    return 0;
  }
  if (what == "revoke" && args.positional.size() == 2) {
    Status s = OpenAccess(args, &key, &tokens, &now);
    if (s.ok()) s = tokens->Revoke(args.positional[1], now);
    if (!s.ok()) return Fail(s);
    std::cout << "{\"revoked\":" << JsonString(args.positional[1]) << "}\n";
    return 0;
  }
  if (what == "seal" && args.positional.size() == 1) return SealCommand(args);
  return Fail(Status::InvalidArgument(
      "usage: token add --role ROLE --name NAME [--studio S01,S02] | token list [--history] | "
      "token revoke NAME | token seal [--confirm CHAIN]"));
}

namespace {

std::string PersonLine(const server::Person& p) {
  std::string studios = "[";
  for (size_t i = 0; i < p.studios.size(); ++i)
    studios += (i ? "," : "") + JsonString(p.studios[i]);
  return "{\"login\":" + JsonString(p.login) + ",\"name\":" + JsonString(p.name) + ",\"role\":\"" +
         server::RoleName(p.role) + "\",\"studios\":" + studios + "]" +
         ",\"disabled\":" + (p.disabled ? "true" : "false") + "}";
}

// The password from standard input (one line), for --password-stdin; else "" (generate one).
Status PasswordFrom(const Args& args, std::string* password) {
  password->clear();
  if (!args.flags.count("password-stdin")) return Status::OK();
  if (!std::getline(std::cin, *password)) return Status::InvalidArgument("no password on stdin");
  if (!password->empty() && password->back() == '\r') password->pop_back();
  return server::CheckPassword(*password);
}

// Applies --role, --studio and --name to `p`.
Status PersonFlags(const Args& args, server::Person* p) {
  if (args.flags.count("role")) {
    auto role = server::RoleFromName(args.flags.at("role"));
    if (!role) return Status::InvalidArgument("--role is recorder, supervisor, auditor or admin");
    p->role = *role;
    if (*role != server::Role::kRecorder) p->studios.clear();
  }
  if (args.flags.count("studio")) p->studios = SplitComma(args.flags.at("studio"));
  if (args.flags.count("name")) p->name = args.flags.at("name");
  return Status::OK();
}

}  // namespace

int UserCommand(const Args& args) {
  const std::string what = args.positional.empty() ? "" : args.positional[0];
  const std::string login = args.positional.size() == 2 ? args.positional[1] : "";
  std::unique_ptr<SigningKey> key;
  std::unique_ptr<server::Access> access;
  std::string now, password, generated;
  if (what == "add" && !login.empty() && args.flags.count("role")) {
    server::Person p;
    p.login = login;
    p.name = login;
    Status s = PersonFlags(args, &p);
    if (s.ok()) s = PasswordFrom(args, &password);
    if (s.ok()) s = OpenAccess(args, &key, &access, &now);
    if (s.ok()) s = access->AddPerson(p, password, now, &generated);
    if (!s.ok()) return Fail(s);
    std::string line = PersonLine(p);
    if (!generated.empty()) line.insert(line.size() - 1, ",\"password\":" + JsonString(generated));
    std::cout << line << "\n";
    return 0;
  }
  if (what == "list" && args.positional.size() == 1) {
    Status s = OpenAccess(args, &key, &access, &now);
    if (!s.ok()) return Fail(s);
    for (const auto& p : access->People()) std::cout << PersonLine(p) << "\n";
    return 0;
  }
  if ((what == "disable" || what == "enable" || what == "set") && !login.empty()) {
    Status s = OpenAccess(args, &key, &access, &now);
    auto person = s.ok() ? access->FindPerson(login) : std::nullopt;
    if (s.ok() && !person) s = Status::NotFound("no person \"" + login + "\"");
    if (s.ok() && what == "set") s = PersonFlags(args, &*person);
    if (s.ok() && what != "set") person->disabled = what == "disable";
    if (s.ok()) s = access->UpdatePerson(*person, now);
    if (!s.ok()) return Fail(s);
    std::cout << PersonLine(*person) << "\n";
    return 0;
  }
  if (what == "password" && !login.empty()) {
    Status s = PasswordFrom(args, &password);
    if (s.ok()) s = OpenAccess(args, &key, &access, &now);
    if (s.ok()) s = access->SetPassword(login, password, now, &generated);
    if (!s.ok()) return Fail(s);
    std::cout << "{\"login\":" << JsonString(login)
              << (generated.empty() ? "" : ",\"password\":" + JsonString(generated)) << "}\n";
    return 0;
  }
  return Fail(Status::InvalidArgument(
      "usage: user add LOGIN --role ROLE [--studio S01,S02] [--name NAME] [--password-stdin] | "
      "user list | user disable|enable LOGIN | user password LOGIN [--password-stdin] | user set "
      "LOGIN [--role ROLE] [--studio S01,S02] [--name NAME]"));
}

}  // namespace wulian::cli
