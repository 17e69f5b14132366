// Ziplist (spec §7.8): the pre-7.0 container of small lists, hashes, zsets and
// quicklist nodes. Read-only here; every bound and each entry's prevlen is
// checked, since a ziplist from the wire is untrusted.
import { intText, latin1, type Bytes } from './bytes';
import { fail } from './reader';

const HEADER = 10;
const UNKNOWN_COUNT = 65535;

export class ZiplistCursor {
  private blob: Buffer = Buffer.alloc(0);
  private p = 0;
  private end = 0;
  private declared = 0;
  private seen = 0;
  private prevSize = 0;
  private what = '';
  isInt = false;
  num = 0;
  big: bigint | null = null;
  /** A string entry: blob[strFrom, strTo). */
  strFrom = 0;
  strTo = 0;

  reset(blob: Buffer, what: string): this {
    this.blob = blob;
    this.what = what;
    if (blob.length < HEADER + 1) this.corrupt(`${blob.length} bytes is shorter than a ziplist header`);
    const total = blob.readUInt32LE(0);
    if (total !== blob.length) this.corrupt(`header says ${total} bytes, the string holds ${blob.length}`);
    if (blob[blob.length - 1] !== 0xff) this.corrupt('no terminator byte');
    if (blob.readUInt32LE(4) > blob.length - 1) this.corrupt('tail offset past the end');
    this.declared = blob.readUInt16LE(8);
    this.seen = 0;
    this.prevSize = 0;
    this.p = HEADER;
    this.end = blob.length - 1;
    return this;
  }

  corrupt(detail: string): never {
    return fail(`${this.what} integrity check failed. (${detail})`);
  }

  next(): boolean {
    const blob = this.blob, start = this.p, end = this.end;
    if (start >= end) {
      if (this.declared !== UNKNOWN_COUNT && this.seen !== this.declared) {
        this.corrupt(`header counts ${this.declared} entries, found ${this.seen}`);
      }
      return false;
    }
    let p = start;
    let prevlen = blob[p];
    if (prevlen === 0xfe) {
      if (p + 5 > end) this.corrupt(`entry at ${start} runs past the end`);
      prevlen = blob.readUInt32LE(p + 1);
      p += 5;
    } else {
      p += 1;
    }
    if (prevlen !== this.prevSize) this.corrupt(`entry at ${start} has prevlen ${prevlen}, the previous entry is ${this.prevSize} bytes`);
    if (p >= end) this.corrupt(`entry at ${start} runs past the end`);
    const e = blob[p];
    let dataEnd: number;
    switch (e >> 6) {
      case 0:
        dataEnd = this.setStr(p + 1, e & 0x3f);
        break;
      case 1:
        if (p + 2 > end) this.corrupt(`entry at ${start} runs past the end`);
        dataEnd = this.setStr(p + 2, ((e & 0x3f) << 8) | blob[p + 1]);
        break;
      case 2:
        if (p + 5 > end) this.corrupt(`entry at ${start} runs past the end`);
        dataEnd = this.setStr(p + 5, blob.readUInt32BE(p + 1));
        break;
      default:
        dataEnd = this.intEntry(e, p + 1, start);
    }
    this.prevSize = dataEnd - start;
    this.p = dataEnd;
    this.seen++;
    return true;
  }

  private intEntry(e: number, d: number, start: number): number {
    const blob = this.blob;
    const width = e === 0xc0 ? 2 : e === 0xd0 ? 4 : e === 0xe0 ? 8 : e === 0xf0 ? 3 : e === 0xfe ? 1 : 0;
    if (width === 0) {
      if (e < 0xf1 || e > 0xfd) this.corrupt(`invalid entry encoding 0x${e.toString(16)} at ${start}`);
      this.setInt((e & 0x0f) - 1);
      return d;
    }
    if (d + width > this.end) this.corrupt(`entry at ${start} runs past the end`);
    if (width === 8) {
      const v = blob.readBigInt64LE(d);
      if (v >= -9007199254740991n && v <= 9007199254740991n) this.setInt(Number(v));
      else { this.setInt(0); this.big = v; }
    } else {
      this.setInt(blob.readIntLE(d, width));
    }
    return d + width;
  }

  private setInt(v: number): void {
    this.isInt = true;
    this.num = v;
    this.big = null;
  }

  private setStr(from: number, len: number): number {
    const to = from + len;
    if (to > this.end) this.corrupt(`entry at ${this.p} runs past the end`);
    this.isInt = false;
    this.strFrom = from;
    this.strTo = to;
    return to;
  }

  /** The entry as Redis would return it: strings as they are, integers as decimal text. */
  bytes(): Bytes {
    if (!this.isInt) return latin1(this.blob, this.strFrom, this.strTo);
    return intText(this.big ?? this.num);
  }
}
