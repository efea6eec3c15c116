#include "base/time.h"

#include <chrono>
#include <cstdio>

namespace wulian {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; advances pos.
bool Digits(std::string_view s, size_t* pos, int n, int64_t* out) {
  if (*pos + n > s.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

std::optional<int64_t> ParseDateAt(std::string_view s, size_t* pos) {
  int64_t y, m, d;
  if (!Digits(s, pos, 4, &y) || !Expect(s, pos, '-') || !Digits(s, pos, 2, &m) ||
      !Expect(s, pos, '-') || !Digits(s, pos, 2, &d)) {
    return std::nullopt;
  }
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<int>(m))) {
    return std::nullopt;
  }
  return DaysFromCivil(y, m, d);
}

}  // namespace

std::optional<int64_t> ParseDate(std::string_view text) {
  size_t pos = 0;
  auto days = ParseDateAt(text, &pos);
  if (!days || pos != text.size()) return std::nullopt;
  return days;
}

std::optional<int64_t> ParseInstant(std::string_view s) {
  size_t pos = 0;
  auto days = ParseDateAt(s, &pos);
  int64_t hh, mm, ss;
  if (!days || !Expect(s, &pos, 'T') || !Digits(s, &pos, 2, &hh) || !Expect(s, &pos, ':') ||
      !Digits(s, &pos, 2, &mm) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 6) micros = micros * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0 || n > 9) return std::nullopt;
    for (int i = n; i < 6; ++i) micros *= 10;
  }
  int64_t offset = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int64_t sign = s[pos] == '+' ? 1 : -1;
    ++pos;
    int64_t oh, om;
    if (!Digits(s, &pos, 2, &oh) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &om) || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t seconds = *days * 86400 + hh * 3600 + mm * 60 + ss - offset;
  return seconds * kMicrosPerSecond + micros;
}

std::string FormatInstant(int64_t micros) {
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t frac = micros % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --seconds;
  }
  const int64_t local = seconds + kLedgerOffsetSeconds;
  int64_t days = local / 86400;
  int64_t rem = local % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  const int hh = static_cast<int>(rem / 3600), mi = static_cast<int>(rem / 60 % 60),
            ss = static_cast<int>(rem % 60);
  if (frac / 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d+08:00",
                  static_cast<long long>(y), m, d, hh, mi, ss);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%03d+08:00",
                  static_cast<long long>(y), m, d, hh, mi, ss, static_cast<int>(frac / 1000));
  }
  return buf;
}

CivilDay LedgerDay(int64_t micros) {
  int64_t seconds = micros / kMicrosPerSecond;
  if (micros % kMicrosPerSecond < 0) --seconds;
  int64_t local = seconds + kLedgerOffsetSeconds;
  int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  CivilDay out{};
  CivilFromDays(days, &out.year, &out.month, &out.day);
  return out;
}

int64_t SystemNowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace wulian
