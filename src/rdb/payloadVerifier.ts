// Checks an RDB's framing while it streams in (magic, version, leading AUX fields,
// EOF opcode, CRC64) without keeping the payload: the replica engine needs the
// aux fields early and a verdict at the end, long before a full decode exists.
import { isUtf8 } from 'node:buffer';
import { Crc64 } from './crc64';
import { readString } from './lengths';
import type { RdbFormat } from './rdbTypes';

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
  /**
   * Highest RDB version accepted (the emulated server's RDB_VERSION: 10 for
   * 7.0 … 14 for 8.8, 11 for Valkey 7.2/8.0). Default: every version the
   * decoder reads, leaving the refusal to the load that follows, where Redis
   * makes it (rdbLoad checks the header of the file it received).
   */
  maxVersion?: number;
  /** Whose header rules apply (see readRdbHeader); default: both Redis's and Valkey 9's. */
  product?: RdbFormat;
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
  private readonly maxVersion: number | null;
  private readonly product: RdbFormat | null;
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
    this.maxVersion = opts.maxVersion ?? null;
    this.product = opts.product ?? null;
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
    let h: RdbHeader | { error: string };
    if (this.maxVersion !== null || this.product !== null) {
      h = readRdbHeader(this.header, this.maxVersion ?? NEWEST.redis, this.product ?? 'redis');
    } else {
      // Any format the decoder reads: a Valkey 9 magic, else Redis's rules.
      const valkey = this.header.toString('latin1', 0, 6) === 'VALKEY';
      h = readRdbHeader(this.header, valkey ? NEWEST.valkey : NEWEST.redis, valkey ? 'valkey' : 'redis');
    }
    if ('error' in h) return h.error;
    this.version = h.version;
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

/** The newest RDB version of each format the decoder reads (Redis 8.8's 14, Valkey 9.0's 80). */
export const NEWEST: Readonly<Record<RdbFormat, number>> = { redis: 14, valkey: 80 };
/** Valkey reads "REDIS" files only below its foreign range (RDB_FOREIGN_VERSION_MIN, 12). */
const VALKEY_LAST_REDIS_VERSION = 11;
/** Valkey writes "VALKEY" from this version on. */
const VALKEY_MAGIC_FROM = 80;

export interface RdbHeader {
  magic: 'REDIS' | 'VALKEY';
  version: number;
  /** Whose numbering the file's types and opcodes follow. */
  format: RdbFormat;
  /** The newest version whose types and opcodes the reader accepts in this file. */
  typesUpTo: number;
}

/**
 * rdbLoadRio's header check, as the emulated server makes it: Redis (and
 * Valkey up to 8) wants "REDIS" and a version from 1 to its RDB_VERSION;
 * Valkey 9 (maxVersion 80+) also reads its own "VALKEY" magic, from version
 * 80, and "REDIS" files only up to 11. The texts are Redis's (warning level).
 */
export function readRdbHeader(h: Buffer, maxVersion: number, product: RdbFormat): RdbHeader | { error: string } {
  if (h.toString('latin1', 0, 5) === 'REDIS') {
    const version = atoi(h.toString('latin1', 5, HEADER));
    const max = product === 'valkey' ? Math.min(maxVersion, VALKEY_LAST_REDIS_VERSION) : maxVersion;
    if (version < 1 || version > max) return { error: `Can't handle RDB format version ${version}` };
    return { magic: 'REDIS', version, format: 'redis', typesUpTo: max };
  }
  if (product === 'valkey' && maxVersion >= VALKEY_MAGIC_FROM && h.toString('latin1', 0, 6) === 'VALKEY') {
    const version = atoi(h.toString('latin1', 6, HEADER));
    if (version < VALKEY_MAGIC_FROM || version > maxVersion) return { error: `Can't handle RDB format version ${version}` };
    return { magic: 'VALKEY', version, format: 'valkey', typesUpTo: maxVersion };
  }
  return { error: ERR_SIGNATURE };
}

// Redis reads the version with atoi(): leading blanks, a sign, then digits up to
// the first non-digit, so "00x1" is version 0 and " 011" is 11.
export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d*)/.exec(s);
  const n = m ? parseInt(m[1], 10) : NaN;
  return Number.isNaN(n) ? 0 : n;
}
