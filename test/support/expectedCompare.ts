// Shared pieces for comparing decoder output with the expected outputs that
// other RDB parsers publish: canonical JSON, Go-style UTF-8 text, stream IDs.
import type { StreamIdValue } from '../../src/rdb/decodedValue';

/** JSON with object keys sorted (and, when asked, arrays sorted), for order-insensitive equality. */
export function canonical(v: unknown, sortArrays = false): string {
  return JSON.stringify(normalize(v, sortArrays));
}

function normalize(v: unknown, sortArrays: boolean): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => normalize(x, sortArrays));
    if (!sortArrays) return items;
    return items.map((x) => JSON.stringify(x)).sort().map((s) => JSON.parse(s) as unknown);
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = normalize((v as Record<string, unknown>)[k], sortArrays);
    return out;
  }
  return v;
}

/** First difference between two canonical JSON texts, with a little context. */
export function firstDifference(want: string, got: string): string {
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const from = Math.max(0, i - 60);
  return `expected …${want.slice(from, i + 60)}… got …${got.slice(from, i + 60)}…`;
}

/**
 * Bytes (a Buffer, or latin1 text as the decoder gives them) as text the way
 * Go's encoding/json writes them (HDT3213's output): valid UTF-8 as is, every
 * byte of an invalid sequence as one U+FFFD.
 */
export function goUtf8(bytes: Buffer | string): string {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  let out = '';
  for (let i = 0; i < b.length;) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > b.length) { out += c < 0x80 ? String.fromCharCode(c) : '\ufffd'; i++; continue; }
    if (n === 1) { out += String.fromCharCode(c); i++; continue; }
    let cp = c & (0xff >> (n + 1));
    let ok = true;
    for (let k = 1; k < n; k++) {
      const cc = b[i + k];
      if ((cc & 0xc0) !== 0x80) { ok = false; break; }
      cp = (cp << 6) | (cc & 0x3f);
    }
    const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) { out += '\ufffd'; i++; continue; }
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

export const idText = (id: StreamIdValue): string => `${id.ms}-${id.seq}`;

/** field, value, field, value… as an object (later duplicates win, as in a JSON map). */
export function pairsObject<T>(fields: T[], text: (b: T) => string): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) o[text(fields[i])] = text(fields[i + 1]);
  return o;
}
