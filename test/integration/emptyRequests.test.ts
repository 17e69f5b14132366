// Empty requests in the replication stream (`*0`, `*-5`, a bare `\n` or
// `\r\n`): no command runs for them, so a replica counts their bytes in its
// applied offset only when the next real command completes. REPLCONF GETACK
// answers before its own bytes and before trailing empty ones; the cron's ACK
// and INFO's slave_repl_offset leave them out too, slave_read_repl_offset
// has them at once. The same bytes are injected into a real replica's link
// and the engine's (each behind a proxy), and their ACKs and INFO compared.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import { FaultProxy, type ProxyLink } from '../support/faultProxy';
import { RedisServer, sleep, waitFor } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';
import { infoOf } from '../support/versionMatrix';
import { liveServer } from '../support/servers';

const GETACK = '*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n';
const EMPTY = ['*0\r\n', '*-5\r\n', '\n', '\r\n', '*0\r\n*-5\r\n\n', '*-1\r\n'];
const ALONE = ['*0\r\n', '\r\n', '*0\r\n*-5\r\n\n'];

function acks(link: ProxyLink): number[] {
  return [...link.replicaToMasterText.matchAll(/\$3\r\nACK\r\n\$\d+\r\n(\d+)\r\n/g)].map((m) => Number(m[1]));
}

/** Injects bytes and returns the first ACK the replica writes after them. */
async function nextAck(link: ProxyLink, bytes: string): Promise<number> {
  const before = acks(link).length;
  link.inject(bytes);
  // (An offset may be 0: wrapped, so that waitFor does not take it for "not yet".)
  const got = await waitFor('an ACK', () => {
    const ack = acks(link)[before];
    return ack === undefined ? null : { ack };
  }, 5_000, 10);
  return got.ack;
}

interface Observed {
  /** Per empty request E: the ACK to E+GETACK, then the ACK to the next lone GETACK, relative to the ACK before. */
  getack: [number, number][];
  /** Per E, injected alone: the cron ACK after it, then INFO's read and applied offsets, relative to the ACK before. */
  alone: [number, number, number][];
}

async function observe(link: ProxyLink, port: number): Promise<Observed> {
  const out: Observed = { getack: [], alone: [] };
  for (const e of EMPTY) {
    const base = await nextAck(link, GETACK);
    const first = await nextAck(link, e + GETACK);
    const second = await nextAck(link, GETACK);
    out.getack.push([first - base, second - first]);
  }
  // (Each waits for two cron ACKs: three kinds are enough here.)
  for (const e of ALONE) {
    const base = await nextAck(link, GETACK);
    const count = acks(link).length;
    link.inject(e);
    // The cron ACKs once a second: the second one after the injection surely saw it.
    await waitFor('two cron ACKs', () => acks(link).length >= count + 2, 5_000, 20);
    const cron = acks(link).at(-1)!;
    const info = await infoOf(port);
    out.alone.push([cron - base, Number(info.get('slave_read_repl_offset')) - base, Number(info.get('slave_repl_offset')) - base]);
  }
  return out;
}

describe('empty requests in the stream: offsets as the real replica counts them', { concurrency: 2 }, () => {
  for (const name of ['debian', 'redis-unstable-2026-06', 'valkey-8.0.1']) {
    test(`${name}: GETACK, cron ACK and INFO offsets around *0, *-5, \\n, \\r\\n`, async () => {
      const server = liveServer(name);
      // A quiet stream: no PINGs in between.
      const master = await RedisServer.start({ binary: server.binary, args: ['--repl-ping-replica-period', '3600', '--repl-diskless-sync-delay', '0'] });
      const realProxy = await FaultProxy.start(master.port);
      const engineProxy = await FaultProxy.start(master.port);
      const real = await RedisServer.start({ binary: server.binary, args: ['--replicaof', '127.0.0.1', String(realProxy.port)] });
      const engine = await ReplicaUnderTest.start({ emulate: server.profile, replicaof: { host: '127.0.0.1', port: engineProxy.port } });
      try {
        await engine.waitForState(ReplState.CONNECTED);
        const realClient = await real.client();
        await waitFor('real replica up', async () => (await realClient.info('replication')).get('master_link_status') === 'up');
        realClient.close();
        await sleep(200);
        const [theirs, ours] = await Promise.all([observe(realProxy.current!, real.port), observe(engineProxy.current!, engine.port)]);
        // The numbers Redis gives (the same on every version): none of E counted by the GETACK after it, all by the next.
        assert.deepEqual(theirs.getack, EMPTY.map((e) => [37, 37 + e.length]));
        assert.deepEqual(ours, theirs);
      } finally {
        await engine.stop();
        await real.stop();
        await engineProxy.stop();
        await realProxy.stop();
        await master.stop();
      }
    });
  }
});
