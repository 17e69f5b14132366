// An RDB load into the keyspace. The decoder already gives the value model's
// own representation (latin1 strings, and the Set/Map the keyspace keeps), so
// a key is stored as decoded: no copy, no conversion, except for streams,
// whose groups and PELs are shaped differently, and arrays, whose elements
// are set into slices one by one as Redis loads them. As on a Redis replica, keys
// already expired are kept (the master will send their DEL), a duplicate key
// is fatal, and an empty aggregate is skipped (rdbLoadObject's "skipping empty
// key").
import type { DecodedKey, DecodedStreamEntry, DecodedStreamGroup, DecodedStreamIdmp, DecodedValue, KeyMetaClass } from '../rdb/decodedValue';
import { cText } from './commands/replyText';
import { createLibrary, installLibrary } from './commands/functionLibrary';
import { formatId } from './commands/streamId';
import { layoutOf } from './commands/streamLayout';
import { newGroup, newIdmp } from './commands/streamOps';
import { formatInlineDouble, truncateTagBits } from './arrayElements';
import { SLICE_SIZE } from './arraySlices';
import { noteLoadedWithFieldExpiry, noteSetLoadedAsListpack } from './encoding';
import { registerSubexpiry, type Keyspace } from './keyspace';
import { buildLoadedList } from './listEncoding';
import type { KeyspaceDialect } from '../versions/profile';
import { SparseArray, splitIndex } from './sparseArray';
import { FieldTtls, HashFields, SetMembers } from './packed';
import { StreamEntries } from './streamStore';
import { toBytes, type Bytes, type StreamGroup, type StreamId, type StreamIdmp, type StreamValue, type Value } from './values';
import { Zset } from './zsetIndex';

/** RDB types whose encoding survives a load where the content alone would say otherwise. */
const RDB_TYPE_SET_LISTPACK = 20;
const HASH_WITH_FIELD_TTLS = new Set([22, 23, 24, 25]); // HASH_METADATA(_PRE_GA), HASH_LISTPACK_EX(_PRE_GA)

/**
 * What rdbLoadObject leaves besides the content (a load and RESTORE alike): a
 * listpack set stays one even when it holds only integers, a hash saved with
 * field TTLs is a listpackex while small (even with no TTL left), and a hash
 * with a field TTL is registered for field expiry.
 */
export function noteLoaded(value: Value, rdbType: number): void {
  if (value.type === 'set' && rdbType === RDB_TYPE_SET_LISTPACK) noteSetLoadedAsListpack(value);
  else if (value.type === 'hash') {
    if (HASH_WITH_FIELD_TTLS.has(rdbType)) noteLoadedWithFieldExpiry(value);
    if (value.fieldExpires.size > 0) registerSubexpiry(value);
  }
}

/**
 * Adds one decoded key; throws Redis's message for a duplicate. The keyspace
 * takes the decoded value's collections over: load a decoded key once.
 */
export function loadDecodedKey(ks: Keyspace, k: DecodedKey): void {
  if (k.keyMeta !== undefined) {
    const refused = keyMetaRefusal(k.keyMeta);
    if (refused !== null) throw new Error(refused);
  }
  const value = valueFromDecoded(k.value, ks.dialect);
  if (value === null) return;
  noteLoaded(value, k.rdbType);
  const db = ks.db(k.db);
  // One insert, then the size says whether the key was new: checking first
  // would cost a second lookup in a Map of millions of keys for every key. A
  // duplicate ends the load (and the half-loaded data), so what it overwrote
  // does not matter.
  const size = db.size;
  db.set(k.key, value, k.expireAt);
  if (db.size === size) throw new Error(`RDB has duplicated key '${cText(k.key)}' in DB ${k.db}`);
}

/**
 * The value model for a decoded value (an RDB load, a RESTORE payload), or
 * null for an empty aggregate Redis would skip. Strings and collections are
 * the decoded objects themselves: they already have the model's shape, except
 * lists, which become a quicklist.
 */
export function valueFromDecoded(v: DecodedValue, dialect: KeyspaceDialect): Value | null {
  switch (v.type) {
    case 'string':
      return v;
    case 'list':
      return v.items.length > 0 ? buildLoadedList(dialect, v.items) : null;
    case 'set':
      return v.members.size > 0 ? { type: 'set', members: SetMembers.fromSet(v.members) } : null;
    case 'zset':
      return v.scores.size > 0 ? Zset.fromMap(v.scores) : null;
    case 'hash':
      return v.fields.size > 0 ? { type: 'hash', fields: HashFields.fromMap(v.fields), fieldExpires: FieldTtls.from(v.fieldExpires) } : null;
    case 'stream': {
      const stream: StreamValue = {
        entries: loadEntries(v.entries),
        lastId: { ...v.lastId },
        firstId: { ...v.firstId },
        maxDeletedId: { ...v.maxDeletedId },
        entriesAdded: Number(v.entriesAdded),
        groups: new Map(v.groups.map((g) => [g.name, toGroup(g)])),
        idmp: v.idmp === null ? newIdmp() : toIdmp(v.idmp),
      };
      // redis-server has its node layout once the load has read the nodes: made
      // here, its O(n) is part of the load, not a pause on the first write after it.
      layoutOf(stream);
      return { type: 'stream', stream };
    }
    case 'array':
      return { type: 'array', array: arrayFromDecoded(v) };
    case 'module':
      // Copied: the decoder's raw bytes may be a view of an input chunk, which it would pin.
      return { type: 'module', moduleName: v.moduleName, moduleId: v.moduleId, encver: v.encver, raw: Buffer.from(v.raw) };
  }
}

/**
 * The elements set one by one in file order (arSet each, as rdbLoadObject
 * does: the slices come out as that sequence of writes makes them, not as the
 * master's). An element stored as a double becomes the text Redis gives back
 * for it; a repeated index keeps the last value.
 */
function arrayFromDecoded(v: Extract<DecodedValue, { type: 'array' }>): SparseArray {
  const ar = new SparseArray();
  for (let i = 0; i < v.indexes.length; i++) {
    const idx = v.indexes[i]!;
    const raw = v.values[i]!;
    const value = typeof raw === 'number' ? formatInlineDouble(truncateTagBits(raw)) : raw;
    if (typeof idx === 'number') ar.set(Math.floor(idx / SLICE_SIZE), idx % SLICE_SIZE, value);
    else {
      const { sid, off } = splitIndex(idx);
      ar.set(sid, off, value);
    }
  }
  ar.insertIdx = v.insertIdx;
  return ar;
}

function loadEntries(entries: readonly DecodedStreamEntry[]): StreamEntries {
  const out = new StreamEntries();
  for (const e of entries) out.push({ ms: e.id.ms, seq: e.id.seq }, e.fields);
  return out;
}

function toGroup(g: DecodedStreamGroup): StreamGroup {
  const group = newGroup(g.name, { ...g.lastId }, Number(g.entriesRead));
  const pending = group.pending;
  for (const p of g.pending) {
    // The owner is named in the consumers' own PELs, read next.
    pending.set(formatId(p.id), { id: { ...p.id }, consumer: null, deliveryTime: Number(p.deliveryTime), deliveryCount: Number(p.deliveryCount) });
  }
  for (const c of g.consumers) {
    const name = c.name;
    const own = new Set<string>();
    for (const id of c.pending) {
      const key = formatId(id);
      const nack = pending.get(key);
      // rdbLoadObject refuses a consumer PEL entry missing from the group PEL.
      if (!nack) throw new Error('Consumer entry not found in group global PEL');
      nack.consumer = name;
      own.add(key);
    }
    group.consumers.set(name, { name, seenTime: Number(c.seenTime), activeTime: Number(c.activeTime), pending: own });
  }
  // pelListInsertNacked sets a released entry's delivery time to 0.
  for (const id of g.nacked) {
    const key = formatId(id);
    group.nacked.add(key);
    pending.get(key)!.deliveryTime = 0;
  }
  return group;
}

/**
 * The IDMP records as saved. Redis drops those already expired at load time;
 * here every expiry is applied when the records are next used (streamIdmp.ts),
 * which comes to the same, since a replica never looks at them otherwise.
 * A repeated iid is skipped, as dictAdd skips it.
 */
function toIdmp(d: DecodedStreamIdmp): StreamIdmp {
  const idmp = newIdmp();
  idmp.duration = Number(d.duration);
  idmp.maxEntries = Number(d.maxEntries);
  idmp.iidsAdded = Number(d.iidsAdded);
  idmp.iidsDuplicates = Number(d.iidsDuplicates);
  for (const p of d.producers) {
    const records = new Map<Bytes, StreamId>();
    for (const e of p.entries) if (!records.has(e.iid)) records.set(e.iid, { ...e.id });
    idmp.producers.set(p.pid, records);
  }
  return idmp;
}

/**
 * What Redis says when a key carries module metadata it cannot load: a
 * replica has no module registering key-metadata classes, so a class flagged
 * ALLOW_IGNORE is dropped (rdbLoadSkipMetaIfAllowed) and any other fails the
 * load. null when every class may be dropped.
 */
export function keyMetaRefusal(classes: KeyMetaClass[]): string | null {
  const KEY_META_FLAG_ALLOW_IGNORE = 1;
  for (const c of classes) {
    if ((c.flags & KEY_META_FLAG_ALLOW_IGNORE) === 0) {
      return `RDB load key metadata failed: Class '${c.name}' not registered or missing rdb_load().`;
    }
  }
  return null;
}

/** A FUNCTION2 record: the library is created as FUNCTION LOAD would (no REPLACE); failures are Redis's load errors. */
export function loadFunctionLibrary(ks: Keyspace, code: Buffer | Bytes): void {
  const created = createLibrary(ks.functions, typeof code === 'string' ? code : toBytes(code), false);
  if ('error' in created) throw new Error(`Failed loading library, ${created.error}`);
  installLibrary(ks, created.library);
}
