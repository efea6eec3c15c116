// Internal to intake/: the two readers behind ReadSheet.
#pragma once

#include <string>

#include "intake/sheet.h"

namespace wulian::intake::internal {

// The first sheet of an .xlsx workbook (Office Open XML, read with libzip and expat).
Status ReadXlsx(const std::string& path, Table* table, uint64_t* where_row);

// An RFC 4180 .csv file in UTF-8 or GB18030.
Status ReadCsv(const std::string& path, Encoding encoding, Table* table, uint64_t* where_row);

// Parses a cell reference such as "AB12" into a 0-based column and a 1-based row.
bool ParseCellRef(std::string_view ref, size_t* column, uint64_t* row);

}  // namespace wulian::intake::internal
