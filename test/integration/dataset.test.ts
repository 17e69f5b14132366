// The replica holds its master's data: DEBUG DIGEST on the engine's port equals
// the master's after a full sync in every load mode, through a random write
// workload, and after a partial resync.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { DisklessLoad } from '../../src/config/replicaConfig';
import { ReplState } from '../../src/engine/states';
import type { RedisClient } from '../../src/net/redisClient';
import { everyEncoding, randomWrite, run, seeded } from '../support/datasets';
import { RedisServer, waitFor } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';

const DEBUG = ['--enable-debug-command', 'yes'];

async function digest(client: RedisClient): Promise<string> {
  return String(await client.call('DEBUG', 'DIGEST'));
}

/**
 * The master's digest once the engine has applied everything: active expiry is
 * paused so no DEL is born between reading the offset and the digest.
 */
async function digestsWhenCaughtUp(master: RedisClient, replica: ReplicaUnderTest): Promise<[string, string]> {
  await master.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  try {
    const target = Number((await master.info('replication')).get('master_repl_offset'));
    await waitFor(`engine at offset ${target}`, () => replica.engine.info.master?.reploff === target, 20_000);
    const ours = await replica.client();
    try {
      return [await digest(master), await digest(ours)];
    } finally {
      ours.close();
    }
  } finally {
    await master.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  }
}

const MODES: { master: string; args: string[]; load: DisklessLoad }[] = [
  { master: 'disk', args: ['--repl-diskless-sync', 'no'], load: 'disabled' },
  { master: 'disk', args: ['--repl-diskless-sync', 'no'], load: 'swapdb' },
  { master: 'diskless', args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'], load: 'disabled' },
  { master: 'diskless', args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'], load: 'on-empty-db' },
  { master: 'diskless', args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'], load: 'swapdb' },
];

describe('full sync: the engine holds what the master holds', () => {
  for (const mode of MODES) {
    test(`every type and encoding, ${mode.master} master, repl-diskless-load ${mode.load}: DEBUG DIGEST equal`, async () => {
      const master = await RedisServer.start({ args: [...mode.args, ...DEBUG] });
      const client = await master.client();
      let replica: ReplicaUnderTest | undefined;
      try {
        await run(client, everyEncoding());
        replica = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: master.port }, 'repl-diskless-load': mode.load });
        await replica.waitForState(ReplState.CONNECTED, 20_000);
        const [theirs, ours] = await digestsWhenCaughtUp(client, replica);
        assert.notEqual(theirs, '0'.repeat(40));
        assert.equal(ours, theirs);
        // keys and expires per database as the master counts them (avg_ttl is 0 on any replica).
        const counts = (info: Map<string, string>): string[] =>
          [...info.entries()].filter(([k]) => k.startsWith('db')).map(([k, v]) => `${k}:${v.replace(/,avg_ttl=\d+$/, '')}`);
        const engineClient = await replica.client();
        assert.deepEqual(counts(await engineClient.info('keyspace')), counts(await client.info('keyspace')));
        engineClient.close();
        assert.ok(replica.hasLog(/^Done loading RDB, keys loaded: \d+, keys expired: 0\.$/));
        // The master's RDB carries the +FULLRESYNC history (repl-id, repl-offset): no warning.
        assert.ok(!replica.hasLog(/differs from \+FULLRESYNC/));
        assert.ok(replica.hasLog(/^Loading RDB produced by version 7\.0\.\d+$/));
        assert.ok(replica.hasLog(mode.load === 'disabled' ? 'receiving' : 'to parser'));
      } finally {
        client.close();
        await replica?.stop();
        await master.stop();
      }
    });
  }
});

describe('a random write workload keeps the digests equal', () => {
  let master: RedisServer;
  let client: RedisClient;
  let replica: ReplicaUnderTest;
  after(async () => {
    client?.close();
    await replica?.stop();
    await master?.stop();
  });

  test('seeded workload across types and databases, checked every 300 commands', async () => {
    master = await RedisServer.start({ args: ['--repl-diskless-sync-delay', '0', ...DEBUG] });
    client = await master.client();
    await run(client, everyEncoding());
    replica = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: master.port } });
    await replica.waitForState(ReplState.CONNECTED);
    const rand = seeded(20261124);
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 300 }, () => randomWrite(rand)).flat();
      await run(client, batch);
      const [theirs, ours] = await digestsWhenCaughtUp(client, replica);
      assert.equal(ours, theirs, `digests differ after round ${round}`);
    }
    assert.deepEqual(replica.engine.keyspace.divergences, []);
  });

  test('after a partial resync the digests are still equal', async () => {
    const rand = seeded(7);
    await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
    await run(client, Array.from({ length: 200 }, () => randomWrite(rand)).flat());
    await replica.waitForLog('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
    await replica.waitForState(ReplState.CONNECTED);
    const [theirs, ours] = await digestsWhenCaughtUp(client, replica);
    assert.equal(ours, theirs);
    assert.equal(replica.engine.info.stat_sync_full, 1);
  });
});

describe('a failed transfer under swapdb keeps the old dataset', () => {
  test('corrupted payloads fail to load, the old data stays readable and whole, and the next clean sync replaces it', async () => {
    const { FaultProxy, flipPayloadByte } = await import('../support/faultProxy');
    const { datasetDigest } = await import('../../src/keyspace/digest');
    const master = await RedisServer.start({ args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', ...DEBUG] });
    const client = await master.client();
    const proxy = await FaultProxy.start(master.port);
    let replica: ReplicaUnderTest | undefined;
    try {
      await run(client, everyEncoding());
      replica = await ReplicaUnderTest.start({ replicaof: { host: '127.0.0.1', port: proxy.port }, 'repl-diskless-load': 'swapdb' });
      await replica.waitForState(ReplState.CONNECTED, 20_000);
      const [before] = await digestsWhenCaughtUp(client, replica);

      // A new replication ID so the reconnect is a full sync, every payload corrupted, and new data meanwhile.
      await client.call('DEBUG', 'CHANGE-REPL-ID');
      proxy.always(flipPayloadByte((total) => Math.floor((total ?? 4000) / 2)));
      await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
      await client.call('SET', 'written:after', 'new');
      await waitFor('a failed load', () => replica!.transitions.some((t) => t.cause === 'rdb-error'), 40_000);
      assert.equal(datasetDigest(replica.engine.keyspace), before, 'the old dataset is intact');
      const reader = await replica.client();
      assert.equal(await reader.call('GET', 'written:after'), null);
      assert.equal(await reader.call('GET', 's:embstr'), 'hello');
      reader.close();
      assert.ok(replica.hasLog('MASTER <-> REPLICA sync: Discarding temporary DB in background'));

      proxy.behave();
      await waitFor('a clean full sync', () => replica!.engine.info.stat_sync_full >= 3 && replica!.state === ReplState.CONNECTED, 20_000);
      const [theirs, ours] = await digestsWhenCaughtUp(client, replica);
      assert.equal(ours, theirs);
      assert.notEqual(ours, before);
    } finally {
      client.close();
      await replica?.stop();
      await proxy.stop();
      await master.stop();
    }
  });
});
