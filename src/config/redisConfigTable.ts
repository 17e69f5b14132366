// Every config redis-server 7.0.15 knows that this tool does not act on, with
// the validation redis-server applies to it, so that a redis.conf written for
// a real replica is accepted or refused exactly as redis-server would, and the
// directives that are accepted can be reported as ignored. Derived from the
// binary itself: CONFIG GET * (plus the hidden configs, which only answer to
// their exact name), and one bad value of each kind per config. Aliases
// (slave-lazy-flush, hash-max-ziplist-*, lua-time-limit...) are listed as
// entries of their own: for a config that is only validated they behave the same.
import { type Validator, validateAppendDirname, validateAppendFilename, validateClientOutputBufferLimit, validateDbFilename, validateHostname, validateLatencyPercentiles, validateMemoryOrPercent, validateNotifyKeyspaceEvents, validateOomScoreAdjValues, validateProcTitleTemplate, validateSave, validateShutdownFlags } from './specialValidators';
import { INT_MAX, INT_MIN, LLONG_MAX, UINT_MAX, ULLONG_MAX, parseBool, parseEnum, parseIntInRange, parseMemoryInRange, parseOctalInRange } from './valueParsers';

export interface RedisConfigSpec {
  name: string;
  /** Takes a list of arguments; a single one is split on spaces first. */
  multiArg: boolean;
  validate: Validator;
}

const errorOf = (r: { ok: true } | { ok: false; error: string }): string | null => (r.ok ? null : r.error);

function custom(name: string, validate: Validator, opts: { multiArg?: boolean } = {}): RedisConfigSpec {
  return { name, multiArg: opts.multiArg ?? false, validate };
}
const bool = (name: string): RedisConfigSpec => custom(name, ([s]) => errorOf(parseBool(s!)));
const int = (name: string, min: bigint, max: bigint): RedisConfigSpec => custom(name, ([s]) => errorOf(parseIntInRange(s!, min, max)));
const memory = (name: string, min: bigint, max: bigint): RedisConfigSpec =>
  custom(name, ([s]) => errorOf(parseMemoryInRange(s!, min, max, max > LLONG_MAX)));
const octal = (name: string, min: bigint, max: bigint): RedisConfigSpec => custom(name, ([s]) => errorOf(parseOctalInRange(s!, min, max)));
const enumOf = (name: string, values: readonly string[]): RedisConfigSpec => custom(name, ([s]) => errorOf(parseEnum(s!, values)));
const str = (name: string): RedisConfigSpec => custom(name, () => null);

const SPECS: RedisConfigSpec[] = [
  enumOf('acl-pubsub-default', ['allchannels', 'resetchannels']),
  str('aclfile'),
  int('acllog-max-len', 0n, LLONG_MAX),
  int('active-defrag-cycle-max', 1n, 99n),
  int('active-defrag-cycle-min', 1n, 99n),
  memory('active-defrag-ignore-bytes', 1n, LLONG_MAX),
  int('active-defrag-max-scan-fields', 1n, LLONG_MAX),
  int('active-defrag-threshold-lower', 0n, 1000n),
  int('active-defrag-threshold-upper', 0n, 1000n),
  int('active-expire-effort', 1n, 10n),
  bool('activedefrag'),
  bool('activerehashing'),
  bool('always-show-logo'),
  bool('aof-disable-auto-gc'),
  bool('aof-load-truncated'),
  bool('aof-rewrite-incremental-fsync'),
  bool('aof-timestamp-enabled'),
  bool('aof-use-rdb-preamble'),
  str('aof_rewrite_cpulist'),
  custom('appenddirname', validateAppendDirname),
  custom('appendfilename', validateAppendFilename),
  enumOf('appendfsync', ['everysec', 'always', 'no']),
  bool('appendonly'),
  memory('auto-aof-rewrite-min-size', 0n, LLONG_MAX),
  int('auto-aof-rewrite-percentage', 0n, INT_MAX),
  str('bgsave_cpulist'),
  str('bind-source-addr'),
  str('bio_cpulist'),
  int('busy-reply-threshold', 0n, LLONG_MAX),
  custom('client-output-buffer-limit', validateClientOutputBufferLimit, { multiArg: true }),
  memory('client-query-buffer-limit', 1048576n, LLONG_MAX),
  bool('cluster-allow-pubsubshard-when-down'),
  bool('cluster-allow-reads-when-down'),
  bool('cluster-allow-replica-migration'),
  int('cluster-announce-bus-port', 0n, 65535n),
  custom('cluster-announce-hostname', validateHostname),
  str('cluster-announce-ip'),
  int('cluster-announce-port', 0n, 65535n),
  int('cluster-announce-tls-port', 0n, 65535n),
  str('cluster-config-file'),
  bool('cluster-enabled'),
  memory('cluster-link-sendbuf-limit', 0n, ULLONG_MAX),
  int('cluster-migration-barrier', 0n, INT_MAX),
  int('cluster-node-timeout', 0n, LLONG_MAX),
  int('cluster-port', 0n, 65535n),
  enumOf('cluster-preferred-endpoint-type', ['ip', 'hostname', 'unknown-endpoint']),
  bool('cluster-replica-no-failover'),
  int('cluster-replica-validity-factor', 0n, INT_MAX),
  bool('cluster-require-full-coverage'),
  bool('cluster-slave-no-failover'),
  int('cluster-slave-validity-factor', 0n, INT_MAX),
  bool('crash-log-enabled'),
  bool('crash-memcheck-enabled'),
  bool('daemonize'),
  custom('dbfilename', validateDbFilename),
  str('dir'), // redis-server chdir()s here; a missing directory is only found out by the caller
  bool('disable-thp'),
  bool('dynamic-hz'),
  enumOf('enable-module-command', ['no', 'yes', 'local']),
  enumOf('enable-protected-configs', ['no', 'yes', 'local']),
  int('hash-max-listpack-entries', 0n, LLONG_MAX),
  memory('hash-max-listpack-value', 0n, LLONG_MAX),
  int('hash-max-ziplist-entries', 0n, LLONG_MAX),
  memory('hash-max-ziplist-value', 0n, LLONG_MAX),
  memory('hll-sparse-max-bytes', 0n, LLONG_MAX),
  int('hz', 0n, INT_MAX),
  str('ignore-warnings'),
  int('io-threads', 1n, 128n),
  bool('io-threads-do-reads'),
  bool('jemalloc-bg-thread'),
  int('latency-monitor-threshold', 0n, LLONG_MAX),
  bool('latency-tracking'),
  custom('latency-tracking-info-percentiles', validateLatencyPercentiles, { multiArg: true }),
  bool('lazyfree-lazy-eviction'),
  bool('lazyfree-lazy-expire'),
  bool('lazyfree-lazy-server-del'),
  bool('lazyfree-lazy-user-del'),
  bool('lazyfree-lazy-user-flush'),
  int('lfu-decay-time', 0n, INT_MAX),
  int('lfu-log-factor', 0n, INT_MAX),
  int('list-compress-depth', 0n, INT_MAX),
  int('list-max-listpack-size', INT_MIN, INT_MAX),
  int('list-max-ziplist-size', INT_MIN, INT_MAX),
  str('logfile'),
  enumOf('loglevel', ['debug', 'verbose', 'notice', 'warning']),
  int('lua-time-limit', 0n, LLONG_MAX),
  int('maxclients', 1n, UINT_MAX),
  memory('maxmemory', 0n, ULLONG_MAX),
  custom('maxmemory-clients', validateMemoryOrPercent),
  int('maxmemory-eviction-tenacity', 0n, 100n),
  enumOf('maxmemory-policy', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction']),
  int('maxmemory-samples', 1n, INT_MAX),
  int('min-replicas-max-lag', 0n, INT_MAX),
  int('min-replicas-to-write', 0n, INT_MAX),
  int('min-slaves-max-lag', 0n, INT_MAX),
  int('min-slaves-to-write', 0n, INT_MAX),
  bool('no-appendfsync-on-rewrite'),
  custom('notify-keyspace-events', validateNotifyKeyspaceEvents),
  enumOf('oom-score-adj', ['no', 'yes', 'relative', 'absolute']),
  custom('oom-score-adj-values', validateOomScoreAdjValues, { multiArg: true }),
  str('pidfile'),
  custom('proc-title-template', validateProcTitleTemplate),
  enumOf('propagation-error-behavior', ['ignore', 'panic', 'panic-on-replicas']),
  bool('protected-mode'),
  memory('proto-max-bulk-len', 1048576n, LLONG_MAX),
  bool('rdb-del-sync-files'),
  bool('rdb-save-incremental-fsync'),
  bool('rdbchecksum'),
  bool('rdbcompression'),
  int('repl-backlog-ttl', 0n, LLONG_MAX),
  bool('repl-disable-tcp-nodelay'),
  bool('repl-diskless-sync'),
  int('repl-diskless-sync-delay', 0n, INT_MAX),
  int('repl-diskless-sync-max-replicas', 0n, INT_MAX),
  int('repl-ping-replica-period', 1n, INT_MAX),
  int('repl-ping-slave-period', 1n, INT_MAX),
  bool('replica-ignore-disk-write-errors'),
  bool('replica-ignore-maxmemory'),
  bool('replica-lazy-flush'),
  bool('replica-serve-stale-data'),
  str('requirepass'),
  enumOf('sanitize-dump-payload', ['no', 'yes', 'clients']),
  custom('save', validateSave, { multiArg: true }),
  str('server_cpulist'),
  int('set-max-intset-entries', 0n, LLONG_MAX),
  bool('set-proc-title'),
  custom('shutdown-on-sigint', validateShutdownFlags, { multiArg: true }),
  custom('shutdown-on-sigterm', validateShutdownFlags, { multiArg: true }),
  int('shutdown-timeout', 0n, INT_MAX),
  bool('slave-ignore-maxmemory'),
  bool('slave-lazy-flush'),
  bool('slave-serve-stale-data'),
  int('slowlog-log-slower-than', -1n, LLONG_MAX),
  int('slowlog-max-len', 0n, LLONG_MAX),
  int('socket-mark-id', 0n, UINT_MAX),
  bool('stop-writes-on-bgsave-error'),
  memory('stream-node-max-bytes', 0n, LLONG_MAX),
  int('stream-node-max-entries', 0n, LLONG_MAX),
  enumOf('supervised', ['upstart', 'systemd', 'auto', 'no']),
  bool('syslog-enabled'),
  enumOf('syslog-facility', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7']),
  str('syslog-ident'),
  int('tcp-backlog', 0n, INT_MAX),
  int('tcp-keepalive', 0n, INT_MAX),
  int('timeout', 0n, INT_MAX),
  enumOf('tls-auth-clients', ['no', 'yes', 'optional']),
  str('tls-ciphers'),
  str('tls-ciphersuites'),
  str('tls-client-cert-file'),
  str('tls-client-key-file'),
  str('tls-client-key-file-pass'),
  bool('tls-cluster'),
  str('tls-dh-params-file'),
  bool('tls-prefer-server-ciphers'),
  str('tls-protocols'),
  int('tls-session-cache-size', 0n, INT_MAX),
  int('tls-session-cache-timeout', 0n, INT_MAX),
  bool('tls-session-caching'),
  int('tracking-table-max-keys', 0n, LLONG_MAX),
  str('unixsocket'),
  octal('unixsocketperm', 0n, 0o777n),
  int('zset-max-listpack-entries', 0n, LLONG_MAX),
  memory('zset-max-listpack-value', 0n, LLONG_MAX),
  int('zset-max-ziplist-entries', 0n, LLONG_MAX),
  memory('zset-max-ziplist-value', 0n, LLONG_MAX),
  int('key-load-delay', INT_MIN, INT_MAX),
  int('loading-process-events-interval-bytes', 1024n, INT_MAX),
  bool('lua-enable-deprecated-api'),
  int('rdb-key-save-delay', INT_MIN, INT_MAX),
  bool('use-exit-on-panic'),
  int('watchdog-period', 0n, INT_MAX),
];

export const REDIS_CONFIGS: ReadonlyMap<string, RedisConfigSpec> = new Map(SPECS.map((s) => [s.name, s]));

/**
 * Accepted with exactly one argument and then ignored by redis-server 7.0
 * itself (kept so that old config files still load).
 */
export const DEPRECATED_CONFIGS: ReadonlySet<string> = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);
