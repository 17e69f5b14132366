// Scenarios, one per encoding rule that changed between versions, run on every
// live version next to a real replica; the keyspace of that version's dialect
// applies the master's stream and must report the real replica's OBJECT
// ENCODING, DIGEST-VALUE (a -0 score kept or made 0 depends on the encoding the
// zset had when it was added) and INFO keyspace:
// - ZADD's size hint (7.2+) from the element count and the first member
//   (Valkey 8: the longest member);
// - SADD's size hint and listpack sets (7.2+);
// - lists: listpack, quicklist past 8 KB, back to listpack after a shrink,
//   PLAIN nodes for elements over 8 KB (7.4+, Valkey 8);
// - embstr under Redis 8's embedded key (key + value ≤ 41 bytes), RENAME;
// - `subexpiry` after HDEL of a hash's last field with a TTL (unstable 2024-10 and 8.x).
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { runRead } from '../../src/keyspace/commands/registry';
import { infoKeyspace } from '../../src/keyspace/infoKeyspace';
import { profileById } from '../../src/versions/profiles';
import { normalizeReply, normalizeValue } from '../support/keyspaceHarness';
import { startTrio } from '../support/liveTrio';
import { liveServers } from '../support/servers';

const long = (n: number, c = 'x'): string => c.repeat(n);
const pairs = (n: number, f: (i: number) => [string, string]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();

const SCENARIOS: { name: string; keys: string[]; commands: string[][]; hfe?: boolean }[] = [
  { name: 'ZADD of a new key: the count and the first (or longest) member pick the encoding', keys: ['z1', 'z2', 'z3'], commands: [
    ['ZADD', 'z1', '1', 'a', '-0', 'b', '2', long(70)],
    ['ZADD', 'z2', ...pairs(130, (i) => [i === 5 ? '-0' : String(i), `m${i}`])],
    ['ZADD', 'z3', '1', 'a'], ['ZADD', 'z3', ...pairs(130, (i) => [i === 7 ? '-0' : String(i), `m${i % 3}`])],
  ] },
  { name: 'SADD: listpack sets, and the argument count converting up front', keys: ['s1', 's2', 's3', 's4'], commands: [
    ['SADD', 's1', 'a', 'bb', 'ccc'], ['SADD', 's2', ...Array.from({ length: 600 }, (_, i) => String(i % 3))],
    ['SADD', 's3', '1', '2'], ['SADD', 's3', ...Array.from({ length: 200 }, () => 'w')], ['SADD', 's4', 'x'], ['SADD', 's4', ...Array.from({ length: 129 }, (_, i) => `y${i % 2}`)],
  ] },
  { name: 'lists: listpack, quicklist past 8 KB, back after a shrink, PLAIN nodes over 8 KB', keys: ['l1', 'l2', 'l3', 'l4', 'l5'], commands: [
    ['RPUSH', 'l1', 'a', '1', '300'],
    ['RPUSH', 'l2', ...Array.from({ length: 100 }, () => long(100))], ['LTRIM', 'l2', '0', '9'],
    ['RPUSH', 'l3', ...Array.from({ length: 100 }, () => long(100))], ['LTRIM', 'l3', '0', '60'],
    ['RPUSH', 'l4', 'a', 'b'], ['LPUSH', 'l4', long(9000)], ['RPOP', 'l4'], ['LPOP', 'l4'],
    ['RPUSH', 'l5', ...Array.from({ length: 90 }, () => long(100))], ['LINSERT', 'l5', 'BEFORE', long(100), long(9000)], ['LSET', 'l5', '0', 'small'], ['RPOP', 'l5', '85'],
  ] },
  { name: 'strings: embstr and raw, with the key embedded in Redis 8', keys: ['k', long(20, 'K'), long(30, 'R'), 'short', 'n'], commands: [
    ['SET', 'k', long(40)], ['SET', long(20, 'K'), long(30)], ['SET', long(30, 'R'), long(5)], ['SET', 'short', long(44)], ['RENAME', 'short', 'tmp'], ['RENAME', 'tmp', 'short'],
    ['SET', 'n', '12345678901234567890'],
  ] },
  { name: 'hash field TTLs: subexpiry after HDEL of the last field with a TTL, HPERSIST, MOVE', hfe: true, keys: ['h1', 'h2', 'h3'], commands: [
    ['HSET', 'h1', 'a', '1', 'b', '2'], ['HEXPIRE', 'h1', '100', 'FIELDS', '1', 'a'], ['HDEL', 'h1', 'a'],
    ['HSET', 'h2', 'a', '1', 'b', '2'], ['HEXPIRE', 'h2', '100', 'FIELDS', '2', 'a', 'b'], ['HPERSIST', 'h2', 'FIELDS', '2', 'a', 'b'],
    ['HSET', 'h3', ...pairs(600, (i) => [`f${i}`, 'v'])], ['HEXPIRE', 'h3', '100', 'FIELDS', '1', 'f1'], ['HDEL', 'h3', 'f1'], ['MOVE', 'h2', '1'],
  ] },
];

describe('each version\'s encoding rules, next to a real replica', { concurrency: 2 }, () => {
  for (const live of liveServers()) {
    const profile = profileById(live.profile)!;
    test(`${live.name}: OBJECT ENCODING, DIGEST-VALUE and INFO keyspace of the rules that changed between versions`, async () => {
      const trio = await startTrio(live);
      const { m, r, ks, applier } = trio;
      try {
        for (const s of SCENARIOS) {
          if (s.hfe && !profile.has('hash-field-expiry')) continue;
          for (const c of s.commands) await m.call(...c);
          await trio.drain();
          await m.call('WAIT', '1', '5000');
          assert.deepEqual(applier.applied.filter((a) => a.outcome.kind !== 'ok'), [], s.name);
          for (const k of s.keys) {
            for (const argv of [['OBJECT', 'ENCODING', k], ['DEBUG', 'DIGEST-VALUE', k]]) {
              assert.deepEqual(normalizeValue(runRead({ ks, db: 0, now: Date.now() }, argv)), normalizeReply(await r.send(...argv)), `${s.name}: ${argv.join(' ')}`);
            }
          }
          const info = String(await r.call('INFO', 'keyspace')).split('\r\n').filter((l) => l.startsWith('db'));
          assert.deepEqual(infoKeyspace(ks).split('\r\n').filter((l) => l.startsWith('db')), info, `${s.name}: INFO keyspace`);
        }
      } finally {
        await trio.stop();
      }
    });
  }
});
