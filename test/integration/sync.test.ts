// Full and partial synchronisation against a real redis-server master.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import type { RedisClient } from '../../src/net/redisClient';
import { RedisServer, waitFor } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';

async function masterOffset(client: RedisClient): Promise<number> {
  return Number((await client.info('replication')).get('master_repl_offset'));
}

async function writeBurst(client: RedisClient, n: number): Promise<void> {
  const cmds: (string | number)[][] = [];
  for (let i = 0; i < n; i++) {
    cmds.push(['SET', `burst:${i}`, `value-${i}-${'x'.repeat(i % 50)}`]);
    if (i % 10 === 0) cmds.push(['INCR', 'burst:counter']);
    if (i % 25 === 0) cmds.push(['MULTI'], ['LPUSH', 'burst:list', i], ['SADD', 'burst:set', i], ['EXEC']);
  }
  await client.pipeline(cmds);
}

/** Until the engine has applied everything the master has produced. */
async function waitForCaughtUp(replica: ReplicaUnderTest, client: RedisClient): Promise<number> {
  const target = await masterOffset(client);
  await waitFor(`reploff ${target}`, () => replica.engine.info.master?.reploff === target);
  return target;
}

for (const mode of [
  { name: 'disk master', args: ['--repl-diskless-sync', 'no'], eof: false },
  { name: 'diskless master with delay 0', args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'], eof: true },
  { name: 'diskless master with the default delay', args: ['--repl-diskless-sync', 'yes'], eof: true },
]) {
  describe(`full sync from a ${mode.name}`, () => {
    let master: RedisServer;
    let replica: ReplicaUnderTest;
    let client: RedisClient;
    after(async () => {
      client?.close();
      await replica?.stop();
      await master?.stop();
    });

    test('reaches CONNECTED through every handshake state and TRANSFER', async () => {
      master = await RedisServer.start({ args: mode.args });
      client = await master.client();
      await writeBurst(client, 500);
      replica = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: master.port } });
      await replica.waitForState(ReplState.CONNECTED, 20_000);
      assert.deepEqual(replica.path(), [
        'NONE->CONNECT', 'CONNECT->CONNECTING', 'CONNECTING->RECEIVE_PING_REPLY', 'RECEIVE_PING_REPLY->SEND_HANDSHAKE',
        'SEND_HANDSHAKE->RECEIVE_AUTH_REPLY', 'RECEIVE_AUTH_REPLY->RECEIVE_PORT_REPLY', 'RECEIVE_PORT_REPLY->RECEIVE_IP_REPLY',
        'RECEIVE_IP_REPLY->RECEIVE_CAPA_REPLY', 'RECEIVE_CAPA_REPLY->SEND_PSYNC', 'SEND_PSYNC->RECEIVE_PSYNC_REPLY',
        'RECEIVE_PSYNC_REPLY->TRANSFER', 'TRANSFER->CONNECTED',
      ]);
      assert.ok(replica.hasLog('Partial resynchronization not possible (no cached master)'));
      assert.ok(replica.hasLog(/^Full resync from master: [0-9a-f]{40}:\d+$/));
      assert.ok(replica.hasLog(mode.eof ? 'receiving streamed RDB from master with EOF to disk' : /receiving \d+ bytes from master to disk/));
      assert.ok(replica.hasLog('MASTER <-> REPLICA sync: Finished with success'));
    });

    test("the master lists the replica online and its replid becomes the replica's", async () => {
      const info = await client.info('replication');
      await waitFor('slave0 online', async () => /state=online/.test((await client.info('replication')).get('slave0') ?? ''));
      assert.equal(replica.engine.info.replid, info.get('master_replid'));
      assert.equal(replica.engine.info.master_replid, info.get('master_replid'));
    });

    test("offsets equal the master's master_repl_offset after a write burst", async () => {
      await writeBurst(client, 2000);
      const target = await waitForCaughtUp(replica, client);
      const info = replica.engine.info;
      assert.equal(info.master!.reploff, target);
      assert.equal(info.master!.read_reploff, target);
      assert.equal(info.master_repl_offset, target);
      const replicaInfo = await (await replica.client()).info('replication');
      assert.equal(replicaInfo.get('slave_repl_offset'), String(target));
      assert.equal(replicaInfo.get('master_link_status'), 'up');
    });

    test('WAIT 1 1000 on the master returns 1 (GETACK answered)', async () => {
      await client.call('SET', 'wait:key', 'v');
      assert.equal(await client.call('WAIT', 1, 1000), 1);
      const slave0 = (await client.info('replication')).get('slave0') ?? '';
      const acked = Number(/offset=(\d+)/.exec(slave0)?.[1]);
      assert.ok(acked >= (await masterOffset(client)) - 37, `master saw ack ${acked}`);
    });
  });
}

describe('partial resync', () => {
  let master: RedisServer;
  let replica: ReplicaUnderTest;
  let client: RedisClient;
  after(async () => {
    client?.close();
    await replica?.stop();
    await master?.stop();
  });

  test('CLIENT KILL TYPE replica leads to a partial resync with +CONTINUE, no new full sync', async () => {
    master = await RedisServer.start({ args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'] });
    client = await master.client();
    replica = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: master.port } });
    await replica.waitForState(ReplState.CONNECTED);
    await writeBurst(client, 300);
    const before = await waitForCaughtUp(replica, client);
    const stats = await client.info('stats');
    const fullBefore = Number(stats.get('sync_full'));
    const partialBefore = Number(stats.get('sync_partial_ok'));

    const transitionsBefore = replica.transitions.length;
    await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
    await replica.waitForLog('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
    await replica.waitForState(ReplState.CONNECTED);
    assert.ok(replica.hasLog('Connection with master lost.'));
    assert.ok(replica.hasLog('Caching the disconnected master state.'));
    assert.ok(replica.hasLog(`Trying a partial resynchronization (request ${replica.engine.info.replid}:${before + 1}).`));
    const after = replica.path().slice(transitionsBefore);
    assert.equal(after[0], 'CONNECTED->CONNECT');
    assert.equal(after[1], 'CONNECT->CONNECTING');
    assert.equal(after.at(-1), 'RECEIVE_PSYNC_REPLY->CONNECTED');

    const statsAfter = await client.info('stats');
    assert.equal(Number(statsAfter.get('sync_full')), fullBefore);
    assert.equal(Number(statsAfter.get('sync_partial_ok')), partialBefore + 1);

    await writeBurst(client, 300);
    const target = await waitForCaughtUp(replica, client);
    assert.equal(replica.engine.info.master_repl_offset, target);
  });

  test('the stream DB survives the reconnect: SELECT is not re-sent after +CONTINUE', async () => {
    await client.call('SELECT', 3);
    await client.call('SET', 'in:db3', 'x');
    await waitForCaughtUp(replica, client);
    assert.equal(replica.engine.info.master!.db, 3);
    await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
    await waitFor('second partial resync', () => replica.logs.filter((l) => l.message.includes('Master accepted a Partial Resynchronization')).length === 2);
    await replica.waitForState(ReplState.CONNECTED);
    assert.equal(replica.engine.info.master!.db, 3);
    await client.call('SELECT', 0);
  });
});
