// View commands (SPEC §6.1): query, rebuild, report.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "base/time.h"
#include "events/codec.h"
#include "projections/notice.h"
#include "projections/report.h"
#include "projections/views.h"
#include "tools/cli.h"

namespace wulian::cli {
namespace {

using projections::Policy;
using projections::Views;

// The ledger, its policy and its views caught up to the head.
struct Opened {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Views> views;
  Policy policy;
};

void ReportProgress(Views& views) {
  views.set_progress([](uint64_t seq) {
    std::fprintf(stderr, "views: %llu events applied\n", static_cast<unsigned long long>(seq));
  });
}

Status OpenViews(const Args& args, Opened* out) {
  Status s = OpenLedger(args.data, &out->ledger);
  if (s.ok()) s = Policy::Load(PolicyPath(args.data), &out->policy);
  if (s.ok()) s = Views::Open(ViewsDir(args.data), &out->views);
  if (s.ok()) ReportProgress(*out->views);
  if (s.ok()) s = out->views->CatchUp(*out->ledger);
  return s;
}

}  // namespace

int QueryCommand(const Args& args) {
  const std::string what = args.positional.empty() ? "" : args.positional[0];
  if (what == "history") return HistoryCommand(args);
  const bool with_id = what == "studio" || what == "member" || what == "committee";
  const bool without = what == "studios" || what == "overview";
  if (!(with_id && args.positional.size() == 2) && !(without && args.positional.size() == 1)) {
    return Fail(Status::InvalidArgument(
        "usage: query studio ID | member ID | committee ID | studios | overview | history SEQ"));
  }
  Opened o;
  int64_t now = 0;
  Status s = OpenViews(args, &o);
  if (s.ok()) s = LedgerClock(&now);
  std::string json;
  if (s.ok()) {
    if (what == "studio") s = o.views->Studio(args.positional[1], now, o.policy, &json);
    if (what == "member") s = o.views->Member(args.positional[1], o.policy, &json);
    if (what == "committee") s = o.views->Committee(args.positional[1], now, o.policy, &json);
    if (what == "studios") s = o.views->Studios(now, o.policy, &json);
    if (what == "overview") s = o.views->Overview(now, o.policy, &json);
  }
  if (!s.ok()) return Fail(s);
  std::cout << json << "\n";
  return 0;
}

int RebuildCommand(const Args& args) {
  static const char* const kNames[] = {"studio", "member", "committee", "overview"};
  if (args.positional.size() > 1 ||
      (args.positional.size() == 1 &&
       std::find(std::begin(kNames), std::end(kNames), args.positional[0]) == std::end(kNames))) {
    return Fail(Status::InvalidArgument("usage: rebuild [studio|member|committee|overview]"));
  }
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Views> views;
  Status s = OpenLedger(args.data, &ledger);
  if (s.ok()) s = Views::Open(ViewsDir(args.data), &views);
  if (s.ok()) ReportProgress(*views);
  if (s.ok()) s = views->Rebuild(*ledger);
  if (!s.ok()) return Fail(s);
  std::cout << "{\"rebuilt\":true,\"asOf\":{\"seq\":" << views->seq() << ",\"chain\":\""
            << ToHex(views->chain()) << "\"}}\n";
  return 0;
}

int SheetExportCommand(const Args& args) {
  if (!args.positional.empty() || args.flags.at("sheet").empty()) {
    return Fail(Status::InvalidArgument("usage: export --sheet FILE.xlsx"));
  }
  Opened o;
  int64_t now = 0;
  Status s = OpenViews(args, &o);
  if (s.ok()) s = LedgerClock(&now);
  projections::ReportModel model;
  if (s.ok()) s = projections::LiveReportModel(*o.ledger, *o.views, o.policy, now, &model);
  std::string bytes;
  if (s.ok()) {
    s = projections::RenderXlsx(model, args.data + "/sheet-" + std::to_string(getpid()), &bytes);
  }
  if (s.ok()) s = WriteOutput(args.flags.at("sheet"), bytes);
  if (!s.ok()) return Fail(s);
  std::cout << "{\"sheet\":" << JsonString(args.flags.at("sheet"))
            << ",\"head\":{\"seq\":" << model.head.seq << ",\"chain\":\"" << model.head.chain
            << "\",\"root\":\"" << model.head.root << "\"},\"asOf\":\"" << model.as_of << "\"}\n";
  return 0;
}

int NoticeCommand(const Args& args) {
  auto flag = [&](const char* name, const char* fallback) {
    auto it = args.flags.find(name);
    return it == args.flags.end() ? std::string(fallback) : it->second;
  };
  const std::string format = flag("format", "md");
  const bool known = std::find_if(std::begin(projections::kNoticeFormats),
                                  std::end(projections::kNoticeFormats), [&](const char* f) {
                                    return format == f;
                                  }) != std::end(projections::kNoticeFormats);
  if (args.positional.size() != 1 || !args.flags.count("period") || !known ||
      ((format == "xlsx" || format == "pdf") && !args.flags.count("out"))) {
    return Fail(Status::InvalidArgument(
        "usage: report notice --period YYYY-Qn|YYYY-MM|YYYY [--format md|html|xlsx|pdf|json] "
        "[--below POINTS] [--out FILE] (xlsx and pdf need --out)"));
  }
  projections::NoticeOptions options;
  Status s = projections::ParsePeriod(args.flags.at("period"), &options.period);
  uint64_t below = 0;
  if (s.ok() && args.flags.count("below")) {
    s = args.Uint("below", 0, &below);
    if (s.ok() && below > projections::kReminderPointsBelowMax) {
      s = Status::InvalidArgument("--below: at most " +
                                  std::to_string(projections::kReminderPointsBelowMax));
    }
    options.reminder_points_below = static_cast<int64_t>(below);
  }
  if (!s.ok()) return Fail(s);
  s = LedgerClock(&options.now_micros);
  options.scratch_dir = args.data + "/notice-" + std::to_string(getpid());
  std::unique_ptr<Ledger> ledger;
  Policy policy;
  if (s.ok()) s = OpenLedger(args.data, &ledger);
  if (s.ok()) s = Policy::Load(PolicyPath(args.data), &policy);
  projections::NoticeModel notice;
  if (s.ok()) s = projections::BuildNotice(*ledger, policy, options, &notice);
  std::string out;
  if (s.ok()) {
    s = projections::RenderNotice(notice, format, options.scratch_dir, &out);
  }
  return Deliver(args, s, out);
}

int ReportCommand(const Args& args) {
  if (!args.positional.empty() && args.positional[0] == "notice") return NoticeCommand(args);
  if (!args.positional.empty() &&
      (args.positional[0] == "member" || args.positional[0] == "members")) {
    return MemberFileCommand(args);
  }
  static const std::map<std::string, projections::Format> kFormats = {
      {"json", projections::Format::kJson},
      {"md", projections::Format::kMarkdown},
      {"csv", projections::Format::kCsv},
      {"html", projections::Format::kHtml},
      {"xlsx", projections::Format::kXlsx}};
  projections::ReportOptions options;
  auto flag = [&](const char* name, const char* fallback) {
    auto it = args.flags.find(name);
    return it == args.flags.end() ? std::string(fallback) : it->second;
  };
  const std::string axis = flag("axis", "recorded"), format = flag("format", "json");
  auto as_of = ParseInstant(flag("as-of", ""));
  if (!as_of || (axis != "recorded" && axis != "occurred") || !kFormats.count(format) ||
      !args.positional.empty() || (format == "xlsx" && !args.flags.count("out"))) {
    return Fail(
        Status::InvalidArgument("usage: report --as-of RFC3339 [--axis recorded|occurred] "
                                "[--format json|md|csv|html] [--out FILE] | --format xlsx --out "
                                "FILE.xlsx"));
  }
  options.as_of_micros = *as_of;
  options.axis = axis == "recorded" ? projections::Axis::kRecorded : projections::Axis::kOccurred;
  int64_t now = 0;
  Status clock = LedgerClock(&now);
  if (!clock.ok()) return Fail(clock);
  options.now_micros = now;
  options.format = kFormats.at(format);
  options.scratch_dir = args.data + "/report-" + std::to_string(getpid());
  std::unique_ptr<Ledger> ledger;
  Policy policy;
  Status s = OpenLedger(args.data, &ledger);
  if (s.ok()) s = Policy::Load(PolicyPath(args.data), &policy);
  std::string report;
  if (s.ok()) s = projections::BuildReport(*ledger, policy, options, &report);
  return Deliver(args, s, report);
}

}  // namespace wulian::cli
