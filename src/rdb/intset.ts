// Intset (spec §7.9): little-endian header (width in bytes, count), then the
// sorted integers. Members come back as decimal text, as SMEMBERS shows them.
import { intText, type Bytes } from './bytes';
import { fail } from './reader';

const ERR = 'Intset integrity check failed.';

/**
 * Adds the members to `out`. A repeated member is kept once: Redis checks
 * order and uniqueness only with sanitize-dump-payload (deep validation),
 * which a default load does not do.
 */
export function decodeIntset(blob: Buffer, out: Set<Bytes>): void {
  if (blob.length < 8) fail(`${ERR} (${blob.length} bytes is shorter than an intset header)`);
  const width = blob.readUInt32LE(0);
  const count = blob.readUInt32LE(4);
  if (width !== 2 && width !== 4 && width !== 8) fail(`${ERR} (element width ${width})`);
  if (8 + width * count !== blob.length) {
    fail(`${ERR} (${count} elements of ${width} bytes do not fill ${blob.length - 8} bytes)`);
  }
  for (let i = 0, p = 8; i < count; i++, p += width) {
    out.add(intText(width === 2 ? blob.readInt16LE(p) : width === 4 ? blob.readInt32LE(p) : bigOrNumber(blob.readBigInt64LE(p))));
  }
}

function bigOrNumber(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}
