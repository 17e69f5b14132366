// Compares decoder output with HDT3213/rdb's JSON (fixtures INDEX.md: one
// object per key in file order; strings as Go writes them, invalid UTF-8 as
// U+FFFD; expiration in RFC 3339; `size` is an estimate and ignored).
import type { DecodedKey } from '../../src/rdb/decodedValue';
import type { DecodeRun } from './rdbDecode';
import { keysOf } from './rdbDecode';
import { canonical, firstDifference, goUtf8, idText, pairsObject } from './expectedCompare';

type Json = Record<string, unknown>;

/** HDT's encoding names, by RDB type byte. */
const HDT_ENCODING: Record<number, string> = {
  0: 'string', 1: 'list', 2: 'set', 3: 'zset', 4: 'hash', 5: 'zset2', 9: 'zipmap', 10: 'ziplist', 11: 'intset',
  12: 'ziplist', 13: 'ziplist', 14: 'quicklist', 15: 'listpack', 16: 'listpack', 17: 'listpack', 18: 'quicklist2',
  19: 'listpack', 20: 'listpack', 21: '', 22: 'hashex', 24: 'hashex', 25: 'listpackex',
};

const STREAM_VERSION: Record<number, number> = { 15: 1, 19: 2, 21: 3 };

/** Our key, shaped like an HDT record. */
function hdtView(k: DecodedKey): Json {
  const o: Json = { db: k.db, key: goUtf8(k.key), type: k.value.type, encoding: HDT_ENCODING[k.rdbType] ?? `type ${k.rdbType}` };
  if (k.expireAt !== -1) o.expiration = k.expireAt;
  const v = k.value;
  switch (v.type) {
    case 'string': o.value = goUtf8(v.value); break;
    case 'list': o.values = v.items.map((x) => goUtf8(x)); break;
    case 'set': o.members = [...v.members].map((x) => goUtf8(x)); break;
    case 'zset': o.entries = [...v.scores].map(([member, score]) => ({ member: goUtf8(member), score })); break;
    case 'hash':
      o.hash = Object.fromEntries([...v.fields].map(([f, x]) => [goUtf8(f), goUtf8(x)]));
      if (k.rdbType >= 22) o.expire = Object.fromEntries([...v.fields.keys()].map((f) => [goUtf8(f), v.fieldExpires.get(f) ?? 0]));
      break;
    case 'stream': {
      const version = STREAM_VERSION[k.rdbType];
      o.version = version;
      o.entries = v.entries.map((e) => ({ id: idText(e.id), fields: pairsObject(e.fields, (x) => goUtf8(x)) }));
      o.len = Number(v.length);
      o.lastId = idText(v.lastId);
      if (version >= 2) {
        o.firstId = idText(v.firstId);
        o.maxDeletedId = idText(v.maxDeletedId);
        o.addedEntriesCount = Number(v.entriesAdded);
      }
      if (v.groups.length > 0) {
        o.groups = v.groups.map((g) => {
          const group: Json = {
            name: goUtf8(g.name),
            lastId: idText(g.lastId),
            pending: g.pending.map((p) => ({ id: idText(p.id), deliveryTime: Number(p.deliveryTime), deliveryCount: Number(p.deliveryCount) })),
            consumers: g.consumers.map((c) => {
              const consumer: Json = { name: goUtf8(c.name), seenTime: Number(c.seenTime), pending: c.pending.map(idText) };
              // Files before v3 have no active time: the decoder says -1, while HDT (like
              // Redis 7.2 on load) shows the seen time instead.
              if (version >= 3) consumer.activeTime = Number(c.activeTime);
              else if (c.activeTime === -1n) consumer.activeTime = Number(c.seenTime);
              return consumer;
            }),
          };
          if (version >= 2) group.entriesRead = Number(g.entriesRead);
          return group;
        });
      }
      break;
    }
    case 'module': o.module = v.moduleName; break;
  }
  return o;
}

/** HDT's record, reduced to the facts about the file. */
function normalizeExpected(rec: Json): Json {
  const o: Json = { ...rec };
  delete o.size;
  if (typeof o.expiration === 'string') o.expiration = Date.parse(o.expiration);
  if (o.type === 'stream') {
    if (o.isV2 === true) { o.version = 2; delete o.isV2; }
    const nodes = (o.entries ?? []) as { msgs: { id: string; fields: Json; deleted: boolean }[] }[];
    o.entries = nodes.flatMap((n) => n.msgs.filter((m) => !m.deleted).map((m) => ({ id: m.id, fields: m.fields })));
    for (const g of (o.groups ?? []) as Json[]) {
      for (const c of (g.consumers ?? []) as Json[]) c.pending ??= [];
      g.pending ??= [];
      g.consumers ??= [];
    }
  }
  return o;
}

export interface HdtComparison {
  /** Key records compared (after the filter). */
  compared: number;
  problems: string[];
}

/** `keyFilter`: the expected file holds only keys matching it (HDT's regex option). */
export function compareHdt(run: DecodeRun, records: Json[], keyFilter?: RegExp): HdtComparison {
  const problems: string[] = [];
  const auxWant = records.filter((r) => r.type === 'aux').map((r) => [r.key, r.value]);
  if (auxWant.length > 0) {
    const auxGot = run.events.flatMap((e) => (e.kind === 'aux' ? [[goUtf8(e.name), goUtf8(e.value)]] : []));
    if (canonical(auxGot) !== canonical(auxWant)) problems.push(`aux: ${firstDifference(canonical(auxWant), canonical(auxGot))}`);
  }
  const fnWant = records.filter((r) => r.type === 'functions').map((r) => r.functionsLua);
  if (fnWant.length > 0) {
    const fnGot = run.events.flatMap((e) => (e.kind === 'function' ? [goUtf8(e.code)] : []));
    if (canonical(fnGot) !== canonical(fnWant)) problems.push(`functions: ${firstDifference(canonical(fnWant), canonical(fnGot))}`);
  }
  const want = records.filter((r) => r.type !== 'aux' && r.type !== 'functions').map(normalizeExpected);
  const got = keysOf(run).filter((k) => keyFilter === undefined || keyFilter.test(goUtf8(k.key))).map(hdtView);
  if (want.length !== got.length) problems.push(`${want.length} key records expected, ${got.length} decoded`);
  for (let i = 0; i < Math.min(want.length, got.length); i++) {
    const w = canonical(want[i]), g = canonical(got[i]);
    if (w !== g) problems.push(`key #${i} ${String(want[i].key)}: ${firstDifference(w, g)}`);
  }
  return { compared: want.length, problems };
}
