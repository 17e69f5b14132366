// What a client reading the replica's port gets, next to a real replica of the
// same version: field-TTL reads of a hash whose field's TTL has passed while
// the master's HDEL has not come (the master's active expiry is off), and the
// answer to the 8.x commands (READONLY for writes, DIGEST's value) or, on
// older versions, the unknown-command error.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { infoKeyspace } from '../../src/keyspace/infoKeyspace';
import { startTrio, type LiveTrio } from '../support/liveTrio';
import { sleep } from '../support/redisServer';
import { liveServer } from '../support/servers';

type Setup = LiveTrio;

async function setup(name: string): Promise<Setup> {
  const trio = await startTrio(liveServer(name));
  // No active expiry on the master: a field past its TTL stays until someone reads it there.
  await trio.m.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  return trio;
}

const BIG = Array.from({ length: 600 }, (_, i) => [`k${i}`, 'v']).flat();

for (const name of ['redis-7.4.1', 'redis-unstable-2026-06']) {
  describe(`field TTL reads on a ${name} replica`, () => {
    test('HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HGET, HLEN, HGETALL and INFO keyspace before and after a field\'s TTL passes without its HDEL', async () => {
      const s = await setup(name);
      try {
        await s.write(
          ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['HPEXPIRE', 'h', '300', 'FIELDS', '1', 'a'], ['HEXPIRE', 'h', '1000', 'FIELDS', '1', 'b'],
          ['HSET', 'big', ...BIG], ['HPEXPIRE', 'big', '300', 'FIELDS', '1', 'k1'], ['HEXPIRE', 'big', '1000', 'FIELDS', '1', 'k2'],
          ['HSET', 'plain', 'x', '1'], ['SET', 'str', 'v'],
        );
        const exact = [
          ['HEXPIRETIME', 'h', 'FIELDS', '4', 'a', 'b', 'c', 'nope'], ['HPEXPIRETIME', 'h', 'FIELDS', '4', 'a', 'b', 'c', 'nope'],
          ['HPEXPIRETIME', 'big', 'FIELDS', '3', 'k1', 'k2', 'k3'], ['HTTL', 'plain', 'FIELDS', '1', 'x'], ['HTTL', 'missing', 'FIELDS', '2', 'a', 'b'],
          ['HGET', 'h', 'a'], ['HLEN', 'h'], ['HEXISTS', 'h', 'a'], ['HSTRLEN', 'h', 'a'], ['HLEN', 'big'], ['HGET', 'big', 'k1'],
          ['HTTL', 'str', 'FIELDS', '1', 'a'], ['HTTL', 'h', 'FIELDX', '1', 'a'], ['HTTL', 'h', 'FIELDS', '0', 'a'], ['HTTL', 'h', 'FIELDS', '2', 'a'],
          ['HTTL', 'h', 'FIELDS', '1'], ['DEBUG', 'DIGEST-VALUE', 'h', 'big'],
        ];
        const check = async (when: string): Promise<void> => {
          for (const argv of exact) {
            const [theirs, mine] = await s.both(argv);
            assert.deepEqual(mine, theirs, `${when}: ${argv.join(' ')}`);
          }
          const [all, allMine] = await s.both(['HGETALL', 'h']);
          assert.deepEqual((allMine as string[]).slice().sort(), (all as string[]).slice().sort(), `${when}: HGETALL`);
          // Relative TTLs move with the clock: equal within the few ms between the two reads.
          for (const argv of [['HPTTL', 'h', 'FIELDS', '3', 'a', 'b', 'c'], ['HTTL', 'big', 'FIELDS', '2', 'k1', 'k2']]) {
            const [theirs, mine] = (await s.both(argv)) as [number[], number[]];
            theirs.forEach((t, i) => assert.ok(Math.abs(t - mine[i]!) <= (argv[0] === 'HPTTL' ? 50 : 1), `${when}: ${argv.join(' ')} ${t} vs ${mine[i]}`));
          }
          const info = String(await s.r.call('INFO', 'keyspace')).split('\r\n').filter((l) => l.startsWith('db'));
          assert.deepEqual(infoKeyspace(s.ks).split('\r\n').filter((l) => l.startsWith('db')), info, `${when}: INFO keyspace`);
        };
        await check('before the TTL');
        await sleep(400);
        const [ttl] = await s.both(['HTTL', 'h', 'FIELDS', '1', 'a']);
        assert.deepEqual(ttl, [-2], 'the real replica hides the field past its TTL');
        await check('past the TTL, no HDEL yet');
        // HPERSIST reaches the replica as sent (b had a TTL on the master); a field past its TTL keeps it there.
        await s.write(['HPERSIST', 'h', 'FIELDS', '2', 'a', 'b'], ['HPERSIST', 'big', 'FIELDS', '2', 'k1', 'k2']);
        await check('after HPERSIST of a field past its TTL and of one before it');
      } finally {
        await s.stop();
      }
    });
  });
}

describe('the 8.x commands on the replica\'s port', () => {
  const commands = [
    ['HGETEX', 'h', 'EX', '10', 'FIELDS', '1', 'a'], ['HSETEX', 'h', 'FIELDS', '1', 'a', 'b'], ['HGETDEL', 'h', 'FIELDS', '1', 'a'],
    ['MSETEX', '1', 'k', 'v', 'EX', '10'], ['DELEX', 'k', 'IFEQ', 'v'], ['SET', 'k', 'v', 'IFEQ', 'x'], ['DIGEST', 'k'], ['DIGEST', 'nope'],
    ['BITOP', 'DIFF', 'd', 'k', 'k'], ['VADD', 'v', 'VALUES', '2', '1', '2', 'a'], ['VREM', 'v', 'a'], ['HTTL', 'h', 'FIELDS', '1', 'a'], ['HGETEX', 'h'], ['ZRANK', 'z', 'a', 'WITHSCORE'], ['ZRANK', 'z', 'x', 'WITHSCORE'],
  ];
  for (const name of ['debian', 'redis-7.2.6', 'redis-7.4.1', 'redis-unstable-2026-06', 'valkey-8.0.1']) {
    test(`${name}: READONLY, unknown command, DIGEST and ZRANK … WITHSCORE answer as the real replica answers`, async () => {
      const s = await setup(name);
      try {
        await s.write(['SET', 'k', 'hello'], ['HSET', 'h', 'a', '1'], ['ZADD', 'z', '0.1', 'a']);
        for (const argv of commands) {
          const [theirs, mine] = await s.both(argv);
          assert.deepEqual(mine, theirs, argv.join(' '));
        }
      } finally {
        await s.stop();
      }
    });
  }
});
