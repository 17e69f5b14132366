// The replica's dataset: typed values under Redis's type names. Binary data
// (keys, values, members, fields) is held as JS strings with one character per
// byte (latin1): binary-safe, compact in V8, comparable with < as memcmp compares.

import type { ListValue } from './quicklist';
import type { SparseArray } from './sparseArray';
import type { FieldTtls, HashFields, SetMembers } from './packed';
import type { StreamEntries } from './streamStore';
import type { Zset } from './zsetIndex';

/** Bytes as a latin1 string. */
export type Bytes = string;

export const toBytes = (b: Buffer): Bytes => b.toString('latin1');
export const fromBytes = (s: Bytes): Buffer => Buffer.from(s, 'latin1');

export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export interface StreamEntry {
  id: StreamId;
  /** field, value, field, value… */
  fields: Bytes[];
}

export interface StreamPendingEntry {
  id: StreamId;
  /** The owner; null for an entry no consumer owns (released by XNACK, 8.8). */
  consumer: Bytes | null;
  deliveryTime: number;
  deliveryCount: number;
}

export interface StreamConsumer {
  name: Bytes;
  seenTime: number;
  activeTime: number;
  /** ids (as `ms-seq`) of the group's PEL entries owned by this consumer */
  pending: Set<string>;
}

export interface StreamGroup {
  name: Bytes;
  lastId: StreamId;
  /** -1 when unknown (SCG_INVALID_ENTRIES_READ). */
  entriesRead: number;
  /** keyed by `ms-seq`, in id order when iterated after sorting */
  pending: Map<string, StreamPendingEntry>;
  consumers: Map<Bytes, StreamConsumer>;
  /**
   * The NACK zone (8.8): keys of the PEL entries XNACK released, in release
   * order (the head of Redis's time-ordered PEL list). Owned by no consumer,
   * delivery time 0.
   */
  nacked: Set<string>;
}

/**
 * IDMP (8.6): per stream, the idempotent IDs each producer sent recently,
 * so that a repeated XADD … IDMP adds nothing. Not part of DEBUG DIGEST.
 */
export interface StreamIdmp {
  /** IDMP-DURATION, seconds: a record expires once its entry's ms is this old. */
  duration: number;
  /** IDMP-MAXSIZE: records kept per producer (the oldest goes first). */
  maxEntries: number;
  /** pid → (iid → the ID of the entry it added), each Map oldest first (Redis's linked list order). */
  producers: Map<Bytes, Map<Bytes, StreamId>>;
  /** All-time counts (XINFO STREAM iids-added, iids-duplicates). */
  iidsAdded: number;
  iidsDuplicates: number;
}

export interface StreamValue {
  /** ordered by id (streamStore.ts) */
  entries: StreamEntries;
  lastId: StreamId;
  firstId: StreamId;
  maxDeletedId: StreamId;
  entriesAdded: number;
  groups: Map<Bytes, StreamGroup>;
  idmp: StreamIdmp;
}

export type Value =
  | { type: 'string'; value: Bytes }
  /** A quicklist (quicklist.ts), written through listEncoding.ts. */
  | ListValue
  | { type: 'set'; members: SetMembers }
  /** member → score with its ordered index (zsetIndex.ts) */
  | Zset
  /** field → value; fieldExpires: field → absolute unix ms (7.4 field expiry), only for fields that have one */
  | { type: 'hash'; fields: HashFields; fieldExpires: FieldTtls }
  | { type: 'stream'; stream: StreamValue }
  /** Redis 8.8's Array: a sparse array of slices (sparseArray.ts). ARRING may swap in a rebuilt one. */
  | { type: 'array'; array: SparseArray }
  /** A module value the replica cannot interpret: kept as its raw RDB bytes. */
  | { type: 'module'; moduleName: string; moduleId: bigint; encver: number; raw: Buffer };

export type ValueType = Value['type'];

/** Why a key's value cannot be trusted: a replicated write the engine could not apply. */
export interface Divergence {
  command: string;
  reason: string;
  /** The master's replication offset at that command. */
  offset: number;
}
