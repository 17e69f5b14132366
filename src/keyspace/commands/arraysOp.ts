// AROP key start end SUM|MIN|MAX|AND|OR|XOR|USED|MATCH [value] (t_array.c):
// an aggregate over the values in a range. Numbers are read as redis-server
// reads each stored kind: an integer exactly, an inline double as that double,
// any other string through strtold; sums run in x87 long double and print with
// "%.17Lg" (longDouble.ts), so the digits are the master's.
import type { ReplyValue } from '../../resp/encode';
import { inlineDouble } from '../arrayElements';
import { scanArray } from '../arrayScan';
import { splitIndex } from '../sparseArray';
import type { Bytes } from '../values';
import { arrayForRead, ERR_INDEX, parseArrayIndex } from './arraysArgs';
import { arrayRead } from './arraysRead';
import { add, compare, formatG17, fromBigInt, fromDouble, isInf, parseLongDouble, truncate, type LongDouble } from './longDouble';
import { bulk, int, NIL, parseInt64, rerr, wrongArity, WRONGTYPE } from './util';

type Op = 'sum' | 'min' | 'max' | 'and' | 'or' | 'xor' | 'match' | 'used';
const OPS: ReadonlySet<string> = new Set(['sum', 'min', 'max', 'and', 'or', 'xor', 'match', 'used']);

const INT64_MIN = -(1n << 63n), INT64_MAX = (1n << 63n) - 1n;

/** A value as a number: an exact integer, or a long double; null when it is not numeric. */
function numeric(v: Bytes): { int: bigint } | { ld: LongDouble } | null {
  const i = parseInt64(v);
  if (i !== null) return { int: i };
  const d = inlineDouble(v);
  if (d !== null) return { ld: fromDouble(d) };
  const ld = parseLongDouble(v);
  return ld === null ? null : { ld };
}

class Accumulator {
  count = 0;
  bits: bigint | null = null;
  acc: LongDouble | null = null;
  /** +inf and -inf were summed. */
  nan = false;

  constructor(private readonly op: Op, private readonly match: Bytes | null) {}

  add(v: Bytes): void {
    const op = this.op;
    if (op === 'used') {
      this.count++;
      return;
    }
    if (op === 'match') {
      if (v === this.match) this.count++;
      return;
    }
    const n = numeric(v);
    if (n === null) return;
    if (op === 'and' || op === 'or' || op === 'xor') {
      let i: bigint;
      if ('int' in n) i = n.int;
      else {
        // A float counts by its integer part, when that fits an int64.
        const lo = compare(n.ld, fromBigInt(INT64_MIN)), hi = compare(n.ld, fromBigInt(INT64_MAX));
        if (lo < 0 || hi > 0) return;
        i = truncate(n.ld);
      }
      if (this.bits === null) this.bits = i;
      else this.bits = BigInt.asIntN(64, op === 'and' ? this.bits & i : op === 'or' ? this.bits | i : this.bits ^ i);
      return;
    }
    const x = 'int' in n ? fromBigInt(n.int) : n.ld;
    if (this.acc === null) this.acc = x;
    else if (op === 'sum') {
      const a = this.acc;
      if (isInf(a) && isInf(x) && a.neg !== x.neg) this.nan = true;
      this.acc = add(a, x);
    } else if (op === 'min' ? compare(x, this.acc) < 0 : compare(x, this.acc) > 0) this.acc = x;
  }

  reply(): ReplyValue {
    switch (this.op) {
      case 'used':
      case 'match':
        return int(this.count);
      case 'and':
      case 'or':
      case 'xor':
        return this.bits === null ? NIL : int(this.bits);
      default:
        if (this.acc === null) return NIL;
        return bulk(this.nan ? 'nan' : formatG17(this.acc));
    }
  }
}

const arop = arrayRead('arop', -5, (ctx, argv) => {
  const start = parseArrayIndex(argv[2]!);
  if (start === null) return rerr(ERR_INDEX);
  const end = parseArrayIndex(argv[3]!);
  if (end === null) return rerr(ERR_INDEX);
  const op = argv[4]!.toLowerCase();
  if (!OPS.has(op)) return rerr('ERR unknown operation');
  if (op === 'match') {
    if (argv.length !== 6) return rerr('ERR MATCH requires a value argument');
  } else if (argv.length !== 5) return rerr(wrongArity('arop'));
  const a = arrayForRead(ctx, argv[1]!);
  if (a === null) return op === 'match' || op === 'used' ? int(0) : NIL;
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const acc = new Accumulator(op as Op, op === 'match' ? argv[5]! : null);
  const reverse = start > end;
  scanArray(a.array, splitIndex(reverse ? end : start), splitIndex(reverse ? start : end), reverse, (_s, _o, v) => {
    acc.add(v);
    return true;
  });
  return acc.reply();
});

export const arrayOpCommands = [arop];

