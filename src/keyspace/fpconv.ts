// fpconv_dtoa as Redis 7.2+ and Valkey print a double (deps/fpconv): Grisu2
// over 64-bit "diy" floats, then its own layout. Grisu2 gives a short text that
// reads back to the same double, but not always the shortest or the closest
// one (JS's Number#toString is both), so the algorithm is reproduced step by
// step, with BigInt for its unsigned 64-bit arithmetic.
//
// The layout (emit): plain integer digits padded with zeros while the exponent
// stays below ndigits + 7; a plain decimal for small negative exponents;
// otherwise d.ddde±X with no exponent padding ("1e+21", "1e-07" is "1e-7").

const U64 = (1n << 64n) - 1n;
const FRAC_MASK = (1n << 52n) - 1n;
const HIDDEN = 1n << 52n;
const EXP_BIAS = 1023 + 52;

interface DiyFp {
  f: bigint;
  e: number;
}

// Cached powers of ten 10^k for k = -348, -340, …, 340 as normalized 64-bit
// significands (rounded to nearest) with their binary exponents: Grisu's table,
// computed here instead of written out.
const FIRST_POWER = -348;
const STEP_POWERS = 8;
const N_POWERS = 87;
const EXP_MIN = -60;
const EXP_MAX = -32;

const POWERS: DiyFp[] = (() => {
  const out: DiyFp[] = [];
  for (let i = 0; i < N_POWERS; i++) {
    const k = FIRST_POWER + i * STEP_POWERS;
    // 10^k = num / den exactly.
    const num = k >= 0 ? 10n ** BigInt(k) : 1n;
    const den = k >= 0 ? 1n : 10n ** BigInt(-k);
    // Find e with 2^63 <= 10^k / 2^e < 2^64, then round 10^k / 2^e to nearest.
    let e = bitLength(num) - bitLength(den) - 64;
    let f = divRound(num, den, e);
    while (f >= 1n << 64n) f = divRound(num, den, ++e);
    while (f < 1n << 63n) f = divRound(num, den, --e);
    out.push({ f, e });
  }
  return out;
})();

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** round(num / den / 2^e), half up (no table entry is a tie). */
function divRound(num: bigint, den: bigint, e: number): bigint {
  const n = e >= 0 ? num : num << BigInt(-e);
  const d = e >= 0 ? den << BigInt(e) : den;
  return (2n * n + d) / (2n * d);
}

function cachedPower(exp: number): { p: DiyFp; k: number } {
  // Same first guess and walk as fpconv (a truncated double product).
  const approx = Math.trunc(-(exp + N_POWERS) * 0.30102999566398114);
  let idx = Math.trunc((approx - FIRST_POWER) / STEP_POWERS);
  for (;;) {
    const current = exp + POWERS[idx]!.e + 64;
    if (current < EXP_MIN) idx++;
    else if (current > EXP_MAX) idx--;
    else return { p: POWERS[idx]!, k: FIRST_POWER + idx * STEP_POWERS };
  }
}

/** The high 64 bits of a·b, rounded half up (fpconv's multiply). */
function multiply(a: DiyFp, b: DiyFp): DiyFp {
  return { f: (a.f * b.f + (1n << 63n)) >> 64n, e: a.e + b.e + 64 };
}

const TENS: bigint[] = Array.from({ length: 20 }, (_, i) => 10n ** BigInt(19 - i));

/** Grisu2: the digits and the decimal exponent K (value = digits · 10^K). */
function grisu2(bits: bigint): { digits: string; K: number } {
  // build_fp
  let f = bits & FRAC_MASK;
  let e = Number((bits >> 52n) & 0x7ffn);
  if (e) {
    f += HIDDEN;
    e -= EXP_BIAS;
  } else e = -EXP_BIAS + 1;

  // get_normalized_boundaries (from the unnormalized value)
  let uf = (f << 1n) + 1n;
  let ue = e - 1;
  while ((uf & (HIDDEN << 1n)) === 0n) {
    uf <<= 1n;
    ue--;
  }
  uf <<= 10n;
  ue -= 10;
  const lShift = f === HIDDEN ? 2 : 1;
  let lf = (f << BigInt(lShift)) - 1n;
  const le = e - lShift;
  lf <<= BigInt(le - ue);

  // normalize
  let wf = f;
  let we = e;
  while ((wf & HIDDEN) === 0n) {
    wf <<= 1n;
    we--;
  }
  wf <<= 11n;
  we -= 11;

  const { p, k } = cachedPower(ue);
  const w = multiply({ f: wf, e: we }, p);
  const upper = multiply({ f: uf, e: ue }, p);
  const lower = multiply({ f: lf, e: ue }, p);
  lower.f++;
  upper.f--;
  return generateDigits(w, upper, lower, -k);
}

function generateDigits(w: DiyFp, upper: DiyFp, lower: DiyFp, K: number): { digits: string; K: number } {
  const wfrac = upper.f - w.f;
  let delta = upper.f - lower.f;
  const shift = BigInt(-upper.e);
  const one = 1n << shift;
  let part1 = upper.f >> shift;
  let part2 = upper.f & (one - 1n);
  const digits: number[] = [];

  // Integral part: divisors 10^9 … 10^0.
  let kappa = 10;
  for (let i = 10; kappa > 0; i++) {
    const div = TENS[i]!;
    const digit = part1 / div;
    if (digit || digits.length) digits.push(Number(digit));
    part1 -= digit * div;
    kappa--;
    const tmp = (part1 << shift) + part2;
    if (tmp <= delta) {
      roundDigit(digits, delta, tmp, div << shift, wfrac);
      return { digits: digits.join(''), K: K + kappa };
    }
  }

  // Fractional part.
  let unit = 18;
  for (;;) {
    part2 = (part2 * 10n) & U64;
    delta = (delta * 10n) & U64;
    kappa--;
    const digit = part2 >> shift;
    if (digit || digits.length) digits.push(Number(digit));
    part2 &= one - 1n;
    if (part2 < delta) {
      roundDigit(digits, delta, part2, one, (wfrac * TENS[unit]!) & U64);
      return { digits: digits.join(''), K: K + kappa };
    }
    unit--;
  }
}

/** Moves the last digit down toward the real value while it stays in range (round_digit). */
function roundDigit(digits: number[], delta: bigint, rem: bigint, kappa: bigint, frac: bigint): void {
  const last = digits.length - 1;
  while (rem < frac && delta - rem >= kappa && (rem + kappa < frac || frac - rem > rem + kappa - frac)) {
    digits[last]!--;
    rem += kappa;
  }
}

/** emit_digits: the text of digits · 10^K. */
function emit(digits: string, K: number, neg: boolean): string {
  const n = digits.length;
  let exp = Math.abs(K + n - 1);
  if (K >= 0 && exp < n + 7) return digits + '0'.repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const offset = n - Math.abs(K);
    if (offset <= 0) return '0.' + '0'.repeat(-offset) + digits;
    return digits.slice(0, offset) + '.' + digits.slice(offset);
  }
  const shown = Math.min(n, 18 - (neg ? 1 : 0));
  let out = digits[0]!;
  if (shown > 1) out += '.' + digits.slice(1, shown);
  out += K + shown - 1 < 0 ? 'e-' : 'e+';
  // Up to three exponent digits, never zero-padded in front.
  let cent = 0;
  if (exp > 99) {
    cent = Math.trunc(exp / 100);
    out += String(cent);
    exp -= cent * 100;
  }
  if (exp > 9) {
    const dec = Math.trunc(exp / 10);
    out += String(dec);
    exp -= dec * 10;
  } else if (cent) out += '0';
  return out + String(exp % 10);
}

const view = new DataView(new ArrayBuffer(8));

/** fpconv_dtoa(d): "0" and "-0", "inf"/"-inf", "nan", else the Grisu2 text. */
export function fpconvDtoa(d: number): string {
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const neg = (bits >> 63n) === 1n;
  const sign = neg ? '-' : '';
  if (d === 0) return sign + '0';
  if (Number.isNaN(d)) return sign + 'nan';
  if (!Number.isFinite(d)) return sign + 'inf';
  const { digits, K } = grisu2(bits & ((1n << 63n) - 1n));
  return sign + emit(digits, K, neg);
}
