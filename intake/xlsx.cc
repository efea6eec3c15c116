// The first sheet of an .xlsx workbook (ECMA-376 SpreadsheetML), read with libzip and expat.
//
// Parts read, each found through its relationships as the standard says:
//   _rels/.rels                  → the officeDocument part (xl/workbook.xml)
//   xl/workbook.xml              → workbookPr@date1904, the first <sheet> and its r:id
//   xl/_rels/workbook.xml.rels   → the worksheet part of that r:id, the sharedStrings part
//   xl/sharedStrings.xml         → <si> strings: <t>, or the <t> of rich-text runs <r>
//                                  (phonetic <rPh> runs are not part of the text)
//   xl/worksheets/sheetN.xml     → <sheetData><row r><c r t><f/><v/><is/></c></row>, and
//                                  <mergeCells><mergeCell ref/></mergeCells>
// Every entry is checked against the zip limits of intake/sheet.h before and while it is
// inflated; every XML part is refused if it has a DOCTYPE (no entities, no external DTDs).
#include <expat.h>
#include <zip.h>

#include <cstring>
#include <map>
#include <memory>
#include <string_view>

#include "intake/sheet_internal.h"

namespace wulian::intake::internal {
namespace {

// ---- zip ------------------------------------------------------------------------------

class Zip {
 public:
  static Status Open(const std::string& path, std::unique_ptr<Zip>* zip) {
    int error = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &error);
    if (z == nullptr) {
      if (error == ZIP_ER_NOENT || error == ZIP_ER_OPEN || error == ZIP_ER_READ) {
        return Status::InvalidArgument("无法读取文件 " + path);
      }
      return Status::InvalidEvent("不是 .xlsx 文件（不是有效的 zip 压缩包）");
    }
    zip->reset(new Zip(z));
    if (zip_get_num_entries(z, 0) > static_cast<zip_int64_t>(kZipEntriesMax)) {
      return Status::InvalidEvent("压缩包的条目超过 " + std::to_string(kZipEntriesMax) + " 个");
    }
    return Status::OK();
  }
  ~Zip() { zip_discard(zip_); }
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  // Inflates entry `name` into *out; *found is false (and OK) if there is none.
  Status Read(const std::string& name, std::string* out, bool* found);

 private:
  explicit Zip(zip_t* zip) : zip_(zip) {}
  zip_t* zip_;
  uint64_t total_bytes_ = 0;
};

Status Zip::Read(const std::string& name, std::string* out, bool* found) {
  out->clear();
  zip_stat_t st;
  zip_stat_init(&st);
  *found = zip_stat(zip_, name.c_str(), 0, &st) == 0;
  if (!*found) return Status::OK();
  const std::string where = "压缩包条目 " + name;
  if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
    return Status::InvalidEvent(where + " 没有记录大小");
  }
  auto too_big = [&](uint64_t size) -> Status {
    if (size > kZipEntryBytesMax) {
      return Status::InvalidEvent(where + " 解压后超过 " + std::to_string(kZipEntryBytesMax >> 20) +
                                  " MiB 的上限");
    }
    if (total_bytes_ + size > kZipTotalBytesMax) {
      return Status::InvalidEvent("压缩包解压后总计超过 " +
                                  std::to_string(kZipTotalBytesMax >> 20) + " MiB 的上限");
    }
    return Status::OK();
  };
  Status s = too_big(st.size);
  if (!s.ok()) return s;
  if (st.size > kCompressionRatioFloorBytes &&
      st.size > kCompressionRatioMax * std::max<uint64_t>(st.comp_size, 1)) {
    return Status::InvalidEvent(where + " 的压缩比超过 " + std::to_string(kCompressionRatioMax) +
                                ":1 的上限");
  }
  zip_file_t* file = zip_fopen_index(zip_, st.index, 0);
  if (file == nullptr) return Status::InvalidEvent(where + " 无法解压");
  char buffer[1 << 16];
  zip_int64_t n;
  while ((n = zip_fread(file, buffer, sizeof buffer)) > 0) {
    out->append(buffer, static_cast<size_t>(n));
    // The sizes in the directory are the writer's word: the inflated bytes are counted too.
    s = out->size() > st.size ? Status::InvalidEvent(where + " 解压后比记录的大小更大")
                              : too_big(out->size());
    if (!s.ok()) break;
  }
  if (s.ok() && n < 0) s = Status::InvalidEvent(where + " 已损坏，无法解压");
  zip_fclose(file);
  if (!s.ok()) return s;
  total_bytes_ += out->size();
  return Status::OK();
}

// ---- XML ------------------------------------------------------------------------------

// The element handlers of one XML part. Names are local names (any prefix removed).
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(std::string_view name, const char** attributes) = 0;
  virtual void End(std::string_view name) = 0;
  virtual void Text(std::string_view) {}
  // Set by a handler to stop the parse with a refusal.
  Status stop;
};

std::string_view LocalName(const char* name) {
  std::string_view n(name);
  const size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// The value of the attribute whose local name is `name`, or null.
const char* Attribute(const char** attributes, std::string_view name) {
  for (size_t i = 0; attributes[i] != nullptr; i += 2) {
    if (LocalName(attributes[i]) == name) return attributes[i + 1];
  }
  return nullptr;
}

struct XmlParse {
  XML_Parser parser;
  XmlHandler* handler;
  bool doctype = false;
};

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* p = static_cast<XmlParse*>(data);
  p->handler->Start(LocalName(name), attributes);
  if (!p->handler->stop.ok()) XML_StopParser(p->parser, XML_FALSE);
}
void XMLCALL OnEnd(void* data, const XML_Char* name) {
  auto* p = static_cast<XmlParse*>(data);
  p->handler->End(LocalName(name));
  if (!p->handler->stop.ok()) XML_StopParser(p->parser, XML_FALSE);
}
void XMLCALL OnText(void* data, const XML_Char* text, int length) {
  static_cast<XmlParse*>(data)->handler->Text(std::string_view(text, static_cast<size_t>(length)));
}
void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* p = static_cast<XmlParse*>(data);
  p->doctype = true;
  XML_StopParser(p->parser, XML_FALSE);
}

// Parses the part `name` with `handler`. A DOCTYPE (and so any entity) is refused.
Status ParseXml(const std::string& xml, const std::string& name, XmlHandler* handler) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate("UTF-8"), &XML_ParserFree);
  if (!parser) return Status::IOError("expat: out of memory");
  XmlParse parse{parser.get(), handler};
  XML_SetUserData(parser.get(), &parse);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  XML_SetStartDoctypeDeclHandler(parser.get(), OnDoctype);
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  constexpr size_t kPieceBytes = 1 << 20;
  XML_Status status = XML_STATUS_OK;
  for (size_t at = 0; status == XML_STATUS_OK && at <= xml.size(); at += kPieceBytes) {
    const size_t n = std::min(kPieceBytes, xml.size() - at);
    status = XML_Parse(parser.get(), xml.data() + at, static_cast<int>(n),
                       at + n >= xml.size() ? XML_TRUE : XML_FALSE);
    if (at + n >= xml.size()) break;
  }
  if (parse.doctype) {
    return Status::InvalidEvent(name + " 含有 DOCTYPE（文档类型声明），为防止实体展开攻击不予读取");
  }
  if (!handler->stop.ok()) return handler->stop;
  if (status != XML_STATUS_OK) {
    return Status::InvalidEvent(name + " 不是有效的 XML（第 " +
                                std::to_string(XML_GetCurrentLineNumber(parser.get())) + " 行：" +
                                XML_ErrorString(XML_GetErrorCode(parser.get())) + "）");
  }
  return Status::OK();
}

// ---- relationships and workbook -------------------------------------------------------

// <Relationship Id Type Target/> of a .rels part: Id → (type, target part name).
class RelsHandler : public XmlHandler {
 public:
  explicit RelsHandler(std::string base) : base_(std::move(base)) {}
  void Start(std::string_view name, const char** a) override {
    if (name != "Relationship") return;
    const char* id = Attribute(a, "Id");
    const char* type = Attribute(a, "Type");
    const char* target = Attribute(a, "Target");
    if (id && type && target) rels[id] = {type, Resolve(target)};
  }
  void End(std::string_view) override {}
  // The target of the first relationship whose type ends with "/" + `kind`.
  std::string OfKind(std::string_view kind) const {
    for (const auto& [id, rel] : rels) {
      const std::string& type = rel.first;
      if (type.size() > kind.size() &&
          type.compare(type.size() - kind.size(), kind.size(), kind) == 0 &&
          type[type.size() - kind.size() - 1] == '/') {
        return rel.second;
      }
    }
    return "";
  }
  std::map<std::string, std::pair<std::string, std::string>> rels;

 private:
  // A target relative to the part's folder (or absolute from the package root).
  std::string Resolve(std::string target) const {
    if (!target.empty() && target[0] == '/') return target.substr(1);
    std::string path = base_;
    while (target.rfind("../", 0) == 0) {
      target = target.substr(3);
      const size_t slash = path.find_last_of('/', path.empty() ? 0 : path.size() - 2);
      path = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    }
    return path + target;
  }
  std::string base_;
};

class WorkbookHandler : public XmlHandler {
 public:
  void Start(std::string_view name, const char** a) override {
    if (name == "workbookPr") {
      const char* v = Attribute(a, "date1904");
      date1904 = v != nullptr && (std::strcmp(v, "1") == 0 || std::strcmp(v, "true") == 0);
    } else if (name == "sheet" && first_sheet_rel.empty()) {
      const char* id = Attribute(a, "id");
      if (id != nullptr) first_sheet_rel = id;
    }
  }
  void End(std::string_view) override {}
  bool date1904 = false;
  std::string first_sheet_rel;
};

// The shared strings, in order; a string longer than kCellBytesMax is kept as too_long.
class SharedStringsHandler : public XmlHandler {
 public:
  void Start(std::string_view name, const char**) override {
    if (name == "si") {
      strings.emplace_back();
      too_long.push_back(false);
      in_si_ = true;
    } else if (name == "rPh") {
      in_phonetic_ = true;
    } else if (name == "t") {
      in_t_ = in_si_ && !in_phonetic_;
    }
  }
  void End(std::string_view name) override {
    if (name == "si") in_si_ = false;
    if (name == "rPh") in_phonetic_ = false;
    if (name == "t") in_t_ = false;
  }
  void Text(std::string_view text) override {
    if (!in_t_) return;
    if (strings.back().size() + text.size() > kCellBytesMax) {
      too_long.back() = true;
      return;
    }
    strings.back().append(text);
  }
  std::vector<std::string> strings;
  std::vector<bool> too_long;

 private:
  bool in_si_ = false, in_phonetic_ = false, in_t_ = false;
};

// ---- the worksheet --------------------------------------------------------------------

std::string TooLong() { return "单元格超过 " + std::to_string(kCellBytesMax) + " 字节的上限"; }

class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const SharedStringsHandler& shared, uint64_t* where_row)
      : shared_(shared), where_row_(where_row) {}

  void Start(std::string_view name, const char** a) override;
  void End(std::string_view name) override;
  void Text(std::string_view text) override {
    if (!in_v_ && !in_is_t_ && !in_f_) return;
    std::string& into = in_v_ ? value_ : in_f_ ? formula_ : inline_;
    if (into.size() + text.size() > kCellBytesMax) {
      too_long_ = true;
      return;
    }
    into.append(text);
  }
  // Marks the top-left cell of every merged range as invalid.
  void MarkMerges();

  std::map<uint64_t, Row> rows;

 private:
  Cell Finish() const;
  void Refuse(uint64_t row, std::string message) {
    *where_row_ = row;
    stop = Status::InvalidEvent(std::move(message));
  }

  const SharedStringsHandler& shared_;
  uint64_t* where_row_;
  uint64_t row_ = 0;
  size_t column_ = 0;
  bool in_cell_ = false, in_v_ = false, in_f_ = false, in_is_ = false, in_is_t_ = false,
       in_phonetic_ = false, has_f_ = false, has_v_ = false, too_long_ = false;
  std::string type_, value_, formula_, inline_;
  std::vector<std::string> merges_;
};

void SheetHandler::Start(std::string_view name, const char** a) {
  if (name == "row") {
    const char* r = Attribute(a, "r");
    row_ = r != nullptr ? std::strtoull(r, nullptr, 10) : row_ + 1;
    column_ = 0;
    if (row_ == 0) Refuse(0, "工作表的行号无效");
  } else if (name == "c") {
    const char* r = Attribute(a, "r");
    uint64_t ref_row;
    if (r != nullptr && (!ParseCellRef(r, &column_, &ref_row) || ref_row != row_)) {
      Refuse(row_, std::string("工作表的单元格引用无效：") + r);
      return;
    }
    const char* t = Attribute(a, "t");
    type_ = t != nullptr ? t : "n";
    in_cell_ = true;
    has_f_ = has_v_ = too_long_ = false;
    value_.clear();
    formula_.clear();
    inline_.clear();
  } else if (in_cell_ && name == "v") {
    in_v_ = has_v_ = true;
  } else if (in_cell_ && name == "f") {
    in_f_ = has_f_ = true;
  } else if (in_cell_ && name == "is") {
    in_is_ = true;
  } else if (in_is_ && name == "rPh") {
    in_phonetic_ = true;
  } else if (in_is_ && name == "t") {
    in_is_t_ = !in_phonetic_;
  } else if (name == "mergeCell") {
    const char* ref = Attribute(a, "ref");
    if (ref != nullptr) merges_.push_back(ref);
  }
}

void SheetHandler::End(std::string_view name) {
  if (name == "v") in_v_ = false;
  if (name == "f") in_f_ = false;
  if (name == "t") in_is_t_ = false;
  if (name == "rPh") in_phonetic_ = false;
  if (name == "is") in_is_ = false;
  if (name != "c" || !in_cell_) return;
  in_cell_ = false;
  Cell cell = Finish();
  const size_t column = column_++;
  if (cell.type == Cell::Type::kEmpty) return;
  if (row_ > kSheetRowsMax + 1) {
    return Refuse(row_, "工作表超过 " + std::to_string(kSheetRowsMax) +
                            " 行数据的上限（表头之外）：请分成几个文件导入");
  }
  if (column >= kSheetColumnsMax) {
    return Refuse(row_, "第 " + std::to_string(row_) + " 行的 " + ColumnName(column) + " 列超出 " +
                            std::to_string(kSheetColumnsMax) + " 列的上限");
  }
  Row& row = rows[row_];
  row.number = row_;
  if (row.cells.size() <= column) row.cells.resize(column + 1);
  row.cells[column] = std::move(cell);
}

Cell SheetHandler::Finish() const {
  Cell cell;
  auto invalid = [&](std::string why) {
    cell.type = Cell::Type::kInvalid;
    cell.text = std::move(why);
    return cell;
  };
  if (too_long_) return invalid(TooLong());
  if (has_f_ && !has_v_) return invalid("公式没有缓存的计算结果：请在 Excel 中打开并保存后再导入");
  if (type_ == "inlineStr") {
    cell.type = inline_.empty() ? Cell::Type::kEmpty : Cell::Type::kText;
    cell.text = inline_;
    return cell;
  }
  if (!has_v_) return cell;  // a styled empty cell
  if (type_ == "s") {
    char* end = nullptr;
    const unsigned long long i = std::strtoull(value_.c_str(), &end, 10);
    if (value_.empty() || *end != '\0' || i >= shared_.strings.size()) {
      return invalid("共享字符串的编号无效：" + value_);
    }
    if (shared_.too_long[i]) return invalid(TooLong());
    cell.type = shared_.strings[i].empty() ? Cell::Type::kEmpty : Cell::Type::kText;
    cell.text = shared_.strings[i];
  } else if (type_ == "str" || type_ == "d") {
    cell.type = value_.empty() ? Cell::Type::kEmpty : Cell::Type::kText;
    cell.text = value_;
  } else if (type_ == "b") {
    if (value_ != "0" && value_ != "1") return invalid("布尔值无效：" + value_);
    cell.type = Cell::Type::kBool;
    cell.text = value_;
  } else if (type_ == "e") {
    return invalid("单元格是错误值 " + value_);
  } else if (type_ == "n") {
    cell.type = Cell::Type::kNumber;
    cell.text = value_;
  } else {
    return invalid("未知的单元格类型 " + type_);
  }
  return cell;
}

void SheetHandler::MarkMerges() {
  for (const std::string& ref : merges_) {
    size_t column;
    uint64_t row;
    const std::string first = ref.substr(0, ref.find(':'));
    if (!ParseCellRef(first, &column, &row) || row > kSheetRowsMax + 1 ||
        column >= kSheetColumnsMax) {
      continue;
    }
    // A merged range holds its content in its first cell; an empty one merges nothing the
    // rows need (a title band, a blank block) and is let be.
    auto it = rows.find(row);
    if (it == rows.end() || it->second.cells.size() <= column ||
        it->second.cells[column].type == Cell::Type::kEmpty) {
      continue;
    }
    Row& r = it->second;
    r.cells[column] =
        Cell{Cell::Type::kInvalid, "合并单元格 " + ref + "：请取消合并，每个单元格单独填写"};
  }
}

Status ReadPart(Zip& zip, const std::string& name, XmlHandler* handler, bool required) {
  std::string xml;
  bool found;
  Status s = zip.Read(name, &xml, &found);
  if (!s.ok()) return s;
  if (!found) {
    return required ? Status::InvalidEvent("不是 .xlsx 工作簿：缺少 " + name) : Status::OK();
  }
  return ParseXml(xml, name, handler);
}

}  // namespace

Status ReadXlsx(const std::string& path, Table* table, uint64_t* where_row) {
  std::unique_ptr<Zip> zip;
  Status s = Zip::Open(path, &zip);
  if (!s.ok()) return s;
  RelsHandler package("");
  s = ReadPart(*zip, "_rels/.rels", &package, true);
  const std::string workbook_part = package.OfKind("officeDocument");
  if (s.ok() && workbook_part.empty()) s = Status::InvalidEvent("不是 .xlsx 工作簿：没有工作簿");
  WorkbookHandler workbook;
  if (s.ok()) s = ReadPart(*zip, workbook_part, &workbook, true);
  const size_t slash = workbook_part.rfind('/');
  const std::string folder = slash == std::string::npos ? "" : workbook_part.substr(0, slash + 1);
  const std::string rels_part = folder + "_rels/" + workbook_part.substr(folder.size()) + ".rels";
  RelsHandler rels(folder);
  if (s.ok()) s = ReadPart(*zip, rels_part, &rels, true);
  if (!s.ok()) return s;
  auto sheet_rel = rels.rels.find(workbook.first_sheet_rel);
  if (sheet_rel == rels.rels.end()) return Status::InvalidEvent("工作簿里没有工作表");
  SharedStringsHandler shared;
  const std::string shared_part = rels.OfKind("sharedStrings");
  if (!shared_part.empty()) s = ReadPart(*zip, shared_part, &shared, false);
  SheetHandler sheet(shared, where_row);
  if (s.ok()) s = ReadPart(*zip, sheet_rel->second.second, &sheet, true);
  if (!s.ok()) return s;
  sheet.MarkMerges();
  table->date1904 = workbook.date1904;
  for (auto& [number, row] : sheet.rows) table->rows.push_back(std::move(row));
  return Status::OK();
}

}  // namespace wulian::intake::internal
