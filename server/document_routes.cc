// The documents an office downloads, each the bytes the CLI gives for the same head:
//   GET /v1/members/{id}/file?year=YYYY&format=json|html|pdf   `report member ID --year`
//   GET /v1/notice?period=P&format=md|html|xlsx|pdf|json[&below=N]   `report notice`
//   GET /v1/views.xlsx                                          `export --sheet`
// For readers (supervisors, auditors, admins). Each is built on the blocking pool under the
// reports' admission limit (BuildDocument); `download=1` names the file.
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <map>

#include "base/time.h"
#include "memberfile/member_file.h"
#include "projections/notice.h"
#include "server/server_internal.h"

namespace wulian::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kXlsxType[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

std::string Param(const Call& c, const char* name, const char* fallback = "") {
  auto it = c.target.query.find(name);
  return it == c.target.query.end() ? std::string(fallback) : it->second;
}

// The answer: `body` as built (the bytes the CLI writes to --out; no newline is added, which
// would break a zip) as `type`, an attachment named `filename` with ?download=1.
Response Document(Call& c, std::string body, const char* type, const std::string& filename) {
  Response res = BodyResponse(c.req, http::status::ok, type, std::move(body));
  if (Param(c, "download") == "1") {
    res.set(http::field::content_disposition, "attachment; filename=\"" + filename + "\"");
  }
  return res;
}

// A scratch directory of the data directory for one build.
std::string ScratchDir(Call& c, const char* what) {
  return c.impl.options.data_dir + "/" + what + "-serve-" +
         std::to_string(c.impl.report_seq.fetch_add(1));
}

}  // namespace

net::awaitable<std::pair<Status, std::string>> BuildDocument(
    Call& c, std::function<Status(std::string*)> build) {
  // At most running + queued builds are in hand; the rest are told to come back.
  const int limit = c.impl.options.reports_running_max + c.impl.options.reports_queued_max;
  if (c.impl.reports_admitted.fetch_add(1) >= limit) {
    c.impl.reports_admitted.fetch_sub(1);
    co_return std::make_pair(
        Status::Unavailable("too many reports are being built; retry in a moment"), std::string());
  }
  struct Release {
    std::atomic<int>& admitted;
    ~Release() { admitted.fetch_sub(1); }
  } release{c.impl.reports_admitted};
  const auto admitted = Clock::now();
  auto run = [&c, &build, admitted]() -> net::awaitable<std::pair<Status, std::string>> {
    std::string out;
    // A request that waited longer than its client would have is dropped, not built.
    if (Clock::now() - admitted > std::chrono::milliseconds(c.impl.options.request_timeout_ms)) {
      co_return std::make_pair(Status::Unavailable("the report waited too long; retry"), out);
    }
    // Nor is one whose client has gone while it waited.
    if (c.client_gone && c.client_gone()) {
      c.impl.metrics.reports_dropped.fetch_add(1);
      co_return std::make_pair(Status::Unavailable("the client has gone"), out);
    }
    Status s = build(&out);
    co_return std::make_pair(s, std::move(out));
  };
  co_return co_await net::co_spawn(c.impl.blocking.get_executor(), run(), net::use_awaitable);
}

net::awaitable<Response> MemberFileRoute(Call& c, const std::string& id) {
  if (!Can(c.who, kReaders)) co_return Forbidden(c.req);
  static const std::map<std::string, const char*> kTypes = {
      {"json", "application/json; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
      {"pdf", "application/pdf"}};
  const std::string year = Param(c, "year"), format = Param(c, "format", "json");
  if (year.empty() || !kTypes.count(format)) {
    co_return ErrorResponse(
        c.req, Status::InvalidArgument("year=YYYY &format=json|html|pdf [&download=1]"));
  }
  auto [s, body] = co_await BuildDocument(c, [&](std::string* out) {
    memberfile::MemberFile file;
    Status built =
        memberfile::BuildMemberFile(*c.impl.parts.ledger, *c.impl.parts.views, *c.impl.parts.policy,
                                    id, year, c.impl.parts.key, &file);
    return built.ok() ? memberfile::RenderMemberFile(file, format, out) : built;
  });
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  co_return Document(c, std::move(body), kTypes.at(format),
                     "wulian-member-" + id + "-" + year + "." + format);
}

net::awaitable<Response> NoticeRoute(Call& c) {
  if (!Can(c.who, kReaders)) co_return Forbidden(c.req);
  static const std::map<std::string, const char*> kTypes = {
      {"md", "text/markdown; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
      {"json", "application/json; charset=utf-8"},
      {"xlsx", kXlsxType},
      {"pdf", "application/pdf"}};
  const std::string format = Param(c, "format", "html");
  projections::NoticeOptions options;
  Status s = kTypes.count(format) ? projections::ParsePeriod(Param(c, "period"), &options.period)
                                  : Status::InvalidArgument(
                                        "period=YYYY|YYYY-Qn|YYYY-MM &format=md|html|xlsx|pdf|json "
                                        "[&below=POINTS] [&download=1]");
  if (s.ok() && !Param(c, "below").empty()) {
    std::optional<uint64_t> below;
    s = UintParam(c.target, "below", &below);
    if (s.ok() && *below > projections::kReminderPointsBelowMax) {
      s = Status::InvalidArgument("below: at most " +
                                  std::to_string(projections::kReminderPointsBelowMax));
    }
    if (s.ok()) options.reminder_points_below = static_cast<int64_t>(*below);
  }
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  options.now_micros = SystemNowMicros();
  options.scratch_dir = ScratchDir(c, "notice");
  auto [built, body] = co_await BuildDocument(c, [&](std::string* out) {
    projections::NoticeModel notice;
    Status r =
        projections::BuildNotice(*c.impl.parts.ledger, *c.impl.parts.policy, options, &notice);
    return r.ok() ? projections::RenderNotice(notice, format, options.scratch_dir + "-xlsx", out)
                  : r;
  });
  if (!built.ok()) co_return ErrorResponse(c.req, built);
  co_return Document(c, std::move(body), kTypes.at(format),
                     "wulian-notice-" + options.period.name + "." + format);
}

net::awaitable<Response> ViewsWorkbookRoute(Call& c) {
  if (!Can(c.who, kReaders)) co_return Forbidden(c.req);
  const int64_t now = SystemNowMicros() / 1000 * 1000;  // whole milliseconds, as the CLI
  const std::string scratch = ScratchDir(c, "sheet");
  std::string stamp;
  auto [s, body] = co_await BuildDocument(c, [&](std::string* out) {
    projections::ReportModel model;
    Status r = projections::LiveReportModel(*c.impl.parts.ledger, *c.impl.parts.views,
                                            *c.impl.parts.policy, now, &model);
    for (char ch : model.as_of) {
      if (ch >= '0' && ch <= '9' && stamp.size() < 14) stamp += ch;
    }
    return r.ok() ? projections::RenderXlsx(model, scratch, out) : r;
  });
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  co_return Document(c, std::move(body), kXlsxType, "wulian-views-" + stamp + ".xlsx");
}

}  // namespace wulian::server
