// GET /v1/members/{id}/file?year=YYYY&format=json|html|pdf[&download=1]: the member's annual
// file (memberfile/member_file.h), the bytes `wulian report member ID --year YYYY` gives for
// the same views' head. Same access as the member's record (readers); built on the blocking
// pool, counted with the reports.
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

#include "memberfile/member_file.h"
#include "server/server_internal.h"

namespace wulian::server {
namespace {

Status Render(const memberfile::MemberFile& file, const std::string& format, std::string* out) {
  if (format == "json") {
    *out = memberfile::MemberFileJson(file);
    return Status::OK();
  }
  const documents::Document doc = memberfile::MemberFileDocument(file);
  if (format == "html") {
    *out = documents::RenderHtml(doc);
    return Status::OK();
  }
  return documents::RenderPdf(doc, memberfile::MemberFilePdfOptions(file), out);
}

}  // namespace

net::awaitable<Response> MemberFileRoute(Call& c, const std::string& id) {
  if (!Can(c.who, kReaders)) co_return Forbidden(c.req);
  static const std::map<std::string, const char*> kTypes = {
      {"json", "application/json; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
      {"pdf", "application/pdf"}};
  const auto year = c.target.query.find("year");
  const auto format_param = c.target.query.find("format");
  const std::string format = format_param == c.target.query.end() ? "json" : format_param->second;
  if (year == c.target.query.end() || !kTypes.count(format)) {
    co_return ErrorResponse(
        c.req, Status::InvalidArgument("year=YYYY &format=json|html|pdf [&download=1]"));
  }
  const int limit = c.impl.options.reports_running_max + c.impl.options.reports_queued_max;
  if (c.impl.reports_admitted.fetch_add(1) >= limit) {
    c.impl.reports_admitted.fetch_sub(1);
    co_return ErrorResponse(
        c.req, Status::Unavailable("too many reports are being built; retry in a moment"));
  }
  struct Release {
    std::atomic<int>& admitted;
    ~Release() { admitted.fetch_sub(1); }
  } release{c.impl.reports_admitted};
  auto build = [&c, &id, year = year->second,
                format]() -> net::awaitable<std::pair<Status, std::string>> {
    std::string out;
    if (c.client_gone && c.client_gone()) {
      co_return std::make_pair(Status::Unavailable("the client has gone"), out);
    }
    memberfile::MemberFile file;
    Status s = memberfile::BuildMemberFile(*c.impl.parts.ledger, *c.impl.parts.views,
                                           *c.impl.parts.policy, id, year, c.impl.parts.key, &file);
    if (s.ok()) s = Render(file, format, &out);
    co_return std::make_pair(s, std::move(out));
  };
  auto [s, body] =
      co_await net::co_spawn(c.impl.blocking.get_executor(), build(), net::use_awaitable);
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  Response res = JsonResponse(c.req, http::status::ok, std::move(body));
  res.set(http::field::content_type, kTypes.at(format));
  const auto download = c.target.query.find("download");
  if (download != c.target.query.end() && download->second == "1") {
    res.set(http::field::content_disposition, "attachment; filename=\"wulian-member-" + id + "-" +
                                                  year->second + "." + format + "\"");
  }
  co_return res;
}

}  // namespace wulian::server
