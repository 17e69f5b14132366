// Doubles printed as Redis 8.8 prints them (d2string: integers up to 2^62 as
// integers, else Grisu2's digits and layout), checked against what the live
// 2026-06 server printed for 3000 seeded doubles (test/fixtures/arrays/
// doubles.json, by test/fixtures/captureArrays.ts). The Array type stores a
// value as an inline double only when this text gives its bytes back, which
// decides how AROP adds it up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortestD2string as d2string } from '../../src/keyspace/doubles';
import { readArrayFixture, type DoublesFixture } from '../support/arrayFixtures';

const fixture = readArrayFixture<DoublesFixture>('doubles.json');

test('d2string prints every captured double as the server printed it', () => {
  const view = new DataView(new ArrayBuffer(8));
  const wrong: string[] = [];
  for (const [bits, text] of fixture.doubles) {
    view.setBigUint64(0, BigInt(`0x${bits}`));
    const ours = d2string(view.getFloat64(0));
    if (ours !== text) wrong.push(`${bits}: server ${text}, ours ${ours}`);
  }
  assert.deepEqual(wrong, []);
  assert.ok(fixture.doubles.length > 2500);
});
