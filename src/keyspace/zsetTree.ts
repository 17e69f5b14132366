// The counted B+tree that orders a large sorted set by (score, member bytes).
// Leaves hold parallel arrays of members and scores, linked both ways for range
// walks; an inner node holds, per child, its element count and first key, so
// that a descent by key or by rank is O(log n). Nodes stay between MIN and MAX
// wide (the root excepted): an underfull child borrows from or merges with a
// neighbour on the way back up from a removal.
//
// Why not a skiplist with spans (Redis's zskiplist): in JS a node per element
// costs an object and a level array (~100 bytes); here an element costs two
// array slots, and the same O(log n) bounds hold for every operation.
import type { Bytes } from './values';

export type ZEntry = [member: Bytes, score: number];

const LEAF_MAX = 64;
const LEAF_MIN = 16;
const INNER_MAX = 64;
const INNER_MIN = 16;

export class Leaf {
  next: Leaf | null = null;
  prev: Leaf | null = null;
  constructor(public s: number[], public m: Bytes[]) {}
}

/** s[i]/m[i]: the first key of kids[i]; cnt[i]: the number of elements under kids[i]. */
export class Inner {
  constructor(public kids: Node[], public cnt: number[], public s: number[], public m: Bytes[]) {}
}

export type Node = Leaf | Inner;

/** (s1, m1) against (s2, m2) in zset order. */
export function cmpKey(s1: number, m1: Bytes, s2: number, m2: Bytes): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return m1 < m2 ? -1 : m1 > m2 ? 1 : 0;
}

/** A monotone test along the order: false for a prefix of the elements, true after. */
export type KeyTest = (score: number, member: Bytes) => boolean;

export function count(n: Node): number {
  if (n instanceof Leaf) return n.m.length;
  let c = 0;
  for (const x of n.cnt) c += x;
  return c;
}

const width = (n: Node): number => (n instanceof Leaf ? n.m.length : n.kids.length);

/** The last child whose first key is ≤ (score, member), or 0. */
function childFor(n: Inner, score: number, member: Bytes): number {
  let lo = 1, hi = n.kids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmpKey(n.s[mid]!, n.m[mid]!, score, member) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The first index in a leaf whose key is ≥ (score, member). */
export function leafLowerBound(l: Leaf, score: number, member: Bytes): number {
  let lo = 0, hi = l.m.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmpKey(l.s[mid]!, l.m[mid]!, score, member) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function refreshKey(n: Inner, i: number): void {
  const k = n.kids[i]!;
  n.s[i] = k.s[0]!;
  n.m[i] = k.m[0]!;
}


/** Inserts a key that is not in the tree; returns the (maybe new) root. */
export function insert(root: Node, score: number, member: Bytes): Node {
  const right = insertInto(root, score, member);
  if (!right) return root;
  return new Inner([root, right], [count(root), count(right)], [root.s[0]!, right.s[0]!], [root.m[0]!, right.m[0]!]);
}

/** Inserts under n; returns the new right sibling when n split. */
function insertInto(n: Node, score: number, member: Bytes): Node | null {
  if (n instanceof Leaf) {
    const i = leafLowerBound(n, score, member);
    n.s.splice(i, 0, score);
    n.m.splice(i, 0, member);
    if (n.m.length <= LEAF_MAX) return null;
    const half = n.m.length >> 1;
    const r = new Leaf(n.s.splice(half), n.m.splice(half));
    r.next = n.next;
    if (r.next) r.next.prev = r;
    r.prev = n;
    n.next = r;
    return r;
  }
  const i = childFor(n, score, member);
  const kid = n.kids[i]!;
  const split = insertInto(kid, score, member);
  n.cnt[i]!++;
  refreshKey(n, i);
  if (!split) return null;
  n.cnt[i] = count(kid);
  n.kids.splice(i + 1, 0, split);
  n.cnt.splice(i + 1, 0, count(split));
  n.s.splice(i + 1, 0, split.s[0]!);
  n.m.splice(i + 1, 0, split.m[0]!);
  if (n.kids.length <= INNER_MAX) return null;
  const half = n.kids.length >> 1;
  return new Inner(n.kids.splice(half), n.cnt.splice(half), n.s.splice(half), n.m.splice(half));
}

/** Removes a key that is in the tree; returns the (maybe lower) root. */
export function remove(root: Node, score: number, member: Bytes): Node {
  removeFrom(root, score, member);
  return shrink(root);
}

function removeFrom(n: Node, score: number, member: Bytes): void {
  if (n instanceof Leaf) {
    const i = leafLowerBound(n, score, member);
    n.s.splice(i, 1);
    n.m.splice(i, 1);
    return;
  }
  const i = childFor(n, score, member);
  removeFrom(n.kids[i]!, score, member);
  n.cnt[i]!--;
  settle(n, i);
}

/** Removes up to `count` elements from `rank` within one leaf under n; returns how many. Shrink the root after. */
export function removeRun(n: Node, rank: number, count: number, removed: (member: Bytes, score: number) => void): number {
  if (n instanceof Leaf) {
    const k = Math.min(count, n.m.length - rank);
    const ms = n.m.splice(rank, k), ss = n.s.splice(rank, k);
    for (let j = 0; j < k; j++) removed(ms[j]!, ss[j]!);
    return k;
  }
  let i = 0;
  while (rank >= n.cnt[i]! && i + 1 < n.kids.length) rank -= n.cnt[i++]!;
  const k = removeRun(n.kids[i]!, rank, count, removed);
  n.cnt[i]! -= k;
  settle(n, i);
  return k;
}

export function shrink(root: Node): Node {
  while (root instanceof Inner && root.kids.length === 1) root = root.kids[0]!;
  return root;
}

/** After a removal under kids[i]: refills or merges an underfull child, refreshes first keys. */
function settle(n: Inner, i: number): void {
  const kid = n.kids[i]!;
  const min = kid instanceof Leaf ? LEAF_MIN : INNER_MIN;
  if (width(kid) >= min || n.kids.length === 1) {
    if (width(kid) > 0) refreshKey(n, i);
    return;
  }
  const j = i > 0 ? i - 1 : i;
  const a = n.kids[j]!, b = n.kids[j + 1]!;
  const max = a instanceof Leaf ? LEAF_MAX : INNER_MAX;
  if (width(a) + width(b) <= max) {
    merge(a, b);
    n.cnt[j]! += n.cnt[j + 1]!;
    n.kids.splice(j + 1, 1);
    n.cnt.splice(j + 1, 1);
    n.s.splice(j + 1, 1);
    n.m.splice(j + 1, 1);
    refreshKey(n, j);
    return;
  }
  balance(a, b);
  n.cnt[j] = count(a);
  n.cnt[j + 1] = count(b);
  refreshKey(n, j);
  refreshKey(n, j + 1);
}

function merge(a: Node, b: Node): void {
  if (a instanceof Leaf) {
    const l = b as Leaf;
    for (let j = 0; j < l.m.length; j++) {
      a.s.push(l.s[j]!);
      a.m.push(l.m[j]!);
    }
    a.next = l.next;
    if (a.next) a.next.prev = a;
    return;
  }
  const r = b as Inner;
  for (let j = 0; j < r.kids.length; j++) {
    a.kids.push(r.kids[j]!);
    a.cnt.push(r.cnt[j]!);
    a.s.push(r.s[j]!);
    a.m.push(r.m[j]!);
  }
}

/** A node's parallel arrays, in the same order for a leaf and an inner node (an inner node adds its children first). */
function columns(n: Node): unknown[][] {
  return n instanceof Leaf ? [n.s, n.m] : [n.kids, n.cnt, n.s, n.m];
}

/** Evens out two neighbours whose content is too much for one node. */
function balance(a: Node, b: Node): void {
  const want = (width(a) + width(b)) >> 1;
  const from = columns(a);
  const to = columns(b);
  const have = from[0]!.length;
  for (let c = 0; c < from.length; c++) {
    // Whichever side has more than half gives the difference to the other.
    if (have > want) to[c]!.unshift(...from[c]!.splice(want, have - want));
    else from[c]!.push(...to[c]!.splice(0, want - have));
  }
}

/** The rank of a key that is in the tree. */
export function rankOf(root: Node, score: number, member: Bytes): number {
  let r = 0;
  let n = root;
  while (n instanceof Inner) {
    const i = childFor(n, score, member);
    for (let j = 0; j < i; j++) r += n.cnt[j]!;
    n = n.kids[i]!;
  }
  return r + leafLowerBound(n, score, member);
}

/** The rank of the first element for which a monotone `test` holds (the size when none). */
export function seek(root: Node, test: KeyTest): number {
  let r = 0;
  let n = root;
  while (n instanceof Inner) {
    // The last child whose first key fails: the answer is in it or starts the next one.
    let i = 0;
    while (i + 1 < n.kids.length && !test(n.s[i + 1]!, n.m[i + 1]!)) r += n.cnt[i++]!;
    n = n.kids[i]!;
  }
  let lo = 0, hi = n.m.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(n.s[mid]!, n.m[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return r + lo;
}

/** The leaf and index of a rank in [0, size). */
export function locate(root: Node, rank: number): [Leaf, number] {
  let n = root;
  while (n instanceof Inner) {
    let i = 0;
    while (rank >= n.cnt[i]! && i + 1 < n.kids.length) rank -= n.cnt[i++]!;
    n = n.kids[i]!;
  }
  return [n, rank];
}

export function firstLeaf(root: Node): Leaf {
  let n = root;
  while (n instanceof Inner) n = n.kids[0]!;
  return n;
}

export function lastLeaf(root: Node): Leaf {
  let n = root;
  while (n instanceof Inner) n = n.kids[n.kids.length - 1]!;
  return n;
}

/** A tree of ascending unique entries, leaves and inner nodes filled to 3/4 so that the next inserts do not split them all at once. */
export function build(entries: ZEntry[]): Node {
  const per = (LEAF_MAX * 3) >> 2;
  const nLeaves = Math.max(1, Math.ceil(entries.length / per));
  let level: Node[] = [];
  let prev: Leaf | null = null;
  for (let k = 0; k < nLeaves; k++) {
    const from = Math.floor((k * entries.length) / nLeaves), to = Math.floor(((k + 1) * entries.length) / nLeaves);
    const s: number[] = [], m: Bytes[] = [];
    for (let j = from; j < to; j++) {
      m.push(entries[j]![0]);
      s.push(entries[j]![1]);
    }
    const l = new Leaf(s, m);
    l.prev = prev;
    if (prev) prev.next = l;
    prev = l;
    level.push(l);
  }
  const fan = (INNER_MAX * 3) >> 2;
  while (level.length > 1) {
    const groups = Math.ceil(level.length / fan);
    const up: Node[] = [];
    for (let g = 0; g < groups; g++) {
      const kids = level.slice(Math.floor((g * level.length) / groups), Math.floor(((g + 1) * level.length) / groups));
      up.push(new Inner(kids, kids.map(count), kids.map((k) => k.s[0]!), kids.map((k) => k.m[0]!)));
    }
    level = up;
  }
  return level[0]!;
}

/**
 * The tree's invariants (tests): fill, equal leaf depth, child counts and
 * first keys, leaf links, strict order. Returns the leaves in order, or a
 * description of the first fault.
 */
export function checkTree(root: Node): Leaf[] | string {
  const leaves: Leaf[] = [];
  let depth = 0;
  for (let n = root; n instanceof Inner; n = n.kids[0]!) depth++;
  const visit = (n: Node, d: number, isRoot: boolean): string | null => {
    if (n instanceof Leaf) {
      if (n.s.length !== n.m.length) return 'leaf arrays differ in length';
      if (n.m.length > LEAF_MAX || (!isRoot && n.m.length < LEAF_MIN)) return `leaf fill ${n.m.length}`;
      leaves.push(n);
      return d === depth ? null : 'leaves at different depths';
    }
    if (n.kids.length > INNER_MAX || (!isRoot && n.kids.length < INNER_MIN) || (isRoot && n.kids.length < 2)) return `inner fill ${n.kids.length}`;
    for (let i = 0; i < n.kids.length; i++) {
      const k = n.kids[i]!;
      if (n.cnt[i] !== count(k)) return 'child count';
      if (!Object.is(n.s[i], k.s[0]) || n.m[i] !== k.m[0]) return 'child first key';
      const e = visit(k, d + 1, false);
      if (e) return e;
    }
    return null;
  };
  const e = visit(root, 0, true);
  if (e) return e;
  let prev: Leaf | null = null;
  for (const l of leaves) {
    if (l.prev !== prev || (prev && prev.next !== l)) return 'leaf links';
    prev = l;
  }
  if (prev && prev.next) return 'leaf links';
  return checkOrder(leaves);
}

/** Strictly ascending keys across the leaves. */
export function checkOrder(leaves: Leaf[]): Leaf[] | string {
  let ps = 0, pm: Bytes | null = null;
  for (const l of leaves) {
    for (let j = 0; j < l.m.length; j++) {
      if (pm !== null && cmpKey(ps, pm, l.s[j]!, l.m[j]!) >= 0) return 'order';
      ps = l.s[j]!;
      pm = l.m[j]!;
    }
  }
  return leaves;
}
