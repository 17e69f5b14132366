// CONFIG GET on the engine's port, emulating each live build, next to that
// build itself: every config the engine holds exists on the real server
// under the same name with the same default, glob or exact; the ones a
// version lacks (repl-rdb-channel, dual-channel-replication-enabled…) are
// unknown on both; a hidden one answers only to its exact name on both.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RedisClient } from '../../src/net/redisClient';
import { FIELD_NAMES } from '../../src/config/replicaFields';
import { RedisServer } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';
import { liveServers } from '../support/servers';

/** Configs whose value is each process's own. */
const PER_PROCESS = new Set(['port', 'dir', 'bind', 'logfile', 'pidfile', 'save', 'appendonly', 'daemonize']);

async function configGet(c: RedisClient, pattern: string): Promise<Map<string, string>> {
  const flat = (await c.call('CONFIG', 'GET', pattern)) as string[];
  const out = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) out.set(String(flat[i]), String(flat[i + 1]));
  return out;
}

describe('CONFIG GET per version, beside the real server', { concurrency: 2 }, () => {
  for (const server of liveServers()) {
    test(`${server.name}: the engine emulating ${server.profile} knows the configs it knows, with its defaults`, async () => {
      const real = await RedisServer.start({ binary: server.binary });
      const engine = await ReplicaUnderTest.start({ emulate: server.profile });
      const a = await real.client();
      const b = await engine.client();
      try {
        const realAll = await configGet(a, '*');
        const ours = await configGet(b, '*');
        assert.ok(ours.size > 20, `the engine answers its configs: ${ours.size}`);
        for (const [name, value] of ours) {
          assert.ok(realAll.has(name), `${name} is a config of ${server.name}`);
          if (!PER_PROCESS.has(name)) assert.equal(value, realAll.get(name), `${name}'s default`);
        }
        // Every name the engine can hold, asked exactly: known on both or on neither (aliases included).
        for (const name of FIELD_NAMES.keys()) {
          const realOne = await configGet(a, name);
          const ourOne = await configGet(b, name);
          assert.equal(ourOne.size, realOne.size, `CONFIG GET ${name}: the engine ${ourOne.size ? 'knows' : 'does not know'} it, ${server.name} ${realOne.size ? 'does' : 'does not'}`);
          if (ourOne.size && !PER_PROCESS.has(name)) assert.deepEqual([...ourOne], [...realOne], `CONFIG GET ${name}`);
        }
        // Values one version has and another lacks get the same answer as the real server's (Redis's enum error lists its own values).
        for (const [name, value] of [['repl-diskless-load', 'flushdb'], ['repl-diskless-load', 'swapdb'], ['repl-diskless-load', 'bogus'], ['repl-backlog-size', '-1']] as const) {
          const theirs = await a.send('CONFIG', 'SET', name, value);
          const mine = await b.send('CONFIG', 'SET', name, value);
          assert.equal(String(mine), String(theirs), `CONFIG SET ${name} ${value}`);
        }
      } finally {
        a.close();
        b.close();
        await engine.stop();
        await real.stop();
      }
    });
  }
});
