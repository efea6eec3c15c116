// Instants and dates of the ledger (SPEC §2, §3.1). An instant is microseconds since
// 1970-01-01T00:00:00Z. The ledger time zone, used to print instants and to bucket them
// into days, months and years, is +08:00.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wulian {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kLedgerOffsetSeconds = 8 * 3600;

// Parses RFC 3339 with a mandatory offset ("Z" or "±hh:mm"), e.g.
// "2025-03-01T09:30:00+08:00" or "2025-03-01T01:30:00.25Z". Returns nullopt if malformed
// or out of range (years 0001–9999, real calendar dates, seconds 00–59).
std::optional<int64_t> ParseInstant(std::string_view text);

// Parses "YYYY-MM-DD" (a real calendar date) into days since 1970-01-01.
std::optional<int64_t> ParseDate(std::string_view text);

// Prints an instant in the ledger time zone: "2025-03-01T09:30:00+08:00", with ".mmm"
// milliseconds when the instant is not a whole second.
std::string FormatInstant(int64_t micros);

// The calendar date of an instant in the ledger time zone.
struct CivilDay {
  int64_t year;
  int month;  // 1–12
  int day;    // 1–31
};
CivilDay LedgerDay(int64_t micros);

// The wall clock, in microseconds.
int64_t SystemNowMicros();

}  // namespace wulian
