// readSyncBulkPayload(), receiving side: the `$<len>` or `$EOF:<mark>` header,
// then the payload in 16 KB reads. A disk load writes it to a temp file and
// verifies it; a diskless load hands each read to the decoder (rdbLoad.ts).
// The payload is never held whole in memory.
import { RdbPayloadVerifier } from '../rdb/payloadVerifier';
import type { Link, ReplicaCore, Work } from './core';
import type { FileId } from './io';
import { beginLoad, checkEofMark, classifyRdbError, feedLoad, finishSocketLoad, loadFailed, onFileEnd, startFileLoad, type LoadState } from './rdbLoad';
import { ReplState, type TransitionCause } from './states';

/** PROTO_IOBUF_LEN: Redis reads the payload 16 KB at a time. */
export const RDB_READ_CHUNK = 16 * 1024;
const HEADER_LINE_MAX = 1024;
const CONFIG_RUN_ID_SIZE = 40;

const READ_PAYLOAD = ['readSyncBulkPayload'];

export interface TransferState {
  /** The link the payload arrives on: the main link, or a multi-channel sync's rdb link. */
  link: Link;
  /** A multi-channel sync: the RDB comes on the rdb channel while the main channel buffers the stream. */
  multiChannel: boolean;
  /** Redis aborted the sync while this diskless load ran: its next read fails (rioAbort). */
  aborted: boolean;
  /** The EOF mark of a diskless transfer, or null for `$<len>`. */
  eofmark: Buffer | null;
  /** The last bytes received, held back from the RDB until we know they are not the mark. */
  tail: Buffer;
  /** repl-diskless-load decided the payload is parsed straight from the socket. */
  disklessLoad: boolean;
  /** Disk load: the temp file the payload goes to, and the CRC/framing check on the way. */
  file: FileId | null;
  verifier: RdbPayloadVerifier | null;
  /** Payload bytes received, in both modes (repl_transfer_read only counts them for a disk load). */
  received: number;
  lastReadMs: number;
  /** The load in progress (diskless: from the first payload byte; disk: once the file is complete). */
  load: LoadState | null;
}

/** The end of syncWithMaster: RECEIVE_PSYNC_REPLY -> TRANSFER, the payload on the main link. */
export function* startTransfer(core: ReplicaCore, cause: TransitionCause, message: string): Work {
  const link = core.link!;
  prepareTransfer(core, link, false);
  link.handler = 'readSyncBulkPayload';
  yield core.transition(ReplState.TRANSFER, cause, message, ['syncWithMaster']);
}

/**
 * What syncWithMaster sets up before the payload: the temp file of a disk
 * load and the transfer counters (a multi-channel sync does it before its rdb
 * channel connects, and again when the rdb channel's payload begins).
 */
export function prepareTransfer(core: ReplicaCore, link: Link, multiChannel: boolean): void {
  const info = core.info;
  info.repl_transfer_size = -1;
  info.repl_transfer_read = 0;
  info.repl_transfer_last_fsync_off = 0;
  info.repl_transfer_lastio = core.unixtime();
  info.repl_transfer_eofmark = null;
  info.repl_transfer_diskless_load = useDisklessLoad(core);
  const file = core.transfer?.file ?? null;
  core.transfer = {
    link,
    multiChannel,
    aborted: false,
    eofmark: null,
    tail: Buffer.alloc(0),
    disklessLoad: info.repl_transfer_diskless_load,
    // A second prepare (the rdb channel's payload begins) keeps the file syncWithMaster opened.
    file: info.repl_transfer_diskless_load ? null : (file ?? core.newFileId()),
    verifier: info.repl_transfer_diskless_load ? null : new RdbPayloadVerifier(),
    received: 0,
    lastReadMs: core.now(),
    load: null,
  };
  core.transferRate.reset(core.clockMs);
}

/** useDisklessLoad(): swapdb always parses from the socket; on-empty-db only when the replica holds no keys. */
export function useDisklessLoad(core: ReplicaCore): boolean {
  const mode = core.config['repl-diskless-load'];
  // flushdb taken before emulate auto knew the version means nothing to a version without it: its default, disabled.
  const flushdb = mode === 'flushdb' && core.profile.has('repl-diskless-load-flushdb');
  return mode === 'swapdb' || flushdb || (mode === 'on-empty-db' && core.keyspace.keyCount() === 0);
}

export function transferReadable(core: ReplicaCore): boolean {
  const transfer = core.transfer;
  if (!transfer) return false;
  const link = transfer.link;
  // Once a disk load reads its file, the socket waits: what follows is the stream.
  if (transfer.load && !transfer.disklessLoad) return false;
  if (link.eof) return true;
  if (link.input.length === 0) return false;
  if (core.info.repl_transfer_size === -1) {
    return link.input.indexOfNewline(HEADER_LINE_MAX - 1) !== -1 || link.input.length >= HEADER_LINE_MAX - 1;
  }
  // `$0` announces nothing to read: Redis then waits for the transfer timeout.
  return transfer.eofmark !== null || core.info.repl_transfer_size > transfer.received;
}

export function* onTransferReadable(core: ReplicaCore): Work {
  if (core.info.repl_transfer_size === -1) yield* readHeader(core);
  else yield* readPayload(core);
}

function* readHeader(core: ReplicaCore): Work {
  const info = core.info;
  const transfer = core.transfer!;
  const link = transfer.link;
  const M = core.w.MASTER;
  const line = link.input.readLine(HEADER_LINE_MAX);
  if (line === null) {
    const message = `I/O error reading bulk count from ${M}: ${link.error ?? 'Success'}`;
    core.fail(message);
    yield* abortTransfer(core, 'transfer-error', message);
    return;
  }
  info.stat_net_repl_input_bytes += line.length + 1;
  core.recent.received(line, info.repl_state, READ_PAYLOAD, core.now(), info.master_repl_offset);
  if (line.startsWith('-')) {
    const message = `${M} aborted replication with an error: ${line.slice(1)}`;
    core.fail(message);
    yield* abortTransfer(core, 'transfer-error', message);
    return;
  }
  if (line.length === 0) {
    // A newline keeps the link alive while the master writes its RDB.
    info.repl_transfer_lastio = core.unixtime();
    yield { kind: 'line', state: info.repl_state, line, callPath: READ_PAYLOAD };
    return;
  }
  if (!line.startsWith('$')) {
    const message = `Bad protocol from ${M}, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`;
    core.fail(message);
    yield* abortTransfer(core, 'protocol-error', message);
    return;
  }
  const target = transfer.disklessLoad ? 'to parser' : 'to disk';
  if (line.startsWith('$EOF:') && line.length - 5 >= CONFIG_RUN_ID_SIZE) {
    transfer.eofmark = Buffer.from(line.slice(5, 5 + CONFIG_RUN_ID_SIZE), 'latin1');
    info.repl_transfer_eofmark = transfer.eofmark.toString('latin1');
    info.repl_transfer_size = 0;
    core.log('notice', `${M} <-> REPLICA sync: receiving streamed RDB from ${core.w.master} with EOF ${target}`);
  } else {
    info.repl_transfer_size = strtol(line.slice(1));
    core.log('notice', `${M} <-> REPLICA sync: receiving ${info.repl_transfer_size} bytes from ${core.w.master} ${target}`);
  }
  // The payload starts here: the master's BGSAVE before it is no part of the rate.
  core.transferRate.reset(core.clockMs);
  yield { kind: 'line', state: info.repl_state, line, callPath: READ_PAYLOAD };
}

function* readPayload(core: ReplicaCore): Work {
  const info = core.info;
  const transfer = core.transfer!;
  const link = transfer.link;

  // rioAbort(): the load's next read fails as a lost connection does.
  if (transfer.aborted && transfer.load) {
    core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    return yield* loadFailed(core, { kind: 'short-read', reason: 'the rdb channel sync was aborted while loading', strerror: 'Connection lost' });
  }

  // A diskless load begins at the first payload byte: redis-server then blocks in rdbLoad.
  if (transfer.disklessLoad && !transfer.load) transfer.load = beginLoad(core, 'socket');
  const load = transfer.load;
  const readingMark = transfer.disklessLoad && transfer.eofmark !== null && load!.finished;

  let limit: number;
  if (readingMark) limit = CONFIG_RUN_ID_SIZE - transfer.tail.length;
  else if (transfer.eofmark) limit = RDB_READ_CHUNK;
  else limit = Math.min(RDB_READ_CHUNK, info.repl_transfer_size - transfer.received);
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
  core.transferRate.sample(transfer.lastReadMs, transfer.received);
  if (!transfer.disklessLoad) info.repl_transfer_read += chunk.length;
  const point = { kind: 'rdb-chunk' as const, bytes: chunk.length, received: transfer.received, callPath: transfer.disklessLoad ? ['readSyncBulkPayload', 'rdbLoad'] : READ_PAYLOAD };

  if (readingMark) {
    transfer.tail = Buffer.concat([transfer.tail, chunk]);
    yield point;
    yield* checkEofMark(core, load!, transfer.eofmark!, transfer.tail);
    return;
  }

  if (transfer.disklessLoad) {
    // The decoder runs on what just arrived, yielding its own progress points.
    load!.decoder.write(chunk);
    yield* feedLoad(core, load!, point);
    if (core.transfer !== transfer) return; // the load failed and cancelled the transfer
    if (transfer.eofmark) {
      if (!load!.finished) return;
      // The RDB ended inside this read: the rest of it is the start of the mark.
      const past = transfer.received - load!.decoder.bytesConsumed;
      transfer.tail = Buffer.from(chunk.subarray(chunk.length - past));
      yield* checkEofMark(core, load!, transfer.eofmark, transfer.tail);
    } else if (transfer.received === info.repl_transfer_size) {
      yield* finishSocketLoad(core, load!);
    }
    return;
  }

  let complete: boolean;
  if (transfer.eofmark) {
    complete = splitMark(transfer, transfer.eofmark, chunk, (rdb) => payloadBytes(core, rdb));
  } else {
    payloadBytes(core, chunk);
    complete = transfer.received === info.repl_transfer_size;
  }
  yield point;
  if (complete) yield* diskPayloadComplete(core);
}

/** Disk load: every payload byte goes to the temp file and through the CRC check. */
function payloadBytes(core: ReplicaCore, rdb: Buffer): void {
  const transfer = core.transfer!;
  if (rdb.length === 0) return;
  core.emit({ type: 'rdb-file-write', file: transfer.file!, unixtime: core.unixtime(), bytes: rdb });
  transfer.verifier!.write(rdb);
}

/**
 * EOF-mark mode with a disk load: Redis compares the last 40 bytes of the stream with the mark
 * after each read. Those 40 bytes are held back until the next read shows
 * they were RDB data, so the mark never reaches the RDB.
 */
function splitMark(transfer: TransferState, mark: Buffer, chunk: Buffer, rdb: (bytes: Buffer) => void): boolean {
  const held = transfer.tail;
  if (chunk.length >= CONFIG_RUN_ID_SIZE) {
    rdb(held);
    rdb(chunk.subarray(0, chunk.length - CONFIG_RUN_ID_SIZE));
    transfer.tail = Buffer.from(chunk.subarray(chunk.length - CONFIG_RUN_ID_SIZE));
  } else {
    const joined = Buffer.concat([held, chunk]);
    const keep = Math.min(CONFIG_RUN_ID_SIZE, joined.length);
    rdb(joined.subarray(0, joined.length - keep));
    transfer.tail = joined.subarray(joined.length - keep);
  }
  return transfer.tail.length === CONFIG_RUN_ID_SIZE && transfer.tail.equals(mark);
}

/**
 * The whole payload is in the temp file. It is loaded only if it verified:
 * the old data is flushed (as Redis does before rdbLoad), then the file is read back.
 */
function* diskPayloadComplete(core: ReplicaCore): Work {
  const transfer = core.transfer!;
  const verdict = transfer.verifier!.end();
  transfer.load = beginLoad(core, 'file');
  if (!verdict.ok) {
    if (verdict.error.startsWith('Short read') || verdict.error.startsWith('Unexpected EOF')) core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    yield* loadFailed(core, classifyRdbError(verdict.error));
    return;
  }
  startFileLoad(core, transfer.file!);
  yield { kind: 'rdb-chunk', bytes: 0, received: transfer.received, callPath: ['readSyncBulkPayload', 'rdbLoad'] };
}

/** The payload ended early: the master closed or the socket failed. */
function* transferLost(core: ReplicaCore): Work {
  const transfer = core.transfer!;
  const link = transfer.link;
  if (transfer.disklessLoad) {
    core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    yield* loadFailed(core, { kind: 'short-read', reason: 'the master closed the link during a diskless load', strerror: link.error ?? 'Connection lost' });
    return;
  }
  const message = `I/O error trying to sync with ${core.w.MASTER}: ${link.error ?? 'connection lost'}`;
  core.fail(message);
  yield* abortTransfer(core, 'transfer-error', message);
}

/** cancelReplicationHandshake(1) during a transfer (it removes the temp file). */
function* abortTransfer(core: ReplicaCore, cause: TransitionCause, message: string): Work {
  yield* core.cancelReplicationHandshake(true, cause, message, READ_PAYLOAD);
}

/** The temp file of a disk load: a chunk read back, its end, or an I/O error. */
export function* onRdbFile(core: ReplicaCore, input: { type: 'rdb-file-data' | 'rdb-file-end' | 'rdb-file-error'; file: FileId; bytes?: Buffer; error?: string }): Work {
  const transfer = core.transfer;
  if (!transfer || transfer.file !== input.file) return;
  if (input.type === 'rdb-file-error') {
    if (transfer.load) return yield* loadFailed(core, { kind: 'refused', reason: `Error reading the RDB file received from the master: ${input.error}`, strerror: input.error! });
    const message = `Write error saving the DB on disk: ${input.error}`;
    core.fail(message);
    return yield* abortTransfer(core, 'transfer-error', message);
  }
  const load = transfer.load;
  if (!load) return;
  if (input.type === 'rdb-file-end') return yield* onFileEnd(core, load);
  load.decoder.write(input.bytes!);
  yield* feedLoad(core, load, { kind: 'rdb-chunk', bytes: input.bytes!.length, received: load.decoder.bytesConsumed, callPath: ['readSyncBulkPayload', 'rdbLoad'] });
}

/** strtol(…, 10): leading digits, 0 if none. */
function strtol(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}
