// Compares decoder output with redis/librdb's JSON (fixtures INDEX.md):
// order-insensitive (librdb sorts keys and every array), bytes as code points
// U+0000–U+00FF, at the data, struct or raw level. Struct and raw views are
// rebuilt from the exact bytes each key record spanned in the file, so they
// check the decoder's record boundaries; data views check decoded values.
import { readLength, readString, type Read } from '../../src/rdb/lengths';
import type { DecodedKey } from '../../src/rdb/decodedValue';
import type { RdbEvent } from '../../src/rdb/decoder';
import { parseDoubleText } from '../../src/rdb/doubles';
import { canonical, firstDifference, idText } from './expectedCompare';
import type { DecodeRun } from './rdbDecode';

type Json = Record<string, unknown>;

export type LibrdbLevel = 'data' | 'struct' | 'raw' | 'keyspace';
export interface LibrdbCheck {
  level: LibrdbLevel;
  /** Only keys of this value type are in the file (librdb's type filter). */
  only?: DecodedKey['value']['type'];
}

const latin1 = (b: Buffer | string): string => (typeof b === 'string' ? b : b.toString('latin1'));

/** A run of `"name": value,` members (or an array of per-db objects), as librdb writes them. */
export function parseLibrdbJson(text: string): Json | Json[] {
  const t = text.trim().replace(/,$/, '');
  if (t === '') return {};
  if (t.startsWith('[')) return JSON.parse(t) as Json[];
  return JSON.parse(`{${t}}`) as Json;
}

interface KeyRecord {
  key: DecodedKey;
  /** The record as librdb's raw level shows it: type byte + value, without prefixes and key. */
  raw: Buffer;
}

/** Each key with the bytes its record spanned (prefix opcodes, type, key, value). */
function keyRecords(run: DecodeRun, file: Buffer): KeyRecord[] {
  const out: KeyRecord[] = [];
  run.events.forEach((e, i) => {
    if (e.kind !== 'key') return;
    const end = i + 1 < run.startOffsets.length ? run.startOffsets[i + 1] : run.bytesConsumed;
    out.push({ key: e.key, raw: rawValue(file.subarray(run.startOffsets[i], end)) });
  });
  return out;
}

function rawValue(span: Buffer): Buffer {
  let p = 0;
  for (;;) {
    const op = span[p];
    if (op === 0xfc) p += 9;
    else if (op === 0xfd) p += 5;
    else if (op === 0xf9) p += 2;
    else if (op === 0xf8) p = ok(readLength(span, p + 1)).next;
    else break;
  }
  const afterKey = ok(readString(span, p + 1, Infinity)).next;
  return Buffer.concat([span.subarray(p, p + 1), span.subarray(afterKey)]);
}

function ok<T>(r: Read<T>): { value: T; next: number } {
  if (r.kind !== 'ok') throw new Error(`unreadable record span: ${r.kind}`);
  return r;
}

/** librdb's struct level for single-container and quicklist types: the containers' bytes, one string each. */
function structContainers(raw: Buffer): string[] | null {
  const type = raw[0];
  if ([9, 10, 11, 12, 13, 16, 17, 20].includes(type)) return [latin1(ok(readString(raw, 1, Infinity)).value)];
  if (type !== 14 && type !== 18) return null;
  const count = ok(readLength(raw, 1));
  const nodes: string[] = [];
  let p = count.next;
  for (let i = 0; i < count.value.len; i++) {
    if (type === 18) p = ok(readLength(raw, p)).next;
    const s = ok(readString(raw, p, Infinity));
    nodes.push(latin1(s.value));
    p = s.next;
  }
  return nodes;
}

function dataView(k: DecodedKey, withStreamMeta: boolean): unknown {
  const v = k.value;
  switch (v.type) {
    case 'string': return v.value;
    case 'list': return v.items;
    case 'set': return [...v.members];
    case 'zset': return Object.fromEntries(v.scores);
    case 'hash': return Object.fromEntries(v.fields);
    case 'array': return v.indexes.map((i, n) => [String(i), v.values[n]]);
    case 'module': return `<Content of Module '${v.moduleName}'. Occupies a serialized size of ${v.raw.length} bytes>`;
    case 'stream': {
      const entries = v.entries.map((e) => {
        const items: Json = {};
        for (let i = 0; i + 1 < e.fields.length; i += 2) items[latin1(e.fields[i])] = latin1(e.fields[i + 1]);
        return { id: idText(e.id), items };
      });
      if (!withStreamMeta) return { entries };
      return {
        entries,
        length: Number(v.length),
        entriesAdded: Number(v.entriesAdded),
        firstID: idText(v.firstId),
        lastID: idText(v.lastId),
        maxDelEntryID: idText(v.maxDeletedId),
        groups: v.groups.map((g) => ({
          name: latin1(g.name),
          lastid: idText(g.lastId),
          entriesRead: Number(g.entriesRead),
          pending: g.pending.map((p) => ({ sent: Number(p.deliveryTime), id: idText(p.id), count: Number(p.deliveryCount) })),
          consumers: g.consumers.map((c) => ({
            name: latin1(c.name),
            activeTime: Number(c.activeTime),
            seenTime: Number(c.seenTime),
            ...(c.pending.length > 0 ? { pending: c.pending.map((id) => ({ id: idText(id) })) } : {}),
          })),
        })),
      };
    }
  }
}

function ourView(rec: KeyRecord, check: LibrdbCheck, expected: unknown): unknown {
  if (check.level === 'raw') return latin1(rec.raw);
  if (check.level === 'struct') {
    const containers = structContainers(rec.raw);
    if (containers !== null) return containers;
  }
  const withMeta = typeof expected === 'object' && expected !== null && 'length' in expected;
  return dataView(rec.key, withMeta);
}

/** librdb prints scores as text ("inf", "2.2"); compare them as numbers. */
function expectedView(rec: KeyRecord, check: LibrdbCheck, expected: unknown): unknown {
  if (check.level === 'raw' || rec.key.value.type !== 'zset' || typeof expected !== 'object' || expected === null) return expected;
  if (check.level === 'struct' && structContainers(rec.raw) !== null) return expected;
  return Object.fromEntries(Object.entries(expected).map(([m, s]) => [m, parseDoubleText(String(s)) ?? String(s)]));
}

function eventsOf<K extends RdbEvent['kind']>(run: DecodeRun, kind: K): Extract<RdbEvent, { kind: K }>[] {
  return run.events.filter((e): e is Extract<RdbEvent, { kind: K }> => e.kind === kind);
}

function compareMeta(run: DecodeRun, want: Json, problems: string[]): void {
  const check = (what: string, w: unknown, g: unknown, sortArrays = false): void => {
    const cw = canonical(w, sortArrays), cg = canonical(g, sortArrays);
    if (cw !== cg) problems.push(`${what}: ${firstDifference(cw, cg)}`);
  };
  if ('__aux__' in want) {
    check('__aux__', want.__aux__, Object.fromEntries(eventsOf(run, 'aux').map((e) => [latin1(e.name), latin1(e.value)])));
  }
  if ('__func__' in want) {
    check('__func__', Object.values(want.__func__ as Json), eventsOf(run, 'function').map((e) => latin1(e.code)), true);
  }
  if ('__dbsize__' in want) {
    const r = eventsOf(run, 'resizedb')[0];
    check('__dbsize__', want.__dbsize__, r && { size: r.dbSize, expires: r.expiresSize });
  }
  if ('__slotinfo__' in want) {
    const s = eventsOf(run, 'slot-info')[0];
    check('__slotinfo__', want.__slotinfo__, s && { slotId: s.slot, slotSize: s.slotSize, slotSExpiresSize: s.expiresSlotSize });
  }
}

export interface LibrdbComparison {
  compared: number;
  problems: string[];
}

export function compareLibrdb(run: DecodeRun, file: Buffer, expectedText: string, check: LibrdbCheck, nowMs: number): LibrdbComparison {
  const parsed = parseLibrdbJson(expectedText);
  const perDb = Array.isArray(parsed);
  const problems: string[] = [];
  if (!perDb) compareMeta(run, parsed, problems);
  let records = keyRecords(run, file);
  if (check.only !== undefined) records = records.filter((r) => r.key.value.type === check.only);
  // What Redis holds after loading the file as a master: already-expired keys dropped.
  if (check.level === 'keyspace') records = records.filter((r) => r.key.expireAt === -1 || r.key.expireAt > nowMs);
  const dbs = perDb ? parsed : [parsed];
  let compared = 0;
  dbs.forEach((dbWant, db) => {
    const want = Object.fromEntries(Object.entries(dbWant).filter(([k]) => !/^__.*__$/.test(k)));
    const mine = records.filter((r) => !perDb || r.key.db === db);
    const got: Json = {};
    const wantView: Json = {};
    for (const rec of mine) {
      const name = latin1(rec.key.key);
      got[name] = ourView(rec, check, want[name]);
      if (name in want) wantView[name] = expectedView(rec, check, want[name]);
    }
    for (const name of Object.keys(want)) if (!(name in wantView)) wantView[name] = want[name];
    compared += Object.keys(want).length;
    const w = canonical(wantView, true), g = canonical(got, true);
    if (w !== g) problems.push(`${perDb ? `db ${db}: ` : ''}${firstDifference(w, g)}`);
  });
  return { compared, problems };
}
