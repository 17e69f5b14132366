// The sorted set (Redis's zset: a dict member → score plus an ordered index by
// (score, member bytes)). Ordering: scores as doubles (-0 and 0 are equal, as
// in zslInsert's `<`), ties by member as memcmp (latin1 strings: `<`).
//
// The ordered index is a counted B+tree rather than a skiplist with spans:
// leaves hold parallel arrays of members and scores (no node object per
// element), inner nodes hold each child's element count and first key, so
// insert, delete, rank, element at rank and the first element at a score or
// lex bound are all O(log n), a range walks linked leaves in O(m), and the
// memory per element is two array slots instead of a node with a level array.
//
// A small set (≤ SMALL_MAX elements, as a listpack is) is packed as a listpack
// is: its members in order in one latin1 string (each after its length as a
// varint), its scores in one array, no dict. Lookups scan it linearly, reads
// and writes unpack it into a temporary leaf (O(n), as listpack operations
// are). Past that size it becomes the tree plus a Map, and never converts back.
import type { Bytes } from './values';

export type ZEntry = [member: Bytes, score: number];

const SMALL_MAX = 128;
const LEAF_MAX = 64;
const LEAF_MIN = 16;
const INNER_MAX = 64;
const INNER_MIN = 16;

class Leaf {
  next: Leaf | null = null;
  prev: Leaf | null = null;
  constructor(public s: number[], public m: Bytes[]) {}
}

/** s[i]/m[i]: the first key of kids[i]; cnt[i]: the number of elements under kids[i]. */
class Inner {
  constructor(public kids: Node[], public cnt: number[], public s: number[], public m: Bytes[]) {}
}

type Node = Leaf | Inner;

/** (s1, m1) against (s2, m2) in zset order. */
export function cmpKey(s1: number, m1: Bytes, s2: number, m2: Bytes): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return m1 < m2 ? -1 : m1 > m2 ? 1 : 0;
}

/** A monotone test along the order: false for a prefix of the elements, true after. */
export type KeyTest = (score: number, member: Bytes) => boolean;

function count(n: Node): number {
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
function leafLowerBound(l: Leaf, score: number, member: Bytes): number {
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

export class Zset {
  readonly type = 'zset' as const;
  /** The B+tree once past SMALL_MAX; null while the set is packed. */
  private tree: Node | null = null;
  /** member → score once past SMALL_MAX; null while the set is packed. */
  private dict: Map<Bytes, number> | null = null;
  /** While small: the members in order, each after its length (a varint of 7-bit chars). */
  private packed = '';
  /** While small: the scores in order. */
  private ps: number[] = [];

  get size(): number {
    return this.dict ? this.dict.size : this.ps.length;
  }

  /** The tree, or a leaf unpacked from the small form (its member strings are new, its scores array is ps). */
  private get root(): Node {
    return this.tree ?? this.unpacked();
  }

  private unpacked(): Leaf {
    const m: Bytes[] = new Array<Bytes>(this.ps.length);
    const p = this.packed;
    for (let i = 0, off = 0; i < m.length; i++) {
      let len = 0, shift = 0, c: number;
      do {
        c = p.charCodeAt(off++);
        len += (c & 127) * 2 ** shift;
        shift += 7;
      } while (c & 128);
      m[i] = p.slice(off, off + len);
      off += len;
    }
    return new Leaf(this.ps, m);
  }

  private pack(l: Leaf): void {
    this.ps = l.s;
    this.packed = packMembers(l.m);
  }

  /** The member's score, or undefined. O(1), or O(n ≤ SMALL_MAX) while small. */
  score(member: Bytes): number | undefined {
    if (this.dict) return this.dict.get(member);
    const p = this.packed;
    for (let i = 0, off = 0; i < this.ps.length; i++) {
      let len = 0, shift = 0, c: number;
      do {
        c = p.charCodeAt(off++);
        len += (c & 127) * 2 ** shift;
        shift += 7;
      } while (c & 128);
      if (len === member.length && p.startsWith(member, off)) return this.ps[i];
      off += len;
    }
    return undefined;
  }

  has(member: Bytes): boolean {
    return this.score(member) !== undefined;
  }

  /** Adds the member or moves it to a new score. NaN must never reach here. */
  set(member: Bytes, score: number): void {
    const old = this.score(member);
    if (old !== undefined) {
      if (Object.is(old, score)) return;
      this.removeKey(old, member);
    }
    this.insertKey(score, member);
  }

  /** Removes the member; false when it was not there. */
  delete(member: Bytes): boolean {
    const old = this.score(member);
    if (old === undefined) return false;
    this.removeKey(old, member);
    return true;
  }

  /** The member's 0-based rank in ascending order, or -1. O(log n). */
  rank(member: Bytes): number {
    const score = this.score(member);
    if (score === undefined) return -1;
    let r = 0;
    let n = this.root;
    while (n instanceof Inner) {
      const i = childFor(n, score, member);
      for (let j = 0; j < i; j++) r += n.cnt[j]!;
      n = n.kids[i]!;
    }
    return r + leafLowerBound(n, score, member);
  }

  /** The element at a rank in [0, size). O(log n). */
  at(rank: number): ZEntry {
    const [l, i] = this.locate(rank);
    return [l.m[i]!, l.s[i]!];
  }

  /** The rank of the first element for which `test` holds (size when none); `test` must be monotone. O(log n). */
  seek(test: KeyTest): number {
    let r = 0;
    let n = this.root;
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

  /**
   * Visits elements from `rank` towards the tail (or the head when `rev`)
   * until `visit` returns false or the set ends. O(log n + visited).
   */
  walk(rank: number, rev: boolean, visit: (member: Bytes, score: number) => boolean): void {
    if (rank < 0 || rank >= this.size) return;
    let [l, i] = this.locate(rank);
    for (;;) {
      if (!visit(l.m[i]!, l.s[i]!)) return;
      if (rev) {
        if (--i < 0) {
          if (!l.prev) return;
          l = l.prev;
          i = l.m.length - 1;
        }
      } else if (++i >= l.m.length) {
        if (!l.next) return;
        l = l.next;
        i = 0;
      }
    }
  }

  /** Every element in ascending order. */
  *entries(): Generator<ZEntry> {
    let l: Leaf | null = this.firstLeaf();
    for (; l; l = l.next) for (let i = 0; i < l.m.length; i++) yield [l.m[i]!, l.s[i]!];
  }

  /**
   * An iterator that stays valid across writes between its calls (ZSCAN
   * cursors): the dict's (a Map iterator skips deleted entries and reaches new
   * ones), or a snapshot of a small set.
   */
  scanEntries(): Iterator<ZEntry> {
    if (this.dict) return this.dict.entries();
    return [...this.entries()][Symbol.iterator]();
  }

  /** Every member with its score in no particular order (the dict's when large: digests, COPY). */
  *unordered(): Generator<ZEntry> {
    if (this.dict) yield* this.dict;
    else yield* this.entries();
  }

  /** The first and last scores (the set must not be empty). */
  firstScore(): number {
    return this.dict ? this.firstLeaf().s[0]! : this.ps[0]!;
  }

  lastScore(): number {
    if (!this.dict) return this.ps[this.ps.length - 1]!;
    let n = this.root;
    while (n instanceof Inner) n = n.kids[n.kids.length - 1]!;
    return n.s[n.s.length - 1]!;
  }

  /**
   * Removes `count` elements from `rank` on (clamped to the set), calling
   * `removed` for each in ascending order. O(log n) per leaf touched + m.
   */
  deleteRange(rank: number, count: number, removed?: (member: Bytes, score: number) => void): void {
    count = Math.min(count, this.size - rank);
    if (count <= 0) return;
    if (!this.dict) {
      const l = this.unpacked();
      this.removeRun(l, rank, count, removed);
      this.pack(l);
      return;
    }
    while (count > 0) {
      const n = this.removeRun(this.root, rank, count, removed);
      count -= n;
      this.shrinkRoot();
    }
  }

  /** A member-for-member copy (COPY). */
  clone(): Zset {
    const z = new Zset();
    if (!this.dict) {
      z.packed = this.packed;
      z.ps = this.ps.slice();
      return z;
    }
    z.buildSorted([...this.entries()], new Map(this.dict));
    return z;
  }

  /** A set of unique members in any order (a computed result, a decoded RDB value). */
  static fromEntries(entries: ZEntry[]): Zset {
    const z = new Zset();
    entries.sort((a, b) => cmpKey(a[1], a[0], b[1], b[0]));
    z.buildSorted(entries, entries.length > SMALL_MAX ? new Map(entries) : null);
    return z;
  }

  /** Takes a decoded member → score Map over as the dict (no copy of it when large). */
  static fromMap(scores: Map<Bytes, number>): Zset {
    const z = new Zset();
    if (scores.size <= SMALL_MAX) {
      // The common case on a load (a listpack, in order): packed without intermediate entries.
      const ps = new Array<number>(scores.size), ms = new Array<Bytes>(scores.size);
      let i = 0, sorted = true;
      for (const [m, s] of scores) {
        if (i > 0 && sorted && cmpKey(ps[i - 1]!, ms[i - 1]!, s, m) >= 0) sorted = false;
        ps[i] = s;
        ms[i++] = m;
      }
      if (sorted) {
        z.ps = ps;
        z.packed = packMembers(ms);
        return z;
      }
    }
    const entries = [...scores];
    if (!isSorted(entries)) entries.sort((a, b) => cmpKey(a[1], a[0], b[1], b[0]));
    z.buildSorted(entries, entries.length > SMALL_MAX ? scores : null);
    return z;
  }

  /**
   * Consistency of the whole structure (tests): counts, first keys, order,
   * fill, leaf links and the dict. Returns a description of the first fault.
   */
  check(): string | null {
    const leaves: Leaf[] = [];
    const visit = (n: Node, depth: number, isRoot: boolean): string | null => {
      if (n instanceof Leaf) {
        if (n.s.length !== n.m.length) return 'leaf arrays differ in length';
        if (this.dict) {
          if (n.m.length > LEAF_MAX || (!isRoot && n.m.length < LEAF_MIN)) return `leaf fill ${n.m.length}`;
        } else if (n.m.length > SMALL_MAX) return 'small leaf past SMALL_MAX';
        leaves.push(n);
        return depth === this.depth() ? null : 'leaves at different depths';
      }
      if (n.kids.length > INNER_MAX || (!isRoot && n.kids.length < INNER_MIN) || (isRoot && n.kids.length < 2)) return `inner fill ${n.kids.length}`;
      for (let i = 0; i < n.kids.length; i++) {
        const k = n.kids[i]!;
        if (n.cnt[i] !== count(k)) return 'child count';
        if (!Object.is(n.s[i], k.s[0]) || n.m[i] !== k.m[0]) return 'child first key';
        const e = visit(k, depth + 1, false);
        if (e) return e;
      }
      return null;
    };
    const e = visit(this.root, 0, true);
    if (e) return e;
    if (!this.dict && (this.tree || this.unpacked().m.map((x) => varint(x.length) + x).join('') !== this.packed)) return 'packed form';
    let prev: ZEntry | null = null;
    let total = 0;
    for (let i = 0; i < leaves.length; i++) {
      const l = leaves[i]!;
      if (l.prev !== (leaves[i - 1] ?? null) || l.next !== (leaves[i + 1] ?? null)) return 'leaf links';
      for (let j = 0; j < l.m.length; j++) {
        if (prev && cmpKey(prev[1], prev[0], l.s[j]!, l.m[j]!) >= 0) return 'order';
        if (this.dict && !Object.is(this.dict.get(l.m[j]!), l.s[j])) return 'dict score';
        prev = [l.m[j]!, l.s[j]!];
        total++;
      }
    }
    if (this.dict && this.dict.size !== total) return 'dict size';
    return null;
  }

  private depth(): number {
    let d = 0;
    for (let n = this.root; n instanceof Inner; n = n.kids[0]!) d++;
    return d;
  }

  private firstLeaf(): Leaf {
    let n = this.root;
    while (n instanceof Inner) n = n.kids[0]!;
    return n;
  }

  private locate(rank: number): [Leaf, number] {
    let n = this.root;
    while (n instanceof Inner) {
      let i = 0;
      while (rank >= n.cnt[i]! && i + 1 < n.kids.length) rank -= n.cnt[i++]!;
      n = n.kids[i]!;
    }
    return [n, rank];
  }

  private insertKey(score: number, member: Bytes): void {
    if (!this.dict) {
      const l = this.unpacked();
      const i = leafLowerBound(l, score, member);
      // A scores array of the exact size, as a listpack is reallocated per insert:
      // growing in place would leave V8's ~50% slack in every small set.
      l.s = insertedCopy(l.s, i, score);
      l.m.splice(i, 0, member);
      if (l.m.length <= SMALL_MAX) this.pack(l);
      else {
        // Fresh member strings: slices of the packed string would keep it alive.
        const entries = l.m.map((m, j): ZEntry => [ownString(m), l.s[j]!]);
        this.buildSorted(entries, new Map(entries));
      }
      return;
    }
    this.dict.set(member, score);
    const right = this.insertInto(this.tree!, score, member);
    if (right) {
      const left = this.tree!;
      this.tree = new Inner([left, right], [count(left), count(right)], [left.s[0]!, right.s[0]!], [left.m[0]!, right.m[0]!]);
    }
  }

  /** Inserts under n; returns the new right sibling when n split. */
  private insertInto(n: Node, score: number, member: Bytes): Node | null {
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
    const split = this.insertInto(kid, score, member);
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

  private removeKey(score: number, member: Bytes): void {
    if (!this.dict) {
      const l = this.unpacked();
      const i = leafLowerBound(l, score, member);
      l.s.splice(i, 1);
      l.m.splice(i, 1);
      this.pack(l);
      return;
    }
    this.dict.delete(member);
    this.removeFrom(this.tree!, score, member);
    this.shrinkRoot();
  }

  private removeFrom(n: Node, score: number, member: Bytes): void {
    if (n instanceof Leaf) {
      const i = leafLowerBound(n, score, member);
      n.s.splice(i, 1);
      n.m.splice(i, 1);
      return;
    }
    const i = childFor(n, score, member);
    this.removeFrom(n.kids[i]!, score, member);
    n.cnt[i]!--;
    this.settle(n, i);
  }

  /** Removes up to `count` elements from `rank` within one leaf under n; returns how many. */
  private removeRun(n: Node, rank: number, count: number, removed?: (member: Bytes, score: number) => void): number {
    if (n instanceof Leaf) {
      const k = Math.min(count, n.m.length - rank);
      const ms = n.m.splice(rank, k), ss = n.s.splice(rank, k);
      for (let j = 0; j < k; j++) {
        this.dict?.delete(ms[j]!);
        removed?.(ms[j]!, ss[j]!);
      }
      return k;
    }
    let i = 0;
    while (rank >= n.cnt[i]! && i + 1 < n.kids.length) rank -= n.cnt[i++]!;
    const k = this.removeRun(n.kids[i]!, rank, count, removed);
    n.cnt[i]! -= k;
    this.settle(n, i);
    return k;
  }

  /** After a removal under kids[i]: refills or merges an underfull child, refreshes first keys. */
  private settle(n: Inner, i: number): void {
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

  private shrinkRoot(): void {
    while (this.tree instanceof Inner && this.tree.kids.length === 1) this.tree = this.tree.kids[0]!;
  }

  /** Replaces the content with ascending unique entries; a dict makes it the large form. */
  private buildSorted(entries: ZEntry[], dict: Map<Bytes, number> | null): void {
    this.dict = dict;
    if (!dict) {
      this.tree = null;
      this.pack(new Leaf(entries.map((e) => e[1]), entries.map((e) => e[0])));
      return;
    }
    this.packed = '';
    this.ps = [];
    // Leaves filled to 3/4 so that the next inserts do not split them all at once.
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
    this.tree = level[0]!;
  }
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

/** Evens out two neighbours whose content is too much for one node. */
function balance(a: Node, b: Node): void {
  const total = width(a) + width(b);
  const want = total >> 1;
  if (a instanceof Leaf) {
    const l = b as Leaf;
    if (a.m.length > want) {
      const k = a.m.length - want;
      l.s.unshift(...a.s.splice(want, k));
      l.m.unshift(...a.m.splice(want, k));
    } else {
      const k = want - a.m.length;
      a.s.push(...l.s.splice(0, k));
      a.m.push(...l.m.splice(0, k));
    }
    return;
  }
  const r = b as Inner;
  if (a.kids.length > want) {
    const k = a.kids.length - want;
    r.kids.unshift(...a.kids.splice(want, k));
    r.cnt.unshift(...a.cnt.splice(want, k));
    r.s.unshift(...a.s.splice(want, k));
    r.m.unshift(...a.m.splice(want, k));
  } else {
    const k = want - a.kids.length;
    a.kids.push(...r.kids.splice(0, k));
    a.cnt.push(...r.cnt.splice(0, k));
    a.s.push(...r.s.splice(0, k));
    a.m.push(...r.m.splice(0, k));
  }
}

const SHORT_LENGTHS = Array.from({ length: 128 }, (_, n) => String.fromCharCode(n));

function packMembers(ms: Bytes[]): string {
  const parts = new Array<string>(ms.length * 2);
  for (let i = 0; i < ms.length; i++) {
    const len = ms[i]!.length;
    parts[2 * i] = len < 128 ? SHORT_LENGTHS[len]! : varint(len);
    parts[2 * i + 1] = ms[i]!;
  }
  return parts.join('');
}

function varint(n: number): string {
  let out = '';
  while (n >= 128) {
    out += String.fromCharCode(128 | (n % 128));
    n = Math.floor(n / 128);
  }
  return out + String.fromCharCode(n);
}

/** A string with its own storage (not a slice of a larger one). */
function ownString(s: Bytes): Bytes {
  return s.length < 13 ? s : Buffer.from(s, 'latin1').toString('latin1');
}

function insertedCopy<T>(a: T[], at: number, x: T): T[] {
  const out = new Array<T>(a.length + 1);
  for (let j = 0; j < at; j++) out[j] = a[j]!;
  out[at] = x;
  for (let j = at; j < a.length; j++) out[j + 1] = a[j]!;
  return out;
}

function isSorted(entries: ZEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    if (cmpKey(entries[i - 1]![1], entries[i - 1]![0], entries[i]![1], entries[i]![0]) >= 0) return false;
  }
  return true;
}
