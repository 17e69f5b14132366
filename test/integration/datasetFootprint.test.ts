// Dataset footprints (issue 11): a replica that keeps no dataset replicates
// exactly as one that keeps every value, against a real master; `auto` under a
// heap too small for the master's dataset keeps no keys and says why; an
// explicit `full` under that heap is switched to none by the load's guard
// before the heap runs out (one full sync, no retry loop on the master); a
// wrong estimate caught by the guard switches the load down, and a dataset
// that outgrows the heap while the stream is applied does too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NO_DATASET_ERROR } from '../../src/keyspace/keyspace';
import type { MemoryBudget } from '../../src/engine/footprint';
import { ReplState } from '../../src/engine/states';
import { RedisClient } from '../../src/net/redisClient';
import { CliProcess } from '../support/cliProcess';
import { freePort, RedisServer, waitFor } from '../support/redisServer';
import { logShape, offsetOf, replyError, SHARED_FIELDS, transitionShape } from '../support/footprintCompare';
import { ReplicaUnderTest } from '../support/replicaUnderTest';

describe('dataset none replicates exactly as dataset full', () => {
  let master: RedisServer;
  let m: RedisClient;
  let full: ReplicaUnderTest;
  let none: ReplicaUnderTest;

  before(async () => {
    master = await RedisServer.start({ args: ['--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'] });
    m = await master.client();
    await m.send('DEBUG', 'POPULATE', '20000', 'key', '32');
    for (let i = 0; i < 200; i++) await m.send('HSET', `h:${i}`, 'a', String(i), 'b', 'x');
    const replicaof = { host: '127.0.0.1', port: master.port };
    full = await ReplicaUnderTest.start({ replicaof, dataset: 'full' });
    none = await ReplicaUnderTest.start({ replicaof, dataset: 'none' });
  });

  after(async () => {
    m.close();
    await full.hosted.stop();
    await none.hosted.stop();
    await master.stop();
  });

  test('same transitions, offsets, INFO replication and log lines through a full sync, the stream and a partial resync', async () => {
    for (const r of [full, none]) await waitFor('CONNECTED', () => r.state === ReplState.CONNECTED, 20_000);
    for (let i = 0; i < 300; i++) {
      await m.send('SET', `s:${i}`, 'v'.repeat(i % 50));
      await m.send('LPUSH', 'list', String(i));
      if (i % 10 === 0) await m.send('EXPIRE', `s:${i}`, '1000');
      if (i % 7 === 0) await m.send('DEL', `key:${i}`);
    }
    // Both links dropped by the master: each replica resumes with PSYNC from its cached master.
    await m.send('CLIENT', 'KILL', 'TYPE', 'replica');
    for (const r of [full, none]) await r.waitForLog('Successful partial resynchronization with master.', 20_000);
    for (let i = 0; i < 100; i++) await m.send('INCR', 'counter');
    const target = await offsetOf(m, 'master_repl_offset');
    const clients = [await full.client(), await none.client()];
    try {
      for (const c of clients) await waitFor('caught up', async () => (await offsetOf(c, 'slave_repl_offset')) === target, 15_000);
      const [fi, ni] = [await clients[0]!.info('replication'), await clients[1]!.info('replication')];
      for (const field of SHARED_FIELDS) assert.equal(ni.get(field), fi.get(field), `INFO replication ${field}`);
      assert.deepEqual(transitionShape(none), transitionShape(full));
      assert.deepEqual(logShape(none), logShape(full));
      // A configured footprint adds no line: the log stays redis-server's.
      assert.equal(full.hasLog('Dataset footprint'), false);
      assert.equal(none.hasLog('Dataset footprint'), false);
      assert.equal(none.logs.find((l) => l.message.includes('keys loaded'))?.message, full.logs.find((l) => l.message.includes('keys loaded'))?.message);

      // What each keeps: full answers as the master does; none says it keeps nothing, never an empty answer.
      const [fc, nc] = clients as [RedisClient, RedisClient];
      assert.equal(await fc.send('DEBUG', 'DIGEST'), await m.send('DEBUG', 'DIGEST'));
      for (const read of [['GET', 's:1'], ['DBSIZE'], ['DEBUG', 'DIGEST'], ['SCAN', '0'], ['TYPE', 'list']]) {
        assert.equal(await replyError(nc, ...read), NO_DATASET_ERROR, read.join(' '));
      }
      assert.match(String(await nc.send('INFO', 'keyspace')), /replica_debugger_dataset:none \(no keys kept: dataset none is configured\)/);
      assert.match(String(await nc.send('INFO', 'server')), /replica_debugger_dataset:none\r\nreplica_debugger_dataset_reason:dataset none is configured\r\n/);
      assert.equal(none.engine.keyspace.keyCount(), 0);
      // Errors a client gets regardless of the dataset stay Redis's own.
      assert.match(await replyError(nc, 'SET', 'k', 'v'), /^READONLY/);
      assert.match(await replyError(nc, 'GET'), /wrong number of arguments/);
    } finally {
      for (const c of clients) c.close();
    }
  });
});

/** A CLI replica on `port`, synced, that keeps no keys (and says so). */
async function expectLinkUpWithoutDataset(port: number): Promise<void> {
  const c = await RedisClient.connect(port);
  try {
    assert.equal((await c.info('replication')).get('master_link_status'), 'up');
    assert.equal(await replyError(c, 'DBSIZE'), NO_DATASET_ERROR);
  } finally {
    c.close();
  }
}

describe('dataset auto and the heap guard', () => {
  /** About 90 MB in redis-server: far past a 40 MB old generation. */
  const BIG = 600_000;
  let master: RedisServer;
  let m: RedisClient;

  before(async () => {
    master = await RedisServer.start({ args: ['--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'] });
    m = await master.client();
    await m.send('DEBUG', 'POPULATE', String(BIG), 'key', '64');
  });

  after(async () => {
    m.close();
    await master.stop();
  });

  test('auto under a heap smaller than the master\'s dataset keeps no keys, syncs, and says why', async () => {
    const port = await freePort();
    const cli = CliProcess.start(['--port', String(port), '--replicaof', '127.0.0.1', String(master.port)], ['--max-old-space-size=40']);
    try {
      await cli.waitForOutput(/Dataset footprint none: the master's dataset \(\d+ MB in redis-server, by the RDB's used-mem\) should take about \d+ MB here, more than 75% of the \d+ MB this process may still use/, 20_000);
      await cli.waitForOutput(`Done loading RDB, keys loaded: ${BIG}`, 30_000);
      await cli.waitForOutput('MASTER <-> REPLICA sync: Finished with success', 30_000);
      await expectLinkUpWithoutDataset(port);
    } finally {
      await cli.stop();
    }
  });

  test('dataset full under that heap: the guard switches the load to none before the heap runs out, once, and the process lives', async () => {
    const syncsBefore = Number((await m.info('stats')).get('sync_full'));
    const port = await freePort();
    const cli = CliProcess.start(['--port', String(port), '--replicaof', '127.0.0.1', String(master.port), '--dataset', 'full'], ['--max-old-space-size=40']);
    try {
      await cli.waitForOutput(/Dataset footprint none: dataset full is configured but cannot be kept: switched from full during the load, after \d+ keys: \d+ MB of its \d+ MB heap was in use, past the guard's 85% \(before: dataset full is configured\); the keys held so far are dropped, replication goes on/, 30_000);
      await cli.waitForOutput('MASTER <-> REPLICA sync: Finished with success', 30_000);
      assert.doesNotMatch(cli.output, /heap out of memory|FATAL ERROR/);
      await expectLinkUpWithoutDataset(port);
      // No retry loop: the master forked and sent its dataset once for this replica.
      assert.equal(Number((await m.info('stats')).get('sync_full')) - syncsBefore, 1);
    } finally {
      await cli.stop();
    }
  });

  test('a wrong estimate caught by the guard during the load switches it to none, and the sync completes', async () => {
    // A budget whose estimate fits (900 MB free) and which then reports the heap past the guard (85%) from its third reading.
    let readings = 0;
    const memory: MemoryBudget = { limit: () => 1e9, used: () => (++readings > 2 ? 0.9e9 : 1e8) };
    const r = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: master.port }, dataset: 'auto' }, { memory });
    try {
      await waitFor('CONNECTED', () => r.state === ReplState.CONNECTED, 60_000);
      // Keeping everything is what redis-server does: only the switch is logged, with the estimate it corrects.
      assert.equal(r.hasLog('Dataset footprint full'), false);
      assert.ok(r.hasLog(/^Dataset footprint none: switched from full during the load, after \d+ keys: 858 MB of its 954 MB heap was in use, past the guard's 85% \(before: the master's dataset \(\d+ MB in redis-server, by the RDB's used-mem\) should take about \d+ MB here, within the 858 MB this process may still use\); the keys held so far are dropped, replication goes on$/), r.logText());
      assert.ok(r.hasLog(`Done loading RDB, keys loaded: ${BIG}, keys expired: 0.`));
      assert.equal(r.engine.keyspace.footprint, 'none');
      assert.equal(r.engine.keyspace.keyCount(), 0);
      await m.send('SET', 'after', 'switch');
      const target = await offsetOf(m, 'master_repl_offset');
      await waitFor('caught up', () => r.engine.info.master?.reploff === target, 10_000);
    } finally {
      await r.hosted.stop();
    }
  });
  test('a dataset that outgrows the heap while the stream is applied switches to none, and replication goes on', async () => {
    // The heap is fine through the load; from the moment `tight` is set, past the guard.
    let tight = false;
    const memory: MemoryBudget = { limit: () => 1e9, used: () => (tight ? 0.9e9 : 1e8) };
    const r = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: master.port }, dataset: 'auto' }, { memory });
    try {
      await waitFor('CONNECTED', () => r.state === ReplState.CONNECTED, 60_000);
      assert.equal(r.engine.keyspace.footprint, 'full');
      assert.equal(r.engine.keyspace.keyCount(), Number(await m.send('DBSIZE')));
      tight = true;
      await m.send('SET', 'grows', 'past the heap');
      await r.waitForLog(/^Dataset footprint none: switched from full while applying the stream: 858 MB of its 954 MB heap was in use, past the guard's 85% \(before: the master's dataset .*\); the keys held so far are dropped, replication goes on$/);
      assert.equal(r.engine.keyspace.keyCount(), 0);
      await m.send('SET', 'after', 'switch');
      const target = await offsetOf(m, 'master_repl_offset');
      await waitFor('caught up', () => r.engine.info.master?.reploff === target, 10_000);
      assert.equal(r.state, ReplState.CONNECTED);
    } finally {
      await r.hosted.stop();
    }
  });
});
