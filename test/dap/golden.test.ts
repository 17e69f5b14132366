// Golden logs of DAP sessions (test/dap/golden/<test-name>.txt): what the real
// adapter answers, whole, against a real redis-server master. Each test has a
// master of its own, started empty and filled the same way, so offsets and
// sizes are the same every run; what still varies is a placeholder (golden.ts).
// RESET_RESULTS=1 rewrites the goldens.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RedisServer } from '../support/redisServer';
import { GoldenText, goldenTest } from './golden';
import type { Adapter } from './harness';

/** No PING from the master while a test runs: nothing reaches the replica but the sync. */
const MASTER_ARGS = ['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'];

describe('golden DAP logs', () => {
  let master: RedisServer;

  beforeEach(async () => {
    master = await RedisServer.start({ args: MASTER_ARGS });
    const client = await master.client();
    try {
      await client.pipeline(Array.from({ length: 20 }, (_, i) => ['SET', `key:${i}`, `value-${i}`]));
    } finally {
      client.close();
    }
  });
  afterEach(async () => {
    await master?.stop();
  });

  const launchArgs = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    master: `127.0.0.1:${master.port}`, replicas: 1, pauseMode: 'keepalive', ...extra,
  });

  /** Each variable of a scope, and the children of those that have some (one level down). */
  async function logVariables(g: GoldenText, a: Adapter, scope: DebugProtocol.Scope): Promise<void> {
    const vars = (await a.dc.variablesRequest({ variablesReference: scope.variablesReference })).body;
    g.log(vars, `variables ${scope.name}: `);
    for (const v of vars.variables) {
      if (v.variablesReference === 0) continue;
      g.log((await a.dc.variablesRequest({ variablesReference: v.variablesReference })).body, `variables ${scope.name} > ${v.name}: `);
    }
  }

  goldenTest('the initialize response declares the capabilities and the exception filters', async (g, a) => {
    const r = await a.dc.initializeRequest({ adapterID: 'redis-replica', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    g.log(r.body, 'initialize: ');
    g.assertLog();
  });

  goldenTest('a function breakpoint on CONNECTING->TRANSFER: threads, stack, scopes and the Replication, Timeouts and Transfer variables', async (g, a) => {
    let bpId = -1;
    await a.launch(launchArgs({ config: { 'repl-timeout': 30 } }), async (dc) => {
      const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'CONNECTING->TRANSFER' }] });
      g.log(r.body, 'setFunctionBreakpoints: ');
      bpId = r.body.breakpoints[0]!.id!;
    });
    const stop = await a.nextStop();
    assert.deepEqual(stop.body.hitBreakpointIds, [bpId]);
    g.log(stop.body, 'stopped: ');
    g.logOutput();
    const threadId = stop.body.threadId!;
    g.log((await a.dc.threadsRequest()).body, 'threads: ');
    const st = await a.dc.stackTraceRequest({ threadId });
    g.log(st.body, 'stackTrace: ');
    const scopes = (await a.dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body;
    g.log(scopes, 'scopes: ');
    for (const name of ['Replication', 'Timeouts', 'Transfer']) {
      await logVariables(g, a, scopes.scopes.find((s) => s.name === name)!);
    }
    // Still stopped (keepalive): no step ran, so no line was logged since the stop.
    g.assertLog();
  });

  goldenTest('next steps through the handshake one transition at a time, from entry to CONNECTED', async (g, a) => {
    await a.launch(launchArgs({ stopOnEntry: true }));
    let stop = await a.nextStop();
    for (let i = 0; ; i++) {
      assert.ok(i < 40, 'the handshake ended within 40 transitions');
      const threadId = stop.body.threadId!;
      g.logOutput();
      g.log(stop.body, 'stopped: ');
      g.log(`  top frame: ${(await a.topFrame(threadId)).name}`);
      const name = await a.threadName(threadId);
      g.log(`  thread: ${name}`);
      if (name.includes('[CONNECTED]')) break;
      await a.dc.nextRequest({ threadId });
      stop = await a.nextStop(threadId);
    }
    g.assertLog();
  });
});

// ---- GoldenText itself ------------------------------------------------------------------------

describe('GoldenText', () => {
  const REPLID = 'a3f1c0ffee0123456789abcdef0123456789abcd';
  const fakeAdapter = (lines: string[]): Pick<Adapter, 'output' | 'until'> => ({
    output: lines.map((output) => ({ category: 'stdout', output: `${output}\n` })),
    until: async () => { throw new Error('not used'); },
  });
  let dir = '';
  let reset: string | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-golden-'));
    reset = process.env['RESET_RESULTS'];
    delete process.env['RESET_RESULTS'];
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (reset === undefined) delete process.env['RESET_RESULTS'];
    else process.env['RESET_RESULTS'] = reset;
  });

  test('prints sorted keys and replaces only what varies', () => {
    const g = new GoldenText('printing', null, { dir });
    g.log({
      variables: [
        { name: 'repl_transfer_lastio', value: '1795499141', variablesReference: 0 },
        { name: 'repl_down_since', value: '0', variablesReference: 0 },
        { name: 'master', value: `{reploff: 14, replid: '${REPLID}', lastinteraction: 1795499141}`, variablesReference: 7 },
        { name: 'replid2', value: `'${'0'.repeat(40)}'`, variablesReference: 0 },
        { name: 'remaining', value: '31', type: 'integer', variablesReference: 0 },
        { name: 'at', value: '2026-11-24T05:28:22.541Z', variablesReference: 0 },
      ],
    }, 'variables: ');
    g.log('replica 1 :40123 → 127.0.0.1:6380 [TRANSFER], Timeout receiving bulk data from MASTER in 31 s, RDB age 1 seconds');
    assert.equal(g.text, [
      'variables: {',
      '    variables : [',
      '        [0] : {',
      '            name : repl_transfer_lastio',
      '            value : <time>',
      '            variablesReference : 0',
      '        }',
      '        [1] : {',
      '            name : repl_down_since',
      '            value : 0',
      '            variablesReference : 0',
      '        }',
      '        [2] : {',
      '            name : master',
      '            value : {reploff: 14, replid: \'<replid>\', lastinteraction: <time>}',
      '            variablesReference : <number>',
      '        }',
      '        [3] : {',
      '            name : replid2',
      `            value : '${'0'.repeat(40)}'`,
      '            variablesReference : 0',
      '        }',
      '        [4] : {',
      '            name : remaining',
      '            type : integer',
      '            value : <n>',
      '            variablesReference : 0',
      '        }',
      '        [5] : {',
      '            name : at',
      '            value : <time>',
      '            variablesReference : 0',
      '        }',
      '    ]',
      '}',
      'replica 1 :<port> → 127.0.0.1:<port> [TRANSFER], Timeout receiving bulk data from MASTER in <n> s, RDB age <n> seconds',
      '',
    ].join('\n'));
  });

  test('offsets stay unless the test asks for <offset>', () => {
    const plain = new GoldenText('offsets', null, { dir });
    const stable = new GoldenText('offsets', null, { dir, stabilize: ['offsets'] });
    for (const g of [plain, stable]) g.log({ name: 'master_repl_offset', value: '3739' });
    assert.match(plain.text, /value : 3739/);
    assert.match(stable.text, /value : <offset>/);
  });

  test('unasserted logs fail: output neither logged nor taken fails assertLog, naming the line', () => {
    const g = new GoldenText('unasserted', fakeAdapter(['[replica 1] Connecting to MASTER 127.0.0.1:6380', '[replica 1] MASTER <-> REPLICA sync started']), { dir });
    assert.throws(() => g.assertLog(), /unasserted logs: 2 output event\(s\)[^]*Connecting to MASTER 127\.0\.0\.1:6380/);
    assert.equal(g.takeOutput(/sync started/).length, 1);
    assert.throws(() => g.assertLog(), /unasserted logs: 1 output event\(s\)[^]*Connecting to MASTER/);
    g.logOutput();
    process.env['RESET_RESULTS'] = '1';
    g.assertLog();
    assert.equal(fs.readFileSync(g.goldenPath, 'utf8'), 'output stdout: [replica 1] Connecting to MASTER 127.0.0.1:<port>\n');
    g.checkAsserted();
  });

  test('logging after the last assertLog fails at the end of the test', () => {
    const g = new GoldenText('late log', null, { dir });
    g.log('one');
    process.env['RESET_RESULTS'] = '1';
    g.assertLog();
    g.log('two');
    assert.throws(() => g.checkAsserted(), /logged after its last assertLog/);
  });

  test('a mismatch writes <name>.actual.txt and fails with the diff; a match removes it; RESET_RESULTS=1 rewrites the golden', () => {
    const g = new GoldenText('Mismatch: here', null, { dir });
    assert.equal(path.basename(g.goldenPath), 'mismatch-here.txt');
    fs.writeFileSync(g.goldenPath, 'expected\n');
    g.log('actual');
    assert.throws(() => g.assertLog(), /golden mismatch: .*mismatch-here\.txt \(actual in .*mismatch-here\.actual\.txt; RESET_RESULTS=1 accepts it\)[^]*\+ actual[^]*- expected/);
    assert.equal(fs.readFileSync(g.actualPath, 'utf8'), 'actual\n');
    process.env['RESET_RESULTS'] = '1';
    g.assertLog();
    assert.equal(fs.readFileSync(g.goldenPath, 'utf8'), 'actual\n');
    assert.equal(fs.existsSync(g.actualPath), false);
    delete process.env['RESET_RESULTS'];
    fs.writeFileSync(g.actualPath, 'stale\n');
    g.assertLog();
    assert.equal(fs.existsSync(g.actualPath), false);
  });

  test('a missing golden is written and fails, so that someone reads it', () => {
    const g = new GoldenText('new test', null, { dir });
    g.log('first');
    assert.throws(() => g.assertLog(), /no golden for 'new test': wrote .*new-test\.txt/);
    assert.equal(fs.readFileSync(g.goldenPath, 'utf8'), 'first\n');
    g.assertLog();
  });
});
