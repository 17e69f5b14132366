// The replica engine's public face: receive() only queues an input; step()
// advances to the next observable point (a transition, a reply or line read,
// an RDB chunk, a read of the stream, one command, a cron run) and returns it
// with the actions and log lines it produced. Everything not yet reached stays
// buffered, so a stopped replica loses nothing and runs nothing.
import { ConfigSetError, configSet } from '../config/configCommand';
import type { ReplicaConfig } from '../config/replicaConfig';
import { reply, type ReplyValue } from '../resp/encode';
import { ReplicaCore, type EngineDeps, type Emulation, type Link, type Work } from './core';
import { infoReplication } from './infoReplication';
import type { VersionProfile } from '../versions/profile';
import { replicationCron } from './cron';
import { onConnected, onConnectFailed } from './handshake';
import { handlerReadable, onLinkReadable, onRdbLinkConnected, onRdbLinkConnectFailed } from './readHandlers';
import { onMasterVersion } from './versionProbe';
import type { EngineInput, StepPoint, StepResult, TransitionRecord } from './io';
import { replicaofAtStart, replicaofCommand, replicaofNoOne } from './replicaof';
import type { Keyspace } from '../keyspace/keyspace';
import type { ReplicaInfo } from './replicaInfo';
import { ReplState } from './states';
import type { RecentEvent } from './recentEvents';
import { onRdbFile, useDisklessLoad } from './transfer';
import { transferProgress, type TransferProgress } from './transferProgress';

export type ReplicaEngineOptions = EngineDeps;

const IDLE: StepPoint = Object.freeze({ kind: 'idle' });
/** What a taken inbox slot holds until the inbox is compacted. */
const TAKEN: EngineInput = Object.freeze({ type: 'cron' });

export class ReplicaEngine {
  private readonly core: ReplicaCore;
  // A FIFO with a moving head: shift() on a long array (a stopped replica can queue thousands of reads) is O(n).
  private inbox: EngineInput[] = [];
  private inboxHead = 0;
  private work: Work | null = null;
  private inboxBytes = 0;
  private servedRdbLast = false;

  constructor(config: ReplicaConfig, options: ReplicaEngineOptions) {
    this.core = new ReplicaCore({ ...config }, options);
    if (config.replicaof) this.work = replicaofAtStart(this.core, config.replicaof.host, config.replicaof.port);
  }

  /** The replica's dataset (read by the RESP port's read commands). */
  get keyspace(): Keyspace {
    return this.core.keyspace;
  }

  /** The live model. Views read it; only the engine writes it. */
  get info(): Readonly<ReplicaInfo> {
    return this.core.info;
  }

  get config(): Readonly<ReplicaConfig> {
    return this.core.config;
  }

  /** The version this replica emulates. */
  get profile(): VersionProfile {
    return this.core.profile;
  }

  /** How that version was chosen (emulate auto, or configured). */
  get emulation(): Readonly<Emulation> {
    return this.core.emulation;
  }

  /** The version string it reports (INFO server): the master's own under auto, else the profile's. */
  get emulatedVersion(): string {
    return this.core.emulatedVersion;
  }

  /** INFO replication now, as the emulated version prints it. */
  infoReplication(nowMs: number): string {
    const buffer = this.core.replBuffer;
    return infoReplication(this.core.info, this.core.config, nowMs, this.core.profile, { size: buffer.size, peak: buffer.peak });
  }

  /** The local buffer of a multi-channel sync: allocated bytes, peak, bytes held. */
  get replBuffer(): { size: number; peak: number; used: number; blocks: number } {
    const b = this.core.replBuffer;
    return { size: b.size, peak: b.peak, used: b.used, blocks: b.blockCount };
  }

  /** The most recent transitions, oldest first. */
  get transitions(): readonly TransitionRecord[] {
    return this.core.transitions;
  }

  /** The recent events (transitions, wire messages, commands, ACKs, timeouts), newest first. */
  recentEvents(): RecentEvent[] {
    return this.core.recent.list();
  }

  /** useDisklessLoad(): whether a full sync starting now would load from the socket. */
  get disklessLoad(): boolean {
    return useDisklessLoad(this.core);
  }

  /** The transfer's received bytes, rate and RDB load position, read now. */
  get transferProgress(): TransferProgress {
    return transferProgress(this.core);
  }

  /**
   * The REPLCONF ACK a live replica would send now, for the shell to write
   * while the engine is stopped (keepalive mode); null when the replica would
   * send none. Recorded like the cron's: the master's repl_ack_time for us is now.
   */
  keepaliveAck(): Buffer | null {
    const info = this.core.info;
    const master = info.master;
    if (info.repl_state !== ReplState.CONNECTED || !master || master.pre_psync || master.close_after_reply !== null || !this.core.link) return null;
    return this.core.ack(master, ['debugger keepalive', 'replicationSendAck']);
  }

  /** The link the engine is using, if any (the shell checks events against it). */
  get linkId(): number | null {
    return this.core.link?.id ?? null;
  }

  /** The rdb channel of a multi-channel sync, if one is open. */
  get rdbLinkId(): number | null {
    return this.core.rdbLink?.id ?? null;
  }

  /** Bytes received on the links that the replica has not read yet. */
  get unreadBytes(): number {
    return (this.core.link?.input.length ?? 0) + (this.core.rdbLink?.input.length ?? 0);
  }

  /**
   * Bytes received on one link and not read yet: a socket whose reader is
   * this far behind stops being read (the kernel's buffer fills, the master
   * holds the rest), as a busy redis-server's would.
   */
  unreadBytesOf(link: number): number {
    if (this.core.link?.id === link) return this.core.link.input.length;
    if (this.core.rdbLink?.id === link) return this.core.rdbLink.input.length;
    return 0;
  }

  /**
   * Bytes received on one link that the replica has not read: inputs queued
   * for it and its unread input (what a stopped replica holds for that
   * connection). Walks the queue: for views, not for every step.
   */
  bufferedBytesOf(link: number): number {
    let queued = 0;
    for (let i = this.inboxHead; i < this.inbox.length; i++) {
      const input = this.inbox[i]!;
      if (input.type === 'data' && input.link === link) queued += input.bytes.length;
    }
    return queued + this.unreadBytesOf(link);
  }

  receive(input: EngineInput): void {
    if (input.type === 'data' || input.type === 'rdb-file-data') this.inboxBytes += input.bytes.length;
    this.inbox.push(input);
  }

  private nextInput(): EngineInput | undefined {
    if (this.inboxHead >= this.inbox.length) return undefined;
    const input = this.inbox[this.inboxHead]!;
    // The taken slot lets go of its input at once: while inputs keep arriving the inbox may never
    // empty, and a load's file chunks held before the head would add up to the whole RDB.
    this.inbox[this.inboxHead++] = TAKEN;
    if (this.inboxHead === this.inbox.length) {
      this.inbox.length = 0;
      this.inboxHead = 0;
    } else if (this.inboxHead > 1024 && this.inboxHead * 2 > this.inbox.length) {
      this.inbox = this.inbox.slice(this.inboxHead);
      this.inboxHead = 0;
    }
    return input;
  }

  /** Bytes received but not yet read by the replica (queued inputs and the link's input). */
  get bufferedBytes(): number {
    return this.inboxBytes + this.unreadBytes;
  }

  /** Whether step() would do something now. */
  get hasWork(): boolean {
    return this.work !== null || this.inboxHead < this.inbox.length || this.readable();
  }

  step(): StepResult {
    let idleReads = 0;
    for (;;) {
      if (this.work) {
        const r = this.work.next();
        if (!r.done) return { point: r.value, actions: this.core.drainActions(), logs: this.core.drainLogs() };
        // What that work left to run before anything else happens (a load that fails after its sync was aborted).
        this.work = this.core.takeFollowUp();
        continue;
      }
      if (this.readable()) {
        // A handler that neither yields nor consumes would spin here for ever: that is an engine bug.
        if (++idleReads > 2) throw new Error(`engine bug: input readable in ${ReplState[this.core.info.repl_state]} but nothing consumes it`);
        this.work = this.onReadable();
        continue;
      }
      const input = this.nextInput();
      if (!input) return { point: IDLE, actions: this.core.drainActions(), logs: this.core.drainLogs() };
      this.work = this.dispatch(input);
    }
  }

  /** Steps until idle; returns every result (for the shell when nothing is stopped, and for tests). */
  runUntilIdle(limit = 1_000_000): StepResult[] {
    const results: StepResult[] = [];
    for (let i = 0; i < limit; i++) {
      const r = this.step();
      results.push(r);
      if (r.point.kind === 'idle') return results;
    }
    throw new Error(`engine did not become idle within ${limit} steps`);
  }

  /**
   * The link whose read handler has something to read, or null. With two
   * links (a multi-channel sync) they take turns, as a busy event loop
   * serves both sockets.
   */
  private readableLink(): Link | null {
    const core = this.core;
    const first = this.servedRdbLast ? core.link : core.rdbLink;
    const second = first === core.link ? core.rdbLink : core.link;
    for (const link of [first, second]) {
      if (link && link.handler !== null && handlerReadable(core, link)) return link;
    }
    return null;
  }

  private readable(): boolean {
    return this.readableLink() !== null;
  }

  private onReadable(): Work {
    const link = this.readableLink()!;
    this.servedRdbLast = link.role === 'rdb';
    // A read handler outside a blocking load runs in a new turn of the event loop, clock read afresh.
    if (!this.core.loadBlocks) this.core.refreshTime();
    return onLinkReadable(this.core, link);
  }

  /** Turns one input into the work it starts; socket bytes are only buffered. */
  private dispatch(input: EngineInput): Work | null {
    const core = this.core;
    // A blocked load's run of the event loop served what was there; later input waits for the next one.
    core.eventsWindow = false;
    // Input outside a blocking load is a new turn of the event loop: its clock is read afresh.
    if (!core.loadBlocks) core.refreshTime();
    switch (input.type) {
      case 'connected': {
        const link = this.linkOf(input.link);
        if (!link || link.connected) return null;
        link.connected = true;
        if (link.role === 'rdb') return onRdbLinkConnected(core);
        return core.info.repl_state === ReplState.CONNECTING ? onConnected(core) : null;
      }
      case 'connect-failed': {
        const link = this.linkOf(input.link);
        if (!link || link.connected) return null;
        if (link.role === 'rdb') return onRdbLinkConnectFailed(core, input.error);
        return core.info.repl_state === ReplState.CONNECTING ? onConnectFailed(core, input.error) : null;
      }
      case 'data': {
        this.inboxBytes -= input.bytes.length;
        this.linkOf(input.link)?.input.push(input.bytes);
        return null;
      }
      case 'closed': {
        const link = this.linkOf(input.link);
        if (link) {
          link.eof = true;
          link.error = input.error ?? null;
        }
        return null;
      }
      case 'master-version':
        return onMasterVersion(core, input);
      case 'cron':
        return replicationCron(core);
      case 'replicaof':
        return replicaofCommand(core, input.host, input.port, input.client ?? 'config', this.replier(input.requestId));
      case 'replicaof-no-one':
        return replicaofNoOne(core, input.client ?? 'config', this.replier(input.requestId));
      case 'config-set':
        return this.configSetWork(input.pairs, input.requestId);
      case 'rdb-file-data':
        this.inboxBytes -= input.bytes.length;
        return onRdbFile(core, input);
      case 'rdb-file-end':
      case 'rdb-file-error':
        return onRdbFile(core, input);
    }
  }

  /** The engine's link with this id: events of a link it let go are ignored. */
  private linkOf(id: number): Link | null {
    const core = this.core;
    if (core.link?.id === id) return core.link;
    if (core.rdbLink?.id === id) return core.rdbLink;
    return null;
  }

  private replier(requestId: number | undefined): (r: ReplyValue) => void {
    return (r) => {
      if (requestId !== undefined) this.core.emit({ type: 'reply', requestId, reply: r });
    };
  }

  /**
   * The port the RESP server was bound to, when the config asked for any free
   * one (port 0): it is the port REPLCONF listening-port announces, so the
   * master's INFO names a port a client can reach.
   */
  listeningOn(port: number): void {
    this.core.config = { ...this.core.config, port };
  }

  /**
   * CONFIG SET applied at once, outside the step queue: what the debugger's
   * setVariable does on a stopped replica, whose queued CONFIG SET would wait
   * for it to continue. All pairs or none; the error reply's text, or null.
   */
  configSetNow(pairs: [string, string][]): string | null {
    try {
      this.core.config = configSet(this.core.config, pairs, this.core.profile).config;
      return null;
    } catch (err) {
      if (err instanceof ConfigSetError) return err.message;
      throw err;
    }
  }

  private *configSetWork(pairs: [string, string][], requestId: number | undefined): Work {
    const done = this.replier(requestId);
    try {
      this.core.config = configSet(this.core.config, pairs, this.core.profile).config;
      // resizeReplicationBacklog(): a smaller backlog gives up whole blocks at once.
      if (pairs.some(([name]) => name.toLowerCase() === 'repl-backlog-size')) this.core.trimBacklog();
      done(reply.ok());
    } catch (err) {
      done(reply.error(err instanceof Error ? err.message : String(err)));
    }
    yield { kind: 'user-command', name: 'CONFIG SET', callPath: ['configSetCommand'] };
  }
}
