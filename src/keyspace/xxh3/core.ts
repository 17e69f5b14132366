// What XXH3's 64- and 128-bit forms share (the xxHash format, seed 0, the
// default secret): its constants, unsigned 64-bit arithmetic in BigInt, the
// avalanches, the 16-byte mix and the long-input accumulator. Written from
// the format's specification.

export const M64 = (1n << 64n) - 1n;
export const P32_1 = 0x9e3779b1n, P32_2 = 0x85ebca77n, P32_3 = 0xc2b2ae3dn;
export const P64_1 = 0x9e3779b185ebca87n, P64_2 = 0xc2b2ae3d27d4eb4fn, P64_3 = 0x165667b19e3779f9n;
export const P64_4 = 0x85ebca77c2b2ae63n, P64_5 = 0x27d4eb2f165667c5n;
export const PRIME_MX1 = 0x165667919e3779f9n, PRIME_MX2 = 0x9fb21c651e98df25n;

/** The format's default 192-byte secret (XXH3_kSecret). */
export const SECRET = Buffer.from(
  'b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f' +
  'cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c' +
  '3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8' +
  'a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364' +
  'eac5ac8334d3ebc3c581a0fffa1363eb170ddd51b7f0da49d316552629d4689e' +
  '2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e',
  'hex',
);
export const SECRET_SIZE = SECRET.length;
export const STRIPE = 64;

export const r64 = (b: Buffer, at: number): bigint => b.readBigUInt64LE(at);
export const r32 = (b: Buffer, at: number): bigint => BigInt(b.readUInt32LE(at));
export const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
export const add = (a: bigint, b: bigint): bigint => (a + b) & M64;
export const xorshift = (h: bigint, s: bigint): bigint => h ^ (h >> s);
export const rotl64 = (h: bigint, r: bigint): bigint => ((h << r) | (h >> (64n - r))) & M64;
export const rotl32 = (h: bigint, r: bigint): bigint => ((h << r) | (h >> (32n - r))) & 0xffffffffn;
export const swap32 = (x: bigint): bigint => ((x & 0xffn) << 24n) | ((x & 0xff00n) << 8n) | ((x >> 8n) & 0xff00n) | (x >> 24n);
export const swap64 = (x: bigint): bigint => (swap32(x & 0xffffffffn) << 32n) | swap32(x >> 32n);

/** The 128-bit product, as its two 64-bit halves. */
export function mul128(a: bigint, b: bigint): { lo: bigint; hi: bigint } {
  const p = a * b;
  return { lo: p & M64, hi: (p >> 64n) & M64 };
}

/** The 128-bit product folded to 64 bits (low ^ high). */
export function mulFold(a: bigint, b: bigint): bigint {
  const p = a * b;
  return (p & M64) ^ (p >> 64n);
}

export function xxh64Avalanche(h: bigint): bigint {
  h = mul(xorshift(h, 33n), P64_2);
  h = mul(xorshift(h, 29n), P64_3);
  return xorshift(h, 32n);
}

export function avalanche(h: bigint): bigint {
  return xorshift(mul(xorshift(h, 37n), PRIME_MX1), 32n);
}

export function mix16(input: Buffer, at: number, sec: number): bigint {
  return mulFold(r64(input, at) ^ r64(SECRET, sec), r64(input, at + 8) ^ r64(SECRET, sec + 8));
}

/** Inputs over 240 bytes: the eight accumulators after every stripe (before the merge). */
export function longAccumulators(input: Buffer): bigint[] {
  const acc = [P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1];
  const stripe = (at: number, sec: number): void => {
    for (let i = 0; i < 8; i++) {
      const data = r64(input, at + 8 * i);
      const key = data ^ r64(SECRET, sec + 8 * i);
      acc[i ^ 1] = add(acc[i ^ 1]!, data);
      acc[i] = add(acc[i]!, (key & 0xffffffffn) * (key >> 32n));
    }
  };
  const stripesPerBlock = (SECRET_SIZE - STRIPE) / 8;
  const blockLen = STRIPE * stripesPerBlock;
  const len = input.length;
  const blocks = Math.floor((len - 1) / blockLen);
  for (let n = 0; n < blocks; n++) {
    for (let s = 0; s < stripesPerBlock; s++) stripe(n * blockLen + s * STRIPE, s * 8);
    for (let i = 0; i < 8; i++) acc[i] = mul(xorshift(acc[i]!, 47n) ^ r64(SECRET, SECRET_SIZE - STRIPE + 8 * i), P32_1);
  }
  const lastStripes = Math.floor((len - 1 - blockLen * blocks) / STRIPE);
  for (let s = 0; s < lastStripes; s++) stripe(blocks * blockLen + s * STRIPE, s * 8);
  stripe(len - STRIPE, SECRET_SIZE - STRIPE - 7);
  return acc;
}

/** The accumulators merged into 64 bits against the secret at `sec`, from `start`. */
export function mergeAccumulators(acc: readonly bigint[], sec: number, start: bigint): bigint {
  let r = start;
  for (let i = 0; i < 4; i++) r = add(r, mulFold(acc[2 * i]! ^ r64(SECRET, sec + 16 * i), acc[2 * i + 1]! ^ r64(SECRET, sec + 16 * i + 8)));
  return avalanche(r);
}
