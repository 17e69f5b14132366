// Read commands on the replica's port answer as redis-server does: the data is
// built on a real master, its captured replication stream is applied to a
// Keyspace, then every read runs against both and the RESP replies must match.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Keyspace } from '../../src/keyspace/keyspace';
import { RedisClient } from '../../src/net/redisClient';
import { captureReplicationStream } from '../support/captureStream';
import { applyCommands, keyspaceRunner, parseCommands, serverRunner } from '../support/keyspaceHarness';

const x = (n: number): string => 'x'.repeat(n);
const range = (n: number, f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();

const SETUP: string[][] = [
  ['SET', 'str', 'hello world'], ['SET', 'int', '12345'], ['SET', 'long', x(80)], ['SET', 'ttl', 'v', 'PXAT', String(Date.now() + 500_000)],
  ['SET', 'bits', '\x0f\xf0\xaa'], ['SET', 'gone', 'v', 'PX', '20'],
  ['RPUSH', 'list', 'a', 'b', 'c', 'b', 'a'], ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2', 'n', '10'],
  ['HSET', 'bighash', ...range(600, (i) => [`f${i}`, `v${i}`])],
  ['SADD', 'iset', '5', '-3', '100', '7'], ['SADD', 'sset', 'a', 'b'], ['SADD', 'bigset', ...range(600, (i) => [String(i)])],
  ['ZADD', 'zset', '1', 'a', '2.5', 'b', '-3', 'c', '2.5', 'bb', 'inf', 'top'], ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
  ['ZADD', 'bigz', ...range(200, (i) => [String(i / 3), `m${i}`])], ['PFADD', 'hll', 'a', 'b', 'c', 'd'],
  ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
  ['SELECT', '3'], ['SET', 'db3', 'x'], ['SELECT', '0'],
];

const READS: string[][] = [
  ['GET', 'str'], ['GET', 'list'], ['GET', 'gone'], ['MGET', 'str', 'int', 'list', 'none'], ['STRLEN', 'long'], ['GETRANGE', 'str', '-5', '-1'],
  ['SUBSTR', 'str', '0', '4'], ['EXISTS', 'str', 'gone', 'none', 'str'], ['TYPE', 'zset'], ['TYPE', 'gone'], ['TTL', 'str'],
  ['EXPIRETIME', 'ttl'], ['PEXPIRETIME', 'ttl'], ['PEXPIRETIME', 'str'], ['TTL', 'none'], ['DBSIZE'],
  ['OBJECT', 'ENCODING', 'int'], ['OBJECT', 'ENCODING', 'long'], ['OBJECT', 'ENCODING', 'bighash'], ['OBJECT', 'ENCODING', 'iset'],
  ['OBJECT', 'ENCODING', 'bigz'], ['OBJECT', 'ENCODING', 'hll'], ['OBJECT', 'ENCODING', 'none'],
  ['LRANGE', 'list', '1', '-2'], ['LRANGE', 'list', '5', '10'], ['LLEN', 'list'], ['LINDEX', 'list', '-1'], ['LPOS', 'list', 'b', 'RANK', '-1'],
  ['HGET', 'hash', 'f1'], ['HMGET', 'hash', 'f1', 'none', 'n'], ['HGETALL', 'hash'], ['HLEN', 'bighash'], ['HEXISTS', 'hash', 'f2'],
  ['HKEYS', 'hash'], ['HVALS', 'hash'], ['HSTRLEN', 'hash', 'f1'], ['HSCAN', 'hash', '0'], ['HSCAN', 'hash', '0', 'MATCH', 'f*'],
  ['SMEMBERS', 'iset'], ['SISMEMBER', 'iset', '5'], ['SMISMEMBER', 'iset', '5', '6'], ['SCARD', 'bigset'], ['SSCAN', 'iset', '0', 'COUNT', '1'],
  ['SINTERCARD', '2', 'iset', 'bigset'], ['SSCAN', 'iset', 'x'],
  ['ZRANGE', 'zset', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'zset', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '2'], ['ZRANGE', 'lex', '[b', '+', 'BYLEX', 'REV'],
  ['ZREVRANGE', 'zset', '0', '1', 'WITHSCORES'], ['ZRANGEBYSCORE', 'bigz', '10', '(12', 'WITHSCORES'], ['ZSCORE', 'bigz', 'm1'],
  ['ZMSCORE', 'zset', 'top', 'c', 'none'], ['ZCARD', 'bigz'], ['ZRANK', 'zset', 'bb'], ['ZREVRANK', 'zset', 'bb'], ['ZCOUNT', 'bigz', '(1', '5'],
  ['ZLEXCOUNT', 'lex', '-', '[c'], ['ZSCAN', 'zset', '0'], ['ZRANGE', 'zset', '0', '1', 'LIMIT', '0', '1'],
  ['GETBIT', 'bits', '4'], ['BITCOUNT', 'bits'], ['BITCOUNT', 'bits', '1', '2'], ['BITCOUNT', 'bits', '5', '20', 'BIT'], ['BITPOS', 'bits', '1', '1'],
  ['BITFIELD_RO', 'bits', 'GET', 'u4', '0', 'GET', 'i8', '#1'], ['PFCOUNT', 'hll'], ['PFCOUNT', 'hll', 'none'], ['PFCOUNT', 'str'],
  ['GEOPOS', 'geo', 'Palermo'], ['GEODIST', 'geo', 'Palermo', 'Catania', 'km'],
  ['GEOSEARCH', 'geo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC', 'WITHCOORD', 'WITHDIST'],
  ['KEYS', 'b*'], ['SCAN', '0', 'MATCH', 'nomatch*'], ['SCAN', '0', 'TYPE', 'foo'], ['SCAN', 'abc'], ['SCAN', '0', 'COUNT', '0'],
  ['GET'], ['HGET', 'hash'], ['ZRANGE', 'zset', '0'], ['FOOBAR', 'a'], ['SET', 'k', 'v'],
];

/** KEYS order and SCAN cursors are hash-table artefacts in redis-server: compare the key sets. */
function comparable(cmd: string[], reply: unknown): unknown {
  const name = cmd[0]!.toUpperCase();
  if (name === 'KEYS' && Array.isArray(reply)) return [...(reply as string[])].sort();
  if (name === 'SCAN' && Array.isArray(reply)) return [...(reply[1] as string[])].sort();
  return reply;
}

test('read commands answer as redis-server does on the same replicated data', async () => {
  let expected: unknown[] = [];
  const captured = await captureReplicationStream(async (plain) => {
    const port = Number(((await plain.call('CONFIG', 'GET', 'port')) as string[])[1]);
    const client = await RedisClient.connect(port, '127.0.0.1', { returnBuffers: true });
    try {
      for (const c of SETUP) await client.send(...c.map((a) => Buffer.from(a, 'latin1')));
      await new Promise((r) => setTimeout(r, 100));
      const run = serverRunner(client);
      expected = [];
      for (const r of READS) expected.push(r[0] === 'SET' ? { error: "READONLY You can't write against a read only replica." } : await run(r));
    } finally {
      client.close();
    }
  });
  const ks = new Keyspace(16);
  const bad = applyCommands(ks, parseCommands(captured.bytes)).filter((a) => a.outcome.kind !== 'ok');
  assert.deepEqual(bad, []);
  const run = keyspaceRunner(ks, () => 0);
  const diffs: string[] = [];
  for (let i = 0; i < READS.length; i++) {
    const mine = comparable(READS[i]!, await run(READS[i]!));
    if (JSON.stringify(mine) !== JSON.stringify(comparable(READS[i]!, expected[i]))) diffs.push(`${READS[i]!.join(' ')}: ${JSON.stringify(mine)} != ${JSON.stringify(expected[i])}`);
  }
  assert.deepEqual(diffs, []);
});
