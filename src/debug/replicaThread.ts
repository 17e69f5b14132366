// One hosted replica as a DAP thread: it owns the replica's stepping mode and
// its current stop, and decides at each step (the shell's shouldStop hook)
// whether the person asked to stop there. Only this replica stops; the shell
// buffers its input meanwhile (DESIGN principle 2).
import type { StepPoint, StepResult, TransitionRecord } from '../engine/io';
import { phaseOf, shortStateName, type Phase } from '../engine/states';
import type { HostedReplica } from '../net/hostedReplica';
import type { PauseMode } from '../net/replicaShell';
import type { VersionProfile } from '../versions/profile';
import type { BreakpointRegistry } from './breakpoints';
import type { DataBreakpoints, WatchMemory } from './dataBreakpoints';
import { classify, classifyCommand, classifyStep, selected, type Classified, type ExceptionFilterId } from './exceptionFilters';
import { fetchMasterReplTimeout, NOT_ASKED_YET, type MasterReplTimeout } from './masterReplTimeout';
import { replicaScope, transitionValues } from './replicaScope';
import { channelStateWord, versionSnapshotOf, versionWords, type VersionSnapshot } from './versionView';

export type StopReason = 'entry' | 'breakpoint' | 'data breakpoint' | 'exception' | 'step' | 'pause';

export interface StopInfo {
  reason: StopReason;
  /** The point the replica stopped at; null at entry (before its first step) or when paused while idle. */
  point: StepPoint | null;
  hitBreakpointIds: number[];
  exception: Classified | null;
  /** What a data breakpoint saw change (`master_repl_offset: 14 → 56`). */
  description?: string;
}

/** What stops a running replica besides breakpoints: the last stepping request. */
type RunMode =
  | { kind: 'run' }
  /** next: the next transition. */
  | { kind: 'next' }
  /** stepIn when nothing was ready to step: the next step of any kind. */
  | { kind: 'step' }
  /** stepOut: the first transition that leaves `phase`. */
  | { kind: 'out'; phase: Phase };

/** Shared by every thread of a session: what the client has asked to stop on. */
export interface StopPolicy {
  readonly breakpoints: BreakpointRegistry;
  readonly dataBreakpoints: DataBreakpoints;
  readonly exceptionFilters: ReadonlySet<ExceptionFilterId>;
  /** A logpoint's text, or why a condition could not be evaluated. */
  output(thread: ReplicaThread, text: string, category: 'console' | 'stderr'): void;
  /** The replica has stopped; `thread.stop` says why. */
  stopped(thread: ReplicaThread): void;
  /** Every step (Redis log lines, state changes for views). */
  step?(thread: ReplicaThread, result: StepResult): void;
  /** The version the replica emulates became known, or changed (emulate auto). */
  versionChanged?(thread: ReplicaThread): void;
}

export class ReplicaThread {
  private mode: RunMode = { kind: 'run' };
  private current: StopInfo | null = null;
  private last: StepPoint | null = null;
  private readonly watched: WatchMemory = new Map();
  /** The master's repl-timeout, for its drop countdown: asked of the master (it is never told to a replica). */
  masterReplTimeout: MasterReplTimeout = NOT_ASKED_YET;
  private askedMaster: string | null = null;
  /** The version last seen resolved (null: emulate auto has not asked the master yet). */
  private knownProfile: VersionProfile | null;
  /** The last failure record this replica stopped at: the records of the same failure that follow it do not stop again. */
  private lastFailure: { seq: number; message: string } | null = null;

  /** Takes over the replica's stop decisions (a launched replica, or one running in a process attached to). */
  constructor(
    readonly id: number,
    readonly replica: HostedReplica,
    readonly pauseMode: PauseMode,
    private readonly policy: StopPolicy,
  ) {
    this.knownProfile = this.resolvedProfile;
    replica.shell.setDebugHooks({
      shouldStop: (r) => this.onStepDone(r),
      onStep: (r) => {
        this.checkVersion();
        policy.step?.(this, r);
      },
    });
  }

  /** The version the replica emulates, or null while emulate auto has not learned it. */
  get resolvedProfile(): VersionProfile | null {
    const engine = this.replica.shell.engine;
    return engine.emulation.resolved ? engine.profile : null;
  }

  /** Its version and its links, for the views. */
  versionSnapshot(): VersionSnapshot {
    return versionSnapshotOf(this.replica.shell.engine);
  }

  private checkVersion(): void {
    const now = this.resolvedProfile;
    if (now === this.knownProfile) return;
    this.knownProfile = now;
    this.policy.versionChanged?.(this);
  }

  get stop(): StopInfo | null {
    return this.current;
  }

  /**
   * Named from the model, so REPLICAOF on the replica's port renames it:
   * `replica 1 :6380 → 127.0.0.1:6379 [TRANSFER | RDB_CH_RDB_LOADING] redis-8.8`
   * (the rdb channel's state while a multi-channel sync has one, then the version).
   */
  get name(): string {
    const engine = this.replica.shell.engine;
    const info = engine.info;
    const host = info.masterhost === null ? null : info.masterhost.includes(':') ? `[${info.masterhost}]` : info.masterhost;
    const master = host === null ? 'no master' : `${host}:${info.masterport}`;
    const channel = channelStateWord(engine.profile, info);
    const states = channel === null ? shortStateName(info.repl_state) : `${shortStateName(info.repl_state)} | ${channel}`;
    return `replica ${this.id} :${this.replica.port} → ${master} [${states}] ${versionWords(engine)}`;
  }

  /** The transition that brought the replica where it is. */
  get lastTransition(): TransitionRecord | null {
    return this.replica.shell.engine.transitions.at(-1) ?? null;
  }

  /** The point of the stop, or the last point reached. */
  get point(): StepPoint | null {
    return this.current?.point ?? this.last;
  }

  /** Asks the replica's current master for its repl-timeout, once per master (`known`: already asked). */
  learnMasterReplTimeout(known?: MasterReplTimeout): void {
    const config = this.replica.shell.engine.config;
    const master = config.replicaof ? `${config.replicaof.host}:${config.replicaof.port}` : null;
    if (master === null || master === this.askedMaster) return;
    this.askedMaster = master;
    if (known) {
      this.masterReplTimeout = known;
      return;
    }
    void fetchMasterReplTimeout(config).then((answer) => {
      if (this.askedMaster === master) this.masterReplTimeout = answer;
    });
  }

  /** Stops before the replica's first step (it must not have stepped yet). */
  stopAtEntry(): void {
    this.halt({ reason: 'entry', point: null, hitBreakpointIds: [], exception: null });
  }

  /** Data breakpoints were (re)set: remember today's values, so the next change stops. */
  primeWatches(): void {
    this.watched.clear();
    const engine = this.replica.shell.engine;
    this.policy.dataBreakpoints.prime(replicaScope(engine.info, undefined, engine), this.watched);
  }

  continue(): void {
    this.run({ kind: 'run' });
  }

  next(): void {
    this.run({ kind: 'next' });
  }

  stepOut(): void {
    this.run({ kind: 'out', phase: phaseOf(this.replica.shell.engine.info.repl_state) });
  }

  /** One engine step now if one is ready; otherwise run to the next step. */
  stepIn(): void {
    const engine = this.replica.shell.engine;
    if (!this.current || !engine.hasWork) {
      this.run({ kind: 'step' });
      return;
    }
    this.current = null;
    this.mode = { kind: 'step' };
    // The shell stays paused (in pauseMode) while it takes this one step.
    const r = this.replica.shell.stepOnce();
    if (r.point.kind === 'idle' || !this.onStepDone(r)) this.run({ kind: 'step' });
  }

  /** Stops at the current step boundary (the shell only runs steps inside its pump, so between requests it is at one). */
  pause(): void {
    if (this.current) return;
    this.halt({ reason: 'pause', point: this.last, hitBreakpointIds: [], exception: null });
    this.policy.stopped(this);
  }

  /** The debugger lets go: the replica runs on, as if never stopped. */
  release(): void {
    this.current = null;
    this.mode = { kind: 'run' };
    this.replica.shell.setDebugHooks(null);
  }

  private run(mode: RunMode): void {
    this.mode = mode;
    this.current = null;
    this.replica.shell.resume();
  }

  /** Records a stop; the shell pauses in pauseMode (itself, when the stop comes from shouldStop). */
  private record(stop: StopInfo): void {
    this.current = stop;
    this.mode = { kind: 'run' };
  }

  /** A stop the thread takes outside a step (entry, a pause request): it pauses the shell itself. */
  private halt(stop: StopInfo): void {
    this.replica.shell.pause(this.pauseMode);
    this.record(stop);
  }

  /** The shell's shouldStop: the launch's pauseMode stops this replica at `r` (the shell pauses in it). */
  private onStepDone(r: StepResult): PauseMode | false {
    if (r.point.kind === 'idle') return false;
    this.last = r.point;
    const stop = this.decide(r);
    if (!stop) return false;
    this.record(stop);
    this.policy.stopped(this);
    return this.pauseMode;
  }

  private decide(r: StepResult): StopInfo | null {
    const point = r.point;
    const stop = (reason: StopReason, extra: Partial<StopInfo> = {}): StopInfo => ({ reason, point, hitBreakpointIds: [], exception: null, ...extra });
    const filters = this.policy.exceptionFilters;
    if (point.kind === 'command') {
      const diverged = filters.size > 0 ? classifyCommand(point) : null;
      if (diverged && selected(diverged, filters)) return stop('exception', { exception: diverged });
    }
    // Moments of a multi-channel sync that change no state (the buffer limit): only in what Redis logs.
    if (r.logs.length > 0 && filters.has('multi-channel')) {
      const notice = classifyStep(r);
      if (notice) return stop('exception', { exception: notice });
    }
    if (point.kind === 'transition') {
      const t = point.transition;
      const failure = filters.size > 0 ? classify(t) : null;
      if (failure && selected(failure, filters) && !this.sameFailure(t)) return stop('exception', { exception: failure });
      const bps = this.policy.breakpoints;
      if (!bps.empty) {
        const engine = this.replica.shell.engine;
        const hit = bps.onTransition(t, () => replicaScope(engine.info, transitionValues(t), engine));
        for (const text of hit.logs) this.policy.output(this, text, 'console');
        for (const error of hit.errors) this.policy.output(this, `breakpoint condition: ${error}`, 'stderr');
        if (hit.stopIds.length > 0) return stop('breakpoint', { hitBreakpointIds: hit.stopIds });
      }
      const changed = this.dataChange(point);
      if (changed) return changed;
      if (this.mode.kind === 'next') return stop('step');
      if (this.mode.kind === 'out' && phaseOf(t.from) === this.mode.phase && phaseOf(t.to) !== this.mode.phase) return stop('step');
    }
    if (point.kind !== 'transition') {
      const changed = this.dataChange(point);
      if (changed) return changed;
    }
    if (this.mode.kind === 'step') return stop('step');
    return null;
  }

  /**
   * Whether `t` continues the failure this replica last stopped at: one
   * failure makes several records in a row with one message (the rdb channel
   * ends, then repl_state goes to CONNECT), and a person stops once for it,
   * whichever of its categories they asked for.
   */
  private sameFailure(t: TransitionRecord): boolean {
    const last = this.lastFailure;
    const same = last !== null && t.seq === last.seq + 1 && t.message === last.message;
    this.lastFailure = { seq: t.seq, message: t.message };
    return same;
  }

  private dataChange(point: StepPoint): StopInfo | null {
    const data = this.policy.dataBreakpoints;
    if (data.empty) return null;
    const engine = this.replica.shell.engine;
    const hit = data.check(replicaScope(engine.info, undefined, engine), this.watched);
    for (const text of hit.logs) this.policy.output(this, text, 'console');
    for (const error of hit.errors) this.policy.output(this, `data breakpoint condition: ${error}`, 'stderr');
    if (hit.stopIds.length === 0) return null;
    const description = hit.changes.map((c) => `${c.dataId}: ${c.before} → ${c.after}`).join(', ');
    return { reason: 'data breakpoint', point, hitBreakpointIds: hit.stopIds, exception: null, description };
  }
}
