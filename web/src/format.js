// Dates and times of the ledger are shown in +08:00, whatever the browser's time zone.
const OFFSET_MS = 8 * 3600 * 1000;
const pad = (n, w = 2) => String(n).padStart(w, '0');

let currentLocale = 'zh-CN';
export function setFormatLocale(locale) {
  currentLocale = locale;
}

// Wall-clock parts in +08:00 of an instant (an RFC 3339 string, a Date or epoch ms).
function parts(value) {
  const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + OFFSET_MS);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}

// "2026年11月26日 09:30" (or "2026-11-26 09:30" in English).
export function formatDateTime(value) {
  if (value == null || value === '') return '—';
  const p = parts(value);
  if (!p) return String(value);
  const time = `${pad(p.h)}:${pad(p.mi)}`;
  if (currentLocale === 'en') return `${p.y}-${pad(p.m)}-${pad(p.d)} ${time}`;
  return `${p.y}年${pad(p.m)}月${pad(p.d)}日 ${time}`;
}

// A date: "YYYY-MM-DD" is taken as it is; an instant is taken in +08:00.
export function formatDate(value) {
  if (value == null || value === '') return '—';
  let y, m, d;
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (plain) [y, m, d] = [plain[1], plain[2], plain[3]];
  else {
    const p = parts(value);
    if (!p) return String(value);
    [y, m, d] = [p.y, pad(p.m), pad(p.d)];
  }
  return currentLocale === 'en' ? `${y}-${m}-${d}` : `${y}年${m}月${d}日`;
}

// "YYYY-MM-DD" in +08:00 of an instant.
export function isoDate(value = Date.now()) {
  const p = parts(value);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

// "YYYY-MM" in +08:00 of an instant.
export function isoMonth(value = Date.now()) {
  const p = parts(value);
  return `${p.y}-${pad(p.m)}`;
}

// The wall clock "YYYY-MM-DDTHH:mm:ss" in +08:00 (what the date pickers edit).
export function wallClock(value = Date.now()) {
  const p = parts(value);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

// RFC 3339 with +08:00 from a wall clock "YYYY-MM-DDTHH:mm[:ss]" picked in +08:00.
export function withOffset(wall) {
  if (!wall) return wall;
  const full = wall.length === 16 ? `${wall}:00` : wall;
  return `${full}+08:00`;
}

// The RFC 3339 instant of now, in +08:00, to the second.
export function nowRfc3339() {
  return withOffset(wallClock());
}

// Whole days between two instants (b − a), rounded down.
export function daysBetween(a, b = Date.now()) {
  const ta = typeof a === 'number' ? a : Date.parse(a);
  const tb = typeof b === 'number' ? b : Date.parse(b);
  return Math.floor((tb - ta) / 86400000);
}

// The last n months "YYYY-MM", oldest first, ending with the month of `now` (+08:00).
export function lastMonths(n, now = Date.now()) {
  const p = parts(now);
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    let y = p.y;
    let m = p.m - i;
    while (m <= 0) { m += 12; y -= 1; }
    out.push(`${y}-${pad(m)}`);
  }
  return out;
}

export function formatNumber(n) {
  if (n == null) return '—';
  return Number(n).toLocaleString(currentLocale === 'en' ? 'en-US' : 'zh-CN');
}
