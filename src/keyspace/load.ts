// An RDB load into the keyspace: the decoder's values (Buffers) become the
// value model (latin1 strings). As on a Redis replica, keys already expired are
// kept (the master will send their DEL), a duplicate key is fatal, and an
// empty aggregate is skipped (rdbLoadObject's "skipping empty key").
import type { DecodedKey, DecodedStreamGroup, DecodedValue } from '../rdb/decodedValue';
import { cText } from './commands/replyText';
import { createLibrary, installLibrary } from './commands/functionLibrary';
import { formatId } from './commands/streamId';
import type { Keyspace } from './keyspace';
import { toBytes, type Bytes, type StreamGroup, type StreamPendingEntry, type Value } from './values';

/** Adds one decoded key; throws Redis's message for a duplicate. */
export function loadDecodedKey(ks: Keyspace, k: DecodedKey): void {
  const db = ks.db(k.db);
  const key = toBytes(k.key);
  if (db.has(key)) throw new Error(`RDB has duplicated key '${cText(key)}' in DB ${k.db}`);
  const value = toValue(k.value);
  if (value === null) return;
  db.set(key, value, k.expireAt);
}

/** The value model for a decoded value, or null for an empty aggregate Redis would skip. */
function toValue(v: DecodedValue): Value | null {
  switch (v.type) {
    case 'string':
      return { type: 'string', value: toBytes(v.value) };
    case 'list':
      return v.items.length ? { type: 'list', items: v.items.map(toBytes) } : null;
    case 'set':
      return v.members.length ? { type: 'set', members: new Set(v.members.map(toBytes)) } : null;
    case 'zset': {
      if (!v.entries.length) return null;
      const scores = new Map<Bytes, number>();
      for (const e of v.entries) scores.set(toBytes(e.member), e.score);
      return { type: 'zset', scores };
    }
    case 'hash': {
      if (!v.entries.length) return null;
      const fields = new Map<Bytes, Bytes>();
      const fieldExpires = new Map<Bytes, number>();
      for (const e of v.entries) {
        const f = toBytes(e.field);
        fields.set(f, toBytes(e.value));
        if (e.expireAt > 0) fieldExpires.set(f, e.expireAt);
      }
      return { type: 'hash', fields, fieldExpires };
    }
    case 'stream':
      return {
        type: 'stream',
        stream: {
          entries: v.entries.map((e) => ({ id: { ...e.id }, fields: e.fields.map(toBytes) })),
          lastId: { ...v.lastId },
          firstId: { ...v.firstId },
          maxDeletedId: { ...v.maxDeletedId },
          entriesAdded: Number(v.entriesAdded),
          groups: new Map(v.groups.map((g) => [toBytes(g.name), toGroup(g)])),
        },
      };
    case 'module':
      return { type: 'module', moduleName: v.moduleName, moduleId: v.moduleId, encver: v.encver, raw: Buffer.from(v.raw) };
  }
}

function toGroup(g: DecodedStreamGroup): StreamGroup {
  const pending = new Map<string, StreamPendingEntry>();
  for (const p of g.pending) {
    // The owner is named in the consumers' own PELs, read next.
    pending.set(formatId(p.id), { id: { ...p.id }, consumer: '', deliveryTime: Number(p.deliveryTime), deliveryCount: Number(p.deliveryCount) });
  }
  const group: StreamGroup = { name: toBytes(g.name), lastId: { ...g.lastId }, entriesRead: Number(g.entriesRead), pending, consumers: new Map() };
  for (const c of g.consumers) {
    const name = toBytes(c.name);
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
  return group;
}

/** A FUNCTION2 record: the library is created as FUNCTION LOAD would (no REPLACE); failures are Redis's load errors. */
export function loadFunctionLibrary(ks: Keyspace, code: Buffer | Bytes): void {
  const created = createLibrary(ks.functions, typeof code === 'string' ? code : toBytes(code), false);
  if ('error' in created) throw new Error(`Failed loading library, ${created.error}`);
  installLibrary(ks, created.library);
}
