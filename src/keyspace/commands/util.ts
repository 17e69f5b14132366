// Shared pieces of the command families: Redis's error texts, its number
// parsers (string2ll, strtod with Redis's extra checks), plus small typed
// lookups (doubles are printed by ../doubles.ts, per version). Everything here mirrors a
// Redis 7.0 helper of the same purpose; names in comments point at it.
import type { ReplyValue } from '../../resp/encode';
import { reply } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import { WRONGTYPE } from '../command';
import type { Database } from '../keyspace';
import type { Bytes, Value, ValueType } from '../values';

export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_NOT_INT = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_OUT_OF_RANGE = 'ERR value is out of range, must be positive';
export const ERR_NO_SUCH_KEY = 'ERR no such key';
export const ERR_INDEX = 'ERR index out of range';
export const ERR_STRING_SIZE = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export { WRONGTYPE };

/** proto-max-bulk-len default: the largest string a write may build. */
export const MAX_STRING = 512 * 1024 * 1024;

export const OK_OUTCOME: ApplyOutcome = { kind: 'ok' };
export const fail = (error: string): ApplyOutcome => ({ kind: 'error', error });
export const rerr = (error: string): ReplyValue => reply.error(error);
export const diverged = (keys: Bytes[], reason: string): ApplyOutcome => ({ kind: 'diverged', keys, reason });

export function wrongArity(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

export function write(name: string, arity: number, apply: WriteCommand['apply']): WriteCommand {
  return { name, arity, apply };
}

export function read(name: string, arity: number, run: ReadCommand['run']): ReadCommand {
  return { name, arity, run };
}

/** Lower-cased ASCII option name; options are short, so this stays cheap. */
export const lc = (s: Bytes): string => s.toLowerCase();

// ---- lookups -------------------------------------------------------------

export const dbOf = (ctx: CommandContext): Database => ctx.ks.db(ctx.db);

/**
 * The value a replicated write sees: a replica applying its master's stream
 * treats logically expired keys as present (expireIfNeeded returns 0 for the
 * master client), so no expiry check here.
 */
export function writeEntry(ctx: CommandContext, key: Bytes): Value | undefined {
  return ctx.ks.db(ctx.db).get(key);
}

/** The value a client read sees: expired keys hidden (lookupKeyRead on a replica). */
export function readEntry(ctx: CommandContext, key: Bytes): Value | undefined {
  return ctx.ks.db(ctx.db).read(key, ctx.now);
}

export type ValueOf<T extends ValueType> = Extract<Value, { type: T }>;

/** The value if it has type `t`; undefined when missing; 'wrongtype' otherwise. */
export function typed<T extends ValueType>(v: Value | undefined, t: T): ValueOf<T> | undefined | 'wrongtype' {
  if (v === undefined) return undefined;
  return v.type === t ? (v as ValueOf<T>) : 'wrongtype';
}

// ---- integers (string2ll / getLongLongFromObject) -------------------------

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/**
 * string2ll: a canonical signed 64-bit decimal (no '+', no leading zeros, no
 * spaces, "-0" rejected). Returns null when Redis would refuse it.
 */
export function parseInt64(s: Bytes): bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && s.charCodeAt(0) === 48) return 0n;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  return v > LLONG_MAX || v < LLONG_MIN ? null : v;
}

/**
 * string2ll into a JS number, for counts, indexes and offsets: values past
 * 2^53 lose precision, which never matters where Redis clamps them to a
 * collection's size anyway. Short strings take a BigInt-free path.
 */
export function parseLong(s: Bytes): number | null {
  const n = s.length;
  if (n > 0 && n < 16) {
    let i = 0;
    let neg = false;
    if (s.charCodeAt(0) === 45) {
      if (n === 1) return null;
      neg = true;
      i = 1;
    }
    const first = s.charCodeAt(i);
    if (first === 48) return n === 1 ? 0 : null;
    if (first < 49 || first > 57) return null;
    let v = first - 48;
    for (let j = i + 1; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c < 48 || c > 57) return null;
      v = v * 10 + (c - 48);
    }
    return neg ? -v : v;
  }
  const big = parseInt64(s);
  return big === null ? null : Number(big);
}

/** True when string2ll accepts the bytes: the test intsets and int encodings use. */
/** The optional COUNT (argv[2]) of LPOP/RPOP/SPOP/ZPOPMIN/ZPOPMAX: 1 when absent, null when not a non-negative integer. */
export function optionalCount(argv: Bytes[]): number | null {
  if (argv.length < 3) return 1;
  const c = parseLong(argv[2]!);
  return c === null || c < 0 ? null : c;
}

/** getTimeoutFromObjectOrReply, for the blocking forms' timeout argument: an error, or null. */
export function timeoutError(arg: Bytes): string | null {
  const t = parseDouble(arg);
  if (t === null || !Number.isFinite(t)) return 'ERR timeout is not a float or out of range';
  if (t < 0) return 'ERR timeout is negative';
  return null;
}

/** LMPOP/BLMPOP/ZMPOP/BZMPOP: `[timeout] numkeys key… <where> [COUNT n]`, checked in Redis's order. */
export function parseMultiPop(argv: Bytes[], blocking: boolean, validWhere: (where: string) => boolean): { keys: Bytes[]; where: string; count: number } | string {
  let at = 1;
  if (blocking) {
    const t = timeoutError(argv[1]!);
    if (t) return t;
    at = 2;
  }
  const numkeys = parseLong(argv[at]!);
  if (numkeys === null || numkeys < 1) return 'ERR numkeys should be greater than 0';
  const whereIdx = at + numkeys + 1;
  if (whereIdx >= argv.length) return ERR_SYNTAX;
  const where = argv[whereIdx]!.toLowerCase();
  if (!validWhere(where)) return ERR_SYNTAX;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && j + 1 < argv.length) {
      const c = parseLong(argv[++j]!);
      if (c === null || c < 1) return 'ERR count should be greater than 0';
      count = c;
    } else return ERR_SYNTAX;
  }
  return { keys: argv.slice(at + 1, whereIdx), where, count: count === -1 ? 1 : count };
}

export function isInt64(s: Bytes): boolean {
  return parseLong(s) !== null && (s.length < 16 || parseInt64(s) !== null);
}

/** getIntFromObject: a long that also fits in a C int. */
export function parseInt32(s: Bytes): number | null {
  const v = parseLong(s);
  return v === null || v > 2147483647 || v < -2147483648 ? null : v;
}

// ---- doubles (strtod + Redis's checks) ------------------------------------

const DEC_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/;
const INF_WORD = /^([+-]?)(?:inf|infinity)$/i;

/**
 * getDoubleFromObject: strtod over the whole string, refusing an empty string,
 * a leading space, trailing junk, NaN, and an overflow or an underflow to 0.
 * Accepts what glibc's strtod does: decimals, "inf"/"infinity", hex floats.
 */
export function parseDouble(s: Bytes): number | null {
  if (s.length === 0) return null;
  if (DEC_FLOAT.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null; // ERANGE overflow
    if (v === 0 && /[1-9]/.test(mantissaOf(s))) return null; // ERANGE underflow to zero
    return v;
  }
  const inf = INF_WORD.exec(s);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  const hex = HEX_FLOAT.exec(s);
  if (hex && (hex[2]! + hex[3]!).length > 0) {
    const v = hexToDouble(hex[2]!, hex[3]!, hex[4] === undefined ? 0 : Number(hex[4]));
    if (!Number.isFinite(v)) return null;
    if (v === 0 && /[1-9a-fA-F]/.test(hex[2]! + hex[3]!)) return null;
    return hex[1] === '-' ? -v : v;
  }
  return null;
}

function mantissaOf(s: string): string {
  const e = s.search(/[eE]/);
  return e === -1 ? s : s.slice(0, e);
}

// Exact for the lengths a client sends: the digits become a BigInt and are
// scaled once, so only the final conversion rounds.
function hexToDouble(intPart: string, fracPart: string, exp2: number): number {
  const digits = (intPart + fracPart).replace(/^0+/, '') || '0';
  const m = BigInt('0x' + digits);
  if (m === 0n) return 0;
  let e = exp2 - 4 * fracPart.length;
  // Keep 64 significant bits at most; the rest only matters as a sticky bit.
  let mm = m;
  const bits = m.toString(2).length;
  if (bits > 64) {
    const drop = BigInt(bits - 64);
    const sticky = (m & ((1n << drop) - 1n)) !== 0n ? 1n : 0n;
    mm = (m >> drop) | sticky;
    e += Number(drop);
  }
  return Number(mm) * 2 ** e;
}

// ---- misc -----------------------------------------------------------------

/** Redis's index normalisation for LRANGE/GETRANGE-style [start, end] pairs. */
export function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

export const bulk = (s: Bytes | null): ReplyValue => reply.bulk(s === null ? null : Buffer.from(s, 'latin1'));
export const bulkArray = (items: Iterable<Bytes>): ReplyValue => {
  const out: ReplyValue[] = [];
  for (const s of items) out.push(bulk(s));
  return reply.array(out);
};
export const int = (n: number | bigint): ReplyValue => reply.integer(n);
export const NIL = reply.bulk(null);
export const EMPTY_ARRAY = (): ReplyValue => reply.array([]);
