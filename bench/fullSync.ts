// The engine next to redis-server itself, in one run, against the same master:
//   1. full sync of 1M small strings and of 1M keys of mixed types: time and peak
//      memory (VmHWM) of an engine process and of a redis-server replica process;
//   2. RDB decode throughput: the engine's decoder vs redis-check-rdb on the same file;
//   3. stream apply: both replicas attached while redis-benchmark writes, with lag.
//   npm run bench                 (1,000,000 keys, 3 rounds)
//   npm run bench -- 200000 1     (keys, rounds)
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RdbDecoder } from '../src/rdb/decoder';
import { RedisClient } from '../src/net/redisClient';
import { freePort, RedisServer } from '../src/net/redisProcess';

const KEYS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CLI = path.resolve(__dirname, '../src/cli/main.js');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function poll(check: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

/** 80% strings, the rest hashes, lists, sets and zsets of 20 elements, built by Lua on the server. */
async function buildMixed(client: RedisClient, keys: number): Promise<void> {
  const aggregates = Math.floor(keys / 20);
  await client.call('DEBUG', 'POPULATE', keys - 4 * aggregates, 'str', 32);
  const script = `
    local n = tonumber(ARGV[1])
    for i = 1, n do
      local h, l, s, z = {}, {}, {}, {}
      for j = 1, 20 do
        h[#h+1] = 'field:'..j; h[#h+1] = 'v'..i..':'..j
        l[#l+1] = 'item:'..i..':'..j
        s[#s+1] = 'member:'..j..':'..i
        z[#z+1] = j * 1.5; z[#z+1] = 'm'..j
      end
      redis.call('HSET', 'h:'..i, unpack(h))
      redis.call('RPUSH', 'l:'..i, unpack(l))
      redis.call('SADD', 's:'..i, unpack(s))
      redis.call('ZADD', 'z:'..i, unpack(z))
    end
    return n`;
  await client.call('EVAL', script, 0, aggregates);
}

interface Sync {
  seconds: number;
  peakMb: number;
}

async function redisReplicaSync(masterPort: number): Promise<Sync> {
  const replica = await RedisServer.start();
  const c = await replica.client();
  try {
    const t0 = process.hrtime.bigint();
    await c.call('REPLICAOF', '127.0.0.1', masterPort);
    await poll(async () => (await c.info('replication')).get('master_link_status') === 'up');
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakMb: peakRssMb(replica.pid) };
  } finally {
    c.close();
    await replica.stop();
  }
}

async function engineSync(masterPort: number): Promise<Sync> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, '--port', String(port), '--log-format', 'json'], { stdio: 'ignore' });
  try {
    let c: RedisClient | null = null;
    await poll(async () => {
      c = await RedisClient.connect(port).catch(() => null);
      return c !== null;
    });
    const client = c as unknown as RedisClient; // assigned by the poll above
    const t0 = process.hrtime.bigint();
    await client.call('REPLICAOF', '127.0.0.1', masterPort);
    await poll(async () => (await client.info('replication')).get('master_link_status') === 'up');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peakMb = peakRssMb(child.pid!);
    client.close();
    return { seconds, peakMb };
  } finally {
    child.kill('SIGKILL');
  }
}

function decodeThroughput(file: string): number {
  const data = fs.readFileSync(file);
  const t0 = process.hrtime.bigint();
  const decoder = new RdbDecoder();
  for (let at = 0; at < data.length; at += 64 * 1024) {
    decoder.write(data.subarray(at, at + 64 * 1024));
    for (let r = decoder.next(); r.status === 'event' || r.status === 'paused'; r = decoder.next());
  }
  const r = decoder.next();
  if (r.status === 'error') throw new Error(r.error);
  return data.length / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function checkRdbThroughput(file: string): number {
  const size = fs.statSync(file).size;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('redis-check-rdb', [file], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error('redis-check-rdb failed');
  return size / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Both replicas attached while redis-benchmark writes; lag sampled every 100 ms. */
async function streamApply(masterPort: number, redisReplicaPort: number, enginePort: number): Promise<string[][]> {
  const m = await RedisClient.connect(masterPort);
  const r = await RedisClient.connect(redisReplicaPort);
  const e = await RedisClient.connect(enginePort);
  const offset = async (c: RedisClient, field: string): Promise<number> => Number((await c.info('replication')).get(field));
  const lags = { redis: [] as number[], engine: [] as number[] };
  const requests = 1_000_000;
  const bench = spawn('redis-benchmark', ['-p', String(masterPort), '-t', 'set', '-n', String(requests), '-P', '16', '-c', '50', '-r', '1000000', '-q'], { stdio: 'ignore' });
  const t0 = Date.now();
  let running = true;
  bench.on('exit', () => (running = false));
  while (running) {
    const mo = await offset(m, 'master_repl_offset');
    lags.redis.push(Math.max(0, mo - (await offset(r, 'slave_repl_offset'))));
    lags.engine.push(Math.max(0, mo - (await offset(e, 'slave_repl_offset'))));
    await sleep(100);
  }
  const benchSeconds = (Date.now() - t0) / 1000;
  const final = await offset(m, 'master_repl_offset');
  const catchUp = async (c: RedisClient): Promise<number> => {
    const t = Date.now();
    await poll(async () => (await offset(c, 'slave_repl_offset')) >= final);
    return Date.now() - t;
  };
  const rows = [
    ['redis-server replica', (requests / benchSeconds).toFixed(0), (Math.max(...lags.redis) / 1e6).toFixed(2), (median(lags.redis) / 1e3).toFixed(0), String(await catchUp(r))],
    ['engine', (requests / benchSeconds).toFixed(0), (Math.max(...lags.engine) / 1e6).toFixed(2), (median(lags.engine) / 1e3).toFixed(0), String(await catchUp(e))],
  ];
  m.close();
  r.close();
  e.close();
  return rows;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n') + '\n';
}

interface Dataset {
  name: string;
  build(client: RedisClient, keys: number): Promise<void>;
}

const DATASETS: Dataset[] = [
  { name: 'small strings', build: async (c, keys) => void (await c.call('DEBUG', 'POPULATE', keys, 'key', 16)) },
  { name: 'mixed types', build: buildMixed },
];

async function main(): Promise<void> {
  process.stdout.write(`${KEYS.toLocaleString('en')} keys per dataset, ${ROUNDS} round(s), medians. Replicas use repl-diskless-load disabled (temp file, then load); the master is diskless with delay 0.\n`);
  process.stdout.write('small strings = DEBUG POPULATE (16-byte values); mixed types = 80% strings, the rest hashes/lists/sets/zsets of 20 elements.\n\n');
  const syncRows: string[][] = [];
  const decodeRows: string[][] = [];
  for (const dataset of DATASETS) {
    const master = await RedisServer.start({ args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'] });
    const admin = await master.client();
    try {
      await dataset.build(admin, KEYS);
      await admin.call('SAVE');
      const rdb = path.join(master.dir, 'dump.rdb');
      const rdbMb = (fs.statSync(rdb).size / 1e6).toFixed(1);
      const redisRuns: Sync[] = [];
      const engineRuns: Sync[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // Alternate the order so neither side always gets the warmer caches.
        if (i % 2 === 0) {
          redisRuns.push(await redisReplicaSync(master.port));
          engineRuns.push(await engineSync(master.port));
        } else {
          engineRuns.push(await engineSync(master.port));
          redisRuns.push(await redisReplicaSync(master.port));
        }
      }
      const rs = median(redisRuns.map((r) => r.seconds));
      const es = median(engineRuns.map((r) => r.seconds));
      syncRows.push(
        [dataset.name, `${rdbMb} MB`, 'redis-server', rs.toFixed(3), redisRuns.map((r) => r.seconds.toFixed(2)).join(' '), median(redisRuns.map((r) => r.peakMb)).toFixed(0), '1.00'],
        [dataset.name, `${rdbMb} MB`, 'engine', es.toFixed(3), engineRuns.map((r) => r.seconds.toFixed(2)).join(' '), median(engineRuns.map((r) => r.peakMb)).toFixed(0), (es / rs).toFixed(2)],
      );
      const decode = Array.from({ length: ROUNDS }, () => decodeThroughput(rdb));
      const check = Array.from({ length: ROUNDS }, () => checkRdbThroughput(rdb));
      decodeRows.push(
        [dataset.name, 'redis-check-rdb', median(check).toFixed(0), check.map((x) => x.toFixed(0)).join(' ')],
        [dataset.name, 'engine RdbDecoder', median(decode).toFixed(0), decode.map((x) => x.toFixed(0)).join(' ')],
      );
    } finally {
      admin.close();
      await master.stop();
    }
  }
  process.stdout.write('Full sync: REPLICAOF until master_link_status:up\n');
  process.stdout.write(table(['dataset', 'RDB', 'replica', 'sync s', 'runs', 'peak RSS MB', 'vs redis'], syncRows));
  process.stdout.write('\nRDB decode throughput, same file (MB/s)\n');
  process.stdout.write(table(['dataset', 'decoder', 'MB/s', 'runs'], decodeRows));

  // Stream apply on a fresh, empty master so the syncs are quick.
  const streamMaster = await RedisServer.start({ args: ['--repl-diskless-sync-delay', '0'] });
  const realReplica = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(streamMaster.port)] });
  const enginePort = await freePort();
  const engine = spawn(process.execPath, [CLI, '--port', String(enginePort), '--replicaof', '127.0.0.1', String(streamMaster.port), '--log-format', 'json'], { stdio: 'ignore' });
  try {
    await poll(async () => {
      const c = await RedisClient.connect(enginePort).catch(() => null);
      if (!c) return false;
      const up = (await c.info('replication')).get('master_link_status') === 'up';
      c.close();
      return up;
    });
    const rc = await realReplica.client();
    await poll(async () => (await rc.info('replication')).get('master_link_status') === 'up');
    rc.close();
    process.stdout.write('\nStream apply: redis-benchmark -t set -n 1000000 -P 16 -c 50 -r 1000000 on the master, both replicas attached\n');
    process.stdout.write(table(['replica', 'master SET/s', 'max lag MB', 'median lag KB', 'catch-up ms'], await streamApply(streamMaster.port, realReplica.port, enginePort)));
  } finally {
    engine.kill('SIGKILL');
    await realReplica.stop();
    await streamMaster.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
