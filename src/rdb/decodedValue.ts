// What the RDB decoder emits at the data level: plain decoded values, whatever
// encoding the file used, plus the encoding it used (for views and OBJECT
// ENCODING after a load).
//
// Binary data is `Bytes`: latin1 strings, one character per byte, the
// keyspace's own representation, made once from the input bytes. Sets, zsets
// and hashes arrive as the JS Set/Map the keyspace keeps (insertion order =
// file order), so a load stores them as they are: no copy, no intermediate
// array. The decoder owns nothing of the keyspace; these are plain JS
// collections of strings. Module payloads, which nothing interprets, stay Buffers.
import type { Bytes } from './bytes';

export type { Bytes } from './bytes';

/** The storage an RDB record used, by Redis's names. */
export type RdbEncoding =
  | 'string' // plain, int or LZF string object
  | 'linkedlist' | 'ziplist' | 'quicklist' | 'quicklist2' | 'listpack'
  | 'hashtable' | 'intset' | 'zipmap' | 'skiplist' | 'listpackex' | 'hashtable-metadata'
  | 'stream' | 'module' | 'sliced-array';

export interface StreamIdValue {
  ms: bigint;
  seq: bigint;
}

export interface DecodedStreamEntry {
  id: StreamIdValue;
  /** field, value, field, value… */
  fields: Bytes[];
}

export interface DecodedStreamPending {
  id: StreamIdValue;
  deliveryTime: bigint;
  deliveryCount: bigint;
}

export interface DecodedStreamConsumer {
  name: Bytes;
  seenTime: bigint;
  /** v3 (7.2+) only; -1n when the file has none. */
  activeTime: bigint;
  pending: StreamIdValue[];
}

export interface DecodedStreamGroup {
  name: Bytes;
  lastId: StreamIdValue;
  /** v2+; -1n (SCG_INVALID_ENTRIES_READ) when unknown. */
  entriesRead: bigint;
  pending: DecodedStreamPending[];
  consumers: DecodedStreamConsumer[];
  /**
   * v5 (8.8): the NACK zone, PEL entries released by XNACK (owned by no
   * consumer, delivery time 0), oldest release first; empty before v5.
   */
  nacked: StreamIdValue[];
}

/** One IDMP producer (8.6): its idempotent IDs and the entries they added, oldest first. */
export interface DecodedIdmpProducer {
  pid: Bytes;
  entries: { iid: Bytes; id: StreamIdValue }[];
}

/** v4+ (8.6): the stream's IDMP configuration, records and counters, as saved (expired records included). */
export interface DecodedStreamIdmp {
  /** IDMP-DURATION, seconds. */
  duration: bigint;
  /** IDMP-MAXSIZE, records per producer. */
  maxEntries: bigint;
  producers: DecodedIdmpProducer[];
  iidsAdded: bigint;
  iidsDuplicates: bigint;
}

export type DecodedValue =
  | { type: 'string'; value: Bytes }
  | { type: 'list'; items: Bytes[] }
  | { type: 'set'; members: Set<Bytes> }
  /** member → score; scores as doubles, ±Infinity as in the file (a NaN score is refused). */
  | { type: 'zset'; scores: Map<Bytes, number> }
  /** field → value; fieldExpires: field → absolute unix ms (7.4 field expiry), only fields that have one. */
  | { type: 'hash'; fields: Map<Bytes, Bytes>; fieldExpires: Map<Bytes, number> }
  | {
      type: 'stream';
      entries: DecodedStreamEntry[];
      length: bigint;
      lastId: StreamIdValue;
      firstId: StreamIdValue;
      maxDeletedId: StreamIdValue;
      entriesAdded: bigint;
      groups: DecodedStreamGroup[];
      /** v4+ only. */
      idmp: DecodedStreamIdmp | null;
    }
  /**
   * Redis 8.8's Array, as stored: indexes[i] holds values[i] (file order; an
   * index above 2^53 is a bigint). A value is its bytes, or for an element
   * stored as a double, that double. insertIdx null: no insert cursor.
   */
  | { type: 'array'; insertIdx: bigint | null; indexes: (number | bigint)[]; values: (Bytes | number)[] }
  /** A module value skipped through its self-describing opcodes: kept as the raw bytes, not understood. */
  | { type: 'module'; moduleId: bigint; moduleName: string; encver: number; raw: Buffer };

export interface DecodedKey {
  db: number;
  key: Bytes;
  /** Absolute unix ms, or -1 for no expiry. */
  expireAt: number;
  value: DecodedValue;
  encoding: RdbEncoding;
  /** RDB type byte, in the numbering of the file's format (see rdbTypes.ts). */
  rdbType: number;
  /** LRU idle seconds (IDLE opcode) or LFU counter (FREQ opcode), if the file had them. */
  idle?: number;
  freq?: number;
  /** KEY_META (Redis 8.6+): the module metadata classes saved before the key, when it had any. */
  keyMeta?: KeyMetaClass[];
}

/**
 * One class of a KEY_META record: its 4-character name, version and flags
 * (the 32-bit class spec), and the class's value as saved, module opcodes
 * through their EOF, kept raw: only the module that registered the class
 * can read it.
 */
export interface KeyMetaClass {
  name: string;
  version: number;
  /** Bit 0: ALLOW_IGNORE (a loader without the class may drop it). */
  flags: number;
  raw: Buffer;
}
