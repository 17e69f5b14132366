// Catch-up from a backlog: a real redis-server replica and the engine (CLI
// process) attached to one master are both stopped (SIGSTOP), redis-benchmark
// writes N SETs, both are continued (SIGCONT) at once, and each one's rate is
// N / (continue → its offset reaches the master's). The master is idle
// meanwhile, so this is each replica's own apply rate. The master keeps the
// stopped replicas' output unbounded (client-output-buffer-limit replica 0 0 0),
// so the pause itself cannot disconnect them.
//   node out/bench/catchUp.js [--sets 1000000] [--rounds 3] [--timeout 120] [--binary path/to/redis-server]
import { spawn } from 'node:child_process';
import { RedisServer } from '../src/net/redisProcess';
import { EngineProcess, flags, fmtInt, median, nowMs, offsetOf, reachedAt, shutDown, table, waitInSync, waitLinkUp } from './harness';
import { record, ratio } from './results';

const opts = flags(process.argv.slice(2));
const SETS = Number(opts.get('sets') ?? 1_000_000);
const ROUNDS = Math.max(1, Number(opts.get('rounds') ?? 3));
const TIMEOUT_S = Number(opts.get('timeout') ?? 120);
const BINARY = opts.get('binary') ?? 'redis-server';
const KEYSPACE = 100_000;

function benchmark(port: number, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-benchmark', ['-p', String(port), '-t', 'set', '-n', String(n), '-P', '16', '-c', '50', '-r', String(KEYSPACE), '-q'], { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-benchmark exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const master = await RedisServer.start({ binary: BINARY, args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--client-output-buffer-limit', 'replica 0 0 0'] });
  const real = await RedisServer.start({ binary: BINARY, args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const engine = await EngineProcess.start(['--replicaof', '127.0.0.1', String(master.port)]);
  const m = await master.client();
  const rc = await real.client();
  const ec = await engine.client();
  const rates = { real: [] as number[], engine: [] as number[] };
  try {
    await waitLinkUp(rc);
    await waitLinkUp(ec);
    // Warm-up: every key exists before the measured rounds, so none of them pays for new keys; the JIT is warm.
    await benchmark(master.port, Math.min(SETS, 4 * KEYSPACE));
    await waitInSync(m, rc);
    await waitInSync(m, ec, TIMEOUT_S * 1000);
    for (let r = 0; r < ROUNDS; r++) {
      real.pause();
      engine.pause();
      try {
        await benchmark(master.port, SETS);
      } finally {
        real.resume();
        engine.resume();
      }
      const t0 = nowMs();
      const final = await offsetOf(m, 'master_repl_offset');
      const deadline = Date.now() + TIMEOUT_S * 1000;
      const [ra, ea] = await Promise.all([reachedAt(rc, final, deadline), reachedAt(ec, final, deadline)]);
      rates.real.push(ra === null ? 0 : SETS / ((ra - t0) / 1000));
      if (ea === null) {
        process.stdout.write(`round ${r + 1}: the engine had not caught up after ${TIMEOUT_S} s; no further rounds\n`);
        break;
      }
      rates.engine.push(SETS / ((ea - t0) / 1000));
      process.stdout.write(`round ${r + 1}: redis-server replica ${fmtInt(rates.real.at(-1)!)} SET/s, engine ${fmtInt(rates.engine.at(-1)!)} SET/s\n`);
    }
  } finally {
    await shutDown([m, rc, ec], [engine, real, master]);
  }
  const caughtUp = rates.engine.length === rates.real.length;
  const rm = median(rates.real);
  const em = caughtUp ? median(rates.engine) : SETS / TIMEOUT_S;
  const fmt = (xs: number[]): string => xs.map((x) => `${fmtInt(x / 1000)}k`).join(' ');
  process.stdout.write(`Catch-up from a backlog of ${fmtInt(SETS)} SETs (redis-benchmark -t set -P 16 -c 50 -r ${fmtInt(KEYSPACE)}) while both replicas were stopped; median of ${rates.real.length} round(s).\n`);
  process.stdout.write(table(['replica', 'SET/s', 'runs'], [
    ['redis-server replica', fmtInt(rm), fmt(rates.real)],
    ['engine', `${caughtUp ? '' : '< '}${fmtInt(em)}`, caughtUp ? fmt(rates.engine) : `not caught up after ${TIMEOUT_S} s`],
  ]));
  record({
    measure: `catch-up from a backlog of ${fmtInt(SETS)} SETs, SET/s`, real: fmtInt(rm), engine: `${caughtUp ? '' : '< '}${fmtInt(em)}`,
    ratio: `${caughtUp ? '' : '< '}${ratio(em / rm)}`, goal: '≥ 0.8×', met: caughtUp && em >= 0.8 * rm,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
