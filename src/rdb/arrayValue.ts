// RDB_TYPE_ARRAY (28, RDB 14, Redis 8.8): the element count, the insert cursor
// (a 0/1 flag, then the index when 1), then per element its index (a plain
// length), a tag and the value: 0 a string, 1 an int64 (8 bytes LE), 2 a double
// (8 bytes LE), 3 a string of at most 7 bytes. Read one element at a time and
// committed after each, like the other collections; the checks and their words
// are rdbLoadObject's.
import type { Bytes } from './bytes';
import type { DecodedValue } from './decodedValue';
import type { ValueParser } from './collectionValues';
import { fail, type RdbReader } from './reader';

const TAG_STRING = 0n, TAG_INT = 1n, TAG_FLOAT = 2n, TAG_SMALL = 3n;
const SMALL_MAX = 7;
const UINT64_MAX = (1n << 64n) - 1n;

export class ArrayParser implements ValueParser {
  private left = -1;
  private insertIdx: bigint | null = null;
  private readonly indexes: (number | bigint)[] = [];
  private readonly values: (Bytes | number)[] = [];

  step(r: RdbReader): DecodedValue | null {
    if (this.left < 0) {
      const count = r.count('array size');
      if (count === 0) fail('Empty array (count == 0) is invalid');
      const flag = r.lengthBig();
      if (flag > 1n) fail(`Invalid array insert_idx_flag ${flag}`);
      // rdbLoadLen's error value: Redis cannot tell this cursor from a read error.
      const idx = flag === 1n ? r.lengthBig() : null;
      if (idx === UINT64_MAX) fail('Invalid array insert index 18446744073709551615');
      this.insertIdx = idx;
      this.left = count;
      r.commitItem();
    }
    while (this.left > 0) {
      this.element(r);
      this.left--;
      r.commitItem();
    }
    return { type: 'array', insertIdx: this.insertIdx, indexes: this.indexes, values: this.values };
  }

  /** Reads one element whole before recording it. */
  private element(r: RdbReader): void {
    if (r.p >= r.buf.length) r.short(r.p + 1);
    const encoded = r.buf[r.p]! >= 0xc0;
    const idx = r.lengthBig();
    if (encoded || idx === UINT64_MAX) fail(`Invalid array index ${idx}`);
    const tag = r.lengthBig();
    let value: Bytes | number;
    if (tag === TAG_INT) value = r.int64Big().toString();
    else if (tag === TAG_FLOAT) value = r.binaryDouble();
    else if (tag === TAG_SMALL) {
      value = r.string();
      if (value.length > SMALL_MAX) fail(`Invalid small string length ${value.length} in array`);
    } else if (tag === TAG_STRING) value = r.string();
    else return fail(`Unknown array element type_tag ${tag}`);
    this.indexes.push(idx < 2n ** 53n ? Number(idx) : idx);
    this.values.push(value);
  }
}
