// Strings (t_string.c): the replicated writes in every form a 7.0–7.4 master
// sends (SET … PXAT / KEEPTTL / GET, SETEX, INCRBYFLOAT as SET … KEEPTTL, …)
// and the reads. SET with three arguments is the hot path of a stream apply:
// it allocates only the value object and the key entry.
import { reply } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import { markNoIntString, markRawString } from '../encoding';
import type { Bytes, KeyEntry, Value } from '../values';
import { add, formatHuman, fromBigInt, isInf, parseLongDouble, type LongDouble } from './longDouble';
import {
  bulk, diverged, ERR_NOT_FLOAT, ERR_NOT_INT, ERR_SYNTAX, fail, int, NIL, OK_OUTCOME, parseInt64, parseLong, read,
  readEntry, rerr, write, writeEntry, WRONGTYPE,
} from './util';

type StringValue = Extract<Value, { type: 'string' }>;

const F_NX = 1, F_XX = 2, F_EX = 4, F_PX = 8, F_KEEPTTL = 16, F_GET = 32, F_EXAT = 64, F_PXAT = 128, F_PERSIST = 256;
const ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;
const LLONG_MAX = 9223372036854775807n;

export const str = (value: Bytes): StringValue => ({ type: 'string', value });

interface StringOptions {
  flags: number;
  expire: Bytes | null;
}

/** parseExtendedStringArgumentsOrReply: SET (from argv[3]) or GETEX (from argv[2]). */
function parseStringOptions(argv: Bytes[], forGetex: boolean): StringOptions | string {
  let flags = 0;
  let expire: Bytes | null = null;
  for (let j = forGetex ? 2 : 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && !(flags & F_XX) && !forGetex) flags |= F_NX;
    else if (opt === 'xx' && !(flags & F_NX) && !forGetex) flags |= F_XX;
    else if (opt === 'get' && !forGetex) flags |= F_GET;
    else if (opt === 'keepttl' && !(flags & (F_PERSIST | ANY_EXPIRE)) && !forGetex) flags |= F_KEEPTTL;
    else if (opt === 'persist' && forGetex && !(flags & (ANY_EXPIRE | F_KEEPTTL))) flags |= F_PERSIST;
    else if (hasNext && !(flags & (F_KEEPTTL | F_PERSIST))) {
      const bit = opt === 'ex' ? F_EX : opt === 'px' ? F_PX : opt === 'exat' ? F_EXAT : opt === 'pxat' ? F_PXAT : 0;
      if (bit === 0 || flags & (ANY_EXPIRE & ~bit)) return ERR_SYNTAX;
      flags |= bit;
      expire = argv[++j]!;
    } else return ERR_SYNTAX;
  }
  return { flags, expire };
}

/** getExpireMillisecondsOrReply: the absolute unix ms, or an error text. */
export function expireMs(ctx: CommandContext, arg: Bytes, flags: number, command: string): number | string {
  const v = parseInt64(arg);
  if (v === null) return ERR_NOT_INT;
  const seconds = (flags & (F_EX | F_EXAT)) !== 0;
  if (v <= 0n || (seconds && v > LLONG_MAX / 1000n)) return invalidExpire(command);
  let ms = seconds ? v * 1000n : v;
  if (flags & (F_EX | F_PX)) ms += BigInt(ctx.now);
  if (ms <= 0n || ms > LLONG_MAX) return invalidExpire(command);
  return Number(ms);
}

export const invalidExpire = (command: string): string => `ERR invalid expire time in '${command}' command`;

const setCommand = write('set', -3, (ctx, argv) => {
  const key = argv[1]!;
  const db = ctx.ks.db(ctx.db);
  if (argv.length === 3) {
    db.set(key, str(argv[2]!));
    return OK_OUTCOME;
  }
  const opts = parseStringOptions(argv, false);
  if (typeof opts === 'string') return fail(opts);
  let when = -1;
  if (opts.expire !== null) {
    const ms = expireMs(ctx, opts.expire, opts.flags, 'set');
    if (typeof ms === 'string') return fail(ms);
    when = ms;
  }
  const old = db.get(key);
  if (opts.flags & F_GET && old && old.value.type !== 'string') return fail(WRONGTYPE);
  if ((opts.flags & F_NX && old) || (opts.flags & F_XX && !old)) return OK_OUTCOME;
  if (when === -1 && opts.flags & F_KEEPTTL && old) when = old.expireAt;
  db.set(key, str(argv[2]!), when);
  return OK_OUTCOME;
});

function setWithTtl(name: string, unitFlag: number): WriteCommand {
  return write(name, 4, (ctx, argv) => {
    const ms = expireMs(ctx, argv[2]!, unitFlag, name);
    if (typeof ms === 'string') return fail(ms);
    ctx.ks.db(ctx.db).set(argv[1]!, str(argv[3]!), ms);
    return OK_OUTCOME;
  });
}

const setnx = write('setnx', 3, (ctx, argv) => {
  const db = ctx.ks.db(ctx.db);
  if (!db.has(argv[1]!)) db.set(argv[1]!, str(argv[2]!));
  return OK_OUTCOME;
});

const getset = write('getset', 3, (ctx, argv) => {
  const e = writeEntry(ctx, argv[1]!);
  if (e && e.value.type !== 'string') return fail(WRONGTYPE);
  ctx.ks.db(ctx.db).set(argv[1]!, str(argv[2]!));
  return OK_OUTCOME;
});

const getdel = write('getdel', 2, (ctx, argv) => {
  const e = writeEntry(ctx, argv[1]!);
  if (!e) return OK_OUTCOME;
  if (e.value.type !== 'string') return fail(WRONGTYPE);
  ctx.ks.db(ctx.db).delete(argv[1]!);
  return OK_OUTCOME;
});

const getex = write('getex', -2, (ctx, argv) => {
  const opts = parseStringOptions(argv, true);
  if (typeof opts === 'string') return fail(opts);
  const e = writeEntry(ctx, argv[1]!);
  if (!e) return OK_OUTCOME;
  if (e.value.type !== 'string') return fail(WRONGTYPE);
  const db = ctx.ks.db(ctx.db);
  if (opts.expire !== null) {
    const ms = expireMs(ctx, opts.expire, opts.flags, 'getex');
    if (typeof ms === 'string') return fail(ms);
    // checkAlreadyExpired is false on a replica: the expire is set, never a delete.
    db.setExpire(argv[1]!, ms);
  } else if (opts.flags & F_PERSIST) db.setExpire(argv[1]!, -1);
  return OK_OUTCOME;
});

const mset = write('mset', -3, (ctx, argv) => {
  if (argv.length % 2 === 0) return fail(`ERR wrong number of arguments for 'mset' command`);
  const db = ctx.ks.db(ctx.db);
  for (let j = 1; j < argv.length; j += 2) db.set(argv[j]!, str(argv[j + 1]!));
  return OK_OUTCOME;
});

const msetnx = write('msetnx', -3, (ctx, argv) => {
  if (argv.length % 2 === 0) return fail(`ERR wrong number of arguments for 'msetnx' command`);
  const db = ctx.ks.db(ctx.db);
  for (let j = 1; j < argv.length; j += 2) if (db.has(argv[j]!)) return OK_OUTCOME;
  for (let j = 1; j < argv.length; j += 2) db.set(argv[j]!, str(argv[j + 1]!));
  return OK_OUTCOME;
});

/** Replaces a string key's value, keeping its TTL (dbReplaceValue / in-place edits). */
function replaceKeepTtl(ctx: CommandContext, key: Bytes, old: KeyEntry | undefined, v: StringValue): void {
  ctx.ks.db(ctx.db).set(key, v, old ? old.expireAt : -1);
}

const append = write('append', 3, (ctx, argv) => {
  const key = argv[1]!;
  const e = writeEntry(ctx, key);
  if (!e) {
    ctx.ks.db(ctx.db).set(key, str(argv[2]!));
    return OK_OUTCOME;
  }
  if (e.value.type !== 'string') return fail(WRONGTYPE);
  // dbUnshareStringValue: the result is a raw string even when nothing was appended.
  e.value.value += argv[2]!;
  markRawString(e.value);
  return OK_OUTCOME;
});

const setrange = write('setrange', 4, (ctx, argv) => {
  const key = argv[1]!;
  const offset = parseLong(argv[2]!);
  if (offset === null) return fail(ERR_NOT_INT);
  if (offset < 0) return fail('ERR offset is out of range');
  const value = argv[3]!;
  const e = writeEntry(ctx, key);
  if (e && e.value.type !== 'string') return fail(WRONGTYPE);
  if (value.length === 0) return OK_OUTCOME;
  if (offset + value.length > 512 * 1024 * 1024) return fail('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  const cur = e ? (e.value as StringValue).value : '';
  const padded = cur.length < offset ? cur + '\0'.repeat(offset - cur.length) : cur;
  const next = padded.slice(0, offset) + value + padded.slice(offset + value.length);
  if (e) {
    (e.value as StringValue).value = next;
    markRawString(e.value);
  } else {
    const v = str(next);
    markRawString(v);
    ctx.ks.db(ctx.db).set(key, v);
  }
  return OK_OUTCOME;
});

const LLONG_MIN = -9223372036854775808n;

function incrBy(ctx: CommandContext, key: Bytes, incr: bigint): ApplyOutcome {
  const e = writeEntry(ctx, key);
  let cur = 0n;
  if (e) {
    if (e.value.type !== 'string') return fail(WRONGTYPE);
    const v = parseInt64(e.value.value);
    if (v === null) return fail(ERR_NOT_INT);
    cur = v;
  }
  const next = cur + incr;
  if (next > LLONG_MAX || next < LLONG_MIN) return fail('ERR increment or decrement would overflow');
  replaceKeepTtl(ctx, key, e, str(next.toString()));
  return OK_OUTCOME;
}

const incr = write('incr', 2, (ctx, argv) => incrBy(ctx, argv[1]!, 1n));
const decr = write('decr', 2, (ctx, argv) => incrBy(ctx, argv[1]!, -1n));
const incrby = write('incrby', 3, (ctx, argv) => {
  const n = parseInt64(argv[2]!);
  return n === null ? fail(ERR_NOT_INT) : incrBy(ctx, argv[1]!, n);
});
const decrby = write('decrby', 3, (ctx, argv) => {
  const n = parseInt64(argv[2]!);
  if (n === null) return fail(ERR_NOT_INT);
  if (n === LLONG_MIN) return fail('ERR decrement would overflow');
  return incrBy(ctx, argv[1]!, -n);
});

/** getLongDoubleFromObject of a stored string (int-encoded values parse as integers). */
export function storedLongDouble(s: Bytes): LongDouble | null {
  const i = parseInt64(s);
  return i !== null ? fromBigInt(i) : parseLongDouble(s);
}

/** value + incr as INCRBYFLOAT/HINCRBYFLOAT compute it, or an error text. */
export function incrLongDouble(current: Bytes | null, incrArg: Bytes): string | { text: string } {
  const cur = current === null ? fromBigInt(0n) : storedLongDouble(current);
  const incr = parseLongDouble(incrArg);
  if (cur === null || incr === null) return ERR_NOT_FLOAT;
  const sum = add(cur, incr);
  if (isInf(sum) || (isInf(cur) && isInf(incr))) return 'ERR increment would produce NaN or Infinity';
  return { text: formatHuman(sum) };
}

// A 7.0+ master never sends INCRBYFLOAT (it becomes SET … KEEPTTL); applied
// anyway for older masters and AOF-style streams.
const incrbyfloat = write('incrbyfloat', 3, (ctx, argv) => {
  const key = argv[1]!;
  const e = writeEntry(ctx, key);
  if (e && e.value.type !== 'string') return fail(WRONGTYPE);
  const r = incrLongDouble(e ? (e.value as StringValue).value : null, argv[2]!);
  if (typeof r === 'string') return fail(r);
  const v = str(r.text);
  markNoIntString(v);
  replaceKeepTtl(ctx, key, e, v);
  return OK_OUTCOME;
});

// LCS is read-only; nothing to apply. A master never replicates GET-type reads.

export const stringWriteCommands: WriteCommand[] = [
  setCommand, setWithTtl('setex', F_EX), setWithTtl('psetex', F_PX), setnx, getset, getdel, getex, mset, msetnx,
  append, setrange, incr, decr, incrby, decrby, incrbyfloat,
];

// ---- reads ------------------------------------------------------------------

function readString(ctx: CommandContext, key: Bytes): StringValue | undefined | 'wrongtype' {
  const e = readEntry(ctx, key);
  if (!e) return undefined;
  return e.value.type === 'string' ? e.value : 'wrongtype';
}

const get = read('get', 2, (ctx, argv) => {
  const v = readString(ctx, argv[1]!);
  if (v === 'wrongtype') return rerr(WRONGTYPE);
  return v ? bulk(v.value) : NIL;
});

const mget = read('mget', -2, (ctx, argv) => {
  const out = [];
  for (let j = 1; j < argv.length; j++) {
    const v = readString(ctx, argv[j]!);
    out.push(v && v !== 'wrongtype' ? bulk(v.value) : NIL);
  }
  return reply.array(out);
});

const strlen = read('strlen', 2, (ctx, argv) => {
  const v = readString(ctx, argv[1]!);
  if (v === 'wrongtype') return rerr(WRONGTYPE);
  return int(v ? v.value.length : 0);
});

function getrangeRun(ctx: CommandContext, argv: Bytes[]) {
  const s = parseInt64(argv[2]!);
  const en = parseInt64(argv[3]!);
  if (s === null || en === null) return rerr(ERR_NOT_INT);
  const v = readString(ctx, argv[1]!);
  if (v === undefined) return bulk('');
  if (v === 'wrongtype') return rerr(WRONGTYPE);
  const len = BigInt(v.value.length);
  let start = s, end = en;
  if (start < 0n && end < 0n && start > end) return bulk('');
  if (start < 0n) start = len + start;
  if (end < 0n) end = len + end;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) return bulk('');
  return bulk(v.value.slice(Number(start), Number(end) + 1));
}

export const stringReadCommands: ReadCommand[] = [
  get, mget, strlen, read('getrange', 4, getrangeRun), read('substr', 4, getrangeRun),
];

/** For callers that must refuse a command the engine cannot reproduce. */
export const unsupported = (argv: Bytes[], reason: string): ApplyOutcome => diverged([argv[1] ?? ''], reason);
