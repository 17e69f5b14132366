// The Array type's storage (sparsearray.c): a directory of slices indexed by
// slice id (index >> 12). While every slice id is below 2048 the directory is a
// flat table grown and shrunk in powers of two; past that it becomes a sorted
// list of 2048-slot blocks, so a huge index costs one block, not a table up to
// it. Get and set are O(1) (a binary search among at most kmax offsets, or
// among the blocks); a range delete costs the slices and values it touches,
// never the span's length. The layout (slices, directory size, blocks) is what
// ARINFO reports, so it changes exactly as redis-server's does.
//
// An index is 64-bit; here it is split as Redis splits it: the slice id (below
// 2^52, a safe JS number) and the offset inside the slice.
import {
  cloneSlice, coverOffset, DenseSlice, maybeDemote, newDense, newSparse, promote, refreshMaxOff, SLICE_BITS, SLICE_SIZE,
  sliceMaxOff, SPARSE_KMAX, sparseInsert, sparseRemove, type Slice, type SparseSlice,
} from './arraySlices';
import type { Bytes } from './values';

/** Slots in a superdir block (AR_SUPER_BLOCK_SLOTS): flat directories stay below this many slices. */
export const BLOCK_SLOTS = 2048;

interface Block {
  id: number;
  /** Non-null slots. */
  count: number;
  slots: (Slice | null)[];
}

/** A position: the slice id and the offset inside the slice. */
export interface ArrayIndex {
  sid: number;
  off: number;
}

const SLICE_BIG = BigInt(SLICE_SIZE);
const BITS_BIG = BigInt(SLICE_BITS);

export function splitIndex(i: bigint): ArrayIndex {
  return { sid: Number(i >> BITS_BIG), off: Number(i & (SLICE_BIG - 1n)) };
}

export function joinIndex(sid: number, off: number): bigint {
  return BigInt(sid) * SLICE_BIG + BigInt(off);
}

/** Moves a position to the next index. */
export function advance(p: ArrayIndex): void {
  if (++p.off === SLICE_SIZE) {
    p.off = 0;
    p.sid++;
  }
}

/** Moves a position to the previous index (p must not be 0). */
export function retreat(p: ArrayIndex): void {
  if (p.off-- === 0) {
    p.off = SLICE_SIZE - 1;
    p.sid--;
  }
}

/** The index as a reply integer: a JS number while it is exact, else a bigint. */
export function indexValue(sid: number, off: number): number | bigint {
  return sid < 2 ** 40 ? sid * SLICE_SIZE + off : joinIndex(sid, off);
}

export interface ArrayLayout {
  slices: number;
  /** The flat directory's length, or the block list's capacity. */
  directorySize: number;
  /** Blocks in use (0 while the directory is flat). */
  blocks: number;
}

export interface SliceStats {
  dense: number;
  sparse: number;
  denseWindow: number;
  denseCount: number;
  sparseCap: number;
}

export class SparseArray {
  count = 0;
  /** The last index ARINSERT/ARRING wrote (insert_idx); null before any, or after ARSEEK 0. */
  insertIdx: bigint | null = null;
  /** The highest slice id holding values (dir_highest_used). */
  highest = 0;
  numSlices = 0;
  private dir: (Slice | null)[] | null = [];
  private blocks: Block[] | null = null;
  private blocksCap = 0;

  // ---- directory ----------------------------------------------------------

  /** Position of block `id` in the sorted list, or where it would go. */
  private findBlock(id: number): number {
    const b = this.blocks!;
    let lo = 0, hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid]!.id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private block(id: number): Block | undefined {
    const pos = this.findBlock(id);
    const b = this.blocks![pos];
    return b !== undefined && b.id === id ? b : undefined;
  }

  slice(sid: number): Slice | null {
    if (this.blocks !== null) {
      const b = this.block(Math.floor(sid / BLOCK_SLOTS));
      return b ? b.slots[sid % BLOCK_SLOTS]! : null;
    }
    return sid < this.dir!.length ? this.dir![sid]! : null;
  }

  /** Puts (or with null, removes) a slice, counting slices and dropping emptied blocks. */
  setSlice(sid: number, s: Slice | null): void {
    if (this.blocks === null) {
      const dir = this.dir!;
      if (s === null && dir[sid] !== null) this.numSlices--;
      else if (s !== null && dir[sid] === null) this.numSlices++;
      dir[sid] = s;
      return;
    }
    const id = Math.floor(sid / BLOCK_SLOTS);
    const slot = sid % BLOCK_SLOTS;
    const pos = this.findBlock(id);
    let b = this.blocks[pos];
    if (b === undefined || b.id !== id) {
      if (s === null) return;
      if (this.blocks.length >= this.blocksCap) this.blocksCap = this.blocksCap ? this.blocksCap * 2 : 4;
      b = { id, count: 0, slots: new Array<Slice | null>(BLOCK_SLOTS).fill(null) };
      this.blocks.splice(pos, 0, b);
    }
    if (s === null) {
      if (b.slots[slot] === null) return;
      b.slots[slot] = null;
      b.count--;
      this.numSlices--;
      if (b.count === 0) this.blocks.splice(pos, 1);
      return;
    }
    if (b.slots[slot] === null) {
      b.count++;
      this.numSlices++;
    }
    b.slots[slot] = s;
  }

  /** Makes room for slice `sid`: a flat directory doubles, or turns into blocks at 2048 slices. */
  growDir(sid: number): void {
    if (this.blocks === null && sid >= BLOCK_SLOTS) this.toBlocks();
    if (this.blocks !== null) return;
    const dir = this.dir!;
    if (sid < dir.length) return;
    let n = dir.length || 1;
    while (n <= sid) n *= 2;
    while (dir.length < n) dir.push(null);
  }

  private toBlocks(): void {
    const dir = this.dir!;
    this.blocksCap = 4;
    this.blocks = [];
    if (dir.length > 0) {
      const slots = new Array<Slice | null>(BLOCK_SLOTS).fill(null);
      let count = 0;
      dir.forEach((s, i) => {
        slots[i] = s;
        if (s !== null) count++;
      });
      this.blocks.push({ id: 0, count, slots });
    }
    this.dir = null;
  }

  /** The highest slice id in use, searched from the top. */
  private recomputeHighest(): void {
    if (this.blocks !== null) {
      for (let bi = this.blocks.length - 1; bi >= 0; bi--) {
        const b = this.blocks[bi]!;
        if (b.count === 0) continue;
        for (let si = BLOCK_SLOTS - 1; si >= 0; si--) {
          if (b.slots[si] !== null) {
            this.highest = b.id * BLOCK_SLOTS + si;
            return;
          }
        }
      }
    } else {
      for (let i = this.dir!.length - 1; i >= 0; i--) {
        if (this.dir![i] !== null) {
          this.highest = i;
          return;
        }
      }
    }
    this.highest = 0;
  }

  /** A flat directory halves (to the smallest power of two above the highest slice) once it is under 90% used. */
  private maybeShrinkDir(): void {
    const dir = this.dir;
    if (dir === null || this.count === 0) return;
    if (this.highest >= Math.floor((dir.length * 9) / 10)) return;
    let n = 1;
    while (n <= this.highest) n *= 2;
    if (n < dir.length) dir.length = n;
  }

  // ---- elements -------------------------------------------------------------

  get(sid: number, off: number): Bytes | null {
    const s = this.slice(sid);
    return s === null ? null : s.get(off);
  }

  set(sid: number, off: number, v: Bytes): void {
    this.growDir(sid);
    let s = this.slice(sid);
    if (s === null) {
      s = SPARSE_KMAX > 0 ? newSparse() : newDense(off);
      this.setSlice(sid, s);
    }
    if (s.dense) this.setDense(s, off, v);
    else {
      const pos = s.find(off);
      if (s.has(pos, off)) s.entries[2 * pos + 1] = v;
      else if (s.count >= SPARSE_KMAX) {
        const d = promote(s);
        this.setSlice(sid, d);
        this.setDense(d, off, v);
      } else {
        const t = sparseInsert(s, pos, off, v);
        if (t !== s) this.setSlice(sid, t);
        this.count++;
      }
    }
    if (sid > this.highest || this.count === 1) this.highest = sid;
  }

  private setDense(d: DenseSlice, off: number, v: Bytes): void {
    coverOffset(d, off);
    const i = off - d.offset;
    if (d.items[i] === null) {
      d.count++;
      this.count++;
    }
    d.items[i] = v;
    if (off > d.maxOff) d.maxOff = off;
  }

  /** Deletes one position; false if it was empty. */
  del(sid: number, off: number): boolean {
    const s = this.slice(sid);
    if (s === null) return false;
    if (s.dense) {
      const i = off - s.offset;
      if (i < 0 || i >= s.items.length || s.items[i] === null) return false;
      s.items[i] = null;
      s.count--;
      this.count--;
      refreshMaxOff(s, off);
      if (s.count !== 0) {
        this.setSlice(sid, maybeDemote(s));
        return true;
      }
    } else {
      const pos = s.find(off);
      if (!s.has(pos, off)) return false;
      sparseRemove(s, pos, pos + 1);
      this.count--;
    }
    if (s.count === 0) {
      this.setSlice(sid, null);
      if (this.count !== 0 && sid >= this.highest) this.recomputeHighest();
      this.maybeShrinkDir();
    }
    return true;
  }

  /** Max index + 1 (ARLEN): 0 for an empty array. */
  length(): bigint {
    if (this.count === 0) return 0n;
    const s = this.slice(this.highest);
    if (s === null) return 0n;
    return joinIndex(this.highest, sliceMaxOff(s)) + 1n;
  }

  /** The last position holding a value; undefined when empty. */
  last(): ArrayIndex | undefined {
    if (this.count === 0) return undefined;
    const s = this.slice(this.highest);
    return s === null ? undefined : { sid: this.highest, off: sliceMaxOff(s) };
  }

  // ---- ranges ---------------------------------------------------------------

  /** Deletes offsets [lo, hi] of one slice; returns how many values went. */
  private deleteInSlice(sid: number, lo: number, hi: number): number {
    const s = this.slice(sid);
    if (s === null) return 0;
    let deleted = 0;
    if (s.dense) {
      const winLo = s.offset, winHi = s.offset + s.items.length - 1;
      const from = Math.max(lo, winLo), to = Math.min(hi, winHi);
      if (from <= to) {
        for (let off = from; off <= to; off++) {
          const i = off - s.offset;
          if (s.items[i] === null) continue;
          s.items[i] = null;
          s.count--;
          deleted++;
        }
        this.count -= deleted;
        if (s.count > 0 && s.maxOff >= from) {
          s.maxOff = s.offset;
          for (let off = winHi; off >= winLo; off--) {
            if (s.items[off - s.offset] !== null) {
              s.maxOff = off;
              break;
            }
          }
        }
      }
      // Even an untouched window is reconsidered for demotion, as Redis does.
      this.setSlice(sid, s.count === 0 ? null : maybeDemote(s));
      return deleted;
    }
    const first = s.find(lo);
    let last = s.find(hi);
    if (s.has(last, hi)) last++;
    if (first < last) {
      deleted = last - first;
      sparseRemove(s, first, last);
      this.count -= deleted;
    }
    if (s.count === 0) this.setSlice(sid, null);
    return deleted;
  }

  /** Frees every slice with id in [lo, hi]: whole slices, so the cost is the slices present, not the span. */
  private deleteWholeSlices(lo: number, hi: number): { deleted: number; touchedHighest: boolean } {
    let deleted = 0, touchedHighest = false;
    const drop = (sid: number, s: Slice): void => {
      deleted += s.count;
      this.count -= s.count;
      this.numSlices--;
      if (sid >= this.highest) touchedHighest = true;
    };
    if (this.blocks !== null) {
      const loBlock = Math.floor(lo / BLOCK_SLOTS), hiBlock = Math.floor(hi / BLOCK_SLOTS);
      const start = this.findBlock(loBlock);
      let end = this.findBlock(hiBlock);
      if (this.blocks[end]?.id === hiBlock) end++;
      for (let bi = end - 1; bi >= start; bi--) {
        const b = this.blocks[bi]!;
        const base = b.id * BLOCK_SLOTS;
        const first = Math.max(lo - base, 0), last = Math.min(hi - base, BLOCK_SLOTS - 1);
        for (let si = first; si <= last; si++) {
          const s = b.slots[si]!;
          if (s === null) continue;
          drop(base + si, s);
          b.slots[si] = null;
          b.count--;
        }
        if (b.count === 0) this.blocks.splice(bi, 1);
      }
    } else {
      const dir = this.dir!;
      const last = Math.min(hi, dir.length - 1);
      for (let sid = lo; sid <= last; sid++) {
        const s = dir[sid]!;
        if (s === null) continue;
        drop(sid, s);
        dir[sid] = null;
      }
    }
    return { deleted, touchedHighest };
  }

  /** ARDELRANGE's arDeleteRange over [lo, hi] (lo ≤ hi); returns how many values went. */
  deleteRange(lo: ArrayIndex, hi: ArrayIndex): number {
    if (this.count === 0) return 0;
    let deleted = 0;
    let touchedHighest = false;
    if (lo.sid === hi.sid) {
      deleted = this.deleteInSlice(lo.sid, lo.off, hi.off);
      if (lo.sid >= this.highest) touchedHighest = true;
    } else {
      deleted += this.deleteInSlice(lo.sid, lo.off, SLICE_SIZE - 1);
      deleted += this.deleteInSlice(hi.sid, 0, hi.off);
      if (hi.sid >= this.highest) touchedHighest = true;
      if (lo.sid + 1 <= hi.sid - 1) {
        const whole = this.deleteWholeSlices(lo.sid + 1, hi.sid - 1);
        deleted += whole.deleted;
        touchedHighest ||= whole.touchedHighest;
      }
    }
    if (touchedHighest && this.count > 0) this.recomputeHighest();
    if (this.count === 0) this.highest = 0;
    this.maybeShrinkDir();
    return deleted;
  }

  /** Bulk writes over [lo, hi] (ARSET, ARINSERT of several values): slices the range will overfill start dense. */
  prepareRangeSet(lo: ArrayIndex, hi: ArrayIndex): void {
    if (SPARSE_KMAX === 0) return;
    this.growDir(hi.sid);
    for (let sid = lo.sid; sid <= hi.sid; sid++) {
      const from = sid === lo.sid ? lo.off : 0;
      const to = sid === hi.sid ? hi.off : SLICE_SIZE - 1;
      const size = to - from + 1;
      const s = this.slice(sid);
      if (s === null) {
        if (size > SPARSE_KMAX) this.setSlice(sid, newDense(from));
        continue;
      }
      if (s.dense) continue;
      if (size > SPARSE_KMAX || s.count + size - countWithin(s, from, to) > SPARSE_KMAX) this.setSlice(sid, promote(s));
    }
  }

  // ---- whole array ------------------------------------------------------------

  /** Every slice in id order. */
  *slices(): Generator<[number, Slice]> {
    if (this.blocks !== null) {
      for (const b of this.blocks) {
        for (let si = 0; si < BLOCK_SLOTS; si++) {
          const s = b.slots[si]!;
          if (s !== null) yield [b.id * BLOCK_SLOTS + si, s];
        }
      }
      return;
    }
    const dir = this.dir!;
    for (let sid = 0; sid < dir.length; sid++) {
      const s = dir[sid]!;
      if (s !== null) yield [sid, s];
    }
  }

  layout(): ArrayLayout {
    return {
      slices: this.numSlices,
      directorySize: this.blocks !== null ? this.blocksCap : this.dir!.length,
      blocks: this.blocks !== null ? this.blocks.length : 0,
    };
  }

  sliceStats(): SliceStats {
    const st: SliceStats = { dense: 0, sparse: 0, denseWindow: 0, denseCount: 0, sparseCap: 0 };
    for (const [, s] of this.slices()) {
      if (s.dense) {
        st.dense++;
        st.denseWindow += s.items.length;
        st.denseCount += s.count;
      } else {
        st.sparse++;
        st.sparseCap += s.cap;
      }
    }
    return st;
  }

  /** The existing slice ids in [lo, hi], ascending or descending, without visiting absent ones one by one. */
  *sliceIds(lo: number, hi: number, reverse: boolean): Generator<number> {
    hi = Math.min(hi, this.highest);
    if (lo > hi || this.count === 0) return;
    if (this.blocks === null) {
      const dir = this.dir!;
      if (reverse) {
        for (let sid = hi; sid >= lo; sid--) if (dir[sid] != null) yield sid;
      } else {
        for (let sid = lo; sid <= hi; sid++) if (dir[sid] != null) yield sid;
      }
      return;
    }
    const blocks = this.blocks;
    const loBlock = Math.floor(lo / BLOCK_SLOTS), hiBlock = Math.floor(hi / BLOCK_SLOTS);
    const first = this.findBlock(loBlock);
    let last = this.findBlock(hiBlock);
    if (blocks[last]?.id !== hiBlock) last--;
    for (let k = 0; k <= last - first; k++) {
      const b = blocks[reverse ? last - k : first + k]!;
      const base = b.id * BLOCK_SLOTS;
      const from = Math.max(lo - base, 0), to = Math.min(hi - base, BLOCK_SLOTS - 1);
      if (reverse) {
        for (let si = to; si >= from; si--) if (b.slots[si] !== null) yield base + si;
      } else {
        for (let si = from; si <= to; si++) if (b.slots[si] !== null) yield base + si;
      }
    }
  }

  /** A deep copy with the same layout (COPY's arDup). */
  clone(): SparseArray {
    const c = new SparseArray();
    c.count = this.count;
    c.insertIdx = this.insertIdx;
    c.highest = this.highest;
    c.numSlices = this.numSlices;
    c.blocksCap = this.blocksCap;
    if (this.blocks !== null) {
      c.dir = null;
      c.blocks = this.blocks.map((b) => ({ id: b.id, count: b.count, slots: b.slots.map((s) => (s === null ? null : cloneSlice(s))) }));
    } else c.dir = this.dir!.map((s) => (s === null ? null : cloneSlice(s)));
    return c;
  }
}

function countWithin(s: SparseSlice, from: number, to: number): number {
  let n = 0;
  for (let i = 0; i < s.count; i++) if (s.offsetAt(i) >= from && s.offsetAt(i) <= to) n++;
  return n;
}
