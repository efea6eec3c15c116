// JSON ⇄ Cap'n Proto for client events and stored events (SPEC §3.1, §3.3).
//
// Client lines (ParseLine, DecodeReplacement) are parsed once, strictly, by a walker driven by
// the schema and its annotations (events/parser_internal.h): simdjson reads the JSON, and the
// walk writes it straight into the `Event` message. Stored events are written (Encode) and
// read back (DecodeStored) by Cap'n Proto's JSON codec, through the `Json` annotations of
// events/ledger.capnp.
#pragma once

#include <capnp/compat/json.capnp.h>
#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "events/ledger.capnp.h"

namespace wulian {

// Limits enforced where input arrives.
inline constexpr size_t kLineBytesMax = 16 << 20;  // one line of `append`/`import` or a body
inline constexpr size_t kBatchEventsMax = 1000;    // events in one {"events": [...]} batch
inline constexpr size_t kListItemsMax = 256;       // elements of any list field
inline constexpr size_t kEventIdBytesMax = 64;     // the idempotency key `id`
inline constexpr size_t kIdBytesMax = 64;          // studio, member, case … ids
inline constexpr size_t kNameBytesMax = 200;       // names
inline constexpr size_t kTextBytesMax = 4000;      // topics, summaries, reasons
inline constexpr size_t kJsonDepthMax = 8;         // nesting of a batch line is 6
inline constexpr uint64_t kJsonIntegerMax = (uint64_t{1} << 53) - 1;  // exact in a JSON number
static_assert(kBatchEventsMax * kListItemsMax * kNameBytesMax < kLineBytesMax * 4,
              "a full batch of full events must be able to arrive on one line");

// First segment of an event message: most events fit, and a larger one only costs a segment.
inline constexpr unsigned kEventFirstSegmentWords = 128;

// One client event after the checks that need only the line itself.
struct Submission {
  // Root schema::Event: id, occurredAt and the payload.
  capnp::MallocMessageBuilder message{kEventFirstSegmentWords};
  std::optional<int64_t> expected_version;
  int64_t occurred_micros = 0;
  // The ledger clock for this event, or 0 for the clock of the append (demo and migrations).
  int64_t clock_micros = 0;
  // EventCorrected only: the replacement data object, as minified JSON text; decoded by
  // Codec::DecodeReplacement once the target's type is known.
  std::string replacement_json;

  schema::Event::Reader event() { return message.getRoot<schema::Event>().asReader(); }
};

using Submissions = std::vector<std::unique_ptr<Submission>>;

// Not thread-safe: use one Codec per thread.
class Codec {
 public:
  Codec();
  ~Codec();
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  // Parses one line: a single event, or (if allow_batch) {"events": [...]}. Appends the
  // submissions to `out`; on error appends nothing and the status names the batch index.
  // Sets *is_batch (if given) when the line was a batch.
  Status ParseLine(std::string_view line, bool allow_batch, Submissions* out,
                   bool* is_batch = nullptr) const;

  // Completes an EventCorrected: checks the replacement data against the schema of the
  // target's type and decodes it into the payload.
  Status DecodeReplacement(schema::Event::Which target_type, Submission* submission) const;

  // A stored event as one line of JSON (SPEC §3.1 with the stored fields).
  std::string Encode(schema::Event::Reader event) const;

  // Reads a line written by Encode back into a message (for offline checks); the inverse of
  // Encode. Only the JSON syntax and the schema's types are checked.
  Status DecodeStored(std::string_view line, capnp::MallocMessageBuilder* message) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "ContactRecorded" for schema::Event::CONTACT_RECORDED, and so on.
std::string TypeName(schema::Event::Which which);

// Parses `text` as strict JSON — RFC 8259's grammar, valid UTF-8, no U+0000, no lone
// surrogate escapes, nested at most `depth_max` deep — into `out`, with Cap'n Proto's JSON
// codec. A refusal is INVALID_ARGUMENT saying why.
Status ParseStrictJson(std::string_view text, size_t depth_max, capnp::json::Value::Builder out);

// A small JSON document read by field name (tree heads, keys, proofs), parsed with Cap'n
// Proto's JSON codec.
class JsonDocument {
 public:
  JsonDocument() = default;
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  // Parses `text`, which must be one JSON object.
  Status Parse(std::string_view text);
  Status GetString(std::string_view name, std::string* out) const;
  // A non-negative integer below 2^53.
  Status GetUint(std::string_view name, uint64_t* out) const;
  Status GetStringList(std::string_view name, std::vector<std::string>* out) const;
  Status GetBool(std::string_view name, bool* out) const;
  // Whether the object has a member `name`.
  bool Has(std::string_view name) const { return Find(name).has_value(); }
  // The names of the object's members, in order.
  std::vector<std::string> Names() const;

 private:
  std::optional<capnp::json::Value::Reader> Find(std::string_view name) const;
  std::unique_ptr<capnp::MallocMessageBuilder> message_;
};

// `s` as a JSON string literal, quotes included. REQUIRES: `s` is valid UTF-8.
std::string JsonString(std::string_view s);

// Checks that `bytes` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Reader limits for stored messages.
capnp::ReaderOptions StoredReaderOptions();

// A stored event read from bytes of any alignment (RocksDB values have none): copies them
// into aligned words when needed. `bytes` must outlive it. Throws kj::Exception if the
// bytes are not a message.
class StoredMessage {
 public:
  explicit StoredMessage(std::string_view bytes);
  StoredMessage(const StoredMessage&) = delete;
  StoredMessage& operator=(const StoredMessage&) = delete;
  schema::Event::Reader event() { return reader_.getRoot<schema::Event>(); }

 private:
  static kj::ArrayPtr<const capnp::word> Words(std::string_view bytes,
                                               kj::Array<capnp::word>* copy);
  kj::Array<capnp::word> copy_;
  capnp::FlatArrayMessageReader reader_;
};

}  // namespace wulian
