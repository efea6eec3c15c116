// Test support for the views (SPEC §5): a ledger with its views, event lines for every
// type, and reading one value out of a view's JSON.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "projections/policy.h"
#include "projections/views.h"
#include "tests/support.h"

namespace wulian::testing {

// An instant in microseconds; the text must parse.
inline int64_t At(const std::string& rfc3339) {
  auto micros = ParseInstant(rfc3339);
  EXPECT_TRUE(micros.has_value()) << rfc3339;
  return micros.value_or(0);
}

inline constexpr int64_t kDay = 86400 * kMicrosPerSecond;

// The reference time of most tests: the default ledger clock of TestLedger.
inline constexpr char kR[] = "2025-06-30T12:00:00+08:00";

// ------------------------------------------------------------------ reading JSON

namespace json_internal {

inline size_t SkipSpace(const std::string& j, size_t at) {
  while (at < j.size() && (j[at] == ' ' || j[at] == '\n' || j[at] == '\t' || j[at] == '\r')) ++at;
  return at;
}

// The end of the string literal starting at `at` (which holds the opening quote).
inline size_t StringEnd(const std::string& j, size_t at) {
  for (++at; at < j.size(); ++at) {
    if (j[at] == '\\') {
      ++at;
    } else if (j[at] == '"') {
      return at + 1;
    }
  }
  return std::string::npos;
}

// The end of the JSON value starting at `at`.
inline size_t ValueEnd(const std::string& j, size_t at) {
  if (at >= j.size()) return std::string::npos;
  if (j[at] == '"') return StringEnd(j, at);
  if (j[at] == '{' || j[at] == '[') {
    int depth = 0;
    while (at < j.size()) {
      const char c = j[at];
      if (c == '"') {
        at = StringEnd(j, at);
        if (at == std::string::npos) return at;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return at + 1;
      }
      ++at;
    }
    return std::string::npos;
  }
  while (at < j.size() && j[at] != ',' && j[at] != '}' && j[at] != ']') ++at;
  return at;
}

}  // namespace json_internal

// The raw JSON of the value at `path` in `json`: object keys and array indexes separated by
// '/', e.g. "totals/contacts", "byMonth/2025-03", "studios/0/flags". "<missing>" when absent.
inline std::string JsonAt(const std::string& json, const std::string& path) {
  using namespace json_internal;
  size_t begin = SkipSpace(json, 0);
  size_t end = ValueEnd(json, begin);
  size_t from = 0;
  while (from <= path.size() && !path.empty()) {
    const size_t slash = std::min(path.find('/', from), path.size());
    const std::string part = path.substr(from, slash - from);
    from = slash + 1;
    if (begin >= json.size() || end == std::string::npos) return "<missing>";
    const char open = json[begin];
    if (open != '{' && open != '[') return "<missing>";
    size_t at = SkipSpace(json, begin + 1);
    bool found = false;
    for (size_t index = 0; at < end && json[at] != '}' && json[at] != ']'; ++index) {
      std::string key;
      if (open == '{') {
        const size_t key_end = StringEnd(json, at);
        if (key_end == std::string::npos) return "<missing>";
        key = json.substr(at + 1, key_end - at - 2);
        at = SkipSpace(json, key_end);
        if (json[at] != ':') return "<missing>";
        at = SkipSpace(json, at + 1);
      } else {
        key = std::to_string(index);
      }
      const size_t value_end = ValueEnd(json, at);
      if (value_end == std::string::npos) return "<missing>";
      if (key == part) {
        begin = at;
        end = value_end;
        found = true;
        break;
      }
      at = SkipSpace(json, value_end);
      if (at < json.size() && json[at] == ',') at = SkipSpace(json, at + 1);
    }
    if (!found) return "<missing>";
    if (slash == path.size()) break;
  }
  if (end == std::string::npos) return "<missing>";
  return json.substr(begin, end - begin);
}

// A view's JSON without its trailing "asOf" member.
inline std::string WithoutAsOf(const std::string& json) {
  const size_t at = json.rfind(",\"asOf\":");
  if (at == std::string::npos) return json;
  return json.substr(0, at) + "}";
}

// ------------------------------------------------------------------ event lines

// Registry() of tests/support.h, occurring (and recorded) on 2024-11-01, so that later
// activity can be recorded on time.
inline constexpr char kRegistryAt[] = "2024-11-01T09:00:00+08:00";
inline std::vector<std::string> EarlyRegistry() {
  std::vector<std::string> lines = Registry();
  for (auto& line : lines) {
    const std::string old = "\"occurredAt\":\"2025-03-01T09:30:00+08:00\"";
    const size_t at = line.find(old);
    EXPECT_NE(at, std::string::npos) << line;
    if (at != std::string::npos)
      line.replace(at, old.size(), "\"occurredAt\":\"" + std::string(kRegistryAt) + "\"");
  }
  return lines;
}

// A JSON array of strings from a comma-separated list: "M1,M2" → ["M1","M2"].
inline std::string List(const std::string& items) {
  std::string out = "[";
  size_t from = 0;
  while (from <= items.size() && !items.empty()) {
    const size_t comma = std::min(items.find(',', from), items.size());
    if (out.size() > 1) out += ",";
    out += "\"" + items.substr(from, comma - from) + "\"";
    from = comma + 1;
  }
  return out + "]";
}

namespace data {
inline std::string Contact(const std::string& studio, const std::string& members, int people) {
  return R"({"studio":")" + studio + R"(","members":)" + List(members) +
         R"(,"channel":"visit","peopleReached":)" + std::to_string(people) +
         R"(,"topic":"停车难"})";
}
inline std::string Consultation(const std::string& studio, const std::string& members,
                                const std::string& form) {
  return R"({"studio":")" + studio + R"(","members":)" + List(members) + R"(,"form":")" + form +
         R"(","partners":["区商会"],"attendees":30,"topic":"老旧小区改造","outcome":"形成建议"})";
}
inline std::string CaseOpened(const std::string& studio, const std::string& id,
                              const std::string& members) {
  return R"({"studio":")" + studio + R"(","case":")" + id + R"(","kind":"dispute","members":)" +
         List(members) + R"(,"summary":"邻里纠纷"})";
}
inline std::string CaseResolved(const std::string& studio, const std::string& id,
                                const std::string& outcome) {
  return R"({"studio":")" + studio + R"(","case":")" + id + R"(","outcome":")" + outcome +
         R"(","summary":"调解"})";
}
inline std::string Suggestion(const std::string& studio, const std::string& id,
                              const std::string& members) {
  return R"({"studio":")" + studio + R"(","suggestion":")" + id + R"(","members":)" +
         List(members) + R"(,"title":"增设停车位","channel":"proposal"})";
}
inline std::string Finding(const std::string& studio, const std::string& id,
                           const std::string& due) {
  return R"({"studio":")" + studio + R"(","finding":")" + id +
         R"(","severity":"medium","summary":"制度未上墙","dueOn":")" + due + R"("})";
}
inline std::string Status(const std::string& studio, const std::string& status) {
  return R"({"studio":")" + studio + R"(","status":")" + status + R"(","reason":"整顿"})";
}
inline std::string Member(const std::string& id, const std::string& committees) {
  return R"({"member":")" + id + R"(","name":"王五","sector":"教育界","committees":)" +
         List(committees) + "}";
}
inline std::string Studio(const std::string& id, const std::string& name, const std::string& link,
                          const std::string& lead, const std::string& committee,
                          const std::string& licensed) {
  return R"({"studio":")" + id + R"(","name":")" + name + R"(","linkType":")" + link +
         R"(","leadMember":")" + lead + R"(","committee":")" + committee +
         R"(","partyOrg":"区委","town":"鱼洞街道","batch":2,"licensedOn":")" + licensed + R"("})";
}
}  // namespace data

// Event lines of every type; `at` is occurredAt.
inline std::string ContactAt(const std::string& id, const std::string& at,
                             const std::string& studio = "S01", const std::string& members = "M1",
                             int people = 3) {
  return Event(id, "ContactRecorded", data::Contact(studio, members, people), at);
}
inline std::string ConsultationAt(const std::string& id, const std::string& at,
                                  const std::string& studio = "S01",
                                  const std::string& members = "M1",
                                  const std::string& form = "meeting") {
  return Event(id, "ConsultationHeld", data::Consultation(studio, members, form), at);
}
inline std::string CaseOpenedAt(const std::string& id, const std::string& at,
                                const std::string& kase, const std::string& studio = "S01",
                                const std::string& members = "M1") {
  return Event(id, "CaseOpened", data::CaseOpened(studio, kase, members), at);
}
inline std::string CaseResolvedAt(const std::string& id, const std::string& at,
                                  const std::string& kase, const std::string& outcome = "resolved",
                                  const std::string& studio = "S01") {
  return Event(id, "CaseResolved", data::CaseResolved(studio, kase, outcome), at);
}
inline std::string SuggestionAt(const std::string& id, const std::string& at,
                                const std::string& suggestion, const std::string& studio = "S01",
                                const std::string& members = "M1") {
  return Event(id, "SuggestionSubmitted", data::Suggestion(studio, suggestion, members), at);
}
inline std::string AdoptedAt(const std::string& id, const std::string& at,
                             const std::string& suggestion, const std::string& studio = "S01") {
  return Event(
      id, "SuggestionAdopted",
      R"({"studio":")" + studio + R"(","suggestion":")" + suggestion + R"(","by":"区政府办公室"})",
      at);
}
inline std::string RuleAt(const std::string& id, const std::string& at, const std::string& rule,
                          const std::string& studio = "S01") {
  return Event(id, "StudioRuleAdopted",
               R"({"studio":")" + studio + R"(","rule":")" + rule + R"(","title":"接待日制度"})",
               at);
}
inline std::string VisitAt(const std::string& id, const std::string& at, const std::string& visit,
                           const std::string& studio = "S01") {
  return Event(id, "SupervisionVisited",
               R"({"studio":")" + studio + R"(","visit":")" + visit +
                   R"(","inspectors":["督导组甲"],"notes":"台账齐全"})",
               at);
}
inline std::string FindingAt(const std::string& id, const std::string& at,
                             const std::string& finding, const std::string& due,
                             const std::string& studio = "S01") {
  return Event(id, "FindingRaised", data::Finding(studio, finding, due), at);
}
inline std::string RectifiedAt(const std::string& id, const std::string& at,
                               const std::string& finding, const std::string& studio = "S01") {
  return Event(
      id, "FindingRectified",
      R"({"studio":")" + studio + R"(","finding":")" + finding + R"(","summary":"已整改"})", at);
}
inline std::string StatusAt(const std::string& id, const std::string& at, const std::string& status,
                            const std::string& studio = "S01") {
  return Event(id, "StudioStatusChanged", data::Status(studio, status), at);
}
inline std::string JoinAt(const std::string& id, const std::string& at, const std::string& member,
                          const std::string& studio = "S01") {
  return Event(id, "MemberJoinedStudio",
               R"({"studio":")" + studio + R"(","member":")" + member + R"("})", at);
}
inline std::string LeaveAt(const std::string& id, const std::string& at, const std::string& member,
                           const std::string& studio = "S01") {
  return Event(id, "MemberLeftStudio",
               R"({"studio":")" + studio + R"(","member":")" + member + R"("})", at);
}
inline std::string Correct(const std::string& id, const std::string& at, uint64_t target,
                           const std::string& data) {
  return Event(
      id, "EventCorrected",
      R"({"target":)" + std::to_string(target) + R"(,"reason":"录入有误","data":)" + data + "}",
      at);
}
inline std::string Retract(const std::string& id, const std::string& at, uint64_t target) {
  return Event(id, "EventRetracted",
               R"({"target":)" + std::to_string(target) + R"(,"reason":"重复录入"})", at);
}

// ------------------------------------------------------------------ a ledger with views

// A TestLedger and a views database beside it. Add() appends one event recorded when it
// occurred (or at `recorded`); the view getters catch the views up first and return the
// view without its "asOf" (checked against the ledger's head).
class ViewsLedger {
 public:
  ViewsLedger() {
    Status s = projections::Views::Open(ledger_.dir() + "/views", &views_);
    EXPECT_TRUE(s.ok()) << s.message();
    for (const auto& line : EarlyRegistry()) Add(line);
  }

  // Appends `line` with the ledger clock at `recorded` (default: the event's occurredAt);
  // returns its seq, 0 on refusal (a test failure).
  uint64_t Add(const std::string& line, std::string recorded = "") {
    if (recorded.empty()) {
      const std::string occurred = JsonAt(line, "occurredAt");
      recorded = occurred.substr(1, occurred.size() - 2);
    }
    ledger_.set_now(recorded);
    std::vector<AppendResult> results;
    Status s = ledger_.Append(line, &results);
    EXPECT_TRUE(s.ok()) << s.message() << "\n" << line;
    return s.ok() ? results[0].seq : 0;
  }

  std::string Studio(const std::string& id, const std::string& r = kR) {
    std::string json;
    Check(views().Studio(id, At(r), policy_, &json), json);
    return WithoutAsOf(json);
  }
  std::string Member(const std::string& id) {
    std::string json;
    Check(views().Member(id, policy_, &json), json);
    return WithoutAsOf(json);
  }
  std::string Committee(const std::string& id, const std::string& r = kR) {
    std::string json;
    Check(views().Committee(id, At(r), policy_, &json), json);
    return WithoutAsOf(json);
  }
  std::string Overview(const std::string& r = kR) {
    std::string json;
    Check(views().Overview(At(r), policy_, &json), json);
    return WithoutAsOf(json);
  }
  std::string Flags(const std::string& studio, const std::string& r = kR) {
    return JsonAt(Studio(studio, r), "flags");
  }
  std::string Score(const std::string& member) { return JsonAt(Member(member), "score"); }

  // The views, caught up to the head.
  projections::Views& views() {
    Status s = views_->CatchUp(ledger_.ledger());
    EXPECT_TRUE(s.ok()) << s.message();
    return *views_;
  }
  // The policy the view getters use (default: Policy{}).
  void set_policy(const projections::Policy& policy) { policy_ = policy; }
  TestLedger& test_ledger() { return ledger_; }
  Ledger& ledger() { return ledger_.ledger(); }
  const std::string& dir() const { return ledger_.dir(); }

 private:
  void Check(const Status& s, const std::string& json) {
    EXPECT_TRUE(s.ok()) << s.message();
    const Head head = ledger_.ledger().GetHead();
    EXPECT_EQ(JsonAt(json, "asOf"),
              "{\"seq\":" + std::to_string(head.seq) + ",\"chain\":\"" + ToHex(head.chain) + "\"}");
  }

  TestLedger ledger_;
  std::unique_ptr<projections::Views> views_;
  projections::Policy policy_;
};

}  // namespace wulian::testing
