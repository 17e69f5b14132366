// The slices of an Array value (sparsearray.c): each holds one 4096-index
// stretch of the array, either dense (a window of consecutive positions, a
// power of two long, grown left or right as writes land outside it) or sparse
// (a few sorted offset/value pairs). Which one a slice is, how big its window
// or capacity is, is visible to clients (ARINFO FULL), so every conversion
// happens exactly when redis-server's happens.
//
// Values are the elements' bytes (latin1 strings, like every value here); an
// empty position of a dense window is null.
import type { Bytes } from './values';

/** array-slice-size, array-sparse-kmax and array-sparse-kmin at their defaults (a replica has no way to change them). */
export const SLICE_BITS = 12;
export const SLICE_SIZE = 1 << SLICE_BITS;
export const SPARSE_KMAX: number = 10;
export const SPARSE_KMIN: number = 5;
/** A new dense window's length (AR_SLICE_MIN_ALLOC). */
export const MIN_WINDOW = 8;
/** A new sparse slice's capacity: the smaller of kmax and 4. */
const FIRST_SPARSE_CAP = Math.min(SPARSE_KMAX, 4);

// Allocation sizes on a 64-bit build, for the one decision that weighs them:
// whether a thinned dense window is demoted to sparse. The slice header is 32
// bytes; a pointer is 8; a sparse slice pads its uint16 offsets to 8 bytes
// (this storage interleaves them with the values instead; the decision keeps Redis's sizes).
const HEADER = 32;
const denseBytes = (winsize: number): number => HEADER + winsize * 8;
const sparseBytes = (cap: number): number => HEADER + Math.ceil((cap * 2) / 8) * 8 + cap * 8;

export class DenseSlice {
  readonly dense = true;
  constructor(
    public count: number,
    /** The slice offset of items[0]. */
    public offset: number,
    public items: (Bytes | null)[],
    /** The highest offset holding a value (0 while none does). */
    public maxOff: number,
  ) {}

  get winsize(): number {
    return this.items.length;
  }

  get(off: number): Bytes | null {
    const i = off - this.offset;
    return i >= 0 && i < this.items.length ? this.items[i]! : null;
  }
}

/**
 * Up to kmax values in one flat array, offsets and values interleaved
 * (entries[2i] the offset, entries[2i + 1] its value), sorted by offset: no
 * object per value, one array per slice. Its length is twice the capacity.
 */
export class SparseSlice {
  readonly dense = false;
  constructor(
    public count: number,
    public entries: (number | Bytes)[],
  ) {}

  get cap(): number {
    return this.entries.length >> 1;
  }

  offsetAt(i: number): number {
    return this.entries[2 * i] as number;
  }

  valueAt(i: number): Bytes {
    return this.entries[2 * i + 1] as Bytes;
  }

  /** Where `off` is, or where it would be inserted (found tells which). */
  find(off: number): number {
    let lo = 0, hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[2 * mid] as number) < off) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(pos: number, off: number): boolean {
    return pos < this.count && this.entries[2 * pos] === off;
  }

  get(off: number): Bytes | null {
    const pos = this.find(off);
    return this.has(pos, off) ? this.valueAt(pos) : null;
  }
}

/** An empty sparse slice of capacity `cap`. */
function sparseOf(cap: number): SparseSlice {
  return new SparseSlice(0, new Array<number | Bytes>(2 * cap).fill(0));
}

export type Slice = DenseSlice | SparseSlice;

/** The smallest power of two ≥ n (1 for n ≤ 1). */
export function nextPowerOf2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function emptyItems(n: number): (Bytes | null)[] {
  return new Array<Bytes | null>(n).fill(null);
}

export function newSparse(): SparseSlice {
  return sparseOf(FIRST_SPARSE_CAP);
}

/** A dense slice whose 8-long window starts at `off`, moved left if it would pass the slice's end. */
export function newDense(off: number): DenseSlice {
  const offset = Math.min(off, SLICE_SIZE - MIN_WINDOW);
  return new DenseSlice(0, offset, emptyItems(MIN_WINDOW), 0);
}

/** The window's new position and length, copying the old items into it. */
function rewindow(s: DenseSlice, offset: number, winsize: number): void {
  const items = emptyItems(winsize);
  const shift = s.offset - offset;
  for (let i = 0; i < s.items.length; i++) items[i + shift] = s.items[i]!;
  s.items = items;
  s.offset = offset;
}

/** Widens a dense window to cover `off` (doubling rightwards, or a power of two leftwards with slack). */
export function coverOffset(s: DenseSlice, off: number): void {
  const end = s.offset + s.items.length;
  if (off >= end) {
    let winsize = s.items.length;
    while (off >= s.offset + winsize && winsize < SLICE_SIZE) winsize *= 2;
    let offset = s.offset;
    if (winsize >= SLICE_SIZE) {
      winsize = SLICE_SIZE;
      offset = 0;
    } else if (offset + winsize > SLICE_SIZE) offset = SLICE_SIZE - winsize;
    rewindow(s, offset, winsize);
  } else if (off < s.offset) {
    // The old items end the new window: a right-to-left writer finds room ahead of it.
    let winsize = Math.min(Math.max(nextPowerOf2(end - off), MIN_WINDOW), SLICE_SIZE);
    let offset = Math.max(end - winsize, 0);
    if (winsize === SLICE_SIZE) offset = 0;
    rewindow(s, offset, winsize);
  }
}

/** A sparse slice turned dense: the smallest power-of-two window over its offsets. */
export function promote(s: SparseSlice): DenseSlice {
  if (s.count === 0) return newDense(0);
  const lo = s.offsetAt(0), hi = s.offsetAt(s.count - 1);
  let winsize = Math.max(nextPowerOf2(hi - lo + 1), MIN_WINDOW);
  let offset = lo;
  if (winsize >= SLICE_SIZE) {
    winsize = SLICE_SIZE;
    offset = 0;
  } else if (offset + winsize > SLICE_SIZE) offset = SLICE_SIZE - winsize;
  const items = emptyItems(winsize);
  for (let i = 0; i < s.count; i++) items[s.offsetAt(i) - offset] = s.valueAt(i);
  return new DenseSlice(s.count, offset, items, hi);
}

/**
 * A dense slice left with few values becomes sparse again, when that saves
 * memory: at most kmin values, a window of at least 4·kmin that is a quarter
 * bigger than a kmin-capacity sparse slice.
 */
export function maybeDemote(d: DenseSlice): Slice {
  if (SPARSE_KMAX === 0 || d.count > SPARSE_KMIN || d.count > SPARSE_KMAX) return d;
  const winsize = d.items.length;
  if (winsize === MIN_WINDOW || winsize < 4 * SPARSE_KMIN) return d;
  if (denseBytes(winsize) < Math.floor((sparseBytes(SPARSE_KMIN) * 5) / 4)) return d;
  const s = sparseOf(SPARSE_KMIN);
  for (let i = 0; i < winsize && s.count < d.count; i++) {
    const v = d.items[i]!;
    if (v === null) continue;
    s.entries[2 * s.count] = d.offset + i;
    s.entries[2 * s.count++ + 1] = v;
  }
  return s;
}

/** After the value at `deleted` went: the highest remaining offset, found backwards from the old one. */
export function refreshMaxOff(d: DenseSlice, deleted: number): void {
  if (d.count === 0 || deleted < d.maxOff) return;
  for (let i = d.maxOff - d.offset; i >= 0; i--) {
    if (d.items[i] !== null) {
      d.maxOff = d.offset + i;
      return;
    }
  }
}

/** The highest offset holding a value. */
export function sliceMaxOff(s: Slice): number {
  return s.dense ? s.maxOff : s.offsetAt(s.count - 1);
}

/** Inserts a new offset into a sparse slice below kmax values, doubling its capacity (up to kmax) when full. */
export function sparseInsert(s: SparseSlice, pos: number, off: number, v: Bytes): SparseSlice {
  let t = s;
  if (s.count >= s.cap) {
    t = sparseOf(Math.min(s.cap * 2, SPARSE_KMAX));
    t.count = s.count;
    for (let i = 0; i < 2 * s.count; i++) t.entries[i] = s.entries[i]!;
  }
  const e = t.entries;
  for (let i = 2 * t.count - 1; i >= 2 * pos; i--) e[i + 2] = e[i]!;
  e[2 * pos] = off;
  e[2 * pos + 1] = v;
  t.count++;
  return t;
}

/** Removes entries [first, last) of a sparse slice. */
export function sparseRemove(s: SparseSlice, first: number, last: number): void {
  const n = last - first;
  if (n <= 0) return;
  const e = s.entries;
  for (let i = 2 * first; i + 2 * n < 2 * s.count; i++) e[i] = e[i + 2 * n]!;
  for (let i = 2 * (s.count - n); i < 2 * s.count; i++) e[i] = 0;
  s.count -= n;
}

export function cloneSlice(s: Slice): Slice {
  if (s.dense) return new DenseSlice(s.count, s.offset, s.items.slice(), s.maxOff);
  return new SparseSlice(s.count, s.entries.slice());
}
