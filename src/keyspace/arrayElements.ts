// How redis-server stores an Array element (arEncode): an inline integer when
// the bytes are a canonical int64 within 62 bits, an inline double when they
// are exactly what d2string prints for a double whose two lowest significand
// bits are zero (or that text plus ".0"), else a string. Its bytes never
// change, so the replica keeps the bytes and derives the kind where it
// matters: AROP reads an inline double as a double, but a string as a long
// double (strtold), and the two differ for most decimals.
import { shortestD2string as d2string } from './doubles';
import type { Bytes } from './values';

const view = new DataView(new ArrayBuffer(8));

/** The double arEncode stores inline for these bytes, or null when it stores them otherwise. */
export function inlineDouble(s: Bytes): number | null {
  // Only an optional '-', digits and exactly one '.' can print back the same.
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (n === 0 || n === i) return null;
  let dots = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return null;
  }
  if (dots !== 1) return null;
  const d = Number(s);
  if (!Number.isFinite(d)) return null;
  // The two low bits hold the tag: only a double that has them clear can print back as these bytes.
  view.setFloat64(0, d);
  if ((view.getUint8(7) & 3) !== 0) return null;
  const text = d2string(d);
  return text === s || text + '.0' === s ? d : null;
}

/** The text redis-server gives back for a double it stored inline (arFormatFloat): d2string, with ".0" after a bare integer. */
export function formatInlineDouble(d: number): Bytes {
  const text = d2string(d);
  return Number.isFinite(d) && !/[.eE]/.test(text) ? text + '.0' : text;
}

/** The double an RDB float element holds once stored: its two tag bits cleared, as a 64-bit build stores it. */
export function truncateTagBits(d: number): number {
  view.setFloat64(0, d);
  view.setUint8(7, view.getUint8(7) & ~3);
  return view.getFloat64(0);
}
