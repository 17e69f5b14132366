// XXH3-128 (seed 0, the default secret), which Redis 8.6 uses for the iid of
// XADD … IDMPAUTO. The paths by input length are the format's own.
import {
  add, avalanche, longAccumulators, M64, mergeAccumulators, mix16, mul, mul128, P32_2, P64_1, P64_2, P64_4, PRIME_MX2, r32, r64,
  rotl32, SECRET, SECRET_SIZE, STRIPE, swap32, swap64, xorshift, xxh64Avalanche,
} from './core';

export interface H128 {
  lo: bigint;
  hi: bigint;
}

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
  return { lo: avalanche(lo), hi: (M64 + 1n - avalanche(hi)) & M64 };
}

function len1to3(b: Buffer, len: number): H128 {
  const c1 = BigInt(b[0]!), c2 = BigInt(b[len >> 1]!), c3 = BigInt(b[len - 1]!);
  const combinedl = (c1 << 16n) | (c2 << 24n) | c3 | (BigInt(len) << 8n);
  const combinedh = rotl32(swap32(combinedl), 13n);
  const bitflipl = r32(SECRET, 0) ^ r32(SECRET, 4);
  const bitfliph = r32(SECRET, 8) ^ r32(SECRET, 12);
  return { lo: xxh64Avalanche(combinedl ^ bitflipl), hi: xxh64Avalanche(combinedh ^ bitfliph) };
}

function len4to8(b: Buffer, len: number): H128 {
  const input64 = add(r32(b, 0), r32(b, len - 4) << 32n);
  const keyed = input64 ^ (r64(SECRET, 16) ^ r64(SECRET, 24));
  const m = mul128(keyed, add(P64_1, BigInt(len) << 2n));
  m.hi = add(m.hi, (m.lo << 1n) & M64);
  m.lo ^= m.hi >> 3n;
  m.lo = xorshift(m.lo, 35n);
  m.lo = mul(m.lo, PRIME_MX2);
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
  const acc = longAccumulators(b);
  return {
    lo: mergeAccumulators(acc, 11, mul(BigInt(len), P64_1)),
    hi: mergeAccumulators(acc, SECRET_SIZE - STRIPE - 11, (~mul(BigInt(len), P64_2)) & M64),
  };
}
