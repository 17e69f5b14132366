// One run of the version matrix: a real master of one build, a real replica
// of the same build and the engine (emulate auto) side by side on it, a
// dataset seeded with what that version has, writes during the sync, and
// everything a person would compare between the two replicas collected.
import type { ReplicaConfig } from '../../src/config/replicaConfig';
import type { LogEntry } from '../../src/engine/io';
import { ReplState } from '../../src/engine/states';
import { RedisClient, ReplyError, type Reply } from '../../src/net/redisClient';
import { everyEncoding, randomWrite, seeded } from './datasets';
import { RedisServer, sleep, waitFor } from './redisServer';
import { ReplicaUnderTest } from './replicaUnderTest';
import type { LiveServer } from './servers';
import { parseRedisLog } from './sessionCapture';

type Command = (string | number | Buffer)[];

export type LoadMode = 'disabled' | 'on-empty-db' | 'swapdb' | 'flushdb';

export interface MatrixRunOptions {
  /** The master sends the RDB over the socket (repl-diskless-sync yes, no delay). */
  disklessSync: boolean;
  load: LoadMode;
  /** Redis 8 rdb channel / Valkey 8 dual channel on both replicas (and the Valkey master). */
  multiChannel?: boolean;
  /** How long the master takes writes while the replicas sync (ms). */
  writeDuringSyncMs?: number;
  /**
   * The engine starts only once the real replica is synced, each under its own writes: the master's
   * sync counters then tell what each replica's sync cost it.
   */
  sequential?: boolean;
  /** Answer INFO replication of both replicas while both are in their transfer (a slower RDB makes that last). */
  sampleDuringSync?: boolean;
}

/** INFO stats' sync counters a replica's sync moved on the master. */
export interface SyncCounters {
  full: number;
  partialOk: number;
  partialErr: number;
}

/** What each build's dataset holds beyond the 7.0 types: the commands of its own. */
function versionData(server: LiveServer): Command[] {
  const c: Command[] = [];
  // Fractional scores and counters, printed differently by 7.0 (%.17g) and 7.2+ (shortest round trip).
  c.push(['ZADD', 'v:zfrac', 0.1, 'a', 1 / 3, 'b', 2.675, 'c', -1e-7, 'd', 1e21, 'e']);
  c.push(['SET', 'v:float', '0.1'], ['INCRBYFLOAT', 'v:float', '0.2']);
  c.push(['HSET', 'v:hf', 'n', '1.5'], ['HINCRBYFLOAT', 'v:hf', 'n', '0.1']);
  const redis74 = server.product === 'redis' && !['debian', 'redis-7.2.6'].includes(server.name);
  if (redis74) {
    // Hash fields with their own TTLs (7.4+), persistent and expiring.
    c.push(['HSET', 'v:httl', 'a', '1', 'b', '2', 'c', '3']);
    c.push(['HEXPIRE', 'v:httl', 3600, 'FIELDS', 2, 'a', 'b'], ['HPERSIST', 'v:httl', 'FIELDS', 1, 'b']);
    c.push(['HSET', 'v:httl:big', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat()]);
    c.push(['HPEXPIRE', 'v:httl:big', 7_200_000, 'FIELDS', 3, 'f1', 'f2', 'f3']);
  }
  if (server.profile === 'redis-8.8') {
    // The 8.8 line's own: arrays (RDB type 28, dense and sparse slices), HSETEX, INCREX (sent as SET).
    c.push(['ARSET', 'v:arr', '0', 'a', 'b', '3', '4.5'], ['ARSET', 'v:arr', '100000', 'far'], ['ARINSERT', 'v:arr2', 'x', 'y']);
    c.push(['HSETEX', 'v:hsetex', 'PX', '3600000', 'FIELDS', '2', 'f', '1', 'g', '2'], ['INCREX', 'v:increx', 'BYINT', '5']);
  }
  return c;
}

/** What a replica showed, for comparing it with the other. */
export interface ReplicaView {
  info: Map<string, string>;
  digest: string;
  /** Notice and warning lines, from its first "Connecting to" on. */
  lines: { level: string; message: string }[];
}

export interface MatrixRun {
  master: RedisServer;
  real: RedisServer;
  engine: ReplicaUnderTest;
  admin: RedisClient;
  /** With `sequential`: what each replica's sync added to the master's counters. */
  counters: { real: SyncCounters; engine: SyncCounters } | null;
  /** With `sampleDuringSync`: both replicas' INFO replication while both were transferring. */
  duringSync: { real: Map<string, string>; engine: Map<string, string> } | null;
  stop(): Promise<void>;
}

/** A master of `server`'s build with its dataset seeded, and both replicas attached and caught up. */
export async function startMatrixRun(server: LiveServer, opts: MatrixRunOptions): Promise<MatrixRun> {
  const masterArgs = ['--enable-debug-command', 'yes', '--repl-diskless-sync', opts.disklessSync ? 'yes' : 'no', '--repl-diskless-sync-delay', '0'];
  if (server.product === 'valkey' && opts.multiChannel) masterArgs.push('--dual-channel-replication-enabled', 'yes');
  // A multi-channel sync races its two links; a slower RDB makes the main channel's PSYNC
  // answer arrive during the transfer for both replicas, so both take the same path. Sampling
  // during the sync needs both replicas in their transfer at once: a slower RDB too.
  // (The engine's first connect waits for its first cron tick, up to a second after the real one's.)
  if (opts.sampleDuringSync) masterArgs.push('--rdb-key-save-delay', '6000');
  else if (opts.multiChannel) masterArgs.push('--rdb-key-save-delay', '2000');
  const master = await RedisServer.start({ binary: server.binary, args: masterArgs });
  let real: RedisServer | null = null;
  let engine: ReplicaUnderTest | null = null;
  const admin = await master.client();
  const stop = async (): Promise<void> => {
    admin.close();
    await engine?.stop();
    await real?.stop();
    await master.stop();
  };
  try {
    await admin.pipeline([...everyEncoding(), ...versionData(server)]);
    const rand = seeded(server.name.length * 7919 + (opts.disklessSync ? 1 : 0));
    await admin.pipeline(Array.from({ length: 3000 }, () => randomWrite(rand)).flat());
    // Keys no random FLUSHDB removes: every dataset has a few hundred (and a BGSAVE its length).
    await admin.call('SELECT', 0);
    await admin.pipeline(Array.from({ length: 300 }, (_, k) => ['SET', `fill:${k}`, `value ${k}`]));

    const replicaArgs = ['--enable-debug-command', 'yes', '--replicaof', '127.0.0.1', String(master.port), '--repl-diskless-load', opts.load];
    const engineConfig: Partial<ReplicaConfig> = {
      emulate: 'auto',
      replicaof: { host: '127.0.0.1', port: master.port },
      'repl-diskless-load': opts.load,
    };
    if (server.product === 'valkey') {
      const on = opts.multiChannel === true;
      if (server.profile === 'valkey-8.0') {
        replicaArgs.push('--dual-channel-replication-enabled', on ? 'yes' : 'no');
        engineConfig['dual-channel-replication-enabled'] = on;
      }
    } else if (server.profile === 'redis-8.8') {
      const on = opts.multiChannel !== false;
      replicaArgs.push('--repl-rdb-channel', on ? 'yes' : 'no');
      engineConfig['repl-rdb-channel'] = on;
    }
    const writeDuringSync = async (stillSyncing: () => boolean): Promise<void> => {
      // Writes while a replica syncs: they reach it through its sync's buffer.
      const writer = await master.client();
      const until = Date.now() + (opts.writeDuringSyncMs ?? 1500);
      while (Date.now() < until || stillSyncing()) {
        await writer.pipeline(Array.from({ length: 50 }, () => randomWrite(rand)).flat());
        await sleep(5);
        if (Date.now() > until + 20_000) break;
      }
      await writer.call('SELECT', 0);
      writer.close();
    };
    let counters: MatrixRun['counters'] = null;
    let duringSync: MatrixRun['duringSync'] = null;
    if (opts.sequential) {
      const before = await syncStats(admin);
      real = await RedisServer.start({ binary: server.binary, args: replicaArgs });
      const realClient = await real.client();
      await writeDuringSync(() => false);
      await waitFor('the real replica up', async () => (await realClient.info('replication')).get('master_link_status') === 'up', 30_000);
      realClient.close();
      const middle = await syncStats(admin);
      engine = await ReplicaUnderTest.start(engineConfig);
      const e = engine;
      await writeDuringSync(() => e.state !== ReplState.CONNECTED);
      await engine.waitForState(ReplState.CONNECTED, 30_000);
      await waitCaughtUp(admin, real, engine);
      const after = await syncStats(admin);
      counters = { real: diff(middle, before), engine: diff(after, middle) };
    } else {
      real = await RedisServer.start({ binary: server.binary, args: replicaArgs });
      engine = await ReplicaUnderTest.start(engineConfig);
      const sampling = opts.sampleDuringSync ? sampleBoth(real.port, engine.port) : null;
      await writeDuringSync(() => false);
      await engine.waitForState(ReplState.CONNECTED, 30_000);
      await waitCaughtUp(admin, real, engine);
      duringSync = sampling ? await sampling.result() : null;
    }
    return { master, real, engine, admin, counters, duringSync, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function diff(a: SyncCounters, b: SyncCounters): SyncCounters {
  return { full: a.full - b.full, partialOk: a.partialOk - b.partialOk, partialErr: a.partialErr - b.partialErr };
}

/** Polls both replicas' INFO replication until a pair shows both in their transfer. */
function sampleBoth(realPort: number, enginePort: number): { result(): Promise<MatrixRun['duringSync']> } {
  let found: MatrixRun['duringSync'] = null;
  let done = false;
  const poll = (async () => {
    while (!done && found === null) {
      try {
        const [real, engine] = await Promise.all([infoOf(realPort), infoOf(enginePort)]);
        if (real.get('master_sync_in_progress') === '1' && engine.get('master_sync_in_progress') === '1') found = { real, engine };
      } catch {
        // a port not up yet
      }
      await sleep(10);
    }
  })();
  return {
    async result() {
      done = true;
      await poll;
      return found;
    },
  };
}

/** Both replicas have applied everything the master has sent. */
export async function waitCaughtUp(admin: RedisClient, real: RedisServer, engine: ReplicaUnderTest): Promise<number> {
  const realClient = await real.client();
  try {
    let target = -1;
    await waitFor('both replicas caught up', async () => {
      target = Number((await admin.info('replication')).get('master_repl_offset'));
      const r = await realClient.info('replication');
      return r.get('master_link_status') === 'up' && Number(r.get('slave_repl_offset')) === target &&
        engine.engine.info.master?.reploff === target;
    }, 30_000, 50);
    return target;
  } finally {
    realClient.close();
  }
}

/** DEBUG DIGEST of all three, taken when no write is in flight (expiring keys keep the master writing DELs). */
export async function digests(run: MatrixRun): Promise<{ master: string; real: string; engine: string }> {
  const realClient = await run.real.client();
  const engineClient = await run.engine.client();
  try {
    for (let attempt = 0; ; attempt++) {
      const before = await waitCaughtUp(run.admin, run.real, run.engine);
      const out = {
        master: String(await run.admin.call('DEBUG', 'DIGEST')),
        real: String(await realClient.call('DEBUG', 'DIGEST')),
        engine: String(await engineClient.call('DEBUG', 'DIGEST')),
      };
      const after = Number((await run.admin.info('replication')).get('master_repl_offset'));
      if (after === before || attempt >= 10) return out;
    }
  } finally {
    realClient.close();
    engineClient.close();
  }
}

/** A replica's INFO replication, by its own RESP port. */
export async function infoOf(port: number): Promise<Map<string, string>> {
  const c = await RedisClient.connect(port);
  try {
    return await c.info('replication');
  } finally {
    c.close();
  }
}

/** Lines the engine adds of its own (which version it emulates); a real replica has none. */
const TOOL_LINES = /^Emulating /;

/**
 * A log line as a template: what depends on the run (ports, ids, offsets,
 * sizes, times, memory) blanked, the wording and order kept.
 */
export function lineTemplate(level: string, message: string): string {
  const m = message
    .replace(/\b[0-9a-f]{40}\b/g, '<replid>')
    .replace(/\d+(\.\d+)?/g, 'N');
  return `${level} ${m}`;
}

/** The real replica's notice/warning lines from its first "Connecting to" on. */
export function realLines(real: RedisServer, since = 0): string[] {
  const lines = parseRedisLog(real.log()).filter((l) => l.level === 'notice' || l.level === 'warning');
  const from = lines.findIndex((l) => /^Connecting to (MASTER|PRIMARY) /.test(l.message));
  return lines.slice(Math.max(from, 0)).slice(since).map((l) => lineTemplate(l.level, l.message));
}

export function engineLines(logs: readonly LogEntry[], since = 0): string[] {
  return logs.slice(since)
    .filter((l) => (l.level === 'notice' || l.level === 'warning') && !TOOL_LINES.test(l.message))
    .map((l) => lineTemplate(l.level, l.message));
}

/** The master's `slaveN:` lines as field maps, by the replica's port. */
export async function replicaLinesOnMaster(admin: RedisClient): Promise<Map<number, Map<string, string>>> {
  const info = await admin.info('replication');
  const out = new Map<number, Map<string, string>>();
  for (const [k, v] of info) {
    if (!/^slave\d+$/.test(k)) continue;
    const fields = new Map(v.split(',').map((kv) => kv.split('=') as [string, string]));
    out.set(Number(fields.get('port')), fields);
  }
  return out;
}

/** The master's CLIENT LIST lines of replica clients (flags S), as field maps. */
export async function replicaClientsOnMaster(admin: RedisClient): Promise<Map<string, string>[]> {
  const text = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'replica'));
  return text.split('\n').filter((l) => l.trim() !== '').map((line) =>
    new Map(line.trim().split(' ').map((kv) => {
      const eq = kv.indexOf('=');
      return [kv.slice(0, eq), kv.slice(eq + 1)] as [string, string];
    })));
}

/** `INFO stats`' sync counters on the master. */
export async function syncStats(admin: RedisClient): Promise<{ full: number; partialOk: number; partialErr: number }> {
  const s = await admin.info('stats');
  return { full: Number(s.get('sync_full')), partialOk: Number(s.get('sync_partial_ok')), partialErr: Number(s.get('sync_partial_err')) };
}

export function isError(r: Reply): r is ReplyError {
  return r instanceof ReplyError;
}
