// The debug adapter end to end: the real adapter process through DebugClient,
// replicating from a real redis-server master.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { servedDocument } from '../../src/debug/documents';
import { findTransition, ReplState } from '../../src/engine/states';
import { freePort, RedisServer, waitFor } from '../support/redisServer';
import { RedisClient as Client } from '../../src/net/redisClient';
import { FaultProxy, flipPayloadByte } from '../support/faultProxy';
import { Adapter, type VariablesByName } from './harness';

/** The master is Debian's redis-server 7.0.15: the replicas emulate redis-7.0 and their frames point into its document. */
const doc = servedDocument('redis-7.0');
const lineOf = (from: ReplState, to: ReplState): number => doc.lines.get(findTransition(from, to)!)!;
/** Lines of the every-version document (sourceReference 1), where breakpoints are set before a version is known. */
const allLineOf = (from: ReplState, to: ReplState): number => servedDocument('all').lines.get(findTransition(from, to)!)!;

describe('debug adapter against a real master', () => {
  let master: RedisServer;
  let client: Client;
  const adapters: Adapter[] = [];
  const adapter = (): Adapter => {
    const a = Adapter.start();
    adapters.push(a);
    return a;
  };
  const launchArgs = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    master: `127.0.0.1:${master.port}`, replicas: 1, pauseMode: 'keepalive', ...extra,
  });

  before(async () => {
    // No PING from the master for the length of a test: a stop's timeouts then depend only on the pause mode.
    master = await RedisServer.start({ args: ['--repl-diskless-sync', 'no', '--enable-debug-command', 'yes', '--repl-ping-replica-period', '3600'] });
    client = await master.client();
    await client.pipeline(Array.from({ length: 200 }, (_, i) => ['SET', `key:${i}`, `value-${i}`]));
  });
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    // Each test starts from a master without replicas.
    await waitFor('the master to drop the replicas', async () => (await client.info('replication')).get('connected_slaves') === '0');
  });
  after(async () => {
    client?.close();
    await master?.stop();
  });

  test('stops at CONNECTING->TRANSFER with repl_transfer_lastio, repl_timeout and the Timeouts countdown', async () => {
    const a = adapter();
    let bpId = -1;
    await a.launch(launchArgs({ config: { 'repl-timeout': 30 } }), async (dc) => {
      const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'CONNECTING->TRANSFER' }] });
      assert.equal(r.body.breakpoints[0]!.verified, true);
      bpId = r.body.breakpoints[0]!.id!;
    });
    const stop = await a.nextStop();
    assert.equal(stop.body.reason, 'breakpoint');
    assert.deepEqual(stop.body.hitBreakpointIds, [bpId]);
    const threadId = stop.body.threadId!;
    assert.match(await a.threadName(threadId), /^replica 1 :\d+ → 127\.0\.0\.1:\d+ \[TRANSFER\] redis-7\.0$/);

    const scopes = await a.scopes(threadId);
    const repl = scopes['Replication']!;
    assert.equal(repl['repl_state']!.value, 'REPL_STATE_TRANSFER');
    assert.ok(Number(repl['repl_transfer_lastio']!.value) > 1_600_000_000);
    assert.equal(repl['repl_timeout']!.value, '30');
    const timeouts = scopes['Timeouts']!;
    assert.equal(timeouts['fires_first']!.value, 'transfer_timeout');
    const transfer = await a.children(timeouts['transfer_timeout']!.variablesReference);
    const remaining = Number(transfer['remaining']!.value);
    assert.ok(remaining > 25 && remaining <= 31, `remaining ${remaining}`);
    assert.equal(transfer['limit']!.value, '30');
    assert.match(timeouts['connect_timeout']!.value, /not armed/);
    assert.ok('master' in scopes['Master link']!);
    assert.equal(scopes['Transfer']!['repl_transfer_size']!.value, 'unknown yet');
    assert.match(scopes['Recent events']!['#11']!.value, /^RECEIVE_PSYNC_REPLY -> TRANSFER \(full-resync\): Full resync from master/);

    // The stack: the logical Redis path, innermost first, on the transition's line of its version's document.
    const st = await a.dc.stackTraceRequest({ threadId });
    const top = st.body.stackFrames[0]!;
    assert.equal(top.source!.sourceReference, doc.sourceReference);
    assert.equal(top.source!.name, 'replication state machine (redis-7.0)');
    assert.equal(top.line, lineOf(ReplState.RECEIVE_PSYNC_REPLY, ReplState.TRANSFER));
    // Redis sets REPL_STATE_TRANSFER in syncWithMaster itself, after the PSYNC reply was read.
    assert.equal(top.name, 'syncWithMaster (RECEIVE_PSYNC_REPLY -> TRANSFER)');
    const source = await a.dc.sourceRequest({ sourceReference: top.source!.sourceReference!, source: top.source! });
    assert.equal(source.body.content, doc.text);
    assert.match(source.body.content.split('\n')[top.line - 1]!, /^REPL_STATE_RECEIVE_PSYNC_REPLY -> REPL_STATE_TRANSFER/);

    await a.dc.continueRequest({ threadId });
    await waitFor('the replica to reach CONNECTED', async () => (await a.threadName(threadId)).includes('[CONNECTED]'));
  });
  test('*->CONNECTED stops after the full sync, and again after a partial resync', async () => {
    const a = adapter();
    await a.launch(launchArgs(), (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->connected' }] }));
    const first = await a.nextStop();
    const threadId = first.body.threadId!;
    assert.equal((await a.topFrame(threadId)).line, lineOf(ReplState.TRANSFER, ReplState.CONNECTED));
    let repl = (await a.scopes(threadId))['Replication']!;
    assert.equal(repl['stat_sync_full']!.value, '1');
    const frameId = (await a.topFrame(threadId)).id;
    const keys = await a.dc.evaluateRequest({ expression: 'master_initial_offset >= 0 && repl_state == CONNECTED', frameId, context: 'watch' });
    assert.equal(keys.body.result, 'true');
    // The debug console: expressions, and Redis commands on the replica's own port.
    const console = async (expression: string): Promise<string> => (await a.dc.evaluateRequest({ expression, frameId, context: 'repl' })).body.result;
    assert.equal(await console('GET key:7'), '"value-7"');
    assert.match(await console('INFO replication'), /^role:slave$/m);
    assert.equal(await console('repl_state'), 'REPL_STATE_CONNECTED');
    await assert.rejects(console('master_repl_ofset + 1'), /unknown variable 'master_repl_ofset' \(did you mean 'master_repl_offset'\?\)/);

    await a.dc.continueRequest({ threadId });
    // The master drops the link: the replica reconnects and continues with PSYNC.
    await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
    const second = await a.nextStop(threadId);
    assert.equal(second.body.reason, 'breakpoint');
    const top = await a.topFrame(threadId);
    assert.equal(top.line, lineOf(ReplState.RECEIVE_PSYNC_REPLY, ReplState.CONNECTED));
    repl = (await a.scopes(threadId))['Replication']!;
    assert.equal(repl['stat_sync_partial_ok']!.value, '1');
    assert.equal(repl['stat_sync_full']!.value, '1');
  });

  test('a line breakpoint in the every-version document stops on its transition, shown on the version\'s own line; other lines are unverified', async () => {
    const a = adapter();
    const line = allLineOf(ReplState.CONNECTING, ReplState.RECEIVE_PING_REPLY);
    await a.launch(launchArgs(), async (dc) => {
      const r = await dc.setBreakpointsRequest({ source: { name: 'replication state machine', sourceReference: 1 }, breakpoints: [{ line }, { line: 1 }] });
      assert.equal(r.body.breakpoints[0]!.verified, true);
      assert.equal(r.body.breakpoints[1]!.verified, false);
      assert.match(r.body.breakpoints[1]!.message!, /not a transition/);
    });
    const stop = await a.nextStop();
    assert.equal(stop.body.reason, 'breakpoint');
    const top = await a.topFrame(stop.body.threadId!);
    assert.equal(top.line, lineOf(ReplState.CONNECTING, ReplState.RECEIVE_PING_REPLY));
    assert.equal(top.source!.sourceReference, doc.sourceReference);
  });

  test('an unknown state name, a bad condition and a never-matching pattern are unverified with the reason', async () => {
    const a = adapter();
    await a.dc.initializeRequest({ adapterID: 'redis-replica', pathFormat: 'path' });
    const r = await a.dc.setFunctionBreakpointsRequest({
      breakpoints: [
        { name: 'CONECTING->TRANSFER' },
        { name: 'TRANSFER', condition: 'repl_transfer_red > 10' },
        { name: 'TRANSFER', condition: 'repl_transfer_read >' },
        { name: 'NONE->TRANSFER' },
        { name: 'repl_state_transfer' },
      ],
    });
    const [unknown, badName, badSyntax, never, ok] = r.body.breakpoints;
    assert.equal(unknown!.verified, false);
    assert.match(unknown!.message!, /unknown state 'CONECTING'.*did you mean CONNECTING\?.*valid names: NONE, CONNECT, CONNECTING/);
    assert.equal(badName!.verified, false);
    assert.match(badName!.message!, /unknown variable 'repl_transfer_red' \(did you mean 'repl_transfer_read'\?\)/);
    assert.equal(badSyntax!.verified, false);
    assert.match(badSyntax!.message!, /^condition: .* at column \d+$/);
    assert.equal(never!.verified, false);
    assert.match(never!.message!, /no legal transition matches NONE->TRANSFER/);
    assert.equal(ok!.verified, true);
  });

  test('a conditional breakpoint on repl_transfer_read and a logpoint', async () => {
    const a = adapter();
    let conditionalId = -1;
    await a.launch(launchArgs(), async (dc) => {
      // DAP has logpoints on source lines only: here, the CONNECT -> CONNECTING line of the document.
      await dc.setBreakpointsRequest({
        source: { name: 'replication state machine', sourceReference: 1 },
        breakpoints: [{ line: allLineOf(ReplState.CONNECT, ReplState.CONNECTING), logMessage: 'connecting to {masterhost}:{masterport} (transition {transition.seq})' }],
      });
      const r = await dc.setFunctionBreakpointsRequest({
        breakpoints: [
          // Never true: the RDB of 200 short keys is a few KB.
          { name: 'TRANSFER->CONNECTED', condition: 'repl_transfer_read > 1048576' },
          { name: '*->CONNECTED', condition: 'repl_transfer_read > 0 && repl_transfer_read == repl_transfer_size' },
        ],
      });
      conditionalId = r.body.breakpoints[1]!.id!;
    });
    const stop = await a.nextStop();
    assert.equal(stop.body.reason, 'breakpoint');
    assert.deepEqual(stop.body.hitBreakpointIds, [conditionalId]);
    const logged = a.output.filter((o) => o.category === 'console').map((o) => o.output);
    assert.deepEqual(logged, [`[replica 1] connecting to 127.0.0.1:${master.port} (transition 2)\n`]);
    const repl = (await a.scopes(stop.body.threadId!))['Replication']!;
    assert.ok(Number(repl['repl_transfer_read']!.value) > 0);
  });

  test('next steps through the handshake state by state; stepIn takes one engine step', async () => {
    const a = adapter();
    await a.launch(launchArgs({ stopOnEntry: true }));
    const entry = await a.nextStop();
    assert.equal(entry.body.reason, 'entry');
    const threadId = entry.body.threadId!;
    const seen: string[] = [];
    for (;;) {
      await a.dc.nextRequest({ threadId });
      const stop = await a.nextStop(threadId);
      assert.equal(stop.body.reason, 'step');
      const st = await a.dc.stackTraceRequest({ threadId });
      const top = st.body.stackFrames[0]!;
      const pair = /\((\w+) -> (\w+)\)$/.exec(top.name)!;
      seen.push(`${pair[1]}->${pair[2]}`);
      if (pair[2] === 'CONNECTING') {
        // connectWithMaster, called by the cron: the stack reads innermost first.
        assert.deepEqual(st.body.stackFrames.map((f) => f.name.split(' ')[0]), ['connectWithMaster', 'replicationCron']);
      }
      if (pair[2] === 'TRANSFER') break;
    }
    assert.deepEqual(a.stateChanges.map((c) => `${c.from}->${c.to}`.replace(/REPL_STATE_/g, '')), seen);
    assert.deepEqual(seen, [
      'NONE->CONNECT', 'CONNECT->CONNECTING', 'CONNECTING->RECEIVE_PING_REPLY', 'RECEIVE_PING_REPLY->SEND_HANDSHAKE',
      'SEND_HANDSHAKE->RECEIVE_AUTH_REPLY', 'RECEIVE_AUTH_REPLY->RECEIVE_PORT_REPLY', 'RECEIVE_PORT_REPLY->RECEIVE_IP_REPLY',
      'RECEIVE_IP_REPLY->RECEIVE_CAPA_REPLY', 'RECEIVE_CAPA_REPLY->SEND_PSYNC', 'SEND_PSYNC->RECEIVE_PSYNC_REPLY',
      'RECEIVE_PSYNC_REPLY->TRANSFER',
    ]);
    // In TRANSFER, one engine step is one read of the payload (or the `$` header line): no transition.
    await a.dc.stepInRequest({ threadId });
    const step = await a.nextStop(threadId);
    assert.equal(step.body.reason, 'step');
    assert.doesNotMatch((await a.topFrame(threadId)).name, /->/);
    // stepOut: until the phase is over (TRANSFER -> CONNECTED).
    await a.dc.stepOutRequest({ threadId });
    await a.nextStop(threadId);
    assert.equal((await a.topFrame(threadId)).line, lineOf(ReplState.TRANSFER, ReplState.CONNECTED));
  });

  test('two replicas are two threads: one stopped while the other reaches CONNECTED', async () => {
    const a = adapter();
    // The hit count is the breakpoint's: only the first replica to enter TRANSFER stops.
    await a.launch(launchArgs({ replicas: 2 }), (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'TRANSFER', hitCondition: '1' }] }));
    const stop = await a.nextStop();
    const stopped = stop.body.threadId!;
    const other = stopped === 1 ? 2 : 1;
    const threads = (await a.dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.id), [1, 2]);
    await waitFor('the other replica to reach CONNECTED', async () => (await a.threadName(other)).includes('[CONNECTED]'));
    assert.match(await a.threadName(stopped), /\[TRANSFER\] redis-7\.0$/);
    const info = await client.info('replication');
    assert.equal(info.get('connected_slaves'), '2');
    await a.dc.continueRequest({ threadId: stopped });
    await waitFor('the stopped replica to reach CONNECTED', async () => (await a.threadName(stopped)).includes('[CONNECTED]'));
  });

  test('exception filters: a refused connection stops as link-error, with exceptionInfo', async () => {
    const a = adapter();
    const closedPort = await freePort();
    await a.launch(launchArgs({ master: `127.0.0.1:${closedPort}` }), (dc) => dc.setExceptionBreakpointsRequest({ filters: ['link-error'] }));
    const stop = await a.nextStop();
    assert.equal(stop.body.reason, 'exception');
    const info = await a.dc.exceptionInfoRequest({ threadId: stop.body.threadId! });
    assert.equal(info.body.exceptionId, 'MasterLinkError');
    assert.match(info.body.description!, /Connection refused/);
    assert.match(info.body.details!.fullTypeName!, /REPL_STATE_CONNECTING -> REPL_STATE_CONNECT \(connect-error\)/);
  });

  test('a bad launch configuration is an error response that never echoes the password', async () => {
    const a = adapter();
    await a.dc.initializeRequest({ adapterID: 'redis-replica', pathFormat: 'path' });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ master: 'redis://alice:s3cret-pw@127.0.0.1:notaport' }, /master 'redis:\/\/alice:\*\*\*@127\.0\.0\.1:notaport'/],
      [{ master: `127.0.0.1:${master.port}`, config: { 'repl-timeout': 'soon' } }, /config 'repl-timeout soon'/],
      [{ master: `127.0.0.1:${master.port}`, config: { masterauth: 's3cret-pw', 'no-such-option': 1 } }, /Bad directive/],
      [{ master: `127.0.0.1:${master.port}`, replicas: 0 }, /'replicas' must be an integer/],
      [{ master: `127.0.0.1:${master.port}`, pauseMode: 'sleep' }, /'pauseMode'/],
    ];
    for (const [args, expected] of cases) {
      await assert.rejects(a.dc.launchRequest(args as never), (err: Error) => {
        assert.match(err.message, expected);
        assert.doesNotMatch(err.message, /s3cret/);
        return true;
      });
    }
  });

  test('terminate leaves no socket or timer; disconnect ends the adapter process promptly', async () => {
    const a = adapter();
    await a.launch(launchArgs(), (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->CONNECTED' }] }));
    await a.nextStop();
    assert.equal((await client.info('replication')).get('connected_slaves'), '1');
    const terminated = a.dc.waitForEvent('terminated', 5000);
    await a.dc.terminateRequest({});
    await terminated;
    const resources = (await a.dc.customRequest('activeResources')).body.resources as string[];
    assert.deepEqual(resources.filter((r) => !/^(PipeWrap|TTYWrap)$/.test(r)), []);
    await waitFor('the master to see the replica go', async () => (await client.info('replication')).get('connected_slaves') === '0');
    const started = Date.now();
    await a.dc.disconnectRequest({});
    assert.equal(await a.exited, 0);
    assert.ok(Date.now() - started < 2000);
  });
  test('pause in keepalive mode: input stays buffered, the countdown stands still, nothing is lost', async () => {
    const a = adapter();
    await a.launch(launchArgs({ config: { 'repl-timeout': 2, 'enable-debug-command': 'yes' } }), (dc) => dc.setExceptionBreakpointsRequest({ filters: ['timeout', 'link-error'] }));
    await waitFor('CONNECTED', async () => (await a.threadName(1)).includes('[CONNECTED]'));
    await a.dc.pauseRequest({ threadId: 1 });
    assert.equal((await a.nextStop(1)).body.reason, 'pause');
    const masterTimeout = async (): Promise<VariablesByName> => a.children((await a.scopes(1))['Timeouts']!['master_timeout']!.variablesReference);
    const before = (await masterTimeout())['remaining']!.value;
    await client.pipeline(Array.from({ length: 300 }, (_, i) => ['SET', `while-stopped:${i}`, i]));
    await waitFor('the writes buffered, unread', async () => Number((await a.scopes(1))['Master link']!['unread_bytes']!.value) > 0);
    await new Promise((r) => setTimeout(r, 3200));
    assert.equal((await masterTimeout())['remaining']!.value, before);
    await a.dc.continueRequest({ threadId: 1 });
    const port = Number(/:(\d+) →/.exec(await a.threadName(1))![1]);
    const replica = await Client.connect(port);
    try {
      const expected = String(await client.call('DEBUG', 'DIGEST'));
      await waitFor('equal digests', async () => String(await replica.call('DEBUG', 'DIGEST')) === expected);
    } finally {
      replica.close();
    }
    assert.deepEqual(a.stops, []);
    assert.match(await a.threadName(1), /\[CONNECTED\] redis-7\.0$/);
  });

  test('a stop in freeze mode longer than repl-timeout: the countdown runs, and the timeout fires on continue', async () => {
    const a = adapter();
    await a.launch(launchArgs({ pauseMode: 'freeze', config: { 'repl-timeout': 2 } }), async (dc) => {
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->CONNECTED' }] });
      await dc.setExceptionBreakpointsRequest({ filters: ['timeout'] });
    });
    const stop = await a.nextStop();
    const threadId = stop.body.threadId!;
    const remaining = async (): Promise<number> =>
      Number((await a.children((await a.scopes(threadId))['Timeouts']!['master_timeout']!.variablesReference))['remaining']!.value);
    const before = await remaining();
    await new Promise((r) => setTimeout(r, 3200));
    assert.ok((await remaining()) < before, 'the countdown runs while frozen');
    await a.dc.continueRequest({ threadId });
    const timedOut = await a.nextStop(threadId);
    assert.equal(timedOut.body.reason, 'exception');
    const info = await a.dc.exceptionInfoRequest({ threadId });
    assert.equal(info.body.exceptionId, 'ReplicationTimeout');
    assert.equal(info.body.description, 'MASTER timeout: no data nor PING received...');
  });

  test('a wrong masterauth stops as auth-error, and the password is shown nowhere', async () => {
    const secured = await RedisServer.start({ args: ['--requirepass', 'right-password'] });
    try {
      const a = adapter();
      await a.launch({ master: `redis://:wrong-password@127.0.0.1:${secured.port}` }, (dc) => dc.setExceptionBreakpointsRequest({ filters: ['auth-error'] }));
      const stop = await a.nextStop();
      assert.equal(stop.body.reason, 'exception');
      const info = await a.dc.exceptionInfoRequest({ threadId: stop.body.threadId! });
      assert.equal(info.body.exceptionId, 'MasterAuthError');
      assert.match(info.body.description!, /WRONGPASS/);
      const everything = JSON.stringify([info.body, a.output, await a.scopes(stop.body.threadId!)]);
      assert.doesNotMatch(everything, /wrong-password|right-password/);
      await a.close();
    } finally {
      await secured.stop();
    }
  });
  test('a data breakpoint on master_repl_offset stops after a write on the master', async () => {
    const a = adapter();
    await a.launch(launchArgs());
    await waitFor('CONNECTED', async () => (await a.threadName(1)).includes('[CONNECTED]'));
    const info = await a.dc.dataBreakpointInfoRequest({ name: 'master_repl_offset' });
    assert.equal(info.body.dataId, 'master_repl_offset');
    const unknown = await a.dc.dataBreakpointInfoRequest({ name: 'no_such_field' });
    assert.equal(unknown.body.dataId, null);
    const set = await a.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'master_repl_offset' }] });
    assert.equal(set.body.breakpoints[0]!.verified, true);
    const before = Number((await a.scopes(1))['Replication']!['master_repl_offset']!.value);
    await client.call('SET', 'watched', 'value');
    const stop = await a.nextStop(1);
    assert.equal(stop.body.reason, 'data breakpoint');
    assert.deepEqual(stop.body.hitBreakpointIds, [set.body.breakpoints[0]!.id]);
    const after = Number((await a.scopes(1))['Replication']!['master_repl_offset']!.value);
    assert.ok(after > before);
    assert.equal(stop.body.description, `master_repl_offset: ${before} → ${after}`);
    // The replica stopped on the command that moved the offset.
    assert.match((await a.topFrame(1)).name, /\(CONNECTED: command\)$/);
  });
  test('a breakpoint stops the replica in the launch pauseMode: freeze reads nothing and holds no clock, keepalive buffers and holds it', async () => {
    for (const pauseMode of ['freeze', 'keepalive'] as const) {
      const a = adapter();
      await a.launch(launchArgs({ pauseMode }), (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->CONNECTED' }] }));
      const stop = await a.nextStop();
      assert.equal(stop.body.reason, 'breakpoint');
      const threadId = stop.body.threadId!;
      await client.pipeline(Array.from({ length: 300 }, (_, i) => ['SET', `${pauseMode}:${i}`, i]));
      const unread = async (): Promise<number> => Number((await a.scopes(threadId))['Master link']!['unread_bytes']!.value);
      if (pauseMode === 'keepalive') {
        await waitFor('the writes buffered, unread', async () => (await unread()) > 0);
        assert.match((await a.scopes(threadId))['Timeouts']!['master_timeout']!.value, /clock held while stopped/);
      } else {
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(await unread(), 0, 'a frozen replica reads nothing');
        assert.doesNotMatch((await a.scopes(threadId))['Timeouts']!['master_timeout']!.value, /clock held/);
      }
      await a.dc.continueRequest({ threadId });
      const port = Number(/:(\d+) →/.exec(await a.threadName(threadId))![1]);
      const replica = await Client.connect(port);
      try {
        const expected = String(await client.call('DEBUG', 'DIGEST'));
        await waitFor('equal digests', async () => String(await replica.call('DEBUG', 'DIGEST')) === expected);
      } finally {
        replica.close();
      }
      await a.close();
      await waitFor('the master to drop the replica', async () => (await client.info('replication')).get('connected_slaves') === '0');
    }
  });

  test('setVariable repl_timeout on a stopped replica takes effect at once, as CONFIG SET would; masterauth reads (redacted)', async () => {
    const a = adapter();
    await a.launch(launchArgs({ config: { 'repl-timeout': 30 } }), (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'CONNECTING->TRANSFER' }] }));
    const stop = await a.nextStop();
    const threadId = stop.body.threadId!;
    const frame = await a.topFrame(threadId);
    const replicationRef = (await a.dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Replication')!.variablesReference;
    assert.equal((await a.children(replicationRef))['masterauth']!.value, '(not set)');

    const set = await a.dc.setVariableRequest({ variablesReference: replicationRef, name: 'repl_timeout', value: '7' });
    assert.equal(set.body.value, '7');
    const scopes = await a.scopes(threadId);
    assert.equal(scopes['Replication']!['repl_timeout']!.value, '7');
    assert.equal(scopes['Timeouts']!['repl_timeout']!.value, '7');
    const transfer = await a.children(scopes['Timeouts']!['transfer_timeout']!.variablesReference);
    assert.equal(transfer['limit']!.value, '7');
    assert.ok(Number(transfer['remaining']!.value) <= 8);
    const port = Number(/:(\d+) →/.exec(await a.threadName(threadId))![1]);
    const replica = await Client.connect(port);
    try {
      // Still stopped: the RESP port answers from the config the engine now has.
      assert.deepEqual(await replica.call('CONFIG', 'GET', 'repl-timeout'), ['repl-timeout', '7']);
      const secret = await a.dc.setVariableRequest({ variablesReference: replicationRef, name: 'masterauth', value: '"n3w-s3cret"' });
      assert.equal(secret.body.value, '(redacted)');
      assert.deepEqual(await replica.call('CONFIG', 'GET', 'masterauth'), ['masterauth', '(redacted)']);
    } finally {
      replica.close();
    }
    await assert.rejects(a.dc.setVariableRequest({ variablesReference: replicationRef, name: 'repl_timeout', value: 'soon' }), /repl-timeout/);
    await assert.rejects(a.dc.setVariableRequest({ variablesReference: replicationRef, name: 'master_repl_offset', value: '1' }), /not a setting/);
    assert.equal((await a.children(replicationRef))['repl_timeout']!.value, '7');
    assert.doesNotMatch(JSON.stringify([a.output, await a.scopes(threadId)]), /n3w-s3cret/);
    assert.equal(stop.body.reason, 'breakpoint');
    assert.match(await a.threadName(threadId), /\[TRANSFER\] redis-7\.0$/);
    await a.dc.continueRequest({ threadId });
    await waitFor('the replica to reach CONNECTED', async () => (await a.threadName(threadId)).includes('[CONNECTED]'));
  });
  test('exception filters: a corrupt RDB payload from a disk master stops as rdb-error, with the Redis log message', async () => {
    const proxy = await FaultProxy.start(master.port);
    try {
      // The first payload byte flipped: "REDIS" no longer opens the file.
      proxy.always(flipPayloadByte(() => 0));
      const a = adapter();
      await a.launch(launchArgs({ master: `127.0.0.1:${proxy.port}` }), (dc) => dc.setExceptionBreakpointsRequest({ filters: ['rdb-error'] }));
      const stop = await a.nextStop();
      assert.equal(stop.body.reason, 'exception');
      const threadId = stop.body.threadId!;
      const info = await a.dc.exceptionInfoRequest({ threadId });
      assert.equal(info.body.exceptionId, 'RdbLoadError');
      assert.equal(info.body.breakMode, 'always');
      assert.match(info.body.description!, /Failed trying to load the MASTER synchronization DB from disk/);
      assert.match(info.body.details!.fullTypeName!, /^REPL_STATE_TRANSFER -> REPL_STATE_CONNECT \(rdb-error\)$/);
      assert.match(stop.body.description!, /^RdbLoadError: /);
      // The Redis log said why before the transition.
      assert.ok(a.output.some((o) => /Wrong signature trying to load DB from file/.test(o.output)));
      await a.close();
    } finally {
      await proxy.stop();
    }
  });

  test('exception filters: PSYNC asks for a partial resync after the master changed its replication ID and gets +FULLRESYNC: full-resync', async () => {
    const a = adapter();
    await a.launch(launchArgs(), (dc) => dc.setExceptionBreakpointsRequest({ filters: ['full-resync'] }));
    await waitFor('CONNECTED', async () => (await a.threadName(1)).includes('[CONNECTED]'));
    // The first sync asked for nothing (PSYNC ? -1): no stop.
    assert.deepEqual(a.stops, []);
    const oldId = (await a.scopes(1))['Replication']!['master_replid']!.value.replace(/["']/g, '');
    await client.call('DEBUG', 'CHANGE-REPL-ID');
    await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
    const stop = await a.nextStop(1);
    assert.equal(stop.body.reason, 'exception');
    const info = await a.dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'FullResyncInsteadOfPartial');
    assert.match(info.body.description!, /^Full resync from master: \w+:\d+/);
    assert.match(info.body.description!, new RegExp(`a partial resync was requested with PSYNC ${oldId} \\d+`));
    assert.match(info.body.details!.message!, new RegExp(`does not continue replication ID ${oldId}`));
    assert.match(info.body.details!.fullTypeName!, /REPL_STATE_RECEIVE_PSYNC_REPLY -> REPL_STATE_TRANSFER \(full-resync\)/);
    await a.dc.continueRequest({ threadId: 1 });
    await waitFor('CONNECTED again', async () => (await a.threadName(1)).includes('[CONNECTED]'));
  });

  // Last: it leaves the master's dataset large, so it empties it afterwards.
  test('Keyspace scope: databases, keys and values, paged over 100k keys', async () => {
    const n = 100_000;
    await client.pipeline([
      ['SELECT', 3], ['DEBUG', 'POPULATE', n, 'big'],
      ['SELECT', 4], ['RPUSH', 'biglist', ...Array.from({ length: 250 }, (_, i) => `item-${i}`)], ['SELECT', 0],
    ]);
    try {
      const a = adapter();
      await a.launch(launchArgs(), (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*->CONNECTED' }] }));
      const stop = await a.nextStop();
      const frame = await a.topFrame(stop.body.threadId!);
      const scopes = (await a.dc.scopesRequest({ frameId: frame.id })).body.scopes;
      const keyspace = scopes.find((s) => s.name === 'Keyspace')!;
      assert.equal(keyspace.expensive, true);
      const dbs = await a.children(keyspace.variablesReference);
      assert.equal(dbs['db3']!.value, `${n} keys`);
      assert.equal(dbs['db3']!.indexedVariables, n);
      const started = Date.now();
      const pageOf = await a.dc.variablesRequest({ variablesReference: dbs['db3']!.variablesReference, filter: 'indexed', start: n - 10, count: 10 });
      assert.ok(Date.now() - started < 1000);
      assert.equal(pageOf.body.variables.length, 10);
      const all = await a.dc.variablesRequest({ variablesReference: dbs['db3']!.variablesReference, filter: 'indexed', start: 0, count: 100 });
      assert.equal(all.body.variables.length, 100);
      // DEBUG POPULATE's keys and values: big:N = "value:N" (in the master's hash order, not N's).
      for (const v of all.body.variables.filter((x) => x.name.startsWith('big:'))) assert.equal(v.value, `"value:${v.name.slice(4)}"`);
      const list = (await a.dc.variablesRequest({ variablesReference: dbs['db4']!.variablesReference })).body.variables[0]!;
      assert.equal(list.name, 'biglist');
      assert.equal(list.value, 'list (250)');
      const items = await a.dc.variablesRequest({ variablesReference: list.variablesReference, start: 200, count: 3 });
      assert.deepEqual(items.body.variables.map((v) => `${v.name}=${v.value}`), ['[200]="item-200"', '[201]="item-201"', '[202]="item-202"']);
    } finally {
      await client.pipeline([['SELECT', 3], ['FLUSHDB'], ['SELECT', 4], ['FLUSHDB'], ['SELECT', 0]]);
    }
  });
});
