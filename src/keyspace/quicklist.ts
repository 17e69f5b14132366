// A list value as Redis keeps one (quicklist.c): a doubly linked list of
// nodes, each packing a bounded run of elements in one string
// (packedEntries.ts). Pushes and pops touch one end node; an index walks the
// nodes from the nearer end, then one node (quicklistReads.ts). The nodes are
// filled, split and merged by quicklist.c's rules (list-max-listpack-size,
// PLAIN nodes for large elements), so the node layout is the master's and
// OBJECT ENCODING can be read from it (listEncoding.ts). In the listpack state
// (7.2+) the list is one node that the node limits do not apply to, as a
// listpack list is.
import type { KeyspaceDialect } from '../versions/profile';
import { encodingConfig } from './encodingConfig';
import { LISTPACK_EMPTY_BYTES, listpackEntrySize } from './listpackSize';
import { elementAt, entryEquals, entryOffset, nextEntry, packEntry, prevEntry, pushEntryParts } from './packedEntries';
import { locate, located } from './quicklistReads';
import type { Bytes } from './values';

export type Where = 'left' | 'right';

export class QlNode {
  prev: QlNode | null = null;
  next: QlNode | null = null;
  /** Pushes at an end since the data was last flattened (see pushFlat). */
  pending = 0;
  constructor(
    /** The packed entries. */
    public data: string,
    public count: number,
    /** lpBytes of a packed node; the element's length for a PLAIN node. */
    public sz: number,
    public plain: boolean,
  ) {}
}

export class ListValue {
  readonly type = 'list' as const;
  head: QlNode | null = null;
  tail: QlNode | null = null;
  length = 0;
  constructor(
    /** A listpack list (7.2+): at most one node, which the node limits do not apply to. */
    public listpack: boolean,
  ) {}
}

/** quicklist.c SIZE_SAFETY_LIMIT and the listpack sizes a negative fill names. */
const SIZE_SAFETY_LIMIT = 8192;
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** SIZE_ESTIMATE_OVERHEAD: what _quicklistNodeAllowInsert adds for an entry's headers. */
const ESTIMATE_OVERHEAD = 8;
const PACKED_THRESHOLD_72 = 1 << 30;

// V8 keeps a concatenation as a rope of its pieces until it is read; reading
// one character flattens it. Node strings are flattened when written, so a
// node costs its bytes, not a tree of the pieces pushed into it; except that
// pushes at a node's ends flatten only once per 1/256 of the node's length in
// pushes (pushFlat): a push then copies ~256 bytes on average rather than the
// whole node, and the rope's pieces cost at most about a quarter of the node.
let flatSink = 0;
function flat(s: string): string {
  flatSink ^= s.charCodeAt(0);
  return s;
}

function pushFlat(n: QlNode, data: string): string {
  if (++n.pending <= data.length >> 8) return data;
  n.pending = 0;
  return flat(data);
}

/** quicklistNodeLimit: [size limit, count limit] of a node (and of a listpack list). */
export function nodeLimit(): [number, number] {
  const fill = encodingConfig.listMaxListpackSize;
  if (fill >= 0) return [Infinity, fill === 0 ? 1 : fill];
  return [OPTIMIZATION_LEVEL[Math.min(-fill - 1, OPTIMIZATION_LEVEL.length - 1)]!, Infinity];
}

/** quicklistNodeExceedsLimit. */
export function exceedsLimit(sz: number, count: number): boolean {
  const [szLimit, countLimit] = nodeLimit();
  if (szLimit !== Infinity) return sz > szLimit;
  if (sz > SIZE_SAFETY_LIMIT) return true;
  return count > countLimit;
}

/** isLargeElement: such an element gets a PLAIN node of its own. */
export function isLarge(d: KeyspaceDialect, sz: number): boolean {
  if (!d.has('list-large-plain-nodes')) return sz >= PACKED_THRESHOLD_72;
  const [szLimit] = nodeLimit();
  return szLimit === Infinity ? sz > SIZE_SAFETY_LIMIT : sz > szLimit;
}

/** What the fill rules read of a node (the test oracle's nodes have this shape too). */
type NodeSize = Pick<QlNode, 'count' | 'sz' | 'plain'>;

export function allowInsert(d: KeyspaceDialect, node: NodeSize | null | undefined, sz: number): boolean {
  if (!node || node.plain || isLarge(d, sz)) return false;
  return !exceedsLimit(node.sz + sz + ESTIMATE_OVERHEAD, node.count + 1);
}

export function allowMerge(a: NodeSize | null | undefined, b: NodeSize | null | undefined): boolean {
  if (!a || !b || a.plain || b.plain) return false;
  return !exceedsLimit(a.sz + b.sz - LISTPACK_EMPTY_BYTES, a.count + b.count);
}

const packedNode = (v: Bytes): QlNode => new QlNode(flat(packEntry(v)), 1, LISTPACK_EMPTY_BYTES + listpackEntrySize(v), false);
const plainNode = (v: Bytes): QlNode => new QlNode(flat(packEntry(v)), 1, v.length, true);

// ---- links --------------------------------------------------------------------

function linkAfter(l: ListValue, at: QlNode | null, n: QlNode): void {
  n.prev = at;
  n.next = at ? at.next : l.head;
  if (n.next) n.next.prev = n;
  else l.tail = n;
  if (at) at.next = n;
  else l.head = n;
}

function linkBefore(l: ListValue, at: QlNode | null, n: QlNode): void {
  linkAfter(l, at ? at.prev : l.tail, n);
}

function link(l: ListValue, beside: QlNode, n: QlNode, after: boolean): void {
  if (after) linkAfter(l, beside, n);
  else linkBefore(l, beside, n);
}

function unlink(l: ListValue, n: QlNode): void {
  if (n.prev) n.prev.next = n.next;
  else l.head = n.next;
  if (n.next) n.next.prev = n.prev;
  else l.tail = n.prev;
  n.prev = n.next = null;
}

// ---- node edits ------------------------------------------------------------------

/** Adds `v` as entry `k` of packed node `n`. */
function nodeInsertAt(n: QlNode, k: number, v: Bytes): void {
  const e = packEntry(v);
  if (k === 0) n.data = pushFlat(n, e + n.data);
  else if (k === n.count) n.data = pushFlat(n, n.data + e);
  else {
    const p = entryOffset(n.data, n.count, k);
    n.data = flat(n.data.slice(0, p) + e + n.data.slice(p));
  }
  n.count++;
  n.sz += listpackEntrySize(v);
}

/** Removes entries [k, k + m) of a node (not all of them); returns the first one removed. */
function nodeRemove(n: QlNode, k: number, m: number): Bytes {
  const d = n.data;
  const s = entryOffset(d, n.count, k);
  let e = s, first = '';
  for (let j = 0; j < m; j++) {
    const v = elementAt(d, e);
    if (j === 0) first = v;
    n.sz -= listpackEntrySize(v);
    e = nextEntry(d, e);
  }
  n.data = flat(s === 0 ? d.slice(e) : e === d.length ? d.slice(0, s) : d.slice(0, s) + d.slice(e));
  n.count -= m;
  return first;
}

/**
 * _quicklistSplitNode: `n` keeps entries [0, k] (after) or [k, end] (before);
 * the rest is returned as a new node, not yet linked.
 */
function split(n: QlNode, k: number, after: boolean): QlNode {
  const cut = after ? k + 1 : k;
  const d = n.data;
  let p = 0, leftSz = 0;
  for (let j = 0; j < cut; j++) {
    leftSz += listpackEntrySize(elementAt(d, p));
    p = nextEntry(d, p);
  }
  const left = new QlNode(flat(d.slice(0, p)), cut, LISTPACK_EMPTY_BYTES + leftSz, false);
  const right = new QlNode(flat(d.slice(p)), n.count - cut, n.sz - leftSz, false);
  const [keep, fresh] = after ? [left, right] : [right, left];
  n.data = keep.data;
  n.count = keep.count;
  n.sz = keep.sz;
  return fresh;
}

/** b's entries appended to a; b unlinked. */
function merge(l: ListValue, a: QlNode, b: QlNode): QlNode {
  a.data = flat(a.data + b.data);
  a.sz = a.sz + b.sz - LISTPACK_EMPTY_BYTES;
  a.count += b.count;
  unlink(l, b);
  return a;
}

/** _quicklistMergeNodes around `center`. */
function mergeAround(l: ListValue, center: QlNode): void {
  const prev = center.prev;
  if (prev && allowMerge(prev, prev.prev)) merge(l, prev.prev!, prev);
  const next = center.next;
  if (next && allowMerge(next, next.next)) merge(l, next, next.next!);
  let target = center;
  if (allowMerge(center, center.prev)) target = merge(l, center.prev!, center);
  if (allowMerge(target, target.next)) merge(l, target, target.next!);
}

// ---- writes ----------------------------------------------------------------------

/** quicklistPush (a listpack list: lpPush) of one element. */
export function qlPush(d: KeyspaceDialect, l: ListValue, v: Bytes, where: Where): void {
  l.length++;
  const left = where === 'left';
  const end = left ? l.head : l.tail;
  if (l.listpack && end) {
    nodeInsertAt(end, left ? 0 : end.count, v);
    return;
  }
  if (!l.listpack && isLarge(d, v.length)) {
    if (left) linkAfter(l, null, plainNode(v));
    else linkAfter(l, l.tail, plainNode(v));
    return;
  }
  if (end && allowInsert(d, end, v.length)) {
    nodeInsertAt(end, left ? 0 : end.count, v);
    return;
  }
  if (left) linkAfter(l, null, packedNode(v));
  else linkAfter(l, l.tail, packedNode(v));
}

/** Pops one element from a non-empty list. */
export function qlPop(l: ListValue, where: Where): Bytes {
  l.length--;
  const n = where === 'left' ? l.head! : l.tail!;
  if (n.count === 1) {
    unlink(l, n);
    return elementAt(n.data, 0);
  }
  return nodeRemove(n, where === 'left' ? 0 : n.count - 1, 1);
}

/** quicklistDelRange of elements [from, to): emptied nodes go away, no merging. */
export function qlDeleteRange(l: ListValue, from: number, to: number): void {
  if (from >= to) return;
  let n: QlNode | null = locate(l, from);
  let k = located.off;
  let left = to - from;
  l.length -= left;
  while (left > 0 && n) {
    const next: QlNode | null = n.next;
    const m = Math.min(left, n.count - k);
    if (n.plain || (k === 0 && m === n.count)) unlink(l, n);
    else nodeRemove(n, k, m);
    left -= m;
    k = 0;
    n = next;
  }
}

/**
 * LREM's deletions: up to `limit` elements equal to `v`, from the head (or
 * the tail); each is quicklistDelIndex, which drops a node once empty. Nodes
 * without a match are only read.
 */
export function qlRemoveEqual(l: ListValue, v: Bytes, limit: number, fromTail: boolean): number {
  let removed = 0;
  let n = fromTail ? l.tail : l.head;
  while (n && removed < limit) {
    const next: QlNode | null = fromTail ? n.prev : n.next;
    const d = n.data;
    // Which entries of this node go, as [start, end) character ranges.
    const cuts: number[] = [];
    let hits = 0;
    if (!fromTail) {
      for (let p = 0; p < d.length && removed + hits < limit;) {
        const e = nextEntry(d, p);
        if (entryEquals(d, p, v)) {
          cuts.push(p, e);
          hits++;
        }
        p = e;
      }
    } else {
      for (let e = d.length; e > 0 && removed + hits < limit;) {
        const p = prevEntry(d, e);
        if (entryEquals(d, p, v)) {
          cuts.push(e, p);
          hits++;
        }
        e = p;
      }
    }
    if (fromTail) cuts.reverse();
    if (hits === n.count) unlink(l, n);
    else if (hits > 0) {
      let kept = '', at = 0;
      for (let j = 0; j < cuts.length; j += 2) {
        kept += d.slice(at, cuts[j]);
        at = cuts[j + 1]!;
      }
      n.data = flat(kept + d.slice(at));
      n.count -= hits;
      n.sz -= hits * listpackEntrySize(v);
    }
    removed += hits;
    l.length -= hits;
    n = next;
  }
  return removed;
}

/** _quicklistInsert of `v` before/after element `index`. */
export function qlInsert(d: KeyspaceDialect, l: ListValue, index: number, v: Bytes, after: boolean): void {
  const node = locate(l, index);
  const off = located.off;
  l.length++;
  if (l.listpack) {
    nodeInsertAt(node, after ? off + 1 : off, v);
    return;
  }
  const sz = v.length;
  const full = !allowInsert(d, node, sz);
  const atTail = after && off === node.count - 1;
  const atHead = !after && off === 0;
  if (isLarge(d, sz)) {
    const big = plainNode(v);
    if (node.plain || atTail || atHead) link(l, node, big, after);
    else {
      const fresh = split(node, off, after);
      link(l, node, big, after);
      link(l, big, fresh, after);
    }
    return;
  }
  if (!full) nodeInsertAt(node, after ? off + 1 : off, v);
  else if (atTail && allowInsert(d, node.next, sz)) nodeInsertAt(node.next!, 0, v);
  else if (atHead && allowInsert(d, node.prev, sz)) nodeInsertAt(node.prev!, node.prev!.count, v);
  else if (atTail || atHead) link(l, node, packedNode(v), after);
  else {
    const fresh = split(node, off, after);
    nodeInsertAt(fresh, after ? 0 : fresh.count, v);
    link(l, node, fresh, after);
    mergeAround(l, node);
  }
}

/** quicklistReplaceEntry of element `index` by `v`. */
export function qlReplace(d: KeyspaceDialect, l: ListValue, index: number, v: Bytes): void {
  const node = locate(l, index);
  const off = located.off;
  const large = !l.listpack && isLarge(d, v.length);
  if (!node.plain && !large) {
    const p = entryOffset(node.data, node.count, off);
    const e = nextEntry(node.data, p);
    node.sz += listpackEntrySize(v) - listpackEntrySize(elementAt(node.data, p));
    node.data = flat(node.data.slice(0, p) + packEntry(v) + node.data.slice(e));
    return;
  }
  if (node.plain) {
    if (large) {
      node.data = flat(packEntry(v));
      node.sz = v.length;
      return;
    }
    // The new value goes after the PLAIN node, which is then dropped.
    qlInsert(d, l, index, v, true);
    unlink(l, node);
    l.length--;
    return;
  }
  // A large value replacing an element of a packed node: it gets a PLAIN node after it.
  const fresh = off !== node.count - 1 ? split(node, off, true) : null;
  const big = plainNode(v);
  linkAfter(l, node, big);
  if (fresh) linkAfter(l, big, fresh);
  if (node.count === 1) unlink(l, node);
  else {
    nodeRemove(node, node.count - 1, 1);
    mergeAround(l, big);
  }
}

/**
 * A list filled by tail pushes (quicklistPush at the tail, element by
 * element), with the open tail node's entries gathered and joined once when
 * the node is closed: the same nodes as that many RPUSHes, without copying the
 * node at every push. Also sums every element's listpack size, for a whole
 * list that turns out to fit one listpack.
 */
export class TailBuilder {
  readonly list = new ListValue(false);
  /** The sum of listpackEntrySize over every element. */
  entryBytes = 0;
  private parts: string[] = [];
  private count = 0;
  private sz = 0;

  constructor(private readonly d: KeyspaceDialect) {}

  push(v: Bytes): void {
    const es = listpackEntrySize(v);
    this.entryBytes += es;
    this.list.length++;
    if (isLarge(this.d, v.length)) {
      this.close();
      linkAfter(this.list, this.list.tail, plainNode(v));
      return;
    }
    if (this.count > 0 && !exceedsLimit(this.sz + v.length + ESTIMATE_OVERHEAD, this.count + 1)) {
      pushEntryParts(this.parts, v);
      this.count++;
      this.sz += es;
      return;
    }
    this.close();
    pushEntryParts(this.parts, v);
    this.count = 1;
    this.sz = LISTPACK_EMPTY_BYTES + es;
  }

  /** The list, once every element is pushed. */
  finish(): ListValue {
    this.close();
    return this.list;
  }

  private close(): void {
    if (this.count === 0) return;
    linkAfter(this.list, this.list.tail, new QlNode(flat(this.parts.join('')), this.count, this.sz, false));
    this.parts = [];
    this.count = 0;
  }
}

/** A list of the same elements and node layout (listTypeDup); node strings are shared, being immutable. */
export function qlDup(l: ListValue): ListValue {
  const c = new ListValue(l.listpack);
  for (let n = l.head; n; n = n.next) linkAfter(c, c.tail, new QlNode(n.data, n.count, n.sz, n.plain));
  c.length = l.length;
  return c;
}

/** Joins every node into one packed node: a whole list that fits one listpack (its size is recomputed). */
export function qlJoinAll(l: ListValue): void {
  if (!l.head || (l.head === l.tail && !l.head.plain)) return;
  const parts: string[] = [];
  let sz = LISTPACK_EMPTY_BYTES;
  for (let n: QlNode | null = l.head; n; n = n.next) {
    parts.push(n.data);
    const d = n.data;
    for (let p = 0; p < d.length; p = nextEntry(d, p)) sz += listpackEntrySize(elementAt(d, p));
  }
  const one = new QlNode(flat(parts.join('')), l.length, sz, false);
  l.head = l.tail = null;
  linkAfter(l, null, one);
}
