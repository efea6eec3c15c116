# The stored format of the Wulian ledger (SPEC §3, §4).
#
# Every value of the `events` column family is one unpacked message whose root is `Event`.
# The JSON shape of SPEC §3.1 is produced and read by Cap'n Proto's own JSON codec through
# the `Json` annotations below; the `check` annotations drive input validation (§3.3).
#
# This schema only grows: never renumber, rename a JSON name, or reuse an ordinal.

@0x906b3f3d5a4765f9;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("wulian::schema");

using Json = import "/capnp/compat/json.capnp";

# ---- Validation annotations (read by events/codec.cc) --------------------------------

enum TextKind {
  id @0;        # 1–64 of [A-Za-z0-9_.-]
  name @1;      # valid UTF-8, 1–200 bytes
  text @2;      # valid UTF-8, 1–4000 bytes
  date @3;      # YYYY-MM-DD
}

annotation kind @0xcaa2a28681750808 (field) :TextKind;
# On Text and List(Text) fields: the form every string must have.

annotation optional @0xca4b7f402dc570a3 (field) :Void;
# The field may be absent from client input. Every other field is required.

annotation minimum @0xfde98557d1d5b74d (field) :UInt64;
# On integer fields the smallest value; on list fields the fewest elements.

annotation ledgerSet @0xf0aa8243ac424460 (field) :Void;
# The ledger sets the field; a client may not send it.

# ---- Enumerations -------------------------------------------------------------------

enum LinkType { industry @0; interest @1; locality @2; professional @3; sector @4; }
enum StudioStatus { active @0; suspended @1; revoked @2; }
enum ContactChannel { visit @0; reception @1; phone @2; online @3; platform @4; activity @5; }
enum ConsultationForm { meeting @0; research @1; forum @2; joint @3; }
enum CaseKind { dispute @0; request @1; }
enum CaseOutcome { resolved @0; referred @1; withdrawn @2; }
enum SuggestionChannel { proposal @0; opinion @1; report @2; }
enum Severity { low @0; medium @1; high @2; }

# ---- Registry -----------------------------------------------------------------------

struct CommitteeRegistered {
  committee @0 :Text $kind(id);
  name @1 :Text $kind(name);
  supervises @2 :Bool;
}

struct MemberRegistered {
  member @0 :Text $kind(id);
  name @1 :Text $kind(name);
  sector @2 :Text $kind(name);
  committees @3 :List(Text) $kind(id);
}

struct StudioLicensed {
  studio @0 :Text $kind(id);
  name @1 :Text $kind(name);
  linkType @2 :LinkType;
  leadMember @3 :Text $kind(id);
  committee @4 :Text $kind(id);
  partyOrg @5 :Text $kind(name);
  town @6 :Text $kind(name) $optional;
  batch @7 :UInt32 $minimum(1);
  licensedOn @8 :Text $kind(date);
}

struct MemberJoinedStudio {
  studio @0 :Text $kind(id);
  member @1 :Text $kind(id);
}

struct MemberLeftStudio {
  studio @0 :Text $kind(id);
  member @1 :Text $kind(id);
}

struct StudioRuleAdopted {
  studio @0 :Text $kind(id);
  rule @1 :Text $kind(id);
  title @2 :Text $kind(text);
}

struct StudioStatusChanged {
  studio @0 :Text $kind(id);
  status @1 :StudioStatus;
  reason @2 :Text $kind(text);
}

# ---- Engagement (the activity of §5) -----------------------------------------------

struct ContactRecorded {
  studio @0 :Text $kind(id);
  members @1 :List(Text) $kind(id) $minimum(1);
  channel @2 :ContactChannel;
  peopleReached @3 :UInt32;
  topic @4 :Text $kind(text);
}

struct ConsultationHeld {
  studio @0 :Text $kind(id);
  members @1 :List(Text) $kind(id) $minimum(1);
  form @2 :ConsultationForm;
  partners @3 :List(Text) $kind(name);
  attendees @4 :UInt32;
  topic @5 :Text $kind(text);
  outcome @6 :Text $kind(text);
}

struct CaseOpened {
  studio @0 :Text $kind(id);
  case @1 :Text $kind(id);
  kind @2 :CaseKind;
  members @3 :List(Text) $kind(id) $minimum(1);
  summary @4 :Text $kind(text);
}

struct CaseResolved {
  studio @0 :Text $kind(id);
  case @1 :Text $kind(id);
  outcome @2 :CaseOutcome;
  summary @3 :Text $kind(text);
}

struct SuggestionSubmitted {
  studio @0 :Text $kind(id);
  suggestion @1 :Text $kind(id);
  members @2 :List(Text) $kind(id) $minimum(1);
  title @3 :Text $kind(text);
  channel @4 :SuggestionChannel;
}

struct SuggestionAdopted {
  studio @0 :Text $kind(id);
  suggestion @1 :Text $kind(id);
  by @2 :Text $kind(name);
}

# ---- Supervision --------------------------------------------------------------------

struct SupervisionVisited {
  studio @0 :Text $kind(id);
  visit @1 :Text $kind(id);
  inspectors @2 :List(Text) $kind(name) $minimum(1);
  notes @3 :Text $kind(text);
}

struct FindingRaised {
  studio @0 :Text $kind(id);
  finding @1 :Text $kind(id);
  severity @2 :Severity;
  summary @3 :Text $kind(text);
  dueOn @4 :Text $kind(date);
}

struct FindingRectified {
  studio @0 :Text $kind(id);
  finding @1 :Text $kind(id);
  summary @2 :Text $kind(text);
}

# ---- Corrections --------------------------------------------------------------------

struct Payload {
  # The data of any event that can be corrected. In JSON it is written as the bare data
  # object of the target's type (SPEC §3.2); the type comes from the target.
  union {
    committeeRegistered @0 :CommitteeRegistered;
    memberRegistered @1 :MemberRegistered;
    studioLicensed @2 :StudioLicensed;
    memberJoinedStudio @3 :MemberJoinedStudio;
    memberLeftStudio @4 :MemberLeftStudio;
    studioRuleAdopted @5 :StudioRuleAdopted;
    studioStatusChanged @6 :StudioStatusChanged;
    contactRecorded @7 :ContactRecorded;
    consultationHeld @8 :ConsultationHeld;
    caseOpened @9 :CaseOpened;
    caseResolved @10 :CaseResolved;
    suggestionSubmitted @11 :SuggestionSubmitted;
    suggestionAdopted @12 :SuggestionAdopted;
    supervisionVisited @13 :SupervisionVisited;
    findingRaised @14 :FindingRaised;
    findingRectified @15 :FindingRectified;
  }
}

struct EventCorrected {
  target @0 :UInt64 $minimum(1);
  reason @1 :Text $kind(text);
  data @2 :Payload;
  targetType @3 :Text $ledgerSet;  # the type of the target, e.g. "ContactRecorded"
}

struct EventRetracted {
  target @0 :UInt64 $minimum(1);
  reason @1 :Text $kind(text);
}

# ---- The envelope -------------------------------------------------------------------

struct Event $Json.discriminator(name = "type", valueName = "data") {
  # Fields a client sends: id, type, occurredAt, data (and expectedVersion, which is a
  # condition of the request and is not stored). The ledger sets the rest.
  seq @0 :UInt64;
  id @1 :Text;
  stream @2 :Text;
  version @3 :UInt64;
  occurredAt @4 :Text;
  recordedAt @5 :Text;
  actor @6 :Text;

  union {
    committeeRegistered @7 :CommitteeRegistered $Json.name("CommitteeRegistered");
    memberRegistered @8 :MemberRegistered $Json.name("MemberRegistered");
    studioLicensed @9 :StudioLicensed $Json.name("StudioLicensed");
    memberJoinedStudio @10 :MemberJoinedStudio $Json.name("MemberJoinedStudio");
    memberLeftStudio @11 :MemberLeftStudio $Json.name("MemberLeftStudio");
    studioRuleAdopted @12 :StudioRuleAdopted $Json.name("StudioRuleAdopted");
    studioStatusChanged @13 :StudioStatusChanged $Json.name("StudioStatusChanged");
    contactRecorded @14 :ContactRecorded $Json.name("ContactRecorded");
    consultationHeld @15 :ConsultationHeld $Json.name("ConsultationHeld");
    caseOpened @16 :CaseOpened $Json.name("CaseOpened");
    caseResolved @17 :CaseResolved $Json.name("CaseResolved");
    suggestionSubmitted @18 :SuggestionSubmitted $Json.name("SuggestionSubmitted");
    suggestionAdopted @19 :SuggestionAdopted $Json.name("SuggestionAdopted");
    supervisionVisited @20 :SupervisionVisited $Json.name("SupervisionVisited");
    findingRaised @21 :FindingRaised $Json.name("FindingRaised");
    findingRectified @22 :FindingRectified $Json.name("FindingRectified");
    eventCorrected @23 :EventCorrected $Json.name("EventCorrected");
    eventRetracted @24 :EventRetracted $Json.name("EventRetracted");
  }

  hash @25 :Data $Json.hex;   # leaf hash, SHA-256(0x00 ‖ canonical bytes without hash and chain)
  chain @26 :Data $Json.hex;  # SHA-256(previous chain ‖ hash)
}
