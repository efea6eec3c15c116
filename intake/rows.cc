// Rows to events (docs/intake.md is the user's description of every rule here).
#include "intake/rows.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>

#include "base/hash.h"
#include "base/time.h"
#include "events/codec.h"

namespace wulian::intake {
namespace {

using Kind = Directory::Kind;

// ---- the columns of each type ---------------------------------------------------------

enum class FieldKind {
  kText,   // a name, topic, summary …
  kTexts,  // a list of texts
  kId,     // a new id (case, suggestion …; the registered id of a new registration)
  kRef,    // a registered id or name (Field::ref says of what)
  kRefs,   // a list of them
  kUint,   // a non-negative whole number
  kBool,   // 是/否
  kDate,   // YYYY-MM-DD
  kEnum,   // a Chinese or schema name (Field::enums)
};

struct EnumName {
  const char* chinese;
  const char* value;
};

struct Field {
  const char* name;    // the field of SPEC §3.2
  const char* header;  // the Chinese header
  FieldKind kind;
  bool required = true;  // the column must be present (and a list have an element)
  Kind ref = Kind::kMember;
  std::vector<EnumName> enums = {};
};

struct TypeSpec {
  const char* type;
  std::vector<Field> fields;
};

const std::vector<EnumName> kLinkTypes = {{"行业联", "industry"},
                                          {"兴趣联", "interest"},
                                          {"属地联", "locality"},
                                          {"专技学术联", "professional"},
                                          {"属性界别联", "sector"}};
const std::vector<EnumName> kStatuses = {
    {"正常", "active"}, {"暂停", "suspended"}, {"撤销", "revoked"}};
const std::vector<EnumName> kContactChannels = {{"走访", "visit"},    {"接待", "reception"},
                                                {"电话", "phone"},    {"网络", "online"},
                                                {"平台", "platform"}, {"活动", "activity"}};
const std::vector<EnumName> kForms = {
    {"会议", "meeting"}, {"调研", "research"}, {"座谈", "forum"}, {"联合协商", "joint"}};
const std::vector<EnumName> kCaseKinds = {{"矛盾纠纷", "dispute"}, {"群众诉求", "request"}};
const std::vector<EnumName> kOutcomes = {
    {"已解决", "resolved"}, {"已转办", "referred"}, {"已撤回", "withdrawn"}};
const std::vector<EnumName> kSuggestionChannels = {
    {"提案", "proposal"}, {"社情民意", "opinion"}, {"调研报告", "report"}};
const std::vector<EnumName> kSeverities = {{"低", "low"}, {"中", "medium"}, {"高", "high"}};

const Field kStudio{"studio", "工作室", FieldKind::kRef, true, Kind::kStudio};
const Field kMembers{"members", "委员", FieldKind::kRefs, true, Kind::kMember};

const std::vector<TypeSpec>& Specs() {
  static const std::vector<TypeSpec> specs = {
      {"CommitteeRegistered",
       {{"committee", "专委会编号", FieldKind::kId},
        {"name", "名称", FieldKind::kText},
        {"supervises", "督导", FieldKind::kBool}}},
      {"MemberRegistered",
       {{"member", "委员编号", FieldKind::kId},
        {"name", "姓名", FieldKind::kText},
        {"sector", "界别", FieldKind::kText},
        {"committees", "专委会", FieldKind::kRefs, false, Kind::kCommittee}}},
      {"StudioLicensed",
       {{"studio", "工作室编号", FieldKind::kId},
        {"name", "名称", FieldKind::kText},
        {"linkType", "类型", FieldKind::kEnum, true, Kind::kMember, kLinkTypes},
        {"leadMember", "牵头委员", FieldKind::kRef, true, Kind::kMember},
        {"committee", "专委会", FieldKind::kRef, true, Kind::kCommittee},
        {"partyOrg", "党组织", FieldKind::kText},
        {"town", "镇街", FieldKind::kText, false},
        {"batch", "批次", FieldKind::kUint},
        {"licensedOn", "授牌日期", FieldKind::kDate}}},
      {"MemberJoinedStudio", {kStudio, {"member", "委员", FieldKind::kRef, true, Kind::kMember}}},
      {"MemberLeftStudio", {kStudio, {"member", "委员", FieldKind::kRef, true, Kind::kMember}}},
      {"StudioRuleAdopted",
       {kStudio, {"rule", "制度编号", FieldKind::kId}, {"title", "标题", FieldKind::kText}}},
      {"StudioStatusChanged",
       {kStudio,
        {"status", "状态", FieldKind::kEnum, true, Kind::kMember, kStatuses},
        {"reason", "原因", FieldKind::kText}}},
      {"ContactRecorded",
       {kStudio,
        kMembers,
        {"channel", "方式", FieldKind::kEnum, true, Kind::kMember, kContactChannels},
        {"peopleReached", "联系人数", FieldKind::kUint},
        {"topic", "主题", FieldKind::kText}}},
      {"ConsultationHeld",
       {kStudio,
        kMembers,
        {"form", "形式", FieldKind::kEnum, true, Kind::kMember, kForms},
        {"partners", "协商单位", FieldKind::kTexts, false},
        {"attendees", "参加人数", FieldKind::kUint},
        {"topic", "主题", FieldKind::kText},
        {"outcome", "成果", FieldKind::kText}}},
      {"CaseOpened",
       {kStudio,
        {"case", "案件编号", FieldKind::kId},
        {"kind", "类别", FieldKind::kEnum, true, Kind::kMember, kCaseKinds},
        kMembers,
        {"summary", "摘要", FieldKind::kText}}},
      {"CaseResolved",
       {kStudio,
        {"case", "案件编号", FieldKind::kId},
        {"outcome", "结果", FieldKind::kEnum, true, Kind::kMember, kOutcomes},
        {"summary", "摘要", FieldKind::kText}}},
      {"SuggestionSubmitted",
       {kStudio,
        {"suggestion", "建议编号", FieldKind::kId},
        kMembers,
        {"title", "标题", FieldKind::kText},
        {"channel", "渠道", FieldKind::kEnum, true, Kind::kMember, kSuggestionChannels}}},
      {"SuggestionAdopted",
       {kStudio, {"suggestion", "建议编号", FieldKind::kId}, {"by", "采纳单位", FieldKind::kText}}},
      {"SupervisionVisited",
       {kStudio,
        {"visit", "督导编号", FieldKind::kId},
        {"inspectors", "督导人员", FieldKind::kTexts},
        {"notes", "情况记录", FieldKind::kText}}},
      {"FindingRaised",
       {kStudio,
        {"finding", "问题编号", FieldKind::kId},
        {"severity", "严重程度", FieldKind::kEnum, true, Kind::kMember, kSeverities},
        {"summary", "摘要", FieldKind::kText},
        {"dueOn", "整改期限", FieldKind::kDate}}},
      {"FindingRectified",
       {kStudio, {"finding", "问题编号", FieldKind::kId}, {"summary", "摘要", FieldKind::kText}}},
  };
  return specs;
}

const Field kIdField{"id", "编号", FieldKind::kText, false};
const Field kOccurredField{"occurredAt", "发生时间", FieldKind::kText};

const TypeSpec* FindSpec(const std::string& type) {
  for (const auto& spec : Specs()) {
    if (type == spec.type) return &spec;
  }
  return nullptr;
}

// ---- cell values ----------------------------------------------------------------------

std::string Trim(std::string_view s) {
  auto space = [](std::string_view t, size_t i, size_t* n) {
    if (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n') return *n = 1, true;
    if (t.substr(i, 3) == "\xE3\x80\x80") return *n = 3, true;  // U+3000 ideographic space
    if (t.substr(i, 2) == "\xC2\xA0") return *n = 2, true;      // U+00A0
    return false;
  };
  size_t b = 0, n = 0;
  while (b < s.size() && space(s, b, &n)) b += n;
  size_t e = s.size();
  while (e > b) {
    size_t back = 1;
    while (back < 3 && e - back > b && (static_cast<unsigned char>(s[e - back]) & 0xC0) == 0x80)
      ++back;
    if (!space(s, e - back, &n) || n != back) break;
    e -= back;
  }
  return std::string(s.substr(b, e - b));
}

// Splits a list cell on 、 ； ; and trims every item, dropping empty ones.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  for (size_t i = 0; i <= text.size(); ++i) {
    size_t sep = 0;
    if (i == text.size()) {
      sep = 1;
    } else if (text.compare(i, 3, "、") == 0 || text.compare(i, 3, "；") == 0) {
      sep = 3;
    } else if (text[i] == ';') {
      sep = 1;
    }
    if (sep == 0) {
      item += text[i];
      continue;
    }
    std::string t = Trim(item);
    if (!t.empty()) items.push_back(std::move(t));
    item.clear();
    i += sep - 1;
  }
  return items;
}

// Days from 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// An Excel date serial (days, fraction = time of day) as wall-clock seconds from 1970 in the
// sheet's time (+08:00). The 1900 system counts from 1899-12-30 for every serial after
// 1900-02-28 (Excel's phantom 1900-02-29 makes up the difference); 1904 from 1904-01-01.
std::optional<int64_t> SerialToWallSeconds(const std::string& number, bool date1904) {
  char* end = nullptr;
  const double serial = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || !std::isfinite(serial) || serial < 61 || serial > 2958465) {
    return std::nullopt;
  }
  const int64_t epoch = date1904 ? DaysFromCivil(1904, 1, 1) : DaysFromCivil(1899, 12, 30);
  return epoch * 86400 + static_cast<int64_t>(std::llround(serial * 86400.0));
}

std::string FormatDate(int64_t days) {
  const CivilDay d =
      LedgerDay(days * 86400 * kMicrosPerSecond - kLedgerOffsetSeconds * kMicrosPerSecond);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month,
                d.day);
  return buf;
}

// "2025-03-01", "2025/3/1", with an optional " 09:30" or " 9:30:15": wall-clock seconds.
std::optional<int64_t> ParseLocal(const std::string& text) {
  static const std::regex kLocal(
      R"((\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?)");
  std::smatch m;
  if (!std::regex_match(text, m, kLocal)) return std::nullopt;
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", std::stoi(m[1]), std::stoi(m[2]),
                std::stoi(m[3]));
  const std::optional<int64_t> days = ParseDate(date);
  if (!days) return std::nullopt;
  int64_t seconds = *days * 86400;
  if (m[4].matched) {
    const int h = std::stoi(m[4]), min = std::stoi(m[5]), s = m[6].matched ? std::stoi(m[6]) : 0;
    if (h > 23 || min > 59 || s > 59) return std::nullopt;
    seconds += h * 3600 + min * 60 + s;
  }
  return seconds;
}

// ---- mapping one row ------------------------------------------------------------------

struct Column {
  const Field* field;
  size_t index;  // in the row's cells
  std::string header;
};

class RowMapper {
 public:
  RowMapper(const TypeSpec& spec, const std::vector<Column>& columns, const Directory& directory,
            bool date1904)
      : spec_(spec), columns_(columns), directory_(directory), date1904_(date1904) {}

  // Builds the event of `row`, or sets *refusal.
  bool Map(const Row& row, MappedRow* out, RowRefusal* refusal) const;

 private:
  // The JSON value of `field` from `cell` (empty text: the column is empty in this row).
  Status Value(const Field& field, const Cell& cell, std::string* json) const;
  Status Occurred(const Cell& cell, std::string* json) const;
  Status Scalar(const Field& field, const Cell& cell, std::string* json) const;
  Status Item(const Field& field, const std::string& text, std::string* json) const;

  const TypeSpec& spec_;
  const std::vector<Column>& columns_;
  const Directory& directory_;
  bool date1904_;
};

bool RowMapper::Map(const Row& row, MappedRow* out, RowRefusal* refusal) const {
  static const Cell kEmpty;
  std::string id, occurred;
  std::map<const Field*, std::string> values;  // the JSON value of each field
  for (const Column& column : columns_) {
    const Cell& cell = column.index < row.cells.size() ? row.cells[column.index] : kEmpty;
    std::string json;
    Status s = Value(*column.field, cell, &json);
    if (!s.ok()) {
      *refusal = RowRefusal{row.number, column.header, std::move(s)};
      return false;
    }
    if (json.empty()) continue;  // an optional field left empty
    if (column.field == &kIdField) {
      id = json;
    } else if (column.field == &kOccurredField) {
      occurred = json;
      out->occurred_at = json.substr(1, json.size() - 2);
    } else {
      values[column.field] = json;
    }
  }
  // The data in the order of the schema, whatever the order of the columns.
  std::string data;
  for (const Field& field : spec_.fields) {
    auto it = values.find(&field);
    if (it == values.end() && field.kind != FieldKind::kTexts) continue;
    const std::string json = it == values.end() ? "[]" : it->second;  // a list left out: empty
    if (std::string_view(field.name) == "studio" && field.kind == FieldKind::kRef) {
      out->studio = json.substr(1, json.size() - 2);
    }
    if (std::string_view(field.name) == "members") out->members = json;
    data += (data.empty() ? "" : ",") + JsonString(field.name) + ":" + json;
  }
  data = "{" + data + "}";
  if (id.empty()) {
    const Hash h = Sha256(std::string(spec_.type) + "\n" + occurred + "\n" + data);
    out->id = std::string(kDerivedIdPrefix) + HexOf(h.data(), kDerivedIdHashBytes);
    id = JsonString(out->id);
  } else {
    out->id = id.substr(1, id.size() - 2);  // an id has no characters JSON escapes
  }
  out->row = row.number;
  out->line = "{\"id\":" + id + ",\"type\":" + JsonString(spec_.type) +
              ",\"occurredAt\":" + occurred + ",\"data\":" + data + "}";
  return true;
}

Status RowMapper::Value(const Field& field, const Cell& cell, std::string* json) const {
  json->clear();
  if (cell.type == Cell::Type::kInvalid) return Status::InvalidEvent(cell.text);
  const std::string text = Trim(cell.text);
  if (text.empty()) {
    if (!field.required) return Status::OK();
    if (field.kind == FieldKind::kTexts) return (*json = "[]", Status::OK());
    return Status::InvalidEvent("必填，不能为空");
  }
  if (&field == &kOccurredField) return Occurred(cell, json);
  if (&field == &kIdField) {
    if (cell.type != Cell::Type::kText && cell.type != Cell::Type::kNumber) {
      return Status::InvalidEvent("编号必须是文字");
    }
    static const std::regex kEventId(R"([A-Za-z0-9_.:-]{1,64})");
    if (!std::regex_match(text, kEventId)) {
      return Status::InvalidEvent("编号须为 1–64 个字母、数字或 _ . : -");
    }
    *json = JsonString(text);
    return Status::OK();
  }
  if (field.kind != FieldKind::kTexts && field.kind != FieldKind::kRefs) {
    return Scalar(field, Cell{cell.type, text}, json);
  }
  const std::vector<std::string> items = SplitList(text);
  if (items.empty() && field.required) return Status::InvalidEvent("必填，不能为空");
  std::string list;
  for (const std::string& item : items) {
    std::string one;
    Status s = Item(field, item, &one);
    if (!s.ok()) return s;
    list += (list.empty() ? "" : ",") + one;
  }
  *json = "[" + list + "]";
  return Status::OK();
}

Status RowMapper::Occurred(const Cell& cell, std::string* json) const {
  const std::string text = Trim(cell.text);
  std::optional<int64_t> micros;
  if (cell.type == Cell::Type::kNumber) {
    if (auto wall = SerialToWallSeconds(text, date1904_)) {
      micros = (*wall - kLedgerOffsetSeconds) * kMicrosPerSecond;
    }
  } else if (cell.type == Cell::Type::kText) {
    micros = ParseInstant(text);
    if (!micros) {
      if (auto wall = ParseLocal(text)) {
        micros = (*wall - kLedgerOffsetSeconds) * kMicrosPerSecond;
      }
    }
  }
  if (!micros) {
    return Status::InvalidEvent("不是有效的时间：应为 2025-03-01 09:30（北京时间）、" +
                                std::string("带时区的 RFC 3339 时间或 Excel 日期单元格"));
  }
  *json = JsonString(FormatInstant(*micros));
  return Status::OK();
}

Status RowMapper::Scalar(const Field& field, const Cell& cell, std::string* json) const {
  const std::string& text = cell.text;
  switch (field.kind) {
    case FieldKind::kUint: {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      const bool digits = text.find_first_not_of("0123456789") == std::string::npos;
      if ((cell.type == Cell::Type::kNumber ? *end != '\0' : !digits) || !(v >= 0) ||
          v != std::floor(v) || v > 4294967295.0) {
        return Status::InvalidEvent("必须是非负整数");
      }
      *json = std::to_string(static_cast<uint64_t>(v));
      return Status::OK();
    }
    case FieldKind::kBool: {
      static const std::set<std::string> kTrue = {"1", "是", "true", "TRUE", "True"};
      static const std::set<std::string> kFalse = {"0", "否", "false", "FALSE", "False"};
      if (kTrue.count(text)) return (*json = "true", Status::OK());
      if (kFalse.count(text)) return (*json = "false", Status::OK());
      return Status::InvalidEvent("必须是“是”或“否”");
    }
    case FieldKind::kDate: {
      // A date that Excel shows (or saves to .csv) with a time is a date at midnight only.
      std::optional<int64_t> wall = cell.type == Cell::Type::kNumber
                                        ? SerialToWallSeconds(text, date1904_)
                                        : ParseLocal(text);
      if (!wall || *wall % 86400 != 0) {
        return Status::InvalidEvent("不是有效的日期：应为 2025-03-01 或 Excel 日期单元格");
      }
      *json = JsonString(FormatDate(*wall / 86400));
      return Status::OK();
    }
    case FieldKind::kEnum: {
      std::string names;
      for (const EnumName& e : field.enums) {
        if (text == e.chinese || text == e.value)
          return (*json = JsonString(e.value), Status::OK());
        names += (names.empty() ? "" : "、") + std::string(e.chinese);
      }
      return Status::InvalidEvent("未知的" + std::string(field.header) + "“" + text + "”：可填 " +
                                  names);
    }
    default:
      return Item(field, text, json);
  }
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kCommittee:
      return "专委会";
    case Kind::kMember:
      return "委员";
    case Kind::kStudio:
      return "工作室";
  }
  return "";
}

Status RowMapper::Item(const Field& field, const std::string& text, std::string* json) const {
  if (field.kind == FieldKind::kRef || field.kind == FieldKind::kRefs) {
    std::string id;
    Status s = directory_.Resolve(field.ref, text, &id);
    if (!s.ok()) return s;
    *json = JsonString(id);
    return Status::OK();
  }
  *json = JsonString(text);
  return Status::OK();
}

// ---- the header -----------------------------------------------------------------------

// Matches the header row to the fields of `spec`; refusals go to sheet->refused (row 1).
bool ReadHeader(const TypeSpec& spec, const Row& header, std::vector<Column>* columns,
                MappedSheet* sheet) {
  std::vector<const Field*> fields = {&kIdField, &kOccurredField};
  for (const Field& f : spec.fields) fields.push_back(&f);
  auto refuse = [&](std::string column, std::string message) {
    sheet->refused.push_back({header.number, std::move(column), Status::InvalidEvent(message)});
  };
  std::string expected;
  for (const Field* f : fields) {
    expected += (expected.empty() ? "" : "、") + std::string(f->header);
  }
  for (size_t c = 0; c < header.cells.size(); ++c) {
    const Cell& cell = header.cells[c];
    const std::string text = Trim(cell.text);
    if (cell.type == Cell::Type::kInvalid) {
      refuse(ColumnName(c), cell.text);
      continue;
    }
    if (text.empty()) continue;
    auto f = std::find_if(fields.begin(), fields.end(),
                          [&](const Field* f) { return text == f->header || text == f->name; });
    if (f == fields.end()) {
      refuse(text, std::string("未知的列名：") + spec.type + " 的列为 " + expected);
      continue;
    }
    if (sheet->columns.count((*f)->name)) {
      refuse(text, "与“" + sheet->columns[(*f)->name] + "”是同一列，重复了");
      continue;
    }
    sheet->columns[(*f)->name] = text;
    columns->push_back(Column{*f, c, text});
  }
  for (const Field* f : fields) {
    if (f->required && !sheet->columns.count(f->name)) {
      refuse(f->header, "缺少必填的列（也可写作 " + std::string(f->name) + "）");
    }
  }
  return sheet->refused.empty();
}

bool Blank(const Row& row) {
  return std::all_of(row.cells.begin(), row.cells.end(), [](const Cell& c) {
    return c.type == Cell::Type::kEmpty || (c.type == Cell::Type::kText && Trim(c.text).empty());
  });
}

}  // namespace

// ---- Directory ------------------------------------------------------------------------

void Directory::Add(Kind kind, const std::string& id, const std::string& name) {
  const size_t k = static_cast<size_t>(kind);
  auto it = names_[k].find(id);
  if (it != names_[k].end()) {
    auto& ids = ids_[k][it->second];
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  }
  names_[k][id] = name;
  ids_[k][name].push_back(id);
}

Status Directory::Resolve(Kind kind, const std::string& value, std::string* id) const {
  const size_t k = static_cast<size_t>(kind);
  if (names_[k].count(value)) return (*id = value, Status::OK());
  auto it = ids_[k].find(value);
  if (it != ids_[k].end() && it->second.size() == 1) return (*id = it->second[0], Status::OK());
  if (it != ids_[k].end() && it->second.size() > 1) {
    std::vector<std::string> ids = it->second;
    std::sort(ids.begin(), ids.end());
    std::string listed;
    for (const auto& i : ids) listed += (listed.empty() ? "" : "、") + i;
    return Status::InvalidEvent(std::string("有 ") + std::to_string(ids.size()) + " 个" +
                                KindName(kind) + "都叫“" + value + "”（" + listed +
                                "）：请填写编号");
  }
  static const std::regex kId(R"([A-Za-z0-9_.-]{1,64})");
  if (std::regex_match(value, kId)) return (*id = value, Status::OK());
  return Status::ReferenceError(std::string("未登记的") + KindName(kind) + "“" + value + "”");
}

std::string Directory::NameOf(Kind kind, const std::string& id) const {
  const auto& names = names_[static_cast<size_t>(kind)];
  auto it = names.find(id);
  return it == names.end() ? "" : it->second;
}

// ---- MapRows --------------------------------------------------------------------------

std::vector<std::string> SheetTypes() {
  std::vector<std::string> types;
  for (const auto& spec : Specs()) types.push_back(spec.type);
  return types;
}

Status MapRows(const Table& table, const std::string& type, const Directory& directory,
               MappedSheet* sheet) {
  const TypeSpec* spec = FindSpec(type);
  if (spec == nullptr) {
    std::string types;
    for (const auto& t : SheetTypes()) types += (types.empty() ? "" : ", ") + t;
    return Status::InvalidArgument("--type must be one of " + types);
  }
  *sheet = MappedSheet{};
  sheet->type = type;
  if (table.rows.empty()) {
    sheet->refused.push_back({1, "", Status::InvalidEvent("表格是空的：第 1 行应为表头")});
    return Status::OK();
  }
  std::vector<Column> columns;
  if (!ReadHeader(*spec, table.rows[0], &columns, sheet)) return Status::OK();
  const RowMapper mapper(*spec, columns, directory, table.date1904);
  std::map<std::string, uint64_t> derived;  // derived id → the first row that has it
  for (size_t r = 1; r < table.rows.size(); ++r) {
    const Row& row = table.rows[r];
    if (Blank(row)) {
      ++sheet->blank_rows;
      continue;
    }
    std::optional<size_t> headless;
    for (size_t c = 0; c < row.cells.size() && !headless; ++c) {
      const bool has_header = std::any_of(columns.begin(), columns.end(),
                                          [&](const Column& col) { return col.index == c; });
      const Cell& cell = row.cells[c];
      if (!has_header && cell.type != Cell::Type::kEmpty &&
          !(cell.type == Cell::Type::kText && Trim(cell.text).empty())) {
        headless = c;
      }
    }
    if (headless) {
      sheet->refused.push_back({row.number, ColumnName(*headless),
                                Status::InvalidEvent("这一列没有表头，但单元格有内容")});
      continue;
    }
    MappedRow mapped;
    RowRefusal refusal;
    if (!mapper.Map(row, &mapped, &refusal)) {
      sheet->refused.push_back(std::move(refusal));
      continue;
    }
    if (!sheet->columns.count("id")) {
      auto [first, fresh] = derived.emplace(mapped.id, row.number);
      if (!fresh) {
        sheet->refused.push_back(
            {row.number, "",
             Status::InvalidEvent("与第 " + std::to_string(first->second) +
                                  " 行内容完全相同；若确是两件事，请加“编号”列区分")});
        continue;
      }
    }
    sheet->rows.push_back(std::move(mapped));
  }
  return Status::OK();
}

// ---- Explain --------------------------------------------------------------------------

namespace {

// English words of the ledger's messages (events/rules.cc, codec.cc) → fields of `type`.
std::string FieldOfWord(const TypeSpec& spec, const std::string& word) {
  std::vector<std::string> candidates = {word};
  if (word == "member") candidates = {"members", "member", "leadMember"};
  if (word == "committee") candidates = {"committee", "committees"};
  for (const auto& c : candidates) {
    for (const Field& f : spec.fields) {
      if (c == f.name) return c;
    }
  }
  return "";
}

std::string HeaderOf(const MappedSheet& sheet, const TypeSpec& spec, const std::string& field) {
  if (field.empty()) return "";
  auto it = sheet.columns.find(field);
  if (it != sheet.columns.end()) return it->second;
  if (field == "id") return kIdField.header;
  if (field == "occurredAt") return kOccurredField.header;
  for (const Field& f : spec.fields) {
    if (field == f.name) return f.header;
  }
  return field;
}

const char* WordName(const std::string& word) {
  static const std::map<std::string, const char*> kNames = {
      {"member", "委员"},     {"committee", "专委会"}, {"studio", "工作室"}, {"case", "案件"},
      {"suggestion", "建议"}, {"finding", "问题"},     {"rule", "制度"},     {"visit", "督导"}};
  auto it = kNames.find(word);
  return it == kNames.end() ? "" : it->second;
}

// A codec message "<what>: <reason>" in Chinese.
std::string CodecReason(const std::string& reason) {
  std::smatch m;
  static const std::regex kBytes(R"(must be 1-(\d+) bytes)");
  static const std::regex kChars(R"(must be 1-(\d+) characters)");
  static const std::regex kRange(R"(must be from (\d+) to (\d+))");
  static const std::regex kItems(R"(must have (\d+)-(\d+) elements)");
  if (std::regex_match(reason, m, kBytes)) return "长度须为 1–" + m[1].str() + " 字节";
  if (std::regex_match(reason, m, kChars)) return "须为 1–" + m[1].str() + " 个字符";
  if (std::regex_match(reason, m, kRange))
    return "须在 " + m[1].str() + " 到 " + m[2].str() + " 之间";
  if (std::regex_match(reason, m, kItems)) return "须有 " + m[1].str() + "–" + m[2].str() + " 项";
  if (reason.rfind("must be of [", 0) == 0) return "只能由字母、数字和 _ . - 组成";
  if (reason.find("listed twice") != std::string::npos) return "同一项列了两次";
  if (reason.rfind("must not be before 2000", 0) == 0) return "不能早于 2000-01-01";
  if (reason.rfind("more than 5 minutes ahead", 0) == 0) return "晚于账本当前时间 5 分钟以上";
  if (reason.rfind("required for a locality studio", 0) == 0) return "属地联工作室必须填写";
  if (reason.rfind("must be a date", 0) == 0) return "不是有效的日期";
  return "账本拒绝：" + reason;
}

}  // namespace

RowRefusal Explain(const MappedSheet& sheet, const Directory& directory, const MappedRow& row,
                   const Status& status) {
  const TypeSpec& spec = *FindSpec(sheet.type);
  const std::string& msg = status.message();
  RowRefusal r{row.row, "", status};
  auto set = [&](const std::string& field, std::string message) {
    r.column = HeaderOf(sheet, spec, field);
    r.status = status.code() == Code::kReferenceError ? Status::ReferenceError(std::move(message))
               : status.code() == Code::kDuplicateId  ? Status::DuplicateId(std::move(message))
                                                      : Status::InvalidEvent(std::move(message));
    return r;
  };
  std::smatch m;
  static const std::regex kDuplicate(
      R"re(id "([^"]*)" was used by event (\d+) with different content)re");
  if (std::regex_match(msg, m, kDuplicate)) {
    return set("id", "编号 " + m[1].str() + " 已被第 " + m[2].str() +
                         " 号事件用于不同的内容：导入后改过的行不能重新导入，请在账本中用更正事件（"
                         "EventCorrected）更正原事件");
  }
  static const std::regex kWord(R"re((\w+) "([^"]*)" (.*))re");
  if (std::regex_match(msg, m, kWord) && *WordName(m[1].str())) {
    const std::string word = m[1].str(), id = m[2].str(), rest = m[3].str();
    std::string who = std::string(WordName(word)) + " " + id;
    const Kind kind = word == "member"   ? Kind::kMember
                      : word == "studio" ? Kind::kStudio
                                         : Kind::kCommittee;
    std::string sp = " ";  // between the subject and the predicate
    if (word == "member" || word == "studio" || word == "committee") {
      const std::string name = directory.NameOf(kind, id);
      if (!name.empty()) who += "（" + name + "）", sp = "";
    }
    std::smatch in;
    static const std::regex kInStudio(R"re(.* studio "([^"]*)".*)re");
    const std::string studio = std::regex_match(rest, in, kInStudio) ? in[1].str() : "";
    std::string text;
    if (rest == "is not registered")
      text = who + sp + "未登记";
    else if (rest == "is already registered")
      text = who + sp + "已登记过";
    else if (rest == "is not licensed")
      text = who + sp + "未授牌（没有登记）";
    else if (rest.rfind("is revoked", 0) == 0)
      text = who + sp + "已撤销，不接受任何记录";
    else if (rest.rfind("is suspended", 0) == 0)
      text = who + sp + "已暂停，只接受督导、问题整改、状态变更、更正与撤回";
    else if (rest.rfind("is not in studio", 0) == 0)
      text = who + sp + "不是工作室 " + studio + " 的现任成员";
    else if (rest.rfind("is already in studio", 0) == 0)
      text = who + sp + "已是工作室 " + studio + " 的成员";
    else if (rest.rfind("is already used in studio", 0) == 0)
      text = "编号 " + id + " 在工作室 " + studio + " 已用过";
    else if (rest.rfind("is not open in studio", 0) == 0)
      text = who + sp + "在工作室 " + studio + " 没有未办结的记录";
    else if (rest.rfind("is not submitted and not yet adopted", 0) == 0)
      text = who + sp + "在工作室 " + studio + " 没有提交过或已被采纳";
    if (!text.empty()) return set(FieldOfWord(spec, word), text);
  }
  static const std::regex kCodec(R"re((?:data\.)?(\w+)(?:\[\d+\])?: (.*))re");
  if (std::regex_match(msg, m, kCodec)) return set(m[1].str(), CodecReason(m[2].str()));
  return set("", "账本拒绝：" + msg);
}

}  // namespace wulian::intake
