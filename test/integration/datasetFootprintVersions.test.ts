// Dataset footprints across the version matrix (issue 11): on the sync paths
// the 7.0 comparison does not take, a `full` and a `none` replica of the same
// live master, emulating its version, replicate alike: the same transitions,
// log lines and INFO replication; full holds the master's dataset (DEBUG
// DIGEST), none keeps no key and says so. Redis 8.8's rdb channel and Valkey
// 8.0's dual channel with writes buffered during the load, Redis 7.2's swapdb
// diskless load, and a master stall that fires repl-timeout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ReplicaConfig } from '../../src/config/replicaConfig';
import { ReplState } from '../../src/engine/states';
import { NO_DATASET_ERROR } from '../../src/keyspace/keyspace';
import type { RedisClient } from '../../src/net/redisClient';
import { logShape, offsetOf, replyError, SHARED_FIELDS, transitionShape } from '../support/footprintCompare';
import { RedisServer, sleep, waitFor } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';
import { liveServer, type LiveServer } from '../support/servers';
import { infoOf } from '../support/versionMatrix';

/** A master of one live build and two replicas of it that differ only in their footprint. */
interface Pair {
  master: RedisServer;
  m: RedisClient;
  full: ReplicaUnderTest;
  none: ReplicaUnderTest;
}

/**
 * Both replicas join one fork (the master waits for two, up to 5 s), so both
 * syncs start at the same offset and their backlogs match field for field.
 */
const ONE_FORK_FOR_BOTH = ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '5', '--repl-diskless-sync-max-replicas', '2'];

async function startMaster(server: LiveServer, args: string[], keys: number): Promise<{ master: RedisServer; m: RedisClient }> {
  const master = await RedisServer.start({ binary: server.binary, args: ['--enable-debug-command', 'yes', ...args] });
  const m = await master.client();
  await m.send('DEBUG', 'POPULATE', String(keys), 'key', '32');
  await m.pipeline(Array.from({ length: 100 }, (_, i) => ['HSET', `h:${i}`, 'a', String(i), 'b', 'x']));
  return { master, m };
}

async function startReplicas(server: LiveServer, master: RedisServer, config: Partial<ReplicaConfig>): Promise<{ full: ReplicaUnderTest; none: ReplicaUnderTest }> {
  const common: Partial<ReplicaConfig> = { replicaof: { host: '127.0.0.1', port: master.port }, emulate: server.profile, 'enable-debug-command': 'yes', ...config };
  const [full, none] = await Promise.all([
    ReplicaUnderTest.start({ ...common, dataset: 'full' }),
    ReplicaUnderTest.start({ ...common, dataset: 'none' }),
  ]);
  return { full, none };
}

/** Writes on the master (its own client) until `done` says stop: lists, strings, counters, expiries, deletions. */
async function writeUntil(master: RedisServer, done: () => boolean, limitMs: number): Promise<void> {
  const writer = await master.client();
  const deadline = Date.now() + limitMs;
  let batches = 0;
  try {
    while (!done() && Date.now() < deadline) {
      const b = batches++;
      await writer.pipeline(Array.from({ length: 40 }, (_, k) => {
        const i = b * 40 + k;
        if (k % 4 === 0) return ['LPUSH', 'during', 'x'.repeat(64)];
        if (k % 4 === 1) return ['INCR', 'during:counter'];
        if (k % 4 === 2) return ['SET', `during:${i % 500}`, String(i), 'EX', '1000'];
        return ['DEL', `key:${i % 5000}`];
      }));
      await sleep(5);
    }
  } finally {
    writer.close();
  }
}

async function stopAll(pair: Partial<Pair>): Promise<void> {
  pair.m?.close();
  await pair.full?.stop();
  await pair.none?.stop();
  await pair.master?.stop();
}

/** Tails of both logs on failure: what each replica went through. */
async function explained(pair: Pair, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof Error) err.message += `\n--- full ---\n${pair.full.logText().slice(-3000)}\n--- none ---\n${pair.none.logText().slice(-3000)}`;
    throw err;
  }
}

/**
 * Once both caught up with the master: INFO replication, transitions and log
 * lines alike; full holds the master's dataset, none keeps nothing and says so.
 */
async function assertReplicatedAlike(pair: Pair): Promise<void> {
  const { m, full, none } = pair;
  const target = await offsetOf(m, 'master_repl_offset');
  const [fc, nc] = [await full.client(), await none.client()];
  try {
    for (const c of [fc, nc]) await waitFor('caught up', async () => (await offsetOf(c, 'slave_repl_offset')) === target, 15_000);
    const [fi, ni] = [await fc.info('replication'), await nc.info('replication')];
    assert.equal(fi.get('master_repl_offset'), String(target));
    for (const field of SHARED_FIELDS) assert.equal(ni.get(field), fi.get(field), `INFO replication ${field}`);
    assert.deepEqual(transitionShape(none), transitionShape(full));
    assert.deepEqual(logShape(none), logShape(full));
    // A configured footprint adds no line: both logs stay redis-server's.
    assert.equal(full.hasLog('Dataset footprint'), false);
    assert.equal(none.hasLog('Dataset footprint'), false);

    assert.equal(await fc.send('DEBUG', 'DIGEST'), await m.send('DEBUG', 'DIGEST'));
    assert.equal(none.engine.keyspace.keyCount(), 0);
    for (const read of [['DBSIZE'], ['DEBUG', 'DIGEST'], ['GET', 'during:1']]) {
      assert.equal(await replyError(nc, ...read), NO_DATASET_ERROR, read.join(' '));
    }
  } finally {
    fc.close();
    nc.close();
  }
}

/** The byte count a replica logged when it began applying its local buffer (0 when it logged none). */
function bufferedBytes(r: ReplicaUnderTest, line: RegExp): number {
  const hit = r.logs.map((l) => line.exec(l.message)).find((x) => x !== null);
  return hit ? Number(hit[1]) : 0;
}

interface MultiChannelCase {
  title: string;
  server: string;
  masterArgs: string[];
  replicaConfig: Partial<ReplicaConfig>;
  machine: 'rdb-channel' | 'dual-channel';
  /** The line each replica logs once its local buffer is in its dataset. */
  streamed: string;
  /** INFO's peak of the local buffer, under the version's name. */
  peakField: string;
  /** The line that names the bytes the buffer held, for a version that logs one. */
  heldLine: RegExp | null;
}

/**
 * A multi-channel full sync whose master is slowed (a slow fork keeps the load going) while writes go on,
 * so each replica's local buffer holds stream data that full streams into its dataset and none does not keep.
 */
function multiChannelCase(c: MultiChannelCase): void {
  describe(c.title, () => {
    const server = liveServer(c.server);
    const pair: Partial<Pair> = {};

    before(async () => {
      Object.assign(pair, await startMaster(server, [...ONE_FORK_FOR_BOTH, ...c.masterArgs, '--rdb-key-save-delay', '150'], 5000));
      Object.assign(pair, await startReplicas(server, pair.master!, c.replicaConfig));
    });
    after(() => stopAll(pair));

    test(`same ${c.machine} transitions, buffer, log lines and INFO; full streams the buffer into its dataset, none keeps nothing`, async () => {
      const p = pair as Pair;
      await explained(p, async () => {
        const connected = (): boolean => p.full.state === ReplState.CONNECTED && p.none.state === ReplState.CONNECTED;
        await writeUntil(p.master, connected, 30_000);
        for (const r of [p.full, p.none]) {
          await r.waitForState(ReplState.CONNECTED, 5_000);
          await r.waitForLog(c.streamed, 10_000);
          assert.ok(r.transitions.some((t) => t.machine === c.machine), `the ${c.machine} was used`);
          if (c.heldLine) {
            const held = bufferedBytes(r, c.heldLine);
            assert.ok(held > 0, `the local buffer held the stream written during the load (${held} bytes)`);
          }
          assert.ok(Number((await infoOf(r.port)).get(c.peakField)) > 0, `${c.peakField}: the local buffer held the stream written during the load`);
        }
        await assertReplicatedAlike(p);
      });
    });
  });
}

describe('dataset none replicates as dataset full on every version\'s own sync paths', { concurrency: 1 }, () => {
  multiChannelCase({
    title: 'Redis 8.8 rdb-channel full sync, writes buffered during the load',
    server: 'redis-unstable-2026-06', masterArgs: [], replicaConfig: { 'repl-rdb-channel': true },
    machine: 'rdb-channel', streamed: 'Successfully streamed replication buffer into the db', peakField: 'replica_full_sync_buffer_peak',
    heldLine: /Starting to stream replication buffer into the db \((\d+) bytes\)/,
  });
  multiChannelCase({
    title: 'Valkey 8.0.1 dual-channel full sync, writes buffered during the load',
    server: 'valkey-8.0.1', masterArgs: ['--dual-channel-replication-enabled', 'yes'], replicaConfig: { 'dual-channel-replication-enabled': true },
    machine: 'dual-channel', streamed: 'Successfully streamed replication data into memory', peakField: 'replicas_repl_buffer_peak', heldLine: null,
  });
  describe('Redis 7.2.6 diskless load with repl-diskless-load swapdb', () => {
    const server = liveServer('redis-7.2.6');
    const pair: Partial<Pair> = {};

    before(async () => {
      Object.assign(pair, await startMaster(server, ONE_FORK_FOR_BOTH, 5000));
      Object.assign(pair, await startReplicas(server, pair.master!, { 'repl-diskless-load': 'swapdb' }));
    });
    after(() => stopAll(pair));

    test('same transitions, log lines and INFO through two swapdb loads, the second over a dataset full still holds', async () => {
      const p = pair as Pair;
      await explained(p, async () => {
        const connected = (): boolean => p.full.state === ReplState.CONNECTED && p.none.state === ReplState.CONNECTED;
        await writeUntil(p.master, connected, 30_000);
        for (const r of [p.full, p.none]) await r.waitForState(ReplState.CONNECTED, 5_000);
        await assertReplicatedAlike(p);
        assert.ok(p.full.engine.keyspace.keyCount() > 0);
        // A new replication ID on the master: the replicas' PSYNC is refused and each loads again, swapping its dataset at the end.
        await p.m.send('DEBUG', 'CHANGE-REPL-ID');
        await p.m.send('CLIENT', 'KILL', 'TYPE', 'replica');
        for (const r of [p.full, p.none]) {
          await waitFor('a second swapdb load', () => r.logs.filter((l) => l.message.includes('Swapping active DB with loaded DB')).length === 2, 20_000);
          await r.waitForState(ReplState.CONNECTED, 10_000);
        }
        await p.m.pipeline(Array.from({ length: 100 }, (_, i) => ['INCR', `after:${i % 10}`]));
        await assertReplicatedAlike(p);
        // The second load kept nothing either: the swapped-in dataset carries the footprint over.
        assert.equal(p.none.engine.keyspace.footprint, 'none');
      });
    });
  });

  describe('Redis 7.4.1: a master stopped with SIGSTOP past repl-timeout', () => {
    const server = liveServer('redis-7.4.1');
    const pair: Partial<Pair> = {};

    before(async () => {
      Object.assign(pair, await startMaster(server, [...ONE_FORK_FOR_BOTH, '--repl-ping-replica-period', '1'], 2000));
      Object.assign(pair, await startReplicas(server, pair.master!, { 'repl-timeout': 2 }));
    });
    after(() => stopAll(pair));

    test('both time the master out alike, reconnect, resync partially, and agree after', async () => {
      const p = pair as Pair;
      await explained(p, async () => {
        for (const r of [p.full, p.none]) await r.waitForState(ReplState.CONNECTED, 20_000);
        await p.m.pipeline(Array.from({ length: 200 }, (_, i) => ['SET', `before:${i}`, String(i)]));
        await assertReplicatedAlike(p);
        p.master.pause();
        try {
          for (const r of [p.full, p.none]) await r.waitForLog('MASTER timeout: no data nor PING received...', 10_000);
        } finally {
          // At once: a master resumed within repl-timeout of the reconnect answers its handshake.
          p.master.resume();
        }
        for (const r of [p.full, p.none]) {
          await r.waitForLog('Successful partial resynchronization with master.', 15_000);
          assert.ok(r.transitions.some((t) => t.cause === 'master-timeout'), `a master-timeout transition: ${transitionShape(r).join(', ')}`);
        }
        await p.m.pipeline(Array.from({ length: 200 }, (_, i) => ['INCR', `after:${i % 10}`]));
        await assertReplicatedAlike(p);
      });
    });
  });
});
