// The master client's query buffer (c->querybuf): the request parser, plus
// what redis-server 7.0 can still show of the master's stream when it logs an
// error on that link:
// * qbuf= in setProtocolError's client info: processInputBuffer trims a
//   master's querybuf only to repl_applied, once per read, so it holds every
//   byte read since the last applied command as of that read (a whole open
//   MULTI, across reads);
// * "Latest backlog is:" (showLatestBacklog): the last 256 applied bytes,
//   dumped per replication buffer block, each block's part quoted on its own.
// The bytes are not copied: the chunks read are kept by reference until they
// fall out of the last 256 applied bytes (an open MULTI keeps them all).
import { latin1, type Bytes } from '../rdb/bytes';
import { RequestParserOf, type RequestParserOptions } from '../resp/requestParser';

/** showLatestBacklog() dumps at most this many bytes. */
export const BACKLOG_DUMP_LEN = 256;
/** PROTO_REPLY_CHUNK_BYTES: feedReplicationBuffer allocates blocks of at least this size. */
const PROTO_REPLY_CHUNK_BYTES = 16 * 1024;
/** REPL_BACKLOG_TRIM_BLOCKS_PER_CALL: how many blocks one feed may trim from the backlog's head. */
const REPL_BACKLOG_TRIM_BLOCKS_PER_CALL = 10;
/** sizeof(replBufBlock) on 64 bits: refcount (padded), id, repl_offset, size, used. */
const REPL_BUF_BLOCK_HEADER = 40;

/**
 * jemalloc's usable size for a large request (redis-server 7.0.15 is built
 * with jemalloc 5.3): four size classes per doubling. Only asked for sizes
 * above 16 KiB.
 */
function jemallocUsable(size: number): number {
  const lg = Math.floor(Math.log2(size - 1));
  const spacing = 2 ** (lg - 2);
  return 2 ** lg + Math.ceil((size - 2 ** lg) / spacing) * spacing;
}

const REPR_NAMED: Readonly<Record<number, string>> = { 0x5c: '\\\\', 0x22: '\\"', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x07: '\\a', 0x08: '\\b' };

/** sdscatrepr(): the bytes double-quoted, escaped as C would read them back. */
export function sdsRepr(bytes: Buffer): string {
  let out = '"';
  for (const byte of bytes) {
    const named = REPR_NAMED[byte];
    if (named !== undefined) out += named;
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** Its requests' arguments are Bytes (latin1 strings), what the keyspace applies. */
export class MasterQueryBuffer extends RequestParserOf<Bytes> {
  // Positions count the bytes pushed since this object was made (the stream as read).
  /** The chunks read, oldest first, and where each starts. */
  private chunks: Buffer[] = [];
  private chunkStarts: number[] = [];
  private pushed = 0;
  /** repl_applied: the end of what commandProcessed() has applied. */
  private applied = 0;
  /** Where querybuf starts: repl_applied when the last read came in (the trim after the read before it). */
  private trimmedAt = 0;
  /** The backlog's tail block (repl_buffer_blocks' last): bytes used, bytes free. */
  private tailUsed = 0;
  private tailFree = 0;
  /** The sizes of the backlog's full blocks before the tail, oldest first (read from `firstBlock`). */
  private fullBlocks: number[] = [];
  private firstBlock = 0;

  constructor(opts: RequestParserOptions = {}) {
    super(opts, latin1);
  }

  override push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.trimmedAt = this.applied;
    this.chunks.push(chunk);
    this.chunkStarts.push(this.pushed);
    this.pushed += chunk.length;
    super.push(chunk);
  }

  /**
   * Everything read and not applied is dropped (replicationCacheMaster sets
   * read_reploff = reploff; a new master client starts empty). What was
   * applied stays: the backlog keeps it.
   */
  override clear(): void {
    super.clear();
    while (this.chunks.length > 0 && this.chunkStarts.at(-1)! >= this.applied) {
      this.chunks.pop();
      this.chunkStarts.pop();
    }
    const last = this.chunks.length - 1;
    if (last >= 0) {
      const keep = this.applied - this.chunkStarts[last]!;
      if (keep < this.chunks[last]!.length) this.chunks[last] = this.chunks[last]!.subarray(0, keep);
    }
    this.pushed = this.trimmedAt = this.applied;
  }

  /** sdslen(c->querybuf) now: what setProtocolError's client info shows as qbuf=. */
  get querybufLength(): number {
    return this.pushed - this.trimmedAt;
  }

  /**
   * commandProcessed(): `n` more bytes of what was parsed are applied
   * (repl_applied += n) and, with a backlog, fed to it (feedReplicationBuffer).
   * True when that feed added a block (the backlog may be trimmed then).
   */
  markApplied(n: number, toBacklog: boolean): boolean {
    this.applied += n;
    const added = toBacklog && this.feedBlocks(n);
    const keepFrom = this.applied - BACKLOG_DUMP_LEN;
    while (this.chunks.length > 1 && this.chunkStarts[1]! <= keepFrom) {
      this.chunks.shift();
      this.chunkStarts.shift();
    }
    return added;
  }

  /** createReplicationBacklog(): an empty backlog, no blocks yet. */
  newBacklog(): void {
    this.tailUsed = this.tailFree = 0;
    this.fullBlocks = [];
    this.firstBlock = 0;
  }

  /**
   * incrementalTrimReplicationBacklog(), after a feed that added a block or
   * a resize: whole blocks leave the
   * backlog's head, at most ten a call, and only while what stays is still
   * more than `size`; so the history kept runs up to a block over the
   * configured size. Returns the new histlen.
   */
  trimBacklog(histlen: number, size: number): number {
    for (let n = 0; n < REPL_BACKLOG_TRIM_BLOCKS_PER_CALL && histlen > size; n++) {
      // The tail is never trimmed: a backlog keeps at least one block.
      if (this.firstBlock === this.fullBlocks.length) break;
      const first = this.fullBlocks[this.firstBlock]!;
      if (histlen - first <= size) break;
      histlen -= first;
      this.firstBlock++;
    }
    if (this.firstBlock > 1024 && this.firstBlock * 2 > this.fullBlocks.length) {
      this.fullBlocks = this.fullBlocks.slice(this.firstBlock);
      this.firstBlock = 0;
    }
    return histlen;
  }

  /**
   * showLatestBacklog()'s dump of a backlog holding `histlen` bytes: the last
   * min(256, histlen) applied bytes, each block's part through sdscatrepr,
   * oldest first. Blocks hold at least 16 KiB, so 256 bytes span two at most.
   */
  latestBacklog(histlen: number): string {
    const bytes = this.appliedTail(Math.min(BACKLOG_DUMP_LEN, histlen));
    const inTail = Math.min(bytes.length, this.tailUsed);
    const split = bytes.length - inTail;
    return split > 0 ? sdsRepr(bytes.subarray(0, split)) + sdsRepr(bytes.subarray(split)) : sdsRepr(bytes);
  }

  /** The last `n` applied bytes (fewer if fewer were read). */
  private appliedTail(n: number): Buffer {
    const from = Math.max(0, this.applied - n);
    const parts: Buffer[] = [];
    for (let i = 0; i < this.chunks.length; i++) {
      const start = this.chunkStarts[i]!;
      const chunk = this.chunks[i]!;
      const a = Math.max(from, start);
      const b = Math.min(this.applied, start + chunk.length);
      if (a < b) parts.push(chunk.subarray(a - start, b - start));
    }
    return Buffer.concat(parts);
  }

  /** feedReplicationBuffer(): fill the tail block, then one new block for the rest. True when a block was added. */
  private feedBlocks(n: number): boolean {
    const fits = Math.min(n, this.tailFree);
    this.tailUsed += fits;
    this.tailFree -= fits;
    const rest = n - fits;
    if (rest > 0) {
      if (this.tailUsed > 0) this.fullBlocks.push(this.tailUsed);
      const size = jemallocUsable(Math.max(rest, PROTO_REPLY_CHUNK_BYTES) + REPL_BUF_BLOCK_HEADER) - REPL_BUF_BLOCK_HEADER;
      this.tailUsed = rest;
      this.tailFree = size - rest;
    }
    return rest > 0;
  }
}
