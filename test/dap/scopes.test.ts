// The Timeouts, Transfer and Recent events scopes end to end: the real adapter
// process through DebugClient, replicating from a real redis-server master.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { defaultConfig } from '../../src/config/replicaConfig';
import { fetchMasterReplTimeout } from '../../src/debug/masterReplTimeout';
import type { RedisClient } from '../../src/net/redisClient';
import { RedisServer, waitFor } from '../support/redisServer';
import { Adapter } from './harness';

describe('the scopes of a stopped replica against a real master', () => {
  let master: RedisServer;
  let client: RedisClient;
  const adapters: Adapter[] = [];
  const adapter = (): Adapter => {
    const a = Adapter.start();
    adapters.push(a);
    return a;
  };
  const launchArgs = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    master: `127.0.0.1:${master.port}`, replicas: 1, pauseMode: 'keepalive', ...extra,
  });

  before(async () => {
    // No PING from the master during a test: the stream holds only what a test writes.
    master = await RedisServer.start({ args: ['--repl-diskless-sync', 'no', '--enable-debug-command', 'yes', '--repl-ping-replica-period', '3600'] });
    client = await master.client();
    // An RDB of a few MB: a transfer of many 16 KB reads.
    await client.call('DEBUG', 'POPULATE', 100_000, 'key', 32);
  });
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    await waitFor('the master to drop the replicas', async () => (await client.info('replication')).get('connected_slaves') === '0');
  });
  after(async () => {
    client?.close();
    await master?.stop();
  });

  test('at *->CONNECTED the Timeouts scope counts down the master\'s drop of a silent replica', async () => {
    const a = adapter();
    await a.launch(launchArgs({ config: { 'repl-timeout': 30 } }), (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->CONNECTED' }] }));
    const stop = await a.nextStop(undefined, 30_000);
    const timeouts = (await a.scopes(stop.body.threadId!))['Timeouts']!;
    const drop = timeouts['master_drop_timeout']!;
    assert.match(drop.value, /^the master logs "Disconnecting timedout replica \(streaming sync\)" and drops the link in \d+ s/);
    const fields = await a.children(drop.variablesReference);
    // The master runs with Redis's default repl-timeout: asked, or assumed, it is 60.
    assert.equal(fields['limit']!.value, '60');
    assert.match(fields['limit_source']!.value, /CONFIG GET|assumed \(Redis default/);
    assert.equal(fields['since']!.value, 'repl_ack_time');
    const remaining = Number(fields['remaining']!.value);
    assert.ok(remaining > 50 && remaining <= 61, `remaining ${remaining}`);
    // Ours (repl-timeout 30 from lastinteraction) fires before the master's 60.
    assert.equal(timeouts['fires_first']!.value, 'master_timeout');
    assert.match(timeouts['master_repl_timeout']!.value, /^60 \(/);
  });

  test('stepping through a diskless load: the rate, the ETA and where the RDB decoder is', async () => {
    const a = adapter();
    await a.launch(launchArgs({ pauseMode: 'freeze', config: { 'repl-diskless-load': 'swapdb' } }),
      (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'CONNECTING->TRANSFER' }] }));
    const stop = await a.nextStop(undefined, 30_000);
    const threadId = stop.body.threadId!;
    let transfer = (await a.scopes(threadId))['Transfer']!;
    assert.equal(transfer['eta']!.value, 'unknown (the $ header is not read yet)');
    assert.equal(transfer['rdb_load']!.value, 'none');
    // The `$<len>` header, then reads of the payload, each decoded as it arrives; a read can end
    // inside a key's name (rdb_key 'not read yet'), so step on until one ends past a key's name.
    for (let i = 0; i < 20; i++) {
      await a.dc.stepInRequest({ threadId });
      await a.nextStop(threadId);
      transfer = (await a.scopes(threadId))['Transfer']!;
      if (i >= 5 && transfer['rdb_key']?.value.startsWith('"')) break;
    }
    const size = Number(transfer['repl_transfer_size']!.value);
    const received = Number(transfer['received']!.value);
    assert.ok(size > 1_000_000, `size ${size}`);
    // Each read takes at most 16 KB, and less when the socket has delivered less.
    assert.ok(received > 16384 && received < size, `received ${received}`);
    // A freeze lets the engine's clock run between steps: the reads span time, so there is a rate.
    assert.match(transfer['rate']!.value, /^\d+ B\/s \(\d+\.\d (B|KiB|MiB|GiB)\/s\)$/);
    assert.match(transfer['eta']!.value, /^\d+\.\d s$/);
    assert.equal(transfer['rdb_load']!.value, 'from the socket (diskless), in progress');
    assert.match(transfer['rdb_key']!.value, /^"key:\d+"$/);
    assert.equal(transfer['rdb_type']!.value, 'STRING');
    assert.equal(transfer['rdb_db']!.value, '0');
    const keys = Number(transfer['keys_loaded']!.value);
    const decoded = Number(transfer['bytes_decoded']!.value);
    assert.ok(keys > 100, `keys_loaded ${keys}`);
    assert.ok(decoded > 0 && decoded <= received, `bytes_decoded ${decoded}`);
    // The transfer timeout is armed in TRANSFER; the master's drop is not (we are not online yet).
    const timeouts = (await a.scopes(threadId))['Timeouts']!;
    assert.match(timeouts['master_drop_timeout']!.value, /^not armed/);
  });

  test('Recent events: the PSYNC sent, the reply, and a command the master wrote, newest first', async () => {
    const a = adapter();
    await a.launch(launchArgs());
    const threadId = await a.until('a thread', () => a.stateChanges[0]?.threadId);
    await waitFor('the replica to reach CONNECTED', async () => (await a.threadName(threadId)).includes('[CONNECTED]'), 30_000);
    await client.call('SET', 'recent:event', 'seen');
    const offset = Number((await client.info('replication')).get('master_repl_offset'));
    // The replica's ACKs tell the master how far it has applied.
    await waitFor('the replica to apply the SET', async () => (await client.info('replication')).get('slave0')?.includes(`offset=${offset},`));
    await a.dc.pauseRequest({ threadId });
    await a.nextStop(threadId);
    const recent = (await a.scopes(threadId))['Recent events']!;
    const values = Object.values(recent).map((v) => v.value);
    const psync = Object.values(recent).find((v) => v.value === 'sent PSYNC ? -1');
    assert.ok(psync, values.join('\n'));
    assert.ok(values.some((v) => /^received \+FULLRESYNC [0-9a-f]{40} \d+$/.test(v)), values.join('\n'));
    const set = Object.values(recent).find((v) => v.value.startsWith('applied SET recent:event seen (db 0, offset '))!;
    assert.ok(set, values.join('\n'));
    const fields = await a.children(set.variablesReference);
    assert.equal(fields['kind']!.value, 'command');
    assert.match(fields['offset']!.value, new RegExp(`^\\d+ -> ${offset}$`));
    assert.equal(fields['callPath']!.value, 'readQueryFromClient > processInputBuffer > processCommand > setCommand');
    // Newest first: the SET comes before (above) the PSYNC it followed.
    assert.ok(values.indexOf(set.value) < values.indexOf(psync.value));
  });
});

describe("asking a real master for its repl-timeout", () => {
  let master: RedisServer;
  let client: RedisClient;
  before(async () => {
    master = await RedisServer.start({ args: ['--repl-timeout', '7'] });
    client = await master.client();
    await client.call('ACL', 'SETUSER', 'replonly', 'on', '>rp-s3cret', '+psync', '+replconf', '+ping');
  });
  after(async () => {
    client?.close();
    await master?.stop();
  });
  const config = (extra: Record<string, unknown> = {}) => ({ ...defaultConfig(), replicaof: { host: '127.0.0.1', port: master.port }, ...extra });

  test('CONFIG GET repl-timeout on its own connection', async () => {
    assert.deepEqual(await fetchMasterReplTimeout(config()), { seconds: 7, source: `CONFIG GET repl-timeout on 127.0.0.1:${master.port}` });
  });

  test('a replication user without CONFIG: Redis\'s default, the reason, and never the password', async () => {
    const refused = await fetchMasterReplTimeout(config({ masteruser: 'replonly', masterauth: 'rp-s3cret' }));
    assert.equal(refused.seconds, 60);
    assert.match(refused.source, /^assumed \(Redis default; CONFIG GET refused: NOPERM/);
    const wrong = await fetchMasterReplTimeout(config({ masteruser: 'replonly', masterauth: 'not-the-s3cret' }));
    assert.match(wrong.source, /^assumed \(Redis default; CONFIG GET refused: AUTH: WRONGPASS/);
    for (const r of [refused, wrong]) assert.ok(!r.source.includes('s3cret'), r.source);
  });
});
