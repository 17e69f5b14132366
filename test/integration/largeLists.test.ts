// Random list writes on lists of 100,000+ elements against a real master
// (Debian's redis-server 7.0 and the 8.8 build): one list arrives through the
// RDB (quicklist load), one through the replication stream. A Keyspace loads
// the RDB and applies the stream; its DEBUG DIGEST and every key's
// DIGEST-VALUE must then equal the master's, and the list reads (LLEN, LINDEX,
// LRANGE, LPOS) and OBJECT ENCODING answer as the master answers.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { runRead } from '../../src/keyspace/commands/registry';
import { Keyspace } from '../../src/keyspace/keyspace';
import { loadDecodedKey } from '../../src/keyspace/load';
import { profileById } from '../../src/versions/profiles';
import { RawReplica } from '../support/captureStream';
import { normalizeReply, normalizeValue, parseCommands, rng, StreamApplier } from '../support/keyspaceHarness';
import { decodeAll, keysOf } from '../support/rdbDecode';
import { RedisServer } from '../support/redisServer';
import { liveServer } from '../support/servers';

const SEED = Number(process.env.LARGE_LIST_SEED ?? 20261207);
const SIZE = 100_000;
const STEPS = 1500;

type Cmd = string[];

/** RPUSHes that build a list of `n` mixed elements (small ints, short words, some longer strings). */
function fill(key: string, n: number, r: () => number): Cmd[] {
  const out: Cmd[] = [];
  for (let i = 0; i < n; i += 5000) {
    const cmd = ['RPUSH', key];
    for (let j = i; j < Math.min(n, i + 5000); j++) cmd.push(r() < 0.5 ? String(j % 1000) : r() < 0.9 ? `e${j % 97}` : 'L'.repeat(100 + (j % 200)));
    out.push(cmd);
  }
  return out;
}

/** The workload on the two big lists and a small one that LMOVE feeds. */
function workload(r: () => number): Cmd[] {
  const n = (k: number): number => Math.floor(r() * k);
  const pick = <T>(xs: readonly T[]): T => xs[n(xs.length)]!;
  const key = (): string => pick(['big:loaded', 'big:streamed', 'big:streamed', 'big:loaded', 'small']);
  const val = (): string => (r() < 0.4 ? String(n(1000)) : r() < 0.9 ? `e${n(97)}` : r() < 0.95 ? 'L'.repeat(100 + n(300)) : 'H'.repeat(9000 + n(1000)));
  const index = (): string => String(pick([n(50), -1 - n(50), n(SIZE), -1 - n(SIZE), n(200_000) - 100_000]));
  const steps: (() => Cmd)[] = [
    () => [pick(['LPUSH', 'RPUSH']), key(), ...Array.from({ length: 1 + n(4) }, val)],
    () => [pick(['LPUSHX', 'RPUSHX']), key(), val()],
    () => [pick(['LPOP', 'RPOP']), key(), String(1 + n(30))],
    () => [pick(['LPOP', 'RPOP']), key()],
    () => ['LMOVE', key(), key(), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])],
    () => ['RPOPLPUSH', key(), key()],
    () => ['BLMOVE', key(), key(), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT']), '0.01'],
    () => [pick(['BLPOP', 'BRPOP']), key(), key(), '0.01'],
    () => ['LMPOP', '2', key(), key(), pick(['LEFT', 'RIGHT']), 'COUNT', String(1 + n(10))],
    () => ['LINSERT', key(), pick(['BEFORE', 'AFTER']), `e${n(97)}`, val()],
    () => ['LSET', key(), index(), val()],
    () => ['LREM', key(), String(n(9) - 4), `e${n(97)}`],
    // Trims that keep the lists large: a few elements off either end.
    () => ['LTRIM', key(), String(n(20)), String(-1 - n(20))],
  ];
  return Array.from({ length: STEPS }, () => pick(steps)());
}

async function compare(serverName: string): Promise<void> {
  const live = liveServer(serverName);
  const profile = profileById(live.profile)!;
  const r = rng(SEED);
  const master = await RedisServer.start({
    binary: live.binary,
    args: ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'],
  });
  const m = await master.client({ returnBuffers: true });
  let raw: RawReplica | null = null;
  try {
    for (const cmd of fill('big:loaded', SIZE + 20_000, r)) await m.call(...cmd);
    raw = await RawReplica.sync(master.port, 30_000);
    const run = decodeAll(raw.rdb, undefined, { maxVersion: profile.rdbVersion, product: profile.product });
    assert.equal(run.end.status, 'done');
    const ks = new Keyspace(16, profile);
    for (const k of keysOf(run)) loadDecodedKey(ks, k);
    const applier = new StreamApplier(ks);
    const cmds = [...fill('big:streamed', SIZE + 20_000, r), ['RPUSH', 'small', 'a', 'b', 'c'], ...workload(r)];
    for (let i = 0; i < cmds.length; i += 250) await m.pipeline(cmds.slice(i, i + 250));
    const end = Number((await m.info('replication')).get('master_repl_offset'));
    applier.apply(parseCommands(await raw.streamUpTo(end)));
    const failed = applier.applied.filter((a) => a.outcome.kind !== 'ok').map((a) => `${a.argv.slice(0, 3).join(' ')} → ${JSON.stringify(a.outcome)}`);
    assert.deepEqual(failed, [], 'every replicated write applies');

    const ours = (argv: string[]): unknown => normalizeValue(runRead({ ks, db: 0, now: Date.now() }, argv));
    const theirs = async (argv: string[]): Promise<unknown> => normalizeReply(await m.send(...argv));
    assert.deepEqual(ours(['DEBUG', 'DIGEST']), await theirs(['DEBUG', 'DIGEST']), 'DEBUG DIGEST');
    const keys = ((await theirs(['KEYS', '*'])) as string[]).sort();
    assert.deepEqual((ours(['KEYS', '*']) as string[]).sort(), keys);
    let large = 0;
    for (const k of keys) {
      assert.deepEqual(ours(['DEBUG', 'DIGEST-VALUE', k]), await theirs(['DEBUG', 'DIGEST-VALUE', k]), `${k} DIGEST-VALUE`);
      const len = Number(await theirs(['LLEN', k]));
      assert.deepEqual(ours(['LLEN', k]), len, `${k} LLEN`);
      if (len >= SIZE) large++;
      assert.deepEqual(ours(['OBJECT', 'ENCODING', k]), await theirs(['OBJECT', 'ENCODING', k]), `${k} OBJECT ENCODING`);
      const reads: string[][] = [
        ['LINDEX', k, String(Math.floor(len / 2))], ['LINDEX', k, '-3'], ['LINDEX', k, '1'],
        ['LRANGE', k, String(Math.floor(len / 3)), String(Math.floor(len / 3) + 9)], ['LRANGE', k, '-12', '-2'],
        ['LPOS', k, 'e5', 'RANK', '-2', 'COUNT', '3'], ['LPOS', k, 'e7', 'MAXLEN', '1000'],
      ];
      for (const argv of reads) assert.deepEqual(ours(argv), await theirs(argv), argv.join(' '));
    }
    assert.equal(large, 2, 'both big lists stayed at 100,000+ elements');
  } finally {
    raw?.close();
    m.close();
    await master.stop();
  }
}

describe('list writes on 100,000-element lists', () => {
  for (const name of ['debian', 'redis-unstable-2026-06']) {
    test(`${name}: the replica's DEBUG DIGEST, DIGEST-VALUEs and list reads equal the master's after random writes`, async () => {
      await compare(name);
    });
  }
});
