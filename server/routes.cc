// The routes of SPEC §6.2, their roles, and the live subscription.
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include "answers/answers.h"
#include "base/hash.h"
#include "base/time.h"
#include "events/codec.h"
#include "projections/report.h"
#include "server/server_internal.h"

namespace wulian::server {
namespace {

using Clock = std::chrono::steady_clock;

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      unsigned v = 0;
      if (i + 2 >= in.size() ||
          std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16).ptr != in.data() + i + 3) {
        return false;
      }
      out->push_back(static_cast<char>(v));
      i += 2;
    } else {
      out->push_back(in[i] == '+' ? ' ' : in[i]);
    }
  }
  return IsValidUtf8(*out) && out->find('\0') == std::string::npos;
}

bool ParseTarget(std::string_view target, Target* out) {
  const size_t q = target.find('?');
  if (!PercentDecode(target.substr(0, q), &out->path)) return false;
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), &key)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), &value)) return false;
    out->query[key] = value;
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  return true;
}

}  // namespace

bool WholeNumber(std::string_view text, uint64_t* out) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  // Beyond 64 bits from_chars reads every digit and says so only in `ec`.
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return false;
  *out = v;
  return true;
}

Status UintParam(const Target& t, const std::string& name, std::optional<uint64_t>* out) {
  auto it = t.query.find(name);
  if (it == t.query.end()) return Status::OK();
  uint64_t v = 0;
  if (!WholeNumber(it->second, &v)) {
    return Status::InvalidArgument(name + " must be a whole number below 2^64");
  }
  *out = v;
  return Status::OK();
}

namespace {

http::status StatusOf(Code code) {
  switch (code) {
    case Code::kInvalidEvent:
    case Code::kInvalidArgument:
      return http::status::bad_request;
    case Code::kReferenceError:
      return http::status::unprocessable_entity;
    case Code::kVersionConflict:
    case Code::kDuplicateId:
      return http::status::conflict;
    case Code::kNotFound:
      return http::status::not_found;
    case Code::kUnavailable:
      return http::status::service_unavailable;
    case Code::kNoSpace:
      return http::status::insufficient_storage;
    default:
      return http::status::internal_server_error;
  }
}

}  // namespace

bool FromWorkspace(const Server::Impl& impl, const Request& req, const std::string& csrf) {
  const auto origin = req[http::field::origin];
  const std::string own = (impl.tls ? "https://" : "http://") + std::string(req[http::field::host]);
  const bool same_origin = !origin.empty() && origin == own;
  const bool token = !csrf.empty() && req["X-CSRF-Token"] == csrf;
  return same_origin || token;
}

std::string StudioOfStream(const std::string& stream) {
  return stream.rfind("studio/", 0) == 0 ? stream.substr(7) : "";
}

Response Plain(const Request& req, http::status status, const std::string& code,
               const std::string& message) {
  return JsonResponse(
      req, status,
      "{\"error\":{\"code\":" + JsonString(code) + ",\"message\":" + JsonString(message) + "}}");
}

Response Forbidden(const Request& req) {
  return Plain(req, http::status::forbidden, "FORBIDDEN", "this token may not read this");
}

std::string LinesToArray(const std::string& lines) {
  std::string out = "[";
  for (size_t start = 0; start < lines.size();) {
    size_t end = lines.find('\n', start);
    if (end == std::string::npos) end = lines.size();
    if (end > start) out += (out.size() > 1 ? "," : "") + lines.substr(start, end - start);
    start = end + 1;
  }
  return out + "]";
}

Response BodyResponse(const Request& req, http::status status, const char* content_type,
                      std::string body) {
  Response res{status, req.version()};
  res.set(http::field::server, "wulian");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response JsonResponse(const Request& req, http::status status, std::string body) {
  if (!body.empty() && body.back() != '\n') body += '\n';
  return BodyResponse(req, status, "application/json; charset=utf-8", std::move(body));
}

Response ErrorResponse(const Request& req, const Status& error, bool with_index) {
  http::status status = StatusOf(error.code());
  // A failure of the server itself (storage, I/O, a bug) is logged in full; the caller reads
  // only that it happened: paths and RocksDB's messages are not theirs to read.
  // A full disk is logged too: the operator must free space.
  const bool internal = status == http::status::internal_server_error;
  if (internal || error.code() == Code::kNoSpace) {
    spdlog::error("{} {}: {}: {}", std::string(req.method_string()), std::string(req.target()),
                  error.CodeName(), error.message());
  }
  std::string body =
      "{\"error\":{\"code\":" + JsonString(internal ? "INTERNAL" : error.CodeName()) +
      ",\"message\":" +
      JsonString(internal ? "internal error; the server log has the details" : error.message());
  if (with_index && error.index()) body += ",\"index\":" + std::to_string(*error.index());
  if (error.code() == Code::kInvalidArgument &&
      error.message().find("larger than") != std::string::npos) {
    status = http::status::payload_too_large;
  }
  Response res = JsonResponse(req, status, body + "}}");
  if (status == http::status::service_unavailable) res.set(http::field::retry_after, "1");
  return res;
}

}  // namespace wulian::server

namespace wulian::server {

net::awaitable<bool> WaitFor(Hub& hub, uint64_t target, int timeout_ms) {
  if (hub.reached() >= target) co_return true;
  auto waiter = std::make_shared<Hub::Waiter>(co_await net::this_coro::executor);
  waiter->timer.expires_after(std::chrono::milliseconds(timeout_ms));
  hub.Add(waiter, target);
  beast::error_code ec;
  co_await waiter->timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  hub.Remove(waiter);
  co_return hub.reached() >= target;
}

namespace {

// The studio of a type a recorder may append, or "" for any other type: activity, rules,
// memberships and rectifications.
std::string RecorderStudio(schema::Event::Reader e) {
  using E = schema::Event;
  switch (e.which()) {
    case E::CONTACT_RECORDED:
      return e.getContactRecorded().getStudio().cStr();
    case E::CONSULTATION_HELD:
      return e.getConsultationHeld().getStudio().cStr();
    case E::CASE_OPENED:
      return e.getCaseOpened().getStudio().cStr();
    case E::CASE_RESOLVED:
      return e.getCaseResolved().getStudio().cStr();
    case E::SUGGESTION_SUBMITTED:
      return e.getSuggestionSubmitted().getStudio().cStr();
    case E::SUGGESTION_ADOPTED:
      return e.getSuggestionAdopted().getStudio().cStr();
    case E::STUDIO_RULE_ADOPTED:
      return e.getStudioRuleAdopted().getStudio().cStr();
    case E::MEMBER_JOINED_STUDIO:
      return e.getMemberJoinedStudio().getStudio().cStr();
    case E::MEMBER_LEFT_STUDIO:
      return e.getMemberLeftStudio().getStudio().cStr();
    case E::FINDING_RECTIFIED:
      return e.getFindingRectified().getStudio().cStr();
    default:
      return "";
  }
}

// Who may append `event`: recorders their studios' activity, rules, memberships and
// rectifications, and corrections and retractions of those (never of supervision, status or
// registry events, so a studio cannot undo its own supervision); supervisors the registry of
// §3.2 (committees, members, studios, memberships, rules, status), supervision and
// corrections; admins anything; auditors nothing.
Status MayAppend(const Call& c, schema::Event::Reader e) {
  if (c.who.role == Role::kAdmin) return Status::OK();
  const bool correction = e.isEventCorrected() || e.isEventRetracted();
  if (c.who.role == Role::kSupervisor) {
    const bool allowed = correction || e.isCommitteeRegistered() || e.isMemberRegistered() ||
                         e.isStudioLicensed() || e.isMemberJoinedStudio() ||
                         e.isMemberLeftStudio() || e.isStudioRuleAdopted() ||
                         e.isStudioStatusChanged() || e.isSupervisionVisited() ||
                         e.isFindingRaised() || e.isFindingRectified();
    return allowed ? Status::OK() : Status::InvalidArgument("forbidden");
  }
  if (c.who.role != Role::kRecorder) return Status::InvalidArgument("forbidden");
  std::string studio = RecorderStudio(e);
  if (correction) {
    const uint64_t t = e.isEventCorrected() ? e.getEventCorrected().getTarget()
                                            : e.getEventRetracted().getTarget();
    std::string bytes;
    if (c.impl.parts.ledger->Get(t, &bytes).ok()) {
      StoredMessage target(bytes);
      studio = RecorderStudio(target.event());
    }
  }
  return !studio.empty() && OwnStudio(c.who, studio) ? Status::OK()
                                                     : Status::InvalidArgument("forbidden");
}

// A refusal as the caller may read it: a recorder's DUPLICATE_ID names the seq of the event
// that holds the id only when that event is of one of its studios.
Status ForCaller(const Call& c, const Status& refusal) {
  if (refusal.code() != Code::kDuplicateId || c.who.role != Role::kRecorder) return refusal;
  const std::string& message = refusal.message();
  const size_t at = message.find(kUsedByEvent);
  if (at == std::string::npos) return refusal;
  const size_t digits = at + kUsedByEvent.size();
  const size_t end = message.find(' ', digits);
  uint64_t seq = 0;
  std::string bytes;
  if (WholeNumber(std::string_view(message).substr(digits, end - digits), &seq) &&
      c.impl.parts.ledger->Get(seq, &bytes).ok() &&
      OwnStudio(c.who, StudioOfStream(StoredMessage(bytes).event().getStream().cStr()))) {
    return refusal;
  }
  Status hidden = Status::DuplicateId(message.substr(0, at) +
                                      " was used by another event with different content");
  return refusal.index() ? std::move(hidden).WithIndex(*refusal.index()) : hidden;
}

net::awaitable<Response> PostEvents(Call& c) {
  if (!Can(c.who, {Role::kRecorder, Role::kSupervisor, Role::kAdmin})) {
    co_return Plain(c.req, http::status::forbidden, "FORBIDDEN", "this token cannot write");
  }
  thread_local Codec codec;
  auto request = std::make_shared<GroupCommitter::Request>();
  bool batch = false;
  Status s = codec.ParseLine(c.req.body(), /*allow_batch=*/true, &request->submissions, &batch);
  if (!s.ok()) co_return ErrorResponse(c.req, s, batch);
  for (size_t i = 0; i < request->submissions.size(); ++i) {
    if (!MayAppend(c, request->submissions[i]->event()).ok()) {
      co_return Plain(
          c.req, http::status::forbidden, "FORBIDDEN",
          "this token may not append event " + std::to_string(i) + " (its type or studio)");
    }
  }
  request->actor = c.who.name;
  const auto start = Clock::now();
  auto waiter = std::make_shared<Hub::Waiter>(co_await net::this_coro::executor);
  request->done = [waiter] {
    net::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
  };
  c.impl.committer->Submit(request);
  beast::error_code ec;
  co_await waiter->timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  c.impl.metrics.append_seconds.Observe(
      std::chrono::duration<double>(Clock::now() - start).count());
  if (!request->status.ok()) co_return ErrorResponse(c.req, ForCaller(c, request->status), batch);
  bool appended = false;
  for (const auto& r : request->results) appended |= !r.duplicate;
  const std::string body = AppendResultsJson(request->results, batch);
  co_return JsonResponse(c.req, appended ? http::status::created : http::status::ok, body);
}

}  // namespace
}  // namespace wulian::server

namespace wulian::server {
namespace {

std::string EventJson(std::string_view bytes) {
  thread_local Codec codec;
  StoredMessage stored(bytes);
  return codec.Encode(stored.event());
}

// GET /v1/events?from=&limit=
Response EventsPage(Call& c) {
  if (!Can(c.who, kReaders)) return Forbidden(c.req);
  std::optional<uint64_t> from, limit;
  Status s = UintParam(c.target, "from", &from);
  if (s.ok()) s = UintParam(c.target, "limit", &limit);
  if (!s.ok()) return ErrorResponse(c.req, s);
  if (limit && (*limit == 0 || *limit > kEventsPageMax)) {
    return ErrorResponse(
        c.req, Status::InvalidArgument("limit must be 1-" + std::to_string(kEventsPageMax)));
  }
  const uint64_t first = std::max<uint64_t>(from.value_or(1), 1);
  const uint64_t n = limit.value_or(100);
  std::string body = "{\"events\":[";
  uint64_t count = 0, next = first;
  s = c.impl.parts.ledger->Scan(first, first + n - 1, [&](uint64_t seq, std::string_view bytes) {
    body += (count++ ? "," : "") + EventJson(bytes);
    next = seq + 1;
    return Status::OK();
  });
  if (!s.ok()) return ErrorResponse(c.req, s);
  return JsonResponse(c.req, http::status::ok, body + "],\"next\":" + std::to_string(next) + "}");
}

// GET /v1/streams/{stream}?from=&limit=
Response StreamPage(Call& c, const std::string& stream) {
  const std::string studio = StudioOfStream(stream);
  if (!Can(c.who, kReaders) && !(c.who.role == Role::kRecorder && OwnStudio(c.who, studio)))
    return Forbidden(c.req);
  std::optional<uint64_t> from, limit;
  Status s = UintParam(c.target, "from", &from);
  if (s.ok()) s = UintParam(c.target, "limit", &limit);
  if (s.ok() && limit && (*limit == 0 || *limit > kEventsPageMax)) {
    s = Status::InvalidArgument("limit must be 1-" + std::to_string(kEventsPageMax));
  }
  if (!s.ok()) return ErrorResponse(c.req, s);
  std::string body = "{\"stream\":" + JsonString(stream) + ",\"events\":[";
  size_t count = 0;
  s = c.impl.parts.ledger->ScanStream(stream, std::max<uint64_t>(from.value_or(1), 1),
                                      std::min<uint64_t>(limit.value_or(100), kEventsPageMax),
                                      [&](uint64_t, std::string_view bytes) {
                                        body += (count++ ? "," : "") + EventJson(bytes);
                                        return Status::OK();
                                      });
  if (!s.ok()) return ErrorResponse(c.req, s);
  if (count == 0 && !from) return ErrorResponse(c.req, Status::NotFound("no stream " + stream));
  return JsonResponse(c.req, http::status::ok, body + "]}");
}

// GET /v1/events/{seq}/history
Response History(Call& c, const std::string& seq_text) {
  uint64_t seq = 0;
  if (!WholeNumber(seq_text, &seq)) {
    const bool digits =
        !seq_text.empty() && seq_text.find_first_not_of("0123456789") == std::string::npos;
    return ErrorResponse(c.req, digits ? Status::InvalidArgument("seq must be below 2^64")
                                       : Status::NotFound("no event " + seq_text));
  }
  std::string bytes;
  Status s = c.impl.parts.ledger->Get(seq, &bytes);
  if (!s.ok()) return ErrorResponse(c.req, s);
  const std::string studio = StudioOfStream(StoredMessage(bytes).event().getStream().cStr());
  if (!Can(c.who, kReaders) && !(c.who.role == Role::kRecorder && OwnStudio(c.who, studio)))
    return Forbidden(c.req);
  thread_local Codec codec;
  std::string body;
  s = HistoryJson(*c.impl.parts.ledger, codec, seq, &body);
  return s.ok() ? JsonResponse(c.req, http::status::ok, body) : ErrorResponse(c.req, s);
}

// GET /v1/audit/…
Response Audit(Call& c, const std::string& what) {
  if (!Can(c.who, kReaders)) return Forbidden(c.req);
  Ledger& ledger = *c.impl.parts.ledger;
  const uint64_t head = ledger.GetHead().seq;
  std::optional<uint64_t> a, b;
  std::vector<Hash> path;
  std::string body;
  Status s;
  if (what == "head") {
    TreeHead th;
    th.size = head;
    s = ledger.TreeRoot(head, &th.root);
    th.time = FormatInstant(SystemNowMicros() / 1000 * 1000);
    if (s.ok()) c.impl.parts.key->Sign(&th);
    body = TreeHeadJson(th);
  } else if (what == "pubkey") {
    body = PublicKeyJson(c.impl.parts.key->public_key());
  } else if (what == "proof/inclusion") {
    s = UintParam(c.target, "seq", &a);
    if (s.ok()) s = UintParam(c.target, "size", &b);
    if (s.ok() && !a) s = Status::InvalidArgument("seq is required");
    Hash leaf;
    if (s.ok()) s = ledger.InclusionProof(*a, b.value_or(head), &leaf, &path);
    if (s.ok()) body = InclusionProofJson(*a, b.value_or(head), leaf, path);
  } else if (what == "proof/consistency") {
    s = UintParam(c.target, "from", &a);
    if (s.ok()) s = UintParam(c.target, "to", &b);
    if (s.ok() && !a) s = Status::InvalidArgument("from is required");
    if (s.ok()) s = ledger.ConsistencyProof(*a, b.value_or(head), &path);
    if (s.ok()) body = ConsistencyProofJson(*a, b.value_or(head), path);
  } else {
    return ErrorResponse(c.req, Status::NotFound("no route"));
  }
  if (!s.ok()) return ErrorResponse(c.req, s);
  return JsonResponse(c.req, http::status::ok, body);
}

}  // namespace
}  // namespace wulian::server

namespace wulian::server {
namespace {

// GET /v1/studios[/{id}], /v1/members/{id}, /v1/committees/{id}, /v1/overview. With
// ?minSeq=N the answer waits (bounded) until the views include event N.
net::awaitable<Response> ViewQuery(Call& c, const std::string& kind, const std::string& id) {
  const bool recorder_may =
      c.who.role == Role::kRecorder && kind == "studios" && (id.empty() || OwnStudio(c.who, id));
  if (!Can(c.who, kReaders) && !recorder_may) co_return Forbidden(c.req);
  std::optional<uint64_t> min_seq;
  Status s = UintParam(c.target, "minSeq", &min_seq);
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  if (min_seq && !co_await WaitFor(c.impl.projected, *min_seq, kMinSeqWaitMsMax)) {
    co_return Plain(c.req, http::status::service_unavailable, "UNAVAILABLE",
                    "the views do not include event " + std::to_string(*min_seq) + " yet");
  }
  const auto start = Clock::now();
  const auto& views = *c.impl.parts.views;
  const auto& policy = *c.impl.parts.policy;
  // Flags are relative to the current second; an answer is the same for the same views,
  // second and question, so it is rendered once.
  const int64_t now = SystemNowMicros() / kMicrosPerSecond * kMicrosPerSecond;
  const std::string cache_key = std::to_string(views.seq()) + "/" + std::to_string(now) + "/" +
                                kind + "/" + id + "/" +
                                (c.who.role == Role::kRecorder ? c.who.name : "");
  if (auto cached = c.impl.view_cache.Get(cache_key)) {
    c.impl.metrics.query_seconds.Observe(
        std::chrono::duration<double>(Clock::now() - start).count());
    co_return JsonResponse(c.req, http::status::ok, std::move(*cached));
  }
  std::string body;
  if (kind == "studios" && !id.empty()) s = views.Studio(id, now, policy, &body);
  if (kind == "members") s = views.Member(id, policy, &body);
  if (kind == "committees") s = views.Committee(id, now, policy, &body);
  if (kind == "overview") s = views.Overview(now, policy, &body);
  if (kind == "studios" && id.empty()) {
    if (c.who.role == Role::kRecorder) {
      body = "[";
      for (size_t i = 0; s.ok() && i < c.who.studios.size(); ++i) {
        std::string one;
        Status found = views.Studio(c.who.studios[i], now, policy, &one);
        if (found.ok()) body += (body.size() > 1 ? "," : "") + one;
      }
      body += "]";
    } else {
      s = views.Studios(now, policy, &body);
    }
  }
  c.impl.metrics.query_seconds.Observe(std::chrono::duration<double>(Clock::now() - start).count());
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  c.impl.view_cache.Put(cache_key, body);
  co_return JsonResponse(c.req, http::status::ok, std::move(body));
}

// DATA/report-cache/<SHA-256 of the arguments, the policy and the head>.<format>.
Status ReportCachePath(Server::Impl& impl, const projections::ReportOptions& options,
                       const std::string& format, std::string* path) {
  uint64_t end = 0;
  Status s = projections::RecordedPrefixEnd(*impl.parts.ledger, options.as_of_micros, &end);
  Hash chain{};
  if (s.ok() && end > 0) {
    std::string bytes;
    s = impl.parts.ledger->Get(end, &bytes);
    if (s.ok()) {
      StoredMessage stored(bytes);
      std::memcpy(chain.data(), stored.event().getChain().begin(), chain.size());
    }
  }
  if (!s.ok()) return s;
  const std::string key = "recorded\n" + std::to_string(options.as_of_micros) + "\n" + format +
                          "\n" + impl.parts.policy->ToJson() + "\n" + std::to_string(end) + "\n" +
                          ToHex(chain);
  *path = impl.options.data_dir + "/report-cache/" + ToHex(Sha256(key)) + "." + format;
  return Status::OK();
}

bool ReadFile(const std::string& path, std::string* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return static_cast<bool>(in) || in.eof();
}

// Writes the report beside its final name and renames it (a reader sees all or nothing);
// keeps at most kReportCacheFilesMax files, dropping the oldest. Failures only cost a rebuild.
void StoreReport(Server::Impl& impl, const std::string& path, const std::string& body) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::path(path).parent_path();
  fs::create_directories(dir, ec);
  const std::string temp = path + ".tmp" + std::to_string(impl.report_seq.fetch_add(1));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    if (!out) {
      fs::remove(temp, ec);
      return;
    }
  }
  fs::rename(temp, path, ec);
  if (ec) fs::remove(temp, ec);
  std::vector<std::pair<fs::file_time_type, fs::path>> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().string().find(".tmp") == std::string::npos)
      files.emplace_back(entry.last_write_time(ec), entry.path());
  }
  if (files.size() <= kReportCacheFilesMax) return;
  std::sort(files.begin(), files.end());
  for (size_t i = 0; i + kReportCacheFilesMax < files.size(); ++i) fs::remove(files[i].second, ec);
}

Response ReportResponse(Call& c, std::string body, const char* content_type,
                        const std::string& axis, const std::string& format,
                        const std::string& cache) {
  Response res = BodyResponse(c.req, http::status::ok, content_type, std::move(body));
  if (!cache.empty()) res.set("X-Report-Cache", cache);
  auto it = c.target.query.find("download");
  if (it != c.target.query.end() && it->second == "1") {
    // wulian-report-<recorded|occurred>-<asOf as digits>.<format>
    std::string stamp;
    auto as_of = c.target.query.find("asOf");
    for (char ch : as_of == c.target.query.end() ? std::string() : as_of->second) {
      if (ch >= '0' && ch <= '9') stamp += ch;
    }
    res.set(http::field::content_disposition,
            "attachment; filename=\"wulian-report-" + axis + "-" + stamp + "." + format + "\"");
  }
  return res;
}

// GET /v1/reports?asOf=&axis=&format= — built on the blocking pool.
net::awaitable<Response> Report(Call& c) {
  if (!Can(c.who, kReaders)) co_return Forbidden(c.req);
  static const std::map<std::string, std::pair<projections::Format, const char*>> kFormats = {
      {"json", {projections::Format::kJson, "application/json; charset=utf-8"}},
      {"md", {projections::Format::kMarkdown, "text/markdown; charset=utf-8"}},
      {"csv", {projections::Format::kCsv, "text/csv; charset=utf-8"}},
      {"html", {projections::Format::kHtml, "text/html; charset=utf-8"}},
      {"xlsx",
       {projections::Format::kXlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}};
  auto param = [&](const char* name, const char* fallback) {
    auto it = c.target.query.find(name);
    return it == c.target.query.end() ? std::string(fallback) : it->second;
  };
  const auto as_of = ParseInstant(param("asOf", ""));
  const std::string axis = param("axis", "recorded"), format = param("format", "json");
  if (!as_of || (axis != "recorded" && axis != "occurred") || !kFormats.count(format)) {
    co_return ErrorResponse(
        c.req, Status::InvalidArgument(
                   "asOf=RFC3339 &axis=recorded|occurred &format=json|md|csv|html|xlsx"));
  }
  projections::ReportOptions options;
  options.as_of_micros = *as_of;
  options.now_micros = SystemNowMicros();
  options.axis = axis == "recorded" ? projections::Axis::kRecorded : projections::Axis::kOccurred;
  options.format = kFormats.at(format).first;
  options.scratch_dir =
      c.impl.options.data_dir + "/report-serve-" + std::to_string(c.impl.report_seq.fetch_add(1));
  // A recorded-axis report of a moment that has passed (by more than the clock's millisecond)
  // never changes: it is kept on disk, keyed by its arguments, the policy and its head.
  std::string cached_path;
  if (options.axis == projections::Axis::kRecorded &&
      options.as_of_micros + 1000 < options.now_micros && !c.impl.options.data_dir.empty()) {
    Status keyed = ReportCachePath(c.impl, options, format, &cached_path);
    if (!keyed.ok()) co_return ErrorResponse(c.req, keyed);
    std::string bytes;
    if (ReadFile(cached_path, &bytes)) {
      co_return ReportResponse(c, std::move(bytes), kFormats.at(format).second, axis, format,
                               "hit");
    }
  }
  auto [s, body] = co_await BuildDocument(c, [&](std::string* out) {
    return projections::BuildReport(*c.impl.parts.ledger, *c.impl.parts.policy, options, out);
  });
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  if (!cached_path.empty()) StoreReport(c.impl, cached_path, body);
  co_return ReportResponse(c, std::move(body), kFormats.at(format).second, axis, format,
                           cached_path.empty() ? "" : "miss");
}

Response Text(const Request& req, const char* type, std::string body) {
  Response res = JsonResponse(req, http::status::ok, std::move(body));
  res.set(http::field::content_type, type);
  return res;
}

// A file of the web workspace, for GET and HEAD of any path outside /v1/, /metrics, /healthz.
Response StaticResponse(Server::Impl& impl, const Request& req, const std::string& path) {
  const StaticFile* file = impl.web.Find(path);
  if (!file) return ErrorResponse(req, Status::NotFound("no file " + path));
  const bool gzip = !file->gzip.empty() &&
                    req[http::field::accept_encoding].find("gzip") != std::string_view::npos;
  Response res{http::status::ok, req.version()};
  res.set(http::field::server, "wulian");
  res.set(http::field::content_type, file->type);
  res.set(http::field::cache_control,
          file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.set(http::field::vary, "Accept-Encoding");
  res.set("X-Content-Type-Options", "nosniff");
  if (file->type.starts_with("text/html")) {
    res.set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            "frame-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "same-origin");
  }
  if (gzip) res.set(http::field::content_encoding, "gzip");
  res.keep_alive(req.keep_alive());
  res.body() = gzip ? file->gzip : file->body;
  res.prepare_payload();
  return res;
}

}  // namespace

bool IsApiPath(const std::string& path) {
  return path == "/metrics" || path == "/v1" || path.rfind("/v1/", 0) == 0;
}

Response Unauthorized(const Request& req) {
  Response res = Plain(req, http::status::unauthorized, "UNAUTHORIZED",
                       "a valid bearer token or session is required");
  res.set(http::field::www_authenticate, "Bearer");
  return res;
}

bool MayFollowLive(const Principal& who) {
  return Can(who, kReaders) || who.role == Role::kRecorder;
}

std::optional<Response> RefuseBeforeBody(Server::Impl& impl, Request& header,
                                         std::optional<Authenticated>* passed) {
  Call c{impl, header, {}, {}, "", {}, {}};
  if (!ParseTarget(std::string_view(header.target().data(), header.target().size()), &c.target)) {
    return std::nullopt;  // Handle answers it
  }
  if (!IsApiPath(c.target.path) || c.target.path == "/v1/session") return std::nullopt;
  if (!Authenticate(c)) return Unauthorized(header);
  *passed = Authenticated{c.who, c.session_id, c.csrf};
  return std::nullopt;
}

net::awaitable<Response> Handle(Server::Impl& impl, Request& req, const std::string& peer,
                                const std::optional<Authenticated>& passed,
                                std::optional<Principal>* live,
                                const std::function<bool()>& client_gone) {
  Call c{impl, req, {}, {}, peer, {}, {}, client_gone};
  if (!ParseTarget(std::string_view(req.target().data(), req.target().size()), &c.target)) {
    co_return ErrorResponse(req, Status::InvalidArgument("bad request target"));
  }
  const std::string& path = c.target.path;
  if (req.method() == http::verb::unknown) {
    co_return Plain(req, http::status::not_implemented, "NOT_IMPLEMENTED", "unknown method");
  }
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  if (path == "/healthz" && get) {
    co_return JsonResponse(
        req, http::status::ok,
        "{\"ok\":true,\"seq\":" + std::to_string(impl.parts.ledger->GetHead().seq) + "}");
  }
  if (!IsApiPath(path)) {
    if (!get)
      co_return Plain(req, http::status::method_not_allowed, "METHOD_NOT_ALLOWED",
                      "this route answers GET");
    co_return StaticResponse(impl, req, path);
  }
  if (auto answer = co_await SessionRoute(c)) co_return std::move(*answer);
  // Every other route needs a token or a session (checked once: before the body, if any).
  if (passed) {
    c.who = passed->who;
    c.session_id = passed->session_id;
    c.csrf = passed->csrf;
  } else if (!Authenticate(c)) {
    co_return Unauthorized(req);
  }
  if (!c.session_id.empty() && !get) {
    if (!FromWorkspace(c.impl, req, c.csrf)) {
      co_return Plain(req, http::status::forbidden, "FORBIDDEN",
                      "a request with a session cookie must come from the workspace (Origin or "
                      "X-CSRF-Token)");
    }
  }
  if (auto answer = co_await AdminRoute(c)) co_return std::move(*answer);
  if (path == "/v1/events" && req.method() == http::verb::post) co_return co_await PostEvents(c);
  if (!get)
    co_return Plain(req, http::status::method_not_allowed, "METHOD_NOT_ALLOWED",
                    "this route answers GET");
  if (path == "/metrics") {
    if (!Can(c.who, kReaders)) co_return Forbidden(req);
    co_return Text(req, "text/plain; version=0.0.4; charset=utf-8", impl.metrics.Render());
  }
  if (path == "/v1/events") co_return EventsPage(c);
  if (path == "/v1/events/live") {
    if (!MayFollowLive(c.who)) co_return Forbidden(req);
    *live = c.who;
    co_return Response{};
  }
  const std::string rest = path.size() > 4 ? path.substr(4) : std::string();  // after "/v1/"
  auto segment = [&](const std::string& prefix) -> std::optional<std::string> {
    if (rest.rfind(prefix, 0) != 0 || rest.size() == prefix.size()) return std::nullopt;
    return rest.substr(prefix.size());
  };
  if (auto s = segment("events/"); s && s->size() > 8 && s->ends_with("/history")) {
    co_return History(c, s->substr(0, s->size() - 8));
  }
  if (auto s = segment("streams/")) co_return StreamPage(c, *s);
  if (rest == "studios") co_return co_await ViewQuery(c, "studios", "");
  if (rest == "overview") co_return co_await ViewQuery(c, "overview", "");
  for (const char* kind : {"studios", "members", "committees"}) {
    if (auto id = segment(std::string(kind) + "/"); id && id->find('/') == std::string::npos) {
      co_return co_await ViewQuery(c, kind, *id);
    }
  }
  if (rest == "reports") co_return co_await Report(c);
  if (auto answer = co_await WorkspaceRoute(c)) co_return std::move(*answer);
  if (auto s = segment("audit/")) co_return Audit(c, *s);
  co_return ErrorResponse(req, Status::NotFound("no route " + path));
}

}  // namespace wulian::server

namespace wulian::server {

// Server-Sent Events: the events from ?from= (or after Last-Event-ID) up to the head, then
// each new event as it commits, in order, with no gaps; `id:` is the seq.
namespace {

// One page of a live stream: the SSE text of events next..last (those the subscriber may
// read), and how far it got.
struct LivePage {
  Status status;
  std::string text;
  uint64_t last = 0;
};

LivePage ReadLivePage(Server::Impl& impl, const Principal& who, uint64_t next, uint64_t head) {
  LivePage page;
  page.last = next - 1;
  const uint64_t to = std::min<uint64_t>(head, next + kEventsPageMax - 1);
  thread_local Codec codec;
  page.status = impl.parts.ledger->Scan(next, to, [&](uint64_t seq, std::string_view bytes) {
    if (page.text.size() >= kLivePageBytesMax) return Status::Unavailable("page full");
    page.last = seq;
    StoredMessage stored(bytes);
    // Recorders follow only their studios' streams.
    if (who.role == Role::kRecorder &&
        !OwnStudio(who, StudioOfStream(stored.event().getStream().cStr()))) {
      return Status::OK();
    }
    page.text += "id: " + std::to_string(seq) +
                 "\nevent: event\ndata: " + codec.Encode(stored.event()) + "\n\n";
    return Status::OK();
  });
  if (page.status.code() == Code::kUnavailable && page.text.size() >= kLivePageBytesMax)
    page.status = Status::OK();  // the page is full; the next one goes on from page.last + 1
  return page;
}

}  // namespace

net::awaitable<void> ServeLive(Server::Impl& impl, const LiveSink& send, Request& req,
                               Principal who) {
  Target target;
  ParseTarget(std::string_view(req.target().data(), req.target().size()), &target);
  std::optional<uint64_t> from;
  Status s = UintParam(target, "from", &from);
  uint64_t next = from.value_or(impl.parts.ledger->GetHead().seq + 1);
  const auto last_id = req["Last-Event-ID"];
  uint64_t resumed = 0;
  if (!last_id.empty()) {
    if (WholeNumber(std::string_view(last_id.data(), last_id.size()), &resumed) &&
        resumed < std::numeric_limits<uint64_t>::max()) {
      next = resumed + 1;
    } else if (s.ok()) {
      s = Status::InvalidArgument("Last-Event-ID must be a seq");
    }
  }
  next = std::max<uint64_t>(next, 1);
  std::string out =
      "HTTP/1.1 200 OK\r\nServer: wulian\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
      "Cache-Control: no-store\r\nConnection: close\r\n\r\n: live from " +
      std::to_string(next) + "\n\n";
  if (!s.ok()) out = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  if (!co_await send(std::move(out)) || !s.ok()) co_return;
  auto last_sent = Clock::now();
  // Whether the request's token or session still authenticates; refreshes `who`.
  auto still_allowed = [&] {
    Call check{impl, req, {}, {}, "", "", ""};
    if (!Authenticate(check)) return false;
    who = check.who;
    return MayFollowLive(who);
  };
  while (!impl.stopping) {
    const uint64_t head = impl.parts.ledger->GetHead().seq;
    while (next <= head && !impl.stopping) {
      // Read on the live-read thread, so that subscribers catching up from far behind never
      // hold an I/O thread; a page holds at most kEventsPageMax events and stops once it
      // passes kLivePageBytesMax, so a subscriber's unsent backlog is one page at most.
      auto read_page = [&impl, &who, next, head]() -> net::awaitable<LivePage> {
        co_return ReadLivePage(impl, who, next, head);
      };
      LivePage page =
          co_await net::co_spawn(impl.live_reads.get_executor(), read_page(), net::use_awaitable);
      s = page.status;
      if (!s.ok() || (!page.text.empty() && !co_await send(std::move(page.text)))) co_return;
      if (!page.text.empty()) last_sent = Clock::now();
      next = page.last + 1;
    }
    const bool more = co_await WaitFor(impl.committed, next, kLiveRecheckMs);
    if (impl.stopping) break;
    if (!still_allowed()) {
      spdlog::info("live stream of {} ended: its token or session no longer authenticates",
                   who.name);
      co_return;
    }
    if (!more && Clock::now() - last_sent >= std::chrono::milliseconds(kLiveHeartbeatMs)) {
      if (!co_await send(": heartbeat\n\n")) co_return;
      last_sent = Clock::now();
    }
  }
}

}  // namespace wulian::server
