// Reads of a quicklist (quicklist.ts): an element by index, a walk from any
// index towards either end, a scan for equal elements. An index walks the
// nodes from the nearer end, then one node's packed entries, as quicklist.c's
// iterator does; elements are copied out only where the caller takes them.
import { elementAt, entryEquals, entryOffset, nextEntry, prevEntry } from './packedEntries';
import type { ListValue, QlNode } from './quicklist';
import type { Bytes } from './values';

/** Where locate() found its element: the place in the node it returned. */
export const located = { off: 0 };

/** The node holding element `index` (0 <= index < length), walked from the nearer end; located.off is the element's place in it. */
export function locate(l: ListValue, index: number): QlNode {
  if (index < l.length - index) {
    let n = l.head!;
    while (index >= n.count) {
      index -= n.count;
      n = n.next!;
    }
    located.off = index;
    return n;
  }
  let n = l.tail!;
  let fromEnd = l.length - 1 - index;
  while (fromEnd >= n.count) {
    fromEnd -= n.count;
    n = n.prev!;
  }
  located.off = n.count - 1 - fromEnd;
  return n;
}

/** Element `index` (0 <= index < length). */
export function listIndex(l: ListValue, index: number): Bytes {
  const n = locate(l, index);
  return elementAt(n.data, entryOffset(n.data, n.count, located.off));
}

/**
 * Visits the elements from `index` towards the tail (or, fromTail, towards the
 * head) until `visit` returns false; each with its index.
 */
export function listWalk(l: ListValue, index: number, fromTail: boolean, visit: (v: Bytes, index: number) => boolean | void): void {
  if (index < 0 || index >= l.length) return;
  let n: QlNode | null = locate(l, index);
  let p = entryOffset(n.data, n.count, located.off);
  let k = located.off;
  let i = index;
  if (!fromTail) {
    for (;;) {
      if (visit(elementAt(n.data, p), i++) === false) return;
      if (++k < n.count) p = nextEntry(n.data, p);
      else {
        n = n.next;
        if (!n) return;
        p = 0;
        k = 0;
      }
    }
  }
  let e = nextEntry(n.data, p);
  for (;;) {
    const s = prevEntry(n.data, e);
    if (visit(elementAt(n.data, s), i--) === false) return;
    e = s;
    if (--k < 0) {
      n = n.prev;
      if (!n) return;
      e = n.data.length;
      k = n.count - 1;
    }
  }
}

/** Every element, head to tail. */
export function listForEach(l: ListValue, visit: (v: Bytes) => void): void {
  for (let n = l.head; n; n = n.next) {
    const d = n.data;
    for (let p = 0; p < d.length; p = nextEntry(d, p)) visit(elementAt(d, p));
  }
}

/**
 * LPOS's scan: the indexes of the elements equal to `v`, from the head (or
 * the tail), among the first `maxlen` looked at (0: all), each given to
 * `found` until it returns false. Elements are compared in place, not copied.
 */
export function listFind(l: ListValue, v: Bytes, fromTail: boolean, maxlen: number, found: (index: number) => boolean): void {
  let left = maxlen === 0 ? Infinity : maxlen;
  if (!fromTail) {
    let i = 0;
    for (let n = l.head; n && left > 0; n = n.next) {
      const d = n.data;
      for (let p = 0; p < d.length && left > 0; p = nextEntry(d, p), i++, left--) {
        if (entryEquals(d, p, v) && !found(i)) return;
      }
    }
    return;
  }
  let i = l.length - 1;
  for (let n = l.tail; n && left > 0; n = n.prev) {
    const d = n.data;
    for (let e = d.length; e > 0 && left > 0; i--, left--) {
      const p = prevEntry(d, e);
      if (entryEquals(d, p, v) && !found(i)) return;
      e = p;
    }
  }
}

/** The index of the first element equal to `v`, or -1. */
export function listIndexOf(l: ListValue, v: Bytes): number {
  let i = 0;
  for (let n = l.head; n; n = n.next) {
    const d = n.data;
    for (let p = 0; p < d.length; p = nextEntry(d, p), i++) if (entryEquals(d, p, v)) return i;
  }
  return -1;
}


/** Every element in order, as an array (for tests and whole-list consumers that need one). */
export function listItems(l: ListValue): Bytes[] {
  const out: Bytes[] = [];
  listForEach(l, (v) => out.push(v));
  return out;
}
