// The Debug Adapter Protocol session: replicas as threads, transitions as
// breakpoints, ReplicaInfo as variables. A translator (DESIGN principle 7):
// each request converts its arguments, calls one thing on a ReplicaThread or
// a pure helper, and converts the result. No replication logic lives here.
import {
  Breakpoint, BreakpointEvent, Event, InitializedEvent, LoggingDebugSession, OutputEvent, Scope, Source, StackFrame, StoppedEvent,
  TerminatedEvent, Thread, ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { TransitionRecord } from '../engine/io';
import { machineOf, ReplState, stateName } from '../engine/states';
import type { HostedReplica } from '../net/hostedReplica';
import type { VersionProfile } from '../versions/profile';
import { profileById } from '../versions/profiles';
import { ReplicaFleet } from '../net/replicaFleet';
import type { PauseMode } from '../net/replicaShell';
import { AttachProxy } from './attachProxy';
import { BreakpointRegistry, type BreakpointStatus } from './breakpoints';
import type { SessionVersions } from './breakpointVersions';
import { completions } from './completions';
import { DataBreakpoints } from './dataBreakpoints';
import { AdapterError, errors } from './errors';
import { EXCEPTION_FILTERS, type ExceptionFilterId } from './exceptionFilters';
import { checkNames, compile, evaluate } from './expression';
import { parseAttachArguments, parseLaunchArguments, type LaunchSettings } from './launchConfig';
import { fetchMasterReplTimeout, type MasterReplTimeout } from './masterReplTimeout';
import { commandWords, runCommand } from './replicaConsole';
import { keyspaceChildren } from './keyspaceVariables';
import { REPLICA_NAMES, replicaScope } from './replicaScope';
import { SyncProgress } from './syncProgress';
import { ReplicaThread, type StopPolicy } from './replicaThread';
import {
  documentByReference, documentKeyOfUri, documentOfProfile, documentUri, servedDocument, STATE_MACHINE_FILE_NAME,
  type DocumentKey, type ServedDocument,
} from './documents';
import { stackFrames } from './stack';
import { formatValue, typeName } from './values';
import { findNode, scopesOf, scopeVariables, SETTING_VARIABLES, type ReplicaSnapshot } from './variables';
import { VariableHandles } from './variableHandles';
import { summaries, viewRequest } from './viewRequests';

/** Frame ids encode the thread, so scopes know whose model to read. */
const FRAMES_PER_THREAD = 1000;
/** How long launch waits for configurationDone before starting anyway (mock-debug waits 1 s). */
const CONFIGURATION_WAIT_MS = 5000;
/** The replicasChanged event goes out at most this often, however busy the stream. */
const SUMMARY_INTERVAL_MS = 250;

export interface SessionOptions {
  /**
   * The replicas of the process this session runs in (a redis-replica-debugger
   * serving --debug-port): `attach` adopts them and lets them run on at the end.
   * Without it the session is a standalone adapter: `launch` hosts its own
   * replicas and `attach` connects to such a process.
   */
  hostFleet?: ReplicaFleet;
}

export class ReplicaDebugSession extends LoggingDebugSession {
  private readonly threads = new Map<number, ReplicaThread>();
  private readonly breakpoints = new BreakpointRegistry();
  private readonly dataBreakpoints = new DataBreakpoints();
  private readonly exceptionFilters = new Set<ExceptionFilterId>();
  private readonly handles = new VariableHandles();
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));
  private closing: Promise<void> | null = null;
  /** The replicas this session debugs: its own (launch) or its process's (attach). */
  private fleet: ReplicaFleet | null = null;
  private ownsFleet = false;
  private stopWatchingFleet: (() => void) | null = null;
  private policy: StopPolicy | null = null;
  private pauseMode: PauseMode = 'keepalive';
  private proxy: AttachProxy | null = null;
  private initializeMessage: DebugProtocol.InitializeRequest | null = null;
  private summaryTimer: NodeJS.Timeout | null = null;
  private documentUri: string | null = null;
  /** The version a launch names (emulate <profile>), known before any replica runs; null for auto. */
  private launchProfile: VersionProfile | null = null;
  private clientShowsProgress = false;
  private readonly progress = new SyncProgress((e) => this.sendEvent(e), () => this.clientShowsProgress);

  constructor(private readonly options: SessionOptions = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** Once attached through a proxy, every client message goes to the process that hosts the replicas. */
  override handleMessage(message: DebugProtocol.ProtocolMessage): void {
    if (this.proxy) {
      this.proxy.forward(message);
      return;
    }
    if (message.type === 'request' && (message as DebugProtocol.Request).command === 'initialize') this.initializeMessage = message as DebugProtocol.InitializeRequest;
    super.handleMessage(message);
  }

  /**
   * `initialized` goes out when launch or attach arrives, not here: an attach
   * through a proxy hands configuration to the remote session, which sends its own.
   */
  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientShowsProgress = args.supportsProgressReporting === true;
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ filter: f.filter, label: f.label, description: f.description, default: f.default })),
      supportsExceptionInfoRequest: true,
      supportsDataBreakpoints: true,
      supportsTerminateRequest: true,
      supportsSingleThreadExecutionRequests: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: ['.', ' '],
      supportsStepBack: false,
      supportsDelayedStackTraceLoading: false,
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configurationDone();
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): Promise<void> {
    await this.guard(response, async () => {
      if (this.options.hostFleet) throw errors.launchOnServer();
      const settings = parseLaunchArguments(args as Readonly<Record<string, unknown>>);
      this.documentUri = stateMachineUri(args as Readonly<Record<string, unknown>>);
      this.launchProfile = settings.base.emulate === 'auto' ? null : profileById(settings.base.emulate) ?? null;
      this.breakpoints.setVersions(this.sessionVersions());
      await this.configure();
      await this.startReplicas(settings);
    });
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: DebugProtocol.AttachRequestArguments, request?: DebugProtocol.Request): Promise<void> {
    const raw = args as Readonly<Record<string, unknown>>;
    if (this.options.hostFleet) {
      await this.guard(response, async () => {
        this.pauseMode = raw['pauseMode'] === undefined ? 'keepalive' : parseAttachArguments({ port: 1, ...raw }).pauseMode;
        this.documentUri = stateMachineUri(raw);
        this.breakpoints.setVersions(resolvedVersions([...this.options.hostFleet!.replicas.values()].map((r) => r.shell.engine)));
        await this.configure();
        this.adopt(this.options.hostFleet!, false);
      });
      return;
    }
    try {
      const settings = parseAttachArguments(raw);
      if (!this.initializeMessage || !request) throw errors.attach('initialize first');
      this.proxy = await AttachProxy.open(settings.host, settings.port, this.initializeMessage, (m) => this.fromRemote(m)).catch((err: unknown) => {
        throw errors.attach(err instanceof Error ? err.message : String(err));
      });
      // The remote session answers this attach, and sends the `initialized` that starts configuration.
      this.proxy.forward(request);
    } catch (err) {
      this.fail(response, err);
    }
  }

  /** A message of the remote session, for our client; null when its process went away. */
  private fromRemote(message: DebugProtocol.ProtocolMessage | null): void {
    if (message === null) {
      // Gone before the attach completed: the attach's error response says why.
      if (!this.proxy) return;
      this.proxy = null;
      this.sendEvent(new OutputEvent('The redis-replica-debugger process closed the debug connection.\n', 'important'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    // _send numbers our messages; the remote's own seq would repeat ours.
    message.seq = 0;
    if (message.type === 'event') this.sendEvent(message as DebugProtocol.Event);
    else if (message.type === 'response') {
      this.sendResponse(message as DebugProtocol.Response);
      if ((message as DebugProtocol.Response).command === 'disconnect') {
        this.proxy?.close();
        this.shutdown();
      }
    }
  }

  /** Asks for configuration, and waits for it: breakpoints must be in place before the first step. */
  private async configure(): Promise<void> {
    this.sendEvent(new InitializedEvent());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.configured, new Promise((r) => (timer = setTimeout(r, CONFIGURATION_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private async startReplicas(settings: LaunchSettings): Promise<void> {
    this.pauseMode = settings.pauseMode;
    // SHUTDOWN on a replica's port ends that replica (its thread exits), as it ends a redis-server.
    const fleet: ReplicaFleet = new ReplicaFleet(settings.base, (index) => ({ onShutdown: () => void fleet.remove(index) }));
    // Asked before any replica connects, so the first stop already shows the master's drop countdown.
    const masterTimeout = await fetchMasterReplTimeout(settings.base);
    this.adopt(fleet, true, settings.stopOnEntry, masterTimeout);
    for (let i = 1; i <= settings.replicas; i++) {
      try {
        await fleet.add();
      } catch (err) {
        throw errors.replicaStart(i, err instanceof Error ? err.message : String(err));
      }
    }
  }

  /** Debugs every replica of `fleet`, those there now and those added later, each as a thread. */
  private adopt(fleet: ReplicaFleet, owns: boolean, stopOnEntry = false, masterTimeout?: MasterReplTimeout): void {
    this.fleet = fleet;
    this.ownsFleet = owns;
    this.policy = {
      breakpoints: this.breakpoints,
      dataBreakpoints: this.dataBreakpoints,
      exceptionFilters: this.exceptionFilters,
      output: (thread, text, category) => this.sendEvent(new OutputEvent(`[replica ${thread.id}] ${text}\n`, category)),
      stopped: (thread) => {
        this.onStopped(thread);
        this.summariesChanged();
      },
      versionChanged: () => this.updateVersions(),
      step: (thread, r) => {
        for (const entry of r.logs) this.sendEvent(new OutputEvent(`[replica ${thread.id}] ${entry.message}\n`, 'stdout'));
        if (r.point.kind === 'transition') {
          const t = r.point.transition;
          // Online with a master not asked yet (REPLICAOF elsewhere): ask its repl-timeout for the drop countdown.
          if (t.to === ReplState.CONNECTED) thread.learnMasterReplTimeout();
          this.sendEvent(stateChangedEvent(thread, t));
          this.progress.onTransition(thread.id, thread.name, t.from, t.to, thread.replica.shell.engine.info);
        }
        if (r.point.kind !== 'idle') this.summariesChanged();
      },
    };
    const join = (index: number, replica: HostedReplica): void => {
      const thread = new ReplicaThread(index, replica, this.pauseMode, this.policy!);
      this.threads.set(index, thread);
      thread.primeWatches();
      thread.learnMasterReplTimeout(masterTimeout);
      if (stopOnEntry) thread.stopAtEntry();
      this.sendEvent(new ThreadEvent('started', index));
      if (stopOnEntry) this.onStopped(thread);
      this.updateVersions();
      this.summariesChanged();
    };
    const leave = (index: number): void => {
      if (!this.threads.delete(index)) return;
      this.sendEvent(new ThreadEvent('exited', index));
      this.updateVersions();
      this.summariesChanged();
    };
    const unwatch = [fleet.onAdded(join), fleet.onRemoved(leave)];
    this.stopWatchingFleet = () => unwatch.forEach((u) => u());
    for (const [index, replica] of fleet.replicas) join(index, replica);
  }

  private onStopped(thread: ReplicaThread): void {
    const stop = thread.stop;
    if (!stop) return;
    const event: DebugProtocol.StoppedEvent = new StoppedEvent(stop.reason, thread.id, stop.exception?.exception.exceptionId);
    // DAP: for an exception, `text` is its name (the UI shows it); the description says what Redis logged.
    event.body.allThreadsStopped = false;
    event.body.preserveFocusHint = false;
    if (stop.hitBreakpointIds.length > 0) event.body.hitBreakpointIds = stop.hitBreakpointIds;
    if (stop.description) event.body.description = stop.description;
    if (stop.exception) event.body.description = `${stop.exception.exception.exceptionId}: ${stop.exception.exception.description}`;
    this.sendEvent(event);
  }

  // ---- breakpoints ------------------------------------------------------------------------------

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const statuses = this.breakpoints.setFunctionBreakpoints(args.breakpoints);
    response.body = { breakpoints: statuses.map((s) => this.toBreakpoint(s)) };
    this.sendResponse(response);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const requested = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    const doc = this.documentOf(args.source);
    if (!doc) {
      response.body = { breakpoints: requested.map(() => ({ verified: false, message: 'only the replication state machine documents have line breakpoints' })) };
      this.sendResponse(response);
      return;
    }
    const statuses = this.breakpoints.setLineBreakpoints(doc, requested.map((b) => ({ ...b, line: this.convertClientLineToDebugger(b.line) })));
    response.body = { breakpoints: statuses.map((s) => this.toBreakpoint(s)) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.exceptionFilters.clear();
    const known = new Set<string>(EXCEPTION_FILTERS.map((f) => f.filter));
    for (const f of args.filters) if (known.has(f)) this.exceptionFilters.add(f as ExceptionFilterId);
    response.body = { breakpoints: args.filters.map((f) => ({ verified: known.has(f), ...(known.has(f) ? {} : { message: `unknown exception filter '${f}'` }) })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    // A variable of a struct (master > reploff) is watched by its dotted name, as a condition reads it.
    const where = args.variablesReference ? this.handles.lookup(args.variablesReference) : undefined;
    const name = where && where.scope !== 'timeouts' ? [...where.path, args.name].join('.') : args.name;
    response.body = DataBreakpoints.canWatch(name)
      ? { dataId: name, description: `${name} changes`, accessTypes: ['write'], canPersist: true }
      : { dataId: null, description: `'${name}' is not a replication variable that can be watched` };
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const statuses = this.dataBreakpoints.set(args.breakpoints);
    for (const t of this.threads.values()) t.primeWatches();
    response.body = { breakpoints: statuses.map((s) => this.toBreakpoint(s)) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    this.guardSync(response, () => {
      const exception = this.thread(args.threadId).stop?.exception;
      if (!exception) throw errors.noException(args.threadId);
      const e = exception.exception;
      response.body = { exceptionId: e.exceptionId, description: e.description, breakMode: 'always', details: e.details };
    });
  }

  // ---- threads, stacks, variables ---------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [...this.threads.values()].map((t) => new Thread(t.id, t.name)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guardSync(response, () => {
      const thread = this.thread(args.threadId);
      const engine = thread.replica.shell.engine;
      // Its own version's document (its rules, its line numbers); every version's until emulate auto knows which.
      const doc = engine.emulation.resolved ? documentOfProfile(engine.profile) : servedDocument('all');
      const frames = stackFrames(doc, thread.point, thread.lastTransition, engine.info.repl_state);
      const start = args.startFrame ?? 0;
      const shown = frames.slice(start, args.levels ? start + args.levels : undefined);
      const source = this.documentSource(doc.key);
      response.body = {
        stackFrames: shown.map((f, i) => new StackFrame(thread.id * FRAMES_PER_THREAD + start + i, f.name, source, this.convertDebuggerLineToClient(f.line), 1)),
        totalFrames: frames.length,
      };
    });
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    this.guardSync(response, () => {
      const ref = args.source?.sourceReference ?? args.sourceReference;
      const doc = documentByReference(ref);
      if (!doc) throw errors.unknownSource();
      response.body = { content: doc.text, mimeType: 'text/plain' };
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guardSync(response, () => {
      const thread = this.thread(Math.floor(args.frameId / FRAMES_PER_THREAD));
      const scopes = scopesOf(thread.replica.shell.engine.profile);
      response.body = { scopes: scopes.map((s) => new Scope(s.name, this.handles.get(thread.id, s.id, []), s.expensive ?? false)) };
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guardSync(response, () => {
      const where = this.handles.lookup(args.variablesReference);
      if (!where) throw errors.unknownVariables(args.variablesReference);
      if (where.scope === 'keyspace') {
        response.body = { variables: this.keyspaceVariables(where.threadId, where.path, args) };
        return;
      }
      const nodes = scopeVariables(where.scope, this.snapshot(this.thread(where.threadId)));
      const children = where.path.length === 0 ? nodes : findNode(nodes, where.path)?.children ?? [];
      response.body = {
        variables: children.map((n) => ({
          name: n.name,
          value: n.value,
          ...(n.type ? { type: n.type } : {}),
          ...(n.evaluateName ? { evaluateName: n.evaluateName } : {}),
          variablesReference: n.children && n.children.length > 0 ? this.handles.get(where.threadId, where.scope, [...where.path, n.name]) : 0,
        })),
      };
    });
  }

  /** A setting (repl_timeout, masterauth) takes effect at once, as CONFIG SET would, stopped or not. */
  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guardSync(response, () => {
      const where = this.handles.lookup(args.variablesReference);
      if (!where) throw errors.unknownVariables(args.variablesReference);
      const configName = where.scope === 'replication' && where.path.length === 0 ? SETTING_VARIABLES.get(args.name) : undefined;
      if (!configName) {
        const settable = [...SETTING_VARIABLES.keys()].join(', ');
        throw errors.setVariable(`'${args.name}' is replication state, not a setting; only ${settable} in Replication can be set`);
      }
      const thread = this.thread(where.threadId);
      const error = thread.replica.shell.engine.configSetNow([[configName, unquote(args.value)]]);
      if (error) throw errors.setVariable(error.replace(/^ERR /, ''));
      const node = scopeVariables('replication', this.snapshot(thread)).find((n) => n.name === args.name)!;
      response.body = { value: node.value, ...(node.type ? { type: node.type } : {}), variablesReference: 0 };
    });
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    await this.guard(response, async () => {
      const threadId = args.frameId !== undefined ? Math.floor(args.frameId / FRAMES_PER_THREAD) : this.threads.keys().next().value;
      if (threadId === undefined) throw errors.evaluate('no replica is running');
      const thread = this.thread(threadId);
      if (args.context === 'repl' && looksLikeCommand(args.expression)) {
        const words = commandWords(args.expression);
        if (!words) throw errors.evaluate('unbalanced quotes in the command');
        response.body = { result: await runCommand(thread.replica.port, words), variablesReference: 0 };
        return;
      }
      const c = compile(args.expression);
      if (!c.ok) throw errors.evaluate(c.message);
      const engine = thread.replica.shell.engine;
      const r = evaluate(c.expr, replicaScope(engine.info, undefined, engine));
      if (!r.ok) throw errors.evaluate(r.message);
      response.body = { result: formatValue(r.value, true), type: typeName(r.value), variablesReference: 0 };
    });
  }

  private keyspaceVariables(threadId: number, path: readonly string[], args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    const shell = this.thread(threadId).replica.shell;
    const nodes = keyspaceChildren(shell.engine.keyspace, path, args.start ?? 0, args.count || Infinity, shell.clock.now());
    return nodes.map((n) => ({
      name: n.name,
      value: n.value,
      ...(n.type ? { type: n.type } : {}),
      ...(n.indexed ? { indexedVariables: n.indexed } : {}),
      variablesReference: n.indexed && n.step !== undefined ? this.handles.get(threadId, 'keyspace', [...path, n.step]) : 0,
    }));
  }

  private snapshot(thread: ReplicaThread): ReplicaSnapshot {
    const shell = thread.replica.shell;
    return {
      info: shell.engine.info,
      replTimeout: shell.engine.config['repl-timeout'],
      masterauthSet: shell.engine.config.masterauth !== null,
      nowMs: shell.clock.now(),
      unreadBytes: shell.engine.bufferedBytes,
      clockHeld: shell.clock.held,
      recent: shell.engine.recentEvents(),
      transfer: shell.engine.transferProgress,
      masterReplTimeout: thread.masterReplTimeout,
      version: thread.versionSnapshot(),
      dataset: { setting: shell.engine.config.dataset, footprint: shell.engine.keyspace.footprint, reason: shell.engine.keyspace.footprintReason },
    };
  }

  // ---- execution ----------------------------------------------------------------------------------

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments): void {
    this.resume(response, args.threadId, (t) => t.continue());
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.resume(response, args.threadId, (t) => t.next());
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.resume(response, args.threadId, (t) => t.stepIn());
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.resume(response, args.threadId, (t) => t.stepOut());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
    this.resume(response, args.threadId, (t) => t.pause());
  }

  /** Answers first, then acts: a stop the action causes must follow its response (as mock-debug orders them). */
  private resume(response: DebugProtocol.Response, threadId: number, act: (t: ReplicaThread) => void): void {
    const thread = this.threads.get(threadId);
    if (!thread) {
      this.fail(response, errors.unknownThread(threadId));
      return;
    }
    if (response.command === 'continue') response.body = { allThreadsContinued: false };
    this.sendResponse(response);
    act(thread);
  }

  // ---- ending ---------------------------------------------------------------------------------------

  /** Launched replicas stop; attached ones are let go and run on in their process. */
  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.closeAll();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.closeAll();
    this.sendResponse(response);
    this.shutdown();
  }

  /** Ends the session's hold on its replicas (also when an attached client just goes away). */
  closeAll(): Promise<void> {
    this.closing ??= (async () => {
      this.stopWatchingFleet?.();
      if (this.summaryTimer) clearTimeout(this.summaryTimer);
      this.summaryTimer = null;
      this.progress.endAll();
      for (const t of this.threads.values()) t.release();
      if (this.ownsFleet) await this.fleet?.stopAll();
    })();
    return this.closing;
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    // The client's column is 1-based (we asked for columnsStartAt1) and counts UTF-16 units, as JS strings do.
    response.body = { targets: completions(args.text, Math.max(0, this.convertClientColumnToDebugger(args.column) - 1)) };
    this.sendResponse(response);
  }

  // ---- custom requests: what a UI needs beyond DAP ---------------------------------------------------

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    await this.guard(response, async () => {
      response.body = await viewRequest(command, (args ?? {}) as Record<string, unknown>, {
        thread: (id) => this.thread(id),
        threads: () => this.threads.values(),
        fleet: () => this.fleetOrFail(),
      });
    });
  }

  /**
   * A state-machine document as frames and breakpoints name it: served by this
   * adapter (a sourceReference, any client), or at the URI an editor already
   * shows it under (VS Code's extension passes `stateMachineUri`, the
   * every-version document, and serves each version's beside it, so a gutter
   * click in any of them before a session is on the same document as the frames').
   */
  private documentSource(key: DocumentKey): Source {
    const doc = servedDocument(key);
    if (this.documentUri) return new Source(doc.fileName, documentUri(this.documentUri, key));
    return new Source(doc.name, undefined, doc.sourceReference, 'redis-replica-debugger');
  }

  /** The document a breakpoint's source names, or undefined for any other source. */
  private documentOf(source: DebugProtocol.Source): ServedDocument | undefined {
    if (source.sourceReference) return documentByReference(source.sourceReference);
    const key = this.documentUri !== null && source.path ? documentKeyOfUri(this.documentUri, source.path) : undefined;
    return key === undefined ? undefined : servedDocument(key);
  }

  /** A registry status as DAP's Breakpoint (a line breakpoint with its document). */
  private toBreakpoint(s: BreakpointStatus): DebugProtocol.Breakpoint {
    const bp: DebugProtocol.Breakpoint = new Breakpoint(s.verified, s.line, undefined, s.document !== undefined ? this.documentSource(s.document) : undefined);
    bp.id = s.id;
    if (s.message !== undefined) bp.message = s.message;
    return bp;
  }

  /** The versions the replicas emulate now (the launch's, before any replica is known). */
  private sessionVersions(): SessionVersions {
    const known = resolvedVersions([...this.threads.values()].map((t) => t.replica.shell.engine));
    if (known !== null) return known;
    return this.launchProfile ? [this.launchProfile] : null;
  }

  /** Replicas came, went or learned their version: breakpoints that now read differently are told again. */
  private updateVersions(): void {
    if (this.closing) return;
    for (const s of this.breakpoints.setVersions(this.sessionVersions())) this.sendEvent(new BreakpointEvent('changed', this.toBreakpoint(s)));
  }

  private fleetOrFail(): ReplicaFleet {
    if (!this.fleet) throw errors.notRunning();
    return this.fleet;
  }

  /** Something changed: views get one replicasChanged event per interval, however busy the stream. */
  private summariesChanged(): void {
    if (this.summaryTimer || this.closing) return;
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = null;
      this.sendEvent(new Event(REPLICAS_CHANGED_EVENT, { replicas: summaries(this.threads.values()) }));
      this.progress.update((id) => this.threads.get(id)?.replica.shell.engine.info);
    }, SUMMARY_INTERVAL_MS);
  }

  // ---- helpers --------------------------------------------------------------------------------------

  private thread(threadId: number): ReplicaThread {
    const t = this.threads.get(threadId);
    if (!t) throw errors.unknownThread(threadId);
    return t;
  }

  private fail(response: DebugProtocol.Response, err: unknown): void {
    if (err instanceof AdapterError) {
      this.sendErrorResponse(response, { id: err.code, format: err.message, showUser: true });
      return;
    }
    // A bug, not a user error: say so with the stack on stderr rather than crash the session.
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    this.sendErrorResponse(response, { id: 9999, format: `internal error: ${err instanceof Error ? err.message : String(err)}`, showUser: true });
  }

  private guardSync(response: DebugProtocol.Response, body: () => void): void {
    try {
      body();
      this.sendResponse(response);
    } catch (err) {
      this.fail(response, err);
    }
  }

  private async guard(response: DebugProtocol.Response, body: () => Promise<void>): Promise<void> {
    try {
      await body();
      this.sendResponse(response);
    } catch (err) {
      this.fail(response, err);
    }
  }
}

/**
 * In the debug console, `GET foo` or `DBSIZE` is a Redis command and `master_repl_offset > 0` an
 * expression: a first word of letters only that no variable is named (Redis command names have no
 * `_` or `.`) makes a command, so a mistyped variable still gets the expression's "did you mean".
 */
function looksLikeCommand(text: string): boolean {
  const first = text.trim().split(/\s+/)[0] ?? '';
  return /^[A-Za-z]+$/.test(first) && !REPLICA_NAMES.includes(first) && !compiles(text);
}

/** A value typed in the Variables view as a string literal ("secret") is the string itself. */
function unquote(text: string): string {
  const t = text.trim();
  return t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) ? t.slice(1, -1) : t;
}

function compiles(text: string): boolean {
  const c = compile(text);
  return c.ok && checkNames(c.expr, REPLICA_NAMES) === undefined;
}

/** A custom event for views (a tree of replicas, a status bar) that follow state without polling. */
export const STATE_CHANGED_EVENT = 'replicaStateChanged';
/** Every replica's summary (the `replicas` request's answer), at most every SUMMARY_INTERVAL_MS while anything changes. */
export const REPLICAS_CHANGED_EVENT = 'replicasChanged';

/** The every-version document's file name when an editor shows it at a URI of its own. */
export { STATE_MACHINE_FILE_NAME };

/** The versions of the engines that know theirs (emulate auto learns it from the master), or null for none. */
function resolvedVersions(engines: readonly { profile: VersionProfile; emulation: { resolved: boolean } }[]): SessionVersions {
  const known = engines.filter((e) => e.emulation.resolved).map((e) => e.profile);
  return known.length > 0 ? known : null;
}

function stateMachineUri(args: Readonly<Record<string, unknown>>): string | null {
  const uri = args['stateMachineUri'];
  return typeof uri === 'string' && uri.endsWith(STATE_MACHINE_FILE_NAME) ? uri : null;
}


function stateChangedEvent(thread: ReplicaThread, t: TransitionRecord): DebugProtocol.Event {
  return new Event(STATE_CHANGED_EVENT, {
    threadId: thread.id, name: thread.name, machine: machineOf(t.to), from: stateName(t.from), to: stateName(t.to), cause: t.cause, message: t.message, seq: t.seq,
  });
}
