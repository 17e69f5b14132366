// Recording real replication sessions: a logging TCP proxy placed between a
// real redis-server replica and a real master (observed-bytes.md §F did the
// same by hand), INFO checkpoints on both servers, and the replica's log.
// The proxy can also play the faults a network or a hung master produces:
// hold a new link (connect accepted, master never reached), freeze a link
// (nothing more reaches the replica), cut it, or inject bytes.
import * as net from 'node:net';
import type { RedisClient } from '../../src/net/redisClient';
import {
  preview, SESSION_FORMAT, type Checkpoint, type ProxyEvent, type RedisLogLevel, type ReplicaLogLine,
  type SessionFixture, type SessionSummary,
} from './sessionCaptureFormat';
import { RedisServer, sleep, waitFor } from './redisServer';

/** What the proxy does with a master chunk before the replica gets it. */
export type M2RHook = (chunk: Buffer, link: number) => { forward: number; then: 'cut' | 'freeze' } | null;

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
      this.record({ link: l.index, kind: 'r2m', b64: chunk.toString('base64'), preview: preview(chunk) });
      if (l.master && !l.master.connecting) l.master.write(chunk);
      else l.toMaster.push(chunk);
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

  private fromMaster(l: ProxyLink, chunk: Buffer): void {
    if (l.closed || l.frozen) return;
    const fn = this.m2rHook;
    const hook = fn?.(chunk, l.index) ?? null;
    const forward = hook ? chunk.subarray(0, hook.forward) : chunk;
    if (forward.length > 0) {
      this.record({ link: l.index, kind: 'm2r', b64: forward.toString('base64'), preview: preview(forward) });
      l.replica.write(forward);
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
}

/**
 * One scenario being recorded: a clock starting at 0, a master, a proxy, a
 * real replica behind it, checkpoints and a script of what was done.
 */
export class SessionRecorder {
  readonly epochMs = Date.now();
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

  constructor(readonly scenario: string, readonly description: string) {}

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
    return this.master;
  }

  /** A server that is not the replica under record (e.g. a replica whose own master is down). */
  async server(opts: { args: string[] }): Promise<RedisServer> {
    const s = await RedisServer.start(opts);
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
    const args = ['--replicaof', '127.0.0.1', String(this.proxy.port)];
    if (settings.masterauth !== undefined) args.push('--masterauth', settings.masterauth);
    if (settings.masteruser !== undefined) args.push('--masteruser', settings.masteruser);
    if (settings['repl-timeout'] !== undefined) args.push('--repl-timeout', String(settings['repl-timeout']));
    if (settings['replica-announce-ip'] !== undefined) args.push('--replica-announce-ip', settings['replica-announce-ip']);
    if (settings['replica-announce-port'] !== undefined) args.push('--replica-announce-port', String(settings['replica-announce-port']));
    this.replicaArgs = args;
    this.note(`start replica: redis-server ${args.join(' ')}`);
    this.replica = await this.server({ args });
    this.replicaClient = await this.client(this.replica);
    return this.replica;
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
    for (let attempt = 0; attempt < 50; attempt++) {
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
    const versions = {
      master: (await this.masterClient.info('server')).get('redis_version') ?? '?',
      replica: (await this.replicaClient.info('server')).get('redis_version') ?? '?',
    };
    const log = parseRedisLog(this.replica.log());
    for (const c of this.clients) c.close();
    await this.proxy.stop();
    for (const s of this.servers.reverse()) await s.stop();
    const first = log.findIndex((l) => l.message.startsWith('Connecting to MASTER'));
    const replicaLog: ReplicaLogLine[] = (first === -1 ? [] : log.slice(first))
      .map((l) => ({ t: l.at - this.epochMs, level: l.level, message: l.message }))
      .filter((l) => l.t <= endedAt);
    const events = this.proxy.events.filter((e) => e.t <= endedAt);
    return {
      format: SESSION_FORMAT,
      scenario: this.scenario,
      description: this.description,
      capturedWith: { master: `redis-server ${versions.master}`, replica: `redis-server ${versions.replica}` },
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
        },
      },
      script: this.script,
      events,
      checkpoints: this.checkpoints.filter((c) => c.t <= endedAt),
      replicaLog,
      summary: summarize(events),
    };
  }

  /** Stops everything without writing (after a failure). */
  async abort(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.proxy?.stop();
    for (const s of this.servers.reverse()) await s.stop();
  }

  /** The password the master was started with, for clients the scenario opens later. */
  get password(): string | null {
    return this.masterPassword;
  }
}

/** The PSYNC requests and replies and the payload headers, read back from the recorded bytes. */
function summarize(events: ProxyEvent[]): SessionSummary {
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
