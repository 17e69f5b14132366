// readSyncBulkPayload(), loading side (rdbLoad): the RDB decoded into the
// dataset, from the socket (diskless load) or from the temp file once it is
// complete and verified (disk load); then the master client and CONNECTED.
import { Keyspace } from '../keyspace/keyspace';
import { loadDecodedKey, loadFunctionLibrary } from '../keyspace/load';
import { RdbDecoder, type RdbEvent } from '../rdb/decoder';
import { resolveFromRdb } from '../versions/resolve';
import type { ReplicaCore, Work } from './core';
import type { FileId, StepPoint } from './io';
import { dualChannelRdbLoaded } from './dualChannel';
import { chooseFootprint } from './footprint';
import { guardHeap } from './heapGuard';
import { linkUp } from './handshake';
import { rdbChannelStreamReplDataToDb } from './rdbChannel';
import { DualChannelState, ReplState } from './states';

const LOAD = ['readSyncBulkPayload', 'rdbLoad'];
// Reads of the verified temp file: large enough that the load never waits on the read-back.
const FILE_READ_CHUNK = 256 * 1024;

export interface LoadState {
  source: 'socket' | 'file';
  /** The RDB's format version, once its header is read. */
  rdbVersion: number;
  /** Bytes loaded when the load last ran the event loop (server.loading_loaded_bytes). */
  loadedAtLastEvent: number;
  /** The database the records being read belong to (SELECTDB). */
  db: number;
  decoder: RdbDecoder;
  /** Where keys go: the live dataset, or (swapdb) a new one that replaces it at the end. */
  target: Keyspace;
  swap: boolean;
  keysLoaded: number;
  aux: Map<string, string>;
  /** The decoder reached EOF and verified the checksum. */
  finished: boolean;
  /** The dataset footprint is chosen (once the header and aux fields are read, before the first key). */
  decided: boolean;
  bytesSinceNewline: number;
}

/**
 * Starts a load. Except for swapdb, Redis first forgets the old master and
 * flushes the dataset (replicationAttachToNewMaster + emptyData).
 */
export function beginLoad(core: ReplicaCore, source: 'socket' | 'file'): LoadState {
  const swap = source === 'socket' && core.config['repl-diskless-load'] === 'swapdb';
  const MASTER = core.w.MASTER;
  core.cacheTime();
  // Redis 8 logs "Loading DB in memory" first, then flushes (before it reads the RDB's header).
  const loadFirst = core.profile.has('flush-after-load-start');
  if (!swap) core.attachToNewMaster();
  if (loadFirst) core.log('notice', `${MASTER} <-> REPLICA sync: Loading DB in memory`);
  if (!swap) flushOldData(core);
  if (!loadFirst) core.log('notice', `${MASTER} <-> REPLICA sync: Loading DB in memory`);
  const size = core.info.repl_transfer_size;
  const load: LoadState = {
    source,
    rdbVersion: 0,
    loadedAtLastEvent: 0,
    db: 0,
    decoder: new RdbDecoder({
      maxVersion: core.profile.rdbVersion,
      product: core.profile.product,
      ...(core.loadPauseBytes > 0 ? { pauseEveryBytes: core.loadPauseBytes } : {}),
      ...(size > 0 ? { expectedSize: size } : {}),
      // A disk load reads back a temp file whose CRC was verified as it arrived (RdbPayloadVerifier);
      // Redis 8.8 does not check an EOF-marked socket load's CRC (it asked its master for none).
      ...(source === 'file' || (core.transfer?.eofmark && core.profile.has('diskless-eof-skip-checksum')) ? { skipChecksum: true } : {}),
    }),
    target: swap ? new Keyspace(core.config.databases, core.profile) : core.keyspace,
    swap,
    keysLoaded: 0,
    aux: new Map(),
    finished: false,
    decided: false,
    bytesSinceNewline: 0,
  };
  // Kept after the load ends, so a view can say where it got to.
  core.lastLoad = load;
  return load;
}

/** emptyData() before a load: "Flushing old data". */
function flushOldData(core: ReplicaCore): void {
  core.log('notice', `${core.w.MASTER} <-> REPLICA sync: Flushing old data`);
  // emptyData()'s callback keeps the master from timing out a replica flushing a large dataset.
  if (core.keyspace.keyCount() > 0) core.sendNewlineToMaster();
  core.keyspace.flushAll();
  core.keyspace.functions.clear();
}

/** Disk load: the shell reads the verified temp file back as rdb-file-data events. */
export function startFileLoad(core: ReplicaCore, file: FileId): void {
  core.emit({ type: 'rdb-file-load', file, chunkSize: FILE_READ_CHUNK });
}

/**
 * Decodes what the decoder holds, loading keys as they complete, and yields a
 * point at each pause of the decoder and one for the chunk itself.
 */
export function* feedLoad(core: ReplicaCore, load: LoadState, chunkPoint: StepPoint & { kind: 'rdb-chunk' }): Work {
  const before = load.decoder.bytesConsumed;
  for (;;) {
    const r = load.decoder.next();
    if (r.status === 'event') {
      // Stop at the end of the RDB: what follows (an EOF mark, say) is not the decoder's.
      if (r.event.kind === 'eof') {
        if (!load.decided) decideFootprint(core, load);
        load.finished = true;
        break;
      }
      const error = handleEvent(core, load, r.event);
      if (error !== null) return yield* loadFailed(core, { kind: 'corrupt', reason: error });
      continue;
    }
    if (r.status === 'paused') {
      guardHeap(core, load.target, `during the load, after ${load.keysLoaded} keys`);
      yield { kind: 'rdb-progress', position: r.position, keysLoaded: load.keysLoaded, callPath: LOAD };
      continue;
    }
    if (r.status === 'error') return yield* loadFailed(core, classifyRdbError(r.error));
    if (r.status === 'done') load.finished = true;
    break;
  }
  guardHeap(core, load.target, `during the load, after ${load.keysLoaded} keys`);
  loadingProgress(core, load, load.decoder.bytesConsumed - before);
  yield chunkPoint;
}

/**
 * The dataset footprint of this load (config `dataset`; auto weighs the RDB's
 * used-mem, the master's INFO memory and the payload's size against the heap
 * this process may still use). Logged only when auto keeps less than a
 * redis-server replica would: otherwise the log stays redis-server's, line for
 * line, and INFO and the views show the footprint and why.
 */
function decideFootprint(core: ReplicaCore, load: LoadState): void {
  load.decided = true;
  const usedMem = Number(load.aux.get('used-mem'));
  const size = core.info.repl_transfer_size;
  const choice = chooseFootprint(core.config.dataset, {
    rdbUsedMem: Number.isFinite(usedMem) && usedMem > 0 ? usedMem : null,
    masterUsedMemory: core.emulation.masterUsedMemory,
    rdbSize: size > 0 ? size : null,
  }, core.memory);
  load.target.footprint = choice.footprint;
  load.target.footprintReason = choice.reason;
  if (core.config.dataset === 'auto' && choice.footprint !== 'full') core.log('notice', `Dataset footprint ${choice.footprint}: ${choice.reason}`);
}

function handleEvent(core: ReplicaCore, load: LoadState, event: RdbEvent): string | null {
  if (!load.decided && event.kind !== 'aux' && event.kind !== 'header') decideFootprint(core, load);
  switch (event.kind) {
    case 'aux': {
      const name = event.name.toString('latin1');
      const value = event.value.toString('latin1');
      load.aux.set(name, value);
      if (name === 'redis-ver' || name === 'valkey-ver') producedBy(core, load, name, value);
      // A clock behind the master's gives a negative age: Redis shows 0.
      else if (name === 'ctime') core.log('notice', `RDB age ${Math.max(0, core.unixtime() - Number(value))} seconds`);
      else if (name === 'used-mem') core.log('notice', `RDB memory usage when created ${(Number(value) / 1024 / 1024).toFixed(2)} Mb`);
      return null;
    }
    case 'selectdb':
      load.db = event.db;
      if (event.db >= core.config.databases) {
        return `FATAL: Data file was created with a Redis server configured to handle more than ${core.config.databases} databases.`;
      }
      return null;
    case 'key':
      try {
        // Decoded and verified in every footprint; stored only where values are kept.
        if (load.target.keepsValues) loadDecodedKey(load.target, event.key);
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
      load.keysLoaded++;
      if (event.key.value.type === 'module') {
        core.log('warning', `Key '${event.key.key}' holds a value of module ${event.key.value.moduleName} that this replica cannot interpret: kept as its raw RDB bytes`);
      }
      return null;
    case 'function':
      try {
        if (load.target.keepsValues) loadFunctionLibrary(load.target, event.code);
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
      return null;
    case 'module-aux':
      core.log('warning', `The RDB file contains AUX module data of module ${event.moduleName} that this replica cannot interpret: skipped`);
      return null;
    case 'header':
      load.rdbVersion = event.version;
      return null;
    case 'resizedb':
      if (core.profile.has('log-db-resized')) {
        core.log('verbose', `DB ${load.db} resized: ${dictBuckets(event.dbSize)} key buckets, ${dictBuckets(event.expiresSize)} expire buckets`);
      }
      return null;
    case 'slot-info':
    case 'eof':
      return null;
  }
}

/**
 * "Loading RDB produced by …" as this version words it, or its debug line
 * for a producer field it does not know. emulate auto without an answer from
 * the master: the producer names the version to emulate.
 */
function producedBy(core: ReplicaCore, load: LoadState, name: 'redis-ver' | 'valkey-ver', value: string): void {
  if (core.emulation.refineFromRdb) {
    const product = name === 'valkey-ver' ? 'valkey' : 'redis';
    const resolution = resolveFromRdb(product, value, load.rdbVersion);
    core.emulation.refineFromRdb = false;
    core.emulation.resolved = true;
    core.emulation.reason = resolution.reason;
    core.emulation.masterVersion = value;
    core.setProfile(resolution.profile);
    core.log('notice', `Emulating ${resolution.profile.id}: ${resolution.reason}`);
  }
  const line = core.w.producedBy[name];
  if (line) core.log('notice', `${line} ${value}`);
  else core.log('debug', `Unrecognized RDB AUX field: '${name}'`);
}

/** The buckets a dict is expanded to for `size` entries (dictExpand: a power of two, at least 4; none when empty). */
function dictBuckets(size: number): number {
  if (size === 0) return 0;
  return size <= 4 ? 4 : 2 ** Math.ceil(Math.log2(size));
}

/**
 * rdbLoadProgressCallback(): each time the load crosses a multiple of
 * loading-process-events-interval-bytes, a replica in TRANSFER sends "\n" so
 * that its master does not time it out, and the blocked load runs the event
 * loop once (processEventsWhileBlocked): the main channel of a multi-channel
 * sync gets a read then.
 */
function loadingProgress(core: ReplicaCore, load: LoadState, bytes: number): void {
  const interval = core.loadingEventsInterval;
  const before = load.bytesSinceNewline;
  load.bytesSinceNewline += bytes;
  if (Math.floor(load.bytesSinceNewline / interval) === Math.floor(before / interval)) return;
  load.loadedAtLastEvent = before;
  if (core.info.repl_state === ReplState.TRANSFER) core.sendNewlineToMaster();
  core.eventsWindow = true;
  if (core.profile.has('blocked-events-refresh-time')) core.cacheTime();
}

/** A diskless `$<len>` payload is complete: the RDB must have ended exactly there. */
export function* finishSocketLoad(core: ReplicaCore, load: LoadState): Work {
  if (!load.finished) {
    core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    return yield* loadFailed(core, { kind: 'corrupt', reason: 'Unexpected EOF reading RDB file' });
  }
  const trailing = core.transfer!.received - load.decoder.bytesConsumed;
  if (trailing > 0) {
    return yield* loadFailed(core, { kind: 'corrupt', reason: `Unexpected data after the end of the RDB payload (${trailing} bytes)` });
  }
  yield* finishLoad(core, load);
}

/**
 * A diskless `$EOF:` payload: after the RDB, Redis reads exactly 40 more bytes
 * and compares them with the mark. `held` are the bytes already read past the RDB.
 */
export function* checkEofMark(core: ReplicaCore, load: LoadState, mark: Buffer, held: Buffer): Work {
  const CONFIG_RUN_ID_SIZE = mark.length;
  if (held.length < CONFIG_RUN_ID_SIZE) return;
  // Anything beyond the mark was not Redis's to read yet: it is the stream.
  if (held.length > CONFIG_RUN_ID_SIZE) core.transfer?.link.input.unshift(Buffer.from(held.subarray(CONFIG_RUN_ID_SIZE)));
  if (!held.subarray(0, CONFIG_RUN_ID_SIZE).equals(mark)) {
    return yield* loadFailed(core, { kind: 'mark', reason: 'Replication stream EOF marker is broken' });
  }
  yield* finishLoad(core, load);
}

/** A disk load read its whole file. */
export function* onFileEnd(core: ReplicaCore, load: LoadState): Work {
  if (!load.finished) {
    core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    return yield* loadFailed(core, { kind: 'corrupt', reason: 'Unexpected EOF reading RDB file' });
  }
  yield* finishLoad(core, load);
}

/**
 * How a load failed, which decides what redis-server 7.0.15 does:
 * - `refused`: a wrong signature or an unsupported version; rdbLoad returns an
 *   error (errno EINVAL) and the replica reconnects at once.
 * - `short-read`: a diskless load whose socket ended or timed out: "assuming
 *   connection error, resuming operation", then reconnect at once.
 * - `corrupt`: anything else (CRC, truncation, bad encoding). redis-server logs
 *   the error and terminates; the engine logs the same lines, says so, and
 *   retries instead, since a debugger must outlive what it debugs.
 */
export interface LoadFailure {
  /** `mark`: the 40 bytes after a diskless RDB are not the announced EOF mark. */
  kind: 'refused' | 'short-read' | 'corrupt' | 'mark';
  reason: string;
  /** What rdbReportError() says after "->" (Redis's short form), when it differs from the reason. */
  detail?: string;
  strerror?: string;
}

export function classifyRdbError(reason: string): LoadFailure {
  if (reason.startsWith('Wrong signature') || reason.startsWith("Can't handle RDB format version")) {
    return { kind: 'refused', reason, strerror: 'Invalid argument' };
  }
  if (reason.startsWith('Wrong RDB checksum')) return { kind: 'corrupt', reason, detail: 'RDB CRC error' };
  if (reason.startsWith('Unexpected EOF reading RDB file')) return { kind: 'corrupt', reason, detail: 'Unexpected EOF reading RDB file' };
  return { kind: 'corrupt', reason };
}

/** A failed load: the half-loaded data goes (swapdb keeps the old dataset), then an immediate reconnect. */
export function* loadFailed(core: ReplicaCore, failure: LoadFailure): Work {
  const transfer = core.transfer!;
  const load = transfer.load;
  const profile = core.profile;
  const MASTER = core.w.MASTER;
  const from = transfer.disklessLoad ? 'socket' : 'disk';
  // What the decoder says is Redis's own line (a refused version, a CRC error); a lost link is only a reason.
  if (failure.kind === 'short-read' || failure.kind === 'mark') core.info.last_error = { at: core.now(), message: failure.reason };
  else core.fail(failure.reason);
  // 7.2 stopped naming errno: the reason is in the lines logged before.
  const failed = (strerror: string): string => profile.has('load-failure-check-logs')
    ? `Failed trying to load the ${MASTER} synchronization DB from ${from}, check server logs.`
    : `Failed trying to load the ${MASTER} synchronization DB from ${from}: ${strerror}`;
  const at = rdbErrorPlace(core, load, failure);
  let message: string;
  if (failure.kind === 'corrupt') {
    core.log('warning', `${at} -> ${failure.detail ?? failure.reason}`);
    message = `redis-server would terminate here after an RDB reading failure (${failure.reason}); this replica discards the load and reconnects instead`;
  } else if (failure.kind === 'mark') {
    core.fail(failure.reason);
    message = failure.reason;
  } else if (failure.kind === 'short-read') {
    core.log('warning', `${at} -> Unexpected EOF reading RDB file. Failure loading rdb format from socket, assuming connection error, resuming operation.`);
    message = failed(failure.strerror ?? 'Connection lost');
  } else {
    // Redis 8's disk load flushes before it reads the header, and its cleanup flushes (and logs it) again.
    if (load && !load.swap && !transfer.disklessLoad && profile.has('flush-after-load-start')) core.log('notice', `${MASTER} <-> REPLICA sync: Flushing old data`);
    message = failed(failure.strerror ?? 'Invalid argument');
  }
  core.fail(message);
  const discard = load ? discardAfterFailure(core, load, transfer.disklessLoad) : null;
  // stopLoading(): the load is over before the sync is cancelled (an rdb channel then ends at once).
  transfer.load = null;
  if (discard && profile.has('discard-before-reconnect')) discard();
  yield* core.cancelReplicationHandshake(true, 'rdb-error', message, LOAD);
  if (discard && !profile.has('discard-before-reconnect')) discard();
}

/**
 * rdbReportError()'s "Internal error in RDB reading offset %llu, function at
 * rdb.c:%d": the offset is where the load last ran the event loop (a multiple
 * of loading-process-events-interval-bytes), the line that of the call in the
 * version's rdb.c, known for the CRC and end-of-file errors.
 */
function rdbErrorPlace(core: ReplicaCore, load: LoadState | null, failure: LoadFailure): string {
  const offset = load?.loadedAtLastEvent ?? 0;
  const lines = core.profile.rdbErrorLines;
  const line = failure.detail === 'RDB CRC error' ? lines.crc : failure.kind === 'short-read' || failure.detail === 'Unexpected EOF reading RDB file' ? lines.eof : null;
  return line === null ? `Internal error in RDB reading offset ${offset}` : `Internal error in RDB reading offset ${offset}, function at rdb.c:${line}`;
}

/**
 * What a failed load leaves: swapdb drops its temporary dataset (the old one
 * stays); otherwise the half-loaded data is emptied, silently except in
 * Valkey 8 (Redis 7.0 and 7.2 keep a failed disk load's data).
 */
function discardAfterFailure(core: ReplicaCore, load: LoadState, diskless: boolean): (() => void) | null {
  const MASTER = core.w.MASTER;
  if (load.swap) return () => core.log('notice', `${MASTER} <-> REPLICA sync: Discarding temporary DB in background`);
  if (!diskless && !core.profile.has('empty-after-failed-disk-load')) return null;
  return () => {
    core.keyspace.flushAll();
    if (core.profile.has('discard-half-loaded-log')) core.log('notice', `${MASTER} <-> REPLICA sync: Discarding the half-loaded data`);
  };
}

/** Loaded: swap in a swapdb dataset, create the master client, go CONNECTED. */
function* finishLoad(core: ReplicaCore, load: LoadState): Work {
  const info = core.info;
  const transfer = core.transfer!;
  const MASTER = core.w.MASTER;
  // A replica keeps keys whose TTL has passed: the master will send their DEL.
  core.log('notice', `Done loading RDB, keys loaded: ${load.keysLoaded}, keys expired: 0.`);
  if (load.swap) {
    core.attachToNewMaster();
    core.log('notice', `${MASTER} <-> REPLICA sync: Swapping active DB with loaded DB`);
    core.keyspace.replaceWith(load.target);
    core.log('notice', `${MASTER} <-> REPLICA sync: Discarding old DB in background`);
  }
  checkReplicationAux(core, load);
  if (transfer.file !== null) core.emit({ type: 'rdb-file-discard', file: transfer.file });
  const usedMark = transfer.eofmark !== null;
  core.transfer = null;
  info.repl_transfer_eofmark = null;

  if (transfer.multiChannel && core.info.repl_rdb_ch_state >= DualChannelState.NONE) return yield* finishDualChannelLoad(core);

  const streamDb = Number(load.aux.get('repl-stream-db') ?? -1);
  info.master = {
    reploff: info.master_initial_offset,
    read_reploff: info.master_initial_offset,
    replid: info.master_replid,
    lastinteraction: core.unixtime(),
    db: Number.isInteger(streamDb) && streamDb >= 0 && streamDb < core.config.databases ? streamDb : 0,
    multi: false,
    multi_dirty: false,
    pre_psync: info.master_initial_offset === -1,
    close_after_reply: null,
    lastcmd: null,
  };
  core.masterQuery.clear();
  core.multiQueue = [];
  info.repl_down_since = 0;
  linkUp(core);
  info.replid = info.master.replid;
  info.master_repl_offset = info.master.reploff;
  core.clearReplicationId2();
  core.link!.handler = 'readQueryFromClient';
  const message = `${MASTER} <-> REPLICA sync: Finished with success`;
  const point = core.transition(ReplState.CONNECTED, 'sync-finished', message, ['readSyncBulkPayload', 'replicationCreateMasterClient']);
  core.createBacklogIfMissing();
  core.log('notice', message);
  // A diskless master streams nothing until the first ACK; Valkey 8 sends it after every full sync.
  if (usedMark || core.profile.has('ack-after-every-full-sync')) {
    // Redis queues it in the master client's output buffer: with a buffer to drain first, it goes
    // out at the drain's first run of the event loop, or after the drain.
    if (transfer.multiChannel) core.deferAck(['readSyncBulkPayload', 'replicationSendAck']);
    else core.sendAck(['readSyncBulkPayload', 'replicationSendAck']);
  }
  yield point;
  // Redis 8: the rdb channel's work is done; the stream it buffered meanwhile goes into the dataset.
  if (transfer.multiChannel) {
    core.closeRdbLink();
    yield* rdbChannelStreamReplDataToDb(core);
  }
}

/** Valkey: the RDB is loaded; the sync ends now or when the main channel's PSYNC is accepted. */
function* finishDualChannelLoad(core: ReplicaCore): Work {
  const info = core.info;
  yield* dualChannelRdbLoaded(core);
  info.repl_down_since = 0;
  if (info.repl_state === ReplState.CONNECTED && info.master) {
    linkUp(core);
    info.replid = info.master.replid;
  }
  core.clearReplicationId2();
  core.createBacklogIfMissing();
  core.log('notice', `${core.w.MASTER} <-> REPLICA sync: Finished with success`);
  core.closeRdbLink();
}

/**
 * A master's RDB for a sync carries the history it was cut from (repl-id,
 * repl-offset): the +FULLRESYNC ID and offset. Redis does not check them; a
 * debugger says when they disagree, since the stream offsets would then be off.
 */
function checkReplicationAux(core: ReplicaCore, load: LoadState): void {
  const id = load.aux.get('repl-id');
  const offset = load.aux.get('repl-offset');
  const info = core.info;
  if (id === undefined || offset === undefined || info.master_initial_offset === -1) return;
  if (id !== info.master_replid || Number(offset) !== info.master_initial_offset) {
    core.log('warning', `The RDB's replication info (repl-id ${id}, repl-offset ${offset}) differs from +FULLRESYNC ${info.master_replid}:${info.master_initial_offset}`);
  }
}

/** Diskless load only: the blocking socket read timed out (SO_RCVTIMEO = repl-timeout). */
export function* disklessLoadTimedOut(core: ReplicaCore): Work {
  const reason = `no data from the master for repl-timeout (${core.config['repl-timeout']} s) during a diskless load`;
  core.recent.timeout('diskless-load', reason, ['replicationCron', 'rdbLoad'], core.now(), core.info.master_repl_offset);
  core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
  yield* loadFailed(core, { kind: 'short-read', reason, strerror: 'Resource temporarily unavailable' });
}
