// What the RDB decoder emits at the data level: plain decoded values, whatever
// encoding the file used, plus the encoding it used (for views and OBJECT
// ENCODING after a load). The keyspace converts these into its own values.

/** The storage an RDB record used, by Redis's names. */
export type RdbEncoding =
  | 'string' // plain, int or LZF string object
  | 'linkedlist' | 'ziplist' | 'quicklist' | 'quicklist2' | 'listpack'
  | 'hashtable' | 'intset' | 'zipmap' | 'skiplist' | 'listpackex' | 'hashtable-metadata'
  | 'stream' | 'module';

export interface StreamIdValue {
  ms: bigint;
  seq: bigint;
}

export interface DecodedStreamEntry {
  id: StreamIdValue;
  /** field, value, field, value… */
  fields: Buffer[];
}

export interface DecodedStreamPending {
  id: StreamIdValue;
  deliveryTime: bigint;
  deliveryCount: bigint;
}

export interface DecodedStreamConsumer {
  name: Buffer;
  seenTime: bigint;
  /** v3 (7.2+) only; -1n when the file has none. */
  activeTime: bigint;
  pending: StreamIdValue[];
}

export interface DecodedStreamGroup {
  name: Buffer;
  lastId: StreamIdValue;
  /** v2+; -1n (SCG_INVALID_ENTRIES_READ) when unknown. */
  entriesRead: bigint;
  pending: DecodedStreamPending[];
  consumers: DecodedStreamConsumer[];
}

export type DecodedValue =
  | { type: 'string'; value: Buffer }
  | { type: 'list'; items: Buffer[] }
  | { type: 'set'; members: Buffer[] }
  /** Scores as doubles; ±Infinity and NaN as in the file. */
  | { type: 'zset'; entries: { member: Buffer; score: number }[] }
  /** expireAt: absolute unix ms per field, 0 = none (7.4 field expiry). */
  | { type: 'hash'; entries: { field: Buffer; value: Buffer; expireAt: number }[] }
  | {
      type: 'stream';
      entries: DecodedStreamEntry[];
      length: bigint;
      lastId: StreamIdValue;
      firstId: StreamIdValue;
      maxDeletedId: StreamIdValue;
      entriesAdded: bigint;
      groups: DecodedStreamGroup[];
    }
  /** A module value skipped through its self-describing opcodes: kept as the raw bytes, not understood. */
  | { type: 'module'; moduleId: bigint; moduleName: string; encver: number; raw: Buffer };

export interface DecodedKey {
  db: number;
  key: Buffer;
  /** Absolute unix ms, or -1 for no expiry. */
  expireAt: number;
  value: DecodedValue;
  encoding: RdbEncoding;
  /** RDB type byte (0–25). */
  rdbType: number;
  /** LRU idle seconds (IDLE opcode) or LFU counter (FREQ opcode), if the file had them. */
  idle?: number;
  freq?: number;
}
