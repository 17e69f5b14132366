// Stream IDs and the number parsing of t_stream.c / util.c, including their
// edge cases: string2ull falls back to strtoull (so "007" and " 7" parse),
// "-"/"+" mean the smallest/largest ID except where an ID must be strict, and
// "<ms>-*" asks for a generated sequence (XADD only).
import type { Bytes, StreamId } from '../values';

export const UINT64_MAX = (1n << 64n) - 1n;
const LLONG_MAX = (1n << 63n) - 1n;
const LLONG_MIN = -(1n << 63n);

export const ZERO_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: UINT64_MAX, seq: UINT64_MAX };

export const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const SYNTAX_ERROR = 'ERR syntax error';

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isZeroId(id: StreamId): boolean {
  return id.ms === 0n && id.seq === 0n;
}

/** `<ms>-<seq>`: the reply form, and the key of PEL maps in the value model. */
export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

export function parseIdKey(key: string): StreamId {
  const dash = key.indexOf('-');
  return { ms: BigInt(key.slice(0, dash)), seq: BigInt(key.slice(dash + 1)) };
}

/** The next ID, or null past the last possible one (streamIncrID's C_ERR). */
export function incrId(id: StreamId): StreamId | null {
  if (id.seq === UINT64_MAX) {
    if (id.ms === UINT64_MAX) return null;
    return { ms: id.ms + 1n, seq: 0n };
  }
  return { ms: id.ms, seq: id.seq + 1n };
}

/** The previous ID, or null before 0-0 (streamDecrID's C_ERR). */
export function decrId(id: StreamId): StreamId | null {
  if (id.seq === 0n) {
    if (id.ms === 0n) return null;
    return { ms: id.ms - 1n, seq: UINT64_MAX };
  }
  return { ms: id.ms, seq: id.seq - 1n };
}

/**
 * The value of a canonical decimal int64 ("0", no sign on 0, no leading
 * zeros, no spaces) as a JS number when it has at most 15 digits (exact),
 * NaN when it is not canonical, and Infinity when it is canonical but longer
 * (the caller needs a BigInt). Every XADD the master sends carries two of
 * these (its ID) and usually a third (MAXLEN): BigInt(string) costs them
 * ~100 ns each, this loop a few.
 */
function canonicalShort(s: string): number {
  const n = s.length;
  if (n === 0 || n > 20) return Number.NaN;
  let i = 0;
  const negative = s.charCodeAt(0) === 0x2d;
  if (negative) i++;
  if (i >= n) return Number.NaN;
  let c = s.charCodeAt(i) - 0x30;
  if (c === 0 && n === 1) return 0;
  if (c < 1 || c > 9) return Number.NaN;
  let v = c;
  for (let j = i + 1; j < n; j++) {
    c = s.charCodeAt(j) - 0x30;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  if (n - i > 15) return Number.POSITIVE_INFINITY;
  return negative ? -v : v;
}

/** string2ll: a canonical decimal int64 ("0", no sign on 0, no leading zeros, no spaces). */
export function string2ll(s: string): bigint | null {
  const short = canonicalShort(s);
  if (Number.isNaN(short)) return null;
  if (short !== Number.POSITIVE_INFINITY) return BigInt(short);
  const v = BigInt(s);
  return v > LLONG_MAX || v < LLONG_MIN ? null : v;
}

const SPACE = /^[ \t\n\v\f\r]*/;

/** string2ull: string2ll when it can, else strtoull (leading spaces, sign, leading zeros; "-n" wraps). */
export function string2ull(s: string): bigint | null {
  const ll = string2ll(s);
  if (ll !== null) return ll < 0n ? null : ll;
  const m = /^([+-]?)([0-9]+)$/.exec(s.replace(SPACE, ''));
  if (!m) return null;
  const v = BigInt(m[2]!);
  if (v > UINT64_MAX) return null; // ERANGE
  return m[1] === '-' && v !== 0n ? (1n << 64n) - v : v;
}

export interface ParsedId {
  id: StreamId;
  /** false for the `<ms>-*` form (only when allowed) */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply. `strict` refuses "-" and "+"; `allowSeqStar`
 * accepts `<ms>-*` (XADD). Returns null for an invalid ID (INVALID_ID).
 */
export function parseId(s: Bytes, missingSeq: bigint, strict: boolean, allowSeqStar = false): ParsedId | null {
  if (s.length > 127) return null;
  // Redis copies the argument into a C string: a NUL byte ends it.
  const nul = s.indexOf('\0');
  const buf = nul === -1 ? s : s.slice(0, nul);
  if (buf === '-' || buf === '+') {
    if (strict) return null;
    return { id: buf === '-' ? ZERO_ID : MAX_ID, seqGiven: true };
  }
  const dash = buf.indexOf('-');
  const ms = string2ull(dash === -1 ? buf : buf.slice(0, dash));
  if (ms === null) return null;
  if (dash === -1) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const rest = buf.slice(dash + 1);
  if (allowSeqStar && rest === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = string2ull(rest);
  if (seq === null) return null;
  return { id: { ms, seq }, seqGiven: true };
}

/** A strict ID (no "-"/"+"), or null. */
export function parseStrictId(s: Bytes): StreamId | null {
  return parseId(s, 0n, true)?.id ?? null;
}

/**
 * streamParseIntervalIDOrReply followed by the range adjustment the callers do:
 * "(" excludes the bound (strict ID), so start moves up and end moves down.
 */
export function parseRangeBound(s: Bytes, isStart: boolean): StreamId | string {
  const exclude = s.length > 1 && s[0] === '(';
  const parsed = exclude ? parseId(s.slice(1), isStart ? 0n : UINT64_MAX, true) : parseId(s, isStart ? 0n : UINT64_MAX, false);
  if (!parsed) return INVALID_ID;
  if (!exclude) return parsed.id;
  const moved = isStart ? incrId(parsed.id) : decrId(parsed.id);
  if (!moved) return isStart ? 'ERR invalid start ID for the interval' : 'ERR invalid end ID for the interval';
  return moved;
}

/** getLongLongFromObjectOrReply: an int64 as a JS number (exact below 2^53; counts beyond that saturate harmlessly). */
export function parseLongLong(s: Bytes): number | null {
  const short = canonicalShort(s);
  if (Number.isNaN(short)) return null;
  if (short !== Number.POSITIVE_INFINITY) return short;
  const v = string2ll(s);
  return v === null ? null : Number(v);
}
