// The three replicationCron timeouts against a real redis-server master, with
// repl-timeout 2: a master stopped (SIGSTOP) before the handshake, a transfer
// that stalls after +FULLRESYNC or mid-payload (test/support/faultProxy), and a
// connected master that goes silent. Redis compares whole seconds with a strict
// `>`, so each fires more than 2 s and at most ~4 s after the last I/O, never
// earlier; each then reconnects at once.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { TransitionRecord } from '../../src/engine/io';
import { ReplState, shortStateName } from '../../src/engine/states';
import type { RedisClient } from '../../src/net/redisClient';
import { FaultProxy, resourceCounts, stallAfterLine, stallAfterPayload, waitForNoLeak } from '../support/faultProxy';
import { RedisServer, waitFor } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';

const HOST = '127.0.0.1';
const REPL_TIMEOUT = 2;
/** More than repl-timeout whole seconds after the last I/O, and no later than the cron tick after the next second. */
const EARLIEST_MS = REPL_TIMEOUT * 1000;
const LATEST_MS = (REPL_TIMEOUT + 2) * 1000 + 300;
// A PING every second keeps a connected replica with repl-timeout 2 from timing out by itself.
const DISK_MASTER = ['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '1'];
const DISKLESS_MASTER = ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '1'];

function pair(t: TransitionRecord): string {
  return `${shortStateName(t.from)}->${shortStateName(t.to)}`;
}

function assertReconnectedAtOnce(r: ReplicaUnderTest, failure: TransitionRecord): void {
  const retry = r.transitions.find((x) => x.seq > failure.seq);
  assert.ok(retry, `nothing after ${pair(failure)}`);
  assert.equal(`${pair(retry)} ${retry.cause}`, 'CONNECT->CONNECTING reconnect');
  assert.ok(retry.at - failure.at <= 50, `the reconnect came ${retry.at - failure.at} ms after the timeout`);
}

function assertFiredInWindow(firedAt: number, lastIoAt: number, what: string): void {
  const silent = firedAt - lastIoAt;
  assert.ok(silent > EARLIEST_MS, `${what} fired ${silent} ms after the last I/O: before repl-timeout ${REPL_TIMEOUT} s had passed`);
  assert.ok(silent <= LATEST_MS, `${what} fired ${silent} ms after the last I/O: later than repl-timeout + 1 s and a cron tick`);
}

async function infoOf(r: ReplicaUnderTest): Promise<Map<string, string>> {
  const client = await r.client();
  try {
    return await client.info('replication');
  } finally {
    client.close();
  }
}

async function populate(client: RedisClient, keys: number): Promise<void> {
  const cmds: (string | number)[][] = [];
  for (let i = 0; i < keys; i++) cmds.push(['SET', `key:${i}`, `value-${i}-${'x'.repeat(i % 40)}`]);
  await client.pipeline(cmds);
}

async function masterOffset(client: RedisClient): Promise<number> {
  return Number((await client.info('replication')).get('master_repl_offset'));
}

describe('handshake timeout: a master stopped before the handshake', () => {
  let master: RedisServer | undefined;
  let replica: ReplicaUnderTest | undefined;
  let before: Map<string, number>;
  after(async () => {
    await replica?.stop();
    await master?.stop();
  });

  test('"Timeout connecting to the MASTER..." 2–4 s after the connect, then a reconnect at once', async () => {
    master = await RedisServer.start({ args: DISKLESS_MASTER });
    master.pause();
    before = resourceCounts();
    replica = await ReplicaUnderTest.start({ replicaof: { host: HOST, port: master.port }, 'repl-timeout': REPL_TIMEOUT });
    await replica.waitForLog('Timeout connecting to the MASTER...', 6000);
    const failure = replica.transitions.find((t) => t.cause === 'handshake-timeout');
    assert.ok(failure);
    // The kernel completes the TCP connect of a stopped process: the replica waits for PONG.
    assert.equal(pair(failure), 'RECEIVE_PING_REPLY->CONNECT');
    assert.equal(failure.message, 'Timeout connecting to the MASTER...');
    assert.ok(replica.hasLog('Non blocking connect for SYNC fired the event.'));
    const connect = replica.transitions.find((t) => t.cause === 'cron-connect')!;
    assertFiredInWindow(failure.at, connect.at, 'the handshake timeout');
    assertReconnectedAtOnce(replica, failure);
    assert.ok(replica.hasLog(`Reconnecting to MASTER ${HOST}:${master.port} after failure`));
  });

  test('after SIGCONT the next attempt syncs', async () => {
    master!.resume();
    await replica!.waitForState(ReplState.CONNECTED, 8000);
    assert.ok(replica!.hasLog('MASTER <-> REPLICA sync: Finished with success'));
  });

  test('stop() leaves no socket or timer behind', async () => {
    await replica!.stop();
    await waitForNoLeak(before);
  });
});

describe('transfer timeout: a master that stalls after +FULLRESYNC', () => {
  let master: RedisServer | undefined;
  let proxy: FaultProxy | undefined;
  let replica: ReplicaUnderTest | undefined;
  let before: Map<string, number>;
  after(async () => {
    await replica?.stop();
    await proxy?.stop();
    await master?.stop();
  });

  test('INFO shows the sync in progress with no header yet (total -1, perc -0.00)', async () => {
    master = await RedisServer.start({ args: DISK_MASTER });
    proxy = await FaultProxy.start(master.port);
    proxy.arm(stallAfterLine(/^\+FULLRESYNC /));
    before = resourceCounts();
    replica = await ReplicaUnderTest.start({ replicaof: { host: HOST, port: proxy.port }, 'repl-timeout': REPL_TIMEOUT });
    await replica.waitForState(ReplState.TRANSFER, 5000);
    const info = await infoOf(replica);
    assert.equal(info.get('master_sync_in_progress'), '1');
    assert.equal(info.get('master_sync_total_bytes'), '-1');
    assert.equal(info.get('master_sync_read_bytes'), '0');
    assert.equal(info.get('master_sync_perc'), '-0.00');
  });

  test('"Timeout receiving bulk data from MASTER..." 2–4 s after +FULLRESYNC, reconnect at once, then a full sync', async () => {
    const message = "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.";
    await replica!.waitForLog(message, 6000);
    const failure = replica!.transitions.find((t) => t.cause === 'transfer-timeout');
    assert.ok(failure);
    assert.equal(pair(failure), 'TRANSFER->CONNECT');
    assert.equal(failure.message, message);
    const stalled = proxy!.links[0]!;
    assert.ok(stalled.stalled, 'the first link was stalled by the proxy');
    assert.ok(stalled.lines.some((l) => l.startsWith('+FULLRESYNC ')));
    assertFiredInWindow(failure.at, stalled.lastToReplicaAt, 'the transfer timeout');
    assertReconnectedAtOnce(replica!, failure);
    assert.ok(replica!.hasLog(`Reconnecting to MASTER ${HOST}:${proxy!.port} after failure`));
    await replica!.waitForState(ReplState.CONNECTED, 8000);
    await replica!.stop();
    await waitFor('the proxy to see every replica connection closed', () => proxy!.openLinks.length === 0, 2000);
    await waitForNoLeak(before);
  });
});

describe('transfer timeout: a master that stalls mid-payload', () => {
  let master: RedisServer | undefined;
  let proxy: FaultProxy | undefined;
  let replica: ReplicaUnderTest | undefined;
  let before: Map<string, number>;
  const CUT = 4000;
  after(async () => {
    await replica?.stop();
    await proxy?.stop();
    await master?.stop();
  });

  test('INFO shows how far the payload got', async () => {
    master = await RedisServer.start({ args: DISK_MASTER });
    const admin = await master.client();
    await populate(admin, 3000);
    admin.close();
    proxy = await FaultProxy.start(master.port);
    proxy.arm(stallAfterPayload(CUT));
    before = resourceCounts();
    replica = await ReplicaUnderTest.start({ replicaof: { host: HOST, port: proxy.port }, 'repl-timeout': REPL_TIMEOUT });
    await waitFor('the first payload bytes', () => replica!.engine.info.repl_transfer_read === CUT, 5000);
    const total = Number(proxy.links[0]!.lines.find((l) => l.startsWith('$'))!.slice(1));
    const info = await infoOf(replica);
    assert.equal(info.get('master_sync_total_bytes'), String(total));
    assert.equal(info.get('master_sync_read_bytes'), String(CUT));
    assert.equal(info.get('master_sync_left_bytes'), String(total - CUT));
    assert.equal(info.get('master_sync_perc'), ((CUT * 100) / total).toFixed(2));
  });

  test('"Timeout receiving bulk data from MASTER..." 2–4 s after the last payload byte, reconnect at once, then a full sync', async () => {
    await replica!.waitForLog('Timeout receiving bulk data from MASTER...', 6000);
    const failure = replica!.transitions.find((t) => t.cause === 'transfer-timeout');
    assert.ok(failure);
    assert.equal(pair(failure), 'TRANSFER->CONNECT');
    assertFiredInWindow(failure.at, proxy!.links[0]!.lastToReplicaAt, 'the transfer timeout');
    assertReconnectedAtOnce(replica!, failure);
    await replica!.waitForState(ReplState.CONNECTED, 8000);
    assert.equal(replica!.transitions.filter((t) => t.cause === 'sync-finished').length, 1);
    await replica!.stop();
    await waitFor('the proxy to see every replica connection closed', () => proxy!.openLinks.length === 0, 2000);
    await waitForNoLeak(before);
  });
});

describe('master timeout: a connected master stopped with SIGSTOP', () => {
  let master: RedisServer | undefined;
  let admin: RedisClient | undefined;
  let proxy: FaultProxy | undefined;
  let replica: ReplicaUnderTest | undefined;
  let before: Map<string, number>;
  let offset = 0;
  after(async () => {
    admin?.close();
    await replica?.stop();
    await proxy?.stop();
    await master?.stop();
  });

  test('"MASTER timeout: no data nor PING received..." 2–4 s after the last byte, the master cached, reconnect at once', async () => {
    master = await RedisServer.start({ args: DISKLESS_MASTER });
    admin = await master.client();
    // The proxy only witnesses when the master last wrote to the replica.
    proxy = await FaultProxy.start(master.port);
    before = resourceCounts();
    replica = await ReplicaUnderTest.start({ replicaof: { host: HOST, port: proxy.port }, 'repl-timeout': REPL_TIMEOUT });
    await replica.waitForState(ReplState.CONNECTED, 5000);
    await admin.call('SET', 'before:stop', '1');
    const written = await masterOffset(admin);
    await waitFor(`reploff ${written}`, () => (replica!.engine.info.master?.reploff ?? -1) >= written);
    const atStop = await masterOffset(admin);
    const logsBefore = replica.logs.length;
    master.pause();
    const stoppedAt = Date.now();

    await replica.waitForLog('MASTER timeout: no data nor PING received...', 6000);
    const failure = replica.transitions.find((t) => t.cause === 'master-timeout');
    assert.ok(failure);
    assert.equal(pair(failure), 'CONNECTED->CONNECT');
    assert.equal(failure.message, 'MASTER timeout: no data nor PING received...');
    assertFiredInWindow(failure.at, proxy.links[0]!.lastToReplicaAt, 'the master timeout');
    assert.ok(failure.at - stoppedAt <= LATEST_MS);
    const later = replica.logs.slice(logsBefore).map((l) => l.message);
    assert.deepEqual(later.slice(0, 4), [
      'MASTER timeout: no data nor PING received...',
      'Connection with master lost.',
      'Caching the disconnected master state.',
      `Reconnecting to MASTER ${HOST}:${proxy.port}`,
    ]);
    assertReconnectedAtOnce(replica, failure);
    // Everything the master sent before it stopped was applied, and cached for PSYNC (a PING may have slipped in).
    offset = replica.engine.info.cached_master!.reploff;
    assert.ok(offset >= atStop && offset <= atStop + 14, `cached reploff ${offset}, master offset ${atStop} at SIGSTOP`);
  });

  test('after SIGCONT the replica resyncs partially from the cached master', async () => {
    const from = replica!.transitions.length;
    master!.resume();
    await waitFor('the partial resync', () => replica!.transitions.slice(from).some((t) => t.cause === 'partial-resync'), 8000);
    assert.ok(replica!.hasLog(`Trying a partial resynchronization (request ${replica!.engine.info.replid}:${offset + 1}).`));
    assert.ok(replica!.hasLog('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.'));
    assert.equal(replica!.transitions.filter((t) => t.cause === 'full-resync').length, 1);
    await admin!.call('SET', 'after:resume', '1');
    const target = await masterOffset(admin!);
    await waitFor(`reploff ${target}`, () => (replica!.engine.info.master?.reploff ?? -1) >= target);
  });

  test('stop() leaves no socket or timer behind', async () => {
    await replica!.stop();
    await waitFor('the proxy to see every replica connection closed', () => proxy!.openLinks.length === 0, 2000);
    await waitForNoLeak(before);
  });
});
