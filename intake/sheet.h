// A table of cells read from the first sheet of an .xlsx workbook or from a .csv file, for
// spreadsheet intake (docs/intake.md).
//
// Reading a file refuses it as a whole (a Status) when it is not a sheet at all or breaks a
// limit that protects the reader (a zip bomb, a DOCTYPE, too many rows). A problem with one
// cell (a formula without a cached value, an error value, a merged cell, bytes that are not
// text in the file's encoding, a cell too long) does not stop reading: the cell is kept as
// kInvalid with the reason, so that every refused row can be listed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace wulian::intake {

// Limits enforced while a file is read.
inline constexpr uint64_t kSheetRowsMax = 50'000;  // data rows after the header row
inline constexpr size_t kSheetColumnsMax = 64;     // columns A..BL
inline constexpr size_t kCellBytesMax = 32 << 10;  // UTF-8 bytes of one cell (Excel: 32767 chars)
inline constexpr uint64_t kZipEntryBytesMax = 64ull << 20;        // uncompressed bytes of one entry
inline constexpr uint64_t kZipTotalBytesMax = 128ull << 20;       // uncompressed bytes read in all
inline constexpr uint64_t kZipEntriesMax = 10'000;                // entries in the zip directory
inline constexpr uint64_t kCompressionRatioMax = 200;             // uncompressed : compressed
inline constexpr uint64_t kCompressionRatioFloorBytes = 1 << 20;  // smaller entries are exempt
inline constexpr uint64_t kCsvBytesMax = 64ull << 20;             // bytes of a .csv file
static_assert(kZipEntryBytesMax <= kZipTotalBytesMax);
static_assert(kCellBytesMax * kSheetColumnsMax < kZipEntryBytesMax);

struct Cell {
  enum class Type {
    kEmpty,
    kText,     // text: a string cell, an inline string, a formula's string result, any CSV cell
    kNumber,   // text: the number as the file writes it ("25", "45717.395833333336")
    kBool,     // text: "1" or "0"
    kInvalid,  // text: why the cell cannot be read (Chinese)
  };
  Type type = Type::kEmpty;
  std::string text;  // valid UTF-8
};

struct Row {
  uint64_t number = 0;      // the sheet's own row number, from 1
  std::vector<Cell> cells;  // cells[0] is column A; trailing empty cells may be absent
};

struct Table {
  std::vector<Row> rows;  // rows with at least one cell, in order; the header is rows[0]
  // Date serials count days from 1904-01-01 (workbookPr date1904), not from 1899-12-30.
  bool date1904 = false;
};

enum class Encoding { kDetect, kUtf8, kGb18030 };

struct SheetOptions {
  // A .csv file's encoding; kDetect: UTF-8 if the whole file is valid UTF-8, else GB18030.
  // An .xlsx file is always UTF-8 XML.
  Encoding encoding = Encoding::kDetect;
};

// Reads `path`: .xlsx (by its name, case-insensitive) or .csv. A refusal is INVALID_EVENT
// with a Chinese message (IO_ERROR when the file cannot be read); *where_row, if given, is
// set to the sheet row a refusal concerns, or 0.
Status ReadSheet(const std::string& path, const SheetOptions& options, Table* table,
                 uint64_t* where_row = nullptr);

// "A" for column 0, "AB" for column 27.
std::string ColumnName(size_t column);

}  // namespace wulian::intake
