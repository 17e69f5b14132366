// The local buffer of a multi-channel full sync: while the RDB arrives on the
// rdb channel, the replica reads the master's stream from the main channel
// into a list of blocks (Redis 8: server.repl_full_sync_buffer, 1 MB blocks;
// Valkey 8: server.pending_repl_data, blocks of about a read), then streams it
// into the dataset once the RDB is loaded. Sizes are what the allocator gives
// (INFO counts allocated bytes), so the block accounting follows jemalloc's
// size classes.

export interface ReplBufferBlock {
  /** Bytes the block can hold (its usable size less the header). */
  size: number;
  /** The stream bytes it holds, in chunks as read. */
  chunks: Buffer[];
  used: number;
}

/** How a version sizes its blocks and bounds the buffer. */
export interface ReplBufferPolicy {
  /** The size of a new block given the read that needs it. */
  blockSize(readLen: number): number;
  /** Whether a new sync starts the peak from 0 (Valkey) or keeps the process's peak (Redis). */
  resetPeakOnInit: boolean;
}

/** jemalloc's usable size for a request: 4 size classes per doubling above 16 bytes (as Redis and Valkey build it). */
export function jemallocUsableSize(request: number): number {
  if (request <= 8) return 8;
  if (request <= 16) return 16;
  const k = Math.floor(Math.log2(request - 1));
  const spacing = 2 ** (k - 2);
  return Math.ceil(request / spacing) * spacing;
}

/** Redis 8 replDataBufBlock: used, size (two size_t), then the bytes. */
const REDIS_BLOCK_HEADER = 16;
/** Valkey 8 replDataBufBlock: size, used. */
const VALKEY_BLOCK_HEADER = 16;
/** PROTO_REPLY_CHUNK_BYTES. */
const PROTO_REPLY_CHUNK_BYTES = 16 * 1024;

/** Redis 8 (replDataBufReadFromConn): 1 MB allocations. */
export const REDIS_BLOCKS: ReplBufferPolicy = {
  blockSize: () => jemallocUsableSize(1024 * 1024) - REDIS_BLOCK_HEADER,
  resetPeakOnInit: false,
};

/** Valkey 8 (bufferReplData): the read's size, at least 16 KB, at most max(backlog/16, 16 KB). */
export function valkeyBlocks(replBacklogSize: number): ReplBufferPolicy {
  return {
    blockSize: (readLen) => {
      const limit = Math.max(Math.floor(replBacklogSize / 16), PROTO_REPLY_CHUNK_BYTES);
      const size = Math.min(Math.max(readLen, PROTO_REPLY_CHUNK_BYTES), limit);
      return jemallocUsableSize(size + VALKEY_BLOCK_HEADER) - VALKEY_BLOCK_HEADER;
    },
    resetPeakOnInit: true,
  };
}

export class ReplBuffer {
  private readonly blocks: ReplBufferBlock[] = [];
  private head = 0;
  /** Allocated bytes (replica_full_sync_buffer_size / replicas_repl_buffer_size). */
  size = 0;
  /** The largest `size` seen. */
  peak = 0;
  /** Stream bytes held and not yet applied. */
  used = 0;

  private policy: ReplBufferPolicy = REDIS_BLOCKS;
  /** Between init() and clear(): a multi-channel sync is buffering or streaming. */
  active = false;

  /** replDataBufInit(): an empty buffer for a new sync. */
  init(policy: ReplBufferPolicy): void {
    this.clear();
    this.policy = policy;
    this.active = true;
    if (policy.resetPeakOnInit) this.peak = 0;
  }

  get blockCount(): number {
    return this.blocks.length - this.head;
  }

  /** Room left in the last block. */
  get tailRoom(): number {
    const tail = this.blocks[this.blocks.length - 1];
    return tail && this.blocks.length > this.head ? tail.size - tail.used : 0;
  }

  /** A new block for a read of `readLen` bytes. */
  addBlock(readLen: number): void {
    const size = this.policy.blockSize(readLen);
    this.blocks.push({ size, chunks: [], used: 0 });
    this.size += size;
    if (this.size > this.peak) this.peak = this.size;
  }

  /** Appends bytes to the last block (at most its room). */
  append(bytes: Buffer): void {
    const tail = this.blocks[this.blocks.length - 1]!;
    tail.chunks.push(bytes);
    tail.used += bytes.length;
    this.used += bytes.length;
  }

  /** The oldest block, removed (its size leaves the total once applied: see release). */
  shift(): ReplBufferBlock | undefined {
    if (this.head >= this.blocks.length) return undefined;
    const block = this.blocks[this.head]!;
    this.blocks[this.head++] = undefined as unknown as ReplBufferBlock;
    if (this.head > 64 && this.head * 2 > this.blocks.length) {
      this.blocks.splice(0, this.head);
      this.head = 0;
    }
    return block;
  }

  /** A block's bytes were applied. */
  consumed(bytes: number): void {
    this.used -= bytes;
  }

  /** A block was freed. */
  release(block: ReplBufferBlock): void {
    this.size -= block.size;
  }

  clear(): void {
    this.active = false;
    this.blocks.length = 0;
    this.head = 0;
    this.size = 0;
    this.used = 0;
  }
}
