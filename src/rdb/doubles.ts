// Zset scores stored as text (type 3, and string entries of ziplist/listpack
// zsets). Redis parses them with strtod, which also takes inf/nan spellings
// that Number() does not.
import { fail, type RdbReader } from './reader';

const SPECIAL: Readonly<Record<string, number>> = {
  inf: Infinity, '+inf': Infinity, '-inf': -Infinity,
  infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity,
  nan: NaN, '+nan': NaN, '-nan': NaN,
};

/** The number the text spells, or undefined when strtod would not accept all of it. */
export function parseDoubleText(text: string): number | undefined {
  // Fast path, same answers: Number() already gives what the steps below give
  // for any text it reads as a number other than 0 (no SPECIAL spelling is
  // such a text, except the ones that mean what Number() says: "Infinity").
  // 0 needs the slow path, since Number() reads "" and blanks as 0.
  const n = Number(text);
  if (n !== 0 && n === n) return n;
  const t = text.trim();
  const special = SPECIAL[t.toLowerCase()];
  if (special !== undefined) return special;
  if (t === '') return undefined;
  const v = Number(t);
  return Number.isNaN(v) ? undefined : v;
}

/** The score of a ziplist/listpack zset entry: an integer entry, or text. */
export function entryScore(c: { isInt: boolean; num: number; big: bigint | null; bytes(): string }): number {
  if (c.isInt) return c.big === null ? c.num : Number(c.big);
  const v = parseDoubleText(c.bytes());
  // zzlStrtod never fails: unparseable text reads as 0.
  return v ?? 0;
}

/** A type-3 score: one length byte (253 NaN, 254 +inf, 255 −inf), then that many ASCII bytes. */
export function readTextDouble(r: RdbReader): number {
  const len = r.u8();
  if (len === 253) return NaN;
  if (len === 254) return Infinity;
  if (len === 255) return -Infinity;
  const text = r.text(len);
  const v = parseDoubleText(text);
  if (v === undefined) fail(`Zset score "${text}" is not a number`);
  return v;
}

