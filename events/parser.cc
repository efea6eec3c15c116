// The one-pass parser of client events; see events/parser_internal.h.
//
// A refusal found by the walk is reported after the line is checked whole by CheckRawText,
// so that what is wrong with the text itself (U+0000, say) is named first, wherever it is:
// the order in which the codec before this parser named problems. That check runs only on
// the way out of a refusal; an accepted line is read once.
#include <capnp/any.h>
#include <capnp/compat/json.capnp.h>
#include <capnp/schema.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <unordered_set>

#include "base/assert.h"
#include "base/time.h"
#include "events/parser_internal.h"

namespace wulian::internal {

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

static_assert(std::endian::native == std::endian::little,
              "the walker stores data fields as Cap'n Proto lays them out: little-endian");

using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

// Annotation ids of events/ledger.capnp; a test checks that they still match the schema.
constexpr uint64_t kAnnotationKind = 0xcaa2a28681750808ull;
constexpr uint64_t kAnnotationOptional = 0xca4b7f402dc570a3ull;
constexpr uint64_t kAnnotationMinimum = 0xfde98557d1d5b74dull;
constexpr uint64_t kAnnotationLedgerSet = 0xf0aa8243ac424460ull;
// Of /capnp/compat/json.capnp.
constexpr uint64_t kAnnotationJsonName = 0xfa5b1fd61c2e7c3dull;
constexpr uint64_t kAnnotationJsonDiscriminator = 0xcfa794e8d19a0162ull;

constexpr int64_t kEarliestOccurredMicros = 946684800ll * kMicrosPerSecond;  // 2000-01-01Z

// A list holding more strings than this is checked for repeats with a hash set.
constexpr size_t kListLinearScanItemsMax = 32;

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

Status CheckKind(std::string_view s, std::optional<schema::TextKind> kind) {
  if (!kind) {
    if (s.find('\0') != std::string_view::npos) {
      return Status::InvalidEvent("must not contain U+0000");
    }
    return Status::OK();
  }
  switch (*kind) {
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

// ---- Writing into a struct's layout ---------------------------------------------------

template <typename T>
void PutData(capnp::AnyStruct::Builder out, size_t byte_offset, T value) {
  kj::ArrayPtr<capnp::byte> data = out.getDataSection();
  LEDGER_ASSERT(byte_offset + sizeof(T) <= data.size(), "data field outside its struct");
  std::memcpy(data.begin() + byte_offset, &value, sizeof(T));
}

void PutDiscriminant(capnp::AnyStruct::Builder out, const StructPlan& plan, uint16_t value) {
  PutData<uint16_t>(out, size_t{plan.discriminant_offset} * 2, value);
}

capnp::AnyPointer::Builder Pointer(capnp::AnyStruct::Builder out, const FieldPlan& f) {
  auto pointers = out.getPointerSection();
  LEDGER_ASSERT(f.offset < pointers.size(), "pointer field outside its struct");
  return pointers[f.offset];
}

capnp::AnyStruct::Builder InitStruct(capnp::AnyStruct::Builder out, const FieldPlan& f,
                                     const StructPlan& nested) {
  return Pointer(out, f).initAsAnyStruct(nested.data_words, nested.pointers);
}

// ---- Reading JSON values -------------------------------------------------------------

// Reads a string; false if `v` is not one.
bool GetString(const element& v, std::string_view* out) {
  return v.get_string().get(*out) == simdjson::SUCCESS;
}

// Reads an integer from `minimum` to `maximum` (at most 2^64 - 1). A JSON number with an
// exponent or a fraction counts when its value is whole ("2.5e1" is 25).
Status GetInteger(const element& v, uint64_t minimum, uint64_t maximum, uint64_t* out) {
  auto range = [&] {
    return Status::InvalidEvent("must be from " + std::to_string(minimum) + " to " +
                                std::to_string(maximum));
  };
  switch (v.type()) {
    case element_type::INT64: {
      const int64_t i = v.get_int64().value_unsafe();
      if (i < 0 || static_cast<uint64_t>(i) < minimum || static_cast<uint64_t>(i) > maximum) {
        return range();
      }
      *out = static_cast<uint64_t>(i);
      return Status::OK();
    }
    case element_type::UINT64: {
      const uint64_t u = v.get_uint64().value_unsafe();
      if (u < minimum || u > maximum) return range();
      *out = u;
      return Status::OK();
    }
    case element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      if (d != std::floor(d)) return Status::InvalidEvent("must be an integer");
      if (d < static_cast<double>(minimum) || d > static_cast<double>(maximum)) return range();
      *out = static_cast<uint64_t>(d);
      return Status::OK();
    }
    default:
      return Status::InvalidEvent("must be a number");
  }
}

// Whether any string or key in `v` holds U+0000.
bool HoldsNul(const element& v) {
  std::string_view s;
  switch (v.type()) {
    case element_type::STRING:
      return GetString(v, &s) && s.find('\0') != std::string_view::npos;
    case element_type::ARRAY: {
      simdjson::dom::array items;
      if (v.get_array().get(items) != simdjson::SUCCESS) return false;
      for (element item : items) {
        if (HoldsNul(item)) return true;
      }
      return false;
    }
    case element_type::OBJECT: {
      simdjson::dom::object object;
      if (v.get_object().get(object) != simdjson::SUCCESS) return false;
      for (auto field : object) {
        if (field.key.find('\0') != std::string_view::npos || HoldsNul(field.value)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

// expectedVersion: an integer from -1 (the stream must not exist yet) to 2^53 - 1.
Status ReadExpectedVersion(const element& v, std::optional<int64_t>* out) {
  const auto refuse = [] {
    return Status::InvalidEvent("expectedVersion: must be an integer from -1 to 2^53 - 1");
  };
  constexpr auto kMax = static_cast<int64_t>(kJsonIntegerMax);
  int64_t i = 0;
  switch (v.type()) {
    case element_type::INT64:
      i = v.get_int64().value_unsafe();
      break;
    case element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      if (d != std::floor(d) || d < -1 || d > static_cast<double>(kMax)) return refuse();
      i = static_cast<int64_t>(d);
      break;
    }
    default:  // UINT64 holds only values above 2^63 - 1
      return refuse();
  }
  if (i < -1 || i > kMax) return refuse();
  *out = i;
  return Status::OK();
}

}  // namespace

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

const FieldPlan* StructPlan::Find(std::string_view name) const {
  for (const FieldPlan& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// ---- The walk ------------------------------------------------------------------------

namespace {

Status WalkStruct(const element& v, const StructPlan& plan, capnp::AnyStruct::Builder out,
                  Submission* sub);

// A List(Text) field: its size, each element's form, no element twice.
Status WalkTextList(const element& v, const FieldPlan& f, capnp::AnyStruct::Builder out) {
  simdjson::dom::array items;
  if (v.get_array().get(items) != simdjson::SUCCESS) {
    return Status::InvalidEvent("must be an array");
  }
  const size_t n = items.size();
  if (n < f.minimum || n > kListItemsMax) {
    return Status::InvalidEvent("must have " + std::to_string(f.minimum) + "-" +
                                std::to_string(kListItemsMax) + " elements");
  }
  auto list = Pointer(out, f).initAs<capnp::List<capnp::Text>>(static_cast<unsigned>(n));
  std::vector<std::string_view> seen;
  std::unordered_set<std::string_view> seen_set;
  seen.reserve(n);
  unsigned i = 0;
  for (element item : items) {
    std::string_view s;
    Status st =
        GetString(item, &s) ? CheckKind(s, f.kind) : Status::InvalidEvent("must be a string");
    if (!st.ok()) return Nest(std::move(st), "[" + std::to_string(i) + "]");
    const bool repeated = n <= kListLinearScanItemsMax
                              ? std::find(seen.begin(), seen.end(), s) != seen.end()
                              : !seen_set.insert(s).second;
    if (repeated) return Status::InvalidEvent("[" + std::to_string(i) + "]: listed twice");
    seen.push_back(s);
    list.set(i++, capnp::Text::Reader(s.data(), s.size()));
  }
  return Status::OK();
}

// One value into field `f` of `out`.
Status WalkValue(const element& v, const FieldPlan& f, capnp::AnyStruct::Builder out,
                 Submission* sub) {
  std::string_view s;
  uint64_t n = 0;
  switch (f.shape) {
    case Shape::kBool: {
      bool b;
      if (v.get_bool().get(b) != simdjson::SUCCESS) {
        return Status::InvalidEvent("must be true or false");
      }
      auto data = out.getDataSection();
      LEDGER_ASSERT(f.offset / 8 < data.size(), "data field outside its struct");
      const auto bit = static_cast<capnp::byte>(1u << (f.offset % 8));
      if (b != (f.default_bits != 0)) data[f.offset / 8] |= bit;
      return Status::OK();
    }
    case Shape::kUInt32: {
      Status st = GetInteger(v, f.minimum, f.maximum, &n);
      if (st.ok()) PutData<uint32_t>(out, f.offset * 4, static_cast<uint32_t>(n ^ f.default_bits));
      return st;
    }
    case Shape::kUInt64: {
      Status st = GetInteger(v, f.minimum, f.maximum, &n);
      if (st.ok()) PutData<uint64_t>(out, size_t{f.offset} * 8, n ^ f.default_bits);
      return st;
    }
    case Shape::kText: {
      if (!GetString(v, &s)) return Status::InvalidEvent("must be a string");
      Status st = CheckKind(s, f.kind);
      if (st.ok()) Pointer(out, f).setAs<capnp::Text>(capnp::Text::Reader(s.data(), s.size()));
      return st;
    }
    case Shape::kEnum: {
      if (!GetString(v, &s)) return Status::InvalidEvent("must be a string");
      for (size_t i = 0; i < f.enumerants.size(); ++i) {
        if (f.enumerants[i] != s) continue;
        PutData<uint16_t>(out, size_t{f.offset} * 2, static_cast<uint16_t>(i ^ f.default_bits));
        return Status::OK();
      }
      return Status::InvalidEvent("must be one of " + f.enumerant_list);
    }
    case Shape::kTextList:
      return WalkTextList(v, f, out);
    case Shape::kStruct:
      return WalkStruct(v, *f.nested, InitStruct(out, f, *f.nested), sub);
    case Shape::kPayload:
      // The replacement data of a correction: its schema is the target's, known once the
      // log is read (DecodeReplacement). Its text is kept; U+0000 is refused now, as
      // everywhere else in the line.
      if (!v.is_object()) return Status::InvalidEvent("must be an object");
      if (HoldsNul(v)) return Status::InvalidEvent("U+0000 in a string");
      InitStruct(out, f, *f.nested);
      sub->replacement_json = simdjson::to_string(v);
      return Status::OK();
    case Shape::kUnsupported:
      break;
  }
  return Status::InvalidEvent("has a type the ledger does not accept");
}

// A JSON object into the struct `out` of schema `plan`: every member a field of the
// struct, none twice, none set by the ledger, every required field present.
Status WalkStruct(const element& v, const StructPlan& plan, capnp::AnyStruct::Builder out,
                  Submission* sub) {
  simdjson::dom::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidEvent("must be an object");
  }
  uint64_t present = 0;
  for (auto member : object) {
    const FieldPlan* f = plan.Find(member.key);
    if (f == nullptr) {
      return Status::InvalidEvent(Quote(member.key) + " is not a field of " + plan.name);
    }
    const uint64_t bit = uint64_t{1} << (f - plan.fields.data());
    if (present & bit) return Status::InvalidEvent(Quote(member.key) + " given twice");
    present |= bit;
    if (f->ledger_set) return Status::InvalidEvent(Quote(member.key) + " is set by the ledger");
    if (f->discriminant) PutDiscriminant(out, plan, *f->discriminant);
    Status s = WalkValue(member.value, *f, out, sub);
    if (!s.ok()) return Nest(std::move(s), member.key);
  }
  if ((present & plan.required) != plan.required) {
    for (size_t i = 0; i < plan.fields.size(); ++i) {
      if ((plan.required >> i & 1) && !(present >> i & 1)) {
        return Status::InvalidEvent(Quote(plan.fields[i].name) + " is missing");
      }
    }
  }
  return Status::OK();
}

std::optional<capnp::schema::Annotation::Reader> FindAnnotation(
    capnp::List<capnp::schema::Annotation>::Reader annotations, uint64_t id) {
  for (auto a : annotations) {
    if (a.getId() == id) return a;
  }
  return std::nullopt;
}

}  // namespace

// ---- Plans, computed once per struct from the schema ---------------------------------

const StructPlan* EventParser::Plan(capnp::StructSchema schema) {
  const uint64_t id = schema.getProto().getId();
  for (const auto& p : plans_) {
    if (p->schema_id == id) return p.get();
  }
  plans_.push_back(std::make_unique<StructPlan>());
  StructPlan& plan = *plans_.back();
  auto node = schema.getProto();
  auto layout = node.getStruct();
  plan.schema_id = id;
  plan.name = schema.getUnqualifiedName().cStr();
  plan.data_words = layout.getDataWordCount();
  plan.pointers = layout.getPointerCount();
  plan.discriminant_offset = layout.getDiscriminantOffset();
  auto fields = schema.getFields();
  LEDGER_ASSERT(fields.size() <= 64, "a struct of more than 64 fields");
  for (auto field : fields) {
    auto proto = field.getProto();
    LEDGER_ASSERT(proto.isSlot(), "groups are not part of the ledger's schema");
    FieldPlan f;
    f.name = proto.getName().cStr();
    if (auto a = FindAnnotation(proto.getAnnotations(), kAnnotationJsonName)) {
      f.name = a->getValue().getText().cStr();
    }
    if (auto a = FindAnnotation(proto.getAnnotations(), kAnnotationKind)) {
      f.kind = static_cast<schema::TextKind>(a->getValue().getEnum());
    }
    f.optional = FindAnnotation(proto.getAnnotations(), kAnnotationOptional).has_value();
    f.ledger_set = FindAnnotation(proto.getAnnotations(), kAnnotationLedgerSet).has_value();
    if (auto a = FindAnnotation(proto.getAnnotations(), kAnnotationMinimum)) {
      f.minimum = a->getValue().getUint64();
    }
    if (proto.getDiscriminantValue() != capnp::schema::Field::NO_DISCRIMINANT) {
      f.discriminant = proto.getDiscriminantValue();
    }
    auto slot = proto.getSlot();
    f.offset = slot.getOffset();
    auto defaults = slot.getDefaultValue();
    auto type = field.getType();
    switch (type.which()) {
      case capnp::schema::Type::BOOL:
        f.shape = Shape::kBool;
        f.default_bits = defaults.getBool();
        break;
      case capnp::schema::Type::UINT32:
        f.shape = Shape::kUInt32;
        f.maximum = UINT32_MAX;
        f.default_bits = defaults.getUint32();
        break;
      case capnp::schema::Type::UINT64:
        f.shape = Shape::kUInt64;
        f.maximum = kJsonIntegerMax;
        f.default_bits = defaults.getUint64();
        break;
      case capnp::schema::Type::TEXT:
        f.shape = Shape::kText;
        break;
      case capnp::schema::Type::ENUM:
        f.shape = Shape::kEnum;
        f.default_bits = defaults.getEnum();
        for (auto e : type.asEnum().getEnumerants()) {
          f.enumerants.emplace_back(e.getProto().getName().cStr());
          f.enumerant_list += (f.enumerant_list.empty() ? "" : "|") + f.enumerants.back();
        }
        break;
      case capnp::schema::Type::LIST:
        if (type.asList().getElementType().which() == capnp::schema::Type::TEXT) {
          f.shape = Shape::kTextList;
        }
        break;
      case capnp::schema::Type::STRUCT:
        f.shape = type.asStruct() == capnp::Schema::from<schema::Payload>() ? Shape::kPayload
                                                                            : Shape::kStruct;
        f.nested = Plan(type.asStruct());
        break;
      default:
        break;
    }
    if (!f.optional && !f.ledger_set && !f.discriminant) {
      plan.required |= uint64_t{1} << plan.fields.size();
    }
    plan.fields.push_back(std::move(f));
  }
  return &plan;
}

// The envelope of SPEC §3.1: id, the type/data union as its $Json.discriminator names it,
// occurredAt, expectedVersion (a condition of the request, not stored); every other field
// of Event is set by the ledger.
struct EventParser::Envelope {
  const StructPlan* event = nullptr;
  const FieldPlan* id = nullptr;
  const FieldPlan* occurred_at = nullptr;
  std::string type_name;  // "type"
  std::string data_name;  // "data"
  static constexpr std::string_view kExpectedVersion = "expectedVersion";
  std::vector<const FieldPlan*> types;  // the union's members, by their $Json.name
};

EventParser::EventParser() : parser_(kLineBytesMax) {
  LEDGER_ASSERT(parser_.allocate(1 << 16, kJsonDepthMax + 1) == simdjson::SUCCESS,
                "cannot allocate the JSON parser");
  auto event = capnp::Schema::from<schema::Event>();
  envelope_ = std::make_unique<Envelope>();
  Envelope& e = *envelope_;
  e.event = Plan(event);
  payload_plan_ = Plan(capnp::Schema::from<schema::Payload>());
  auto discriminator =
      FindAnnotation(event.getProto().getAnnotations(), kAnnotationJsonDiscriminator);
  LEDGER_ASSERT(discriminator.has_value(), "Event has no $Json.discriminator");
  auto options = discriminator->getValue().getStruct().getAs<capnp::json::DiscriminatorOptions>();
  e.type_name = options.getName().cStr();
  e.data_name = options.getValueName().cStr();
  e.id = e.event->Find("id");
  e.occurred_at = e.event->Find("occurredAt");
  LEDGER_ASSERT(e.id && e.occurred_at, "Event has no id or occurredAt");
  for (const FieldPlan& f : e.event->fields) {
    if (f.discriminant) e.types.push_back(&f);
  }
}

EventParser::~EventParser() = default;

// The members of the envelope, as bits of a set.
enum EnvelopeMember : unsigned {
  kNotEnvelope = 0,
  kId = 1,
  kType = 2,
  kOccurredAt = 4,
  kData = 8,
  kExpectedVersion = 16,
};

Status EventParser::ReadEnvelopeMember(unsigned member, const element& value,
                                       capnp::AnyStruct::Builder event, Submission* out,
                                       const FieldPlan** type) const {
  const Envelope& e = *envelope_;
  std::string_view s;
  switch (member) {
    case kId: {
      if (!GetString(value, &s)) return Status::InvalidEvent("id: must be a string");
      Status st = CheckId(s, kEventIdBytesMax, true);
      if (!st.ok()) return std::move(st).Within("id");
      Pointer(event, *e.id).setAs<capnp::Text>(capnp::Text::Reader(s.data(), s.size()));
      return Status::OK();
    }
    case kType:
      if (!GetString(value, &s)) return Status::InvalidEvent("type: must be a string");
      for (const FieldPlan* t : e.types) {
        if (t->name == s) *type = t;
      }
      if (*type == nullptr) return Status::InvalidEvent("type: unknown event type " + Quote(s));
      return Status::OK();
    case kOccurredAt: {
      if (!GetString(value, &s)) return Status::InvalidEvent("occurredAt: must be a string");
      auto micros = ParseInstant(s);
      if (!micros) return Status::InvalidEvent("occurredAt: must be RFC 3339 with an offset");
      if (*micros < kEarliestOccurredMicros) {
        return Status::InvalidEvent("occurredAt: must not be before 2000-01-01");
      }
      out->occurred_micros = *micros;
      Pointer(event, *e.occurred_at).setAs<capnp::Text>(capnp::Text::Reader(s.data(), s.size()));
      return Status::OK();
    }
    case kExpectedVersion:
      return ReadExpectedVersion(value, &out->expected_version);
  }
  return Status::OK();
}

Status EventParser::ParseEvent(const element& v, Submission* out) const {
  const Envelope& e = *envelope_;
  simdjson::dom::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidEvent("an event must be a JSON object");
  }
  capnp::AnyStruct::Builder event(out->message.initRoot<schema::Event>());
  unsigned present = 0;
  const FieldPlan* type = nullptr;
  element data;
  for (auto member : object) {
    const std::string_view name = member.key;
    const unsigned bit = name == e.id->name            ? kId
                         : name == e.type_name         ? kType
                         : name == e.occurred_at->name ? kOccurredAt
                         : name == e.data_name         ? kData
                         : name == e.kExpectedVersion  ? kExpectedVersion
                                                       : kNotEnvelope;
    if (bit == kNotEnvelope) {
      const FieldPlan* f = e.event->Find(name);
      if (f != nullptr && !f->discriminant) {
        return Status::InvalidEvent(Quote(name) + " is set by the ledger");
      }
      return Status::InvalidEvent(Quote(name) + " is not a field of an event");
    }
    if (present & bit) return Status::InvalidEvent(Quote(name) + " given twice");
    present |= bit;
    if (bit == kData) data = member.value;
    Status s = ReadEnvelopeMember(bit, member.value, event, out, &type);
    if (!s.ok()) return s;
  }
  for (auto [bit, name] : {std::pair<unsigned, std::string_view>{kId, e.id->name},
                           {kType, e.type_name},
                           {kOccurredAt, e.occurred_at->name},
                           {kData, e.data_name}}) {
    if (!(present & bit)) return Status::InvalidEvent(Quote(name) + " is missing");
  }
  PutDiscriminant(event, *e.event, *type->discriminant);
  Status s = WalkStruct(data, *type->nested, InitStruct(event, *type, *type->nested), out);
  if (!s.ok()) return Nest(std::move(s), e.data_name);
  // The one rule across fields of a payload (SPEC §3.2).
  auto root = out->message.getRoot<schema::Event>();
  if (root.isStudioLicensed()) {
    auto licensed = root.getStudioLicensed();
    if (licensed.getLinkType() == schema::LinkType::LOCALITY && !licensed.hasTown()) {
      return Status::InvalidEvent("data.town: required for a locality studio");
    }
  }
  return Status::OK();
}

Status EventParser::Refusal(std::string_view line, Status s) const {
  Status raw = CheckRawText(line);
  return raw.ok() ? s : raw;
}

Status EventParser::ParseLine(std::string_view line, bool allow_batch, Submissions* out,
                              bool* is_batch_out) {
  if (line.size() > kLineBytesMax) {
    return Status::InvalidEvent("line longer than " + std::to_string(kLineBytesMax) + " bytes");
  }
  element root;
  const simdjson::error_code error = parser_.parse(line.data(), line.size()).get(root);
  if (error != simdjson::SUCCESS) {
    return Refusal(
        line, Status::InvalidEvent(std::string("not JSON: ") + simdjson::error_message(error)));
  }
  simdjson::dom::object top;
  const bool is_batch = root.get_object().get(top) == simdjson::SUCCESS && top.size() == 1 &&
                        (*top.begin()).key == "events";
  if (is_batch_out != nullptr) *is_batch_out = is_batch;
  if (!is_batch) {
    auto sub = std::make_unique<Submission>();
    Status s = ParseEvent(root, sub.get());
    if (!s.ok()) return Refusal(line, std::move(s));
    out->push_back(std::move(sub));
    return Status::OK();
  }
  if (!allow_batch) return Refusal(line, Status::InvalidEvent("a batch is not accepted here"));
  simdjson::dom::array events;
  if ((*top.begin()).value.get_array().get(events) != simdjson::SUCCESS || events.size() == 0 ||
      events.size() > kBatchEventsMax) {
    return Refusal(line, Status::InvalidEvent("events: must be an array of 1-" +
                                              std::to_string(kBatchEventsMax) + " events"));
  }
  Submissions parsed;
  parsed.reserve(events.size());
  size_t i = 0;
  for (element item : events) {
    auto sub = std::make_unique<Submission>();
    Status s = ParseEvent(item, sub.get());
    if (!s.ok()) return Refusal(line, std::move(s).WithIndex(i));
    parsed.push_back(std::move(sub));
    ++i;
  }
  for (auto& p : parsed) out->push_back(std::move(p));
  return Status::OK();
}

Status EventParser::DecodeReplacement(schema::Event::Which target_type, Submission* submission) {
  LEDGER_ASSERT(!submission->replacement_json.empty(), "EventCorrected without data");
  // Payload's union has the same members, in the same order, as Event's up to the
  // corrections; events/codec_test.cc checks that the names line up.
  const auto index = static_cast<unsigned>(target_type);
  const FieldPlan* member = nullptr;
  for (const FieldPlan& f : payload_plan_->fields) {
    if (f.discriminant == index) member = &f;
  }
  if (member == nullptr) return Status::ReferenceError("the target is a correction or retraction");
  element value;
  const std::string& text = submission->replacement_json;
  LEDGER_ASSERT(parser_.parse(text.data(), text.size()).get(value) == simdjson::SUCCESS,
                "the replacement data no longer parses");
  auto corrected = submission->message.getRoot<schema::Event>().getEventCorrected();
  capnp::AnyStruct::Builder payload(corrected.getData());
  PutDiscriminant(payload, *payload_plan_, *member->discriminant);
  Status s =
      WalkStruct(value, *member->nested, InitStruct(payload, *member, *member->nested), submission);
  if (!s.ok()) return Nest(std::move(s), "data.data");
  corrected.setTargetType(TypeName(target_type));
  return Status::OK();
}

}  // namespace wulian::internal
