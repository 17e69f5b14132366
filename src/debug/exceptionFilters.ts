// Exception breakpoints: what went wrong in replication, by category. A failure
// is a transition with a cause (DESIGN principle 8), so the category is read
// off the record the engine already keeps; nothing here watches the engine.
import type { StepPoint, TransitionRecord } from '../engine/io';
import { stateName, type TransitionCause } from '../engine/states';

export type ExceptionFilterId = 'timeout' | 'link-error' | 'auth-error' | 'protocol-error' | 'full-resync' | 'rdb-error' | 'divergence';

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
  cause: TransitionCause | 'diverged';
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
  exception: ReplicationException;
}

const TITLES: Readonly<Record<ExceptionFilterId, string>> = {
  timeout: 'ReplicationTimeout', 'link-error': 'MasterLinkError', 'auth-error': 'MasterAuthError',
  'protocol-error': 'MasterProtocolError', 'full-resync': 'FullResyncInsteadOfPartial', 'rdb-error': 'RdbLoadError',
  divergence: 'DatasetDivergence',
};

const BY_CAUSE: Partial<Readonly<Record<TransitionCause, ExceptionFilterId>>> = {
  'handshake-timeout': 'timeout', 'transfer-timeout': 'timeout', 'master-timeout': 'timeout',
  'connect-error': 'link-error', 'link-lost': 'link-error', 'no-response': 'link-error', 'transfer-error': 'link-error',
  'ping-error': 'link-error', 'rdb-channel-error': 'link-error',
  'auth-error': 'auth-error', 'protocol-error': 'protocol-error', 'rdb-error': 'rdb-error',
};

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

function build(filter: ExceptionFilterId, t: TransitionRecord, message: string): Classified {
  return {
    filter,
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
  const acl = ACL_REFUSAL.exec(t.message);
  if (acl && filter === 'link-error') filter = 'auth-error';
  const message = acl && t.cause !== 'auth-error'
    ? `${t.message} (the master's ACL refused the replica: ${acl[1]}; check masteruser/masterauth and the user's permissions)`
    : t.message;
  return build(filter, t, message);
}

/** The command as text, cut short: a replicated SET may carry megabytes. */
function commandText(argv: readonly Buffer[]): string {
  const text = argv.map((a) => a.toString('latin1')).join(' ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A divergence: a replicated command whose effect the replica could not reproduce. */
export function classifyCommand(point: StepPoint): Classified | null {
  if (point.kind !== 'command' || point.outcome.kind !== 'diverged') return null;
  const name = point.argv[0]?.toString('latin1').toLowerCase() ?? '';
  const keys = point.outcome.keys.map((k) => `'${k}'`).join(', ') || 'keys it cannot name';
  const description = `Divergence: '${name}' on ${keys} in db ${point.db} at offset ${point.offsetBefore} could not be applied (${point.outcome.reason})`;
  return {
    filter: 'divergence',
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
