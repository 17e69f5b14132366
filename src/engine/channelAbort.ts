// Ending a multi-channel full sync that failed or was cancelled: Redis 8's
// rdbChannelAbort() and Valkey 8's replicationAbortDualChannelSyncTransfer().
// cancelReplicationHandshake() calls it first, whatever else it does.
import type { ReplicaCore, Work } from './core';
import type { LoadState } from './rdbLoad';
import type { StepPoint } from './io';
import { DualChannelState, phaseOf, RdbChannelState, type TransitionCause } from './states';

/**
 * Returns whether the sync is cleaned up now. Redis cannot end it while it
 * loads the RDB or streams the buffer: it marks the main channel
 * CLOSE_ASAP (and, for a diskless load, makes the next read fail) and the
 * end of the load finishes the job; then the caller must leave the state as
 * it is.
 */
export function* abortChannelSync(core: ReplicaCore, cause: TransitionCause, message: string, callPath: readonly string[]): Generator<StepPoint, boolean, void> {
  const info = core.info;
  const state = info.repl_rdb_ch_state;
  if (phaseOf(state) === 'NONE') return true;
  if (state >= DualChannelState.NONE) {
    core.log('notice', 'Aborting dual channel sync');
    // Valkey closes the rdb connection under a diskless load that is still reading it: once the
    // abort is done, that load's next read fails, and it fails the sync a second time.
    const load = core.transfer?.load;
    if (load && load.source === 'socket') core.then(abortedSocketLoadFails(core, load));
    discardChannel(core);
    info.repl_provisional_primary = null;
    info.rdb_client_id = -1;
    yield core.transition(DualChannelState.NONE, channelCause(cause), message, [...callPath, 'replicationAbortDualChannelSyncTransfer']);
    return true;
  }

  const load = core.transfer?.load;
  // server.loading: from the load's start until its end is handled (a decoded RDB may still await its EOF mark).
  const loading = core.rdbLink !== null && load !== null && load !== undefined;
  if (loading || info.repl_main_ch_state.streaming) {
    if (loading) {
      core.log('notice', 'Aborting rdb channel sync while loading the RDB.');
      if (load.source === 'socket') core.transfer!.aborted = true;
      else core.log('notice', `After loading RDB, replica will try psync with ${core.w.master}.`);
    }
    if (core.link) core.link.handler = null;
    info.repl_main_ch_state.closeAsap = true;
    return false;
  }
  core.log('notice', 'Aborting rdb channel sync');
  discardChannel(core);
  yield core.transition(RdbChannelState.NONE, channelCause(cause), message, [...callPath, 'rdbChannelAbort']);
  return true;
}

/** A diskless load whose connection went: rdbLoad's short read, then readSyncBulkPayload's failure path. */
function* abortedSocketLoadFails(core: ReplicaCore, load: LoadState): Work {
  const MASTER = core.w.MASTER;
  const path = ['readSyncBulkPayload', 'rdbLoad'];
  core.fail('Short read or OOM loading DB. Unrecoverable error, aborting now.');
  core.log('warning', `Internal error in RDB reading offset ${load.loadedAtLastEvent}, function at rdb.c:${core.profile.rdbErrorLines.eof} -> Unexpected EOF reading RDB file. Failure loading rdb format from socket, assuming connection error, resuming operation.`);
  const message = core.profile.has('load-failure-check-logs')
    ? `Failed trying to load the ${MASTER} synchronization DB from socket, check server logs.`
    : `Failed trying to load the ${MASTER} synchronization DB from socket: Connection lost`;
  core.fail(message);
  yield* core.cancelReplicationHandshake(true, 'rdb-error', message, path);
  if (load.swap) core.log('notice', `${MASTER} <-> REPLICA sync: Discarding temporary DB in background`);
  else {
    core.keyspace.flushAll();
    if (core.profile.has('discard-half-loaded-log')) core.log('notice', `${MASTER} <-> REPLICA sync: Discarding the half-loaded data`);
  }
}

/** rdbChannelCleanup(): the channel's state, the main channel's flags, the buffer. */
export function channelCleanup(core: ReplicaCore): void {
  const flags = core.info.repl_main_ch_state;
  flags.accumulate = false;
  flags.streaming = false;
  flags.closeAsap = false;
  core.replBuffer.clear();
}

/** The rdb connection closes, its temp file goes, the buffer is freed. */
function discardChannel(core: ReplicaCore): void {
  core.closeRdbLink();
  const transfer = core.transfer;
  if (transfer && transfer.file !== null) {
    core.emit({ type: 'rdb-file-discard', file: transfer.file });
    transfer.file = null;
  }
  channelCleanup(core);
}

/** The channel's own causes: an error of its own, or a cancel from elsewhere. */
function channelCause(cause: TransitionCause): TransitionCause {
  return cause === 'rdb-channel-error' ? 'rdb-channel-error' : 'rdb-channel-abort';
}
