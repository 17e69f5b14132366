// Recording real replication sessions: a logging TCP proxy placed between a
// real replica and a real master (observed-bytes.md §F did the same by hand),
// INFO checkpoints on both servers, dense INFO/ROLE/CLIENT LIST samples, and
// both servers' logs. Master and replica can be any of the live builds
// (servers.ts), Redis or Valkey.
// The proxy can also play the faults a network or a hung master produces:
// hold a new link (connect accepted, master never reached), freeze a link
// (nothing more reaches the replica), cut it, inject bytes, or rewrite bytes
// on their way in either direction.
import * as net from 'node:net';
import type { RedisClient } from '../../src/net/redisClient';
import { linkRoles } from './sessionCaptureLinks';
import { Sampler } from './sessionCaptureSampler';
import {
  preview, SESSION_FORMAT, type Checkpoint, type ProxyEvent, type RedisLogLevel, type ReplicaLogLine,
  type SessionFixture, type SessionSummary,
} from './sessionCaptureFormat';
import { RedisServer, sleep, waitFor } from './redisServer';
import { liveServer, type LiveServer } from './servers';

/** What the proxy does with a master chunk before the replica gets it. */
export type M2RHook = (chunk: Buffer, link: number) => { forward: number; then: 'cut' | 'freeze' } | null;

/**
 * Bytes to pass on instead of `chunk` (null: pass it unchanged). Stays
 * installed until the capture clears it; the fixture keeps both versions.
 */
export type Rewrite = (chunk: Buffer, link: number) => Buffer | null;

interface ProxyLink {
  index: number;
  replica: net.Socket;
  master: net.Socket | null;
  /** Replica bytes waiting for the master socket (held links). */
  toMaster: Buffer[];
  frozen: boolean;
  closed: boolean;
}

export class LoggingProxy {
  readonly events: ProxyEvent[] = [];
  private readonly links: ProxyLink[] = [];
  private seq = 0;
  private server: net.Server | null = null;
  /** What happens to the next links the replica opens. */
  newLinks: 'forward' | 'hold' = 'forward';
  /** Links after this many are held whatever newLinks says (stops a reconnect loop). */
  holdAfter = Infinity;
  m2rHook: M2RHook | null = null;
  /** Rewrites master bytes before the replica gets them (and before m2rHook sees them). */
  m2rRewrite: Rewrite | null = null;
  /** Rewrites replica bytes before the master gets them. */
  r2mRewrite: Rewrite | null = null;
  port = 0;

  constructor(private readonly upstreamPort: number, private readonly clock: () => number) {}

  async start(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  get linkCount(): number {
    return this.links.length;
  }

  /** The sequence number the next event will get (a checkpoint's position). */
  get nextSeq(): number {
    return this.seq + 1;
  }

  /** The most recent link, or the one with that 1-based index. */
  link(index = this.links.length): ProxyLink {
    const l = this.links[index - 1];
    if (!l) throw new Error(`no link ${index}`);
    return l;
  }

  /** How many bytes the replica has received on a link so far. */
  received(index: number): number {
    let n = 0;
    for (const e of this.events) if (e.kind === 'm2r' && e.link === index) n += Buffer.byteLength(e.b64, 'base64');
    return n;
  }

  /** Everything the replica received on a link so far. */
  receivedBytes(index: number): Buffer {
    return Buffer.concat(this.events.flatMap((e) => (e.kind === 'm2r' && e.link === index ? [Buffer.from(e.b64, 'base64')] : [])));
  }

  /** Lets a held link reach the master; what the replica wrote meanwhile goes out first. */
  release(index = this.links.length): void {
    const l = this.link(index);
    if (l.master || l.closed) return;
    this.connectUpstream(l);
  }

  /** Nothing more from the master reaches the replica on this link. */
  freeze(index = this.links.length): void {
    this.link(index).frozen = true;
  }

  /** Ends the link on both sides, as a network failure would. */
  cut(index = this.links.length): void {
    const l = this.link(index);
    if (l.closed) return;
    this.record({ link: l.index, kind: 'close', by: 'proxy' });
    l.closed = true;
    l.replica.destroy();
    l.master?.destroy();
  }

  /** Bytes the replica receives as if the master had sent them. */
  inject(bytes: Buffer, index = this.links.length): void {
    const l = this.link(index);
    this.record({ link: l.index, kind: 'm2r', b64: bytes.toString('base64'), preview: preview(bytes), injected: true });
    l.replica.write(bytes);
  }

  async stop(): Promise<void> {
    for (const l of this.links) {
      l.closed = true;
      l.replica.destroy();
      l.master?.destroy();
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(replica: net.Socket): void {
    replica.setNoDelay(true);
    const l: ProxyLink = { index: this.links.length + 1, replica, master: null, toMaster: [], frozen: false, closed: false };
    this.links.push(l);
    this.record({ link: l.index, kind: 'accept' });
    replica.on('data', (chunk: Buffer) => {
      if (l.closed) return;
      const rewritten = this.r2mRewrite?.(chunk, l.index) ?? null;
      const out = rewritten ?? chunk;
      this.record({
        link: l.index, kind: 'r2m', b64: chunk.toString('base64'), preview: preview(chunk),
        ...(rewritten ? { forwarded: rewritten.toString('base64') } : {}),
      });
      if (l.master && !l.master.connecting) {
        if (!l.master.write(out)) backPressure(replica, l.master);
      } else {
        l.toMaster.push(out);
      }
    });
    replica.on('error', () => undefined);
    replica.on('close', () => {
      if (l.closed) return;
      l.closed = true;
      this.record({ link: l.index, kind: 'close', by: 'replica' });
      l.master?.destroy();
    });
    if (this.newLinks === 'forward' && l.index <= this.holdAfter) this.connectUpstream(l);
  }

  private connectUpstream(l: ProxyLink): void {
    const master = net.connect({ port: this.upstreamPort, host: '127.0.0.1' });
    master.setNoDelay(true);
    l.master = master;
    master.on('connect', () => {
      for (const chunk of l.toMaster.splice(0)) master.write(chunk);
    });
    master.on('data', (chunk: Buffer) => this.fromMaster(l, chunk));
    master.on('error', () => undefined);
    master.on('close', () => {
      if (l.closed) return;
      l.closed = true;
      this.record({ link: l.index, kind: 'close', by: 'master' });
      l.replica.destroy();
    });
  }

  private fromMaster(l: ProxyLink, original: Buffer): void {
    if (l.closed || l.frozen) return;
    const rewritten = this.m2rRewrite?.(original, l.index) ?? null;
    const chunk = rewritten ?? original;
    const fn = this.m2rHook;
    const hook = fn?.(chunk, l.index) ?? null;
    const forward = hook ? chunk.subarray(0, hook.forward) : chunk;
    if (forward.length > 0) {
      this.record({
        link: l.index, kind: 'm2r', b64: forward.toString('base64'), preview: preview(forward),
        ...(rewritten ? { original: original.toString('base64') } : {}),
      });
      // A replica that stops reading (a full local buffer) must stall the master as a direct link would.
      if (!l.replica.write(forward) && l.master) backPressure(l.master, l.replica);
    }
    if (!hook) return;
    // One-shot, unless the hook put another in its place.
    if (this.m2rHook === fn) this.m2rHook = null;
    if (hook.then === 'freeze') l.frozen = true;
    else this.cut(l.index);
  }

  private record(e: DistributiveOmit<ProxyEvent, 'seq' | 't'>): void {
    this.events.push({ ...e, seq: ++this.seq, t: this.clock() } as ProxyEvent);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Stops reading `from` until `to` has drained what it was given (TCP's flow control, across the proxy). */
function backPressure(from: net.Socket, to: net.Socket): void {
  if (from.isPaused()) return;
  from.pause();
  to.once('drain', () => from.resume());
  to.once('close', () => from.resume());
}

const LOG_LEVELS: Record<string, RedisLogLevel> = { '.': 'debug', '-': 'verbose', '*': 'notice', '#': 'warning' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `pid:S 24 Nov 2025 03:12:12.123 * message` lines, with wall-clock times in ms. */
export function parseRedisLog(text: string): { at: number; level: RedisLogLevel; message: string }[] {
  const out: { at: number; level: RedisLogLevel; message: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:[XCSM] (\d{2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) ([.\-*#]) (.*)$/.exec(line);
    if (!m) continue;
    // Redis prints local time; Date's constructor reads its fields as local time too.
    const at = new Date(Number(m[3]), MONTHS.indexOf(m[2]!), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7])).getTime();
    out.push({ at, level: LOG_LEVELS[m[8]!]!, message: m[9]! });
  }
  return out;
}

export interface ReplicaSettings {
  masterauth?: string;
  masteruser?: string;
  'repl-timeout'?: number;
  'replica-announce-ip'?: string;
  'replica-announce-port'?: number;
  'repl-diskless-load'?: 'disabled' | 'on-empty-db' | 'swapdb';
  'repl-rdb-channel'?: boolean;
  'dual-channel-replication-enabled'?: boolean;
  /** Bytes. */
  'replica-full-sync-buffer-limit'?: number;
  /** `hard soft seconds`, in bytes. */
  'client-output-buffer-limit-replica'?: string;
  loglevel?: 'debug' | 'verbose' | 'notice' | 'warning';
  /** A hidden tuning knob: how often a blocking load lets the event loop run. */
  'loading-process-events-interval-bytes'?: number;
  /** A hidden test knob: µs the replica sleeps per key it loads (stretches a load). */
  'key-load-delay'?: number;
}

/** The command-line arguments that give a replica these settings. */
function replicaArgs(settings: ReplicaSettings): string[] {
  const args: string[] = [];
  const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
  if (settings.masterauth !== undefined) args.push('--masterauth', settings.masterauth);
  if (settings.masteruser !== undefined) args.push('--masteruser', settings.masteruser);
  if (settings['repl-timeout'] !== undefined) args.push('--repl-timeout', String(settings['repl-timeout']));
  if (settings['replica-announce-ip'] !== undefined) args.push('--replica-announce-ip', settings['replica-announce-ip']);
  if (settings['replica-announce-port'] !== undefined) args.push('--replica-announce-port', String(settings['replica-announce-port']));
  if (settings['repl-diskless-load'] !== undefined) args.push('--repl-diskless-load', settings['repl-diskless-load']);
  if (settings['repl-rdb-channel'] !== undefined) args.push('--repl-rdb-channel', yesNo(settings['repl-rdb-channel']));
  if (settings['dual-channel-replication-enabled'] !== undefined) {
    args.push('--dual-channel-replication-enabled', yesNo(settings['dual-channel-replication-enabled']));
  }
  if (settings['replica-full-sync-buffer-limit'] !== undefined) {
    args.push('--replica-full-sync-buffer-limit', String(settings['replica-full-sync-buffer-limit']));
  }
  if (settings['client-output-buffer-limit-replica'] !== undefined) {
    args.push('--client-output-buffer-limit', `replica ${settings['client-output-buffer-limit-replica']}`);
  }
  if (settings.loglevel !== undefined) args.push('--loglevel', settings.loglevel);
  if (settings['key-load-delay'] !== undefined) args.push('--key-load-delay', String(settings['key-load-delay']));
  if (settings['loading-process-events-interval-bytes'] !== undefined) {
    args.push('--loading-process-events-interval-bytes', String(settings['loading-process-events-interval-bytes']));
  }
  return args;
}

/** Master and replica builds of a capture (servers.ts names); the PATH's redis-server by default. */
export interface CaptureBuilds {
  master?: string;
  replica?: string;
}

/**
 * One scenario being recorded: a clock starting at 0, a master, a proxy, a
 * real replica behind it, checkpoints and a script of what was done.
 */
export class SessionRecorder {
  readonly epochMs = Date.now();
  readonly masterBuild: LiveServer;
  readonly replicaBuild: LiveServer;
  readonly script: { t: number; what: string }[] = [];
  readonly checkpoints: Checkpoint[] = [];
  private readonly servers: RedisServer[] = [];
  private readonly clients: RedisClient[] = [];
  master!: RedisServer;
  masterClient!: RedisClient;
  proxy!: LoggingProxy;
  replica!: RedisServer;
  replicaClient!: RedisClient;
  private masterArgs: string[] = [];
  private replicaArgs: string[] = [];
  private replicaSettings: ReplicaSettings = {};
  private masterPassword: string | null = null;
  private sampler: Sampler | null = null;
  /** Read when each server starts: a replica may not be alive at the end (a capture of a crash). */
  private masterVersion = '?';
  private replicaVersion = '?';
  private replicaEffective: Partial<SessionFixture['replica']['config']> = {};

  constructor(readonly scenario: string, readonly description: string, builds: CaptureBuilds = {}) {
    this.masterBuild = liveServer(builds.master ?? 'debian');
    this.replicaBuild = liveServer(builds.replica ?? builds.master ?? 'debian');
  }

  now(): number {
    return Date.now() - this.epochMs;
  }

  note(what: string): void {
    this.script.push({ t: this.now(), what });
  }

  async startMaster(args: string[], password: string | null = null): Promise<RedisServer> {
    this.masterArgs = args;
    this.masterPassword = password;
    this.master = await this.server({ args });
    this.masterClient = await this.client(this.master, password);
    this.masterVersion = await serverVersion(this.masterClient, this.masterBuild);
    return this.master;
  }

  /** A server that is not the replica under record (e.g. a replica whose own master is down); the master's build by default. */
  async server(opts: { args: string[]; binary?: string }): Promise<RedisServer> {
    const s = await RedisServer.start({ binary: this.masterBuild.binary, ...opts });
    this.servers.push(s);
    return s;
  }

  async client(server: RedisServer, password: string | null = null): Promise<RedisClient> {
    const c = await server.client();
    if (password !== null) await c.call('AUTH', password);
    this.clients.push(c);
    return c;
  }

  async startProxy(upstreamPort: number): Promise<LoggingProxy> {
    this.proxy = new LoggingProxy(upstreamPort, () => this.now());
    await this.proxy.start();
    return this.proxy;
  }

  /** The real replica, pointed at the proxy from its command line (boot path: PSYNC ? -1). */
  async startReplica(settings: ReplicaSettings = {}): Promise<RedisServer> {
    this.replicaSettings = settings;
    const args = ['--replicaof', '127.0.0.1', String(this.proxy.port), ...replicaArgs(settings)];
    this.replicaArgs = args;
    this.note(`start replica: ${this.replicaBuild.product}-server ${args.join(' ')}`);
    this.replica = await this.server({ args, binary: this.replicaBuild.binary });
    this.replicaClient = await this.client(this.replica);
    this.replicaVersion = await serverVersion(this.replicaClient, this.replicaBuild);
    this.replicaEffective = await this.effectiveSettings();
    return this.replica;
  }

  /** Whether the replica process still runs (a capture may provoke a crash). */
  replicaAlive(): boolean {
    try {
      process.kill(this.replica.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Dense sampling of both servers from now on (dedicated connections, one
   * loop per server, so a replica blocked in a load does not stall the
   * master's samples). Runs until stopSampling() or finish().
   */
  async startSampling(intervalMs = 50): Promise<void> {
    if (this.sampler) return;
    const master = await this.client(this.master, this.masterPassword);
    const replica = await this.client(this.replica);
    this.sampler = new Sampler(() => this.now(), () => this.proxy.nextSeq, intervalMs);
    this.sampler.start('master', master);
    this.sampler.start('replica', replica);
  }

  async stopSampling(): Promise<void> {
    await this.sampler?.stop();
  }

  /** A command on the master, written down in the script. */
  async onMaster(...args: (string | number)[]): Promise<unknown> {
    this.note(`master> ${args.join(' ')}`);
    return this.masterClient.call(...args);
  }

  async masterPipeline(commands: (string | number)[][]): Promise<unknown[]> {
    this.note(`master> ${commands.map((c) => c.join(' ')).join(' ; ')}`);
    return this.masterClient.pipeline(commands);
  }

  async replicaInfo(): Promise<Map<string, string>> {
    return this.replicaClient.info('replication');
  }

  async waitLinkUp(timeoutMs = 20_000): Promise<void> {
    await waitFor('replica link up', async () => (await this.replicaInfo()).get('master_link_status') === 'up', timeoutMs, 10);
  }

  /**
   * INFO replication of both servers. With `settle`, first waits until the
   * replica has applied everything the master produced. The checkpoint is
   * retried when the master sent something while the replica answered, so
   * that "every event before seq was seen" holds.
   */
  async checkpoint(label: string, opts: { settle?: boolean } = {}): Promise<Checkpoint> {
    const settle = opts.settle ?? true;
    for (let attempt = 0; attempt < 300; attempt++) {
      const master = await this.masterClient.info('replication');
      const before = this.proxy.nextSeq;
      const replica = await this.replicaInfo();
      const after = this.proxy.nextSeq;
      if (settle && replica.get('slave_repl_offset') !== master.get('master_repl_offset')) {
        await sleep(5);
        continue;
      }
      if (before !== after) {
        await sleep(5);
        continue;
      }
      const cp: Checkpoint = { seq: before, t: this.now(), label, master: Object.fromEntries(master), replica: Object.fromEntries(replica) };
      this.checkpoints.push(cp);
      return cp;
    }
    throw new Error(`checkpoint ${label}: the replica did not settle`);
  }

  /** Waits until the proxy has seen nothing for `ms`, so that the end of the capture cuts through no exchange. */
  async quiet(ms = 250): Promise<void> {
    for (;;) {
      const last = this.proxy.events.at(-1)?.t ?? 0;
      const idle = this.now() - last;
      if (idle >= ms) return;
      await sleep(ms - idle);
    }
  }

  /** Writes nothing itself: returns the fixture and stops every process it started. */
  async finish(): Promise<SessionFixture> {
    await this.quiet();
    const endedAt = this.now();
    await this.stopSampling();
    const capturedWith = {
      master: this.masterVersion,
      replica: this.replicaVersion,
      masterBuild: this.masterBuild.name,
      replicaBuild: this.replicaBuild.name,
    };
    const settings = this.replicaEffective;
    const log = parseRedisLog(this.replica.log());
    const masterLogAll = parseRedisLog(this.master.log());
    for (const c of this.clients) c.close();
    await this.proxy.stop();
    for (const s of this.servers.reverse()) await s.stop();
    const first = log.findIndex((l) => /^Connecting to (MASTER|PRIMARY) /.test(l.message));
    const replicaLog: ReplicaLogLine[] = (first === -1 ? [] : log.slice(first))
      .map((l) => ({ t: l.at - this.epochMs, level: l.level, message: l.message }))
      .filter((l) => l.t <= endedAt);
    const events = this.proxy.events.filter((e) => e.t <= endedAt);
    const firstEvent = events[0]?.t ?? 0;
    // Log times have millisecond resolution from another clock reading: keep a little margin.
    const masterLog: ReplicaLogLine[] = masterLogAll
      .map((l) => ({ t: l.at - this.epochMs, level: l.level, message: l.message }))
      .filter((l) => l.t >= firstEvent - 5 && l.t <= endedAt);
    return {
      format: SESSION_FORMAT,
      scenario: this.scenario,
      description: this.description,
      capturedWith,
      capturedAt: new Date(this.epochMs).toISOString(),
      epochMs: this.epochMs,
      endedAt,
      master: { args: this.masterArgs },
      replica: {
        args: this.replicaArgs,
        config: {
          replicaof: { host: '127.0.0.1', port: this.proxy.port },
          port: this.replica.port,
          'repl-timeout': this.replicaSettings['repl-timeout'] ?? 60,
          masterauth: this.replicaSettings.masterauth ?? null,
          masteruser: this.replicaSettings.masteruser ?? null,
          'replica-announce-ip': this.replicaSettings['replica-announce-ip'] ?? null,
          'replica-announce-port': this.replicaSettings['replica-announce-port'] ?? 0,
          ...settings,
        },
      },
      script: this.script,
      events,
      checkpoints: this.checkpoints.filter((c) => c.t <= endedAt),
      replicaLog,
      summary: summarize(events),
      links: linkRoles(events),
      ...(this.sampler ? { samples: this.sampler.samples.filter((s) => s.t <= endedAt) } : {}),
      masterLog,
    };
  }

  /**
   * The settings the multi-channel captures vary, as the real replica ran
   * with them (CONFIG GET, so defaults are the build's own); a setting the
   * build does not have is left out.
   */
  private async effectiveSettings(): Promise<Partial<SessionFixture['replica']['config']>> {
    const get = async (name: string): Promise<string | undefined> => {
      const reply = await this.replicaClient.call('CONFIG', 'GET', name);
      return Array.isArray(reply) && reply.length >= 2 ? String(reply[1]) : undefined;
    };
    const out: Partial<SessionFixture['replica']['config']> = {};
    const load = await get('repl-diskless-load');
    if (load === 'disabled' || load === 'on-empty-db' || load === 'swapdb') out['repl-diskless-load'] = load;
    const rdbChannel = await get('repl-rdb-channel');
    if (rdbChannel !== undefined) out['repl-rdb-channel'] = rdbChannel === 'yes';
    const dual = await get('dual-channel-replication-enabled');
    if (dual !== undefined) out['dual-channel-replication-enabled'] = dual === 'yes';
    const bufferLimit = await get('replica-full-sync-buffer-limit');
    if (bufferLimit !== undefined) out['replica-full-sync-buffer-limit'] = Number(bufferLimit);
    const cob = / (?:slave|replica) (\d+ \d+ \d+)/.exec(` ${(await get('client-output-buffer-limit')) ?? ''}`);
    if (cob) out['client-output-buffer-limit-replica'] = cob[1]!;
    const interval = await get('loading-process-events-interval-bytes');
    if (interval !== undefined) out['loading-process-events-interval-bytes'] = Number(interval);
    const keyLoadDelay = await get('key-load-delay');
    if (keyLoadDelay !== undefined && keyLoadDelay !== '0') out['key-load-delay'] = Number(keyLoadDelay);
    const level = await get('loglevel');
    if (level === 'debug' || level === 'verbose' || level === 'notice' || level === 'warning') out.loglevel = level;
    return out;
  }

  /** Stops everything without writing (after a failure). */
  async abort(): Promise<void> {
    await this.sampler?.stop();
    for (const c of this.clients) c.close();
    await this.proxy?.stop();
    for (const s of this.servers.reverse()) await s.stop();
  }

  /** The password the master was started with, for clients the scenario opens later. */
  get password(): string | null {
    return this.masterPassword;
  }
}

/** `redis-server 7.0.15`, `valkey-server 8.0.1` (Valkey keeps redis_version at the Redis version it is compatible with). */
async function serverVersion(c: RedisClient, build: LiveServer): Promise<string> {
  const info = await c.info('server');
  return `${build.product}-server ${info.get('valkey_version') ?? info.get('redis_version') ?? '?'}`;
}

/** The PSYNC requests and replies and the payload headers, read back from the recorded bytes. */
export function summarize(events: readonly ProxyEvent[]): SessionSummary {
  const summary: SessionSummary = { psync: [], payloads: [] };
  const byLink = new Map<number, { m2r: Buffer[]; r2m: Buffer[] }>();
  for (const e of events) {
    if (e.kind !== 'm2r' && e.kind !== 'r2m') continue;
    const entry = byLink.get(e.link) ?? { m2r: [], r2m: [] };
    byLink.set(e.link, entry);
    entry[e.kind].push(Buffer.from(e.b64, 'base64'));
  }
  for (const [link, { m2r, r2m }] of byLink) {
    const sent = Buffer.concat(r2m).toString('latin1');
    const got = Buffer.concat(m2r);
    const text = got.toString('latin1');
    const psync = /\*3\r\n\$5\r\nPSYNC\r\n\$\d+\r\n([^\r]*)\r\n\$\d+\r\n([^\r]*)\r\n/.exec(sent);
    if (!psync) continue;
    const reply = /(?:^|\n)([+-](?:FULLRESYNC|CONTINUE|NOMASTERLINK|NOPERM|ERR|LOADING)[^\r]*)\r\n/.exec(text);
    summary.psync.push({ link, request: `PSYNC ${psync[1]} ${psync[2]}`, reply: reply?.[1] ?? '(none)' });
    if (!reply || !reply[1]!.startsWith('+FULLRESYNC')) continue;
    const afterReply = reply.index + reply[0].length;
    // Newline keepalives may come before the header; the RDB follows it directly.
    const header = /^\n*(\$(?:EOF:[0-9a-f]{40}|\d+))\r\n/.exec(text.slice(afterReply));
    if (!header) continue;
    const start = afterReply + header[0].length;
    let rdbBytes: number;
    if (header[1]!.startsWith('$EOF:')) {
      const mark = header[1]!.slice(5);
      rdbBytes = got.indexOf(mark, start, 'latin1') - start;
    } else {
      rdbBytes = Number(header[1]!.slice(1));
    }
    summary.payloads.push({ link, header: header[1]!, rdbBytes });
  }
  return summary;
}
