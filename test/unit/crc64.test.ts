import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Crc64, crc64 } from '../../src/rdb/crc64';
import { readRdbFixture, rdbFixture, rdbFixtures } from '../support/rdbFixtures';

// Files whose trailer is a real CRC of the bytes before it (manifest "ok…", v ≥ 5).
const withValidCrc = rdbFixtures.filter((f) => f.crc.startsWith('ok') && f.rdb_version >= 5);

function storedCrc(file: Buffer): bigint {
  return file.readBigUInt64LE(file.length - 8);
}

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('crc64 of "123456789" is the CRC-64/REDIS check value', () => {
  assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
});

test('crc64 of nothing is 0 (init 0, no final xor)', () => {
  assert.equal(crc64(Buffer.alloc(0)), 0n);
  assert.equal(new Crc64().digest(), 0n);
});

test('crc64 over an RDB up to its EOF opcode equals the CRC Redis stored in it', () => {
  assert.ok(withValidCrc.length > 60, 'the manifest lists the valid-CRC files');
  for (const f of withValidCrc) {
    const file = readRdbFixture(f);
    assert.equal(crc64(file.subarray(0, file.length - 8)), storedCrc(file), f.path);
  }
});

test('the CRC covers the header: future_v19 matches once its version digits are put back to 0011', () => {
  const file = readRdbFixture('librdb/future_v19.rdb');
  assert.notEqual(crc64(file.subarray(0, file.length - 8)), storedCrc(file));
  const restored = Buffer.from(file);
  restored.write('0011', 5, 'latin1');
  assert.equal(crc64(restored.subarray(0, restored.length - 8)), storedCrc(file));
});

test('invalid_chksum_v8 stores a CRC that does not match its bytes', () => {
  const file = readRdbFixture('librdb/invalid_chksum_v8.rdb');
  assert.notEqual(crc64(file.subarray(0, file.length - 8)), storedCrc(file));
});

test('streaming updates in random pieces give the one-shot CRC', () => {
  const f = rdbFixture('captured/redis-7.0.15_master-dump-20k-strings_m4.rdb');
  const body = readRdbFixture(f).subarray(0, f.size - 8);
  const expected = crc64(body);
  const rnd = seededRandom(42);
  for (const maxPiece of [3, 17, 100, 5000, 70000]) {
    const c = new Crc64();
    for (let o = 0; o < body.length;) {
      const n = 1 + Math.floor(rnd() * maxPiece);
      c.update(body, o, Math.min(o + n, body.length));
      o += n;
    }
    assert.equal(c.digest(), expected, `pieces up to ${maxPiece} bytes`);
  }
});

test('views at every memory alignment give the same CRC as a copy', () => {
  const file = readRdbFixture('captured/redis-7.0.15_repl-fullsync_A-disk.rdb');
  for (let shift = 0; shift < 8; shift++) {
    const backing = Buffer.alloc(file.length + shift);
    file.copy(backing, shift);
    const view = backing.subarray(shift);
    assert.equal(crc64(view), crc64(Buffer.from(file)), `byteOffset +${shift}`);
    const c = new Crc64();
    c.update(backing, shift, shift + 1000);
    c.update(backing, shift + 1000);
    assert.equal(c.digest(), crc64(file), `range update at +${shift}`);
  }
});

test('update rejects a range outside the buffer', () => {
  const c = new Crc64();
  assert.throws(() => c.update(Buffer.alloc(4), 0, 5), RangeError);
  assert.throws(() => c.update(Buffer.alloc(4), 3, 2), RangeError);
});
