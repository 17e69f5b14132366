// Checks an RDB's framing while it streams in (magic, version, leading AUX fields,
// EOF opcode, CRC64) without keeping the payload: the replica engine needs the
// aux fields early and a verdict at the end, long before a full decode exists.
import { isUtf8 } from 'node:buffer';
import { Crc64 } from './crc64';
import { readString } from './lengths';

/**
 * AUX names and values as text: UTF-8 when the bytes are valid UTF-8, else one
 * character per byte (latin1), so binary names such as librdb's
 * "\xdb__lua_script__<sha>__\xdb" survive. Integer encodings give decimal text.
 */
export interface RdbAuxFields { [name: string]: string }

export type VerifyResult =
  // checksum: the verified stored CRC; null when the file stores 0 (saved with
  // rdbchecksum no) or has no CRC (version < 5), i.e. nothing was checked.
  | { ok: true; version: number; bytes: number; checksum: bigint | null; aux: RdbAuxFields }
  | { ok: false; error: string; bytes: number };

export interface RdbPayloadVerifierOptions {
  /** Highest RDB version accepted: 10 for a 7.0 replica, 11 for 7.2, 12 for 7.4. */
  maxVersion?: number;
  /** Longest AUX name or value decoded (default 1 MiB); a longer one ends AUX decoding, not the check. */
  maxAuxString?: number;
}

const HEADER = 9;
const CRC_LEN = 8;
const OP_AUX = 0xfa;
const OP_EOF = 0xff;
const FIRST_CRC_VERSION = 5;
// Real AUX values are short (Redis Enterprise's CRDT backlog, ~20 KB, is the
// longest in the fixtures); past this we stop reading AUX rather than buffer an
// arbitrary amount of a payload that must stream.
const MAX_AUX_STRING = 1 << 20;

export const ERR_SIGNATURE = 'Wrong signature trying to load DB from file';
export const ERR_SHORT_READ = 'Short read or OOM loading DB. Unrecoverable error, aborting now.';
export const ERR_EOF = 'Unexpected EOF reading RDB file';

export class RdbPayloadVerifier {
  private readonly maxVersion: number;
  private readonly maxAuxString: number;
  private total = 0;
  private readonly header = Buffer.alloc(HEADER);
  private version = 0;
  private fatal: string | null = null;
  private readonly crc = new Crc64();
  // The newest bytes, withheld from the CRC until we know they are not the trailer.
  private readonly tail = Buffer.alloc(CRC_LEN);
  private tailLen = 0;
  private lastCrcByte = -1;
  private auxActive = true;
  private auxPending: Buffer[] = [];
  private auxPendingLen = 0;
  private auxNeed = 1;
  private readonly auxFields: RdbAuxFields = {};

  constructor(opts: RdbPayloadVerifierOptions = {}) {
    this.maxVersion = opts.maxVersion ?? 12;
    this.maxAuxString = opts.maxAuxString ?? MAX_AUX_STRING;
  }

  get bytes(): number { return this.total; }
  get aux(): RdbAuxFields { return this.auxFields; }

  /** null while the payload looks fine; otherwise the fatal error, which end() repeats. */
  write(chunk: Buffer): string | null {
    const start = this.total;
    this.total += chunk.length;
    if (this.fatal !== null) return this.fatal;
    this.feedCrc(chunk);
    let body = chunk;
    if (start < HEADER) {
      const n = Math.min(HEADER - start, chunk.length);
      chunk.copy(this.header, start, 0, n);
      if (start + n < HEADER) return null;
      this.fatal = this.checkHeader();
      if (this.fatal !== null) return this.fatal;
      body = chunk.subarray(n);
    }
    if (this.auxActive && body.length > 0) this.feedAux(body);
    return this.fatal;
  }

  end(): VerifyResult {
    const bytes = this.total;
    if (this.fatal !== null) return { ok: false, error: this.fatal, bytes };
    const hasCrc = this.version >= FIRST_CRC_VERSION;
    // Shortest valid payload: header, EOF opcode, and the CRC when the version has one.
    if (bytes < HEADER + 1 + (hasCrc ? CRC_LEN : 0)) return { ok: false, error: ERR_SHORT_READ, bytes };
    if (this.auxActive && this.auxPendingLen > 0) {
      return { ok: false, error: `${ERR_EOF}: the payload ends inside an AUX field`, bytes };
    }
    const eofAt = bytes - 1 - (hasCrc ? CRC_LEN : 0);
    const eofByte = hasCrc ? this.lastCrcByte : this.tail[this.tailLen - 1];
    if (eofByte !== OP_EOF) {
      const found = eofByte.toString(16).padStart(2, '0');
      const where = hasCrc ? 'before the 8-byte checksum' : 'as the last byte (RDB < 5 has no checksum)';
      return { ok: false, error: `${ERR_EOF}: expected the EOF opcode 0xff ${where}, found 0x${found} at offset ${eofAt}`, bytes };
    }
    const aux = this.auxFields;
    if (!hasCrc) return { ok: true, version: this.version, bytes, checksum: null, aux };
    const stored = this.tail.readBigUInt64LE(0);
    if (stored === 0n) return { ok: true, version: this.version, bytes, checksum: null, aux };
    const computed = this.crc.digest();
    if (stored !== computed) {
      // rdbLoad's wording: "expected" is what it computed, "got" what the file holds.
      const error = `Wrong RDB checksum expected: (${computed.toString(16)}) but got (${stored.toString(16)}). Aborting now.`;
      return { ok: false, error, bytes };
    }
    return { ok: true, version: this.version, bytes, checksum: stored, aux };
  }

  private checkHeader(): string | null {
    if (this.header.toString('latin1', 0, 5) !== 'REDIS') return ERR_SIGNATURE;
    this.version = atoi(this.header.toString('latin1', 5, HEADER));
    if (this.version < 1 || this.version > this.maxVersion) {
      return `Can't handle RDB format version ${this.version}`;
    }
    return null;
  }

  private feedCrc(chunk: Buffer): void {
    if (chunk.length >= CRC_LEN) {
      this.crcUpdate(this.tail, 0, this.tailLen);
      this.crcUpdate(chunk, 0, chunk.length - CRC_LEN);
      chunk.copy(this.tail, 0, chunk.length - CRC_LEN);
      this.tailLen = CRC_LEN;
      return;
    }
    const spill = Math.max(0, this.tailLen + chunk.length - CRC_LEN);
    this.crcUpdate(this.tail, 0, spill);
    this.tail.copy(this.tail, 0, spill, this.tailLen);
    chunk.copy(this.tail, this.tailLen - spill);
    this.tailLen += chunk.length - spill;
  }

  private crcUpdate(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.crc.update(buf, start, end);
    this.lastCrcByte = buf[end - 1];
  }

  private feedAux(data: Buffer): void {
    this.auxPendingLen += data.length;
    if (this.auxPendingLen < this.auxNeed) {
      // Copied: the caller may reuse its buffer after write() returns.
      this.auxPending.push(Buffer.from(data));
      return;
    }
    const buf = this.auxPending.length > 0 ? Buffer.concat([...this.auxPending, data]) : data;
    this.auxPending = [];
    this.auxPendingLen = 0;
    let pos = 0;
    for (;;) {
      if (pos >= buf.length) { this.auxNeed = 1; return; }
      if (buf[pos] !== OP_AUX) { this.auxActive = false; return; }
      const key = readString(buf, pos + 1, this.maxAuxString);
      const val = key.kind === 'ok' ? readString(buf, key.next, this.maxAuxString) : key;
      if (val.kind === 'error') { this.fatal = val.error; return; }
      if (val.kind === 'tooBig') { this.auxActive = false; return; }
      if (val.kind === 'need') {
        this.auxPending = [Buffer.from(buf.subarray(pos))];
        this.auxPendingLen = buf.length - pos;
        this.auxNeed = val.end - pos;
        return;
      }
      if (key.kind === 'ok') this.auxFields[auxText(key.value)] = auxText(val.value);
      pos = val.next;
    }
  }
}

function auxText(b: Buffer): string {
  return b.toString(isUtf8(b) ? 'utf8' : 'latin1');
}

// Redis reads the version with atoi(): leading blanks, a sign, then digits up to
// the first non-digit, so "00x1" is version 0 and " 011" is 11.
export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d*)/.exec(s);
  const n = m ? parseInt(m[1], 10) : NaN;
  return Number.isNaN(n) ? 0 : n;
}
