import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseId, parseLongLong, string2ll, string2ull } from '../../src/keyspace/commands/streamId';
import { seeded } from '../support/datasets';

const LLONG_MAX = (1n << 63n) - 1n;
const LLONG_MIN = -(1n << 63n);

/** util.c's string2ll, read literally: canonical decimal, inside int64. */
function modelString2ll(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s) || s.length > 20) return null;
  const v = BigInt(s);
  return v > LLONG_MAX || v < LLONG_MIN ? null : v;
}

/** Strings around every boundary the short (no BigInt) path has: 15 and 16 digits, int64's ends, signs, zeros. */
function cases(): string[] {
  const out = ['', '0', '-0', '00', '01', '-', '+1', ' 1', '1 ', '1a', 'a', '-01', '9', '-9', '10', '-10'];
  for (const edge of [10n ** 14n, 10n ** 15n, 10n ** 16n, 2n ** 53n, LLONG_MAX, LLONG_MIN, 10n ** 19n, 10n ** 20n]) {
    for (const d of [-2n, -1n, 0n, 1n, 2n]) {
      out.push(String(edge + d), String(-(edge + d)));
    }
  }
  const rand = seeded(7);
  for (let i = 0; i < 2000; i++) {
    const digits = 1 + Math.floor(rand() * 21);
    let s = rand() < 0.2 ? '-' : '';
    for (let j = 0; j < digits; j++) s += String(Math.floor(rand() * 10));
    if (rand() < 0.05) s += 'x';
    out.push(s);
  }
  return out;
}

describe('stream ID numbers', () => {
  test('string2ll and parseLongLong accept exactly the canonical int64s, with their exact values, short ones without a BigInt parse', () => {
    for (const s of cases()) {
      const expected = modelString2ll(s);
      assert.equal(string2ll(s), expected, JSON.stringify(s));
      assert.equal(parseLongLong(s), expected === null ? null : Number(expected), JSON.stringify(s));
    }
  });

  test('string2ull keeps strtoull\'s fallback (leading zeros and spaces, a sign) past the short path', () => {
    assert.equal(string2ull('007'), 7n);
    assert.equal(string2ull(' 7'), 7n);
    assert.equal(string2ull('-0'), 0n);
    assert.equal(string2ull('18446744073709551615'), (1n << 64n) - 1n);
    assert.equal(string2ull('18446744073709551616'), null);
    assert.equal(string2ull('123456789012345'), 123456789012345n);
  });

  test('an ID as the master sends it in XADD parses to its exact parts, on both sides of 2^53', () => {
    assert.deepEqual(parseId('1733540000000-63', 0n, true, true), { id: { ms: 1733540000000n, seq: 63n }, seqGiven: true });
    assert.deepEqual(parseId('9007199254740993-9007199254740995', 0n, true), { id: { ms: 9007199254740993n, seq: 9007199254740995n }, seqGiven: true });
    assert.deepEqual(parseId('5-*', 0n, true, true), { id: { ms: 5n, seq: 0n }, seqGiven: false });
    assert.equal(parseId('1-0x', 0n, true), null);
  });
});
