// The one model of a replica's replication state, under Redis's own names
// (struct redisServer's replica part, and the master client). INFO, ROLE, the
// debugger's variables, the tree view, the CLI's JSON and breakpoint
// conditions are all derived from it.
import { RdbChannelState, ReplState, type ChannelState } from './states';

/** server.master / server.cached_master: the client that represents the master. */
export interface MasterClientInfo {
  /** Applied offset: end of the last fully executed command (frozen inside MULTI). */
  reploff: number;
  /** Read offset: reploff at sync + bytes read from the socket. */
  read_reploff: number;
  /** The master's replid (replaced on +CONTINUE <newid>). */
  replid: string;
  /** Unix seconds of the last read from the master socket. */
  lastinteraction: number;
  /** The stream's selected DB (kept across reconnects). */
  db: number;
  /** CLIENT_MULTI: inside MULTI … EXEC. */
  multi: boolean;
  /** CLIENT_DIRTY_EXEC: a command was refused inside this MULTI, so EXEC aborts it. */
  multi_dirty: boolean;
  /** CLIENT_PRE_PSYNC: synced with legacy SYNC, so no ACKs. */
  pre_psync: boolean;
  /**
   * CLIENT_CLOSE_AFTER_REPLY after a protocol error (the error, or null): the
   * master reads nothing more and is freed, uncached, at the next cron's ACK.
   */
  close_after_reply: string | null;
  /**
   * c->lastcmd->fullname: the last command processed on this client (queued
   * ones and EXEC too), `container|sub` for a subcommand; null until the
   * first (Redis logs '<unknown>'). Kept while the master is cached.
   */
  lastcmd?: string | null;
}

/** server.repl_backlog: created after the first sync. */
export interface BacklogInfo {
  /** repl_backlog->offset: replication offset of the first byte held. */
  offset: number;
  histlen: number;
}

export interface ReplicaInfo {
  repl_state: ReplState;
  /**
   * The rdb channel of a multi-channel full sync: Redis 8's repl_rdb_ch_state
   * (REPL_RDB_CH_*), Valkey 8's repl_rdb_channel_state (REPL_DUAL_CHANNEL_*).
   * Its NONE when no such sync is in progress.
   */
  repl_rdb_ch_state: ChannelState;
  masterhost: string | null;
  masterport: number;
  /** -1 = `$` header not read yet; 0 = EOF-mark mode; n = announced RDB length. */
  repl_transfer_size: number;
  /** RDB bytes received so far (disk-load path; stays 0 in diskless load). */
  repl_transfer_read: number;
  repl_transfer_last_fsync_off: number;
  /** Unix seconds of the last I/O during connect, handshake and transfer. */
  repl_transfer_lastio: number;
  /** Unix seconds when a connected link was lost; 0 = up, never connected or reset. */
  repl_down_since: number;
  master: MasterClientInfo | null;
  cached_master: MasterClientInfo | null;
  /** From the last +FULLRESYNC. */
  master_replid: string;
  /** Offset from +FULLRESYNC; -1 = unknown or pre-PSYNC master. */
  master_initial_offset: number;
  replid: string;
  replid2: string;
  second_replid_offset: number;
  master_repl_offset: number;
  repl_backlog: BacklogInfo | null;
  /** The EOF mark of a diskless ($EOF:) transfer in progress, or null. */
  repl_transfer_eofmark: string | null;
  /** Whether the payload is parsed straight from the socket (repl-diskless-load). */
  repl_transfer_diskless_load: boolean;
  /** Counters a debugger and a benchmark want (not in Redis's INFO replication). */
  stat_sync_full: number;
  stat_sync_partial_ok: number;
  stat_commands_applied: number;
  stat_net_repl_input_bytes: number;
  /**
   * Unix seconds of the last REPLCONF ACK (or loading newline) sent, and of the
   * link going online: what the master holds as this replica's repl_ack_time.
   * A master drops an online replica when its unixtime - repl_ack_time > its
   * own repl-timeout. 0 = none yet.
   */
  repl_ack_time: number;
  /** Last replication error, with Redis's message, for views. */
  last_error: { at: number; message: string } | null;

  // --- Redis 8.2: sync attempts and link times ------------------------------
  /** connectWithMaster() calls since the link was last up (reset when a connected link drops, and by REPLICAOF). */
  repl_current_sync_attempts: number;
  /** connectWithMaster() calls since REPLICAOF. */
  repl_total_sync_attempts: number;
  /** Unix seconds the link came up; 0 while down. */
  repl_up_since: number;
  /** Seconds the link was down, summed over past disconnections. */
  repl_total_disconnect_time: number;
  /** Unix seconds the current disconnection began; 0 when up. */
  repl_disconnect_start_time: number;

  // --- multi-channel full sync ---------------------------------------------
  /**
   * Redis 8's repl_main_ch_state: what the main channel does while the rdb
   * channel carries the RDB (REPL_MAIN_CH_ACCUMULATE_BUF, _STREAMING_BUF,
   * _CLOSE_ASAP).
   */
  repl_main_ch_state: { accumulate: boolean; streaming: boolean; closeAsap: boolean };
  /** Redis 8: the master's client id of the main channel (+RDBCHANNELSYNC <id>); -1 when none. */
  repl_main_ch_client_id: number;
  /** Valkey 8: the master's client id of the rdb channel ($ENDOFF); -1 when none. */
  rdb_client_id: number;
  /** Valkey 8: the primary the sync will become, from $ENDOFF (repl_provisional_primary). */
  repl_provisional_primary: { replid: string; reploff: number; read_reploff: number; dbid: number } | null;
}

export const NULL_REPLID = '0000000000000000000000000000000000000000';

export function initialReplicaInfo(replid: string): ReplicaInfo {
  return {
    repl_state: ReplState.NONE,
    repl_rdb_ch_state: RdbChannelState.NONE,
    masterhost: null,
    masterport: 0,
    repl_transfer_size: -1,
    repl_transfer_read: 0,
    repl_transfer_last_fsync_off: 0,
    repl_transfer_lastio: 0,
    repl_down_since: 0,
    master: null,
    cached_master: null,
    master_replid: NULL_REPLID,
    master_initial_offset: -1,
    replid,
    replid2: NULL_REPLID,
    second_replid_offset: -1,
    master_repl_offset: 0,
    repl_backlog: null,
    repl_transfer_eofmark: null,
    repl_transfer_diskless_load: false,
    stat_sync_full: 0,
    stat_sync_partial_ok: 0,
    stat_commands_applied: 0,
    stat_net_repl_input_bytes: 0,
    repl_ack_time: 0,
    last_error: null,
    repl_current_sync_attempts: 0,
    repl_total_sync_attempts: 0,
    repl_up_since: 0,
    repl_total_disconnect_time: 0,
    repl_disconnect_start_time: 0,
    repl_main_ch_state: { accumulate: false, streaming: false, closeAsap: false },
    repl_main_ch_client_id: -1,
    rdb_client_id: -1,
    repl_provisional_primary: null,
  };
}
