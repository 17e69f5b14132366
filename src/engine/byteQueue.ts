// The bytes that arrived on a link and that the replica has not read yet: what
// the kernel's socket buffer holds for a real redis-server. Reading takes from
// the front; nothing is copied until it is taken.

export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0; // offset into chunks[0]
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Puts bytes back at the front (read too far: they belong to what comes next). */
  unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.head > 0) {
      this.chunks[0] = this.chunks[0]!.subarray(this.head);
      this.head = 0;
    }
    this.chunks.unshift(chunk);
    this.size += chunk.length;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.size = 0;
  }

  /** Position of the first '\n' within the first `limit` bytes, or -1. */
  indexOfNewline(limit = Infinity): number {
    let seen = 0;
    for (let i = 0; i < this.chunks.length && seen < limit; i++) {
      const c = this.chunks[i]!;
      const start = i === 0 ? this.head : 0;
      const end = Math.min(c.length, start + (limit - seen));
      const at = c.indexOf(0x0a, start);
      if (at !== -1 && at < end) return seen + (at - start);
      seen += end - start;
    }
    return -1;
  }

  /** Removes and returns the first n bytes (n ≤ length). */
  take(n: number): Buffer {
    if (n > this.size) throw new RangeError(`take(${n}) with ${this.size} bytes queued`);
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    if (first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length - this.head, n - filled);
      c.copy(out, filled, this.head, this.head + k);
      filled += k;
      this.advance(k);
    }
    return out;
  }

  /** Removes and returns everything queued. */
  takeAll(): Buffer {
    return this.take(this.size);
  }

  /**
   * Reads a line as syncReadLine() does: up to '\n', without the '\n' and a
   * '\r' before it. A line longer than maxLen-1 bytes is cut there and the rest
   * stays queued, as with Redis's fixed line buffer. Returns null when no
   * complete line (nor maxLen-1 bytes) is queued yet.
   */
  readLine(maxLen: number): string | null {
    const room = maxLen - 1;
    const nl = this.indexOfNewline(room);
    if (nl === -1) {
      if (this.size < room) return null;
      return this.take(room).toString('latin1');
    }
    const raw = this.take(nl + 1);
    let end = nl;
    if (end > 0 && raw[end - 1] === 0x0d) end--;
    return raw.subarray(0, end).toString('latin1');
  }

  private advance(n: number): void {
    this.head += n;
    this.size -= n;
    while (this.chunks.length > 0 && this.head >= this.chunks[0]!.length) {
      this.head -= this.chunks[0]!.length;
      this.chunks.shift();
    }
  }
}
