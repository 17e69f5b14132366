// d2string as Redis 7.2+ prints a double: integers up to 2^62 as integers,
// everything else through fpconv_dtoa, a Grisu2 conversion. Grisu2 usually
// finds the shortest digits that read back, but not always, and its layout
// (when it switches to e-notation) is its own, so this is Grisu2 itself, on
// 64-bit BigInt arithmetic, not JS's own shortest printing.
//
// The Array type depends on it character for character: a value is stored as
// an inline float only when d2string gives back exactly its bytes, and that
// decides how AROP reads it.

const MASK64 = (1n << 64n) - 1n;
const HIDDEN = 1n << 52n;
const FRAC_MASK = HIDDEN - 1n;

interface Fp {
  frac: bigint;
  exp: number;
}

// 10^k for k = -348, -340, … 340, each as a 64-bit significand with its top
// bit set and a binary exponent, rounded to nearest: Grisu's cached powers,
// computed here rather than tabulated.
const FIRST_POWER = -348;
const POWER_STEP = 8;
const POWERS: Fp[] = Array.from({ length: 87 }, (_, i) => cachedPower(FIRST_POWER + POWER_STEP * i));

function cachedPower(k: number): Fp {
  const num = k >= 0 ? 10n ** BigInt(k) : 1n;
  const den = k >= 0 ? 1n : 10n ** BigInt(-k);
  let e = num.toString(2).length - den.toString(2).length - 64;
  for (;;) {
    const n = e >= 0 ? num : num << BigInt(-e);
    const d = e >= 0 ? den << BigInt(e) : den;
    const q = n / d;
    if (q >= 1n << 64n) e++;
    else if (q < 1n << 63n) e--;
    else {
      let frac = 2n * (n - q * d) >= d ? q + 1n : q;
      if (frac === 1n << 64n) {
        frac >>= 1n;
        e++;
      }
      return { frac, exp: e };
    }
  }
}

/** The cached power that brings a product's exponent into [-60, -32], searched from Grisu's own first guess. */
function cachedPowerFor(exp: number): { power: Fp; k: number } {
  const approx = Math.trunc(-(exp + 87) * 0.30102999566398114);
  let idx = Math.trunc((approx - FIRST_POWER) / POWER_STEP);
  for (;;) {
    const current = exp + POWERS[idx]!.exp + 64;
    if (current < -60) idx++;
    else if (current > -32) idx--;
    else return { power: POWERS[idx]!, k: FIRST_POWER + idx * POWER_STEP };
  }
}

function multiply(a: Fp, b: Fp): Fp {
  const lo = 0xffffffffn;
  const ahBl = (a.frac >> 32n) * (b.frac & lo);
  const alBh = (a.frac & lo) * (b.frac >> 32n);
  const alBl = (a.frac & lo) * (b.frac & lo);
  const ahBh = (a.frac >> 32n) * (b.frac >> 32n);
  const tmp = (ahBl & lo) + (alBh & lo) + (alBl >> 32n) + (1n << 31n);
  return { frac: (ahBh + (ahBl >> 32n) + (alBh >> 32n) + (tmp >> 32n)) & MASK64, exp: a.exp + b.exp + 64 };
}

/** Moves the last digit down while that brings the digits closer to the exact value and stays inside the interval. */
function roundLast(digits: number[], delta: bigint, rem: bigint, kappa: bigint, frac: bigint): void {
  while (rem < frac && delta - rem >= kappa && (rem + kappa < frac || frac - rem > rem + kappa - frac)) {
    digits[digits.length - 1]!--;
    rem += kappa;
  }
}

const TENS = Array.from({ length: 20 }, (_, i) => 10n ** BigInt(19 - i));

/** Grisu2's digits of a positive finite double and the decimal exponent K of the last one. */
function grisu2(d: number): { digits: number[]; K: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const w: Fp = biased !== 0
    ? { frac: (bits & FRAC_MASK) + HIDDEN, exp: biased - 1075 }
    : { frac: bits & FRAC_MASK, exp: -1074 };

  // The boundaries halfway to the neighbouring doubles, at the upper one's scale.
  const upper: Fp = { frac: (w.frac << 1n) + 1n, exp: w.exp - 1 };
  while ((upper.frac & (HIDDEN << 1n)) === 0n) {
    upper.frac <<= 1n;
    upper.exp--;
  }
  upper.frac = (upper.frac << 10n) & MASK64;
  upper.exp -= 10;
  const lShift = w.frac === HIDDEN ? 2 : 1;
  const lower: Fp = { frac: (w.frac << BigInt(lShift)) - 1n, exp: w.exp - lShift };
  lower.frac = (lower.frac << BigInt(lower.exp - upper.exp)) & MASK64;
  lower.exp = upper.exp;

  while ((w.frac & HIDDEN) === 0n) {
    w.frac <<= 1n;
    w.exp--;
  }
  w.frac = (w.frac << 11n) & MASK64;
  w.exp -= 11;

  const { power, k } = cachedPowerFor(upper.exp);
  const ww = multiply(w, power);
  const up = multiply(upper, power);
  const low = multiply(lower, power);
  low.frac = (low.frac + 1n) & MASK64;
  up.frac = (up.frac - 1n) & MASK64;
  let K = -k;

  const wfrac = (up.frac - ww.frac) & MASK64;
  let delta = (up.frac - low.frac) & MASK64;
  const shift = BigInt(-up.exp);
  const one = 1n << shift;
  let part1 = up.frac >> shift;
  let part2 = up.frac & (one - 1n);
  const digits: number[] = [];
  let kappa = 10;
  for (let t = 10; kappa > 0; t++) {
    const div = TENS[t]!;
    const digit = part1 / div;
    if (digit !== 0n || digits.length > 0) digits.push(Number(digit));
    part1 -= digit * div;
    kappa--;
    const rest = (part1 << shift) + part2;
    if (rest <= delta) {
      K += kappa;
      roundLast(digits, delta, rest, div << shift, wfrac);
      return { digits, K };
    }
  }
  for (let unit = 18; ; unit--) {
    part2 = (part2 * 10n) & MASK64;
    delta = (delta * 10n) & MASK64;
    kappa--;
    const digit = part2 >> shift;
    if (digit !== 0n || digits.length > 0) digits.push(Number(digit));
    part2 &= one - 1n;
    if (part2 < delta) {
      K += kappa;
      roundLast(digits, delta, part2, one, (wfrac * TENS[unit]!) & MASK64);
      return { digits, K };
    }
  }
}

/** fpconv_dtoa's layout: plain integer, plain decimal, or d.ddde±XX. */
function layout(digits: number[], K: number, neg: boolean): string {
  const text = digits.join('');
  const n = digits.length;
  const exp = Math.abs(K + n - 1);
  if (K >= 0 && exp < n + 7) return text + '0'.repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const point = n + K;
    if (point <= 0) return '0.' + '0'.repeat(-point) + text;
    return text.slice(0, point) + '.' + text.slice(point);
  }
  const shown = Math.min(n, 18 - (neg ? 1 : 0));
  const mant = shown > 1 ? `${text[0]}.${text.slice(1, shown)}` : text[0]!;
  const sign = K + shown - 1 < 0 ? '-' : '+';
  return `${mant}e${sign}${exp}`;
}

/** fpconv_dtoa for a finite non-zero double. */
function fpconvDtoa(d: number): string {
  const neg = d < 0;
  const { digits, K } = grisu2(Math.abs(d));
  return (neg ? '-' : '') + layout(digits, K, neg);
}

/** Redis's d2string: "nan", "inf", "-0", integers up to 2^62, else fpconv_dtoa. */
export function d2string(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && Math.abs(d) <= 2 ** 62) return BigInt(d).toString();
  return fpconvDtoa(d);
}
