#include "projections/report.h"

#include <cstring>
#include <filesystem>

#include "events/codec.h"
#include "events/time.h"
#include "projections/json_writer.h"
#include "projections/views.h"

namespace wulian::projections {
namespace {

// recordedAt of the event at seq.
Status RecordedAt(const Ledger& ledger, uint64_t seq, int64_t* micros) {
  std::string bytes;
  Status s = ledger.Get(seq, &bytes);
  if (!s.ok()) return s;
  StoredMessage stored(bytes);
  *micros = ParseInstant(stored.event().getRecordedAt().cStr()).value_or(0);
  return Status::OK();
}

// The last seq whose recordedAt ≤ t (recordedAt never decreases along seq), or 0.
Status PrefixEnd(const Ledger& ledger, int64_t t, uint64_t* end) {
  uint64_t lo = 0, hi = ledger.GetHead().seq;  // invariant: recordedAt(lo) ≤ t (lo 0: none)
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo + 1) / 2;
    int64_t recorded = 0;
    Status s = RecordedAt(ledger, mid, &recorded);
    if (!s.ok()) return s;
    if (recorded <= t) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  *end = lo;
  return Status::OK();
}

Status Head(const Ledger& ledger, uint64_t seq, JsonWriter& w) {
  Hash chain{}, root;
  if (seq > 0) {
    std::string bytes;
    Status s = ledger.Get(seq, &bytes);
    if (!s.ok()) return s;
    StoredMessage stored(bytes);
    std::memcpy(chain.data(), stored.event().getChain().begin(), chain.size());
  }
  Status s = ledger.TreeRoot(seq, &root);
  if (!s.ok()) return s;
  w.Key("head").BeginObject().Key("seq").Int(static_cast<int64_t>(seq));
  w.Key("chain").String(ToHex(chain)).Key("root").String(ToHex(root)).EndObject();
  return Status::OK();
}

Status Json(const Ledger& ledger, const Policy& policy, const ReportOptions& o, const Views& views,
            uint64_t basis, std::string* out) {
  const int64_t t = o.as_of_micros;
  JsonWriter w;
  w.BeginObject();
  Status s = Head(ledger, basis, w);
  if (!s.ok()) return s;
  w.Key("axis").String(o.axis == Axis::kRecorded ? "recorded" : "occurred");
  w.Key("asOf").String(FormatInstant(t)).Key("policy").Raw(policy.ToJson());
  std::string json;
  s = views.Overview(t, policy, &json);
  w.Key("overview").Raw(json).Key("committees").BeginArray();
  for (const auto& id : views.CommitteeIds()) {
    if (s.ok()) s = views.Committee(id, t, policy, &json);
    w.Raw(json);
  }
  w.EndArray();
  if (s.ok()) s = views.Studios(t, policy, &json);
  w.Key("studios").Raw(json).Key("members").BeginArray();
  for (const auto& id : views.MemberIds()) {
    if (s.ok()) s = views.Member(id, policy, &json);
    w.Raw(json);
  }
  w.EndArray().EndObject();
  *out = w.str() + "\n";
  return s;
}

}  // namespace

Status RecordedPrefixEnd(const Ledger& ledger, int64_t t, uint64_t* end) {
  return PrefixEnd(ledger, t, end);
}

Status BuildReport(const Ledger& ledger, const Policy& policy, const ReportOptions& o,
                   std::string* out) {
  if (o.axis == Axis::kRecorded && o.as_of_micros > o.now_micros) {
    return Status::InvalidArgument(
        "as-of is after the ledger clock: a recorded-axis report is final only for a moment that "
        "has passed");
  }
  uint64_t basis = ledger.GetHead().seq;
  Status s = o.axis == Axis::kRecorded ? PrefixEnd(ledger, o.as_of_micros, &basis) : Status::OK();
  if (!s.ok()) return s;
  const int64_t t = o.as_of_micros;
  EventFilter filter = nullptr;
  if (o.axis == Axis::kOccurred) {
    filter = [t](schema::Event::Reader e) {
      return ParseInstant(e.getOccurredAt().cStr()).value_or(0) <= t;
    };
  }
  std::error_code ignored;
  std::filesystem::remove_all(o.scratch_dir, ignored);
  std::string json;
  {
    std::unique_ptr<Views> views;
    s = Views::Open(o.scratch_dir, &views);
    if (s.ok() && basis > 0) s = views->CatchUp(ledger, basis, filter);
    if (s.ok()) s = Json(ledger, policy, o, *views, basis, &json);
  }
  std::filesystem::remove_all(o.scratch_dir, ignored);
  if (!s.ok()) return s;
  switch (o.format) {
    case Format::kJson:
      *out = std::move(json);
      return Status::OK();
    case Format::kMarkdown:
      return RenderMarkdown(json, out);
    case Format::kCsv:
      return RenderCsv(json, out);
    case Format::kHtml:
      return RenderHtml(json, out);
  }
  return Status::InvalidArgument("unknown report format");
}

}  // namespace wulian::projections
