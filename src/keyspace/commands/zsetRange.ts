// Sorted-set ranges (t_zset.c zslParseRange, zslParseLexRange, the rank/score/lex
// walkers) over the ordered index (zsetIndex.ts): a range is found as a span of
// ranks by O(log n) seeks, then walked or removed in O(m).
import type { Bytes } from '../values';
import { cmpKey, type KeyTest, type ZEntry, Zset } from '../zsetIndex';

export type ZsetValue = Zset;
export type { ZEntry };

export function cmpEntry(a: ZEntry, b: ZEntry): number {
  return cmpKey(a[1], a[0], b[1], b[0]);
}

export interface ScoreRange { min: number; max: number; minex: boolean; maxex: boolean }

const LOOSE_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?)$/i;

/**
 * Plain strtod as zslParseRange uses it: leading white space allowed,
 * overflow to ±inf and underflow to 0 accepted, "" reads as 0, NaN refused.
 */
export function looseDouble(s: Bytes): number | null {
  if (s.length === 0) return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (!LOOSE_FLOAT.test(t)) return null;
  const body = t.replace(/^[+-]/, '');
  const neg = t.startsWith('-');
  let v: number;
  if (/^inf/i.test(body)) v = Infinity;
  else if (/^0x/i.test(body)) v = hexFloat(body);
  else v = Number(body);
  return neg ? -v : v;
}

function hexFloat(body: string): number {
  const m = /^0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/i.exec(body)!;
  const digits = (m[1]! + m[2]!).replace(/^0+/, '') || '0';
  const e = (m[3] ? Number(m[3]) : 0) - 4 * m[2]!.length;
  return Number(BigInt('0x' + digits)) * 2 ** e;
}

export function parseScoreRange(min: Bytes, max: Bytes): ScoreRange | null {
  const a = parseBound(min), b = parseBound(max);
  if (!a || !b) return null;
  return { min: a[0], minex: a[1], max: b[0], maxex: b[1] };
}

function parseBound(s: Bytes): [number, boolean] | null {
  const ex = s.charCodeAt(0) === 40; /* ( */
  const v = looseDouble(ex ? s.slice(1) : s);
  return v === null ? null : [v, ex];
}

export const gteMin = (v: number, r: ScoreRange): boolean => (r.minex ? v > r.min : v >= r.min);
export const lteMax = (v: number, r: ScoreRange): boolean => (r.maxex ? v < r.max : v <= r.max);

/** A lex bound: '-' / '+' are the extremes; otherwise inclusive '[' or exclusive '('. */
export interface LexBound { kind: 'min' | 'max' | 'value'; value: Bytes; ex: boolean }
export interface LexRange { min: LexBound; max: LexBound }

function parseLexItem(s: Bytes): LexBound | null {
  switch (s[0]) {
    case '+':
      return s.length === 1 ? { kind: 'max', value: '', ex: true } : null;
    case '-':
      return s.length === 1 ? { kind: 'min', value: '', ex: true } : null;
    case '(':
      return { kind: 'value', value: s.slice(1), ex: true };
    case '[':
      return { kind: 'value', value: s.slice(1), ex: false };
    default:
      return null;
  }
}

export function parseLexRange(min: Bytes, max: Bytes): LexRange | null {
  const a = parseLexItem(min), b = parseLexItem(max);
  return a && b ? { min: a, max: b } : null;
}

export function lexGteMin(v: Bytes, b: LexBound): boolean {
  if (b.kind === 'min') return true;
  if (b.kind === 'max') return false;
  return b.ex ? v > b.value : v >= b.value;
}

export function lexLteMax(v: Bytes, b: LexBound): boolean {
  if (b.kind === 'max') return true;
  if (b.kind === 'min') return false;
  return b.ex ? v < b.value : v <= b.value;
}

/** Rank range after Redis's normalisation; null when empty. */
export function rankBounds(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

/** `count` elements from rank `start`, towards the head when `rev`. */
export interface Span { start: number; count: number; rev: boolean }

/** The ascending rank range [first, first + count) a span covers. */
export function ascending(s: Span): [first: number, count: number] {
  return s.rev ? [s.start - s.count + 1, s.count] : [s.start, s.count];
}

export function rankSpan(z: Zset, start: number, end: number, rev: boolean): Span | null {
  const b = rankBounds(start, end, z.size);
  if (!b) return null;
  return { start: rev ? z.size - 1 - b[0] : b[0], count: b[1] - b[0] + 1, rev };
}

/** The elements of a span, in its direction. */
export function spanEntries(z: Zset, s: Span | null): ZEntry[] {
  const out: ZEntry[] = [];
  if (!s) return out;
  z.walk(s.start, s.rev, (m, score) => {
    out.push([m, score]);
    return out.length < s.count;
  });
  return out;
}

/**
 * The C walkers: find the first element (from the head, or the tail for REV)
 * on the near side of the range, give up unless it is also within the far
 * side; then skip `offset` elements unchecked and take up to `limit` (-1 = all)
 * while they stay within the far side. A negative offset yields nothing and a
 * negative limit means all (`while (offset--)` / `while (limit--)`).
 * When both tests are monotone along the order (score ranges, lex ranges over
 * equal scores) both ends are O(log n) seeks; otherwise (a lex range over
 * mixed scores) the walk is linear, as a listpack's is.
 */
function span(z: Zset, near: KeyTest, far: KeyTest, offset: number, limit: number, rev: boolean, monotone: boolean): Span | null {
  const n = z.size;
  if (n === 0 || offset < 0) return null;
  let k: number;
  if (monotone) k = rev ? z.seek((s, m) => !near(s, m)) - 1 : z.seek(near);
  else k = linearFind(z, near, rev);
  if (k < 0 || k >= n) return null;
  const [m0, s0] = z.at(k);
  if (!far(s0, m0)) return null;
  const start = rev ? k - offset : k + offset;
  if (start < 0 || start >= n) return null;
  const want = limit < 0 ? n : limit;
  let count: number;
  if (monotone) {
    const end = rev ? z.seek(far) - 1 : z.seek((s, m) => !far(s, m));
    count = Math.min(want, rev ? start - end : end - start);
  } else {
    count = 0;
    z.walk(start, rev, (m, s) => far(s, m) && ++count < want);
  }
  return count > 0 ? { start, count, rev } : null;
}

function linearFind(z: Zset, test: KeyTest, rev: boolean): number {
  let k = -1, i = 0;
  z.walk(rev ? z.size - 1 : 0, rev, (m, s) => {
    if (test(s, m)) {
      k = rev ? z.size - 1 - i : i;
      return false;
    }
    i++;
    return true;
  });
  return k;
}

export function scoreSpan(z: Zset, r: ScoreRange, offset: number, limit: number, rev: boolean): Span | null {
  if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return null;
  const min: KeyTest = (s) => gteMin(s, r), max: KeyTest = (s) => lteMax(s, r);
  return rev ? span(z, max, min, offset, limit, true, true) : span(z, min, max, offset, limit, false, true);
}

export function lexSpan(z: Zset, r: LexRange, offset: number, limit: number, rev: boolean): Span | null {
  if (lexRangeEmpty(r)) return null;
  const min: KeyTest = (_s, m) => lexGteMin(m, r.min), max: KeyTest = (_s, m) => lexLteMax(m, r.max);
  // Member order is lex order only when every score is equal.
  const monotone = z.size === 0 || z.firstScore() === z.lastScore();
  return rev ? span(z, max, min, offset, limit, true, monotone) : span(z, min, max, offset, limit, false, monotone);
}

/** zslIsInLexRange's first test: min above max, or equal with an exclusive side. */
function lexRangeEmpty(r: LexRange): boolean {
  const cmp = cmpLex(r.min, r.max);
  return cmp > 0 || (cmp === 0 && (r.min.ex || r.max.ex));
}

/** sdscmplex: '-' below everything, '+' above, else memcmp. */
function cmpLex(a: LexBound, b: LexBound): number {
  if (a.kind !== 'value' && a.kind === b.kind) return 0;
  if (a.kind === 'min' || b.kind === 'max') return -1;
  if (a.kind === 'max' || b.kind === 'min') return 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/**
 * Whether the near-side lex test is monotone along the walk (all failing
 * elements before all passing ones). Always so when every score is equal (the
 * only case Redis defines); otherwise checked by a linear pass. A listpack is
 * scanned from the head by redis-server, which the linear walk reproduces; a
 * skiplist is entered by a descent whose landing node depends on its random
 * levels unless the test is monotone.
 */
export function lexNearIsMonotone(z: Zset, r: LexRange, rev: boolean): boolean {
  if (z.size === 0 || z.firstScore() === z.lastScore()) return true;
  const near = rev ? (m: Bytes) => lexLteMax(m, r.max) : (m: Bytes) => lexGteMin(m, r.min);
  let passed = false, monotone = true;
  z.walk(rev ? z.size - 1 : 0, rev, (m) => {
    if (near(m)) passed = true;
    else if (passed) monotone = false;
    return monotone;
  });
  return monotone;
}
