// The JSON answers the CLI (§6.1) and the HTTP API (§6.2) share, written in one place so
// that both stay the same shape.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/hash.h"
#include "events/codec.h"
#include "events/store.h"

namespace wulian {

// {"error": {"code", "message"` + `extra` + `}}`: a refusal; `extra` holds further fields,
// each starting with a comma (the CLI's ,"line":N).
std::string ErrorJson(const Status& status, const std::string& extra = "");
// {"seq", "stream", "version", "hash"}
std::string AppendResultJson(const AppendResult& result);
// One result, or {"results": [...]} for a batch.
std::string AppendResultsJson(const std::vector<AppendResult>& results, bool batch);
// {"seq", "chain", "root"}
std::string HeadJson(const Head& head);
// {"seq", "size", "leaf", "path": [hex…]}
std::string InclusionProofJson(uint64_t seq, uint64_t size, const Hash& leaf,
                               const std::vector<Hash>& path);
// {"from", "to", "path": [hex…]}
std::string ConsistencyProofJson(uint64_t from, uint64_t to, const std::vector<Hash>& path);
// {"event": {...}, "changes": [...]}: the event at `seq` and each correction and retraction.
Status HistoryJson(const Ledger& ledger, const Codec& codec, uint64_t seq, std::string* json);

}  // namespace wulian
