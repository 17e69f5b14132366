// Parses a Redis client query buffer the way redis-server 7.0 does
// (networking.c processInputBuffer / processMultibulkBuffer / processInlineBuffer).
// The replica engine reads the master's stream with it, so `bytes` must be exact:
// the replication offset counts every byte, including the two bytes after a bulk
// payload, which Redis skips without checking that they are CRLF.
//
// Quirks kept on purpose because a real redis-server 7.0.15 shows them:
// * Line ends are found with strchr, so a NUL byte before the terminator hides
//   it: Redis keeps waiting (and errors once more than 64 KiB are buffered).
// * Only the `\r` of a `*`/`$` line is looked for; the byte after it is skipped
//   unchecked.
// * The 64 KiB "too big" checks look at what is buffered when next() runs, so, as
//   in Redis (which reads 16 KiB at a time), an over-long line may pass or fail
//   depending on how its bytes arrived.
// * Once an error is returned the parser stays failed (Redis closes the link)
//   until clear().
//
// RequestParser's argv entries are views into buffered memory, not copies. The parser never
// writes to memory it has handed out (it appends only past the buffered end and
// grows into fresh buffers), so a view stays valid and unchanged after later
// pushes. Pushed chunks are adopted without copying when the buffer is empty: do
// not modify a chunk after pushing it. A view keeps its whole backing chunk
// alive, so copy (Buffer.from) any argument stored for long, such as a value.
// RequestParserOf<A> makes each argument with a function of its own instead:
// the master's stream takes them as latin1 strings, the keyspace's Bytes, made
// straight from the buffered bytes (a view per argument was a Buffer object
// allocated, and collected, for every argument of every command).
import { splitArgs } from './splitArgs';

/** Makes one argument from buffered bytes [start, end). */
export type ArgMaker<A> = (buf: Buffer, start: number, end: number) => A;

export interface ParsedRequest<A = Buffer> {
  argv: A[];
  /** Exact bytes consumed from the stream by this request, including the final CRLF/LF. */
  bytes: number;
  inline: boolean;
}

export type ParseResult<A = Buffer> =
  | { kind: 'request'; request: ParsedRequest<A> }
  | { kind: 'need-more' }
  /** message is Redis's reply text without "ERR ", e.g. "Protocol error: invalid multibulk length". */
  | { kind: 'error'; message: string };

export interface RequestParserOptions {
  /** proto-max-bulk-len, default 512 MiB. Redis does not check it on its master link: pass Infinity there. */
  maxBulkLength?: number;
  /** Largest accepted `*<n>`; Redis 7.0 allows up to INT_MAX (its default here). */
  maxMultibulkLength?: number;
  /** Default true. When false, a non-empty inline line is "Protocol error: inline request not allowed". */
  allowInline?: boolean;
}

const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 2147483647;
const LLONG_MAX = 9223372036854775807n;
const CR = 0x0d;
const LF = 0x0a;
const STAR = 0x2a;
const DOLLAR = 0x24;
const MIN_CAPACITY = 64 * 1024;
// Fast-path numbers stay below 2^53, so they are exact as JS numbers.
const FAST_MAX_DIGITS = 15;
const EMPTY = Buffer.alloc(0);
const NEED_MORE: { kind: 'need-more' } = Object.freeze({ kind: 'need-more' });

const bufferView: ArgMaker<Buffer> = (buf, start, end) => buf.subarray(start, end);

export class RequestParserOf<A> {
  private readonly maxBulkLength: number;
  private readonly maxMultibulkLength: number;
  private readonly allowInline: boolean;

  // store holds the bytes plus spare room; buf views exactly its first `end`
  // bytes, so no search can stray into the spare room.
  private store: Buffer = EMPTY;
  private buf: Buffer = EMPTY;
  private start = 0; // first unconsumed byte: the start of the current request
  private end = 0; // one past the last buffered byte (buf.length)
  private owned = false; // store[end..] is spare room we allocated (not a caller's chunk)

  // A multibulk request being read across calls, so a big one is never re-parsed.
  private pos = 0;
  private pendingArgs = 0; // 0: no `*<n>` line read yet for the current request
  private bulkLen = -1; // -1: the current bulk's `$<len>` line is not read yet
  private argv: A[] = [];
  private scan = 0; // where the search for the current line's terminator resumes
  // A NUL hides the current line's terminator from Redis's strchr for good;
  // remembered so that waiting on such a line does not rescan it on every call.
  private hidden = false;
  private fastCr = 0; // CR index found by fastNumber
  private failure: ParseResult<A> | null = null;

  constructor(opts: RequestParserOptions, private readonly arg: ArgMaker<A>) {
    this.maxBulkLength = opts.maxBulkLength ?? 512 * 1024 * 1024;
    this.maxMultibulkLength = opts.maxMultibulkLength ?? INT_MAX;
    this.allowInline = opts.allowInline ?? true;
  }

  get buffered(): number {
    return this.end - this.start;
  }

  peekByte(): number | undefined {
    return this.start < this.end ? this.buf[this.start] : undefined;
  }

  /** The unconsumed bytes (a view), from the start of the request being parsed. */
  unread(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  /**
   * The bytes from Redis's qb_pos (a view): past what processMultibulkBuffer
   * has taken of the request so far (its `*<n>` line and whole bulks). After a
   * protocol error it starts at the line that failed: what setProtocolError
   * samples in its log line.
   */
  unparsed(): Buffer {
    return this.buf.subarray(this.pos, this.end);
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.start === this.end) {
      this.store = this.buf = chunk;
      this.start = this.pos = this.scan = 0;
      this.end = n;
      this.owned = false;
      return;
    }
    if (this.owned && this.store.length - this.end >= n) {
      chunk.copy(this.store, this.end);
      this.end += n;
      this.buf = this.store.subarray(0, this.end);
      return;
    }
    // A fresh buffer rather than compacting in place: earlier argv views point into the old one.
    const live = this.end - this.start;
    const next = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, 2 * (live + n)));
    this.buf.copy(next, 0, this.start, this.end);
    chunk.copy(next, live);
    this.pos -= this.start;
    this.scan = Math.max(0, this.scan - this.start);
    this.start = 0;
    this.end = live + n;
    this.store = next;
    this.buf = next.subarray(0, this.end);
    this.owned = true;
  }

  clear(): void {
    this.store = this.buf = EMPTY;
    this.start = this.end = this.pos = this.scan = this.pendingArgs = 0;
    this.bulkLen = -1;
    this.argv = [];
    this.owned = this.hidden = false;
    this.failure = null;
  }

  next(): ParseResult<A> {
    if (this.failure) return this.failure;
    if (this.start === this.end) return NEED_MORE;
    if (this.pendingArgs === 0) {
      return this.buf[this.start] === STAR ? this.multibulkHeader() : this.inline();
    }
    return this.bulks();
  }

  private multibulkHeader(): ParseResult<A> {
    let count = this.fastNumber(this.start + 1);
    let after = this.fastCr + 2;
    if (count <= 0 || count > this.maxMultibulkLength) {
      const cr = this.lineEnd(this.start);
      if (cr === -1) {
        return this.end - this.start > PROTO_INLINE_MAX_SIZE ? this.fail('Protocol error: too big mbulk count string') : NEED_MORE;
      }
      if (cr === -2) return NEED_MORE;
      const ll = string2ll(this.buf, this.start + 1, cr);
      if (ll === null || Number(ll) > this.maxMultibulkLength) return this.fail('Protocol error: invalid multibulk length');
      after = cr + 2;
      if (ll <= 0n) return this.complete([], after, false);
      count = Number(ll);
    }
    this.pendingArgs = count;
    this.pos = after;
    this.scan = after;
    return this.bulks();
  }

  private bulks(): ParseResult<A> {
    const b = this.buf;
    while (this.pendingArgs > 0) {
      if (this.bulkLen < 0) {
        const lineStart = this.pos;
        let len = b[lineStart] === DOLLAR ? this.fastNumber(lineStart + 1) : -1;
        if (len >= 0 && len <= this.maxBulkLength) {
          this.pos = this.fastCr + 2;
        } else {
          const cr = this.lineEnd(lineStart);
          if (cr === -1) {
            return this.end - lineStart > PROTO_INLINE_MAX_SIZE ? this.fail('Protocol error: too big bulk count string') : NEED_MORE;
          }
          if (cr === -2) return NEED_MORE;
          if (b[lineStart] !== DOLLAR) return this.fail(`Protocol error: expected '$', got '${replyChar(b[lineStart]!)}'`);
          const ll = string2ll(b, lineStart + 1, cr);
          if (ll === null || ll < 0n || Number(ll) > this.maxBulkLength) return this.fail('Protocol error: invalid bulk length');
          len = Number(ll);
          this.pos = cr + 2;
        }
        this.bulkLen = len;
      }
      if (this.end - this.pos < this.bulkLen + 2) return NEED_MORE;
      this.argv.push(this.arg(b, this.pos, this.pos + this.bulkLen));
      this.pos += this.bulkLen + 2;
      this.scan = this.pos;
      this.bulkLen = -1;
      this.pendingArgs--;
    }
    const argv = this.argv;
    this.argv = [];
    return this.complete(argv, this.pos, false);
  }

  private inline(): ParseResult<A> {
    const b = this.buf;
    const s = this.start;
    let nl = this.hidden ? -1 : b.indexOf(LF, Math.max(s, this.scan));
    if (nl === -1) {
      this.scan = this.end;
    } else if (nl > s && b.subarray(s, nl).indexOf(0) !== -1) {
      this.hidden = true;
      nl = -1;
    }
    if (nl === -1) {
      return this.end - s > PROTO_INLINE_MAX_SIZE ? this.fail('Protocol error: too big inline request') : NEED_MORE;
    }
    const lineEnd = nl > s && b[nl - 1] === CR ? nl - 1 : nl;
    const argv = splitArgs(b.subarray(s, lineEnd));
    if (argv === null) return this.fail('Protocol error: unbalanced quotes in request');
    // Checked after splitting, as Redis checks a master's inline line only after sdssplitargs.
    if (lineEnd > s && !this.allowInline) return this.fail('Protocol error: inline request not allowed');
    return this.complete(argv.map((a) => this.arg(a, 0, a.length)), nl + 1, true);
  }

  private complete(argv: A[], next: number, inline: boolean): ParseResult<A> {
    const bytes = next - this.start;
    this.start = this.pos = this.scan = next;
    this.pendingArgs = 0;
    this.hidden = false;
    return { kind: 'request', request: { argv, bytes, inline } };
  }

  private fail(message: string): ParseResult<A> {
    this.failure = { kind: 'error', message };
    return this.failure;
  }

  /**
   * The common case in one pass: `<digits>\r` plus at least one more byte, a
   * canonical non-negative number of at most 15 digits. Returns it (CR index in
   * fastCr) or -1, leaving everything else to the strchr-faithful slow path.
   */
  private fastNumber(p: number): number {
    const b = this.buf;
    const limit = Math.min(this.end, p + FAST_MAX_DIGITS);
    let i = p;
    let n = 0;
    let c = 0;
    while (i < limit && (c = b[i]!) >= 0x30 && c <= 0x39) {
      n = n * 10 + (c - 0x30);
      i++;
    }
    if (i === p || i + 1 >= this.end || b[i] !== CR) return -1;
    if (b[p] === 0x30 && i !== p + 1) return -1; // leading zero: string2ll rejects it
    this.fastCr = i;
    return n;
  }

  /**
   * The line at `from` as Redis's strchr(…, '\r') sees it: the CR index when at
   * least one byte follows it, -2 when the CR is the last buffered byte, -1 when
   * there is no visible CR (none yet, or a NUL comes first).
   */
  private lineEnd(from: number): number {
    if (this.hidden) return -1;
    const cr = this.buf.indexOf(CR, Math.max(from, this.scan));
    if (cr === -1) {
      this.scan = this.end;
      return -1;
    }
    if (this.buf.subarray(from, cr).indexOf(0) !== -1) {
      this.hidden = true;
      return -1;
    }
    this.scan = cr;
    return cr + 1 < this.end ? cr : -2;
  }
}

/** Arguments as views into the buffered bytes (the RESP port's requests). */
export class RequestParser extends RequestParserOf<Buffer> {
  constructor(opts: RequestParserOptions = {}) {
    super(opts, bufferView);
  }
}

/** Redis's string2ll: optional '-', no '+', no leading zeros, within long long. */
function string2ll(b: Buffer, from: number, to: number): bigint | null {
  const len = to - from;
  if (len <= 0 || len >= 21) return null;
  if (len === 1 && b[from] === 0x30) return 0n;
  let p = from;
  const negative = b[p] === 0x2d;
  if (negative && ++p === to) return null;
  if (b[p]! < 0x31 || b[p]! > 0x39) return null;
  for (let i = p + 1; i < to; i++) if (b[i]! < 0x30 || b[i]! > 0x39) return null;
  const v = BigInt(b.toString('latin1', p, to));
  if (v > (negative ? LLONG_MAX + 1n : LLONG_MAX)) return null;
  return negative ? -v : v;
}

// addReplyErrorFormat turns CR and LF into spaces; other bytes go out raw (read as latin1).
function replyChar(c: number): string {
  return c === CR || c === LF ? ' ' : String.fromCharCode(c);
}
