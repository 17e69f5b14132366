// Small hashes and sets packed as Redis packs them in a listpack or an intset:
// one latin1 string of length-prefixed elements (a one-char length, then the
// bytes), in insertion order. A hash of 20 short fields costs a few hundred
// bytes this way instead of kilobytes for a Map and a string per element.
// Lookups and writes walk the string (O(n) for n within the limits, as on a
// listpack); past Redis's own limits (encodingConfig) the container turns into
// a Map/Set for good, as Redis converts to a hashtable and never back. Which
// encoding OBJECT ENCODING reports is encoding.ts's business, not this one's.
import { encodingConfig } from './encodingConfig';
import { isInt64 } from './commands/util';
import type { Bytes } from './values';

/** The one-char length prefix holds 0..255. */
const PREFIX_MAX = 255;

const prefix = (s: Bytes): string => String.fromCharCode(s.length);

/**
 * Makes a freshly concatenated string flat: reading a char flattens V8's rope
 * in place, and the collector then drops the rope's parts (sliced parents).
 */
function flat(s: string): string {
  if (s.length > 0) s.charCodeAt(0);
  return s;
}

/**
 * A copy of an element that does not point into the packed string: V8 makes
 * a slice of 13 chars or more a view of its parent, which would keep a
 * converted container's whole old string alive in its Map/Set.
 */
export const ownBytes = (x: Bytes): Bytes => (x.length < 13 ? x : Buffer.from(x, 'latin1').toString('latin1'));

/** Offset of the entry whose element (at `stride`-entry steps, the first of each) equals `x`, or -1. */
function findPacked(lp: string, x: Bytes, stride: 1 | 2): number {
  const len = x.length;
  for (let i = 0; i < lp.length; ) {
    const l = lp.charCodeAt(i);
    if (l === len && lp.startsWith(x, i + 1)) return i;
    i += l + 1;
    if (stride === 2) i += lp.charCodeAt(i) + 1;
  }
  return -1;
}

/** The end of the element starting at `i`. */
const skip = (lp: string, i: number): number => i + lp.charCodeAt(i) + 1;
const element = (lp: string, i: number): Bytes => lp.slice(i + 1, i + 1 + lp.charCodeAt(i));

/** The (field, value) pairs of a packed hash. The string is immutable: writes during the walk do not affect it. */
function* packedPairs(lp: string): Generator<[Bytes, Bytes]> {
  for (let i = 0; i < lp.length; ) {
    const v = skip(lp, i);
    yield [element(lp, i), element(lp, v)];
    i = skip(lp, v);
  }
}

/** Every `stride`-th element of a packed string from the `first`-th. */
function* packedElements(lp: string, stride: 1 | 2, first: 0 | 1): Generator<Bytes> {
  let i = first === 1 && lp.length > 0 ? skip(lp, 0) : 0;
  while (i < lp.length) {
    yield element(lp, i);
    i = skip(lp, i);
    if (stride === 2) i = skip(lp, i);
  }
}

/** A hash's fields and values: packed while small, a Map once past the listpack limits. */
export class HashFields implements Iterable<[Bytes, Bytes]> {
  private lp: string | null = '';
  private map: Map<Bytes, Bytes> | null = null;
  private n = 0;

  static from(entries: Iterable<readonly [Bytes, Bytes]>): HashFields {
    const h = new HashFields();
    for (const [f, v] of entries) h.set(f, v);
    return h;
  }

  /** From a Map (fields unique by construction): one pass, one string, as a load builds a listpack. */
  static fromMap(m: ReadonlyMap<Bytes, Bytes>): HashFields {
    const h = new HashFields();
    const limit = Math.min(encodingConfig.hashMaxListpackValue, PREFIX_MAX);
    if (m.size > encodingConfig.hashMaxListpackEntries) {
      h.lp = null;
      h.map = new Map(m);
      return h;
    }
    const parts: string[] = [];
    for (const [f, v] of m) {
      if (f.length > limit || v.length > limit) {
        h.lp = null;
        h.map = new Map(m);
        return h;
      }
      parts.push(prefix(f), f, prefix(v), v);
    }
    h.lp = flat(parts.join(''));
    h.n = m.size;
    return h;
  }

  /** COPY: the packed string is immutable and shared; a Map is copied. */
  clone(): HashFields {
    const h = new HashFields();
    h.lp = this.lp;
    h.n = this.n;
    h.map = this.map ? new Map(this.map) : null;
    return h;
  }

  get size(): number {
    return this.map ? this.map.size : this.n;
  }

  /** True while packed (a representation detail, for tests and memory reports). */
  get packed(): boolean {
    return this.lp !== null;
  }

  get(field: Bytes): Bytes | undefined {
    if (this.map) return this.map.get(field);
    const lp = this.lp!;
    const i = findPacked(lp, field, 2);
    return i === -1 ? undefined : element(lp, skip(lp, i));
  }

  has(field: Bytes): boolean {
    return this.map ? this.map.has(field) : findPacked(this.lp!, field, 2) !== -1;
  }

  set(field: Bytes, value: Bytes): this {
    if (this.map) {
      this.map.set(field, value);
      return this;
    }
    const lp = this.lp!;
    const i = findPacked(lp, field, 2);
    const limit = Math.min(encodingConfig.hashMaxListpackValue, PREFIX_MAX);
    if (field.length > limit || value.length > limit || (i === -1 && this.n + 1 > encodingConfig.hashMaxListpackEntries)) {
      this.toMap().set(field, value);
      return this;
    }
    if (i === -1) {
      this.lp = flat(lp + prefix(field) + field + prefix(value) + value);
      this.n++;
    } else {
      // Replaced where it stands: the field keeps its place, as in a listpack (and a Map).
      const v = skip(lp, i);
      this.lp = flat(lp.slice(0, v) + prefix(value) + value + lp.slice(skip(lp, v)));
    }
    return this;
  }

  delete(field: Bytes): boolean {
    if (this.map) return this.map.delete(field);
    const lp = this.lp!;
    const i = findPacked(lp, field, 2);
    if (i === -1) return false;
    this.lp = flat(lp.slice(0, i) + lp.slice(skip(lp, skip(lp, i))));
    this.n--;
    return true;
  }

  clear(): void {
    this.lp = '';
    this.map = null;
    this.n = 0;
  }

  /** A Map's own iterator once converted (it sees later writes, as HSCAN's cursors rely on); a snapshot while packed. */
  entries(): IterableIterator<[Bytes, Bytes]> {
    return this.map ? this.map.entries() : packedPairs(this.lp!);
  }

  keys(): IterableIterator<Bytes> {
    return this.map ? this.map.keys() : packedElements(this.lp!, 2, 0);
  }

  values(): IterableIterator<Bytes> {
    return this.map ? this.map.values() : packedElements(this.lp!, 2, 1);
  }

  [Symbol.iterator](): Iterator<[Bytes, Bytes]> {
    return this.entries();
  }

  private toMap(): Map<Bytes, Bytes> {
    const m = new Map<Bytes, Bytes>();
    for (const [f, v] of this.entries()) m.set(ownBytes(f), ownBytes(v));
    this.map = m;
    this.lp = null;
    this.n = 0;
    return m;
  }
}

/** A set's members: packed while an intset or a small listpack would hold them, a Set after. */
export class SetMembers implements Iterable<Bytes> {
  private lp: string | null = '';
  private set: Set<Bytes> | null = null;
  private n = 0;
  /** Every member added while packed was an int64 (an intset's limit applies). */
  private ints = true;

  static from(members: Iterable<Bytes>): SetMembers {
    const s = new SetMembers();
    for (const m of members) s.add(m);
    return s;
  }

  /** From a Set (members unique by construction): one pass, one string. */
  static fromSet(members: ReadonlySet<Bytes>): SetMembers {
    const s = new SetMembers();
    const c = encodingConfig;
    const parts: string[] = [];
    let ints = true;
    for (const m of members) {
      ints &&= isInt64(m);
      const fits = ints ? members.size <= Math.max(c.setMaxIntsetEntries, c.setMaxListpackEntries) : members.size <= c.setMaxListpackEntries;
      if (!fits || m.length > Math.min(ints ? PREFIX_MAX : c.setMaxListpackValue, PREFIX_MAX)) {
        s.lp = null;
        s.set = new Set(members);
        return s;
      }
      parts.push(prefix(m), m);
    }
    s.lp = flat(parts.join(''));
    s.n = members.size;
    s.ints = ints;
    return s;
  }

  /** COPY: the packed string is immutable and shared; a Set is copied. */
  clone(): SetMembers {
    const s = new SetMembers();
    s.lp = this.lp;
    s.n = this.n;
    s.ints = this.ints;
    s.set = this.set ? new Set(this.set) : null;
    return s;
  }

  get size(): number {
    return this.set ? this.set.size : this.n;
  }

  get packed(): boolean {
    return this.lp !== null;
  }

  has(m: Bytes): boolean {
    return this.set ? this.set.has(m) : findPacked(this.lp!, m, 1) !== -1;
  }

  add(m: Bytes): this {
    if (this.set) {
      this.set.add(m);
      return this;
    }
    const lp = this.lp!;
    if (findPacked(lp, m, 1) !== -1) return this;
    const c = encodingConfig;
    const ints = this.ints && isInt64(m);
    const n = this.n + 1;
    const fits = ints ? n <= c.setMaxIntsetEntries || n <= c.setMaxListpackEntries : n <= c.setMaxListpackEntries;
    if (!fits || m.length > Math.min(ints ? PREFIX_MAX : c.setMaxListpackValue, PREFIX_MAX)) {
      this.toSet().add(m);
      return this;
    }
    this.ints = ints;
    this.lp = flat(lp + prefix(m) + m);
    this.n = n;
    return this;
  }

  delete(m: Bytes): boolean {
    if (this.set) return this.set.delete(m);
    const lp = this.lp!;
    const i = findPacked(lp, m, 1);
    if (i === -1) return false;
    this.lp = flat(lp.slice(0, i) + lp.slice(skip(lp, i)));
    this.n--;
    return true;
  }

  clear(): void {
    this.lp = '';
    this.set = null;
    this.n = 0;
    this.ints = true;
  }

  /** The Set's own iterator once converted; a snapshot while packed. */
  values(): IterableIterator<Bytes> {
    return this.set ? this.set.values() : packedElements(this.lp!, 1, 0);
  }

  keys(): IterableIterator<Bytes> {
    return this.values();
  }

  [Symbol.iterator](): Iterator<Bytes> {
    return this.values();
  }

  private toSet(): Set<Bytes> {
    const s = new Set<Bytes>();
    for (const m of this.values()) s.add(ownBytes(m));
    this.set = s;
    this.lp = null;
    this.n = 0;
    return s;
  }
}

/**
 * A hash's field TTLs (7.4): field → absolute unix ms, only for fields that
 * have one. Most hashes never get one, so the Map is made on the first TTL.
 */
export class FieldTtls implements Iterable<[Bytes, number]> {
  private map: Map<Bytes, number> | null = null;

  static from(entries: Iterable<readonly [Bytes, number]>): FieldTtls {
    const t = new FieldTtls();
    for (const [f, when] of entries) t.set(f, when);
    return t;
  }

  get size(): number {
    return this.map ? this.map.size : 0;
  }

  get(field: Bytes): number | undefined {
    return this.map?.get(field);
  }

  has(field: Bytes): boolean {
    return this.map ? this.map.has(field) : false;
  }

  set(field: Bytes, when: number): this {
    (this.map ??= new Map()).set(field, when);
    return this;
  }

  delete(field: Bytes): boolean {
    if (!this.map) return false;
    const had = this.map.delete(field);
    if (this.map.size === 0) this.map = null;
    return had;
  }

  *entries(): Generator<[Bytes, number]> {
    if (this.map) yield* this.map;
  }

  *keys(): Generator<Bytes> {
    if (this.map) yield* this.map.keys();
  }

  [Symbol.iterator](): Iterator<[Bytes, number]> {
    return this.entries();
  }
}
