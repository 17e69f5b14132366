// The I/O shell around one replica engine: it opens the sockets the engine asks
// for (TCP, or TLS for masters with tls-replication), feeds it their bytes and a
// cron tick once a second, and performs the actions it returns. It decides no
// replication behaviour; it only decides what a debugger stop does to time and
// to the link (pauseMode).
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as v8 from 'node:v8';
import type { ReplicaConfig } from '../config/replicaConfig';
import { ReplicaEngine } from '../engine/engine';
import type { MemoryBudget } from '../engine/footprint';
import type { Action, EngineInput, LinkId, StepResult } from '../engine/io';
import { ReplState } from '../engine/states';
import type { ReplyValue } from '../resp/encode';
import { PausableClock, randomReplid } from './clock';
import { errnoMessage } from './errno';
import { queryMaster } from './masterQuery';
import { tlsOptions } from './tlsOptions';
import { RdbTempFiles } from './rdbTempFiles';

export type PauseMode = 'freeze' | 'keepalive';

/** What a debugger attached to a running replica hooks into its steps. */
export interface ShellDebugHooks {
  /** After each step: a PauseMode stops the replica there in that mode; false runs on. */
  shouldStop(result: StepResult): PauseMode | false;
  /** Every step, for the debugger's views. */
  onStep?(result: StepResult): void;
}

export interface ReplicaShellOptions {
  /** Every step, for logs. */
  onStep?: (result: StepResult) => void;
  /** While loading an RDB, stop for a step every this many bytes (the debugger's RDB stepping). */
  loadPauseBytes?: number;
  cronIntervalMs?: number;
  newReplid?: () => string;
  /** Where disk loads keep their temp RDB file (default: the OS temp dir). */
  tempDir?: string;
  /** The clock a turn's time budget is measured with, in ms (default: performance.now); tests inject one. */
  turnClock?: () => number;
  /** The heap the dataset footprint weighs (default: this process's V8 heap); tests inject a small one. */
  memory?: MemoryBudget;
}

/** How long the version question (emulate auto) may take before the replica goes on without an answer. */
const PROBE_TIMEOUT_MS = 5000;
/** Steps run per turn of the event loop before letting I/O in. */
const STEPS_PER_TURN = 1024;
/**
 * A turn also ends once it has run this long, however few steps that was: the
 * RESP port, the debugger and the cron wait for at most one turn (plus the one
 * step that crossed the budget) while a backlog drains.
 */
export const TURN_BUDGET_MS = 4;

/** V8's semi-space default on 64-bit hosts (MB), unless --max-semi-space-size says otherwise. */
const DEFAULT_SEMI_SPACE_MB = 16;
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/** --max-semi-space-size from the process's flags or NODE_OPTIONS, in MB. */
function semiSpaceMb(): number {
  const flags = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)];
  for (const f of flags) {
    const m = /^--max-semi-space-size=(\d+)$/.exec(f);
    if (m) return Number(m[1]);
  }
  return DEFAULT_SEMI_SPACE_MB;
}

/**
 * This process's V8 heap, as dataset auto and the load's guard weigh it (one
 * heap for every replica the process hosts). What runs out is the old
 * generation: heap_size_limit also counts the young generation's reserve
 * (three semi-spaces), which a dataset never fills, so the limit is the old
 * generation's and the use is what lives outside the young generation.
 */
const YOUNG_RESERVE_BYTES = 3 * semiSpaceMb() * 1024 * 1024;
const PROCESS_HEAP: MemoryBudget = {
  limit: () => v8.getHeapStatistics().heap_size_limit - YOUNG_RESERVE_BYTES,
  used: () => {
    let used = 0;
    for (const space of v8.getHeapSpaceStatistics()) if (!YOUNG_SPACES.has(space.space_name)) used += space.space_used_size;
    return used;
  },
};
/** Unread input above which the shell stops reading the socket (as a busy redis-server would). */
const READ_HIGH_WATER = 8 * 1024 * 1024;

export class ReplicaShell {
  readonly engine: ReplicaEngine;
  readonly clock = new PausableClock();
  private readonly sockets = new Map<LinkId, net.Socket>();
  private readonly replies = new Map<number, (r: ReplyValue) => void>();
  private nextRequest = 1;
  private cronTimer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private closed = false;
  private pausedMode: PauseMode | null = null;
  private debugHooks: ShellDebugHooks | null = null;
  private readonly tempFiles: RdbTempFiles;
  private readonly turnClock: () => number;

  constructor(config: ReplicaConfig, private readonly options: ReplicaShellOptions = {}) {
    this.engine = new ReplicaEngine(config, {
      clock: this.clock,
      newReplid: options.newReplid ?? randomReplid,
      ...(options.loadPauseBytes ? { loadPauseBytes: options.loadPauseBytes } : {}),
      memory: options.memory ?? PROCESS_HEAP,
    });
    this.turnClock = options.turnClock ?? (() => performance.now());
    this.tempFiles = new RdbTempFiles(options.tempDir ?? RdbTempFiles.defaultDir(), (input) => {
      if (this.closed) return;
      this.engine.receive(input);
      this.schedule();
    });
  }

  start(): void {
    this.cronTimer = setInterval(() => this.onCronTick(), this.options.cronIntervalMs ?? 1000);
    this.schedule();
  }

  get paused(): PauseMode | null {
    return this.pausedMode;
  }

  /** Queues an input; `onReply` receives the engine's reply to a user command. */
  submit(input: EngineInput, onReply?: (r: ReplyValue) => void): void {
    if (onReply && (input.type === 'replicaof' || input.type === 'replicaof-no-one' || input.type === 'config-set')) {
      const id = this.nextRequest++;
      this.replies.set(id, onReply);
      input = { ...input, requestId: id };
    }
    this.engine.receive(input);
    this.schedule();
  }

  /**
   * freeze: nothing is read, sent or run, wall time goes on (a redis-server under gdb).
   * keepalive: the socket is still drained into the engine's unread input and the
   * ACK a live replica sends goes out each second; the engine's clock stands still.
   */
  pause(mode: PauseMode): void {
    if (this.pausedMode) return;
    this.pausedMode = mode;
    if (mode === 'keepalive') this.clock.hold();
    this.updateReading();
  }

  resume(): void {
    if (!this.pausedMode) return;
    this.pausedMode = null;
    this.clock.release();
    this.updateReading();
    this.schedule();
  }

  /**
   * A debugger takes over the stop decisions (launch, or attach to a running
   * replica); null detaches it, and a replica it left stopped runs on.
   */
  setDebugHooks(hooks: ShellDebugHooks | null): void {
    this.debugHooks = hooks;
    if (!hooks) this.resume();
  }

  /**
   * Closes the master link as if the network dropped it: the engine sees the
   * socket close and reacts as Redis does ("Connection with master lost").
   */
  dropLink(): boolean {
    const link = this.engine.linkId;
    const socket = link === null ? undefined : this.sockets.get(link);
    if (!socket) return false;
    socket.destroy();
    return true;
  }

  /** Runs exactly one step while paused (the debugger's stepping). */
  stepOnce(): StepResult {
    const result = this.engine.step();
    this.afterStep(result);
    this.updateReading();
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.cronTimer = null;
    for (const socket of this.sockets.values()) socket.destroy();
    this.sockets.clear();
    this.replies.clear();
    await this.tempFiles.discardAll();
  }

  private onCronTick(): void {
    if (this.closed) return;
    if (this.pausedMode === 'freeze') return;
    if (this.pausedMode === 'keepalive') {
      this.sendKeepaliveAck();
      return;
    }
    this.engine.receive({ type: 'cron' });
    this.schedule();
  }

  /** What a live replica would tell its master while this one is stopped. */
  private sendKeepaliveAck(): void {
    const link = this.engine.linkId;
    if (this.engine.info.repl_state !== ReplState.CONNECTED || link === null) return;
    // The engine makes the ACK and records it: the master's repl_ack_time for us is now.
    const ack = this.engine.keepaliveAck();
    if (ack) this.sockets.get(link)?.write(ack);
  }

  private schedule(): void {
    if (this.scheduled || this.closed || this.pausedMode) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const clock = this.turnClock;
    const deadline = clock() + TURN_BUDGET_MS;
    try {
      for (let i = 0; i < STEPS_PER_TURN; i++) {
        if (this.closed || this.pausedMode) return;
        const result = this.engine.step();
        this.afterStep(result);
        if (result.point.kind === 'idle') return;
        const stop = this.debugHooks?.shouldStop(result) ?? false;
        if (stop !== false) {
          this.pause(stop);
          return;
        }
        if (clock() >= deadline) break;
      }
    } finally {
      // Sockets only deliver between turns: what the turn read decides whether they are read again.
      if (!this.closed) this.updateReading();
    }
    this.schedule();
  }

  private afterStep(result: StepResult): void {
    for (let i = 0; i < result.actions.length; i++) this.perform(result.actions[i]!);
    this.options.onStep?.(result);
    this.debugHooks?.onStep?.(result);
  }

  private perform(action: Action): void {
    switch (action.type) {
      case 'connect':
        this.connect(action.link, action.host, action.port, action.tls);
        return;
      case 'probe-master':
        this.probeMaster(action.host, action.port);
        return;
      case 'write':
        this.sockets.get(action.link)?.write(action.bytes);
        return;
      case 'close': {
        const socket = this.sockets.get(action.link);
        this.sockets.delete(action.link);
        socket?.removeAllListeners();
        socket?.on('error', () => undefined);
        socket?.destroy();
        return;
      }
      case 'reply': {
        const done = this.replies.get(action.requestId);
        this.replies.delete(action.requestId);
        done?.(action.reply);
        return;
      }
      case 'rdb-file-write':
        this.tempFiles.write(action.file, action.unixtime, action.bytes);
        return;
      case 'rdb-file-load':
        this.tempFiles.load(action.file, action.chunkSize);
        return;
      case 'rdb-file-discard':
        void this.tempFiles.discard(action.file);
        return;
    }
  }

  private connect(link: LinkId, host: string, port: number, useTls: boolean): void {
    let socket: net.Socket;
    try {
      socket = useTls
        ? tls.connect({ host, port, ...tlsOptions(this.engine.config), ...(net.isIP(host) ? {} : { servername: host }) })
        : net.connect({ host, port });
    } catch (err) {
      // A TLS certificate that cannot be read fails the connect, as it would in Redis.
      this.engine.receive({ type: 'connect-failed', link, error: err instanceof Error ? err.message : String(err) });
      this.schedule();
      return;
    }
    socket.setNoDelay(true);
    this.sockets.set(link, socket);
    let connected = false;
    const input = (i: EngineInput): void => {
      if (this.sockets.get(link) !== socket) return;
      this.engine.receive(i);
      this.schedule();
    };
    socket.once(useTls ? 'secureConnect' : 'connect', () => {
      connected = true;
      input({ type: 'connected', link });
    });
    socket.on('data', (bytes: Buffer) => input({ type: 'data', link, bytes }));
    let lastError: string | undefined;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      lastError = errnoMessage(err);
      if (!connected) {
        input({ type: 'connect-failed', link, error: lastError });
        this.sockets.delete(link);
      }
    });
    socket.on('close', () => {
      if (connected) input(lastError ? { type: 'closed', link, error: lastError } : { type: 'closed', link });
      if (this.sockets.get(link) === socket) this.sockets.delete(link);
    });
  }

  /** emulate auto: the master's INFO server and memory, asked as a client with the replica's credentials. */
  private probeMaster(host: string, port: number): void {
    const config = { ...this.engine.config, replicaof: { host, port } };
    queryMaster(config, [['INFO', 'server', 'memory']], PROBE_TIMEOUT_MS).then(
      ([info]) => this.deliver({ type: 'master-version', host, port, info: String(info) }),
      (err: unknown) => this.deliver({ type: 'master-version', host, port, error: err instanceof Error ? err.message : String(err) }),
    );
  }

  private deliver(input: EngineInput): void {
    if (this.closed) return;
    this.engine.receive(input);
    this.schedule();
  }

  /** Stops reading a socket when the replica is frozen or far behind, as a busy redis-server would. */
  private updateReading(): void {
    const frozen = this.pausedMode === 'freeze';
    const queued = this.engine.bufferedBytes - this.engine.unreadBytes;
    // A stopped replica in keepalive mode still drains its socket, but does not load its file.
    this.tempFiles.throttle(frozen || queued > READ_HIGH_WATER || this.pausedMode !== null);
    for (const link of [this.engine.linkId, this.engine.rdbLinkId]) {
      const socket = link === null ? undefined : this.sockets.get(link);
      if (!socket) continue;
      const shouldPause = frozen || queued + this.engine.unreadBytesOf(link!) > READ_HIGH_WATER;
      if (shouldPause && !socket.isPaused()) socket.pause();
      if (!shouldPause && socket.isPaused()) socket.resume();
    }
  }
}
