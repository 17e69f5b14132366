// DUMP payloads, as RESTORE takes them (cluster.c createDumpPayload /
// verifyDumpPayload / restoreCommand):
//   [KEY_META record (Redis 8.6+)]<RDB type byte><value as in an RDB><RDB version, u16 LE><CRC64 of all before, u64 LE>
// The value is read by the same parsers as an RDB load, from one buffer that
// holds it whole.
import { readBlobValue, type Containers } from './blobValues';
import { crc64 } from './crc64';
import type { DecodedValue, KeyMetaClass, RdbEncoding } from './decodedValue';
import { ListpackCursor } from './listpack';
import { KeyMetaParser } from './moduleValue';
import { isOpcode, knownType, Op, type RdbFormat } from './rdbTypes';
import { NEED_MORE, RdbFormatError, RdbReader } from './reader';
import { BLOB, valueReader } from './valueDispatch';
import { ZiplistCursor } from './ziplist';

const FOOTER = 10;
const DEFAULT_MAX_ELEMENT = 512 * 1024 * 1024;

export interface DumpVerifyOptions {
  /** The emulated server's RDB_VERSION: newer payloads are refused. */
  maxVersion: number;
  /**
   * Redis 8.4+: a stored CRC of 0 means "no checksum" (createDumpPayload's
   * skip_checksum). Before, 0 is compared like any other CRC.
   */
  zeroCrcSkips?: boolean;
}

/** verifyDumpPayload: at least the footer, an RDB version no newer than the server's, and the CRC64 of everything before the CRC. */
export function verifyDumpPayload(payload: Buffer, opts: DumpVerifyOptions | number): boolean {
  const { maxVersion, zeroCrcSkips } = typeof opts === 'number' ? { maxVersion: opts, zeroCrcSkips: false } : opts;
  if (payload.length < FOOTER) return false;
  const version = payload.readUInt16LE(payload.length - FOOTER);
  if (version > maxVersion) return false;
  const stored = payload.readBigUInt64LE(payload.length - 8);
  if (stored === 0n && zeroCrcSkips) return true;
  return crc64(payload.subarray(0, payload.length - 8)) === stored;
}

export type DumpValue =
  | { ok: true; value: DecodedValue; rdbType: number; encoding: RdbEncoding; keyMeta?: KeyMetaClass[] }
  /** Why the value cannot be read, for logs; Redis replies "Bad data format" whatever it is. */
  | { ok: false; error: string };

export interface DumpDecodeOptions {
  /** Types newer than this RDB version are unknown (as for a load); default 12. */
  maxVersion?: number;
  /** Whose numbering the type bytes follow (a payload has no magic: the server's own); default 'redis'. */
  format?: RdbFormat;
  maxElementBytes?: number;
}

/**
 * The value of a verified payload (rdbResolveKeyType + rdbLoadObject). As in
 * Redis, the reader sees the whole payload, footer included, and what the value
 * leaves unread is ignored. An empty aggregate is an error here: RESTORE
 * replies "Bad data format" for it.
 */
export function decodeDumpValue(payload: Buffer, opts: DumpDecodeOptions = {}): DumpValue {
  const r = new RdbReader(0, opts.maxElementBytes ?? DEFAULT_MAX_ELEMENT, payload.length);
  r.buf = payload;
  const c: Containers = { lp: new ListpackCursor(), zl: new ZiplistCursor() };
  const maxVersion = opts.maxVersion ?? 12;
  const format = opts.format ?? 'redis';
  try {
    if (payload.length === 0) return { ok: false, error: 'empty payload' };
    let t = r.u8();
    let keyMeta: KeyMetaClass[] | undefined;
    if (t === Op.KEY_META && isOpcode(t, format, maxVersion)) {
      keyMeta = new KeyMetaParser().step(r);
      t = r.u8();
    }
    const info = knownType(t, maxVersion, format);
    if (info === undefined) return { ok: false, error: `Unknown RDB encoding type ${t}` };
    const reader = valueReader(t, format, c);
    const value = reader === BLOB ? readBlobValue(t, r, c) : reader?.step(r);
    if (value === undefined) return { ok: false, error: `RDB type ${t} (${info.name}) cannot be restored without its module` };
    if (value === null) return { ok: false, error: 'an empty aggregate' };
    const out: DumpValue = { ok: true, value, rdbType: t, encoding: info.encoding };
    if (keyMeta !== undefined && keyMeta.length > 0) out.keyMeta = keyMeta;
    return out;
  } catch (e) {
    if (e === NEED_MORE) return { ok: false, error: `the value runs past the end of the ${payload.length}-byte payload` };
    if (e instanceof RdbFormatError) return { ok: false, error: e.message };
    // A payload is input from the wire: anything unforeseen is bad data, never an exception into the engine.
    return { ok: false, error: `decoder failure: ${e instanceof Error ? e.message : String(e)}` };
  }
}
