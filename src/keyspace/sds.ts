// A string value that writes change in place (APPEND, SETRANGE, SETBIT,
// BITFIELD, PFADD…): bytes in a buffer with spare room, grown greedily as
// sdsMakeRoomFor grows an sds (double while under 1 MB, then 1 MB more), so a
// write costs what it touches, not the whole value. Reads that want the value
// as one latin1 string get it built once and kept until the next write.
import type { Bytes } from './values';

/** sdsMakeRoomFor's SDS_MAX_PREALLOC. */
const MAX_PREALLOC = 1024 * 1024;

export class SdsString {
  readonly type = 'string' as const;
  private buf: Buffer;
  private len: number;
  /** The content as a latin1 string while no write changed it. */
  private text: Bytes | null;

  constructor(initial: Bytes = '') {
    this.len = initial.length;
    this.buf = Buffer.allocUnsafe(initial.length);
    this.buf.write(initial, 0, 'latin1');
    this.text = initial;
  }

  get value(): Bytes {
    if (this.text === null) this.text = this.buf.toString('latin1', 0, this.len);
    return this.text;
  }

  /** A whole new content (the spare room is dropped, as a fresh sds). */
  set value(s: Bytes) {
    this.buf = Buffer.allocUnsafe(s.length);
    this.buf.write(s, 0, 'latin1');
    this.len = s.length;
    this.text = s;
  }

  get length(): number {
    return this.len;
  }

  /** Bytes allocated, spare room included (sdsAllocSize). */
  get capacity(): number {
    return this.buf.length;
  }

  byteAt(i: number): number {
    return i < this.len ? this.buf[i]! : 0;
  }

  /** Bytes [start, end) as latin1. */
  slice(start: number, end: number): Bytes {
    if (this.text !== null) return this.text.slice(start, end);
    return this.buf.toString('latin1', start, Math.min(end, this.len));
  }

  /** The content as bytes: a view valid until the next write. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  append(s: Bytes): void {
    if (s.length === 0) return;
    this.makeRoomFor(this.len + s.length);
    this.put(s, this.len);
    this.len += s.length;
    this.text = null;
  }

  /** Writes `s` at `offset`, zero-padding up to it first (SETRANGE). */
  setRange(offset: number, s: Bytes): void {
    this.growZeroed(offset + s.length);
    this.put(s, offset);
    this.text = null;
  }

  /** At least `len` bytes long, new bytes zero (sdsgrowzero). */
  growZeroed(len: number): void {
    if (len <= this.len) return;
    this.makeRoomFor(len);
    this.buf.fill(0, this.len, len);
    this.len = len;
    this.text = null;
  }

  setByte(i: number, b: number): void {
    this.buf[i] = b;
    this.text = null;
  }

  /** Marks the bytes changed through bytes(). */
  touched(): void {
    this.text = null;
  }

  /** Copies `s` in at `at`: byte by byte when short, where a call into Buffer.write costs more than the copy. */
  private put(s: Bytes, at: number): void {
    if (s.length > 32) {
      this.buf.write(s, at, 'latin1');
      return;
    }
    const buf = this.buf;
    for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  }

  private makeRoomFor(need: number): void {
    if (need <= this.buf.length) return;
    const size = need < MAX_PREALLOC ? need * 2 : need + MAX_PREALLOC;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

type StringValue = { type: 'string'; value: Bytes };

/** A string value's length, without building the string of an SdsString. */
export function stringLength(v: StringValue): number {
  return v instanceof SdsString ? v.length : v.value.length;
}

/** Byte `i` of a string value (0 past its end). */
export function stringByteAt(v: StringValue, i: number): number {
  if (v instanceof SdsString) return v.byteAt(i);
  return i < v.value.length ? v.value.charCodeAt(i) : 0;
}

/** Bytes [start, end) of a string value. */
export function stringSlice(v: StringValue, start: number, end: number): Bytes {
  return v instanceof SdsString ? v.slice(start, end) : v.value.slice(start, end);
}
