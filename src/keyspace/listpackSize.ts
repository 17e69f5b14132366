// The bytes an element takes inside a listpack (listpack.c): lists, sets and
// hashes switch encoding on these sizes, so they are computed exactly. An
// element that string2ll accepts is stored as an integer of 1–9 bytes; any
// other string as a 1, 2 or 5 byte length header plus its bytes; every entry
// ends with its own length written backwards in 1–5 bytes.
import type { Bytes } from './values';
import { parseInt64 } from './commands/util';

/** LP_HDR_SIZE (total bytes + element count) plus the end byte. */
export const LISTPACK_EMPTY_BYTES = 7;

/** lpEncodeBacklen: bytes needed to store an entry length l backwards. */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function intEncodedSize(v: bigint): number {
  if (v >= 0n && v <= 127n) return 1;
  if (v >= -4096n && v <= 4095n) return 2;
  if (v >= -32768n && v <= 32767n) return 3;
  if (v >= -8388608n && v <= 8388607n) return 4;
  if (v >= -2147483648n && v <= 2147483647n) return 5;
  return 9;
}

/** lpEncodeGetType's size for an element. */
function encodedSize(s: Bytes): number {
  const n = s.length;
  if (n > 0 && n <= 20) {
    const c = s.charCodeAt(n - 1);
    // Cheap reject before the exact string2ll test.
    if (c >= 48 && c <= 57) {
      const v = parseInt64(s);
      if (v !== null) return intEncodedSize(v);
    }
  }
  if (n < 64) return 1 + n;
  if (n < 4096) return 2 + n;
  return 5 + n;
}

/** The bytes one element adds to a listpack. */
export function listpackEntrySize(s: Bytes): number {
  const l = encodedSize(s);
  return l + backlenSize(l);
}

/** The bytes an integer element adds to a listpack (lpAppendInteger). */
export function listpackIntEntrySize(v: bigint): number {
  const l = intEncodedSize(v);
  return l + backlenSize(l);
}
