// The configuration a replica acts on, keyed by redis-server's own config
// names so that config files, the command line, CONFIG GET/SET and the docs
// all speak the same words.

import type { Emulate } from '../versions/resolve';

/** `flushdb` (Redis 8.6+): always diskless, the dataset flushed first. */
export type DisklessLoad = 'disabled' | 'on-empty-db' | 'swapdb' | 'flushdb';

/**
 * How much of the dataset a replica keeps (the tool's setting, not a Redis
 * config). Replication itself (states, offsets, ACKs, timeouts, INFO
 * replication) is the same in each: `full` keeps every value (reads, DEBUG
 * DIGEST); `none` decodes and verifies the RDB and the stream completely and
 * keeps nothing.
 */
export type DatasetFootprint = 'full' | 'none';
/** `auto` picks the footprint before each full sync from what the master will send and the memory this process may use. */
export type DatasetChoice = 'auto' | DatasetFootprint;
export const DATASET_CHOICES: readonly DatasetChoice[] = ['auto', 'full', 'none'];

export function isDatasetChoice(v: string): v is DatasetChoice {
  return (DATASET_CHOICES as readonly string[]).includes(v);
}

/** One class of client-output-buffer-limit, in bytes and seconds. */
export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}
export type ProtectedAction = 'no' | 'yes' | 'local';

export interface ReplicaConfig {
  replicaof: { host: string; port: number } | null;
  /** A secret: never logged, never shown. */
  masterauth: string | null;
  /** Redis flags it as sensitive too, so it is treated like a secret. */
  masteruser: string | null;
  'repl-timeout': number;
  'replica-announce-ip': string | null;
  /** 0 = announce `port` (or `tls-port` when tls-replication is on). */
  'replica-announce-port': number;
  'replica-announced': boolean;
  'replica-priority': number;
  'replica-read-only': boolean;
  /** 6380, not redis-server's 6379: this tool must never clash with a local redis. */
  port: number;
  /**
   * Space-separated addresses, as CONFIG GET renders them ("127.0.0.1 ::1").
   * "" means the user gave none; see bindAddresses().
   */
  bind: string;
  'repl-diskless-load': DisklessLoad;
  /**
   * Bytes, or null for the emulated version's default (1 MB; Valkey 8: 10 MB).
   * Not clamped at load; CONFIG SET raises it to 16 KiB as Redis does.
   */
  'repl-backlog-size': number | null;
  /**
   * Which version's replica to be: a profile (src/versions/profiles.ts), or
   * auto, the master's own version. The tool's setting, not a Redis config.
   */
  emulate: Emulate;
  /** How much of the dataset to keep (auto by default). The tool's setting, not a Redis config. */
  dataset: DatasetChoice;
  /**
   * Hidden: bytes of load between two runs of the event loop while a load
   * blocks (a "\n" to the master each time); null = the version's default.
   */
  'loading-process-events-interval-bytes': number | null;
  /** Redis 8 (hidden): offer the rdb-channel full sync. */
  'repl-rdb-channel': boolean;
  /** Redis 8: the local buffer's limit during an rdb-channel sync; 0 = the replica class hard limit. */
  'replica-full-sync-buffer-limit': number;
  /** Valkey 8: offer the dual-channel full sync. */
  'dual-channel-replication-enabled': boolean;
  /** Per client class (normal, replica, pubsub); the replica class bounds a multi-channel sync's local buffer. */
  'client-output-buffer-limit': { normal: OutputBufferLimit; replica: OutputBufferLimit; pubsub: OutputBufferLimit };
  databases: number;
  'tls-replication': boolean;
  'tls-port': number;
  'tls-cert-file': string | null;
  'tls-key-file': string | null;
  'tls-ca-cert-file': string | null;
  'tls-ca-cert-dir': string | null;
  /** A secret. */
  'tls-key-file-pass': string | null;
  'enable-debug-command': ProtectedAction;
}

export function defaultConfig(): ReplicaConfig {
  return {
    replicaof: null,
    masterauth: null,
    masteruser: null,
    'repl-timeout': 60,
    'replica-announce-ip': null,
    'replica-announce-port': 0,
    'replica-announced': true,
    'replica-priority': 100,
    'replica-read-only': true,
    port: 6380,
    bind: '127.0.0.1',
    'repl-diskless-load': 'disabled',
    'repl-backlog-size': null,
    emulate: 'auto',
    dataset: 'auto',
    'loading-process-events-interval-bytes': null,
    'repl-rdb-channel': true,
    'replica-full-sync-buffer-limit': 0,
    'dual-channel-replication-enabled': false,
    'client-output-buffer-limit': {
      normal: { hard: 0, soft: 0, softSeconds: 0 },
      replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
      pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
    },
    databases: 16,
    'tls-replication': false,
    'tls-port': 0,
    'tls-cert-file': null,
    'tls-key-file': null,
    'tls-ca-cert-file': null,
    'tls-ca-cert-dir': null,
    'tls-key-file-pass': null,
    'enable-debug-command': 'no',
  };
}

/**
 * Directives whose arguments are secrets. Redis 7.0 flags masterauth,
 * masteruser and requirepass as sensitive; the TLS key passphrases and ACL
 * `user` lines (which carry passwords) are added because they are secrets
 * just the same. Their values never appear in errors or CONFIG GET output.
 */
export const SECRET_CONFIGS: ReadonlySet<string> = new Set([
  'masterauth',
  'masteruser',
  'primaryauth',
  'primaryuser',
  'requirepass',
  'tls-key-file-pass',
  'tls-client-key-file-pass',
  'user',
]);

/**
 * The addresses to listen on. An empty list is what redis-server gets from
 * `bind ""`; it then falls back to its built-in default, all interfaces.
 */
export function bindAddresses(config: ReplicaConfig): string[] {
  const list = config.bind.split(' ').filter((a) => a !== '');
  return list.length > 0 ? list : ['*', '-::*'];
}

/** loading-process-events-interval-bytes in effect. */
export function loadingEventsInterval(config: Readonly<ReplicaConfig>, profileDefault: number): number {
  return config['loading-process-events-interval-bytes'] ?? profileDefault;
}

/** The backlog size in effect: the configured one, or the emulated version's default. */
export function replBacklogSize(config: Readonly<ReplicaConfig>, profileDefault: number): number {
  return config['repl-backlog-size'] ?? profileDefault;
}
