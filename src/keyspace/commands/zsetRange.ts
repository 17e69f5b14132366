// Sorted-set ordering and ranges (t_zset.c zslParseRange, zslParseLexRange,
// the rank/score/lex walkers). The value model keeps member → score; the order
// (score, then member bytes as memcmp) is computed here when a command needs it.
import type { Bytes, Value } from '../values';

export type ZsetValue = Extract<Value, { type: 'zset' }>;
export type ZEntry = [member: Bytes, score: number];

export function cmpEntry(a: ZEntry, b: ZEntry): number {
  if (a[1] < b[1]) return -1;
  if (a[1] > b[1]) return 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

export function sortedEntries(z: ZsetValue): ZEntry[] {
  return [...z.scores].sort(cmpEntry);
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

export function byRank(sorted: ZEntry[], start: number, end: number, rev: boolean): ZEntry[] {
  const b = rankBounds(start, end, sorted.length);
  if (!b) return [];
  if (!rev) return sorted.slice(b[0], b[1] + 1);
  const n = sorted.length;
  const out: ZEntry[] = [];
  for (let i = b[0]; i <= b[1]; i++) out.push(sorted[n - 1 - i]!);
  return out;
}

/**
 * The C walkers: find the first element (from the head, or the tail for REV)
 * on the near side of the range, give up unless it is also within the far
 * side; then skip `offset` elements unchecked and take up to `limit` (-1 = all)
 * while they stay within the far side. A negative offset yields nothing and a
 * negative limit means all (`while (offset--)` / `while (limit--)`).
 */
function walk(sorted: ZEntry[], near: (e: ZEntry) => boolean, far: (e: ZEntry) => boolean, offset: number, limit: number, rev: boolean): ZEntry[] {
  const out: ZEntry[] = [];
  const n = sorted.length;
  if (offset > 0 && offset >= n) return out;
  const at = (k: number): ZEntry => sorted[rev ? n - 1 - k : k]!;
  let k = 0;
  while (k < n && !near(at(k))) k++;
  if (k === n || !far(at(k))) return out;
  if (offset < 0) return out;
  k += offset;
  for (; k < n && limit !== 0; k++, limit--) {
    const e = at(k);
    if (!far(e)) break;
    out.push(e);
  }
  return out;
}

export function byScore(sorted: ZEntry[], r: ScoreRange, offset: number, limit: number, rev: boolean): ZEntry[] {
  const min = (e: ZEntry) => gteMin(e[1], r), max = (e: ZEntry) => lteMax(e[1], r);
  if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return [];
  return rev ? walk(sorted, max, min, offset, limit, true) : walk(sorted, min, max, offset, limit, false);
}

export function byLex(sorted: ZEntry[], r: LexRange, offset: number, limit: number, rev: boolean): ZEntry[] {
  const min = (e: ZEntry) => lexGteMin(e[0], r.min), max = (e: ZEntry) => lexLteMax(e[0], r.max);
  if (lexRangeEmpty(r)) return [];
  return rev ? walk(sorted, max, min, offset, limit, true) : walk(sorted, min, max, offset, limit, false);
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
 * Whether redis-server's lex walk has one answer. A lex range over members
 * with different scores is "undefined" in Redis: a listpack is scanned from
 * the head (deterministic, what byLex does), but a skiplist is entered by a
 * descent whose path depends on the nodes' random levels. That descent lands
 * on the same node whatever the levels only when the near-side test is
 * monotone along the order (all failing elements before all passing ones).
 */
export function lexWalkIsDeterministic(sorted: ZEntry[], r: LexRange, rev: boolean, listpack: boolean): boolean {
  if (listpack) return true;
  const near = rev ? (e: ZEntry) => lexLteMax(e[0], r.max) : (e: ZEntry) => lexGteMin(e[0], r.min);
  const n = sorted.length;
  let passed = false;
  for (let k = 0; k < n; k++) {
    const ok = near(sorted[rev ? n - 1 - k : k]!);
    if (ok) passed = true;
    else if (passed) return false;
  }
  return true;
}
