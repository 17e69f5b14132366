// C's printf("%.17g") as glibc prints it: Redis 7.0 formats sorted-set scores
// this way inside DEBUG DIGEST, so every character matters.
//
// JS's toExponential rounds a tie (an exact value halfway between two 17-digit
// results) away from zero; glibc rounds the exact binary value to nearest-even.
// Ties are rare (the exact expansion must have exactly 18 significant digits
// ending in 5, e.g. 562949953421312.125), so they are detected and redone with
// exact BigInt arithmetic.

const PRECISION = 17;

/** printf("%.17g", x) */
export function formatG17(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const { digits, exponent } = roundTo17(Math.abs(x));
  return sign + layoutG(digits, exponent);
}

/** 17 significant digits (no dot) and the decimal exponent of the first one. */
function roundTo17(a: number): { digits: string; exponent: number } {
  const e18 = a.toExponential(PRECISION);
  // Only a value whose 18-digit form ends in 5 can be an exact tie.
  if (e18[PRECISION + 1] === '5') {
    const exact = exactDigits(a);
    if (exact.digits.length === PRECISION + 1 && exact.digits.endsWith('5')) {
      const kept = exact.digits.slice(0, PRECISION);
      const lastEven = Number(kept[PRECISION - 1]) % 2 === 0;
      if (lastEven) return { digits: kept, exponent: exact.exponent };
      return roundUp(kept, exact.exponent);
    }
  }
  const e17 = a.toExponential(PRECISION - 1);
  const ePos = e17.indexOf('e');
  return { digits: e17[0]! + e17.slice(2, ePos), exponent: Number(e17.slice(ePos + 1)) };
}

function roundUp(digits: string, exponent: number): { digits: string; exponent: number } {
  const n = (BigInt(digits) + 1n).toString();
  if (n.length > digits.length) return { digits: n.slice(0, PRECISION), exponent: exponent + 1 };
  return { digits: n, exponent };
}

/** The exact decimal expansion of a positive finite double, trailing zeros dropped. */
function exactDigits(a: number): { digits: string; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) {
    e2 = -1074;
  } else {
    mantissa |= 1n << 52n;
    e2 = biased - 1075;
  }
  // a = mantissa * 2^e2 = (mantissa * 5^-e2) * 10^e2 when e2 < 0.
  let int: bigint;
  let pointShift: number;
  if (e2 >= 0) {
    int = mantissa << BigInt(e2);
    pointShift = 0;
  } else {
    int = mantissa * 5n ** BigInt(-e2);
    pointShift = -e2;
  }
  const s = int.toString();
  const exponent = s.length - 1 - pointShift;
  return { digits: s.replace(/0+$/, ''), exponent };
}

/** %g layout of 17 significant digits: fixed when -4 <= exponent < 17, else d.ddde±XX; trailing zeros removed. */
function layoutG(digits: string, exponent: number): string {
  if (exponent < -4 || exponent >= PRECISION) {
    const frac = digits.slice(1).replace(/0+$/, '');
    const mant = frac ? `${digits[0]}.${frac}` : digits[0]!;
    const expAbs = Math.abs(exponent);
    return `${mant}e${exponent < 0 ? '-' : '+'}${expAbs < 10 ? '0' : ''}${expAbs}`;
  }
  if (exponent < 0) {
    const frac = ('0'.repeat(-exponent - 1) + digits).replace(/0+$/, '');
    return `0.${frac}`;
  }
  const intPart = digits.slice(0, exponent + 1);
  const frac = digits.slice(exponent + 1).replace(/0+$/, '');
  return frac ? `${intPart}.${frac}` : intPart;
}
