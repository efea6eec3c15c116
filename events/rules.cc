// The reference rules of SPEC §3.2–§3.3 over the write-side state of events/format_internal.h.
#include <capnp/dynamic.h>
#include <capnp/serialize.h>

#include "base/assert.h"
#include "events/format_internal.h"
#include "events/store_internal.h"

namespace wulian::internal {
namespace {

using format::GetBe64;
using format::PutBe64;
using format::StateKey;
using schema::Event;

std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Identity fields of SPEC §3.2: a correction must not change them.
constexpr std::string_view kIdentityFields[] = {"studio",     "member",  "committee", "case",
                                                "suggestion", "finding", "rule",      "visit"};

// The payload struct of an event (its `data`).
capnp::DynamicStruct::Reader PayloadOf(Event::Reader event) {
  capnp::DynamicStruct::Reader dynamic = event;
  auto field = KJ_ASSERT_NONNULL(dynamic.which());
  return dynamic.get(field).as<capnp::DynamicStruct>();
}

std::optional<std::string> TextField(capnp::DynamicStruct::Reader data, std::string_view name) {
  KJ_IF_MAYBE (field, data.getSchema().findFieldByName(kj::StringPtr(std::string(name).c_str()))) {
    if (field->getType().isText()) return std::string(data.get(*field).as<capnp::Text>().cStr());
  }
  return std::nullopt;
}

class Rules {
 public:
  Rules(Overlay& overlay, const Codec& codec, uint64_t seq)
      : overlay_(overlay), codec_(codec), seq_(seq) {}

  Status Apply(Submission* submission);

 private:
  Status Exists(char tag, std::string_view a, std::string_view b, bool* exists) {
    std::optional<std::string> v;
    Status s = overlay_.Get(Family::kState, StateKey(tag, a, b), &v);
    *exists = v.has_value();
    return s;
  }
  Status Registered(char tag, std::string_view id, const char* what) {
    bool exists;
    Status s = Exists(tag, id, {}, &exists);
    if (!s.ok()) return s;
    if (!exists)
      return Status::ReferenceError(std::string(what) + " " + Q(id) + " is not registered");
    return Status::OK();
  }
  Status Unregistered(char tag, std::string_view id, const char* what) {
    bool exists;
    Status s = Exists(tag, id, {}, &exists);
    if (!s.ok()) return s;
    if (exists)
      return Status::ReferenceError(std::string(what) + " " + Q(id) + " is already registered");
    overlay_.Put(Family::kState, StateKey(tag, id), format::SeqKey(seq_));
    return Status::OK();
  }
  Status Members(capnp::List<capnp::Text>::Reader members) {
    for (auto m : members) {
      Status s = Registered(format::kMemberTag, m.cStr(), "member");
      if (!s.ok()) return s;
    }
    return Status::OK();
  }
  // Every member `data` lists (its `members`, if it has them) is a current member of
  // `studio`, or is listed on `kept` (a correction's target).
  Status CurrentMembers(std::string_view studio, capnp::DynamicStruct::Reader data,
                        std::optional<capnp::DynamicStruct::Reader> kept);
  // The studio's current status; fails if the studio is not licensed.
  Status StudioStatus(std::string_view studio, schema::StudioStatus* status, std::string* value);
  // New studio events: the studio must be licensed and accept events of this kind.
  Status StudioAccepts(std::string_view studio, bool supervision);
  Status Once(char tag, std::string_view studio, std::string_view id, const char* what);
  void WritePair(const std::string& key, uint64_t open, uint64_t close);
  Status OpenPair(char tag, std::string_view studio, std::string_view id, const char* what);
  Status ClosePair(char tag, std::string_view studio, std::string_view id, const char* what,
                   const char* state);
  Status Membership(std::string_view studio, std::string_view member, bool join);
  Status References(capnp::DynamicStruct::Reader data);
  Status NewEvent(Event::Reader event);
  Status Target(uint64_t target, std::string* bytes);
  Status Correct(Submission* submission);
  Status Retract(Event::Reader event);
  Status UndoPair(char tag, std::string_view studio, std::string_view id, uint64_t target,
                  bool is_open, const char* dependent);
  Status UndoMembership(std::string_view studio, std::string_view member, uint64_t target,
                        bool join);
  Status UndoStatus(std::string_view studio, uint64_t target,
                    std::optional<schema::StudioStatus> replacement);

  Overlay& overlay_;
  const Codec& codec_;
  const uint64_t seq_;
};

Status Rules::StudioStatus(std::string_view studio, schema::StudioStatus* status,
                           std::string* value) {
  std::optional<std::string> v;
  Status s = overlay_.Get(Family::kState, StateKey(format::kStudioTag, studio), &v);
  if (!s.ok()) return s;
  if (!v) return Status::ReferenceError("studio " + Q(studio) + " is not licensed");
  *status = schema::StudioStatus::ACTIVE;
  if (v->size() > format::kSeqBytes) {
    *status = static_cast<schema::StudioStatus>(static_cast<uint8_t>(v->back()));
  }
  if (value) *value = std::move(*v);
  return Status::OK();
}

Status Rules::StudioAccepts(std::string_view studio, bool supervision) {
  schema::StudioStatus status;
  Status s = StudioStatus(studio, &status, nullptr);
  if (!s.ok()) return s;
  if (status == schema::StudioStatus::REVOKED) {
    return Status::ReferenceError("studio " + Q(studio) + " is revoked and accepts nothing");
  }
  if (status == schema::StudioStatus::SUSPENDED && !supervision) {
    return Status::ReferenceError("studio " + Q(studio) +
                                  " is suspended and accepts only supervision, status changes,"
                                  " corrections and retractions");
  }
  return Status::OK();
}

Status Rules::Once(char tag, std::string_view studio, std::string_view id, const char* what) {
  bool exists;
  Status s = Exists(tag, studio, id, &exists);
  if (!s.ok()) return s;
  if (exists)
    return Status::ReferenceError(std::string(what) + " " + Q(id) + " is already used in studio " +
                                  Q(studio));
  overlay_.Put(Family::kState, StateKey(tag, studio, id), format::SeqKey(seq_));
  return Status::OK();
}

void Rules::WritePair(const std::string& key, uint64_t open, uint64_t close) {
  std::string pair;
  PutBe64(&pair, open);
  PutBe64(&pair, close);
  overlay_.Put(Family::kState, key, std::move(pair));
}

Status Rules::OpenPair(char tag, std::string_view studio, std::string_view id, const char* what) {
  bool exists;
  Status s = Exists(tag, studio, id, &exists);
  if (!s.ok()) return s;
  if (exists) {
    return Status::ReferenceError(std::string(what) + " " + Q(id) + " is already used in studio " +
                                  Q(studio));
  }
  WritePair(StateKey(tag, studio, id), seq_, 0);
  return Status::OK();
}

// Closes an item that is open: opened by a live (not retracted) event, not yet closed.
Status Rules::ClosePair(char tag, std::string_view studio, std::string_view id, const char* what,
                        const char* state) {
  const std::string key = StateKey(tag, studio, id);
  std::optional<std::string> v, retracted;
  Status s = overlay_.Get(Family::kState, key, &v);
  if (s.ok() && v) s = overlay_.Get(Family::kState, format::RetractedKey(GetBe64(*v)), &retracted);
  if (!s.ok()) return s;
  if (!v || retracted || GetBe64(*v, format::kSeqBytes) != 0) {
    return Status::ReferenceError(std::string(what) + " " + Q(id) + " is not " + state +
                                  " in studio " + Q(studio));
  }
  WritePair(key, GetBe64(*v), seq_);
  return Status::OK();
}

// Membership state is the list of live (join, leave) pairs; the last one is current.
Status Rules::Membership(std::string_view studio, std::string_view member, bool join) {
  const std::string key = StateKey(format::kMembershipTag, studio, member);
  std::optional<std::string> v;
  Status s = overlay_.Get(Family::kState, key, &v);
  if (!s.ok()) return s;
  std::string value = v.value_or("");
  const size_t last = value.empty() ? 0 : value.size() - format::kMembershipBytes;
  const bool in = !value.empty() && GetBe64(value, last + format::kSeqBytes) == 0;
  if (join && in)
    return Status::ReferenceError("member " + Q(member) + " is already in studio " + Q(studio));
  if (!join && !in)
    return Status::ReferenceError("member " + Q(member) + " is not in studio " + Q(studio));
  if (join) {
    PutBe64(&value, seq_);
    PutBe64(&value, 0);
  } else {
    value.resize(last + format::kSeqBytes);
    PutBe64(&value, seq_);
  }
  overlay_.Put(Family::kState, key, std::move(value));
  return Status::OK();
}

Status Rules::CurrentMembers(std::string_view studio, capnp::DynamicStruct::Reader data,
                             std::optional<capnp::DynamicStruct::Reader> kept) {
  auto members =
      [](capnp::DynamicStruct::Reader d) -> std::optional<capnp::List<capnp::Text>::Reader> {
    KJ_IF_MAYBE (field, d.getSchema().findFieldByName("members")) {
      return d.get(*field).as<capnp::List<capnp::Text>>();
    }
    return std::nullopt;
  };
  auto listed = members(data);
  if (!listed) return Status::OK();
  std::optional<capnp::List<capnp::Text>::Reader> before;
  if (kept) before = members(*kept);
  for (auto m : *listed) {
    const std::string_view member(m.cStr(), m.size());
    bool was_listed = false;
    if (before) {
      for (auto k : *before) was_listed |= member == std::string_view(k.cStr(), k.size());
    }
    if (was_listed) continue;
    std::optional<std::string> v;
    Status s = overlay_.Get(Family::kState, StateKey(format::kMembershipTag, studio, member), &v);
    if (!s.ok()) return s;
    const bool in = v && v->size() >= format::kMembershipBytes &&
                    GetBe64(*v, v->size() - format::kSeqBytes) == 0;
    if (!in)
      return Status::ReferenceError("member " + Q(member) + " is not in studio " + Q(studio));
  }
  return Status::OK();
}

// The registrations a payload refers to: members, committees, the lead member.
Status Rules::References(capnp::DynamicStruct::Reader data) {
  for (auto field : data.getSchema().getFields()) {
    std::string_view name = field.getProto().getName().cStr();
    if (name == "members" || name == "committees") {
      const char tag = name == "members" ? format::kMemberTag : format::kCommitteeTag;
      for (auto id : data.get(field).as<capnp::List<capnp::Text>>()) {
        Status s = Registered(tag, id.cStr(), name == "members" ? "member" : "committee");
        if (!s.ok()) return s;
      }
    } else if (name == "leadMember" ||
               (name == "member" &&
                data.getSchema() == capnp::Schema::from<schema::MemberJoinedStudio>())) {
      Status s = Registered(format::kMemberTag, data.get(field).as<capnp::Text>().cStr(), "member");
      if (!s.ok()) return s;
    } else if (name == "committee" &&
               data.getSchema() != capnp::Schema::from<schema::CommitteeRegistered>()) {
      Status s =
          Registered(format::kCommitteeTag, data.get(field).as<capnp::Text>().cStr(), "committee");
      if (!s.ok()) return s;
    }
  }
  return Status::OK();
}

Status Rules::NewEvent(Event::Reader e) {
  Status s = References(PayloadOf(e));
  if (!s.ok()) return s;
  switch (e.which()) {
    case Event::COMMITTEE_REGISTERED:
      return Unregistered(format::kCommitteeTag, e.getCommitteeRegistered().getCommittee().cStr(),
                          "committee");
    case Event::MEMBER_REGISTERED:
      return Unregistered(format::kMemberTag, e.getMemberRegistered().getMember().cStr(), "member");
    case Event::STUDIO_LICENSED: {
      auto d = e.getStudioLicensed();
      s = Unregistered(format::kStudioTag, d.getStudio().cStr(), "studio");
      return s.ok() ? Membership(d.getStudio().cStr(), d.getLeadMember().cStr(), true) : s;
    }
    default:
      break;
  }
  const std::string studio = *TextField(PayloadOf(e), "studio");
  const bool supervision = e.isSupervisionVisited() || e.isFindingRaised() ||
                           e.isFindingRectified() || e.isStudioStatusChanged();
  s = StudioAccepts(studio, supervision);
  if (s.ok()) s = CurrentMembers(studio, PayloadOf(e), std::nullopt);
  if (!s.ok()) return s;
  switch (e.which()) {
    case Event::MEMBER_JOINED_STUDIO:
      return Membership(studio, e.getMemberJoinedStudio().getMember().cStr(), true);
    case Event::MEMBER_LEFT_STUDIO:
      return Membership(studio, e.getMemberLeftStudio().getMember().cStr(), false);
    case Event::STUDIO_RULE_ADOPTED:
      return Once(format::kRuleTag, studio, e.getStudioRuleAdopted().getRule().cStr(), "rule");
    case Event::STUDIO_STATUS_CHANGED: {
      schema::StudioStatus status;
      std::string value;
      s = StudioStatus(studio, &status, &value);
      if (!s.ok()) return s;
      PutBe64(&value, seq_);
      value.push_back(static_cast<char>(e.getStudioStatusChanged().getStatus()));
      overlay_.Put(Family::kState, StateKey(format::kStudioTag, studio), std::move(value));
      return Status::OK();
    }
    case Event::CONTACT_RECORDED:
    case Event::CONSULTATION_HELD:
      return Status::OK();
    case Event::CASE_OPENED:
      return OpenPair(format::kCaseTag, studio, e.getCaseOpened().getCase().cStr(), "case");
    case Event::CASE_RESOLVED:
      return ClosePair(format::kCaseTag, studio, e.getCaseResolved().getCase().cStr(), "case",
                       "open");
    case Event::SUGGESTION_SUBMITTED:
      return OpenPair(format::kSuggestionTag, studio,
                      e.getSuggestionSubmitted().getSuggestion().cStr(), "suggestion");
    case Event::SUGGESTION_ADOPTED:
      return ClosePair(format::kSuggestionTag, studio,
                       e.getSuggestionAdopted().getSuggestion().cStr(), "suggestion",
                       "submitted and not yet adopted");
    case Event::SUPERVISION_VISITED:
      return Once(format::kVisitTag, studio, e.getSupervisionVisited().getVisit().cStr(), "visit");
    case Event::FINDING_RAISED:
      return OpenPair(format::kFindingTag, studio, e.getFindingRaised().getFinding().cStr(),
                      "finding");
    case Event::FINDING_RECTIFIED:
      return ClosePair(format::kFindingTag, studio, e.getFindingRectified().getFinding().cStr(),
                       "finding", "open");
    default:
      break;
  }
  LEDGER_ASSERT(false, "event kind without rules");
  return Status::InvalidEvent("unknown event type");
}

// Loads a correction's or retraction's target and checks what both require of it.
Status Rules::Target(uint64_t target, std::string* bytes) {
  if (target >= seq_)
    return Status::ReferenceError("target " + std::to_string(target) + " does not exist");
  Status s = LoadEvent(overlay_, target, bytes);
  if (!s.ok()) return s;
  StoredMessage stored(*bytes);
  auto event = stored.event();
  if (event.isEventCorrected() || event.isEventRetracted()) {
    return Status::ReferenceError("target " + std::to_string(target) +
                                  " is itself a correction or retraction");
  }
  std::optional<std::string> retracted;
  s = overlay_.Get(Family::kState, format::RetractedKey(target), &retracted);
  if (!s.ok()) return s;
  if (retracted)
    return Status::ReferenceError("target " + std::to_string(target) + " is retracted");
  if (auto studio = TextField(PayloadOf(event), "studio")) {
    s = StudioAccepts(*studio, /*supervision=*/true);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status Rules::Correct(Submission* submission) {
  auto corrected = submission->message.getRoot<Event>().getEventCorrected();
  std::string bytes;
  Status s = Target(corrected.getTarget(), &bytes);
  if (!s.ok()) return s;
  StoredMessage stored(bytes);
  auto target = stored.event();
  s = codec_.DecodeReplacement(target.which(), submission);
  if (!s.ok()) return s;
  auto before = PayloadOf(target);
  capnp::DynamicStruct::Reader payload = corrected.asReader().getData();
  auto after = payload.get(KJ_ASSERT_NONNULL(payload.which())).as<capnp::DynamicStruct>();
  for (auto name : kIdentityFields) {
    if (TextField(before, name) != TextField(after, name)) {
      return Status::ReferenceError("data." + std::string(name) +
                                    ": a correction cannot change an identity field");
    }
  }
  s = References(after);
  if (!s.ok()) return s;
  if (auto studio = TextField(after, "studio")) {
    s = CurrentMembers(*studio, after, before);
    if (!s.ok()) return s;
  }
  if (target.isStudioLicensed()) {
    auto d = corrected.asReader().getData().getStudioLicensed();
    if (d.getLinkType() == schema::LinkType::LOCALITY && !d.hasTown()) {
      return Status::InvalidEvent("data.data.town: required for a locality studio");
    }
  }
  if (target.isStudioStatusChanged()) {
    return UndoStatus(target.getStudioStatusChanged().getStudio().cStr(), corrected.getTarget(),
                      corrected.asReader().getData().getStudioStatusChanged().getStatus());
  }
  return Status::OK();
}

// Retracting the opening of an item needs it closed by nothing live (the retraction itself
// is recorded by Retract); retracting its closing reopens it.
Status Rules::UndoPair(char tag, std::string_view studio, std::string_view id, uint64_t target,
                       bool is_open, const char* dependent) {
  const std::string key = StateKey(tag, studio, id);
  std::optional<std::string> v;
  Status s = overlay_.Get(Family::kState, key, &v);
  if (!s.ok()) return s;
  LEDGER_ASSERT(v.has_value(), "live event without its state");
  const uint64_t close = GetBe64(*v, format::kSeqBytes);
  if (is_open) {
    if (close != 0) {
      return Status::ReferenceError(std::string("cannot retract: the live ") + dependent +
                                    " at seq " + std::to_string(close) + " depends on it");
    }
    return Status::OK();
  }
  LEDGER_ASSERT(close == target, "live closing event is not the pair's close");
  WritePair(key, GetBe64(*v), 0);
  return Status::OK();
}

// Only the newest membership event of a member in a studio can be retracted: every later
// one depends on it.
Status Rules::UndoMembership(std::string_view studio, std::string_view member, uint64_t target,
                             bool join) {
  const std::string key = StateKey(format::kMembershipTag, studio, member);
  std::optional<std::string> v;
  Status s = overlay_.Get(Family::kState, key, &v);
  if (!s.ok()) return s;
  LEDGER_ASSERT(v && v->size() >= format::kMembershipBytes, "live membership event without state");
  std::string value = *v;
  const size_t last = value.size() - format::kMembershipBytes;
  const uint64_t joined = GetBe64(value, last), left = GetBe64(value, last + format::kSeqBytes);
  if (join && joined == target && left == 0) {
    value.resize(last);
  } else if (!join && left == target) {
    value.resize(last + format::kSeqBytes);
    PutBe64(&value, 0);
  } else {
    return Status::ReferenceError("cannot retract: a later membership event of member " +
                                  Q(member) + " in studio " + Q(studio) + " depends on it");
  }
  if (value.empty()) {
    overlay_.Delete(Family::kState, key);
  } else {
    overlay_.Put(Family::kState, key, std::move(value));
  }
  return Status::OK();
}

// Removes (replacement empty) or changes the live status change `target` of a studio.
Status Rules::UndoStatus(std::string_view studio, uint64_t target,
                         std::optional<schema::StudioStatus> replacement) {
  schema::StudioStatus status;
  std::string value;
  Status s = StudioStatus(studio, &status, &value);
  if (!s.ok()) return s;
  for (size_t at = format::kSeqBytes; at < value.size(); at += format::kStatusEntryBytes) {
    if (GetBe64(value, at) != target) continue;
    if (replacement) {
      value[at + format::kSeqBytes] = static_cast<char>(*replacement);
    } else {
      value.erase(at, format::kStatusEntryBytes);
    }
    overlay_.Put(Family::kState, StateKey(format::kStudioTag, studio), std::move(value));
    return Status::OK();
  }
  LEDGER_ASSERT(false, "live status change missing from its studio");
  return Status::Corruption("status change missing");
}

Status Rules::Retract(Event::Reader event) {
  const uint64_t target = event.getEventRetracted().getTarget();
  std::string bytes;
  Status s = Target(target, &bytes);
  if (!s.ok()) return s;
  StoredMessage stored(bytes);
  auto t = stored.event();
  auto data = PayloadOf(t);
  const std::string studio = TextField(data, "studio").value_or("");
  switch (t.which()) {
    case Event::COMMITTEE_REGISTERED:
    case Event::MEMBER_REGISTERED:
    case Event::STUDIO_LICENSED:
      return Status::ReferenceError("registry events are corrected, never retracted");
    case Event::CASE_OPENED:
    case Event::CASE_RESOLVED:
      s = UndoPair(format::kCaseTag, studio, *TextField(data, "case"), target, t.isCaseOpened(),
                   "resolution");
      break;
    case Event::SUGGESTION_SUBMITTED:
    case Event::SUGGESTION_ADOPTED:
      s = UndoPair(format::kSuggestionTag, studio, *TextField(data, "suggestion"), target,
                   t.isSuggestionSubmitted(), "adoption");
      break;
    case Event::FINDING_RAISED:
    case Event::FINDING_RECTIFIED:
      s = UndoPair(format::kFindingTag, studio, *TextField(data, "finding"), target,
                   t.isFindingRaised(), "rectification");
      break;
    case Event::MEMBER_JOINED_STUDIO:
    case Event::MEMBER_LEFT_STUDIO:
      s = UndoMembership(studio, *TextField(data, "member"), target, t.isMemberJoinedStudio());
      break;
    case Event::STUDIO_STATUS_CHANGED:
      s = UndoStatus(studio, target, std::nullopt);
      break;
    default:
      break;
  }
  if (!s.ok()) return s;
  overlay_.Put(Family::kState, format::RetractedKey(target), "");
  return Status::OK();
}

Status Rules::Apply(Submission* submission) {
  auto event = submission->message.getRoot<Event>().asReader();
  switch (event.which()) {
    case Event::EVENT_CORRECTED:
      return Correct(submission);
    case Event::EVENT_RETRACTED:
      return Retract(event);
    default:
      return NewEvent(event);
  }
}

}  // namespace

Status ApplyRules(Overlay& overlay, const Codec& codec, uint64_t seq, Submission* submission) {
  return Rules(overlay, codec, seq).Apply(submission);
}

Status StreamOf(const Overlay& overlay, Event::Reader e, uint64_t seq, std::string* stream) {
  switch (e.which()) {
    case Event::COMMITTEE_REGISTERED:
      *stream = "committee/" + std::string(e.getCommitteeRegistered().getCommittee().cStr());
      return Status::OK();
    case Event::MEMBER_REGISTERED:
      *stream = "member/" + std::string(e.getMemberRegistered().getMember().cStr());
      return Status::OK();
    case Event::EVENT_CORRECTED:
    case Event::EVENT_RETRACTED: {
      const uint64_t target = e.isEventCorrected() ? e.getEventCorrected().getTarget()
                                                   : e.getEventRetracted().getTarget();
      if (target >= seq) {
        return Status::ReferenceError("target " + std::to_string(target) + " does not exist");
      }
      std::string bytes;
      Status s = LoadEvent(overlay, target, &bytes);
      if (!s.ok()) return s;
      StoredMessage stored(bytes);
      *stream = stored.event().getStream().cStr();
      return Status::OK();
    }
    default:
      *stream = "studio/" + *TextField(PayloadOf(e), "studio");
      return Status::OK();
  }
}

}  // namespace wulian::internal
