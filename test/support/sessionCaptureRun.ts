// What the capture scripts in test/fixtures share: a scenario's shape, the
// loop that runs the chosen ones and writes their fixtures, and the waits and
// workloads they are made of. A scenario checks its own capture (`expect`):
// these sessions depend on timing, and a capture that missed what it was
// meant to show is retried instead of committed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { RedisClient } from '../../src/net/redisClient';
import { linkRoles } from './sessionCaptureLinks';
import { parseRedisLog, SessionRecorder, type CaptureBuilds } from './sessionCapture';
import { GZIP_ABOVE_BYTES, findSessionDir, type SessionFixture } from './sessionCaptureFormat';
import { sleep, waitFor } from './redisServer';

export interface Scenario {
  /** `<build>/<name>`: where it is written under test/fixtures/sessions, and what loadSession() takes. */
  name: string;
  description: string;
  builds: CaptureBuilds;
  run(rec: SessionRecorder): Promise<void>;
  /** What the capture must show; a string says what is missing (the capture is retried). */
  expect?(fixture: SessionFixture): string | null;
}

const ATTEMPTS = 3;

async function capture(s: Scenario): Promise<SessionFixture> {
  for (let attempt = 1; ; attempt++) {
    const rec = new SessionRecorder(s.name, s.description, s.builds);
    let fixture: SessionFixture;
    try {
      await s.run(rec);
      fixture = await rec.finish();
    } catch (err) {
      // What the replica said last is what explains most failures.
      const tail = rec.replica ? parseRedisLog(rec.replica.log()).slice(-15).map((l) => `  ${l.level} ${l.message}`).join('\n') : '';
      await rec.abort();
      console.error(`${s.name}: the replica's last log lines:\n${tail}`);
      if (attempt >= ATTEMPTS) throw err;
      console.error(`${s.name}: attempt ${attempt} failed (${String(err)}), retrying`);
      continue;
    }
    const missing = s.expect?.(fixture) ?? null;
    if (missing === null) return fixture;
    if (attempt >= ATTEMPTS) throw new Error(`${s.name}: the capture does not show what it should: ${missing}`);
    console.error(`${s.name}: attempt ${attempt} missed it (${missing}), retrying`);
  }
}

/** Writes `<name>.json`, or `<name>.json.gz` when big, and removes the other form. */
export function writeFixture(name: string, fixture: SessionFixture): string {
  const base = path.join(findSessionDir(), ...name.split('/'));
  fs.mkdirSync(path.dirname(base), { recursive: true });
  const text = formatFixture(fixture);
  const big = Buffer.byteLength(text) > GZIP_ABOVE_BYTES;
  const file = big ? `${base}.json.gz` : `${base}.json`;
  fs.writeFileSync(file, big ? zlib.gzipSync(text, { level: 9 }) : text);
  fs.rmSync(big ? `${base}.json` : `${base}.json.gz`, { force: true });
  return file;
}

/**
 * JSON with one event, sample, log line or checkpoint per line: smaller than
 * an indented dump, and a diff of two captures reads line by line.
 */
export function formatFixture(fixture: SessionFixture): string {
  const entries = Object.entries(fixture);
  const lines = ['{'];
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value) && value.length > 0) {
      lines.push(` ${JSON.stringify(key)}: [`);
      value.forEach((item, j) => lines.push(`  ${JSON.stringify(item)}${j < value.length - 1 ? ',' : ''}`));
      lines.push(` ]${comma}`);
    } else {
      lines.push(` ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`);
    }
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * Runs the scenarios named on the command line (a full name, or a build
 * folder for all of its scenarios; none = all) and writes their fixtures.
 */
export async function captureMain(scenarios: Scenario[], wanted: string[]): Promise<void> {
  const selected = wanted.length === 0
    ? scenarios
    : scenarios.filter((s) => wanted.some((w) => s.name === w || s.name.startsWith(`${w.replace(/\/$/, '')}/`)));
  const unknown = wanted.filter((w) => !scenarios.some((s) => s.name === w || s.name.startsWith(`${w.replace(/\/$/, '')}/`)));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  for (const s of selected) {
    const started = Date.now();
    const fixture = await capture(s);
    const file = writeFixture(s.name, fixture);
    const links = linkRoles(fixture.events).map((l) => (l.channel === 'rdb' ? `${l.link}:rdb` : `${l.link}`)).join(',');
    console.log(`${s.name}: links ${links}, ${fixture.events.length} events, ${fixture.samples?.length ?? 0} samples, ` +
      `${fixture.replicaLog.length} log lines, ${fs.statSync(file).size} bytes (${Date.now() - started} ms)`);
  }
}

// ---- waits ----

export async function waitLinks(rec: SessionRecorder, n: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${n} links`, () => rec.proxy.linkCount >= n, timeoutMs, 5);
}

export async function waitClosed(rec: SessionRecorder, link: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`link ${link} closed`, () => rec.proxy.events.some((e) => e.link === link && e.kind === 'close'), timeoutMs, 5);
}

/** Waits for a line of the real replica's log matching `re` (after `sinceLines` lines). */
export async function waitLog(rec: SessionRecorder, re: RegExp, timeoutMs = 30_000, sinceLines = 0): Promise<void> {
  await waitFor(`replica log ${String(re)}`, () => parseRedisLog(rec.replica.log()).slice(sinceLines).some((l) => re.test(l.message)), timeoutMs, 10);
}

export function logLineCount(rec: SessionRecorder): number {
  return parseRedisLog(rec.replica.log()).length;
}

/** The links the replica opened so far, by role. */
export function links(rec: SessionRecorder): { main: number[]; rdb: number[] } {
  const roles = linkRoles(rec.proxy.events);
  return { main: roles.filter((l) => l.channel === 'main').map((l) => l.link), rdb: roles.filter((l) => l.channel === 'rdb').map((l) => l.link) };
}

/** Whether a link is an rdb channel (its handshake said so). */
export function isRdbLink(rec: SessionRecorder, link: number): boolean {
  return links(rec).rdb.includes(link);
}

/** Waits for the master's periodic PING (14 bytes of offset with no write). */
export async function waitMasterPing(rec: SessionRecorder, timeoutMs = 15_000): Promise<void> {
  const start = Number((await rec.masterClient.info('replication')).get('master_repl_offset'));
  await waitFor('a master PING', async () => Number((await rec.masterClient.info('replication')).get('master_repl_offset')) >= start + 14, timeoutMs, 20);
}

// ---- datasets and workloads ----

/** A few keys of several types so that the RDB is not empty, and one in another DB. */
export async function populate(rec: SessionRecorder): Promise<void> {
  await rec.masterPipeline([
    ['SET', 'greeting', 'hello'],
    ['SET', 'counter', 100],
    ['RPUSH', 'list', 'a', 'b', 1, 300],
    ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2'],
    ['SADD', 'set', 1, 2, 3],
    ['ZADD', 'zset', 1, 'a', 2.5, 'b'],
    ['SELECT', 2],
    ['SET', 'db2key', 'x'],
    ['SELECT', 0],
  ]);
}

/**
 * `count` more string keys (`bulk:<i>`, values of `valueBytes` that LZF cannot
 * shrink much), so that `rdb-key-save-delay` (µs per key) stretches the RDB
 * transfer over a known time.
 */
export async function populateBulk(rec: SessionRecorder, count: number, valueBytes: number): Promise<void> {
  const commands: (string | number)[][] = [];
  // A few distinct values: LZF cannot shrink any of them, gzip (the fixture file) finds the repeats.
  for (let i = 0; i < count; i++) commands.push(['SET', `bulk:${i}`, noisyValue(i % 8, valueBytes)]);
  rec.note(`master> ${count} × SET bulk:<i> <${valueBytes} bytes>`);
  for (let at = 0; at < commands.length; at += 500) await rec.masterClient.pipeline(commands.slice(at, at + 500));
}

/** Deterministic bytes that do not compress to nothing (printable, so previews stay readable). */
export function noisyValue(seed: number, bytes: number): string {
  let s = (seed * 2654435761) >>> 0;
  let out = '';
  while (out.length < bytes) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out += (s >>> 8).toString(36);
  }
  return out.slice(0, bytes);
}

export interface Writer {
  /** Stops writing and resolves with the number of SET+INCR pairs written. */
  stop(): Promise<number>;
}

/**
 * A background writer on its own connection: every `intervalMs`, `batch`
 * pairs of `SET during:<i> <valueBytes>` and `INCR during:n`, until stopped.
 */
export async function startWriter(
  rec: SessionRecorder,
  opts: { batch: number; intervalMs: number; valueBytes: number; prefix?: string; compressible?: boolean },
): Promise<Writer> {
  const client: RedisClient = await rec.client(rec.master, rec.password);
  const prefix = opts.prefix ?? 'during';
  let running = true;
  let pairs = 0;
  // Compressible values keep a heavy stream small in a gzipped fixture.
  const value = (i: number): string => (opts.compressible ? String.fromCharCode(97 + (i % 26)).repeat(opts.valueBytes) : noisyValue(i + 7, opts.valueBytes));
  rec.note(`writer: every ${opts.intervalMs} ms, ${opts.batch} × (SET ${prefix}:<i> <${opts.valueBytes} bytes>, INCR ${prefix}:n)`);
  let failure: unknown = null;
  const loop = (async (): Promise<void> => {
    while (running) {
      const commands: (string | number)[][] = [];
      for (let k = 0; k < opts.batch; k++, pairs++) {
        commands.push(['SET', `${prefix}:${pairs}`, value(pairs)], ['INCR', `${prefix}:n`]);
      }
      try {
        await client.pipeline(commands);
      } catch (err) {
        failure = err; // the master went away: stop() reports it
        return;
      }
      await sleep(opts.intervalMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      if (failure !== null) throw failure;
      rec.note(`writer: stopped after ${pairs} pairs`);
      return pairs;
    },
  };
}

/** After a sync: SET, INCR in DB 3, MULTI/EXEC, EVAL with two writes, EXPIRE, then WAIT (GETACK). */
export async function workloadAndWait(rec: SessionRecorder): Promise<void> {
  await rec.onMaster('SET', 'k1', 'v1');
  const db3 = await rec.client(rec.master, rec.password);
  await db3.call('SELECT', 3);
  rec.note('master (second client, SELECT 3)> INCR ctr');
  await db3.call('INCR', 'ctr');
  await rec.masterPipeline([['MULTI'], ['SET', 'a', 1], ['SET', 'b', 2], ['EXEC']]);
  await rec.onMaster('EVAL', "redis.call('set', KEYS[1], 'x'); redis.call('incr', KEYS[2])", 2, 'lua1', 'lua2');
  await rec.onMaster('SET', 'exp1', 'v');
  await rec.onMaster('EXPIRE', 'exp1', 100);
  await rec.checkpoint('after the writes');
  await rec.onMaster('SET', 'w', 1);
  const acked = await rec.onMaster('WAIT', 1, 5000);
  if (acked !== 1) throw new Error(`WAIT answered ${String(acked)}`);
  await rec.checkpoint('after WAIT (GETACK answered)');
}

/**
 * The proxy cuts the main link and holds the reconnection while the master
 * takes writes; released, the replica resynchronizes (partially, when it can).
 */
export async function cutAndResync(rec: SessionRecorder): Promise<void> {
  const main = links(rec).main.at(-1)!;
  const before = rec.proxy.linkCount;
  rec.proxy.newLinks = 'hold';
  rec.note(`proxy: cut link ${main} (main), hold new links`);
  rec.proxy.cut(main);
  await waitLinks(rec, before + 1);
  await sleep(100);
  await rec.checkpoint('link lost, reconnection held', { settle: false });
  await rec.onMaster('SET', 'while-down', 1);
  await rec.onMaster('INCR', 'while-down:n');
  await rec.checkpoint('master wrote while the link was down', { settle: false });
  rec.proxy.newLinks = 'forward';
  rec.note(`proxy: release link ${before + 1}`);
  rec.proxy.release(before + 1);
  await rec.waitLinkUp();
  await rec.checkpoint('resynchronized after the cut');
  await rec.onMaster('SET', 'after', 1);
  await rec.checkpoint('after SET after');
}

// ---- checks on a capture ----

/**
 * The tail of a full-sync scenario under writes: the writer runs until the
 * link is up, the RDB goes back to full speed, then a workload with WAIT and
 * a partial resync after the proxy cuts the link.
 */
export async function syncUnderWritesThenResync(rec: SessionRecorder, writes: Parameters<typeof startWriter>[1]): Promise<void> {
  const writer = await startWriter(rec, writes);
  await rec.waitLinkUp(60_000);
  await writer.stop();
  await rec.checkpoint('synced');
  await rec.onMaster('CONFIG', 'SET', 'rdb-key-save-delay', 0);
  await sleep(1200);
  await workloadAndWait(rec);
  await cutAndResync(rec);
  await sleep(1200);
}

export function hasLog(fixture: SessionFixture, re: RegExp): boolean {
  return fixture.replicaLog.some((l) => re.test(l.message));
}

/** The first missing log line among these, as a message for `expect`. */
export function missingLogs(fixture: SessionFixture, ...res: RegExp[]): string | null {
  const missing = res.filter((re) => !hasLog(fixture, re));
  return missing.length === 0 ? null : `replica log lacks ${missing.map(String).join(', ')}`;
}
