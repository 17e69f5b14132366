// A replica draining a backlog still serves its RESP port: the shell's step
// batches end by elapsed time, not only after STEPS_PER_TURN steps. The turn
// clock is injected and advances 1 ms at every read, so each step looks as
// slow as the slowest command would be; a PING sent while the first command
// of the backlog is applied must then be answered long before the backlog
// (fewer commands than one count-limited batch) is drained.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultConfig, type ReplicaConfig } from '../../src/config/replicaConfig';
import { ReplState } from '../../src/engine/states';
import { HostedReplica } from '../../src/net/hostedReplica';
import { RedisClient } from '../../src/net/redisClient';
import { TURN_BUDGET_MS } from '../../src/net/replicaShell';
import { freePort, RedisServer, waitFor } from '../support/redisServer';

/** Fewer than the shell's STEPS_PER_TURN (1024): without a time budget one turn would apply them all. */
const BACKLOG = 600;

describe('the shell yields by elapsed time while a backlog drains', () => {
  let master: RedisServer;
  let replica: HostedReplica;
  let fakeMs = 0;
  let onCommand: (() => void) | null = null;

  before(async () => {
    master = await RedisServer.start({ args: ['--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '3600'] });
    const config: ReplicaConfig = { ...defaultConfig(), emulate: 'redis-7.0', port: await freePort(), replicaof: { host: '127.0.0.1', port: master.port } };
    replica = new HostedReplica(config, {
      turnClock: () => ++fakeMs,
      onStep: (r) => {
        if (r.point.kind === 'command') onCommand?.();
      },
    });
    await replica.start();
  });

  after(async () => {
    await replica.stop();
    await master.stop();
  });

  test('a PING on the RESP port is answered while the backlog is still being applied', async () => {
    const engine = replica.shell.engine;
    await waitFor('CONNECTED', () => engine.info.repl_state === ReplState.CONNECTED, 15_000);
    const m = await master.client();
    const port = await RedisClient.connect(replica.port);
    try {
      // Accepted and served once before the drain, so that the PING below waits only for a turn to end.
      assert.equal(await port.send('PING'), 'PONG');
      // The backlog builds while the replica is stopped in keepalive: its socket is drained into the engine, nothing applied.
      replica.shell.pause('keepalive');
      const appliedBefore = engine.info.stat_commands_applied;
      await Promise.all(Array.from({ length: BACKLOG }, (_, i) => m.send('SET', `key:${i}`, 'xxx')));
      const masterOffset = Number((await m.info('replication')).get('master_repl_offset'));
      await waitFor('the backlog buffered in the engine', () => engine.info.master!.reploff + engine.bufferedBytes >= masterOffset, 10_000);
      assert.equal(engine.info.stat_commands_applied, appliedBefore, 'nothing applied while stopped');

      let appliedAtPong = -1;
      onCommand = () => {
        onCommand = null;
        // Sent from inside the first step of the drain: it can only be read once the batch yields.
        void port.send('PING').then((reply) => {
          assert.equal(reply, 'PONG');
          appliedAtPong = engine.info.stat_commands_applied - appliedBefore;
        });
      };
      replica.shell.resume();
      await waitFor('the backlog applied', () => engine.info.master!.reploff >= masterOffset, 15_000);
      await waitFor('the PONG', () => appliedAtPong >= 0, 5_000);
      assert.ok(appliedAtPong < BACKLOG, `PONG came after ${appliedAtPong} of ${BACKLOG} commands: the batch did not yield`);
      // Each turn runs about TURN_BUDGET_MS steps of this clock; the PONG waits for a few turns at most.
      assert.ok(appliedAtPong <= 10 * TURN_BUDGET_MS, `PONG came after ${appliedAtPong} commands`);
    } finally {
      onCommand = null;
      port.close();
      m.close();
    }
  });
});
