// The decoder's input side: written chunks wait in a queue and join the
// reader's buffer only when a read needs bytes past its end; bytes leave the
// buffer only once decoded, and are added to the CRC as they leave.
import { Crc64 } from './crc64';
import type { RdbReader } from './reader';

const EMPTY = Buffer.alloc(0);

export class DecoderInput {
  // A head index keeps taking from the front O(1).
  private readonly pending: Buffer[] = [];
  private head = 0;
  private pendingLen = 0;
  private readonly crc = new Crc64();
  /** r.buf index from which bytes are not yet in the CRC. */
  private crcFrom = 0;
  private crcOn: boolean;

  /** computeCrc false: the payload's CRC was verified elsewhere; finishCrc() then returns 0n. */
  constructor(private readonly r: RdbReader, computeCrc = true) {
    this.crcOn = computeCrc;
  }

  /** Kept by reference, not copied. */
  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
  }

  /** Bytes written but not yet decoded. */
  get undecoded(): number {
    return this.r.buf.length - this.r.start + this.pendingLen;
  }

  /**
   * Joins the undecoded tail of the buffer with just enough queued chunks to
   * reach r.needEnd; false when they have not all been written yet. Copies
   * only when the needed element spans chunks.
   */
  fill(): boolean {
    const r = this.r;
    if (r.base + r.buf.length + this.pendingLen < r.needEnd) return false;
    if (this.crcOn && r.start > this.crcFrom) this.crc.update(r.buf, this.crcFrom, r.start);
    const base = r.base + r.start;
    const parts: Buffer[] = [];
    let total = r.buf.length - r.start;
    if (total > 0) parts.push(r.buf.subarray(r.start));
    while (base + total < r.needEnd) {
      const chunk = this.pending[this.head]!;
      // Let go of it now: while a writer stays ahead the queue never empties, and the taken
      // chunks before `head` would stay referenced until it does.
      this.pending[this.head++] = EMPTY;
      parts.push(chunk);
      total += chunk.length;
      this.pendingLen -= chunk.length;
    }
    if (this.head === this.pending.length) {
      this.pending.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    r.buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
    r.base = base;
    r.start = r.p = 0;
    this.crcFrom = 0;
    return true;
  }

  /** The CRC of everything decoded so far; nothing after is added (called after the EOF opcode). */
  finishCrc(): bigint {
    const r = this.r;
    if (this.crcOn) this.crc.update(r.buf, this.crcFrom, r.start);
    this.crcFrom = r.start;
    this.crcOn = false;
    return this.crc.digest();
  }
}
