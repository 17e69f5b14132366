// Walks the values of an Array in an index range, in either direction,
// visiting only the slices that exist (and, in a slice, its dense window or
// its sparse entries): a range of 2^63 over a few values costs those values.
// ARSCAN, ARGREP, AROP and DEBUG DIGEST read arrays through this.
import { SLICE_SIZE } from './arraySlices';
import type { ArrayIndex, SparseArray } from './sparseArray';
import type { Bytes } from './values';

/** Called with each value; return false to stop. */
export type ArrayVisitor = (sid: number, off: number, value: Bytes) => boolean;

/**
 * Visits the values with index in [lo, hi] (lo ≤ hi), descending when
 * `reverse`. Returns false when the visitor stopped the walk.
 */
export function scanArray(ar: SparseArray, lo: ArrayIndex, hi: ArrayIndex, reverse: boolean, visit: ArrayVisitor): boolean {
  for (const sid of ar.sliceIds(lo.sid, hi.sid, reverse)) {
    const s = ar.slice(sid)!;
    let from = sid === lo.sid ? lo.off : 0;
    let to = sid === hi.sid ? hi.off : SLICE_SIZE - 1;
    if (s.dense) {
      from = Math.max(from, s.offset);
      to = Math.min(to, s.offset + s.items.length - 1);
      if (reverse) {
        for (let off = to; off >= from; off--) {
          const v = s.items[off - s.offset]!;
          if (v !== null && !visit(sid, off, v)) return false;
        }
      } else {
        for (let off = from; off <= to; off++) {
          const v = s.items[off - s.offset]!;
          if (v !== null && !visit(sid, off, v)) return false;
        }
      }
      continue;
    }
    if (reverse) {
      let pos = s.find(to);
      if (!s.has(pos, to)) pos--;
      for (; pos >= 0 && s.offsetAt(pos) >= from; pos--) if (!visit(sid, s.offsetAt(pos), s.valueAt(pos))) return false;
    } else {
      for (let pos = s.find(from); pos < s.count && s.offsetAt(pos) <= to; pos++) {
        if (!visit(sid, s.offsetAt(pos), s.valueAt(pos))) return false;
      }
    }
  }
  return true;
}
