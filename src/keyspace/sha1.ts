// SHA-1 for DEBUG DIGEST. A digest takes several SHA-1s per key over inputs of
// a few dozen bytes (a key, a 20-byte digest, a 4-byte type), so the cost is the
// per-call overhead, not the hashing: node's crypto.createHash costs ~2 µs a call,
// this ~0.2 µs. Long inputs go to node's native SHA-1, which is faster per byte.
import * as crypto from 'node:crypto';

/** Inputs longer than this are hashed natively. */
const NATIVE_FROM = 4096;

const W = new Int32Array(80);
// Message bytes plus padding: the largest non-native input needs ceil((4096+9)/64) blocks.
let block = new Uint8Array(NATIVE_FROM + 128);

type OneShot = (algorithm: string, data: Buffer, encoding: 'buffer') => Buffer;
// crypto.hash (node ≥ 20.12) avoids the Hash object; older 20.x has only createHash.
const oneShot: OneShot | undefined = (crypto as unknown as { hash?: OneShot }).hash;

function nativeSha1(data: Buffer): Buffer {
  return oneShot ? oneShot('sha1', data, 'buffer') : crypto.createHash('sha1').update(data).digest();
}

/** SHA-1 of `data` (a latin1 string: one byte per char, or bytes) written to out[at..at+20). */
export function sha1Into(data: string | Uint8Array, out: Uint8Array, at = 0): void {
  const len = data.length;
  if (len > NATIVE_FROM) {
    const h = nativeSha1(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data.buffer, data.byteOffset, len));
    out.set(h, at);
    return;
  }
  const total = ((len + 8) >>> 6) * 64 + 64;
  if (block.length < total) block = new Uint8Array(total);
  const b = block;
  if (typeof data === 'string') {
    for (let i = 0; i < len; i++) b[i] = data.charCodeAt(i);
  } else {
    b.set(data);
  }
  b[len] = 0x80;
  b.fill(0, len + 1, total - 4);
  // Bit length as a 64-bit big-endian number; inputs here are far below 2^29 bytes.
  const bits = len * 8;
  b[total - 4] = bits >>> 24;
  b[total - 3] = (bits >>> 16) & 0xff;
  b[total - 2] = (bits >>> 8) & 0xff;
  b[total - 1] = bits & 0xff;

  let h0 = 0x67452301, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476, h4 = 0xc3d2e1f0 | 0;
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) {
      const p = off + i * 4;
      W[i] = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    }
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
      W[i] = (x << 1) | (x >>> 31);
    }
    let a = h0, bb = h1, c = h2, d = h3, e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (bb & c) | (~bb & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = bb ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (bb & c) | (bb & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = bb ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]!) | 0;
      e = d;
      d = c;
      c = (bb << 30) | (bb >>> 2);
      bb = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + bb) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  writeWord(out, at, h0);
  writeWord(out, at + 4, h1);
  writeWord(out, at + 8, h2);
  writeWord(out, at + 12, h3);
  writeWord(out, at + 16, h4);
}

function writeWord(out: Uint8Array, at: number, w: number): void {
  out[at] = w >>> 24;
  out[at + 1] = (w >>> 16) & 0xff;
  out[at + 2] = (w >>> 8) & 0xff;
  out[at + 3] = w & 0xff;
}
