// What redis-server 7.0 logs when the master's stream makes the replica reply
// an error (networking.c afterErrorReply, replication.c showLatestBacklog) or
// breaks the protocol (setProtocolError), word for word: checked against a
// real 7.0.15 replica behind a fault proxy (test/integration/masterErrors.test.ts).
import type { ReplicaCore } from './core';

/** LOG_MAX_LEN: serverLog formats into a 1024-byte buffer. */
const LOG_MAX_LEN = 1024;
/** PROTO_DUMP_LEN: setProtocolError shows the query buffer whole below this length. */
const PROTO_DUMP_LEN = 128;

/** serverLog()'s line: cut where vsnprintf cuts it. */
export function serverLogLine(line: string): string {
  return line.length < LOG_MAX_LEN ? line : line.slice(0, LOG_MAX_LEN - 1);
}

/** %s stops at a NUL byte. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/**
 * The shared error objects of createSharedObjects() whose code is ERR: they
 * go out through addReplyErrorObject, which logs them with their '-'.
 */
const SHARED_ERR = new Set([
  'ERR', 'ERR no such key', 'ERR syntax error', 'ERR source and destination objects are the same', 'ERR index out of range',
]);

/**
 * An error reply (as a client reads it: `ERR …`, `WRONGTYPE …`) as
 * afterErrorReply logs it: addReplyError("…") adds "-ERR " only on the wire,
 * so the log shows the bare message; an error given with its code
 * ("-WRONGTYPE …", a shared "-ERR …" object) is logged with the '-'.
 */
export function loggedError(error: string): string {
  if (SHARED_ERR.has(error)) return `-${error}`;
  return error.startsWith('ERR ') ? error.slice(4) : `-${error}`;
}

/**
 * afterErrorReply() on the master client: the replica never sends the error,
 * it logs it, with the last command the master client processed, then
 * (when the backlog has history) showLatestBacklog(). `error` is the text as
 * Redis passes it (no "-ERR " added). Returns the == CRITICAL == line.
 */
export function afterErrorReply(core: ReplicaCore, error: string): string {
  const lastcmd = core.info.master?.lastcmd ?? null;
  const line = serverLogLine(`== CRITICAL == This replica is sending an error to its ${core.w.master}: '${cString(error.slice(0, 4096))}' after processing the command '${lastcmd ?? '<unknown>'}'`);
  core.log('warning', line);
  const backlog = core.info.repl_backlog;
  if (backlog && backlog.histlen > 0) {
    const level = core.profile.has('replication-notices') ? 'notice' : 'warning';
    // Valkey 8 hides user data from its log by default: no backlog dump.
    if (core.profile.has('hide-user-data-in-log')) core.log(level, 'hide-user-data-from-log is on, skip logging backlog content to avoid spilling user data.');
    else core.log(level, serverLogLine(`Latest backlog is: '${core.masterQuery.latestBacklog(backlog.histlen)}'`));
  }
  return line;
}

/**
 * catClientInfoString() for the master client, the fields the engine knows
 * (redis-server also prints id, laddr, fd, ages and memory figures).
 */
export function masterClientInfo(core: ReplicaCore): string {
  const master = core.info.master!;
  const flags = master.multi ? 'Mx' : 'M';
  return `addr=${core.info.masterhost}:${core.info.masterport} flags=${flags} db=${master.db} multi=${master.multi ? core.multiQueue.length : -1} qbuf=${core.masterQuery.querybufLength}`;
}

/**
 * setProtocolError()'s sample of the query buffer from qb_pos: whole below
 * PROTO_DUMP_LEN bytes, else its first and last 64; each part ends at a NUL
 * (%s), and non-printable bytes become '.'.
 */
export function sampleQueryBuffer(fromQbPos: Buffer): string {
  const text = (b: Buffer): string => cString(b.toString('latin1'));
  let sample: string;
  if (fromQbPos.length < PROTO_DUMP_LEN) {
    sample = `Query buffer during protocol error: '${text(fromQbPos)}'`;
  } else {
    const half = PROTO_DUMP_LEN / 2;
    sample = `Query buffer during protocol error: '${text(fromQbPos.subarray(0, half))}' (... more ${fromQbPos.length - PROTO_DUMP_LEN} bytes ...) '${text(fromQbPos.subarray(fromQbPos.length - half))}'`;
  }
  // snprintf into char buf[256].
  return sample.slice(0, 255).replace(/[^\x20-\x7e]/g, '.');
}
