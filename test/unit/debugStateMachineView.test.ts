// What the state-machine webview is sent (stateMachineModel.ts): a diagram per
// version the replicas emulate, with that version's own main states and its
// second connection's machine beside them, each replica placed on both, the
// path with short names, and the function breakpoints on one transition in
// any spelling. And the debug console's completions of the new names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig } from '../../src/config/replicaConfig';
import { completions } from '../../src/debug/completions';
import { summarize, type ReplicaSummary } from '../../src/debug/replicaSummary';
import { ReplicaEngine } from '../../src/engine/engine';
import { breakpointsOnEdge, buildModel, diagramOf } from '../../src/extension/stateMachineModel';
import { FakeClock, replidSequence } from '../support/fakeMaster';
import type { Emulate } from '../../src/versions/resolve';

/** A replica that has not started (REPL_STATE_CONNECT, its channel NONE) emulating `emulate`, as the Replicas view sums it up. */
function replica(threadId: number, emulate: Emulate): ReplicaSummary {
  const engine = new ReplicaEngine({ ...defaultConfig(), emulate, replicaof: { host: '127.0.0.1', port: 6379 } }, { clock: new FakeClock(0), newReplid: replidSequence() });
  engine.runUntilIdle();
  return summarize({
    threadId, name: `replica ${threadId}`, port: 6380 + threadId, info: engine.info, replTimeout: 60, masterReplTimeout: 60, nowMs: 0,
    stopped: null, pauseMode: 'keepalive', version: { profile: engine.profile, emulation: engine.emulation, buffer: engine.replBuffer },
    dataset: { footprint: engine.keyspace.footprint, reason: engine.keyspace.footprintReason },
  });
}

describe('the state-machine webview\'s model', () => {
  test('no replica: every version\'s diagram, the main machine and both channel machines', () => {
    const m = buildModel([], []);
    assert.equal(m.diagrams.length, 1);
    assert.equal(m.diagrams[0]!.profile, null);
    assert.deepEqual(m.diagrams[0]!.machines.map((x) => x.id), ['main', 'rdb-channel', 'dual-channel']);
    assert.ok(m.diagrams[0]!.machines[0]!.states.includes('RECEIVE_REQ_REPLY') && m.diagrams[0]!.machines[0]!.states.includes('RECEIVE_VERSION_REPLY'));
  });

  test('a diagram per version: its own main states, its channel beside them, each replica on both machines', () => {
    const m = buildModel([{ sessionId: 's', replicas: [replica(1, 'redis-8.8'), replica(2, 'valkey-8.0'), replica(3, 'redis-7.0'), replica(4, 'auto')], transitions: [] }], []);
    assert.deepEqual(m.diagrams.map((d) => d.profile), ['redis-8.8', 'valkey-8.0', 'redis-7.0', null]);
    const [r88, v80, r70] = m.diagrams;
    assert.deepEqual(r88!.machines.map((x) => x.id), ['main', 'rdb-channel']);
    assert.ok(r88!.machines[0]!.states.includes('RECEIVE_REQ_REPLY'));
    assert.ok(!r88!.machines[0]!.states.includes('RECEIVE_VERSION_REPLY'));
    assert.deepEqual(r88!.machines[1]!.states, ['RDB_CH_NONE', 'RDB_CH_SEND_HANDSHAKE', 'RDB_CH_RECEIVE_AUTH_REPLY', 'RDB_CH_RECEIVE_REPLCONF_REPLY', 'RDB_CH_RECEIVE_FULLRESYNC', 'RDB_CH_RDB_LOADING']);
    assert.ok(r88!.machines[1]!.transitions.some((t) => t.from === 'RDB_CH_RECEIVE_FULLRESYNC' && t.to === 'RDB_CH_RDB_LOADING'));
    assert.deepEqual(v80!.machines.map((x) => x.id), ['main', 'dual-channel']);
    assert.ok(v80!.machines[0]!.states.includes('RECEIVE_VERSION_REPLY'));
    assert.deepEqual(r70!.machines.map((x) => x.id), ['main']);
    assert.equal(r70!.machines[0]!.states.length, 13, 'Redis 7.0\'s 13 states');
    assert.deepEqual(m.replicas.map((r) => [r.threadId, r.profile, r.state, r.channelState]), [
      [1, 'redis-8.8', 'CONNECT', 'RDB_CH_NONE'], [2, 'valkey-8.0', 'CONNECT', 'DUAL_CHANNEL_NONE'], [3, 'redis-7.0', 'CONNECT', null], [4, null, 'CONNECT', 'RDB_CH_NONE'],
    ]);
  });

  test('the path and the breakpoints use short names, whatever spelling they came in; a pattern marks the edges it matches', () => {
    const m = buildModel([{
      sessionId: 's', replicas: [replica(1, 'redis-8.8')],
      transitions: [{ threadId: 1, from: 'REPL_RDB_CH_RECEIVE_FULLRESYNC', to: 'REPL_RDB_CH_RDB_LOADING', cause: 'full-resync', message: '+FULLRESYNC', seq: 9, at: 1 }],
    }], [
      { name: 'REPL_RDB_CH_RECEIVE_FULLRESYNC -> REPL_RDB_CH_RDB_LOADING', enabled: true },
      { name: 'connecting->transfer', enabled: false },
      { name: '*->RDB_CH_NONE', enabled: true },
      { name: 'HANDSHAKE->TRANSFER', enabled: true },
    ]);
    assert.deepEqual(m.path.map((t) => `${t.from}->${t.to}`), ['RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_RDB_LOADING']);
    assert.deepEqual(m.breakpoints.filter((b) => b.exact), [
      { from: 'RDB_CH_RECEIVE_FULLRESYNC', to: 'RDB_CH_RDB_LOADING', enabled: true, exact: true },
      { from: 'CONNECTING', to: 'TRANSFER', enabled: false, exact: true },
    ]);
    // Patterns mark every edge they stop on.
    const patterns = m.breakpoints.filter((b) => !b.exact).map((b) => `${b.from}->${b.to}`);
    assert.deepEqual(patterns.filter((p) => p.endsWith('RDB_CH_NONE')), [
      'RDB_CH_SEND_HANDSHAKE->RDB_CH_NONE', 'RDB_CH_RECEIVE_AUTH_REPLY->RDB_CH_NONE', 'RDB_CH_RECEIVE_REPLCONF_REPLY->RDB_CH_NONE',
      'RDB_CH_RECEIVE_FULLRESYNC->RDB_CH_NONE', 'RDB_CH_RDB_LOADING->RDB_CH_NONE',
    ]);
    assert.ok(patterns.includes('RECEIVE_PSYNC_REPLY->TRANSFER'), 'HANDSHAKE->TRANSFER');
  });

  test('a click on a channel edge finds its breakpoint in any spelling (to remove it)', () => {
    const bps = [{ name: 'rdb_ch_rdb_loading->REPL_RDB_CH_STATE_NONE' }, { name: 'RDB_CH_RDB_LOADING' }, { name: 'TRANSFER->CONNECTED' }];
    assert.deepEqual(breakpointsOnEdge(bps, 'RDB_CH_RDB_LOADING', 'RDB_CH_NONE'), [bps[0]]);
    assert.deepEqual(breakpointsOnEdge(bps, 'DUAL_CHANNEL_RDB_LOAD', 'DUAL_CHANNEL_RDB_LOADED'), []);
  });

  test('an unknown profile draws every version\'s diagram', () => {
    assert.equal(diagramOf('redis-9.9').profile, null);
  });
});

describe('completions of the new names', () => {
  const labels = (text: string): string[] => completions(text, text.length).map((c) => c.label);

  test('the channel\'s fields and their structs complete as variables', () => {
    assert.deepEqual(labels('repl_rdb_c'), ['repl_rdb_ch_state', 'repl_rdb_channel_state']);
    assert.deepEqual(labels('repl_main_ch_state.'), ['repl_main_ch_state.accumulate', 'repl_main_ch_state.streaming', 'repl_main_ch_state.closeAsap']);
    assert.ok(labels('repl_provisional').includes('repl_provisional_primary.reploff'));
    assert.ok(labels('repl_total').includes('repl_total_sync_attempts'));
  });

  test('state names complete where a channel state is compared', () => {
    assert.deepEqual(labels('repl_rdb_ch_state == RDB_CH_R'), ['RDB_CH_RECEIVE_AUTH_REPLY', 'RDB_CH_RECEIVE_REPLCONF_REPLY', 'RDB_CH_RECEIVE_FULLRESYNC', 'RDB_CH_RDB_LOADING']);
    assert.deepEqual(labels('repl_rdb_channel_state == DUAL_CHANNEL_RDB'), ['DUAL_CHANNEL_RDB_LOAD', 'DUAL_CHANNEL_RDB_LOADED']);
    assert.ok(labels('repl_state == RECEIVE_').includes('RECEIVE_REQ_REPLY'));
  });
});
