import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc64 } from '../../src/rdb/crc64';
import { readString } from '../../src/rdb/lengths';
import { RdbPayloadVerifier, type RdbPayloadVerifierOptions, type VerifyResult } from '../../src/rdb/payloadVerifier';
import { readRdbFixture, rdbFixture, rdbFixtures, type RdbFixture } from '../support/rdbFixtures';

const SHORT_READ = 'Short read or OOM loading DB. Unrecoverable error, aborting now.';
const A_DISK = 'captured/redis-7.0.15_repl-fullsync_A-disk.rdb';
const BYTE_BY_BYTE_LIMIT = 64 * 1024;

interface Run { result: VerifyResult; writes: (string | null)[] }

function verify(bytes: Buffer, pieces: (n: number) => number, opts?: RdbPayloadVerifierOptions): Run {
  const v = new RdbPayloadVerifier(opts);
  const writes: (string | null)[] = [];
  for (let o = 0; o < bytes.length;) {
    const n = Math.max(1, pieces(o));
    // A fresh copy per write, so the verifier cannot lean on the caller's buffer.
    writes.push(v.write(Buffer.from(bytes.subarray(o, o + n))));
    o += n;
  }
  return { result: v.end(), writes };
}

const whole = (bytes: Buffer, opts?: RdbPayloadVerifierOptions): VerifyResult =>
  verify(bytes, () => bytes.length || 1, opts).result;

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Mostly tiny pieces with some large ones, so boundaries land everywhere. */
function randomPieces(seed: number): (at: number) => number {
  const rnd = seededRandom(seed);
  return () => (rnd() < 0.8 ? 1 + Math.floor(rnd() * 12) : 1 + Math.floor(rnd() * 20000));
}

function storedCrcHex(file: Buffer): string {
  return file.readBigUInt64LE(file.length - 8).toString(16);
}

const isRedisMagic = (f: RdbFixture): boolean => f.magic.startsWith('REDIS');
const verifiable = rdbFixtures.filter((f) => isRedisMagic(f) && (f.crc.startsWith('ok') || f.crc === 'none (v<5)'));

test('every RDB the manifest marks CRC-valid (or pre-v5) verifies with its version, size and stored checksum', () => {
  assert.ok(verifiable.length > 90);
  for (const f of verifiable) {
    const file = readRdbFixture(f);
    const r = whole(file);
    assert.ok(r.ok, `${f.path}: ${r.ok ? '' : r.error}`);
    assert.equal(r.version, f.rdb_version, f.path);
    assert.equal(r.bytes, f.size, f.path);
    const expected = f.rdb_version >= 5 ? file.readBigUInt64LE(file.length - 8) : null;
    assert.equal(r.checksum, expected, f.path);
    if (f.redis_ver !== null) assert.equal(r.aux['redis-ver'], f.redis_ver, f.path);
  }
});

test('chunk boundaries anywhere (byte by byte, seeded random sizes) give the whole-buffer result, for every fixture', () => {
  for (const [i, f] of rdbFixtures.entries()) {
    const file = readRdbFixture(f);
    const reference = whole(file);
    for (const seed of [1, 2, 3]) {
      assert.deepEqual(verify(file, randomPieces(seed * 1000 + i)).result, reference, `${f.path} seed ${seed}`);
    }
    if (file.length <= BYTE_BY_BYTE_LIMIT) {
      assert.deepEqual(verify(file, () => 1).result, reference, `${f.path} byte by byte`);
    }
  }
});

test('the caller may overwrite its buffer after write() returns', () => {
  const file = readRdbFixture(A_DISK);
  const scratch = Buffer.alloc(7);
  const v = new RdbPayloadVerifier();
  for (let o = 0; o < file.length; o += scratch.length) {
    const n = file.copy(scratch, 0, o, o + scratch.length);
    assert.equal(v.write(scratch.subarray(0, n)), null);
    scratch.fill(0xaa);
  }
  assert.deepEqual(v.end(), whole(file));
});

test('an AUX string longer than maxAuxString ends AUX decoding but not the check', () => {
  const file = readRdbFixture(A_DISK);
  const r = whole(file, { maxAuxString: 39 });
  assert.ok(r.ok);
  assert.equal(r.checksum, 0xabe5d8cddfb962c3n);
  // repl-id's value is 40 bytes: it and every field after it are left out.
  assert.deepEqual(Object.keys(r.aux), ['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'repl-stream-db']);
  assert.deepEqual(verify(file, () => 1, { maxAuxString: 39 }).result, r);
  assert.deepEqual(verify(file, randomPieces(7), { maxAuxString: 39 }).result, r);
  assert.deepEqual(readString(file, valueAfterKey(file, 'str:lzf'), 59), { kind: 'tooBig', length: 60 });
});

test('Redis Enterprise CRDT AUX values (misc_with_stream, 21 KB) are decoded whole', () => {
  const r = whole(readRdbFixture('librdb/misc_with_stream.rdb'));
  assert.ok(r.ok);
  assert.match(r.aux.crdtbacklog0, /^BACKLOGS1000\|/);
  assert.equal(r.aux['redis-ver'], '6.2.13');
});

test('a wrong stored CRC fails with Redis\'s message: computed value as "expected", stored as "got"', () => {
  const file = readRdbFixture('librdb/invalid_chksum_v8.rdb');
  const computed = crc64(file.subarray(0, file.length - 8)).toString(16);
  const r = whole(file);
  assert.deepEqual(r, {
    ok: false,
    bytes: file.length,
    error: `Wrong RDB checksum expected: (${computed}) but got (${storedCrcHex(file)}). Aborting now.`,
  });
  // %llx: lowercase, no leading zeros.
  assert.match(r.ok ? '' : r.error, /\(([1-9a-f][0-9a-f]*)\) but got \(([1-9a-f][0-9a-f]*)\)/);
});

test('an unsupported version is reported by write() as soon as the 9th byte arrives', () => {
  const file = readRdbFixture('librdb/future_v19.rdb');
  const { result, writes } = verify(file, () => 1);
  const error = "Can't handle RDB format version 99";
  assert.deepEqual(writes.slice(0, 8), Array(8).fill(null));
  assert.deepEqual(new Set(writes.slice(8)), new Set([error]));
  assert.deepEqual(result, { ok: false, error, bytes: file.length });
});

test('maxVersion decides which versions load: future_v19 passes the version check at 99 but its CRC is for REDIS0011', () => {
  const file = readRdbFixture('librdb/future_v19.rdb');
  const r = whole(file, { maxVersion: 99 });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /^Wrong RDB checksum expected: \([0-9a-f]+\) but got \([0-9a-f]+\)\. Aborting now\.$/);
});

test('the version digits are read like atoi(): "00x1" is version 0 and refused', () => {
  const file = Buffer.from(readRdbFixture(A_DISK));
  file.write('00x1', 5, 'latin1');
  assert.deepEqual(whole(file), { ok: false, error: "Can't handle RDB format version 0", bytes: file.length });
});

test('a 7.0 replica (maxVersion 10) refuses a 7.2 RDB and accepts a 7.0 one', () => {
  const v11 = readRdbFixture('captured/redis-7.2.6_repl-fullsync_A72.rdb');
  assert.deepEqual(whole(v11, { maxVersion: 10 }), { ok: false, error: "Can't handle RDB format version 11", bytes: v11.length });
  assert.equal(whole(readRdbFixture(A_DISK), { maxVersion: 10 }).ok, true);
});

test('a Redis or Valkey 8 replica refuses Valkey 9\'s "VALKEY080" magic with Redis\'s signature message', () => {
  const file = readRdbFixture('hdt3213/valkey_hash2_with_hfe.rdb');
  for (const opts of [{ maxVersion: 14 }, { maxVersion: 11, product: 'valkey' as const }]) {
    const { result, writes } = verify(file, () => 1, opts);
    assert.deepEqual(writes.slice(0, 8), Array(8).fill(null));
    assert.equal(writes[8], 'Wrong signature trying to load DB from file');
    assert.deepEqual(result, { ok: false, error: 'Wrong signature trying to load DB from file', bytes: file.length });
  }
});

test('by default the verifier takes every format the decoder reads (VALKEY080, REDIS0014) and leaves the refusal to the load', () => {
  const file = readRdbFixture('hdt3213/valkey_hash2_with_hfe.rdb');
  const r = whole(file);
  assert.ok(r.ok);
  assert.equal(r.version, 80);
  assert.equal(r.aux['valkey-ver'], '9.0.1');
  const v15 = Buffer.from(readRdbFixture(A_DISK));
  v15.write('0015', 5, 'latin1');
  assert.deepEqual(whole(v15), { ok: false, error: "Can't handle RDB format version 15", bytes: v15.length });
  const v81 = Buffer.concat([Buffer.from('VALKEY081', 'latin1'), file.subarray(9)]);
  assert.deepEqual(whole(v81), { ok: false, error: "Can't handle RDB format version 81", bytes: v81.length });
});

test('a Valkey 9 replica (product valkey, RDB 80) reads VALKEY080 and REDIS0011, and refuses Redis 7.4\'s REDIS0012 as foreign', () => {
  const opts = { maxVersion: 80, product: 'valkey' as const };
  assert.equal(whole(readRdbFixture('hdt3213/valkey_hash2_with_hfe.rdb'), opts).ok, true);
  assert.equal(whole(readRdbFixture('captured/redis-7.2.6_repl-fullsync_A72.rdb'), opts).ok, true);
  const v12 = readRdbFixture('captured/redis-7.4.1_repl-fullsync_A74.rdb');
  assert.deepEqual(whole(v12, opts), { ok: false, error: "Can't handle RDB format version 12", bytes: v12.length });
});

test('a stored CRC of 0 means "checksum disabled": the payload passes with checksum null', () => {
  const file = readRdbFixture('librdb/script.rdb');
  const r = whole(file);
  assert.ok(r.ok);
  assert.equal(r.checksum, null);
  assert.equal(r.aux.lua, "return 'Hello from Lua!'");
});

test('redis_40_with_module carries a 40-char EOF mark after its zero CRC: refused as is, accepted once the mark is cut', () => {
  const file = readRdbFixture('rdbtools/redis_40_with_module.rdb');
  const mark = file.subarray(file.length - 40);
  assert.match(mark.toString('latin1'), /^[0-9a-f]{40}$/);
  const withMark = whole(file);
  assert.equal(withMark.ok, false);
  assert.match(withMark.ok ? '' : withMark.error, /^Unexpected EOF reading RDB file: expected the EOF opcode 0xff before the 8-byte checksum/);
  const r = whole(file.subarray(0, file.length - 40));
  assert.ok(r.ok);
  assert.equal(r.version, 8);
  assert.equal(r.checksum, null);
  assert.equal(r.aux['redis-ver'], '4.0.0');
});

test('captured 7.0/7.2/7.4 payloads yield their AUX fields, replication ones included', () => {
  const captured = rdbFixtures.filter((f) => f.path.startsWith('captured/'));
  assert.equal(captured.length, 14);
  for (const f of captured) {
    const r = whole(readRdbFixture(f));
    assert.ok(r.ok, f.path);
    assert.equal(r.aux['redis-ver'], f.redis_ver, f.path);
    assert.equal(r.aux['redis-bits'], '64', f.path);
    assert.match(r.aux.ctime, /^\d+$/, f.path);
    if (f.path.includes('aof-base')) {
      assert.equal(r.aux['aof-base'], '1', f.path);
      assert.equal(r.aux['repl-id'], undefined, f.path);
      continue;
    }
    assert.equal(r.aux['repl-stream-db'], '0', f.path);
    assert.match(r.aux['repl-id'], /^[0-9a-f]{40}$/, f.path);
    assert.match(r.aux['repl-offset'], /^\d+$/, f.path);
    assert.equal(r.aux['aof-base'], '0', f.path);
  }
});

test('the AUX block of the annotated 7.0 payload (observed-bytes §K) decodes to the annotated values', () => {
  const r = whole(readRdbFixture(A_DISK));
  assert.ok(r.ok);
  assert.equal(r.checksum, 0xabe5d8cddfb962c3n);
  assert.deepEqual(Object.keys(r.aux), ['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'repl-stream-db', 'repl-id', 'repl-offset', 'aof-base']);
  assert.equal(r.aux['redis-ver'], '7.0.15');
  assert.equal(r.aux.ctime, String(0x6b04f041)); // c2 41 f0 04 6b: INT32 little-endian
  assert.equal(r.aux['repl-offset'], '0');
  assert.match(r.aux['repl-id'], /^2d3e/);
});

test('AUX fields are available before end(): all of them once the bytes up to the first SELECTDB (@163) are in', () => {
  const file = readRdbFixture(A_DISK);
  assert.equal(file[163], 0xfe);
  const v = new RdbPayloadVerifier();
  for (let i = 0; i < 163; i++) assert.equal(v.write(file.subarray(i, i + 1)), null);
  assert.equal(Object.keys(v.aux).length, 8);
  assert.equal(v.aux['repl-stream-db'], '0');
  assert.equal(v.bytes, 163);
});

test('AUX strings with 64-bit big-endian lengths decode (rdb_version_8_with_64b_length_and_scores)', () => {
  const file = readRdbFixture('hdt3213/rdb_version_8_with_64b_length_and_scores.rdb');
  assert.equal(file[10], 0x81);
  const r = whole(file);
  assert.ok(r.ok);
  assert.equal(r.aux['redis-ver'], '3.9.102');
  assert.equal(r.aux['repl-id'], 'b7d7721a501c708e515388753aba35c5b5d48a57');
});

test('an AUX name that is not UTF-8 is kept byte for byte (librdb script_legacy)', () => {
  const r = whole(readRdbFixture('librdb/script_legacy.rdb'));
  assert.ok(r.ok);
  const name = '\xdb__lua_script__48c949b7bad3ffd14e1059100eb202831fc1b16c__\xdb';
  assert.equal(r.aux[name], "return 'Hello from Lua!'");
});

test('flipping one byte in the middle of a real payload fails the CRC check with both values', () => {
  const file = Buffer.from(readRdbFixture('captured/redis-7.0.15_master-dump_m1.rdb'));
  const mid = file.length >> 1;
  file[mid] ^= 0x01;
  const computed = crc64(file.subarray(0, file.length - 8)).toString(16);
  assert.deepEqual(whole(file), {
    ok: false,
    bytes: file.length,
    error: `Wrong RDB checksum expected: (${computed}) but got (${storedCrcHex(file)}). Aborting now.`,
  });
});

test('a payload too short to hold header, EOF opcode and CRC is a short read', () => {
  const file = readRdbFixture(A_DISK);
  for (const len of [0, 1, 5, 8, 9, 17]) {
    assert.deepEqual(whole(file.subarray(0, len)), { ok: false, error: SHORT_READ, bytes: len }, `${len} bytes`);
  }
  const v3 = readRdbFixture('hdt3213/empty_database.rdb');
  assert.equal(v3.length, 10);
  assert.deepEqual(whole(v3.subarray(0, 9)), { ok: false, error: SHORT_READ, bytes: 9 });
  assert.equal(whole(v3).ok, true);
});

test('a payload cut inside the AUX block is an unexpected EOF', () => {
  const file = readRdbFixture(A_DISK);
  for (const len of [20, 40, 100, 150]) {
    assert.deepEqual(whole(file.subarray(0, len)), {
      ok: false, bytes: len, error: 'Unexpected EOF reading RDB file: the payload ends inside an AUX field',
    }, `${len} bytes`);
  }
});

test('a payload cut in the keyspace, or with a byte appended, has no EOF opcode before the CRC', () => {
  const file = readRdbFixture(A_DISK);
  for (const len of [file.length >> 1, file.length - 1]) {
    const cut = file.subarray(0, len);
    assert.notEqual(cut[len - 9], 0xff, 'precondition: no 0xff where the EOF opcode would be');
    const r = whole(cut);
    const found = cut[len - 9].toString(16).padStart(2, '0');
    assert.deepEqual(r, {
      ok: false, bytes: len,
      error: `Unexpected EOF reading RDB file: expected the EOF opcode 0xff before the 8-byte checksum, found 0x${found} at offset ${len - 9}`,
    });
  }
  const longer = Buffer.concat([file, file.subarray(0, 1)]);
  assert.match((whole(longer) as { error: string }).error, /^Unexpected EOF reading RDB file: /);
});

test('a pre-v5 payload (no CRC) must end with the EOF opcode', () => {
  const file = readRdbFixture('hdt3213/hash.rdb');
  const cut = file.subarray(0, file.length >> 1);
  assert.notEqual(cut[cut.length - 1], 0xff);
  const r = whole(cut);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /^Unexpected EOF reading RDB file: expected the EOF opcode 0xff as the last byte/);
});

test('a corrupt AUX length or string encoding is fatal at once, with Redis\'s message', () => {
  const file = readRdbFixture(A_DISK);
  assert.deepEqual([file[9], file[10]], [0xfa, 0x09]); // AUX, 9-byte name "redis-ver"
  const badLen = Buffer.from(file);
  badLen[10] = 0x82;
  assert.equal(verify(badLen, () => 11).writes[0], 'Unknown length encoding 2 in rdbLoadLen()');
  const badEnc = Buffer.from(file);
  badEnc[10] = 0xc5;
  const run = verify(badEnc, () => 64);
  assert.equal(run.writes[0], 'Unknown RDB string encoding type 5');
  assert.deepEqual(run.result, { ok: false, error: 'Unknown RDB string encoding type 5', bytes: file.length });
});

// String decoding, on strings taken from real payloads.

function valueAfterKey(file: Buffer, key: string): number {
  const at = file.indexOf(Buffer.from(key, 'latin1'));
  assert.ok(at > 0, `${key} is in the file`);
  assert.equal(file[at - 1], key.length, `${key} is length-prefixed`);
  return at + key.length;
}

test('readString decodes INT8/INT16/INT32 strings (little-endian, signed) to decimal text', () => {
  const file = readRdbFixture(A_DISK);
  const cases: [string, string][] = [['str:int8', '100'], ['str:int16', '-3000'], ['str:int32', '1000000'], ['str:bigint', '12345678901']];
  for (const [key, text] of cases) {
    const r = readString(file, valueAfterKey(file, key), 1 << 20);
    assert.equal(r.kind, 'ok', key);
    assert.equal(r.kind === 'ok' ? r.value.toString() : '', text, key);
  }
});

test('readString decompresses LZF, including overlapping back-references (60 x "a")', () => {
  const file = readRdbFixture(A_DISK);
  const at = valueAfterKey(file, 'str:lzf');
  const r = readString(file, at, 1 << 20);
  assert.equal(r.kind, 'ok');
  assert.equal(r.kind === 'ok' ? r.value.toString() : '', 'a'.repeat(60));
  assert.equal(r.kind === 'ok' ? r.next - at : 0, 12);
});

test('readString asks for more bytes, never guesses, when the string is cut anywhere', () => {
  const file = readRdbFixture(A_DISK);
  const at = valueAfterKey(file, 'str:lzf');
  for (let len = 0; len < 12; len++) {
    const r = readString(file.subarray(0, at + len), at, 1 << 20);
    assert.equal(r.kind, 'need', `cut after ${len} bytes`);
    assert.ok(r.kind === 'need' && r.end > at + len);
  }
});

test('corrupt LZF data is "Invalid LZF compressed string"', () => {
  const file = readRdbFixture(A_DISK);
  const at = valueAfterKey(file, 'str:lzf');
  const lzf = Buffer.from(file.subarray(at, at + 12));
  const reachBack = Buffer.from(lzf);
  reachBack[8] = 0x10; // back-reference distance now reaches before the output start
  const overflow = Buffer.from(lzf);
  overflow[2] = 59; // declared length one short of what the data produces
  for (const bad of [reachBack, overflow]) {
    assert.deepEqual(readString(bad, 0, 1 << 20), { kind: 'error', error: 'Invalid LZF compressed string' });
  }
});

test('readString walks pre-v5 files to their EOF opcode: 6-bit, 14-bit and 32-bit lengths, LZF and integer keys', () => {
  for (const path of ['hdt3213/uncompressible_string_keys.rdb', 'hdt3213/easily_compressible_string_key.rdb', 'hdt3213/integer_keys.rdb']) {
    const file = readRdbFixture(rdbFixture(path));
    assert.deepEqual([file[9], file[10]], [0xfe, 0x00], 'SELECTDB 0');
    let pos = 11;
    const keys: string[] = [];
    while (file[pos] === 0x00) { // STRING records only in these files
      const key = readString(file, pos + 1, 1 << 20);
      assert.equal(key.kind, 'ok', path);
      if (key.kind !== 'ok') return;
      const val = readString(file, key.next, 1 << 20);
      assert.equal(val.kind, 'ok', path);
      if (val.kind !== 'ok') return;
      keys.push(key.value.toString('latin1'));
      pos = val.next;
    }
    assert.equal(pos, file.length - 1, `${path}: the walk stops on the EOF opcode`);
    assert.equal(file[pos], 0xff);
    if (path.includes('easily')) assert.deepEqual(keys, ['a'.repeat(200)]);
    if (path.includes('uncompressible')) assert.deepEqual(keys.map((k) => k.length), [16382, 60, 16386]);
    if (path.includes('integer')) assert.ok(keys.every((k) => /^-?\d+$/.test(k)));
  }
});
