// The one transition function and the transition table: an illegal change of
// repl_state is a bug, and it throws instead of happening.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/config/replicaConfig';
import { ReplicaCore } from '../../src/engine/core';
import { findTransition, IllegalTransitionError, ReplState, TRANSITIONS } from '../../src/engine/states';
import { FakeClock, replidSequence, SessionReplay, WHOLE_SECOND } from '../support/fakeMaster';
import { loadSession } from '../support/sessionCaptureFormat';

function core(): ReplicaCore {
  return new ReplicaCore({ ...defaultConfig(), emulate: 'redis-7.0', replicaof: { host: '127.0.0.1', port: 6390 } }, { clock: new FakeClock(WHOLE_SECOND), newReplid: replidSequence() });
}

describe('the transition function', () => {
  test('NONE -> CONNECTED is not in the table, and ReplicaCore.transition throws IllegalTransitionError for it', () => {
    assert.equal(findTransition(ReplState.NONE, ReplState.CONNECTED), undefined);
    const c = core();
    assert.throws(() => c.transition(ReplState.CONNECTED, 'sync-finished', 'no', ['test']), IllegalTransitionError);
    assert.equal(c.info.repl_state, ReplState.NONE, 'the state did not change');
    assert.equal(c.transitions.length, 0, 'nothing was recorded');
  });

  test('a pair in the table with a cause it does not list throws too', () => {
    const rule = findTransition(ReplState.NONE, ReplState.CONNECT);
    assert.ok(rule && !rule.causes.includes('reconnect'));
    assert.throws(() => core().transition(ReplState.CONNECT, 'reconnect', 'no', ['test']), (err: unknown) =>
      err instanceof IllegalTransitionError && /REPL_STATE_NONE -> REPL_STATE_CONNECT \(cause reconnect\)/.test(err.message));
  });

  test('a legal transition is recorded with from, to, cause, message, call path and clock time', () => {
    const c = core();
    const point = c.transition(ReplState.CONNECT, 'replicaof', 'REPLICAOF 127.0.0.1:6390', ['replicaofCommand', 'replicationSetMaster']);
    assert.equal(c.info.repl_state, ReplState.CONNECT);
    assert.deepEqual(point, {
      kind: 'transition',
      transition: { seq: 1, machine: 'main', from: ReplState.NONE, to: ReplState.CONNECT, cause: 'replicaof', message: 'REPLICAOF 127.0.0.1:6390', callPath: ['replicaofCommand', 'replicationSetMaster'], at: WHOLE_SECOND },
    });
    assert.deepEqual(c.transitions, [point.kind === 'transition' ? point.transition : null]);
  });

  test('no state can be entered from NONE but CONNECT, and TRANSFER only from RECEIVE_PSYNC_REPLY', () => {
    for (const to of Object.values(ReplState).filter((v): v is ReplState => typeof v === 'number')) {
      if (to !== ReplState.CONNECT) assert.equal(findTransition(ReplState.NONE, to), undefined, `NONE -> ${ReplState[to]}`);
    }
    assert.deepEqual(TRANSITIONS.filter((t) => t.to === ReplState.TRANSFER).map((t) => t.from), [ReplState.RECEIVE_PSYNC_REPLY]);
  });
});

describe('the transitions of real sessions', () => {
  test('carry a Redis call path and the clock time of the input that caused them', () => {
    const r = new SessionReplay(loadSession('timeouts')).run();
    const byCause = (cause: string) => r.engine.transitions.find((t) => t.cause === cause)!;
    assert.deepEqual(byCause('cron-connect').callPath, ['replicationCron', 'connectWithMaster']);
    assert.deepEqual(byCause('transfer-timeout').callPath, ['replicationCron', 'cancelReplicationHandshake']);
    assert.deepEqual(byCause('master-timeout').callPath.slice(0, 2), ['replicationCron', 'freeClient']);
    assert.deepEqual(byCause('full-resync').callPath, ['syncWithMaster']);
    const seqs = r.engine.transitions.map((t) => t.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
    const timeoutLine = r.fixture.replicaLog.find((l) => l.message.startsWith('MASTER timeout'))!;
    assert.equal(byCause('master-timeout').at, r.fixture.epochMs + timeoutLine.t, 'at the cron tick the real replica timed out');
  });
});
