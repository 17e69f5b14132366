// The three ways to start replication, as in Redis (redis.conf, command-line
// flags, the REPLICAOF command), through the real CLI process, with AUTH.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RedisClient } from '../../src/net/redisClient';
import { CliProcess } from '../support/cliProcess';
import { freePort, RedisServer, waitFor } from '../support/redisServer';

const PASSWORD = 's3cret-Pa55';
const ACL_PASSWORD = 'acl-pw-9921';

async function linkUp(port: number): Promise<Map<string, string>> {
  return waitFor(`replica :${port} link up`, async () => {
    const c = await RedisClient.connect(port);
    try {
      const info = await c.info('replication');
      return info.get('master_link_status') === 'up' ? info : null;
    } finally {
      c.close();
    }
  }, 15_000, 100);
}

describe('configuring replication', () => {
  let master: RedisServer;
  let dir: string;
  const processes: CliProcess[] = [];
  const cli = (args: string[]): CliProcess => {
    const p = CliProcess.start(args);
    processes.push(p);
    return p;
  };

  before(async () => {
    master = await RedisServer.start({ args: ['--requirepass', PASSWORD, '--repl-diskless-sync-delay', '0'] });
    const admin = await master.client();
    await admin.call('AUTH', PASSWORD);
    await admin.call('ACL', 'SETUSER', 'replonly', 'on', `>${ACL_PASSWORD}`, '+psync', '+replconf', '+ping', '+sync');
    await admin.call('SET', 'k', 'v');
    admin.close();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-conf-'));
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await master?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a redis.conf with replicaof and masterauth replicates, and the password is never printed', async () => {
    const port = await freePort();
    const conf = path.join(dir, 'replica.conf');
    fs.writeFileSync(conf, [
      '# a replica configuration as redis-server reads it',
      `port ${port}`,
      `replicaof 127.0.0.1 ${master.port}`,
      `masterauth "${PASSWORD}"`,
      'repl-timeout 5',
      'save ""',
      'appendonly no',
      '',
    ].join('\n'));
    const p = cli([conf]);
    const info = await linkUp(port);
    assert.equal(info.get('master_port'), String(master.port));
    const c = await RedisClient.connect(port);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'repl-timeout'), ['repl-timeout', '5']);
    const fullInfo = String(await c.call('INFO'));
    const configDump = JSON.stringify(await c.call('CONFIG', 'GET', '*'));
    c.close();
    assert.ok(!p.output.includes(PASSWORD), 'password in the log');
    assert.ok(!fullInfo.includes(PASSWORD), 'password in INFO');
    assert.ok(!configDump.includes(PASSWORD), 'password in CONFIG GET');
    assert.match(fullInfo, new RegExp(`config_file:${conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('command-line flags named as redis-server\'s replicate, with an ACL user (--masteruser) and --slaveof', async () => {
    const port = await freePort();
    const p = cli(['--port', String(port), '--slaveof', '127.0.0.1', String(master.port), '--masteruser', 'replonly', '--masterauth', ACL_PASSWORD, '--repl-timeout', '5']);
    await linkUp(port);
    await p.waitForOutput('MASTER <-> REPLICA sync: Finished with success');
    assert.ok(!p.output.includes(ACL_PASSWORD));
  });

  test('command-line flags override the config file', async () => {
    const port = await freePort();
    const conf = path.join(dir, 'override.conf');
    fs.writeFileSync(conf, `port 1\nreplicaof 127.0.0.1 1\nrepl-timeout 60\n`);
    cli([conf, '--port', String(port), '--replicaof', '127.0.0.1', String(master.port), '--masterauth', PASSWORD, '--repl-timeout', '7']);
    await linkUp(port);
    const c = await RedisClient.connect(port);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'repl-timeout'), ['repl-timeout', '7']);
    c.close();
  });

  test('REPLICAOF sent to the engine\'s port starts replication, and REPLICAOF NO ONE makes it a master', async () => {
    const port = await freePort();
    const p = cli(['--port', String(port), '--masterauth', PASSWORD]);
    await p.waitForOutput('Ready to accept connections');
    const c = await RedisClient.connect(port);
    assert.deepEqual(await c.call('ROLE'), ['master', 0, []]);
    assert.equal(await c.call('REPLICAOF', '127.0.0.1', String(master.port)), 'OK');
    const info = await linkUp(port);
    assert.equal(await c.call('REPLICAOF', '127.0.0.1', String(master.port)), 'OK Already connected to specified master');
    const role = (await c.call('ROLE')) as unknown[];
    assert.deepEqual(role.slice(0, 4), ['slave', '127.0.0.1', master.port, 'connected']);
    // A server turned replica offers its own history: PSYNC <its replid> 1.
    await p.waitForOutput('Before turning into a replica, using my own master parameters to synthesize a cached master');
    await p.waitForOutput(/Trying a partial resynchronization \(request [0-9a-f]{40}:1\)\./);

    const replid = info.get('master_replid')!;
    const offset = Number(info.get('master_repl_offset'));
    assert.equal(await c.call('REPLICAOF', 'NO', 'ONE'), 'OK');
    const after = await c.info('replication');
    assert.equal(after.get('role'), 'master');
    assert.equal(after.get('master_replid2'), replid);
    assert.equal(after.get('second_repl_offset'), String(offset + 1));
    assert.notEqual(after.get('master_replid'), replid);
    await p.waitForOutput('MASTER MODE enabled (user request from');
    assert.match(String((await c.send('REPLICAOF', 'localhost', 'notaport'))), /Invalid master port/);
    c.close();
  });

  test('--replicas 2 hosts two replicas on consecutive ports, both online at the master', async () => {
    const port = await freePort();
    let second = port + 1;
    // The second port must be free too; pick again if it is not.
    for (let tries = 0; tries < 5 && !(await isFree(second)); tries++) second = (await freePort()) + 1;
    const first = second - 1;
    const p = cli(['--port', String(first), '--replicaof', '127.0.0.1', String(master.port), '--masterauth', PASSWORD, '--replicas', '2']);
    await linkUp(first);
    await linkUp(second);
    const admin = await master.client();
    await admin.call('AUTH', PASSWORD);
    const info = await admin.info('replication');
    admin.close();
    const ports = [...info.entries()].filter(([k]) => k.startsWith('slave')).map(([, v]) => /port=(\d+)/.exec(v)?.[1]);
    assert.ok(ports.includes(String(first)) && ports.includes(String(second)), `master lists ${ports.join(',')}`);
    await p.waitForOutput(`:S:${second}`);
  });

  test('--log-format json prints one JSON object a line, transitions with from, to and cause', async () => {
    const port = await freePort();
    const p = cli(['--port', String(port), '--replicaof', '127.0.0.1', String(master.port), '--masterauth', PASSWORD, '--log-format', 'json']);
    await linkUp(port);
    await p.waitForOutput('"to":"REPL_STATE_CONNECTED"');
    const lines = p.output.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const transitions = lines.filter((l) => l.type === 'transition');
    assert.deepEqual(transitions[0], { ...transitions[0], from: 'REPL_STATE_NONE', to: 'REPL_STATE_CONNECT', cause: 'replicaof' });
    assert.ok(transitions.some((t) => t.from === 'REPL_STATE_TRANSFER' && t.to === 'REPL_STATE_CONNECTED' && t.cause === 'sync-finished'));
    assert.ok(lines.some((l) => l.type === 'log' && l.message === 'MASTER <-> REPLICA sync: Finished with success'));
  });
});

async function isFree(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

describe('SHUTDOWN on the replica port', () => {
  test('closes the connection without a reply and the process exits 0 when its last replica is shut down', async () => {
    const port = await freePort();
    const p = CliProcess.start(['--port', String(port)]);
    try {
      await p.waitForOutput('Ready to accept connections');
      const c = await RedisClient.connect(port);
      await assert.rejects(c.call('SHUTDOWN', 'NOSAVE'), /connection closed/);
      assert.equal(await p.exitCode(), 0);
    } finally {
      await p.stop();
    }
  });
});
