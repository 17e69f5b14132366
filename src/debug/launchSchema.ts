// The `launch` and `attach` attributes of the `redis-replica` debug type, as
// JSON Schema, for package.json's contributes.debuggers[].configurationAttributes.
// launchConfig.ts validates the same attributes at run time; keep the two in
// step (test/dap/launchSchema.test.ts checks the names match).
import { PROFILE_IDS } from '../versions/profiles';

/** The most replicas one session hosts: each is a socket, a port and a cron timer. */
export const MAX_REPLICAS = 64;

export interface AttributeSchema {
  type: string | string[];
  description: string;
  default?: unknown;
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  minimum?: number;
  maximum?: number;
  additionalProperties?: AttributeSchema | boolean;
  properties?: Record<string, AttributeSchema>;
}

export const DEBUG_TYPE = 'redis-replica';

export const LAUNCH_ATTRIBUTES: { required: readonly string[]; properties: Record<string, AttributeSchema> } = {
  required: ['master'],
  properties: {
    master: {
      type: 'string',
      description: 'The master to replicate from: host:port, redis://[user:password@]host:port, or rediss://… for TLS (sets tls-replication). A user and password in the URL become masteruser and masterauth.',
      default: '127.0.0.1:6379',
    },
    replicas: {
      type: 'integer',
      description: 'How many replica engines to host, each shown as a thread.',
      default: 1,
      minimum: 1,
      maximum: MAX_REPLICAS,
    },
    redisConf: {
      type: 'string',
      description: 'Optional redis.conf read first, as redis-server reads it (masterauth, repl-timeout, repl-diskless-load, …); `include` lines are not followed. `master` and `config` apply after it.',
    },
    config: {
      type: 'object',
      description: 'redis.conf settings by their Redis names, applied after redisConf, e.g. { "repl-timeout": 60, "masterauth": "${env:REDIS_PASSWORD}", "repl-diskless-load": "disabled" }. `port` 0 (the default) lets each replica\'s RESP port be picked free; replicaof comes from `master`.',
      default: { 'repl-timeout': 60, 'repl-diskless-load': 'disabled' },
      additionalProperties: { type: ['string', 'number', 'boolean'], description: 'The directive\'s value, as in redis.conf.' },
    },
    pauseMode: {
      type: 'string',
      description: 'What a stop does to the replica\'s time and link.',
      enum: ['keepalive', 'freeze'],
      enumDescriptions: [
        'Keep the link alive while stopped: the socket is drained into a buffer, ACKs go out, and the replica\'s clock leaves the stopped time out, so no timeout fires because of the stop.',
        'Stop like a redis-server under gdb: nothing is read or sent and wall time runs on, so on continue the replica\'s cron may fire its timeouts and the master may have dropped the link.',
      ],
      default: 'keepalive',
    },
    stopOnEntry: {
      type: 'boolean',
      description: 'Stop every replica before its first step (before NONE -> CONNECT).',
      default: false,
    },
    emulate: {
      type: 'string',
      description: 'Which version\'s replica each engine is: its handshake, sync mechanism (Redis 8 rdb-channel, Valkey 8 dual-channel), RDB versions, INFO fields, log lines and encodings. auto asks the master its version (INFO server) before the handshake and emulates that.',
      enum: ['auto', ...PROFILE_IDS],
      default: 'auto',
    },
    dataset: {
      type: 'string',
      description: 'How much of the dataset each engine keeps. Replication itself (states, offsets, ACKs, timeouts, log lines, INFO replication) is the same in each. full: every value (reads, DEBUG DIGEST, the Keyspace view). none: the RDB and the stream are decoded and verified completely, nothing is kept (memory stays small whatever the master holds). auto: before each full sync, full when the master\'s dataset fits this process\'s heap with room to spare, else none; a heap guard switches a load down if the estimate was wrong.',
      enum: ['auto', 'full', 'none'],
      default: 'auto',
    },
  },
};

export const ATTACH_ATTRIBUTES: { required: readonly string[]; properties: Record<string, AttributeSchema> } = {
  required: ['port'],
  properties: {
    port: {
      type: 'integer',
      description: 'The debug port of a running `redis-replica-debugger --debug-port <port>`: the session debugs the replicas that process hosts, and leaves them running when it ends.',
      default: 7100,
      minimum: 1,
      maximum: 65535,
    },
    host: {
      type: 'string',
      description: 'Where that process runs (it listens on 127.0.0.1 only, so a remote one needs a tunnel).',
      default: '127.0.0.1',
    },
    pauseMode: LAUNCH_ATTRIBUTES.properties['pauseMode']!,
  },
};

/** The initial configuration VS Code offers in a new launch.json. */
export const INITIAL_CONFIGURATION = {
  type: DEBUG_TYPE,
  request: 'launch',
  name: 'Debug replication',
  master: '127.0.0.1:6379',
  replicas: 1,
  config: { 'repl-timeout': 60 },
  pauseMode: 'keepalive',
  stopOnEntry: false,
};

/** The snippets launch.json's "Add Configuration…" offers. `^"…"` keeps a variable as text for VS Code to fill in. */
export const CONFIGURATION_SNIPPETS = [
  {
    label: 'Redis replica: debug replication of a master',
    description: 'One replica engine replicating from a master, stoppable at its state transitions',
    body: { type: DEBUG_TYPE, request: 'launch', name: 'Debug replication', master: '${1:127.0.0.1:6379}', replicas: 1, config: { 'repl-timeout': 60 }, pauseMode: 'keepalive' },
  },
  {
    label: 'Redis replica: several replicas',
    description: 'Several replica engines of one master, each a thread; the password from an environment variable',
    body: {
      type: DEBUG_TYPE, request: 'launch', name: 'Debug several replicas', master: '${1:127.0.0.1:6379}', replicas: 3,
      config: { 'repl-timeout': 60, masterauth: '^"\\${env:REDIS_PASSWORD}"' }, pauseMode: 'keepalive',
    },
  },
  {
    label: 'Redis replica: attach',
    description: 'Attach to the replicas of a running `redis-replica-debugger --debug-port <port>`',
    body: { type: DEBUG_TYPE, request: 'attach', name: 'Attach to replicas', port: '^${1:7100}', pauseMode: 'keepalive' },
  },
];
