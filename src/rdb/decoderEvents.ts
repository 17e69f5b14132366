// What RdbDecoder.next() returns: one event per RDB record, or a status.
import type { Bytes, DecodedKey } from './decodedValue';
import type { RdbFormat } from './rdbTypes';

export type RdbEvent =
  /** magic: "REDIS", or Valkey 9's "VALKEY" (whose type and opcode numbers differ: rdbTypes.ts). */
  | { kind: 'header'; version: number; magic: 'REDIS' | 'VALKEY' }
  | { kind: 'aux'; name: Buffer; value: Buffer }
  | { kind: 'selectdb'; db: number }
  | { kind: 'resizedb'; dbSize: number; expiresSize: number }
  /** FUNCTION2; a 7.0-rc FUNCTION record arrives converted as Redis converts it: `#!<engine> name=<name>\n<code>`. */
  | { kind: 'function'; code: Buffer }
  /** raw: the record after its opcode byte (module id, when-opcode, when, module opcodes, EOF). */
  | { kind: 'module-aux'; moduleId: bigint; moduleName: string; when: number; raw: Buffer }
  | { kind: 'slot-info'; slot: number; slotSize: number; expiresSlotSize: number }
  /** A key, with the KEY_META classes (Redis 8.6+) saved before it, if any, in key.keyMeta. */
  | { kind: 'key'; key: DecodedKey }
  /**
   * checksum: the stored CRC64, verified (with skipChecksum: as stored, the caller having verified it);
   * null when the file stores 0 (disabled) or predates CRCs (v < 5).
   */
  | { kind: 'eof'; checksum: bigint | null };

export interface RdbPosition {
  /** Bytes of the payload fully decoded. */
  offset: number;
  /** The opcode of the record being read (null for a key record), or of the last one when between records. */
  opcode: string | null;
  /** The key record's type by Redis's name (RDB_TYPE_<type>), when in or just after a key record. */
  type: string | null;
  key: Bytes | null;
  db: number;
}

export type RdbNext =
  | { status: 'event'; event: RdbEvent }
  | { status: 'need-more' }
  | { status: 'paused'; position: RdbPosition }
  | { status: 'error'; error: string; position: RdbPosition }
  | { status: 'done' };

export interface RdbDecoderOptions {
  /**
   * Highest RDB version accepted: the emulated server's RDB_VERSION (10 =
   * Redis 7.0, 11 = 7.2 and Valkey 7.2/8.0, 12 = 7.4–8.4, 13 = 8.6, 14 =
   * 8.8; 80 = Valkey 9.0); default 12. Also hides newer types and opcodes.
   */
  maxVersion?: number;
  /**
   * Whose header rules the reader follows (readRdbHeader): 'redis' (default)
   * wants the "REDIS" magic; 'valkey' with maxVersion 80+ also reads Valkey
   * 9's "VALKEY" files. The file's magic then decides what its type and
   * opcode numbers mean.
   */
  product?: RdbFormat;
  /** Pause each time the decoded offset crosses a multiple of this many bytes (0/absent: never). */
  pauseEveryBytes?: number;
  /** Longest string (or decompressed LZF string) believed; default 512 MiB, Redis's proto-max-bulk-len. */
  maxElementBytes?: number;
  /** The payload's size when known ($len): lengths and counts that cannot fit in it are errors before anything is allocated. */
  expectedSize?: number;
  /**
   * Fail on a key seen twice in one db, as Redis does ("Duplicated key found in RDB file"). Off by default:
   * it keeps every key name, and the keyspace loader detects duplicates for free as it inserts.
   */
  detectDuplicateKeys?: boolean;
  /**
   * Do not compute the payload's CRC64: the caller has verified it already (a
   * disk load, whose payload was checked by RdbPayloadVerifier as it was
   * received). The stored checksum is still read and reported in the eof event.
   */
  skipChecksum?: boolean;
}
