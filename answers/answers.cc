#include "answers/answers.h"

namespace wulian {
namespace {

std::string HashList(const std::vector<Hash>& hashes) {
  std::string out = "[";
  for (size_t i = 0; i < hashes.size(); ++i) out += (i ? ",\"" : "\"") + ToHex(hashes[i]) + "\"";
  return out + "]";
}

Status EventJson(const Ledger& ledger, const Codec& codec, uint64_t seq, std::string* json) {
  std::string bytes;
  Status s = ledger.Get(seq, &bytes);
  if (!s.ok()) return s;
  try {
    StoredMessage stored(bytes);
    *json = codec.Encode(stored.event());
  } catch (const kj::Exception& e) {
    return Status::Corruption("event " + std::to_string(seq) + ": " + e.getDescription().cStr());
  }
  return Status::OK();
}

}  // namespace

std::string ErrorJson(const Status& status, const std::string& extra) {
  return "{\"error\":{\"code\":" + JsonString(status.CodeName()) +
         ",\"message\":" + JsonString(status.message()) + extra + "}}";
}

std::string AppendResultJson(const AppendResult& r) {
  return "{\"seq\":" + std::to_string(r.seq) + ",\"stream\":" + JsonString(r.stream) +
         ",\"version\":" + std::to_string(r.version) + ",\"hash\":\"" + ToHex(r.hash) + "\"}";
}

std::string AppendResultsJson(const std::vector<AppendResult>& results, bool batch) {
  if (!batch && results.size() == 1) return AppendResultJson(results[0]);
  std::string out = "{\"results\":[";
  for (size_t i = 0; i < results.size(); ++i) out += (i ? "," : "") + AppendResultJson(results[i]);
  return out + "]}";
}

std::string HeadJson(const Head& head) {
  return "{\"seq\":" + std::to_string(head.seq) + ",\"chain\":\"" + ToHex(head.chain) +
         "\",\"root\":\"" + ToHex(head.root) + "\"}";
}

std::string InclusionProofJson(uint64_t seq, uint64_t size, const Hash& leaf,
                               const std::vector<Hash>& path) {
  return "{\"seq\":" + std::to_string(seq) + ",\"size\":" + std::to_string(size) + ",\"leaf\":\"" +
         ToHex(leaf) + "\",\"path\":" + HashList(path) + "}";
}

std::string ConsistencyProofJson(uint64_t from, uint64_t to, const std::vector<Hash>& path) {
  return "{\"from\":" + std::to_string(from) + ",\"to\":" + std::to_string(to) +
         ",\"path\":" + HashList(path) + "}";
}

Status HistoryJson(const Ledger& ledger, const Codec& codec, uint64_t seq, std::string* json) {
  std::string event;
  Status s = EventJson(ledger, codec, seq, &event);
  std::vector<uint64_t> changes;
  if (s.ok()) s = ledger.History(seq, &changes);
  std::string out = "{\"event\":" + event + ",\"changes\":[";
  for (size_t i = 0; s.ok() && i < changes.size(); ++i) {
    std::string change;
    s = EventJson(ledger, codec, changes[i], &change);
    out += (i ? "," : "") + change;
  }
  if (s.ok()) *json = out + "]}";
  return s;
}

}  // namespace wulian
