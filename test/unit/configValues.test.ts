import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBool, parseEnum, parseIntInRange, parseLooseInteger, parseMemory, parseMemoryInRange, parseStrictInteger } from '../../src/config/valueParsers';

describe('integers (string2ll)', () => {
  test('only plain decimal integers in 64-bit range', () => {
    assert.equal(parseStrictInteger('0'), 0n);
    assert.equal(parseStrictInteger('-12'), -12n);
    assert.equal(parseStrictInteger('9223372036854775807'), 2n ** 63n - 1n);
    assert.equal(parseStrictInteger('-9223372036854775808'), -(2n ** 63n));
    for (const bad of ['', '-', '+5', ' 5', '5 ', '05', '-0', '5.0', '1e3', '0x10', '9223372036854775808']) assert.equal(parseStrictInteger(bad), null, bad);
  });

  test('bounds are reported with the config\'s range', () => {
    assert.deepEqual(parseIntInRange('0', 1n, 10n), { ok: false, error: 'argument must be between 1 and 10 inclusive' });
    assert.deepEqual(parseIntInRange('x', 1n, 10n), { ok: false, error: "argument couldn't be parsed into an integer" });
  });

  test('strtoll-style integers allow leading space and a sign, and "" is 0', () => {
    assert.equal(parseLooseInteger(' +7'), 7n);
    assert.equal(parseLooseInteger(''), 0n);
    assert.equal(parseLooseInteger('7 '), null);
    assert.equal(parseLooseInteger('777', 8), 511n);
    assert.equal(parseLooseInteger('8', 8), null);
  });
});

describe('memory values (memtoull)', () => {
  test('units are case-insensitive; k/m/g are powers of 1000, kb/mb/gb of 1024', () => {
    const cases: [string, bigint][] = [
      ['1', 1n],
      ['1b', 1n],
      ['1k', 1000n],
      ['1K', 1000n],
      ['1kb', 1024n],
      ['1KB', 1024n],
      ['1kB', 1024n],
      ['2m', 2_000_000n],
      ['2mb', 2n * 1024n * 1024n],
      ['3g', 3_000_000_000n],
      ['3Gb', 3n * 1024n ** 3n],
    ];
    for (const [s, v] of cases) assert.equal(parseMemory(s), v, s);
  });

  test('no digits reads as 0; signs, decimals, spaces and other units are refused', () => {
    assert.equal(parseMemory(''), 0n);
    assert.equal(parseMemory('mb'), 0n);
    for (const bad of ['-1', '+1', '1.5mb', '1 mb', ' 1', '1tb', '1kbb', '1'.repeat(128)]) assert.equal(parseMemory(bad), null, bad);
  });

  test('the product wraps modulo 2^64 as in Redis 7.0', () => {
    assert.equal(parseMemory('17179869185gb'), 1024n ** 3n);
    assert.equal(parseMemory('99999999999999999999999'), 2n ** 64n - 1n);
  });

  test('a signed memory config sees values of 2^63 and more as negative', () => {
    assert.deepEqual(parseMemoryInRange('9223372036854775808', 1n, 2n ** 63n - 1n), { ok: false, error: 'argument must be between 1 and 9223372036854775807 inclusive' });
    assert.deepEqual(parseMemoryInRange('18446744073709551615', 0n, 2n ** 64n - 1n, true), { ok: true, value: 2n ** 64n - 1n });
  });
});

describe('booleans and enums', () => {
  test('yes/no in any case', () => {
    assert.deepEqual(parseBool('YES'), { ok: true, value: true });
    assert.deepEqual(parseBool('No'), { ok: true, value: false });
    assert.deepEqual(parseBool('1'), { ok: false, error: "argument must be 'yes' or 'no'" });
  });

  test('enum values in any case, returned in canonical spelling', () => {
    assert.deepEqual(parseEnum('SwapDB', ['disabled', 'on-empty-db', 'swapdb']), { ok: true, value: 'swapdb' });
    assert.deepEqual(parseEnum('x', ['a', 'b']), { ok: false, error: 'argument(s) must be one of the following: a, b' });
  });
});
