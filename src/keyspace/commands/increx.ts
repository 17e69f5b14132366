// INCREX key [BYINT n | BYFLOAT f] [LBOUND x] [UBOUND y] [SATURATE]
// [EX s | PX ms | EXAT s | PXAT ms | PERSIST] [ENX] (t_string.c, Redis 8.8).
// A master never propagates it as itself: it sends the result as SET key v
// [PXAT t | KEEPTTL] (or nothing, for a refused increment), which the string
// family applies. It is applied here when it arrives anyway, as a replica runs
// it: an expiry in the past is set, never turned into a DEL.
import type { CommandContext, WriteCommand } from '../command';
import { markNoIntString } from '../encoding';
import type { Bytes } from '../values';
import { add, compare, formatHuman, fromBigInt, isInf, parseLongDouble, type LongDouble } from './longDouble';
import { expireMs, storedLongDouble, str } from './strings';
import { ERR_NOT_FLOAT, ERR_NOT_INT, ERR_SYNTAX, fail, OK_OUTCOME, parseInt64, WRONGTYPE } from './util';

const F_BYFLOAT = 1, F_BYINT = 2, F_LBOUND = 4, F_UBOUND = 8, F_SATURATE = 16, F_ENX = 32, F_PERSIST = 64;
const F_EX = 128, F_PX = 256, F_EXAT = 512, F_PXAT = 1024;
const EXPIRE_FLAGS = F_EX | F_PX | F_EXAT | F_PXAT | F_PERSIST;
/** strings.ts's unit flags for expireMs: seconds (EX/EXAT) vs milliseconds, relative (EX/PX) vs absolute. */
const SET_EX = 4, SET_PX = 8, SET_EXAT = 64, SET_PXAT = 128;

const LLONG_MAX = (1n << 63n) - 1n, LLONG_MIN = -(1n << 63n);
const LDBL_MAX: LongDouble = { neg: false, m: (1n << 64n) - 1n, e: 16320 };
const neg = (v: LongDouble): LongDouble => ({ ...v, neg: !v.neg });

interface Args {
  flags: number;
  incrInt: bigint;
  incrLd: LongDouble;
  lbInt: bigint;
  ubInt: bigint;
  lbLd: LongDouble;
  ubLd: LongDouble;
  /** Absolute unix ms, or 0 for no expiry option. */
  expireMs: number;
}

/** parseIncrExArgumentsOrReply: the arguments, or Redis's error text. */
function parseArgs(ctx: CommandContext, argv: Bytes[]): Args | string {
  const a: Args = { flags: 0, incrInt: 1n, incrLd: fromBigInt(0n), lbInt: LLONG_MIN, ubInt: LLONG_MAX, lbLd: neg(LDBL_MAX), ubLd: LDBL_MAX, expireMs: 0 };
  let lower: Bytes | null = null, upper: Bytes | null = null, expire: Bytes | null = null;
  let unitFlag = 0;
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const next = j === argv.length - 1 ? null : argv[j + 1]!;
    const f = a.flags;
    if (opt === 'byint' && next !== null && !(f & (F_BYINT | F_BYFLOAT))) {
      const v = parseInt64(next);
      if (v === null) return 'ERR Increment is not an integer or out of range';
      a.incrInt = v;
      a.flags |= F_BYINT;
      j++;
    } else if (opt === 'byfloat' && next !== null && !(f & (F_BYINT | F_BYFLOAT))) {
      const v = parseLongDouble(next);
      if (v === null) return 'ERR Increment is not a valid float';
      if (isInf(v)) return 'ERR BYFLOAT increment cannot be Infinity';
      a.incrLd = v;
      a.flags |= F_BYFLOAT;
      j++;
    } else if (opt === 'lbound' && next !== null && !(f & F_LBOUND)) {
      a.flags |= F_LBOUND;
      lower = next;
      j++;
    } else if (opt === 'ubound' && next !== null && !(f & F_UBOUND)) {
      a.flags |= F_UBOUND;
      upper = next;
      j++;
    } else if (opt === 'saturate' && !(f & F_SATURATE)) {
      a.flags |= F_SATURATE;
    } else if (opt === 'enx' && !(f & (F_ENX | F_PERSIST))) {
      a.flags |= F_ENX;
    } else if (opt === 'persist' && !(f & (EXPIRE_FLAGS | F_ENX))) {
      a.flags |= F_PERSIST;
    } else if ((opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') && !(f & EXPIRE_FLAGS) && next !== null) {
      a.flags |= opt === 'ex' ? F_EX : opt === 'px' ? F_PX : opt === 'exat' ? F_EXAT : F_PXAT;
      unitFlag = opt === 'ex' ? SET_EX : opt === 'px' ? SET_PX : opt === 'exat' ? SET_EXAT : SET_PXAT;
      expire = next;
      j++;
    } else return ERR_SYNTAX;
  }
  if (a.flags & F_BYFLOAT) {
    if (lower !== null) {
      const v = parseLongDouble(lower);
      if (v === null) return 'ERR LBOUND is not a valid float';
      a.lbLd = v;
    }
    if (upper !== null) {
      const v = parseLongDouble(upper);
      if (v === null) return 'ERR UBOUND is not a valid float';
      a.ubLd = v;
    }
    if (compare(a.lbLd, a.ubLd) > 0) return "ERR LBOUND can't be greater than UBOUND";
  } else {
    if (lower !== null) {
      const v = parseInt64(lower);
      if (v === null) return 'ERR LBOUND is not an integer or out of range';
      a.lbInt = v;
    }
    if (upper !== null) {
      const v = parseInt64(upper);
      if (v === null) return 'ERR UBOUND is not an integer or out of range';
      a.ubInt = v;
    }
    if (a.lbInt > a.ubInt) return "ERR LBOUND can't be greater than UBOUND";
  }
  if (a.flags & F_ENX && !(a.flags & EXPIRE_FLAGS)) return 'ERR ENX flag requires an expiration';
  if (expire !== null) {
    const ms = expireMs(ctx, expire, unitFlag, 'increx');
    if (typeof ms === 'string') return ms;
    a.expireMs = ms;
  }
  return a;
}

/** The new value's text, null for a refused (out of bounds, not saturated) increment, or an error. */
function incremented(a: Args, current: Bytes | null): { text: Bytes; float: boolean } | null | string {
  const saturate = (a.flags & F_SATURATE) !== 0;
  if (a.flags & F_BYFLOAT) {
    const old = current === null ? fromBigInt(0n) : storedLongDouble(current);
    if (old === null) return ERR_NOT_FLOAT;
    if (isInf(old)) return 'ERR value cannot be Infinity';
    let v = add(old, a.incrLd);
    const overflow = isInf(v);
    if (overflow || compare(v, a.ubLd) > 0 || compare(v, a.lbLd) < 0) {
      if (!saturate) return null;
      if (overflow) v = a.incrLd.neg && !(isZero(a.incrLd)) ? a.lbLd : a.ubLd;
      else v = compare(v, a.ubLd) > 0 ? a.ubLd : a.lbLd;
    }
    if (isInf(add(v, neg(old)))) return 'ERR applied increment would be Infinity';
    return { text: formatHuman(v), float: true };
  }
  let old = 0n;
  if (current !== null) {
    const v = parseInt64(current);
    if (v === null) return ERR_NOT_INT;
    old = v;
  }
  let v = old + a.incrInt;
  const overflow = v > LLONG_MAX || v < LLONG_MIN;
  if (overflow || v > a.ubInt || v < a.lbInt) {
    if (!saturate) return null;
    if (overflow) v = a.incrInt >= 0n ? a.ubInt : a.lbInt;
    else v = v > a.ubInt ? a.ubInt : a.lbInt;
  }
  const delta = v - old;
  if (delta > LLONG_MAX || delta < LLONG_MIN) return 'ERR applied increment would overflow';
  return { text: v.toString(), float: false };
}

function isZero(v: LongDouble): boolean {
  return !isInf(v) && v.m === 0n;
}

const increx: WriteCommand = {
  name: 'increx',
  arity: -2,
  requires: 'redis-8.8-commands',
  apply(ctx, argv) {
    const parsed = parseArgs(ctx, argv);
    if (typeof parsed === 'string') return fail(parsed);
    const key = argv[1]!;
    const db = ctx.ks.db(ctx.db);
    const e = db.peek(key);
    if (e && e.type !== 'string') return fail(WRONGTYPE);
    const r = incremented(parsed, e ? (e as { value: Bytes }).value : null);
    if (typeof r === 'string') return fail(r);
    if (r === null) return OK_OUTCOME;
    const v = str(r.text);
    // createStringObjectFromLongDouble: a float result is never an int-encoded string.
    if (r.float) markNoIntString(v);
    let expireAt = db.expireAt(key);
    const hasExpiry = expireAt !== -1;
    if (parsed.flags & F_PERSIST) expireAt = -1;
    else if (parsed.expireMs !== 0 && (!(parsed.flags & F_ENX) || !hasExpiry)) expireAt = parsed.expireMs;
    db.set(key, v, expireAt);
    return OK_OUTCOME;
  },
};

export const increxWriteCommands: WriteCommand[] = [increx];
