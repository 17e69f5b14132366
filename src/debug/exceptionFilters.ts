// Exception breakpoints: what went wrong in replication, by category. A failure
// is a transition with a cause (DESIGN principle 8), so the category is read
// off the record the engine already keeps; nothing here watches the engine.
// Two moments of a multi-channel sync change no state, and are read off the
// step's Redis log lines instead (classifyStep): the local buffer reaching its
// limit, and a main channel that fails while Redis loads the RDB (the abort
// waits for the load to end).
import type { LogEntry, StepPoint, StepResult, TransitionRecord } from '../engine/io';
import { stateName, type TransitionCause } from '../engine/states';

export type ExceptionFilterId =
  | 'timeout' | 'link-error' | 'auth-error' | 'protocol-error' | 'full-resync' | 'rdb-error' | 'divergence' | 'multi-channel';

/** Shaped as DAP's ExceptionBreakpointsFilter, for the initialize response. */
export interface ExceptionFilter {
  filter: ExceptionFilterId;
  label: string;
  description: string;
  /**
   * On by default only where something is broken, not merely retried: a
   * corrupt stream, a refused RDB, a dataset that is no longer the master's.
   */
  default: boolean;
}

export const EXCEPTION_FILTERS: readonly ExceptionFilter[] = [
  { filter: 'timeout', label: 'Timeouts', default: false,
    description: 'repl-timeout expired: while connecting or in the handshake, while receiving the RDB, or with no data nor PING from the master' },
  { filter: 'link-error', label: 'Link errors', default: false,
    description: 'The link to the master failed: connect error, link lost, no reply, a refused PING, or an aborted transfer' },
  { filter: 'auth-error', label: 'Authentication and ACL errors', default: false,
    description: 'The master refused masterauth/masteruser (AUTH), or refused the replica a command with -NOAUTH, -NOPERM or -WRONGPASS' },
  { filter: 'protocol-error', label: 'Protocol errors', default: true,
    description: 'The master sent something a replica cannot parse: a bad payload header, inline protocol in the stream, an impossible PSYNC reply' },
  { filter: 'full-resync', label: 'Full resync instead of partial', default: false,
    description: 'The replica asked to continue with PSYNC <replid> <offset> and the master answered +FULLRESYNC' },
  { filter: 'rdb-error', label: 'RDB load errors', default: true,
    description: 'The RDB payload from the master could not be loaded (corrupt, truncated, wrong checksum or version)' },
  { filter: 'divergence', label: 'Dataset divergence', default: true,
    description: 'A replicated command could not be reproduced: its keys are unknown until the next full sync' },
  // Off, like link errors: Redis and Valkey retry a failed multi-channel sync (at once or at the next cron).
  { filter: 'multi-channel', label: 'Multi-channel sync failures', default: false,
    description: 'Redis 8 rdb channel / Valkey 8 dual channel: the rdb channel could not connect or its handshake or reply failed ' +
      '(a malformed $ENDOFF too), the main channel failed while buffering, the sync was aborted, or the local buffer reached its limit ' +
      '(a notice: the replica stops reading the main channel and the master holds the rest)' },
];

/** Shaped as DAP's ExceptionInfoResponse body, less breakMode (the session's to set). */
export interface ReplicationException {
  /** A short title, as a language's exception class name. */
  exceptionId: string;
  /**
   * What Redis logged (the transition's message): for a protocol error in the
   * stream, its first line (afterErrorReply's "== CRITICAL == …", or
   * processInlineBuffer's WARNING for inline data). A divergence is the
   * engine's own line: redis-server applies the command and logs nothing.
   */
  description: string;
  cause: TransitionCause | 'diverged' | 'buffer-limit' | 'main-channel-error';
  details: {
    message: string;
    typeName: string;
    /** `REPL_STATE_X -> REPL_STATE_Y (cause)`, or the command for a divergence. */
    fullTypeName: string;
    /** The Redis call path, innermost first, one function a line (as a stack reads). */
    stackTrace: string;
  };
}

export interface Classified {
  filter: ExceptionFilterId;
  /** Other categories it belongs to (an AUTH refused on the rdb channel is an auth error and a multi-channel failure). */
  also: readonly ExceptionFilterId[];
  exception: ReplicationException;
}

const TITLES: Readonly<Record<ExceptionFilterId, string>> = {
  timeout: 'ReplicationTimeout', 'link-error': 'MasterLinkError', 'auth-error': 'MasterAuthError',
  'protocol-error': 'MasterProtocolError', 'full-resync': 'FullResyncInsteadOfPartial', 'rdb-error': 'RdbLoadError',
  divergence: 'DatasetDivergence', 'multi-channel': 'MultiChannelSyncError',
};

const BY_CAUSE: Partial<Readonly<Record<TransitionCause, ExceptionFilterId>>> = {
  'handshake-timeout': 'timeout', 'transfer-timeout': 'timeout', 'master-timeout': 'timeout',
  'connect-error': 'link-error', 'link-lost': 'link-error', 'no-response': 'link-error', 'transfer-error': 'link-error',
  'ping-error': 'link-error',
  'auth-error': 'auth-error', 'protocol-error': 'protocol-error', 'rdb-error': 'rdb-error',
  // The rdb channel's own failures (connect, handshake, replies, $ENDOFF), the main channel's while it buffers, and the
  // end of a sync another failure cut short: the record's message is the failure's own log line.
  'rdb-channel-error': 'multi-channel', 'rdb-channel-abort': 'multi-channel',
};

/** The call path of REPLICAOF: a sync it cancels is the person's doing, not a failure. */
const USER_CANCEL = 'replicaofCommand';

/**
 * An ACL refusal in a failure's message. A PING answered -NOAUTH/-NOPERM is
 * accepted (Redis goes on to AUTH), and a PSYNC answered -NOPERM falls back to
 * SYNC; the failure comes when SYNC is refused too ("MASTER aborted replication
 * with an error: NOPERM …", a transfer error), and that is an auth error.
 */
const ACL_REFUSAL = /(?:^|[\s'(:-])(NOAUTH|NOPERM|WRONGPASS)\b/;

const PARTIAL_REQUESTED = /\(a partial resync was requested with PSYNC (\S+) (-?\d+)\)$/;
const FULL_FROM = /^Full resync from master: ([^:]+):(-?\d+)/;

/** Why a master answers +FULLRESYNC to PSYNC <id> <offset> (masterTryPartialResynchronization's checks). */
function fullResyncReason(message: string, requestedId: string, requestedOffset: bigint): string {
  const full = FULL_FROM.exec(message);
  if (!full) return 'the master answered +FULLRESYNC (with a malformed reply)';
  const [, id, offset] = full;
  if (id !== requestedId) {
    return `the master does not continue replication ID ${requestedId} (its ID is ${id}): it was restarted or replaced, or this replica followed another master`;
  }
  // The backlog ends at master_repl_offset + 1, the next byte the master will write.
  if (requestedOffset > BigInt(offset!) + 1n) {
    return `the requested offset ${requestedOffset} is past the master's offset ${offset}: the replica has history the master does not`;
  }
  return `the requested offset ${requestedOffset} is no longer in the master's backlog (or it has none); a larger repl-backlog-size keeps more history`;
}

function build(filter: ExceptionFilterId, t: TransitionRecord, message: string, also: readonly ExceptionFilterId[] = []): Classified {
  return {
    filter,
    also,
    exception: {
      exceptionId: TITLES[filter],
      description: t.message,
      cause: t.cause,
      details: {
        message,
        typeName: TITLES[filter],
        fullTypeName: `${stateName(t.from)} -> ${stateName(t.to)} (${t.cause})`,
        stackTrace: [...t.callPath].reverse().join('\n'),
      },
    },
  };
}

/** The exception category of a transition, or null for a transition that is not a failure. */
export function classify(t: TransitionRecord): Classified | null {
  if (t.cause === 'full-resync') {
    const requested = PARTIAL_REQUESTED.exec(t.message);
    if (!requested) return null;
    const reason = fullResyncReason(t.message, requested[1]!, BigInt(requested[2]!));
    return build('full-resync', t, `Full resync instead of partial: ${reason}`);
  }
  let filter = BY_CAUSE[t.cause];
  if (!filter) return null;
  if (t.cause === 'rdb-channel-abort' && t.callPath.includes(USER_CANCEL)) return null;
  const acl = ACL_REFUSAL.exec(t.message);
  const also: ExceptionFilterId[] = [];
  if (acl && filter === 'link-error') filter = 'auth-error';
  // An ACL refusal on the rdb channel: an auth error first, and a multi-channel failure.
  if (acl && filter === 'multi-channel') {
    filter = 'auth-error';
    also.push('multi-channel');
  }
  const message = acl && t.cause !== 'auth-error'
    ? `${t.message} (the master's ACL refused the replica: ${acl[1]}; check masteruser/masterauth and the user's permissions)`
    : t.message;
  return build(filter, t, message, also);
}

/** Whether a category of `c` is one of `filters`. */
export function selected(c: Classified, filters: ReadonlySet<ExceptionFilterId>): boolean {
  return filters.has(c.filter) || c.also.some((f) => filters.has(f));
}

/** Redis 8 and Valkey 8's notices when the local buffer is full (replDataBufReadFromConn, bufferReplData). */
const BUFFER_LIMIT = /^Replication buffer limit (has been )?reached\b/;
/** Redis 8: the main channel failed while the RDB loads; the abort waits for the load (rdbChannelAbort). */
const ABORT_WHILE_LOADING = /^Aborting rdb channel sync while loading the RDB\.$/;

/**
 * A moment of a multi-channel sync that changes no state, read off the Redis
 * log lines of a step, or null: the buffer limit reached (Redis's own notice
 * is the description), or the main channel failing while Redis loads (its
 * warning is the description).
 */
export function classifyStep(r: StepResult): Classified | null {
  const logs = r.logs;
  for (let i = 0; i < logs.length; i++) {
    const line = logs[i]!.message;
    if (BUFFER_LIMIT.test(line)) return stepException(r, 'ReplicationBufferLimitReached', 'buffer-limit', line,
      `${line} (the replica reads the main channel again once the RDB is loaded and the buffer applied)`);
    if (ABORT_WHILE_LOADING.test(line)) {
      const warning = lastWarning(logs, i) ?? line;
      return stepException(r, TITLES['multi-channel'], 'main-channel-error', warning, `${warning}; ${line} The sync ends when the load does.`);
    }
  }
  return null;
}

function lastWarning(logs: readonly LogEntry[], before: number): string | undefined {
  for (let i = before - 1; i >= 0; i--) if (logs[i]!.level === 'warning') return logs[i]!.message;
  return undefined;
}

function stepException(r: StepResult, exceptionId: string, cause: 'buffer-limit' | 'main-channel-error', description: string, message: string): Classified {
  const point = r.point;
  const callPath = point.kind === 'transition' ? point.transition.callPath : point.kind === 'idle' ? [] : point.callPath;
  return {
    filter: 'multi-channel',
    also: [],
    exception: {
      exceptionId,
      description,
      cause,
      details: {
        message,
        typeName: exceptionId,
        fullTypeName: `${cause} (${point.kind})`,
        stackTrace: [...callPath].reverse().join('\n'),
      },
    },
  };
}

/** The command as text, cut short: a replicated SET may carry megabytes. */
function commandText(argv: readonly string[]): string {
  const text = argv.join(' ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A divergence: a replicated command whose effect the replica could not reproduce. */
export function classifyCommand(point: StepPoint): Classified | null {
  if (point.kind !== 'command' || point.outcome.kind !== 'diverged') return null;
  const name = point.argv[0]?.toLowerCase() ?? '';
  const keys = point.outcome.keys.map((k) => `'${k}'`).join(', ') || 'keys it cannot name';
  const description = `Divergence: '${name}' on ${keys} in db ${point.db} at offset ${point.offsetBefore} could not be applied (${point.outcome.reason})`;
  return {
    filter: 'divergence',
    also: [],
    exception: {
      exceptionId: TITLES.divergence,
      description,
      cause: 'diverged',
      details: {
        message: `${description}; those keys are unknown until the next full sync, and DEBUG DIGEST says so`,
        typeName: TITLES.divergence,
        fullTypeName: commandText(point.argv),
        stackTrace: [...point.callPath].reverse().join('\n'),
      },
    },
  };
}
