// RDB type 28 (ARRAY) from a real RDB 14 that the live Redis 2026-06 server
// saved with arrays of every shape (test/fixtures/arrays/shapes.rdb, by
// test/fixtures/captureArrays.ts), and the DUMP payloads of the same keys.
// Decoded whole, in random chunks and byte by byte, and with pauses inside an
// array; loaded into a Keyspace, every Array read answers what the server
// answered after loading the same file (DEBUG RELOAD), layouts included; the
// digests are the server's. Corrupt payloads fail with rdbLoadObject's words.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyWrite, runRead } from '../../src/keyspace/commands/registry';
import { datasetDigest, DigestUnavailable, valueDigest } from '../../src/keyspace/digest';
import { Keyspace } from '../../src/keyspace/keyspace';
import { loadDecodedKey } from '../../src/keyspace/load';
import { crc64 } from '../../src/rdb/crc64';
import { decodeDumpValue } from '../../src/rdb/dumpPayload';
import { profileById } from '../../src/versions/profiles';
import { readArrayFixture, readArrayFixtureBytes, type ArrayRdbFixture } from '../support/arrayFixtures';
import { asClientSees } from '../support/keyspaceReplay';
import { decodeAll, keysOf, seededRandom } from '../support/rdbDecode';

const fixture = readArrayFixture<ArrayRdbFixture>('shapes.json');
const rdb = readArrayFixtureBytes(fixture.rdbFile);
const redis88 = profileById('redis-8.8')!;
/** The reads replay at a fixed time: the fixture's TTL is absolute and far ahead. */
const NOW = Date.UTC(2026, 5, 25);

function loaded(run = decodeAll(rdb, undefined, { maxVersion: 14 })): Keyspace {
  assert.equal(run.end.status, 'done', JSON.stringify(run.end));
  const ks = new Keyspace(16, redis88);
  for (const k of keysOf(run)) loadDecodedKey(ks, k);
  return ks;
}

const splitId = (id: string): [number, string] => [Number(id.slice(0, id.indexOf('/'))), id.slice(id.indexOf('/') + 1)];

describe('an RDB 14 of arrays saved by a live 8.8 server', () => {
  test('decodes every array key, type 28, one per shape', () => {
    const keys = keysOf(decodeAll(rdb, undefined, { maxVersion: 14 }));
    const arrays = keys.filter((k) => k.rdbType === 28);
    assert.deepEqual(arrays.map((k) => `${k.db}/${k.key}`).sort(), fixture.keys.map((k) => `${k.db}/${k.key}`).sort());
    assert.ok(arrays.every((k) => k.encoding === 'sliced-array'));
  });

  test('loaded, every read answers what the server answered after loading the same file', () => {
    const ks = loaded();
    for (const r of fixture.reads) {
      assert.deepEqual(asClientSees(runRead({ ks, db: r.db, now: NOW }, r.argv)), r.reply, `db${r.db} ${r.argv.join(' ').slice(0, 100)}`);
    }
  });

  test("DEBUG DIGEST-VALUE of each key and DEBUG DIGEST (without the astronomically long arrays) are the server's", () => {
    const ks = loaded();
    for (const [id, digest] of Object.entries(fixture.valueDigests)) assert.equal(valueDigest(ks, ...splitId(id)), digest, id);
    for (const [db, key] of fixture.tooLong) {
      assert.throws(() => valueDigest(ks, db, key), (e: unknown) => e instanceof DigestUnavailable && /hashes every position up to the length/.test(e.message));
    }
    for (const [db, key] of fixture.leftOut) ks.db(db).delete(key);
    assert.equal(datasetDigest(ks), fixture.digest);
  });

  test('random chunks, byte by byte, and pauses inside an array give the same keyspace', () => {
    const rnd = seededRandom(28);
    const whole = contents(loaded());
    assert.deepEqual(contents(loaded(decodeAll(rdb, () => 1 + Math.floor(rnd() * 700), { maxVersion: 14 }))), whole);
    assert.deepEqual(contents(loaded(decodeAll(rdb, () => 1, { maxVersion: 14 }))), whole);
    const paused = decodeAll(rdb, () => 4096, { maxVersion: 14, pauseEveryBytes: 1000 });
    assert.ok(paused.pauses.some((p) => p.key === 'dense' && p.type === 'ARRAY'), 'a pause lands inside the 5000-element array');
    assert.deepEqual(contents(loaded(paused)), whole);
  });

  test('a replica limited to RDB 13 refuses type 28 as an unknown type', () => {
    const dump = Buffer.from(fixture.dumps['0/kinds']!, 'base64');
    const r = decodeDumpValue(dump, { maxVersion: 13 });
    assert.deepEqual(r, { ok: false, error: 'Unknown RDB encoding type 28' });
  });
});

/** Every array's values, cursor and layout, as the reads give them. */
function contents(ks: Keyspace): unknown[] {
  return fixture.keys.flatMap(({ db, key }) =>
    [['ARSCAN', key, '0', '18446744073709551614'], ['ARINFO', key, 'FULL'], ['ARNEXT', key]].map((argv) => asClientSees(runRead({ ks, db, now: NOW }, argv))));
}

describe('DUMP payloads of arrays from a live 8.8 server', () => {
  const restore = (ks: Keyspace, key: string, payload: Buffer) =>
    applyWrite({ ks, db: 0, now: NOW }, ['RESTORE', key, '0', payload.toString('latin1')]);

  test('RESTORE of each gives the key the server holds (same DEBUG DIGEST-VALUE)', () => {
    const ks = new Keyspace(16, redis88);
    for (const [id, b64] of Object.entries(fixture.dumps)) {
      const key = `restored:${id}`;
      assert.deepEqual(restore(ks, key, Buffer.from(b64, 'base64')), { kind: 'ok' }, id);
      const digest = fixture.valueDigests[id];
      // DUMP carries no TTL: only the TTL-less keys digest alike; the slow ones are compared by content.
      const [db, original] = splitId(id);
      if (digest !== undefined && id !== '0/expiring' && !fixture.leftOut.some(([d, k]) => d === db && k === original)) {
        assert.equal(valueDigest(ks, 0, key), digest, id);
      } else {
        const scan = (k: string, on: Keyspace, d: number) => asClientSees(runRead({ ks: on, db: d, now: NOW }, ['ARSCAN', k, '0', '18446744073709551614']));
        assert.deepEqual(scan(key, ks, 0), fixture.reads.find((r) => r.db === db && r.argv[0] === 'ARSCAN' && r.argv[1] === original && r.argv.length === 4)!.reply, id);
      }
    }
  });

  test('an 8.6 replica (RDB 13) refuses an array payload as Redis 8.6 does', () => {
    const ks = new Keyspace(16, profileById('redis-8.6')!);
    assert.deepEqual(restore(ks, 'k', Buffer.from(fixture.dumps['0/kinds']!, 'base64')), { kind: 'error', error: 'ERR DUMP payload version or checksum are wrong' });
  });

  // "cursor-at-end" holds a, b at 0, 1 and its cursor at 2^64-2:
  // 1c | 02 (count) | 01 (cursor flag) | 81 + 8 bytes (cursor) | 00 03 01 'a' | 01 03 01 'b' | version | crc
  const base = Buffer.from(fixture.dumps['0/cursor-at-end']!, 'base64');
  const mutate = (at: number, byte: number): Buffer => {
    const p = Buffer.from(base);
    p[at] = byte;
    p.writeBigUInt64LE(crc64(p.subarray(0, p.length - 8)), p.length - 8);
    return p;
  };
  const cases: [string, number, number, string][] = [
    ['count 0', 1, 0x00, 'Empty array (count == 0) is invalid'],
    ['a cursor flag of 2', 2, 0x02, 'Invalid array insert_idx_flag 2'],
    ['an encoded index', 12, 0xc0, 'Invalid array index 0'],
    ['an unknown element tag', 13, 0x09, 'Unknown array element type_tag 9'],
  ];

  test('the payload has the layout the corruption cases below rely on', () => {
    assert.deepEqual([...base.subarray(0, 3)], [0x1c, 0x02, 0x01]);
    assert.equal(base[3], 0x81);
    assert.deepEqual([...base.subarray(12, 16)], [0x00, 0x03, 0x01, 0x61]);
  });

  for (const [what, at, byte, error] of cases) {
    test(`${what}: rdbLoadObject's error, and RESTORE answers Bad data format`, () => {
      const p = mutate(at, byte);
      assert.deepEqual(decodeDumpValue(p, { maxVersion: 14 }), { ok: false, error });
      assert.deepEqual(restore(new Keyspace(16, redis88), 'k', p), { kind: 'error', error: 'ERR Bad data format' });
    });
  }

  test('a small string longer than 7 bytes is refused', () => {
    // "kinds" holds "seven77" as a small string (tag 3, 7 bytes); widen its length byte to 8 and keep the next byte as its 8th.
    const kinds = Buffer.from(fixture.dumps['0/kinds']!, 'base64');
    const at = kinds.indexOf(Buffer.from('\x03\x07seven77', 'latin1'));
    assert.ok(at > 0);
    const p = Buffer.from(kinds);
    p[at + 1] = 8;
    p.writeBigUInt64LE(crc64(p.subarray(0, p.length - 8)), p.length - 8);
    const r = decodeDumpValue(p, { maxVersion: 14 });
    assert.equal(r.ok ? '' : r.error, 'Invalid small string length 8 in array');
  });
});
