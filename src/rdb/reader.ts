// The decoder's cursor over its current buffer, with RDB's primitive reads
// (spec §7.3–7.5). A read that runs past the buffered bytes throws NEED_MORE
// after recording how far the buffer must reach; the caller rewinds to the last
// committed position and retries only once that many bytes are buffered, so an
// element arriving in many chunks is parsed once, not once per chunk.
// Exceptions, not result objects: the happy path then costs no allocation, and
// a throw happens only at a chunk boundary.
import { ENC_INT16, ENC_INT32, ENC_INT8, ENC_LZF, ERR_LENGTH_ENCODING } from './lengths';
import { intText, latin1, type Bytes } from './bytes';
import { lzfDecompressInto } from './lzf';

class NeedMore { readonly kind = 'need-more'; }
class Pause { readonly kind = 'pause'; }
export const NEED_MORE = new NeedMore();
/** Thrown by commitItem() when the consumed offset crosses a pause boundary. */
export const PAUSE = new Pause();

/** Corrupt or unsupported input. Not an Error: no stack is captured, and it never leaves the decoder. */
export class RdbFormatError {
  constructor(readonly message: string) {}
}

export function fail(message: string): never {
  throw new RdbFormatError(message);
}

// One LZF back-reference (3 bytes) expands to at most 264 bytes, so a declared
// length above 88× the compressed size cannot be honest: refuse it unallocated.
const LZF_MAX_RATIO = 88;
const EMPTY = Buffer.alloc(0);
// LZF strings up to this size decompress into one reused buffer (larger ones
// into their own, so a single huge value is not kept alive by the reader).
const SCRATCH_MAX = 64 * 1024;
// JS arrays stop at 2^32-1 elements; every item takes at least one byte anyway.
const MAX_COUNT = 2 ** 32 - 1;

export class RdbReader {
  buf: Buffer = EMPTY;
  /** Read cursor, an index into buf. */
  p = 0;
  /** Committed position in buf: everything before it has been fully decoded. */
  start = 0;
  /** Stream offset of buf[0]. */
  base = 0;
  /** Stream offset the buffer must reach before a retry can get further. */
  needEnd = 0;
  /** Stream offset at which commitItem() next pauses (Infinity: never). */
  pauseAt = Infinity;
  /** Strings longer than this are checked against the limits before they are waited for. */
  private readonly checkAbove: number;
  /** Where the compressed bytes of the LZF string being read start (lzfHeader). */
  private lzfFrom = 0;
  private scratch: Buffer = EMPTY;

  constructor(
    readonly pauseEvery: number,
    readonly maxElement: number,
    /** Stream offset of the payload's end when its size is known, else Infinity. */
    readonly payloadEnd: number,
  ) {
    if (pauseEvery > 0) this.pauseAt = pauseEvery;
    // A 6-bit length is always plausible unless the limit itself is tiny.
    this.checkAbove = Math.min(0x3f, maxElement);
  }

  get offset(): number {
    return this.base + this.p;
  }

  short(end: number): never {
    this.needEnd = this.base + end;
    throw NEED_MORE;
  }

  /** Marks everything read so far as decoded; at a pause boundary, stops the decoder (PAUSE). */
  commitItem(): void {
    this.start = this.p;
    if (this.base + this.p >= this.pauseAt) {
      this.passPause();
      throw PAUSE;
    }
  }

  /** Commits; true when a pause boundary was crossed (the caller pauses after its event). */
  commitRecord(): boolean {
    this.start = this.p;
    if (this.base + this.p < this.pauseAt) return false;
    this.passPause();
    return true;
  }

  private passPause(): void {
    const n = this.pauseEvery;
    this.pauseAt = (Math.floor((this.base + this.p) / n) + 1) * n;
  }

  u8(): number {
    const p = this.p;
    if (p >= this.buf.length) this.short(p + 1);
    this.p = p + 1;
    return this.buf[p];
  }

  /** n raw bytes, as a view of the buffer. */
  bytes(n: number): Buffer {
    const p = this.p, end = p + n;
    if (end > this.buf.length) this.short(end);
    this.p = end;
    return this.buf.subarray(p, end);
  }

  /**
   * rdbLoadLen: a length as a number. Like Redis, a special-encoding byte
   * (11xxxxxx) reads as its low 6 bits.
   */
  length(): number {
    const buf = this.buf, p = this.p;
    if (p >= buf.length) this.short(p + 1);
    const b = buf[p];
    if (b < 0x80) {
      if (b < 0x40) { this.p = p + 1; return b; }
      if (p + 2 > buf.length) this.short(p + 2);
      this.p = p + 2;
      return ((b & 0x3f) << 8) | buf[p + 1];
    }
    if (b >= 0xc0) { this.p = p + 1; return b & 0x3f; }
    if (b === 0x80) {
      if (p + 5 > buf.length) this.short(p + 5);
      this.p = p + 5;
      return buf.readUInt32BE(p + 1);
    }
    if (b === 0x81) {
      if (p + 9 > buf.length) this.short(p + 9);
      this.p = p + 9;
      const hi = buf.readUInt32BE(p + 1);
      // Above 2^53 the number is imprecise; every caller bounds it far lower.
      return hi * 2 ** 32 + buf.readUInt32BE(p + 5);
    }
    return fail(ERR_LENGTH_ENCODING);
  }

  /** A length that must be exact over all 64 bits (stream IDs, module ids, counters). */
  lengthBig(): bigint {
    const buf = this.buf, p = this.p;
    if (p < buf.length && buf[p] === 0x81) {
      if (p + 9 > buf.length) this.short(p + 9);
      this.p = p + 9;
      return buf.readBigUInt64BE(p + 1);
    }
    return BigInt(this.length());
  }

  /** A collection's item count: each item takes at least one byte, so a count the payload cannot hold is corrupt. */
  count(what: string): number {
    const at = this.offset;
    const n = this.length();
    if (n > MAX_COUNT || this.base + this.p + n > this.payloadEnd) {
      fail(`Impossible ${what} ${n} at offset ${at}: ${this.roomText()}`);
    }
    return n;
  }

  private roomText(): string {
    if (this.payloadEnd === Infinity) return `more than ${MAX_COUNT} items`;
    return `only ${Math.max(0, this.payloadEnd - this.base - this.p)} bytes of the ${this.payloadEnd}-byte payload remain`;
  }

  private checkLength(len: number, at: number): void {
    if (len > this.maxElement) {
      fail(`Impossible length ${len} at offset ${at}: over the ${this.maxElement}-byte element limit`);
    }
    const room = this.payloadEnd - (this.base + this.p);
    if (len > room) {
      fail(`Impossible length ${len} at offset ${at}: only ${Math.max(0, room)} bytes of the ${this.payloadEnd}-byte payload remain`);
    }
  }

  /**
   * An RDB string as Bytes (a latin1 string), copied straight out of the
   * buffer; integer encodings become their decimal text, as Redis loads them.
   */
  string(): Bytes {
    const buf = this.buf, at = this.p;
    if (at >= buf.length) this.short(at + 1);
    const b = buf[at];
    if (b < 0xc0) {
      let len = b;
      if (b < 0x40) this.p = at + 1;
      else len = this.length();
      if (len > this.checkAbove) this.checkLength(len, this.base + at);
      const p = this.p, end = p + len;
      if (end > buf.length) this.short(end);
      this.p = end;
      return latin1(buf, p, end);
    }
    const int = this.intString(b, at + 1);
    if (int !== null) return int;
    const ulen = this.lzfHeader(at);
    if (ulen === 0) return '';
    // Decompressed into a reused buffer, then copied once into the string: no Buffer per value.
    const out = ulen <= SCRATCH_MAX ? this.scratchFor(ulen) : Buffer.allocUnsafe(ulen);
    this.lzfInto(out, ulen, at);
    return latin1(out, 0, ulen);
  }

  /**
   * An RDB string as bytes, for what is parsed further (ziplists, listpacks,
   * intsets, stream IDs) or kept as bytes (AUX fields, function code): a view
   * of the buffer when stored plain, a new Buffer when LZF or an integer.
   */
  blob(): Buffer {
    const buf = this.buf, at = this.p;
    if (at >= buf.length) this.short(at + 1);
    const b = buf[at];
    if (b < 0xc0) {
      let len = b;
      if (b < 0x40) this.p = at + 1;
      else len = this.length();
      if (len > this.checkAbove) this.checkLength(len, this.base + at);
      const p = this.p, end = p + len;
      if (end > buf.length) this.short(end);
      this.p = end;
      return buf.subarray(p, end);
    }
    const int = this.intString(b, at + 1);
    if (int !== null) return Buffer.from(int, 'latin1');
    const ulen = this.lzfHeader(at);
    // The result outlives the next read (a container is walked after it), so it gets its own memory.
    const out = Buffer.allocUnsafe(ulen);
    if (ulen > 0) this.lzfInto(out, ulen, at);
    return out;
  }

  /** n raw bytes as Bytes (zset scores stored as text). */
  text(n: number): Bytes {
    const p = this.p, end = p + n;
    if (end > this.buf.length) this.short(end);
    this.p = end;
    return latin1(this.buf, p, end);
  }

  /** The INT8/16/32 string encodings as decimal text; null for LZF (ENC_LZF leaves the cursor for lzfHeader). */
  private intString(b: number, p: number): Bytes | null {
    const buf = this.buf;
    switch (b & 0x3f) {
      case ENC_INT8:
        if (p + 1 > buf.length) this.short(p + 1);
        this.p = p + 1;
        return intText(buf.readInt8(p));
      case ENC_INT16:
        if (p + 2 > buf.length) this.short(p + 2);
        this.p = p + 2;
        return intText(buf.readInt16LE(p));
      case ENC_INT32:
        if (p + 4 > buf.length) this.short(p + 4);
        this.p = p + 4;
        return intText(buf.readInt32LE(p));
      case ENC_LZF:
        this.p = p;
        return null;
      default:
        return fail(`Unknown RDB string encoding type ${b & 0x3f}`);
    }
  }

  /**
   * Reads an LZF string's lengths and waits for its compressed bytes, which
   * end at this.p and start at this.lzfFrom; returns the declared length.
   * `at` is the string's own offset in buf, for messages.
   */
  private lzfHeader(at: number): number {
    const offset = this.base + at;
    const clen = this.length();
    const ulen = this.length();
    this.checkLength(clen, offset);
    if (ulen > this.maxElement) this.checkLength(ulen, offset);
    if (ulen > clen * LZF_MAX_RATIO) {
      fail(`Invalid LZF compressed string at offset ${offset}: ${clen} compressed bytes cannot expand to ${ulen}`);
    }
    const from = this.p, to = from + clen;
    if (to > this.buf.length) this.short(to);
    this.p = to;
    this.lzfFrom = from;
    // liblzf reports failure as 0 output bytes, which Redis compares with ulen:
    // a declared length of 0 loads as "" whatever the compressed bytes are.
    return ulen;
  }

  private lzfInto(out: Buffer, ulen: number, at: number): void {
    if (!lzfDecompressInto(this.buf, this.lzfFrom, this.p, out, ulen)) {
      fail(`Invalid LZF compressed string at offset ${this.base + at}`);
    }
  }

  private scratchFor(n: number): Buffer {
    if (this.scratch.length < n) this.scratch = Buffer.allocUnsafe(Math.max(n, 2 * this.scratch.length, 256));
    return this.scratch;
  }

  /** int64 little-endian as a number (times in ms; exact below 2^53). */
  int64(): number {
    const p = this.p;
    if (p + 8 > this.buf.length) this.short(p + 8);
    this.p = p + 8;
    return this.buf.readInt32LE(p + 4) * 2 ** 32 + this.buf.readUInt32LE(p);
  }

  int64Big(): bigint {
    const p = this.p;
    if (p + 8 > this.buf.length) this.short(p + 8);
    this.p = p + 8;
    return this.buf.readBigInt64LE(p);
  }

  int32(): number {
    const p = this.p;
    if (p + 4 > this.buf.length) this.short(p + 4);
    this.p = p + 4;
    return this.buf.readInt32LE(p);
  }

  /** IEEE-754 double, little-endian (ZSET_2 scores, module doubles). */
  binaryDouble(): number {
    const p = this.p;
    if (p + 8 > this.buf.length) this.short(p + 8);
    this.p = p + 8;
    return this.buf.readDoubleLE(p);
  }
}
