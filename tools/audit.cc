// Audit commands (SPEC §4, §6.1): signed tree heads, RFC 6962 proofs, their offline checks,
// verify against a published head, and the history of an event. Formats: docs/audit.md.
#include <iostream>

#include "base/time.h"
#include "events/codec.h"
#include "events/merkle.h"
#include "events/signing.h"
#include "events/store.h"
#include "tools/cli.h"

namespace wulian::cli {
namespace {

Status ParseHashList(const JsonDocument& doc, std::string_view name, std::vector<Hash>* out) {
  std::vector<std::string> hex;
  Status s = doc.GetStringList(name, &hex);
  if (!s.ok()) return s;
  out->assign(hex.size(), Hash{});
  for (size_t i = 0; i < hex.size(); ++i) {
    if (!FromHex(hex[i], (*out)[i].data(), (*out)[i].size())) {
      return Status::InvalidArgument(std::string(name) + "[" + std::to_string(i) +
                                     "] is not 32 bytes of hex");
    }
  }
  return Status::OK();
}

Status ParseUint(const std::string& text, uint64_t* out) {
  try {
    size_t used = 0;
    *out = std::stoull(text, &used);
    if (used == text.size() && !text.empty() && text[0] != '-') return Status::OK();
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument(text + " is not a whole number");
}

Status FlagFile(const Args& args, const std::string& flag, std::string* contents) {
  auto it = args.flags.find(flag);
  if (it == args.flags.end()) return Status::InvalidArgument("--" + flag + " FILE is required");
  return ReadFile(it->second, contents);
}

Status LoadKey(const Args& args, PublicKey* key) {
  std::string text;
  Status s = FlagFile(args, "pubkey", &text);
  return s.ok() ? ParsePublicKey(text, key) : s;
}

Status LoadHead(const Args& args, const std::string& flag, const PublicKey& key, TreeHead* head) {
  std::string text;
  Status s = FlagFile(args, flag, &text);
  if (s.ok()) s = ParseTreeHead(text, head);
  if (s.ok() && !VerifyTreeHead(*head, key)) {
    return Status::Corruption("the signature of --" + flag +
                              " does not verify with the public key");
  }
  return s;
}

// {"ok": false, "problem"} and exit 1, or {"ok": true, …extra} and exit 0.
int Verdict(const Status& s, const std::string& extra = "") {
  if (s.code() == Code::kCorruption) {
    std::cout << "{\"ok\":false,\"problem\":" << JsonString(s.message()) << "}\n";
    return 1;
  }
  if (!s.ok()) return Fail(s);
  std::cout << "{\"ok\":true" << extra << "}\n";
  return 0;
}

int CheckInclusion(const Args& args) {
  PublicKey key;
  TreeHead head;
  std::string text;
  JsonDocument proof;
  uint64_t seq = 0, size = 0;
  std::string leaf_hex;
  Hash leaf{};
  std::vector<Hash> path;
  Status s = LoadKey(args, &key);
  if (s.ok()) s = LoadHead(args, "head", key, &head);
  if (s.ok()) s = FlagFile(args, "proof", &text);
  if (s.ok()) s = proof.Parse(text);
  if (s.ok()) s = proof.GetUint("seq", &seq);
  if (s.ok()) s = proof.GetUint("size", &size);
  if (s.ok()) s = proof.GetString("leaf", &leaf_hex);
  if (s.ok()) s = ParseHashList(proof, "path", &path);
  if (s.ok() && !FromHex(leaf_hex, leaf.data(), leaf.size()))
    s = Status::InvalidArgument("leaf is not 32 bytes of hex");
  if (s.ok() && size != head.size)
    s = Status::Corruption("the proof is for size " + std::to_string(size) + ", the head for " +
                           std::to_string(head.size));
  if (s.ok() && (seq == 0 || !merkle::VerifyInclusion(seq - 1, size, leaf, path, head.root))) {
    s = Status::Corruption("the inclusion proof does not lead to the head's root");
  }
  if (s.ok() && args.flags.count("event")) {
    // The event itself, as exported: its recomputed leaf hash must be the proven leaf.
    Codec codec;
    capnp::MallocMessageBuilder message;
    s = FlagFile(args, "event", &text);
    if (s.ok()) s = codec.DecodeStored(text.substr(0, text.find('\n')), &message);
    if (s.ok()) {
      auto event = message.getRoot<schema::Event>();
      event.disownHash();
      event.disownChain();
      if (event.getSeq() != seq || LeafHash(event.asReader()) != leaf) {
        s = Status::Corruption("the event does not hash to the proven leaf");
      }
    }
  }
  return Verdict(
      s, s.ok() ? ",\"seq\":" + std::to_string(seq) + ",\"size\":" + std::to_string(size) : "");
}

int CheckConsistency(const Args& args) {
  PublicKey key;
  TreeHead older, newer;
  std::string text;
  JsonDocument proof;
  uint64_t from = 0, to = 0;
  std::vector<Hash> path;
  Status s = LoadKey(args, &key);
  if (s.ok()) s = LoadHead(args, "old", key, &older);
  if (s.ok()) s = LoadHead(args, "new", key, &newer);
  if (s.ok()) s = FlagFile(args, "proof", &text);
  if (s.ok()) s = proof.Parse(text);
  if (s.ok()) s = proof.GetUint("from", &from);
  if (s.ok()) s = proof.GetUint("to", &to);
  if (s.ok()) s = ParseHashList(proof, "path", &path);
  if (s.ok() && (from != older.size || to != newer.size))
    s = Status::Corruption("the proof is not between the sizes of the two heads");
  if (s.ok() && !merkle::VerifyConsistency(older.size, newer.size, older.root, newer.root, path)) {
    s = Status::Corruption(
        "the consistency proof does not join the two heads: history was rewritten");
  }
  return Verdict(
      s, s.ok() ? ",\"from\":" + std::to_string(from) + ",\"to\":" + std::to_string(to) : "");
}

}  // namespace

int PubkeyCommand(const Args& args) {
  std::unique_ptr<SigningKey> key;
  Status s = SigningKey::Load(SigningKeyPath(args.data), &key);
  if (!s.ok()) return Fail(s);
  std::cout << PublicKeyJson(key->public_key()) << "\n";
  return 0;
}

int HeadCommand(const Args& args) {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<SigningKey> key;
  Status s = OpenLedger(args.data, &ledger);
  if (s.ok()) s = SigningKey::Load(SigningKeyPath(args.data), &key);
  uint64_t size = 0;
  if (s.ok()) s = args.Uint("size", ledger->GetHead().seq, &size);
  TreeHead head;
  head.size = size;
  if (s.ok()) s = ledger->TreeRoot(size, &head.root);
  int64_t now = 0;
  if (s.ok()) s = LedgerClock(&now);
  if (!s.ok()) return Fail(s);
  head.time = FormatInstant(now);
  key->Sign(&head);
  std::cout << TreeHeadJson(head) << "\n";
  return 0;
}

int ProofCommand(const Args& args) {
  std::unique_ptr<Ledger> ledger;
  Status s = OpenLedger(args.data, &ledger);
  if (!s.ok()) return Fail(s);
  const std::string kind = args.positional.empty() ? "" : args.positional[0];
  std::vector<Hash> path;
  if (kind == "inclusion" && args.positional.size() == 2) {
    uint64_t seq = 0, size = 0;
    Hash leaf;
    s = ParseUint(args.positional[1], &seq);
    if (s.ok()) s = args.Uint("size", ledger->GetHead().seq, &size);
    if (s.ok()) s = ledger->InclusionProof(seq, size, &leaf, &path);
    if (!s.ok()) return Fail(s);
    std::cout << InclusionProofJson(seq, size, leaf, path) << "\n";
    return 0;
  }
  if (kind == "consistency" && args.positional.size() == 3) {
    uint64_t m = 0, n = 0;
    s = ParseUint(args.positional[1], &m);
    if (s.ok()) s = ParseUint(args.positional[2], &n);
    if (s.ok()) s = ledger->ConsistencyProof(m, n, &path);
    if (!s.ok()) return Fail(s);
    std::cout << ConsistencyProofJson(m, n, path) << "\n";
    return 0;
  }
  return Fail(
      Status::InvalidArgument("usage: proof inclusion SEQ [--size N] | proof consistency M N"));
}

int CheckCommand(const Args& args) {
  const std::string kind = args.positional.empty() ? "" : args.positional[0];
  if (kind == "inclusion") return CheckInclusion(args);
  if (kind == "consistency") return CheckConsistency(args);
  return Fail(
      Status::InvalidArgument("usage: check inclusion --pubkey K --head H --proof P [--event E] | "
                              "check consistency --pubkey K --old H1 --new H2 --proof P"));
}

int VerifyCommand(const Args& args) {
  std::unique_ptr<Ledger> ledger;
  Status s = OpenLedger(args.data, &ledger);
  TreeHead against;
  const bool has_against = args.flags.count("against") != 0;
  if (s.ok() && has_against) {
    PublicKey key;
    if (args.flags.count("pubkey")) {
      s = LoadKey(args, &key);
    } else {
      std::unique_ptr<SigningKey> own;
      s = SigningKey::Load(SigningKeyPath(args.data), &own);
      if (s.ok()) key = own->public_key();
    }
    if (s.ok()) s = LoadHead(args, "against", key, &against);
    if (s.ok() && against.size > ledger->GetHead().seq) {
      s = Status::Corruption("the head has " + std::to_string(against.size) +
                             " events, the log only " + std::to_string(ledger->GetHead().seq) +
                             ": events were removed");
    }
  }
  VerifyReport report;
  if (s.ok()) s = ledger->Verify(VerifyOptions{has_against ? against.size : 0}, &report);
  if (s.ok() && report.ok && has_against && against.size > 0 &&
      report.root_at_size != against.root) {
    report.ok = false;
    report.first_bad_seq = 0;
    report.problem = "the log no longer holds the history of the signed head of size " +
                     std::to_string(against.size) + ": it was rewritten";
  }
  if (s.code() == Code::kCorruption) return Verdict(s);
  if (!s.ok()) return Fail(s);
  if (!report.ok) {
    std::cout << "{\"ok\":false,\"firstBadSeq\":" << report.first_bad_seq
              << ",\"problem\":" << JsonString(report.problem) << "}\n";
    return 1;
  }
  std::cout << "{\"ok\":true,\"events\":" << report.events << ",\"head\":" << HeadJson(report.head);
  if (has_against)
    std::cout << ",\"against\":{\"size\":" << against.size << ",\"consistent\":true}";
  std::cout << "}\n";
  return 0;
}

int HistoryCommand(const Args& args) {
  if (args.positional.size() != 2) return Fail(Status::InvalidArgument("usage: query history SEQ"));
  uint64_t seq = 0;
  std::unique_ptr<Ledger> ledger;
  Status s = ParseUint(args.positional[1], &seq);
  if (s.ok()) s = OpenLedger(args.data, &ledger);
  std::string json;
  if (s.ok()) s = HistoryJson(*ledger, Codec(), seq, &json);
  if (!s.ok()) return Fail(s);
  std::cout << json << "\n";
  return 0;
}

}  // namespace wulian::cli
