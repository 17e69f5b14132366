// Dataset footprints (issue 11), beside a real redis-server replica of the same master in the same run:
//   1. a large master (DEBUG POPULATE, 64-byte values; 20M keys by default): full-sync time and peak RSS
//      (VmHWM) of the engine with --dataset none, of the engine left on auto (and what auto chose, with
//      its reason), of a redis-server replica (disk load, its default); the RDB read by the engine's
//      decoder and by redis-check-rdb (MB/s, same file);
//   2. a smaller master the engine can hold: peak RSS of full and none beside redis-server's, and what
//      auto chose there with the default heap and with a 256 MB one.
//   node out/bench/footprints.js [--keys 20000000] [--small-keys 2000000] [--binary path/to/redis-server]
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RedisClient } from '../src/net/redisClient';
import { RedisServer } from '../src/net/redisProcess';
import { checkRdbThroughput, decodeThroughput, EngineProcess, flags, fmtInt, peakRssMb, table, timedSync } from './harness';
import { record, ratio } from './results';

const opts = flags(process.argv.slice(2));
const KEYS = Number(opts.get('keys') ?? 20_000_000);
const SMALL_KEYS = Number(opts.get('small-keys') ?? 2_000_000);
const BINARY = opts.get('binary') ?? 'redis-server';
/** Issue 11's bound for a `none` replica, whatever the master holds. */
const NONE_RSS_GOAL_MB = 256;
const SYNC_TIMEOUT_MS = 15 * 60_000;

interface Sync {
  seconds: number;
  peakMb: number;
  /** The engine's footprint and why, from its INFO server (empty for redis-server). */
  footprint: string;
}

async function redisReplicaSync(masterPort: number): Promise<Sync> {
  const replica = await RedisServer.start({ binary: BINARY, args: ['--repl-diskless-load', 'disabled'] });
  const c = await replica.client();
  try {
    return { seconds: await timedSync(c, masterPort, SYNC_TIMEOUT_MS), peakMb: peakRssMb(replica.pid), footprint: '' };
  } finally {
    c.close();
    await replica.stop();
  }
}

async function engineSync(masterPort: number, args: string[], nodeFlags: string[] = []): Promise<Sync> {
  const engine = await EngineProcess.start(args, nodeFlags);
  try {
    const c = await engine.client();
    try {
      const seconds = await timedSync(c, masterPort, SYNC_TIMEOUT_MS);
      // What it keeps and why, as INFO says (the log names only a footprint auto chose below full, and a guard's switch).
      const server = await c.info('server');
      const switched = engine.logMessages().filter((m) => m.includes('switched from full during the load'));
      const footprint = `${server.get('replica_debugger_dataset')}: ${server.get('replica_debugger_dataset_reason')}${switched.length > 0 ? ' (the guard switched it)' : ''}`;
      return { seconds, peakMb: peakRssMb(engine.pid), footprint };
    } finally {
      c.close();
    }
  } finally {
    await engine.stop();
  }
}

async function populatedMaster(keys: number): Promise<{ master: RedisServer; admin: RedisClient; rdb: string; usedMb: number }> {
  const master = await RedisServer.start({ binary: BINARY, args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'] });
  const admin = await master.client();
  await admin.call('DEBUG', 'POPULATE', keys, 'key', 64);
  await admin.call('SAVE');
  const usedMb = Number((await admin.info('memory')).get('used_memory')) / 1024 / 1024;
  return { master, admin, rdb: path.join(master.dir, 'dump.rdb'), usedMb };
}

const label = (n: number): string => (n % 1e6 === 0 ? `${n / 1e6}M` : fmtInt(n));
const mbText = (mb: number): string => `${mb.toFixed(0)} MB`;

async function main(): Promise<void> {
  const rows: string[][] = [];
  const choices: string[][] = [];
  const row = (dataset: string, side: string, s: Sync, base: Sync): void => {
    rows.push([dataset, side, s.seconds.toFixed(2), mbText(s.peakMb), (s.seconds / base.seconds).toFixed(2), (s.peakMb / base.peakMb).toFixed(2)]);
    if (s.footprint) choices.push([dataset, side, s.footprint]);
  };

  // 1. The large master: none, auto, redis-server; then the decoders on its RDB.
  const big = await populatedMaster(KEYS);
  const bigName = `${label(KEYS)} keys × 64 B (${mbText(big.usedMb)} in redis-server)`;
  let decodeRow: string[];
  try {
    const redis = await redisReplicaSync(big.master.port);
    const none = await engineSync(big.master.port, ['--dataset', 'none']);
    const auto = await engineSync(big.master.port, []);
    row(bigName, 'redis-server replica (disk load)', redis, redis);
    row(bigName, 'engine, dataset none', none, redis);
    row(bigName, 'engine, dataset auto (default heap)', auto, redis);
    const rdbMb = fs.statSync(big.rdb).size / 1e6;
    const decode = decodeThroughput(big.rdb);
    const check = checkRdbThroughput(big.rdb);
    decodeRow = [bigName, `${rdbMb.toFixed(0)} MB`, check.toFixed(0), decode.toFixed(0), (decode / check).toFixed(2)];
    record({
      measure: `peak RSS, dataset none, full sync of ${label(KEYS)} keys`, real: mbText(redis.peakMb), engine: mbText(none.peakMb),
      ratio: ratio(none.peakMb / redis.peakMb), goal: `≤ ${NONE_RSS_GOAL_MB} MB`, met: none.peakMb <= NONE_RSS_GOAL_MB,
    });
    record({
      measure: `full sync time, dataset none, ${label(KEYS)} keys, vs disk load`, real: `${redis.seconds.toFixed(1)} s`, engine: `${none.seconds.toFixed(1)} s`,
      ratio: ratio(none.seconds / redis.seconds), goal: 'reported', met: null,
    });
    record({
      measure: `RDB read, MB/s, engine decoder vs redis-check-rdb (${label(KEYS)} keys)`, real: check.toFixed(0), engine: decode.toFixed(0),
      ratio: ratio(decode / check), goal: '≥ 1.0×', met: decode >= check,
    });
    record({ measure: `dataset auto chose, ${label(KEYS)} keys, default heap`, real: '–', engine: auto.footprint, ratio: '–', goal: 'reported', met: null });
  } finally {
    big.admin.close();
    await big.master.stop();
  }

  // 2. A master the engine can hold: full and none beside redis-server; auto with the default heap and a 256 MB one.
  const small = await populatedMaster(SMALL_KEYS);
  const smallName = `${label(SMALL_KEYS)} keys × 64 B (${mbText(small.usedMb)} in redis-server)`;
  try {
    const redis = await redisReplicaSync(small.master.port);
    const full = await engineSync(small.master.port, ['--dataset', 'full']);
    const none = await engineSync(small.master.port, ['--dataset', 'none']);
    const auto = await engineSync(small.master.port, []);
    const tight = await engineSync(small.master.port, [], ['--max-old-space-size=256']);
    row(smallName, 'redis-server replica (disk load)', redis, redis);
    row(smallName, 'engine, dataset full', full, redis);
    row(smallName, 'engine, dataset none', none, redis);
    row(smallName, 'engine, dataset auto (default heap)', auto, redis);
    row(smallName, 'engine, dataset auto (--max-old-space-size=256)', tight, redis);
    record({
      measure: `peak RSS, dataset full, ${label(SMALL_KEYS)} keys`, real: mbText(redis.peakMb), engine: mbText(full.peakMb),
      ratio: ratio(full.peakMb / redis.peakMb), goal: 'reported', met: null,
    });
    record({
      measure: `peak RSS, dataset none, ${label(SMALL_KEYS)} keys`, real: mbText(redis.peakMb), engine: mbText(none.peakMb),
      ratio: ratio(none.peakMb / redis.peakMb), goal: `≤ ${NONE_RSS_GOAL_MB} MB`, met: none.peakMb <= NONE_RSS_GOAL_MB,
    });
    record({ measure: `dataset auto chose, ${label(SMALL_KEYS)} keys, default heap`, real: '–', engine: auto.footprint, ratio: '–', goal: 'reported', met: null });
    record({ measure: `dataset auto chose, ${label(SMALL_KEYS)} keys, 256 MB heap`, real: '–', engine: tight.footprint, ratio: '–', goal: 'reported', met: null });
  } finally {
    small.admin.close();
    await small.master.stop();
  }

  process.stdout.write('Full sync per footprint, beside a redis-server replica of the same master (REPLICAOF until master_link_status:up; peak RSS = VmHWM)\n');
  process.stdout.write(table(['master', 'replica', 'sync s', 'peak RSS', 'time vs redis', 'RSS vs redis'], rows));
  process.stdout.write('\nRDB read, same file (MB/s)\n');
  process.stdout.write(table(['master', 'RDB', 'redis-check-rdb', 'engine RdbDecoder', 'ratio'], [decodeRow]));
  process.stdout.write('\nWhat each engine keeps, and why (its INFO server)\n');
  process.stdout.write(table(['master', 'replica', 'footprint: reason'], choices));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
