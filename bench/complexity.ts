// Complexity of every replicated write family (bench/writeFamilies.ts): N
// writes, pipelined, on a collection of each size, with a real redis-server
// replica and the engine (the CLI process, a fresh one per case, full-synced
// with the preloaded collection) attached to the same master. Per case: the
// master's busy time for the writes, each replica's catch-up time after the
// master finished (its offset polled every 2 ms, bounded), each replica
// process's CPU per command (/proc utime+stime), and DEBUG DIGEST engine vs
// master. Before the measured writes, the same writes on a small key warm
// the fresh engine's JIT. The ratio of CPU per command between the largest and smallest size
// shows any growth with the collection (≈ 1 for O(1) and O(log n) writes).
//   node out/bench/complexity.js [--sizes 1000,1000000] [--writes 20000] [--timeout 30]
//        [--families LPUSH,ZADD] [--binary path/to/redis-server]
import { RedisClient } from '../src/net/redisClient';
import { RedisServer } from '../src/net/redisProcess';
import { cpuMs, EngineProcess, flags, fmtInt, nowMs, offsetOf, reachedAt, beforeDeadline, shutDown, table, TIMED_OUT, waitInSync, waitLinkUp } from './harness';
import { record, ratio } from './results';
import { FAMILIES, prepare, type Family } from './writeFamilies';

const opts = flags(process.argv.slice(2));
const SIZES = (opts.get('sizes') ?? '1000,1000000').split(',').map(Number);
const WRITES = Number(opts.get('writes') ?? 20_000);
const TIMEOUT_S = Number(opts.get('timeout') ?? 30);
const BINARY = opts.get('binary') ?? 'redis-server';
const PICK = opts.get('families')?.split(',');
/** A catch-up within this factor of the real replica's (or of the floor below, when the real one is quicker) meets the goal. */
const CATCH_UP_FACTOR = 3;
/** Below this, catch-up times are the 2 ms poll and the shared machine's scheduling, not the replica's work. */
const CATCH_UP_FLOOR_MS = 20;
/** CPU per command at the largest size over the smallest: the goal for "≈ 1". */
const GROWTH_GOAL = 2;
/** How much more than redis-server's own growth (1M ÷ 1k) the engine's may be: the figures are CPU time on a shared machine. */
const REAL_GROWTH_MARGIN = 1.25;

const KEY = 'bench:collection';
const WARM_KEY = 'bench:warm-up';
const WARM_SIZE = 1000;
const WARM_WRITES = Math.min(WRITES, 5000);

const sizeLabel = (n: number): string => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

interface ReplicaFigures {
  /** ms after the master finished, null: not caught up within the timeout. */
  catchUpMs: number | null;
  /** CPU µs per write, up to catch-up (or the timeout: then a lower bound). */
  cpuUs: number;
}

interface Case {
  family: string;
  size: number;
  masterMs: number;
  real: ReplicaFigures;
  engine: ReplicaFigures;
  /** 'equal', 'DIFFERS', or why it was not checked. */
  digest: string;
  error?: string;
}

async function replicaFigures(c: RedisClient, pid: number, final: number, finishedAt: number, deadline: number, cpu0: number): Promise<ReplicaFigures> {
  const at = await reachedAt(c, final, deadline);
  return { catchUpMs: at === null ? null : Math.max(0, at - finishedAt), cpuUs: ((cpuMs(pid) - cpu0) * 1000) / WRITES };
}

async function digestOf(c: RedisClient, deadline: number): Promise<string | null> {
  const d = await beforeDeadline(c.call('DEBUG', 'DIGEST'), deadline).catch((err: unknown) => `error: ${String(err)}`);
  return d === TIMED_OUT ? null : String(d);
}

async function runCase(family: Family, size: number, master: RedisServer, m: RedisClient, m2: RedisClient, real: RedisServer, rc: RedisClient): Promise<Case> {
  await m.call('FLUSHALL');
  const measured = await prepare(m, family, KEY, size, WRITES);
  await waitInSync(m, rc);
  const engine = await EngineProcess.start(['--replicaof', '127.0.0.1', String(master.port)]);
  let ec: RedisClient | null = null;
  const base = { family: family.name, size, masterMs: 0 };
  try {
    ec = await engine.client();
    const e = ec;
    const synced = await beforeDeadline(waitLinkUp(e).then(() => waitInSync(m, e)), Date.now() + 300_000);
    const none: ReplicaFigures = { catchUpMs: null, cpuUs: 0 };
    if (synced === TIMED_OUT) return { ...base, real: none, engine: none, digest: 'not checked', error: 'the engine did not full-sync in 300 s' };
    // A fresh engine's JIT is cold: the same writes on a small key of their own first, so the measured
    // writes at every size run warm code (else the small size's CPU per command is inflated).
    const warm = await prepare(m, family, WARM_KEY, WARM_SIZE, WARM_WRITES);
    await Promise.all([m.pipeline(warm.main), warm.second ? m2.pipeline(warm.second) : Promise.resolve([])]);
    const warmed = await beforeDeadline(Promise.all([waitInSync(m, rc), waitInSync(m, e)]), Date.now() + TIMEOUT_S * 1000);
    if (warmed === TIMED_OUT) return { ...base, real: none, engine: none, digest: 'not checked', error: `the warm-up did not apply in ${TIMEOUT_S} s` };
    const { main, second } = measured;
    const cpu0 = { real: cpuMs(real.pid), engine: cpuMs(engine.pid) };
    const t0 = nowMs();
    await Promise.all([m.pipeline(main), second ? m2.pipeline(second) : Promise.resolve([])]);
    const finishedAt = nowMs();
    const final = await offsetOf(m, 'master_repl_offset');
    const deadline = Date.now() + TIMEOUT_S * 1000;
    const [rf, ef] = await Promise.all([
      replicaFigures(rc, real.pid, final, finishedAt, deadline, cpu0.real),
      replicaFigures(e, engine.pid, final, finishedAt, deadline, cpu0.engine),
    ]);
    let digest = 'not checked (not caught up)';
    if (ef.catchUpMs !== null) {
      const digestDeadline = Date.now() + TIMEOUT_S * 1000;
      const [dm, de] = [await digestOf(m, digestDeadline), await digestOf(e, digestDeadline)];
      digest = de === null ? `not checked (DEBUG DIGEST > ${TIMEOUT_S} s)` : dm === de ? 'equal' : `DIFFERS (master ${dm}, engine ${de})`;
    }
    return { ...base, masterMs: finishedAt - t0, real: rf, engine: ef, digest };
  } finally {
    ec?.close();
    await engine.stop();
  }
}

const seconds = (f: ReplicaFigures): string => (f.catchUpMs === null ? `> ${TIMEOUT_S} s` : `${(f.catchUpMs / 1000).toFixed(3)} s`);
const cpu = (f: ReplicaFigures): string => `${f.catchUpMs === null ? '> ' : ''}${f.cpuUs.toFixed(2)}`;

function summarize(family: string, cases: Case[]): void {
  const small = cases.find((c) => c.size === Math.min(...SIZES));
  const large = cases.find((c) => c.size === Math.max(...SIZES));
  if (!small || !large || small === large) return;
  const label = sizeLabel(large.size);
  if (large.error) {
    record({ measure: `catch-up after ${fmtInt(WRITES)} ${family} on ${label}`, real: '–', engine: large.error, ratio: '–', goal: '–', met: false });
    return;
  }
  const r = large.real.catchUpMs;
  const e = large.engine.catchUpMs;
  const bound = CATCH_UP_FACTOR * Math.max(r ?? 0, CATCH_UP_FLOOR_MS);
  record({
    measure: `catch-up after ${fmtInt(WRITES)} ${family} on ${label}`,
    real: seconds(large.real), engine: seconds(large.engine),
    ratio: r === null ? '–' : e === null ? `> ${ratio((TIMEOUT_S * 1000) / Math.max(r, 1))}` : ratio(e / Math.max(r, 1)),
    goal: `≤ ${CATCH_UP_FACTOR}× (≥ ${CATCH_UP_FLOOR_MS} ms)`, met: e !== null && e <= bound,
  });
  const growth = (s: ReplicaFigures, l: ReplicaFigures): number => l.cpuUs / Math.max(s.cpuUs, 1e-9);
  const eg = growth(small.engine, large.engine);
  const rg = growth(small.real, large.real);
  // An O(log n) write grows on redis-server too (deeper trees, cache misses): the engine may grow
  // as much as redis-server itself does for the same writes (with a margin for noise), never more.
  const growthBound = Math.max(GROWTH_GOAL, REAL_GROWTH_MARGIN * rg);
  const caught = small.engine.catchUpMs !== null && large.engine.catchUpMs !== null;
  record({
    measure: `CPU/cmd ${label} ÷ ${sizeLabel(small.size)}, ${family}`,
    real: `${rg.toFixed(2)} (${small.real.cpuUs.toFixed(1)}→${large.real.cpuUs.toFixed(1)} µs)`,
    engine: `${caught ? '' : '> '}${eg.toFixed(2)} (${small.engine.cpuUs.toFixed(1)}→${cpu(large.engine)} µs)`,
    ratio: `${ratio(large.engine.cpuUs / Math.max(large.real.cpuUs, 1e-9))} µs at ${label}`,
    goal: `engine ≤ ${GROWTH_GOAL}, or ≤ ${REAL_GROWTH_MARGIN}× redis-server's growth (${growthBound.toFixed(2)})`, met: caught && eg <= growthBound,
  });
}

async function main(): Promise<void> {
  const families = PICK ? FAMILIES.filter((f) => PICK.includes(f.name)) : FAMILIES;
  if (families.length === 0) throw new Error(`--families: any of ${FAMILIES.map((f) => f.name).join(', ')}`);
  process.stdout.write(`Complexity: ${fmtInt(WRITES)} writes per case (pipelined), collections of ${SIZES.map(sizeLabel).join(' and ')} elements (pops and trims: round robin over keys of size..2 × size),\n` +
    `a real ${BINARY} replica and the engine (CLI process, fresh per case) on the same master; catch-up polled every 2 ms, bounded at ${TIMEOUT_S} s.\n`);
  const debug = ['--enable-debug-command', 'yes'];
  const master = await RedisServer.start({ binary: BINARY, args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', ...debug] });
  const real = await RedisServer.start({ binary: BINARY, args: ['--replicaof', '127.0.0.1', String(master.port), ...debug] });
  const m = await master.client();
  const m2 = await master.client();
  const rc = await real.client();
  const rows: string[][] = [];
  const digests: string[] = [];
  try {
    await waitLinkUp(rc);
    for (const family of families) {
      const cases: Case[] = [];
      for (const size of SIZES) {
        const c = await runCase(family, size, master, m, m2, real, rc);
        cases.push(c);
        if (c.digest !== 'equal') digests.push(`${family.name} ${sizeLabel(size)}: ${c.error ?? c.digest}`);
        rows.push([
          family.name, sizeLabel(size), (c.masterMs / 1000).toFixed(3), seconds(c.real), c.error ?? seconds(c.engine),
          cpu(c.real), cpu(c.engine), c.digest,
        ]);
        process.stdout.write(`  ${rows.at(-1)!.join(' | ')}\n`);
      }
      summarize(family.name, cases);
    }
  } finally {
    await shutDown([m, m2, rc], [real, master]);
  }
  process.stdout.write('\n' + table(['family', 'size', 'master s', 'real replica catch-up', 'engine catch-up', 'real CPU µs/cmd', 'engine CPU µs/cmd', 'DEBUG DIGEST engine vs master'], rows));
  record({
    measure: 'DEBUG DIGEST engine = master after every complexity case', real: '–',
    engine: digests.length === 0 ? 'all equal' : digests.join('; '), ratio: '–', goal: 'all equal', met: digests.length === 0,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
