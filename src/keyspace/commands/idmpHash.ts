// The iid of XADD … IDMPAUTO (Redis 8.6 t_stream.c createIdempotencyHash): for
// each field/value pair, XXH3-128 of field ‖ field length (8 bytes, little
// endian) ‖ value; the pair hashes are summed and xored lane by lane (so the
// order of the pairs does not matter) and combined as
//   low = Σlow ^ rotl(⊕high, 1), high = Σhigh ^ rotl(⊕low, 1);
// the iid is the 16 bytes of that 128-bit value, low half first, as it sits
// in memory on the little-endian servers that run Redis. A replica must
// compute it: the master sends a repeated IDMPAUTO XADD with its "*" intact,
// and only the hash tells the replica that the entry is already there.
//
// XXH3-128 with seed 0 and the default secret, written from the xxHash
// specification's algorithm; 64-bit arithmetic in BigInt (the inputs are a
// field and a value, so simplicity wins over speed here).
import type { Bytes } from '../values';

const M = (1n << 64n) - 1n;
const P32_1 = 0x9e3779b1n, P32_2 = 0x85ebca77n, P32_3 = 0xc2b2ae3dn;
const P64_1 = 0x9e3779b185ebca87n, P64_2 = 0xc2b2ae3d27d4eb4fn, P64_3 = 0x165667b19e3779f9n;
const P64_4 = 0x85ebca77c2b2ae63n, P64_5 = 0x27d4eb2f165667c5n;
const MX1 = 0x165667919e3779f9n, MX2 = 0x9fb21c651e98df25n;

const SECRET = Buffer.from(
  'b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671fcb79e64eccc0e578825ad07dccff7221' +
  'b8084674f743248ee03590e6813a264c3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8' +
  'a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364eac5ac8334d3ebc3c581a0fffa1363eb' +
  '170ddd51b7f0da49d316552629d4689e2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e',
  'hex',
);
const SECRET_SIZE = SECRET.length; // 192
const STRIPE = 64;

const r64 = (b: Buffer, at: number): bigint => b.readBigUInt64LE(at);
const r32 = (b: Buffer, at: number): bigint => BigInt(b.readUInt32LE(at));
const mul = (a: bigint, b: bigint): bigint => (a * b) & M;
const add = (a: bigint, b: bigint): bigint => (a + b) & M;
const xorshift = (v: bigint, s: bigint): bigint => v ^ (v >> s);
const rotl64 = (v: bigint, r: bigint): bigint => ((v << r) | (v >> (64n - r))) & M;
const rotl32 = (v: bigint, r: bigint): bigint => ((v << r) | (v >> (32n - r))) & 0xffffffffn;
const swap64 = (v: bigint): bigint => swapBytes(v, 8);

function swapBytes(v: bigint, n: number): bigint {
  let out = 0n;
  for (let i = 0; i < n; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

function mul128(a: bigint, b: bigint): { lo: bigint; hi: bigint } {
  const p = a * b;
  return { lo: p & M, hi: (p >> 64n) & M };
}

function fold64(a: bigint, b: bigint): bigint {
  const p = mul128(a, b);
  return p.lo ^ p.hi;
}

function avalanche(h: bigint): bigint {
  return xorshift(mul(xorshift(h, 37n), MX1), 32n);
}

function xxh64Avalanche(h: bigint): bigint {
  h = mul(h ^ (h >> 33n), P64_2);
  h = mul(h ^ (h >> 29n), P64_3);
  return h ^ (h >> 32n);
}

function mix16(b: Buffer, at: number, s: number): bigint {
  return fold64(r64(b, at) ^ r64(SECRET, s), r64(b, at + 8) ^ r64(SECRET, s + 8));
}

interface H128 { lo: bigint; hi: bigint }

function mix32(acc: H128, b: Buffer, in1: number, in2: number, s: number): H128 {
  let lo = add(acc.lo, mix16(b, in1, s));
  lo ^= add(r64(b, in2), r64(b, in2 + 8));
  let hi = add(acc.hi, mix16(b, in2, s + 16));
  hi ^= add(r64(b, in1), r64(b, in1 + 8));
  return { lo, hi };
}

function finish(acc: H128, len: number): H128 {
  const lo = add(acc.lo, acc.hi);
  const hi = add(add(mul(acc.lo, P64_1), mul(acc.hi, P64_4)), mul(BigInt(len), P64_2));
  return { lo: avalanche(lo), hi: (M + 1n - avalanche(hi)) & M };
}

function len1to3(b: Buffer, len: number): H128 {
  const c1 = BigInt(b[0]!), c2 = BigInt(b[len >> 1]!), c3 = BigInt(b[len - 1]!);
  const combinedl = (c1 << 16n) | (c2 << 24n) | c3 | (BigInt(len) << 8n);
  const combinedh = rotl32(swapBytes(combinedl, 4), 13n);
  const bitflipl = r32(SECRET, 0) ^ r32(SECRET, 4);
  const bitfliph = r32(SECRET, 8) ^ r32(SECRET, 12);
  return { lo: xxh64Avalanche(combinedl ^ bitflipl), hi: xxh64Avalanche(combinedh ^ bitfliph) };
}

function len4to8(b: Buffer, len: number): H128 {
  const input64 = add(r32(b, 0), r32(b, len - 4) << 32n);
  const keyed = input64 ^ (r64(SECRET, 16) ^ r64(SECRET, 24));
  const m = mul128(keyed, add(P64_1, BigInt(len) << 2n));
  m.hi = add(m.hi, (m.lo << 1n) & M);
  m.lo ^= m.hi >> 3n;
  m.lo = xorshift(m.lo, 35n);
  m.lo = mul(m.lo, MX2);
  m.lo = xorshift(m.lo, 28n);
  return { lo: m.lo, hi: avalanche(m.hi) };
}

function len9to16(b: Buffer, len: number): H128 {
  const bitflipl = r64(SECRET, 32) ^ r64(SECRET, 40);
  const bitfliph = r64(SECRET, 48) ^ r64(SECRET, 56);
  const inputLo = r64(b, 0);
  let inputHi = r64(b, len - 8);
  const m = mul128(inputLo ^ inputHi ^ bitflipl, P64_1);
  m.lo = add(m.lo, BigInt(len - 1) << 54n);
  inputHi ^= bitfliph;
  m.hi = add(m.hi, add(inputHi, (inputHi & 0xffffffffn) * (P32_2 - 1n)));
  m.lo ^= swap64(m.hi);
  const h = mul128(m.lo, P64_2);
  h.hi = add(h.hi, mul(m.hi, P64_2));
  return { lo: avalanche(h.lo), hi: avalanche(h.hi) };
}

function len17to128(b: Buffer, len: number): H128 {
  let acc: H128 = { lo: mul(BigInt(len), P64_1), hi: 0n };
  if (len > 32) {
    if (len > 64) {
      if (len > 96) acc = mix32(acc, b, 48, len - 64, 96);
      acc = mix32(acc, b, 32, len - 48, 64);
    }
    acc = mix32(acc, b, 16, len - 32, 32);
  }
  acc = mix32(acc, b, 0, len - 16, 0);
  return finish(acc, len);
}

const MIDSIZE_STARTOFFSET = 3, MIDSIZE_LASTOFFSET = 17, SECRET_SIZE_MIN = 136;

function len129to240(b: Buffer, len: number): H128 {
  let acc: H128 = { lo: mul(BigInt(len), P64_1), hi: 0n };
  for (let i = 32; i < 160; i += 32) acc = mix32(acc, b, i - 32, i - 16, i - 32);
  acc = { lo: avalanche(acc.lo), hi: avalanche(acc.hi) };
  for (let i = 160; i <= len; i += 32) acc = mix32(acc, b, i - 32, i - 16, MIDSIZE_STARTOFFSET + i - 160);
  // The last 32 bytes, swapped, with the seed negated (0 here).
  acc = mix32(acc, b, len - 16, len - 32, SECRET_SIZE_MIN - MIDSIZE_LASTOFFSET - 16);
  return finish(acc, len);
}

function accumulate512(acc: bigint[], b: Buffer, at: number, s: number): void {
  for (let lane = 0; lane < 8; lane++) {
    const dataVal = r64(b, at + lane * 8);
    const dataKey = dataVal ^ r64(SECRET, s + lane * 8);
    acc[lane ^ 1] = add(acc[lane ^ 1]!, dataVal);
    acc[lane] = add(acc[lane]!, (dataKey & 0xffffffffn) * (dataKey >> 32n));
  }
}

function scramble(acc: bigint[]): void {
  const s = SECRET_SIZE - STRIPE;
  for (let lane = 0; lane < 8; lane++) {
    let a = xorshift(acc[lane]!, 47n);
    a ^= r64(SECRET, s + lane * 8);
    acc[lane] = mul(a, P32_1);
  }
}

function mergeAccs(acc: bigint[], s: number, start: bigint): bigint {
  let r = start;
  for (let i = 0; i < 4; i++) r = add(r, fold64(acc[2 * i]! ^ r64(SECRET, s + 16 * i), acc[2 * i + 1]! ^ r64(SECRET, s + 16 * i + 8)));
  return avalanche(r);
}

function hashLong(b: Buffer, len: number): H128 {
  const acc = [P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1];
  const stripesPerBlock = (SECRET_SIZE - STRIPE) / 8;
  const blockLen = STRIPE * stripesPerBlock;
  const blocks = Math.floor((len - 1) / blockLen);
  for (let n = 0; n < blocks; n++) {
    for (let k = 0; k < stripesPerBlock; k++) accumulate512(acc, b, n * blockLen + k * STRIPE, k * 8);
    scramble(acc);
  }
  const stripes = Math.floor((len - 1 - blockLen * blocks) / STRIPE);
  for (let k = 0; k < stripes; k++) accumulate512(acc, b, blocks * blockLen + k * STRIPE, k * 8);
  accumulate512(acc, b, len - STRIPE, SECRET_SIZE - STRIPE - 7);
  const lo = mergeAccs(acc, 11, mul(BigInt(len), P64_1));
  const hi = mergeAccs(acc, SECRET_SIZE - STRIPE - 11, (~mul(BigInt(len), P64_2)) & M);
  return { lo, hi };
}

/** XXH3_128bits(input, len) with seed 0 and the default secret. */
export function xxh3_128(b: Buffer): H128 {
  const len = b.length;
  if (len === 0) {
    return { lo: xxh64Avalanche(r64(SECRET, 64) ^ r64(SECRET, 72)), hi: xxh64Avalanche(r64(SECRET, 80) ^ r64(SECRET, 88)) };
  }
  if (len <= 3) return len1to3(b, len);
  if (len <= 8) return len4to8(b, len);
  if (len <= 16) return len9to16(b, len);
  if (len <= 128) return len17to128(b, len);
  if (len <= 240) return len129to240(b, len);
  return hashLong(b, len);
}

/** createIdempotencyHash over field, value, field, value… (latin1 Bytes): the 16-byte iid as Bytes. */
export function idempotencyHash(fields: Bytes[]): Bytes {
  let sumLo = 0n, sumHi = 0n, xorLo = 0n, xorHi = 0n;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = Buffer.from(fields[i]!, 'latin1');
    const value = Buffer.from(fields[i + 1]!, 'latin1');
    const input = Buffer.alloc(field.length + 8 + value.length);
    field.copy(input, 0);
    input.writeBigInt64LE(BigInt(field.length), field.length);
    value.copy(input, field.length + 8);
    const h = xxh3_128(input);
    sumLo = add(sumLo, h.lo);
    sumHi = add(sumHi, h.hi);
    xorLo ^= h.lo;
    xorHi ^= h.hi;
  }
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(sumLo ^ rotl64(xorHi, 1n), 0);
  out.writeBigUInt64LE(sumHi ^ rotl64(xorLo, 1n), 8);
  return out.toString('latin1');
}
