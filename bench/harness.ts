// What the process-level benchmarks share: an engine run as the CLI process
// beside real redis-server processes, replication offsets polled with a bound,
// CPU and peak memory of a process read from /proc, and the table printer.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RedisClient } from '../src/net/redisClient';
import { freePort, killChild } from '../src/net/redisProcess';
import { RdbDecoder } from '../src/rdb/decoder';

const CLI = path.resolve(__dirname, '../src/cli/main.js');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en');
/** Milliseconds on a monotonic clock. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n') + '\n';
}

export async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 600_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU time of a process so far, ms: the sum of its live threads' run time
 * from /proc/<pid>/task/<tid>/schedstat (ns resolution: a few thousand writes
 * on redis-server take less than the 10 ms tick of utime+stime), or utime +
 * stime from /proc/<pid>/stat where schedstat is missing.
 */
export function cpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended meanwhile
      }
    }
    return ns / 1e6;
  } catch {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }
}

export const TIMED_OUT: unique symbol = Symbol('timed out');

/** The promise's value, or TIMED_OUT once `deadline` (Date.now() ms) passes: a replica too busy to answer must not hang the run. */
export function beforeDeadline<T>(p: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadline - Date.now()))));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export type OffsetField = 'master_repl_offset' | 'slave_repl_offset';

export async function offsetOf(c: RedisClient, field: OffsetField): Promise<number> {
  return Number((await c.info('replication')).get(field));
}

/**
 * Polls the replica's offset every `everyMs` until it reaches `target`;
 * resolves with the monotonic time (nowMs) it was first seen there, or null
 * if not by `deadline` (Date.now() ms), including when the replica stops
 * answering INFO at all.
 */
export async function reachedAt(c: RedisClient, target: number, deadline: number, everyMs = 2): Promise<number | null> {
  for (;;) {
    const offset = await beforeDeadline(offsetOf(c, 'slave_repl_offset'), deadline);
    if (offset === TIMED_OUT) return null;
    if (offset >= target) return nowMs();
    if (Date.now() > deadline) return null;
    await sleep(everyMs);
  }
}

export async function connectWhenListening(port: number, timeoutMs = 15_000): Promise<RedisClient> {
  let client: RedisClient | null = null;
  await poll(`a RESP port on ${port}`, async () => (client = await RedisClient.connect(port).catch(() => null)) !== null, timeoutMs, 20);
  return client as unknown as RedisClient; // assigned by the poll
}

export async function waitLinkUp(c: RedisClient, timeoutMs = 600_000): Promise<void> {
  await poll('master_link_status:up', async () => (await c.info('replication')).get('master_link_status') === 'up', timeoutMs);
}

/** A full sync timed as the benchmarks time it: REPLICAOF until master_link_status:up, in seconds. */
export async function timedSync(c: RedisClient, masterPort: number, timeoutMs?: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  await c.call('REPLICAOF', '127.0.0.1', masterPort);
  await waitLinkUp(c, timeoutMs);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Until the replica's offset is the master's (both idle): the preload is applied. */
export async function waitInSync(master: RedisClient, replica: RedisClient, timeoutMs = 600_000): Promise<void> {
  const target = await offsetOf(master, 'master_repl_offset');
  await poll('the replica to reach the master offset', async () => (await offsetOf(replica, 'slave_repl_offset')) >= target, timeoutMs);
}

/** The engine as users run it: the CLI process (src/cli/main.js), its log (JSON lines) in a file. */
export class EngineProcess {
  private constructor(
    readonly port: number,
    readonly logFile: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** `args` are the CLI's own (e.g. --replicaof host port); --port and --log-format are added; `nodeFlags` go to Node. */
  static async start(args: string[], nodeFlags: string[] = []): Promise<EngineProcess> {
    const port = await freePort();
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rrd-engine-')), 'engine.log');
    const out = fs.openSync(logFile, 'w');
    const child = spawn(process.execPath, [...nodeFlags, CLI, '--port', String(port), '--log-format', 'json', ...args], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new EngineProcess(port, logFile, child, exited);
  }

  client(timeoutMs?: number): Promise<RedisClient> {
    return connectWhenListening(this.port, timeoutMs);
  }

  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  /** The messages of its log lines (JSON lines), oldest first. */
  logMessages(): string[] {
    const out: string[] = [];
    for (const line of fs.readFileSync(this.logFile, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { message?: unknown };
      if (typeof entry.message === 'string') out.push(entry.message);
    }
    return out;
  }

  /** The log's transitions out of REPL_STATE_CONNECTED: each one is a lost link. */
  linkLosses(): string[] {
    const lost: string[] = [];
    for (const line of fs.readFileSync(this.logFile, 'utf8').split('\n')) {
      if (!line.includes('"transition"') || !line.includes('"from":"REPL_STATE_CONNECTED"')) continue;
      const t = JSON.parse(line) as { to?: string; cause?: string; message?: string };
      lost.push(`${t.to ?? '?'} (${t.cause ?? ''}: ${t.message ?? ''})`);
    }
    return lost;
  }

  async stop(): Promise<void> {
    await killChild(this.child, this.exited);
    // BENCH_KEEP_LOGS=1 keeps the engine's log for a look afterwards.
    if (process.env.BENCH_KEEP_LOGS) process.stderr.write(`engine log kept: ${this.logFile}\n`);
    else fs.rmSync(path.dirname(this.logFile), { recursive: true, force: true });
  }
}

/** 80% strings, the rest hashes, lists, sets and zsets of 20 elements, built by Lua on the server. */
export async function buildMixed(client: RedisClient, keys: number): Promise<void> {
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

/** Parses `--name value` flags (and bare `--name` as "true") after the positional arguments. */
export function flags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out.set(a.slice(2), next);
      i++;
    } else out.set(a.slice(2), 'true');
  }
  return out;
}

/** The engine's RdbDecoder over a whole RDB file in 64 KB writes, MB/s (no dataset: decoding alone). */
export function decodeThroughput(file: string): number {
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

/** redis-check-rdb over the same file, MB/s: it loads every key, the bar an RDB reader has to meet. */
export function checkRdbThroughput(file: string): number {
  const size = fs.statSync(file).size;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('redis-check-rdb', [file], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error('redis-check-rdb failed');
  return size / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** The end of a benchmark: its clients closed, then its processes stopped in order. */
export async function shutDown(clients: readonly { close(): void }[], processes: readonly { stop(): Promise<void> }[]): Promise<void> {
  for (const c of clients) c.close();
  for (const p of processes) await p.stop();
}
