// Listpack (spec §7.7), walked entry by entry with every bound checked, since
// the blob comes from the wire: header size and terminator, each entry inside
// the blob, each back-length consistent with its entry, and the element count.
import { intText, latin1, type Bytes } from './bytes';
import { fail } from './reader';

const HEADER = 6;
const UNKNOWN_COUNT = 65535;

export class ListpackCursor {
  private blob: Buffer = Buffer.alloc(0);
  private p = 0;
  private end = 0;
  private declared = 0;
  private seen = 0;
  private what = '';
  /** The current entry: a string (strFrom/strTo) or an integer (num, or big beyond 2^53). */
  isInt = false;
  num = 0;
  big: bigint | null = null;
  /** A string entry: blob[strFrom, strTo). */
  strFrom = 0;
  strTo = 0;

  /** Starts on a blob; `what` names the container in errors, as Redis does ("Hash listpack"). */
  reset(blob: Buffer, what: string): this {
    this.blob = blob;
    this.what = what;
    if (blob.length < HEADER + 1) this.corrupt(`${blob.length} bytes is shorter than a listpack header`);
    const total = blob.readUInt32LE(0);
    if (total !== blob.length) this.corrupt(`header says ${total} bytes, the string holds ${blob.length}`);
    if (blob[blob.length - 1] !== 0xff) this.corrupt('no terminator byte');
    this.declared = blob.readUInt16LE(4);
    this.seen = 0;
    this.p = HEADER;
    this.end = blob.length - 1;
    return this;
  }

  corrupt(detail: string): never {
    return fail(`${this.what} integrity check failed. (${detail})`);
  }

  next(): boolean {
    const blob = this.blob, p = this.p, end = this.end;
    if (p >= end) {
      if (this.declared !== UNKNOWN_COUNT && this.seen !== this.declared) {
        this.corrupt(`header counts ${this.declared} entries, found ${this.seen}`);
      }
      return false;
    }
    const b = blob[p];
    let size: number; // encoding + data
    if (b < 0x80) {
      this.setInt(b);
      size = 1;
    } else if (b < 0xc0) {
      size = 1 + (b & 0x3f);
      this.setStr(p + 1, p + size);
    } else if (b < 0xe0) {
      if (p + 2 > end) this.corrupt(`entry at ${p} runs past the end`);
      const v = ((b & 0x1f) << 8) | blob[p + 1];
      this.setInt(v >= 4096 ? v - 8192 : v);
      size = 2;
    } else if (b < 0xf0) {
      if (p + 2 > end) this.corrupt(`entry at ${p} runs past the end`);
      size = 2 + (((b & 0x0f) << 8) | blob[p + 1]);
      this.setStr(p + 2, p + size);
    } else {
      size = this.wide(b, p);
    }
    const backlen = size < 128 ? 1 : size < 16384 ? 2 : size < 2097152 ? 3 : size < 268435456 ? 4 : 5;
    const next = p + size + backlen;
    if (next > end) this.corrupt(`entry at ${p} runs past the end`);
    if (this.readBacklen(next - 1) !== size) this.corrupt(`entry at ${p} has a wrong back-length`);
    this.p = next;
    this.seen++;
    return true;
  }

  private wide(b: number, p: number): number {
    const blob = this.blob;
    switch (b) {
      case 0xf0: {
        this.need(p, 5);
        const len = blob.readUInt32LE(p + 1);
        if (len > this.end - p) this.corrupt(`entry at ${p} runs past the end`);
        this.setStr(p + 5, p + 5 + len);
        return 5 + len;
      }
      case 0xf1: this.need(p, 3); this.setInt(blob.readInt16LE(p + 1)); return 3;
      case 0xf2: this.need(p, 4); this.setInt(blob.readIntLE(p + 1, 3)); return 4;
      case 0xf3: this.need(p, 5); this.setInt(blob.readInt32LE(p + 1)); return 5;
      case 0xf4: {
        this.need(p, 9);
        const v = blob.readBigInt64LE(p + 1);
        if (v >= -9007199254740991n && v <= 9007199254740991n) this.setInt(Number(v));
        else { this.setInt(0); this.big = v; }
        return 9;
      }
      default:
        return this.corrupt(`invalid entry encoding 0x${b.toString(16)} at ${p}`);
    }
  }

  private need(p: number, n: number): void {
    if (p + n > this.end) this.corrupt(`entry at ${p} runs past the end`);
  }

  // Written most-significant group first, so reading right to left the last
  // byte holds the lowest 7 bits and every byte but the first carries 0x80.
  private readBacklen(q: number): number {
    const blob = this.blob;
    let v = 0, shift = 0;
    for (;;) {
      const byte = blob[q];
      v += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return v;
      shift += 7;
      q--;
    }
  }

  private setInt(v: number): void {
    this.isInt = true;
    this.num = v;
    this.big = null;
  }

  private setStr(from: number, to: number): void {
    if (to > this.end) this.corrupt(`entry at ${this.p} runs past the end`);
    this.isInt = false;
    this.strFrom = from;
    this.strTo = to;
  }

  /** The entry as Redis would return it: strings as they are, integers as decimal text. */
  bytes(): Bytes {
    if (!this.isInt) return latin1(this.blob, this.strFrom, this.strTo);
    return intText(this.big ?? this.num);
  }

  /** The entry as an exact integer (stream fields); a string entry must be one. */
  bigint(): bigint {
    if (this.isInt) return this.big ?? BigInt(this.num);
    const text = latin1(this.blob, this.strFrom, this.strTo);
    if (!/^-?\d{1,20}$/.test(text)) this.corrupt(`expected an integer entry, found "${text}"`);
    return BigInt(text);
  }

  /** The entry as a small integer (stream flags and counts). */
  int(): number {
    return this.isInt && this.big === null ? this.num : Number(this.bigint());
  }
}
