// One hosted replica as a row of a view (the Replicas tree, a status bar): the
// fields a person scans, derived from the ReplicaInfo model and the cron's
// timeout rule, sent by the `replicas` request and the `replicasChanged` event.
// Pure, so the views and the tests read the same numbers.
import type { ReplicaInfo } from '../engine/replicaInfo';
import { ReplState, shortStateName } from '../engine/states';
import { replicaTimeouts } from './timeouts';
import { channelNames, channelSyncActive, emulatedProfileId, mainChannelFlags, type VersionSnapshot } from './versionView';

export interface ReplicaSummary {
  threadId: number;
  /** The thread's name (`replica 1 :6380 → 127.0.0.1:6379 [TRANSFER] redis-7.2`). */
  name: string;
  /** The version it emulates (a profile id), or null while emulate auto has not asked the master. */
  emulate: string | null;
  /** `Redis 8.8.0`: the profile's label (of the stand-in while not known). */
  emulate_label: string;
  /** How that version was chosen (emulate auto's reason, or "configured"). */
  emulate_reason: string;
  /** How much of the dataset it keeps (`full`, `none`) and why. */
  dataset: string;
  dataset_reason: string;
  /**
   * The second connection of a multi-channel full sync, for a version that has
   * one: its state under the version's name (repl_rdb_ch_state or
   * repl_rdb_channel_state), short (RDB_CH_RDB_LOADING), and Redis 8's main
   * channel flags; null for a version without.
   */
  rdb_channel: { field: string; state: string; main_ch_state: string | null } | null;
  /** The local buffer while a multi-channel sync is in progress, under INFO's names; null otherwise. */
  repl_buffer: { size_field: string; peak_field: string; size: number; peak: number; used: number; blocks: number } | null;
  /** Its RESP port on 127.0.0.1 (redis-cli -p). */
  port: number;
  /** Short state name: CONNECT, TRANSFER, CONNECTED, … */
  repl_state: string;
  masterhost: string | null;
  masterport: number;
  master_link_status: 'up' | 'down';
  /** The applied offset (INFO's slave_repl_offset); -1 with no master, live or cached. */
  slave_repl_offset: number;
  slave_read_repl_offset: number;
  master_repl_offset: number;
  /** Seconds since the last byte from the master (-1 with no link), as INFO computes it. */
  master_last_io_seconds_ago: number;
  master_sync_in_progress: boolean;
  repl_transfer_size: number;
  repl_transfer_read: number;
  /** Percent of an RDB of known size read, or null. */
  transfer_percent: number | null;
  /** The armed timeout that fires first, on either side (our cron's, the master's drop): which, and in how many seconds. */
  nearest_timeout: { id: string; label: string; remaining_s: number } | null;
  last_error: string | null;
  /** Why the replica is stopped, or null while it runs. */
  stopped: { reason: string; description: string | null } | null;
  pauseMode: string;
}

export interface SummaryInput {
  threadId: number;
  name: string;
  port: number;
  info: Readonly<ReplicaInfo>;
  replTimeout: number;
  /** The master's repl-timeout (for its drop of a silent replica), seconds. */
  masterReplTimeout: number;
  nowMs: number;
  stopped: ReplicaSummary['stopped'];
  pauseMode: string;
  version: Pick<VersionSnapshot, 'profile' | 'emulation' | 'buffer'>;
  dataset: { footprint: string; reason: string };
}

export function summarize(s: SummaryInput): ReplicaSummary {
  const i = s.info;
  const now = Math.floor(s.nowMs / 1000);
  const source = i.master ?? i.cached_master;
  const timeouts = replicaTimeouts(i, s.replTimeout, s.masterReplTimeout, s.nowMs);
  const nearest = timeouts.timeouts.find((t) => t.id === timeouts.firesFirst);
  const names = channelNames(s.version.profile);
  const b = s.version.buffer;
  return {
    threadId: s.threadId,
    name: s.name,
    emulate: emulatedProfileId(s.version),
    emulate_label: s.version.profile.label,
    emulate_reason: s.version.emulation.reason,
    dataset: s.dataset.footprint,
    dataset_reason: s.dataset.reason,
    rdb_channel: names && {
      field: names.stateField,
      state: shortStateName(i.repl_rdb_ch_state),
      main_ch_state: names.machine === 'rdb-channel' ? mainChannelFlags(i.repl_main_ch_state) : null,
    },
    repl_buffer: names && channelSyncActive(i)
      ? { size_field: names.bufferSize, peak_field: names.bufferPeak, size: b.size, peak: b.peak, used: b.used, blocks: b.blocks }
      : null,
    port: s.port,
    repl_state: shortStateName(i.repl_state),
    masterhost: i.masterhost,
    masterport: i.masterport,
    master_link_status: i.repl_state === ReplState.CONNECTED ? 'up' : 'down',
    slave_repl_offset: source ? source.reploff : -1,
    slave_read_repl_offset: source ? source.read_reploff : -1,
    master_repl_offset: i.master_repl_offset,
    master_last_io_seconds_ago: i.master ? now - i.master.lastinteraction : -1,
    master_sync_in_progress: i.repl_state === ReplState.TRANSFER,
    repl_transfer_size: i.repl_transfer_size,
    repl_transfer_read: i.repl_transfer_read,
    transfer_percent: i.repl_state === ReplState.TRANSFER && i.repl_transfer_size > 0 ? (100 * i.repl_transfer_read) / i.repl_transfer_size : null,
    nearest_timeout: nearest && nearest.remainingMs !== null ? { id: nearest.id, label: nearest.label, remaining_s: Math.ceil(nearest.remainingMs / 1000) } : null,
    last_error: i.last_error?.message ?? null,
    stopped: s.stopped,
    pauseMode: s.pauseMode,
  };
}
