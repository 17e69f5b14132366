// The Timeouts scope's countdowns, against the cron's own comparisons:
// Redis fires a timeout at the first cron run where now - since > repl_timeout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cronTimeouts } from '../../src/debug/timeouts';
import { initialReplicaInfo, type ReplicaInfo } from '../../src/engine/replicaInfo';
import { ReplState } from '../../src/engine/states';

const info = (patch: Partial<ReplicaInfo>): ReplicaInfo => ({ ...initialReplicaInfo('a'.repeat(40)), masterhost: '127.0.0.1', masterport: 6379, ...patch });
const master = { reploff: 0, read_reploff: 0, replid: 'b'.repeat(40), lastinteraction: 1000, db: 0, multi: false, multi_dirty: false, pre_psync: false, close_after_reply: null };

describe('cron timeouts', () => {
  test('the handshake timeout counts from repl_transfer_lastio and fires after repl_timeout + 1 whole seconds', () => {
    const v = cronTimeouts(info({ repl_state: ReplState.RECEIVE_PSYNC_REPLY, repl_transfer_lastio: 1000 }), 60, 1_010_500);
    const connect = v.timeouts.find((t) => t.id === 'connect')!;
    assert.equal(connect.active, true);
    assert.equal(connect.elapsed, 10);
    assert.equal(connect.remainingMs, 50_500);
    assert.equal(v.firesFirst, 'connect');
    assert.equal(v.timeouts.filter((t) => t.active).length, 1);
  });

  test('TRANSFER arms the transfer timeout, CONNECTED the master timeout; remaining never goes below 0', () => {
    assert.equal(cronTimeouts(info({ repl_state: ReplState.TRANSFER, repl_transfer_lastio: 1000 }), 5, 1_003_000).firesFirst, 'transfer');
    const connected = cronTimeouts(info({ repl_state: ReplState.CONNECTED, master }), 5, 1_100_000);
    assert.equal(connected.firesFirst, 'master');
    assert.equal(connected.timeouts.find((t) => t.id === 'master')!.remainingMs, 0);
  });

  test('nothing is armed for a master, or in CONNECT', () => {
    assert.equal(cronTimeouts(info({ masterhost: null, repl_state: ReplState.NONE }), 60, 0).firesFirst, null);
    assert.equal(cronTimeouts(info({ repl_state: ReplState.CONNECT }), 60, 0).firesFirst, null);
  });
});
