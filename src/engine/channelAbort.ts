// Ending a multi-channel full sync that failed or was cancelled: Redis 8's
// rdbChannelAbort() and Valkey 8's replicationAbortDualChannelSyncTransfer().
// cancelReplicationHandshake() calls it first, whatever else it does.
import type { ReplicaCore } from './core';
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
    discardChannel(core);
    info.repl_provisional_primary = null;
    info.rdb_client_id = -1;
    yield core.transition(DualChannelState.NONE, channelCause(cause), message, [...callPath, 'replicationAbortDualChannelSyncTransfer']);
    return true;
  }

  const load = core.transfer?.load;
  const loading = core.rdbLink !== null && load !== null && load !== undefined && !load.finished;
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
