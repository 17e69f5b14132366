// The HyperLogLog string format of hyperloglog.c, byte for byte: a 16-byte
// header ("HYLL", encoding, 3 unused, 8-byte little-endian cached cardinality
// whose top bit marks it stale), then either 16384 packed 6-bit registers
// (dense) or run-length opcodes (sparse: ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy,
// VAL 1vvvvvxx). PFADD/PFMERGE replicate as sent, so the replica must grow and
// promote its sparse form exactly as the master did to hold the same bytes.

import { stringByteAt, stringLength, stringSlice } from '../sds';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = 63;
export const HDR = 16;
export const DENSE = 0, SPARSE = 1;
export const DENSE_SIZE = HDR + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
const VAL_MAX_VALUE = 32, VAL_MAX_LEN = 4, ZERO_MAX_LEN = 64, XZERO_MAX_LEN = 16384;

/** hll-sparse-max-bytes (default). */
export const hllConfig = { sparseMaxBytes: 3000 };

/** The bytes of one HLL while a command works on it. */
export type HllBytes = number[];
/** Bytes read or written in place, never resized: a dense HLL's, or any HLL's for a read. */
export type FixedHllBytes = HllBytes | Uint8Array;

export function createHll(): HllBytes {
  const b = new Array<number>(HDR).fill(0);
  b[0] = 0x48; b[1] = 0x59; b[2] = 0x4c; b[3] = 0x4c; // "HYLL"
  b[4] = SPARSE;
  let left = HLL_REGISTERS;
  while (left) {
    const xz = Math.min(XZERO_MAX_LEN, left);
    b.push(0x40 | ((xz - 1) >> 8), (xz - 1) & 0xff);
    left -= xz;
  }
  return b;
}

/** isHLLObjectOrReply's checks, on the header alone (an SdsString's whole value is not built). */
export function isValidHll(s: { type: 'string'; value: string }): boolean {
  const len = stringLength(s);
  if (len < HDR) return false;
  if (stringSlice(s, 0, 4) !== 'HYLL') return false;
  const enc = stringByteAt(s, 4);
  if (enc > SPARSE) return false;
  return !(enc === DENSE && len !== DENSE_SIZE);
}

export const toHll = (s: string): HllBytes => Array.from(s, (c) => c.charCodeAt(0));
export const fromHll = (b: HllBytes): string => Buffer.from(b).toString('latin1');

export function invalidateCache(b: FixedHllBytes): void {
  b[15] = b[15]! | 0x80;
}

export const cacheValid = (b: FixedHllBytes): boolean => (b[15]! & 0x80) === 0;

export function cachedCard(b: FixedHllBytes): number {
  let v = 0;
  for (let i = 7; i >= 0; i--) v = v * 256 + b[8 + i]!;
  return v;
}

export function setCachedCard(b: FixedHllBytes, card: number): void {
  let v = BigInt(card);
  for (let i = 0; i < 8; i++) {
    b[8 + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

// ---- MurmurHash64A (seed 0xadc83b19) ----------------------------------------

const M = 0xc6a4a7935bd1e995n;
const MASK64 = (1n << 64n) - 1n;

export function murmur64a(data: string): bigint {
  const len = data.length;
  let h = (0xadc83b19n ^ ((BigInt(len) * M) & MASK64)) & MASK64;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data.charCodeAt(i + j));
    k = (k * M) & MASK64;
    k ^= k >> 47n;
    k = (k * M) & MASK64;
    h ^= k;
    h = (h * M) & MASK64;
  }
  const rem = len & 7;
  if (rem) {
    for (let j = rem - 1; j >= 0; j--) h ^= BigInt(data.charCodeAt(blocks + j)) << BigInt(8 * j);
    h = (h * M) & MASK64;
  }
  h ^= h >> 47n;
  h = (h * M) & MASK64;
  h ^= h >> 47n;
  return h;
}

/** hllPatLen: [register index, run length of the "000…1" pattern]. */
export function patLen(ele: string): [number, number] {
  let hash = murmur64a(ele);
  const index = Number(hash & BigInt(HLL_REGISTERS - 1));
  hash >>= BigInt(HLL_P);
  hash |= 1n << BigInt(HLL_Q);
  let count = 1;
  let bit = 1n;
  while ((hash & bit) === 0n) {
    count++;
    bit <<= 1n;
  }
  return [index, count];
}

// ---- dense --------------------------------------------------------------------

export function denseGet(b: FixedHllBytes, reg: number): number {
  const byte = HDR + ((reg * HLL_BITS) >> 3);
  const fb = (reg * HLL_BITS) & 7;
  const b0 = b[byte]!, b1 = b[byte + 1] ?? 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseSetRaw(b: FixedHllBytes, reg: number, val: number): void {
  const byte = HDR + ((reg * HLL_BITS) >> 3);
  const fb = (reg * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  b[byte] = ((b[byte]! & ~(HLL_REGISTER_MAX << fb)) | (val << fb)) & 0xff;
  // The last register's second byte is the sds terminator in C: nothing to keep here.
  if (byte + 1 < DENSE_SIZE) b[byte + 1] = ((b[byte + 1]! & ~(HLL_REGISTER_MAX >> fb8)) | (val >> fb8)) & 0xff;
}

export function denseSet(b: FixedHllBytes, reg: number, count: number): boolean {
  if (count <= denseGet(b, reg)) return false;
  denseSetRaw(b, reg, count);
  return true;
}

// ---- sparse -------------------------------------------------------------------

const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXzero = (op: number): boolean => (op & 0xc0) === 0x40;
const isVal = (op: number): boolean => (op & 0x80) !== 0;
const zeroLen = (op: number): number => (op & 0x3f) + 1;
const xzeroLen = (op: number, next: number): number => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 0x3) + 1;
const valOp = (val: number, len: number): number => (((val - 1) << 2) | (len - 1)) | 0x80;
const zeroOps = (len: number): number[] => (len > ZERO_MAX_LEN ? [0x40 | ((len - 1) >> 8), (len - 1) & 0xff] : [len - 1]);

/** hllSparseToDense; the new bytes, or null for a corrupt sparse form. The header (cache included) is kept. */
export function sparseToDense(b: HllBytes): HllBytes | null {
  if (b[4] === DENSE) return b;
  const d = new Array<number>(DENSE_SIZE).fill(0);
  for (let i = 0; i < HDR; i++) d[i] = b[i]!;
  d[4] = DENSE;
  let idx = 0;
  for (let p = HDR; p < b.length;) {
    const op = b[p]!;
    if (isZero(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      idx += xzeroLen(op, b[p + 1] ?? 0);
      p += 2;
    } else {
      const run = valLen(op), val = valValue(op);
      if (run + idx > HLL_REGISTERS) break;
      for (let k = 0; k < run; k++) denseSetRaw(d, idx++, val);
      p++;
    }
  }
  return idx === HLL_REGISTERS ? d : null;
}

/**
 * hllSparseSet: sets register `index` to `count` if larger. Returns the
 * (possibly promoted to dense) bytes and whether a register changed; null
 * for a corrupt HLL.
 */
export function sparseSet(b: HllBytes, index: number, count: number): { bytes: HllBytes; changed: boolean } | null {
  if (count > VAL_MAX_VALUE) return promote(b, index, count);
  let p = HDR, first = 0, prev = -1, span = 0;
  const end = b.length;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isVal(op)) span = valLen(op);
    else {
      span = xzeroLen(op, b[p + 1] ?? 0);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return null;
  const op = b[p]!;
  const zero = isZero(op), xzero = isXzero(op), val = !zero && !xzero;
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, b[p + 1]!) : valLen(op);
  let updatedInPlace = false;
  if (val) {
    if (valValue(op) >= count) return { bytes: b, changed: false };
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      updatedInPlace = true;
    }
  }
  if (!updatedInPlace && zero && runlen === 1) {
    b[p] = valOp(count, 1);
    updatedInPlace = true;
  }
  if (!updatedInPlace) {
    const last = first + span - 1;
    const seq: number[] = [];
    if (zero || xzero) {
      if (index !== first) seq.push(...zeroOps(index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(...zeroOps(last - index));
    } else {
      const cur = valValue(op);
      if (index !== first) seq.push(valOp(cur, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(cur, last - index));
    }
    const oldlen = xzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && b.length + delta > hllConfig.sparseMaxBytes) return promote(b, index, count);
    b.splice(p, oldlen, ...seq);
  }
  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  let q = prev >= 0 ? prev : HDR;
  let scan = 5;
  while (q < b.length && scan-- > 0) {
    const o = b[q]!;
    if (isXzero(o)) {
      q += 2;
      continue;
    }
    if (isZero(o)) {
      q++;
      continue;
    }
    if (q + 1 < b.length && isVal(b[q + 1]!)) {
      const v1 = valValue(o), v2 = valValue(b[q + 1]!);
      if (v1 === v2) {
        const len = valLen(o) + valLen(b[q + 1]!);
        if (len <= VAL_MAX_LEN) {
          b[q + 1] = valOp(v1, len);
          b.splice(q, 1);
          continue;
        }
      }
    }
    q++;
  }
  invalidateCache(b);
  return { bytes: b, changed: true };
}

function promote(b: HllBytes, index: number, count: number): { bytes: HllBytes; changed: boolean } | null {
  const d = sparseToDense(b);
  if (!d) return null;
  denseSet(d, index, count);
  return { bytes: d, changed: true };
}

/** hllAdd: [bytes, changed], or null for a corrupt HLL. */
export function hllAdd(b: HllBytes, ele: string): { bytes: HllBytes; changed: boolean } | null {
  const [index, count] = patLen(ele);
  if (b[4] === DENSE) return { bytes: b, changed: denseSet(b, index, count) };
  return sparseSet(b, index, count);
}

/** hllMerge: max-merges the registers into `max`; false for a corrupt HLL. */
export function hllMerge(max: Uint8Array, b: FixedHllBytes): boolean {
  if (b[4] === DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  let i = 0;
  for (let p = HDR; p < b.length;) {
    const op = b[p]!;
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      i += xzeroLen(op, b[p + 1] ?? 0);
      p += 2;
    } else {
      const run = valLen(op), val = valValue(op);
      if (run + i > HLL_REGISTERS) break;
      for (let k = 0; k < run; k++, i++) if (val > max[i]!) max[i] = val;
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

// ---- counting -------------------------------------------------------------------

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1, z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0, z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y; // pow(1 - x, 2) is exact-rounded, as is d * d
  } while (zPrime !== z);
  return z / 3;
}

const ALPHA_INF = 0.721347520444481703680;

/** hllCount from a register histogram (Ertl's estimator, as hllCount does). */
function estimate(histo: number[]): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * sigma(histo[0]! / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** The cardinality of one HLL's registers, or null when the sparse form is corrupt. */
export function hllCount(b: FixedHllBytes): number | null {
  const histo = new Array<number>(64).fill(0);
  if (b[4] === DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(b, i)]!++;
  } else {
    let idx = 0;
    for (let p = HDR; p < b.length;) {
      const op = b[p]!;
      if (isZero(op)) {
        const r = zeroLen(op);
        idx += r;
        histo[0]! += r;
        p++;
      } else if (isXzero(op)) {
        const r = xzeroLen(op, b[p + 1] ?? 0);
        idx += r;
        histo[0]! += r;
        p += 2;
      } else {
        const r = valLen(op), v = valValue(op);
        idx += r;
        histo[v]! += r;
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return null;
  }
  return estimate(histo);
}

/** The cardinality of raw merged registers (PFCOUNT of several keys). */
export function rawCount(max: Uint8Array): number {
  const histo = new Array<number>(64).fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]!]!++;
  return estimate(histo);
}
