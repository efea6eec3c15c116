#include "projections/report.h"

#include <cstring>
#include <filesystem>

#include "base/time.h"
#include "events/codec.h"
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

Status Head(const Ledger& ledger, uint64_t seq, ReportHead* head) {
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
  *head = {static_cast<int64_t>(seq), ToHex(chain), ToHex(root)};
  return Status::OK();
}

}  // namespace

Status RecordedPrefixEnd(const Ledger& ledger, int64_t t, uint64_t* end) {
  return PrefixEnd(ledger, t, end);
}

Status BuildReportModel(const Ledger& ledger, const Policy& policy, const ReportOptions& o,
                        ReportModel* model) {
  return BuildModel(
      ledger, policy, o,
      [&](const Views& views) { return views.Model(o.as_of_micros, policy, &model->views); },
      model);
}

Status BuildModel(const Ledger& ledger, const Policy& policy, const ReportOptions& o,
                  const std::function<Status(const Views&)>& read, ReportModel* model) {
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
  model->axis = o.axis;
  model->as_of_micros = t;
  model->as_of = FormatInstant(t);
  model->policy = policy;
  s = Head(ledger, basis, &model->head);
  if (!s.ok()) return s;
  std::error_code ignored;
  std::filesystem::remove_all(o.scratch_dir, ignored);
  {
    std::unique_ptr<Views> views;
    s = Views::Open(o.scratch_dir, &views);
    if (s.ok() && basis > 0) s = views->CatchUp(ledger, basis, filter);
    if (s.ok()) s = read(*views);
  }
  std::filesystem::remove_all(o.scratch_dir, ignored);
  return s;
}

Status LiveReportModel(const Ledger& ledger, const Views& views, const Policy& policy,
                       int64_t now_micros, ReportModel* model) {
  model->axis = Axis::kRecorded;
  model->as_of_micros = now_micros;
  model->as_of = FormatInstant(now_micros);
  model->policy = policy;
  // The head is the one the views' snapshot was at (the views may move on meanwhile).
  Status s = views.Model(now_micros, policy, &model->views);
  if (s.ok())
    s = Head(ledger, static_cast<uint64_t>(model->views.overview.as_of.seq), &model->head);
  return s;
}

Status RenderReport(const ReportModel& model, Format format, const std::string& scratch_dir,
                    std::string* out) {
  switch (format) {
    case Format::kJson:
      return RenderJson(model, out);
    case Format::kMarkdown:
      return RenderMarkdown(model, out);
    case Format::kCsv:
      return RenderCsv(model, out);
    case Format::kHtml:
      return RenderHtml(model, out);
    case Format::kXlsx:
      return RenderXlsx(model, scratch_dir, out);
  }
  return Status::InvalidArgument("unknown report format");
}

Status BuildReport(const Ledger& ledger, const Policy& policy, const ReportOptions& o,
                   std::string* out) {
  ReportModel model;
  Status s = BuildReportModel(ledger, policy, o, &model);
  if (!s.ok()) return s;
  return RenderReport(model, o.format, o.scratch_dir, out);
}

}  // namespace wulian::projections
