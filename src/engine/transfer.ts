// readSyncBulkPayload(): the `$<len>` or `$EOF:<mark>` header, the RDB payload
// in chunks (never the whole file in memory), the load, and the switch to
// CONNECTED with a fresh master client.
import { RdbPayloadVerifier, type VerifyResult } from '../rdb/payloadVerifier';
import type { ReplicaCore, Work } from './core';
import { ReplState, type TransitionCause } from './states';

/** PROTO_IOBUF_LEN: Redis reads the payload 16 KB at a time. */
export const RDB_READ_CHUNK = 16 * 1024;
const HEADER_LINE_MAX = 1024;
const CONFIG_RUN_ID_SIZE = 40;
/** loading-process-events-interval-bytes: during a load Redis pings its master with "\n" this often. */
const LOADING_EVENTS_INTERVAL_BYTES = 2 * 1024 * 1024;

const READ_PAYLOAD = ['readSyncBulkPayload'];
const LOAD = ['readSyncBulkPayload', 'rdbLoad'];

export interface TransferState {
  /** The EOF mark of a diskless transfer, or null for `$<len>`. */
  eofmark: Buffer | null;
  /** The last bytes received, held back from the RDB until we know they are not the mark. */
  tail: Buffer;
  /** repl-diskless-load decided the payload is parsed straight from the socket. */
  disklessLoad: boolean;
  /** A diskless load has begun (the server is blocked in rdbLoad). */
  loading: boolean;
  verifier: RdbPayloadVerifier;
  /** Payload bytes received, in both modes (repl_transfer_read only counts them for a disk load). */
  received: number;
  /** An error the RDB showed early; a disk load only sees it after the transfer. */
  rdbError: string | null;
  lastReadMs: number;
  bytesSinceNewline: number;
  lastNewlineAt: number;
}

/** The end of syncWithMaster: RECEIVE_PSYNC_REPLY -> TRANSFER. */
export function* startTransfer(core: ReplicaCore, cause: TransitionCause, message: string): Work {
  const info = core.info;
  info.repl_transfer_size = -1;
  info.repl_transfer_read = 0;
  info.repl_transfer_last_fsync_off = 0;
  info.repl_transfer_lastio = core.unixtime();
  info.repl_transfer_eofmark = null;
  info.repl_transfer_diskless_load = useDisklessLoad(core);
  core.transfer = {
    eofmark: null,
    tail: Buffer.alloc(0),
    disklessLoad: info.repl_transfer_diskless_load,
    loading: false,
    verifier: new RdbPayloadVerifier(),
    received: 0,
    rdbError: null,
    lastReadMs: core.now(),
    bytesSinceNewline: 0,
    lastNewlineAt: 0,
  };
  yield core.transition(ReplState.TRANSFER, cause, message, ['syncWithMaster']);
}

/**
 * useDisklessLoad(): swapdb always parses from the socket; on-empty-db only
 * when the replica holds no keys, which is the case for an engine that keeps
 * no dataset.
 */
function useDisklessLoad(core: ReplicaCore): boolean {
  const mode = core.config['repl-diskless-load'];
  return mode === 'swapdb' || mode === 'on-empty-db';
}

export function transferReadable(core: ReplicaCore): boolean {
  const link = core.link;
  if (!link) return false;
  if (link.eof || link.input.length === 0) return link.eof;
  if (core.info.repl_transfer_size === -1) {
    return link.input.indexOfNewline(HEADER_LINE_MAX - 1) !== -1 || link.input.length >= HEADER_LINE_MAX - 1;
  }
  // `$0` announces nothing to read: Redis then waits for the transfer timeout.
  return core.transfer!.eofmark !== null || core.info.repl_transfer_size > core.transfer!.received;
}

export function* onTransferReadable(core: ReplicaCore): Work {
  if (core.info.repl_transfer_size === -1) yield* readHeader(core);
  else yield* readPayload(core);
}

function* readHeader(core: ReplicaCore): Work {
  const info = core.info;
  const link = core.link!;
  const transfer = core.transfer!;
  const line = link.input.readLine(HEADER_LINE_MAX);
  if (line === null) {
    const message = `I/O error reading bulk count from MASTER: ${link.error ?? 'Connection lost'}`;
    core.fail(message);
    yield* core.cancelReplicationHandshake(true, 'transfer-error', message, READ_PAYLOAD);
    return;
  }
  info.stat_net_repl_input_bytes += line.length + 1;
  if (line.startsWith('-')) {
    const message = `MASTER aborted replication with an error: ${line.slice(1)}`;
    core.fail(message);
    yield* core.cancelReplicationHandshake(true, 'transfer-error', message, READ_PAYLOAD);
    return;
  }
  if (line.length === 0) {
    // A newline keeps the link alive while the master writes its RDB.
    info.repl_transfer_lastio = core.unixtime();
    yield { kind: 'line', state: info.repl_state, line, callPath: READ_PAYLOAD };
    return;
  }
  if (!line.startsWith('$')) {
    const message = `Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`;
    core.fail(message);
    yield* core.cancelReplicationHandshake(true, 'protocol-error', message, READ_PAYLOAD);
    return;
  }
  const target = transfer.disklessLoad ? 'to parser' : 'to disk';
  if (line.startsWith('$EOF:') && line.length - 5 >= CONFIG_RUN_ID_SIZE) {
    transfer.eofmark = Buffer.from(line.slice(5, 5 + CONFIG_RUN_ID_SIZE), 'latin1');
    info.repl_transfer_eofmark = transfer.eofmark.toString('latin1');
    info.repl_transfer_size = 0;
    core.log('notice', `MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF ${target}`);
  } else {
    info.repl_transfer_size = strtol(line.slice(1));
    core.log('notice', `MASTER <-> REPLICA sync: receiving ${info.repl_transfer_size} bytes from master ${target}`);
  }
  yield { kind: 'line', state: info.repl_state, line, callPath: READ_PAYLOAD };
}

function* readPayload(core: ReplicaCore): Work {
  const info = core.info;
  const link = core.link!;
  const transfer = core.transfer!;

  if (transfer.disklessLoad && !transfer.loading) {
    transfer.loading = true;
    beginLoad(core);
  }

  const limit = transfer.eofmark ? RDB_READ_CHUNK : Math.min(RDB_READ_CHUNK, info.repl_transfer_size - transfer.received);
  const want = Math.min(link.input.length, limit);
  if (want <= 0) {
    if (link.eof) yield* transferLost(core);
    return;
  }
  const chunk = link.input.take(want);
  info.stat_net_repl_input_bytes += chunk.length;
  info.repl_transfer_lastio = core.unixtime();
  transfer.lastReadMs = core.now();
  transfer.received += chunk.length;
  if (!transfer.disklessLoad) info.repl_transfer_read += chunk.length;

  const complete = transfer.eofmark
    ? feedMarked(transfer, transfer.eofmark, chunk)
    : (feedVerifier(transfer, chunk), transfer.received === info.repl_transfer_size);
  if (transfer.disklessLoad) loadingProgress(core, chunk.length);
  yield { kind: 'rdb-chunk', bytes: chunk.length, received: transfer.received, callPath: transfer.disklessLoad ? LOAD : READ_PAYLOAD };

  if (transfer.disklessLoad && transfer.rdbError !== null) {
    yield* loadFailed(core, transfer.rdbError);
  } else if (complete) {
    yield* finishLoad(core);
  }
}

function feedVerifier(transfer: TransferState, bytes: Buffer): void {
  if (transfer.rdbError !== null || bytes.length === 0) return;
  transfer.rdbError = transfer.verifier.write(bytes);
}

/**
 * EOF-mark mode: Redis compares the last 40 bytes of the stream with the mark
 * after each read. Those 40 bytes are held back until the next read shows
 * they were RDB data, so the mark never reaches the RDB.
 */
function feedMarked(transfer: TransferState, mark: Buffer, chunk: Buffer): boolean {
  const held = transfer.tail;
  if (chunk.length >= CONFIG_RUN_ID_SIZE) {
    feedVerifier(transfer, held);
    feedVerifier(transfer, chunk.subarray(0, chunk.length - CONFIG_RUN_ID_SIZE));
    transfer.tail = Buffer.from(chunk.subarray(chunk.length - CONFIG_RUN_ID_SIZE));
  } else {
    const joined = Buffer.concat([held, chunk]);
    const keep = Math.min(CONFIG_RUN_ID_SIZE, joined.length);
    feedVerifier(transfer, joined.subarray(0, joined.length - keep));
    transfer.tail = joined.subarray(joined.length - keep);
  }
  return transfer.tail.length === CONFIG_RUN_ID_SIZE && transfer.tail.equals(mark);
}

/** rdbLoadProgressCallback(): a loading replica sends "\n" so the master does not time it out. */
function loadingProgress(core: ReplicaCore, bytes: number): void {
  const transfer = core.transfer!;
  transfer.bytesSinceNewline += bytes;
  if (transfer.bytesSinceNewline < LOADING_EVENTS_INTERVAL_BYTES) return;
  transfer.bytesSinceNewline = 0;
  const now = core.unixtime();
  if (now !== transfer.lastNewlineAt) {
    transfer.lastNewlineAt = now;
    core.write(Buffer.from('\n'));
  }
}

/** The payload ended early: the master closed or the socket failed. */
function* transferLost(core: ReplicaCore): Work {
  const link = core.link!;
  if (core.transfer!.disklessLoad) {
    core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    yield* loadFailed(core, `Unexpected EOF reading RDB file (${link.error ?? 'connection lost'}). Failure loading rdb format from socket, assuming connection error, resuming operation.`);
    return;
  }
  const message = `I/O error trying to sync with MASTER: ${link.error ?? 'connection lost'}`;
  core.fail(message);
  yield* core.cancelReplicationHandshake(true, 'transfer-error', message, READ_PAYLOAD);
}

/** What a non-swapdb load does before parsing: forget the old master, empty the dataset. */
function beginLoad(core: ReplicaCore): void {
  if (core.config['repl-diskless-load'] !== 'swapdb' || !core.transfer!.disklessLoad) {
    core.discardCachedMaster();
    core.log('notice', 'MASTER <-> REPLICA sync: Flushing old data');
  }
  core.log('notice', 'MASTER <-> REPLICA sync: Loading DB in memory');
}

/**
 * A failed load. From disk Redis reconnects at once; from the socket it waits
 * for the next cron tick (cancelReplicationHandshake(0)).
 */
function* loadFailed(core: ReplicaCore, reason: string): Work {
  const transfer = core.transfer!;
  core.fail(reason);
  if (transfer.disklessLoad) {
    const message = 'Failed trying to load the MASTER synchronization DB from socket, check server logs.';
    core.fail(message);
    yield* core.cancelReplicationHandshake(false, 'rdb-error', `${message} ${reason}`, LOAD);
    core.log('notice', 'MASTER <-> REPLICA sync: Discarding the half-loaded data');
  } else {
    const message = 'Failed trying to load the MASTER synchronization DB from disk, check server logs.';
    core.fail(message);
    yield* core.cancelReplicationHandshake(true, 'rdb-error', `${message} ${reason}`, LOAD);
  }
}

/** The payload is complete: load it, create the master client, go CONNECTED. */
function* finishLoad(core: ReplicaCore): Work {
  const info = core.info;
  const transfer = core.transfer!;
  if (!transfer.disklessLoad) beginLoad(core);
  const result: VerifyResult = transfer.rdbError !== null
    ? { ok: false, error: transfer.rdbError, bytes: transfer.verifier.bytes }
    : transfer.verifier.end();
  if (!result.ok) {
    yield* loadFailed(core, result.error);
    return;
  }
  const redisVer = result.aux['redis-ver'];
  if (redisVer !== undefined) core.log('notice', `Loading RDB produced by version ${redisVer}`);
  if (transfer.disklessLoad && core.config['repl-diskless-load'] === 'swapdb') {
    core.discardCachedMaster();
    core.log('notice', 'MASTER <-> REPLICA sync: Swapping active DB with loaded DB');
    core.log('notice', 'MASTER <-> REPLICA sync: Discarding old DB in background');
  }

  const streamDb = Number(result.aux['repl-stream-db'] ?? -1);
  info.master = {
    reploff: info.master_initial_offset,
    read_reploff: info.master_initial_offset,
    replid: info.master_replid,
    lastinteraction: core.unixtime(),
    db: Number.isInteger(streamDb) && streamDb >= 0 ? streamDb : 0,
    multi: false,
    pre_psync: info.master_initial_offset === -1,
  };
  core.masterQuery.clear();
  core.multiQueue = [];
  const usedMark = transfer.eofmark !== null;
  core.transfer = null;
  info.repl_transfer_eofmark = null;
  info.repl_down_since = 0;
  info.replid = info.master.replid;
  info.master_repl_offset = info.master.reploff;
  core.clearReplicationId2();
  const message = 'MASTER <-> REPLICA sync: Finished with success';
  const point = core.transition(ReplState.CONNECTED, 'sync-finished', message, ['readSyncBulkPayload', 'replicationCreateMasterClient']);
  core.createBacklogIfMissing();
  core.log('notice', message);
  // A diskless master streams nothing until the first ACK.
  if (usedMark) core.sendAck();
  yield point;
}

/** Diskless load only: the blocking socket read timed out (SO_RCVTIMEO = repl-timeout). */
export function* disklessLoadTimedOut(core: ReplicaCore): Work {
  core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
  yield* loadFailed(core, `Unexpected EOF reading RDB file (no data from the master for repl-timeout ${core.config['repl-timeout']} s). Failure loading rdb format from socket, assuming connection error, resuming operation.`);
}

/** strtol(…, 10): leading digits, 0 if none. */
function strtol(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}
