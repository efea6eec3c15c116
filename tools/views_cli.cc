// View commands (SPEC §6.1): query, rebuild, report.
#include <algorithm>
#include <iostream>

#include "events/time.h"
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

Status OpenViews(const Args& args, Opened* out) {
  Status s = OpenLedger(args.data, &out->ledger);
  if (s.ok()) s = Policy::Load(PolicyPath(args.data), &out->policy);
  if (s.ok()) s = Views::Open(ViewsDir(args.data), &out->views);
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
  if (s.ok()) s = views->Rebuild(*ledger);
  if (!s.ok()) return Fail(s);
  std::cout << "{\"rebuilt\":true,\"asOf\":{\"seq\":" << views->seq() << ",\"chain\":\""
            << ToHex(views->chain()) << "\"}}\n";
  return 0;
}

int ReportCommand(const Args&) { return Fail(Status::InvalidArgument("report: not yet")); }

}  // namespace wulian::cli
