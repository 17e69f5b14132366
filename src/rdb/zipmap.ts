// Zipmap (spec §7.10), the hash container of Redis < 2.6: a count byte (254 or
// more = unknown), then `len key len free value <free bytes>` pairs, 0xFF ends.
import { latin1, type Bytes } from './bytes';
import { fail } from './reader';

const ERR = 'Zipmap integrity check failed.';
const BIGLEN = 254;
const END = 0xff;

/** Adds the pairs to `out`; a repeated field is corrupt, as Redis's (deep) zipmap validation on load says. */
export function decodeZipmap(blob: Buffer, out: Map<Bytes, Bytes>): void {
  const corrupt = (detail: string): never => fail(`${ERR} (${detail})`);
  if (blob.length < 2) corrupt(`${blob.length} bytes is too short`);
  const declared = blob[0];
  let p = 1, pairs = 0;
  // A length: one byte below 254, or 254 then a 4-byte (host order: little-endian) length.
  const len = (): number => {
    if (p >= blob.length) corrupt('runs past the end');
    const b = blob[p];
    if (b < BIGLEN) { p += 1; return b; }
    if (b === END) corrupt(`unexpected end marker at ${p}`);
    if (p + 5 > blob.length) corrupt('runs past the end');
    const v = blob.readUInt32LE(p + 1);
    p += 5;
    return v;
  };
  const take = (n: number): Bytes => {
    if (p + n > blob.length) corrupt('runs past the end');
    const b = latin1(blob, p, p + n);
    p += n;
    return b;
  };
  for (;;) {
    if (p >= blob.length) corrupt('no end marker');
    if (blob[p] === END) break;
    const field = take(len());
    const vlen = len();
    if (p >= blob.length) corrupt('runs past the end');
    const free = blob[p++];
    const value = take(vlen);
    if (p + free > blob.length) corrupt('runs past the end');
    p += free;
    const before = out.size;
    out.set(field, value);
    if (out.size === before) corrupt(`duplicate field at pair ${pairs}`);
    pairs++;
  }
  if (p !== blob.length - 1) corrupt(`${blob.length - 1 - p} bytes after the end marker`);
  if (declared < BIGLEN && declared !== pairs) corrupt(`header counts ${declared} pairs, found ${pairs}`);
}
