// A seeded random workload over every type the keyspace commands cover runs
// against a real redis-server master; the replication stream it sends is
// captured and applied to a fresh Keyspace, which must then hold exactly the
// master's data (type, value, absolute expiry of every key in every db) and
// report the encodings a real redis-server replica of that master reports.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Keyspace } from '../../src/keyspace/keyspace';
import { RedisClient } from '../../src/net/redisClient';
import { captureReplicationStream } from '../support/captureStream';
import {
  applyCommands, diffSnapshots, keyspaceRunner, parseCommands, rng, serverRunner, snapshotDb, type DbSnapshot,
} from '../support/keyspaceHarness';
import { RedisServer, sleep, waitFor } from '../support/redisServer';

const DBS = 4;
const SEED = Number(process.env.KEYSPACE_SEED ?? 20240607);
const OPS = Number(process.env.KEYSPACE_OPS ?? 4000);

type Arg = string | Buffer;

/** The workload: one command (or a MULTI block / script) per step, chosen by the seeded generator. */
function workload(seed: number): (() => Arg[][])[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = (k: number): number => Math.floor(r() * k);
  const chance = (p: number): boolean => r() < p;
  const long = (): string => 'L'.repeat(60 + n(20));
  const word = (): string => pick(['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'x', '']);
  const num = (): string => pick(['0', '1', '2', '42', '-7', '100', '9999', '10000', '123456789012', '-0', '007', '3.5']);
  const bin = (): Buffer => Buffer.from([0, 255, 128, n(256), 10, 13]);
  const val = (): Arg => (chance(0.08) ? long() : chance(0.05) ? bin() : chance(0.5) ? num() : word());
  const member = (): string => (chance(0.75) ? String(n(40) - 5) : chance(0.9) ? word() || 'w' : long());
  const key = (t: string, k = 6): string => `${t}:${n(k)}`;
  const score = (): string => pick(['1', '2.5', '-3', '0', '1e3', '+inf', '-inf', '0.1', '7', String(n(100))]);
  const ttl = (): string => String(100_000 + n(100_000));
  const steps: (() => Arg[][])[] = [];
  const one = (f: () => Arg[]): void => void steps.push(() => [f()]);

  // strings
  one(() => ['SET', key('s'), val()]);
  one(() => ['SET', key('s'), val(), 'EX', ttl()]);
  one(() => ['SET', key('s'), val(), 'PX', '40']); // expires on the master: DEL arrives
  one(() => ['SET', key('s'), val(), pick(['NX', 'XX', 'KEEPTTL', 'GET'])]);
  one(() => ['SET', key('s'), val(), 'XX', 'GET', 'PXAT', String(Date.now() + 500_000)]);
  one(() => ['SETEX', key('s'), ttl(), val()]);
  one(() => ['PSETEX', key('s'), ttl(), val()]);
  one(() => ['SETNX', key('s'), val()]);
  one(() => ['GETSET', key('s'), val()]);
  one(() => ['GETDEL', key('s')]);
  one(() => ['GETEX', key('s'), ...pick([['EX', ttl()], ['PERSIST'], ['PXAT', String(Date.now() + 300_000)], []])]);
  one(() => ['MSET', key('s'), val(), key('s'), val()]);
  one(() => ['MSETNX', key('s', 12), val(), key('s', 12), val()]);
  one(() => ['APPEND', key('s'), val()]);
  one(() => ['SETRANGE', key('s'), String(n(20)), val()]);
  one(() => [pick(['INCR', 'DECR']), key('n', 4)]);
  one(() => [pick(['INCRBY', 'DECRBY']), key('n', 4), String(n(1000) - 500)]);
  one(() => ['INCRBYFLOAT', key('f', 4), pick(['0.1', '1.5', '-2.25', '1e3', '3', '0.3333333333333333'])]);
  one(() => ['SETBIT', key('b', 3), String(n(200)), String(n(2))]);
  one(() => ['BITOP', pick(['AND', 'OR', 'XOR']), key('b', 3), key('b', 3), key('b', 3)]);
  one(() => ['BITOP', 'NOT', key('b', 3), key('b', 3)]);
  one(() => ['BITFIELD', key('b', 3), 'OVERFLOW', pick(['WRAP', 'SAT', 'FAIL']), 'INCRBY', pick(['i8', 'u4', 'i16', 'u7']), String(n(64)), String(n(300) - 150), 'SET', 'u8', `#${n(8)}`, String(n(256))]);
  // generic keys
  one(() => [pick(['DEL', 'UNLINK']), key(pick(['s', 'l', 'h', 'S', 'z'])), key('s')]);
  one(() => { const t = pick(['s', 'l', 'h', 'S', 'z', 'n']); return [pick(['RENAME', 'RENAMENX']), key(t), key(t)]; });
  one(() => { const t = pick(['s', 'l', 'h', 'S', 'z', 'hll']); return ['COPY', key(t), key(t), ...(chance(0.5) ? ['DB', String(n(DBS))] : []), ...(chance(0.5) ? ['REPLACE'] : [])]; });
  one(() => ['MOVE', key(pick(['s', 'l', 'h', 'S', 'z'])), String(n(DBS))]);
  one(() => ['EXPIRE', key(pick(['s', 'l', 'h', 'S', 'z'])), ttl(), ...(chance(0.5) ? [pick(['NX', 'XX', 'GT', 'LT'])] : [])]);
  one(() => ['PEXPIRE', key(pick(['s', 'l', 'h', 'S', 'z'])), chance(0.2) ? '30' : ttl() + '000']);
  one(() => ['EXPIREAT', key(pick(['s', 'l', 'z'])), String(Math.floor(Date.now() / 1000) + 400_000)]);
  one(() => ['PERSIST', key(pick(['s', 'l', 'h', 'S', 'z']))]);
  steps.push(() => (chance(0.05) ? [['SWAPDB', String(n(DBS)), String(n(DBS))]] : [['PERSIST', 'none']]));
  steps.push(() => (chance(0.01) ? [['FLUSHDB', pick(['ASYNC', 'SYNC'])]] : [['PERSIST', 'none']]));
  // lists
  one(() => [pick(['LPUSH', 'RPUSH']), key('l'), val(), ...(chance(0.3) ? [val(), val()] : [])]);
  one(() => [pick(['LPUSHX', 'RPUSHX']), key('l'), val()]);
  one(() => ['LINSERT', key('l'), pick(['BEFORE', 'AFTER']), num(), val()]);
  one(() => ['LSET', key('l'), String(n(6) - 3), val()]);
  one(() => ['LREM', key('l'), String(n(5) - 2), num()]);
  one(() => ['LTRIM', key('l'), String(n(4)), String(n(12) - 3)]);
  one(() => [pick(['LPOP', 'RPOP']), key('l'), ...(chance(0.5) ? [String(n(3))] : [])]);
  one(() => ['RPOPLPUSH', key('l'), key('l')]);
  one(() => ['LMOVE', key('l'), key('l'), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])]);
  one(() => ['BLPOP', key('l'), key('l'), '0.01']);
  one(() => ['BLMOVE', key('l'), key('l'), 'RIGHT', 'LEFT', '0.01']);
  one(() => ['LMPOP', '2', key('l'), key('l'), pick(['LEFT', 'RIGHT']), 'COUNT', String(1 + n(3))]);
  // hashes
  one(() => ['HSET', key('h'), word() || 'f', val(), ...(chance(0.3) ? [String(n(200)), val()] : [])]);
  one(() => ['HMSET', key('h'), String(n(10)), val()]);
  one(() => ['HSETNX', key('h'), String(n(10)), val()]);
  one(() => ['HDEL', key('h'), String(n(10)), word() || 'f']);
  one(() => ['HINCRBY', key('hn', 3), String(n(5)), String(n(100) - 50)]);
  one(() => ['HINCRBYFLOAT', key('hn', 3), 'fl' + n(3), pick(['0.1', '2.5e2', '-1.125', '1'])]);
  // sets
  one(() => ['SADD', key('S'), member(), ...(chance(0.3) ? [member(), member(), member()] : [])]);
  one(() => ['SADD', key('S'), ...Array.from({ length: 30 }, () => String(n(2000)))]);
  one(() => ['SREM', key('S'), member(), member()]);
  one(() => ['SMOVE', key('S'), key('S'), member()]);
  one(() => ['SPOP', key('S'), ...(chance(0.6) ? [String(n(4))] : [])]);
  one(() => [pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), key('S'), key('S'), key('S')]);
  // sorted sets
  one(() => ['ZADD', key('z'), ...(chance(0.3) ? [pick(['NX', 'XX', 'GT', 'LT', 'CH'])] : []), score(), member(), ...(chance(0.3) ? [score(), member()] : [])]);
  one(() => ['ZADD', key('z'), 'INCR', score(), member()]);
  one(() => ['ZINCRBY', key('z'), pick(['1', '0.1', '-2.5', '1e-3']), member()]);
  one(() => ['ZREM', key('z'), member(), member()]);
  one(() => ['ZREMRANGEBYSCORE', key('z'), pick(['-inf', '(1', '0']), pick(['2', '(5', '+inf'])]);
  one(() => ['ZREMRANGEBYRANK', key('z'), String(n(3)), String(n(3))]);
  // Lex ranges only over equal scores: with mixed scores redis-server's answer
  // depends on its skiplist's random levels (the keyspace reports a divergence).
  one(() => ['ZADD', key('zl', 3), '0', member(), '0', member()]);
  one(() => ['ZREMRANGEBYLEX', key('zl', 3), pick(['-', '[1', '(a']), pick(['+', '[3', '(b'])]);
  one(() => ['ZRANGESTORE', key('z'), key('zl', 3), pick(['[1', '-', '(3']), pick(['+', '[5', '(b']), 'BYLEX', ...(chance(0.5) ? ['LIMIT', String(n(3)), String(n(4) - 1)] : [])]);
  one(() => [pick(['ZPOPMIN', 'ZPOPMAX']), key('z'), ...(chance(0.5) ? [String(n(3))] : [])]);
  one(() => [pick(['BZPOPMIN', 'BZPOPMAX']), key('z'), '0.01']);
  one(() => ['ZMPOP', '1', key('z'), pick(['MIN', 'MAX']), 'COUNT', String(1 + n(2))]);
  one(() => [pick(['ZUNIONSTORE', 'ZINTERSTORE']), key('z'), '2', key('z'), key('S'), ...(chance(0.5) ? ['WEIGHTS', '2', '0.5'] : []), ...(chance(0.5) ? ['AGGREGATE', pick(['SUM', 'MIN', 'MAX'])] : [])]);
  one(() => ['ZDIFFSTORE', key('z'), '2', key('z'), key('z')]);
  one(() => ['ZRANGESTORE', key('z'), key('z'), ...pick([['0', '-1'], ['(1', '+inf', 'BYSCORE', 'LIMIT', '0', '3'], ['5', '0', 'BYSCORE', 'REV']])]);
  one(() => ['ZADD', key('z'), ...Array.from({ length: 40 }, (_, i) => [String(i), `m${n(200)}`]).flat()]);
  // HyperLogLog
  one(() => ['PFADD', key('hll', 3), ...Array.from({ length: 1 + n(60) }, () => `e${n(100_000)}`)]);
  one(() => ['PFCOUNT', key('hll', 3)]);
  one(() => ['PFMERGE', key('hll', 4), key('hll', 4), key('hll', 4)]);
  // geo
  one(() => ['GEOADD', key('g', 2), String(13 + r() * 3), String(37 + r() * 2), `p${n(30)}`]);
  one(() => ['GEOSEARCHSTORE', key('gz', 2), key('g', 2), 'FROMLONLAT', '15', '37', 'BYRADIUS', String(50 + n(200)), 'km', 'ASC', ...(chance(0.5) ? ['COUNT', String(1 + n(5))] : []), ...(chance(0.5) ? ['STOREDIST'] : [])]);
  one(() => ['GEORADIUS', key('g', 2), '15', '37', String(100 + n(200)), 'km', 'STORE', key('gz', 2)]);
  // transactions and scripts: several writes arrive as MULTI … EXEC
  steps.push(() => [['MULTI'], ['RPUSH', key('l'), val()], ['SADD', key('S'), member()], ['INCR', key('n', 4)], ['EXEC']]);
  steps.push(() => [['EVAL', "redis.call('rpush', KEYS[1], ARGV[1]); redis.call('sadd', KEYS[2], ARGV[1]); redis.call('zincrby', KEYS[3], 1.5, ARGV[1])", '3', key('l'), key('S'), key('z'), member()]]);
  steps.push(() => [['EVAL', "redis.call('set', KEYS[1], ARGV[1], 'EX', 500000); return redis.call('incrbyfloat', KEYS[2], '0.5')", '2', key('s'), key('f', 4), val()]]);
  // RESTORE of strings (DUMP on the master first)
  steps.push(() => [['DUMP', key('s')]]);
  steps.push(() => [['SELECT', String(n(DBS))]]);
  return steps;
}

async function runWorkload(client: RedisClient, seed: number, ops: number): Promise<void> {
  const r = rng(seed ^ 0x5eed);
  const steps = workload(seed);
  for (let i = 0; i < ops; i++) {
    const cmds = steps[Math.floor(r() * steps.length)]!();
    if (cmds[0]![0] === 'DUMP') {
      const payload = await client.send(...cmds[0]!);
      if (Buffer.isBuffer(payload)) {
        await client.send('RESTORE', `${String(cmds[0]![1])}:r`, r() < 0.5 ? '0' : '600000', payload, 'REPLACE');
      }
      continue;
    }
    if (cmds.length === 1) await client.send(...cmds[0]!);
    else await client.pipeline(cmds);
  }
}

async function snapshotAll(client: RedisClient): Promise<DbSnapshot[]> {
  const run = serverRunner(client);
  const out: DbSnapshot[] = [];
  for (let db = 0; db < DBS; db++) {
    await client.send('SELECT', db);
    out.push(await snapshotDb(run));
  }
  return out;
}

test('a replica keyspace fed the captured stream of a random workload holds the master data and the replica encodings', async () => {
  let master: DbSnapshot[] = [];
  let replicaSnap: DbSnapshot[] = [];
  let replica: RedisServer | undefined;
  const captured = await captureReplicationStream(async (plain) => {
    const port = Number(((await plain.call('CONFIG', 'GET', 'port')) as string[])[1]);
    replica = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(port)] });
    const client = await RedisClient.connect(port, '127.0.0.1', { returnBuffers: true });
    const rep = await replica.client({ returnBuffers: true });
    try {
      await waitFor('replica link up', async () => String(await rep.call('INFO', 'replication')).includes('master_link_status:up'));
      await runWorkload(client, SEED, OPS);
      // Let the short TTLs pass, then touch every key so the master expires
      // them now (DEL goes into the stream) rather than during the snapshot.
      await sleep(200);
      for (let db = 0; db < DBS; db++) {
        await client.send('SELECT', db);
        await client.send('KEYS', '*');
      }
      master = await snapshotAll(client);
      const offset = async (c: RedisClient) => /master_repl_offset:(\d+)/.exec(String(await c.call('INFO', 'replication')))![1];
      const want = await offset(client);
      await waitFor('replica caught up', async () => (await offset(rep)) === want);
      replicaSnap = await snapshotAll(rep);
    } finally {
      client.close();
      rep.close();
      await replica?.stop();
    }
  }, { timeoutMs: 120_000 });

  const commands = parseCommands(captured.bytes);
  const ks = new Keyspace(16);
  const applied = applyCommands(ks, commands);
  const bad = applied.filter((a) => a.outcome.kind !== 'ok');
  assert.deepEqual(bad.map((b) => `db${b.db} ${b.argv.join(' ').slice(0, 120)} → ${JSON.stringify(b.outcome)}`), [], 'every replicated write applies');
  assert.ok(applied.length > OPS / 2, `the stream carried ${applied.length} writes`);

  const diffs: string[] = [];
  let keys = 0;
  for (let db = 0; db < DBS; db++) {
    const mine = await snapshotDb(keyspaceRunner(ks, () => db));
    keys += mine.size;
    diffs.push(...diffSnapshots(`db${db}`, master[db]!, mine, ['type', 'value', 'pexpiretime']));
    diffs.push(...diffSnapshots(`db${db} (replica)`, replicaSnap[db]!, mine, ['type', 'value', 'encoding']));
  }
  assert.deepEqual(diffs, [], 'no difference with the master (data) and the real replica (encodings)');
  assert.ok(keys > 50, `the workload left ${keys} keys to compare`);
  const forms = new Set(commands.map((c) => c[0]!.toUpperCase()));
  for (const f of ['SET', 'PEXPIREAT', 'DEL', 'SREM', 'LPOP', 'MULTI', 'PFADD', 'ZADD', 'RESTORE']) {
    assert.ok(forms.has(f), `the stream exercised ${f} (saw ${[...forms].sort().join(' ')})`);
  }
});
