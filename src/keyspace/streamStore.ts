// A stream's entries in ID order, stored in chunks of parallel arrays (IDs,
// field lists) as Redis stores them in listpack nodes of a radix tree: an
// append touches the last chunk, a trim drops chunks from the head (an index
// moves, nothing is copied), and a lookup by ID is a binary search over the
// chunks' first IDs, then inside one chunk. A deleted entry leaves a tombstone
// (null fields) in its chunk, as Redis marks it deleted in its node; a chunk
// with no live entry left goes away. These chunks are a storage choice only:
// the node boundaries a client can observe are streamLayout.ts's.
//
// IDs are kept as two plain numbers (ms, seq) while exact as doubles (below
// 2^53, every ID a clock makes); a chunk that receives a larger one keeps
// StreamId objects instead. Field names equal to the chunk's first entry's
// share its strings, as Redis's master entry shares them.
import { compareIds } from './commands/streamId';
import type { Bytes, StreamEntry, StreamId } from './values';

/** Slots per chunk: small enough that a delete or an in-chunk search stays cheap. */
const CHUNK_SLOTS = 128;

interface Chunk {
  /** IDs as numbers, while every ID in the chunk is exact as a double; null after. */
  ms: number[] | null;
  seq: number[] | null;
  /** IDs as StreamIds, once the chunk holds one of 2^53 or more. */
  wide: StreamId[] | null;
  /** field, value, field, value…; null for a deleted entry. Its length is the chunk's slot count. */
  fields: (Bytes[] | null)[];
  /** First slot still in use (slots before it were trimmed). */
  head: number;
  live: number;
}

/** A looked-up ID, with its numbers when they are exact. */
interface Key {
  id: StreamId;
  ms: number;
  seq: number;
  exact: boolean;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const exact = (id: StreamId): boolean => id.ms <= MAX_EXACT && id.seq <= MAX_EXACT;

function keyOf(id: StreamId): Key {
  return { id, ms: Number(id.ms), seq: Number(id.seq), exact: exact(id) };
}

function idAt(ch: Chunk, j: number): StreamId {
  return ch.wide ? ch.wide[j]! : { ms: BigInt(ch.ms![j]!), seq: BigInt(ch.seq![j]!) };
}

/** The slot's ID compared with the key's (-1, 0, 1). */
function compareAt(ch: Chunk, j: number, k: Key): number {
  if (ch.wide) return compareIds(ch.wide[j]!, k.id);
  if (!k.exact) return compareIds(idAt(ch, j), k.id);
  const ms = ch.ms![j]!;
  if (ms !== k.ms) return ms < k.ms ? -1 : 1;
  const seq = ch.seq![j]!;
  return seq === k.seq ? 0 : seq < k.seq ? -1 : 1;
}

function newChunk(): Chunk {
  return { ms: [], seq: [], wide: null, fields: [], head: 0, live: 0 };
}

/** A position: chunk index (absolute in `chunks`) and slot. */
interface Cursor {
  c: number;
  j: number;
}

export class StreamEntries implements Iterable<StreamEntry> {
  private chunks: Chunk[] = [];
  /** Chunks before this index were trimmed away; compacted when they are half the array. */
  private lo = 0;
  private count = 0;

  static from(entries: Iterable<StreamEntry>): StreamEntries {
    const s = new StreamEntries();
    for (const e of entries) s.push(e.id, e.fields);
    return s;
  }

  /** Live entries. */
  get length(): number {
    return this.count;
  }

  /** Appends an entry whose ID the caller has checked is greater than every stored one. */
  push(id: StreamId, fields: Bytes[]): void {
    let c = this.chunks.length > this.lo ? this.chunks[this.chunks.length - 1]! : undefined;
    if (!c || c.fields.length >= CHUNK_SLOTS) {
      c = newChunk();
      this.chunks.push(c);
    }
    if (!c.wide && !exact(id)) {
      c.wide = c.fields.map((_, j) => idAt(c!, j));
      c.ms = c.seq = null;
    }
    if (c.wide) {
      c.wide.push(id);
    } else {
      c.ms!.push(Number(id.ms));
      c.seq!.push(Number(id.seq));
    }
    const names = c.fields[0];
    if (names) for (let i = 0; i < fields.length && i < names.length; i += 2) if (fields[i] === names[i]) fields[i] = names[i]!;
    c.fields.push(fields);
    c.live++;
    this.count++;
  }

  first(): StreamEntry | undefined {
    if (this.count === 0) return undefined;
    const c = this.chunks[this.lo]!;
    return { id: idAt(c, c.head), fields: c.fields[c.head]! };
  }

  last(): StreamEntry | undefined {
    if (this.count === 0) return undefined;
    const c = this.chunks[this.chunks.length - 1]!;
    for (let j = c.fields.length - 1; j >= c.head; j--) {
      const f = c.fields[j];
      if (f) return { id: idAt(c, j), fields: f };
    }
    return undefined;
  }

  has(id: StreamId): boolean {
    const at = this.find(id);
    return at !== null;
  }

  /** Marks the live entry with this ID deleted; false when there is none. */
  delete(id: StreamId): boolean {
    const at = this.find(id);
    if (!at) return false;
    const c = this.chunks[at.c]!;
    c.fields[at.j] = null;
    c.live--;
    this.count--;
    if (c.live === 0) this.dropChunk(at.c);
    else if (at.j === c.head) this.skipTombstones(c);
    return true;
  }

  /** Removes the first `k` live entries: O(k) plus the tombstones passed. */
  shift(k: number): void {
    while (k > 0 && this.count > 0) {
      const c = this.chunks[this.lo]!;
      if (c.live <= k) {
        k -= c.live;
        this.count -= c.live;
        this.dropChunk(this.lo);
        continue;
      }
      for (; k > 0; c.head++) {
        if (c.fields[c.head] === null) continue;
        c.fields[c.head] = null;
        c.live--;
        this.count--;
        k--;
      }
      this.skipTombstones(c);
    }
  }

  /** Live entries with start <= id <= end, ascending or descending. */
  *range(start: StreamId, end: StreamId, rev = false): Generator<StreamEntry> {
    if (compareIds(start, end) > 0) return;
    if (!rev) {
      for (const e of this.walk(this.seek(keyOf(start), false), false)) {
        if (compareIds(e.id, end) > 0) return;
        yield e;
      }
    } else {
      const after = this.seek(keyOf(end), true);
      for (const e of this.walk(this.before(after), true)) {
        if (compareIds(e.id, start) < 0) return;
        yield e;
      }
    }
  }

  /** Live entries whose ID is greater than `id`, ascending. */
  after(id: StreamId): Generator<StreamEntry> {
    return this.walk(this.seek(keyOf(id), true), false);
  }

  /** Live entries by position: [start, start + count). O(chunks + count). */
  page(start: number, count: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    let c = this.lo;
    let skip = start;
    while (c < this.chunks.length && skip >= this.chunks[c]!.live) skip -= this.chunks[c++]!.live;
    if (c >= this.chunks.length) return out;
    for (const e of this.walk({ c, j: this.chunks[c]!.head }, false)) {
      if (out.length >= count) break;
      if (skip > 0) skip--;
      else out.push(e);
    }
    return out;
  }

  [Symbol.iterator](): Iterator<StreamEntry> {
    return this.walk({ c: this.lo, j: this.chunks[this.lo]?.head ?? 0 }, false);
  }

  /** Whether every ID is held as exact numbers (no chunk holds an ID of 2^53 or more). */
  idsExact(): boolean {
    for (let c = this.lo; c < this.chunks.length; c++) if (this.chunks[c]!.wide) return false;
    return true;
  }

  /** Every live entry in order, IDs as numbers; only when idsExact(). */
  forEachExact(visit: (ms: number, seq: number, fields: Bytes[]) => void): void {
    for (let c = this.lo; c < this.chunks.length; c++) {
      const ch = this.chunks[c]!;
      const ms = ch.ms!, seq = ch.seq!;
      for (let j = ch.head; j < ch.fields.length; j++) {
        const f = ch.fields[j];
        if (f) visit(ms[j]!, seq[j]!, f);
      }
    }
  }

  /** A deep-enough copy: chunks are new, IDs and field lists are shared (never mutated in place). */
  clone(): StreamEntries {
    const s = new StreamEntries();
    for (let c = this.lo; c < this.chunks.length; c++) {
      const x = this.chunks[c]!;
      s.chunks.push({ ms: x.ms?.slice() ?? null, seq: x.seq?.slice() ?? null, wide: x.wide?.slice() ?? null, fields: x.fields.slice(), head: x.head, live: x.live });
    }
    s.count = this.count;
    return s;
  }

  private *walk(from: Cursor, rev: boolean): Generator<StreamEntry> {
    let { c, j } = from;
    if (!rev) {
      for (; c < this.chunks.length; c++, j = this.chunks[c]?.head ?? 0) {
        const ch = this.chunks[c]!;
        for (; j < ch.fields.length; j++) {
          const f = ch.fields[j];
          if (f) yield { id: idAt(ch, j), fields: f };
        }
      }
    } else {
      for (; c >= this.lo; c--, j = (this.chunks[c]?.fields.length ?? 0) - 1) {
        const ch = this.chunks[c]!;
        for (; j >= ch.head; j--) {
          const f = ch.fields[j];
          if (f) yield { id: idAt(ch, j), fields: f };
        }
      }
    }
  }

  /** The slot before a cursor (for a backward walk). */
  private before(at: Cursor): Cursor {
    if (at.c < this.chunks.length && at.j > this.chunks[at.c]!.head) return { c: at.c, j: at.j - 1 };
    const c = at.c - 1;
    return { c, j: c >= this.lo ? this.chunks[c]!.fields.length - 1 : -1 };
  }

  /** The first slot whose ID is >= id (> id when `strict`), tombstones included. O(log n). */
  private seek(k: Key, strict: boolean): Cursor {
    const past = (ch: Chunk, j: number): boolean => (strict ? compareAt(ch, j, k) > 0 : compareAt(ch, j, k) >= 0);
    // The last chunk whose first slot is not past `id`: the answer is in it or starts the next one.
    let lo = this.lo;
    let hi = this.chunks.length - 1;
    let c = this.lo - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const ch = this.chunks[mid]!;
      if (!past(ch, ch.head)) {
        c = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (c < this.lo) return { c: this.lo, j: this.chunks[this.lo]?.head ?? 0 };
    const ch = this.chunks[c]!;
    let a = ch.head;
    let b = ch.fields.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (past(ch, mid)) b = mid;
      else a = mid + 1;
    }
    if (a < ch.fields.length) return { c, j: a };
    return { c: c + 1, j: this.chunks[c + 1]?.head ?? 0 };
  }

  private find(id: StreamId): Cursor | null {
    const k = keyOf(id);
    const at = this.seek(k, false);
    const ch = this.chunks[at.c];
    if (!ch || at.j >= ch.fields.length || ch.fields[at.j] === null || compareAt(ch, at.j, k) !== 0) return null;
    return at;
  }

  private skipTombstones(c: Chunk): void {
    while (c.head < c.fields.length && c.fields[c.head] === null) c.head++;
  }

  private dropChunk(c: number): void {
    if (c === this.lo) {
      this.chunks[c] = EMPTY_CHUNK;
      this.lo++;
      if (this.lo === this.chunks.length) {
        this.chunks = [];
        this.lo = 0;
      } else if (this.lo >= 64 && this.lo * 2 >= this.chunks.length) {
        this.chunks = this.chunks.slice(this.lo);
        this.lo = 0;
      }
    } else {
      // A chunk emptied by deletes in the middle: an array move of chunk pointers (n / 128 of them).
      this.chunks.splice(c, 1);
    }
  }
}

/** What a trimmed-away chunk slot holds until compaction, so that the chunk's arrays can be collected. */
const EMPTY_CHUNK: Chunk = newChunk();
