// The strict one-pass parser of client events behind Codec::ParseLine (SPEC §3.1, §3.3).
// Internal to events/: codec.cc is its only user.
//
// A line is parsed once by simdjson (RFC 8259's grammar, valid UTF-8, no lone surrogate
// escapes, nesting at most kJsonDepthMax) and its document is walked straight into the
// `Event` builder. The walk is driven by the schema of events/ledger.capnp alone: per
// struct, a table computed once from Cap'n Proto's reflection and the `kind`, `optional`,
// `minimum` and `ledgerSet` annotations (and `$Json.discriminator`/`$Json.name` for the
// envelope's type/data union) says, per JSON name, where the field lives in the struct's
// layout and what it must hold. The walk does no schema lookups and builds no tree of its
// own: what it checks is what it writes.
#pragma once

#include <capnp/any.h>
#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "events/codec.h"
#include "events/ledger.capnp.h"

namespace wulian::internal {

// Rejects what no strict JSON text holds: invalid UTF-8, control characters, U+0000, lone
// surrogates and bad escapes in strings, and numbers outside RFC 8259's grammar (such as
// "25." or "01"). A refusal is INVALID_EVENT saying which.
Status CheckRawText(std::string_view text);

struct StructPlan;

// How the walker reads a JSON value into a field.
enum class Shape : uint8_t {
  kBool,
  kUInt32,
  kUInt64,
  kText,
  kEnum,
  kTextList,
  kStruct,       // a nested struct, walked with its own plan
  kPayload,      // EventCorrected.data: kept as text until the target's type is known
  kUnsupported,  // a type no client field has
};

// One field of a struct, as the walker needs it.
struct FieldPlan {
  std::string name;  // the JSON name
  Shape shape = Shape::kUnsupported;
  std::optional<schema::TextKind> kind;  // $kind, on Text and List(Text)
  bool optional = false;                 // $optional
  bool ledger_set = false;               // $ledgerSet
  uint64_t minimum = 0;                  // $minimum: smallest value, or fewest elements
  uint64_t maximum = 0;                  // integers: the largest value accepted
  // Data fields: the offset in units of the field's size (bits for Bool); pointer fields:
  // the index in the pointer section.
  uint32_t offset = 0;
  uint64_t default_bits = 0;             // XORed into data fields, as Cap'n Proto stores them
  std::optional<uint16_t> discriminant;  // a union member's discriminant value
  std::vector<std::string> enumerants;   // kEnum: names by value
  std::string enumerant_list;            // kEnum: "a|b|c", for refusals
  const StructPlan* nested = nullptr;    // kStruct
};

// One struct of the schema.
struct StructPlan {
  uint64_t schema_id = 0;
  std::string name;  // unqualified, for refusals ("is not a field of ContactRecorded")
  uint16_t data_words = 0;
  uint16_t pointers = 0;
  uint32_t discriminant_offset = 0;  // in 16-bit units, when the struct has a union
  std::vector<FieldPlan> fields;     // in the schema's order (the order "is missing" follows)
  uint64_t required = 0;             // bit i: fields[i] must be present

  // The field named `name`, or nullptr.
  const FieldPlan* Find(std::string_view name) const;
};

// Parses client lines into Submissions. Not thread-safe (it owns the simdjson parser).
class EventParser {
 public:
  EventParser();
  ~EventParser();
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  // Codec::ParseLine.
  Status ParseLine(std::string_view line, bool allow_batch, Submissions* out, bool* is_batch);
  // Codec::DecodeReplacement.
  Status DecodeReplacement(schema::Event::Which target_type, Submission* submission);

 private:
  struct Envelope;

  // One event object into `out`.
  Status ParseEvent(const simdjson::dom::element& v, Submission* out) const;
  // One member of the envelope (a bit of the EnvelopeMember set in parser.cc) into `event`
  // and `out`; the type member sets *type.
  Status ReadEnvelopeMember(unsigned member, const simdjson::dom::element& value,
                            capnp::AnyStruct::Builder event, Submission* out,
                            const FieldPlan** type) const;
  // `s`, unless the line's text itself is at fault: then what CheckRawText says.
  Status Refusal(std::string_view line, Status s) const;
  const StructPlan* Plan(capnp::StructSchema schema);

  std::vector<std::unique_ptr<StructPlan>> plans_;  // owns every plan; plans point at each other
  const StructPlan* payload_plan_ = nullptr;        // schema::Payload
  std::unique_ptr<Envelope> envelope_;
  simdjson::dom::parser parser_;
};

// `s` between double quotes, as refusals name a value.
std::string Quote(std::string_view s);

}  // namespace wulian::internal
