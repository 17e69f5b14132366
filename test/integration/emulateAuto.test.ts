// emulate auto against every live build: the engine asks the master its
// version before it connects and becomes a replica of that version, says
// why, and reports it in INFO server as a replica of that server would. A
// master that refuses INFO leaves the newest Redis standing in until the RDB
// it sends names its producer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReplState } from '../../src/engine/states';
import { RedisServer } from '../support/redisServer';
import { ReplicaUnderTest } from '../support/replicaUnderTest';
import { liveServer, liveServers } from '../support/servers';

describe('emulate auto', { concurrency: 2 }, () => {
  for (const server of liveServers()) {
    test(`a master of ${server.name} gets a ${server.profile} replica, in the engine and on its port`, async () => {
      const master = await RedisServer.start({ binary: server.binary, args: ['--repl-diskless-sync-delay', '0'] });
      const admin = await master.client();
      const engine = await ReplicaUnderTest.start({ emulate: 'auto', replicaof: { host: '127.0.0.1', port: master.port } });
      try {
        await engine.waitForState(ReplState.CONNECTED);
        assert.equal(engine.engine.profile.id, server.profile);
        assert.equal(engine.engine.emulation.resolved, true);
        // The engine asked before its first connect, and said what it decided.
        const lines = engine.logs.map((l) => l.message);
        const decided = lines.findIndex((l) => l.startsWith(`Emulating ${server.profile}: the master `));
        assert.ok(decided >= 0, lines.join('\n'));
        assert.ok(decided < lines.findIndex((l) => /^Connecting to (MASTER|PRIMARY) /.test(l)));

        const masterServer = await admin.info('server');
        const c = await engine.client();
        const ours = await c.info('server');
        c.close();
        assert.equal(ours.get('redis_version'), masterServer.get('redis_version'));
        assert.equal(ours.get('server_name'), masterServer.get('server_name'));
        assert.equal(ours.get('valkey_version'), masterServer.get('valkey_version'));
        assert.equal(ours.get('replica_debugger_emulate'), server.profile);
      } finally {
        admin.close();
        await engine.stop();
        await master.stop();
      }
    });
  }

  for (const name of ['valkey-8.0.1', 'redis-7.2.6']) {
    test(`a ${name} master that refuses INFO: the newest Redis stands in, then the RDB's producer decides`, async () => {
      const server = liveServer(name);
      const master = await RedisServer.start({ binary: server.binary, args: ['--repl-diskless-sync-delay', '0'] });
      const admin = await master.client();
      // A replication user that may do nothing but replicate.
      await admin.call('ACL', 'SETUSER', 'repl', 'on', '>s3cret', '+psync', '+replconf', '+ping', '+auth');
      const engine = await ReplicaUnderTest.start({
        emulate: 'auto', replicaof: { host: '127.0.0.1', port: master.port }, masteruser: 'repl', masterauth: 's3cret',
      });
      try {
        await engine.waitForState(ReplState.CONNECTED);
        const warned = engine.logs.find((l) => l.message.startsWith('Emulating redis-8.8: the master did not answer INFO'));
        assert.ok(warned, engine.logText());
        assert.equal(warned.level, 'warning');
        assert.ok(!warned.message.includes('s3cret'), 'no secret in the log');
        assert.equal(engine.engine.profile.id, server.profile);
        assert.ok(engine.hasLog(new RegExp(`^Emulating ${server.profile}: the RDB \\(version \\d+\\) was produced by `)), engine.logText());
        assert.equal(engine.engine.emulation.refineFromRdb, false);
      } finally {
        admin.close();
        await engine.stop();
        await master.stop();
      }
    });
  }
});
