// How a version prints a double, by where it prints it. Redis 7.0 uses
// printf("%.17g"); from 7.2 (and in Valkey) the same places use fpconv_dtoa,
// the Grisu2 text (feature `shortest-doubles`):
// - replies (addReplyDouble): 7.0 "%.17g"; 7.2+ d2string, which prints an
//   integral value within ±2^62 as an integer and anything else with fpconv;
// - DEBUG DIGEST of a zset: 7.0 "%.17g"; 7.2+ fpconv_dtoa directly (no integer
//   shortcut: 1e17 is "1e+17", 123456789012345680 is "123456789012345680");
// - the score a listpack zset stores (ZSCAN reads it back as stored): an
//   integer when double2ll accepts the score, else d2string;
// - ld2string(LD_STR_AUTO) ("%.17Lg", ZSCAN of a skiplist zset) is the same on
//   every version: formatG17 prints the same digits.
import type { KeyspaceDialect } from '../versions/profile';
import { formatG17 } from './formatDouble';
import { fpconvDtoa } from './fpconv';

const LLONG_HALF = 2 ** 62;

/** double2ll: the integer a score is stored and printed as, or null. */
function asLongLong(d: number): string | null {
  if (!Number.isInteger(d) || d < -LLONG_HALF || d > LLONG_HALF) return null;
  // Below 2^53 the number prints exactly; above it every double is an integer BigInt converts exactly.
  return Math.abs(d) < 2 ** 53 ? String(d) : BigInt(d).toString();
}

/** d2string: nan, ±inf, -0, integers within ±2^62, else "%.17g" (7.0) or fpconv (7.2+). */
export function d2string(dialect: KeyspaceDialect, d: number): string {
  return d2stringOf(d, dialect.has('shortest-doubles'));
}

/** d2string of 7.2 and later (what the 8.x-only types, arrays, print with). */
export function shortestD2string(d: number): string {
  return d2stringOf(d, true);
}

function d2stringOf(d: number, shortest: boolean): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const ll = asLongLong(d);
  if (ll !== null) return ll;
  return shortest ? fpconvDtoa(d) : formatG17(d);
}

/** addReplyDouble's text (RESP2 bulk). */
export function replyDouble(dialect: KeyspaceDialect, d: number): string {
  return dialect.has('shortest-doubles') ? d2string(dialect, d) : formatG17(d);
}

/** The score text DEBUG DIGEST / DIGEST-VALUE hash for a zset member. */
export function digestDouble(dialect: KeyspaceDialect, d: number): string {
  return dialect.has('shortest-doubles') ? fpconvDtoa(d) : formatG17(d);
}

/** The text a listpack zset holds for a score (zzlInsertAt: an integer entry when double2ll accepts it). */
export function listpackScoreText(dialect: KeyspaceDialect, d: number): string {
  return asLongLong(d) ?? d2string(dialect, d);
}
