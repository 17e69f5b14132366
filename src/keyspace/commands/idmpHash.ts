// The iid of XADD … IDMPAUTO (Redis 8.6 t_stream.c createIdempotencyHash): for
// each field/value pair, XXH3-128 of field ‖ field length (8 bytes, little
// endian) ‖ value; the pair hashes are summed and xored lane by lane (so the
// order of the pairs does not matter) and combined as
//   low = Σlow ^ rotl(⊕high, 1), high = Σhigh ^ rotl(⊕low, 1);
// the iid is the 16 bytes of that 128-bit value, low half first, as it sits
// in memory on the little-endian servers that run Redis. A replica must
// compute it: the master sends a repeated IDMPAUTO XADD with its "*" intact,
// and only the hash tells the replica that the entry is already there.
import type { Bytes } from '../values';
import { add, rotl64 } from '../xxh3/core';
import { xxh3_128 } from '../xxh3/xxh3_128';

/** createIdempotencyHash over field, value, field, value… (latin1 Bytes): the 16-byte iid as Bytes. */
export function idempotencyHash(fields: Bytes[]): Bytes {
  let sumLo = 0n, sumHi = 0n, xorLo = 0n, xorHi = 0n;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = Buffer.from(fields[i]!, 'latin1');
    const value = Buffer.from(fields[i + 1]!, 'latin1');
    const input = Buffer.alloc(field.length + 8 + value.length);
    field.copy(input, 0);
    input.writeBigInt64LE(BigInt(field.length), field.length);
    value.copy(input, field.length + 8);
    const h = xxh3_128(input);
    sumLo = add(sumLo, h.lo);
    sumHi = add(sumHi, h.hi);
    xorLo ^= h.lo;
    xorHi ^= h.hi;
  }
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(sumLo ^ rotl64(xorHi, 1n), 0);
  out.writeBigUInt64LE(sumHi ^ rotl64(xorLo, 1n), 8);
  return out.toString('latin1');
}
