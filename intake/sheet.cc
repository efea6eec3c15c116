// ReadSheet: chooses the reader by the file's name.
#include "intake/sheet.h"

#include <algorithm>
#include <cctype>

#include "intake/sheet_internal.h"

namespace wulian::intake {

namespace {

bool EndsWith(std::string name, std::string_view suffix) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name.size() >= suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Status ReadSheet(const std::string& path, const SheetOptions& options, Table* table,
                 uint64_t* where_row) {
  uint64_t ignored = 0;
  if (where_row == nullptr) where_row = &ignored;
  *where_row = 0;
  *table = Table{};
  if (EndsWith(path, ".xlsx")) return internal::ReadXlsx(path, table, where_row);
  if (EndsWith(path, ".csv")) return internal::ReadCsv(path, options.encoding, table, where_row);
  return Status::InvalidArgument("只能导入 .xlsx 或 .csv 文件：" + path);
}

std::string ColumnName(size_t column) {
  std::string name;
  for (size_t n = column + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

namespace internal {

bool ParseCellRef(std::string_view ref, size_t* column, uint64_t* row) {
  size_t i = 0, col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3) {
    col = col * 26 + static_cast<size_t>(ref[i] - 'A' + 1);
    ++i;
  }
  if (i == 0 || i == ref.size() || ref.size() - i > 7) return false;
  uint64_t r = 0;
  for (size_t j = i; j < ref.size(); ++j) {
    if (ref[j] < '0' || ref[j] > '9') return false;
    r = r * 10 + static_cast<uint64_t>(ref[j] - '0');
  }
  if (r == 0) return false;
  *column = col - 1;
  *row = r;
  return true;
}

}  // namespace internal
}  // namespace wulian::intake
