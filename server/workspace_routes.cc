// The read routes of the web workspace (docs/server.md): directories, flags with their
// figures, a studio's items and timeline, findings, a member's yearly record, the policy.
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <capnp/schema.h>

#include <charconv>

#include "base/assert.h"
#include "base/time.h"
#include "events/codec.h"
#include "projections/json_writer.h"
#include "server/server_internal.h"

namespace wulian::server {
namespace {

using projections::JsonWriter;

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

template <typename E>
std::string EnumName(E value) {
  auto enumerants = capnp::Schema::from<E>().getEnumerants();
  const auto i = static_cast<uint16_t>(value);
  return i < enumerants.size() ? std::string(enumerants[i].getProto().getName().cStr()) : "";
}

void Strings(JsonWriter& w, capnp::List<capnp::Text>::Reader list) {
  w.BeginArray();
  for (auto t : list) w.String(Str(t));
  w.EndArray();
}

// An event read from the log with its correction in force (the last one), if any.
class Effective {
 public:
  Status Load(const Ledger& ledger, uint64_t seq) {
    seq_ = seq;
    Status s = ledger.Get(seq, &bytes_);
    if (!s.ok()) return s;
    event_.emplace(bytes_);
    std::vector<uint64_t> changes;
    s = ledger.History(seq, &changes);
    for (size_t i = changes.size(); s.ok() && i-- > 0;) {
      std::string bytes;
      s = ledger.Get(changes[i], &bytes);
      if (!s.ok()) break;
      StoredMessage change(bytes);
      if (change.event().isEventRetracted()) {
        retracted_ = true;
        continue;
      }
      if (!correction_ && change.event().isEventCorrected()) {
        correction_bytes_ = std::move(bytes);
        correction_.emplace(correction_bytes_);
      }
    }
    return s;
  }
  schema::Event::Reader event() { return event_->event(); }
  bool retracted() const { return retracted_; }
  // Calls f with the data in force: the event's (an Event reader) or its correction's (a
  // Payload reader); both have the same accessors for each type's data.
  template <typename F>
  void With(F&& f) {
    if (correction_) {
      f(correction_->event().getEventCorrected().getData());
    } else {
      f(event_->event());
    }
  }

 private:
  uint64_t seq_ = 0;
  std::string bytes_, correction_bytes_;
  std::optional<StoredMessage> event_, correction_;
  bool retracted_ = false;
};

bool MayReadStudio(const Principal& who, const std::string& studio) {
  return Can(who, kReaders) || (who.role == Role::kRecorder && OwnStudio(who, studio));
}

// ?minSeq=N: waits (bounded) until the views include event N; an error answer if not.
net::awaitable<std::optional<Response>> WaitForViews(Call& c) {
  std::optional<uint64_t> min_seq;
  Status s = UintParam(c.target, "minSeq", &min_seq);
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  if (min_seq && !co_await WaitFor(c.impl.projected, *min_seq, kMinSeqWaitMsMax)) {
    co_return Plain(c.req, http::status::service_unavailable, "UNAVAILABLE",
                    "the views do not include event " + std::to_string(*min_seq) + " yet");
  }
  co_return std::nullopt;
}

int64_t ReferenceNow() { return SystemNowMicros() / kMicrosPerSecond * kMicrosPerSecond; }

// GET /v1/policy: the thresholds and weights, and the session idle limit.
Response PolicyAnswer(Call& c) {
  std::string body = c.impl.parts.policy->ToJson();
  LEDGER_ASSERT(!body.empty() && body.back() == '}', "policy JSON is an object");
  body.pop_back();
  body +=
      ",\"sessionIdleMinutes\":" + std::to_string(c.impl.options.session_idle_ms / (60 * 1000)) +
      "}";
  return JsonResponse(c.req, http::status::ok, std::move(body));
}

// GET /v1/studios/{id}/items: open cases, pending suggestions, findings, rules and visits.
Response Items(Call& c, const std::string& studio) {
  if (!MayReadStudio(c.who, studio)) return Forbidden(c.req);
  const Ledger& ledger = *c.impl.parts.ledger;
  uint64_t version = 0;
  Status s = ledger.StreamVersion("studio/" + studio, &version);
  if (s.ok() && version == 0) s = Status::NotFound("no studio \"" + studio + "\"");
  if (!s.ok()) return ErrorResponse(c.req, s);
  const uint64_t head = ledger.GetHead().seq;
  JsonWriter w;
  w.BeginObject().Key("studio").String(studio);
  w.Key("asOf").BeginObject().Key("seq").Int(static_cast<int64_t>(head)).EndObject();
  using Kind = StudioObject::Kind;
  struct Entry {
    std::string order;  // sort key within its list
    std::string json;
  };
  auto list = [&](Kind kind, const char* name) {
    std::vector<StudioObject> objects;
    if (s.ok()) s = ledger.StudioObjects(kind, studio, &objects);
    std::vector<Entry> entries;
    for (const auto& o : objects) {
      if (!s.ok()) break;
      if (o.retracted) continue;
      if ((kind == Kind::kCase || kind == Kind::kSuggestion) && o.closed != 0) continue;
      if (o.opened > head) continue;
      Effective e;
      s = e.Load(ledger, o.opened);
      if (!s.ok() || e.retracted()) continue;
      JsonWriter item;
      Entry entry;
      const std::string at = Str(e.event().getOccurredAt());
      const int64_t at_micros = ParseInstant(at).value_or(0);
      char order[24];
      std::snprintf(order, sizeof order, "%020lld", static_cast<long long>(at_micros));
      entry.order = std::string(order) + o.id;
      item.BeginObject();
      switch (kind) {
        case Kind::kCase:
          e.With([&](auto u) {
            auto d = u.getCaseOpened();
            item.Key("case").String(o.id).Key("kind").String(EnumName(d.getKind()));
            item.Key("summary").String(Str(d.getSummary())).Key("members");
            Strings(item, d.getMembers());
          });
          item.Key("openedAt").String(at);
          break;
        case Kind::kSuggestion:
          e.With([&](auto u) {
            auto d = u.getSuggestionSubmitted();
            item.Key("suggestion").String(o.id).Key("title").String(Str(d.getTitle()));
            item.Key("channel").String(EnumName(d.getChannel())).Key("members");
            Strings(item, d.getMembers());
          });
          item.Key("submittedAt").String(at);
          break;
        case Kind::kFinding: {
          e.With([&](auto u) {
            auto d = u.getFindingRaised();
            item.Key("finding").String(o.id).Key("severity").String(EnumName(d.getSeverity()));
            item.Key("summary").String(Str(d.getSummary())).Key("dueOn").String(Str(d.getDueOn()));
            entry.order = Str(d.getDueOn()) + o.id;
          });
          item.Key("raisedAt").String(at);
          std::optional<std::string> rectified_at, rectification;
          if (o.closed != 0 && o.closed <= head) {
            Effective r;
            s = r.Load(ledger, o.closed);
            if (s.ok() && !r.retracted()) {
              rectified_at = Str(r.event().getOccurredAt());
              r.With([&](auto u) { rectification = Str(u.getFindingRectified().getSummary()); });
            }
          }
          item.Key("rectifiedAt");
          rectified_at ? item.String(*rectified_at) : item.Null();
          item.Key("rectification");
          rectification ? item.String(*rectification) : item.Null();
          break;
        }
        case Kind::kRule:
          e.With([&](auto u) {
            auto d = u.getStudioRuleAdopted();
            item.Key("rule").String(o.id).Key("title").String(Str(d.getTitle()));
          });
          item.Key("adoptedAt").String(at);
          break;
        case Kind::kVisit:
          e.With([&](auto u) {
            auto d = u.getSupervisionVisited();
            item.Key("visit").String(o.id).Key("inspectors");
            Strings(item, d.getInspectors());
            item.Key("notes").String(Str(d.getNotes()));
          });
          item.Key("visitedAt").String(at);
          break;
      }
      item.Key("seq").Int(static_cast<int64_t>(o.opened)).EndObject();
      entry.json = item.str();
      entries.push_back(std::move(entry));
    }
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.order < b.order; });
    w.Key(name).BeginArray();
    for (const auto& entry : entries) w.Raw(entry.json);
    w.EndArray();
  };
  list(Kind::kCase, "cases");
  list(Kind::kSuggestion, "suggestions");
  list(Kind::kFinding, "findings");
  list(Kind::kRule, "rules");
  list(Kind::kVisit, "visits");
  w.EndObject();
  if (!s.ok()) return ErrorResponse(c.req, s);
  return JsonResponse(c.req, http::status::ok, w.str());
}

// GET /v1/studios/{id}/timeline?before=&limit=: the studio's events, newest first, each with
// its corrections and retractions inline.
Response Timeline(Call& c, const std::string& studio) {
  if (!MayReadStudio(c.who, studio)) return Forbidden(c.req);
  std::optional<uint64_t> before, limit;
  Status s = UintParam(c.target, "before", &before);
  if (s.ok()) s = UintParam(c.target, "limit", &limit);
  if (s.ok() && limit && (*limit == 0 || *limit > kTimelinePageMax)) {
    s = Status::InvalidArgument("limit must be 1-" + std::to_string(kTimelinePageMax));
  }
  if (s.ok() && before && *before == 0) s = Status::InvalidArgument("before must be at least 1");
  const Ledger& ledger = *c.impl.parts.ledger;
  const std::string stream = "studio/" + studio;
  uint64_t version = 0;
  if (s.ok()) s = ledger.StreamVersion(stream, &version);
  if (s.ok() && version == 0) s = Status::NotFound("no studio \"" + studio + "\"");
  if (!s.ok()) return ErrorResponse(c.req, s);
  const uint64_t n = limit.value_or(20);
  const uint64_t end = std::min(before.value_or(version + 1), version + 1);  // exclusive
  const uint64_t from = end > n ? end - n : 1;
  thread_local Codec codec;
  std::vector<std::string> events;
  if (end > 1) {
    s = ledger.ScanStream(stream, from, end - from, [&](uint64_t seq, std::string_view bytes) {
      std::string json = codec.Encode(StoredMessage(bytes).event());
      std::vector<uint64_t> changes;
      Status h = ledger.History(seq, &changes);
      if (!h.ok()) return h;
      LEDGER_ASSERT(!json.empty() && json.back() == '}', "event JSON is an object");
      json.pop_back();
      json += ",\"changes\":[";
      for (size_t i = 0; i < changes.size(); ++i) {
        std::string change;
        h = ledger.Get(changes[i], &change);
        if (!h.ok()) return h;
        json += (i ? "," : "") + codec.Encode(StoredMessage(change).event());
      }
      events.push_back(json + "]}");
      return Status::OK();
    });
  }
  if (!s.ok()) return ErrorResponse(c.req, s);
  std::string body = "{\"stream\":" + JsonString(stream) +
                     ",\"version\":" + std::to_string(version) + ",\"events\":[";
  for (size_t i = events.size(); i-- > 0;) {
    body += events[i] + (i ? "," : "");
  }
  body += "],\"next\":" + (from > 1 ? std::to_string(from) : std::string("null")) + "}";
  return JsonResponse(c.req, http::status::ok, std::move(body));
}

// GET /v1/findings[?open=true]: findings of every studio the caller may read, by due date.
Response Findings(Call& c) {
  const auto open = c.target.query.find("open");
  if (open != c.target.query.end() && open->second != "true" && open->second != "false") {
    return ErrorResponse(c.req, Status::InvalidArgument("open must be true or false"));
  }
  const bool only_open = open != c.target.query.end() && open->second == "true";
  if (!Can(c.who, kReaders) && c.who.role != Role::kRecorder) return Forbidden(c.req);
  const Ledger& ledger = *c.impl.parts.ledger;
  const uint64_t head = ledger.GetHead().seq;
  std::vector<StudioObject> objects;
  Status s = ledger.StudioObjects(StudioObject::Kind::kFinding, "", &objects);
  std::vector<std::pair<std::string, std::string>> entries;  // (dueOn studio id, json)
  for (const auto& o : objects) {
    if (!s.ok()) break;
    if (o.retracted || o.opened > head || !MayReadStudio(c.who, o.studio)) continue;
    const bool rectified = o.closed != 0 && o.closed <= head;
    if (only_open && rectified) continue;
    Effective e;
    s = e.Load(ledger, o.opened);
    if (!s.ok() || e.retracted()) continue;
    JsonWriter item;
    std::string due;
    item.BeginObject().Key("studio").String(o.studio);
    e.With([&](auto u) {
      auto d = u.getFindingRaised();
      due = Str(d.getDueOn());
      item.Key("finding").String(o.id).Key("severity").String(EnumName(d.getSeverity()));
      item.Key("summary").String(Str(d.getSummary())).Key("dueOn").String(due);
    });
    item.Key("raisedAt").String(Str(e.event().getOccurredAt()));
    item.Key("seq").Int(static_cast<int64_t>(o.opened)).Key("rectifiedAt");
    std::optional<std::string> rectified_at;
    if (rectified) {
      std::string bytes;
      s = ledger.Get(o.closed, &bytes);
      if (s.ok()) rectified_at = Str(StoredMessage(bytes).event().getOccurredAt());
    }
    rectified_at ? item.String(*rectified_at) : item.Null();
    item.EndObject();
    entries.emplace_back(due + '\0' + o.studio + '\0' + o.id, item.str());
  }
  if (!s.ok()) return ErrorResponse(c.req, s);
  std::sort(entries.begin(), entries.end());
  std::string body = "[";
  for (size_t i = 0; i < entries.size(); ++i) body += (i ? "," : "") + entries[i].second;
  return JsonResponse(c.req, http::status::ok, body + "]");
}

}  // namespace

net::awaitable<std::optional<Response>> WorkspaceRoute(Call& c) {
  const std::string& path = c.target.path;
  const auto& views = *c.impl.parts.views;
  const auto& policy = *c.impl.parts.policy;
  auto ends_with = [&](std::string_view prefix, std::string_view suffix, std::string* id) -> bool {
    if (!path.starts_with(prefix) || !path.ends_with(suffix) ||
        path.size() <= prefix.size() + suffix.size())
      return false;
    *id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    return id->find('/') == std::string::npos;
  };
  std::string id;
  if (path == "/v1/policy") co_return PolicyAnswer(c);
  if (path == "/v1/notice") co_return co_await NoticeRoute(c);
  if (path == "/v1/views.xlsx") {
    if (!Can(c.who, kReaders)) co_return Forbidden(c.req);
    if (auto refused = co_await WaitForViews(c)) co_return std::move(*refused);
    co_return co_await ViewsWorkbookRoute(c);
  }
  if (ends_with("/v1/studios/", "/items", &id)) co_return Items(c, id);
  if (ends_with("/v1/members/", "/file", &id)) {
    if (!Can(c.who, kReaders)) co_return Forbidden(c.req);
    if (auto refused = co_await WaitForViews(c)) co_return std::move(*refused);
    co_return co_await MemberFileRoute(c, id);
  }
  if (ends_with("/v1/studios/", "/timeline", &id)) co_return Timeline(c, id);
  if (path == "/v1/findings") co_return Findings(c);
  const bool members = path == "/v1/members", committees = path == "/v1/committees",
             flags = path == "/v1/flags", record = ends_with("/v1/members/", "/record", &id);
  if (!members && !committees && !flags && !record) co_return std::nullopt;
  if (record && !Can(c.who, kReaders)) co_return Forbidden(c.req);
  if (auto refused = co_await WaitForViews(c)) co_return std::move(*refused);
  std::string body;
  Status s;
  if (members) s = views.MemberList(&body);
  if (committees) s = views.Committees(ReferenceNow(), policy, &body);
  if (record) {
    const auto year = c.target.query.find("year");
    s = views.MemberRecord(*c.impl.parts.ledger, id,
                           year == c.target.query.end() ? "" : year->second, ReferenceNow(), policy,
                           &body);
  }
  if (flags) {
    std::optional<std::vector<std::string>> studios;
    const auto studio = c.target.query.find("studio");
    if (studio != c.target.query.end()) {
      if (!MayReadStudio(c.who, studio->second)) co_return Forbidden(c.req);
      if (!views.HasStudio(studio->second)) {
        co_return ErrorResponse(c.req, Status::NotFound("no studio \"" + studio->second + "\""));
      }
      studios = std::vector<std::string>{studio->second};
    } else if (!Can(c.who, kReaders)) {
      if (c.who.role != Role::kRecorder) co_return Forbidden(c.req);
      studios = c.who.studios;
    }
    s = views.Flags(studios, ReferenceNow(), policy, &body);
  }
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  co_return JsonResponse(c.req, http::status::ok, std::move(body));
}

}  // namespace wulian::server
