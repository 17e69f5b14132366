// How each version prints doubles, against what live servers printed
// (test/fixtures/doubles, captured by test/fixtures/captureDoubles.ts): ZSCORE's
// reply and the digest of a one-member zset, for ~4000 doubles (random bit
// patterns, subnormals, powers of ten and their neighbours, integers around
// 2^53 and ±2^62, the 1e21 and 1e-7 layout borders). Redis 7.0 prints
// "%.17g"; 7.2 prints d2string (integers as integers, else fpconv_dtoa) in
// replies and fpconv_dtoa in the digest.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyWrite, runRead } from '../../src/keyspace/commands/registry';
import { valueDigest } from '../../src/keyspace/digest';
import { digestDouble, replyDouble } from '../../src/keyspace/doubles';
import { fpconvDtoa } from '../../src/keyspace/fpconv';
import { Keyspace } from '../../src/keyspace/keyspace';
import { profileById } from '../../src/versions/profiles';
import { fromBits, type DoublesFixture } from '../support/doublesFixture';

function fixture(name: string): DoublesFixture {
  const file = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'doubles', `${name}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DoublesFixture;
}

for (const [name, profileId] of [['debian', 'redis-7.0'], ['redis-7.2.6', 'redis-7.2']] as const) {
  test(`ZSCORE and DEBUG DIGEST-VALUE of ~4000 doubles print as ${name} printed them (${profileId})`, () => {
    const f = fixture(name);
    assert.ok(f.cases.length > 3000);
    const ks = new Keyspace(16, profileById(profileId)!);
    const ctx = { ks, db: 0, now: Date.now() };
    const wrong: string[] = [];
    for (const [bits, zscore, digest] of f.cases) {
      const d = fromBits(bits);
      applyWrite(ctx, ['DEL', 'z']);
      assert.equal(applyWrite(ctx, ['ZADD', 'z', Object.is(d, -0) ? '-0' : String(d), 'm']).kind, 'ok');
      const r = runRead(ctx, ['ZSCORE', 'z', 'm']);
      const mine = r.type === 'bulk' && Buffer.isBuffer(r.value) ? r.value.toString('latin1') : JSON.stringify(r);
      if (mine !== zscore) wrong.push(`${bits} ZSCORE ${zscore} ≠ ${mine}`);
      const dv = valueDigest(ks, 0, 'z');
      if (dv !== digest) wrong.push(`${bits} DIGEST-VALUE ${digest} ≠ ${dv}`);
    }
    assert.deepEqual(wrong.slice(0, 20), []);
  });
}

test('7.2 prints integral scores within ±2^62 as integers in replies, but the digest hashes fpconv_dtoa\'s text', () => {
  const d72 = profileById('redis-7.2')!, d70 = profileById('redis-7.0')!;
  assert.equal(replyDouble(d72, 123456789012345680), '123456789012345680');
  assert.equal(digestDouble(d72, 1e17), '1e+17');
  assert.equal(replyDouble(d72, 1e17), '100000000000000000');
  // Past 2^62 a reply goes through fpconv, whose layout writes up to ndigits + 7 zeros (live 7.2.6: same texts).
  assert.equal(replyDouble(d72, 2 ** 63), '9223372036854776000');
  assert.equal(replyDouble(d72, 0.1), '0.1');
  assert.equal(replyDouble(d70, 0.1), '0.10000000000000001');
  assert.equal(digestDouble(d70, 0.1), '0.10000000000000001');
  assert.equal(fpconvDtoa(1e21), '1e+21');
  assert.equal(fpconvDtoa(1e-7), '1e-7');
  assert.equal(fpconvDtoa(123e-7), '1.23e-5');
  assert.equal(fpconvDtoa(-0), '-0');
});
