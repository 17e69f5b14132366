// The replica's state and the primitives Redis's replication.c shares between
// its handlers: the one transition function, connectWithMaster,
// cancelReplicationHandshake, freeing and caching the master client.
// Handlers are generators: every `yield` is an observable point of step().
import { loadingEventsInterval, replBacklogSize, type ReplicaConfig } from '../config/replicaConfig';
import { Keyspace } from '../keyspace/keyspace';
import type { VersionProfile } from '../versions/profile';
import { NEWEST, profileById } from '../versions/profiles';
import { wording, type Wording } from '../versions/wording';
import { encodeCommand } from '../resp/encode';
import { ByteQueue } from './byteQueue';
import { MasterQueryBuffer } from './masterQueryBuffer';
import type { MemoryBudget } from './footprint';
import type { Bytes } from '../rdb/bytes';
import type { Action, FileId, LinkId, LogEntry, LogLevel, StepPoint, TransitionRecord } from './io';
import type { LoadState } from './rdbLoad';
import { RecentEvents, redactedWords, type RecentTimeoutId } from './recentEvents';
import { initialReplicaInfo, NULL_REPLID, type MasterClientInfo, type ReplicaInfo } from './replicaInfo';
import { abortChannelSync, channelCleanup } from './channelAbort';
import { ReplBuffer } from './replBuffer';
import {
  channelMachine, DualChannelState, IllegalTransitionError, isHandshakeState, machineOf, phaseOf, RdbChannelState, ReplState,
  transitionTable, type AnyState, type ChannelState, type TransitionCause, type TransitionTable,
} from './states';
import type { TransferState } from './transfer';
import { TransferRate } from './transferRate';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface EngineDeps {
  clock: Clock;
  /** A fresh 40-hex-char replication ID (changeReplicationId()). */
  newReplid: () => string;
  /** While loading an RDB, a step point every this many bytes (0 = only at each read). */
  loadPauseBytes?: number;
  /** The heap this process may use (dataset auto and the load's guard); none: unknown, auto keeps everything. */
  memory?: MemoryBudget;
}

export type Work = Generator<StepPoint, void, void>;

/**
 * The read handler a link has (connSetReadHandler): what reads its bytes.
 * null: none; the bytes wait in the link's input, as in the kernel's buffer.
 */
export type ReadHandler =
  /** The main link's handshake replies (syncWithMaster). */
  | 'syncWithMaster'
  /** The RDB payload: the main link in a classic sync, the rdb link in a multi-channel one. */
  | 'readSyncBulkPayload'
  /** The master client's stream. */
  | 'readQueryFromClient'
  /** The rdb link's handshake (rdbChannelFullSyncWithMaster / fullSyncWithPrimary). */
  | 'rdbChannelHandshake'
  /** The main link while the RDB loads: the stream goes to the local buffer. */
  | 'bufferReplData'
  /** Valkey: the main link's second pass, set-rdb-client-id and PSYNC at the end offset. */
  | 'setupMainConnForPsync';

/**
 * A connection to the master: the main one (repl_transfer_s, then
 * server.master->conn) or the rdb channel of a multi-channel sync
 * (repl_rdb_transfer_s).
 */
export interface Link {
  id: LinkId;
  role: 'main' | 'rdb';
  input: ByteQueue;
  /** The peer closed or the socket failed; reads return this once the input is drained. */
  eof: boolean;
  error: string | null;
  /** A write went to the link after its peer closed: the next one fails (EPIPE). */
  wroteAfterEof?: boolean;
  handler: ReadHandler | null;
  /** The connect event arrived. */
  connected: boolean;
}

/** A version probe in flight (emulate auto): the connect it holds back. */
export interface VersionProbe {
  target: string;
  cause: TransitionCause;
  callPath: readonly string[];
}

const TRANSITION_HISTORY = 1000;
// Frozen, so that a consumer that pushed into a step's shared empty result would fail loudly.
const NO_ACTIONS = Object.freeze([]) as unknown as Action[];
const NO_LOGS = Object.freeze([]) as unknown as LogEntry[];

/** The cron timeouts, by the cause of the transition they make. */
const TIMEOUT_CAUSES: Partial<Record<TransitionCause, RecentTimeoutId>> = {
  'handshake-timeout': 'connect', 'transfer-timeout': 'transfer', 'master-timeout': 'master',
};
const CRON_ACK = ['replicationCron', 'replicationSendAck'];

/** How the emulated version was chosen. */
export interface Emulation {
  /** emulate auto: whether the version is known yet (for the master in `for`). */
  resolved: boolean;
  /** host:port of the master it was resolved for (auto re-resolves for another master). */
  for: string | null;
  /** Why this version, as logged. */
  reason: string;
  /** The master's own version string when it was read (INFO server reports it as ours). */
  masterVersion: string | null;
  /** The master could not be asked: the first RDB's producer refines the choice. */
  refineFromRdb: boolean;
  /** The master's INFO memory when it was asked (used_memory_dataset, else used_memory): dataset auto's evidence. */
  masterUsedMemory: number | null;
}

export class ReplicaCore {
  readonly info: ReplicaInfo;
  /** The version whose replica this is (a profile of src/versions). */
  profile: VersionProfile;
  /** Its legal transitions. */
  table: TransitionTable;
  readonly emulation: Emulation;
  /** The main link. */
  link: Link | null = null;
  /** The rdb channel of a multi-channel full sync. */
  rdbLink: Link | null = null;
  /** The local buffer of a multi-channel full sync. */
  readonly replBuffer = new ReplBuffer();
  /** emulate auto: the master is being asked its version; the connect waits. */
  versionProbe: VersionProbe | null = null;
  /** Redis 8.6: this handshake sent REPLCONF rdb-no-compress (its reply is read in RECEIVE_REQ_REPLY). */
  handshakeSentReq = false;
  /** Bytes of the local buffer the last multi-channel sync streamed into the dataset. */
  streamedBytes = 0;
  /**
   * A blocked load ran the event loop (processEventsWhileBlocked): the main
   * channel may read once. Closed by that read.
   */
  eventsWindow = false;
  /** An ACK queued in the master client's output buffer, not written yet. */
  private deferredAck: Buffer | null = null;
  /** Work to run as soon as the current work ends, before any new input. */
  private followUp: Work | null = null;
  transfer: TransferState | null = null;
  /** server.master->querybuf: the stream read but not yet executed. */
  readonly masterQuery = new MasterQueryBuffer({ allowInline: false, maxBulkLength: Infinity });
  /** Commands queued inside MULTI, run at EXEC. */
  multiQueue: Bytes[][] = [];
  readonly transitions: TransitionRecord[] = [];
  /** The replica's dataset. */
  readonly keyspace: Keyspace;
  readonly loadPauseBytes: number;
  readonly memory: MemoryBudget | null;
  /** What the debugger lists under Recent events: a bounded ring, recorded by reference. */
  readonly recent = new RecentEvents();
  /** Samples of the payload received, for the transfer's rate. */
  readonly transferRate = new TransferRate();
  /** The latest RDB load, kept after it ends: its decoder knows where it is (or stopped). */
  lastLoad: LoadState | null = null;
  /**
   * The clock's last reading (ms). A command's event takes its time from here
   * (its apply read the clock, or the read that brought it did): one more
   * clock read per command would cost more than the rest of the recording.
   */
  clockMs = 0;

  private actions: Action[] = [];
  private logs: LogEntry[] = [];
  private seq = 0;
  private nextLink = 1;
  private nextFile = 1;
  private newlineSentAt = 0;
  private words: Wording;
  /** server.unixtime while the cache is held (a blocking load), else null. */
  private cachedUnixtime: number | null = null;

  constructor(
    public config: ReplicaConfig,
    readonly deps: EngineDeps,
  ) {
    this.info = initialReplicaInfo(deps.newReplid());
    const fixed = config.emulate === 'auto' ? undefined : profileById(config.emulate);
    // Until auto has asked the master, the newest Redis stands in (its INFO fields are a superset).
    this.profile = fixed ?? NEWEST.redis;
    this.table = transitionTable(this.profile);
    this.emulation = {
      resolved: fixed !== undefined,
      for: null,
      reason: fixed ? `emulate ${fixed.id} (configured)` : 'emulate auto: the master has not been asked yet',
      masterVersion: null,
      refineFromRdb: false,
      masterUsedMemory: null,
    };
    this.keyspace = new Keyspace(config.databases, this.profile);
    // Until a load decides (auto), the footprint the views show is the configured one.
    const configured = config.dataset === 'auto' ? null : config.dataset;
    this.keyspace.footprint = configured ?? 'full';
    this.keyspace.footprintReason = configured ? `dataset ${configured} is configured` : 'dataset auto: chosen when a full sync loads (nothing loaded yet)';
    this.words = wording(this.profile);
    this.info.repl_rdb_ch_state = channelNone(this.profile);
    this.loadPauseBytes = deps.loadPauseBytes ?? 0;
    this.memory = deps.memory ?? null;
  }

  /** How this version names its master in the log (MASTER, or Valkey 8's PRIMARY). */
  get w(): Wording {
    return this.words;
  }

  newFileId(): FileId {
    return this.nextFile++;
  }

  now(): number {
    return (this.clockMs = this.deps.clock.now());
  }

  /**
   * server.unixtime: Redis compares its replication timeouts in whole seconds,
   * and reads a cached clock. A blocking load caches it as it starts
   * (blockingOperationStarts) and nothing refreshes it until the event loop
   * runs again, so a sync that ends a long load stamps its link-up and last
   * interaction with the second the load began.
   */
  unixtime(): number {
    return this.cachedUnixtime ?? Math.floor(this.now() / 1000);
  }

  /** time(NULL): the clock itself, in whole seconds, where Redis reads it uncached. */
  timeNull(): number {
    return Math.floor(this.now() / 1000);
  }

  /** blockingOperationStarts(), or processEventsWhileBlocked's afterSleep(): the cache takes the clock now and keeps it. */
  cacheTime(): void {
    this.cachedUnixtime = Math.floor(this.now() / 1000);
  }

  /** The event loop runs again: the clock is read afresh. */
  refreshTime(): void {
    this.cachedUnixtime = null;
  }

  log(level: LogLevel, message: string): void {
    this.logs.push({ level, message, at: this.now() });
  }

  emit(action: Action): void {
    this.actions.push(action);
  }

  /** What the step produced. Most steps (a command) produce nothing: they share one frozen empty array. */
  drainActions(): Action[] {
    const out = this.actions;
    if (out.length === 0) return NO_ACTIONS;
    this.actions = [];
    return out;
  }

  drainLogs(): LogEntry[] {
    const out = this.logs;
    if (out.length === 0) return NO_LOGS;
    this.logs = [];
    return out;
  }

  /** Becomes a replica of another version (emulate auto, once the master's version is known). */
  setProfile(profile: VersionProfile): void {
    this.profile = profile;
    this.table = transitionTable(profile);
    this.keyspace.dialect = profile;
    this.words = wording(profile);
    if (phaseOf(this.info.repl_rdb_ch_state) === 'NONE') this.info.repl_rdb_ch_state = channelNone(profile);
  }

  /** The version this replica says it is: the master's own (auto) or the profile's. */
  get emulatedVersion(): string {
    return this.emulation.masterVersion ?? this.profile.version;
  }

  /** repl-backlog-size in effect: configured, or this version's default. */
  get replBacklogSize(): number {
    return replBacklogSize(this.config, this.profile.defaults['repl-backlog-size']);
  }

  /**
   * The only place repl_state (or the rdb channel's state) changes. Refuses a
   * pair that is not in this version's table: that is a bug in the engine, and
   * tests must see it.
   */
  transition(to: AnyState, cause: TransitionCause, message: string, callPath: readonly string[]): StepPoint {
    const machine = machineOf(to);
    const from: AnyState = machine === 'main' ? this.info.repl_state : this.info.repl_rdb_ch_state;
    const rule = this.table.find(from, to);
    if (!rule || !rule.causes.includes(cause)) throw new IllegalTransitionError(from, to, cause, this.profile);
    if (machine === 'main') this.info.repl_state = to as ReplState;
    else this.info.repl_rdb_ch_state = to as ChannelState;
    const record: TransitionRecord = { seq: ++this.seq, machine, from, to, cause, message, callPath, at: this.now() };
    this.transitions.push(record);
    if (this.transitions.length > TRANSITION_HISTORY) this.transitions.shift();
    const timeout = TIMEOUT_CAUSES[cause];
    if (timeout) this.recent.timeout(timeout, message, callPath, record.at, this.info.master_repl_offset);
    this.recent.transition(record, this.info.master_repl_offset);
    // The master puts a replica online with repl_ack_time = now ("prevent false timeout"), at +CONTINUE or the RDB's end.
    if (to === ReplState.CONNECTED) this.info.repl_ack_time = Math.floor(record.at / 1000);
    return { kind: 'transition', transition: record };
  }

  /** Records a failure for the views, and logs it as Redis does. */
  fail(message: string, level: LogLevel = 'warning'): void {
    this.log(level, message);
    this.info.last_error = { at: this.now(), message };
  }

  /**
   * Bytes to the master. None reach a link whose peer has closed: the first
   * write after the close still "succeeds" (the kernel takes it; the peer
   * answers RST), the next fails with EPIPE. Returns whether it succeeded.
   */
  write(bytes: Buffer): boolean {
    const link = this.link;
    if (!link) return false;
    if (link.eof) {
      if (link.wroteAfterEof) return false;
      link.wroteAfterEof = true;
      return true;
    }
    this.emit({ type: 'write', link: link.id, bytes });
    return true;
  }

  /** A command to the master (the handshake's), recorded for Recent events with AUTH's password left out. */
  writeCommand(...args: (string | number)[]): void {
    this.write(encodeCommand(args));
    this.recordSent(redactedWords(args));
  }

  /** A command on the rdb channel. */
  writeRdbCommand(...args: (string | number)[]): void {
    if (this.rdbLink) this.emit({ type: 'write', link: this.rdbLink.id, bytes: encodeCommand(args) });
    this.recordSent(redactedWords(args));
  }

  /** Raw bytes on the rdb channel (the inline SYNC of a dual-channel sync). */
  writeRdbRaw(bytes: Buffer, words: readonly string[]): void {
    if (this.rdbLink) this.emit({ type: 'write', link: this.rdbLink.id, bytes });
    this.recordSent(words);
  }

  /**
   * emulate auto: before the first connect to a master, ask it its version
   * (a probe-master action; the master-version input resumes the connect).
   * Returns whether the connect must wait for that answer.
   */
  probeVersionFirst(cause: TransitionCause, callPath: readonly string[]): boolean {
    if (this.versionProbe) return true;
    const host = this.info.masterhost;
    if (host === null || this.config.emulate !== 'auto') return false;
    const target = `${host}:${this.info.masterport}`;
    if (this.emulation.for === target) return false;
    this.versionProbe = { target, cause, callPath };
    this.emulation.resolved = false;
    this.log('verbose', `Asking ${target} for its version (INFO server) to emulate a replica of it`);
    this.emit({ type: 'probe-master', host, port: this.info.masterport });
    return true;
  }

  /** Opens a connection to the master for `role`; its events come tagged with the returned link. */
  openLink(role: 'main' | 'rdb', handler: ReadHandler | null): Link {
    const link: Link = { id: this.nextLink++, role, input: new ByteQueue(), eof: false, error: null, handler, connected: false };
    if (role === 'main') this.link = link;
    else this.rdbLink = link;
    this.emit({ type: 'connect', link: link.id, host: this.info.masterhost!, port: this.info.masterport, tls: this.config['tls-replication'], role });
    return link;
  }

  closeRdbLink(): void {
    if (this.rdbLink) this.emit({ type: 'close', link: this.rdbLink.id });
    this.rdbLink = null;
  }

  recordSent(words: readonly string[]): void {
    this.recent.sent(words, this.now(), this.info.master_repl_offset);
  }

  closeLink(): void {
    if (this.link) this.emit({ type: 'close', link: this.link.id });
    this.link = null;
  }

  /**
   * connectWithMaster(): CONNECT -> CONNECTING with a fresh link. Returns the
   * transition to yield, or null when there is no master or (emulate auto)
   * the master's version is being asked first: the connect follows the answer.
   */
  connectWithMaster(cause: TransitionCause, callPath: readonly string[]): StepPoint | null {
    const host = this.info.masterhost;
    if (host === null) return null;
    if (this.probeVersionFirst(cause, callPath)) return null;
    this.info.repl_current_sync_attempts++;
    this.info.repl_total_sync_attempts++;
    this.openLink('main', 'syncWithMaster');
    this.info.repl_transfer_lastio = this.unixtime();
    const message = `${this.w.MASTER} <-> REPLICA sync started`;
    const point = this.transition(ReplState.CONNECTING, cause, message, [...callPath, 'connectWithMaster']);
    this.log('notice', message);
    return point;
  }

  /**
   * cancelReplicationHandshake(): abort a connect, handshake or transfer and go
   * back to CONNECT; with `reconnect`, connect again at once instead of waiting
   * for the next cron tick. Returns whether there was anything to cancel.
   */
  *cancelReplicationHandshake(reconnect: boolean, cause: TransitionCause, message: string, callPath: readonly string[]): Generator<StepPoint, boolean, void> {
    const path = [...callPath, 'cancelReplicationHandshake'];
    // A multi-channel sync ends first; a Redis load in progress ends it later (asynchronously).
    if (phaseOf(this.info.repl_rdb_ch_state) !== 'NONE') {
      const done = yield* abortChannelSync(this, cause, message, path);
      if (!done) return true;
    }
    const state = this.info.repl_state;
    if (state === ReplState.TRANSFER) {
      // replicationAbortSyncTransfer(): the temp file goes too.
      const file = this.transfer?.file;
      if (file !== null && file !== undefined) this.emit({ type: 'rdb-file-discard', file });
      this.transfer = null;
      this.closeLink();
      if (this.info.repl_disconnect_start_time === 0) this.info.repl_disconnect_start_time = this.unixtime();
    } else if (state === ReplState.CONNECTING || isHandshakeState(state)) {
      this.closeLink();
    } else {
      return false;
    }
    yield this.transition(ReplState.CONNECT, cause, message, path);
    if (reconnect && this.info.masterhost !== null) {
      this.log('notice', `Reconnecting to ${this.w.MASTER} ${this.info.masterhost}:${this.info.masterport} after failure`);
      const connecting = this.connectWithMaster('reconnect', path);
      if (connecting) yield connecting;
    }
    return true;
  }

  /** The `error:` label of syncWithMaster: close, and wait for the next cron tick. */
  *handshakeError(cause: TransitionCause, message: string, callPath: readonly string[]): Work {
    const file = this.transfer?.file;
    if (file !== null && file !== undefined) this.emit({ type: 'rdb-file-discard', file });
    this.transfer = null;
    this.closeLink();
    this.closeRdbLink();
    yield this.transition(ReplState.CONNECT, cause, message, callPath);
  }

  /**
   * freeClient(server.master): the link is gone. Unless it was a protocol
   * error the master is cached for a later PSYNC; then
   * replicationHandleMasterDisconnection() reconnects at once (if still a replica).
   */
  *freeMaster(cause: TransitionCause, message: string, callPath: readonly string[]): Work {
    const master = this.info.master;
    if (!master) return;
    const path = [...callPath, 'freeClient'];
    this.log(this.profile.has('replication-notices') ? 'notice' : 'warning', `Connection with ${this.w.master} lost.`);
    if (cause !== 'protocol-error') {
      this.log('notice', `Caching the disconnected ${this.w.master} state.`);
      this.cacheMaster(master);
      path.push('replicationCacheMaster');
    } else {
      this.masterQuery.clear();
      this.multiQueue = [];
    }
    this.closeLink();
    this.info.master = null;
    path.push('replicationHandleMasterDisconnection');
    const info = this.info;
    if (info.repl_state === ReplState.CONNECTED) info.repl_current_sync_attempts = 0;
    info.repl_down_since = this.unixtime();
    info.repl_up_since = 0;
    if (info.repl_disconnect_start_time === 0) info.repl_disconnect_start_time = info.repl_down_since;
    this.deferredAck = null;
    yield this.transition(ReplState.CONNECT, cause, message, path);
    // Streaming the buffer of an rdb-channel sync when the master went: that sync is over (rdbChannelCleanup).
    if (info.repl_main_ch_state.streaming) {
      channelCleanup(this);
      yield this.transition(channelNone(this.profile), 'rdb-channel-abort', message, [...path, 'rdbChannelCleanup']);
    }
    if (this.info.masterhost !== null) {
      this.log('notice', `Reconnecting to ${this.w.MASTER} ${this.info.masterhost}:${this.info.masterport}`);
      const connecting = this.connectWithMaster('reconnect', path);
      if (connecting) yield connecting;
    }
  }

  /** replicationCacheMaster(): drop what was read but not applied, and any open MULTI. */
  private cacheMaster(master: MasterClientInfo): void {
    this.masterQuery.clear();
    master.read_reploff = master.reploff;
    if (master.multi) {
      master.multi = false;
      master.multi_dirty = false;
      this.multiQueue = [];
    }
    this.info.cached_master = master;
  }

  /** replicationDiscardCachedMaster(). */
  discardCachedMaster(): void {
    if (!this.info.cached_master) return;
    this.log('notice', `Discarding previously cached ${this.w.master} state.`);
    this.info.cached_master = null;
  }

  /** replicationCacheMasterUsingMyself(): a master turned replica may PSYNC with its own history. */
  cacheMasterUsingMyself(): void {
    const m = this.w.master;
    this.log('notice', `Before turning into a replica, using my own ${m} parameters to synthesize a cached ${m}: I may be able to synchronize with the new ${m} with just a partial transfer.`);
    this.info.master_initial_offset = this.info.master_repl_offset;
    this.info.cached_master = {
      reploff: this.info.master_repl_offset,
      read_reploff: this.info.master_repl_offset,
      replid: this.info.replid,
      lastinteraction: this.unixtime(),
      db: 0,
      multi: false,
      multi_dirty: false,
      pre_psync: false,
      close_after_reply: null,
      lastcmd: null,
    };
  }

  /** Runs `work` right after the current work (the engine asks with takeFollowUp()). */
  then(work: Work): void {
    this.followUp = work;
  }

  takeFollowUp(): Work | null {
    const work = this.followUp;
    this.followUp = null;
    return work;
  }

  /** loading-process-events-interval-bytes in effect. */
  get loadingEventsInterval(): number {
    return loadingEventsInterval(this.config, this.profile.defaults['loading-process-events-interval-bytes']);
  }

  /** A load blocks the replica (the event loop runs only at loading-process-events-interval-bytes). */
  get loadBlocks(): boolean {
    const load = this.transfer?.load;
    return load !== null && load !== undefined;
  }

  /** An ACK made now (its offset is now's) that reaches the socket when the output buffer is flushed. */
  deferAck(callPath: readonly string[]): void {
    const master = this.info.master;
    if (master && master.close_after_reply === null && this.link) this.deferredAck = this.ack(master, callPath);
  }

  /**
   * The master client's output buffer is flushed (beforeSleep): false when
   * the write fails on a dead link (Redis then frees the master client).
   */
  flushOutput(): boolean {
    const bytes = this.deferredAck;
    this.deferredAck = null;
    if (!bytes || !this.link) return true;
    return this.write(bytes);
  }

  /** REPLCONF ACK <reploff> (never to a master flagged close-after-reply). */
  sendAck(callPath: readonly string[] = CRON_ACK): void {
    const master = this.info.master;
    if (master && master.close_after_reply === null && this.link) this.write(this.ack(master, callPath));
  }

  /**
   * The ACK's bytes, recorded: the master sets its repl_ack_time for this
   * replica when it reads one, and drops a replica whose ACK is older than its
   * repl-timeout, so repl_ack_time is when we sent the last one.
   */
  ack(master: MasterClientInfo, callPath: readonly string[]): Buffer {
    this.info.repl_ack_time = this.unixtime();
    this.recent.ack(master.reploff, callPath, this.clockMs, this.info.master_repl_offset);
    return encodeCommand(['REPLCONF', 'ACK', master.reploff]);
  }

  /** replicationSendNewlineToMaster(): "\n" at most once a second while flushing or loading. */
  sendNewlineToMaster(): void {
    // replicationSendNewlineToMaster() throttles on time(NULL), and the master stamps its own clock.
    const now = this.timeNull();
    if (now === this.newlineSentAt) return;
    this.newlineSentAt = now;
    this.write(Buffer.from('\n'));
    // An empty line from a replica also refreshes the master's repl_ack_time (processInlineBuffer).
    this.info.repl_ack_time = now;
    this.recordSent(['\n']);
  }

  /** replicationAttachToNewMaster(): a full sync replaces our history, cached master and backlog. */
  attachToNewMaster(): void {
    this.discardCachedMaster();
    this.info.repl_backlog = null;
  }

  /** Applied stream bytes go to master_repl_offset and the backlog (replicationFeedStreamFromMasterStream). */
  feedBacklog(applied: number): void {
    this.info.master_repl_offset += applied;
    const backlog = this.info.repl_backlog;
    const added = this.masterQuery.markApplied(applied, backlog !== null);
    if (!backlog) return;
    backlog.histlen += applied;
    if (added) this.trimBacklog();
  }

  /** incrementalTrimReplicationBacklog(), and the first byte's offset after it. */
  trimBacklog(): void {
    const backlog = this.info.repl_backlog;
    if (!backlog) return;
    backlog.histlen = this.masterQuery.trimBacklog(backlog.histlen, this.replBacklogSize);
    backlog.offset = this.info.master_repl_offset - backlog.histlen + 1;
  }

  createBacklogIfMissing(): void {
    if (this.info.repl_backlog) return;
    this.info.repl_backlog = { offset: this.info.master_repl_offset + 1, histlen: 0 };
    this.masterQuery.newBacklog();
  }

  /** shiftReplicationId(): keep the old history as replid2, start a new one. */
  shiftReplicationId(): void {
    this.info.replid2 = this.info.replid;
    this.info.second_replid_offset = this.info.master_repl_offset + 1;
    this.info.replid = this.deps.newReplid();
    this.log(this.profile.has('replication-notices') ? 'notice' : 'warning', `Setting secondary replication ID to ${this.info.replid2}, valid up to offset: ${this.info.second_replid_offset}. New replication ID is ${this.info.replid}`);
  }

  clearReplicationId2(): void {
    this.info.replid2 = NULL_REPLID;
    this.info.second_replid_offset = -1;
  }
}

/** The NONE state of a version's rdb channel machine (Redis's by default). */
export function channelNone(profile: VersionProfile): ChannelState {
  return channelMachine(profile) === 'dual-channel' ? DualChannelState.NONE : RdbChannelState.NONE;
}
