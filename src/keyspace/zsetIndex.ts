// The sorted set (Redis's zset): member → score plus the order by (score,
// member bytes). Scores are doubles (-0 and 0 are equal, as zslInsert's `<`
// has them), ties go by member as memcmp (latin1 strings compare so with `<`).
//
// A small set (≤ SMALL_MAX elements, as a listpack is) is packed as a listpack
// is: its members in order in one latin1 string (packedEntries.ts's entries, as
// a list node packs them), its scores in one array, no dict. Lookups scan it linearly, reads
// and writes unpack it into a temporary leaf (O(n), as listpack operations
// are). Past that size it becomes a Map (Redis's dict: O(1) score lookups) and
// the counted B+tree of zsetTree.ts (O(log n) insert, delete, rank, element at
// rank, score and lex bounds; ranges in O(m)), and never converts back.
import { ownBytes } from './packed';
import { elementAt, entryEquals, nextEntry, pushEntryParts } from './packedEntries';
import type { Bytes } from './values';
import {
  build, checkOrder, checkTree, cmpKey, firstLeaf, insert, lastLeaf, Leaf, leafLowerBound, locate, rankOf, remove, removeRun,
  seek, shrink, type KeyTest, type Node, type ZEntry,
} from './zsetTree';

export { cmpKey, type KeyTest, type ZEntry };

const SMALL_MAX = 128;

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
      m[i] = elementAt(p, off);
      off = nextEntry(p, off);
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
      if (entryEquals(p, off, member)) return this.ps[i];
      off = nextEntry(p, off);
    }
    return undefined;
  }

  has(member: Bytes): boolean {
    return this.score(member) !== undefined;
  }

  /** Adds the member or moves it to a new score. NaN must never reach here. */
  set(member: Bytes, score: number): void {
    if (!this.tree) return this.setPacked(member, score);
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
    return score === undefined ? -1 : rankOf(this.root, score, member);
  }

  /** The element at a rank in [0, size). O(log n). */
  at(rank: number): ZEntry {
    const [l, i] = locate(this.root, rank);
    return [l.m[i]!, l.s[i]!];
  }

  /** The rank of the first element for which `test` holds (size when none); `test` must be monotone. O(log n). */
  seek(test: KeyTest): number {
    return seek(this.root, test);
  }

  /**
   * Visits elements from `rank` towards the tail (or the head when `rev`)
   * until `visit` returns false or the set ends. O(log n + visited).
   */
  walk(rank: number, rev: boolean, visit: (member: Bytes, score: number) => boolean): void {
    if (rank < 0 || rank >= this.size) return;
    let [l, i] = locate(this.root, rank);
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
    for (let l: Leaf | null = firstLeaf(this.root); l; l = l.next) {
      for (let i = 0; i < l.m.length; i++) yield [l.m[i]!, l.s[i]!];
    }
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
    return this.tree ? firstLeaf(this.tree).s[0]! : this.ps[0]!;
  }

  lastScore(): number {
    if (!this.tree) return this.ps[this.ps.length - 1]!;
    const l = lastLeaf(this.tree);
    return l.s[l.s.length - 1]!;
  }

  /**
   * Removes `count` elements from `rank` on (clamped to the set), calling
   * `removed` for each in ascending order. O(log n) per leaf touched + m.
   */
  deleteRange(rank: number, count: number, removed?: (member: Bytes, score: number) => void): void {
    count = Math.min(count, this.size - rank);
    if (count <= 0) return;
    if (!this.tree) {
      const l = this.unpacked();
      removeRun(l, rank, count, removed ?? (() => {}));
      this.pack(l);
      return;
    }
    const dict = this.dict!;
    const each = (m: Bytes, s: number): void => {
      dict.delete(m);
      removed?.(m, s);
    };
    while (count > 0) {
      count -= removeRun(this.tree, rank, count, each);
      this.tree = shrink(this.tree);
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

  /** A set of unique members in any order (a computed result). */
  static fromEntries(entries: ZEntry[]): Zset {
    const z = new Zset();
    entries.sort((a, b) => cmpKey(a[1], a[0], b[1], b[0]));
    z.buildSorted(entries, entries.length > SMALL_MAX ? new Map(entries) : null);
    return z;
  }

  /** A decoded RDB value: its Map becomes the dict when large (no copy of it). */
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

  /** Consistency of the whole structure (tests); a description of the first fault, or null. */
  check(): string | null {
    if (!this.tree) {
      if (this.dict) return 'a dict without a tree';
      const l = this.unpacked();
      if (l.m.length > SMALL_MAX) return 'packed past SMALL_MAX';
      if (packMembers(l.m) !== this.packed) return 'packed form';
      const r = checkOrder([l]);
      return typeof r === 'string' ? r : null;
    }
    const leaves = checkTree(this.tree);
    if (typeof leaves === 'string') return leaves;
    let total = 0;
    for (const l of leaves) {
      for (let j = 0; j < l.m.length; j++, total++) if (!Object.is(this.dict?.get(l.m[j]!), l.s[j])) return 'dict score';
    }
    return this.dict?.size === total ? null : 'dict size';
  }

  /** set() on the packed form: one unpack and one pack whether the member is new or moves. */
  private setPacked(member: Bytes, score: number): void {
    const l = this.unpacked();
    const at = l.m.indexOf(member);
    if (at >= 0) {
      if (Object.is(l.s[at], score)) return;
      l.s.splice(at, 1);
      l.m.splice(at, 1);
    }
    this.insertUnpacked(l, score, member);
  }

  private insertUnpacked(l: Leaf, score: number, member: Bytes): void {
    const i = leafLowerBound(l, score, member);
    // A scores array of the exact size, as a listpack is reallocated per insert:
    // growing in place would leave V8's ~50% slack in every small set.
    l.s = insertedCopy(l.s, i, score);
    l.m.splice(i, 0, member);
    if (l.m.length <= SMALL_MAX) this.pack(l);
    else {
      // Fresh member strings: slices of the packed string would keep it alive.
      const entries = l.m.map((m, j): ZEntry => [ownBytes(m), l.s[j]!]);
      this.buildSorted(entries, new Map(entries));
    }
  }

  private insertKey(score: number, member: Bytes): void {
    if (!this.tree) return this.insertUnpacked(this.unpacked(), score, member);
    this.dict!.set(member, score);
    this.tree = insert(this.tree, score, member);
  }

  private removeKey(score: number, member: Bytes): void {
    if (!this.tree) {
      const l = this.unpacked();
      const i = leafLowerBound(l, score, member);
      l.s.splice(i, 1);
      l.m.splice(i, 1);
      this.pack(l);
      return;
    }
    this.dict!.delete(member);
    this.tree = remove(this.tree, score, member);
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
    this.tree = build(entries);
  }
}

function packMembers(ms: Bytes[]): string {
  const parts: string[] = [];
  for (const m of ms) pushEntryParts(parts, m);
  return parts.join('');
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
