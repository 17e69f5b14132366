// XXH3-64 with seed 0 and the default secret (the xxHash format's XXH3_64bits),
// which Redis 8.4 uses for DIGEST and the IFDEQ/IFDNE conditions of SET and
// DELEX. Unsigned 64-bit arithmetic in BigInt; the paths by input length
// (0, 1–3, 4–8, 9–16, 17–128, 129–240, longer) are the format's own.

const M64 = (1n << 64n) - 1n;
const P32_1 = 0x9e3779b1n, P32_2 = 0x85ebca77n, P32_3 = 0xc2b2ae3dn;
const P64_1 = 0x9e3779b185ebca87n, P64_2 = 0xc2b2ae3d27d4eb4fn, P64_3 = 0x165667b19e3779f9n;
const P64_4 = 0x85ebca77c2b2ae63n, P64_5 = 0x27d4eb2f165667c5n;
const PRIME_MX1 = 0x165667919e3779f9n, PRIME_MX2 = 0x9fb21c651e98df25n;

/** The format's default 192-byte secret (XXH3_kSecret, "taken from FARSH"). */
const SECRET = Buffer.from(
  'b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f' +
  'cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c' +
  '3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8' +
  'a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364' +
  'eac5ac8334d3ebc3c581a0fffa1363eb170ddd51b7f0da49d316552629d4689e' +
  '2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e',
  'hex',
);

const r64 = (b: Buffer, at: number): bigint => b.readBigUInt64LE(at);
const r32 = (b: Buffer, at: number): bigint => BigInt(b.readUInt32LE(at));
const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
const xorshift = (h: bigint, s: bigint): bigint => h ^ (h >> s);
const rotl = (h: bigint, r: bigint): bigint => ((h << r) | (h >> (64n - r))) & M64;
const swap32 = (x: bigint): bigint => ((x & 0xffn) << 24n) | ((x & 0xff00n) << 8n) | ((x >> 8n) & 0xff00n) | (x >> 24n);
const swap64 = (x: bigint): bigint => (swap32(x & 0xffffffffn) << 32n) | swap32(x >> 32n);

/** The 128-bit product folded to 64 bits (low ^ high). */
function mulFold(a: bigint, b: bigint): bigint {
  const p = a * b;
  return (p & M64) ^ (p >> 64n);
}

function xxh64Avalanche(h: bigint): bigint {
  h = mul(xorshift(h, 33n), P64_2);
  h = mul(xorshift(h, 29n), P64_3);
  return xorshift(h, 32n);
}

function avalanche(h: bigint): bigint {
  return xorshift(mul(xorshift(h, 37n), PRIME_MX1), 32n);
}

function rrmxmx(h: bigint, len: number): bigint {
  h ^= rotl(h, 49n) ^ rotl(h, 24n);
  h = mul(h, PRIME_MX2);
  h ^= (h >> 35n) + BigInt(len);
  h = mul(h, PRIME_MX2);
  return xorshift(h, 28n);
}

function mix16(input: Buffer, at: number, sec: number): bigint {
  return mulFold(r64(input, at) ^ r64(SECRET, sec), r64(input, at + 8) ^ r64(SECRET, sec + 8));
}

function hashLong(input: Buffer): bigint {
  const acc = [P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1];
  const stripe = (at: number, sec: number): void => {
    for (let i = 0; i < 8; i++) {
      const data = r64(input, at + 8 * i);
      const key = data ^ r64(SECRET, sec + 8 * i);
      acc[i ^ 1] = (acc[i ^ 1]! + data) & M64;
      acc[i] = (acc[i]! + (key & 0xffffffffn) * (key >> 32n)) & M64;
    }
  };
  const stripesPerBlock = (SECRET.length - 64) / 8;
  const blockLen = 64 * stripesPerBlock;
  const len = input.length;
  const blocks = Math.floor((len - 1) / blockLen);
  for (let n = 0; n < blocks; n++) {
    for (let s = 0; s < stripesPerBlock; s++) stripe(n * blockLen + s * 64, s * 8);
    for (let i = 0; i < 8; i++) acc[i] = mul(xorshift(acc[i]!, 47n) ^ r64(SECRET, SECRET.length - 64 + 8 * i), P32_1);
  }
  const lastStripes = Math.floor((len - 1 - blockLen * blocks) / 64);
  for (let s = 0; s < lastStripes; s++) stripe(blocks * blockLen + s * 64, s * 8);
  stripe(len - 64, SECRET.length - 64 - 7);
  let result = mul(BigInt(len), P64_1);
  for (let i = 0; i < 4; i++) {
    result = (result + mulFold(acc[2 * i]! ^ r64(SECRET, 11 + 16 * i), acc[2 * i + 1]! ^ r64(SECRET, 11 + 16 * i + 8))) & M64;
  }
  return avalanche(result);
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
    const add = (a: number, s: number): void => {
      acc = (acc + mix16(input, a, s)) & M64;
    };
    if (len > 32) {
      if (len > 64) {
        if (len > 96) {
          add(48, 96);
          add(len - 64, 112);
        }
        add(32, 64);
        add(len - 48, 80);
      }
      add(16, 32);
      add(len - 32, 48);
    }
    add(0, 0);
    add(len - 16, 16);
    return avalanche(acc);
  }
  if (len <= 240) {
    let acc = mul(BigInt(len), P64_1);
    const rounds = Math.floor(len / 16);
    for (let i = 0; i < 8; i++) acc = (acc + mix16(input, 16 * i, 16 * i)) & M64;
    acc = avalanche(acc);
    for (let i = 8; i < rounds; i++) acc = (acc + mix16(input, 16 * i, 16 * (i - 8) + 3)) & M64;
    acc = (acc + mix16(input, len - 16, 136 - 17)) & M64;
    return avalanche(acc);
  }
  return hashLong(input);
}

/** DIGEST's text: the hash as 16 lower-case hex digits. */
export function xxh3Hex(input: Buffer): string {
  return xxh3(input).toString(16).padStart(16, '0');
}
