// What a version profile is: everything that differs between the replicas of
// the Redis and Valkey versions the engine emulates, as data. Code asks a
// profile for a feature or a value; it never compares version numbers.
// The profiles themselves are in profiles.ts.
import type { Wording } from './wording';

export type Product = 'redis' | 'valkey';

/** The names a person gives `emulate` (launch attribute, --emulate). */
export type ProfileId =
  | 'redis-7.0'
  | 'redis-7.2'
  | 'redis-7.4'
  | 'redis-unstable-2024-10'
  | 'redis-8.0'
  | 'redis-8.2'
  | 'redis-8.4'
  | 'redis-8.6'
  | 'redis-8.8'
  | 'valkey-7.2'
  | 'valkey-8.0';

/**
 * A capability or behaviour a version has, named for what it does. A profile
 * is mostly the set of these; everything version-specific is one of them.
 */
export type Feature =
  // --- handshake and sync -------------------------------------------------
  /** `REPLCONF version <v>` after capa, read in REPL_STATE_RECEIVE_VERSION_REPLY (Valkey 8). */
  | 'replconf-version'
  /** Redis 8: `capa rdb-channel-repl`, `+RDBCHANNELSYNC <id>`, the RDB on a second connection. */
  | 'rdb-channel'
  /** Valkey 8: `capa dual-channel`, `+DUALCHANNELSYNC`, `$ENDOFF`, the main channel's PSYNC at the end offset. */
  | 'dual-channel'
  /** Redis 8.6: `REPLCONF rdb-no-compress 1` when the replica loads diskless. */
  | 'rdb-no-compress'
  /** Redis 8.8: `rdb-no-checksum 1` in the same REPLCONF. */
  | 'rdb-no-checksum'
  // --- loading -----------------------------------------------------------
  /** Redis 8.0 (and the unstable line before it): a disk load logs "Loading DB in memory" before "Flushing old data". */
  | 'flush-after-load-start'
  // --- dataset -----------------------------------------------------------
  /** Redis/Valkey 7.2: doubles printed shortest round-trip (fpconv_dtoa), not %.17g. */
  | 'shortest-doubles'
  /** 7.2: ZADD and ZRANGESTORE choose a sorted set's encoding from the element count up front (zsetTypeCreate). */
  | 'zset-size-hints'
  /** Valkey 8.0: ZADD's encoding hint is its longest member (Redis and Valkey 7.2: the first one). */
  | 'zadd-longest-member-hint'
  /** 7.2: ZRANK/ZREVRANK … WITHSCORE. */
  | 'zrank-withscore'
  /** 7.2: small lists are listpacks. */
  | 'listpack-lists'
  /** 7.2: small sets of strings are listpacks. */
  | 'listpack-sets'
  /** Redis 7.4 / Valkey 8.0: a list element bigger than list-max-listpack-size gets a PLAIN quicklist node (7.2: only at 1 GB). */
  | 'list-large-plain-nodes'
  /** Redis 7.4: hash field expiration (HEXPIRE family reads, listpackex, INFO keyspace subexpiry). */
  | 'hash-field-expiry'
  /** Redis 8.0 (#13470, in the unstable line since 2024): HDEL/HGETDEL of a hash's last field with a TTL takes the hash out of `subexpiry`. */
  | 'subexpiry-follows-hdel'
  /** Redis 8.0: the key is embedded in the value object (kvobj): a string is embstr only while key + value fit a 64-byte cache line. */
  | 'kvobj-embedded-key'
  /** Redis 8.0: the built-in vectorset module (VADD, VREM, VSETATTR write). */
  | 'vector-set-commands'
  /** Redis 8.0: HGETEX / HSETEX / HGETDEL. */
  | 'hash-field-ex-commands'
  /** Redis 8.2: XDELEX, XACKDEL, XADD/XTRIM KEEPREF|DELREF|ACKED, BITOP DIFF/DIFF1/ANDOR/ONE. */
  | 'redis-8.2-commands'
  /** Redis 8.4: MSETEX, DELEX, SET IFEQ|IFNE|IFDEQ|IFDNE, DIGEST. */
  | 'redis-8.4-commands'
  /** Redis 8.4: a DUMP payload whose CRC64 is 0 carries no checksum, and RESTORE does not check it (redis#14456). */
  | 'dump-zero-crc'
  /** Redis 8.0 (unstable since 2024-08, redis#13473): a group's lag is 0 for an emptied stream, and the length when the group has read nothing left and no tombstone is past the first entry. */
  | 'stream-lag-after-trim'
  /** Redis/Valkey 7.2: stream consumers have an active-time (XINFO CONSUMERS "inactive", XINFO STREAM FULL "active-time"), and XCLAIM/XAUTOCLAIM create their consumer even when they claim nothing. */
  | 'stream-consumer-active-time'
  /** Redis 8.6: stream IDMP (XADD IDMP/IDMPAUTO, XCFGSET, XIDMPRECORD, XINFO STREAM's idmp-* fields), KEY_META in the RDB. */
  | 'redis-8.6-commands'
  /** Redis 8.8: the Array type (AR*), INCREX, XNACK (and XINFO STREAM FULL's nacked-count). */
  | 'redis-8.8-commands'
  /** Redis 8.8 (#14661): SORT reads weights with string2d, which refuses a leading space (7.x: strtod skips it). */
  | 'sort-strict-scores'

  // --- INFO replication -----------------------------------------------------
  /** Redis 8.0: replica_full_sync_buffer_size / _peak after slave_repl_offset. */
  | 'info-full-sync-buffer'
  /** Redis 8.2: master_current_sync_attempts, master_total_sync_attempts, master_link_up_since_seconds, total_disconnect_time_sec. */
  | 'info-sync-attempts'
  /** Redis 8.6: master_client_io_thread. */
  | 'info-master-client-io-thread'
  /** Valkey 8: replicas_repl_buffer_size / _peak, replicas_waiting_psync. */
  | 'info-replicas-repl-buffer'
  // --- logs --------------------------------------------------------------
  /**
   * Redis 7.2: replication lines that were warnings are notices ("Connection
   * with master lost.", "Master replication ID changed", "Setting secondary
   * replication ID", "Latest backlog is").
   */
  | 'replication-notices'
  /** Redis 7.2: a failed load says "…synchronization DB from socket, check server logs." instead of errno. */
  | 'load-failure-check-logs'
  /** Redis 7.4: a failed disk load empties what it had loaded. */
  | 'empty-after-failed-disk-load'
  /** Valkey 8: "Discarding the half-loaded data" after a failed load, diskless or disk. */
  | 'discard-half-loaded-log'
  /** Redis 8.8: a failed load discards its data before it reconnects (older versions reconnect first). */
  | 'discard-before-reconnect'
  /** Valkey 8: the replica ACKs right after every full sync, not only after an EOF-marked one. */
  | 'ack-after-every-full-sync'
  /** Redis 8.8: an EOF-marked diskless load does not check the RDB's CRC (the master was asked not to compute it). */
  | 'diskless-eof-skip-checksum'
  /** Redis 8.8: "DB %d resized: …" (verbose) on each RESIZEDB record of a load. */
  | 'log-db-resized'
  /** Valkey 8 (hide-user-data-from-log yes by default): client names and users in log lines are redacted, and no backlog dump. */
  | 'hide-user-data-in-log'
  /** Valkey 8.0: after a protocol error from its primary the replica never frees the link (it waits to be dropped). */
  | 'protocol-error-keeps-link'
  /** Valkey 8: primaryauth / primaryuser, the primary names of masterauth / masteruser (which stay as aliases). */
  | 'primary-config-names'
  /** Redis 8.6: `repl-diskless-load flushdb` (always diskless, the dataset flushed first). */
  | 'repl-diskless-load-flushdb'
  /** An unknown command without arguments is "unknown command 'X'", no "with args beginning with:" (the 8.8 line). */
  | 'unknown-command-args-only-when-given'
  /** afterSleep() refreshes server.unixtime even in processEventsWhileBlocked (7.2+, not 7.0). */
  | 'blocked-events-refresh-time';

/** The slice of a profile the dataset reads (keyspace/ imports only this). */
export interface KeyspaceDialect {
  readonly product: Product;
  /** RDB_VERSION: DUMP payloads carry it, RESTORE refuses newer ones. */
  readonly rdbVersion: number;
  has(feature: Feature): boolean;
}

export interface VersionProfile extends KeyspaceDialect {
  readonly id: ProfileId;
  /** The version string INFO server prints (redis_version, or valkey_version). */
  readonly version: string;
  /** "Redis 7.2.6", "Valkey 8.0.1". */
  readonly label: string;
  /**
   * The folder of ../shared/servers (or "debian" for /usr/bin) whose live
   * server this profile is tested against; null for a profile written from
   * the sources only (see ../shared/spec/versions.md).
   */
  readonly liveServer: string | null;
  /**
   * The live build whose command table (COMMAND) this version answers with:
   * its own, or for a version without a live server the nearest build of
   * its line (the 8.8 line for 8.0 to 8.6; commands the keyspace gates on a
   * feature the version lacks stay unknown to it).
   */
  readonly commandTable: string;
  /** How its log names the master, the config file, the RDB's producer. */
  readonly wording: Wording;
  /** The aux field an RDB of this version names its producer with. */
  readonly rdbVersionAux: 'redis-ver' | 'valkey-ver';
  readonly features: ReadonlySet<Feature>;
  /** Defaults of the replication configs that differ between versions. */
  readonly defaults: {
    readonly 'repl-backlog-size': number;
    /** How often a blocked load runs the event loop (and pings its master with "\n"). */
    readonly 'loading-process-events-interval-bytes': number;
  };
  /** The replication configs this version knows beyond Redis 7.0's (CONFIG GET/SET, redis.conf). */
  readonly configs: readonly string[];
  /** The rdb.c line rdbReportError names for a CRC error and for a short read (builds differ: Debian's 7.0.15 is shifted). */
  readonly rdbErrorLines: { readonly crc: number; readonly eof: number };
  /** The REPLCONF options its replconfCommand knows (lower case); any other is "Unrecognized REPLCONF option". */
  readonly replconfOptions: ReadonlySet<string>;
}
