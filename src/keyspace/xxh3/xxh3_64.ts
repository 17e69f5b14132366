// XXH3-64 (seed 0, the default secret), which Redis 8.4 uses for DIGEST and
// the IFDEQ/IFDNE conditions of SET and DELEX. The paths by input length
// (0, 1–3, 4–8, 9–16, 17–128, 129–240, longer) are the format's own.
import {
  add, avalanche, longAccumulators, M64, mergeAccumulators, mix16, mul, mulFold, P64_1, PRIME_MX2, r32, r64, rotl64, SECRET,
  swap64, xorshift, xxh64Avalanche,
} from './core';

function rrmxmx(h: bigint, len: number): bigint {
  h ^= rotl64(h, 49n) ^ rotl64(h, 24n);
  h = mul(h, PRIME_MX2);
  h ^= (h >> 35n) + BigInt(len);
  h = mul(h, PRIME_MX2);
  return xorshift(h, 28n);
}

export function xxh3(input: Buffer): bigint {
  const len = input.length;
  if (len === 0) return xxh64Avalanche(r64(SECRET, 56) ^ r64(SECRET, 64));
  if (len <= 3) {
    const combined = (BigInt(input[0]!) << 16n) | (BigInt(input[len >> 1]!) << 24n) | BigInt(input[len - 1]!) | (BigInt(len) << 8n);
    return xxh64Avalanche(combined ^ (r32(SECRET, 0) ^ r32(SECRET, 4)));
  }
  if (len <= 8) {
    const in64 = r32(input, len - 4) + (r32(input, 0) << 32n);
    return rrmxmx(in64 ^ (r64(SECRET, 8) ^ r64(SECRET, 16)), len);
  }
  if (len <= 16) {
    const lo = r64(input, 0) ^ (r64(SECRET, 24) ^ r64(SECRET, 32));
    const hi = r64(input, len - 8) ^ (r64(SECRET, 40) ^ r64(SECRET, 48));
    return avalanche((BigInt(len) + swap64(lo) + hi + mulFold(lo, hi)) & M64);
  }
  if (len <= 128) {
    let acc = mul(BigInt(len), P64_1);
    const mix = (a: number, s: number): void => {
      acc = add(acc, mix16(input, a, s));
    };
    if (len > 32) {
      if (len > 64) {
        if (len > 96) {
          mix(48, 96);
          mix(len - 64, 112);
        }
        mix(32, 64);
        mix(len - 48, 80);
      }
      mix(16, 32);
      mix(len - 32, 48);
    }
    mix(0, 0);
    mix(len - 16, 16);
    return avalanche(acc);
  }
  if (len <= 240) {
    let acc = mul(BigInt(len), P64_1);
    const rounds = Math.floor(len / 16);
    for (let i = 0; i < 8; i++) acc = add(acc, mix16(input, 16 * i, 16 * i));
    acc = avalanche(acc);
    for (let i = 8; i < rounds; i++) acc = add(acc, mix16(input, 16 * i, 16 * (i - 8) + 3));
    acc = add(acc, mix16(input, len - 16, 136 - 17));
    return avalanche(acc);
  }
  return mergeAccumulators(longAccumulators(input), 11, mul(BigInt(len), P64_1));
}

/** DIGEST's text: the hash as 16 lower-case hex digits. */
export function xxh3Hex(input: Buffer): string {
  return xxh3(input).toString(16).padStart(16, '0');
}
