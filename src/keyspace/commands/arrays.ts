// Array writes (t_array.c, Redis 8.8). A 2026-06 master propagates every one
// of them as the client sent it (captured: ARINSERT, ARRING and ARSEEK are not
// rewritten into ARSET forms), so the replica runs each exactly as the master
// ran it, cursor and ring rebuild included; only a write that changed nothing
// (ARDEL of nothing, ARSEEK of a missing key) never arrives.
import type { CommandContext, WriteCommand } from '../command';
import { advance, SparseArray, splitIndex, type ArrayIndex } from '../sparseArray';
import type { Bytes } from '../values';
import {
  arrayForWrite, arrayOrCreate, ERR_INDEX, ERR_INDEX_OVERFLOW, ERR_INSERT_OVERFLOW, parseArrayIndex, UINT64_MAX,
  type ArrayValue,
} from './arraysArgs';
import { fail, OK_OUTCOME, parseInt64, wrongArity, WRONGTYPE } from './util';

const requires = 'redis-8.8-commands' as const;

function arrayWrite(name: string, arity: number, apply: WriteCommand['apply']): WriteCommand {
  return { name, arity, apply, requires };
}

/** Writes argv[from…] at consecutive indexes from `start`; bulk writes let the range's slices go dense first. */
function setRun(ar: SparseArray, start: bigint, argv: Bytes[], from: number): void {
  const n = argv.length - from;
  const p = splitIndex(start);
  if (n > 1) ar.prepareRangeSet(p, splitIndex(start + BigInt(n - 1)));
  for (let j = from; j < argv.length; j++) {
    ar.set(p.sid, p.off, argv[j]!);
    advance(p);
  }
}

// ARSET key index value [value …]
const arset = arrayWrite('arset', -4, (ctx, argv) => {
  const start = parseArrayIndex(argv[2]!);
  if (start === null) return fail(ERR_INDEX);
  const last = start + BigInt(argv.length - 4);
  if (last >= UINT64_MAX) return fail(ERR_INDEX_OVERFLOW);
  const a = arrayOrCreate(ctx, argv[1]!);
  if (a === 'wrongtype') return fail(WRONGTYPE);
  setRun(a.array, start, argv, 3);
  return OK_OUTCOME;
});

// ARMSET key index value [index value …]
const armset = arrayWrite('armset', -4, (ctx, argv) => {
  if ((argv.length - 2) % 2 !== 0) return fail(wrongArity('armset'));
  const at: ArrayIndex[] = [];
  for (let j = 2; j < argv.length; j += 2) {
    const v = parseArrayIndex(argv[j]!);
    if (v === null) return fail(ERR_INDEX);
    at.push(splitIndex(v));
  }
  const a = arrayOrCreate(ctx, argv[1]!);
  if (a === 'wrongtype') return fail(WRONGTYPE);
  at.forEach((p, i) => a.array.set(p.sid, p.off, argv[3 + 2 * i]!));
  return OK_OUTCOME;
});

/** An emptied array is deleted with its key. */
function dropIfEmpty(ctx: CommandContext, key: Bytes, a: ArrayValue): void {
  if (a.array.count === 0) ctx.ks.db(ctx.db).delete(key);
}

// ARDEL key index [index …]
const ardel = arrayWrite('ardel', -3, (ctx, argv) => {
  const at: ArrayIndex[] = [];
  for (let j = 2; j < argv.length; j++) {
    const v = parseArrayIndex(argv[j]!);
    if (v === null) return fail(ERR_INDEX);
    at.push(splitIndex(v));
  }
  const a = arrayForWrite(ctx, argv[1]!);
  if (a === null) return OK_OUTCOME;
  if (a === 'wrongtype') return fail(WRONGTYPE);
  for (const p of at) a.array.del(p.sid, p.off);
  dropIfEmpty(ctx, argv[1]!, a);
  return OK_OUTCOME;
});

// ARDELRANGE key start end [start end …]: each pair in either order.
const ardelrange = arrayWrite('ardelrange', -4, (ctx, argv) => {
  if ((argv.length - 2) % 2 !== 0) return fail(wrongArity('ardelrange'));
  const ranges: [bigint, bigint][] = [];
  for (let j = 2; j < argv.length; j += 2) {
    const s = parseArrayIndex(argv[j]!);
    if (s === null) return fail(ERR_INDEX);
    const e = parseArrayIndex(argv[j + 1]!);
    if (e === null) return fail(ERR_INDEX);
    ranges.push(s <= e ? [s, e] : [e, s]);
  }
  const a = arrayForWrite(ctx, argv[1]!);
  if (a === null) return OK_OUTCOME;
  if (a === 'wrongtype') return fail(WRONGTYPE);
  for (const [lo, hi] of ranges) a.array.deleteRange(splitIndex(lo), splitIndex(hi));
  dropIfEmpty(ctx, argv[1]!, a);
  return OK_OUTCOME;
});

/** Where ARINSERT and ARRING write next, before ARRING's modulo. */
function nextCursor(ar: SparseArray): bigint {
  return ar.insertIdx === null ? 0n : ar.insertIdx + 1n;
}

// ARINSERT key value [value …]: at the insert cursor, which then names the last one written.
const arinsert = arrayWrite('arinsert', -3, (ctx, argv) => {
  const a = arrayOrCreate(ctx, argv[1]!);
  if (a === 'wrongtype') return fail(WRONGTYPE);
  const ar = a.array;
  if (ar.insertIdx !== null && ar.insertIdx >= UINT64_MAX - 1n) return fail(ERR_INSERT_OVERFLOW);
  const start = nextCursor(ar);
  const last = start + BigInt(argv.length - 3);
  if (last >= UINT64_MAX) return fail(ERR_INSERT_OVERFLOW);
  setRun(ar, start, argv, 2);
  ar.insertIdx = last;
  return OK_OUTCOME;
});

/**
 * ARRING's resize: a new array holding the newest contiguous run of values
 * (walking back from the cursor, at most `keep`, stopping at the first hole),
 * oldest at 0, the cursor on the newest. O(keep), as in Redis.
 */
function ringRework(ar: SparseArray, span: bigint, keep: bigint): SparseArray {
  const rebuilt = new SparseArray();
  const back = (i: bigint): bigint => (i === 0n ? span - 1n : i - 1n);
  let src = ar.insertIdx === null ? span - 1n : ar.insertIdx % span;
  let kept = 0n;
  while (kept < keep) {
    const p = splitIndex(src);
    if (ar.get(p.sid, p.off) === null) break;
    kept++;
    src = back(src);
  }
  src = src + 1n === span ? 0n : src + 1n;
  const dst: ArrayIndex = { sid: 0, off: 0 };
  for (let n = 0n; n < kept; n++) {
    const p = splitIndex(src);
    rebuilt.set(dst.sid, dst.off, ar.get(p.sid, p.off)!);
    advance(dst);
    src = src + 1n === span ? 0n : src + 1n;
  }
  if (kept > 0n) rebuilt.insertIdx = kept - 1n;
  return rebuilt;
}

/** How much of the old ring a resize keeps, or null when no rebuild is needed (arRingNeedsRework). */
function reworkKeep(ar: SparseArray, size: bigint, span: bigint): bigint | null {
  if (span === 0n || size === span) return null;
  if (size < span) return size;
  // Growing a ring that already wrapped: without a rebuild the next write would land on old low indexes.
  if (ar.insertIdx === null || nextCursor(ar) >= span) return null;
  return span;
}

// ARRING key size value [value …]
const arring = arrayWrite('arring', -4, (ctx, argv) => {
  const ll = parseInt64(argv[2]!);
  if (ll === null) return fail('ERR invalid size');
  if (ll <= 0n) return fail('ERR size must be positive');
  const a = arrayOrCreate(ctx, argv[1]!);
  if (a === 'wrongtype') return fail(WRONGTYPE);
  const span = a.array.length();
  const keep = reworkKeep(a.array, ll, span);
  if (keep !== null) a.array = ringRework(a.array, span, keep);
  const ar = a.array;
  for (let j = 3; j < argv.length; j++) {
    let cursor = nextCursor(ar);
    if (cursor >= ll) cursor %= ll;
    const p = splitIndex(cursor);
    ar.set(p.sid, p.off, argv[j]!);
    ar.insertIdx = cursor;
  }
  return OK_OUTCOME;
});

// ARSEEK key index: the next ARINSERT/ARRING writes at index (0 resets the cursor).
const arseek = arrayWrite('arseek', 3, (ctx, argv) => {
  const idx = parseArrayIndex(argv[2]!, true);
  if (idx === null) return fail(ERR_INDEX);
  const a = arrayForWrite(ctx, argv[1]!);
  if (a === null) return OK_OUTCOME;
  if (a === 'wrongtype') return fail(WRONGTYPE);
  a.array.insertIdx = idx === 0n ? null : idx - 1n;
  return OK_OUTCOME;
});

export const arrayWriteCommands: WriteCommand[] = [arset, armset, ardel, ardelrange, arinsert, arring, arseek];
