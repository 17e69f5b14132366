// The debugger and the emulated version, end to end: the real adapter through
// DebugClient against live masters of three versions (Redis 7.2.6, Valkey
// 8.0.1 with dual-channel replication, the 2026-06 Redis build of the 8.8 line
// whose replicas take the rdb-channel path), with `emulate` explicit and auto.
// Thread names and Variables say the version, breakpoints on the channels'
// transitions stop there, and the channel variables read the second link.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { servedDocument } from '../../src/debug/documents';
import type { ReplicaSummary } from '../../src/debug/replicaSummary';
import { findTransition, RdbChannelState } from '../../src/engine/states';
import { FaultProxy } from '../support/faultProxy';
import { RedisServer, waitFor } from '../support/redisServer';
import { liveServer } from '../support/servers';
import { Adapter, type VariablesByName } from './harness';

/** Keys enough that the RDB is not empty; no PING from the master while a test looks. */
async function startMaster(server: string, args: string[], keys = 200): Promise<RedisServer> {
  const master = await RedisServer.start({ binary: liveServer(server).binary, args: ['--repl-ping-replica-period', '3600', ...args] });
  const client = await master.client();
  try {
    await client.pipeline(Array.from({ length: keys }, (_, i) => ['SET', `key:${i}`, `value-${i}`]));
  } finally {
    client.close();
  }
  return master;
}

const value = (vars: VariablesByName, name: string): string => {
  assert.ok(vars[name], `no variable ${name} in ${Object.keys(vars).join(', ')}`);
  return vars[name]!.value;
};

describe('the emulated version in the debugger, against live masters', () => {
  const adapters: Adapter[] = [];
  const adapter = (): Adapter => {
    const a = Adapter.start();
    adapters.push(a);
    return a;
  };
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
  });

  describe('Redis 7.2.6', () => {
    let master: RedisServer;
    before(async () => {
      master = await startMaster('redis-7.2.6', ['--repl-diskless-sync', 'no']);
    });
    after(async () => {
      await master?.stop();
    });

    test('emulate redis-7.2: the thread names it from the entry, a channel breakpoint is unverified naming the versions that have it', async () => {
      const a = adapter();
      let bps: DebugProtocol.Breakpoint[] = [];
      await a.launch({ master: `127.0.0.1:${master.port}`, emulate: 'redis-7.2', stopOnEntry: true }, async (dc) => {
        bps = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->RDB_CH_RDB_LOADING' }, { name: '*->TRANSFER' }] })).body.breakpoints;
      });
      assert.equal(bps[0]!.verified, false);
      assert.equal(bps[0]!.message, '*->RDB_CH_RDB_LOADING is a transition of redis-8.0, redis-8.2, redis-8.4, redis-8.6 or redis-8.8 only: ' +
        'no replica of this session emulates one (it emulates redis-7.2); it stays set and stops on a replica that does');
      assert.equal(bps[1]!.verified, true);
      const entry = await a.nextStop();
      assert.equal(entry.body.reason, 'entry');
      assert.match(await a.threadName(1), /^replica 1 :\d+ → no master \[NONE\] redis-7\.2$/);
      await a.dc.continueRequest({ threadId: 1 });
      const stop = await a.nextStop(1);
      assert.deepEqual(stop.body.hitBreakpointIds, [bps[1]!.id]);
      assert.match(await a.threadName(1), /^replica 1 :\d+ → 127\.0\.0\.1:\d+ \[TRANSFER\] redis-7\.2$/);
      const scopes = await a.scopes(1);
      assert.deepEqual(Object.keys(scopes), ['Replication', 'Master link', 'Timeouts', 'Transfer', 'Recent events', 'Keyspace']);
      const repl = scopes['Replication']!;
      assert.equal(value(repl, 'emulate'), 'redis-7.2 (Redis 7.2.6)');
      const emulate = await a.children(repl['emulate']!.variablesReference);
      assert.equal(value(emulate, 'reason'), "'emulate redis-7.2 (configured)'");
      assert.equal(value(emulate, 'master_version'), 'null', 'not asked: the version was given');
      assert.equal(repl['repl_rdb_ch_state'], undefined, 'Redis 7.2 has no rdb channel');
      // Redis 7.2 numbers TRANSFER 11.
      const frameId = (await a.topFrame(1)).id;
      assert.equal((await a.dc.evaluateRequest({ expression: 'repl_state == 11 && repl_state == TRANSFER', frameId, context: 'watch' })).body.result, 'true');
    });

    test('emulate auto: "not known yet" until the master is asked, then the version, its reason, and breakpoints told again', async () => {
      const a = adapter();
      const changed: DebugProtocol.BreakpointEvent['body'][] = [];
      a.dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e.body));
      let bp: DebugProtocol.Breakpoint | undefined;
      await a.launch({ master: `127.0.0.1:${master.port}`, stopOnEntry: true }, async (dc) => {
        [bp] = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING' }] })).body.breakpoints;
      });
      assert.equal(bp!.verified, true, 'no version known yet: checked against every version');
      await a.nextStop();
      assert.match(await a.threadName(1), /\[NONE\] version not known yet \(emulate auto\)$/);
      const before = await a.scopes(1);
      assert.equal(value(before['Replication']!, 'emulate'), 'not known yet (emulate auto)');
      await a.dc.continueRequest({ threadId: 1 });
      await waitFor('the replica to learn its version', async () => (await a.threadName(1)).endsWith(' redis-7.2'));
      await a.until('the breakpoint told again', () => changed.find((c) => c.breakpoint.id === bp!.id));
      const told = changed.find((c) => c.breakpoint.id === bp!.id)!;
      assert.equal(told.reason, 'changed');
      assert.equal(told.breakpoint.verified, false);
      assert.match(told.breakpoint.message!, /^RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING is a transition of redis-8\.0, .* only: no replica of this session emulates one \(it emulates redis-7\.2\)/);
      await a.dc.pauseRequest({ threadId: 1 });
      await a.nextStop(1);
      const emulate = await a.children((await a.scopes(1))['Replication']!['emulate']!.variablesReference);
      assert.equal(value(emulate, 'setting'), "'auto'");
      assert.equal(value(emulate, 'profile'), "'redis-7.2'");
      assert.equal(value(emulate, 'reason'), "'the master runs Redis 7.2.6: emulating a Redis 7.2.6 replica'");
      assert.equal(value(emulate, 'master_version'), "'7.2.6'");
      const summaries = (await a.dc.customRequest('replicas')).body.replicas as ReplicaSummary[];
      assert.equal(summaries[0]!.emulate, 'redis-7.2');
      assert.equal(summaries[0]!.rdb_channel, null);
    });
  });

  describe('Valkey 8.0.1 with dual-channel replication on both sides', () => {
    let master: RedisServer;
    before(async () => {
      master = await startMaster('valkey-8.0.1', ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--dual-channel-replication-enabled', 'yes']);
    });
    after(async () => {
      await master?.stop();
    });

    for (const emulate of ['valkey-8.0', 'auto']) {
      test(`emulate ${emulate}: *->DUAL_CHANNEL_RDB_LOAD stops on the rdb channel; the Dual channel scope reads both links`, async () => {
        const a = adapter();
        let bpId = -1;
        await a.launch({ master: `127.0.0.1:${master.port}`, emulate, config: { 'dual-channel-replication-enabled': 'yes' } }, async (dc) => {
          const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->DUAL_CHANNEL_RDB_LOAD' }] });
          assert.equal(r.body.breakpoints[0]!.verified, true);
          bpId = r.body.breakpoints[0]!.id!;
        });
        const stop = await a.nextStop();
        assert.deepEqual(stop.body.hitBreakpointIds, [bpId]);
        const threadId = stop.body.threadId!;
        // $ENDOFF read: the main channel has sent REPLCONF set-rdb-client-id and waits for its reply.
        assert.match(await a.threadName(threadId), /^replica 1 :\d+ → 127\.0\.0\.1:\d+ \[RECEIVE_CAPA_REPLY \| DUAL_CHANNEL_RDB_LOAD\] valkey-8\.0$/);
        const top = await a.topFrame(threadId);
        assert.equal(top.source!.name, 'replication state machine (valkey-8.0)');
        assert.equal(top.line, servedDocument('valkey-8.0').lines.get(findTransition(204, 205)!));
        const scopes = await a.scopes(threadId);
        assert.deepEqual(Object.keys(scopes), ['Replication', 'Master link', 'Dual channel', 'Timeouts', 'Transfer', 'Recent events', 'Keyspace']);
        const ch = scopes['Dual channel']!;
        assert.equal(value(ch, 'repl_rdb_channel_state'), 'REPL_DUAL_CHANNEL_RDB_LOAD');
        assert.ok(Number(value(ch, 'rdb_client_id')) > 0);
        const provisional = await a.children(ch['repl_provisional_primary']!.variablesReference);
        assert.match(value(provisional, 'replid'), /^'[0-9a-f]{40}'$/);
        assert.equal(value(ch, 'replicas_repl_buffer_size'), '0');
        assert.match(value(ch, 'main_link'), /^link \d+, \d+ bytes unread$/);
        assert.match(value(ch, 'rdb_link'), /^link \d+, \d+ bytes unread$/);
        assert.equal(scopes['Replication']!['repl_total_sync_attempts'], undefined, 'Valkey 8.0 prints no 8.2 counters');
        const frameId = top.id;
        const holds = async (expression: string): Promise<string> => (await a.dc.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
        assert.equal(await holds('repl_rdb_channel_state == DUAL_CHANNEL_RDB_LOAD && repl_rdb_channel_state == 5 && repl_state == RECEIVE_CAPA_REPLY'), 'true');
        // Valkey 8 numbers RECEIVE_CAPA_REPLY 8 (RECEIVE_VERSION_REPLY comes after it).
        assert.equal(await holds('repl_state == 8'), 'true');
        await a.dc.continueRequest({ threadId });
        await waitFor('CONNECTED', async () => /\[CONNECTED\] valkey-8\.0$/.test(await a.threadName(threadId)), 15_000);
      });
    }
  });

  describe('Redis 2026-06 (the 8.8 line) with repl-diskless-sync yes: the rdb-channel path', () => {
    let master: RedisServer;
    let proxy: FaultProxy;
    before(async () => {
      master = await startMaster('redis-unstable-2026-06', ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0']);
      proxy = await FaultProxy.start(master.port);
    });
    after(async () => {
      await proxy?.stop();
      await master?.stop();
    });

    test('emulate auto: *->RDB_CH_RDB_LOADING stops with both links in the Rdb channel scope, a line breakpoint in the 8.8 document stops at the end', async () => {
      const a = adapter();
      const doc = servedDocument('redis-8.8');
      const endLine = doc.lines.get(findTransition(RdbChannelState.RDB_LOADING, RdbChannelState.NONE)!)!;
      let fnId = -1;
      await a.launch({ master: `127.0.0.1:${master.port}` }, async (dc) => {
        fnId = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->RDB_CH_RDB_LOADING' }] })).body.breakpoints[0]!.id!;
        const r = await dc.setBreakpointsRequest({ source: { name: doc.name, sourceReference: doc.sourceReference }, breakpoints: [{ line: endLine }] });
        assert.equal(r.body.breakpoints[0]!.verified, true);
        assert.equal(r.body.breakpoints[0]!.message, 'RDB_CH_RDB_LOADING->RDB_CH_NONE');
      });
      const stop = await a.nextStop();
      assert.deepEqual(stop.body.hitBreakpointIds, [fnId]);
      const threadId = stop.body.threadId!;
      assert.match(await a.threadName(threadId), /^replica 1 :\d+ → 127\.0\.0\.1:\d+ \[TRANSFER \| RDB_CH_RDB_LOADING\] redis-8\.8$/);
      const top = await a.topFrame(threadId);
      assert.equal(top.name, 'rdbChannelHandleFullresyncReply (RDB_CH_RECEIVE_FULLRESYNC -> RDB_CH_RDB_LOADING)');
      assert.equal(top.source!.sourceReference, doc.sourceReference);
      assert.equal(top.line, doc.lines.get(findTransition(RdbChannelState.RECEIVE_FULLRESYNC, RdbChannelState.RDB_LOADING)!));
      const source = await a.dc.sourceRequest({ sourceReference: doc.sourceReference, source: top.source! });
      assert.equal(source.body.content, doc.text);
      const scopes = await a.scopes(threadId);
      const ch = scopes['Rdb channel']!;
      assert.equal(value(ch, 'repl_rdb_ch_state'), 'REPL_RDB_CH_RDB_LOADING');
      assert.equal(value(ch, 'repl_main_ch_state'), 'REPL_MAIN_CH_ACCUMULATE_BUF');
      assert.ok(Number(value(ch, 'repl_main_ch_client_id')) > 0, '+RDBCHANNELSYNC <id>');
      assert.equal(value(ch, 'replica_full_sync_buffer_peak'), '0');
      assert.match(value(ch, 'main_link'), /^link 1, \d+ bytes unread$/);
      assert.match(value(ch, 'rdb_link'), /^link 2, \d+ bytes unread$/);
      const repl = scopes['Replication']!;
      assert.equal(value(repl, 'emulate'), 'redis-8.8 (Redis 8.8.0)');
      assert.equal(value(repl, 'repl_total_sync_attempts'), '1');
      const emulate = await a.children(repl['emulate']!.variablesReference);
      assert.equal(value(emulate, 'reason'), "'the master is an unstable Redis build (255.255.255) of the redis-8.8 line: emulating redis-8.8'");
      assert.equal(value(emulate, 'reported_version'), "'255.255.255'");
      const frameId = top.id;
      assert.equal((await a.dc.evaluateRequest({ expression: 'repl_state == 12 && repl_rdb_ch_state == RDB_CH_RDB_LOADING', frameId, context: 'watch' })).body.result, 'true');
      const summary = ((await a.dc.customRequest('replicas')).body.replicas as ReplicaSummary[])[0]!;
      assert.deepEqual(summary.rdb_channel, { field: 'repl_rdb_ch_state', state: 'RDB_CH_RDB_LOADING', main_ch_state: 'REPL_MAIN_CH_ACCUMULATE_BUF' });
      assert.equal(summary.repl_buffer!.size_field, 'replica_full_sync_buffer_size');

      await a.dc.continueRequest({ threadId });
      const end = await a.nextStop(threadId, 15_000);
      assert.equal(end.body.reason, 'breakpoint');
      const endTop = await a.topFrame(threadId);
      assert.equal(endTop.line, endLine);
      assert.match(endTop.name, /\(RDB_CH_RDB_LOADING -> RDB_CH_NONE\)$/);
      assert.match(await a.threadName(threadId), /\[CONNECTED\] redis-8\.8$/);
    });

    test('the multi-channel filter stops when the rdb channel is cut during the transfer, with the replica\'s own line; once per failure', async () => {
      const a = adapter();
      // Only the rdb channel (its handshake says rdb-only) loses its connection, after the first piece of the RDB.
      let cut = false;
      proxy.always((segment, link) => {
        if (cut || segment.kind !== 'payload' || !link.replicaToMasterText.includes('rdb-only')) return undefined;
        cut = true;
        return { forward: segment.bytes.subarray(0, Math.floor(segment.bytes.length / 2)), then: 'close' };
      });
      try {
        await a.launch({ master: `127.0.0.1:${proxy.port}`, emulate: 'redis-8.8' }, (dc) => dc.setExceptionBreakpointsRequest({ filters: ['multi-channel', 'link-error'] }));
        const stop = await a.nextStop(undefined, 15_000);
        assert.equal(stop.body.reason, 'exception');
        assert.equal(stop.body.text, 'MultiChannelSyncError');
        const threadId = stop.body.threadId!;
        const info = (await a.dc.exceptionInfoRequest({ threadId })).body;
        assert.equal(info.exceptionId, 'MultiChannelSyncError');
        assert.equal(info.description, 'I/O error trying to sync with MASTER: connection lost');
        assert.equal(info.details!.fullTypeName, 'REPL_RDB_CH_RDB_LOADING -> REPL_RDB_CH_STATE_NONE (rdb-channel-abort)');
        assert.match(a.output.map((o) => o.output).join(''), /I\/O error trying to sync with MASTER: connection lost/);
        // The same failure's next record (repl_state TRANSFER -> CONNECT, a link error) does not stop again: the next stop, if any, is another failure.
        await a.dc.continueRequest({ threadId });
        await waitFor('the retry to sync', async () => /\[CONNECTED\] redis-8\.8$/.test(await a.threadName(threadId)), 15_000);
        assert.equal(a.stops.length, 0, `no second stop for the same failure: ${JSON.stringify(a.stops.map((s) => s.body))}`);
      } finally {
        proxy.behave();
      }
    });
  });
});
