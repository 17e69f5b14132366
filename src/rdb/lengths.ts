// RDB length and string encodings (spec §7.3, §7.4), read from a buffer that may
// hold only part of the payload: every reader says how far the buffer must reach
// when it is short, so a streaming caller can wait for more bytes and retry.
import { lzfDecompress } from './lzf';

export type Read<T> =
  | { kind: 'ok'; value: T; next: number }
  | { kind: 'need'; end: number } // retry once the buffer reaches this index
  | { kind: 'error'; error: string } // corrupt input; Redis's wording
  | { kind: 'tooBig'; length: number }; // over the caller's limit; not an error in Redis

export interface RdbLength {
  len: number;
  /** true: `len` is a special string encoding (0 INT8, 1 INT16, 2 INT32, 3 LZF), not a length. */
  encoded: boolean;
}

/** The low 6 bits of a `11xxxxxx` string header. */
export const ENC_INT8 = 0, ENC_INT16 = 1, ENC_INT32 = 2, ENC_LZF = 3;
// Redis prints the 2-bit type here, which is always 2 for this branch.
export const ERR_LENGTH_ENCODING = 'Unknown length encoding 2 in rdbLoadLen()';

/**
 * 64-bit lengths above 2^53 lose precision; every caller has a far smaller limit
 * and reports them as tooBig.
 */
export function readLength(buf: Buffer, pos: number): Read<RdbLength> {
  if (pos >= buf.length) return { kind: 'need', end: pos + 1 };
  const b = buf[pos];
  switch (b >> 6) {
    case 0: return { kind: 'ok', value: { len: b & 0x3f, encoded: false }, next: pos + 1 };
    case 3: return { kind: 'ok', value: { len: b & 0x3f, encoded: true }, next: pos + 1 };
    case 1:
      if (pos + 2 > buf.length) return { kind: 'need', end: pos + 2 };
      return { kind: 'ok', value: { len: ((b & 0x3f) << 8) | buf[pos + 1], encoded: false }, next: pos + 2 };
  }
  if (b === 0x80) {
    if (pos + 5 > buf.length) return { kind: 'need', end: pos + 5 };
    return { kind: 'ok', value: { len: buf.readUInt32BE(pos + 1), encoded: false }, next: pos + 5 };
  }
  if (b === 0x81) {
    if (pos + 9 > buf.length) return { kind: 'need', end: pos + 9 };
    const len = buf.readUInt32BE(pos + 1) * 2 ** 32 + buf.readUInt32BE(pos + 5);
    return { kind: 'ok', value: { len, encoded: false }, next: pos + 9 };
  }
  return { kind: 'error', error: ERR_LENGTH_ENCODING };
}

/** A string's bytes; integer encodings become their decimal text, as Redis loads them. */
export function readString(buf: Buffer, pos: number, maxLen: number): Read<Buffer> {
  const head = readLength(buf, pos);
  if (head.kind !== 'ok') return head;
  const { len, encoded } = head.value;
  let p = head.next;
  if (!encoded) {
    if (len > maxLen) return { kind: 'tooBig', length: len };
    if (p + len > buf.length) return { kind: 'need', end: p + len };
    return { kind: 'ok', value: buf.subarray(p, p + len), next: p + len };
  }
  switch (len) {
    case ENC_INT8:
      if (p + 1 > buf.length) return { kind: 'need', end: p + 1 };
      return { kind: 'ok', value: Buffer.from(String(buf.readInt8(p))), next: p + 1 };
    case ENC_INT16:
      if (p + 2 > buf.length) return { kind: 'need', end: p + 2 };
      return { kind: 'ok', value: Buffer.from(String(buf.readInt16LE(p))), next: p + 2 };
    case ENC_INT32:
      if (p + 4 > buf.length) return { kind: 'need', end: p + 4 };
      return { kind: 'ok', value: Buffer.from(String(buf.readInt32LE(p))), next: p + 4 };
    case ENC_LZF:
      break;
    default:
      return { kind: 'error', error: `Unknown RDB string encoding type ${len}` };
  }
  const clen = readLength(buf, p);
  if (clen.kind !== 'ok') return clen;
  const ulen = readLength(buf, clen.next);
  if (ulen.kind !== 'ok') return ulen;
  // Redis reads both as plain lengths, ignoring an "encoded" marker.
  const c = clen.value.len, u = ulen.value.len;
  if (c > maxLen || u > maxLen) return { kind: 'tooBig', length: Math.max(c, u) };
  p = ulen.next;
  if (p + c > buf.length) return { kind: 'need', end: p + c };
  // liblzf reports failure as 0 output bytes, which Redis compares with ulen: so a
  // declared length of 0 loads as "" whatever the compressed bytes are.
  const out = u === 0 ? Buffer.alloc(0) : lzfDecompress(buf.subarray(p, p + c), u);
  if (out === null) return { kind: 'error', error: 'Invalid LZF compressed string' };
  return { kind: 'ok', value: out, next: p + c };
}
