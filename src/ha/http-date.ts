/**
 * HTTP dates as Kea's heartbeat carries them in `date-time`: RFC 1123 (`Thu, 07 Nov 2019 08:49:37 GMT`),
 * which is what Kea sends. Reading also takes RFC 850 and asctime forms, as HTTP/1.1 (RFC 9110 §5.6.7) asks.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Formats seconds since the epoch as an RFC 1123 date (always GMT). */
export function formatHttpDate(epochSec: number): string {
  return new Date(Math.floor(epochSec) * 1000).toUTCString();
}

const RFC1123 = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850 = /^[A-Z][a-z]+day, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** Seconds since the epoch, or null when the text is not an HTTP date or names an impossible time. */
export function parseHttpDate(text: string): number | null {
  let m = RFC1123.exec(text);
  if (m !== null) return build(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = RFC850.exec(text);
  if (m !== null) {
    const yy = Number(m[3]);
    return build(String(yy < 70 ? 2000 + yy : 1900 + yy), m[2], m[1], m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(text);
  if (m !== null) return build(m[6], m[1], m[2]?.trim(), m[3], m[4], m[5]);
  return null;
}

function build(...parts: (string | undefined)[]): number | null {
  const [y, mon, d, h, mi, s] = parts;
  const month = MONTHS.indexOf(mon as (typeof MONTHS)[number]);
  const n = [y, d, h, mi, s].map(Number);
  const [year, day, hour, min, sec] = n as [number, number, number, number, number];
  if (month < 0 || n.some((x) => !Number.isInteger(x)) || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return null;
  const ms = Date.UTC(year, month, day, hour, min, sec);
  // Reject dates the calendar rolled over (31 Feb).
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms / 1000;
}
