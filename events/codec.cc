#include "events/codec.h"

#include <capnp/compat/json.h>
#include <capnp/dynamic.h>
#include <capnp/schema.h>
#include <kj/exception.h>

#include <cmath>
#include <cstring>
#include <map>

#include "base/assert.h"
#include "base/time.h"
#include "events/parser_internal.h"

namespace wulian {
namespace {

using capnp::JsonValue;
using internal::Quote;

std::string_view View(capnp::Text::Reader t) { return std::string_view(t.begin(), t.size()); }

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

// Cap'n Proto writes 64-bit integers as strings; SPEC §3.1 wants JSON numbers.
class UInt64Handler final : public capnp::JsonCodec::Handler<capnp::DynamicValue> {
 public:
  void encode(const capnp::JsonCodec&, capnp::DynamicValue::Reader input,
              JsonValue::Builder output) const override {
    output.setNumber(static_cast<double>(input.as<uint64_t>()));
  }
  capnp::Orphan<capnp::DynamicValue> decode(const capnp::JsonCodec&, JsonValue::Reader input,
                                            capnp::Orphanage) const override {
    // Only stored lines are decoded by the codec (DecodeStored); their integers are exact.
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
  internal::EventParser parser;  // client lines: ParseLine and DecodeReplacement

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
};

namespace {

// ParseStrictJson with a codec already set up (its nesting limit included).
Status ParseStrictJsonWith(const capnp::JsonCodec& codec, std::string_view text,
                           JsonValue::Builder out) {
  Status s = internal::CheckRawText(text);
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
                        bool* is_batch) const {
  return impl_->parser.ParseLine(line, allow_batch, out, is_batch);
}

Status Codec::DecodeReplacement(schema::Event::Which target_type, Submission* submission) const {
  return impl_->parser.DecodeReplacement(target_type, submission);
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
