// Reads a JSON report back into the model (report_model.h): decoded with Cap'n Proto's JSON
// codec, checking every field the renderings print; input that is not JSON, or lacks such a
// field, is an InvalidArgument naming it.
#include <capnp/compat/json.h>
#include <capnp/message.h>

#include <cmath>
#include <span>

#include "base/time.h"
#include "events/codec.h"
#include "projections/render_internal.h"

namespace wulian::projections {
namespace {

using namespace render_internal;
using JsonValue = capnp::json::Value;
using JsonReader = JsonValue::Reader;
using Keys = std::span<const char* const>;

constexpr int kJsonDepth = 16;  // the report nests 5 deep

void Fail(Status* status, const std::string& path, std::string_view what) {
  if (status->ok()) {
    *status = Status::InvalidArgument("report: " + path + " must be " + std::string(what));
  }
}

std::optional<std::string> AsString(JsonReader v) {
  if (!v.isString()) return std::nullopt;
  auto text = v.getString();
  std::string s(text.cStr(), text.size());
  if (!IsValidUtf8(s)) return std::nullopt;
  return s;
}

std::optional<int64_t> AsInt(JsonReader v) {
  if (!v.isNumber()) return std::nullopt;
  const double d = v.getNumber();
  if (!std::isfinite(d) || d != std::trunc(d) ||
      std::fabs(d) > static_cast<double>(kJsonIntegerMax)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

// An object of integers, in its order.
NumberList IntObject(JsonReader v, const std::string& path, Status* status) {
  NumberList out;
  if (!v.isObject()) {
    Fail(status, path, "an object of integers");
    return out;
  }
  for (auto field : v.getObject()) {
    const std::string key(field.getName().cStr(), field.getName().size());
    auto n = AsInt(field.getValue());
    if (!IsValidUtf8(key) || !n) {
      Fail(status, path + "." + key, "an integer");
      return out;
    }
    out.emplace_back(key, *n);
  }
  return out;
}

// The integers of an object by key, checking that `required` are all there.
Numbers Counts(JsonReader v, const std::string& path, Keys required, Status* status) {
  NumberList list = IntObject(v, path, status);
  Numbers out(list.begin(), list.end());
  for (const char* key : required) {
    if (!out.count(key)) Fail(status, path + "." + key, "an integer");
  }
  return out;
}

// The fields of one JSON object. The first problem is kept in *status; after one, the
// getters return empty values.
class Fields {
 public:
  Fields(JsonReader value, std::string path, Status* status)
      : path_(std::move(path)), status_(status) {
    if (value.isObject()) {
      object_ = value.getObject();
    } else {
      Fail(status_, path_, "an object");
    }
  }

  std::string Path(std::string_view name) const { return path_ + "." + std::string(name); }

  // The value of `name`; absent fails.
  std::optional<JsonReader> Value(std::string_view name) {
    for (auto field : object_) {
      if (std::string_view(field.getName().cStr(), field.getName().size()) == name) {
        return field.getValue();
      }
    }
    Fail(status_, Path(name), "present");
    return std::nullopt;
  }
  std::string String(std::string_view name) {
    auto v = Value(name);
    auto s = v ? AsString(*v) : std::nullopt;
    if (v && !s) Fail(status_, Path(name), "a string of valid UTF-8");
    return s.value_or("");
  }
  std::optional<std::string> NullableString(std::string_view name) {
    auto v = Value(name);
    if (!v || v->isNull()) return std::nullopt;
    auto s = AsString(*v);
    if (!s) Fail(status_, Path(name), "a string or null");
    return s;
  }
  int64_t Int(std::string_view name) {
    auto v = Value(name);
    auto n = v ? AsInt(*v) : std::nullopt;
    if (v && !n) Fail(status_, Path(name), "an integer");
    return n.value_or(0);
  }
  bool Bool(std::string_view name) {
    auto v = Value(name);
    if (v && !v->isBoolean()) Fail(status_, Path(name), "true or false");
    return v && v->isBoolean() && v->getBoolean();
  }
  std::optional<double> NullableNumber(std::string_view name) {
    auto v = Value(name);
    if (!v || v->isNull()) return std::nullopt;
    if (!v->isNumber() || !std::isfinite(v->getNumber())) {
      Fail(status_, Path(name), "a number or null");
      return std::nullopt;
    }
    return v->getNumber();
  }
  std::vector<JsonReader> Array(std::string_view name) {
    auto v = Value(name);
    if (v && !v->isArray()) Fail(status_, Path(name), "an array");
    if (!v || !v->isArray()) return {};
    std::vector<JsonReader> items;
    for (JsonReader item : v->getArray()) items.push_back(item);
    return items;
  }
  std::vector<std::string> Strings(std::string_view name) {
    std::vector<std::string> out;
    for (JsonReader item : Array(name)) {
      auto s = AsString(item);
      if (!s) Fail(status_, Path(name), "an array of strings");
      out.push_back(s.value_or(""));
    }
    return out;
  }
  NumberList IntList(std::string_view name) {
    auto v = Value(name);
    return v ? IntObject(*v, Path(name), status_) : NumberList();
  }
  Numbers CountsOf(std::string_view name, Keys required) {
    auto v = Value(name);
    return v ? Counts(*v, Path(name), required, status_) : Numbers();
  }

 private:
  std::string path_;
  Status* status_;
  capnp::List<JsonValue::Field>::Reader object_;
};

Studio ParseStudio(JsonReader v, const std::string& path, Status* status) {
  Fields f(v, path, status);
  Studio s;
  s.id = f.String("id");
  s.name = f.String("name");
  s.link_type = f.String("linkType");
  s.status = f.String("status");
  s.committee = f.String("committee");
  s.totals = f.CountsOf("totals", kStudioCounts);
  s.last_activity_at = f.NullableString("lastActivityAt");
  s.median_days_to_resolve = f.NullableNumber("medianDaysToResolve");
  s.flags = f.Strings("flags");
  auto months = f.Value("byMonth");
  if (months && !months->isObject()) Fail(status, f.Path("byMonth"), "an object");
  if (!months || !months->isObject()) return s;
  for (auto field : months->getObject()) {
    const std::string month(field.getName().cStr(), field.getName().size());
    const std::string where = f.Path("byMonth") + "." + month;
    if (!MonthNumber(month)) Fail(status, where, "a month YYYY-MM");
    s.by_month[month] = Counts(field.getValue(), where, kMonthTotalNames, status);
  }
  return s;
}

Committee ParseCommittee(JsonReader v, const std::string& path, Status* status) {
  Fields f(v, path, status);
  Committee c;
  c.id = f.String("id");
  c.name = f.String("name");
  c.supervises = f.Bool("supervises");
  c.studios = f.Strings("studios");
  c.members = f.Strings("members");
  c.totals = f.CountsOf("totals", kStudioCounts);
  c.findings_open = f.Int("findingsOpen");
  c.flagged_studios = f.Strings("flaggedStudios");
  return c;
}

Member ParseMember(JsonReader v, const std::string& path, Status* status) {
  Fields f(v, path, status);
  Member m;
  m.id = f.String("id");
  m.name = f.String("name");
  m.sector = f.String("sector");
  m.committees = f.Strings("committees");
  m.studios = f.Strings("studios");
  m.totals = f.CountsOf("totals", kMemberCounts);
  m.last_activity_at = f.NullableString("lastActivityAt");
  m.score = f.CountsOf("score", {});
  return m;
}

// The policy from its fields, read as Policy::FromJson reads policy.json.
Policy PolicyOf(const NumberList& fields, Status* status) {
  std::string json = "{";
  for (size_t i = 0; i < fields.size(); ++i) {
    json += (i ? "," : "") + JsonString(fields[i].first) + ":" + std::to_string(fields[i].second);
  }
  json += "}";
  Policy policy;
  Status s = Policy::FromJson(json, &policy);
  if (!s.ok() && status->ok()) *status = Status::InvalidArgument("report: " + s.message());
  return policy;
}

void ParseHeadAndOverview(Fields& f, ReportModel* r, Status* status) {
  if (auto head = f.Value("head")) {
    Fields h(*head, f.Path("head"), status);
    r->head.seq = h.Int("seq");
    r->head.chain = h.String("chain");
    r->head.root = h.String("root");
  }
  const std::string axis = f.String("axis");
  if (axis != "recorded" && axis != "occurred")
    Fail(status, f.Path("axis"), "recorded or occurred");
  r->axis = axis == "occurred" ? Axis::kOccurred : Axis::kRecorded;
  r->as_of = f.String("asOf");
  const auto as_of = ParseInstant(r->as_of);
  if (!as_of) Fail(status, f.Path("asOf"), "an RFC 3339 instant");
  r->as_of_micros = as_of.value_or(0);
  r->policy = PolicyOf(f.IntList("policy"), status);
  if (auto overview = f.Value("overview")) {
    Fields o(*overview, f.Path("overview"), status);
    for (const char* key : kOverviewCounts) r->views.overview.counts[key] = o.Int(key);
    r->views.overview.by_link_type = o.IntList("byLinkType");
    r->views.overview.by_flag = o.IntList("byFlag");
  }
}

Status Parse(const std::string& json, ReportModel* r) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<JsonValue>();
  Status parsed = ParseStrictJson(json, kJsonDepth, root);
  if (!parsed.ok()) return Status::InvalidArgument("report: " + parsed.message());
  Status status;
  Fields f(root.asReader(), "report", &status);
  ParseHeadAndOverview(f, r, &status);
  auto committees = f.Array("committees");
  for (size_t i = 0; i < committees.size(); ++i) {
    r->views.committees.push_back(ParseCommittee(
        committees[i], f.Path("committees") + "[" + std::to_string(i) + "]", &status));
  }
  auto studios = f.Array("studios");
  for (size_t i = 0; i < studios.size(); ++i) {
    r->views.studios.push_back(
        ParseStudio(studios[i], f.Path("studios") + "[" + std::to_string(i) + "]", &status));
  }
  auto members = f.Array("members");
  for (size_t i = 0; i < members.size(); ++i) {
    r->views.members.push_back(
        ParseMember(members[i], f.Path("members") + "[" + std::to_string(i) + "]", &status));
  }
  return status;
}

}  // namespace

Status ParseReportJson(const std::string& json, ReportModel* report) { return Parse(json, report); }

}  // namespace wulian::projections
