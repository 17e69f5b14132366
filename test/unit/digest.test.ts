// The digest's building blocks and rules without a server: SHA-1 equal to
// node's, "%.17g" formatting, which parts of a value the digest depends on, and
// the refusals that keep an unknown dataset from passing as verified.
import { newIdmp } from '../../src/keyspace/commands/streamOps';
import { StreamEntries } from '../../src/keyspace/streamStore';
import { FieldTtls, HashFields, SetMembers } from '../../src/keyspace/packed';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { debugReadCommands } from '../../src/keyspace/commands/debug';
import { datasetDigest, DigestUnavailable, EMPTY_DIGEST, valueDigest } from '../../src/keyspace/digest';
import { formatG17 } from '../../src/keyspace/formatDouble';
import { Keyspace } from '../../src/keyspace/keyspace';
import { buildListByTailPush } from '../../src/keyspace/listEncoding';
import { DEFAULT_DIALECT } from '../../src/versions/profiles';
import { sha1Into } from '../../src/keyspace/sha1';
import type { Value } from '../../src/keyspace/values';
import { Zset } from '../../src/keyspace/zsetIndex';
import { asClientSees, runRead } from '../support/keyspaceReplay';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('sha1', () => {
  test('equals node crypto for strings and bytes of every length around the block boundaries, and long inputs', () => {
    const rnd = seeded(1);
    const lengths = [...Array.from({ length: 200 }, (_, i) => i), 4095, 4096, 4097, 100_000];
    for (const n of lengths) {
      const bytes = Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
      const expected = crypto.createHash('sha1').update(bytes).digest('hex');
      const out = new Uint8Array(20);
      sha1Into(bytes.toString('latin1'), out);
      assert.equal(Buffer.from(out).toString('hex'), expected, `string of ${n}`);
      sha1Into(new Uint8Array(bytes), out);
      assert.equal(Buffer.from(out).toString('hex'), expected, `bytes of ${n}`);
    }
  });

  test('hashing a buffer into itself works (the digest is its own input when mixed)', () => {
    const d = new Uint8Array(20).fill(7);
    const expected = crypto.createHash('sha1').update(d).digest('hex');
    sha1Into(d, d);
    assert.equal(Buffer.from(d).toString('hex'), expected);
  });
});

describe('formatG17 (printf "%.17g")', () => {
  test('every finite double reads back as itself with at most 17 significant digits, in C layout', () => {
    const rnd = seeded(2);
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 50_000; i++) {
      view.setUint32(0, Math.floor(rnd() * 2 ** 32));
      view.setUint32(4, Math.floor(rnd() * 2 ** 32));
      const x = view.getFloat64(0);
      if (!Number.isFinite(x)) continue;
      const s = formatG17(x);
      assert.equal(Number(s), x, s);
      assert.match(s, /^-?(\d+(\.\d*[1-9])?|0\.\d*[1-9]|\d(\.\d*[1-9])?e[+-]\d{2,3})$/, s);
      assert.ok(s.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '').length <= 17, s);
    }
  });

  test('special values are spelled as glibc spells them', () => {
    assert.equal(formatG17(Infinity), 'inf');
    assert.equal(formatG17(-Infinity), '-inf');
    assert.equal(formatG17(NaN), 'nan');
    assert.equal(formatG17(0), '0');
    assert.equal(formatG17(-0), '-0');
  });

  test('the switch to exponent form happens below 1e-4 and from 1e17, as %g defines', () => {
    assert.equal(formatG17(0.0001), '0.0001');
    assert.equal(formatG17(1e-5), '1.0000000000000001e-05');
    assert.equal(formatG17(1e16), '10000000000000000');
    assert.equal(formatG17(1e17), '1e+17');
    assert.equal(formatG17(1e300), '1.0000000000000001e+300');
  });

  test('an exact tie at the 17th digit rounds to even, not away from zero as toPrecision does', () => {
    // 2^49 + 1/8 has 18 significant digits ending in 5: a true tie.
    const even = 2 ** 49 + 0.125; // ...312.125 -> ...312.12 (2 is even)
    const odd = 2 ** 49 + 0.375; //  ...312.375 -> ...312.38 (7 is odd)
    assert.equal(formatG17(even), '562949953421312.12');
    assert.equal(formatG17(odd), '562949953421312.38');
    assert.equal(formatG17(-even), '-562949953421312.12');
    assert.equal(even.toPrecision(17), '562949953421312.13', 'JS alone would round the tie up');
  });
});

function ks1(values: [string, Value, number?][], db = 0): Keyspace {
  const ks = new Keyspace();
  for (const [k, v, exp] of values) ks.db(db).set(k, v, exp ?? -1);
  return ks;
}

describe('what the digest depends on', () => {
  test('an empty dataset, and empty databases, digest to 40 zeros', () => {
    assert.equal(datasetDigest(new Keyspace()), EMPTY_DIGEST);
  });

  test('set, hash and zset element order does not matter; list order does', () => {
    const set = (m: string[]): Value => ({ type: 'set', members: SetMembers.from(m) });
    assert.equal(valueDigest(ks1([['s', set(['a', 'b', 'c'])]]), 0, 's'), valueDigest(ks1([['s', set(['c', 'a', 'b'])]]), 0, 's'));
    const hash = (f: [string, string][]): Value => ({ type: 'hash', fields: HashFields.from(f), fieldExpires: new FieldTtls() });
    assert.equal(valueDigest(ks1([['h', hash([['a', '1'], ['b', '2']])]]), 0, 'h'), valueDigest(ks1([['h', hash([['b', '2'], ['a', '1']])]]), 0, 'h'));
    const zset = (e: [string, number][]): Value => Zset.fromEntries(e);
    assert.equal(valueDigest(ks1([['z', zset([['a', 1], ['b', 2]])]]), 0, 'z'), valueDigest(ks1([['z', zset([['b', 2], ['a', 1]])]]), 0, 'z'));
    const list = (i: string[]): Value => buildListByTailPush(DEFAULT_DIALECT, i);
    assert.notEqual(valueDigest(ks1([['l', list(['a', 'b'])]]), 0, 'l'), valueDigest(ks1([['l', list(['b', 'a'])]]), 0, 'l'));
  });

  test('a hash field/value pair is hashed as a pair: swapping values between fields changes the digest', () => {
    const hash = (f: [string, string][]): Value => ({ type: 'hash', fields: HashFields.from(f), fieldExpires: new FieldTtls() });
    assert.notEqual(
      valueDigest(ks1([['h', hash([['a', '1'], ['b', '2']])]]), 0, 'h'),
      valueDigest(ks1([['h', hash([['a', '2'], ['b', '1']])]]), 0, 'h'),
    );
  });

  test('an expiry changes the digest, its time does not', () => {
    const v: Value = { type: 'string', value: 'x' };
    const none = valueDigest(ks1([['k', v]]), 0, 'k');
    const soon = valueDigest(ks1([['k', v, 1000]]), 0, 'k');
    const later = valueDigest(ks1([['k', v, 99_999_999_999]]), 0, 'k');
    assert.notEqual(none, soon);
    assert.equal(soon, later);
  });

  test("a hash field's TTL (7.4) marks that field's digest, whatever the time", () => {
    const hash = (ttl: [string, number][]): Value => ({ type: 'hash', fields: HashFields.from([['a', '1'], ['b', '2']]), fieldExpires: FieldTtls.from(ttl) });
    const plainHash = valueDigest(ks1([['h', hash([])]]), 0, 'h');
    const withTtl = valueDigest(ks1([['h', hash([['a', 1000]])]]), 0, 'h');
    assert.notEqual(plainHash, withTtl);
    assert.equal(withTtl, valueDigest(ks1([['h', hash([['a', 99_999]])]]), 0, 'h'));
    assert.notEqual(withTtl, valueDigest(ks1([['h', hash([['b', 1000]])]]), 0, 'h'));
  });

  test('the database index is part of the dataset digest', () => {
    const v: Value = { type: 'string', value: 'x' };
    assert.notEqual(datasetDigest(ks1([['k', v]], 0)), datasetDigest(ks1([['k', v]], 1)));
  });

  test('stream consumer groups, NACK zones and IDMP records are not part of the digest, entries are (debug.c at 2026-06)', () => {
    const id = (ms: bigint) => ({ ms, seq: 0n });
    const stream = (extras: boolean): Value => ({
      type: 'stream',
      stream: {
        entries: StreamEntries.from([{ id: id(1n), fields: ['f', 'v'] }]),
        lastId: id(1n), firstId: id(1n), maxDeletedId: id(0n), entriesAdded: 1,
        groups: extras
          ? new Map([['g', {
            name: 'g', lastId: id(1n), entriesRead: 1, consumers: new Map(), nacked: new Set(['1-0']),
            pending: new Map([['1-0', { id: id(1n), consumer: null, deliveryTime: 0, deliveryCount: 2 }]]),
          }]])
          : new Map(),
        idmp: extras
          ? { duration: 50, maxEntries: 3, producers: new Map([['p', new Map([['iid', id(1n)]])]]), iidsAdded: 1, iidsDuplicates: 4 }
          : newIdmp(),
      },
    });
    assert.equal(valueDigest(ks1([['s', stream(true)]]), 0, 's'), valueDigest(ks1([['s', stream(false)]]), 0, 's'));
  });
});

describe('refusing to vouch for an unknown dataset', () => {
  const divergence = { command: 'hincrbyfloat', reason: 'the result depends on long double formatting', offset: 1234 };

  test('a diverged key makes DEBUG DIGEST an error naming the key, the command, the offset and the reason', () => {
    const ks = ks1([['foo', { type: 'string', value: 'x' }], ['bar', { type: 'string', value: 'y' }]]);
    ks.diverge(0, ['foo', 'bar'], divergence);
    assert.throws(() => datasetDigest(ks), (err: Error) => {
      assert.ok(err instanceof DigestUnavailable);
      assert.equal(err.message, "digest unavailable: 2 keys diverged from the master (first: db0 'foo' after HINCRBYFLOAT at offset 1234: the result depends on long double formatting)");
      return true;
    });
    const reply = asClientSees(runRead(ks, 0, debugReadCommands, ['DEBUG', 'DIGEST']));
    assert.deepEqual(reply, { error: `ERR ${"digest unavailable: 2 keys diverged from the master (first: db0 'foo' after HINCRBYFLOAT at offset 1234: the result depends on long double formatting)"}` });
  });

  test('DIGEST-VALUE answers an error for the diverged key and digests for the others', () => {
    const ks = ks1([['foo', { type: 'string', value: 'x' }], ['ok', { type: 'string', value: 'y' }]]);
    ks.diverge(0, ['foo'], divergence);
    const reply = asClientSees(runRead(ks, 0, debugReadCommands, ['DEBUG', 'DIGEST-VALUE', 'ok', 'foo']));
    assert.ok(Array.isArray(reply));
    assert.equal(reply[0], valueDigest(ks, 0, 'ok'));
    assert.deepEqual(reply[1], { error: "ERR digest unavailable: diverged from the master (db0 'foo' after HINCRBYFLOAT at offset 1234: the result depends on long double formatting)" });
  });

  test('a key replaced as a whole by a later write is known again', () => {
    const ks = ks1([['foo', { type: 'string', value: 'x' }]]);
    ks.diverge(0, ['foo'], divergence);
    ks.db(0).set('foo', { type: 'string', value: 'fresh' });
    assert.equal(datasetDigest(ks).length, 40);
  });

  test('a write on keys it cannot name makes the whole dataset unknown', () => {
    const ks = ks1([['foo', { type: 'string', value: 'x' }]]);
    ks.diverge(3, [], { command: 'frobnicate', reason: "the replica does not implement 'frobnicate'", offset: 99 });
    assert.throws(() => datasetDigest(ks), /^DigestUnavailable: digest unavailable: the dataset diverged from the master \(db3 after FROBNICATE at offset 99: the replica does not implement 'frobnicate'\)$/);
    assert.throws(() => valueDigest(ks, 0, 'foo'), /the dataset diverged/);
  });

  test('a binary key is quoted with escapes in the message', () => {
    const ks = ks1([['a\x00\n\xff', { type: 'string', value: 'x' }]]);
    ks.diverge(0, ['a\x00\n\xff'], divergence);
    assert.throws(() => datasetDigest(ks), /db0 'a\\x00\\x0a\\xff' after/);
  });

  test('a module value cannot be digested without its module', () => {
    const ks = ks1([['m', { type: 'module', moduleName: 'ReJSON-RL', moduleId: 1n, encver: 3, raw: Buffer.alloc(0) }]]);
    assert.throws(() => datasetDigest(ks), /digest unavailable: 'm' in db0 holds a value of module type 'ReJSON-RL' that only the module can digest/);
    assert.throws(() => valueDigest(ks, 0, 'm'), /ReJSON-RL/);
  });
});

describe('DEBUG on the RESP port', () => {
  const ks = ks1([['k', { type: 'string', value: 'v' }]]);
  const debug = (...argv: string[]): unknown => asClientSees(runRead(ks, 0, debugReadCommands, ['DEBUG', ...argv]));

  test('DIGEST and DIGEST-VALUE answer as redis-server does (status lines, an array per key)', () => {
    assert.equal(debug('DIGEST'), datasetDigest(ks));
    assert.deepEqual(debug('digest-value', 'k', 'missing'), [valueDigest(ks, 0, 'k'), EMPTY_DIGEST]);
    assert.deepEqual(debug('DIGEST-VALUE'), []);
  });

  test('wrong arguments get the texts redis-server uses', () => {
    assert.deepEqual(debug('DIGEST', 'x'), { error: "ERR unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG HELP." });
    assert.deepEqual(debug('SLEEP', '1'), { error: 'ERR DEBUG SLEEP is not available on this replica (it answers DEBUG DIGEST, DIGEST-VALUE and HELP)' });
  });
});
