// The real debug adapter (`node out/src/cli/debugAdapter.js`) as a child
// process, driven through @vscode/debugadapter-testsupport's DebugClient, for
// the benchmarks. Like test/dap/harness.ts, but every stopped event is stamped
// with its receipt time (wall clock, sub-ms) the moment the client parses it.
// BENCH_ADAPTER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is
// passed to the adapter's node, for profiling it under the benchmark's load.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const ADAPTER = path.join(__dirname, '..', 'src', 'cli', 'debugAdapter.js');

/** Wall-clock ms with sub-ms precision (comparable with another process's Date.now()). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

class AdapterClient extends DebugClient {
  attachTo(child: ChildProcess): void {
    this.connect(child.stdout!, child.stdin!);
  }
}

export interface TimedStop {
  event: DebugProtocol.StoppedEvent;
  /** wallNow() when the client received it. */
  receivedAt: number;
}

export class BenchAdapter {
  readonly dc = new AdapterClient('node', ADAPTER, 'redis-replica');
  readonly stops: TimedStop[] = [];
  readonly output: DebugProtocol.OutputEvent['body'][] = [];
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[adapter] ${d.toString()}`));
    this.dc.attachTo(child);
    this.dc.on('stopped', (e: DebugProtocol.StoppedEvent) => {
      const receivedAt = wallNow();
      this.stops.push({ event: e, receivedAt });
      this.wake();
    });
    this.dc.on('output', (e: DebugProtocol.OutputEvent) => {
      this.output.push(e.body);
      this.wake();
    });
  }

  static start(): BenchAdapter {
    const nodeArgs = (process.env.BENCH_ADAPTER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
    return new BenchAdapter(spawn(process.execPath, [...nodeArgs, ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next stopped event not yet taken. */
  async nextStop(timeoutMs = 10_000): Promise<TimedStop> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.stops.shift();
      if (s) return s;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a stopped event');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /**
   * initialize, launch (not awaited), the `initialized` event, `configure`
   * (breakpoints), configurationDone, then the launch response. Works whether
   * the adapter sends `initialized` after initialize or only once launch arrived.
   */
  async launch(args: Record<string, unknown>, configure: (dc: DebugClient) => Promise<unknown> = async () => undefined): Promise<void> {
    const initialized = this.dc.waitForEvent('initialized', 15_000);
    await this.dc.initializeRequest({ adapterID: 'redis-replica', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const launched = this.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
    launched.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    await initialized;
    await configure(this.dc);
    await this.dc.configurationDoneRequest();
    await launched;
  }

  /** Disconnects and waits for the process to end; kills it only if it does not. */
  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      await Promise.race([this.dc.disconnectRequest({}).catch(() => undefined), this.exited]);
      const quit = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (!quit) this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}
