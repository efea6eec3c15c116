#include "projections/projector.h"

#include <capnp/serialize.h>

#include "base/assert.h"
#include "base/time.h"
#include "events/codec.h"

namespace wulian::projections {
namespace {

using schema::Event;
using state::Be64;
using state::Be64s;
using state::Key;
using state::KeyWith;

using state::Month;
using state::Year;

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

std::vector<std::string> Strs(capnp::List<capnp::Text>::Reader list) {
  std::vector<std::string> out;
  for (auto t : list) out.push_back(Str(t));
  return out;
}

template <typename T>
std::string MessageOf(typename T::Reader reader) {
  capnp::MallocMessageBuilder message(kEventFirstSegmentWords);
  message.setRoot(reader);
  auto words = capnp::messageToFlatArray(message);
  return std::string(words.asChars().begin(), words.asChars().size());
}

// The studio of a studio-scoped event, "" otherwise.
template <typename Data>
std::string StudioOf(Data d) {
  switch (static_cast<int>(d.which())) {
#define WULIAN_STUDIO(NAME, getter)   \
  case static_cast<int>(Event::NAME): \
    return Str(d.getter().getStudio());
    WULIAN_STUDIO(STUDIO_LICENSED, getStudioLicensed)
    WULIAN_STUDIO(MEMBER_JOINED_STUDIO, getMemberJoinedStudio)
    WULIAN_STUDIO(MEMBER_LEFT_STUDIO, getMemberLeftStudio)
    WULIAN_STUDIO(STUDIO_RULE_ADOPTED, getStudioRuleAdopted)
    WULIAN_STUDIO(STUDIO_STATUS_CHANGED, getStudioStatusChanged)
    WULIAN_STUDIO(CONTACT_RECORDED, getContactRecorded)
    WULIAN_STUDIO(CONSULTATION_HELD, getConsultationHeld)
    WULIAN_STUDIO(CASE_OPENED, getCaseOpened)
    WULIAN_STUDIO(CASE_RESOLVED, getCaseResolved)
    WULIAN_STUDIO(SUGGESTION_SUBMITTED, getSuggestionSubmitted)
    WULIAN_STUDIO(SUGGESTION_ADOPTED, getSuggestionAdopted)
    WULIAN_STUDIO(SUPERVISION_VISITED, getSupervisionVisited)
    WULIAN_STUDIO(FINDING_RAISED, getFindingRaised)
    WULIAN_STUDIO(FINDING_RECTIFIED, getFindingRectified)
#undef WULIAN_STUDIO
    default:
      return "";
  }
}

}  // namespace

void Projector::Committee(schema::CommitteeRegistered::Reader d, int sign) {
  const std::string key = Key('C', Str(d.getCommittee()));
  if (sign > 0) {
    w_.Put(key, MessageOf<schema::CommitteeRegistered>(d));
  } else {
    w_.Delete(key);
  }
  w_.Add("o", state::kOverviewCounters, state::kCommittees, sign);
}

void Projector::Member(schema::MemberRegistered::Reader d, int sign) {
  const std::string member = Str(d.getMember());
  if (sign > 0) {
    w_.Put(Key('M', member), MessageOf<schema::MemberRegistered>(d));
  } else {
    w_.Delete(Key('M', member));
  }
  for (auto c : d.getCommittees()) {
    if (sign > 0) {
      w_.Put(Key('l', Str(c), member), "");
    } else {
      w_.Delete(Key('l', Str(c), member));
    }
  }
  w_.Add("o", state::kOverviewCounters, state::kMembers, sign);
}

void Projector::Studio(schema::StudioLicensed::Reader d, int sign) {
  const std::string studio = Str(d.getStudio());
  if (sign > 0) {
    w_.Put(Key('S', studio), MessageOf<schema::StudioLicensed>(d));
    w_.Put(Key('c', Str(d.getCommittee()), studio), "");
  } else {
    w_.Delete(Key('S', studio));
    w_.Delete(Key('c', Str(d.getCommittee()), studio));
  }
  w_.Add("o", state::kOverviewCounters, state::kStudios, sign);
}

// Keeps the live status changes of a studio in seq order; the last is current.
void Projector::StatusChange(const Origin& o, schema::StudioStatus status, int sign) {
  const std::string key = Key('T', o.studio);
  std::string list = w_.Get(key).value_or("");
  std::string out;
  bool placed = false;
  for (size_t at = 0; at + 9 <= list.size(); at += 9) {
    const uint64_t seq = state::GetBe64(list, at);
    if (seq == o.seq) continue;  // removed (sign < 0), or replaced below
    if (sign > 0 && !placed && seq > o.seq) {
      out += Be64(o.seq) + std::string(1, static_cast<char>(status));
      placed = true;
    }
    out.append(list, at, 9);
  }
  if (sign > 0 && !placed) out += Be64(o.seq) + std::string(1, static_cast<char>(status));
  w_.Put(key, out);
}

// Membership of a member in a studio: the live (join, leave) pairs, oldest first.
void Projector::Membership(const std::string& studio, const std::string& member, uint64_t seq,
                           bool join, int sign) {
  const std::string key = Key('J', studio, member);
  std::string pairs = w_.Get(key).value_or("");
  if (join && sign > 0) {
    pairs += Be64(seq) + Be64(0);
  } else {
    for (size_t at = 0; at + 16 <= pairs.size(); at += 16) {
      if (join && state::GetBe64(pairs, at) == seq) {
        pairs.erase(at, 16);
        break;
      }
      const uint64_t leave = state::GetBe64(pairs, at + 8);
      if (!join && sign > 0 && leave == 0) {
        pairs.replace(at + 8, 8, Be64(seq));
        break;
      }
      if (!join && sign < 0 && leave == seq) {
        pairs.replace(at + 8, 8, Be64(0));
        break;
      }
    }
  }
  const bool in = pairs.size() >= 16 && state::GetBe64(pairs, pairs.size() - 8) == 0;
  if (pairs.empty()) {
    w_.Delete(key);
  } else {
    w_.Put(key, pairs);
  }
  if (in) {
    w_.Put(Key('w', member, studio), "");
  } else {
    w_.Delete(Key('w', member, studio));
  }
}

// Activity (SPEC §5): counted in the studio's index and months, whatever its type.
template <typename Data>
void Projector::Activity(const Origin& o, Data, int sign) {
  const std::string key = Key('A', o.studio, Month(o.occurred));
  const std::string entry = Be64s(o.occurred) + Be64(o.seq);
  if (sign > 0) {
    w_.Insert(key, entry + Be64s(o.recorded - o.occurred));
  } else {
    w_.Remove(key, entry, state::kStudioActivityBytes);
  }
  w_.Add(Key('b', o.studio, Month(o.occurred)), state::kMonthCounters, state::kMonthActivity, sign);
}

// Counts the activity for each member it lists, and indexes it for their lastActivityAt.
void Projector::MemberActivity(const Origin& o, capnp::List<capnp::Text>::Reader members,
                               int counter, int sign) {
  const std::string entry = Be64s(o.occurred) + Be64(o.seq);
  for (auto m : members) {
    const std::string member = Str(m);
    w_.Add(Key('m', member), state::kMemberCounters, counter, sign);
    const std::string key = Key('E', member, Month(o.occurred));
    if (sign > 0) {
      w_.Insert(key, entry);
    } else {
      w_.Remove(key, entry, state::kMemberActivityBytes);
    }
  }
}

// Score points of one kind for each member, in the year of `occurred`.
void Projector::Credit(const std::vector<std::string>& members, int64_t occurred, int counter,
                       int sign) {
  for (const auto& member : members) {
    w_.Add(Key('y', member, Year(occurred)), state::kScoreCounters, counter, sign);
  }
}

void Projector::Contact(const Origin& o, schema::ContactRecorded::Reader d, int sign) {
  const std::string studio = Key('s', o.studio), month = Key('b', o.studio, Month(o.occurred));
  w_.Add(studio, state::kStudioCounters, state::kContacts, sign);
  w_.Add(studio, state::kStudioCounters, state::kPeopleReached,
         sign * int64_t{d.getPeopleReached()});
  w_.Add(month, state::kMonthCounters, state::kMonthContacts, sign);
  w_.Add(month, state::kMonthCounters, state::kMonthPeopleReached,
         sign * int64_t{d.getPeopleReached()});
  MemberActivity(o, d.getMembers(), state::kMemberContacts, sign);
  Credit(Strs(d.getMembers()), o.occurred, state::kScoreContacts, sign);
}

void Projector::Consultation(const Origin& o, schema::ConsultationHeld::Reader d, int sign) {
  w_.Add(Key('s', o.studio), state::kStudioCounters, state::kConsultations, sign);
  w_.Add(Key('b', o.studio, Month(o.occurred)), state::kMonthCounters, state::kMonthConsultations,
         sign);
  MemberActivity(o, d.getMembers(), state::kMemberConsultations, sign);
  const bool research = d.getForm() == schema::ConsultationForm::RESEARCH;
  Credit(Strs(d.getMembers()), o.occurred,
         research ? state::kScoreResearch : state::kScoreConsultations, sign);
}

void Projector::CaseOpened(const Origin& o, schema::CaseOpened::Reader d, int sign) {
  const std::string key = Key('K', o.studio, Str(d.getCase()));
  auto stored = w_.Get(key);
  state::ItemRecord r = stored ? state::ItemRecord::Decode(*stored) : state::ItemRecord{};
  const std::string studio = Key('s', o.studio);
  w_.Add(studio, state::kStudioCounters, state::kCasesOpened, sign);
  w_.Add(Key('b', o.studio, Month(o.occurred)), state::kMonthCounters, state::kMonthCasesOpened,
         sign);
  MemberActivity(o, d.getMembers(), state::kMemberCases, sign);
  const std::string open_key = KeyWith('q', o.studio, Be64s(o.occurred) + Str(d.getCase()));
  if (r.close_seq == 0) {
    w_.Add(studio, state::kStudioCounters, state::kCasesOpen, sign);
    if (sign > 0) {
      w_.Put(open_key, "");
    } else {
      w_.Delete(open_key);
    }
  } else if (r.outcome == static_cast<uint8_t>(schema::CaseOutcome::RESOLVED)) {
    Credit(Strs(d.getMembers()), r.close_occurred, state::kScoreResolved, sign);
  }
  r.open_seq = sign > 0 ? o.seq : 0;
  r.open_occurred = o.occurred;
  r.members = sign > 0 ? Strs(d.getMembers()) : std::vector<std::string>{};
  w_.Put(key, r.Encode());
}

void Projector::CaseResolved(const Origin& o, schema::CaseResolved::Reader d, int sign) {
  const std::string key = Key('K', o.studio, Str(d.getCase()));
  auto stored = w_.Get(key);
  if (!stored) return;  // its opening does not count (as-of replay)
  state::ItemRecord r = state::ItemRecord::Decode(*stored);
  if (r.open_seq == 0 || (sign > 0 && r.close_seq != 0) || (sign < 0 && r.close_seq != o.seq))
    return;
  const std::string studio = Key('s', o.studio);
  w_.Add(studio, state::kStudioCounters, state::kCasesOpen, -sign);
  const std::string open_key = KeyWith('q', o.studio, Be64s(r.open_occurred) + Str(d.getCase()));
  if (sign > 0) {
    w_.Delete(open_key);
  } else {
    w_.Put(open_key, "");
  }
  if (d.getOutcome() == schema::CaseOutcome::RESOLVED) {
    w_.Add(studio, state::kStudioCounters, state::kCasesResolved, sign);
    w_.Add(Key('b', o.studio, Month(o.occurred)), state::kMonthCounters, state::kMonthCasesResolved,
           sign);
    const std::string duration =
        KeyWith('r', o.studio, Be64s(o.occurred - r.open_occurred) + Be64(o.seq));
    if (sign > 0) {
      w_.Put(duration, "");
    } else {
      w_.Delete(duration);
    }
    Credit(r.members, o.occurred, state::kScoreResolved, sign);
  }
  r.close_seq = sign > 0 ? o.seq : 0;
  r.close_occurred = o.occurred;
  r.outcome = static_cast<uint8_t>(d.getOutcome());
  w_.Put(key, r.Encode());
}

void Projector::Submitted(const Origin& o, schema::SuggestionSubmitted::Reader d, int sign) {
  const std::string key = Key('G', o.studio, Str(d.getSuggestion()));
  auto stored = w_.Get(key);
  state::ItemRecord r = stored ? state::ItemRecord::Decode(*stored) : state::ItemRecord{};
  w_.Add(Key('s', o.studio), state::kStudioCounters, state::kSuggestions, sign);
  w_.Add(Key('b', o.studio, Month(o.occurred)), state::kMonthCounters, state::kMonthSuggestions,
         sign);
  MemberActivity(o, d.getMembers(), state::kMemberSuggestions, sign);
  Credit(Strs(d.getMembers()), o.occurred, state::kScoreSuggestions, sign);
  if (r.close_seq != 0) Credit(Strs(d.getMembers()), r.close_occurred, state::kScoreAdopted, sign);
  r.open_seq = sign > 0 ? o.seq : 0;
  r.open_occurred = o.occurred;
  r.members = sign > 0 ? Strs(d.getMembers()) : std::vector<std::string>{};
  w_.Put(key, r.Encode());
}

void Projector::Adopted(const Origin& o, schema::SuggestionAdopted::Reader d, int sign) {
  const std::string key = Key('G', o.studio, Str(d.getSuggestion()));
  auto stored = w_.Get(key);
  if (!stored) return;
  state::ItemRecord r = state::ItemRecord::Decode(*stored);
  if (r.open_seq == 0 || (sign > 0 && r.close_seq != 0) || (sign < 0 && r.close_seq != o.seq))
    return;
  w_.Add(Key('s', o.studio), state::kStudioCounters, state::kSuggestionsAdopted, sign);
  Credit(r.members, o.occurred, state::kScoreAdopted, sign);
  r.close_seq = sign > 0 ? o.seq : 0;
  r.close_occurred = o.occurred;
  w_.Put(key, r.Encode());
}

void Projector::FindingRaised(const Origin& o, schema::FindingRaised::Reader d, int sign) {
  const std::string key = Key('F', o.studio, Str(d.getFinding()));
  auto stored = w_.Get(key);
  state::ItemRecord r = stored ? state::ItemRecord::Decode(*stored) : state::ItemRecord{};
  r.due_day = ParseDate(d.getDueOn().cStr()).value_or(0);
  if (r.close_seq == 0) {
    w_.Add(Key('s', o.studio), state::kStudioCounters, state::kFindingsOpen, sign);
    const std::string open_key = KeyWith('f', o.studio, Be64s(r.due_day) + Str(d.getFinding()));
    if (sign > 0) {
      w_.Put(open_key, "");
    } else {
      w_.Delete(open_key);
    }
  }
  r.open_seq = sign > 0 ? o.seq : 0;
  r.open_occurred = o.occurred;
  w_.Put(key, r.Encode());
}

void Projector::FindingRectified(const Origin& o, schema::FindingRectified::Reader d, int sign) {
  const std::string key = Key('F', o.studio, Str(d.getFinding()));
  auto stored = w_.Get(key);
  if (!stored) return;
  state::ItemRecord r = state::ItemRecord::Decode(*stored);
  if (r.open_seq == 0 || (sign > 0 && r.close_seq != 0) || (sign < 0 && r.close_seq != o.seq))
    return;
  const std::string studio = Key('s', o.studio);
  w_.Add(studio, state::kStudioCounters, state::kFindingsOpen, -sign);
  w_.Add(studio, state::kStudioCounters, state::kFindingsRectified, sign);
  const std::string open_key = KeyWith('f', o.studio, Be64s(r.due_day) + Str(d.getFinding()));
  if (sign > 0) {
    w_.Delete(open_key);
  } else {
    w_.Put(open_key, "");
  }
  r.close_seq = sign > 0 ? o.seq : 0;
  r.close_occurred = o.occurred;
  w_.Put(key, r.Encode());
}

// The contribution of `data` (the data of the event at origin.seq, as first sent or as
// corrected), added (sign +1) or taken away (sign −1).
template <typename Data>
void Projector::Effect(const Origin& o, Data d, int sign) {
  switch (static_cast<int>(d.which())) {
    case static_cast<int>(Event::COMMITTEE_REGISTERED):
      return Committee(d.getCommitteeRegistered(), sign);
    case static_cast<int>(Event::MEMBER_REGISTERED):
      return Member(d.getMemberRegistered(), sign);
    case static_cast<int>(Event::STUDIO_LICENSED):
      return Studio(d.getStudioLicensed(), sign);
    case static_cast<int>(Event::MEMBER_JOINED_STUDIO):
      return Membership(o.studio, Str(d.getMemberJoinedStudio().getMember()), o.seq, true, sign);
    case static_cast<int>(Event::MEMBER_LEFT_STUDIO):
      return Membership(o.studio, Str(d.getMemberLeftStudio().getMember()), o.seq, false, sign);
    case static_cast<int>(Event::STUDIO_RULE_ADOPTED):
      return w_.Add(Key('s', o.studio), state::kStudioCounters, state::kRules, sign);
    case static_cast<int>(Event::STUDIO_STATUS_CHANGED):
      return StatusChange(o, d.getStudioStatusChanged().getStatus(), sign);
    case static_cast<int>(Event::SUPERVISION_VISITED):
      return w_.Add(Key('s', o.studio), state::kStudioCounters, state::kVisits, sign);
    case static_cast<int>(Event::FINDING_RAISED):
      return FindingRaised(o, d.getFindingRaised(), sign);
    case static_cast<int>(Event::FINDING_RECTIFIED):
      return FindingRectified(o, d.getFindingRectified(), sign);
    default:
      break;
  }
  Activity(o, d, sign);
  switch (static_cast<int>(d.which())) {
    case static_cast<int>(Event::CONTACT_RECORDED):
      return Contact(o, d.getContactRecorded(), sign);
    case static_cast<int>(Event::CONSULTATION_HELD):
      return Consultation(o, d.getConsultationHeld(), sign);
    case static_cast<int>(Event::CASE_OPENED):
      return CaseOpened(o, d.getCaseOpened(), sign);
    case static_cast<int>(Event::CASE_RESOLVED):
      return CaseResolved(o, d.getCaseResolved(), sign);
    case static_cast<int>(Event::SUGGESTION_SUBMITTED):
      return Submitted(o, d.getSuggestionSubmitted(), sign);
    case static_cast<int>(Event::SUGGESTION_ADOPTED):
      return Adopted(o, d.getSuggestionAdopted(), sign);
    default:
      LEDGER_ASSERT(false, "event kind without a projection");
  }
}

Status Projector::Apply(uint64_t seq, Event::Reader event) {
  if (event.isEventCorrected() || event.isEventRetracted()) return Change(seq, event);
  if (!filter_(event)) return Status::OK();
  w_.Add("o", state::kOverviewCounters, state::kEvents, 1);
  Origin o{seq, StudioOf(event), ParseInstant(event.getOccurredAt().cStr()).value_or(0),
           ParseInstant(event.getRecordedAt().cStr()).value_or(0)};
  Effect(o, event, +1);
  if (event.isStudioLicensed()) {
    Membership(o.studio, Str(event.getStudioLicensed().getLeadMember()), seq, true, +1);
  }
  return Status::OK();
}

// A correction replaces the contribution of its target's current data; a retraction removes
// it. Membership events, rules and visits carry nothing but identity: correcting them changes
// no view.
Status Projector::Change(uint64_t seq, Event::Reader event) {
  const uint64_t target = event.isEventCorrected() ? event.getEventCorrected().getTarget()
                                                   : event.getEventRetracted().getTarget();
  std::string target_bytes;
  Status s = ledger_.Get(target, &target_bytes);
  if (!s.ok()) return s;
  StoredMessage original(target_bytes);
  auto t = original.event();
  // overview.events counts a correction or retraction by its own occurredAt (SPEC §5); what
  // it changes applies when its target passes the filter, whenever it occurred.
  if (filter_(event)) w_.Add("o", state::kOverviewCounters, state::kEvents, 1);
  if (!filter_(t)) return Status::OK();
  if (w_.Get(Key('X', Be64(target)))) return Status::OK();  // the log refuses this; be safe
  Origin o{target, StudioOf(t), ParseInstant(t.getOccurredAt().cStr()).value_or(0),
           ParseInstant(t.getRecordedAt().cStr()).value_or(0)};
  if (event.isEventCorrected() && (t.isMemberJoinedStudio() || t.isMemberLeftStudio() ||
                                   t.isStudioRuleAdopted() || t.isSupervisionVisited())) {
    return Status::OK();
  }
  // Take away what the target contributes now: its latest correction's data, or its own.
  const auto current = w_.Get(Key('Y', Be64(target)));
  if (current) {
    std::string bytes;
    s = ledger_.Get(state::GetBe64(*current), &bytes);
    if (!s.ok()) return s;
    StoredMessage correction(bytes);
    Effect(o, correction.event().getEventCorrected().getData(), -1);
  } else {
    Effect(o, t, -1);
  }
  if (event.isEventRetracted()) {
    w_.Put(Key('X', Be64(target)), "");
    return Status::OK();
  }
  Effect(o, event.getEventCorrected().getData(), +1);
  w_.Put(Key('Y', Be64(target)), Be64(seq));
  return Status::OK();
}

}  // namespace wulian::projections
