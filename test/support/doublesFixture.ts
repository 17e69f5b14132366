// The doubles test/fixtures/doubles/*.json were captured for (captureDoubles.ts)
// and the shape of those files.
import { rng } from './keyspaceHarness';

export interface DoublesFixture {
  /** The live server's name (test/support/servers.ts). */
  server: string;
  version: string;
  /** [the double's IEEE bits as big-endian hex, ZSCORE's reply, DEBUG DIGEST-VALUE of the one-member zset] */
  cases: [bits: string, zscore: string, digest: string][];
}

export function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

function nextUp(d: number): number {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(d);
  const bits = b.readBigUInt64BE(0);
  b.writeBigUInt64BE(d >= 0 ? bits + 1n : bits - 1n);
  return b.readDoubleBE(0);
}

function nextDown(d: number): number {
  return -nextUp(-d);
}

/** Seeded, so a recapture records the same doubles. */
export function doublesToCapture(): number[] {
  const r = rng(20261207);
  const out: number[] = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308];
  const b = Buffer.alloc(8);
  // Random bit patterns (finite).
  for (let i = 0; i < 2500; i++) {
    for (let k = 0; k < 8; k++) b[k] = Math.floor(r() * 256);
    const d = b.readDoubleBE(0);
    if (Number.isFinite(d)) out.push(d);
  }
  // Subnormals.
  for (let i = 0; i < 100; i++) {
    b.writeBigUInt64BE(BigInt(Math.floor(r() * 2 ** 52)) | (r() < 0.5 ? 1n << 63n : 0n));
    out.push(b.readDoubleBE(0));
  }
  // Powers of ten and their neighbours (the layout borders 1e21 and 1e-7 among them).
  for (let e = -30; e <= 30; e++) {
    const p = Number(`1e${e}`);
    out.push(p, nextUp(p), nextDown(p), -p, 9.999999999999999 * p);
  }
  // Integers around 2^53 and the ±2^62 border of the integer shortcut, and decimals.
  for (let i = -40; i <= 40; i++) out.push(2 ** 53 + i, 2 ** 62 + i * 1024, -(2 ** 62) - i * 1024);
  for (let i = 0; i < 400; i++) out.push(Math.floor(r() * 1e6) / 10 ** Math.floor(r() * 8), (Math.floor(r() * 2000) - 1000) / 10);
  return out;
}
