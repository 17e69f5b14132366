// The master's drop of a silent replica as a countdown in the Timeouts scope:
// a Redis 7.0 master drops an online replica when unixtime - repl_ack_time >
// its repl-timeout. Every ACK the replica sends resets it: the cron's, and the
// shell's while a keepalive stop holds the engine's clock; a freeze sends none.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assumedMasterReplTimeout, parseConfigGet } from '../../src/debug/masterReplTimeout';
import { masterDropTimeout, replicaTimeouts } from '../../src/debug/timeouts';
import { scopeVariables, type ReplicaSnapshot, type VariableNode } from '../../src/debug/variables';
import { versionSnapshotOf } from '../../src/debug/versionView';
import type { ReplicaEngine } from '../../src/engine/engine';
import { initialReplicaInfo, type ReplicaInfo } from '../../src/engine/replicaInfo';
import { ReplState } from '../../src/engine/states';
import { ReplyError } from '../../src/net/redisClient';
import { PausableClock } from '../../src/net/clock';
import { FakeClock, WHOLE_SECOND } from '../support/fakeMaster';
import { connectedEngine } from '../support/syntheticMaster';

const T0 = WHOLE_SECOND;
const master = { reploff: 0, read_reploff: 0, replid: 'b'.repeat(40), lastinteraction: 1000, db: 0, multi: false, multi_dirty: false, pre_psync: false, close_after_reply: null };
const info = (patch: Partial<ReplicaInfo>): ReplicaInfo => ({
  ...initialReplicaInfo('a'.repeat(40)), masterhost: '127.0.0.1', masterport: 6379, repl_state: ReplState.CONNECTED, master, repl_ack_time: 1000, ...patch,
});

describe('master_drop, computed', () => {
  test('counts from repl_ack_time against the master\'s repl-timeout, whole seconds with a strict >', () => {
    const t = masterDropTimeout(info({}), 10, 1_004_200);
    assert.equal(t.active, true);
    assert.equal(t.elapsed, 4);
    assert.equal(t.limit, 10);
    assert.equal(t.remainingMs, 6_800);
    assert.equal(t.since, 'repl_ack_time');
  });

  test('armed only for an online replica that sends ACKs', () => {
    assert.equal(masterDropTimeout(info({ repl_state: ReplState.TRANSFER, master: null }), 10, 0).active, false);
    assert.equal(masterDropTimeout(info({ master: { ...master, pre_psync: true } }), 10, 0).active, false);
    assert.equal(masterDropTimeout(info({ masterhost: null }), 10, 0).active, false);
  });

  test('fires_first compares it with the cron\'s timeout', () => {
    // Ours: lastinteraction 1000 + 60 s; the master's: ACK at 1000 + 10 s.
    assert.equal(replicaTimeouts(info({}), 60, 10, 1_002_000).firesFirst, 'master_drop');
    assert.equal(replicaTimeouts(info({}), 5, 10, 1_002_000).firesFirst, 'master');
    assert.equal(replicaTimeouts(info({ repl_state: ReplState.RECEIVE_PSYNC_REPLY, master: null }), 5, 10, 1_002_000).firesFirst, 'connect');
  });
});

describe('master_drop on a stopped replica', () => {
  const snapshot = (engine: ReplicaEngine, clock: PausableClock, masterReplTimeout = 10): ReplicaSnapshot => ({
    info: engine.info, replTimeout: engine.config['repl-timeout'], masterauthSet: false, dataset: { setting: engine.config.dataset, footprint: engine.keyspace.footprint, reason: engine.keyspace.footprintReason }, nowMs: clock.now(), unreadBytes: 0,
    clockHeld: clock.held, recent: engine.recentEvents(), transfer: engine.transferProgress,
    masterReplTimeout: { seconds: masterReplTimeout, source: 'CONFIG GET repl-timeout on 127.0.0.1:6379' },
    version: versionSnapshotOf(engine),
  });
  const find = (nodes: readonly VariableNode[], name: string): VariableNode => nodes.find((n) => n.name === name)!;
  const child = (n: VariableNode, name: string): string => n.children!.find((c) => c.name === name)!.value;

  /** Synced, then the cron's ACK at T0 + 1 s. */
  function acked(): { engine: ReplicaEngine; clock: PausableClock; source: FakeClock } {
    const source = new FakeClock(T0);
    const clock = new PausableClock(source);
    const engine = connectedEngine(clock);
    source.ms = T0 + 1000;
    engine.receive({ type: 'cron' });
    engine.runUntilIdle();
    assert.equal(engine.info.repl_ack_time, T0 / 1000 + 1);
    return { engine, clock, source };
  }

  test('a freeze sends no ACK: the countdown runs with the clock and the master\'s drop comes first', () => {
    const { engine, clock, source } = acked();
    source.ms = T0 + 1000 + 7_500;
    const nodes = scopeVariables('timeouts', snapshot(engine, clock));
    const drop = find(nodes, 'master_drop_timeout');
    assert.match(drop.value, /^the master logs "Disconnecting timedout replica \(streaming sync\)" and drops the link in 4 s$/);
    assert.equal(child(drop, 'elapsed'), '7');
    assert.equal(child(drop, 'limit'), '10');
    assert.equal(child(drop, 'remaining'), '4');
    assert.equal(child(drop, 'limit_source'), 'CONFIG GET repl-timeout on 127.0.0.1:6379');
    assert.equal(find(nodes, 'fires_first').value, 'master_drop_timeout');
    assert.equal(find(nodes, 'master_repl_timeout').value, '10 (CONFIG GET repl-timeout on 127.0.0.1:6379)');
  });

  test('a keepalive stop holds the clock and the ACK each second resets it: it stays full', () => {
    const { engine, clock, source } = acked();
    source.ms = T0 + 1500;
    clock.hold();
    for (let s = 1; s <= 30; s++) {
      source.ms += 1000;
      // What the shell does each second of a keepalive stop: the engine makes the ACK and records it.
      const ack = engine.keepaliveAck();
      assert.equal(ack?.toString('latin1'), '*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n');
    }
    const drop = find(scopeVariables('timeouts', snapshot(engine, clock)), 'master_drop_timeout');
    assert.equal(child(drop, 'elapsed'), '0');
    assert.equal(child(drop, 'remaining'), '11');
    assert.match(drop.value, /in 11 s \(reset each second by the keepalive ACK\)$/);
    const acks = engine.recentEvents().filter((e) => e.kind === 'ack');
    assert.equal(acks.length, 31, 'the cron\'s ACK and the 30 of the stop');
  });

  test('no keepalive ACK outside CONNECTED; not armed there either', () => {
    const source = new FakeClock(T0);
    const clock = new PausableClock(source);
    const engine = connectedEngine(clock);
    engine.receive({ type: 'closed', link: engine.linkId! });
    engine.runUntilIdle();
    assert.notEqual(engine.info.repl_state, ReplState.CONNECTED);
    assert.equal(engine.keepaliveAck(), null);
    assert.match(find(scopeVariables('timeouts', snapshot(engine, clock)), 'master_drop_timeout').value, /^not armed/);
  });
});

describe("the master's repl-timeout", () => {
  test('CONFIG GET\'s reply, or the default with the reason', () => {
    assert.equal(parseConfigGet(['repl-timeout', '7']), 7);
    assert.throws(() => parseConfigGet(new ReplyError("NOPERM this user has no permissions to run the 'config|get' command")), /NOPERM/);
    assert.throws(() => parseConfigGet([]), /unexpected reply/);
    assert.deepEqual(assumedMasterReplTimeout('NOPERM no permissions'), { seconds: 60, source: 'assumed (Redis default; CONFIG GET refused: NOPERM no permissions)' });
  });
});
