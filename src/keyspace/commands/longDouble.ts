// x87 80-bit long double arithmetic, just what INCRBYFLOAT and HINCRBYFLOAT
// need to give redis-server's exact text: strtold (correctly rounded to a 64-bit
// significand), one addition, and printf("%.17Lf") with trailing zeros cut
// (ld2string's LD_STR_HUMAN). Doubles would differ in the last digits and in
// range (`INCRBYFLOAT k 1e400` works on redis-server), so this uses BigInt.

/** A finite long double: (-1)^neg · m · 2^e, m < 2^64; or ±Infinity. */
export type LongDouble = { neg: boolean; m: bigint; e: number } | { inf: true; neg: boolean };

const BITS = 64;
// Smallest exponent of the unit in the last place: 2^-16382 is the smallest
// normal, and its significand has 63 bits after the point. Subnormals share it.
const E_MIN = -16382 - 63;
// Largest finite: (2^64-1)·2^(16383-63).
const E_MAX = 16383 - 63;

const ZERO: LongDouble = { neg: false, m: 0n, e: 0 };

export function isInf(v: LongDouble): v is { inf: true; neg: boolean } {
  return 'inf' in v;
}

/** Rounds the exact value (-1)^neg · n · 2^e to 64 bits, half to even. */
function round(neg: boolean, n: bigint, e: number): LongDouble {
  if (n === 0n) return { neg, m: 0n, e: 0 };
  const bits = n.toString(2).length;
  const shift = Math.max(bits - BITS, E_MIN - e);
  if (shift > 0) {
    if (shift > bits + 1) return { neg, m: 0n, e: 0 };
    const s = BigInt(shift);
    const q = n >> s;
    const r = n - (q << s);
    const half = 1n << (s - 1n);
    let m = q;
    if (r > half || (r === half && (q & 1n) === 1n)) m = q + 1n;
    e += shift;
    if (m >> BigInt(BITS) !== 0n) {
      m >>= 1n;
      e += 1;
    }
    n = m;
  }
  if (n === 0n) return { neg, m: 0n, e: 0 };
  if (e > E_MAX) return { inf: true, neg };
  return { neg, m: n, e };
}

const DEC = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)(?:inf|infinity)$/i;

/**
 * string2ld: strtold over the whole string; null where Redis refuses it
 * (empty, leading space, junk, NaN, overflow, underflow to zero, ≥ 5 KB).
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= 5 * 1024) return null;
  const inf = INF.exec(s);
  if (inf) return { inf: true, neg: inf[1] === '-' };
  let neg: boolean, mant: bigint, e2 = 0, e10 = 0, nonzero: boolean;
  const d = DEC.exec(s);
  if (d && (d[2]!.length > 0 || (d[3] ?? '').length > 0)) {
    neg = d[1] === '-';
    const frac = d[3] ?? '';
    const digits = (d[2]! + frac).replace(/^0+/, '');
    nonzero = digits.length > 0;
    const exp = d[4] === undefined ? 0 : Number(d[4]);
    e10 = exp - frac.length;
    // Beyond these the result is certainly ±inf or 0: skip the huge powers.
    const magnitude = digits.length + e10;
    if (nonzero && magnitude > 4940) return null;
    if (!nonzero || magnitude < -4960) return nonzero ? null : { ...ZERO, neg };
    mant = BigInt(digits);
  } else {
    const h = HEX.exec(s);
    if (!h || h[2]!.length + (h[3] ?? '').length === 0) return null;
    neg = h[1] === '-';
    const frac = h[3] ?? '';
    const digits = (h[2]! + frac).replace(/^0+/, '') || '0';
    mant = BigInt('0x' + digits);
    nonzero = mant !== 0n;
    e2 = (h[4] === undefined ? 0 : Number(h[4])) - 4 * frac.length;
    if (!nonzero) return { ...ZERO, neg };
    if (e2 + digits.length * 4 > 16400) return null;
    if (e2 < -17000) return null;
  }
  let v: LongDouble;
  if (e10 >= 0) {
    v = round(neg, mant * 10n ** BigInt(e10), e2);
  } else {
    // mant / 10^k: scale up so the quotient has plenty of bits, keep a sticky bit.
    const den = 10n ** BigInt(-e10);
    const extra = Math.max(0, den.toString(2).length - mant.toString(2).length + BITS + 2);
    const num = mant << BigInt(extra);
    let q = num / den;
    if (q * den !== num) q = (q << 1n) | 1n;
    else q <<= 1n;
    v = round(neg, q, e2 - extra - 1);
  }
  if (isInf(v)) return null; // ERANGE overflow
  if (v.m === 0n) return null; // ERANGE underflow to zero
  return v;
}

export function fromBigInt(n: bigint): LongDouble {
  return round(n < 0n, n < 0n ? -n : n, 0);
}

export function add(a: LongDouble, b: LongDouble): LongDouble {
  if (isInf(a) || isInf(b)) {
    if (isInf(a) && isInf(b) && a.neg !== b.neg) return { inf: true, neg: false }; // NaN, refused by the caller anyway
    return isInf(a) ? a : b;
  }
  const e = Math.min(a.e, b.e);
  const x = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const y = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = x + y;
  // An exact zero is +0 under round-to-nearest, except -0 + -0.
  if (sum === 0n) return { neg: a.neg && b.neg && a.m === 0n && b.m === 0n, m: 0n, e: 0 };
  return round(sum < 0n, sum < 0n ? -sum : sum, e);
}

/** ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros and a bare '.' removed, "-0" → "0". */
export function formatHuman(v: LongDouble): string {
  if (isInf(v)) return v.neg ? '-inf' : 'inf';
  const SCALE = 10n ** 17n;
  let scaled: bigint;
  if (v.e >= 0) {
    scaled = (v.m << BigInt(v.e)) * SCALE;
  } else {
    const s = BigInt(-v.e);
    const num = v.m * SCALE;
    const q = num >> s;
    const r = num - (q << s);
    const half = 1n << (s - 1n);
    scaled = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
  }
  const intPart = scaled / SCALE;
  const frac = (scaled % SCALE).toString().padStart(17, '0').replace(/0+$/, '');
  let text = intPart.toString() + (frac.length > 0 ? '.' + frac : '');
  if (v.neg) text = '-' + text;
  if (text === '-0') text = '0';
  return text;
}

/** The exact long double of a double (every double is one). */
export function fromDouble(d: number): LongDouble {
  if (!Number.isFinite(d)) return { inf: true, neg: d < 0 };
  if (d === 0) return { neg: Object.is(d, -0), m: 0n, e: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, d);
  const bits = buf.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const m = exp === 0 ? frac : frac | (1n << 52n);
  return round(d < 0, m, (exp === 0 ? 1 : exp) - 1075);
}

/** -1, 0 or 1 as a < b, a == b (either zero sign), a > b. */
export function compare(a: LongDouble, b: LongDouble): number {
  const sign = (v: LongDouble): number => (isInf(v) ? (v.neg ? -2 : 2) : v.m === 0n ? 0 : v.neg ? -1 : 1);
  const sa = sign(a), sb = sign(b);
  if (sa !== sb || sa === 0 || Math.abs(sa) === 2) return Math.sign(sa - sb);
  const x = a as { m: bigint; e: number }, y = b as { m: bigint; e: number };
  const e = Math.min(x.e, y.e);
  const mx = x.m << BigInt(x.e - e), my = y.m << BigInt(y.e - e);
  const mag = mx < my ? -1 : mx > my ? 1 : 0;
  return sa < 0 ? -mag : mag;
}

/** The integer part (truncated toward zero) of a finite long double. */
export function truncate(v: LongDouble): bigint {
  if (isInf(v)) throw new RangeError('infinite long double');
  const t = v.e >= 0 ? v.m << BigInt(v.e) : v.m >> BigInt(-v.e);
  return v.neg ? -t : t;
}

/** ld2string(LD_STR_AUTO): printf("%.17Lg"), the exact binary value rounded half to even; "inf", "-inf". */
export function formatG17(v: LongDouble): string {
  if (isInf(v)) return v.neg ? '-inf' : 'inf';
  const sign = v.neg ? '-' : '';
  if (v.m === 0n) return sign + '0';
  // The exact value as num/den, then 17 significant digits of it.
  const num = v.e >= 0 ? v.m << BigInt(v.e) : v.m;
  const den = v.e >= 0 ? 1n : 1n << BigInt(-v.e);
  // x is the decimal exponent of the first digit: guessed from the lengths, then corrected.
  let x = num.toString().length - den.toString().length;
  for (;;) {
    const shift = 16 - x;
    const n = shift >= 0 ? num * 10n ** BigInt(shift) : num;
    const d = shift >= 0 ? den : den * 10n ** BigInt(-shift);
    let q = n / d;
    if (q >= 10n ** 17n) {
      x++;
      continue;
    }
    if (q < 10n ** 16n) {
      x--;
      continue;
    }
    const r2 = 2n * (n - q * d);
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    if (q === 10n ** 17n) {
      q = 10n ** 16n;
      x++;
    }
    return sign + layoutG(q.toString(), x);
  }
}

/** %g placement of 17 significant digits with decimal exponent x, trailing zeros dropped. */
function layoutG(digits: string, x: number): string {
  if (x < -4 || x >= 17) {
    const frac = digits.slice(1).replace(/0+$/, '');
    const ax = Math.abs(x);
    return `${digits[0]}${frac ? '.' + frac : ''}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  if (x < 0) return ('0.' + '0'.repeat(-x - 1) + digits).replace(/0+$/, '');
  const int = digits.slice(0, x + 1);
  const frac = digits.slice(x + 1).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}
