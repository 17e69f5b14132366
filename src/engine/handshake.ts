// syncWithMaster(): from the connect event to the PSYNC reply. One block per
// state, replies read one at a time, PSYNC written only after every earlier
// reply was consumed (a master refuses PSYNC with pending output). What the
// replica sends and which replies it reads follow its version's profile.
import type { Link, ReplicaCore, Work } from './core';
import { startDualChannelSync } from './dualChannel';
import { startRdbChannelSync } from './rdbChannel';
import { ReplState } from './states';
import { startTransfer, useDisklessLoad } from './transfer';

/** syncReadLine's buffer in receiveSynchronousResponse(). */
const RESPONSE_LINE_MAX = 256;
export const CONFIG_RUN_ID_SIZE = 40;

const SYNC = ['syncWithMaster'];
const READ = ['syncWithMaster', 'receiveSynchronousResponse'];
export const PSYNC_READ = ['syncWithMaster', 'slaveTryPartialResynchronization', 'receiveSynchronousResponse'];

/** The handshake states that wait for one reply line. */
export function waitsForReply(state: ReplState): boolean {
  switch (state) {
    case ReplState.RECEIVE_PING_REPLY:
    case ReplState.RECEIVE_AUTH_REPLY:
    case ReplState.RECEIVE_PORT_REPLY:
    case ReplState.RECEIVE_IP_REPLY:
    case ReplState.RECEIVE_REQ_REPLY:
    case ReplState.RECEIVE_CAPA_REPLY:
    case ReplState.RECEIVE_VERSION_REPLY:
    case ReplState.RECEIVE_PSYNC_REPLY:
      return true;
    default:
      return false;
  }
}

/** Whether a reply line (or the end of the link) is there to read. */
export function replyReadable(link: Link | null): boolean {
  if (!link) return false;
  if (link.eof) return true;
  return link.input.indexOfNewline(RESPONSE_LINE_MAX - 1) !== -1 || link.input.length >= RESPONSE_LINE_MAX - 1;
}

/** receiveSynchronousResponse(): one line, or null when the master closed. */
export function receiveResponse(core: ReplicaCore, link: Link, callPath: readonly string[] = READ): string | null {
  const line = link.input.readLine(RESPONSE_LINE_MAX);
  if (line === null) {
    // A clean end of stream leaves errno 0: Redis prints strerror(0), "Success".
    core.fail(`Failed to read response from the server: ${link.error ?? 'Success'}`);
    return null;
  }
  core.info.repl_transfer_lastio = core.unixtime();
  core.recent.received(line, core.info.repl_state, callPath, core.clockMs, core.info.master_repl_offset);
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
  const message = `${core.w.Master} did not respond to command during SYNC handshake`;
  core.fail(message);
  yield* core.handshakeError('no-response', message, path);
}

/** A readable event in one of the RECEIVE_* states. */
export function* onReplyReadable(core: ReplicaCore): Work {
  const info = core.info;
  const link = core.link!;
  const { Master } = core.w;

  if (info.repl_state === ReplState.RECEIVE_PING_REPLY) {
    const reply = receiveResponse(core, link);
    if (reply === null) return yield* noResponse(core, READ);
    // Old masters said "operation not permitted" instead of -NOAUTH.
    const accepted = reply.startsWith('+') || reply.startsWith('-NOAUTH') || reply.startsWith('-NOPERM') ||
      reply.startsWith('-ERR operation not permitted');
    if (!accepted) {
      const message = `Error reply to PING from ${core.w.master}: '${reply}'`;
      core.fail(message);
      return yield* core.handshakeError('ping-error', message, READ);
    }
    core.log('notice', `${Master} replied to PING, replication can continue...`);
    yield core.transition(ReplState.SEND_HANDSHAKE, 'ping-reply', `PING reply: ${reply}`, READ);
    const sent = sendHandshake(core);
    yield core.transition(ReplState.RECEIVE_AUTH_REPLY, 'handshake-sent', sent.join(' / '), SYNC);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_AUTH_REPLY && core.config.masterauth === null) {
    yield core.transition(ReplState.RECEIVE_PORT_REPLY, 'auth-skipped', 'no masterauth: AUTH was not sent', SYNC);
  }

  if (info.repl_state === ReplState.RECEIVE_AUTH_REPLY) {
    const reply = receiveResponse(core, link);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) {
      const message = `Unable to AUTH to ${core.w.MASTER}: ${reply}`;
      core.fail(message);
      return yield* core.handshakeError('auth-error', message, READ);
    }
    yield core.transition(ReplState.RECEIVE_PORT_REPLY, 'auth-ok', `AUTH reply: ${reply}`, READ);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_PORT_REPLY) {
    const reply = receiveResponse(core, link);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) core.log('notice', `(Non critical) ${Master} does not understand REPLCONF listening-port: ${reply}`);
    yield core.transition(ReplState.RECEIVE_IP_REPLY, 'port-reply', `REPLCONF listening-port reply: ${reply}`, READ);
    return;
  }

  // Redis 8.6 goes through RECEIVE_REQ_REPLY, whether it sent REPLCONF rdb-no-compress or not.
  const afterIp = core.profile.has('rdb-no-compress') ? ReplState.RECEIVE_REQ_REPLY : ReplState.RECEIVE_CAPA_REPLY;
  if (info.repl_state === ReplState.RECEIVE_IP_REPLY && core.config['replica-announce-ip'] === null) {
    yield core.transition(afterIp, 'ip-skipped', 'no replica-announce-ip: REPLCONF ip-address was not sent', SYNC);
  }

  if (info.repl_state === ReplState.RECEIVE_IP_REPLY) {
    const reply = receiveResponse(core, link);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) core.log('notice', `(Non critical) ${Master} does not understand REPLCONF ip-address: ${reply}`);
    yield core.transition(afterIp, 'ip-reply', `REPLCONF ip-address reply: ${reply}`, READ);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_REQ_REPLY && !core.handshakeSentReq) {
    yield core.transition(ReplState.RECEIVE_CAPA_REPLY, 'req-skipped', 'not loading diskless: REPLCONF rdb-no-compress was not sent', SYNC);
  }

  if (info.repl_state === ReplState.RECEIVE_REQ_REPLY) {
    const reply = receiveResponse(core, link);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) core.log('notice', `(Non critical) ${Master} does not understand REPLCONF ${reqName(core)}: ${reply}`);
    yield core.transition(ReplState.RECEIVE_CAPA_REPLY, 'req-reply', `REPLCONF ${reqName(core)} reply: ${reply}`, READ);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_CAPA_REPLY) {
    const reply = receiveResponse(core, link);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) core.log('notice', `(Non critical) ${Master} does not understand REPLCONF capa: ${reply}`);
    if (core.profile.has('replconf-version')) {
      // Valkey reads the version reply in its own state, on the next readable event.
      yield core.transition(ReplState.RECEIVE_VERSION_REPLY, 'capa-reply', `REPLCONF capa reply: ${reply}`, READ);
      return;
    }
    yield core.transition(ReplState.SEND_PSYNC, 'capa-reply', `REPLCONF capa reply: ${reply}`, READ);
    yield* sendPsyncStep(core);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_VERSION_REPLY) {
    const reply = receiveResponse(core, link);
    if (reply === null) return yield* noResponse(core, READ);
    if (reply.startsWith('-')) core.log('notice', `(Non critical) ${Master} does not understand REPLCONF VERSION: ${reply}`);
    yield core.transition(ReplState.SEND_PSYNC, 'version-reply', `REPLCONF version reply: ${reply}`, READ);
    yield* sendPsyncStep(core);
    return;
  }

  if (info.repl_state === ReplState.RECEIVE_PSYNC_REPLY) {
    yield* receivePsyncReply(core);
  }
}

function* sendPsyncStep(core: ReplicaCore): Work {
  const request = sendPsync(core, null);
  yield core.transition(ReplState.RECEIVE_PSYNC_REPLY, 'psync-sent', request, ['syncWithMaster', 'slaveTryPartialResynchronization']);
}

/** The REPLCONF of Redis 8.6's RECEIVE_REQ_REPLY state, as its log names it. */
function reqName(core: ReplicaCore): string {
  return core.profile.has('rdb-no-checksum') ? 'rdb-no-compress/checksum' : 'rdb-no-compress';
}

/** AUTH and the REPLCONFs, written back to back without reading. Returns them for the record (no secret). */
function sendHandshake(core: ReplicaCore): string[] {
  const cfg = core.config;
  const profile = core.profile;
  const sent: string[] = [];
  if (cfg.masterauth !== null) {
    if (cfg.masteruser !== null) core.writeCommand('AUTH', cfg.masteruser, cfg.masterauth);
    else core.writeCommand('AUTH', cfg.masterauth);
    // The secret is never part of a message: only whether AUTH went out.
    sent.push(cfg.masteruser !== null ? `AUTH ${cfg.masteruser} <masterauth>` : 'AUTH <masterauth>');
  }
  const port = announcedPort(core);
  core.writeCommand('REPLCONF', 'listening-port', port);
  sent.push(`REPLCONF listening-port ${port}`);
  if (cfg['replica-announce-ip'] !== null) {
    core.writeCommand('REPLCONF', 'ip-address', cfg['replica-announce-ip']);
    sent.push(`REPLCONF ip-address ${cfg['replica-announce-ip']}`);
  }
  // Redis 8.6: a replica that loads straight from the socket asks for an uncompressed (8.8: unchecksummed) RDB.
  core.handshakeSentReq = profile.has('rdb-no-compress') && useDisklessLoad(core);
  if (core.handshakeSentReq) {
    const req = profile.has('rdb-no-checksum') ? ['rdb-no-compress', '1', 'rdb-no-checksum', '1'] : ['rdb-no-compress', '1'];
    core.writeCommand('REPLCONF', ...req);
    sent.push(`REPLCONF ${req.join(' ')}`);
  }
  const capa = ['capa', 'eof', 'capa', 'psync2'];
  if (profile.has('rdb-channel') && cfg['repl-rdb-channel']) capa.push('capa', 'rdb-channel-repl');
  if (profile.has('dual-channel') && cfg['dual-channel-replication-enabled']) capa.push('capa', 'dual-channel');
  core.writeCommand('REPLCONF', ...capa);
  sent.push(`REPLCONF ${capa.join(' ')}`);
  if (profile.has('replconf-version')) {
    core.writeCommand('REPLCONF', 'version', core.emulatedVersion);
    sent.push(`REPLCONF version ${core.emulatedVersion}`);
  }
  return sent;
}

export function announcedPort(core: ReplicaCore): number {
  const cfg = core.config;
  if (cfg['replica-announce-port'] !== 0) return cfg['replica-announce-port'];
  if (cfg['tls-replication'] && cfg['tls-port'] !== 0) return cfg['tls-port'];
  return cfg.port;
}

/**
 * The writing half of slaveTryPartialResynchronization(). `provisional`: a
 * Valkey dual-channel sync asks for the stream from the snapshot's end offset.
 * Returns the request for the record.
 */
export function sendPsync(core: ReplicaCore, provisional: { replid: string; reploff: number } | null): string {
  const info = core.info;
  info.master_initial_offset = -1;
  let replid = '?';
  let offset = '-1';
  if (provisional) {
    replid = provisional.replid;
    offset = String(provisional.reploff + 1);
    core.log('notice', `Trying a partial resynchronization using main channel (request ${replid}:${offset}).`);
  } else if (info.cached_master) {
    replid = info.cached_master.replid;
    offset = String(info.cached_master.reploff + 1);
    core.log('notice', `Trying a partial resynchronization (request ${replid}:${offset}).`);
  } else {
    core.log('notice', `Partial resynchronization not possible (no cached ${core.w.master})`);
  }
  core.writeCommand('PSYNC', replid, offset);
  return `PSYNC ${replid} ${offset}`;
}

/** What slaveTryPartialResynchronization() made of the reply (its PSYNC_* results). */
export type PsyncResult =
  | { kind: 'wait-reply' }
  | { kind: 'try-later'; message: string }
  | { kind: 'fullresync'; message: string }
  | { kind: 'fullresync-rdb-channel'; clientId: number }
  | { kind: 'fullresync-dual-channel' }
  | { kind: 'continue'; reply: string }
  | { kind: 'not-supported'; message: string };

/** The PSYNC_* number a Valkey log line prints. */
export function psyncResultNumber(r: PsyncResult): number {
  switch (r.kind) {
    case 'wait-reply': return 1;
    case 'continue': return 2;
    case 'fullresync': return 3;
    case 'not-supported': return 4;
    case 'try-later': return 5;
    case 'fullresync-rdb-channel':
    case 'fullresync-dual-channel': return 6;
  }
}

/**
 * The reading half of slaveTryPartialResynchronization(): reads one reply
 * and logs what Redis logs of it. null: the master closed (Redis's
 * PSYNC_TRY_LATER after "did not reply").
 */
export function readPsyncReply(core: ReplicaCore, link: Link): PsyncResult | null {
  const info = core.info;
  const { Master, master } = core.w;
  const reply = receiveResponse(core, link, PSYNC_READ);
  if (reply === null) {
    core.fail(`${Master} did not reply to PSYNC, will try later`);
    return null;
  }
  // A newline keepalive while the master prepares the RDB; the read refreshed lastio.
  if (reply.length === 0) return { kind: 'wait-reply' };

  if (reply.startsWith('+FULLRESYNC')) {
    const requested = info.cached_master ? `PSYNC ${info.cached_master.replid} ${info.cached_master.reploff + 1}` : null;
    const parts = /^\+FULLRESYNC ([^ ]*) (.*)$/.exec(reply);
    let message: string;
    if (!parts || parts[1]!.length !== CONFIG_RUN_ID_SIZE) {
      message = `${Master} replied with wrong +FULLRESYNC syntax.`;
      core.fail(message);
      // The reply means the master knows PSYNC; blank the id so that the next PSYNC cannot match.
      info.master_replid = '';
    } else {
      info.master_replid = parts[1]!;
      info.master_initial_offset = parseLongLong(parts[2]!);
      message = `Full resync from ${master}: ${info.master_replid}:${info.master_initial_offset}`;
      core.log('notice', message);
    }
    if (requested) message += ` (a partial resync was requested with ${requested})`;
    return { kind: 'fullresync', message };
  }

  // Only a replica that offered the capability knows these replies; to any other they are unexpected.
  if (core.profile.has('rdb-channel') && reply.startsWith('+RDBCHANNELSYNC')) {
    const space = reply.indexOf(' ');
    if (space === -1) {
      core.fail(`${Master} replied with wrong +RDBCHANNELSYNC syntax: ${reply}`);
      return { kind: 'not-supported', message: `${Master} replied with wrong +RDBCHANNELSYNC syntax: ${reply}` };
    }
    info.repl_main_ch_client_id = parseLongLong(reply.slice(space + 1));
    core.log('notice', 'PSYNC is not possible, initialize RDB channel.');
    return { kind: 'fullresync-rdb-channel', clientId: info.repl_main_ch_client_id };
  }

  if (reply.startsWith('+CONTINUE')) return { kind: 'continue', reply };

  if (reply.startsWith('-NOMASTERLINK') || reply.startsWith('-LOADING')) {
    const message = `${Master} is currently unable to PSYNC but should be in the future: ${reply}`;
    core.fail(message, 'notice');
    return { kind: 'try-later', message };
  }

  if (core.profile.has('dual-channel') && reply.startsWith('+DUALCHANNELSYNC')) {
    core.log('notice', 'PSYNC is not possible, initialize RDB channel.');
    return { kind: 'fullresync-dual-channel' };
  }

  const isErr = reply.startsWith('-ERR');
  const message = isErr
    ? `${Master} does not support PSYNC or is in error state (reply: ${reply})`
    : `Unexpected reply to PSYNC from ${master}: ${reply}`;
  core.fail(message, isErr ? 'notice' : 'warning');
  return { kind: 'not-supported', message };
}

/** What syncWithMaster does with the PSYNC reply. */
function* receivePsyncReply(core: ReplicaCore): Work {
  const info = core.info;
  const result = readPsyncReply(core, core.link!);
  if (result === null) {
    return yield* core.handshakeError('no-response', `${core.w.Master} did not reply to PSYNC, will try later`, PSYNC_READ);
  }
  switch (result.kind) {
    case 'wait-reply':
      yield { kind: 'line', state: info.repl_state, line: '', callPath: PSYNC_READ };
      return;
    case 'try-later':
      return yield* core.handshakeError('psync-try-later', result.message, PSYNC_READ);
    case 'continue':
      return yield* partialResync(core, result.reply);
    case 'fullresync':
      info.stat_sync_full++;
      return yield* startTransfer(core, 'full-resync', result.message);
    case 'fullresync-rdb-channel':
      info.stat_sync_full++;
      return yield* startRdbChannelSync(core);
    case 'fullresync-dual-channel':
      info.stat_sync_full++;
      return yield* startDualChannelSync(core);
    case 'not-supported':
      core.log('notice', 'Retrying with SYNC...');
      core.write(Buffer.from('SYNC\r\n'));
      core.recordSent(['SYNC']);
      info.stat_sync_full++;
      return yield* startTransfer(core, 'sync-fallback', result.message);
  }
}

/** +CONTINUE: replicationResurrectCachedMaster(). */
export function* partialResync(core: ReplicaCore, reply: string): Work {
  const info = core.info;
  const { Master, master, MASTER } = core.w;
  const cached = info.cached_master;
  if (!cached) {
    // Redis would dereference a NULL cached master here; a master never sends
    // +CONTINUE to PSYNC ? -1, so this is a broken peer.
    const message = `Unexpected reply to PSYNC from ${master}: ${reply} (+CONTINUE without a cached ${master}: PSYNC ? -1 was sent)`;
    core.fail(message);
    return yield* core.handshakeError('protocol-error', message, PSYNC_READ);
  }
  core.log('notice', `Successful partial resynchronization with ${master}.`);
  const newId = reply.slice(10);
  if (newId.length === CONFIG_RUN_ID_SIZE && newId !== cached.replid) {
    core.log(core.profile.has('replication-notices') ? 'notice' : 'warning', `${Master} replication ID changed to ${newId}`);
    info.replid2 = cached.replid;
    info.second_replid_offset = info.master_repl_offset + 1;
    info.replid = newId;
    cached.replid = newId;
  }
  info.master = cached;
  info.cached_master = null;
  cached.lastinteraction = core.unixtime();
  info.repl_down_since = 0;
  linkUp(core);
  info.stat_sync_partial_ok++;
  core.link!.handler = 'readQueryFromClient';
  const point = core.transition(ReplState.CONNECTED, 'partial-resync', `Successful partial resynchronization with ${master} (${reply})`,
    ['syncWithMaster', 'slaveTryPartialResynchronization', 'replicationResurrectCachedMaster']);
  core.createBacklogIfMissing();
  core.log('notice', `${MASTER} <-> REPLICA sync: ${Master} accepted a Partial Resynchronization.`);
  yield point;
}

/** The link is up: Redis 8.2's up-since and the disconnection time it ends. */
export function linkUp(core: ReplicaCore): void {
  const info = core.info;
  const now = core.unixtime();
  info.repl_up_since = now;
  if (info.repl_disconnect_start_time !== 0) {
    info.repl_total_disconnect_time += now - info.repl_disconnect_start_time;
    info.repl_disconnect_start_time = 0;
  }
}

/** strtoll(…, 10) as Redis reads the +FULLRESYNC offset: leading digits, 0 if none. */
export function parseLongLong(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}
