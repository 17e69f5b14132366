// DUMP payloads, as RESTORE takes them (cluster.c createDumpPayload /
// verifyDumpPayload / restoreCommand):
//   <RDB type byte><value as in an RDB><RDB version, u16 LE><CRC64 of all before, u64 LE>
// The value is read by the same parsers as an RDB load, from one buffer that
// holds it whole.
import { isBlobType, readBlobValue, type Containers } from './blobValues';
import { collectionParser, type ValueParser } from './collectionValues';
import { crc64 } from './crc64';
import type { DecodedValue, RdbEncoding } from './decodedValue';
import { ListpackCursor } from './listpack';
import { ModuleValueParser } from './moduleValue';
import { knownType } from './rdbTypes';
import { NEED_MORE, RdbFormatError, RdbReader } from './reader';
import { StreamParser } from './streamValue';
import { ZiplistCursor } from './ziplist';

const FOOTER = 10;
const DEFAULT_MAX_ELEMENT = 512 * 1024 * 1024;

/**
 * verifyDumpPayload: at least the footer, an RDB version no newer than
 * `maxVersion`, and the CRC64 of everything before the CRC. A stored CRC of 0
 * is not special here (unlike an RDB file's): Redis compares it like any other.
 */
export function verifyDumpPayload(payload: Buffer, maxVersion: number): boolean {
  if (payload.length < FOOTER) return false;
  const version = payload.readUInt16LE(payload.length - FOOTER);
  if (version > maxVersion) return false;
  return crc64(payload.subarray(0, payload.length - 8)) === payload.readBigUInt64LE(payload.length - 8);
}

export type DumpValue =
  | { ok: true; value: DecodedValue; rdbType: number; encoding: RdbEncoding }
  /** Why the value cannot be read, for logs; Redis replies "Bad data format" whatever it is. */
  | { ok: false; error: string };

export interface DumpDecodeOptions {
  /** Types newer than this RDB version are unknown (as for a load); default 12. */
  maxVersion?: number;
  maxElementBytes?: number;
}

/**
 * The value of a verified payload (rdbLoadObjectType + rdbLoadObject). As in
 * Redis, the reader sees the whole payload, footer included, and what the value
 * leaves unread is ignored. An empty aggregate is an error here: RESTORE
 * replies "Bad data format" for it.
 */
export function decodeDumpValue(payload: Buffer, opts: DumpDecodeOptions = {}): DumpValue {
  const r = new RdbReader(0, opts.maxElementBytes ?? DEFAULT_MAX_ELEMENT, payload.length);
  r.buf = payload;
  const c: Containers = { lp: new ListpackCursor(), zl: new ZiplistCursor() };
  try {
    if (payload.length === 0) return { ok: false, error: 'empty payload' };
    const t = r.u8();
    const info = knownType(t, opts.maxVersion ?? 12);
    if (info === undefined) return { ok: false, error: `Unknown RDB encoding type ${t}` };
    const value = isBlobType(t) ? readBlobValue(t, r, c) : parserFor(t, c)?.step(r);
    if (value === undefined) return { ok: false, error: `RDB type ${t} (${info.name}) cannot be restored without its module` };
    if (value === null) return { ok: false, error: 'an empty aggregate' };
    return { ok: true, value, rdbType: t, encoding: info.encoding };
  } catch (e) {
    if (e === NEED_MORE) return { ok: false, error: `the value runs past the end of the ${payload.length}-byte payload` };
    if (e instanceof RdbFormatError) return { ok: false, error: e.message };
    // A payload is input from the wire: anything unforeseen is bad data, never an exception into the engine.
    return { ok: false, error: `decoder failure: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parserFor(t: number, c: Containers): ValueParser | undefined {
  switch (t) {
    case 6: return undefined; // MODULE_PRE_GA: not self-describing
    case 7: return new ModuleValueParser();
    case 15: return new StreamParser(1, c);
    case 19: return new StreamParser(2, c);
    case 21: return new StreamParser(3, c);
  }
  return collectionParser(t, c);
}
