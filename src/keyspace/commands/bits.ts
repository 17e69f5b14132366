// Bitmaps and bit fields (bitops.c): SETBIT, BITOP, BITFIELD replicate as sent.
// BITOP's DIFF, DIFF1, ANDOR and ONE exist from Redis 8.2 (feature `redis-8.2-commands`).
// Bit 0 is the most significant bit of byte 0. Every write leaves a raw string
// (dbUnshareStringValue / createObject) grown with zero bytes as needed.
import { reply, type ReplyValue } from '../../resp/encode';
import type { CommandContext, ReadCommand, WriteCommand } from '../command';
import { markRawString } from '../encoding';
import { SdsString, stringByteAt, stringLength } from '../sds';
import type { Bytes, Value } from '../values';
import { writableString } from './strings';
import { ERR_NOT_INT, ERR_SYNTAX, fail, int, NIL, OK_OUTCOME, parseInt64, parseLong, read, readEntry, rerr, write, writeEntry, WRONGTYPE } from './util';

type StringValue = Extract<Value, { type: 'string' }>;
const OFFSET_ERR = 'ERR bit offset is not an integer or out of range';
const MAX_BULK = 512 * 1024 * 1024;

/** getBitOffsetFromArgument: a bit offset, `#n` meaning n·bits where allowed. */
function bitOffset(arg: Bytes, hash: boolean, bits: number): number | null {
  const usehash = arg.length > 1 && arg[0] === '#' && hash && bits > 0;
  if (!usehash && arg.length < 16) {
    // The common short offset, without a BigInt (parseLong reads up to 15 digits as a number exactly).
    const n = parseLong(arg);
    return n === null || n < 0 || n / 8 >= MAX_BULK ? null : n;
  }
  const v = parseInt64(usehash ? arg.slice(1) : arg);
  if (v === null) return null;
  const off = usehash ? v * BigInt(bits) : v;
  if (off < 0n || off >> 3n >= BigInt(MAX_BULK)) return null;
  return Number(off);
}

/** lookupStringForBitCommand: the string, created or zero-padded to hold `maxbit`, raw and writable in place. */
function stringForBits(ctx: CommandContext, key: Bytes, maxbit: number): SdsString | 'wrongtype' {
  const e = writeEntry(ctx, key);
  if (e && e.type !== 'string') return 'wrongtype';
  let v: SdsString;
  if (!e) {
    v = new SdsString();
    markRawString(v);
    ctx.ks.db(ctx.db).set(key, v);
  } else v = writableString(ctx, key, e as StringValue);
  v.growZeroed((maxbit >> 3) + 1);
  return v;
}

const setbit = write('setbit', 4, (ctx, argv) => {
  const off = bitOffset(argv[2]!, false, 0);
  if (off === null) return fail(OFFSET_ERR);
  const on = parseLong(argv[3]!);
  if (on === null || (on !== 0 && on !== 1)) return fail('ERR bit is not an integer or out of range');
  const v = stringForBits(ctx, argv[1]!, off);
  if (v === 'wrongtype') return fail(WRONGTYPE);
  const byte = off >> 3, mask = 1 << (7 - (off & 7));
  const old = v.byteAt(byte);
  const next = on ? old | mask : old & ~mask;
  if (next !== old) v.setByte(byte, next);
  return OK_OUTCOME;
});

const BITOP_OPS = new Set(['and', 'or', 'xor', 'not']);
/** Redis 8.2: DIFF = X & ~(A1|…), DIFF1 = ~X & (A1|…), ANDOR = X & (A1|…), ONE = bits set in exactly one key. */
const BITOP_OPS_82 = new Set(['diff', 'diff1', 'andor', 'one']);

/** One output byte from the source bytes `b` (b[0] is the first key's). */
function bitopByte(op: string, b: number[]): number {
  let r = b[0]!;
  switch (op) {
    case 'not':
      return ~r & 0xff;
    case 'and':
      for (let k = 1; k < b.length; k++) r &= b[k]!;
      return r;
    case 'or':
      for (let k = 1; k < b.length; k++) r |= b[k]!;
      return r;
    case 'xor':
      for (let k = 1; k < b.length; k++) r ^= b[k]!;
      return r;
    case 'one': {
      let common = 0;
      for (let k = 1; k < b.length; k++) {
        common |= r & b[k]!;
        r ^= b[k]!;
      }
      return r & ~common & 0xff;
    }
    default: {
      let rest = 0;
      for (let k = 1; k < b.length; k++) rest |= b[k]!;
      if (op === 'diff') return r & ~rest & 0xff;
      if (op === 'diff1') return ~r & rest & 0xff;
      return r & rest; // andor
    }
  }
}

const bitop = write('bitop', -4, (ctx, argv) => {
  const op = argv[1]!.toLowerCase();
  if (!BITOP_OPS.has(op) && !(BITOP_OPS_82.has(op) && ctx.ks.dialect.has('redis-8.2-commands'))) return fail(ERR_SYNTAX);
  if (op === 'not' && argv.length !== 4) return fail('ERR BITOP NOT must be called with a single source key.');
  if ((op === 'diff' || op === 'diff1' || op === 'andor') && argv.length < 5) {
    return fail(`ERR BITOP ${op.toUpperCase()} must be called with at least two source keys.`);
  }
  const srcs: (string | null)[] = [];
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const e = ctx.ks.db(ctx.db).peek(argv[j]!);
    if (!e) {
      srcs.push(null);
      continue;
    }
    if (e.type !== 'string') return fail(WRONGTYPE);
    srcs.push(e.value);
    maxlen = Math.max(maxlen, e.value.length);
  }
  const db = ctx.ks.db(ctx.db);
  if (maxlen === 0) {
    db.delete(argv[2]!);
    return OK_OUTCOME;
  }
  const out = Buffer.alloc(maxlen);
  const bytes = new Array<number>(srcs.length);
  for (let i = 0; i < maxlen; i++) {
    for (let k = 0; k < srcs.length; k++) {
      const s = srcs[k]!;
      bytes[k] = s !== null && i < s.length ? s.charCodeAt(i) : 0;
    }
    out[i] = bitopByte(op, bytes);
  }
  const v: StringValue = { type: 'string', value: out.toString('latin1') };
  markRawString(v);
  db.set(argv[2]!, v);
  return OK_OUTCOME;
});

// ---- BITFIELD ---------------------------------------------------------------

interface FieldOp {
  op: 'get' | 'set' | 'incrby';
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: 'wrap' | 'sat' | 'fail';
}

const TYPE_ERR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const U64 = (1n << 64n) - 1n;
const toInt64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const toUint64 = (x: bigint): bigint => BigInt.asUintN(64, x);

function parseType(s: Bytes): { signed: boolean; bits: number } | null {
  const c = s[0];
  if (c !== 'i' && c !== 'I' && c !== 'u' && c !== 'U') return null;
  const signed = c === 'i' || c === 'I';
  const bits = parseLong(s.slice(1));
  if (bits === null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) return null;
  return { signed, bits };
}

function parseBitfield(argv: Bytes[]): FieldOp[] | string {
  const ops: FieldOp[] = [];
  let overflow: FieldOp['overflow'] = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j]!.toLowerCase();
    let op: FieldOp['op'];
    if (sub === 'get' && rem >= 2) op = 'get';
    else if (sub === 'set' && rem >= 3) op = 'set';
    else if (sub === 'incrby' && rem >= 3) op = 'incrby';
    else if (sub === 'overflow' && rem >= 1) {
      const t = argv[++j]!.toLowerCase();
      if (t !== 'wrap' && t !== 'sat' && t !== 'fail') return 'ERR Invalid OVERFLOW type specified';
      overflow = t;
      continue;
    } else return ERR_SYNTAX;
    const type = parseType(argv[j + 1]!);
    if (!type) return TYPE_ERR;
    const offset = bitOffset(argv[j + 2]!, true, type.bits);
    if (offset === null) return OFFSET_ERR;
    let value = 0n;
    if (op !== 'get') {
      const v = parseInt64(argv[j + 3]!);
      if (v === null) return ERR_NOT_INT;
      value = v;
    }
    ops.push({ op, ...type, offset, value, overflow });
    j += op === 'get' ? 2 : 3;
  }
  return ops;
}

function getBits(s: StringValue, offset: number, bits: number): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++) {
    const pos = offset + j;
    const bit = (stringByteAt(s, pos >> 3) >> (7 - (pos & 7))) & 1;
    v = (v << 1n) | BigInt(bit);
  }
  return v;
}

function setBits(bytes: Buffer, offset: number, bits: number, value: bigint): void {
  for (let j = 0; j < bits; j++) {
    const bit = Number((value >> BigInt(bits - 1 - j)) & 1n);
    const pos = offset + j;
    const byte = pos >> 3, mask = 1 << (7 - (pos & 7));
    bytes[byte] = bit ? bytes[byte]! | mask : bytes[byte]! & ~mask;
  }
}

const signedOf = (raw: bigint, bits: number): bigint => BigInt.asIntN(bits, raw);

/** checkSignedBitfieldOverflow: [overflowed, wrapped-or-saturated value]. */
function signedOverflow(value: bigint, incr: bigint, bits: number, ow: FieldOp['overflow']): [boolean, bigint] {
  const max = bits === 64 ? (1n << 63n) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = toInt64(toUint64(max) - toUint64(value));
  const minincr = toInt64(min - value);
  const wrap = (): bigint => {
    let c = toUint64(value + incr);
    if (bits < 64) {
      const msb = 1n << BigInt(bits - 1);
      const mask = toUint64(U64 << BigInt(bits));
      c = c & msb ? c | mask : c & ~mask & U64;
    }
    return toInt64(c);
  };
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return [true, ow === 'wrap' ? wrap() : max];
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return [true, ow === 'wrap' ? wrap() : min];
  }
  return [false, 0n];
}

/** checkUnsignedBitfieldOverflow, with Redis's 64-bit wraparound. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, ow: FieldOp['overflow']): [boolean, bigint] {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = toInt64(max - value);
  const minincr = toInt64(-value);
  const wrap = (): bigint => toUint64(value + incr) & max;
  if (value > max || (incr > 0n && incr > maxincr)) return [true, ow === 'wrap' ? wrap() : max];
  if (incr < 0n && incr < minincr) return [true, ow === 'wrap' ? wrap() : 0n];
  return [false, 0n];
}

/** Runs the ops on the string (written in place when it is an SdsString); returns the replies. */
function runOps(src: StringValue, ops: FieldOp[]): ReplyValue[] {
  const out: ReplyValue[] = [];
  const bytes = src instanceof SdsString ? src.bytes() : null;
  for (const o of ops) {
    const raw = getBits(src, o.offset, o.bits);
    if (o.op === 'get') {
      out.push(int(o.signed ? signedOf(raw, o.bits) : raw));
      continue;
    }
    let newval: bigint, ret: bigint, over: boolean, limit: bigint;
    if (o.signed) {
      const old = signedOf(raw, o.bits);
      if (o.op === 'incrby') {
        [over, limit] = signedOverflow(old, o.value, o.bits, o.overflow);
        newval = over ? limit : old + o.value;
        ret = newval;
      } else {
        [over, limit] = signedOverflow(o.value, 0n, o.bits, o.overflow);
        newval = over ? limit : o.value;
        ret = old;
      }
    } else {
      const incr = o.value;
      if (o.op === 'incrby') {
        [over, limit] = unsignedOverflow(raw, incr, o.bits, o.overflow);
        newval = over ? limit : toUint64(raw + incr);
        ret = newval;
      } else {
        const v = toUint64(o.value);
        [over, limit] = unsignedOverflow(v, 0n, o.bits, o.overflow);
        newval = over ? limit : v;
        ret = raw;
      }
    }
    if (over && o.overflow === 'fail') {
      out.push(NIL);
      continue;
    }
    out.push(int(ret));
    if (bytes) setBits(bytes, o.offset, o.bits, BigInt.asUintN(o.bits, newval));
  }
  return out;
}

const bitfield = write('bitfield', -2, (ctx, argv) => {
  const ops = parseBitfield(argv);
  if (typeof ops === 'string') return fail(ops);
  if (ops.every((o) => o.op === 'get')) {
    const e = ctx.ks.db(ctx.db).peek(argv[1]!);
    return e && e.type !== 'string' ? fail(WRONGTYPE) : OK_OUTCOME;
  }
  let highest = 0;
  for (const o of ops) if (o.op !== 'get') highest = Math.max(highest, o.offset + o.bits - 1);
  const v = stringForBits(ctx, argv[1]!, highest);
  if (v === 'wrongtype') return fail(WRONGTYPE);
  runOps(v, ops);
  v.touched();
  return OK_OUTCOME;
});

export const bitWriteCommands: WriteCommand[] = [setbit, bitop, bitfield];

// ---- reads ------------------------------------------------------------------

function readString(ctx: CommandContext, key: Bytes): Value | undefined {
  return readEntry(ctx, key);
}

const getbit = read('getbit', 3, (ctx, argv) => {
  const off = bitOffset(argv[2]!, false, 0);
  if (off === null) return rerr(OFFSET_ERR);
  const e = readString(ctx, argv[1]!);
  if (!e) return int(0);
  if (e.type !== 'string') return rerr(WRONGTYPE);
  const byte = off >> 3;
  return int(byte < stringLength(e) ? (stringByteAt(e, byte) >> (7 - (off & 7))) & 1 : 0);
});

function popcount(b: number): number {
  b = b - ((b >> 1) & 0x55);
  b = (b & 0x33) + ((b >> 2) & 0x33);
  return (b + (b >> 4)) & 0x0f;
}

/** Start/end (inclusive) in bits after Redis's index rules, or null for an empty range. */
function bitRange(len: number, startArg: bigint, endArg: bigint, isBit: boolean): [number, number] | null {
  let total = BigInt(len);
  if (isBit) total <<= 3n;
  let start = startArg, end = endArg;
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  if (start > end) return null;
  return isBit ? [Number(start), Number(end)] : [Number(start) * 8, Number(end) * 8 + 7];
}

function bitAt(s: string, pos: number): number {
  return (s.charCodeAt(pos >> 3) >> (7 - (pos & 7))) & 1;
}

const bitcount = read('bitcount', -2, (ctx, argv) => {
  const e = readString(ctx, argv[1]!);
  if (!e) return int(0);
  if (e.type !== 'string') return rerr(WRONGTYPE);
  const s = e.value;
  let range: [number, number] | null;
  if (argv.length === 4 || argv.length === 5) {
    const a = parseInt64(argv[2]!), b = parseInt64(argv[3]!);
    if (a === null || b === null) return rerr(ERR_NOT_INT);
    if (a < 0n && b < 0n && a > b) return int(0);
    let isBit = false;
    if (argv.length === 5) {
      const u = argv[4]!.toLowerCase();
      if (u === 'bit') isBit = true;
      else if (u !== 'byte') return rerr(ERR_SYNTAX);
    }
    range = bitRange(s.length, a, b, isBit);
  } else if (argv.length === 2) {
    range = s.length > 0 ? [0, s.length * 8 - 1] : null;
  } else return rerr(ERR_SYNTAX);
  if (!range) return int(0);
  let n = 0;
  const [from, to] = range;
  let pos = from;
  while (pos <= to && (pos & 7) !== 0) n += bitAt(s, pos++);
  while (pos + 7 <= to) {
    n += popcount(s.charCodeAt(pos >> 3));
    pos += 8;
  }
  while (pos <= to) n += bitAt(s, pos++);
  return int(n);
});

const bitpos = read('bitpos', -3, (ctx, argv) => {
  const bit = parseLong(argv[2]!);
  if (bit === null) return rerr(ERR_NOT_INT);
  if (bit !== 0 && bit !== 1) return rerr('ERR The bit argument must be 1 or 0.');
  const e = readString(ctx, argv[1]!);
  if (!e) return int(bit ? -1 : 0);
  if (e.type !== 'string') return rerr(WRONGTYPE);
  const s = e.value;
  let range: [number, number] | null;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    const a = parseInt64(argv[3]!);
    if (a === null) return rerr(ERR_NOT_INT);
    let isBit = false;
    if (argv.length === 6) {
      const u = argv[5]!.toLowerCase();
      if (u === 'bit') isBit = true;
      else if (u !== 'byte') return rerr(ERR_SYNTAX);
    }
    let b: bigint;
    if (argv.length >= 5) {
      const v = parseInt64(argv[4]!);
      if (v === null) return rerr(ERR_NOT_INT);
      b = v;
      endGiven = true;
    } else b = isBit ? BigInt(s.length) * 8n + 7n : BigInt(s.length) - 1n;
    range = bitRange(s.length, a, b, isBit);
  } else if (argv.length === 3) {
    range = s.length > 0 ? [0, s.length * 8 - 1] : null;
  } else return rerr(ERR_SYNTAX);
  if (!range) return int(-1);
  for (let pos = range[0]; pos <= range[1]; pos++) if (bitAt(s, pos) === bit) return int(pos);
  // Looking for a 0 without an explicit end: the string reads as zero-padded on the right.
  if (bit === 0 && !endGiven) return int(((range[1] >> 3) + 1) * 8);
  return int(-1);
});

const bitfieldRo = read('bitfield_ro', -2, (ctx, argv) => {
  const ops = parseBitfield(argv);
  if (typeof ops === 'string') return rerr(ops);
  if (ops.some((o) => o.op !== 'get')) return rerr('ERR BITFIELD_RO only supports the GET subcommand');
  const e = readString(ctx, argv[1]!);
  if (e && e.type !== 'string') return rerr(WRONGTYPE);
  return reply.array(runOps(e ? (e as StringValue) : { type: 'string', value: '' }, ops));
});

export const bitReadCommands: ReadCommand[] = [getbit, bitcount, bitpos, bitfieldRo];
