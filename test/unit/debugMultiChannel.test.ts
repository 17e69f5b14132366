// The debugger on the multi-channel full syncs captured from real Redis 8
// (2026-06) and Valkey 8.0.1 replicas: the engine is fed each session's bytes,
// link by link, and stopped where a test wants it (the first failure the
// capture provoked, a given transition, a read of the buffer). There the
// exception filters classify what the debugger would stop on, and the
// variables, the Replicas view's summary and conditions read the channels.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataBreakpoints } from '../../src/debug/dataBreakpoints';
import { classify, classifyStep, selected, type Classified, type ExceptionFilterId } from '../../src/debug/exceptionFilters';
import { compile, evaluate } from '../../src/debug/expression';
import { replicaScope } from '../../src/debug/replicaScope';
import { summarize } from '../../src/debug/replicaSummary';
import { formatValue } from '../../src/debug/values';
import { scopesOf, scopeVariables, type ReplicaSnapshot, type VariableNode } from '../../src/debug/variables';
import { versionSnapshotOf } from '../../src/debug/versionView';
import { replicaDescription, replicaFields } from '../../src/extension/format';
import { ReplicaEngine } from '../../src/engine/engine';
import type { StepResult } from '../../src/engine/io';
import { shortStateName } from '../../src/engine/states';
import type { ProfileId } from '../../src/versions/profile';
import { FakeClock, SessionReplay } from '../support/fakeMaster';
import { loadSession } from '../support/sessionCaptureFormat';

/** What the debugger would stop on first, with the records and log lines up to there. */
interface FirstFailure {
  /** `RDB_CH_RECEIVE_REPLCONF_REPLY->RDB_CH_NONE` for a transition, the point's kind for a log-line moment. */
  where: string;
  classified: Classified;
  /** Every log line the engine wrote up to the failure. */
  log: string[];
}

interface Replay {
  engine: ReplicaEngine;
  clock: FakeClock;
  /** The step the replay stopped at, or null when it ran to the capture's end. */
  stop: StepResult | null;
  log: string[];
}

/**
 * The capture replayed into an engine of `profile` (fakeMaster's replay: the
 * master's bytes on each link at their times, the real replica's cron ticks,
 * its disk loads spread over their real time) until `until` holds after a step.
 */
function replay(name: string, profile: ProfileId, until: (r: StepResult, engine: ReplicaEngine) => boolean): Replay {
  const r = new SessionReplay(loadSession(name), { config: { emulate: profile }, stopAfter: until }).run();
  return { engine: r.engine, clock: r.clock, stop: r.stoppedAfter, log: r.logs.map((l) => l.message) };
}

/** The first step the filters stop on (the multi-channel one by default), classified. */
function firstFailure(name: string, profile: ProfileId, filters: readonly ExceptionFilterId[] = ['multi-channel']): FirstFailure | null {
  const wanted = new Set(filters);
  let found: FirstFailure | null = null;
  const r = replay(name, profile, (step) => {
    const notice = classifyStep(step);
    if (notice && selected(notice, wanted)) found = { where: step.point.kind, classified: notice, log: [] };
    else if (step.point.kind === 'transition') {
      const t = step.point.transition;
      const c = classify(t);
      if (c && selected(c, wanted)) found = { where: `${shortStateName(t.from)}->${shortStateName(t.to)}`, classified: c, log: [] };
    }
    return found !== null;
  });
  return found === null ? null : { ...(found as FirstFailure), log: r.log };
}

/** Stops at the transition into `to` (short name). */
const into = (to: string) => (r: StepResult): boolean => r.point.kind === 'transition' && shortStateName(r.point.transition.to) === to;

function snapshot(engine: ReplicaEngine, clock: FakeClock): ReplicaSnapshot {
  return {
    info: engine.info, replTimeout: engine.config['repl-timeout'], masterauthSet: false, dataset: { setting: engine.config.dataset, footprint: engine.keyspace.footprint, reason: engine.keyspace.footprintReason }, nowMs: clock.now(), unreadBytes: engine.bufferedBytes,
    clockHeld: false, recent: engine.recentEvents(), transfer: engine.transferProgress,
    masterReplTimeout: { seconds: 60, source: 'assumed' }, version: versionSnapshotOf(engine),
  };
}

const byName = (nodes: readonly VariableNode[]): Record<string, VariableNode> => Object.fromEntries(nodes.map((n) => [n.name, n]));

function holds(engine: ReplicaEngine, expression: string): boolean {
  const c = compile(expression);
  assert.ok(c.ok, expression);
  const r = evaluate(c.expr, replicaScope(engine.info, undefined, engine));
  assert.ok(r.ok, `${expression}: ${r.ok ? '' : r.message}`);
  return formatValue(r.value) === 'true';
}

const REDIS = 'redis-unstable-2026-06';
const VALKEY = 'valkey-8.0.1';

describe('multi-channel sync failures on captured sessions', () => {
  const cases: { session: string; profile: ProfileId; where: string; filter: ExceptionFilterId; description: string | RegExp }[] = [
    { session: `${REDIS}/rdb-channel-wrong-client-id`, profile: 'redis-8.8', where: 'RECEIVE_PSYNC_REPLY->CONNECT', filter: 'multi-channel',
      description: 'rdb channel sync failed with error: -ERR Unrecognized RDB client id: 1006' },
    { session: `${REDIS}/rdb-channel-replconf-error`, profile: 'redis-8.8', where: 'RECEIVE_PSYNC_REPLY->CONNECT', filter: 'multi-channel',
      description: 'rdb channel sync failed with error: -ERR Unrecognized REPLCONF option: rdb-onlx' },
    { session: `${REDIS}/rdb-channel-fullresync-corrupt`, profile: 'redis-8.8', where: 'RECEIVE_PSYNC_REPLY->CONNECT', filter: 'multi-channel',
      description: /^rdb channel sync failed with error: \+FULLRESYNC [0-9a-f]{20} 0$/ },
    { session: `${REDIS}/rdb-channel-rdb-cut-disk`, profile: 'redis-8.8', where: 'RDB_CH_RDB_LOADING->RDB_CH_NONE', filter: 'multi-channel',
      description: 'I/O error trying to sync with MASTER: connection lost' },
    { session: `${REDIS}/rdb-channel-main-cut-disk`, profile: 'redis-8.8', where: 'RDB_CH_RDB_LOADING->RDB_CH_NONE', filter: 'multi-channel',
      description: 'Main channel error while reading from master: Success' },
    { session: `${VALKEY}/dual-channel-endoff-corrupt`, profile: 'valkey-8.0', where: 'RECEIVE_PSYNC_REPLY->CONNECT', filter: 'multi-channel',
      description: /^Received unexpected \$ENDOFF response: \$ENDOFF:0 [0-9a-f]{40}$/ },
    { session: `${VALKEY}/dual-channel-replconf-error`, profile: 'valkey-8.0', where: 'RECEIVE_PSYNC_REPLY->CONNECT', filter: 'multi-channel',
      description: 'Server does not support sync with offset, dual channel sync approach cannot be used: -ERR Unrecognized REPLCONF option: rdb-onlx' },
    { session: `${VALKEY}/dual-channel-wrong-client-id`, profile: 'valkey-8.0', where: 'DUAL_CHANNEL_RDB_LOAD->DUAL_CHANNEL_NONE', filter: 'multi-channel',
      description: 'Aborting dual channel sync. Main channel psync result -1' },
    { session: `${VALKEY}/dual-channel-rdb-cut-disk`, profile: 'valkey-8.0', where: 'DUAL_CHANNEL_RDB_LOAD->DUAL_CHANNEL_NONE', filter: 'multi-channel',
      description: 'I/O error trying to sync with PRIMARY: connection lost' },
    { session: `${VALKEY}/dual-channel-main-cut-disk`, profile: 'valkey-8.0', where: 'DUAL_CHANNEL_RDB_LOAD->DUAL_CHANNEL_NONE', filter: 'multi-channel',
      description: 'Provisional primary closed connection' },
  ];
  for (const c of cases) {
    test(`${c.session}: stops at ${c.where} as ${c.filter}, with the replica's own log line`, () => {
      const found = firstFailure(c.session, c.profile);
      assert.ok(found, 'a multi-channel failure was classified');
      assert.equal(found.where, c.where);
      assert.equal(found.classified.filter, c.filter);
      assert.equal(found.classified.exception.exceptionId, 'MultiChannelSyncError');
      if (typeof c.description === 'string') assert.equal(found.classified.exception.description, c.description);
      else assert.match(found.classified.exception.description, c.description);
      // The line a real replica of that version logged, word for word.
      const captured = loadSession(c.session).replicaLog.map((l) => l.message);
      assert.ok(captured.some((m) => m === found.classified.exception.description || m.endsWith(found.classified.exception.description)),
        `the real replica logged "${found.classified.exception.description}"`);
    });
  }

  test('an AUTH the master refuses on the rdb channel is an auth error and a multi-channel failure', () => {
    for (const [session, profile] of [[`${REDIS}/rdb-channel-auth-fail`, 'redis-8.8'], [`${VALKEY}/dual-channel-auth-fail`, 'valkey-8.0']] as const) {
      const found = firstFailure(session, profile);
      assert.ok(found, session);
      assert.equal(found.classified.filter, 'auth-error', session);
      assert.deepEqual(found.classified.also, ['multi-channel'], session);
      assert.match(found.classified.exception.description, /WRONGPASS invalid username-password pair or user is disabled\.$/, session);
      assert.equal(firstFailure(session, profile, ['auth-error'])?.classified.filter, 'auth-error', 'the auth-error filter alone stops there too');
    }
  });

  test('the main channel failing while Redis loads the RDB stops there, with the main channel\'s error; the abort waits for the load', () => {
    for (const session of [`${REDIS}/rdb-channel-main-cut-diskless-events`]) {
      const found = firstFailure(session, 'redis-8.8');
      assert.ok(found, session);
      assert.equal(found.classified.exception.cause, 'main-channel-error', session);
      assert.equal(found.classified.exception.description, 'Main channel error while reading from master: Success', session);
      assert.match(found.classified.exception.details.message, /Aborting rdb channel sync while loading the RDB\. The sync ends when the load does\.$/);
    }
  });

  test('the local buffer reaching its limit stops with Redis\'s notice (Redis 8 and Valkey 8 words)', () => {
    const redis = firstFailure(`${REDIS}/rdb-channel-buffer-limit`, 'redis-8.8');
    assert.ok(redis);
    assert.equal(redis.classified.exception.exceptionId, 'ReplicationBufferLimitReached');
    assert.equal(redis.classified.exception.description,
      'Replication buffer limit has been reached (65536 bytes), stopped buffering replication stream. Further accumulation may occur on master side.');
    const valkey = firstFailure(`${VALKEY}/dual-channel-buffer-limit`, 'valkey-8.0');
    assert.ok(valkey);
    assert.equal(valkey.classified.exception.description, 'Replication buffer limit reached, stopping buffering.');
    for (const [session, found] of [[`${REDIS}/rdb-channel-buffer-limit`, redis], [`${VALKEY}/dual-channel-buffer-limit`, valkey]] as const) {
      assert.ok(loadSession(session).replicaLog.some((l) => l.message === found.classified.exception.description), `${session}: the real replica's line`);
    }
  });

  test('a clean multi-channel sync, and the link cut after it, raise no multi-channel failure', () => {
    // These captures end with the proxy cutting the main link of a synced replica: a link error, not a multi-channel one.
    for (const [session, profile] of [[`${REDIS}/rdb-channel-disk`, 'redis-8.8'], [`${VALKEY}/dual-channel-disk`, 'valkey-8.0']] as const) {
      assert.equal(firstFailure(session, profile), null, session);
      assert.equal(firstFailure(session, profile, ['link-error'])?.classified.exception.description, 'Master closed the connection', session);
    }
  });
});

describe('the channels in the Variables, the Replicas view and conditions, on captured syncs', () => {
  test('Redis 8 at RDB_CH_RDB_LOADING: the Rdb channel scope under Redis\'s names, the buffer after the first read, both links', () => {
    const r = replay(`${REDIS}/rdb-channel-disk`, 'redis-8.8', into('RDB_CH_RDB_LOADING'));
    assert.ok(r.stop);
    const { engine, clock } = r;
    assert.deepEqual(scopesOf(engine.profile).map((s) => s.name), ['Replication', 'Master link', 'Rdb channel', 'Timeouts', 'Transfer', 'Recent events', 'Keyspace']);
    let ch = byName(scopeVariables('channel', snapshot(engine, clock)));
    assert.deepEqual(Object.keys(ch), [
      'repl_rdb_ch_state', 'repl_main_ch_state', 'repl_main_ch_client_id', 'replica_full_sync_buffer_size', 'replica_full_sync_buffer_peak',
      'buffer_used', 'buffer_blocks', 'main_link', 'rdb_link',
    ]);
    assert.equal(ch['repl_rdb_ch_state']!.value, 'REPL_RDB_CH_RDB_LOADING');
    assert.equal(ch['repl_rdb_ch_state']!.type, 'state');
    assert.equal(ch['repl_main_ch_state']!.value, 'REPL_MAIN_CH_ACCUMULATE_BUF');
    assert.deepEqual(ch['repl_main_ch_state']!.children!.map((c) => `${c.evaluateName}=${c.value}`),
      ['repl_main_ch_state.accumulate=true', 'repl_main_ch_state.streaming=false', 'repl_main_ch_state.closeAsap=false']);
    assert.equal(ch['repl_main_ch_client_id']!.value, '6', '+RDBCHANNELSYNC 6');
    assert.equal(ch['replica_full_sync_buffer_size']!.value, '0');
    assert.match(ch['main_link']!.value, /^link 1, \d+ bytes unread$/);
    assert.match(ch['rdb_link']!.value, /^link 2, \d+ bytes unread$/);
    // The replication scope has the 8.2 counters and none of the channel's fields.
    const repl = byName(scopeVariables('replication', snapshot(engine, clock)));
    assert.equal(repl['repl_total_sync_attempts']!.value, '1');
    for (const name of ['repl_rdb_ch_state', 'repl_main_ch_state', 'rdb_client_id', 'repl_provisional_primary']) assert.equal(repl[name], undefined, name);
    assert.equal(repl['emulate']!.value, 'redis-8.8 (Redis 8.8.0)');
    assert.deepEqual(repl['emulate']!.children!.map((c) => c.name), ['setting', 'profile', 'label', 'reason', 'master_version', 'reported_version']);
    assert.equal(byName(repl['emulate']!.children!)['reason']!.value, "'emulate redis-8.8 (configured)'");

    // The first read of the main channel allocates one 1 MB block (1048560 usable), as the capture's INFO showed.
    const read = replay(`${REDIS}/rdb-channel-disk`, 'redis-8.8', (step, e) => step.point.kind === 'read' && e.replBuffer.used > 0);
    assert.ok(read.stop);
    ch = byName(scopeVariables('channel', snapshot(read.engine, read.clock)));
    assert.equal(ch['replica_full_sync_buffer_size']!.value, '1048560');
    assert.equal(ch['replica_full_sync_buffer_peak']!.value, '1048560');
    assert.equal(ch['buffer_used']!.value, '433', 'the first 433 bytes of the stream (SELECT, SET, INCR)');
    assert.equal(ch['buffer_blocks']!.value, '1');
  });

  test('Valkey 8 at DUAL_CHANNEL_RDB_LOAD: the Dual channel scope, $ENDOFF\'s client id and the provisional primary', () => {
    const r = replay(`${VALKEY}/dual-channel-disk`, 'valkey-8.0', into('DUAL_CHANNEL_RDB_LOAD'));
    assert.ok(r.stop);
    const { engine, clock } = r;
    assert.equal(scopesOf(engine.profile)[2]!.name, 'Dual channel');
    const ch = byName(scopeVariables('channel', snapshot(engine, clock)));
    assert.deepEqual(Object.keys(ch), [
      'repl_rdb_channel_state', 'rdb_client_id', 'repl_provisional_primary', 'replicas_repl_buffer_size', 'replicas_repl_buffer_peak',
      'buffer_used', 'buffer_blocks', 'main_link', 'rdb_link',
    ]);
    assert.equal(ch['repl_rdb_channel_state']!.value, 'REPL_DUAL_CHANNEL_RDB_LOAD');
    assert.equal(ch['repl_rdb_channel_state']!.evaluateName, 'repl_rdb_channel_state');
    assert.equal(ch['rdb_client_id']!.value, '6', '$ENDOFF:0 <id> 0 6');
    const provisional = byName(ch['repl_provisional_primary']!.children!);
    assert.match(provisional['replid']!.value, /^'[0-9a-f]{40}'$/);
    assert.equal(provisional['reploff']!.value, '0');
    assert.equal(provisional['dbid']!.value, '0');
    // Valkey 8.0 prints no 8.2 counters.
    const repl = byName(scopeVariables('replication', snapshot(engine, clock)));
    assert.equal(repl['repl_total_sync_attempts'], undefined);
    assert.equal(repl['emulate']!.value, 'valkey-8.0 (Valkey 8.0.1)');
  });

  test('a version without a second connection has no channel scope, and its Replication shows none of those fields', () => {
    const r = replay('valkey-7.2.7/sync-disk', 'valkey-7.2', into('TRANSFER'));
    assert.ok(r.stop);
    assert.equal(scopesOf(r.engine.profile).some((s) => s.id === 'channel'), false);
    assert.deepEqual(scopeVariables('channel', snapshot(r.engine, r.clock)), []);
    const repl = byName(scopeVariables('replication', snapshot(r.engine, r.clock)));
    for (const name of ['repl_rdb_ch_state', 'repl_current_sync_attempts', 'repl_up_since']) assert.equal(repl[name], undefined, name);
  });

  test('the Replicas view: both links\' states, the buffer during the sync, the version', () => {
    const r = replay(`${REDIS}/rdb-channel-disk`, 'redis-8.8', (step, e) => step.point.kind === 'read' && e.replBuffer.used > 0);
    const { engine, clock } = r;
    const s = summarize({
      threadId: 1, name: 'replica 1', port: 6380, info: engine.info, replTimeout: 60, masterReplTimeout: 60, nowMs: clock.now(),
      stopped: null, pauseMode: 'keepalive', version: { profile: engine.profile, emulation: engine.emulation, buffer: engine.replBuffer },
      dataset: { footprint: engine.keyspace.footprint, reason: engine.keyspace.footprintReason },
    });
    assert.equal(s.emulate, 'redis-8.8');
    assert.deepEqual(s.rdb_channel, { field: 'repl_rdb_ch_state', state: 'RDB_CH_RDB_LOADING', main_ch_state: 'REPL_MAIN_CH_ACCUMULATE_BUF' });
    assert.deepEqual(s.repl_buffer, { size_field: 'replica_full_sync_buffer_size', peak_field: 'replica_full_sync_buffer_peak', size: 1048560, peak: 1048560, used: 433, blocks: 1 });
    assert.equal(replicaDescription(s, null), 'TRANSFER | RDB_CH_RDB_LOADING · buffer 1024.0 KB (peak 1024.0 KB) · redis-8.8');
    const fields = Object.fromEntries(replicaFields(s, null));
    assert.equal(fields['repl_rdb_ch_state'], 'RDB_CH_RDB_LOADING');
    assert.equal(fields['replica_full_sync_buffer_size'], '1048560 (1024.0 KB)');
    assert.equal(fields['buffer_used'], '433 bytes in 1 block');
    assert.equal(fields['emulate'], 'redis-8.8 (Redis 8.8.0): emulate redis-8.8 (configured)');
    // Stopped before the load's first key: auto has not chosen yet, and the view says so.
    assert.equal(fields['dataset'], 'full: dataset auto: chosen when a full sync loads (nothing loaded yet)');
    // A replica that keeps no keys says so in its row.
    assert.equal(replicaDescription({ ...s, dataset: 'none', dataset_reason: 'dataset none is configured' }, null),
      'TRANSFER | RDB_CH_RDB_LOADING · buffer 1024.0 KB (peak 1024.0 KB) · redis-8.8 · dataset none');
  });

  test('conditions read a state compared with an integer as its number in the replica\'s version, and the channel states by name', () => {
    const redis = replay(`${REDIS}/rdb-channel-disk`, 'redis-8.8', into('RDB_CH_RDB_LOADING')).engine;
    // Redis 8.8 numbers TRANSFER 12 (8.6 inserted RECEIVE_REQ_REPLY); 7.0 numbers it 11.
    assert.equal(holds(redis, 'repl_state == TRANSFER && repl_state == 12'), true);
    assert.equal(holds(redis, 'repl_state == 11'), false);
    assert.equal(holds(redis, 'repl_rdb_ch_state == RDB_CH_RDB_LOADING && repl_rdb_ch_state == 5'), true);
    assert.equal(holds(redis, "repl_rdb_ch_state == 'REPL_RDB_CH_RDB_LOADING' && repl_main_ch_state.accumulate && repl_main_ch_client_id == 6"), true);
    const old = replay('redis-7.2.6/sync-disk', 'redis-7.2', into('TRANSFER')).engine;
    assert.equal(holds(old, 'repl_state == 11 && repl_state == TRANSFER'), true);
    const valkey = replay(`${VALKEY}/dual-channel-disk`, 'valkey-8.0', into('DUAL_CHANNEL_RDB_LOAD')).engine;
    assert.equal(holds(valkey, 'repl_rdb_channel_state == DUAL_CHANNEL_RDB_LOAD && repl_rdb_channel_state == 5 && rdb_client_id == 6'), true);
    assert.equal(holds(valkey, 'repl_provisional_primary.reploff == 0'), true);
  });

  test('data breakpoints watch the channel\'s state and the main channel\'s flags, step by step', () => {
    const bps = new DataBreakpoints();
    const statuses = bps.set([{ dataId: 'repl_rdb_ch_state' }, { dataId: 'repl_main_ch_state.accumulate', condition: 'repl_main_ch_state.accumulate' }]);
    assert.ok(statuses.every((s) => s.verified));
    assert.equal(DataBreakpoints.canWatch('repl_rdb_channel_state'), true);
    const memory = new Map<string, unknown>();
    const changes: string[] = [];
    replay(`${REDIS}/rdb-channel-disk`, 'redis-8.8', (_step, engine) => {
      const scope = replicaScope(engine.info, undefined, engine);
      if (memory.size === 0) bps.prime(scope, memory);
      const hit = bps.check(scope, memory);
      for (const c of hit.changes) changes.push(`${c.dataId}: ${c.before} → ${c.after}`);
      return engine.info.repl_state === 14;
    });
    assert.deepEqual(changes, [
      'repl_rdb_ch_state: REPL_RDB_CH_STATE_NONE → REPL_RDB_CH_SEND_HANDSHAKE',
      'repl_rdb_ch_state: REPL_RDB_CH_SEND_HANDSHAKE → REPL_RDB_CH_RECEIVE_AUTH_REPLY',
      'repl_rdb_ch_state: REPL_RDB_CH_RECEIVE_AUTH_REPLY → REPL_RDB_CH_RECEIVE_REPLCONF_REPLY',
      'repl_rdb_ch_state: REPL_RDB_CH_RECEIVE_REPLCONF_REPLY → REPL_RDB_CH_RECEIVE_FULLRESYNC',
      'repl_rdb_ch_state: REPL_RDB_CH_RECEIVE_FULLRESYNC → REPL_RDB_CH_RDB_LOADING',
      // The condition holds only when it becomes true.
      'repl_main_ch_state.accumulate: false → true',
    ]);
  });
});
