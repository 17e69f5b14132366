// connSetReadHandler() as data: which function reads a link's bytes, and
// whether it has something to read. The engine asks each link in turn.
import type { Link, ReplicaCore, Work } from './core';
import { onDualChannelConnected, onDualChannelConnectFailed, onDualChannelReadable, onSetupMainConnReadable } from './dualChannel';
import { onReplyReadable, replyReadable, waitsForReply } from './handshake';
import { onRdbChannelConnected, onRdbChannelConnectFailed, onRdbChannelReadable } from './rdbChannel';
import { bufferReadable, onBufferReadable } from './replStream';
import { channelMachine, DualChannelState, RdbChannelState, ReplState } from './states';
import { onStreamReadable, streamReadable } from './stream';
import { onTransferReadable, transferReadable } from './transfer';

/** Whether the link's handler would read something (or see its end) now. */
export function handlerReadable(core: ReplicaCore, link: Link): boolean {
  // A load blocks the replica: another link's handler runs only when the load runs the event loop
  // (processEventsWhileBlocked), once per window; the loading link itself is read by the load.
  if (core.loadBlocks && link.handler !== 'readSyncBulkPayload' && !core.eventsWindow) return false;
  switch (link.handler) {
    case 'syncWithMaster':
      return waitsForReply(core.info.repl_state) && replyReadable(link);
    case 'readSyncBulkPayload':
      return core.transfer?.link === link && transferReadable(core);
    case 'readQueryFromClient':
      return core.info.repl_state === ReplState.CONNECTED && core.info.master !== null && streamReadable(core);
    case 'rdbChannelHandshake':
      return link.connected && waitsForChannelReply(core) && replyReadable(link);
    case 'bufferReplData':
      return bufferReadable(core);
    case 'setupMainConnForPsync':
      return (core.info.repl_state === ReplState.RECEIVE_CAPA_REPLY || core.info.repl_state === ReplState.RECEIVE_PSYNC_REPLY) && replyReadable(link);
    case null:
      return false;
  }
}

function waitsForChannelReply(core: ReplicaCore): boolean {
  switch (core.info.repl_rdb_ch_state) {
    case RdbChannelState.RECEIVE_AUTH_REPLY:
    case RdbChannelState.RECEIVE_REPLCONF_REPLY:
    case RdbChannelState.RECEIVE_FULLRESYNC:
    case DualChannelState.RECEIVE_AUTH_REPLY:
    case DualChannelState.RECEIVE_REPLCONF_REPLY:
    case DualChannelState.RECEIVE_ENDOFF:
      return true;
    default:
      return false;
  }
}

export function onLinkReadable(core: ReplicaCore, link: Link): Work {
  // One read per blocked run of the event loop.
  if (core.loadBlocks && link.handler !== 'readSyncBulkPayload') core.eventsWindow = false;
  switch (link.handler) {
    case 'readSyncBulkPayload':
      return onTransferReadable(core);
    case 'readQueryFromClient':
      return onStreamReadable(core);
    case 'rdbChannelHandshake':
      return channelMachine(core.profile) === 'dual-channel' ? onDualChannelReadable(core) : onRdbChannelReadable(core);
    case 'bufferReplData':
      return onBufferReadable(core);
    case 'setupMainConnForPsync':
      return onSetupMainConnReadable(core);
    case 'syncWithMaster':
    case null:
      return onReplyReadable(core);
  }
}

export function onRdbLinkConnected(core: ReplicaCore): Work {
  return channelMachine(core.profile) === 'dual-channel' ? onDualChannelConnected(core) : onRdbChannelConnected(core);
}

export function onRdbLinkConnectFailed(core: ReplicaCore, error: string): Work {
  return channelMachine(core.profile) === 'dual-channel' ? onDualChannelConnectFailed(core, error) : onRdbChannelConnectFailed(core, error);
}
