// Deterministic demo history for the Wulian ledger (SPEC §3): two years (2024-11-01 ..
// 2026-10-31, +08:00) of a realistic Banan District, Chongqing — committees, members and
// studios first, then memberships, activity, supervision, corrections and retractions.
//
// Contract:
// - Exactly `options.events` events reach the sink (the plan fills the two years exactly
//   for every count >= 200; a smaller count gets a prefix of the registry).
// - Every event is valid for the ledger when appended in emission order, with event k
//   (1-based) stored at seq k: references are registered before use, object ids are used
//   once per studio, suspended studios only receive supervision, corrections and
//   retractions name earlier, live activity events of the same studio.
// - recorded_at never decreases along the emission order, and occurredAt <= recorded_at.
// - Same options => byte-identical output on every platform (no std distributions, no
//   libm transcendental functions); a different seed gives a different history.
// - Memory is O(number of studios), with every per-studio set bounded; the number of
//   studios grows with `events` (8 + events / 2000), never with time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace wulian::demo {

struct DemoEvent {
  std::string json;         // one client event line: {"id","type","occurredAt","data"} (no newline)
  std::string recorded_at;  // when the ledger records it, RFC 3339 in +08:00, e.g.
                            // 2024-11-03T09:12:00+08:00
};

struct DemoOptions {
  uint64_t seed = 20241101;  // same seed + same events => byte-identical output
  uint64_t events = 20000;   // exact number of events emitted (>= 200, up to 10,000,000)
};

// Calls sink once per event, in non-decreasing recorded_at order. Event k (1-based) will be
// stored at seq k, so corrections/retractions may name earlier events by that number.
void Generate(const DemoOptions& options, const std::function<void(const DemoEvent&)>& sink);

}  // namespace wulian::demo
