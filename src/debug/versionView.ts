// How a replica's version shapes what the views show: the version it emulates
// and how that was chosen, and for a version whose full sync can use a second
// connection (Redis 8's rdb channel, Valkey 8's dual channel) that channel's
// state, the main channel's flags, the ids the two links exchange, the local
// buffer and each link's unread bytes, under that version's own names.
import type { Emulation } from '../engine/core';
import type { ReplicaEngine } from '../engine/engine';
import type { ReplicaInfo } from '../engine/replicaInfo';
import { channelMachine, phaseOf, shortStateName, type Machine } from '../engine/states';
import type { VersionProfile } from '../versions/profile';

/** The names a version gives its second connection's things. */
export interface ChannelNames {
  machine: Exclude<Machine, 'main'>;
  /** The Variables scope that shows them. */
  scope: 'Rdb channel' | 'Dual channel';
  /** server.repl_rdb_ch_state (Redis 8) or server.repl_rdb_channel_state (Valkey 8). */
  stateField: 'repl_rdb_ch_state' | 'repl_rdb_channel_state';
  /** INFO replication's names of the local buffer's allocated size and peak. */
  bufferSize: string;
  bufferPeak: string;
}

/** The channel names of a version, or null for a version without a second connection. */
export function channelNames(profile: VersionProfile): ChannelNames | null {
  const machine = channelMachine(profile);
  if (machine === null || machine === 'main') return null;
  const valkeyInfo = profile.has('info-replicas-repl-buffer');
  return {
    machine,
    scope: machine === 'rdb-channel' ? 'Rdb channel' : 'Dual channel',
    stateField: machine === 'rdb-channel' ? 'repl_rdb_ch_state' : 'repl_rdb_channel_state',
    bufferSize: valkeyInfo ? 'replicas_repl_buffer_size' : 'replica_full_sync_buffer_size',
    bufferPeak: valkeyInfo ? 'replicas_repl_buffer_peak' : 'replica_full_sync_buffer_peak',
  };
}

/** The local buffer of a multi-channel sync, as the engine reports it. */
export interface ReplBufferView {
  /** Allocated bytes (what INFO prints as the buffer's size). */
  size: number;
  peak: number;
  /** Stream bytes held and not applied yet. */
  used: number;
  blocks: number;
}

/** One connection to the master: its id and the bytes received on it that the replica has not read yet. */
export interface LinkView {
  id: number;
  unread: number;
}

/** What the views read of a replica's version and its channels. */
export interface VersionSnapshot {
  profile: VersionProfile;
  emulation: Readonly<Emulation>;
  /** The `emulate` setting: auto, or a profile id. */
  emulate: string;
  /** The version it reports in INFO server. */
  emulatedVersion: string;
  buffer: ReplBufferView;
  mainLink: LinkView | null;
  rdbLink: LinkView | null;
}

/** The profile id, or null while emulate auto has not learned the master's version yet. */
export function emulatedProfileId(v: Pick<VersionSnapshot, 'profile' | 'emulation'>): string | null {
  return v.emulation.resolved ? v.profile.id : null;
}

/** What a thread name and a tree row say of the version: `redis-8.8`, or that auto has not asked yet. */
export function versionWords(v: Pick<VersionSnapshot, 'profile' | 'emulation'>): string {
  return emulatedProfileId(v) ?? 'version not known yet (emulate auto)';
}

/** REPL_MAIN_CH_ACCUMULATE_BUF|…, or REPL_MAIN_CH_NONE: the main channel's flags as server.h names them. */
export function mainChannelFlags(flags: ReplicaInfo['repl_main_ch_state']): string {
  const set = [
    ...(flags.accumulate ? ['REPL_MAIN_CH_ACCUMULATE_BUF'] : []),
    ...(flags.streaming ? ['REPL_MAIN_CH_STREAMING_BUF'] : []),
    ...(flags.closeAsap ? ['REPL_MAIN_CH_CLOSE_ASAP'] : []),
  ];
  return set.length > 0 ? set.join('|') : 'REPL_MAIN_CH_NONE';
}

/** Whether a multi-channel sync is under way: the second connection's state, or the buffer still being streamed. */
export function channelSyncActive(info: Readonly<ReplicaInfo>): boolean {
  return phaseOf(info.repl_rdb_ch_state) !== 'NONE' || info.repl_main_ch_state.streaming;
}

/** The rdb channel's state as the thread name shows it (`RDB_CH_RDB_LOADING`), or null when it is NONE or the version has none. */
export function channelStateWord(profile: VersionProfile, info: Readonly<ReplicaInfo>): string | null {
  if (channelNames(profile) === null || phaseOf(info.repl_rdb_ch_state) === 'NONE') return null;
  return shortStateName(info.repl_rdb_ch_state);
}

/** An engine's version and links, read now. */
export function versionSnapshotOf(engine: ReplicaEngine): VersionSnapshot {
  const link = (id: number | null): LinkView | null => (id === null ? null : { id, unread: engine.bufferedBytesOf(id) });
  return {
    profile: engine.profile,
    emulation: engine.emulation,
    emulate: engine.config.emulate,
    emulatedVersion: engine.emulatedVersion,
    buffer: engine.replBuffer,
    mainLink: link(engine.linkId),
    rdbLink: link(engine.rdbLinkId),
  };
}
