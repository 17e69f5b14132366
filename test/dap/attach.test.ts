// Attach and the requests a UI needs beyond DAP: the real adapter attaches to
// a real `redis-replica-debugger --debug-port` process replicating from a real
// master; custom requests and events are driven through DebugClient.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { servedDocument } from '../../src/debug/documents';
import { findTransition, ReplState } from '../../src/engine/states';
import { RedisClient as Client } from '../../src/net/redisClient';
import type { ReplicaSummary } from '../../src/debug/replicaSummary';
import type { MasterView } from '../../src/debug/masterView';
import { CliProcess } from '../support/cliProcess';
import { freePort, RedisServer, waitFor } from '../support/redisServer';
import { Adapter } from './harness';

describe('attach and custom requests against a real master', () => {
  let master: RedisServer;
  let client: Client;
  const adapters: Adapter[] = [];
  const clis: CliProcess[] = [];
  const adapter = (): Adapter => {
    const a = Adapter.start();
    adapters.push(a);
    return a;
  };
  /** A redis-replica-debugger hosting `replicas` replicas, serving DAP; resolves with its debug port. */
  const startCli = async (replicas: number): Promise<{ cli: CliProcess; debugPort: number; ports: number[] }> => {
    const base = await freePort();
    const cli = CliProcess.start(['--port', String(base), '--replicaof', '127.0.0.1', String(master.port), '--replicas', String(replicas), '--debug-port', '0']);
    clis.push(cli);
    await cli.waitForOutput(/Debug adapter listening on 127\.0\.0\.1:(\d+)/);
    const debugPort = Number(/Debug adapter listening on 127\.0\.0\.1:(\d+)/.exec(cli.output)![1]);
    return { cli, debugPort, ports: Array.from({ length: replicas }, (_, i) => base + i) };
  };
  const connectedSlaves = async (): Promise<number> => Number((await client.info('replication')).get('connected_slaves'));

  before(async () => {
    master = await RedisServer.start({ args: ['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });
    client = await master.client();
    await client.pipeline(Array.from({ length: 50 }, (_, i) => ['SET', `key:${i}`, `value-${i}`]));
  });
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    await Promise.all(clis.splice(0).map((c) => c.stop()));
    await waitFor('the master to drop the replicas', async () => (await connectedSlaves()) === 0);
  });
  after(async () => {
    client?.close();
    await master?.stop();
  });

  test('attach debugs the replicas of a running redis-replica-debugger, and at disconnect they run on', async () => {
    const { cli, debugPort, ports } = await startCli(2);
    // Both through their first sync before the debugger comes: its breakpoint is for what happens next.
    for (const port of ports) {
      const replica = await Client.connect(port);
      try {
        await waitFor(`replica :${port} link up`, async () => (await replica.info('replication')).get('master_link_status') === 'up');
      } finally {
        replica.close();
      }
    }
    const a = adapter();
    await a.attach({ port: debugPort }, (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->CONNECTED' }] }));
    const threads = (await a.dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.id), [1, 2]);
    assert.match(threads[0]!.name, new RegExp(`^replica 1 :${ports[0]} → 127\\.0\\.0\\.1:${master.port} \\[CONNECTED\\] redis-7\\.0$`));

    // A breakpoint set through the attach stops the process's replica when the master drops the link.
    await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
    const stop = await a.nextStop();
    assert.equal(stop.body.reason, 'breakpoint');
    const repl = (await a.scopes(stop.body.threadId!))['Replication']!;
    assert.equal(repl['repl_state']!.value, 'REPL_STATE_CONNECTED');
    assert.equal(repl['stat_sync_partial_ok']!.value, '1');

    // Disconnect while one is stopped: the process lets it go, and it keeps replicating.
    await a.close();
    await cli.waitForOutput('Debugger detached; replicas run on');
    await client.call('SET', 'after-detach', 'yes');
    const replica = await Client.connect(ports[stop.body.threadId! - 1]!);
    try {
      await waitFor('the write to reach the detached replica', async () => (await replica.call('GET', 'after-detach')) === 'yes');
    } finally {
      replica.close();
    }
  });

  test('a second debugger is turned away while one is attached; attaching to a closed port says what to start', async () => {
    const { debugPort } = await startCli(1);
    const first = adapter();
    await first.attach({ port: debugPort });
    const second = adapter();
    await assert.rejects(second.attach({ port: debugPort }), /Cannot attach: .*refused initialize|Cannot attach: .*connection closed/);
    const nobody = await freePort();
    const third = adapter();
    await assert.rejects(third.attach({ port: nobody }), new RegExp(`Cannot attach: 127\\.0\\.0\\.1:${nobody}: ECONNREFUSED \\(is redis-replica-debugger running with --debug-port ${nobody}\\?\\)`));
  });

  test('replicas and replicasChanged give every replica\'s summary; masterReplicas gives the master\'s view beside it', async () => {
    const a = adapter();
    const changes: ReplicaSummary[][] = [];
    a.dc.on('replicasChanged', (e: DebugProtocol.Event) => changes.push(e.body.replicas));
    await a.launch({ master: `127.0.0.1:${master.port}`, replicas: 2 });
    await waitFor('both replicas CONNECTED', async () => {
      const r = await a.dc.customRequest('replicas');
      return (r.body.replicas as ReplicaSummary[]).every((s) => s.repl_state === 'CONNECTED');
    });
    const masterOffset = Number((await client.info('replication')).get('master_repl_offset'));
    const summaries = (await a.dc.customRequest('replicas')).body.replicas as ReplicaSummary[];
    assert.deepEqual(summaries.map((s) => s.threadId), [1, 2]);
    for (const s of summaries) {
      assert.equal(s.master_link_status, 'up');
      assert.equal(s.masterport, master.port);
      assert.equal(s.slave_repl_offset, masterOffset);
      assert.equal(s.nearest_timeout?.id, 'master');
      assert.equal(s.stopped, null);
    }
    // The event came without being asked, and its last word agrees with the request.
    await waitFor('a replicasChanged event showing both CONNECTED', () => changes.some((c) => c.length === 2 && c.every((s) => s.repl_state === 'CONNECTED')));

    const view = (await a.dc.customRequest('masterReplicas')).body as MasterView;
    assert.equal(view.role, 'master');
    assert.equal(view.connected_slaves, 2);
    assert.deepEqual(view.replicas.map((r) => r.port).sort(), summaries.map((s) => s.port).sort());
    assert.ok(view.replicas.every((r) => r.state === 'online'));
  });

  test('dropLink makes the replica lose its link and continue with a partial resync', async () => {
    const a = adapter();
    await a.launch({ master: `127.0.0.1:${master.port}` });
    await waitFor('CONNECTED', async () => (await a.threadName(1)).includes('[CONNECTED]'));
    const stateChanges = a.stateChanges.length;
    const r = await a.dc.customRequest('dropLink', { threadId: 1 });
    assert.equal(r.body.dropped, true);
    await a.until('the link to drop and come back', () => {
      const seen = a.stateChanges.slice(stateChanges);
      return seen.some((c) => c.from === 'REPL_STATE_CONNECTED' && c.to === 'REPL_STATE_CONNECT') && seen.at(-1)?.to === 'REPL_STATE_CONNECTED' ? true : undefined;
    });
    const repl = (await a.scopes(1))['Replication']!;
    assert.equal(repl['stat_sync_partial_ok']!.value, '1');
  });

  test('replicaofNoOne turns a replica into a master; reconnect makes it a replica of the launch master again', async () => {
    const a = adapter();
    await a.launch({ master: `127.0.0.1:${master.port}` });
    await waitFor('CONNECTED', async () => (await a.threadName(1)).includes('[CONNECTED]'));
    assert.equal((await a.dc.customRequest('replicaofNoOne', { threadId: 1 })).body.reply, 'OK');
    assert.match(await a.threadName(1), /→ no master \[NONE\] redis-7\.0$/);
    await waitFor('the master to see it go', async () => (await connectedSlaves()) === 0);
    assert.equal((await a.dc.customRequest('reconnect', { threadId: 1 })).body.reply, 'OK');
    await waitFor('CONNECTED again', async () => (await a.threadName(1)).includes('[CONNECTED]'));
    await assert.rejects(a.dc.customRequest('dropLink', { threadId: 9 }), /no replica has thread id 9/);
  });

  test('addReplica hosts one more replica as a new thread, which syncs like the others', async () => {
    const a = adapter();
    await a.launch({ master: `127.0.0.1:${master.port}` });
    const started = a.dc.waitForEvent('thread', 10_000);
    const added = (await a.dc.customRequest('addReplica')).body as { threadId: number; port: number };
    assert.equal(added.threadId, 2);
    await started;
    await waitFor('the added replica CONNECTED', async () => (await a.threadName(2)).includes('[CONNECTED]'));
    const replica = await Client.connect(added.port);
    try {
      assert.equal(await replica.call('GET', 'key:3'), 'value-3');
    } finally {
      replica.close();
    }
  });

  test('completions: commands and INFO sections in the console, variable and state names in expressions', async () => {
    const a = adapter();
    await a.launch({ master: `127.0.0.1:${master.port}` });
    const labels = async (text: string, column = text.length + 1): Promise<string[]> =>
      (await a.dc.completionsRequest({ text, column })).body.targets.map((t) => t.label);
    assert.ok((await labels('master_repl')).includes('master_repl_offset'));
    assert.ok((await labels('master.re')).includes('master.reploff'));
    assert.ok((await labels('GE')).includes('GET'));
    assert.deepEqual(await labels('INFO rep'), ['replication']);
    assert.ok((await labels('repl_state == CONN')).includes('CONNECTED'));
    assert.deepEqual(await labels('DEBUG DIG'), ['DIGEST', 'DIGEST-VALUE']);
  });

  test('a full sync is DAP progress for a client that shows it: start, bytes, end when CONNECTED', async () => {
    const a = adapter();
    const events: DebugProtocol.Event[] = [];
    for (const name of ['progressStart', 'progressUpdate', 'progressEnd']) a.dc.on(name, (e: DebugProtocol.Event) => events.push(e));
    await a.dc.initializeRequest({ adapterID: 'redis-replica', pathFormat: 'path', supportsProgressReporting: true });
    await a.dc.launchRequest({ master: `127.0.0.1:${master.port}` } as DebugProtocol.LaunchRequestArguments);
    await waitFor('progressEnd', () => events.some((e) => e.event === 'progressEnd'));
    const start = events.find((e) => e.event === 'progressStart')!;
    assert.match(start.body.title, /^Full sync: replica 1 :\d+ → 127\.0\.0\.1:\d+ \(redis-7\.0\)$/);
    const end = events.find((e) => e.event === 'progressEnd')!;
    assert.equal(end.body.progressId, start.body.progressId);
    assert.equal(end.body.message, 'synced');
    assert.ok(events.indexOf(start) < events.indexOf(end));
  });

  test('a client that does not show progress gets no progress events', async () => {
    const a = adapter();
    let seen = 0;
    a.dc.on('progressStart', () => seen++);
    await a.launch({ master: `127.0.0.1:${master.port}` });
    await waitFor('CONNECTED', async () => (await a.threadName(1)).includes('[CONNECTED]'));
    assert.equal(seen, 0);
  });

  test('infoReplication gives one replica\'s INFO replication as redis-cli would show it', async () => {
    const a = adapter();
    await a.launch({ master: `127.0.0.1:${master.port}` });
    await waitFor('CONNECTED', async () => (await a.threadName(1)).includes('[CONNECTED]'));
    const text = (await a.dc.customRequest('infoReplication', { threadId: 1 })).body.text as string;
    assert.match(text, /^# Replication\r\nrole:slave\r\n/);
    assert.match(text, new RegExp(`master_port:${master.port}\r\nmaster_link_status:up`));
  });

  test('with stateMachineUri, breakpoints set in the editor at that URI stop, and frames point to the version\'s document beside it', async () => {
    const uri = 'redis-replication:/state-machine.redisrepl';
    const versionUri = 'redis-replication:/state-machine.redis-7.0.redisrepl';
    const a = adapter();
    const line = servedDocument('all').lines.get(findTransition(ReplState.CONNECTING, ReplState.RECEIVE_PING_REPLY)!)!;
    const versionLine = servedDocument('redis-7.0').lines.get(findTransition(ReplState.RECEIVE_PSYNC_REPLY, ReplState.TRANSFER)!)!;
    await a.launch({ master: `127.0.0.1:${master.port}`, stateMachineUri: uri }, async (dc) => {
      const r = await dc.setBreakpointsRequest({ source: { name: 'state-machine.redisrepl', path: uri }, breakpoints: [{ line }] });
      assert.equal(r.body.breakpoints[0]!.verified, true);
      assert.equal(r.body.breakpoints[0]!.source!.path, uri);
      // A gutter click in the version's own document works the same way.
      const v = await dc.setBreakpointsRequest({ source: { name: 'state-machine.redis-7.0.redisrepl', path: versionUri }, breakpoints: [{ line: versionLine }] });
      assert.equal(v.body.breakpoints[0]!.verified, true);
      assert.equal(v.body.breakpoints[0]!.source!.path, versionUri);
      const other = await dc.setBreakpointsRequest({ source: { name: 'notes.txt', path: '/tmp/notes.txt' }, breakpoints: [{ line: 3 }] });
      assert.equal(other.body.breakpoints[0]!.verified, false);
    });
    const stop = await a.nextStop();
    const top = await a.topFrame(stop.body.threadId!);
    assert.equal(top.line, servedDocument('redis-7.0').lines.get(findTransition(ReplState.CONNECTING, ReplState.RECEIVE_PING_REPLY)!)!);
    assert.equal(top.source!.path, versionUri);
    assert.equal(top.source!.sourceReference ?? 0, 0);
    await a.dc.continueRequest({ threadId: stop.body.threadId! });
    const second = await a.nextStop(stop.body.threadId!);
    assert.equal((await a.topFrame(second.body.threadId!)).line, versionLine);
  });

  test('launch is refused by a process that already hosts its replicas: it says to attach', async () => {
    const { debugPort } = await startCli(1);
    // Straight to the process's port, as VS Code's DebugAdapterServer would connect.
    const { DebugClient } = await import('@vscode/debugadapter-testsupport');
    const dc = new DebugClient('node', '', 'redis-replica');
    await dc.start(debugPort);
    try {
      await dc.initializeRequest({ adapterID: 'redis-replica', pathFormat: 'path' });
      await assert.rejects(dc.launchRequest({ master: `127.0.0.1:${master.port}` } as DebugProtocol.LaunchRequestArguments), /already hosts its replicas: use an attach configuration/);
    } finally {
      await dc.stop();
    }
  });
});
