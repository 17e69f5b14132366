// Binary data out of the decoder's input as latin1 strings, one character per
// byte: the keyspace's own representation (src/keyspace/values.ts `Bytes`),
// made once, straight from the input bytes, with no Buffer view in between.
// A full sync creates millions of these; each view (a FastBuffer object) and
// each later copy was garbage the loader paid for in GC time.

/** Bytes as a latin1 string (binary-safe; `<` compares as memcmp does). */
export type Bytes = string;

/** Buffer.prototype.latin1Slice: Node's native latin1 decoder, which `toString('latin1', …)` ends in after argument checks. Not in @types/node. */
interface NodeLatin1 {
  latin1Slice(start: number, end: number): string;
}

const HAS_LATIN1_SLICE = typeof (Buffer.prototype as unknown as Partial<NodeLatin1>).latin1Slice === 'function';
const fcc = String.fromCharCode;

/**
 * buf[start, end) as Bytes; the caller has checked the bounds. Short strings
 * (most keys, members and fields) are built in JS: up to ~24 bytes the native
 * call costs more than the copy (Node 20: 20–40 ns for 4–16 bytes against
 * 60–90 ns for latin1Slice). Decoding the 1M-key benchmark RDB took 1.03 s
 * with this switch (to 11 bytes) against 1.22 s with latin1Slice alone and
 * 1.27 s with toString('latin1', …); going to 16 bytes gained a further ~5%.
 */
export function latin1(buf: Buffer, start: number, end: number): Bytes {
  const b = buf, s = start;
  switch (end - s) {
    case 0: return '';
    case 1: return fcc(b[s]);
    case 2: return fcc(b[s], b[s + 1]);
    case 3: return fcc(b[s], b[s + 1], b[s + 2]);
    case 4: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9]);
    case 11: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10]);
    case 12: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11]);
    case 13: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12]);
    case 14: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13]);
    case 15: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14]);
    case 16: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
  }
  return HAS_LATIN1_SLICE ? (buf as unknown as NodeLatin1).latin1Slice(start, end) : buf.toString('latin1', start, end);
}

// Small integers recur constantly (counters, ids, intset members); their text is made once.
const SMALL_MIN = -128;
const SMALL_MAX = 10_000;
const SMALL_INT_TEXT: string[] = [];
for (let i = SMALL_MIN; i < SMALL_MAX; i++) SMALL_INT_TEXT.push(String(i));

/** Decimal text of an integer, as Redis stores an integer-encoded string. */
export function intText(v: number | bigint): Bytes {
  if (typeof v === 'number' && v >= SMALL_MIN && v < SMALL_MAX) return SMALL_INT_TEXT[v - SMALL_MIN];
  return String(v);
}
