// DEBUG DIGEST and DEBUG DIGEST-VALUE as redis-server 7.0 computes them
// (debug.c computeDatasetDigest / xorObjectDigest), so a replica's dataset can
// be proven equal to its master's by comparing 40 hex characters.
//
// Two primitives over 20-byte digests:
//   xor(d, data): d ^= SHA1(data)          — order-free, for unordered elements
//   mix(d, data): d = SHA1(d ^ SHA1(data)) — order-sensitive
// Dataset = for each non-empty DB j: mix(final, uint32 BE j); for each key:
//   d = 0; mix(d, key); value digest into d; xor(final, d).
// Value digest into d: mix(d, uint32 BE type code), then per type
//   string: mix(value)            list: mix(item) in order
//   set: xor(member)              hash: xor(d, e) with e = 0, mix(e, field), mix(e, value)
//     (and, on 7.4, xor(e, "!!hexpire!!") for a field with a TTL)
//   zset: xor(d, e) with e = 0, mix(e, member), mix(e, score text) — the
//     score printed "%.17g" on 7.0, fpconv_dtoa on 7.2+ (doubles.ts digestDouble)
//   stream: per entry in id order mix("<ms>.<seq>") then mix(field), mix(value) —
//     consumer groups, PELs and the stream's metadata are not part of it;
//   array (8.8): mix(value) for every index from 0 to its length - 1, and
//     mix("(null)") for each empty one: the cost is the length, not the count;
//   module: only the module's own digest callback knows (we cannot compute it);
// and finally xor(d, "!!expire!!") when the key has an expiry (its time is not hashed).
// Functions libraries are not part of DEBUG DIGEST (checked on 7.0.15).
import type { KeyspaceDialect } from '../versions/profile';
import { digestDouble } from './doubles';
import { scanArray } from './arrayScan';
import type { Keyspace } from './keyspace';
import { listForEach } from './quicklistReads';
import { sha1Into } from './sha1';
import type { SparseArray } from './sparseArray';
import { SLICE_SIZE } from './arraySlices';
import type { Bytes, Divergence, Value } from './values';

/** Redis's OBJ_* type codes, hashed into every value's digest. */
const TYPE_CODE: Record<Value['type'], number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, module: 5, stream: 6, array: 7 };

export const EMPTY_DIGEST = '0'.repeat(40);

/** Why a digest cannot be given: it would not prove anything. */
export class DigestUnavailable extends Error {
  override name = 'DigestUnavailable';
}

const scratch = new Uint8Array(20);
const typeBytes = new Uint8Array(4);

function xorDigest(d: Uint8Array, data: string | Uint8Array): void {
  sha1Into(data, scratch);
  for (let i = 0; i < 20; i++) d[i]! ^= scratch[i]!;
}

function mixDigest(d: Uint8Array, data: string | Uint8Array): void {
  xorDigest(d, data);
  sha1Into(d, d);
}

function uint32be(n: number): Uint8Array {
  typeBytes[0] = n >>> 24;
  typeBytes[1] = (n >>> 16) & 0xff;
  typeBytes[2] = (n >>> 8) & 0xff;
  typeBytes[3] = n & 0xff;
  return typeBytes;
}

const element = new Uint8Array(20);

/** xorObjectDigest: mixes the value (and its expiry marker) into d. */
function objectDigest(d: Uint8Array, v: Value, expireAt: number, dialect: KeyspaceDialect): void {
  mixDigest(d, uint32be(TYPE_CODE[v.type]));
  switch (v.type) {
    case 'string':
      mixDigest(d, v.value);
      break;
    case 'list':
      listForEach(v, (item) => mixDigest(d, item));
      break;
    case 'set':
      for (const m of v.members) xorDigest(d, m);
      break;
    case 'zset':
      for (const [member, score] of v.unordered()) {
        element.fill(0);
        mixDigest(element, member);
        mixDigest(element, digestDouble(dialect, score));
        xorDigest(d, element);
      }
      break;
    case 'hash':
      for (const [field, value] of v.fields) {
        element.fill(0);
        mixDigest(element, field);
        mixDigest(element, value);
        // 7.4 marks a field that has a TTL (never the case on 7.0, which has no field TTLs).
        if (v.fieldExpires.size && v.fieldExpires.has(field)) xorDigest(element, '!!hexpire!!');
        xorDigest(d, element);
      }
      break;
    case 'stream':
      for (const e of v.stream.entries) {
        mixDigest(d, `${e.id.ms}.${e.id.seq}`);
        for (const f of e.fields) mixDigest(d, f);
      }
      break;
    case 'array':
      arrayDigest(d, v.array);
      break;
    case 'module':
      throw new DigestUnavailable(`holds a value of module type '${v.moduleName}' that only the module can digest`);
  }
  if (expireAt !== -1) xorDigest(d, '!!expire!!');
}

/**
 * Redis hashes every position of an array up to its length, so a value at
 * index 2^40 means 2^40 hashes (hours, on the master too). Past this many
 * positions the replica says so instead of blocking.
 */
export const MAX_ARRAY_DIGEST_POSITIONS = 1 << 24;

const NULL_HASH = new Uint8Array(20);
sha1Into('(null)', NULL_HASH);

function arrayDigest(d: Uint8Array, ar: SparseArray): void {
  const len = ar.length();
  if (len > BigInt(MAX_ARRAY_DIGEST_POSITIONS)) {
    throw new DigestUnavailable(`holds an array of length ${len}: DEBUG DIGEST hashes every position up to the length, and this replica declines past ${MAX_ARRAY_DIGEST_POSITIONS}`);
  }
  const last = ar.last();
  if (last === undefined) return;
  // Positions are below 2^24 here: plain numbers.
  let next = 0;
  scanArray(ar, { sid: 0, off: 0 }, last, false, (sid, off, value) => {
    const at = sid * SLICE_SIZE + off;
    for (; next < at; next++) {
      for (let i = 0; i < 20; i++) d[i]! ^= NULL_HASH[i]!;
      sha1Into(d, d);
    }
    mixDigest(d, value);
    next = at + 1;
    return true;
  });
}

function hex(d: Uint8Array): string {
  return Buffer.from(d.buffer, d.byteOffset, 20).toString('hex');
}

/** A key quoted for a message: printable ASCII as is, other bytes as \xNN. */
export function quoteKey(s: Bytes): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x27 || c === 0x5c) out += '\\' + s[i];
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + "'";
}

function describe(db: number, key: Bytes | null, d: Divergence): string {
  const where = key === null ? `db${db}` : `db${db} ${quoteKey(key)}`;
  return `${where} after ${d.command.toUpperCase()} at offset ${d.offset}: ${d.reason}`;
}

/**
 * What makes DEBUG DIGEST unprovable, as the error text (without "ERR "), or
 * null when the digest can be computed:
 * - a write that could not be applied to keys it could not name (the whole
 *   dataset is unknown until the next full sync);
 * - keys whose value is unknown: marked diverged, or named by a divergence and
 *   absent now (the master may hold them). A diverged key the master has since
 *   replaced as a whole (a new entry) is known again;
 * - a module value: only the module's digest callback knows its digest.
 */
export function digestBlocker(ks: Keyspace): string | null {
  let datasetWide: string | null = null;
  const keys = new Map<string, string>(); // "db:key" -> description, oldest first
  for (const d of ks.divergences) {
    if (d.key === null) {
      datasetWide ??= describe(d.db, null, d);
      continue;
    }
    const db = ks.db(d.db);
    const id = `${d.db}:${d.key}`;
    const marked = db.divergence(d.key);
    if ((!db.has(d.key) || marked) && !keys.has(id)) keys.set(id, describe(d.db, d.key, marked ?? d));
  }
  let module: string | null = null;
  ks.dbs.forEach((db, j) => {
    for (const [key, divergence] of db.divergedKeys()) {
      const id = `${j}:${key}`;
      if (!keys.has(id)) keys.set(id, describe(j, key, divergence));
    }
    if (module) return;
    for (const [key, v] of db) {
      if (v.type === 'module') {
        module = `${quoteKey(key)} in db${j} holds a value of module type '${v.moduleName}' that only the module can digest`;
        break;
      }
    }
  });
  const first = keys.values().next().value;
  const keyText = keys.size === 1 ? '1 key' : `${keys.size} keys`;
  if (datasetWide) {
    const more = keys.size ? `; ${keyText} diverged too (first: ${first})` : '';
    return `digest unavailable: the dataset diverged from the master (${datasetWide})${more}`;
  }
  if (keys.size) return `digest unavailable: ${keyText} diverged from the master (first: ${first})`;
  if (module) return `digest unavailable: ${module}`;
  return null;
}

/** DEBUG DIGEST as 40 hex characters. Throws DigestUnavailable when a key is diverged or a module value. */
export function datasetDigest(ks: Keyspace): string {
  const blocker = digestBlocker(ks);
  if (blocker) throw new DigestUnavailable(blocker);
  const final = new Uint8Array(20);
  const d = new Uint8Array(20);
  ks.dbs.forEach((db, j) => {
    if (db.size === 0) return;
    mixDigest(final, uint32be(j));
    for (const [key, v] of db) {
      d.fill(0);
      mixDigest(d, key);
      objectDigest(d, v, db.expireAt(key), ks.dialect);
      xorDigest(final, d);
    }
  });
  return hex(final);
}

/** Why one key's digest cannot be trusted, or null. */
function keyBlocker(ks: Keyspace, db: number, key: Bytes, entry: Value | undefined): string | null {
  const marked = ks.db(db).divergence(key);
  if (marked) return `diverged from the master (${describe(db, key, marked)})`;
  for (const d of ks.divergences) {
    if (d.key === null) return `the dataset diverged from the master (${describe(d.db, null, d)})`;
  }
  if (!entry) {
    const d = ks.divergences.find((x) => x.db === db && x.key === key);
    if (d) return `diverged from the master (${describe(db, key, d)})`;
  }
  return null;
}

/**
 * DEBUG DIGEST-VALUE for one key: 40 zeros for a missing key (expired keys
 * count: Redis does not hide them here). Throws DigestUnavailable for a key
 * whose value is unknown.
 */
export function valueDigest(ks: Keyspace, db: number, key: Bytes): string {
  const entry = ks.db(db).peek(key);
  const blocker = keyBlocker(ks, db, key, entry);
  if (blocker) throw new DigestUnavailable(`digest unavailable: ${blocker}`);
  if (!entry) return EMPTY_DIGEST;
  const d = new Uint8Array(20);
  try {
    objectDigest(d, entry, ks.db(db).expireAt(key), ks.dialect);
  } catch (err) {
    if (err instanceof DigestUnavailable) throw new DigestUnavailable(`digest unavailable: ${quoteKey(key)} in db${db} ${err.message}`);
    throw err;
  }
  return hex(d);
}
