// The bytes an element takes inside a listpack (listpack.c): lists, sets and
// hashes switch encoding on these sizes, so they are computed exactly. An
// element that string2ll accepts is stored as an integer of 1–9 bytes; any
// other string as a 1, 2 or 5 byte length header plus its bytes; every entry
// ends with its own length written backwards in 1–5 bytes.
import type { Bytes } from './values';
import { parseLong } from './commands/util';

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

function intEncodedSize(v: bigint | number): number {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** lpEncodeGetType's size for an element. */
function encodedSize(s: Bytes): number {
  const n = s.length;
  if (n > 0 && n <= 20) {
    const c = s.charCodeAt(n - 1);
    // Cheap reject before the exact string2ll test.
    if (c >= 48 && c <= 57) {
      // string2ll's test; short integers without a BigInt (a 16+ digit one is 9 bytes, however rounded).
      const v = parseLong(s);
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
export function listpackIntEntrySize(v: bigint | number): number {
  const l = intEncodedSize(v);
  return l + backlenSize(l);
}
