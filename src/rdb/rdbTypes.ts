// RDB value types and opcodes by their servers' names (spec §7.2, §7.6), with
// the RDB version that introduced each. Redis and Valkey give some numbers
// different meanings (versions.md §7.2), so there is one table per format: an
// RDB's magic says which ("REDIS" or "VALKEY"), and a decoder limited to an
// older version treats newer type bytes as unknown, as that release would.
import type { RdbEncoding } from './decodedValue';

export interface RdbTypeInfo {
  /** RDB_TYPE_<name> in the server's rdb.h. */
  name: string;
  encoding: RdbEncoding;
  since: number;
}

/** Whose numbering an RDB uses: Redis's ("REDIS" magic) or Valkey 9's ("VALKEY" magic, RDB 80+). */
export type RdbFormat = 'redis' | 'valkey';

const T = (name: string, encoding: RdbEncoding, since = 1): RdbTypeInfo => ({ name, encoding, since });

/** Types 0–21: the same in both lines. */
const SHARED_TYPES: readonly (RdbTypeInfo | undefined)[] = [
  T('STRING', 'string'),
  T('LIST', 'linkedlist'),
  T('SET', 'hashtable'),
  T('ZSET', 'skiplist'),
  T('HASH', 'hashtable'),
  T('ZSET_2', 'skiplist', 8),
  T('MODULE_PRE_GA', 'module', 8),
  T('MODULE_2', 'module', 8),
  undefined,
  T('HASH_ZIPMAP', 'zipmap'),
  T('LIST_ZIPLIST', 'ziplist'),
  T('SET_INTSET', 'intset'),
  T('ZSET_ZIPLIST', 'ziplist'),
  T('HASH_ZIPLIST', 'ziplist'),
  T('LIST_QUICKLIST', 'quicklist', 7),
  T('STREAM_LISTPACKS', 'stream', 9),
  T('HASH_LISTPACK', 'listpack', 10),
  T('ZSET_LISTPACK', 'listpack', 10),
  T('LIST_QUICKLIST_2', 'quicklist2', 10),
  T('STREAM_LISTPACKS_2', 'stream', 10),
  T('SET_LISTPACK', 'listpack', 11),
  T('STREAM_LISTPACKS_3', 'stream', 11),
];

/** Redis's types, indexed by type byte; holes are unknown types. */
export const RDB_TYPES: readonly (RdbTypeInfo | undefined)[] = [
  ...SHARED_TYPES,
  T('HASH_METADATA_PRE_GA', 'hashtable-metadata', 12),
  T('HASH_LISTPACK_EX_PRE_GA', 'listpackex', 12),
  T('HASH_METADATA', 'hashtable-metadata', 12),
  T('HASH_LISTPACK_EX', 'listpackex', 12),
  T('STREAM_LISTPACKS_4', 'stream', 13),
  T('STREAM_LISTPACKS_5', 'stream', 14),
  T('ARRAY', 'sliced-array', 14),
];

/** Valkey's types (rdb.h of Valkey 9): 22 is its own hash with field TTLs; 23 (PATH_HASH) is 9.2's RDB 81. */
export const VALKEY_RDB_TYPES: readonly (RdbTypeInfo | undefined)[] = [
  ...SHARED_TYPES,
  T('HASH_2', 'hashtable', 80),
];

export const enum Op {
  /** Redis 8.6+: module key metadata before a key's type byte. Valkey 9 uses 243 for SLOT_IMPORT. */
  KEY_META = 0xf3,
  SLOT_INFO = 0xf4,
  FUNCTION2 = 0xf5,
  FUNCTION_PRE_GA = 0xf6,
  MODULE_AUX = 0xf7,
  IDLE = 0xf8,
  FREQ = 0xf9,
  AUX = 0xfa,
  RESIZEDB = 0xfb,
  EXPIRETIME_MS = 0xfc,
  EXPIRETIME = 0xfd,
  SELECTDB = 0xfe,
  EOF = 0xff,
}

export const OPCODE_NAMES: Readonly<Record<number, string>> = {
  [Op.KEY_META]: 'KEY_META',
  [Op.SLOT_INFO]: 'SLOT_INFO',
  [Op.FUNCTION2]: 'FUNCTION2',
  [Op.FUNCTION_PRE_GA]: 'FUNCTION',
  [Op.MODULE_AUX]: 'MODULE_AUX',
  [Op.IDLE]: 'IDLE',
  [Op.FREQ]: 'FREQ',
  [Op.AUX]: 'AUX',
  [Op.RESIZEDB]: 'RESIZEDB',
  [Op.EXPIRETIME_MS]: 'EXPIRETIME_MS',
  [Op.EXPIRETIME]: 'EXPIRETIME',
  [Op.SELECTDB]: 'SELECTDB',
  [Op.EOF]: 'EOF',
};

/** Opcodes newer than the oldest supported version, per format; older releases read these bytes as (unknown) types. */
const OPCODE_SINCE: Readonly<Record<RdbFormat, Readonly<Record<number, number>>>> = {
  redis: { [Op.KEY_META]: 13, [Op.SLOT_INFO]: 12, [Op.FUNCTION2]: 10, [Op.FUNCTION_PRE_GA]: 10 },
  // 243 (SLOT_IMPORT) is not read: no Valkey 9 server or fixture here shows its layout.
  valkey: { [Op.KEY_META]: Infinity, [Op.SLOT_INFO]: 80, [Op.FUNCTION2]: 10, [Op.FUNCTION_PRE_GA]: 10 },
};

/** Whether byte `t` is an opcode for a reader of this format and version. */
export function isOpcode(t: number, format: RdbFormat, maxVersion: number): boolean {
  return t >= Op.KEY_META && (OPCODE_SINCE[format][t] ?? 0) <= maxVersion;
}

export function knownType(type: number, maxVersion: number, format: RdbFormat = 'redis'): RdbTypeInfo | undefined {
  const info = (format === 'valkey' ? VALKEY_RDB_TYPES : RDB_TYPES)[type];
  return info !== undefined && info.since <= maxVersion ? info : undefined;
}
