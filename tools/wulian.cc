// The `wulian` program (SPEC §6.1): data on stdout as JSON, logs on stderr.
// Exit codes: 0 ok, 1 verification failed or internal error, 2 bad input or usage,
// 3 conflict (VERSION_CONFLICT, DUPLICATE_ID).
#include <capnp/serialize.h>
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "events/codec.h"
#include "events/signing.h"
#include "events/store.h"
#include "events/time.h"
#include "tools/bench.h"
#include "tools/cli.h"
#include "tools/demo.h"

namespace wulian::cli {
namespace {

constexpr char kUsage[] =
    "usage: wulian [--data DIR] COMMAND [ARGS]\n"
    "  init                         create a new ledger in DIR (default ./data)\n"
    "  append [FILE|-]              append JSON Lines: one event or {\"events\": [...]} a line\n"
    "  import FILE                  bulk import, one event a line, all or nothing\n"
    "  export [--from SEQ] [--to SEQ]  stored events as JSON Lines\n"
    "  verify [--against HEAD.json] [--pubkey KEY.json]\n"
    "                               recompute hashes, chain, Merkle tree and indexes; check\n"
    "                               that a signed head published earlier is still in the log\n"
    "  head [--size N]              a signed tree head of the log (or of its first N events)\n"
    "  pubkey                       the public key that signs tree heads\n"
    "  proof inclusion SEQ [--size N] | proof consistency M N\n"
    "                               RFC 6962 proofs as JSON\n"
    "  check inclusion --pubkey K --head H --proof P [--event E]\n"
    "  check consistency --pubkey K --old H1 --new H2 --proof P\n"
    "                               offline checks of proofs: no ledger needed\n"
    "  query studio ID | member ID | committee ID | studios | overview\n"
    "                               a view of SPEC §5 as of the newest event (flags at now)\n"
    "  query history SEQ            an event with each correction and retraction of it\n"
    "  rebuild [NAME]               drop the views and replay the log\n"
    "  report --as-of TIME [--axis recorded|occurred] [--format json|md|csv|html] [--out FILE]\n"
    "                               what the ledger held (recorded) or what had happened\n"
    "                               (occurred) at TIME, byte for byte reproducible\n"
    "  report member ID --year YYYY [--format json|html|pdf] [--out FILE]\n"
    "  report members --year YYYY [--format json|html|pdf] --out DIR\n"
    "                               a member's annual file (one per member in DIR), anchored\n"
    "                               to the log head, with the commands that prove it\n"
    "  serve [--listen 127.0.0.1:8080] [--web DIR] [--tls-cert FILE --tls-key FILE]\n"
    "        [--insecure-http]      the HTTP API (SIGINT or SIGTERM stops it); HTTPS with a\n"
    "                               certificate; plain HTTP off loopback only if insecure\n"
    "  token add --role recorder|supervisor|auditor|admin --name NAME [--studio S01,S02]\n"
    "  token list [--history] | token revoke NAME\n"
    "                               bearer tokens of the HTTP API (secrets are shown once)\n"
    "  token seal [--confirm CHAIN] what the ledger's key does not vouch for in the access\n"
    "                               journal (lines from before lines were signed); with the\n"
    "                               chain it shows, seal the journal as shown\n"
    "  user add LOGIN --role ROLE --name 显示名 [--studio S01,S02] [--password-stdin]\n"
    "  user list | user disable LOGIN | user enable LOGIN | user password LOGIN "
    "[--password-stdin]\n"
    "  user set LOGIN [--role ROLE] [--studio S01,S02] [--name 显示名]\n"
    "                               people who sign in to the web workspace (a generated\n"
    "                               password is printed once)\n"
    "  backup DIR                   a consistent copy of the ledger (RocksDB checkpoint)\n"
    "  demo [--events N] [--seed S] [--jsonl FILE]\n"
    "                               build the demo ledger of Banan District (or write its\n"
    "                               events as JSON Lines to FILE, for import)\n"
    "  bench import [--events N]    durable import rate vs raw RocksDB\n";

int Init(const Args& args) {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<SigningKey> key;
  Status s = CreateLedger(args.data, &ledger);
  if (s.ok()) s = SigningKey::Load(SigningKeyPath(args.data), &key);
  std::string admin;
  if (s.ok()) s = GrantFirstAdmin(args.data, *key, &admin);
  if (!s.ok()) return Fail(s);
  std::cout << "{\"ledger\":" << JsonString(args.data)
            << ",\"head\":" << HeadJson(ledger->GetHead())
            << ",\"publicKey\":" << PublicKeyJson(key->public_key())
            << ",\"adminToken\":" << JsonString(admin) << "}\n";
  return 0;
}

int Append(const Args& args) {
  std::unique_ptr<Ledger> ledger;
  Status s = OpenLedger(args.data, &ledger);
  if (!s.ok()) return Fail(s);
  std::unique_ptr<LineReader> reader;
  s = LineReader::Open(args.positional.empty() ? "-" : args.positional[0], &reader);
  if (!s.ok()) return Fail(s);
  Codec codec;
  std::string line;
  bool too_long;
  while (reader->Next(&line, &too_long)) {
    if (line.find_first_not_of(" \t") == std::string::npos && !too_long) continue;
    Submissions batch;
    bool is_batch = false;
    s = too_long
            ? Status::InvalidEvent("line longer than " + std::to_string(kLineBytesMax) + " bytes")
            : codec.ParseLine(line, /*allow_batch=*/true, &batch, &is_batch);
    AppendOptions options;
    if (s.ok()) s = LedgerClock(&options.now_micros);
    std::vector<AppendResult> results;
    if (s.ok()) s = ledger->Append(batch, options, &results);
    if (!s.ok()) {
      PrintError(s, reader->line_number(), is_batch);
      return s.ExitCode();
    }
    std::cout << AppendResultsJson(results, is_batch) << "\n";
    std::cout.flush();
  }
  return 0;
}

int ImportCommand(const Args& args) {
  if (args.positional.size() != 1) return Fail(Status::InvalidArgument("import needs one FILE"));
  std::unique_ptr<Ledger> ledger;
  Status s = OpenLedger(args.data, &ledger);
  int64_t now = 0;
  if (s.ok()) s = LedgerClock(&now);
  ImportReport report;
  if (s.ok()) s = Import(args.data, &ledger, args.positional[0], now, &report);
  if (!s.ok()) return Fail(s);
  if (!report.refused.empty()) {
    for (const auto& [line, status] : report.refused) PrintError(status, line);
    std::cerr << report.refused.size() << " of " << report.lines
              << " lines refused; nothing was appended\n";
    return 2;
  }
  std::cout << "{\"lines\":" << report.lines << ",\"appended\":" << report.appended
            << ",\"duplicates\":" << report.duplicates
            << ",\"head\":" << HeadJson(ledger->GetHead()) << "}\n";
  return 0;
}

int Export(const Args& args) {
  uint64_t from, to;
  Status s = args.Uint("from", 1, &from);
  if (s.ok()) s = args.Uint("to", 0, &to);
  std::unique_ptr<Ledger> ledger;
  if (s.ok()) s = OpenLedger(args.data, &ledger);
  if (!s.ok()) return Fail(s);
  Codec codec;
  s = ledger->Scan(from, to, [&](uint64_t, std::string_view bytes) {
    try {
      StoredMessage stored(bytes);
      std::cout << codec.Encode(stored.event()) << '\n';
    } catch (const kj::Exception& e) {
      return Status::Corruption(e.getDescription().cStr());
    }
    return Status::OK();
  });
  std::cout.flush();
  return s.ok() ? 0 : Fail(s);
}

int Demo(const Args& args) {
  uint64_t events, seed;
  Status s = args.Uint("events", 20000, &events);
  if (s.ok()) s = args.Uint("seed", demo::DemoOptions{}.seed, &seed);
  if (!s.ok()) return Fail(s);
  if (auto it = args.flags.find("jsonl"); it != args.flags.end()) {
    s = WriteDemoLines(demo::DemoOptions{seed, events}, it->second);
    if (!s.ok()) return Fail(s);
    std::cout << "{\"events\":" << events << ",\"jsonl\":" << JsonString(it->second) << "}\n";
    return 0;
  }
  std::unique_ptr<Ledger> ledger;
  s = std::filesystem::exists(DatabaseDir(args.data) + "/CURRENT")
          ? OpenLedger(args.data, &ledger)
          : CreateLedger(args.data, &ledger);
  if (s.ok() && ledger->GetHead().seq != 0)
    s = Status::InvalidArgument("the demo needs an empty ledger");
  if (s.ok()) s = BuildDemo(*ledger, demo::DemoOptions{seed, events});
  if (!s.ok()) return Fail(s);
  std::cout << "{\"events\":" << ledger->GetHead().seq
            << ",\"head\":" << HeadJson(ledger->GetHead()) << "}\n";
  return 0;
}

// Splits argv into the command, its positionals and its flags; --data may stand anywhere.
Status ParseArgs(int argc, char** argv, std::string* command, Args* args) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--history" || a == "--keep" || a == "--password-stdin" ||
        a == "--insecure-http") {  // flags without a value
      args->flags[a.substr(2)] = "1";
    } else if (a.rfind("--", 0) == 0 && a.size() > 2) {
      if (i + 1 >= argc) return Status::InvalidArgument(a + " needs a value");
      if (a == "--data") {
        args->data = argv[++i];
      } else {
        args->flags[a.substr(2)] = argv[++i];
      }
    } else if (command->empty()) {
      *command = a;
    } else {
      args->positional.push_back(a);
    }
  }
  if (command->empty()) return Status::InvalidArgument("no command");
  return Status::OK();
}

int Main(int argc, char** argv) {
  KeepDataPrivate();
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || (i == 1 && std::string(argv[i]) == "help")) {
      std::cout << kUsage;
      return 0;
    }
  }
  std::string command;
  Args args;
  Status s = ParseArgs(argc, argv, &command, &args);
  if (!s.ok()) {
    std::cerr << kUsage;
    return Fail(s);
  }
  static const std::map<std::string, int (*)(const Args&)> kCommands = {{"init", Init},
                                                                        {"append", Append},
                                                                        {"import", ImportCommand},
                                                                        {"export", Export},
                                                                        {"verify", VerifyCommand},
                                                                        {"head", HeadCommand},
                                                                        {"proof", ProofCommand},
                                                                        {"pubkey", PubkeyCommand},
                                                                        {"check", CheckCommand},
                                                                        {"query", QueryCommand},
                                                                        {"demo", Demo},
                                                                        {"bench", Bench},
                                                                        {"rebuild", RebuildCommand},
                                                                        {"report", ReportCommand},
                                                                        {"token", TokenCommand},
                                                                        {"user", UserCommand},
                                                                        {"serve", ServeCommand},
                                                                        {"backup", BackupCommand}};
  auto it = kCommands.find(command);
  if (it == kCommands.end()) {
    std::cerr << kUsage;
    return Fail(Status::InvalidArgument("unknown command " + command));
  }
  return it->second(args);
}

}  // namespace
}  // namespace wulian::cli

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return wulian::cli::Main(argc, argv);
}
