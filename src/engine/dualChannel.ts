// Valkey 8's dual-channel full sync, replica side: after +DUALCHANNELSYNC the
// replica opens an rdb channel, asks SYNC on it and reads $ENDOFF (the
// snapshot's end offset, the primary's replid and db, the rdb client's id);
// the main channel then goes through the handshake a second time
// (REPLCONF set-rdb-client-id, PSYNC <replid> <endoff+1>) and buffers the
// stream that follows +CONTINUE while the RDB loads. Whichever finishes last
// completes the sync (fullSyncWithPrimary, setupMainConnForPsync,
// dualChannelSync* in replication.c).
import { abortChannelSync } from './channelAbort';
import type { ReplicaCore, Work } from './core';
import { announcedPort, psyncResultNumber, readPsyncReply, receiveResponse, sendPsync } from './handshake';
import { valkeyBlocks } from './replBuffer';
import { streamReplBufferToDb } from './replStream';
import { DualChannelState, ReplState } from './states';
import { prepareTransfer } from './transfer';

const SYNC = ['syncWithPrimary'];
const FULL_SYNC = ['fullSyncWithPrimary'];
const SETUP = ['setupMainConnForPsync'];

/** syncWithPrimary after +DUALCHANNELSYNC: the temp file, then the rdb channel's connect. */
export function* startDualChannelSync(core: ReplicaCore): Work {
  core.link!.handler = null;
  const rdb = core.openLink('rdb', 'rdbChannelHandshake');
  prepareTransfer(core, rdb, true);
  yield core.transition(DualChannelState.SEND_HANDSHAKE, 'rdb-channel-sync', '+DUALCHANNELSYNC: connecting the rdb channel', SYNC);
}

export function* onDualChannelConnected(core: ReplicaCore): Work {
  const cfg = core.config;
  core.log('debug', 'Received first reply from primary using rdb connection.');
  const sent: string[] = [];
  if (cfg.masterauth !== null) {
    if (cfg.masteruser !== null) core.writeRdbCommand('AUTH', cfg.masteruser, cfg.masterauth);
    else core.writeRdbCommand('AUTH', cfg.masterauth);
    sent.push(cfg.masteruser !== null ? `AUTH ${cfg.masteruser} <masterauth>` : 'AUTH <masterauth>');
  }
  const args = ['REPLCONF', 'capa', 'eof', 'rdb-only', '1', 'rdb-channel', '1', 'listening-port', String(announcedPort(core))];
  core.writeRdbCommand(...args);
  sent.push(args.join(' '));
  yield core.transition(DualChannelState.RECEIVE_AUTH_REPLY, 'handshake-sent', sent.join(' / '), FULL_SYNC);
}

export function* onDualChannelConnectFailed(core: ReplicaCore, error: string): Work {
  core.fail(`Error condition on socket for dual channel replication: ${error}`);
  yield* dualChannelError(core, 'rdb-channel-error');
}

/** A reply on the rdb channel. */
export function* onDualChannelReadable(core: ReplicaCore): Work {
  const info = core.info;
  const link = core.rdbLink!;

  if (info.repl_rdb_ch_state === DualChannelState.RECEIVE_AUTH_REPLY && core.config.masterauth === null) {
    yield core.transition(DualChannelState.RECEIVE_REPLCONF_REPLY, 'auth-skipped', 'no primaryauth: AUTH was not sent', FULL_SYNC);
  }

  if (info.repl_rdb_ch_state === DualChannelState.RECEIVE_AUTH_REPLY) {
    const reply = receiveResponse(core, link, FULL_SYNC);
    if (reply === null) {
      core.fail('Primary did not respond to auth command during SYNC handshake');
      return yield* dualChannelError(core, 'rdb-channel-error');
    }
    if (reply.startsWith('-')) {
      core.fail(`Unable to AUTH to Primary: ${reply}`);
      return yield* dualChannelError(core, 'rdb-channel-error');
    }
    yield core.transition(DualChannelState.RECEIVE_REPLCONF_REPLY, 'auth-ok', `AUTH reply: ${reply}`, FULL_SYNC);
    return;
  }

  if (info.repl_rdb_ch_state === DualChannelState.RECEIVE_REPLCONF_REPLY) {
    const reply = receiveResponse(core, link, FULL_SYNC);
    if (reply === null) {
      core.fail('Primary did not respond to replconf command during SYNC handshake');
      return yield* dualChannelError(core, 'rdb-channel-error');
    }
    if (reply.startsWith('-')) {
      core.fail(`Server does not support sync with offset, dual channel sync approach cannot be used: ${reply}`, 'notice');
      return yield* dualChannelError(core, 'rdb-channel-error');
    }
    // The inline form, as connSyncWrite sends it.
    core.writeRdbRaw(Buffer.from('SYNC\r\n'), ['SYNC']);
    yield core.transition(DualChannelState.RECEIVE_ENDOFF, 'capa-reply', `REPLCONF reply: ${reply}; SYNC written`, FULL_SYNC);
    return;
  }

  if (info.repl_rdb_ch_state === DualChannelState.RECEIVE_ENDOFF) {
    const reply = receiveResponse(core, link, FULL_SYNC);
    if (reply === null) return yield* dualChannelError(core, 'rdb-channel-error');
    if (reply.length === 0) {
      core.log('debug', 'Received empty $ENDOFF response');
      yield { kind: 'line', state: info.repl_state, line: '', callPath: FULL_SYNC };
      return;
    }
    const endoff = parseEndoff(reply);
    if (!endoff) {
      core.fail(`Received unexpected $ENDOFF response: ${reply}`);
      return yield* dualChannelError(core, 'rdb-channel-error');
    }
    info.rdb_client_id = endoff.clientId;
    info.master_initial_offset = endoff.offset;
    info.master_replid = endoff.replid;
    info.repl_provisional_primary = { replid: endoff.replid, reploff: endoff.offset, read_reploff: endoff.offset, dbid: endoff.dbid };
    const message = `$ENDOFF ${endoff.offset} ${endoff.replid} db ${endoff.dbid}, rdb client id ${endoff.clientId}`;
    // The main channel asks for the stream from the snapshot's end.
    yield core.transition(ReplState.SEND_HANDSHAKE, 'endoff', message, FULL_SYNC);
    const main = core.link!;
    main.handler = 'setupMainConnForPsync';
    core.writeCommand('REPLCONF', 'set-rdb-client-id', endoff.clientId);
    yield core.transition(ReplState.RECEIVE_CAPA_REPLY, 'rdb-client-id-sent', `REPLCONF set-rdb-client-id ${endoff.clientId}`, SETUP);
    // The next block on the rdb channel is the RDB.
    prepareTransfer(core, link, true);
    link.handler = 'readSyncBulkPayload';
    yield core.transition(DualChannelState.RDB_LOAD, 'endoff', message, FULL_SYNC);
  }
}

/** `$ENDOFF:<offset> <replid> <dbid> <client-id>` (sscanf "%lld %40s %d %llu"). */
export function parseEndoff(line: string): { offset: number; replid: string; dbid: number; clientId: number } | null {
  const m = /^\$ENDOFF:\s*([+-]?\d+)\s+(\S{1,40})\s+([+-]?\d+)\s+(\d+)/.exec(line);
  if (!m) return null;
  return { offset: Number(m[1]), replid: m[2]!, dbid: Number(m[3]), clientId: Number(m[4]) };
}

/** setupMainConnForPsync(): the main channel's replies of its second pass. */
export function* onSetupMainConnReadable(core: ReplicaCore): Work {
  const info = core.info;
  const link = core.link!;
  if (info.repl_state === ReplState.RECEIVE_CAPA_REPLY) {
    const reply = receiveResponse(core, link, SETUP);
    if (reply === null) return yield* mainChannelPsyncFailed(core, -1);
    if (reply.startsWith('-')) {
      core.fail(`Primary does not understand REPLCONF identify: ${reply}`, 'notice');
      return yield* mainChannelPsyncFailed(core, -1);
    }
    yield core.transition(ReplState.SEND_PSYNC, 'rdb-client-id-reply', `REPLCONF set-rdb-client-id reply: ${reply}`, SETUP);
    const request = sendPsync(core, info.repl_provisional_primary);
    yield core.transition(ReplState.RECEIVE_PSYNC_REPLY, 'psync-sent', request, [...SETUP, 'replicaTryPartialResynchronization']);
    return;
  }
  if (info.repl_state !== ReplState.RECEIVE_PSYNC_REPLY) return;
  const result = readPsyncReply(core, link);
  if (result?.kind === 'wait-reply') {
    yield { kind: 'line', state: info.repl_state, line: '', callPath: SETUP };
    return;
  }
  if (result?.kind !== 'continue') return yield* mainChannelPsyncFailed(core, result === null ? 5 : psyncResultNumber(result));
  const loading = core.rdbLink !== null;
  core.log('notice', `Primary <-> REPLICA sync: Primary accepted a Partial Resynchronization${loading ? ', RDB load in background.' : '.'}`);
  yield* dualChannelSyncHandlePsync(core, result.reply);
}

/** The main channel's PSYNC failed: the whole sync is aborted and retried. */
function* mainChannelPsyncFailed(core: ReplicaCore, result: number): Work {
  const message = `Aborting dual channel sync. Main channel psync result ${result}`;
  core.fail(message);
  yield* core.cancelReplicationHandshake(true, 'rdb-channel-error', message, SETUP);
}

/** dualChannelSyncHandlePsync(): +CONTINUE on the main channel. */
function* dualChannelSyncHandlePsync(core: ReplicaCore, reply: string): Work {
  const info = core.info;
  if (info.repl_rdb_ch_state !== DualChannelState.RDB_LOADED) {
    // The RDB still loads: the stream goes to the local buffer.
    core.link!.handler = 'bufferReplData';
    core.replBuffer.init(valkeyBlocks(core.replBacklogSize));
    yield core.transition(ReplState.TRANSFER, 'partial-resync', `${reply}: buffering the stream while the RDB loads`, [...SETUP, 'dualChannelSyncHandlePsync']);
    return;
  }
  core.log('debug', 'Dual channel sync - psync established after rdb load');
  yield* dualChannelSyncSuccess(core, 'partial-resync');
}

/**
 * dualChannelSyncHandleRdbLoadCompletion(): the RDB is loaded. If the main
 * channel's PSYNC was not accepted yet, wait for it (RDB_LOADED).
 */
export function* dualChannelRdbLoaded(core: ReplicaCore): Work {
  if (core.info.repl_state !== ReplState.TRANSFER) {
    yield core.transition(DualChannelState.RDB_LOADED, 'rdb-loaded', 'the RDB is loaded; the main channel\'s PSYNC is not accepted yet', ['readSyncBulkPayload', 'dualChannelSyncHandleRdbLoadCompletion']);
    return;
  }
  core.link!.handler = null;
  yield* dualChannelSyncSuccess(core, 'sync-finished');
}

/**
 * dualChannelSyncSuccess(): the provisional primary becomes the primary on
 * the main connection, the buffer is streamed into the dataset, then the
 * steady state and an ACK.
 */
function* dualChannelSyncSuccess(core: ReplicaCore, cause: 'sync-finished' | 'partial-resync'): Work {
  const info = core.info;
  const provisional = info.repl_provisional_primary!;
  info.master_initial_offset = provisional.reploff;
  const path = ['dualChannelSyncSuccess', 'replicationResurrectProvisionalPrimary'];
  info.master = {
    reploff: provisional.reploff,
    read_reploff: provisional.read_reploff,
    replid: provisional.replid,
    lastinteraction: core.unixtime(),
    db: provisional.dbid,
    multi: false,
    multi_dirty: false,
    pre_psync: false,
    close_after_reply: null,
    lastcmd: null,
  };
  core.masterQuery.clear();
  core.multiQueue = [];
  info.master_repl_offset = provisional.reploff;
  info.replid = provisional.replid;
  info.repl_down_since = 0;
  const point = core.transition(ReplState.CONNECTED, cause, `the provisional ${core.w.master} is now the ${core.w.master} (${provisional.replid}:${provisional.reploff})`, path);
  yield point;
  const streamed = yield* streamReplBufferToDb(core);
  if (!streamed) {
    core.fail('Failed to stream local replication buffer into memory');
    if (info.repl_rdb_ch_state !== DualChannelState.NONE) {
      yield* abortChannelSync(core, 'rdb-channel-error', 'Failed to stream local replication buffer into memory', path);
    }
    return;
  }
  core.replBuffer.clear();
  core.log('notice', 'Successfully streamed replication data into memory');
  if (core.link) core.link.handler = 'readQueryFromClient';
  core.sendAck(['dualChannelSyncSuccess', 'replicationSendAck']);
  info.rdb_client_id = -1;
  info.repl_provisional_primary = null;
  yield core.transition(DualChannelState.NONE, 'buffer-streamed', 'the buffered stream is applied', path);
}

/** The error label of fullSyncWithPrimary: both connections close, CONNECT, the sync aborted. */
function* dualChannelError(core: ReplicaCore, cause: 'rdb-channel-error'): Work {
  const message = core.info.last_error?.message ?? 'dual channel sync failed';
  core.closeLink();
  yield core.transition(ReplState.CONNECT, cause, message, FULL_SYNC);
  yield* abortChannelSync(core, cause, message, FULL_SYNC);
  core.transfer = null;
}
