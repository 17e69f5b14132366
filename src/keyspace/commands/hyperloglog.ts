// PFADD, PFMERGE and PFCOUNT (hyperloglog.c). A master replicates PFADD and
// PFMERGE as sent, and a single-key PFCOUNT that had to refresh the cached
// cardinality in the string's header as PFCOUNT too: applied here as that
// cache write. On the replica's port PFCOUNT is a pure read (it computes the
// count without touching the stored bytes).
import type { CommandContext, ReadCommand, WriteCommand } from '../command';
import { markRawString } from '../encoding';
import type { Bytes, Value } from '../values';
import {
  cachedCard, cacheValid, createHll, DENSE, denseSet, fromHll, HLL_REGISTERS, hllAdd, hllCount, hllMerge,
  invalidateCache, isValidHll, patLen, rawCount, setCachedCard, sparseSet, sparseToDense, toHll, type FixedHllBytes,
  type HllBytes,
} from './hllCore';
import { SdsString, stringByteAt } from '../sds';
import { writableString } from './strings';
import { fail, int, OK_OUTCOME, read, readEntry, rerr, write, writeEntry, WRONGTYPE } from './util';

type StringValue = Extract<Value, { type: 'string' }>;
const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const CORRUPT = 'INVALIDOBJ Corrupted HLL object detected';

/** isHLLObjectOrReply: the string value, or an error text. */
function hllOf(e: Value): StringValue | string {
  if (e.type !== 'string') return WRONGTYPE;
  return isValidHll(e) ? e : NOT_HLL;
}

/** The HLL's bytes for a read: an SdsString's own, else a copy of the string's. */
function readBytes(h: StringValue): FixedHllBytes {
  return h instanceof SdsString ? h.bytes() : Buffer.from(h.value, 'latin1');
}

/**
 * PFADD to a dense HLL, in place: its size never changes, so the registers
 * are set in the key's SdsString (raw from now on, as dbUnshareStringValue
 * leaves it) instead of a copy of all 12 KB per command.
 */
function pfaddDense(ctx: CommandContext, key: Bytes, h: StringValue, elements: Bytes[]): void {
  const s = writableString(ctx, key, h);
  const b = s.bytes();
  let updated = false;
  for (const ele of elements) {
    const [index, count] = patLen(ele);
    if (denseSet(b, index, count)) updated = true;
  }
  if (updated) {
    invalidateCache(b);
    s.touched();
  }
}

function store(v: StringValue, b: HllBytes): void {
  v.value = fromHll(b);
  markRawString(v);
}

const pfadd = write('pfadd', -2, (ctx, argv) => {
  const key = argv[1]!;
  const e = writeEntry(ctx, key);
  let v: StringValue;
  let b: HllBytes;
  let updated = false;
  if (!e) {
    v = { type: 'string', value: '' };
    b = createHll();
    markRawString(v); // before it is stored: a string with a tag is kept as its object, which store() fills
    ctx.ks.db(ctx.db).set(key, v);
    updated = true;
  } else {
    const h = hllOf(e);
    if (typeof h === 'string') return fail(h);
    if (stringByteAt(h, 4) === DENSE) {
      pfaddDense(ctx, key, h, argv.slice(2));
      return OK_OUTCOME;
    }
    v = h;
    b = toHll(v.value);
  }
  for (let j = 2; j < argv.length; j++) {
    const r = hllAdd(b, argv[j]!);
    if (!r) {
      store(v, b);
      return fail(CORRUPT);
    }
    b = r.bytes;
    if (r.changed) updated = true;
  }
  if (updated) invalidateCache(b);
  store(v, b);
  return OK_OUTCOME;
});

const pfmerge = write('pfmerge', -2, (ctx, argv) => {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const e = writeEntry(ctx, argv[j]!);
    if (!e) continue;
    const h = hllOf(e);
    if (typeof h === 'string') return fail(h);
    const b = readBytes(h);
    if (b[4] === DENSE) useDense = true;
    if (!hllMerge(max, b)) return fail(CORRUPT);
  }
  const key = argv[1]!;
  const e = writeEntry(ctx, key);
  let v: StringValue;
  let b: HllBytes;
  if (!e) {
    v = { type: 'string', value: '' };
    b = createHll();
    markRawString(v); // before it is stored: a string with a tag is kept as its object, which store() fills
    ctx.ks.db(ctx.db).set(key, v);
  } else {
    v = e as StringValue;
    b = toHll(v.value);
  }
  if (useDense) {
    const d = sparseToDense(b);
    if (!d) return fail(CORRUPT);
    b = d;
  }
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] === 0) continue;
    if (b[4] === DENSE) denseSet(b, j, max[j]!);
    else {
      const r = sparseSet(b, j, max[j]!);
      if (r) b = r.bytes;
    }
  }
  invalidateCache(b);
  store(v, b);
  return OK_OUTCOME;
});

/** The master's PFCOUNT refreshed the cached cardinality: do the same write. */
const pfcountWrite = write('pfcount', -2, (ctx, argv) => {
  if (argv.length > 2) {
    for (let j = 1; j < argv.length; j++) {
      const e = writeEntry(ctx, argv[j]!);
      if (!e) continue;
      const h = hllOf(e);
      if (typeof h === 'string') return fail(h);
    }
    return OK_OUTCOME; // several keys: computed in a scratch buffer, nothing stored
  }
  const e = writeEntry(ctx, argv[1]!);
  if (!e) return OK_OUTCOME;
  const h = hllOf(e);
  if (typeof h === 'string') return fail(h);
  const s = writableString(ctx, argv[1]!, h); // dbUnshareStringValue
  const b = s.bytes();
  if (cacheValid(b)) return OK_OUTCOME;
  const card = hllCount(b);
  if (card === null) return fail(CORRUPT);
  setCachedCard(b, card);
  s.touched();
  return OK_OUTCOME;
});

export const hllWriteCommands: WriteCommand[] = [pfadd, pfmerge, pfcountWrite];

// ---- reads ------------------------------------------------------------------

function countRead(ctx: CommandContext, keys: Bytes[]): number | string {
  if (keys.length === 1) {
    const e = readEntry(ctx, keys[0]!);
    if (!e) return 0;
    const h = hllOf(e);
    if (typeof h === 'string') return h;
    const b = readBytes(h);
    if (cacheValid(b)) return cachedCard(b);
    const c = hllCount(b);
    return c === null ? CORRUPT : c;
  }
  const max = new Uint8Array(HLL_REGISTERS);
  for (const k of keys) {
    const e = readEntry(ctx, k);
    if (!e) continue;
    const h = hllOf(e);
    if (typeof h === 'string') return h;
    if (!hllMerge(max, readBytes(h))) return CORRUPT;
  }
  return rawCount(max);
}

const pfcount = read('pfcount', -2, (ctx, argv) => {
  const r = countRead(ctx, argv.slice(1));
  return typeof r === 'string' ? rerr(r) : int(r);
});

export const hllReadCommands: ReadCommand[] = [pfcount];
