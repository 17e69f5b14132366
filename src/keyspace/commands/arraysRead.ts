// Array reads on the replica's port (t_array.c), RESP2 as a 2026-06 server
// answers: the order of checks (a WRONGTYPE before or after an index error),
// the error texts and the reply shapes are Redis's. AROP and ARGREP have
// their own files.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ReadCommand } from '../command';
import { scanArray } from '../arrayScan';
import { SLICE_SIZE } from '../arraySlices';
import { shortestD2string as d2string } from '../doubles';
import { advance, indexValue, retreat, splitIndex, type ArrayIndex } from '../sparseArray';
import type { Bytes } from '../values';
import { arrayForRead, ERR_INDEX, ERR_LIMIT, parseArrayIndex, UINT64_MAX, unsignedReply } from './arraysArgs';
import { bulk, ERR_NOT_INT, ERR_SYNTAX, int, NIL, parseInt64, rerr, wrongArity, WRONGTYPE } from './util';

const requires = 'redis-8.8-commands' as const;

export function arrayRead(name: string, arity: number, run: ReadCommand['run']): ReadCommand {
  return { name, arity, run, requires };
}

const valueReply = (v: Bytes | null): ReplyValue => (v === null ? NIL : bulk(v));

/** ARGETRANGE's fixed bound on the positions one reply may hold. */
const RANGE_MAX = 1_000_000n;

// ARGET key index: the type is checked before the index.
const arget = arrayRead('arget', 3, (ctx, argv) => {
  const a = arrayForRead(ctx, argv[1]!);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const i = parseArrayIndex(argv[2]!);
  if (i === null) return rerr(ERR_INDEX);
  if (a === null) return NIL;
  const p = splitIndex(i);
  return valueReply(a.array.get(p.sid, p.off));
});

// ARMGET key index [index …]
const armget = arrayRead('armget', -3, (ctx, argv) => {
  const a = arrayForRead(ctx, argv[1]!);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const at: ArrayIndex[] = [];
  for (let j = 2; j < argv.length; j++) {
    const i = parseArrayIndex(argv[j]!);
    if (i === null) return rerr(ERR_INDEX);
    at.push(splitIndex(i));
  }
  return reply.array(at.map((p) => (a === null ? NIL : valueReply(a.array.get(p.sid, p.off)))));
});

// ARGETRANGE key start end: every position, holes as nulls, descending when start > end.
const argetrange = arrayRead('argetrange', 4, (ctx, argv) => {
  const start = parseArrayIndex(argv[2]!);
  if (start === null) return rerr(ERR_INDEX);
  const end = parseArrayIndex(argv[3]!);
  if (end === null) return rerr(ERR_INDEX);
  const a = arrayForRead(ctx, argv[1]!);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const reverse = start > end;
  const lo = reverse ? end : start, hi = reverse ? start : end;
  const len = hi - lo + 1n;
  if (len > RANGE_MAX) return rerr(`ERR range exceeds maximum of ${RANGE_MAX} items`);
  const n = Number(len);
  const out: ReplyValue[] = new Array<ReplyValue>(n);
  if (a === null) return reply.array(out.fill(NIL));
  const p = splitIndex(reverse ? hi : lo);
  for (let k = 0; k < n; k++) {
    out[k] = valueReply(a.array.get(p.sid, p.off));
    if (k + 1 < n) {
      if (reverse) retreat(p);
      else advance(p);
    }
  }
  return reply.array(out);
});

// ARLEN key: max index + 1. ARCOUNT key: values held.
const arlen = arrayRead('arlen', 2, (ctx, argv) => {
  const a = arrayForRead(ctx, argv[1]!);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  return a === null ? int(0) : unsignedReply(a.array.length());
});

const arcount = arrayRead('arcount', 2, (ctx, argv) => {
  const a = arrayForRead(ctx, argv[1]!);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  return int(a === null ? 0 : a.array.count);
});

// ARSCAN key start end [LIMIT count]: the values only, as [index, value] pairs.
const arscan = arrayRead('arscan', -4, (ctx, argv) => {
  const start = parseArrayIndex(argv[2]!);
  if (start === null) return rerr(ERR_INDEX);
  const end = parseArrayIndex(argv[3]!);
  if (end === null) return rerr(ERR_INDEX);
  let limit = Infinity;
  if (argv.length === 6) {
    if (argv[4]!.toLowerCase() !== 'limit') return rerr(ERR_SYNTAX);
    const ll = parseInt64(argv[5]!);
    if (ll === null) return rerr(ERR_NOT_INT);
    if (ll <= 0n) return rerr(ERR_LIMIT);
    limit = Number(ll);
  } else if (argv.length !== 4) return rerr(wrongArity('arscan'));
  const a = arrayForRead(ctx, argv[1]!);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const out: ReplyValue[] = [];
  if (a === null) return reply.array(out);
  const reverse = start > end;
  const lo = splitIndex(reverse ? end : start), hi = splitIndex(reverse ? start : end);
  scanArray(a.array, lo, hi, reverse, (sid, off, v) => {
    out.push(reply.array([unsignedReply(indexValue(sid, off)), bulk(v)]));
    return out.length < limit;
  });
  return reply.array(out);
});

// ARNEXT key: where the next ARINSERT writes; null once the index space is used up.
const arnext = arrayRead('arnext', 2, (ctx, argv) => {
  const a = arrayForRead(ctx, argv[1]!);
  if (a === null) return int(0);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const idx = a.array.insertIdx;
  if (idx === null) return int(0);
  if (idx === UINT64_MAX - 1n) return NIL;
  return unsignedReply(idx + 1n);
});

// ARLASTITEMS key count [REV]: the positions back from the cursor (holes as nulls), oldest first unless REV.
const arlastitems = arrayRead('arlastitems', -3, (ctx, argv) => {
  const count = parseInt64(argv[2]!);
  if (count === null) return rerr('ERR invalid COUNT');
  if (count <= 0n) return reply.array([]);
  let rev = false;
  if (argv.length === 4) {
    if (argv[3]!.toLowerCase() !== 'rev') return rerr(ERR_SYNTAX);
    rev = true;
  } else if (argv.length !== 3) return rerr(wrongArity('arlastitems'));
  const a = arrayForRead(ctx, argv[1]!);
  if (a === null) return reply.array([]);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const ar = a.array;
  const len = ar.length();
  const n = Number(count > BigInt(ar.count) ? BigInt(ar.count) : count);
  if (n === 0) return reply.array([]);
  const p = splitIndex(ar.insertIdx === null ? len - 1n : ar.insertIdx);
  const newestFirst: ReplyValue[] = [];
  for (let k = 0; k < n; k++) {
    newestFirst.push(valueReply(ar.get(p.sid, p.off)));
    if (p.sid === 0 && p.off === 0) Object.assign(p, splitIndex(len - 1n));
    else retreat(p);
  }
  return reply.array(rev ? newestFirst : newestFirst.reverse());
});

// ARINFO key [FULL]: counts and the layout; FULL walks every slice.
const arinfo = arrayRead('arinfo', -2, (ctx, argv) => {
  let full = false;
  if (argv.length > 2) {
    if (argv.length === 3 && argv[2]!.toLowerCase() === 'full') full = true;
    else return rerr(ERR_SYNTAX);
  }
  const a = arrayForRead(ctx, argv[1]!);
  if (a === null) return rerr('ERR no such key');
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const ar = a.array;
  const layout = ar.layout();
  const idx = ar.insertIdx;
  const out: ReplyValue[] = [
    bulk('count'), int(ar.count),
    bulk('len'), unsignedReply(ar.length()),
    bulk('next-insert-index'), idx === null || idx === UINT64_MAX - 1n ? int(0) : unsignedReply(idx + 1n),
    bulk('slices'), int(layout.slices),
    bulk('directory-size'), int(layout.directorySize),
    bulk('super-dir-entries'), int(layout.blocks),
    bulk('slice-size'), int(SLICE_SIZE),
  ];
  if (full) {
    const st = ar.sliceStats();
    const ratio = (num: number, den: number): ReplyValue => bulk(d2string(den > 0 ? num / den : 0));
    out.push(
      bulk('dense-slices'), int(st.dense),
      bulk('sparse-slices'), int(st.sparse),
      bulk('avg-dense-size'), ratio(st.denseWindow, st.dense),
      bulk('avg-dense-fill'), ratio(st.denseCount, st.denseWindow),
      bulk('avg-sparse-size'), ratio(st.sparseCap, st.sparse),
    );
  }
  return reply.array(out);
});

export const arrayReadCommands: ReadCommand[] = [arget, armget, argetrange, arlen, arcount, arscan, arnext, arlastitems, arinfo];
