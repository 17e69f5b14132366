// OBJECT ENCODING as a replica of the dialect's version reports it. The value
// model holds no encoding, so this module keeps what cannot be derived from
// the content: Redis converts aggregates to their big encoding when they grow
// past a limit and (sets, hashes, zsets) never converts them back, and some
// string writes leave a "raw" string however short it is. Lists, whose
// encoding follows a node layout, are in listEncoding.ts.
//
// Rules (t_string.c, t_hash.c, t_set.c, t_zset.c, object.c):
// - string: "int" for a canonical int64 (tryObjectEncoding), "embstr" up to 44
//   bytes, else "raw"; APPEND to an existing key, SETRANGE, SETBIT, BITOP,
//   BITFIELD, PFADD/PFMERGE/PFCOUNT results are raw; INCRBYFLOAT applied as
//   itself is never "int" (createStringObject). Redis 8 (feature
//   `kvobj-embedded-key`) embeds the key in the value object: a string stays
//   embstr only while key and value fit one 64-byte cache line (key + value
//   ≤ 41 bytes) each time it is put under a key, and raw stays raw.
// - set: "intset" while every member is an int64 and ≤ set-max-intset-entries;
//   from 7.2 (`listpack-sets`) small sets of strings are "listpack" (≤ 128
//   members of ≤ 64 bytes), decided as setTypeCreate/setTypeAddAux decide.
// - hash: "listpack" while ≤ hash-max-listpack-entries (512 built in) and no field or value
//   longer than hash-max-listpack-value; 7.4 field TTLs: "listpackex".
// - zset: "listpack" while ≤ zset-max-listpack-entries and no member longer
//   than zset-max-listpack-value, else "skiplist".
// - array (8.8): always "sliced-array".
// A value built fresh (SINTERSTORE, ZUNIONSTORE, RDB load…) takes the encoding
// its content calls for; from then on it only grows. Writers call the note*
// functions below after adding to an aggregate.
import type { KeyspaceDialect } from '../versions/profile';
import { EMBSTR_LIMIT, encodingConfig } from './encodingConfig';
import { listEncoding } from './listEncoding';
import type { Bytes, Value } from './values';
import { isInt64 } from './commands/util';
import { SdsString, stringLength } from './sds';

export { EMBSTR_LIMIT, encodingConfig };

type StringTag = 'raw' | 'noint';
type AggState = 'small' | 'big';
type SetEncoding = 'intset' | 'listpack' | 'hashtable';
type SetValue = Extract<Value, { type: 'set' }>;
/** Members and their count: a Set being built, or a stored set's members. */
export type SetContent = Iterable<Bytes> & { readonly size: number };

const stringTags = new WeakMap<object, StringTag>();
const aggStates = new WeakMap<object, AggState>();
const setStates = new WeakMap<SetValue, SetEncoding>();
/** 7.4 hashes that had a field TTL: listpackex from then on. */
const everExpiring = new WeakSet<object>();

/** kvobj: robj (16) + key header and NUL (3) + value header and NUL (4) must fit 64 bytes. */
const KVOBJ_EMBED_LIMIT = 64 - 16 - 3 - 4;

export function objectEncoding(v: Value, dialect: KeyspaceDialect): string {
  switch (v.type) {
    case 'string':
      return stringEncoding(v);
    case 'list':
      return listEncoding(dialect, v);
    case 'set':
      return setState(dialect, v);
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
  const len = stringLength(v);
  if (tag === undefined && len <= 20 && isInt64(v.value)) return 'int';
  return len <= EMBSTR_LIMIT ? 'embstr' : 'raw';
}

/**
 * A string put under `key` (dbAdd, setKey, RENAME, MOVE, a load): with the key
 * embedded, an embstr too long for the cache line becomes raw for good.
 */
export function noteStringPlaced(dialect: KeyspaceDialect, v: Extract<Value, { type: 'string' }>, key: Bytes): void {
  if (!dialect.has('kvobj-embedded-key')) return;
  if (key.length + stringLength(v) <= KVOBJ_EMBED_LIMIT) return;
  if (stringEncoding(v) === 'embstr') stringTags.set(v, 'raw');
}

/** A string with no tag, not writable in place: the database may keep it as its bare bytes. */
export function isPlainString(v: Extract<Value, { type: 'string' }>): boolean {
  return !stringTags.has(v) && !(v instanceof SdsString);
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
  if (from.type === 'set' && to.type === 'set') {
    const e = setStates.get(from);
    if (e !== undefined) setStates.set(to, e);
  }
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
    case 'hash':
      if (v.fields.size > c.hashMaxListpackEntries) return true;
      for (const [f, val] of v.fields) {
        if (f.length > c.hashMaxListpackValue || val.length > c.hashMaxListpackValue) return true;
      }
      return false;
    case 'zset':
      if (v.size > c.zsetMaxListpackEntries) return true;
      for (const [m] of v.unordered()) if (m.length > c.zsetMaxListpackValue) return true;
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
export function pinEncoding(v: Value, dialect: KeyspaceDialect): void {
  if (v.type === 'set') setState(dialect, v);
  else state(v);
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

/** A hash loaded from a HASH_METADATA or HASH_LISTPACK_EX record is a listpackex while small, TTLs or not. */
export function noteLoadedWithFieldExpiry(v: Extract<Value, { type: 'hash' }>): void {
  everExpiring.add(v);
}

// ---- sets ----------------------------------------------------------------------

/** The encoding a set built from these members ends with (a load, SINTERSTORE, SUNIONSTORE). */
function contentSetEncoding(dialect: KeyspaceDialect, members: Iterable<Bytes>, size: number): SetEncoding {
  const c = encodingConfig;
  let allInts = true;
  let fitsListpack = size <= c.setMaxListpackEntries;
  for (const m of members) {
    if (allInts && !isInt64(m)) allInts = false;
    if (m.length > c.setMaxListpackValue) fitsListpack = false;
    if (!allInts && !fitsListpack) break;
  }
  if (allInts && size <= c.setMaxIntsetEntries) return 'intset';
  if (dialect.has('listpack-sets') && fitsListpack) return 'listpack';
  return 'hashtable';
}

function setState(dialect: KeyspaceDialect, v: SetValue): SetEncoding {
  let s = setStates.get(v);
  if (s === undefined) {
    s = contentSetEncoding(dialect, v.members, v.members.size);
    setStates.set(v, s);
  }
  return s;
}

/** setTypeCreate for a new key: the first member and how many are coming (SADD's argc - 2, SMOVE's 1). */
export function noteSetCreated(dialect: KeyspaceDialect, v: SetValue, first: Bytes, sizeHint: number): void {
  const c = encodingConfig;
  let s: SetEncoding;
  if (isInt64(first) && (sizeHint <= c.setMaxIntsetEntries || !dialect.has('listpack-sets'))) s = 'intset';
  else if (!dialect.has('listpack-sets')) s = 'hashtable';
  else s = sizeHint <= c.setMaxListpackEntries ? 'listpack' : 'hashtable';
  setStates.set(v, s);
}

/** setTypeMaybeConvert: SADD to an existing set converts up front when its argument count is past the limit (7.2+). */
export function noteSetAddHint(dialect: KeyspaceDialect, v: SetValue, sizeHint: number): void {
  if (!dialect.has('listpack-sets')) return;
  const s = setState(dialect, v);
  const c = encodingConfig;
  if ((s === 'listpack' && sizeHint > c.setMaxListpackEntries) || (s === 'intset' && sizeHint > c.setMaxIntsetEntries)) {
    setStates.set(v, 'hashtable');
  }
}

/** setTypeAddAux after `member` was added (the set's size includes it). */
export function noteSetAdd(dialect: KeyspaceDialect, v: SetValue, member: Bytes): void {
  const s = setState(dialect, v);
  if (s === 'hashtable') return;
  const c = encodingConfig;
  const before = v.members.size - 1;
  if (s === 'intset') {
    if (isInt64(member)) {
      if (v.members.size > c.setMaxIntsetEntries) setStates.set(v, 'hashtable');
      return;
    }
    const toListpack = dialect.has('listpack-sets') && before < c.setMaxListpackEntries && member.length <= c.setMaxListpackValue;
    setStates.set(v, toListpack ? 'listpack' : 'hashtable');
    return;
  }
  if (before >= c.setMaxListpackEntries || member.length > c.setMaxListpackValue) setStates.set(v, 'hashtable');
}

/** A set stored whole (S*STORE): its encoding is the one `grownFrom` (the largest content it went through) calls for. */
export function noteSetBuilt(dialect: KeyspaceDialect, v: SetValue, grownFrom: SetContent): void {
  setStates.set(v, contentSetEncoding(dialect, grownFrom, grownFrom.size));
}

/** A set loaded from a SET_LISTPACK record stays a listpack (even of integers) while small. */
export function noteSetLoadedAsListpack(v: SetValue): void {
  setStates.set(v, v.members.size > encodingConfig.setMaxListpackEntries ? 'hashtable' : 'listpack');
}

/** A member was added to a sorted set. */
export function noteZsetAdd(v: Extract<Value, { type: 'zset' }>, member: Bytes): void {
  if (state(v) === 'big') return;
  const c = encodingConfig;
  if (v.size > c.zsetMaxListpackEntries || member.length > c.zsetMaxListpackValue) aggStates.set(v, 'big');
}

/**
 * zsetTypeCreate / zsetTypeMaybeConvert (7.2+, feature `zset-size-hints`):
 * ZADD picks the encoding of a new key from its element count and first
 * member's length, and converts an existing listpack up front when the count
 * is past the limit. Valkey 8 (`zadd-longest-member-hint`) uses the longest
 * member's length for both. 7.0 decides from the first member only (then grows).
 */
export function noteZsetSizeHint(
  dialect: KeyspaceDialect, v: Extract<Value, { type: 'zset' }>, created: boolean, elements: number, firstLen: number, longestLen: number,
): void {
  const c = encodingConfig;
  if (!dialect.has('zset-size-hints')) {
    if (created) aggStates.set(v, firstLen > c.zsetMaxListpackValue ? 'big' : 'small');
    return;
  }
  const longest = dialect.has('zadd-longest-member-hint');
  const len = longest ? longestLen : firstLen;
  if (created) aggStates.set(v, elements > c.zsetMaxListpackEntries || len > c.zsetMaxListpackValue ? 'big' : 'small');
  else if (elements > c.zsetMaxListpackEntries || (longest && len > c.zsetMaxListpackValue)) aggStates.set(v, 'big');
}

/** A zset created for ZRANGESTORE: a listpack unless the known result length is past the limit. */
export function noteZsetCreatedFor(v: Extract<Value, { type: 'zset' }>, length: number): void {
  aggStates.set(v, length > encodingConfig.zsetMaxListpackEntries ? 'big' : 'small');
}

/** SORT converts the sorted set it reads to a skiplist for good (zsetConvert in sortCommandGeneric). */
export function forceSkiplist(v: Extract<Value, { type: 'zset' }>): void {
  aggStates.set(v, 'big');
}

/** Forget any recorded state: the value is (re)built and takes its content's encoding. */
export function resetEncoding(v: Value): void {
  aggStates.delete(v);
  stringTags.delete(v);
  everExpiring.delete(v);
  if (v.type === 'set') setStates.delete(v);
}

/** Whether a sorted set is listpack-encoded now (its scores went through double2ll/d2string). */
export function zsetIsListpack(v: Extract<Value, { type: 'zset' }>): boolean {
  return state(v) === 'small';
}
