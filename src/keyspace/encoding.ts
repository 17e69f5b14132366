// OBJECT ENCODING as a Redis 7.0.15 replica reports it. The value model holds
// no encoding, so this module keeps what cannot be derived from the content:
// Redis converts aggregates to their big encoding when they grow past a limit
// and never converts them back when they shrink (7.0), and some string writes
// leave a "raw" string however short it is.
//
// Rules (t_string.c, t_hash.c, t_set.c, t_zset.c, object.c of 7.0.15):
// - string: "int" for a canonical int64 (tryObjectEncoding), "embstr" up to 44
//   bytes, else "raw"; APPEND to an existing key, SETRANGE, SETBIT, BITOP,
//   BITFIELD, PFADD/PFMERGE/PFCOUNT results are raw; INCRBYFLOAT applied as
//   itself is never "int" (createStringObject).
// - list: always "quicklist" (7.0 has no listpack lists; 7.2 added them).
// - set: "intset" while every member is an int64 and ≤ set-max-intset-entries.
// - hash: "listpack" while ≤ hash-max-listpack-entries (512 built in) and no field or value
//   longer than hash-max-listpack-value; 7.4 field TTLs: "listpackex".
// - zset: "listpack" while ≤ zset-max-listpack-entries and no member longer
//   than zset-max-listpack-value, else "skiplist".
// - array (8.8): always "sliced-array".
// A value built fresh (SINTERSTORE, ZUNIONSTORE, RDB load…) takes the encoding
// its content calls for; from then on it only grows. Writers call the note*
// functions below after adding to an aggregate.
import type { Bytes, Value } from './values';
import { isInt64 } from './commands/util';

/**
 * The replica's own encoding limits: redis-server's compiled-in defaults, which
 * apply when no redis.conf sets them (the redis.conf shipped with Redis says
 * 128 for hash-max-listpack-entries; the built-in default is 512).
 */
export const encodingConfig = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
};

export const EMBSTR_LIMIT = 44;

type StringTag = 'raw' | 'noint';
type AggState = 'small' | 'big';

const stringTags = new WeakMap<object, StringTag>();
const aggStates = new WeakMap<object, AggState>();
/** 7.4 hashes that had a field TTL: listpackex from then on. */
const everExpiring = new WeakSet<object>();

export function objectEncoding(v: Value): string {
  switch (v.type) {
    case 'string':
      return stringEncoding(v);
    case 'list':
      return 'quicklist';
    case 'set':
      return state(v) === 'big' ? 'hashtable' : 'intset';
    case 'hash':
      if (state(v) === 'big') return 'hashtable';
      return everExpiring.has(v) || v.fieldExpires.size > 0 ? 'listpackex' : 'listpack';
    case 'zset':
      return state(v) === 'big' ? 'skiplist' : 'listpack';
    case 'stream':
      return 'stream';
    case 'array':
      return 'sliced-array';
    case 'module':
      return 'raw';
  }
}

function stringEncoding(v: Extract<Value, { type: 'string' }>): string {
  const tag = stringTags.get(v);
  if (tag === 'raw') return 'raw';
  const len = v.value.length;
  if (tag === undefined && len <= 20 && isInt64(v.value)) return 'int';
  return len <= EMBSTR_LIMIT ? 'embstr' : 'raw';
}

/** The string was modified in place (APPEND, SETRANGE, SETBIT…): raw from now on. */
export function markRawString(v: Value): void {
  stringTags.set(v, 'raw');
}

/** Built by createStringObject without tryObjectEncoding (INCRBYFLOAT's own result). */
export function markNoIntString(v: Value): void {
  stringTags.set(v, 'noint');
}

/** COPY duplicates the object with its encoding. */
export function copyEncoding(from: Value, to: Value): void {
  const t = stringTags.get(from);
  if (t !== undefined) stringTags.set(to, t);
  const s = aggStates.get(from);
  if (s !== undefined) aggStates.set(to, s);
  if (everExpiring.has(from)) everExpiring.add(to);
}

/** The aggregate's current state, computed from the content the first time. */
function state(v: Value): AggState {
  let s = aggStates.get(v);
  if (s === undefined) {
    s = contentNeedsBig(v) ? 'big' : 'small';
    aggStates.set(v, s);
  }
  return s;
}

function contentNeedsBig(v: Value): boolean {
  const c = encodingConfig;
  switch (v.type) {
    case 'set':
      if (v.members.size > c.setMaxIntsetEntries) return true;
      for (const m of v.members) if (!isInt64(m)) return true;
      return false;
    case 'hash':
      if (v.fields.size > c.hashMaxListpackEntries) return true;
      for (const [f, val] of v.fields) {
        if (f.length > c.hashMaxListpackValue || val.length > c.hashMaxListpackValue) return true;
      }
      return false;
    case 'zset':
      if (v.scores.size > c.zsetMaxListpackEntries) return true;
      for (const m of v.scores.keys()) if (m.length > c.zsetMaxListpackValue) return true;
      return false;
    default:
      return false;
  }
}

/**
 * Call before shrinking an aggregate that may never have been looked at (e.g.
 * loaded from an RDB): fixes its encoding from its content before the content
 * changes, as Redis decided it when the value was built.
 */
export function pinEncoding(v: Value): void {
  state(v);
}

/** A field was set in a hash (HSET, HINCRBY…): conversion by length or count. */
export function noteHashSet(v: Extract<Value, { type: 'hash' }>, field: Bytes, value: Bytes): void {
  if (state(v) === 'big') return;
  const c = encodingConfig;
  if (field.length > c.hashMaxListpackValue || value.length > c.hashMaxListpackValue || v.fields.size > c.hashMaxListpackEntries) {
    aggStates.set(v, 'big');
  }
}

/** HSET's hashTypeTryConversion: an argument longer than the limit converts even if not stored. */
export function noteHashArgument(v: Extract<Value, { type: 'hash' }>, arg: Bytes): void {
  if (arg.length > encodingConfig.hashMaxListpackValue) aggStates.set(v, 'big');
}

export function noteHashFieldExpiry(v: Extract<Value, { type: 'hash' }>): void {
  state(v);
  everExpiring.add(v);
}

/** A member was added to a set. */
export function noteSetAdd(v: Extract<Value, { type: 'set' }>, member: Bytes): void {
  if (state(v) === 'big') return;
  if (v.members.size > encodingConfig.setMaxIntsetEntries || !isInt64(member)) aggStates.set(v, 'big');
}

/** A member was added to a sorted set. */
export function noteZsetAdd(v: Extract<Value, { type: 'zset' }>, member: Bytes): void {
  if (state(v) === 'big') return;
  const c = encodingConfig;
  if (v.scores.size > c.zsetMaxListpackEntries || member.length > c.zsetMaxListpackValue) aggStates.set(v, 'big');
}

/** Forget any recorded state: the value is (re)built and takes its content's encoding. */
export function resetEncoding(v: Value): void {
  aggStates.delete(v);
  stringTags.delete(v);
  everExpiring.delete(v);
}

/** Whether a sorted set is listpack-encoded now (its scores went through double2ll/d2string). */
export function zsetIsListpack(v: Extract<Value, { type: 'zset' }>): boolean {
  return state(v) === 'small';
}
