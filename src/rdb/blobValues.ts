// Values stored as one string: plain strings and the single-container
// encodings (zipmap, ziplist, intset, listpack, listpack with field TTLs).
// Each is read in one go once its whole string is buffered. null = an empty
// aggregate, which Redis skips with a warning.
import type { Bytes } from './bytes';
import type { DecodedValue } from './decodedValue';
import { entryScore } from './doubles';
import { decodeIntset } from './intset';
import type { ListpackCursor } from './listpack';
import { fail, type RdbReader } from './reader';
import type { ZiplistCursor } from './ziplist';
import { decodeZipmap } from './zipmap';

type Cursor = ListpackCursor | ZiplistCursor;

export interface Containers {
  lp: ListpackCursor;
  zl: ZiplistCursor;
}

/** Types whose whole value is one or two fixed reads (see readBlobValue). */
export function isBlobType(type: number): boolean {
  return type === 0 || (type >= 9 && type <= 13) || type === 16 || type === 17 || type === 20 || type === 23 || type === 25;
}

// Repeated members and fields: Redis 7.0 checks ziplist pairs (converting them
// to listpacks, always deeply) and zipmaps, and fails the load; a listpack or
// intset is checked only with sanitize-dump-payload, so without it a repeat
// loads, and here (a Map, like Redis's dict after any conversion) counts once.
const CHECKED = true, UNCHECKED = false;

export function readBlobValue(type: number, r: RdbReader, c: Containers): DecodedValue | null {
  switch (type) {
    case 0: return { type: 'string', value: r.string() };
    case 9: {
      const fields = new Map<Bytes, Bytes>();
      decodeZipmap(r.blob(), fields);
      return fields.size === 0 ? null : { type: 'hash', fields, fieldExpires: new Map() };
    }
    case 10: return listOf(c.zl.reset(r.blob(), 'List ziplist'));
    case 11: {
      const members = new Set<Bytes>();
      decodeIntset(r.blob(), members);
      return members.size === 0 ? null : { type: 'set', members };
    }
    case 12: return zsetOf(c.zl.reset(r.blob(), 'Zset ziplist'), CHECKED);
    case 13: return hashOf(c.zl.reset(r.blob(), 'Hash ziplist'), CHECKED);
    case 16: return hashOf(c.lp.reset(r.blob(), 'Hash listpack'), UNCHECKED);
    case 17: return zsetOf(c.lp.reset(r.blob(), 'Zset listpack'), UNCHECKED);
    case 20: {
      const lp = c.lp.reset(r.blob(), 'Set listpack');
      const members = new Set<Bytes>();
      while (lp.next()) members.add(lp.bytes());
      return members.size === 0 ? null : { type: 'set', members };
    }
    case 23: return hashWithTtlsOf(c.lp.reset(r.blob(), 'Hash listpack'));
    case 25: {
      // minExpire only speeds up Redis's expiry scan; the triples hold absolute times.
      r.int64();
      return hashWithTtlsOf(c.lp.reset(r.blob(), 'Hash listpack'));
    }
  }
  return fail(`Unknown RDB encoding type ${type}`);
}

function listOf(cur: Cursor): DecodedValue | null {
  const items: Bytes[] = [];
  while (cur.next()) items.push(cur.bytes());
  return items.length === 0 ? null : { type: 'list', items };
}

function zsetOf(cur: Cursor, checked: boolean): DecodedValue | null {
  const scores = new Map<Bytes, number>();
  while (cur.next()) {
    const member = cur.bytes();
    if (!cur.next()) cur.corrupt('a member without a score');
    const size = scores.size;
    scores.set(member, entryScore(cur));
    if (checked && scores.size === size) cur.corrupt('a repeated member');
  }
  return scores.size === 0 ? null : { type: 'zset', scores };
}

function hashOf(cur: Cursor, checked: boolean): DecodedValue | null {
  const fields = new Map<Bytes, Bytes>();
  while (cur.next()) {
    const field = cur.bytes();
    if (!cur.next()) cur.corrupt('a field without a value');
    const size = fields.size;
    fields.set(field, cur.bytes());
    if (checked && fields.size === size) cur.corrupt('a repeated field');
  }
  return fields.size === 0 ? null : { type: 'hash', fields, fieldExpires: new Map() };
}

function hashWithTtlsOf(lp: ListpackCursor): DecodedValue | null {
  const fields = new Map<Bytes, Bytes>();
  const fieldExpires = new Map<Bytes, number>();
  while (lp.next()) {
    const field = lp.bytes();
    if (!lp.next()) lp.corrupt('a field without a value');
    const value = lp.bytes();
    if (!lp.next()) lp.corrupt('a field without an expiry');
    const expireAt = lp.int();
    fields.set(field, value);
    if (expireAt > 0) fieldExpires.set(field, expireAt);
    // A repeat (unchecked, as for listpacks above) keeps its last expiry, or none.
    else if (fieldExpires.size > 0) fieldExpires.delete(field);
  }
  return fields.size === 0 ? null : { type: 'hash', fields, fieldExpires };
}
