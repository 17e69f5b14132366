// The versions the engine emulates. Each profile is the one before it plus
// what that version changed on the replica side (../shared/spec/versions.md),
// checked against a live server where one exists (liveServer).
import type { Feature, KeyspaceDialect, ProfileId, Product, VersionProfile } from './profile';
import { REDIS_WORDING, VALKEY_7_WORDING, VALKEY_8_WORDING, type Wording } from './wording';

const MB = 1024 * 1024;

interface ProfileSpec {
  id: ProfileId;
  product: Product;
  version: string;
  liveServer: string | null;
  rdbVersion: number;
  add?: readonly Feature[];
  remove?: readonly Feature[];
  backlog?: number;
  eventsInterval?: number;
  configs?: readonly string[];
  wording?: Wording;
  /** REPLCONF options this version adds. */
  replconf?: readonly string[];
  /** rdbReportError's line numbers in this build's rdb.c (the nearest known build's when absent). */
  rdbErrorLines?: { crc: number; eof: number };
}

/** The REPLCONF options of Redis 7.0's replconfCommand. */
const REPLCONF_7_0 = ['listening-port', 'ip-address', 'capa', 'ack', 'getack', 'rdb-only', 'rdb-filter-only'];

function make(base: VersionProfile | null, spec: ProfileSpec): VersionProfile {
  const features = new Set<Feature>(base?.features ?? []);
  for (const f of spec.add ?? []) features.add(f);
  for (const f of spec.remove ?? []) features.delete(f);
  const name = spec.product === 'redis' ? 'Redis' : 'Valkey';
  return {
    id: spec.id,
    product: spec.product,
    version: spec.version,
    label: `${name} ${spec.version}`,
    liveServer: spec.liveServer,
    commandTable: spec.liveServer ?? 'redis-unstable-2026-06',
    rdbVersion: spec.rdbVersion,
    wording: spec.wording ?? base?.wording ?? REDIS_WORDING,
    rdbVersionAux: spec.product === 'redis' ? 'redis-ver' : 'valkey-ver',
    features,
    defaults: {
      'repl-backlog-size': spec.backlog ?? base?.defaults['repl-backlog-size'] ?? MB,
      'loading-process-events-interval-bytes': spec.eventsInterval ?? base?.defaults['loading-process-events-interval-bytes'] ?? 2 * MB,
    },
    configs: [...(base?.configs ?? []), ...(spec.configs ?? [])],
    rdbErrorLines: spec.rdbErrorLines ?? base?.rdbErrorLines ?? { crc: 0, eof: 0 },
    replconfOptions: new Set([...(base?.replconfOptions ?? REPLCONF_7_0), ...(spec.replconf ?? [])]),
    has: (f: Feature) => features.has(f),
  };
}

const redis70 = make(null, {
  id: 'redis-7.0', product: 'redis', version: '7.0.15', liveServer: 'debian', rdbVersion: 10,
  // Debian's build (its patches shift rdb.c by 9 lines: upstream 7.0.15 says 3216 and 3240).
  rdbErrorLines: { crc: 3225, eof: 3249 },
});
const redis72 = make(redis70, {
  id: 'redis-7.2', product: 'redis', version: '7.2.6', liveServer: 'redis-7.2.6', rdbVersion: 11,
  rdbErrorLines: { crc: 3341, eof: 3365 },
  add: ['shortest-doubles', 'zset-size-hints', 'zrank-withscore', 'listpack-lists', 'listpack-sets', 'replication-notices', 'load-failure-check-logs', 'stream-consumer-active-time',
    'blocked-events-refresh-time'],
});
const redis74 = make(redis72, {
  id: 'redis-7.4', product: 'redis', version: '7.4.1', liveServer: 'redis-7.4.1', rdbVersion: 12,
  rdbErrorLines: { crc: 3677, eof: 3701 },
  add: ['empty-after-failed-disk-load', 'hash-field-expiry', 'list-large-plain-nodes'],
});
const redisUnstable202410 = make(redis74, {
  id: 'redis-unstable-2024-10', product: 'redis', version: '255.255.255', liveServer: 'redis-unstable-2024-10', rdbVersion: 12,
  rdbErrorLines: { crc: 3685, eof: 3709 },
  add: ['flush-after-load-start', 'stream-lag-after-trim', 'subexpiry-follows-hdel'],
});
const redis80 = make(redisUnstable202410, {
  id: 'redis-8.0', product: 'redis', version: '8.0.0', liveServer: null, rdbVersion: 12,
  add: ['rdb-channel', 'hash-field-ex-commands', 'vector-set-commands', 'info-full-sync-buffer', 'kvobj-embedded-key'],
  configs: ['repl-rdb-channel', 'replica-full-sync-buffer-limit'],
  replconf: ['rdb-channel', 'main-ch-client-id'],
});
const redis82 = make(redis80, {
  id: 'redis-8.2', product: 'redis', version: '8.2.0', liveServer: null, rdbVersion: 12,
  add: ['info-sync-attempts', 'redis-8.2-commands'],
});
const redis84 = make(redis82, {
  id: 'redis-8.4', product: 'redis', version: '8.4.0', liveServer: null, rdbVersion: 12,
  add: ['redis-8.4-commands', 'dump-zero-crc'],
});
const redis86 = make(redis84, {
  id: 'redis-8.6', product: 'redis', version: '8.6.0', liveServer: null, rdbVersion: 13,
  add: ['rdb-no-compress', 'info-master-client-io-thread', 'redis-8.6-commands', 'repl-diskless-load-flushdb'],
  replconf: ['rdb-no-compress'],
});
const redis88 = make(redis86, {
  id: 'redis-8.8', product: 'redis', version: '8.8.0', liveServer: 'redis-unstable-2026-06', rdbVersion: 14,
  rdbErrorLines: { crc: 4456, eof: 4480 },
  add: ['redis-8.8-commands', 'rdb-no-checksum', 'discard-before-reconnect', 'diskless-eof-skip-checksum', 'log-db-resized', 'sort-strict-scores',
    'unknown-command-args-only-when-given'],
  eventsInterval: 512 * 1024,
  replconf: ['rdb-no-checksum'],
});
const valkey72 = make(null, {
  id: 'valkey-7.2', product: 'valkey', version: '7.2.7', liveServer: 'valkey-7.2.7', rdbVersion: 11,
  rdbErrorLines: { crc: 3344, eof: 3368 },
  add: ['shortest-doubles', 'zset-size-hints', 'zrank-withscore', 'listpack-lists', 'listpack-sets', 'replication-notices', 'load-failure-check-logs', 'stream-consumer-active-time',
    'blocked-events-refresh-time'],
  wording: VALKEY_7_WORDING,
});
const valkey80 = make(valkey72, {
  id: 'valkey-8.0', product: 'valkey', version: '8.0.1', liveServer: 'valkey-8.0.1', rdbVersion: 11,
  rdbErrorLines: { crc: 3356, eof: 3377 },
  add: ['replconf-version', 'dual-channel', 'info-replicas-repl-buffer', 'empty-after-failed-disk-load', 'discard-half-loaded-log',
    'ack-after-every-full-sync', 'hide-user-data-in-log', 'protocol-error-keeps-link', 'list-large-plain-nodes', 'zadd-longest-member-hint',
    'primary-config-names'],
  backlog: 10 * MB,
  configs: ['dual-channel-replication-enabled'],
  wording: VALKEY_8_WORDING,
  replconf: ['version', 'rdb-channel', 'set-rdb-client-id'],
});

/** Oldest first within each product. */
export const PROFILES: readonly VersionProfile[] = [
  redis70, redis72, redis74, redisUnstable202410, redis80, redis82, redis84, redis86, redis88, valkey72, valkey80,
];

export const PROFILE_IDS: readonly ProfileId[] = PROFILES.map((p) => p.id);

/** The baseline the engine was built on, and what a dataset with no replica around it speaks. */
export const DEFAULT_PROFILE: VersionProfile = redis70;

/** The newest profile of each product (what a master that cannot be asked falls back to). */
export const NEWEST: Readonly<Record<Product, VersionProfile>> = { redis: redis88, valkey: valkey80 };

export function profileById(id: string): VersionProfile | undefined {
  return PROFILES.find((p) => p.id === id);
}

/** The keyspace's view of the baseline, for datasets built outside a replica (tests, tools). */
export const DEFAULT_DIALECT: KeyspaceDialect = DEFAULT_PROFILE;
