// SORT … STORE applied from the stream and SORT_RO answered on the port, next to
// a live master and a real replica of the same version: BY weights from strings
// and hash fields, GET patterns (# and ->), LIMIT, ASC/DESC, ALPHA, BY nosort,
// over lists, sets (intset, listpack, hashtable) and zsets; the stored list's
// content, digest and encoding. On 8.8 a weight with a leading space is an
// error (string2d); on 7.x strtod skips the space.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { applyWrite, runRead } from '../../src/keyspace/commands/registry';
import { Keyspace } from '../../src/keyspace/keyspace';
import { profileById } from '../../src/versions/profiles';
import { normalizeReply, normalizeValue } from '../support/keyspaceHarness';
import { startTrio } from '../support/liveTrio';
import { liveServer } from '../support/servers';

const DATA: string[][] = [
  ['RPUSH', 'l', '3', '1', '10', '2', '-7', '1.5', '2'],
  ['RPUSH', 'la', 'pear', 'apple', 'fig', 'Apple', 'apple'],
  ['RPUSH', 'ls', ' 3', '1', '2'],
  ['SADD', 'si', '5', '3', '9', '-1'],
  ['SADD', 'sl', 'b', 'a', 'c', '1'],
  ['SADD', 'sh', ...Array.from({ length: 200 }, (_, i) => `m${i}`)],
  ['ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '0.5', 'd'],
  ...['3', '1', '10', '2', '-7', '5', '9', '-1', 'a', 'b', 'c', 'd', 'pear', 'apple', 'fig'].map((x, i) => ['SET', `w_${x}`, String((i * 7) % 11)]),
  ...['a', 'b', 'c', 'd', 'pear', 'apple', 'fig', '5', '3', '9', '-1'].map((x, i) => ['HSET', `h_${x}`, 'f', `v${i}`, 'n', String(20 - i)]),
];

const SORTS: string[][] = [
  ['l'], ['l', 'DESC'], ['l', 'LIMIT', '1', '3'], ['l', 'LIMIT', '-5', '100'], ['l', 'LIMIT', '2', '0'],
  ['la', 'ALPHA'], ['la', 'ALPHA', 'DESC', 'LIMIT', '0', '2'], ['l', 'BY', 'nosort'], ['l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
  ['si'], ['si', 'BY', 'w_*'], ['si', 'BY', 'w_*', 'GET', '#', 'GET', 'h_*->f'], ['si', 'BY', 'h_*->n', 'DESC'],
  ['sl', 'ALPHA'], ['sl', 'BY', 'nosort'], ['sh', 'ALPHA', 'LIMIT', '10', '5'], ['sh', 'BY', 'nosort'],
  ['z'], ['z', 'BY', 'nosort', 'DESC'], ['z', 'BY', 'w_*', 'GET', 'h_*->f', 'GET', 'nokey_*'], ['z', 'ALPHA', 'BY', 'h_*->f'],
  ['missing'], ['ls'], ['la'],
];

for (const name of ['debian', 'redis-unstable-2026-06']) {
  describe(`SORT on ${name}`, () => {
    test('SORT … STORE applied from the stream leaves the list the master and the real replica hold; SORT_RO answers as the master does', async () => {
      const trio = await startTrio(liveServer(name));
      const { m, r, ks, applier, drain } = trio;
      try {
        const ctx = () => ({ ks, db: 0, now: Date.now() });
        await m.pipeline(DATA);
        await drain();
        let stored = 0;
        for (const [i, s] of SORTS.entries()) {
          // SORT_RO first: it converts a listpack zset to a skiplist, on a real server too.
          const theirs = normalizeReply(await m.send('SORT_RO', ...s)) as string[];
          const mine = normalizeValue(runRead(ctx(), ['SORT_RO', ...s])) as string[];
          // A set read with BY nosort comes in the set's own order: a hash table's is each server's dict order.
          const unordered = s[0]!.startsWith('s') && s.includes('nosort');
          if (unordered) assert.deepEqual(mine.slice().sort(), theirs.slice().sort(), `SORT_RO ${s.join(' ')}`);
          else assert.deepEqual(mine, theirs, `SORT_RO ${s.join(' ')}`);
          if (Number(await m.send('SORT', ...s, 'STORE', `dst${i}`)) > 0) stored++;
        }
        await drain();
        assert.equal(applier.applied.filter((a) => a.argv[0]!.toLowerCase() === 'sort').length, stored, 'every SORT that stored a list was replicated');
        assert.deepEqual(applier.applied.filter((a) => a.outcome.kind !== 'ok'), []);
        await m.call('WAIT', '1', '5000');
        for (let i = 0; i < SORTS.length; i++) {
          const key = `dst${i}`;
          for (const argv of [['LRANGE', key, '0', '-1'], ['OBJECT', 'ENCODING', key], ['DEBUG', 'DIGEST-VALUE', key]]) {
            assert.deepEqual(normalizeValue(runRead(ctx(), argv)), normalizeReply(await r.send(...argv)), `${SORTS[i]!.join(' ')}: ${argv[0]}`);
          }
        }
        assert.equal(normalizeValue(runRead(ctx(), ['OBJECT', 'ENCODING', 'z'])), 'skiplist', 'SORT left the zset a skiplist');
        assert.deepEqual(normalizeValue(runRead(ctx(), ['DEBUG', 'DIGEST'])), normalizeReply(await m.send('DEBUG', 'DIGEST')));
      } finally {
        await trio.stop();
      }
    });
  });
}

test('SORT … BY … ALPHA with equal weights over a hash-table set is a divergence of the destination: redis-server keeps the ties in dict order', () => {
  const ks = new Keyspace(16, profileById('redis-7.2')!);
  const ctx = { ks, db: 0, now: Date.now() };
  applyWrite(ctx, ['SADD', 's', ...Array.from({ length: 200 }, (_, i) => `m${i}`)]);
  applyWrite(ctx, ['SET', 'w_m1', 'same']);
  applyWrite(ctx, ['SET', 'w_m2', 'same']);
  const out = applyWrite(ctx, ['SORT', 's', 'BY', 'w_*', 'ALPHA', 'STORE', 'd']);
  assert.equal(out.kind, 'diverged');
  assert.deepEqual(out.kind === 'diverged' ? out.keys : [], ['d']);
  // Over a list the ties keep the list's order (glibc's qsort is a stable merge sort): deterministic.
  applyWrite(ctx, ['RPUSH', 'l', 'm2', 'm1', 'm3']);
  assert.equal(applyWrite(ctx, ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'STORE', 'd2']).kind, 'ok');
  assert.deepEqual(normalizeValue(runRead(ctx, ['LRANGE', 'd2', '0', '-1'])), ['m3', 'm2', 'm1']);
});
