// What goes into the sans-IO engine (events), what comes out (actions, log
// lines) and what one step reports (the observable point it reached).
import type { RdbPosition } from '../rdb/decoder';
import type { ApplyOutcome } from '../keyspace/command';
import type { Bytes } from '../rdb/bytes';
import type { ReplyValue } from '../resp/encode';
import type { AnyState, Machine, ReplState, TransitionCause } from './states';

/** A connection the engine asked for; events of an older link are ignored. */
export type LinkId = number;

export type EngineInput =
  | { type: 'connected'; link: LinkId }
  | { type: 'connect-failed'; link: LinkId; error: string }
  | { type: 'data'; link: LinkId; bytes: Buffer }
  | { type: 'closed'; link: LinkId; error?: string }
  | { type: 'cron' }
  | { type: 'replicaof'; host: string; port: number; requestId?: number; client?: string }
  | { type: 'replicaof-no-one'; requestId?: number; client?: string }
  | { type: 'config-set'; pairs: [string, string][]; requestId?: number }
  /**
   * The answer to a probe-master action (emulate auto): the master's INFO
   * server and memory sections, or why they could not be read.
   */
  | { type: 'master-version'; host: string; port: number; info?: string; error?: string }
  /** The temp RDB file of a disk load, read back chunk by chunk (see the rdb-file actions). */
  | { type: 'rdb-file-data'; file: FileId; bytes: Buffer }
  | { type: 'rdb-file-end'; file: FileId }
  | { type: 'rdb-file-error'; file: FileId; error: string };

/** A temp RDB file the engine asked for; events of an abandoned one are ignored. */
export type FileId = number;

export type Action =
  /** `role`: the main link, or the rdb channel of a multi-channel full sync. */
  | { type: 'connect'; link: LinkId; host: string; port: number; tls: boolean; role: 'main' | 'rdb' }
  /**
   * emulate auto: ask the master its version (INFO server and memory) on a
   * side connection that authenticates as the replica does; answer with a
   * master-version input.
   */
  | { type: 'probe-master'; host: string; port: number }
  | { type: 'write'; link: LinkId; bytes: Buffer }
  | { type: 'close'; link: LinkId }
  | { type: 'reply'; requestId: number; reply: ReplyValue }
  /**
   * repl-diskless-load disabled: the payload goes to temp-<unixtime>.<pid>.rdb
   * (created on the first write), is read back for the load once it is complete
   * and verified, then removed.
   */
  | { type: 'rdb-file-write'; file: FileId; unixtime: number; bytes: Buffer }
  | { type: 'rdb-file-load'; file: FileId; chunkSize: number }
  | { type: 'rdb-file-discard'; file: FileId };

/** Redis's log levels, with the marks redis-server prints. */
export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** Clock time in ms. */
  at: number;
}

/** One change of repl_state (or of the rdb channel's state), as recorded by the single transition function. */
export interface TransitionRecord {
  /** 1, 2, 3… per engine, across machines. */
  seq: number;
  /** main: repl_state; rdb-channel / dual-channel: the second connection's state. */
  machine: Machine;
  from: AnyState;
  to: AnyState;
  cause: TransitionCause;
  /** The Redis log line that explains it (the error for failures). */
  message: string;
  /** The logical Redis call path that led here, outermost first. */
  callPath: readonly string[];
  at: number;
}

export type StepPoint =
  | { kind: 'transition'; transition: TransitionRecord }
  /** A handshake or transfer line consumed without a state change (a keepalive newline, the `$` header). */
  | { kind: 'line'; state: ReplState; line: string; callPath: readonly string[] }
  | { kind: 'rdb-chunk'; bytes: number; received: number; callPath: readonly string[] }
  /** The RDB decoder stopped at a pause point (every N bytes) while loading. */
  | { kind: 'rdb-progress'; position: RdbPosition; keysLoaded: number; callPath: readonly string[] }
  /** Bytes of the replication stream read into the master client's query buffer. */
  | { kind: 'read'; bytes: number; read_reploff: number; callPath: readonly string[] }
  | {
      /** The command's arguments as latin1 strings (one character per byte, as the keyspace holds them). */
      kind: 'command'; argv: readonly Bytes[]; db: number; offsetBefore: number; offsetAfter: number; queued: boolean;
      /** What the dataset made of it: ok, Redis's own error, or a divergence. */
      outcome: ApplyOutcome; callPath: readonly string[];
    }
  | { kind: 'cron'; callPath: readonly string[] }
  | { kind: 'user-command'; name: string; callPath: readonly string[] }
  /** Nothing to do until an input arrives. */
  | { kind: 'idle' };

export interface StepResult {
  point: StepPoint;
  actions: Action[];
  logs: LogEntry[];
}
