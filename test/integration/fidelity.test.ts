// The engine next to a real redis-server replica of the same master: the same
// INFO replication, and the same reaction when its master is promoted.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import { RedisClient } from '../../src/net/redisClient';
import { freePort, RedisServer, waitFor } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';

/** Fields whose values differ legitimately between two replicas, with why. */
const PER_INSTANCE = new Set([
  'master_last_io_seconds_ago', // each replica's own last read, may differ by a second
  'master_link_down_since_seconds', // counted from each one's own start
]);

function compareInfo(real: Map<string, string>, ours: Map<string, string>, exceptions: Set<string>): void {
  assert.deepEqual([...ours.keys()], [...real.keys()], 'same fields in the same order');
  for (const [field, value] of real) {
    if (exceptions.has(field)) continue;
    assert.equal(ours.get(field), value, `field ${field}`);
  }
}

describe('INFO replication next to a real redis-server replica', () => {
  let master: RedisServer;
  let real: RedisServer;
  let replica: ReplicaUnderTest;
  const clients: RedisClient[] = [];
  after(async () => {
    for (const c of clients) c.close();
    await replica?.stop();
    await real?.stop();
    await master?.stop();
  });

  test('a replica of an unreachable master reports the same fields and values', async () => {
    const nowhere = await freePort();
    const lonely = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(nowhere)] });
    const ours = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: nowhere } });
    try {
      await ours.waitForLog('Error condition on socket for SYNC: Connection refused');
      await waitFor('real replica tried', () => lonely.log().includes('Error condition on socket for SYNC: Connection refused'));
      const a = await lonely.client();
      const b = await ours.client();
      const realInfo = await a.info('replication');
      const ourInfo = await b.info('replication');
      a.close();
      b.close();
      // Each server has its own random replication ID.
      compareInfo(realInfo, ourInfo, new Set([...PER_INSTANCE, 'master_replid']));
      assert.equal(ourInfo.get('slave_repl_offset'), '1');
      assert.equal(ourInfo.get('master_link_down_since_seconds'), '-1');
    } finally {
      await ours.stop();
      await lonely.stop();
    }
  });

  test('once both are synced and caught up, every field is equal', async () => {
    master = await RedisServer.start({ args: ['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });
    const admin = await master.client();
    clients.push(admin);
    await admin.call('SET', 'seed', '1');
    real = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
    const realClient = await real.client();
    clients.push(realClient);
    await waitFor('real replica up', async () => (await realClient.info('replication')).get('master_link_status') === 'up');
    replica = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: master.port } });
    await replica.waitForState(ReplState.CONNECTED);

    const pipeline: (string | number)[][] = [];
    for (let i = 0; i < 1000; i++) pipeline.push(['SET', `k:${i}`, 'x'.repeat(i % 100)], ['SELECT', i % 3], ['INCR', 'n']);
    pipeline.push(['SELECT', 0]);
    await admin.pipeline(pipeline);
    const target = Number((await admin.info('replication')).get('master_repl_offset'));
    await waitFor('both caught up', async () =>
      replica.engine.info.master?.reploff === target &&
      (await realClient.info('replication')).get('slave_repl_offset') === String(target));

    const ourClient = await replica.client();
    clients.push(ourClient);
    const realInfo = await realClient.info('replication');
    const ourInfo = await ourClient.info('replication');
    compareInfo(realInfo, ourInfo, PER_INSTANCE);
    assert.equal(ourInfo.get('repl_backlog_first_byte_offset'), realInfo.get('repl_backlog_first_byte_offset'));
    assert.deepEqual(await ourClient.call('ROLE'), await realClient.call('ROLE'));
  });
});

describe('a promoted master answers +CONTINUE with a new replication ID', () => {
  let top: RedisServer;
  let middle: RedisServer;
  let replica: ReplicaUnderTest;
  after(async () => {
    await replica?.stop();
    await middle?.stop();
    await top?.stop();
  });

  test('the old ID moves to replid2 with second_repl_offset, as on a real chained replica', async () => {
    top = await RedisServer.start({ args: ['--repl-diskless-sync-delay', '0'] });
    const topClient = await top.client();
    middle = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(top.port), '--repl-diskless-sync-delay', '0'] });
    const middleClient = await middle.client();
    await waitFor('middle up', async () => (await middleClient.info('replication')).get('master_link_status') === 'up');
    replica = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: middle.port } });
    await replica.waitForState(ReplState.CONNECTED);
    await topClient.call('SET', 'chained', 'v');
    const topOffset = Number((await topClient.info('replication')).get('master_repl_offset'));
    await waitFor('chained replica caught up', () => replica.engine.info.master?.reploff === topOffset);
    const oldId = replica.engine.info.replid;

    await middleClient.call('REPLICAOF', 'NO', 'ONE');
    await replica.waitForLog(/^Master replication ID changed to [0-9a-f]{40}$/);
    await replica.waitForState(ReplState.CONNECTED);
    const promoted = await middleClient.info('replication');
    const info = replica.engine.info;
    assert.equal(info.replid, promoted.get('master_replid'));
    assert.equal(info.replid2, oldId);
    assert.equal(info.replid2, promoted.get('master_replid2'));
    assert.equal(String(info.second_replid_offset), promoted.get('second_repl_offset'));
    assert.ok(replica.hasLog('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.'));
    assert.equal(info.stat_sync_full, 1, 'no second full sync');
    topClient.close();
    middleClient.close();
  });
});
