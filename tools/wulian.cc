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

#include "base/time.h"
#include "events/codec.h"
#include "events/signing.h"
#include "events/store.h"
#include "tools/bench.h"
#include "tools/cli.h"
#include "tools/command_line.h"
#include "tools/demo.h"

namespace wulian::cli {
namespace {

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
  if (args.flags.count("sheet")) return ImportSheetCommand(args);
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
  if (args.flags.count("sheet")) return SheetExportCommand(args);
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

int Main(int argc, char** argv) {
  KeepDataPrivate();
  CommandLine cl(
      "Wulian Ledger: the engagement ledger of the Five Links studios (SPEC §6.1).\n"
      "Data on stdout as JSON, logs on stderr. Exit codes: 0 ok, 1 verification failed or\n"
      "internal error, 2 bad input or usage, 3 conflict (VERSION_CONFLICT, DUPLICATE_ID).");
  const Option kSize{"size", "N", "a tree of the first N events (default: the whole log)"};
  cl.Add("init", "create a new ledger in the --data directory (default ./data)", {}, {}, Init);
  cl.Add("append", "append JSON Lines: one event or {\"events\": [...]} a line",
         {{"FILE", "JSON Lines; - or none: standard input", false}}, {}, Append);
  cl.Add("import",
         "bulk import, all or nothing: JSON Lines, one event a line, or a spreadsheet, one "
         "event a row (docs/intake.md)",
         {{"FILE", "JSON Lines (not with --sheet)", false}},
         {{"sheet", "FILE.xlsx|FILE.csv", "a spreadsheet with Chinese column headers"},
          {"type", "TYPE", "the event type of its rows, e.g. ContactRecorded"},
          {"encoding", "utf-8|gb18030", "of a .csv (default: detected)"}},
         ImportCommand);
  cl.Add("export", "stored events as JSON Lines", {},
         {{"from", "SEQ", "the first seq (default 1)"},
          {"to", "SEQ", "the last seq (default: the newest)"},
          {"sheet", "FILE.xlsx",
           "instead, the studio, member and committee views as of now, a sheet each"}},
         Export);
  cl.Add("verify",
         "recompute hashes, chain, Merkle tree and indexes; check that a signed head published "
         "earlier is still in the log",
         {},
         {{"against", "HEAD.json", "a signed tree head published earlier"},
          {"pubkey", "KEY.json", "the public key it was signed with (default: the ledger's)"}},
         VerifyCommand);
  cl.Add("head", "a signed tree head of the log (or of its first N events)", {}, {kSize},
         HeadCommand);
  cl.Add("pubkey", "the public key that signs tree heads", {}, {}, PubkeyCommand);
  cl.Group("proof", "RFC 6962 proofs as JSON");
  cl.Add("proof inclusion", "that event SEQ is in the tree", {{"SEQ", "the event"}}, {kSize},
         ProofCommand);
  cl.Add("proof consistency", "that the tree of size M is a prefix of the tree of size N",
         {{"M", "the older size"}, {"N", "the newer size"}}, {}, ProofCommand);
  cl.Group("check", "offline checks of proofs: no ledger needed");
  cl.Add("check inclusion", "check an inclusion proof against a signed head", {},
         {{"pubkey", "KEY.json", "the ledger's public key"},
          {"head", "HEAD.json", "a signed tree head"},
          {"proof", "PROOF.json", "from `proof inclusion`"},
          {"event", "EVENT.json", "the stored event, to check that it is the one proven"}},
         CheckCommand);
  cl.Add("check consistency", "check a consistency proof between two signed heads", {},
         {{"pubkey", "KEY.json", "the ledger's public key"},
          {"old", "HEAD.json", "the older signed head"},
          {"new", "HEAD.json", "the newer signed head"},
          {"proof", "PROOF.json", "from `proof consistency`"}},
         CheckCommand);
  cl.Group("query", "a view of SPEC §5 as of the newest event (flags at now)");
  cl.Add("query studio", "one studio", {{"ID", "the studio"}}, {}, QueryCommand);
  cl.Add("query member", "one member", {{"ID", "the member"}}, {}, QueryCommand);
  cl.Add("query committee", "one committee", {{"ID", "the committee"}}, {}, QueryCommand);
  cl.Add("query studios", "every studio", {}, {}, QueryCommand);
  cl.Add("query overview", "the whole ledger", {}, {}, QueryCommand);
  cl.Add("query history", "an event with each correction and retraction of it",
         {{"SEQ", "the event"}}, {}, QueryCommand);
  cl.Add("rebuild", "drop the views and replay the log",
         {{"NAME", "studio|member|committee|overview (default: all)", false}}, {}, RebuildCommand);
  cl.Add("report",
         "what the ledger held (recorded) or what had happened (occurred) at TIME, byte for "
         "byte reproducible",
         {},
         {{"as-of", "TIME", "RFC 3339"},
          {"axis", "recorded|occurred", "default recorded"},
          {"format", "json|md|csv|html|xlsx", "default json; xlsx needs --out"},
          {"out", "FILE", "write the report to FILE instead of stdout"}},
         ReportCommand);
  cl.Add("report member",
         "a member's annual file (一人一档): profile, the year's activities, the score by item "
         "with its rules, caps and grade, anchored to the log head with the commands that "
         "prove it",
         {{"ID", "the member"}},
         {{"year", "YYYY", "the year (+08:00)"},
          {"format", "json|html|pdf", "default json"},
          {"out", "FILE", "write the file to FILE instead of stdout"}},
         ReportCommand);
  cl.Add("report members", "every member's annual file, one file per member in DIR", {},
         {{"year", "YYYY", "the year (+08:00)"},
          {"format", "json|html|pdf", "default json"},
          {"out", "DIR", "where the files go (DIR/ID.FORMAT)"}},
         ReportCommand);
  cl.Add("report notice",
         "the periodic notice (履职通报): studios ranked by activity against the period before, "
         "flags, overdue findings, members for a reminder talk, late recording",
         {},
         {{"period", "2026-Q3|2026-11|2026", "a quarter, a month or a year (+08:00)"},
          {"format", "md|html|xlsx|pdf|json", "default md; xlsx and pdf need --out"},
          {"below", "POINTS", "the reminder line: a score below it in the period's year"},
          {"out", "FILE", "write the notice to FILE instead of stdout"}},
         ReportCommand);
  cl.Add("serve",
         "the HTTP API and the web workspace (SIGINT or SIGTERM stops it); HTTPS with a "
         "certificate; plain HTTP off loopback only if insecure",
         {},
         {{"listen", "ADDR:PORT", "default 127.0.0.1:8080; IPv6 in brackets"},
          {"web", "DIR", "the built web workspace"},
          {"tls-cert", "FILE", "a PEM certificate chain: serve HTTPS only"},
          {"tls-key", "FILE", "its private key (PEM, private to the owner)"},
          {"insecure-http", "", "allow plain HTTP on an address other than loopback"}},
         ServeCommand);
  const Option kRole{"role", "ROLE", "recorder|supervisor|auditor|admin"};
  const Option kStudios{"studio", "S01,S02", "the studios a recorder may write for"};
  cl.Group("token", "bearer tokens of the HTTP API (secrets are shown once)");
  cl.Add("token add", "grant a token", {}, {kRole, {"name", "NAME", "its name"}, kStudios},
         TokenCommand);
  cl.Add("token list", "the tokens in force", {}, {{"history", "", "every grant and revocation"}},
         TokenCommand);
  cl.Add("token revoke", "revoke a token", {{"NAME", "its name"}}, {}, TokenCommand);
  cl.Add("token seal",
         "what the ledger's key does not vouch for in the access journal (lines from before "
         "lines were signed); with the chain it shows, seal the journal as shown",
         {}, {{"confirm", "CHAIN", "the chain shown by `token seal`"}}, TokenCommand);
  const Option kPasswordStdin{"password-stdin", "", "read the password from standard input"};
  const Option kDisplayName{"name", "显示名", "the name shown in the workspace"};
  cl.Group("user",
           "people who sign in to the web workspace (a generated password is printed once)");
  cl.Add("user add", "add a person", {{"LOGIN", "the sign-in name"}},
         {kRole, kDisplayName, kStudios, kPasswordStdin}, UserCommand);
  cl.Add("user list", "every person", {}, {}, UserCommand);
  cl.Add("user disable", "stop a person signing in", {{"LOGIN", "the sign-in name"}}, {},
         UserCommand);
  cl.Add("user enable", "let a person sign in again", {{"LOGIN", "the sign-in name"}}, {},
         UserCommand);
  cl.Add("user password", "set a new password", {{"LOGIN", "the sign-in name"}}, {kPasswordStdin},
         UserCommand);
  cl.Add("user set", "change a person's role, studios or name", {{"LOGIN", "the sign-in name"}},
         {kRole, kStudios, kDisplayName}, UserCommand);
  cl.Add("backup", "a consistent copy of the ledger (by the running server when there is one)",
         {{"DIR", "a new directory"}}, {}, BackupCommand);
  cl.Add("demo",
         "build the demo ledger of Banan District (or write its events as JSON Lines to FILE, "
         "for import)",
         {},
         {{"events", "N", "default 20000"},
          {"seed", "S", "the random seed"},
          {"jsonl", "FILE", "write the events to FILE instead"}},
         Demo);
  const Option kEvents{"events", "N", "events of the demo scenario (default 100000)"};
  const Option kKeep{"keep", "", "keep the ledger the benchmark built"};
  const Option kDataDir{"data-dir", "DIR", "measure this ledger instead of building one"};
  cl.Group("bench", "benchmarks of SPEC §7, each against its baseline in the same run");
  cl.Add("bench import", "durable import rate vs raw RocksDB", {},
         {kEvents, {"dir", "DIR", "where to build (default a temporary directory)"}, kKeep}, Bench);
  cl.Add("bench verify", "verify rate vs a raw scan", {}, {kEvents, kDataDir, kKeep}, Bench);
  cl.Add("bench rebuild", "rebuild rate vs a raw scan; studio query latency", {},
         {kEvents, kDataDir, kKeep}, Bench);
  cl.Add("bench serve", "HTTP appends and queries under load", {},
         {{"per-client", "N", "requests per client (default 50)"}}, Bench);
  return cl.Run(argc, argv);
}

}  // namespace
}  // namespace wulian::cli

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return wulian::cli::Main(argc, argv);
}
