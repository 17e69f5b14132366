// The two sides of a multi-channel fault comparison: on each, a master of the
// build under test with the FaultProxy in front of it, and behind the proxy
// either a real replica of that build or the engine emulating it. Both sides
// get the same fault; a test then compares what each replica logged, did and
// ended up holding.
//
// Each side has a master of its own. A diskless fork serves the replicas that
// wait for it when it starts, so two replicas of one master either share a
// fork or wait for each other's, depending on which cron tick each sync
// reaches; with a fault in the middle of one transfer, the other replica's
// transfer (and so its log) would depend on that. Two masters of the same
// build and dataset keep the two syncs apart.
import { noisyValue } from './sessionCaptureRun';
import type { ReplicaConfig } from '../../src/config/replicaConfig';
import { ReplState } from '../../src/engine/states';
import type { RedisClient } from '../../src/net/redisClient';
import { everyEncoding } from './datasets';
import { FaultProxy, type Fault, type ProxyLink } from './faultProxy';
import { RedisServer, waitFor } from './redisServer';
import { ReplicaUnderTest } from './replicaUnderTest';
import type { LiveServer } from './servers';
import { parseRedisLog } from './sessionCapture';
import { engineLines, realLines } from './versionMatrix';

export type SideKind = 'real' | 'engine';

/** Keys of incompressible values beside every encoding: an RDB of about 100 KB, many reads long. */
const BULK_KEYS = 1500;
const BULK_VALUE_BYTES = 60;


/** What a replica of one side is started with, on top of replicaof and its build's multi-channel switch. */
export interface ReplicaSettings {
  load: ReplicaConfig['repl-diskless-load'];
  /** redis-server / valkey-server arguments of the real replica. */
  realArgs: string[];
  /** The same settings in the engine's configuration. */
  engineConfig: Partial<ReplicaConfig>;
}

export class Side {
  proxy: FaultProxy | null = null;
  real: RedisServer | null = null;
  engine: ReplicaUnderTest | null = null;

  private constructor(
    readonly kind: SideKind,
    readonly server: LiveServer,
    readonly master: RedisServer,
    readonly admin: RedisClient,
  ) {}

  /** A master of `server`'s build serving multi-channel syncs, with the dataset. */
  static async start(kind: SideKind, server: LiveServer): Promise<Side> {
    const args = ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'];
    if (server.product === 'valkey') args.push('--dual-channel-replication-enabled', 'yes');
    const master = await RedisServer.start({ binary: server.binary, args });
    const admin = await master.client();
    await admin.pipeline(everyEncoding());
    const bulk = Array.from({ length: BULK_KEYS }, (_, i) => ['SET', `bulk:${i}`, noisyValue(i % 16, BULK_VALUE_BYTES)]);
    await admin.pipeline(bulk);
    return new Side(kind, server, master, admin);
  }

  get name(): string {
    return this.kind === 'real' ? `the real ${this.server.name} replica` : `the engine (emulating ${this.server.profile})`;
  }

  /** A proxy with `fault` on every link it accepts, and this side's replica behind it. */
  async attach(fault: Fault, settings: ReplicaSettings): Promise<void> {
    const proxy = await FaultProxy.start(this.master.port);
    this.proxy = proxy;
    proxy.always(fault);
    const valkey = this.server.product === 'valkey';
    if (this.kind === 'real') {
      const args = ['--enable-debug-command', 'yes', '--replicaof', '127.0.0.1', String(proxy.port), '--repl-diskless-load', settings.load];
      if (valkey) args.push('--dual-channel-replication-enabled', 'yes');
      this.real = await RedisServer.start({ binary: this.server.binary, args: [...args, ...settings.realArgs] });
    } else {
      this.engine = await ReplicaUnderTest.start({
        emulate: this.server.profile,
        replicaof: { host: '127.0.0.1', port: proxy.port },
        'repl-diskless-load': settings.load,
        ...(valkey ? { 'dual-channel-replication-enabled': true } : { 'repl-rdb-channel': true }),
        ...settings.engineConfig,
      });
    }
  }

  /** Stops this side's replica and proxy; the master stays for the next test. */
  async detach(): Promise<void> {
    await this.engine?.stop();
    await this.real?.stop();
    await this.proxy?.stop();
    this.engine = null;
    this.real = null;
    this.proxy = null;
  }

  async stop(): Promise<void> {
    await this.detach();
    this.admin.close();
    await this.master.stop();
  }

  get replicaPort(): number {
    return this.real?.port ?? this.engine!.port;
  }

  /** Notice and warning messages, from the first "Connecting to" on (the engine's own "Emulating" line left out). */
  messages(): string[] {
    if (this.engine) return this.engine.logs.filter((l) => (l.level === 'notice' || l.level === 'warning') && !/^Emulating /.test(l.message)).map((l) => l.message);
    const lines = parseRedisLog(this.real!.log()).filter((l) => l.level === 'notice' || l.level === 'warning');
    const from = lines.findIndex((l) => /^Connecting to (MASTER|PRIMARY) /.test(l.message));
    return lines.slice(Math.max(from, 0)).map((l) => l.message);
  }

  /** The same lines as templates (level, numbers and replids blanked). */
  lines(): string[] {
    return this.engine ? engineLines(this.engine.logs) : realLines(this.real!);
  }

  logged(re: RegExp): boolean {
    return this.messages().some((m) => re.test(m));
  }

  /** How many notice and warning lines match. */
  count(re: RegExp): number {
    return this.messages().filter((m) => re.test(m)).length;
  }

  waitLog(re: RegExp, timeoutMs = 20_000): Promise<true> {
    return waitFor(`${this.name} to log ${String(re)}`, () => this.logged(re), timeoutMs, 10);
  }

  /** The rdb channel the replica opened first (waits for it). */
  firstRdbLink(timeoutMs = 20_000): Promise<ProxyLink> {
    return waitFor(`${this.name} to open an rdb channel`, () => this.proxy!.rdbLinks[0], timeoutMs, 5);
  }

  /** The main links the replica opened so far (its first sync's, then each retry's). */
  mainLinks(): ProxyLink[] {
    return this.proxy!.links.filter((l) => !l.isRdbChannel);
  }

  /** The replica's link to its master is up. */
  async linkUp(): Promise<boolean> {
    if (this.engine) return this.engine.state === ReplState.CONNECTED;
    const info = await this.replicaInfo();
    return info.get('master_link_status') === 'up';
  }

  async replicaInfo(): Promise<Map<string, string>> {
    const client = this.real ? await this.real.client() : await this.engine!.client();
    try {
      return await client.info('replication');
    } finally {
      client.close();
    }
  }

  /** Waits until the replica has applied everything its master has sent; returns that offset. */
  async caughtUp(timeoutMs = 20_000): Promise<number> {
    let target = -1;
    await waitFor(`${this.name} to catch up with its master`, async () => {
      target = Number((await this.admin.info('replication')).get('master_repl_offset'));
      const info = await this.replicaInfo();
      return info.get('master_link_status') === 'up' && Number(info.get('slave_repl_offset')) === target;
    }, timeoutMs, 20);
    return target;
  }

  /** DEBUG DIGEST of the master and of its replica, taken at one offset. */
  async digests(): Promise<{ master: string; replica: string }> {
    const client = this.real ? await this.real.client() : await this.engine!.client();
    try {
      for (let attempt = 0; ; attempt++) {
        const before = await this.caughtUp();
        const out = { master: String(await this.admin.call('DEBUG', 'DIGEST')), replica: String(await client.call('DEBUG', 'DIGEST')) };
        const after = Number((await this.admin.info('replication')).get('master_repl_offset'));
        if (after === before || attempt >= 10) return out;
      }
    } finally {
      client.close();
    }
  }

  /** The replica's last log lines, for a failure message. */
  tail(n = 40): string {
    return this.engine ? this.engine.logText().split('\n').slice(-n).join('\n') : this.real!.log().split('\n').slice(-n).join('\n');
  }
}
