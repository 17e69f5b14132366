// What the Array commands share: index arguments as getArrayIndexFromObject
// reads them, their error texts, and the lookups.
import { reply, type ReplyValue } from '../../resp/encode';
import type { CommandContext } from '../command';
import { SparseArray } from '../sparseArray';
import type { Bytes, Value } from '../values';
import { bulk, parseInt64, readEntry, writeEntry } from './util';

export type ArrayValue = Extract<Value, { type: 'array' }>;

export const ERR_INDEX = 'ERR invalid array index';
export const ERR_INDEX_OVERFLOW = 'ERR array index overflow';
export const ERR_INSERT_OVERFLOW = 'ERR insert index overflow';
export const ERR_LIMIT = 'ERR LIMIT must be positive';

export const UINT64_MAX = (1n << 64n) - 1n;

/** strtoull's whitespace (isspace in the C locale). */
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/**
 * string2ull as Redis calls it (on the argument up to its first NUL byte):
 * string2ll for canonical integers (negatives refused), else strtoull, which
 * also takes leading spaces, a sign, leading zeros — and wraps a '-'.
 */
export function string2ull(arg: Bytes): bigint | null {
  const nul = arg.indexOf('\0');
  const s = nul === -1 ? arg : arg.slice(0, nul);
  const ll = parseInt64(s);
  if (ll !== null) return ll < 0n ? null : ll;
  let i = 0;
  while (i < s.length && SPACE.has(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  const digits = s.slice(i);
  if (digits.length === 0 || !/^[0-9]+$/.test(digits)) return null;
  const v = BigInt(digits);
  if (v > UINT64_MAX) return null; // ERANGE
  return neg ? (UINT64_MAX + 1n - v) & UINT64_MAX : v;
}

/** getArrayIndexFromObject: 0 … 2^64-2, and 2^64-1 too when `allowMax` (ARSEEK). */
export function parseArrayIndex(arg: Bytes, allowMax = false): bigint | null {
  const v = string2ull(arg);
  if (v === null || (v === UINT64_MAX && !allowMax)) return null;
  return v;
}

/** The array under `key` for a write: the entry, null when missing, 'wrongtype' for another type. */
export function arrayForWrite(ctx: CommandContext, key: Bytes): ArrayValue | null | 'wrongtype' {
  return arrayOf(writeEntry(ctx, key));
}

export function arrayForRead(ctx: CommandContext, key: Bytes): ArrayValue | null | 'wrongtype' {
  return arrayOf(readEntry(ctx, key));
}

function arrayOf(e: Value | undefined): ArrayValue | null | 'wrongtype' {
  if (e === undefined) return null;
  return e.type === 'array' ? e : 'wrongtype';
}

/** lookupArrayForWriteOrReply: the array, created (and added) when missing. */
export function arrayOrCreate(ctx: CommandContext, key: Bytes): ArrayValue | 'wrongtype' {
  const a = arrayForWrite(ctx, key);
  if (a !== null) return a;
  const created: ArrayValue = { type: 'array', array: new SparseArray() };
  ctx.ks.db(ctx.db).set(key, created);
  return created;
}

const LLONG_MAX = (1n << 63n) - 1n;

/** addReplyUnsignedLongLong: an integer up to 2^63-1, past it a bulk string (RESP2's big number). */
export function unsignedReply(v: number | bigint): ReplyValue {
  return typeof v === 'bigint' && v > LLONG_MAX ? bulk(v.toString()) : reply.integer(v);
}
