// The real adapter (`node out/src/cli/debugAdapter.js`) driven through
// @vscode/debugadapter-testsupport's DebugClient. The harness spawns the
// process itself, so a test can see it exit; stopped and output events are
// queued from the start, so none is lost between two awaits.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const ADAPTER = path.join(__dirname, '..', '..', 'src', 'cli', 'debugAdapter.js');

class AdapterClient extends DebugClient {
  attachTo(child: ChildProcess): void {
    this.connect(child.stdout!, child.stdin!);
  }
}

export type VariablesByName = Record<string, DebugProtocol.Variable>;

export class Adapter {
  readonly dc = new AdapterClient('node', ADAPTER, 'redis-replica');
  readonly stops: DebugProtocol.StoppedEvent[] = [];
  readonly output: DebugProtocol.OutputEvent['body'][] = [];
  /** Bodies of the adapter's replicaStateChanged events. */
  readonly stateChanges: { threadId: number; from: string; to: string; cause: string }[] = [];
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    // DebugClient never settles a request whose adapter died: fail them, so a test fails instead of hanging.
    void this.exited.then((code) => {
      const pending = (this.dc as unknown as { pendingRequests: Map<number, (r: DebugProtocol.Response) => void> }).pendingRequests;
      for (const [seq, answer] of pending) answer({ seq: 0, type: 'response', request_seq: seq, command: '', success: false, message: `the adapter process exited (code ${code}) before answering` });
      pending.clear();
    });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[adapter] ${d.toString()}`));
    this.dc.attachTo(child);
    this.dc.on('stopped', (e: DebugProtocol.StoppedEvent) => this.push(() => this.stops.push(e)));
    this.dc.on('output', (e: DebugProtocol.OutputEvent) => this.push(() => this.output.push(e.body)));
    this.dc.on('replicaStateChanged', (e: DebugProtocol.Event) => this.push(() => this.stateChanges.push(e.body)));
  }

  static start(): Adapter {
    return new Adapter(spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  private push(add: () => void): void {
    add();
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  /** Resolves when `check` holds, re-checking on every event. */
  async until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; stops: ${JSON.stringify(this.stops.map((s) => s.body))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The next stopped event not yet taken (optionally of one thread). */
  nextStop(threadId?: number, timeoutMs = 10_000): Promise<DebugProtocol.StoppedEvent> {
    return this.until(`a stopped event${threadId ? ` on thread ${threadId}` : ''}`, () => {
      const i = this.stops.findIndex((s) => threadId === undefined || s.body.threadId === threadId);
      return i < 0 ? undefined : this.stops.splice(i, 1)[0];
    }, timeoutMs);
  }

  /**
   * initialize, launch, then on `initialized` (which the adapter sends once
   * launch has arrived) `configure` (breakpoints) and configurationDone.
   */
  async launch(args: Record<string, unknown>, configure: (dc: DebugClient) => Promise<unknown> = async () => undefined): Promise<DebugProtocol.LaunchResponse> {
    return this.configureAround(() => this.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments), configure);
  }

  /** The same sequence with attach: to a process's --debug-port through this adapter. */
  async attach(args: Record<string, unknown>, configure: (dc: DebugClient) => Promise<unknown> = async () => undefined): Promise<DebugProtocol.AttachResponse> {
    return this.configureAround(() => this.dc.attachRequest(args as DebugProtocol.AttachRequestArguments), configure);
  }

  private async configureAround<R>(start: () => Promise<R>, configure: (dc: DebugClient) => Promise<unknown>): Promise<R> {
    await this.dc.initializeRequest({ adapterID: 'redis-replica', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const initialized = this.dc.waitForEvent('initialized', 10_000);
    const started = start();
    // A refused launch or attach answers without ever sending initialized.
    const first = await Promise.race([initialized.then(() => 'initialized' as const), started.then(() => 'answered' as const, () => 'answered' as const)]);
    if (first === 'answered') return started;
    await configure(this.dc);
    await this.dc.configurationDoneRequest();
    return started;
  }

  async topFrame(threadId: number): Promise<DebugProtocol.StackFrame> {
    const st = await this.dc.stackTraceRequest({ threadId });
    return st.body.stackFrames[0]!;
  }

  /** Every scope of the top frame, by scope name, then by variable name. */
  async scopes(threadId: number): Promise<Record<string, VariablesByName>> {
    const frame = await this.topFrame(threadId);
    const scopes = await this.dc.scopesRequest({ frameId: frame.id });
    const out: Record<string, VariablesByName> = {};
    for (const s of scopes.body.scopes) out[s.name] = await this.children(s.variablesReference);
    return out;
  }

  async children(ref: number): Promise<VariablesByName> {
    const vars = await this.dc.variablesRequest({ variablesReference: ref });
    return Object.fromEntries(vars.body.variables.map((v) => [v.name, v]));
  }

  async threadName(threadId: number): Promise<string> {
    const threads = await this.dc.threadsRequest();
    return threads.body.threads.find((t) => t.id === threadId)?.name ?? '';
  }

  /** Disconnects and waits for the process to end; kills it only if it does not. */
  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      await Promise.race([this.dc.disconnectRequest({}).catch(() => undefined), this.exited]);
      const quit = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
      if (!quit) this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}
