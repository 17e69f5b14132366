// What a view reads of a transfer beyond ReplicaInfo's repl_transfer_* fields:
// the payload received in either load mode, its rate, and where the RDB load
// is. Read on demand from what the engine keeps (the rate's samples, the
// latest load's decoder), so the hot path pays nothing for it.
import type { RdbPosition } from '../rdb/decoderEvents';
import type { ReplicaCore } from './core';
import { ReplState } from './states';

export interface RdbLoadProgress {
  /** socket: a diskless load, decoded as it arrives; file: the verified temp file, read back. */
  source: 'socket' | 'file';
  /** Where the decoder is (offset = bytes decoded): the record's opcode, or the key's type, name and db. */
  position: RdbPosition;
  keysLoaded: number;
  /** The decoder reached the RDB's end. */
  finished: boolean;
  /** The load of the transfer in progress; false for the last one, kept after it ended or failed. */
  current: boolean;
}

export interface TransferProgress {
  /** Whether a transfer is in progress (REPL_STATE_TRANSFER). */
  active: boolean;
  /** Payload bytes received by the last transfer (repl_transfer_read counts them only for a disk load). */
  received: number;
  /** Bytes/s over the last seconds of reading, on the engine's clock; null until measurable. */
  rate: number | null;
  /** Clock ms of the last payload read, or null before any. */
  lastReadAt: number | null;
  load: RdbLoadProgress | null;
}

export function transferProgress(core: ReplicaCore): TransferProgress {
  const load = core.lastLoad;
  return {
    active: core.info.repl_state === ReplState.TRANSFER,
    received: core.transferRate.received,
    rate: core.transferRate.rate(),
    lastReadAt: core.transferRate.lastAt,
    load: load && {
      source: load.source,
      position: load.decoder.position(),
      keysLoaded: load.keysLoaded,
      finished: load.finished,
      current: core.transfer?.load === load,
    },
  };
}
