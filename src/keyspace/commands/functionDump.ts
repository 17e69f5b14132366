// The payload of FUNCTION DUMP / FUNCTION RESTORE: RDB records
// (FUNCTION2 opcode 0xF5 + library code string, possibly LZF-compressed),
// then the RDB version as 2 bytes little-endian and a CRC64 (Jones) of
// everything before it, 8 bytes little-endian (verifyDumpPayload).
import { crc64 } from '../../rdb/crc64';
import { readString } from '../../rdb/lengths';

const RDB_OPCODE_FUNCTION2 = 0xf5;
/** 7.0 writes RDB 10; the replica's decoder reads up to 7.4's 12, so it accepts those payloads too. */
const MAX_RDB_VERSION = 12;

/** proto-max-bulk-len: no argument, so no library code, can be longer. */
const MAX_CODE_LENGTH = 512 * 1024 * 1024;

export const BAD_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';

export type DumpContent =
  | { kind: 'ok'; codes: Buffer[] }
  /** Redis refuses the payload with this reply. */
  | { kind: 'refused'; error: string }
  /** The checksum is right but we cannot read what it holds. */
  | { kind: 'unreadable'; reason: string };

export function readFunctionDump(payload: Buffer): DumpContent {
  if (payload.length < 10) return { kind: 'refused', error: BAD_PAYLOAD };
  const footer = payload.length - 10;
  const version = payload[footer]! | (payload[footer + 1]! << 8);
  if (version > MAX_RDB_VERSION) return { kind: 'refused', error: BAD_PAYLOAD };
  const crc = payload.readBigUInt64LE(footer + 2);
  if (crc64(payload.subarray(0, footer + 2)) !== crc) return { kind: 'refused', error: BAD_PAYLOAD };

  const body = payload.subarray(0, footer);
  const codes: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] !== RDB_OPCODE_FUNCTION2) return { kind: 'refused', error: 'ERR given type is not a function' };
    const s = readString(body, pos + 1, MAX_CODE_LENGTH);
    if (s.kind !== 'ok') return { kind: 'unreadable', reason: `library record at byte ${pos} of the payload could not be decoded` };
    codes.push(Buffer.from(s.value));
    pos = s.next;
  }
  return { kind: 'ok', codes };
}
