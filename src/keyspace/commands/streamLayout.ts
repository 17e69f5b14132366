// How redis-server stores a stream: a radix tree of listpack nodes of at most
// stream-node-max-entries (100) entries and stream-node-max-bytes (4096) bytes,
// each starting with a "master entry" of field names. The value model keeps
// only live entries; this keeps the node boundaries next to it, because three
// things a client can see depend on them: XINFO's radix-tree-keys and
// radix-tree-nodes, and where an approximate (~) trim stops.
//
// A layout built by our own commands from an empty stream is exact (given the
// default node limits on the master). A stream that came from an RDB has lost
// its boundaries and tombstones; its layout is rebuilt as if its live entries
// had been added in order, and flagged estimated.
import { LISTPACK_EMPTY_BYTES, listpackEntrySize, listpackIntEntrySize } from '../listpackSize';
import type { Bytes, StreamEntry, StreamId, StreamValue } from '../values';
import { compareIds, UINT64_MAX } from './streamId';

/** stream-node-max-entries / stream-node-max-bytes defaults. */
export const NODE_MAX_ENTRIES = 100;
export const NODE_MAX_BYTES = 4096;

export interface StreamNode {
  /** The radix-tree key: the ID of the node's first entry. */
  masterId: StreamId;
  masterFields: Bytes[];
  /** Entries not marked deleted. */
  live: number;
  /** Tombstones kept inside the listpack. */
  deleted: number;
  /** lpBytes of the listpack. */
  bytes: number;
  /** The ID of the last entry in the listpack, tombstone or not (lpGetEdgeStreamID). */
  lastId: StreamId;
}

export interface StreamLayout {
  nodes: StreamNode[];
  /** False when rebuilt from live entries only (after an RDB load). */
  exact: boolean;
}

const layouts = new WeakMap<StreamValue, StreamLayout>();

/** Whether the stream's layout is made already (a load makes it; a copy makes it when first needed). */
export function layoutKnown(s: StreamValue): boolean {
  return layouts.has(s);
}

/** The layout of a stream value, rebuilt if the value was made elsewhere (RDB load, COPY). */
export function layoutOf(s: StreamValue): StreamLayout {
  let layout = layouts.get(s);
  if (!layout) {
    // With no entries there is no node to know about (short of a MINID-trimmed node left empty, which we accept not to see).
    layout = { nodes: [], exact: s.entries.length === 0 };
    if (s.entries.idsExact()) rebuildExact(layout, s);
    else for (const e of s.entries) appendToLayout(layout, e);
    layouts.set(s, layout);
  }
  return layout;
}

// Listpack sizes are listpackSize.ts's (lpEncodeGetType / lpEncodeBacklen).
const intElement = listpackIntEntrySize;
const strElement = listpackEntrySize;

const INT64_MAX = (1n << 63n) - 1n;

/** (a - b) as the int64 the C code stores: uint64 difference, reinterpreted. */
function delta(a: bigint, b: bigint): bigint {
  const d = (a - b) & UINT64_MAX;
  return d > INT64_MAX ? d - (1n << 64n) : d;
}

const LP_EMPTY = LISTPACK_EMPTY_BYTES;

function sameFields(fields: Bytes[], master: Bytes[]): boolean {
  if (fields.length / 2 !== master.length) return false;
  for (let i = 0; i < master.length; i++) if (fields[i * 2] !== master[i]) return false;
  return true;
}

/** streamAppendItem's node choice and listpack growth for one new entry. */
export function appendToLayout(layout: StreamLayout, e: StreamEntry): void {
  const numFields = e.fields.length / 2;
  let totelelen = 0;
  for (const f of e.fields) totelelen += f.length;
  let node: StreamNode | undefined = layout.nodes[layout.nodes.length - 1];
  if (node && (node.bytes + totelelen >= NODE_MAX_BYTES || node.live + node.deleted >= NODE_MAX_ENTRIES)) node = undefined;
  if (!node) {
    const masterFields: Bytes[] = [];
    for (let i = 0; i < numFields; i++) masterFields.push(e.fields[i * 2]!);
    let bytes = LP_EMPTY + intElement(1n) + intElement(0n) + intElement(BigInt(numFields));
    for (const f of masterFields) bytes += strElement(f);
    bytes += intElement(0n);
    node = { masterId: e.id, masterFields, live: 0, deleted: 0, bytes, lastId: e.id };
    layout.nodes.push(node);
  }
  const same = sameFields(e.fields, node.masterFields);
  let bytes = intElement(same ? 2n : 0n) + intElement(delta(e.id.ms, node.masterId.ms)) + intElement(delta(e.id.seq, node.masterId.seq));
  if (!same) bytes += intElement(BigInt(numFields));
  for (let i = 0; i < numFields; i++) {
    if (!same) bytes += strElement(e.fields[i * 2]!);
    bytes += strElement(e.fields[i * 2 + 1]!);
  }
  const lpCount = numFields + 3 + (same ? 0 : numFields + 1);
  bytes += intElement(BigInt(lpCount));
  node.bytes += bytes;
  node.live++;
  node.lastId = e.id;
}

/**
 * appendToLayout for every entry of a stream whose IDs are all below 2^53, in
 * numbers: the first write after a load rebuilds the layout of the whole
 * stream, and a BigInt (or an ID object) per entry made that pause last
 * ~150 ms on a million entries. Each node's last ID is made once, when the
 * node is complete.
 */
function rebuildExact(layout: StreamLayout, s: StreamValue): void {
  let node: StreamNode | undefined;
  let masterMs = 0, masterSeq = 0, lastMs = 0, lastSeq = 0;
  const close = (): void => {
    if (node) node.lastId = { ms: BigInt(lastMs), seq: BigInt(lastSeq) };
  };
  s.entries.forEachExact((ms, seq, fields) => {
    const numFields = fields.length / 2;
    let totelelen = 0;
    for (const f of fields) totelelen += f.length;
    if (node && (node.bytes + totelelen >= NODE_MAX_BYTES || node.live + node.deleted >= NODE_MAX_ENTRIES)) {
      close();
      node = undefined;
    }
    if (!node) {
      const masterFields: Bytes[] = [];
      for (let i = 0; i < numFields; i++) masterFields.push(fields[i * 2]!);
      let bytes = LP_EMPTY + intElement(1) + intElement(0) + intElement(numFields);
      for (const f of masterFields) bytes += strElement(f);
      bytes += intElement(0);
      const id = { ms: BigInt(ms), seq: BigInt(seq) };
      node = { masterId: id, masterFields, live: 0, deleted: 0, bytes, lastId: id };
      layout.nodes.push(node);
      masterMs = ms;
      masterSeq = seq;
    }
    const same = sameFields(fields, node.masterFields);
    // Both IDs are below 2^53, so the differences are exact and equal the int64 the C code stores.
    let bytes = intElement(same ? 2 : 0) + intElement(ms - masterMs) + intElement(seq - masterSeq);
    if (!same) bytes += intElement(numFields);
    for (let i = 0; i < numFields; i++) {
      if (!same) bytes += strElement(fields[i * 2]!);
      bytes += strElement(fields[i * 2 + 1]!);
    }
    bytes += intElement(numFields + 3 + (same ? 0 : numFields + 1));
    node.bytes += bytes;
    node.live++;
    lastMs = ms;
    lastSeq = seq;
  });
  close();
}

/** Index of the node holding `id`: the last node whose master ID is <= id, or -1. */
export function nodeIndexOf(layout: StreamLayout, id: StreamId): number {
  let lo = 0;
  let hi = layout.nodes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (compareIds(layout.nodes[mid]!.masterId, id) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** streamIteratorRemoveEntry: a tombstone, or the whole node when it held the last live entry. */
export function deleteFromLayout(layout: StreamLayout, id: StreamId): void {
  const i = nodeIndexOf(layout, id);
  const node = layout.nodes[i];
  if (!node) return;
  if (node.live === 1) {
    layout.nodes.splice(i, 1);
  } else {
    node.live--;
    node.deleted++;
  }
}

function idBytes(id: StreamId): number[] {
  const out: number[] = [];
  for (const part of [id.ms, id.seq]) for (let shift = 56n; shift >= 0n; shift -= 8n) out.push(Number((part >> shift) & 0xffn));
  return out;
}

/**
 * rax->numnodes for the radix tree keyed by the nodes' 16-byte big-endian master
 * IDs: the root, a compressed node for every run of single-child positions, a
 * node at every branching position and one per child of it, and the key leaves.
 */
export function radixTreeNodes(layout: StreamLayout): number {
  if (layout.nodes.length === 0) return 1;
  const keys = layout.nodes.map((n) => idBytes(n.masterId)); // already sorted
  return countFrom(keys, 0, keys.length, 0);
}

const KEY_LEN = 16;

// keys[from..to) share their first `depth` bytes, and a rax node starts at depth.
function countFrom(keys: number[][], from: number, to: number, depth: number): number {
  if (to - from === 1) return depth === KEY_LEN ? 1 : 2;
  let split = depth;
  const first = keys[from]!;
  const last = keys[to - 1]!;
  while (first[split] === last[split]) split++;
  // A compressed node covers depth..split when they differ; then the branching node.
  let n = split > depth ? 2 : 1;
  let start = from;
  for (let i = from + 1; i <= to; i++) {
    if (i === to || keys[i]![split] !== keys[start]![split]) {
      n += countFrom(keys, start, i, split + 1);
      start = i;
    }
  }
  return n;
}
