// As-of replay reports (SPEC §5, §6.1): what the ledger held at a moment T (axis
// `recorded`: the log prefix with recordedAt ≤ T, corrections recorded later not applied),
// or what had happened by T as known now (axis `occurred`: the events with occurredAt ≤ T,
// with every correction and retraction of them applied). Flags are relative to T.
//
// The replay runs into a scratch views database, never touching the live views. The report
// is deterministic: the same ledger and arguments give the same bytes; a recorded-axis report
// for a past T never changes, whatever is appended later.
#pragma once

#include <functional>
#include <limits>
#include <string>

#include "events/store.h"
#include "projections/policy.h"
#include "projections/report_model.h"

namespace wulian::projections {

class Views;

enum class Format { kJson, kMarkdown, kCsv, kHtml, kXlsx };

struct ReportOptions {
  int64_t as_of_micros = 0;  // T
  Axis axis = Axis::kRecorded;
  Format format = Format::kJson;
  // A directory the replay may create and remove.
  std::string scratch_dir;
  // The ledger clock. A recorded-axis report for a T after it is refused: events recorded
  // from now on could still fall at or before T, so the report would not be final.
  int64_t now_micros = std::numeric_limits<int64_t>::max();
};

// The last seq recorded at or before t (0: none): the head a recorded-axis report at t is
// anchored to.
Status RecordedPrefixEnd(const Ledger& ledger, int64_t t, uint64_t* end);

// The report's model: the head at T on the axis, the policy, and every view of the replay.
Status BuildReportModel(const Ledger& ledger, const Policy& policy, const ReportOptions& options,
                        ReportModel* model);
// The model's head, axis, as-of and policy, then `read` of the replay's views (for reports
// that read more than the views, such as the notice). options.format is not used.
Status BuildModel(const Ledger& ledger, const Policy& policy, const ReportOptions& options,
                  const std::function<Status(const Views&)>& read, ReportModel* model);
// The model of the live views (caught up by the caller) at their last event, flags at now:
// what `export --sheet` writes.
Status LiveReportModel(const Ledger& ledger, const Views& views, const Policy& policy,
                       int64_t now_micros, ReportModel* model);
// The model rendered in `format`; `scratch_dir` is a directory the xlsx rendering may use.
Status RenderReport(const ReportModel& model, Format format, const std::string& scratch_dir,
                    std::string* out);
// BuildReportModel, then RenderReport in options.format: {"head", "axis", "asOf", "policy",
// "overview", "committees", "studios", "members"} in JSON.
Status BuildReport(const Ledger& ledger, const Policy& policy, const ReportOptions& options,
                   std::string* out);

}  // namespace wulian::projections
