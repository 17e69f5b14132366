// syncWithMaster(): from the connect event to the PSYNC reply. One block per
// state, replies read one at a time, PSYNC written only after every earlier
// reply was consumed (a master refuses PSYNC with pending output).
import type { ReplicaCore, Work } from './core';
import { startTransfer } from './transfer';
import { ReplState } from './states';

/** syncReadLine's buffer in receiveSynchronousResponse(). */
const RESPONSE_LINE_MAX = 256;
const CONFIG_RUN_ID_SIZE = 40;

const SYNC = ['syncWithMaster'];
const READ = ['syncWithMaster', 'receiveSynchronousResponse'];
const PSYNC_READ = ['syncWithMaster', 'slaveTryPartialResynchronization', 'receiveSynchronousResponse'];

/** The handshake states that wait for one reply line. */
export function waitsForReply(state: ReplState): boolean {
  return state === ReplState.RECEIVE_PING_REPLY || state === ReplState.RECEIVE_AUTH_REPLY ||
    state === ReplState.RECEIVE_PORT_REPLY || state === ReplState.RECEIVE_IP_REPLY ||
    state === ReplState.RECEIVE_CAPA_REPLY || state === ReplState.RECEIVE_PSYNC_REPLY;
}

/** Whether a reply line (or the end of the link) is there to read. */
export function replyReadable(core: ReplicaCore): boolean {
  const link = core.link;
  if (!link) return false;
  if (link.eof) return true;
  return link.input.indexOfNewline(RESPONSE_LINE_MAX - 1) !== -1 || link.input.length >= RESPONSE_LINE_MAX - 1;
}

/** receiveSynchronousResponse(): one line, or null when the master closed. */
function receiveResponse(core: ReplicaCore): string | null {
  const link = core.link!;
  const line = link.input.readLine(RESPONSE_LINE_MAX);
  if (line === null) {
    // A clean end of stream leaves errno 0: Redis prints strerror(0), "Success".
    core.fail(`Failed to read response from the server: ${link.error ?? 'Success'}`);
    return null;
  }
  core.info.repl_transfer_lastio = core.unixtime();
  const state = core.info.repl_state;
  core.recent.received(line, state, state === ReplState.RECEIVE_PSYNC_REPLY ? PSYNC_READ : READ, core.clockMs, core.info.master_repl_offset);
  return line;
}

/** The connect callback: CONNECTING -> RECEIVE_PING_REPLY, PING written. */
export function* onConnected(core: ReplicaCore): Work {
  core.log('notice', 'Non blocking connect for SYNC fired the event.');
  yield core.transition(ReplState.RECEIVE_PING_REPLY, 'connect-ok', 'Non blocking connect for SYNC fired the event.', SYNC);
  core.writeCommand('PING');
}

export function* onConnectFailed(core: ReplicaCore, error: string): Work {
  const message = `Error condition on socket for SYNC: ${error}`;
  core.fail(message);
  yield* core.handshakeError('connect-error', message, SYNC);
}

function* noResponse(core: ReplicaCore, path: readonly string[]): Work {
  const message = 'Master did not respond to command during SYNC handshake';
  core.fail(message);
  yield* core.handshakeError('no-response', message, path);
}

/** A readable event in one of the RECEIVE_* states. */
export function* onReplyReadable(core: ReplicaCore): Work {
  const info = core.info;

  if (info.repl_state === ReplState.RECEIVE_PING_REPLY) {
    const reply = receiveResponse(core);
    if (reply === null) return yield* noResponse(core, READ);
    // Old masters said "operation not permitted" instead of -NOAUTH.
    const accepted = reply.startsWith('+') || reply.startsWith('-NOAUTH') || reply.startsWith('-NOPERM') ||
      reply.startsWith('-ERR operation not permitted');
    if (!accepted) {
      const message = `Error reply to PING from master: '${reply}'`;
      core.fail(message);
      return yield* core.handshakeError('ping-error', message, READ);
    }
    core.log('notice', 'Master replied to PING, replication can continue...');
    yield core.transition(ReplState.SEND_HANDSHAKE, 'ping-reply', `PING reply: ${reply}`, READ);
    sendHandshake(core);
    yield core.transition(ReplState.RECEIVE_AUTH_REPLY, 'handshake-sent', handshakeSummary(core), SYNC);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_AUTH_REPLY && core.config.masterauth === null) {
    yield core.transition(ReplState.RECEIVE_PORT_REPLY, 'auth-skipped', 'no masterauth: AUTH was not sent', SYNC);
  }

  if (info.repl_state === ReplState.RECEIVE_AUTH_REPLY) {
    const reply = receiveResponse(core);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) {
      const message = `Unable to AUTH to MASTER: ${reply}`;
      core.fail(message);
      return yield* core.handshakeError('auth-error', message, READ);
    }
    yield core.transition(ReplState.RECEIVE_PORT_REPLY, 'auth-ok', `AUTH reply: ${reply}`, READ);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_PORT_REPLY) {
    const reply = receiveResponse(core);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) core.log('notice', `(Non critical) Master does not understand REPLCONF listening-port: ${reply}`);
    yield core.transition(ReplState.RECEIVE_IP_REPLY, 'port-reply', `REPLCONF listening-port reply: ${reply}`, READ);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_IP_REPLY && core.config['replica-announce-ip'] === null) {
    yield core.transition(ReplState.RECEIVE_CAPA_REPLY, 'ip-skipped', 'no replica-announce-ip: REPLCONF ip-address was not sent', SYNC);
  }

  if (info.repl_state === ReplState.RECEIVE_IP_REPLY) {
    const reply = receiveResponse(core);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) core.log('notice', `(Non critical) Master does not understand REPLCONF ip-address: ${reply}`);
    yield core.transition(ReplState.RECEIVE_CAPA_REPLY, 'ip-reply', `REPLCONF ip-address reply: ${reply}`, READ);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_CAPA_REPLY) {
    const reply = receiveResponse(core);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) core.log('notice', `(Non critical) Master does not understand REPLCONF capa: ${reply}`);
    yield core.transition(ReplState.SEND_PSYNC, 'capa-reply', `REPLCONF capa reply: ${reply}`, READ);
    const request = sendPsync(core);
    const point = core.transition(ReplState.RECEIVE_PSYNC_REPLY, 'psync-sent', request, ['syncWithMaster', 'slaveTryPartialResynchronization']);
    yield point;
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_PSYNC_REPLY) {
    yield* receivePsyncReply(core);
  }
}

/** AUTH and the REPLCONFs, written back to back without reading. */
function sendHandshake(core: ReplicaCore): void {
  const cfg = core.config;
  if (cfg.masterauth !== null) {
    if (cfg.masteruser !== null) core.writeCommand('AUTH', cfg.masteruser, cfg.masterauth);
    else core.writeCommand('AUTH', cfg.masterauth);
  }
  core.writeCommand('REPLCONF', 'listening-port', announcedPort(core));
  if (cfg['replica-announce-ip'] !== null) core.writeCommand('REPLCONF', 'ip-address', cfg['replica-announce-ip']);
  core.writeCommand('REPLCONF', 'capa', 'eof', 'capa', 'psync2');
}

function announcedPort(core: ReplicaCore): number {
  const cfg = core.config;
  if (cfg['replica-announce-port'] !== 0) return cfg['replica-announce-port'];
  if (cfg['tls-replication'] && cfg['tls-port'] !== 0) return cfg['tls-port'];
  return cfg.port;
}

// The secret is never part of a message: only whether AUTH went out.
function handshakeSummary(core: ReplicaCore): string {
  const cfg = core.config;
  const parts: string[] = [];
  if (cfg.masterauth !== null) parts.push(cfg.masteruser !== null ? `AUTH ${cfg.masteruser} <masterauth>` : 'AUTH <masterauth>');
  parts.push(`REPLCONF listening-port ${announcedPort(core)}`);
  if (cfg['replica-announce-ip'] !== null) parts.push(`REPLCONF ip-address ${cfg['replica-announce-ip']}`);
  parts.push('REPLCONF capa eof capa psync2');
  return parts.join(' / ');
}

/** The writing half of slaveTryPartialResynchronization(). Returns the request for the record. */
function sendPsync(core: ReplicaCore): string {
  const info = core.info;
  info.master_initial_offset = -1;
  let replid = '?';
  let offset = '-1';
  if (info.cached_master) {
    replid = info.cached_master.replid;
    offset = String(info.cached_master.reploff + 1);
    core.log('notice', `Trying a partial resynchronization (request ${replid}:${offset}).`);
  } else {
    core.log('notice', 'Partial resynchronization not possible (no cached master)');
  }
  core.writeCommand('PSYNC', replid, offset);
  return `PSYNC ${replid} ${offset}`;
}

/** The reading half of slaveTryPartialResynchronization() and what syncWithMaster does with it. */
function* receivePsyncReply(core: ReplicaCore): Work {
  const info = core.info;
  const reply = receiveResponse(core);
  if (reply === null) {
    const message = 'Master did not reply to PSYNC, will try later';
    core.fail(message);
    return yield* core.handshakeError('no-response', message, PSYNC_READ);
  }
  if (reply.length === 0) {
    // A newline keepalive while the master prepares the RDB; the read refreshed lastio.
    yield { kind: 'line', state: info.repl_state, line: '', callPath: PSYNC_READ };
    return;
  }

  if (reply.startsWith('+FULLRESYNC')) {
    const requested = info.cached_master ? `PSYNC ${info.cached_master.replid} ${info.cached_master.reploff + 1}` : null;
    const parts = /^\+FULLRESYNC ([^ ]*) (.*)$/.exec(reply);
    let message: string;
    if (!parts || parts[1]!.length !== CONFIG_RUN_ID_SIZE) {
      message = 'Master replied with wrong +FULLRESYNC syntax.';
      core.fail(message);
      // The reply means the master knows PSYNC; blank the id so that the next PSYNC cannot match.
      info.master_replid = '';
    } else {
      info.master_replid = parts[1]!;
      info.master_initial_offset = parseLongLong(parts[2]!);
      message = `Full resync from master: ${info.master_replid}:${info.master_initial_offset}`;
      core.log('notice', message);
    }
    if (requested) message += ` (a partial resync was requested with ${requested})`;
    info.stat_sync_full++;
    yield* startTransfer(core, 'full-resync', message);
    return;
  }

  if (reply.startsWith('+CONTINUE')) {
    yield* partialResync(core, reply);
    return;
  }

  if (reply.startsWith('-NOMASTERLINK') || reply.startsWith('-LOADING')) {
    const message = `Master is currently unable to PSYNC but should be in the future: ${reply}`;
    core.fail(message, 'notice');
    return yield* core.handshakeError('psync-try-later', message, PSYNC_READ);
  }

  const message = reply.startsWith('-ERR')
    ? `Master does not support PSYNC or is in error state (reply: ${reply})`
    : `Unexpected reply to PSYNC from master: ${reply}`;
  core.fail(message, reply.startsWith('-ERR') ? 'notice' : 'warning');
  core.log('notice', 'Retrying with SYNC...');
  core.write(Buffer.from('SYNC\r\n'));
  core.recordSent(['SYNC']);
  yield* startTransfer(core, 'sync-fallback', message);
}

function* partialResync(core: ReplicaCore, reply: string): Work {
  const info = core.info;
  const cached = info.cached_master;
  if (!cached) {
    // Redis would dereference a NULL cached master here; a master never sends
    // +CONTINUE to PSYNC ? -1, so this is a broken peer.
    const message = `Unexpected reply to PSYNC from master: ${reply} (+CONTINUE without a cached master: PSYNC ? -1 was sent)`;
    core.fail(message);
    return yield* core.handshakeError('protocol-error', message, PSYNC_READ);
  }
  core.log('notice', 'Successful partial resynchronization with master.');
  const newId = reply.slice(10);
  if (newId.length === CONFIG_RUN_ID_SIZE && newId !== cached.replid) {
    core.log('warning', `Master replication ID changed to ${newId}`);
    info.replid2 = cached.replid;
    info.second_replid_offset = info.master_repl_offset + 1;
    info.replid = newId;
    cached.replid = newId;
  }
  info.master = cached;
  info.cached_master = null;
  cached.lastinteraction = core.unixtime();
  info.repl_down_since = 0;
  info.stat_sync_partial_ok++;
  const point = core.transition(ReplState.CONNECTED, 'partial-resync', `Successful partial resynchronization with master (${reply})`,
    ['syncWithMaster', 'slaveTryPartialResynchronization', 'replicationResurrectCachedMaster']);
  core.createBacklogIfMissing();
  core.log('notice', 'MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
  yield point;
}

/** strtoll(…, 10) as Redis reads the +FULLRESYNC offset: leading digits, 0 if none. */
function parseLongLong(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}
