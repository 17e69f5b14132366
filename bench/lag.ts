// Stream apply with lag: a real redis-server replica and the engine (CLI
// process) attached to one master while redis-benchmark writes mixed types at
// the master's full speed for a set duration. Both replicas' lag in bytes
// (master_repl_offset − the replica's offset, the three asked at once) is
// sampled every 100 ms; then each one's catch-up after the load stops, and
// whether either was ever disconnected (its log; the master's log for output
// buffer limits and its replica clients at the end, which the engine's link
// must still be among; the master's sync counters: a reconnect is a new sync).
//   node out/bench/lag.js [--seconds 120] [--catch-up-timeout 60] [--binary path/to/redis-server]
import { spawn, type ChildProcess } from 'node:child_process';
import { RedisClient } from '../src/net/redisClient';
import { RedisServer } from '../src/net/redisProcess';
import { beforeDeadline, EngineProcess, flags, fmtInt, median, nowMs, offsetOf, reachedAt, shutDown, sleep, table, TIMED_OUT, waitLinkUp } from './harness';
import { record, ratio } from './results';

const opts = flags(process.argv.slice(2));
const SECONDS = Number(opts.get('seconds') ?? 120);
const BINARY = opts.get('binary') ?? 'redis-server';
const BENCHMARK = opts.get('benchmark') ?? 'redis-benchmark';
const SAMPLE_MS = 100;
const CATCH_UP_TIMEOUT_S = Number(opts.get('catch-up-timeout') ?? 60);
// redis-benchmark 7.0 has no xadd test: a second benchmark sends XADD as its own command, the stream capped.
const TESTS = 'set,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin';
const MIXED = ['-t', TESTS, '-P', '16', '-c', '50', '-r', '100000', '-n', '100000', '-l', '-q'];
const XADD = ['-P', '16', '-c', '10', '-l', '-q', 'XADD', 'bench:stream', 'MAXLEN', '~', '10000', '*', 'field', '__rand_int__'];

interface Samples {
  lags: number[];
  /** Samples the replica did not answer within the interval. */
  unanswered: number;
  /** Samples where the replica said master_link_status was not up. */
  down: number;
}

async function sample(c: RedisClient, deadline: number): Promise<{ offset: number; up: boolean } | null> {
  const info = await beforeDeadline(c.info('replication'), deadline).catch(() => null);
  if (info === null || info === TIMED_OUT) return null;
  return { offset: Number(info.get('slave_repl_offset')), up: info.get('master_link_status') === 'up' };
}

async function replicaClientIds(m: RedisClient): Promise<string[]> {
  return String(await m.call('CLIENT', 'LIST', 'TYPE', 'replica')).split('\n').map((l) => /^id=(\d+)/.exec(l)?.[1]).filter((id): id is string => id !== undefined);
}

const kb = (bytes: number): string => `${fmtInt(bytes / 1024)} KB`;
const syncs = (info: Map<string, string>): number => ['sync_full', 'sync_partial_ok', 'sync_partial_err'].reduce((n, f) => n + Number(info.get(f) ?? 0), 0);

async function main(): Promise<void> {
  const master = await RedisServer.start({ binary: BINARY, args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'] });
  const real = await RedisServer.start({ binary: BINARY, args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const m = await master.client();
  const rc = await real.client();
  await waitLinkUp(rc);
  // The engine attaches second, so its link is the master's replica client that is new then.
  const before = await replicaClientIds(m);
  const engine = await EngineProcess.start(['--replicaof', '127.0.0.1', String(master.port)]);
  // The engine's samples go on a connection of their own: a sample it is too busy to answer is abandoned with it.
  let ec = await engine.client();
  const benches: ChildProcess[] = [];
  try {
    await waitLinkUp(ec);
    const engineLink = (await replicaClientIds(m)).find((id) => !before.includes(id));
    const realLink = before[0];
    const syncsBefore = syncs(await m.info('stats'));
    const commandsBefore = Number((await m.info('stats')).get('total_commands_processed'));
    const samples = { real: { lags: [], unanswered: 0, down: 0 } as Samples, engine: { lags: [], unanswered: 0, down: 0 } as Samples };
    for (const args of [MIXED, XADD]) benches.push(spawn(BENCHMARK, ['-p', String(master.port), ...args], { stdio: 'ignore' }));
    const t0 = nowMs();
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      const next = nowMs() + SAMPLE_MS;
      const deadline = Date.now() + SAMPLE_MS * 10;
      const [mo, r, e] = await Promise.all([offsetOf(m, 'master_repl_offset'), sample(rc, deadline), sample(ec, deadline)]);
      for (const [s, x] of [[samples.real, r], [samples.engine, e]] as const) {
        if (x === null) {
          s.unanswered++;
          continue;
        }
        s.lags.push(Math.max(0, mo - x.offset));
        if (!x.up) s.down++;
      }
      if (e === null) {
        ec.close();
        ec = await engine.client();
      }
      await sleep(Math.max(0, next - nowMs()));
    }
    for (const b of benches) b.kill('SIGKILL');
    const loadSeconds = (nowMs() - t0) / 1000;
    await sleep(100); // the benchmark's last replies
    const masterOps = (Number((await m.info('stats')).get('total_commands_processed')) - commandsBefore) / loadSeconds;
    const final = await offsetOf(m, 'master_repl_offset');
    const stoppedAt = nowMs();
    const deadline = Date.now() + CATCH_UP_TIMEOUT_S * 1000;
    const [ra, ea] = await Promise.all([reachedAt(rc, final, deadline, 5), reachedAt(ec, final, deadline, 5)]);
    const newSyncs = syncs(await m.info('stats')) - syncsBefore;
    // The master's word, for the whole run up to now: the engine may not have read its link's end yet.
    const outbufLines = master.log().split('\n').filter((l) => l.includes('overcoming of output buffer limits'));
    const outbufLimits = outbufLines.length;
    const killed = (id: string | undefined): number => outbufLines.filter((l) => l.includes(`id=${id} `)).length;
    const links = await replicaClientIds(m);
    const realLosses = (real.log().match(/Connection with master lost/g) ?? []).length + killed(realLink) + (realLink !== undefined && !links.includes(realLink) ? 1 : 0);
    const engineLosses = engine.linkLosses();
    for (let i = 0; i < killed(engineLink); i++) engineLosses.push('closed by the master for overcoming of output buffer limits');
    if (engineLink === undefined || !links.includes(engineLink)) engineLosses.push('its link is no longer among the master\'s replicas');
    const catchUp = (at: number | null): string => (at === null ? `> ${CATCH_UP_TIMEOUT_S} s` : `${((at - stoppedAt) / 1000).toFixed(2)} s`);
    const row = (name: string, s: Samples, at: number | null, losses: string): string[] => [
      name, String(s.lags.length), kb(median(s.lags)), kb(Math.max(...s.lags)), String(s.unanswered), String(s.down), catchUp(at), losses,
    ];
    process.stdout.write(`Stream apply with lag: ${BENCHMARK} ${MIXED.join(' ')} and ${XADD.join(' ')} on the master for ${loadSeconds.toFixed(0)} s\n` +
      `(${fmtInt(masterOps)} commands/s on the master), a real ${BINARY} replica and the engine attached; lag = master_repl_offset − replica offset every ${SAMPLE_MS} ms.\n` +
      `Master: ${newSyncs} new sync(s) during the run, ${outbufLimits} output-buffer-limit disconnection(s) in its log.\n`);
    process.stdout.write(table(['replica', 'samples', 'median lag', 'max lag', 'unanswered', 'link not up', 'catch-up after load', 'link lost'], [
      row('redis-server replica', samples.real, ra, String(realLosses)),
      row('engine', samples.engine, ea, engineLosses.length === 0 ? '0' : engineLosses.slice(0, 3).join('; ')),
    ]));
    const rm = median(samples.real.lags);
    const em = samples.engine.lags.length > 0 ? median(samples.engine.lags) : Number.NaN;
    record({
      measure: `lag median under a ${loadSeconds.toFixed(0)} s mixed redis-benchmark load`, real: kb(rm), engine: Number.isNaN(em) ? 'no answer' : kb(em),
      ratio: rm > 0 ? ratio(em / rm) : '–', goal: '≤ 2×', met: em <= 2 * rm,
    });
    record({
      measure: 'lag max, same load', real: kb(Math.max(...samples.real.lags)), engine: kb(Math.max(...samples.engine.lags)),
      ratio: ratio(Math.max(...samples.engine.lags) / Math.max(1, ...samples.real.lags)), goal: 'reported', met: null,
    });
    const engineDisconnected = engineLosses.length > 0 || samples.engine.down > 0;
    record({
      measure: 'disconnected by the master, same load',
      real: realLosses === 0 ? 'never' : `${realLosses}×`,
      engine: engineDisconnected ? `disconnected: ${engineLosses.length > 0 ? engineLosses.join('; ') : `${samples.engine.down} samples link down`}` : `never${samples.engine.unanswered > 0 ? ` (${samples.engine.unanswered} samples unanswered)` : ''}`,
      ratio: '–', goal: `never (master: ${newSyncs} new syncs, ${outbufLimits} output-buffer kills)`, met: !engineDisconnected,
    });
  } finally {
    for (const b of benches) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
    await shutDown([m, rc, ec], [engine, real, master]);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
