// The replica's state and the primitives Redis's replication.c shares between
// its handlers: the one transition function, connectWithMaster,
// cancelReplicationHandshake, freeing and caching the master client.
// Handlers are generators: every `yield` is an observable point of step().
import type { ReplicaConfig } from '../config/replicaConfig';
import { Keyspace } from '../keyspace/keyspace';
import { encodeCommand } from '../resp/encode';
import { ByteQueue } from './byteQueue';
import { MasterQueryBuffer } from './masterQueryBuffer';
import type { Action, FileId, LinkId, LogEntry, LogLevel, StepPoint, TransitionRecord } from './io';
import type { LoadState } from './rdbLoad';
import { RecentEvents, redactedWords, type RecentTimeoutId } from './recentEvents';
import { initialReplicaInfo, NULL_REPLID, type MasterClientInfo, type ReplicaInfo } from './replicaInfo';
import { findTransition, IllegalTransitionError, isHandshakeState, ReplState, type TransitionCause } from './states';
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
}

export type Work = Generator<StepPoint, void, void>;

/** The connection the replica is using: repl_transfer_s, then server.master->conn. */
export interface Link {
  id: LinkId;
  input: ByteQueue;
  /** The peer closed or the socket failed; reads return this once the input is drained. */
  eof: boolean;
  error: string | null;
}

const TRANSITION_HISTORY = 1000;

/** The cron timeouts, by the cause of the transition they make. */
const TIMEOUT_CAUSES: Partial<Record<TransitionCause, RecentTimeoutId>> = {
  'handshake-timeout': 'connect', 'transfer-timeout': 'transfer', 'master-timeout': 'master',
};
const CRON_ACK = ['replicationCron', 'replicationSendAck'];

export class ReplicaCore {
  readonly info: ReplicaInfo;
  link: Link | null = null;
  transfer: TransferState | null = null;
  /** server.master->querybuf: the stream read but not yet executed. */
  readonly masterQuery = new MasterQueryBuffer({ allowInline: false, maxBulkLength: Infinity });
  /** Commands queued inside MULTI, run at EXEC. */
  multiQueue: Buffer[][] = [];
  readonly transitions: TransitionRecord[] = [];
  /** The replica's dataset. */
  readonly keyspace: Keyspace;
  readonly loadPauseBytes: number;
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

  constructor(
    public config: ReplicaConfig,
    readonly deps: EngineDeps,
  ) {
    this.info = initialReplicaInfo(deps.newReplid());
    this.keyspace = new Keyspace(config.databases);
    this.loadPauseBytes = deps.loadPauseBytes ?? 0;
  }

  newFileId(): FileId {
    return this.nextFile++;
  }

  now(): number {
    return (this.clockMs = this.deps.clock.now());
  }

  /** server.unixtime: Redis compares its replication timeouts in whole seconds. */
  unixtime(): number {
    return Math.floor(this.now() / 1000);
  }

  log(level: LogLevel, message: string): void {
    this.logs.push({ level, message, at: this.now() });
  }

  emit(action: Action): void {
    this.actions.push(action);
  }

  drain(): { actions: Action[]; logs: LogEntry[] } {
    const out = { actions: this.actions, logs: this.logs };
    this.actions = [];
    this.logs = [];
    return out;
  }

  /**
   * The only place repl_state changes. Refuses a pair that is not in the table:
   * that is a bug in the engine, and tests must see it.
   */
  transition(to: ReplState, cause: TransitionCause, message: string, callPath: readonly string[]): StepPoint {
    const from = this.info.repl_state;
    const rule = findTransition(from, to);
    if (!rule || !rule.causes.includes(cause)) throw new IllegalTransitionError(from, to, cause);
    this.info.repl_state = to;
    const record: TransitionRecord = { seq: ++this.seq, from, to, cause, message, callPath, at: this.now() };
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

  write(bytes: Buffer): void {
    if (this.link) this.emit({ type: 'write', link: this.link.id, bytes });
  }

  /** A command to the master (the handshake's), recorded for Recent events with AUTH's password left out. */
  writeCommand(...args: (string | number)[]): void {
    this.write(encodeCommand(args));
    this.recordSent(redactedWords(args));
  }

  recordSent(words: readonly string[]): void {
    this.recent.sent(words, this.now(), this.info.master_repl_offset);
  }

  closeLink(): void {
    if (this.link) this.emit({ type: 'close', link: this.link.id });
    this.link = null;
  }

  /** connectWithMaster(): CONNECT -> CONNECTING with a fresh link. Returns the transition to yield. */
  connectWithMaster(cause: TransitionCause, callPath: readonly string[]): StepPoint | null {
    const host = this.info.masterhost;
    if (host === null) return null;
    const id = this.nextLink++;
    this.link = { id, input: new ByteQueue(), eof: false, error: null };
    this.emit({ type: 'connect', link: id, host, port: this.info.masterport, tls: this.config['tls-replication'] });
    this.info.repl_transfer_lastio = this.unixtime();
    const message = 'MASTER <-> REPLICA sync started';
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
    const state = this.info.repl_state;
    const path = [...callPath, 'cancelReplicationHandshake'];
    if (state === ReplState.TRANSFER) {
      // replicationAbortSyncTransfer(): the temp file goes too.
      const file = this.transfer?.file;
      if (file !== null && file !== undefined) this.emit({ type: 'rdb-file-discard', file });
      this.transfer = null;
      this.closeLink();
    } else if (state === ReplState.CONNECTING || isHandshakeState(state)) {
      this.closeLink();
    } else {
      return false;
    }
    yield this.transition(ReplState.CONNECT, cause, message, path);
    if (reconnect && this.info.masterhost !== null) {
      this.log('notice', `Reconnecting to MASTER ${this.info.masterhost}:${this.info.masterport} after failure`);
      const connecting = this.connectWithMaster('reconnect', path);
      if (connecting) yield connecting;
    }
    return true;
  }

  /** The `error:` label of syncWithMaster: close, and wait for the next cron tick. */
  *handshakeError(cause: TransitionCause, message: string, callPath: readonly string[]): Work {
    this.transfer = null;
    this.closeLink();
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
    this.log('warning', 'Connection with master lost.');
    if (cause !== 'protocol-error') {
      this.log('notice', 'Caching the disconnected master state.');
      this.cacheMaster(master);
      path.push('replicationCacheMaster');
    } else {
      this.masterQuery.clear();
      this.multiQueue = [];
    }
    this.closeLink();
    this.info.master = null;
    path.push('replicationHandleMasterDisconnection');
    this.info.repl_down_since = this.unixtime();
    yield this.transition(ReplState.CONNECT, cause, message, path);
    if (this.info.masterhost !== null) {
      this.log('notice', `Reconnecting to MASTER ${this.info.masterhost}:${this.info.masterport}`);
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
      this.multiQueue = [];
    }
    this.info.cached_master = master;
  }

  /** replicationDiscardCachedMaster(). */
  discardCachedMaster(): void {
    if (!this.info.cached_master) return;
    this.log('notice', 'Discarding previously cached master state.');
    this.info.cached_master = null;
  }

  /** replicationCacheMasterUsingMyself(): a master turned replica may PSYNC with its own history. */
  cacheMasterUsingMyself(): void {
    this.log('notice', 'Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.');
    this.info.master_initial_offset = this.info.master_repl_offset;
    this.info.cached_master = {
      reploff: this.info.master_repl_offset,
      read_reploff: this.info.master_repl_offset,
      replid: this.info.replid,
      lastinteraction: this.unixtime(),
      db: 0,
      multi: false,
      pre_psync: false,
      close_after_reply: null,
      lastcmd: null,
    };
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
    const now = this.unixtime();
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
    this.masterQuery.markApplied(applied, backlog !== null);
    if (!backlog) return;
    backlog.histlen = Math.min(backlog.histlen + applied, this.config['repl-backlog-size']);
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
    this.log('notice', `Setting secondary replication ID to ${this.info.replid2}, valid up to offset: ${this.info.second_replid_offset}. New replication ID is ${this.info.replid}`);
  }

  clearReplicationId2(): void {
    this.info.replid2 = NULL_REPLID;
    this.info.second_replid_offset = -1;
  }
}
