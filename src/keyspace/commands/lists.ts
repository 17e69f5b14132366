// Lists (t_list.c). Masters replicate blocking pops as their plain forms
// (BLPOP → LPOP, BLMOVE → LMOVE, BRPOPLPUSH → RPOPLPUSH, LMPOP/BLMPOP → LPOP/RPOP
// with a count); the blocking and multi-key forms are applied too, as the pop
// a master would have done right away (a replica never blocks). Every change
// goes through listEncoding.ts, which keeps the listpack/quicklist layout.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import {
  listBeforeAdd, listInsert, listPop, listPopped, listPush, listRemoveEqual, listReplace, listTrim, newList,
  type ListValue, type Where,
} from '../listEncoding';
import { listFind, listIndex, listIndexOf, listWalk } from '../quicklistReads';
import type { Bytes, Value } from '../values';
import {
  bulk, clampRange, ERR_INDEX, ERR_NO_SUCH_KEY, ERR_NOT_INT, ERR_OUT_OF_RANGE, ERR_SYNTAX, fail, int, NIL, OK_OUTCOME, parseLong, read, readEntry, rerr, wrongArity, write, writeEntry, WRONGTYPE, optionalCount, timeoutError, parseMultiPop,
} from './util';

function listOf(e: Value | undefined): ListValue | undefined | 'wrongtype' {
  if (!e) return undefined;
  return e.type === 'list' ? e : 'wrongtype';
}

function push(ctx: CommandContext, argv: Bytes[], where: Where, onlyIfExists: boolean): ApplyOutcome {
  const key = argv[1]!;
  let l = listOf(writeEntry(ctx, key));
  if (l === 'wrongtype') return fail(WRONGTYPE);
  if (!l) {
    if (onlyIfExists) return OK_OUTCOME;
    l = newList(ctx.ks.dialect);
    ctx.ks.db(ctx.db).set(key, l);
  }
  listPush(ctx.ks.dialect, l, argv.slice(2), where);
  return OK_OUTCOME;
}

/** Removes up to `count` items from one end; deletes the key when it empties. */
function popItems(ctx: CommandContext, key: Bytes, l: ListValue, where: Where, count: number): Bytes[] {
  const out = listPop(ctx.ks.dialect, l, where, count);
  if (l.length === 0) ctx.ks.db(ctx.db).delete(key);
  return out;
}

/** LPOP/RPOP key [count]. */
function pop(name: string, where: Where): WriteCommand {
  return write(name, -2, (ctx, argv) => {
    if (argv.length > 3) return fail(wrongArity(name));
    const count = optionalCount(argv);
    if (count === null) return fail(ERR_OUT_OF_RANGE);
    const l = listOf(writeEntry(ctx, argv[1]!));
    if (l === 'wrongtype') return fail(WRONGTYPE);
    if (l && count > 0) popItems(ctx, argv[1]!, l, where, count);
    return OK_OUTCOME;
  });
}

function parseWhere(s: Bytes): Where | null {
  const o = s.toLowerCase();
  return o === 'left' ? 'left' : o === 'right' ? 'right' : null;
}

/** lmoveGenericCommand: pops from src, pushes onto dst (which may be src), then checks src's encoding. */
function moveItem(ctx: CommandContext, src: Bytes, dst: Bytes, from: Where, to: Where): ApplyOutcome {
  const s = listOf(writeEntry(ctx, src));
  if (s === 'wrongtype') return fail(WRONGTYPE);
  if (!s || s.length === 0) return OK_OUTCOME;
  const d = listOf(writeEntry(ctx, dst));
  if (d === 'wrongtype') return fail(WRONGTYPE);
  const dialect = ctx.ks.dialect;
  const value = listPop(dialect, s, from, 1, false)[0]!;
  let target = d;
  if (!target) {
    target = newList(dialect);
    ctx.ks.db(ctx.db).set(dst, target);
  }
  listPush(dialect, target, [value], to);
  if (s.length === 0) ctx.ks.db(ctx.db).delete(src);
  else listPopped(dialect, s);
  return OK_OUTCOME;
}

const lmove = write('lmove', 5, (ctx, argv) => {
  const from = parseWhere(argv[3]!), to = parseWhere(argv[4]!);
  if (!from || !to) return fail(ERR_SYNTAX);
  return moveItem(ctx, argv[1]!, argv[2]!, from, to);
});

const rpoplpush = write('rpoplpush', 3, (ctx, argv) => moveItem(ctx, argv[1]!, argv[2]!, 'right', 'left'));

const blmove = write('blmove', 6, (ctx, argv) => {
  const from = parseWhere(argv[3]!), to = parseWhere(argv[4]!);
  if (!from || !to) return fail(ERR_SYNTAX);
  const t = timeoutError(argv[5]!);
  if (t) return fail(t);
  return moveItem(ctx, argv[1]!, argv[2]!, from, to);
});

const brpoplpush = write('brpoplpush', 4, (ctx, argv) => {
  const t = timeoutError(argv[3]!);
  if (t) return fail(t);
  return moveItem(ctx, argv[1]!, argv[2]!, 'right', 'left');
});

/** BLPOP/BRPOP key… timeout: pops one item from the first non-empty list. */
function bpop(name: string, where: Where): WriteCommand {
  return write(name, -3, (ctx, argv) => {
    const t = timeoutError(argv[argv.length - 1]!);
    if (t) return fail(t);
    for (let j = 1; j < argv.length - 1; j++) {
      const l = listOf(writeEntry(ctx, argv[j]!));
      if (l === 'wrongtype') return fail(WRONGTYPE);
      if (l && l.length > 0) {
        popItems(ctx, argv[j]!, l, where, 1);
        return OK_OUTCOME;
      }
    }
    return OK_OUTCOME;
  });
}

/** LMPOP / BLMPOP: numkeys key… LEFT|RIGHT [COUNT n]. */
function mpop(name: string, blocking: boolean): WriteCommand {
  return write(name, blocking ? -5 : -4, (ctx, argv) => {
    const parsed = parseMultiPop(argv, blocking, (w) => parseWhere(w) !== null);
    if (typeof parsed === 'string') return fail(parsed);
    const where = parseWhere(parsed.where)!;
    const count = parsed.count;
    for (const key of parsed.keys) {
      const l = listOf(writeEntry(ctx, key));
      if (l === 'wrongtype') return fail(WRONGTYPE);
      if (l && l.length > 0) {
        popItems(ctx, key, l, where, count);
        break;
      }
    }
    return OK_OUTCOME;
  });
}

const linsert = write('linsert', 5, (ctx, argv) => {
  const w = argv[2]!.toLowerCase();
  if (w !== 'before' && w !== 'after') return fail(ERR_SYNTAX);
  const l = listOf(writeEntry(ctx, argv[1]!));
  if (l === 'wrongtype') return fail(WRONGTYPE);
  if (!l) return OK_OUTCOME;
  // The conversion happens before the pivot is looked for, found or not.
  listBeforeAdd(ctx.ks.dialect, l, argv[4]!);
  const i = listIndexOf(l, argv[3]!);
  if (i !== -1) listInsert(ctx.ks.dialect, l, i, w === 'after', argv[4]!);
  return OK_OUTCOME;
});

const lset = write('lset', 4, (ctx, argv) => {
  const l = listOf(writeEntry(ctx, argv[1]!));
  if (!l) return fail(ERR_NO_SUCH_KEY);
  if (l === 'wrongtype') return fail(WRONGTYPE);
  let index = parseLong(argv[2]!);
  if (index === null) return fail(ERR_NOT_INT);
  // The conversion happens before the index is checked.
  listBeforeAdd(ctx.ks.dialect, l, argv[3]!);
  if (index < 0) index += l.length;
  if (index < 0 || index >= l.length) return fail(ERR_INDEX);
  listReplace(ctx.ks.dialect, l, index, argv[3]!);
  return OK_OUTCOME;
});

const lrem = write('lrem', 4, (ctx, argv) => {
  const count = parseLong(argv[2]!);
  if (count === null) return fail(ERR_NOT_INT);
  const l = listOf(writeEntry(ctx, argv[1]!));
  if (l === 'wrongtype') return fail(WRONGTYPE);
  if (!l) return OK_OUTCOME;
  const limit = count === 0 ? Infinity : Math.abs(count);
  listRemoveEqual(ctx.ks.dialect, l, argv[3]!, limit, count < 0);
  if (l.length === 0) ctx.ks.db(ctx.db).delete(argv[1]!);
  return OK_OUTCOME;
});

const ltrim = write('ltrim', 4, (ctx, argv) => {
  let start = parseLong(argv[2]!);
  let end = parseLong(argv[3]!);
  if (start === null || end === null) return fail(ERR_NOT_INT);
  const l = listOf(writeEntry(ctx, argv[1]!));
  if (l === 'wrongtype') return fail(WRONGTYPE);
  if (!l) return OK_OUTCOME;
  const len = l.length;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  let ltrim: number, rtrim: number;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  listTrim(ctx.ks.dialect, l, ltrim, rtrim);
  if (l.length === 0) ctx.ks.db(ctx.db).delete(argv[1]!);
  return OK_OUTCOME;
});

export const listWriteCommands: WriteCommand[] = [
  write('lpush', -3, (ctx, argv) => push(ctx, argv, 'left', false)),
  write('rpush', -3, (ctx, argv) => push(ctx, argv, 'right', false)),
  write('lpushx', -3, (ctx, argv) => push(ctx, argv, 'left', true)),
  write('rpushx', -3, (ctx, argv) => push(ctx, argv, 'right', true)),
  pop('lpop', 'left'), pop('rpop', 'right'), lmove, rpoplpush, blmove, brpoplpush,
  bpop('blpop', 'left'), bpop('brpop', 'right'), mpop('lmpop', false), mpop('blmpop', true),
  linsert, lset, lrem, ltrim,
];

// ---- reads ------------------------------------------------------------------

function readList(ctx: CommandContext, key: Bytes): ListValue | undefined | 'wrongtype' {
  return listOf(readEntry(ctx, key));
}

const lrange = read('lrange', 4, (ctx, argv) => {
  const start = parseLong(argv[2]!), end = parseLong(argv[3]!);
  if (start === null || end === null) return rerr(ERR_NOT_INT);
  const l = readList(ctx, argv[1]!);
  if (!l) return reply.array([]);
  if (l === 'wrongtype') return rerr(WRONGTYPE);
  const r = clampRange(start, end, l.length);
  if (!r) return reply.array([]);
  const out: ReplyValue[] = [];
  const n = r[1] - r[0] + 1;
  listWalk(l, r[0], false, (v) => out.push(bulk(v)) < n);
  return reply.array(out);
});

const llen = read('llen', 2, (ctx, argv) => {
  const l = readList(ctx, argv[1]!);
  if (l === 'wrongtype') return rerr(WRONGTYPE);
  return int(l ? l.length : 0);
});

const lindex = read('lindex', 3, (ctx, argv) => {
  const l = readList(ctx, argv[1]!);
  if (!l) return NIL;
  if (l === 'wrongtype') return rerr(WRONGTYPE);
  let i = parseLong(argv[2]!);
  if (i === null) return rerr(ERR_NOT_INT);
  if (i < 0) i += l.length;
  return i >= 0 && i < l.length ? bulk(listIndex(l, i)) : NIL;
});

const lpos = read('lpos', -3, (ctx, argv) => {
  let rank = 1, count = -1, maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = j < argv.length - 1;
    if (opt === 'rank' && more) {
      const v = parseLong(argv[++j]!);
      if (v === null) return rerr(ERR_NOT_INT);
      if (argv[j] === '-9223372036854775808') return rerr('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
      if (v === 0) return rerr("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
      rank = v;
    } else if (opt === 'count' && more) {
      const v = parseLong(argv[++j]!);
      if (v === null || v < 0) return rerr("ERR COUNT can't be negative");
      count = v;
    } else if (opt === 'maxlen' && more) {
      const v = parseLong(argv[++j]!);
      if (v === null || v < 0) return rerr("ERR MAXLEN can't be negative");
      maxlen = v;
    } else return rerr(ERR_SYNTAX);
  }
  const l = readList(ctx, argv[1]!);
  if (!l) return count !== -1 ? reply.array([]) : NIL;
  if (l === 'wrongtype') return rerr(WRONGTYPE);
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const found: ReplyValue[] = [];
  let matches = 0;
  listFind(l, argv[2]!, fromTail, maxlen, (pos) => {
    matches++;
    if (matches < rank) return true;
    found.push(int(pos));
    return count !== -1 && (count === 0 || matches - rank + 1 < count);
  });
  if (count === -1) return found.length > 0 ? found[0]! : NIL;
  return reply.array(found);
});

export const listReadCommands: ReadCommand[] = [lrange, llen, lindex, lpos];
