// A hosted replica engine started by a test against a real master, recording
// every log line and transition so tests can assert on them.
import { defaultConfig, type ReplicaConfig } from '../../src/config/replicaConfig';
import type { LogEntry, TransitionRecord } from '../../src/engine/io';
import { ReplState, shortStateName } from '../../src/engine/states';
import { HostedReplica, type HostedReplicaOptions } from '../../src/net/hostedReplica';
import { RedisClient } from '../../src/net/redisClient';
import { freePort } from '../../src/net/redisProcess';
import { waitFor } from './redisServer';

export class ReplicaUnderTest {
  private constructor(
    readonly hosted: HostedReplica,
    readonly logs: LogEntry[],
    readonly transitions: TransitionRecord[],
  ) {}

  static async start(overrides: Partial<ReplicaConfig>, shellOptions: Pick<HostedReplicaOptions, 'memory'> = {}): Promise<ReplicaUnderTest> {
    const port = overrides.port ?? (await freePort());
    // The Redis 7.0 behaviour these tests check is Debian's 7.0.15's; emulate auto has tests of its own.
    const config: ReplicaConfig = { ...defaultConfig(), emulate: 'redis-7.0', ...overrides, port };
    const logs: LogEntry[] = [];
    const transitions: TransitionRecord[] = [];
    const hosted = new HostedReplica(config, {
      ...shellOptions,
      onStep: (r) => {
        logs.push(...r.logs);
        if (r.point.kind === 'transition') transitions.push(r.point.transition);
      },
    });
    await hosted.start();
    return new ReplicaUnderTest(hosted, logs, transitions);
  }

  get engine() {
    return this.hosted.shell.engine;
  }

  get port(): number {
    return this.hosted.port;
  }

  get state(): ReplState {
    return this.engine.info.repl_state;
  }

  client(): Promise<RedisClient> {
    return RedisClient.connect(this.port);
  }

  logText(): string {
    return this.logs.map((l) => l.message).join('\n');
  }

  hasLog(text: string | RegExp): boolean {
    return this.logs.some((l) => (typeof text === 'string' ? l.message.includes(text) : text.test(l.message)));
  }

  waitForLog(text: string | RegExp, timeoutMs = 15_000): Promise<LogEntry> {
    return waitFor(`log ${String(text)}`, () =>
      this.logs.find((l) => (typeof text === 'string' ? l.message.includes(text) : text.test(l.message))), timeoutMs);
  }

  waitForState(state: ReplState, timeoutMs = 15_000): Promise<true> {
    return waitFor(`repl_state ${shortStateName(state)} (now ${shortStateName(this.state)}; log:\n${this.logText().slice(-1500)})`,
      () => this.state === state, timeoutMs);
  }

  /** The transitions as "FROM->TO" strings, for compact assertions. */
  path(): string[] {
    return this.transitions.map((t) => `${shortStateName(t.from)}->${shortStateName(t.to)}`);
  }

  stop(): Promise<void> {
    return this.hosted.stop();
  }
}
