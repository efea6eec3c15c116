// Writing .xlsx workbooks with libxlsxwriter, for the report (render_xlsx.cc) and the notice
// (notice.cc): a sheet written row by row with Chinese headers, a frozen header row, columns
// as wide as their widest cell, numbers as numbers and instants and dates as date cells in
// +08:00. Internal to projections/.
#pragma once

#include <xlsxwriter.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "projections/render_internal.h"

namespace wulian::projections::render_internal {

inline constexpr double kColumnWidthMin = 6;
inline constexpr double kColumnWidthMax = 60;
inline constexpr size_t kXlsxBytesMax = size_t{1} << 30;  // a workbook larger than this is refused

// Columns a cell of `text` needs: CJK and other wide characters count two.
inline double DisplayWidth(std::string_view text) {
  double width = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    width += n >= 3 ? 2 : 1;  // U+0800 and above: CJK, full-width forms
    i += n;
  }
  return width;
}

// An instant as a date-time of the ledger's time zone.
inline lxw_datetime LocalDateTime(int64_t micros) {
  const CivilDay day = LedgerDay(micros);
  const int64_t local = micros + kLedgerOffsetSeconds * kMicrosPerSecond;
  const int64_t of_day = ((local % (86400 * kMicrosPerSecond)) + 86400 * kMicrosPerSecond) %
                         (86400 * kMicrosPerSecond);
  lxw_datetime dt{};
  dt.year = static_cast<int>(day.year);
  dt.month = day.month;
  dt.day = day.day;
  dt.hour = static_cast<int>(of_day / (3600 * kMicrosPerSecond));
  dt.min = static_cast<int>(of_day / (60 * kMicrosPerSecond) % 60);
  dt.sec = static_cast<double>(of_day % (60 * kMicrosPerSecond)) / kMicrosPerSecond;
  return dt;
}

struct Styles {
  lxw_format* header;
  lxw_format* date;
  lxw_format* date_time;
  lxw_format* month;
  lxw_format* decimal;
};

// One worksheet written row by row; keeps the first error and each column's width.
class Sheet {
 public:
  Sheet(lxw_workbook* book, const char* name, const Styles& styles, Status* status)
      : sheet_(workbook_add_worksheet(book, name)), styles_(styles), status_(status) {
    if (sheet_ == nullptr) Fail(LXW_ERROR_MEMORY_MALLOC_FAILED);
  }
  Sheet(const Sheet&) = delete;
  Sheet& operator=(const Sheet&) = delete;
  ~Sheet() { Finish(); }

  // The header row, frozen.
  void Header(const std::vector<std::string>& names) {
    for (const auto& name : names) Text(name, styles_.header);
    if (sheet_) worksheet_freeze_panes(sheet_, 1, 0);
    NextRow();
  }
  Sheet& Text(std::string_view s, lxw_format* format = nullptr) {
    if (!s.empty())
      Check(worksheet_write_string(sheet_, row_, col_, std::string(s).c_str(), format));
    return Width(DisplayWidth(s));
  }
  Sheet& Number(double v, lxw_format* format = nullptr) {
    Check(worksheet_write_number(sheet_, row_, col_, v, format));
    return Width(DisplayWidth(std::to_string(static_cast<int64_t>(v))) + (format ? 2 : 0));
  }
  // An RFC 3339 instant as a date-time cell; empty when absent.
  Sheet& Instant(const std::optional<std::string>& t) {
    auto micros = t ? ParseInstant(*t) : std::nullopt;
    if (!micros) return Text(t.value_or(""));
    lxw_datetime dt = LocalDateTime(*micros);
    Check(worksheet_write_datetime(sheet_, row_, col_, &dt, styles_.date_time));
    return Width(16);
  }
  // A date YYYY-MM-DD (or a month YYYY-MM) as a date cell.
  Sheet& Date(std::string_view d) {
    const bool month = d.size() == 7;
    auto day = ParseDate(month ? std::string(d) + "-01" : std::string(d));
    if (!day) return Text(d);
    // The calendar day itself, at 00:00 (a day counted from 1970-01-01 is a date, not an
    // instant: no time zone applies).
    lxw_datetime dt =
        LocalDateTime(*day * 86400 * kMicrosPerSecond - kLedgerOffsetSeconds * kMicrosPerSecond);
    Check(worksheet_write_datetime(sheet_, row_, col_, &dt, month ? styles_.month : styles_.date));
    return Width(month ? 8 : 10);
  }
  Sheet& Skip() { return Width(0); }
  void NextRow() {
    ++row_;
    col_ = 0;
  }

 private:
  Sheet& Width(double w) {
    if (widths_.size() <= col_) widths_.resize(col_ + 1, 0);
    widths_[col_] = std::max(widths_[col_], w);
    ++col_;
    return *this;
  }
  void Check(lxw_error e) {
    if (e != LXW_NO_ERROR) Fail(e);
  }
  void Fail(lxw_error e) {
    if (status_->ok()) *status_ = Status::IOError(std::string("xlsx: ") + lxw_strerror(e));
  }
  void Finish() {
    if (!sheet_) return;
    for (size_t c = 0; c < widths_.size(); ++c) {
      const double w = std::clamp(widths_[c] + 2, kColumnWidthMin, kColumnWidthMax);
      Check(worksheet_set_column(sheet_, c, c, w, nullptr));
    }
  }

  lxw_worksheet* sheet_;
  const Styles& styles_;
  Status* status_;
  lxw_row_t row_ = 0;
  lxw_col_t col_ = 0;
  std::vector<double> widths_;
};

inline std::string Zh(const Label* labels, size_t n, std::string_view key) {
  for (size_t i = 0; i < n; ++i) {
    if (key == labels[i].key) return labels[i].zh;
  }
  return std::string(key);
}
template <size_t N>
std::string Zh(const Label (&labels)[N], std::string_view key) {
  return Zh(labels, N, key);
}

inline std::string FlagsZh(const std::vector<std::string>& flags) {
  std::vector<std::string> names;
  for (const auto& f : flags) {
    const FlagLabel* label = Find(kFlagLabels, f);
    names.push_back(label ? label->name : f);
  }
  return Join(names, "、");
}

// Writes a workbook whose creation time is `created_micros`: `sheets` adds the sheets (and
// keeps its first problem in the Status it is given); then the bytes of the file.
// `scratch_dir` is created, used and removed.
Status WriteWorkbook(const std::string& scratch_dir, int64_t created_micros,
                     const std::function<void(lxw_workbook*, const Styles&, Status*)>& sheets,
                     std::string* out);

}  // namespace wulian::projections::render_internal
