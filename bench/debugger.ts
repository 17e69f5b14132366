// The debug adapter's cost, measured through the real adapter process over DAP
// (bench/dapClient.ts: @vscode/debugadapter-testsupport's DebugClient), against
// real redis-server masters, with redis-server itself beside it where it has an
// equivalent:
//   1. stream apply: the engine's apply rate (SET/s, and CPU µs per SET) while
//      redis-benchmark writes, with no breakpoints, 10 conditional function
//      breakpoints (transitions) and 10 conditional data breakpoints (checked at
//      every engine step) whose conditions never hold (bench/breakpointSets.ts);
//      a redis-server replica of the same master attached in the same runs; and
//      the catch-up from a backlog (both replicas paused while the benchmark
//      writes, then continued with the master idle: each one's own apply rate);
//   2. the same three cases in this process without sockets (bench/stepCost.ts),
//      where the machine's noise matters less;
//   3. transition → stopped event: the transition's own timestamp (Recent events
//      > #seq > at) against the client's receipt of the stopped event;
//   4. the Keyspace scope at 1M keys: scopes → Keyspace → db0 → first page of
//      100, and pages deep in db0, as VS Code pages indexed variables; SCAN on
//      redis-server beside it (3 runs: each is a full sync of the million keys).
//   npm run bench:debugger                 (600,000 writes per stream run, 5 rounds, 20 samples per round)
//   npm run bench:debugger -- 300000 3 30  (writes, rounds, samples per round)
// BENCH_SECTIONS=stream,steps,latency,keyspace picks sections; BENCH_STREAM_CASES=none,data
// picks stream cases; BENCH_ADAPTER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'
// profiles the adapter under the load.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RedisClient } from '../src/net/redisClient';
import { freePort, RedisServer } from '../src/net/redisProcess';
import { DATA_BREAKPOINTS, FUNCTION_BREAKPOINTS } from './breakpointSets';
import { BenchAdapter, wallNow } from './dapClient';
import { record } from './results';
import { stepCost } from './stepCost';

// An empty argument takes the default (npm run bench passes only the rounds).
const WRITES = Number(process.argv[2] || 600_000);
const ROUNDS = Math.max(1, Number(process.argv[3] || 5));
const SAMPLES = Math.max(1, Number(process.argv[4] || 20));
const KEYSPACE_KEYS = Number(process.env.BENCH_KEYSPACE_KEYS ?? 1_000_000);
/** Which sections to run (stream,steps,latency,keyspace); all by default. */
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'stream,steps,latency,keyspace').split(','));
const KEYSPACE_RUNS = Math.min(ROUNDS, 3);
const THREAD = 1;
const PAGE = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const median = (xs: number[]): number => sorted(xs)[Math.floor(xs.length / 2)]!;
/** Nearest-rank percentile. */
const percentile = (xs: number[], p: number): number => sorted(xs)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const fmtInt = (n: number): string => Math.round(n).toLocaleString('en');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n') + '\n';
}

async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function connectWhenUp(port: number): Promise<RedisClient> {
  let client: RedisClient | null = null;
  await poll(`a RESP port on ${port}`, async () => (client = await RedisClient.connect(port).catch(() => null)) !== null, 15_000, 20);
  const c = client as unknown as RedisClient; // assigned by the poll
  await poll(`master_link_status:up on ${port}`, async () => (await c.info('replication')).get('master_link_status') === 'up');
  return c;
}

const offsetOf = async (c: RedisClient, field: 'master_repl_offset' | 'slave_repl_offset'): Promise<number> => Number((await c.info('replication')).get(field));

/** One hosted replica under the adapter, its RESP port on `port`. */
async function launch(masterPort: number, pauseMode: 'keepalive' | 'freeze', configure?: (dc: DebugClient) => Promise<unknown>): Promise<{ adapter: BenchAdapter; port: number }> {
  const port = await freePort();
  const adapter = BenchAdapter.start();
  await adapter.launch({
    type: 'redis-replica', request: 'launch', name: 'bench', master: `127.0.0.1:${masterPort}`, replicas: 1, pauseMode,
    config: { port, 'repl-timeout': 60 },
  }, configure);
  return { adapter, port };
}

function assertVerified(what: string, bps: readonly DebugProtocol.Breakpoint[]): void {
  const bad = bps.filter((b) => !b.verified);
  if (bad.length > 0) throw new Error(`${what}: not verified: ${bad.map((b) => b.message).join('; ')}`);
}

// ---- 1. stream apply ------------------------------------------------------------------------------

type StreamCase = 'none' | 'function' | 'data';
const CASE_LABEL: Record<StreamCase, string> = {
  none: 'no breakpoints',
  function: '10 conditional function bps',
  data: '10 conditional data bps',
};

async function setCase(dc: DebugClient, c: StreamCase): Promise<void> {
  const fn = await dc.setFunctionBreakpointsRequest({ breakpoints: c === 'function' ? [...FUNCTION_BREAKPOINTS] : [] });
  assertVerified('function breakpoints', fn.body.breakpoints);
  const data: DebugProtocol.DataBreakpoint[] = [];
  if (c === 'data') {
    for (const bp of DATA_BREAKPOINTS) {
      const info = await dc.dataBreakpointInfoRequest({ name: bp.name });
      if (!info.body.dataId) throw new Error(`cannot watch ${bp.name}: ${info.body.description}`);
      data.push({ dataId: info.body.dataId, condition: bp.condition });
    }
  }
  const set = await dc.setDataBreakpointsRequest({ breakpoints: data });
  assertVerified('data breakpoints', set.body.breakpoints);
}

interface StreamRun {
  /** SET/s: WRITES over the time from the benchmark's start until the replica's offset reached the master's final one. */
  engine: number;
  redis: number;
  master: number;
  /** CPU time (user + system, all threads) each replica process spent per SET over the same span, µs. */
  engineCpuUs: number;
  redisCpuUs: number;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process so far, ms (the machine is shared and noisy: CPU per command is the steadier measure). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** redis-benchmark on the master; ms until it exits. */
async function benchmark(masterPort: number): Promise<number> {
  const t0 = wallNow();
  await new Promise<void>((resolve, reject) => {
    const p = spawn('redis-benchmark', ['-p', String(masterPort), '-t', 'set', '-n', String(WRITES), '-P', '16', '-c', '50', '-r', '100000', '-q'], { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-benchmark exited with ${code}`))));
  });
  return wallNow() - t0;
}

/** When the replica's offset reaches `final`, and its CPU time then. */
async function reached(c: RedisClient, final: number, pid: number): Promise<{ at: number; cpu: number }> {
  await poll('a replica to reach the master offset', async () => (await offsetOf(c, 'slave_repl_offset')) >= final, 300_000, 5);
  return { at: wallNow(), cpu: cpuMs(pid) };
}

/** Each replica's rate: WRITES / (time from the benchmark's start until its offset reaches the master's final one). */
async function measureStream(masterPort: number, m: RedisClient, engine: RedisClient, redis: RedisClient, adapter: BenchAdapter, redisPid: number): Promise<StreamRun> {
  const outputBefore = adapter.output.length;
  const enginePid = adapter.child.pid!;
  const cpu0 = { engine: cpuMs(enginePid), redis: cpuMs(redisPid) };
  const t0 = wallNow();
  const benchMs = await benchmark(masterPort);
  const final = await offsetOf(m, 'master_repl_offset');
  const [e, r] = await Promise.all([reached(engine, final, enginePid), reached(redis, final, redisPid)]);
  checkQuiet(adapter, outputBefore);
  return {
    engine: WRITES / ((e.at - t0) / 1000), redis: WRITES / ((r.at - t0) / 1000), master: WRITES / (benchMs / 1000),
    engineCpuUs: ((e.cpu - cpu0.engine) * 1000) / WRITES, redisCpuUs: ((r.cpu - cpu0.redis) * 1000) / WRITES,
  };
}

/**
 * Catch-up from a backlog: both replicas paused while the benchmark writes
 * (the engine by a DAP pause in keepalive, redis-server by SIGSTOP), then
 * continued together; each rate is WRITES / (continue → its offset reaches
 * the master's). The master and the benchmark are idle meanwhile, so this is
 * the replicas' own apply rate, with the machine's noise much reduced.
 */
async function measureCatchUp(m: RedisClient, engine: RedisClient, redis: RedisClient, adapter: BenchAdapter, real: RedisServer, masterPort: number): Promise<StreamRun> {
  const outputBefore = adapter.output.length;
  await adapter.dc.pauseRequest({ threadId: THREAD });
  const stop = await adapter.nextStop();
  if (stop.event.body.reason !== 'pause') throw new Error(`unexpected stop: ${JSON.stringify(stop.event.body)}`);
  real.pause();
  let benchMs: number;
  try {
    benchMs = await benchmark(masterPort);
  } finally {
    real.resume();
  }
  const final = await offsetOf(m, 'master_repl_offset');
  const enginePid = adapter.child.pid!;
  const cpu0 = { engine: cpuMs(enginePid), redis: cpuMs(real.pid) };
  const t0 = wallNow();
  await adapter.dc.continueRequest({ threadId: THREAD });
  const [e, r] = await Promise.all([reached(engine, final, enginePid), reached(redis, final, real.pid)]);
  checkQuiet(adapter, outputBefore);
  return {
    engine: WRITES / ((e.at - t0) / 1000), redis: WRITES / ((r.at - t0) / 1000), master: WRITES / (benchMs / 1000),
    engineCpuUs: ((e.cpu - cpu0.engine) * 1000) / WRITES, redisCpuUs: ((r.cpu - cpu0.redis) * 1000) / WRITES,
  };
}

/** No breakpoint stopped the replica, and no condition failed (it would print). */
function checkQuiet(adapter: BenchAdapter, outputBefore: number): void {
  if (adapter.stops.length > 0) throw new Error(`the replica stopped during the stream: ${JSON.stringify(adapter.stops[0]!.event.body)}`);
  const errs = adapter.output.slice(outputBefore).filter((o) => o.category === 'stderr' || o.category === 'console');
  if (errs.length > 0) throw new Error(`breakpoint output during the stream: ${errs[0]!.output}`);
}

function streamRows(cases: readonly StreamCase[], runs: Record<StreamCase, StreamRun[]>, withMaster: boolean): string[][] {
  return cases.map((c) => {
    const e = runs[c].map((x) => x.engine);
    const cpu = runs[c].map((x) => x.engineCpuUs);
    // Paired by round (the same minute of a shared machine): the ratio of each round, then their median.
    const none = c === 'none' || runs.none.length === 0;
    const ratios = none ? [] : runs[c].map((x, i) => x.engine / runs.none[i]!.engine);
    const cpuRatios = none ? [] : runs[c].map((x, i) => x.engineCpuUs / runs.none[i]!.engineCpuUs);
    return [
      CASE_LABEL[c], fmtInt(median(e)), e.map((x) => `${fmtInt(x / 1000)}k`).join(' '),
      none ? '–' : `${median(ratios).toFixed(3)} (${ratios.map((x) => x.toFixed(2)).join(' ')})`,
      median(cpu).toFixed(2), cpu.map((x) => x.toFixed(2)).join(' '),
      none ? '–' : `${((median(cpuRatios) - 1) * 100).toFixed(1)}%`,
      fmtInt(median(runs[c].map((x) => x.redis))), median(runs[c].map((x) => x.redisCpuUs)).toFixed(2),
      ...(withMaster ? [fmtInt(median(runs[c].map((x) => x.master)))] : []),
    ];
  });
}

async function streamSection(): Promise<string> {
  const master = await RedisServer.start({ args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'] });
  const real = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const { adapter, port } = await launch(master.port, 'keepalive');
  const m = await master.client();
  try {
    const engine = await connectWhenUp(port);
    const redis = await connectWhenUp(real.port);
    // BENCH_STREAM_CASES=data runs only those (e.g. to profile one).
    const cases = (process.env.BENCH_STREAM_CASES ?? 'none,function,data').split(',') as StreamCase[];
    if (cases.some((c) => !(c in CASE_LABEL))) throw new Error('BENCH_STREAM_CASES: any of none, function, data');
    // Warm-up: preloads the keys (-r 100000), so no run pays for new keys, and warms the JIT.
    await setCase(adapter.dc, cases[0]!);
    await measureStream(master.port, m, engine, redis, adapter, real.pid);
    await setCase(adapter.dc, 'none');
    const live: Record<StreamCase, StreamRun[]> = { none: [], function: [], data: [] };
    const catchUp: Record<StreamCase, StreamRun[]> = { none: [], function: [], data: [] };
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate the order, so no case always runs first (or after the same one).
      for (const c of [...cases.slice(r % cases.length), ...cases.slice(0, r % cases.length)]) {
        await setCase(adapter.dc, c);
        live[c].push(await measureStream(master.port, m, engine, redis, adapter, real.pid));
        catchUp[c].push(await measureCatchUp(m, engine, redis, adapter, real, master.port));
        await setCase(adapter.dc, 'none');
      }
    }
    for (const c of cases) if (c !== 'none' && live.none.length > 0) recordCost('live stream, CPU/SET', c, live[c].map((x, i) => x.engineCpuUs / live.none[i]!.engineCpuUs));
    engine.close();
    redis.close();
    const header = ['case', 'engine SET/s', 'runs', 'SET/s vs none (runs)', 'engine CPU µs/SET', 'runs', 'CPU cost', 'redis-server replica SET/s', 'redis CPU µs/SET'];
    return `Stream apply: redis-benchmark -t set -n ${fmtInt(WRITES)} -P 16 -c 50 -r 100000 on a preloaded master; the engine (one replica under the adapter, pauseMode keepalive)\n` +
      'and a redis-server replica of the same master attached in the same runs. SET/s = writes / (benchmark start → replica offset = master\'s final offset);\n' +
      'CPU µs/SET = the replica process\'s user+sys time over that span / writes (steadier than wall time on a shared machine).\n' +
      `Median of ${ROUNDS} runs per case, case order rotated per round; ratios paired by round. Goal: breakpoints cost < 10%.\n` +
      'The function breakpoints are only evaluated at transitions (none while streaming): their row shows the noise of the measure.\n' +
      table([...header, 'master SET/s'], streamRows(cases, live, true)) +
      '\nCatch-up from a backlog, same runs: both replicas paused while the benchmark writes (the engine by a DAP pause, redis-server by SIGSTOP),\n' +
      'then continued together with the master idle; SET/s = writes / (continue → replica offset = master\'s offset): each replica\'s own apply rate.\n' +
      table(header, streamRows(cases, catchUp, false));
  } finally {
    m.close();
    await adapter.close();
    await real.stop();
    await master.stop();
  }
}

/** A row of `npm run bench`'s summary: the median of a breakpoint set's paired ratios against none, as a cost. */
function recordCost(how: string, c: StreamCase, ratios: number[]): void {
  const cost = median(ratios) - 1;
  record({ measure: `breakpoint cost, ${CASE_LABEL[c]} (${how})`, real: '–', engine: `${(cost * 100).toFixed(1)}%`, ratio: '–', goal: '< 5%', met: cost < 0.05 });
}

/**
 * The same three cases in this process, without sockets (bench/stepCost.ts): what the checks cost per
 * step, in the engine thread's elapsed time, the cases taking turns at every read so that the shared
 * machine's drift lands on each alike. The cost is the median over rounds of each round's ratio.
 */
function stepCostSection(): string {
  const commands = Math.min(WRITES, 500_000);
  const r = stepCost(commands, ROUNDS, {
    none: { functions: [], data: [] },
    function: { functions: FUNCTION_BREAKPOINTS, data: [] },
    data: { functions: [], data: DATA_BREAKPOINTS },
  });
  const rows = (['none', 'function', 'data'] as const).map((c) => {
    const ratios = r[c]!.map((x, i) => x / r.none![i]!);
    if (c !== 'none') recordCost('in-process, ns/command', c, ratios);
    return [CASE_LABEL[c], median(r[c]!).toFixed(0), r[c]!.map((x) => x.toFixed(0)).join(' '), c === 'none' ? '–' : `${((median(ratios) - 1) * 100).toFixed(1)}%`];
  });
  return `In-process stream apply, no sockets (bench/stepCost.ts): an engine per case applies ${fmtInt(commands)} SETs from 16 KB reads, the cases\n` +
    `taking turns at every read, and after each step does what the adapter's ReplicaThread does there. ns per command (the engine thread's\n` +
    `elapsed time), ${ROUNDS} rounds after a warm-up; cost = median of the rounds' ratios.\n` +
    table(['case', 'ns/command', 'runs', 'cost'], rows);
}

// ---- 2. transition → stopped ------------------------------------------------------------------------

interface Transition {
  at: number;
  text: string;
  to: string;
}

/** The newest transition in Recent events: the one a transition breakpoint stopped at. */
async function newestTransition(dc: DebugClient): Promise<Transition> {
  const st = await dc.stackTraceRequest({ threadId: THREAD });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id });
  const recent = scopes.body.scopes.find((s) => s.name === 'Recent events');
  if (!recent) throw new Error('no Recent events scope');
  // Newest first; a transition is `#seq` (other events after it are `#seq.n`: sent, received, applied).
  const events = (await dc.variablesRequest({ variablesReference: recent.variablesReference })).body.variables;
  const newest = events.find((v) => /^#\d+$/.test(v.name));
  if (!newest) throw new Error(`no transition in Recent events: ${JSON.stringify(events.slice(0, 3))}`);
  const children = (await dc.variablesRequest({ variablesReference: newest.variablesReference })).body.variables;
  const at = children.find((v) => v.name === 'at')?.value;
  if (!at) throw new Error('no `at` under the newest transition');
  return { at: Date.parse(at), text: newest.value, to: /-> (\S+)/.exec(newest.value)?.[1] ?? '' };
}

/**
 * One run: a fresh adapter (pauseMode freeze, so the engine's clock is the
 * wall clock: keepalive leaves stopped time out of it) with a conditional
 * breakpoint on every transition; the initial sync warms up, then reconnects
 * provoked by CLIENT KILL TYPE replica give SAMPLES stops.
 */
async function latencyRun(master: RedisServer, m: RedisClient): Promise<{ latencies: number[]; transitions: Map<string, number> }> {
  const { adapter } = await launch(master.port, 'freeze', async (dc) => {
    const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*', condition: 'transition.seq > 0' }] });
    assertVerified('transition breakpoint', r.body.breakpoints);
  });
  const latencies: number[] = [];
  const transitions = new Map<string, number>();
  try {
    let warm = false;
    while (latencies.length < SAMPLES) {
      const stop = await adapter.nextStop(15_000);
      if (stop.event.body.reason !== 'breakpoint') throw new Error(`unexpected stop: ${JSON.stringify(stop.event.body)}`);
      const t = await newestTransition(adapter.dc);
      if (warm) {
        latencies.push(stop.receivedAt - t.at);
        const pair = t.text.replace(/ \(.*$/, '');
        transitions.set(pair, (transitions.get(pair) ?? 0) + 1);
      }
      await adapter.dc.continueRequest({ threadId: THREAD });
      if (t.to === 'CONNECTED') {
        warm = true;
        if (latencies.length < SAMPLES) await m.call('CLIENT', 'KILL', 'TYPE', 'replica');
      }
    }
  } finally {
    await adapter.close();
  }
  return { latencies, transitions };
}

async function latencySection(): Promise<string> {
  const master = await RedisServer.start({ args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'] });
  const m = await master.client();
  try {
    await m.call('SET', 'k', 'v');
    const runs: number[][] = [];
    const transitions = new Map<string, number>();
    for (let r = 0; r < ROUNDS; r++) {
      const run = await latencyRun(master, m);
      runs.push(run.latencies);
      for (const [k, n] of run.transitions) transitions.set(k, (transitions.get(k) ?? 0) + n);
    }
    const all = runs.flat();
    const rows = [[
      'breakpoint `*` if transition.seq > 0', String(all.length), median(all).toFixed(2), percentile(all, 95).toFixed(2),
      runs.map((x) => median(x).toFixed(2)).join(' '), runs.map((x) => percentile(x, 95).toFixed(2)).join(' '), Math.max(...all).toFixed(2),
    ]];
    const seen = [...transitions].map(([k, n]) => `${k} ×${n}`).join(', ');
    return `Transition → stopped event (ms): transition's \`at\` (Recent events, engine clock = wall clock in pauseMode freeze, ms resolution, so up to +1 ms)\n` +
      `to the DebugClient's receipt of the stopped event (sub-ms). ${ROUNDS} runs (fresh adapter each) × ${SAMPLES} stops, reconnects provoked by CLIENT KILL TYPE replica.\n` +
      `Stops at: ${seen}. redis-server has no equivalent.\n` +
      table(['breakpoint', 'stops', 'median', 'p95', 'run medians', 'run p95s', 'max'], rows);
  } finally {
    m.close();
    await master.stop();
  }
}

// ---- 3. Keyspace variables at 1M keys -----------------------------------------------------------------

interface KeyspaceRun {
  firstPage: number[];
  middlePage: number[];
  lastPage: number[];
  scan: number[];
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = wallNow();
  const v = await f();
  return [wallNow() - t0, v];
}

async function keyspaceRun(master: RedisServer, m: RedisClient): Promise<KeyspaceRun> {
  const { adapter, port } = await launch(master.port, 'keepalive');
  const out: KeyspaceRun = { firstPage: [], middlePage: [], lastPage: [], scan: [] };
  try {
    const c = await connectWhenUp(port);
    const size = Number(await c.call('DBSIZE'));
    c.close();
    if (size !== KEYSPACE_KEYS) throw new Error(`the replica has ${size} keys, expected ${KEYSPACE_KEYS}`);
    await adapter.dc.pauseRequest({ threadId: THREAD });
    const stop = await adapter.nextStop();
    if (stop.event.body.reason !== 'pause') throw new Error(`unexpected stop: ${JSON.stringify(stop.event.body)}`);
    const st = await adapter.dc.stackTraceRequest({ threadId: THREAD });
    const frameId = st.body.stackFrames[0]!.id;
    const dc = adapter.dc;
    let db0: DebugProtocol.Variable | undefined;
    for (let i = 0; i < SAMPLES; i++) {
      const [first] = await timed(async () => {
        const scopes = await dc.scopesRequest({ frameId });
        const ks = scopes.body.scopes.find((s) => s.name === 'Keyspace');
        if (!ks) throw new Error('no Keyspace scope');
        db0 = (await dc.variablesRequest({ variablesReference: ks.variablesReference })).body.variables.find((v) => v.name === 'db0');
        if (!db0 || db0.indexedVariables !== KEYSPACE_KEYS) throw new Error(`db0: ${JSON.stringify(db0)}`);
        const page = await dc.variablesRequest({ variablesReference: db0.variablesReference, filter: 'indexed', start: 0, count: PAGE });
        if (page.body.variables.length !== PAGE) throw new Error(`first page has ${page.body.variables.length} keys`);
      });
      out.firstPage.push(first);
      const ref = db0!.variablesReference;
      const [middle, mp] = await timed(() => dc.variablesRequest({ variablesReference: ref, filter: 'indexed', start: KEYSPACE_KEYS / 2, count: PAGE }));
      if (mp.body.variables.length !== PAGE) throw new Error(`middle page has ${mp.body.variables.length} keys`);
      out.middlePage.push(middle);
      const [last, lp] = await timed(() => dc.variablesRequest({ variablesReference: ref, filter: 'indexed', start: KEYSPACE_KEYS - PAGE, count: PAGE }));
      if (lp.body.variables.length !== PAGE) throw new Error(`last page has ${lp.body.variables.length} keys`);
      out.lastPage.push(last);
      const [scan] = await timed(() => m.call('SCAN', 0, 'COUNT', PAGE));
      out.scan.push(scan);
    }
  } finally {
    await adapter.close();
  }
  return out;
}

async function keyspaceSection(): Promise<string> {
  const master = await RedisServer.start({ args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'] });
  const m = await master.client();
  try {
    await m.call('DEBUG', 'POPULATE', KEYSPACE_KEYS);
    const runs: KeyspaceRun[] = [];
    // Each run is a full sync of the million keys: three are enough for these steady round trips.
    for (let r = 0; r < KEYSPACE_RUNS; r++) runs.push(await keyspaceRun(master, m));
    const row = (label: string, pick: (k: KeyspaceRun) => number[]): string[] => {
      const all = runs.flatMap(pick);
      return [label, String(all.length), median(all).toFixed(2), percentile(all, 95).toFixed(2), runs.map((k) => median(pick(k)).toFixed(2)).join(' ')];
    };
    return `Keyspace variables at ${fmtInt(KEYSPACE_KEYS)} keys (DEBUG POPULATE, full sync, pause request), request round trips in ms.\n` +
      `${KEYSPACE_RUNS} runs (fresh adapter and full sync each) × ${SAMPLES} samples; pages of ${PAGE} as VS Code requests indexed variables.\n` +
      table(['request', 'samples', 'median', 'p95', 'run medians'], [
        row('scopes → Keyspace → db0 → first page (3 requests)', (k) => k.firstPage),
        row(`db0 page at ${fmtInt(KEYSPACE_KEYS / 2)} (1 request)`, (k) => k.middlePage),
        row(`db0 last page at ${fmtInt(KEYSPACE_KEYS - PAGE)} (1 request)`, (k) => k.lastPage),
        row(`redis-server: SCAN 0 COUNT ${PAGE} on the master`, (k) => k.scan),
      ]);
  } finally {
    m.close();
    await master.stop();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  process.stdout.write(`Debug adapter benchmark (node ${process.version}, redis-server ${redisVersion() ?? '?'}): ${fmtInt(WRITES)} writes per stream run, ${ROUNDS} rounds, ${SAMPLES} samples per round.\n\n`);
  if (SECTIONS.has('stream')) process.stdout.write(`${await streamSection()}\n`);
  if (SECTIONS.has('steps')) process.stdout.write(`${stepCostSection()}\n`);
  if (SECTIONS.has('latency')) process.stdout.write(`${await latencySection()}\n`);
  if (SECTIONS.has('keyspace')) process.stdout.write(`${await keyspaceSection()}\n`);
  process.stdout.write(`(${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
}

function redisVersion(): string | undefined {
  return /v=(\S+)/.exec(spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1];
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
