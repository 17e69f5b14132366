// Redis 8's rdb-channel full sync, replica side: after +RDBCHANNELSYNC <id>
// the replica opens a second connection, identifies it with the main
// channel's client id, asks PSYNC ? -1 on it and receives the RDB there,
// while the main channel buffers the stream that starts after the snapshot
// (rdbChannelFullSyncWithMaster and its helpers in replication.c).
import { channelCleanup } from './channelAbort';
import type { ReplicaCore, Work } from './core';
import { announcedPort, CONFIG_RUN_ID_SIZE, parseLongLong, receiveResponse } from './handshake';
import { REDIS_BLOCKS } from './replBuffer';
import { streamReplBufferToDb } from './replStream';
import { RdbChannelState, ReplState } from './states';
import { prepareTransfer } from './transfer';

const SYNC = ['syncWithMaster'];
const RDB_CH = ['rdbChannelFullSyncWithMaster'];

/** syncWithMaster after +RDBCHANNELSYNC: the temp file, the transfer counters, the rdb channel's connect. */
export function* startRdbChannelSync(core: ReplicaCore): Work {
  const main = core.link!;
  // connSetReadHandler(repl_transfer_s, NULL): the main channel's bytes wait until the sync needs them.
  main.handler = null;
  const rdb = core.openLink('rdb', 'rdbChannelHandshake');
  prepareTransfer(core, rdb, true);
  yield core.transition(RdbChannelState.SEND_HANDSHAKE, 'rdb-channel-sync', `+RDBCHANNELSYNC ${core.info.repl_main_ch_client_id}: connecting the rdb channel`, SYNC);
}

/** rdbChannelSendHandshake(): the rdb channel connected. */
export function* onRdbChannelConnected(core: ReplicaCore): Work {
  const cfg = core.config;
  const sent: string[] = [];
  if (cfg.masterauth !== null) {
    if (cfg.masteruser !== null) core.writeRdbCommand('AUTH', cfg.masteruser, cfg.masterauth);
    else core.writeRdbCommand('AUTH', cfg.masterauth);
    sent.push(cfg.masteruser !== null ? `AUTH ${cfg.masteruser} <masterauth>` : 'AUTH <masterauth>');
  }
  const args = ['REPLCONF', 'capa', 'eof', 'rdb-only', '1', 'rdb-channel', '1', 'main-ch-client-id', String(core.info.repl_main_ch_client_id),
    'listening-port', String(announcedPort(core))];
  if (cfg['replica-announce-ip'] !== null) args.push('ip-address', cfg['replica-announce-ip']);
  core.writeRdbCommand(...args);
  sent.push(args.join(' '));
  yield core.transition(RdbChannelState.RECEIVE_AUTH_REPLY, 'handshake-sent', sent.join(' / '), [...RDB_CH, 'rdbChannelSendHandshake']);
}

/** The rdb channel's connect failed: "Error condition on socket for rdb channel replication". */
export function* onRdbChannelConnectFailed(core: ReplicaCore, error: string): Work {
  core.fail(`Error condition on socket for rdb channel replication: ${error}`);
  yield* rdbChannelError(core, null);
}

/** A reply on the rdb channel, in the state that waits for it. */
export function* onRdbChannelReadable(core: ReplicaCore): Work {
  const info = core.info;
  const link = core.rdbLink!;
  const { master } = core.w;

  if (info.repl_rdb_ch_state === RdbChannelState.RECEIVE_AUTH_REPLY) {
    if (core.config.masterauth !== null) {
      const reply = receiveResponse(core, link, [...RDB_CH, 'rdbChannelHandleAuthReply']);
      if (reply === null) {
        core.fail('Master did not respond to auth command during rdb channel handshake');
        return yield* rdbChannelError(core, null);
      }
      if (reply.startsWith('-')) {
        // Lower-case "master", unlike the main channel's "Unable to AUTH to MASTER".
        core.fail(`Unable to AUTH to ${master}: ${reply}`);
        return yield* rdbChannelError(core, reply);
      }
      yield core.transition(RdbChannelState.RECEIVE_REPLCONF_REPLY, 'auth-ok', `AUTH reply: ${reply}`, [...RDB_CH, 'rdbChannelHandleAuthReply']);
      return;
    }
    yield core.transition(RdbChannelState.RECEIVE_REPLCONF_REPLY, 'auth-skipped', 'no masterauth: AUTH was not sent', RDB_CH);
  }

  if (info.repl_rdb_ch_state === RdbChannelState.RECEIVE_REPLCONF_REPLY) {
    const path = [...RDB_CH, 'rdbChannelHandleReplconfReply'];
    const reply = receiveResponse(core, link, path);
    if (reply === null) {
      core.fail('Master did not respond to replconf command during rdb channel handshake');
      return yield* rdbChannelError(core, null);
    }
    if (reply.startsWith('-')) {
      core.fail(`Master replied error to replconf: ${reply}`);
      return yield* rdbChannelError(core, reply);
    }
    core.writeRdbCommand('PSYNC', '?', '-1');
    yield core.transition(RdbChannelState.RECEIVE_FULLRESYNC, 'capa-reply', `REPLCONF reply: ${reply}; PSYNC ? -1 written`, path);
    return;
  }

  if (info.repl_rdb_ch_state === RdbChannelState.RECEIVE_FULLRESYNC) {
    const path = [...RDB_CH, 'rdbChannelHandleFullresyncReply'];
    const reply = receiveResponse(core, link, path);
    if (reply === null) return yield* rdbChannelError(core, null);
    if (reply.length === 0) {
      core.log('debug', 'Received empty psync reply');
      yield { kind: 'line', state: info.repl_state, line: '', callPath: path };
      return;
    }
    const parts = /^[^ ]* ([^ ]*) (.*)$/.exec(reply);
    if (!parts || parts[1]!.length !== CONFIG_RUN_ID_SIZE) {
      core.fail(`Received unexpected psync reply: ${reply}`);
      return yield* rdbChannelError(core, reply);
    }
    info.master_replid = parts[1]!;
    info.master_initial_offset = parseLongLong(parts[2]!);
    const message = `+FULLRESYNC ${info.master_replid}:${info.master_initial_offset} on the rdb channel`;
    yield core.transition(ReplState.TRANSFER, 'full-resync', message, path);
    core.replBuffer.init(REDIS_BLOCKS);
    core.log('notice', 'Starting to receive RDB and replication stream in parallel.');
    info.repl_main_ch_state.accumulate = true;
    core.link!.handler = 'bufferReplData';
    link.handler = 'readSyncBulkPayload';
    yield core.transition(RdbChannelState.RDB_LOADING, 'full-resync', message, path);
  }
}

/**
 * The error label of rdbChannelFullSyncWithMaster: the main connection closes,
 * repl_state goes back to CONNECT (no immediate reconnect: the cron does it),
 * and the rdb channel is aborted.
 */
export function* rdbChannelError(core: ReplicaCore, err: string | null): Work {
  const message = err !== null ? `rdb channel sync failed with error: ${err}` : core.info.last_error?.message ?? 'rdb channel sync failed';
  if (err !== null) core.fail(message);
  core.closeLink();
  const file = core.transfer?.file;
  if (file !== null && file !== undefined) core.emit({ type: 'rdb-file-discard', file });
  core.transfer = null;
  yield core.transition(ReplState.CONNECT, 'rdb-channel-error', message, RDB_CH);
  core.log('notice', 'Aborting rdb channel sync');
  core.closeRdbLink();
  channelCleanup(core);
  yield core.transition(RdbChannelState.NONE, 'rdb-channel-error', message, [...RDB_CH, 'rdbChannelAbort']);
}

/**
 * rdbChannelStreamReplDataToDb(): after the load, the stream the main channel
 * buffered is applied through the master client, then the rdb channel's state
 * is cleaned up. A main channel that failed meanwhile (CLOSE_ASAP) is dropped
 * now, so that the replica asks PSYNC from what it applied.
 */
export function* rdbChannelStreamReplDataToDb(core: ReplicaCore): Work {
  const info = core.info;
  const flags = info.repl_main_ch_state;
  const MASTER = core.w.MASTER;
  const path = ['readSyncBulkPayload', 'rdbChannelStreamReplDataToDb'];
  flags.streaming = true;
  core.log('notice', `${MASTER} <-> REPLICA sync: Starting to stream replication buffer into the db (${core.replBuffer.used} bytes).`);
  const master = info.master;
  const ok = yield* streamReplBufferToDb(core);
  // Back in the event loop, what the master client queued goes out; a dead link then frees it.
  let closeAsap = flags.closeAsap || (ok && !core.flushOutput());
  if (ok) {
    core.log('notice', `${MASTER} <-> REPLICA sync: Successfully streamed replication buffer into the db (${core.streamedBytes} bytes in total)`);
    if (!closeAsap && core.link) core.link.handler = 'readQueryFromClient';
  } else {
    core.fail('Master client was freed while streaming accumulated replication data to db.');
    closeAsap = true;
  }
  // A master lost meanwhile has cleaned up already.
  if (info.master !== master) return;
  channelCleanup(core);
  yield core.transition(RdbChannelState.NONE, 'buffer-streamed', 'the buffered stream is applied', path);
  if (info.master && closeAsap) {
    const message = info.last_error?.message ?? 'the main channel failed during the sync';
    yield* core.freeMaster('link-lost', message, path);
  }
}
