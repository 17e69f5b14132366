// A randomised workload of sorted-set writes on large zsets (100k members with
// mixed scores, 20k members of equal score for lex ranges) sent to a live
// master: the keyspace applies the master's stream and its DEBUG DIGEST, and
// its answers to range reads, equal the master's.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runRead } from '../../src/keyspace/commands/registry';
import { Keyspace } from '../../src/keyspace/keyspace';
import { profileById } from '../../src/versions/profiles';
import { RawReplica } from '../support/captureStream';
import { normalizeReply, normalizeValue, parseCommands, StreamApplier } from '../support/keyspaceHarness';
import { RedisServer } from '../support/redisServer';
import { liveServer } from '../support/servers';
import { seeded as rng } from '../support/datasets';


const BIG = 100_000;
const LEX = 20_000;

function workload(seed: number): { setup: string[][]; writes: string[][]; reads: string[][] } {
  const rand = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number): number => Math.floor(rand() * n);
  const member = (): string => `m${int(BIG * 1.2)}`;
  const score = (): string => pick(['inf', '-inf', '-0', '0', String(int(1000)), String(int(2000) / 8 - 100), String((rand() - 0.5) * 1e6), '1e-300']);
  const lexMember = (): string => `w${String(int(LEX * 1.2)).padStart(6, '0')}`;
  const bound = (): string => pick(['-inf', '+inf', String(int(1000) - 100), `(${int(1000) - 100}`]);
  const lexBound = (): string => pick(['-', '+', `[${lexMember()}`, `(${lexMember()}`]);
  const setup: string[][] = [];
  for (let i = 0; i < BIG; i += 1000) {
    const cmd = ['ZADD', 'big'];
    for (let j = i; j < i + 1000; j++) cmd.push(score(), `m${j}`);
    setup.push(cmd);
  }
  for (let i = 0; i < LEX; i += 1000) {
    const cmd = ['ZADD', 'lex'];
    for (let j = i; j < i + 1000; j++) cmd.push('0', `w${String(j).padStart(6, '0')}`);
    setup.push(cmd);
  }
  const writes: string[][] = [];
  for (let i = 0; i < 3000; i++) {
    const p = rand();
    if (p < 0.3) {
      const flags = pick([[], ['NX'], ['XX'], ['GT'], ['LT'], ['CH'], ['XX', 'GT', 'CH'], ['NX', 'CH']]);
      const pairs: string[] = [];
      for (let k = 1 + int(4); k > 0; k--) pairs.push(score(), member());
      writes.push(['ZADD', 'big', ...flags, ...pairs]);
    } else if (p < 0.4) writes.push(['ZINCRBY', 'big', String(int(50) - 25), member()]);
    else if (p < 0.45) writes.push(['ZADD', 'big', 'INCR', String(int(10) / 4), member()]);
    else if (p < 0.55) writes.push(['ZREM', 'big', member(), member()]);
    else if (p < 0.62) writes.push([pick(['ZPOPMIN', 'ZPOPMAX']), 'big', String(1 + int(20))]);
    else if (p < 0.65) writes.push(['ZMPOP', '2', 'nokey', 'big', pick(['MIN', 'MAX']), 'COUNT', String(1 + int(5))]);
    else if (p < 0.67) writes.push([pick(['BZPOPMIN', 'BZPOPMAX']), 'big', '1']);
    else if (p < 0.72) {
      const lo = int(1000) - 100;
      writes.push(['ZREMRANGEBYSCORE', 'big', String(lo), `(${lo + int(3)}`]);
    } else if (p < 0.76) {
      const r = int(BIG);
      writes.push(['ZREMRANGEBYRANK', 'big', String(r), String(r + int(30))]);
    } else if (p < 0.78) writes.push(['ZREMRANGEBYRANK', 'big', '-5', '-1']);
    else if (p < 0.83) {
      const a = lexMember();
      writes.push(['ZREMRANGEBYLEX', 'lex', `[${a}`, `(${a}~`]);
    } else if (p < 0.88) writes.push(['ZADD', 'lex', '0', lexMember()]);
    else if (p < 0.92) {
      const r = int(BIG);
      writes.push(['ZRANGESTORE', pick(['dst', 'dstbig']), 'big', String(r), String(r + pick([5, 200]))]);
    } else if (p < 0.95) writes.push(['ZRANGESTORE', 'dst', 'big', bound(), bound(), 'BYSCORE', 'LIMIT', String(int(100)), String(int(300))]);
    else if (p < 0.97) writes.push(['ZRANGESTORE', 'dstlex', 'lex', lexBound(), lexBound(), 'BYLEX', 'LIMIT', '0', String(int(500))]);
    else writes.push(['ZRANGESTORE', 'dstrev', 'big', bound(), bound(), 'BYSCORE', 'REV', 'LIMIT', String(int(10)), '50']);
  }
  const reads: string[][] = [];
  for (let i = 0; i < 200; i++) {
    const r = int(BIG);
    reads.push(pick([
      ['ZRANGE', 'big', String(r), String(r + 9), 'WITHSCORES'],
      ['ZRANGE', 'big', `-${r + 10}`, `-${r + 1}`, 'REV'],
      ['ZRANGE', 'big', bound(), bound(), 'BYSCORE', 'LIMIT', String(int(50)), '10', 'WITHSCORES'],
      ['ZRANGE', 'big', bound(), bound(), 'BYSCORE', 'REV', 'LIMIT', String(int(50)), '10'],
      ['ZRANGE', 'lex', lexBound(), lexBound(), 'BYLEX', 'LIMIT', String(int(5)), '10'],
      ['ZREVRANGEBYLEX', 'lex', lexBound(), lexBound(), 'LIMIT', '0', '5'],
      ['ZCOUNT', 'big', bound(), bound()],
      ['ZLEXCOUNT', 'lex', lexBound(), lexBound()],
      ['ZRANK', 'big', member()],
      ['ZREVRANK', 'big', member()],
      ['ZSCORE', 'big', member()],
      ['ZCARD', 'big'],
    ]));
  }
  return { setup, writes, reads };
}

for (const name of ['debian', 'redis-unstable-2026-06']) {
  describe(`large zsets on ${name}`, () => {
    test('a randomised zset write workload on 100k members leaves the keyspace with the master\'s DEBUG DIGEST and range answers', async () => {
      const live = liveServer(name);
      const master = await RedisServer.start({ binary: live.binary, args: ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });
      const m = await master.client({ returnBuffers: true });
      let raw: RawReplica | null = null;
      try {
        raw = await RawReplica.sync(master.port, 20_000);
        const link = raw;
        const ks = new Keyspace(16, profileById(live.profile)!);
        const applier = new StreamApplier(ks);
        const drain = async (): Promise<void> => {
          const end = Number((await m.info('replication')).get('master_repl_offset'));
          applier.apply(parseCommands(await link.streamUpTo(end)));
        };
        const { setup, writes, reads } = workload(name.length);
        await m.pipeline(setup);
        for (let i = 0; i < writes.length; i += 500) await m.pipeline(writes.slice(i, i + 500));
        await drain();
        assert.deepEqual(applier.applied.filter((a) => a.outcome.kind !== 'ok').map((a) => a.argv.join(' ')), []);
        const ctx = { ks, db: 0, now: Date.now() };
        for (const argv of reads) {
          assert.deepEqual(normalizeValue(runRead(ctx, argv)), normalizeReply(await m.send(...argv)), argv.join(' '));
        }
        for (const key of ['big', 'lex', 'dst', 'dstbig', 'dstlex', 'dstrev']) {
          const argv = ['DEBUG', 'DIGEST-VALUE', key];
          assert.deepEqual(normalizeValue(runRead(ctx, argv)), normalizeReply(await m.send(...argv)), `digest of ${key}`);
        }
        assert.deepEqual(normalizeValue(runRead(ctx, ['DEBUG', 'DIGEST'])), normalizeReply(await m.send('DEBUG', 'DIGEST')));
      } finally {
        m.close();
        raw?.close();
        await master.stop();
      }
    });
  });
}
