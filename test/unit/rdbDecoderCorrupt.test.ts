// Corrupt input, made by mutating real RDB files: each gives a precise error
// (never a crash or a huge allocation), and the error is the same whatever
// the chunking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc64 } from '../../src/rdb/crc64';
import type { RdbNext } from '../../src/rdb/decoder';
import type { RdbDecoderOptions } from '../../src/rdb/decoderEvents';
import { decodeAll, keysOf, randomPieces, seededRandom } from '../support/rdbDecode';
import { readRdbFixture } from '../support/rdbFixtures';

const A_DISK = 'captured/redis-7.0.15_repl-fullsync_A-disk.rdb';
const M72 = 'captured/redis-7.2.6_master-dump_m72.rdb';
const SHORT_READ = 'Short read or OOM loading DB. Unrecoverable error, aborting now.';

/** Where `pattern` (a key's length byte and name, say) starts; it must occur exactly once. */
function find(file: Buffer, pattern: Buffer | string): number {
  const p = typeof pattern === 'string' ? Buffer.from(pattern, 'latin1') : pattern;
  const at = file.indexOf(p);
  assert.ok(at >= 0 && file.indexOf(p, at + 1) === -1, `${JSON.stringify(p.toString('latin1'))} occurs once`);
  return at;
}

/** A copy with `remove` bytes at `at` replaced by `insert`. */
function splice(file: Buffer, at: number, remove: number, insert: number[] | Buffer): Buffer {
  return Buffer.concat([file.subarray(0, at), Buffer.from(insert), file.subarray(at + remove)]);
}

/** The error every chunking gives (whole, byte by byte, random pieces). */
function errorOf(file: Buffer, opts?: RdbDecoderOptions): Extract<RdbNext, { status: 'error' }> {
  const runs = [decodeAll(file, () => file.length, opts), decodeAll(file, () => 1, opts), decodeAll(file, randomPieces(7), opts)];
  for (const run of runs) assert.deepEqual(run.end, runs[0].end);
  const end = runs[0].end;
  assert.equal(end.status, 'error', `ended with ${end.status}`);
  return end as Extract<RdbNext, { status: 'error' }>;
}

test('a flipped byte inside a value is caught by the CRC, with Redis wording', () => {
  const file = readRdbFixture(A_DISK);
  const at = find(file, '\x0astr:bigint\x0b12345678901') + 12;
  const bad = splice(file, at, 1, [0x32]); // "1…" → "2…"
  const e = errorOf(bad);
  const computed = crc64(bad.subarray(0, bad.length - 8)).toString(16);
  const stored = bad.readBigUInt64LE(bad.length - 8).toString(16);
  assert.equal(e.error, `Wrong RDB checksum expected: (${computed}) but got (${stored}). Aborting now.`);
  assert.equal(e.position.opcode, 'EOF');
  // Every key still decoded before the checksum failed, the flipped one included.
  const keys = keysOf(decodeAll(bad));
  assert.equal(keys.find((k) => k.key.toString() === 'str:bigint')?.value.type, 'string');
});

test('skipChecksum (a disk load whose CRC was verified on receipt) decodes the same events without computing the CRC', () => {
  const file = readRdbFixture(A_DISK);
  const checked = decodeAll(file);
  const skipped = decodeAll(file, randomPieces(3), { skipChecksum: true });
  assert.equal(skipped.end.status, 'done');
  assert.deepEqual(skipped.events, checked.events, 'the eof event reports the stored checksum');
  // Nothing is computed, so a flipped byte is not noticed: the caller's verification is what stands.
  const at = find(file, '\x0astr:bigint\x0b12345678901') + 12;
  const bad = splice(file, at, 1, [0x32]);
  assert.equal(decodeAll(bad, () => bad.length, { skipChecksum: true }).end.status, 'done');
});

test('a truncated payload waits for more bytes forever; with its size known, the short read is an error', () => {
  const file = readRdbFixture(A_DISK);
  const full = decodeAll(file);
  for (let cut = 0; cut < file.length; cut += 97) {
    const part = file.subarray(0, cut);
    const run = decodeAll(part, randomPieces(cut));
    assert.equal(run.end.status, 'need-more', `cut at ${cut}`);
    assert.deepEqual(run.events, full.events.slice(0, run.events.length), `cut at ${cut}: a prefix of the events`);
    // The caller knows the payload's size ($len): it still arrives, so still need-more…
    assert.equal(decodeAll(part, () => part.length || 1, { expectedSize: file.length }).end.status, 'need-more');
    if (cut === 0) continue;
    // …but a payload that ends here cannot hold what comes next.
    const e = errorOf(part, { expectedSize: cut });
    assert.match(e.error, new RegExp(`^(${escape(SHORT_READ)} \\(the element at offset \\d+ runs past the end of the ${cut}-byte payload\\)|Impossible (length|.* count|.* size) \\d+ at offset \\d+: only \\d+ bytes of the ${cut}-byte payload remain)$`));
  }
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('an impossible string length is refused as soon as it is read, before any allocation or wait', () => {
  const file = readRdbFixture(A_DISK);
  const at = find(file, '\x0astr:bigint\x0b') + 11;
  // The 11-byte value now claims 4 GiB (32-bit big-endian length).
  const huge = splice(file, at, 1, [0x80, 0xff, 0xff, 0xff, 0xf0]);
  const e = errorOf(huge.subarray(0, at + 5)); // nothing of the "value" even written
  assert.equal(e.error, `Impossible length 4294967280 at offset ${at}: over the 536870912-byte element limit`);
  assert.equal(e.position.key?.toString(), 'str:bigint');
  assert.equal(e.position.type, 'STRING');
  // 1 MiB is under the element limit but not inside a payload of known size.
  const mib = splice(file, at, 1, [0x80, 0x00, 0x10, 0x00, 0x00]);
  assert.equal(errorOf(mib, { expectedSize: mib.length }).error,
    `Impossible length 1048576 at offset ${at}: only ${mib.length - at - 5} bytes of the ${mib.length}-byte payload remain`);
  assert.equal(errorOf(file, { maxElementBytes: 10 }).error.startsWith('Impossible length'), true);
});

test('an impossible element count is refused before anything is read or allocated for it', () => {
  const file = readRdbFixture(A_DISK);
  const at = find(file, '\x0alist:small\x01\x02') + 11; // QUICKLIST_2 node count
  const bad = splice(file, at, 1, [0x80, 0x7f, 0xff, 0xff, 0xff]);
  assert.equal(errorOf(bad, { expectedSize: bad.length }).error,
    `Impossible quicklist node count 2147483647 at offset ${at}: only ${bad.length - at - 5} bytes of the ${bad.length}-byte payload remain`);
  const worse = splice(file, at, 1, [0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0]);
  assert.match(errorOf(worse).error, /^Impossible quicklist node count 18446744073709552000 at offset \d+: more than 4294967295 items$/);
});

test('corrupt LZF data is an error; a declared size the compressed bytes cannot produce is refused unallocated', () => {
  const file = readRdbFixture(A_DISK);
  // str:lzf = c3 09 3c | 01 61 61 e0 2f 00 01 61 61: 60 × "a".
  const at = find(file, '\x07str:lzf\xc3\x09\x3c');
  const ref = at + 8 + 3 + 5; // the back-reference's distance byte (00)
  assert.equal(file[ref], 0x00);
  const farRef = splice(file, ref, 1, [0x10]); // points before the start of the output
  assert.equal(errorOf(farRef).error, `Invalid LZF compressed string at offset ${at + 8}`);
  const short = splice(file, at + 10, 1, [0x3d]); // ulen 61: decodes to 60
  assert.equal(errorOf(short).error, `Invalid LZF compressed string at offset ${at + 8}`);
  const inflated = splice(file, at + 10, 1, [0x7f, 0xff]); // ulen 16383 from 9 bytes
  assert.equal(errorOf(inflated).error, `Invalid LZF compressed string at offset ${at + 8}: 9 compressed bytes cannot expand to 16383`);
});

test('containers are validated: listpack size and terminator, intset width, ziplist bounds', () => {
  const file = readRdbFixture(A_DISK);
  // hash:small = 15 | 15000000 0400 82 66 31 03 … ff (a 21-byte listpack)
  const lp = find(file, '\x0ahash:small\x15\x15\x00\x00\x00') + 12;
  assert.equal(errorOf(splice(file, lp, 1, [0x16])).error,
    'Hash listpack integrity check failed. (header says 22 bytes, the string holds 21)');
  assert.equal(errorOf(splice(file, lp + 4, 1, [0x05])).error,
    'Hash listpack integrity check failed. (header counts 5 entries, found 4)');
  assert.equal(errorOf(splice(file, lp + 6, 1, [0x8f])).error,
    'Hash listpack integrity check failed. (entry at 6 runs past the end)');
  assert.equal(errorOf(splice(file, lp + 20, 1, [0x00])).error, 'Hash listpack integrity check failed. (no terminator byte)');
  // set:int = 1c | 04000000 05000000 …: width 3 does not exist.
  const is = find(file, '\x07set:int\x1c\x04\x00\x00\x00') + 9;
  assert.equal(errorOf(splice(file, is, 1, [0x03])).error, 'Intset integrity check failed. (element width 3)');
  assert.equal(errorOf(splice(file, is + 4, 1, [0x06])).error,
    'Intset integrity check failed. (6 elements of 4 bytes do not fill 20 bytes)');

  // A ziplist from an old file: an entry's length pointing past the end.
  const zl = readRdbFixture('hdt3213/ziplist_that_doesnt_compress.rdb');
  const head = zl.indexOf(Buffer.from('ziplist_doesnt_compress')) + 'ziplist_doesnt_compress'.length + 1 + 10;
  assert.match(errorOf(splice(zl, head + 1, 1, [0x3f])).error, /^List ziplist integrity check failed\. \(/);
});

test('an unknown type byte names the type; a v11 type in a file for a 7.0 replica is unknown too', () => {
  const file = readRdbFixture(A_DISK);
  const at = find(file, '\x00\x08str:int8');
  const e = errorOf(splice(file, at, 1, [30]));
  assert.equal(e.error, 'Unknown RDB encoding type 30');
  assert.equal(e.position.offset, at);

  // A 7.2 dump relabelled as v10: Redis 7.0 does not know SET_LISTPACK (20) or STREAM_LISTPACKS_3 (21).
  const m72 = readRdbFixture(M72);
  const first = keysOf(decodeAll(m72)).find((k) => k.rdbType >= 20);
  assert.ok(first);
  const asV10 = splice(m72, 5, 4, Buffer.from('0010'));
  assert.equal(errorOf(asV10, { maxVersion: 10 }).error, `Unknown RDB encoding type ${first.rdbType}`);
  assert.equal(errorOf(m72, { maxVersion: 10 }).error, "Can't handle RDB format version 11");
});

test('a pre-GA module value (type 6) cannot be skipped: the error names the module', () => {
  const file = readRdbFixture('librdb/module.rdb');
  const at = find(file, '\x07\x04key1');
  const e = errorOf(splice(file, at, 1, [6]));
  assert.equal(e.error,
    "The RDB file contains module data I can't load: no matching module type 'test__rdb' " +
    '(a pre-GA type 6 module value is not self-describing, so a module without a handler cannot be skipped)');
  assert.equal(e.position.key?.toString(), 'key1');
  // The same value as MODULE_2 is walked through its opcodes and kept raw.
  const k = keysOf(decodeAll(file))[0];
  assert.ok(k.value.type === 'module');
  assert.equal(k.value.moduleName, 'test__rdb');
  assert.equal(k.value.raw.length, 18);
  // An unknown module opcode inside it is corruption.
  const op = at + 6 + 9; // after type, key, 9-byte module id: the STRING opcode (5)
  assert.equal(file[op], 5);
  assert.equal(errorOf(splice(file, op, 1, [9])).error, "Unknown module opcode 9 in data of module 'test__rdb'");
});

test('a duplicate key is fatal when asked for; by default it is left to the keyspace loader', () => {
  const file = readRdbFixture(A_DISK);
  const at = find(file, '\x0alist:small') + 1;
  const dup = splice(file, at, 10, Buffer.from('hash:small'));
  assert.equal(errorOf(dup, { detectDuplicateKeys: true }).error,
    "Duplicated key found in RDB file: RDB has duplicated key 'hash:small' in DB 0");
  const run = decodeAll(dup);
  assert.equal(keysOf(run).filter((k) => k.key.toString() === 'hash:small').length, 2);
  assert.match(run.end.status === 'error' ? run.end.error : '', /^Wrong RDB checksum/);
  // The same name in another db is not a duplicate.
  assert.equal(decodeAll(file, undefined, { detectDuplicateKeys: true }).end.status, 'done');
});

test('a wrong signature and an unsupported version are refused at the header', () => {
  const file = readRdbFixture(A_DISK);
  assert.equal(errorOf(splice(file, 0, 1, Buffer.from('X'))).error, 'Wrong signature trying to load DB from file');
  // rdbLoad's own words, whatever the replica's version.
  assert.equal(errorOf(splice(file, 5, 4, Buffer.from('0013'))).error, "Can't handle RDB format version 13");
  assert.equal(errorOf(splice(file, 5, 4, Buffer.from('0000'))).error, "Can't handle RDB format version 0");
  assert.equal(errorOf(splice(file, 5, 4, Buffer.from('0015')), { maxVersion: 14 }).error, "Can't handle RDB format version 15");
});

test('a corrupt stream is refused: short node key, consumer PEL entry missing from the group PEL', () => {
  const file = readRdbFixture(A_DISK);
  // stream:1 = 13 08 "stream:1" 01 10 <16-byte master ID> …
  const at = find(file, '\x08stream:1\x01\x10') + 10;
  assert.equal(errorOf(splice(file, at, 1, [0x0f])).error, 'Stream node key entry is not the size of a stream ID');
  // The consumer's PEL holds the 16-byte ID 1-1; the group PEL has it too. Change the consumer's copy.
  const id = Buffer.from('00000000000000010000000000000001', 'hex');
  const last = file.lastIndexOf(id);
  assert.ok(last > at && file.indexOf(id, at) < last);
  assert.equal(errorOf(splice(file, last + 15, 1, [0x02])).error, 'Consumer entry not found in group global PEL');
});

test('random byte mutations of real files end in done or a precise error, never an unforeseen failure', () => {
  const files = [
    A_DISK, M72, 'captured/redis-7.4.1_master-dump_m74.rdb', 'hdt3213/parser_filters.rdb', 'hdt3213/stream_listpacks_1.rdb',
    'hdt3213/ziplist_with_integers.rdb', 'hdt3213/zipmap_with_big_values.rdb', 'librdb/module_aux_v12.rdb', 'librdb/stream_v11.rdb',
    'librdb/plain_zset_v6.rdb', 'hdt3213/hash_with_hfe.rdb', 'librdb/quicklist.rdb',
  ];
  const rnd = seededRandom(2024);
  const seen = new Map<string, number>();
  for (const name of files) {
    const file = readRdbFixture(name);
    for (let i = 0; i < 400; i++) {
      const bad = Buffer.from(file);
      const flips = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < flips; k++) bad[9 + Math.floor(rnd() * (bad.length - 9))] = Math.floor(rnd() * 256);
      const end = decodeAll(bad, () => bad.length, { expectedSize: bad.length }).end;
      assert.ok(end.status === 'done' || end.status === 'error', `${name} #${i}: ${end.status}`);
      if (end.status === 'error') {
        assert.ok(!end.error.startsWith('RDB decoder failure'), `${name} #${i}: ${end.error}`);
        const kind = end.error.replace(/\d+/g, 'N').replace(/\(.*$/, '').slice(0, 60);
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
      }
    }
  }
  assert.ok(seen.size > 10, `varied errors: ${[...seen.keys()].join(' | ')}`);
});

test('repeated members and fields: refused with Redis 7.0\'s words where it always checks, kept once where it does not', () => {
  const s = (text: string): number[] => [text.length, ...Buffer.from(text, 'latin1')];
  const rdb = (type: number, value: number[]): Buffer => Buffer.from([...Buffer.from('REDIS0004'), type, ...s('k'), ...value, 0xff]);
  // A ziplist of the given strings (each under 64 bytes), as Redis < 7 wrote small hashes and zsets.
  const ziplist = (items: string[]): number[] => {
    const entries: number[][] = [];
    let prev = 0;
    for (const it of items) {
      const e = [prev, it.length, ...Buffer.from(it, 'latin1')];
      entries.push(e);
      prev = e.length;
    }
    const body = entries.flat();
    const total = 10 + body.length + 1;
    const head = Buffer.alloc(10);
    head.writeUInt32LE(total, 0);
    head.writeUInt32LE(10 + body.length - prev, 4);
    head.writeUInt16LE(items.length, 8);
    const blob = [...head, ...body, 0xff];
    return [blob.length, ...blob];
  };
  const endOf = (file: Buffer): RdbNext => decodeAll(file).end;
  const errorText = (file: Buffer): string => {
    const end = endOf(file);
    return end.status === 'error' ? end.error : `ended with ${end.status}`;
  };
  assert.equal(errorText(rdb(2, [2, ...s('a'), ...s('a')])), 'Duplicate set members detected');
  assert.equal(errorText(rdb(3, [2, ...s('a'), 1, 0x31, ...s('a'), 1, 0x32])), 'Duplicate zset fields detected');
  assert.equal(errorText(rdb(4, [2, ...s('f'), ...s('1'), ...s('f'), ...s('2')])), 'Duplicate hash fields detected');
  assert.equal(errorText(rdb(13, ziplist(['f', '1', 'f', '2']))), 'Hash ziplist integrity check failed. (a repeated field)');
  assert.equal(errorText(rdb(12, ziplist(['m', '1', 'm', '2']))), 'Zset ziplist integrity check failed. (a repeated member)');
  // Without duplicates the same layouts load.
  const ok = decodeAll(rdb(13, ziplist(['f', '1', 'g', '2'])));
  assert.equal(ok.end.status, 'done');
  const key = keysOf(ok)[0]!;
  assert.ok(key.value.type === 'hash');
  assert.deepEqual(key.value.fields, new Map([['f', '1'], ['g', '2']]));
  // A list may repeat anything.
  const list = keysOf(decodeAll(rdb(1, [2, ...s('a'), ...s('a')])))[0]!;
  assert.ok(list.value.type === 'list');
  assert.deepEqual(list.value.items, ['a', 'a']);
});
