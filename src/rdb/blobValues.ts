// Values stored as one string: plain strings and the single-container
// encodings (zipmap, ziplist, intset, listpack, listpack with field TTLs).
// Each is read in one go once its whole string is buffered. null = an empty
// aggregate, which Redis skips with a warning.
import type { DecodedValue } from './decodedValue';
import { entryScore } from './doubles';
import { decodeIntset } from './intset';
import type { ListpackCursor } from './listpack';
import { fail, type RdbReader } from './reader';
import type { ZiplistCursor } from './ziplist';
import { decodeZipmap } from './zipmap';

type Cursor = ListpackCursor | ZiplistCursor;
type HashEntry = { field: Buffer; value: Buffer; expireAt: number };

export interface Containers {
  lp: ListpackCursor;
  zl: ZiplistCursor;
}

/** Types whose whole value is one or two fixed reads (see readBlobValue). */
export function isBlobType(type: number): boolean {
  return type === 0 || (type >= 9 && type <= 13) || type === 16 || type === 17 || type === 20 || type === 23 || type === 25;
}

export function readBlobValue(type: number, r: RdbReader, c: Containers): DecodedValue | null {
  switch (type) {
    case 0: return { type: 'string', value: r.string() };
    case 9: {
      const entries: HashEntry[] = [];
      decodeZipmap(r.string(), entries);
      return entries.length === 0 ? null : { type: 'hash', entries };
    }
    case 10: return listOf(c.zl.reset(r.string(), 'List ziplist'));
    case 11: {
      const members = decodeIntset(r.string());
      return members.length === 0 ? null : { type: 'set', members };
    }
    case 12: return zsetOf(c.zl.reset(r.string(), 'Zset ziplist'));
    case 13: return hashOf(c.zl.reset(r.string(), 'Hash ziplist'));
    case 16: return hashOf(c.lp.reset(r.string(), 'Hash listpack'));
    case 17: return zsetOf(c.lp.reset(r.string(), 'Zset listpack'));
    case 20: {
      const lp = c.lp.reset(r.string(), 'Set listpack');
      const members: Buffer[] = [];
      while (lp.next()) members.push(lp.bytes());
      return members.length === 0 ? null : { type: 'set', members };
    }
    case 23: return hashWithTtlsOf(c.lp.reset(r.string(), 'Hash listpack'));
    case 25: {
      // minExpire only speeds up Redis's expiry scan; the triples hold absolute times.
      r.int64();
      return hashWithTtlsOf(c.lp.reset(r.string(), 'Hash listpack'));
    }
  }
  return fail(`Unknown RDB encoding type ${type}`);
}

function listOf(cur: Cursor): DecodedValue | null {
  const items: Buffer[] = [];
  while (cur.next()) items.push(cur.bytes());
  return items.length === 0 ? null : { type: 'list', items };
}

function zsetOf(cur: Cursor): DecodedValue | null {
  const entries: { member: Buffer; score: number }[] = [];
  while (cur.next()) {
    const member = cur.bytes();
    if (!cur.next()) cur.corrupt('a member without a score');
    entries.push({ member, score: entryScore(cur) });
  }
  return entries.length === 0 ? null : { type: 'zset', entries };
}

function hashOf(cur: Cursor): DecodedValue | null {
  const entries: HashEntry[] = [];
  while (cur.next()) {
    const field = cur.bytes();
    if (!cur.next()) cur.corrupt('a field without a value');
    entries.push({ field, value: cur.bytes(), expireAt: 0 });
  }
  return entries.length === 0 ? null : { type: 'hash', entries };
}

function hashWithTtlsOf(lp: ListpackCursor): DecodedValue | null {
  const entries: HashEntry[] = [];
  while (lp.next()) {
    const field = lp.bytes();
    if (!lp.next()) lp.corrupt('a field without a value');
    const value = lp.bytes();
    if (!lp.next()) lp.corrupt('a field without an expiry');
    const expireAt = lp.int();
    entries.push({ field, value, expireAt });
  }
  return entries.length === 0 ? null : { type: 'hash', entries };
}
