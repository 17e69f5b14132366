// The Keyspace scope: databases → keys → values, read lazily one page at a
// time (DAP's indexedVariables with start/count), so a database of a million
// keys costs one page per request, never the whole key list.
import type { Keyspace } from '../keyspace/keyspace';
import { listWalk } from '../keyspace/quicklistReads';
import type { Bytes, Value } from '../keyspace/values';

export interface PagedNode {
  name: string;
  value: string;
  type?: string;
  /** For an expandable node: how many children it has (paged when large). */
  indexed?: number;
  /** The path step a child request gives back (a db index, or a key's bytes). */
  step?: string;
}

/** Longer strings are cut in the value column; the full value is one expansion (or `GET`) away. */
const SHOWN_CHARS = 200;

/** Bytes as a person reads them: printable ASCII as is, the rest as \xHH (redis-cli's quoting). */
export function showBytes(b: Bytes, limit = SHOWN_CHARS): string {
  let out = '';
  for (let i = 0; i < b.length && out.length < limit; i++) {
    const c = b.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += `\\${b[i]}`;
    else if (c >= 0x20 && c < 0x7f) out += b[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out.length >= limit && b.length > limit ? `${out}…` : out;
}

function* page<T>(items: Iterable<T>, start: number, count: number): Generator<T> {
  let i = 0;
  for (const item of items) {
    if (i >= start + count) return;
    if (i++ >= start) yield item;
  }
}

function length(v: Value): number {
  switch (v.type) {
    case 'string': return 0;
    case 'list': return v.length;
    case 'set': return v.members.size;
    case 'zset': return v.size;
    case 'hash': return v.fields.size;
    case 'stream': return v.stream.entries.length;
    case 'array': return v.array.count;
    case 'module': return 0;
  }
}

function keyNode(key: Bytes, v: Value, expireAt: number, nowMs: number): PagedNode {
  const expired = expireAt !== -1 && expireAt <= nowMs ? ' (expired, hidden from reads)' : '';
  const n = length(v);
  const value = v.type === 'string' ? `"${showBytes(v.value)}"` : v.type === 'module' ? `module ${v.moduleName}` : `${v.type} (${n})`;
  return { name: showBytes(key), value: value + expired, type: v.type, step: key, ...(n > 0 ? { indexed: n } : {}) };
}

function elements(v: Value, start: number, count: number): PagedNode[] {
  const out: PagedNode[] = [];
  let i = start;
  switch (v.type) {
    case 'list':
      listWalk(v, start, false, (item) => {
        if (i >= start + count) return false;
        out.push({ name: `[${i++}]`, value: `"${showBytes(item)}"` });
        return true;
      });
      break;
    case 'set':
      for (const m of page(v.members, start, count)) out.push({ name: `[${i++}]`, value: `"${showBytes(m)}"` });
      break;
    case 'zset':
      // In rank order, from the page's first rank: O(log n + page).
      if (count > 0) v.walk(start, false, (m, score) => out.push({ name: showBytes(m), value: String(score), type: 'score' }) < count);
      break;
    case 'hash':
      for (const [f, val] of page(v.fields, start, count)) out.push({ name: showBytes(f), value: `"${showBytes(val)}"` });
      break;
    case 'stream':
      for (const e of v.stream.entries.page(start, count)) {
        const fields: string[] = [];
        for (let j = 0; j + 1 < e.fields.length; j += 2) fields.push(`${showBytes(e.fields[j]!)}: "${showBytes(e.fields[j + 1]!)}"`);
        out.push({ name: `${e.id.ms}-${e.id.seq}`, value: `{${fields.join(', ')}}` });
      }
      break;
    default:
      break;
  }
  return out;
}

/**
 * The children at `path`: [] → the non-empty databases; [db] → that database's
 * keys; [db, key] → the value's elements. `start`/`count` page the last two.
 */
export function keyspaceChildren(ks: Keyspace, path: readonly string[], start = 0, count = Infinity, nowMs = Date.now()): PagedNode[] {
  if (path.length === 0) {
    // dataset none: one line that says why, never an empty Keyspace that reads as an empty master.
    if (!ks.keepsValues) return [{ name: 'dataset', value: `${ks.footprint}: no keys kept (${ks.footprintReason})` }];
    return ks.dbs.flatMap((d, i) => (d.size === 0 ? [] : [{ name: `db${i}`, value: `${d.size} keys${d.expires ? `, ${d.expires} with an expiry` : ''}`, indexed: d.size, step: String(i) }]));
  }
  const db = ks.dbs[Number(path[0])];
  if (!db) return [];
  if (path.length === 1) return [...page(db, start, count)].map(([k, v]) => keyNode(k, v, db.expireAt(k), nowMs));
  const entry = db.peek(path[1]!);
  return entry ? elements(entry, start, count) : [];
}
