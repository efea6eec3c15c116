// The JSON views of SPEC §5, read from the state of state.h.
#include <capnp/serialize.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "base/assert.h"
#include "base/time.h"
#include "events/codec.h"
#include "projections/json_writer.h"
#include "projections/report_model.h"
#include "projections/score.h"
#include "projections/state.h"
#include "projections/views.h"

namespace wulian::projections {

constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// The stored score counters of a member's year, as the items of the score.
ScoreCounts ScoreCountsOf(const state::Counters& c) {
  static_assert(state::kScoreCounters == kScoreItems);
  static_assert(state::kScoreContacts == static_cast<size_t>(ScoreItem::kContacts) &&
                state::kScoreConsultations == static_cast<size_t>(ScoreItem::kConsultations) &&
                state::kScoreResearch == static_cast<size_t>(ScoreItem::kResearch) &&
                state::kScoreSuggestions == static_cast<size_t>(ScoreItem::kSuggestions) &&
                state::kScoreResolved == static_cast<size_t>(ScoreItem::kResolved) &&
                state::kScoreAdopted == static_cast<size_t>(ScoreItem::kAdopted));
  ScoreCounts counts{};
  std::copy(c.begin(), c.end(), counts.begin());
  return counts;
}

// A Cap'n Proto message read from an (unaligned) RocksDB value.
template <typename T>
class Record {
 public:
  explicit Record(const std::string& bytes)
      : words_(kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word))) {
    std::memcpy(words_.begin(), bytes.data(), words_.size() * sizeof(capnp::word));
    reader_.emplace(words_.asPtr(), StoredReaderOptions());
  }
  typename T::Reader get() { return reader_->template getRoot<T>(); }

 private:
  kj::Array<capnp::word> words_;
  std::optional<capnp::FlatArrayMessageReader> reader_;
};

using Flag = FlagFigures;

// Reads of the views' state for one query, from one consistent snapshot.
class Query {
 public:
  Query(const Views& views, const Policy& policy, int64_t r)
      : db_(views.db_.get()),
        family_(views.family_),
        policy_(policy),
        r_(r),
        snapshot_(db_->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~Query() { db_->ReleaseSnapshot(snapshot_); }

  std::optional<std::string> Get(const std::string& key) const {
    std::string value;
    if (!db_->Get(options_, family_, key, &value).ok()) return std::nullopt;
    return value;
  }
  // Calls f(key suffix after prefix, value) for each key starting with `prefix`, in order.
  template <typename F>
  void Each(const std::string& prefix, F&& f) const {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options_, family_));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      f(std::string_view(it->key().data() + prefix.size(), it->key().size() - prefix.size()),
        std::string_view(it->value().data(), it->value().size()));
    }
  }
  // Calls f(entry) for each entry of the monthly activity lists of `tag` ('A' or 'E') and
  // `id` with occurredAt ≥ from, in (occurred, seq) order, until f returns false.
  template <typename F>
  void ActivitySince(char tag, const std::string& id, int64_t from, F&& f) const {
    const size_t width = tag == 'A' ? state::kStudioActivityBytes : state::kMemberActivityBytes;
    const std::string prefix = state::KeyWith(tag, id, "");
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options_, family_));
    for (it->Seek(prefix + state::Month(from)); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      const std::string_view list(it->value().data(), it->value().size());
      LEDGER_ASSERT(list.size() % width == 0, "activity list of another width");
      for (size_t at = 0; at < list.size(); at += width) {
        const std::string_view entry = list.substr(at, width);
        if (state::GetBe64s(entry) < from) continue;
        if (!f(entry)) return;
      }
    }
  }
  // The latest occurredAt in the monthly activity lists of `tag` and `id`.
  std::optional<int64_t> LastActivity(char tag, const std::string& id) const {
    const size_t width = tag == 'A' ? state::kStudioActivityBytes : state::kMemberActivityBytes;
    const std::string prefix = state::KeyWith(tag, id, "");
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options_, family_));
    it->SeekForPrev(prefix + std::string(1, '\xff'));
    if (!it->Valid() || !it->key().starts_with(prefix) || it->value().size() < width) {
      return std::nullopt;
    }
    return state::GetBe64s(std::string_view(it->value().data(), it->value().size()),
                           it->value().size() - width);
  }
  state::Counters Counters(const std::string& key, size_t size) const {
    auto v = Get(key);
    return v ? state::DecodeCounters(*v, size) : state::Counters(size, 0);
  }

  ViewAsOf AsOfMark() const {
    auto v = Get(state::kCheckpointKey);
    Hash chain{};
    if (v && v->size() == 8 + chain.size()) std::memcpy(chain.data(), v->data() + 8, chain.size());
    return {v ? static_cast<int64_t>(state::GetBe64(*v)) : 0, ToHex(chain)};
  }
  void AsOf(JsonWriter& w) const {
    const ViewAsOf mark = AsOfMark();
    w.Key("asOf").BeginObject().Key("seq").Int(mark.seq).Key("chain").String(mark.chain);
    w.EndObject();
  }

  // The views as structs (false: no such ID), and as JSON written from them.
  bool StudioModel(const std::string& id, StudioView* v) const;
  bool MemberModel(const std::string& id, MemberView* v) const;
  bool CommitteeModel(const std::string& id, CommitteeView* v) const;
  OverviewView OverviewModel() const;
  bool StudioJson(const std::string& id, JsonWriter& w) const;
  std::vector<Flag> Figures(const std::string& id, schema::StudioLicensed::Reader studio,
                            schema::StudioStatus status, const state::Counters& totals) const;
  std::vector<std::string> Flags(const std::string& id, schema::StudioLicensed::Reader studio,
                                 schema::StudioStatus status, const state::Counters& totals) const;
  void FigureJson(const Flag& f, JsonWriter& w) const;
  void FlagsJson(const std::vector<std::string>& studios, JsonWriter& w) const;
  void MemberEntryJson(const std::string& id, JsonWriter& w) const;
  Status RecordJson(const Ledger& ledger, const std::string& id, const std::string& year,
                    JsonWriter& w) const;
  bool MemberJson(const std::string& id, JsonWriter& w) const;
  // The one place a member's yearly points are computed from the counts of state.h.
  int64_t YearPoints(const state::Counters& counts) const;
  bool CommitteeJson(const std::string& id, JsonWriter& w) const;
  void OverviewJson(JsonWriter& w) const;
  std::vector<std::string> Ids(char tag) const {
    std::vector<std::string> ids;
    Each(std::string(1, tag), [&](std::string_view id, std::string_view) { ids.emplace_back(id); });
    return ids;
  }
  // A studio's status, and whether it is licensed at all.
  bool StudioOf(const std::string& id, std::optional<Record<schema::StudioLicensed>>* record,
                schema::StudioStatus* status) const {
    auto v = Get(state::Key('S', id));
    if (!v) return false;
    record->emplace(*v);
    auto list = Get(state::Key('T', id)).value_or("");
    *status = list.size() >= 9
                  ? static_cast<schema::StudioStatus>(static_cast<uint8_t>(list.back()))
                  : schema::StudioStatus::ACTIVE;
    return true;
  }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* family_;
  const Policy& policy_;
  const int64_t r_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

namespace {

constexpr const char* kLinkTypes[] = {"industry", "interest", "locality", "professional", "sector"};
constexpr const char* kStatuses[] = {"active", "suspended", "revoked"};
static_assert(std::size(kStudioTotalNames) == state::kStudioCounters);
static_assert(std::size(kMonthTotalNames) == state::kMonthActivity);
static_assert(std::size(kFlagNames) == Flag::kOverdueFindings + 1);

Counts Totals(const state::Counters& c) {
  Counts totals;
  for (size_t i = 0; i < std::size(kStudioTotalNames); ++i) totals[kStudioTotalNames[i]] = c[i];
  return totals;
}

void Strings(JsonWriter& w, std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  w.BeginArray();
  for (const auto& s : items) w.String(s);
  w.EndArray();
}

std::vector<std::string> Sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

std::string Text(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

// "YYYY-MM-DD" of a day counted from 1970-01-01.
std::string FormatDay(int64_t day) {
  const CivilDay d = LedgerDay(day * kMicrosPerDay - kLedgerOffsetSeconds * kMicrosPerSecond);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month,
                d.day);
  return buf;
}

}  // namespace

std::vector<Flag> Query::Figures(const std::string& id, schema::StudioLicensed::Reader studio,
                                 schema::StudioStatus status, const state::Counters& totals) const {
  std::vector<Flag> flags;
  if (status == schema::StudioStatus::REVOKED) return flags;
  const int64_t licensed = ParseDate(studio.getLicensedOn().cStr()).value_or(0) * kMicrosPerDay -
                           kLedgerOffsetSeconds * kMicrosPerSecond;
  const bool established = licensed < r_ - policy_.licensed_days * kMicrosPerDay;
  // Activity with occurredAt in a window [from, r], and how much of it was recorded late.
  auto window = [&](int64_t days, int64_t* count, int64_t* late) {
    *count = *late = 0;
    ActivitySince('A', id, r_ - days * kMicrosPerDay, [&](std::string_view entry) {
      if (state::GetBe64s(entry) > r_) return false;
      ++*count;
      if (state::GetBe64s(entry, 16) > policy_.late_delay_days * kMicrosPerDay) ++*late;
      return true;
    });
  };
  int64_t count, late;
  window(policy_.inactive_window_days, &count, &late);
  if (established && count == 0) {
    Flag f(Flag::kInactive);
    if (auto last = LastActivity('A', id)) f.at = *last;
    flags.push_back(f);
  }
  window(policy_.late_window_days, &count, &late);
  if (count >= policy_.late_min_events && late * 100 > policy_.late_percent * count) {
    Flag f(Flag::kLateRecording);
    f.count = count;
    f.late = late;
    flags.push_back(f);
  }
  if (established && totals[state::kRules] == 0) {
    Flag f(Flag::kNoRules);
    f.date = Text(studio.getLicensedOn());
    flags.push_back(f);
  }
  Flag cases(Flag::kOverdueCases);
  Each(state::KeyWith('q', id, ""), [&](std::string_view key, std::string_view) {
    const int64_t opened = state::GetBe64s(key);
    if (opened >= r_ - policy_.overdue_case_days * kMicrosPerDay) return;
    if (cases.count++ == 0) cases.at = opened;
  });
  if (cases.count > 0) flags.push_back(cases);
  const int64_t today = (r_ + kLedgerOffsetSeconds * kMicrosPerSecond) / kMicrosPerDay;
  Flag findings(Flag::kOverdueFindings);
  Each(state::KeyWith('f', id, ""), [&](std::string_view key, std::string_view) {
    const int64_t due = state::GetBe64s(key);
    if (due >= today) return;
    if (findings.count++ == 0) findings.date = FormatDay(due);
  });
  if (findings.count > 0) flags.push_back(findings);
  return flags;
}

std::vector<std::string> Query::Flags(const std::string& id, schema::StudioLicensed::Reader studio,
                                      schema::StudioStatus status,
                                      const state::Counters& totals) const {
  std::vector<std::string> names;
  for (const Flag& f : Figures(id, studio, status, totals)) names.push_back(kFlagNames[f.kind]);
  return names;
}

void Query::FigureJson(const Flag& f, JsonWriter& w) const {
  w.BeginObject().Key("flag").String(kFlagNames[f.kind]);
  switch (f.kind) {
    case Flag::kInactive:
      w.Key("lastActivityAt");
      f.at ? w.String(FormatInstant(*f.at)) : w.Null();
      w.Key("windowDays").Int(policy_.inactive_window_days);
      break;
    case Flag::kLateRecording:
      w.Key("events").Int(f.count).Key("late").Int(f.late);
      w.Key("windowDays").Int(policy_.late_window_days);
      w.Key("delayDays").Int(policy_.late_delay_days).Key("percent").Int(policy_.late_percent);
      break;
    case Flag::kNoRules:
      w.Key("licensedOn").String(f.date).Key("licensedDays").Int(policy_.licensed_days);
      break;
    case Flag::kOverdueCases:
      w.Key("overdue").Int(f.count).Key("oldestOpenedAt").String(FormatInstant(*f.at));
      w.Key("overdueDays").Int(policy_.overdue_case_days);
      break;
    case Flag::kOverdueFindings:
      w.Key("overdue").Int(f.count).Key("earliestDueOn").String(f.date);
      break;
  }
  w.EndObject();
}

bool Query::StudioModel(const std::string& id, StudioView* v) const {
  std::optional<Record<schema::StudioLicensed>> record;
  schema::StudioStatus status;
  if (!StudioOf(id, &record, &status)) return false;
  auto d = record->get();
  const state::Counters totals = Counters(state::Key('s', id), state::kStudioCounters);
  v->id = id;
  v->name = Text(d.getName());
  v->link_type = kLinkTypes[static_cast<int>(d.getLinkType())];
  v->status = kStatuses[static_cast<int>(status)];
  v->lead_member = Text(d.getLeadMember());
  v->committee = Text(d.getCommittee());
  v->party_org = Text(d.getPartyOrg());
  if (d.hasTown()) v->town = Text(d.getTown());
  v->batch = d.getBatch();
  v->licensed_on = Text(d.getLicensedOn());
  std::vector<std::string> members;
  Each(state::KeyWith('J', id, ""), [&](std::string_view member, std::string_view pairs) {
    if (pairs.size() >= 16 && state::GetBe64(pairs, pairs.size() - 8) == 0)
      members.emplace_back(member);
  });
  v->members = Sorted(std::move(members));
  v->totals = Totals(totals);
  if (auto last = LastActivity('A', id)) v->last_activity_at = FormatInstant(*last);
  std::vector<int64_t> durations;
  Each(state::KeyWith('r', id, ""),
       [&](std::string_view key, std::string_view) { durations.push_back(state::GetBe64s(key)); });
  if (!durations.empty()) {
    const size_t n = durations.size();
    const double micros =
        n % 2 ? durations[n / 2] : (durations[n / 2 - 1] + durations[n / 2]) / 2.0;
    v->median_days_to_resolve = micros / kMicrosPerDay;
  }
  Each(state::KeyWith('b', id, ""), [&](std::string_view month, std::string_view value) {
    const state::Counters m = state::DecodeCounters(value, state::kMonthCounters);
    if (m[state::kMonthActivity] <= 0) return;
    Counts& counts = v->by_month[std::string(month)];
    for (size_t i = 0; i < std::size(kMonthTotalNames); ++i) counts[kMonthTotalNames[i]] = m[i];
  });
  v->figures = Figures(id, d, status, totals);
  std::vector<std::string> flags;
  for (const Flag& f : v->figures) flags.push_back(kFlagNames[f.kind]);
  v->flags = Sorted(std::move(flags));
  v->as_of = AsOfMark();
  return true;
}

bool Query::StudioJson(const std::string& id, JsonWriter& w) const {
  StudioView v;
  if (!StudioModel(id, &v)) return false;
  WriteStudioJson(v, w);
  return true;
}

// A member's points in a year from the counts of what earned them (SPEC §5).
int64_t Query::YearPoints(const state::Counters& s) const {
  return ScoreYear(policy_, ScoreCountsOf(s)).total;
}

bool Query::MemberModel(const std::string& id, MemberView* v) const {
  auto record_bytes = Get(state::Key('M', id));
  if (!record_bytes) return false;
  Record<schema::MemberRegistered> record(*record_bytes);
  auto d = record.get();
  v->id = id;
  v->name = Text(d.getName());
  v->sector = Text(d.getSector());
  std::vector<std::string> committees;
  for (auto c : d.getCommittees()) committees.push_back(Text(c));
  v->committees = Sorted(std::move(committees));
  std::vector<std::string> studios;
  Each(state::KeyWith('w', id, ""),
       [&](std::string_view studio, std::string_view) { studios.emplace_back(studio); });
  v->studios = Sorted(std::move(studios));
  const state::Counters c = Counters(state::Key('m', id), state::kMemberCounters);
  v->totals = {{"contacts", c[state::kMemberContacts]},
               {"consultations", c[state::kMemberConsultations]},
               {"cases", c[state::kMemberCases]},
               {"suggestions", c[state::kMemberSuggestions]}};
  if (auto last = LastActivity('E', id)) v->last_activity_at = FormatInstant(*last);
  Each(state::KeyWith('y', id, ""), [&](std::string_view year, std::string_view value) {
    const state::Counters s = state::DecodeCounters(value, state::kScoreCounters);
    const int64_t points = YearPoints(s);
    bool any = false;
    for (int64_t x : s) any |= x != 0;
    if (any) v->score[std::string(year)] = points;
  });
  v->as_of = AsOfMark();
  return true;
}

bool Query::MemberJson(const std::string& id, JsonWriter& w) const {
  MemberView v;
  if (!MemberModel(id, &v)) return false;
  WriteMemberJson(v, w);
  return true;
}

bool Query::CommitteeModel(const std::string& id, CommitteeView* v) const {
  auto record_bytes = Get(state::Key('C', id));
  if (!record_bytes) return false;
  Record<schema::CommitteeRegistered> record(*record_bytes);
  auto d = record.get();
  v->id = id;
  v->name = Text(d.getName());
  v->supervises = d.getSupervises();
  std::vector<std::string> studios, members, flagged;
  Each(state::KeyWith('c', id, ""),
       [&](std::string_view studio, std::string_view) { studios.emplace_back(studio); });
  Each(state::KeyWith('l', id, ""),
       [&](std::string_view member, std::string_view) { members.emplace_back(member); });
  state::Counters sum(state::kStudioCounters, 0);
  for (const auto& studio : studios) {
    const state::Counters t = Counters(state::Key('s', studio), state::kStudioCounters);
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += t[i];
    std::optional<Record<schema::StudioLicensed>> record;
    schema::StudioStatus status;
    if (StudioOf(studio, &record, &status) && !Flags(studio, record->get(), status, t).empty()) {
      flagged.push_back(studio);
    }
  }
  v->studios = Sorted(std::move(studios));
  v->members = Sorted(std::move(members));
  v->flagged_studios = Sorted(std::move(flagged));
  v->totals = Totals(sum);
  v->findings_open = sum[state::kFindingsOpen];
  v->as_of = AsOfMark();
  return true;
}

bool Query::CommitteeJson(const std::string& id, JsonWriter& w) const {
  CommitteeView v;
  if (!CommitteeModel(id, &v)) return false;
  WriteCommitteeJson(v, w);
  return true;
}

OverviewView Query::OverviewModel() const {
  const state::Counters o = Counters("o", state::kOverviewCounters);
  std::map<std::string, int64_t> by_link, by_flag;
  for (const char* l : kLinkTypes) by_link[l] = 0;
  for (const char* f : kFlagNames) by_flag[f] = 0;
  for (const auto& studio : Ids('S')) {
    std::optional<Record<schema::StudioLicensed>> record;
    schema::StudioStatus status;
    if (!StudioOf(studio, &record, &status)) continue;
    ++by_link[kLinkTypes[static_cast<int>(record->get().getLinkType())]];
    const state::Counters t = Counters(state::Key('s', studio), state::kStudioCounters);
    for (const auto& flag : Flags(studio, record->get(), status, t)) ++by_flag[flag];
  }
  OverviewView v;
  v.counts = {{"events", o[state::kEvents]},
              {"studios", o[state::kStudios]},
              {"members", o[state::kMembers]},
              {"committees", o[state::kCommittees]}};
  v.by_link_type.assign(by_link.begin(), by_link.end());
  v.by_flag.assign(by_flag.begin(), by_flag.end());
  v.as_of = AsOfMark();
  return v;
}

void Query::OverviewJson(JsonWriter& w) const { WriteOverviewJson(OverviewModel(), w); }

void Query::FlagsJson(const std::vector<std::string>& studios, JsonWriter& w) const {
  w.BeginObject();
  AsOf(w);
  w.Key("studios").BeginObject();
  for (const auto& id : studios) {
    std::optional<Record<schema::StudioLicensed>> record;
    schema::StudioStatus status;
    if (!StudioOf(id, &record, &status)) continue;
    const auto flags =
        Figures(id, record->get(), status, Counters(state::Key('s', id), state::kStudioCounters));
    if (flags.empty()) continue;
    w.Key(id).BeginArray();
    for (const Flag& f : flags) FigureJson(f, w);
    w.EndArray();
  }
  w.EndObject().EndObject();
}

void Query::MemberEntryJson(const std::string& id, JsonWriter& w) const {
  auto v = Get(state::Key('M', id));
  if (!v) return;
  Record<schema::MemberRegistered> record(*v);
  auto d = record.get();
  w.BeginObject().Key("id").String(id).Key("name").String(Text(d.getName()));
  w.Key("sector").String(Text(d.getSector())).Key("committees");
  std::vector<std::string> committees, studios;
  for (auto c : d.getCommittees()) committees.push_back(Text(c));
  Strings(w, committees);
  Each(state::KeyWith('w', id, ""),
       [&](std::string_view studio, std::string_view) { studios.emplace_back(studio); });
  w.Key("studios");
  Strings(w, studios);
  w.EndObject();
}

namespace {

// An activity of a member's year: the event that earned (or listed) it.
struct Activity {
  int64_t occurred = 0;
  uint64_t seq = 0;
  std::string type, studio, title;
  int64_t points = 0;
  std::optional<ScoreItem> item;  // the score item the event earns for
};

// The title and points of an event's data (an Event or a correction's Payload).
template <typename U>
void Describe(U u, const Policy& p, Activity* a) {
  if (u.isContactRecorded()) {
    a->title = Text(u.getContactRecorded().getTopic());
    a->item = ScoreItem::kContacts;
  } else if (u.isConsultationHeld()) {
    auto d = u.getConsultationHeld();
    a->title = Text(d.getTopic());
    a->item = d.getForm() == schema::ConsultationForm::RESEARCH ? ScoreItem::kResearch
                                                                : ScoreItem::kConsultations;
  } else if (u.isCaseOpened()) {
    a->title = Text(u.getCaseOpened().getSummary());
  } else if (u.isCaseResolved()) {
    a->title = Text(u.getCaseResolved().getSummary());
  } else if (u.isSuggestionSubmitted()) {
    a->title = Text(u.getSuggestionSubmitted().getTitle());
    a->item = ScoreItem::kSuggestions;
  }
  a->points = a->item ? p.Weight(*a->item) : 0;
}

}  // namespace

Status Query::RecordJson(const Ledger& ledger, const std::string& id, const std::string& year,
                         JsonWriter& w) const {
  w.BeginObject().Key("member");
  if (!MemberJson(id, w)) return Status::NotFound("no member \"" + id + "\"");
  std::map<std::string, state::Counters> years;
  Each(state::KeyWith('y', id, ""), [&](std::string_view y, std::string_view value) {
    const state::Counters c = state::DecodeCounters(value, state::kScoreCounters);
    if (std::any_of(c.begin(), c.end(), [](int64_t x) { return x != 0; }))
      years[std::string(y)] = c;
  });
  std::string shown = year;
  if (shown.empty()) {
    shown = years.empty() ? std::to_string(LedgerDay(r_).year) : years.rbegin()->first;
  }
  const auto start = ParseInstant(shown + "-01-01T00:00:00+08:00");
  if (shown.size() != 4 || !start) return Status::InvalidArgument("year: must be YYYY");
  const int64_t end = ParseInstant(std::to_string(std::stoi(shown) + 1) + "-01-01T00:00:00+08:00")
                          .value_or(std::numeric_limits<int64_t>::max());
  w.Key("year").String(shown).Key("years").BeginArray();
  for (const auto& [y, c] : years) w.String(y);
  w.EndArray();

  // The score by item, with the policy's weights, caps, base, bonus and grade.
  const state::Counters c =
      years.count(shown) ? years[shown] : state::Counters(state::kScoreCounters, 0);
  w.Key("score").Raw(ScoreJson(ScoreYear(policy_, ScoreCountsOf(c))));

  // The events of the year that list the member, with the corrections in force.
  std::vector<Activity> activities;
  Status s;
  auto read = [&](uint64_t seq, Activity* a) {
    std::string bytes;
    Status r = ledger.Get(seq, &bytes);
    if (!r.ok()) return r;
    StoredMessage stored(bytes);
    auto e = stored.event();
    a->seq = seq;
    a->type = TypeName(e.which());
    const std::string stream = Text(e.getStream());
    if (stream.starts_with("studio/")) a->studio = stream.substr(7);
    const auto correction = Get(state::Key('Y', state::Be64(seq)));
    if (!correction) {
      Describe(e, policy_, a);
      return Status::OK();
    }
    std::string fixed;
    r = ledger.Get(state::GetBe64(*correction), &fixed);
    if (!r.ok()) return r;
    StoredMessage corrected(fixed);
    Describe(corrected.event().getEventCorrected().getData(), policy_, a);
    return Status::OK();
  };
  ActivitySince('E', id, *start, [&](std::string_view entry) {
    Activity a;
    a.occurred = state::GetBe64s(entry);
    if (a.occurred >= end) return false;
    s = read(state::GetBe64(entry, 8), &a);
    activities.push_back(std::move(a));
    return s.ok();
  });
  // Resolutions and adoptions credit the members listed on the opening.
  auto credits = [&](char tag, const char* type, ScoreItem item) {
    Each(std::string(1, tag), [&](std::string_view, std::string_view value) {
      const state::ItemRecord r = state::ItemRecord::Decode(value);
      if (r.open_seq == 0 || r.close_seq == 0 || r.close_occurred < *start ||
          r.close_occurred >= end)
        return;
      if (tag == 'K' && r.outcome != static_cast<uint8_t>(schema::CaseOutcome::RESOLVED)) return;
      if (std::find(r.members.begin(), r.members.end(), id) == r.members.end()) return;
      Activity a;
      a.occurred = r.close_occurred;
      a.seq = r.close_seq;
      a.type = type;
      a.item = item;
      a.points = policy_.Weight(item);
      Activity opening;
      if (s.ok()) s = read(r.open_seq, &opening);
      a.title = opening.title;
      a.studio = opening.studio;
      activities.push_back(std::move(a));
    });
  };
  credits('K', "CaseResolved", ScoreItem::kResolved);
  credits('G', "SuggestionAdopted", ScoreItem::kAdopted);
  if (!s.ok()) return s;
  std::sort(activities.begin(), activities.end(), [](const Activity& a, const Activity& b) {
    return std::tie(a.occurred, a.seq) < std::tie(b.occurred, b.seq);
  });
  w.Key("activities").BeginArray();
  for (const auto& a : activities) {
    w.BeginObject().Key("seq").Int(static_cast<int64_t>(a.seq)).Key("type").String(a.type);
    w.Key("studio").String(a.studio).Key("occurredAt").String(FormatInstant(a.occurred));
    w.Key("title").String(a.title).Key("points").Int(a.points).Key("item");
    a.item ? w.String(ScoreItemName(*a.item)) : w.Null();
    w.EndObject();
  }
  w.EndArray();
  AsOf(w);
  w.EndObject();
  return Status::OK();
}

Status Views::Flags(const std::optional<std::vector<std::string>>& studios, int64_t r,
                    const Policy& policy, std::string* json) const {
  Query q(*this, policy, r);
  JsonWriter w;
  q.FlagsJson(studios ? *studios : q.Ids('S'), w);
  *json = w.str();
  return Status::OK();
}

bool Views::HasStudio(const std::string& id) const {
  return Query(*this, Policy{}, 0).Get(state::Key('S', id)).has_value();
}

Status Views::MemberList(std::string* json) const {
  Query q(*this, Policy{}, 0);
  JsonWriter w;
  w.BeginArray();
  for (const auto& id : q.Ids('M')) q.MemberEntryJson(id, w);
  w.EndArray();
  *json = w.str();
  return Status::OK();
}

Status Views::Committees(int64_t r, const Policy& policy, std::string* json) const {
  Query q(*this, policy, r);
  JsonWriter w;
  w.BeginArray();
  for (const auto& id : q.Ids('C')) q.CommitteeJson(id, w);
  w.EndArray();
  *json = w.str();
  return Status::OK();
}

Status Views::MemberRecord(const Ledger& ledger, const std::string& id, const std::string& year,
                           int64_t r, const Policy& policy, std::string* json) const {
  JsonWriter w;
  Status s = Query(*this, policy, r).RecordJson(ledger, id, year, w);
  if (s.ok()) *json = w.str();
  return s;
}

Status Views::Studio(const std::string& id, int64_t r, const Policy& policy,
                     std::string* json) const {
  JsonWriter w;
  if (!Query(*this, policy, r).StudioJson(id, w))
    return Status::NotFound("no studio \"" + id + "\"");
  *json = w.str();
  return Status::OK();
}

Status Views::Member(const std::string& id, const Policy& policy, std::string* json) const {
  JsonWriter w;
  if (!Query(*this, policy, 0).MemberJson(id, w))
    return Status::NotFound("no member \"" + id + "\"");
  *json = w.str();
  return Status::OK();
}

Status Views::Committee(const std::string& id, int64_t r, const Policy& policy,
                        std::string* json) const {
  JsonWriter w;
  if (!Query(*this, policy, r).CommitteeJson(id, w))
    return Status::NotFound("no committee \"" + id + "\"");
  *json = w.str();
  return Status::OK();
}

Status Views::Studios(int64_t r, const Policy& policy, std::string* json) const {
  Query q(*this, policy, r);
  JsonWriter w;
  w.BeginArray();
  for (const auto& id : q.Ids('S')) q.StudioJson(id, w);
  w.EndArray();
  *json = w.str();
  return Status::OK();
}

Status Views::Overview(int64_t r, const Policy& policy, std::string* json) const {
  JsonWriter w;
  Query(*this, policy, r).OverviewJson(w);
  *json = w.str();
  return Status::OK();
}

Status Views::Model(int64_t r, const Policy& policy, ViewsModel* model) const {
  Query q(*this, policy, r);
  model->overview = q.OverviewModel();
  for (const auto& id : q.Ids('C')) {
    if (q.CommitteeModel(id, &model->committees.emplace_back())) continue;
    model->committees.pop_back();
  }
  for (const auto& id : q.Ids('S')) {
    if (q.StudioModel(id, &model->studios.emplace_back())) continue;
    model->studios.pop_back();
  }
  for (const auto& id : q.Ids('M')) {
    if (q.MemberModel(id, &model->members.emplace_back())) continue;
    model->members.pop_back();
  }
  return Status::OK();
}

std::vector<StudioRecording> Views::Recording(int64_t from, int64_t to,
                                              const Policy& policy) const {
  Query q(*this, policy, to);
  std::vector<StudioRecording> out;
  for (const auto& id : q.Ids('S')) {
    StudioRecording& r = out.emplace_back();
    r.studio = id;
    q.ActivitySince('A', id, from, [&](std::string_view entry) {
      if (state::GetBe64s(entry) >= to) return false;
      ++r.events;
      if (state::GetBe64s(entry, 16) > policy.late_delay_days * kMicrosPerDay) ++r.late;
      return true;
    });
  }
  return out;
}

std::vector<OverdueFinding> Views::OverdueFindings(int64_t r) const {
  Query q(*this, Policy{}, r);
  const int64_t today = (r + kLedgerOffsetSeconds * kMicrosPerSecond) / kMicrosPerDay;
  std::vector<OverdueFinding> out;
  for (const auto& id : q.Ids('S')) {
    q.Each(state::KeyWith('f', id, ""), [&](std::string_view key, std::string_view) {
      const int64_t due = state::GetBe64s(key);
      if (due < today) out.push_back({id, std::string(key.substr(8)), FormatDay(due)});
    });
  }
  return out;
}

std::vector<std::string> Views::MemberIds() const { return Query(*this, Policy{}, 0).Ids('M'); }
std::vector<std::string> Views::CommitteeIds() const { return Query(*this, Policy{}, 0).Ids('C'); }

}  // namespace wulian::projections
