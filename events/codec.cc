#include "events/codec.h"

#include <capnp/compat/json.h>
#include <capnp/dynamic.h>
#include <capnp/schema.h>
#include <kj/exception.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "events/assert.h"
#include "events/time.h"

namespace wulian {
namespace {

using capnp::JsonValue;

// Annotation ids of events/ledger.capnp; a test checks that they still match the schema.
constexpr uint64_t kAnnotationKind = 0xcaa2a28681750808ull;
constexpr uint64_t kAnnotationOptional = 0xca4b7f402dc570a3ull;
constexpr uint64_t kAnnotationMinimum = 0xfde98557d1d5b74dull;
constexpr uint64_t kAnnotationLedgerSet = 0xf0aa8243ac424460ull;

constexpr int64_t kEarliestOccurredMicros = 946684800ll * kMicrosPerSecond;  // 2000-01-01Z

// Envelope keys a client may send, and the stored ones it may not.
constexpr std::string_view kStoredKeys[] = {"seq",   "stream", "version", "recordedAt",
                                            "actor", "hash",   "chain"};

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

// Puts `where` (a field name or "[i]") in front of a refusal's path: "data" + "members[2]:
// listed twice" gives "data.members[2]: listed twice"; a message without a path gets one.
Status Nest(Status s, std::string_view where) {
  const std::string& m = s.message();
  const size_t colon = m.find(": ");
  const size_t space = m.find(' ');
  const bool has_path = colon != std::string::npos && colon < space;
  std::string joined(where);
  if (!has_path) {
    joined += ": " + m;
  } else {
    joined += (m[0] == '[' ? "" : ".") + m;
  }
  return Status::InvalidEvent(std::move(joined));
}

std::string_view View(capnp::Text::Reader t) { return std::string_view(t.begin(), t.size()); }

bool IsIdChar(char c, bool allow_colon) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || (allow_colon && c == ':');
}

Status CheckId(std::string_view s, size_t max, bool allow_colon) {
  if (s.empty() || s.size() > max) {
    return Status::InvalidEvent("must be 1-" + std::to_string(max) + " characters");
  }
  for (char c : s) {
    if (!IsIdChar(c, allow_colon)) {
      return Status::InvalidEvent(std::string("must be of [A-Za-z0-9_.") +
                                  (allow_colon ? ":" : "") + "-]");
    }
  }
  return Status::OK();
}

Status CheckText(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) {
    return Status::InvalidEvent("must be 1-" + std::to_string(max) + " bytes");
  }
  if (s.find('\0') != std::string_view::npos) {
    return Status::InvalidEvent("must not contain U+0000");
  }
  return Status::OK();
}

Status CheckKind(std::string_view s, schema::TextKind kind) {
  switch (kind) {
    case schema::TextKind::ID:
      return CheckId(s, kIdBytesMax, false);
    case schema::TextKind::NAME:
      return CheckText(s, kNameBytesMax);
    case schema::TextKind::TEXT:
      return CheckText(s, kTextBytesMax);
    case schema::TextKind::DATE:
      if (!ParseDate(s)) return Status::InvalidEvent("must be a date YYYY-MM-DD");
      return Status::OK();
  }
  return Status::InvalidEvent("unknown text kind in schema");
}

struct FieldRules {
  std::optional<schema::TextKind> kind;
  bool optional = false;
  bool ledger_set = false;
  uint64_t minimum = 0;
};

FieldRules RulesOf(capnp::StructSchema::Field field) {
  FieldRules rules;
  for (auto a : field.getProto().getAnnotations()) {
    if (a.getId() == kAnnotationKind) {
      rules.kind = static_cast<schema::TextKind>(a.getValue().getEnum());
    } else if (a.getId() == kAnnotationOptional) {
      rules.optional = true;
    } else if (a.getId() == kAnnotationMinimum) {
      rules.minimum = a.getValue().getUint64();
    } else if (a.getId() == kAnnotationLedgerSet) {
      rules.ledger_set = true;
    }
  }
  return rules;
}

Status CheckInteger(JsonValue::Reader v, uint64_t max, uint64_t minimum) {
  if (!v.isNumber()) return Status::InvalidEvent("must be a number");
  const double d = v.getNumber();
  if (d != std::floor(d)) return Status::InvalidEvent("must be an integer");
  if (d < static_cast<double>(minimum) || d > static_cast<double>(max)) {
    return Status::InvalidEvent("must be from " + std::to_string(minimum) + " to " +
                                std::to_string(max));
  }
  return Status::OK();
}

Status CheckObject(JsonValue::Reader v, capnp::StructSchema schema);

Status CheckValue(JsonValue::Reader v, capnp::Type type, const FieldRules& rules) {
  switch (type.which()) {
    case capnp::schema::Type::BOOL:
      if (!v.isBoolean()) return Status::InvalidEvent("must be true or false");
      return Status::OK();
    case capnp::schema::Type::UINT32:
      return CheckInteger(v, UINT32_MAX, rules.minimum);
    case capnp::schema::Type::UINT64:
      return CheckInteger(v, kJsonIntegerMax, rules.minimum);
    case capnp::schema::Type::TEXT:
      if (!v.isString()) return Status::InvalidEvent("must be a string");
      return rules.kind ? CheckKind(View(v.getString()), *rules.kind) : Status::OK();
    case capnp::schema::Type::ENUM: {
      if (!v.isString()) return Status::InvalidEvent("must be a string");
      if (type.asEnum().findEnumerantByName(v.getString()) == nullptr) {
        std::string names;
        for (auto e : type.asEnum().getEnumerants()) {
          names += (names.empty() ? "" : "|") + std::string(e.getProto().getName().cStr());
        }
        return Status::InvalidEvent("must be one of " + names);
      }
      return Status::OK();
    }
    case capnp::schema::Type::LIST: {
      if (!v.isArray()) return Status::InvalidEvent("must be an array");
      auto items = v.getArray();
      if (items.size() < rules.minimum || items.size() > kListItemsMax) {
        return Status::InvalidEvent("must have " + std::to_string(rules.minimum) + "-" +
                                    std::to_string(kListItemsMax) + " elements");
      }
      std::set<std::string_view> seen;
      auto element = type.asList().getElementType();
      for (unsigned i = 0; i < items.size(); ++i) {
        Status s = CheckValue(items[i], element, rules);
        if (!s.ok()) return Nest(std::move(s), "[" + std::to_string(i) + "]");
        if (items[i].isString() && !seen.insert(View(items[i].getString())).second) {
          return Status::InvalidEvent("[" + std::to_string(i) + "]: listed twice");
        }
      }
      return Status::OK();
    }
    case capnp::schema::Type::STRUCT:
      // Only EventCorrected.data: its schema is the target's, known once the log is read.
      if (type.asStruct() == capnp::Schema::from<schema::Payload>()) {
        if (!v.isObject()) return Status::InvalidEvent("must be an object");
        return Status::OK();
      }
      return CheckObject(v, type.asStruct());
    default:
      return Status::InvalidEvent("has a type the ledger does not accept");
  }
}

Status CheckObject(JsonValue::Reader v, capnp::StructSchema schema) {
  if (!v.isObject()) return Status::InvalidEvent("must be an object");
  std::set<std::string_view> present;
  for (auto field : v.getObject()) {
    std::string_view name = View(field.getName());
    if (!present.insert(name).second) return Status::InvalidEvent(Quote(name) + " given twice");
    KJ_IF_MAYBE (f, schema.findFieldByName(field.getName())) {
      const FieldRules rules = RulesOf(*f);
      if (rules.ledger_set) return Status::InvalidEvent(Quote(name) + " is set by the ledger");
      Status s = CheckValue(field.getValue(), f->getType(), rules);
      if (!s.ok()) return Nest(std::move(s), name);
    } else {
      return Status::InvalidEvent(Quote(name) + " is not a field of " +
                                  schema.getUnqualifiedName().cStr());
    }
  }
  for (auto f : schema.getFields()) {
    std::string_view name = f.getProto().getName().cStr();
    const FieldRules rules = RulesOf(f);
    if (!present.count(name) && !rules.optional && !rules.ledger_set) {
      return Status::InvalidEvent(Quote(name) + " is missing");
    }
  }
  return Status::OK();
}

// Reads exactly four hex digits at `at`.
bool Hex4(std::string_view text, size_t at, unsigned* out) {
  if (at + 4 > text.size()) return false;
  unsigned v = 0;
  for (size_t i = at; i < at + 4; ++i) {
    const char c = text[i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v |= c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v |= c - 'A' + 10;
    } else {
      return false;
    }
  }
  *out = v;
  return true;
}

// Checks one string literal starting at the quote at `*i`; leaves *i on its closing quote.
Status CheckStringLiteral(std::string_view text, size_t* i) {
  for (++*i; *i < text.size(); ++*i) {
    const unsigned char c = static_cast<unsigned char>(text[*i]);
    if (c == '"') return Status::OK();
    if (c < 0x20) return Status::InvalidEvent("control character inside a string");
    if (c != '\\') continue;
    if (++*i >= text.size()) break;
    const char e = text[*i];
    if (e != 'u') {
      if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
        return Status::InvalidEvent("bad escape in a string");
      }
      continue;
    }
    unsigned cp;
    if (!Hex4(text, *i + 1, &cp)) return Status::InvalidEvent("bad \\u escape");
    if (cp == 0) return Status::InvalidEvent("U+0000 in a string");
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Status::InvalidEvent("lone surrogate escape");
    *i += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      unsigned low;
      if (*i + 6 >= text.size() || text[*i + 1] != '\\' || text[*i + 2] != 'u' ||
          !Hex4(text, *i + 3, &low) || low < 0xDC00 || low > 0xDFFF) {
        return Status::InvalidEvent("lone surrogate escape");
      }
      *i += 6;
    }
  }
  return Status::InvalidEvent("unterminated string");
}

// Checks a number at `*i` against RFC 8259's grammar; leaves *i on its last character.
Status CheckNumberLiteral(std::string_view text, size_t* i) {
  size_t p = *i;
  auto digits = [&] {
    const size_t start = p;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9') ++p;
    return p - start;
  };
  if (text[p] == '-') ++p;
  if (p < text.size() && text[p] == '0') {
    ++p;
  } else if (digits() == 0) {
    return Status::InvalidEvent("bad number");
  }
  if (p < text.size() && text[p] == '.') {
    ++p;
    if (digits() == 0) return Status::InvalidEvent("bad number");
  }
  if (p < text.size() && (text[p] == 'e' || text[p] == 'E')) {
    ++p;
    if (p < text.size() && (text[p] == '+' || text[p] == '-')) ++p;
    if (digits() == 0) return Status::InvalidEvent("bad number");
  }
  *i = p - 1;
  return Status::OK();
}

// Rejects what the JSON codec would silently accept in the raw text: invalid UTF-8, control
// characters, U+0000, lone surrogates and bad escapes in strings, and numbers outside
// RFC 8259's grammar (such as "25." or "01").
Status CheckRawText(std::string_view text) {
  if (!IsValidUtf8(text)) return Status::InvalidEvent("line is not valid UTF-8");
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    Status s;
    if (c == '"') {
      s = CheckStringLiteral(text, &i);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      s = CheckNumberLiteral(text, &i);
    } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      s = Status::InvalidEvent("control character outside a string");
    }
    if (!s.ok()) return s;
  }
  return Status::OK();
}

// Cap'n Proto writes 64-bit integers as strings; SPEC §3.1 wants JSON numbers.
class UInt64Handler final : public capnp::JsonCodec::Handler<capnp::DynamicValue> {
 public:
  void encode(const capnp::JsonCodec&, capnp::DynamicValue::Reader input,
              JsonValue::Builder output) const override {
    output.setNumber(static_cast<double>(input.as<uint64_t>()));
  }
  capnp::Orphan<capnp::DynamicValue> decode(const capnp::JsonCodec&, JsonValue::Reader input,
                                            capnp::Orphanage) const override {
    // The value was checked to be an integer in [0, 2^53 - 1] before decoding.
    return capnp::Orphan<capnp::DynamicValue>(static_cast<unsigned long long>(input.getNumber()));
  }
};

// EventCorrected.data is written as the bare data object of the target's type. Decoding
// leaves the payload empty: Codec::DecodeReplacement fills it once the type is known.
class PayloadHandler final : public capnp::JsonCodec::Handler<schema::Payload> {
 public:
  void encode(const capnp::JsonCodec& codec, schema::Payload::Reader input,
              JsonValue::Builder output) const override {
    capnp::DynamicStruct::Reader dynamic = input;
    KJ_IF_MAYBE (field, dynamic.which()) {
      codec.encode(dynamic.get(*field), field->getType(), output);
    } else {
      output.setNull();
    }
  }
  void decode(const capnp::JsonCodec&, JsonValue::Reader, schema::Payload::Builder) const override {
  }
};

// Drops the "\/" escapes of the codec's string encoder: "/" needs none.
std::string UnescapeSlashes(kj::StringPtr json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '\\' && i + 1 < json.size()) {
      if (json[i + 1] != '/') out.push_back('\\');
      out.push_back(json[++i]);
    } else {
      out.push_back(json[i]);
    }
  }
  return out;
}

std::string CapitalizeFirst(kj::StringPtr name) {
  std::string s(name.cStr());
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

}  // namespace

struct Codec::Impl {
  capnp::JsonCodec json;
  UInt64Handler uint64_handler;
  PayloadHandler payload_handler;
  capnp::StructSchema event_schema = capnp::Schema::from<schema::Event>();
  std::map<std::string, capnp::StructSchema::Field, std::less<>> types;  // "ContactRecorded" →

  Impl() {
    json.setMaxNestingDepth(kJsonDepthMax);
    json.handleByAnnotation<schema::Event>();
    json.addTypeHandler(capnp::Type(capnp::schema::Type::UINT64), uint64_handler);
    json.addFieldHandler(
        KJ_ASSERT_NONNULL(capnp::Schema::from<schema::EventCorrected>().findFieldByName("data")),
        payload_handler);
    for (auto f : event_schema.getUnionFields())
      types.emplace(CapitalizeFirst(f.getProto().getName()), f);
  }

  Status CheckEnvelope(JsonValue::Reader v, Submission* out,
                       std::optional<capnp::StructSchema::Field>* payload) const;
  Status ParseEvent(JsonValue::Reader v, Submission* out) const;
};

Status Codec::Impl::CheckEnvelope(JsonValue::Reader v, Submission* out,
                                  std::optional<capnp::StructSchema::Field>* payload_out) const {
  if (!v.isObject()) return Status::InvalidEvent("an event must be a JSON object");
  std::set<std::string_view> present;
  std::optional<capnp::StructSchema::Field>& payload = *payload_out;
  JsonValue::Reader data;
  for (auto field : v.getObject()) {
    std::string_view name = View(field.getName());
    auto value = field.getValue();
    if (!present.insert(name).second) return Status::InvalidEvent(Quote(name) + " given twice");
    if (name == "id") {
      if (!value.isString()) return Status::InvalidEvent("id: must be a string");
      Status s = CheckId(View(value.getString()), kEventIdBytesMax, true);
      if (!s.ok()) return std::move(s).Within("id");
    } else if (name == "type") {
      if (!value.isString()) return Status::InvalidEvent("type: must be a string");
      auto it = types.find(View(value.getString()));
      if (it == types.end()) {
        return Status::InvalidEvent("type: unknown event type " + Quote(View(value.getString())));
      }
      payload = it->second;
    } else if (name == "occurredAt") {
      if (!value.isString()) return Status::InvalidEvent("occurredAt: must be a string");
      auto micros = ParseInstant(View(value.getString()));
      if (!micros) return Status::InvalidEvent("occurredAt: must be RFC 3339 with an offset");
      if (*micros < kEarliestOccurredMicros) {
        return Status::InvalidEvent("occurredAt: must not be before 2000-01-01");
      }
      out->occurred_micros = *micros;
    } else if (name == "expectedVersion") {
      if (!value.isNumber() || value.getNumber() != std::floor(value.getNumber()) ||
          value.getNumber() < -1 || value.getNumber() > static_cast<double>(kJsonIntegerMax)) {
        return Status::InvalidEvent("expectedVersion: must be an integer from -1 to 2^53 - 1");
      }
      out->expected_version = static_cast<int64_t>(value.getNumber());
    } else if (name == "data") {
      data = value;
    } else {
      for (auto stored : kStoredKeys) {
        if (name == stored) return Status::InvalidEvent(Quote(name) + " is set by the ledger");
      }
      return Status::InvalidEvent(Quote(name) + " is not a field of an event");
    }
  }
  for (std::string_view required : {"id", "type", "occurredAt", "data"}) {
    if (!present.count(required)) return Status::InvalidEvent(Quote(required) + " is missing");
  }
  Status s = CheckObject(data, payload->getType().asStruct());
  return s.ok() ? s : Nest(std::move(s), "data");
}

Status Codec::Impl::ParseEvent(JsonValue::Reader v, Submission* out) const {
  std::optional<capnp::StructSchema::Field> payload;
  Status s = CheckEnvelope(v, out, &payload);
  if (!s.ok()) return s;
  auto root = out->message.initRoot<schema::Event>();
  try {
    json.decode(v, capnp::toDynamic(root));
  } catch (const kj::Exception& e) {
    return Status::InvalidEvent(std::string("cannot decode: ") + e.getDescription().cStr());
  }
  // What was checked is what was decoded.
  capnp::DynamicStruct::Reader decoded = root.asReader();
  KJ_IF_MAYBE (field, decoded.which()) {
    if (*field != *payload) return Status::InvalidEvent("type: does not match the decoded data");
  } else {
    return Status::InvalidEvent("type: does not match the decoded data");
  }
  if (root.isStudioLicensed()) {
    auto licensed = root.getStudioLicensed();
    if (licensed.getLinkType() == schema::LinkType::LOCALITY && !licensed.hasTown()) {
      return Status::InvalidEvent("data.town: required for a locality studio");
    }
  }
  if (root.isEventCorrected()) {
    for (auto field : v.getObject()) {
      if (field.getName() != "data") continue;
      for (auto inner : field.getValue().getObject()) {
        if (inner.getName() != "data") continue;
        out->replacement_json = std::make_unique<capnp::MallocMessageBuilder>();
        out->replacement_json->setRoot(inner.getValue());
      }
    }
  }
  return Status::OK();
}

namespace {

// ParseStrictJson with a codec already set up (its nesting limit included).
Status ParseStrictJsonWith(const capnp::JsonCodec& codec, std::string_view text,
                           JsonValue::Builder out) {
  Status s = CheckRawText(text);
  if (!s.ok()) return Status::InvalidArgument(s.message());
  try {
    codec.decodeRaw(kj::ArrayPtr<const char>(text.data(), text.size()), out);
  } catch (const kj::Exception& e) {
    return Status::InvalidArgument(std::string("not JSON: ") + e.getDescription().cStr());
  }
  return Status::OK();
}

}  // namespace

Codec::Codec() : impl_(std::make_unique<Impl>()) {}
Codec::~Codec() = default;

Status Codec::ParseLine(std::string_view line, bool allow_batch, Submissions* out,
                        bool* is_batch_out) const {
  if (line.size() > kLineBytesMax) {
    return Status::InvalidEvent("line longer than " + std::to_string(kLineBytesMax) + " bytes");
  }
  capnp::MallocMessageBuilder raw(static_cast<unsigned>(line.size() / 2 + 64));
  auto value = raw.initRoot<JsonValue>();
  Status s = ParseStrictJsonWith(impl_->json, line, value);  // the hot path: no codec per line
  if (!s.ok()) return Status::InvalidEvent(s.message());
  const bool is_batch = value.isObject() && value.getObject().size() == 1 &&
                        value.getObject()[0].getName() == "events";
  if (is_batch_out != nullptr) *is_batch_out = is_batch;
  if (!is_batch) {
    auto sub = std::make_unique<Submission>();
    s = impl_->ParseEvent(value, sub.get());
    if (!s.ok()) return s;
    out->push_back(std::move(sub));
    return Status::OK();
  }
  if (!allow_batch) return Status::InvalidEvent("a batch is not accepted here");
  auto events = value.getObject()[0].getValue();
  if (!events.isArray() || events.getArray().size() == 0 ||
      events.getArray().size() > kBatchEventsMax) {
    return Status::InvalidEvent("events: must be an array of 1-" + std::to_string(kBatchEventsMax) +
                                " events");
  }
  Submissions parsed;
  for (unsigned i = 0; i < events.getArray().size(); ++i) {
    auto sub = std::make_unique<Submission>();
    s = impl_->ParseEvent(events.getArray()[i], sub.get());
    if (!s.ok()) return std::move(s).WithIndex(i);
    parsed.push_back(std::move(sub));
  }
  for (auto& p : parsed) out->push_back(std::move(p));
  return Status::OK();
}

Status Codec::DecodeReplacement(schema::Event::Which target_type, Submission* submission) const {
  LEDGER_ASSERT(submission->replacement_json != nullptr, "EventCorrected without data");
  auto value = submission->replacement_json->getRoot<JsonValue>().asReader();
  // Payload's union has the same members, in the same order, as Event's up to the
  // corrections; events/codec_test.cc checks that the names line up.
  auto payload_schema = capnp::Schema::from<schema::Payload>();
  auto union_fields = payload_schema.getUnionFields();
  const unsigned index = static_cast<unsigned>(target_type);
  if (index >= union_fields.size()) {
    return Status::ReferenceError("the target is a correction or retraction");
  }
  auto field = union_fields[index];
  Status s = CheckObject(value, field.getType().asStruct());
  if (!s.ok()) return Nest(std::move(s), "data.data");
  auto payload =
      capnp::toDynamic(submission->message.getRoot<schema::Event>().getEventCorrected().getData());
  submission->message.getRoot<schema::Event>().getEventCorrected().setTargetType(
      TypeName(target_type));
  try {
    auto inner = payload.init(field).as<capnp::DynamicStruct>();
    impl_->json.decode(value, inner);
  } catch (const kj::Exception& e) {
    return Status::InvalidEvent(std::string("data.data: cannot decode: ") +
                                e.getDescription().cStr());
  }
  return Status::OK();
}

Status Codec::DecodeStored(std::string_view line, capnp::MallocMessageBuilder* message) const {
  capnp::MallocMessageBuilder raw;
  auto value = raw.initRoot<JsonValue>();
  auto root = message->initRoot<schema::Event>();
  try {
    impl_->json.decodeRaw(kj::ArrayPtr<const char>(line.data(), line.size()), value);
    impl_->json.decode(value.asReader(), capnp::toDynamic(root));
    if (!root.isEventCorrected()) return Status::OK();
    auto corrected = root.getEventCorrected();
    auto it = impl_->types.find(std::string_view(corrected.getTargetType().cStr()));
    auto payload_fields = capnp::Schema::from<schema::Payload>().getUnionFields();
    if (it == impl_->types.end())
      return Status::InvalidArgument("correction without a known targetType");
    for (auto field : value.asReader().getObject()) {
      if (View(field.getName()) != "data") continue;
      for (auto inner : field.getValue().getObject()) {
        if (View(inner.getName()) != "data") continue;
        auto union_index = it->second.getProto().getDiscriminantValue();
        if (union_index >= payload_fields.size()) return Status::InvalidArgument("bad targetType");
        capnp::DynamicStruct::Builder payload = corrected.getData();
        impl_->json.decode(inner.getValue(),
                           payload.init(payload_fields[union_index]).as<capnp::DynamicStruct>());
      }
    }
  } catch (const kj::Exception& e) {
    return Status::InvalidArgument(std::string("not a stored event: ") + e.getDescription().cStr());
  }
  return Status::OK();
}

std::string Codec::Encode(schema::Event::Reader event) const {
  return UnescapeSlashes(impl_->json.encode(event));
}

std::string TypeName(schema::Event::Which which) {
  auto fields = capnp::Schema::from<schema::Event>().getUnionFields();
  const unsigned index = static_cast<unsigned>(which);
  LEDGER_ASSERT(index < fields.size(), "event kind outside the schema");
  return CapitalizeFirst(fields[index].getProto().getName());
}

Status ParseStrictJson(std::string_view text, size_t depth_max, JsonValue::Builder out) {
  capnp::JsonCodec codec;
  codec.setMaxNestingDepth(depth_max);
  return ParseStrictJsonWith(codec, text, out);
}

Status JsonDocument::Parse(std::string_view text) {
  if (text.size() > kLineBytesMax) return Status::InvalidArgument("JSON document too large");
  message_ = std::make_unique<capnp::MallocMessageBuilder>();
  auto root = message_->initRoot<JsonValue>();
  Status s = ParseStrictJson(text, kJsonDepthMax, root);
  if (!s.ok()) return s;
  if (!root.isObject()) return Status::InvalidArgument("expected a JSON object");
  return Status::OK();
}

std::optional<JsonValue::Reader> JsonDocument::Find(std::string_view name) const {
  if (!message_) return std::nullopt;
  for (auto field : message_->getRoot<JsonValue>().asReader().getObject()) {
    if (View(field.getName()) == name) return field.getValue();
  }
  return std::nullopt;
}

Status JsonDocument::GetString(std::string_view name, std::string* out) const {
  auto v = Find(name);
  if (!v || !v->isString()) return Status::InvalidArgument(Quote(name) + " must be a string");
  *out = std::string(View(v->getString()));
  return Status::OK();
}

Status JsonDocument::GetUint(std::string_view name, uint64_t* out) const {
  auto v = Find(name);
  if (!v || !CheckInteger(*v, kJsonIntegerMax, 0).ok()) {
    return Status::InvalidArgument(Quote(name) + " must be a non-negative integer");
  }
  *out = static_cast<uint64_t>(v->getNumber());
  return Status::OK();
}

Status JsonDocument::GetStringList(std::string_view name, std::vector<std::string>* out) const {
  auto v = Find(name);
  if (!v || !v->isArray()) return Status::InvalidArgument(Quote(name) + " must be an array");
  out->clear();
  for (auto item : v->getArray()) {
    if (!item.isString()) return Status::InvalidArgument(Quote(name) + " must hold strings");
    out->emplace_back(View(item.getString()));
  }
  return Status::OK();
}

Status JsonDocument::GetBool(std::string_view name, bool* out) const {
  auto v = Find(name);
  if (!v || !v->isBoolean()) return Status::InvalidArgument(Quote(name) + " must be true or false");
  *out = v->getBoolean();
  return Status::OK();
}

std::vector<std::string> JsonDocument::Names() const {
  std::vector<std::string> names;
  if (!message_) return names;
  for (auto field : message_->getRoot<JsonValue>().asReader().getObject()) {
    names.emplace_back(View(field.getName()));
  }
  return names;
}

std::string JsonString(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 15]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

kj::ArrayPtr<const capnp::word> StoredMessage::Words(std::string_view bytes,
                                                     kj::Array<capnp::word>* copy) {
  const size_t n = bytes.size() / sizeof(capnp::word);
  KJ_REQUIRE(bytes.size() % sizeof(capnp::word) == 0, "stored event is not a whole message");
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
    return kj::ArrayPtr<const capnp::word>(reinterpret_cast<const capnp::word*>(bytes.data()), n);
  }
  *copy = kj::heapArray<capnp::word>(n);
  std::memcpy(copy->begin(), bytes.data(), bytes.size());
  return *copy;
}

StoredMessage::StoredMessage(std::string_view bytes)
    : reader_(Words(bytes, &copy_), StoredReaderOptions()) {}

capnp::ReaderOptions StoredReaderOptions() {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = kLineBytesMax / sizeof(capnp::word);
  options.nestingLimit = 16;
  return options;
}

}  // namespace wulian
