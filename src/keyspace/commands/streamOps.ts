// Operations on a stream value that keep its entries, its metadata (first/last
// ID, max deleted ID, entries added) and its node layout in step, with the
// semantics of t_stream.c's streamAppendItem / streamTrim / streamDeleteItem and
// the consumer-group read counters (entries_read, lag).
import type { Bytes, StreamEntry, StreamGroup, StreamId, StreamIdmp, StreamPendingEntry, StreamValue } from '../values';
import { StreamEntries } from '../streamStore';
import { compareIds, isZeroId, MAX_ID, ZERO_ID } from './streamId';
import { appendToLayout, deleteFromLayout, layoutOf } from './streamLayout';
import { dropReferences, referenceCheck, type DeleteStrategy } from './streamRefs';

/** SCG_INVALID_ENTRIES_READ */
export const INVALID_ENTRIES_READ = -1;

/** stream-idmp-duration / stream-idmp-maxsize defaults (8.6): what a new stream starts with. */
export const IDMP_DEFAULT_DURATION = 100;
export const IDMP_DEFAULT_MAXSIZE = 100;

export function newIdmp(): StreamIdmp {
  return { duration: IDMP_DEFAULT_DURATION, maxEntries: IDMP_DEFAULT_MAXSIZE, producers: new Map(), iidsAdded: 0, iidsDuplicates: 0 };
}

export function newStream(): StreamValue {
  return { entries: new StreamEntries(), lastId: ZERO_ID, firstId: ZERO_ID, maxDeletedId: ZERO_ID, entriesAdded: 0, groups: new Map(), idmp: newIdmp() };
}

export function newGroup(name: Bytes, lastId: StreamId, entriesRead: number): StreamGroup {
  return { name, lastId, entriesRead, pending: new Map(), consumers: new Map(), nacked: new Set() };
}

/** streamDup (COPY): everything, IDMP records and the NACK zone included. */
export function cloneStream(s: StreamValue): StreamValue {
  const id = (x: StreamId): StreamId => ({ ms: x.ms, seq: x.seq });
  const groups = new Map<Bytes, StreamGroup>();
  for (const [name, g] of s.groups) {
    const pending = new Map<string, StreamPendingEntry>();
    for (const [k, p] of g.pending) pending.set(k, { ...p, id: id(p.id) });
    const copy = newGroup(g.name, id(g.lastId), g.entriesRead);
    copy.pending = pending;
    for (const [k, c] of g.consumers) copy.consumers.set(k, { ...c, pending: new Set(c.pending) });
    copy.nacked = new Set(g.nacked);
    groups.set(name, copy);
  }
  const producers = new Map<Bytes, Map<Bytes, StreamId>>();
  for (const [pid, records] of s.idmp.producers) producers.set(pid, new Map(records));
  return {
    entries: s.entries.clone(),
    lastId: id(s.lastId),
    firstId: id(s.firstId),
    maxDeletedId: id(s.maxDeletedId),
    entriesAdded: s.entriesAdded,
    groups,
    idmp: { ...s.idmp, producers },
  };
}

/** Appends an entry whose ID the caller has checked is greater than lastId. */
export function appendEntry(s: StreamValue, id: StreamId, fields: Bytes[]): void {
  const layout = layoutOf(s);
  s.entries.push(id, fields);
  appendToLayout(layout, { id, fields });
  // 8.x saturates the counter at LLONG_MAX (a JS number cannot reach it anyway).
  s.entriesAdded++;
  s.lastId = id;
  if (s.entries.length === 1) s.firstId = id;
}

/** Whether a live entry has this ID: O(log n). */
export function hasEntry(s: StreamValue, id: StreamId): boolean {
  return s.entries.has(id);
}

/** streamDeleteItem: removes a live entry; false when there is none with this ID. */
export function deleteEntry(s: StreamValue, id: StreamId): boolean {
  const layout = layoutOf(s);
  if (!s.entries.delete(id)) return false;
  deleteFromLayout(layout, id);
  return true;
}

/** streamGetEdgeID(s, first=1, skip_tombstones=1) after a removal. */
export function refreshFirstId(s: StreamValue): void {
  s.firstId = s.entries.first()?.id ?? ZERO_ID;
}

export type TrimSpec = ({ strategy: 'maxlen'; maxlen: number } | { strategy: 'minid'; minid: StreamId }) & {
  approx: boolean;
  /** What happens to consumer-group references (8.2); KEEPREF before 8.2. */
  refs: DeleteStrategy;
};

/**
 * streamTrim as run for the master client (no LIMIT): whole nodes from the head,
 * then, unless approximate, tombstones inside the first node that must keep some.
 * Returns the number of entries removed.
 */
export function trimStream(s: StreamValue, spec: TrimSpec): number {
  if (spec.refs !== 'keepref') return trimWithReferences(s, spec);
  const layout = layoutOf(s);
  let removed = 0;
  let length = s.entries.length;
  while (layout.nodes.length > 0) {
    if (spec.strategy === 'maxlen' && length <= spec.maxlen) break;
    const node = layout.nodes[0]!;
    const wholeNode = spec.strategy === 'maxlen' ? length - node.live >= spec.maxlen : compareIds(node.lastId, spec.minid) < 0;
    if (wholeNode) {
      layout.nodes.shift();
      s.entries.shift(node.live);
      length -= node.live;
      removed += node.live;
      continue;
    }
    if (spec.approx) break;
    let k: number;
    if (spec.strategy === 'maxlen') {
      k = length - spec.maxlen;
    } else {
      k = 0;
      for (const e of s.entries) {
        if (k >= node.live || compareIds(e.id, spec.minid) >= 0) break;
        k++;
      }
    }
    s.entries.shift(k);
    node.live -= k;
    node.deleted += k;
    removed += k;
    break;
  }
  if (s.entries.length === 0) s.firstId = ZERO_ID;
  else if (removed > 0) refreshFirstId(s);
  return removed;
}

/** streamRangeHasTombstones(s, start, end=NULL) */
export function rangeHasTombstones(s: StreamValue, start: StreamId | null): boolean {
  if (s.entries.length === 0 || isZeroId(s.maxDeletedId)) return false;
  if (compareIds(s.firstId, s.maxDeletedId) > 0) return false;
  const from = start ?? ZERO_ID;
  return compareIds(from, s.maxDeletedId) <= 0 && compareIds(s.maxDeletedId, MAX_ID) <= 0;
}

/** streamEstimateDistanceFromFirstEverEntry: the read counter an ID would have, or INVALID_ENTRIES_READ. */
export function estimateDistance(s: StreamValue, id: StreamId): number {
  if (!s.entriesAdded) return 0;
  const length = s.entries.length;
  if (!length && compareIds(id, s.lastId) < 1) return s.entriesAdded;
  const cmpLast = compareIds(id, s.lastId);
  if (cmpLast === 0) return s.entriesAdded;
  if (cmpLast > 0) return INVALID_ENTRIES_READ;
  const cmpFirst = compareIds(id, s.firstId);
  if (isZeroId(s.maxDeletedId) || compareIds(s.maxDeletedId, s.firstId) < 0) {
    if (cmpFirst < 0) return s.entriesAdded - length;
    if (cmpFirst === 0) return s.entriesAdded - length + 1;
  }
  return INVALID_ENTRIES_READ;
}

/** streamReplyWithCGLag's number, or null when the lag cannot be known. `afterTrim`: 8.0's two extra rules. */
export function groupLag(s: StreamValue, g: StreamGroup, afterTrim = false): number | null {
  if (!s.entriesAdded) return 0;
  if (afterTrim) {
    if (s.entries.length === 0) return 0;
    if (compareIds(g.lastId, s.firstId) < 0 && compareIds(s.maxDeletedId, s.firstId) < 0) return s.entries.length;
  }
  if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, g.lastId)) return s.entriesAdded - g.entriesRead;
  const read = estimateDistance(s, g.lastId);
  return read === INVALID_ENTRIES_READ ? null : s.entriesAdded - read;
}

/**
 * streamTrim with DELREF or ACKED (8.2): no whole node goes unseen, since each
 * entry's references matter. Node by node from the head, entries are deleted
 * in order (ACKED skips those still referenced) until the stream is short
 * enough or an entry reaches MINID; a node all of whose entries go is removed,
 * and the walk moves on only while the node was one MAXLEN/MINID could drop
 * whole. `~` changes nothing here (the master rewrites it to "=" anyway).
 */
function trimWithReferences(s: StreamValue, spec: TrimSpec): number {
  const layout = layoutOf(s);
  const referenced = spec.refs === 'acked' ? referenceCheck(s) : null;
  const dead: StreamId[] = [];
  let length = s.entries.length;
  // The nodes' live entries are the stream's, in order: one walk serves every node.
  const walk = s.entries[Symbol.iterator]();
  for (let n = 0; n < layout.nodes.length; ) {
    if (spec.strategy === 'maxlen' && length <= spec.maxlen) break;
    const node = layout.nodes[n]!;
    const live = node.live;
    const eligible = spec.strategy === 'maxlen' ? length - live >= spec.maxlen : compareIds(node.lastId, spec.minid) < 0;
    let deletedHere = 0;
    let k = 0;
    for (; k < live; k++) {
      const e = walk.next().value as StreamEntry;
      const stop = spec.strategy === 'maxlen' ? length <= spec.maxlen : compareIds(e.id, spec.minid) >= 0;
      if (stop) break;
      if (referenced !== null && referenced(e.id)) continue;
      if (spec.refs === 'delref') dropReferences(s, e.id);
      dead.push(e.id);
      deletedHere++;
      length--;
    }
    // The loop stops early only when the trim is over (the outer loop ends next).
    for (k++; k < live; k++) walk.next();
    if (eligible && deletedHere === live) {
      layout.nodes.splice(n, 1);
      continue;
    }
    node.live -= deletedHere;
    node.deleted += deletedHere;
    if (!eligible) break;
    n++;
  }
  for (const id of dead) s.entries.delete(id);
  if (s.entries.length === 0) s.firstId = ZERO_ID;
  else if (dead.length > 0) refreshFirstId(s);
  return dead.length;
}
