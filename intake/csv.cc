// A .csv file (RFC 4180: comma-separated, "quoted" fields with "" for a quote, CRLF or LF
// line ends) in UTF-8, with or without a byte order mark, or in GB18030, as Excel on a
// Chinese Windows saves it.
//
// The records are split on the raw bytes, before any decoding: in GB18030 every byte of a
// multi-byte character is 0x30 or above, so a comma, a quote, CR and LF are always
// themselves. Each cell is then decoded on its own (iconv), so a bad byte sequence is
// refused with its row and column while the rest of the file is still read.
#include <errno.h>
#include <iconv.h>

#include <cstdio>
#include <memory>

#include "events/codec.h"
#include "intake/sheet_internal.h"

namespace wulian::intake::internal {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kGb18030Bom = "\x84\x31\x95\x33";

Status ReadWhole(const std::string& path, std::string* bytes) {
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                          &std::fclose);
  if (!file) return Status::InvalidArgument("无法读取文件 " + path);
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    bytes->append(buffer, n);
    if (bytes->size() > kCsvBytesMax) {
      return Status::InvalidEvent(".csv 文件超过 " + std::to_string(kCsvBytesMax >> 20) +
                                  " MiB 的上限");
    }
  }
  if (std::ferror(file.get())) return Status::IOError("无法读取文件 " + path);
  return Status::OK();
}

// GB18030 → UTF-8 with iconv; false on an invalid or incomplete sequence.
class Gb18030 {
 public:
  Gb18030() : cd_(iconv_open("UTF-8", "GB18030")) {}
  ~Gb18030() {
    if (ok()) iconv_close(cd_);
  }
  Gb18030(const Gb18030&) = delete;
  Gb18030& operator=(const Gb18030&) = delete;
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  bool Convert(std::string_view in, std::string* out) {
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);
    out->assign(in.size() * 2 + 4, '\0');  // a GB18030 character of n bytes is ≤ 2n in UTF-8
    char* src = const_cast<char*>(in.data());
    size_t src_left = in.size();
    char* dst = out->data();
    size_t dst_left = out->size();
    if (iconv(cd_, &src, &src_left, &dst, &dst_left) == static_cast<size_t>(-1)) return false;
    if (iconv(cd_, nullptr, nullptr, &dst, &dst_left) == static_cast<size_t>(-1)) return false;
    out->resize(out->size() - dst_left);
    return true;
  }

 private:
  iconv_t cd_;
};

// A record of raw fields and its row number (1-based, counting every record).
struct Record {
  uint64_t number = 0;
  std::vector<std::string> fields;
};

// Splits `bytes` into the records that have some content, with their row numbers. Fails on
// a quoted field that never ends, on content beyond kSheetColumnsMax columns, and beyond
// kSheetRowsMax data rows, as soon as it sees them: empty fields past the last column and
// empty records are dropped, so memory is bounded by the limits, not by the file.
Status SplitRecords(std::string_view bytes, std::vector<Record>* records, uint64_t* where_row) {
  std::vector<std::string> record(1);
  size_t fields = 1;  // in this record, stored or not
  bool quoted = false, was_quoted = false, content = false;
  uint64_t number = 1;
  auto put = [&](char c) -> Status {
    if (fields > kSheetColumnsMax) {
      *where_row = number;
      return Status::InvalidEvent("第 " + std::to_string(number) + " 行的第 " +
                                  std::to_string(fields) + " 列超出 " +
                                  std::to_string(kSheetColumnsMax) + " 列的上限");
    }
    record.back() += c;
    content = true;
    return Status::OK();
  };
  auto end_record = [&]() -> Status {
    if (content || was_quoted) {
      if (number > kSheetRowsMax + 1) {  // the header row and kSheetRowsMax data rows
        *where_row = number;
        return Status::InvalidEvent("表格超过 " + std::to_string(kSheetRowsMax) +
                                    " 行数据的上限（表头之外）：请分成几个文件导入");
      }
      records->push_back({number, std::move(record)});
    }
    record.assign(1, std::string());
    fields = 1;
    content = was_quoted = false;
    ++number;
    return Status::OK();
  };
  Status s;
  for (size_t i = 0; s.ok() && i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (quoted) {
      if (c == '"' && i + 1 < bytes.size() && bytes[i + 1] == '"') {
        s = put('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        s = put(c);
      }
    } else if (c == '"' && record.back().empty() && !was_quoted) {
      quoted = was_quoted = true;
      if (fields > kSheetColumnsMax) s = put('"');  // names the row and column
    } else if (c == ',') {
      if (++fields <= kSheetColumnsMax) record.emplace_back();
      was_quoted = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
      s = end_record();
    } else {
      s = put(c);
    }
  }
  if (!s.ok()) return s;
  if (quoted) {
    *where_row = number;
    return Status::InvalidEvent("第 " + std::to_string(number) + " 行的引号没有闭合（\"）");
  }
  return end_record();
}

}  // namespace

Status ReadCsv(const std::string& path, Encoding encoding, Table* table, uint64_t* where_row) {
  std::string bytes;
  Status s = ReadWhole(path, &bytes);
  if (!s.ok()) return s;
  std::string_view text(bytes);
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom && encoding != Encoding::kGb18030) {
    text.remove_prefix(kUtf8Bom.size());
    if (encoding == Encoding::kDetect) encoding = Encoding::kUtf8;
  } else if (text.substr(0, kGb18030Bom.size()) == kGb18030Bom && encoding != Encoding::kUtf8) {
    text.remove_prefix(kGb18030Bom.size());
    encoding = Encoding::kGb18030;
  }
  if (encoding == Encoding::kDetect) {
    encoding = IsValidUtf8(text) ? Encoding::kUtf8 : Encoding::kGb18030;
  }
  Gb18030 gb18030;
  if (encoding == Encoding::kGb18030 && !gb18030.ok()) {
    return Status::IOError("iconv 不支持 GB18030");
  }
  std::vector<Record> records;
  s = SplitRecords(text, &records, where_row);
  if (!s.ok()) return s;
  for (Record& record : records) {
    Row row;
    row.number = record.number;
    bool any = false;
    for (size_t c = 0; c < record.fields.size(); ++c) {
      std::string& raw = record.fields[c];
      if (raw.empty()) {
        row.cells.emplace_back();
        continue;
      }
      any = true;
      if (row.number > kSheetRowsMax + 1) {
        *where_row = row.number;
        return Status::InvalidEvent("表格超过 " + std::to_string(kSheetRowsMax) +
                                    " 行数据的上限（表头之外）：请分成几个文件导入");
      }
      if (c >= kSheetColumnsMax) {
        *where_row = row.number;
        return Status::InvalidEvent("第 " + std::to_string(row.number) + " 行的第 " +
                                    std::to_string(c + 1) + " 列超出 " +
                                    std::to_string(kSheetColumnsMax) + " 列的上限");
      }
      Cell cell{Cell::Type::kText, std::string()};
      if (encoding == Encoding::kUtf8) {
        if (IsValidUtf8(raw)) {
          cell.text = std::move(raw);
        } else {
          cell = Cell{Cell::Type::kInvalid, "不是有效的 UTF-8 文本（可用 --encoding gb18030）"};
        }
      } else if (!gb18030.Convert(raw, &cell.text)) {
        cell = Cell{Cell::Type::kInvalid, "含有无效的 GB18030 字节序列"};
      }
      if (cell.type == Cell::Type::kText && cell.text.size() > kCellBytesMax) {
        cell = Cell{Cell::Type::kInvalid,
                    "单元格超过 " + std::to_string(kCellBytesMax) + " 字节的上限"};
      }
      row.cells.push_back(std::move(cell));
    }
    if (any) table->rows.push_back(std::move(row));
  }
  return Status::OK();
}

}  // namespace wulian::intake::internal
