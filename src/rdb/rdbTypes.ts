// RDB value types and opcodes by Redis's names (spec §7.2, §7.6), with the RDB
// version that introduced each: a decoder limited to an older version treats
// newer type bytes as unknown, as that Redis release would.
import type { RdbEncoding } from './decodedValue';

export interface RdbTypeInfo {
  /** RDB_TYPE_<name> in Redis. */
  name: string;
  encoding: RdbEncoding;
  since: number;
}

const T = (name: string, encoding: RdbEncoding, since = 1): RdbTypeInfo => ({ name, encoding, since });

/** Indexed by type byte; holes are unknown types. */
export const RDB_TYPES: readonly (RdbTypeInfo | undefined)[] = [
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
  T('HASH_METADATA_PRE_GA', 'hashtable-metadata', 12),
  T('HASH_LISTPACK_EX_PRE_GA', 'listpackex', 12),
  T('HASH_METADATA', 'hashtable-metadata', 12),
  T('HASH_LISTPACK_EX', 'listpackex', 12),
  undefined,
  undefined,
  T('ARRAY', 'sliced-array', 14),
];

export const enum Op {
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

/** Opcodes newer than the oldest supported version; older releases read these bytes as (unknown) types. */
export const OPCODE_SINCE: Readonly<Record<number, number>> = {
  [Op.SLOT_INFO]: 12,
  [Op.FUNCTION2]: 10,
  [Op.FUNCTION_PRE_GA]: 10,
};

export function knownType(type: number, maxVersion: number): RdbTypeInfo | undefined {
  const info = RDB_TYPES[type];
  return info !== undefined && info.since <= maxVersion ? info : undefined;
}
