// emulate auto inside the engine: the connect waits for the master's answer
// (a probe-master action, a master-version input), then the replica is of
// that version. The master's INFO text here is what real servers answer
// (integration/emulateAuto checks each live build's own).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, type ReplicaConfig } from '../../src/config/replicaConfig';
import { ReplState } from '../../src/engine/states';
import { DrivenEngine } from '../support/fakeMaster';

const MASTER = { host: '127.0.0.1', port: 7777 };

function auto(overrides: Partial<ReplicaConfig> = {}): DrivenEngine {
  return new DrivenEngine({ ...defaultConfig(), emulate: 'auto', replicaof: MASTER, ...overrides });
}

describe('emulate auto in the engine', () => {
  test('the first cron asks the master instead of connecting, and connects once it has the answer', () => {
    const d = auto();
    d.run();
    const asked = d.cron().flatMap((r) => r.actions);
    assert.deepEqual(asked.map((a) => a.type), ['probe-master']);
    assert.equal(d.info.repl_state, ReplState.CONNECT);
    assert.equal(d.engine.emulation.resolved, false);
    const answered = d.receive({ type: 'master-version', ...MASTER, info: '# Server\r\nredis_version:7.2.6\r\n' });
    assert.equal(d.engine.profile.id, 'redis-7.2');
    assert.ok(answered.flatMap((r) => r.actions).some((a) => a.type === 'connect'));
    assert.equal(d.info.repl_state, ReplState.CONNECTING);
  });

  test('an answer for a master the replica no longer follows changes nothing', () => {
    const d = auto();
    d.run();
    d.cron();
    d.receive({ type: 'master-version', host: '127.0.0.1', port: 1, info: '# Server\r\nredis_version:7.2.6\r\n' });
    assert.equal(d.engine.emulation.resolved, false);
    assert.equal(d.info.repl_state, ReplState.CONNECT);
  });

  test('repl-diskless-load flushdb, taken before the version was known, loads as disabled on a version without it, and says so', () => {
    const d = auto({ 'repl-diskless-load': 'flushdb' });
    d.run();
    d.cron();
    const r = d.receive({ type: 'master-version', ...MASTER, info: '# Server\r\nredis_version:7.0.15\r\n' });
    assert.ok(r.flatMap((x) => x.logs).some((l) => l.level === 'warning' && l.message === 'repl-diskless-load flushdb is not a value redis-7.0 has: it loads as with disabled, its default'));
    assert.equal(d.engine.disklessLoad, false);

    const newer = auto({ 'repl-diskless-load': 'flushdb' });
    newer.run();
    newer.cron();
    const r2 = newer.receive({ type: 'master-version', ...MASTER, info: '# Server\r\nredis_version:255.255.255\r\n# Memory\r\nmem_replica_full_sync_buffer:0\r\n' });
    assert.equal(newer.engine.profile.id, 'redis-8.8');
    assert.ok(!r2.flatMap((x) => x.logs).some((l) => l.message.includes('flushdb')));
    assert.equal(newer.engine.disklessLoad, true);
  });
});
