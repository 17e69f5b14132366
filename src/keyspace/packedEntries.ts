// The elements of one quicklist node packed into a single latin1 string, as a
// listpack packs them into one allocation: each entry is its length, its
// bytes, then its length again written backwards, so a node is walked from
// either end (listpack's backlen serves the same purpose). A length takes one
// character below 128 and 7 bits per character above. One string per node
// instead of one per element: a 20-element list of short strings costs a few
// hundred bytes, not a JS array of 20 string objects.
import type { Bytes } from './values';

const CHAR: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

/** Where the last length read ended (readLength) or began (readLengthBack). */
let lenAt = 0;

/** Characters a length takes at one end of its entry. */
export function lengthSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Characters the entry holding an element of n bytes takes. */
export const entrySpan = (n: number): number => n + 2 * lengthSize(n);

/** The entry for `v`. */
export function packEntry(v: Bytes): string {
  const n = v.length;
  if (n < 0x80) {
    const c = CHAR[n]!;
    return c + v + c;
  }
  let fwd = '', back = '';
  let rest = n;
  while (rest >= 0x80) {
    const c = String.fromCharCode((rest % 0x80) | 0x80);
    fwd += c;
    back = c + back;
    rest = Math.floor(rest / 0x80);
  }
  return fwd + CHAR[rest]! + v + CHAR[rest]! + back;
}

/** Appends the entry for `v` to `parts` as pieces, for one join later (no string made per entry). */
export function pushEntryParts(parts: string[], v: Bytes): void {
  const n = v.length;
  if (n < 0x80) {
    const c = CHAR[n]!;
    parts.push(c, v, c);
  } else parts.push(packEntry(v));
}

/** The length starting at `p`; lenAt is then where the element's bytes start. */
function readLength(d: string, p: number): number {
  let c = d.charCodeAt(p);
  if (c < 0x80) {
    lenAt = p + 1;
    return c;
  }
  let n = c & 0x7f, mul = 0x80;
  for (p++; ; p++) {
    c = d.charCodeAt(p);
    n += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 0x80;
  }
  lenAt = p + 1;
  return n;
}

/** The length of the entry ending at `e` (exclusive); lenAt is then where its backward length starts. */
function readLengthBack(d: string, e: number): number {
  let p = e - 1;
  let c = d.charCodeAt(p);
  if (c < 0x80) {
    lenAt = p;
    return c;
  }
  let n = c & 0x7f, mul = 0x80;
  for (p--; ; p--) {
    c = d.charCodeAt(p);
    n += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 0x80;
  }
  lenAt = p;
  return n;
}

/** Where the entry starting at `p` ends. */
export function nextEntry(d: string, p: number): number {
  const n = readLength(d, p);
  return lenAt + n + lengthSize(n);
}

/** Where the entry ending at `e` starts. */
export function prevEntry(d: string, e: number): number {
  return e - entrySpan(readLengthBack(d, e));
}

/** The element of the entry starting at `p`. */
export function elementAt(d: string, p: number): Bytes {
  const n = readLength(d, p);
  return d.substring(lenAt, lenAt + n);
}

/** Whether the entry starting at `p` holds exactly `v` (no copy of the element). */
export function entryEquals(d: string, p: number, v: Bytes): boolean {
  const n = readLength(d, p);
  return n === v.length && d.startsWith(v, lenAt);
}

/** Where entry `k` of a packed string of `count` entries starts, walked from the nearer end. */
export function entryOffset(d: string, count: number, k: number): number {
  if (k <= count - k) {
    let p = 0;
    for (let i = 0; i < k; i++) p = nextEntry(d, p);
    return p;
  }
  let e = d.length;
  for (let i = count; i > k; i--) e = prevEntry(d, e);
  return e;
}
