// Strings (t_string.c): the replicated writes in every form a 7.0–7.4 master
// sends (SET … PXAT / KEEPTTL / GET, SETEX, INCRBYFLOAT as SET … KEEPTTL, …)
// and the reads. SET with three arguments is the hot path of a stream apply:
// it allocates only the value object, and the database keeps the bare string.
import { reply } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import { markNoIntString, markRawString } from '../encoding';
import { SdsString, stringLength, stringSlice } from '../sds';
import { fromBytes, type Bytes, type Value } from '../values';
import { xxh3Hex } from '../xxh3/xxh3_64';
import { add, formatHuman, fromBigInt, isInf, parseLongDouble, type LongDouble } from './longDouble';
import {
  bulk, diverged, ERR_NOT_FLOAT, ERR_NOT_INT, ERR_SYNTAX, fail, int, NIL, OK_OUTCOME, parseInt64, parseLong, read,
  readEntry, rerr, write, writeEntry, WRONGTYPE,
} from './util';

type StringValue = Extract<Value, { type: 'string' }>;

const F_NX = 1, F_XX = 2, F_EX = 4, F_PX = 8, F_KEEPTTL = 16, F_GET = 32, F_EXAT = 64, F_PXAT = 128, F_PERSIST = 256;
const F_IFEQ = 512, F_IFNE = 1024, F_IFDEQ = 2048, F_IFDNE = 4096;
const ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;
/** SET's conditions: at most one, each refusing the others already seen (8.4 adds the IF* four). */
const ANY_CONDITION = F_NX | F_XX | F_IFEQ | F_IFNE | F_IFDEQ | F_IFDNE;
const LLONG_MAX = 9223372036854775807n;

export const str = (value: Bytes): StringValue => ({ type: 'string', value });

interface StringOptions {
  flags: number;
  expire: Bytes | null;
  /** The IFEQ/IFNE value or IFDEQ/IFDNE digest. */
  match: Bytes | null;
}

type OptionsFor = 'set' | 'getex' | 'msetex';

const IF_FLAGS: Record<string, number> = { ifeq: F_IFEQ, ifne: F_IFNE, ifdeq: F_IFDEQ, ifdne: F_IFDNE };

/** parseExtendedStringArgumentsOrReply: SET (from argv[3]), GETEX (from argv[2]), MSETEX (after its pairs). */
function parseStringOptions(ctx: CommandContext, argv: Bytes[], from: number, mode: OptionsFor): StringOptions | string {
  let flags = 0;
  let expire: Bytes | null = null;
  let match: Bytes | null = null;
  const setLike = mode !== 'getex';
  for (let j = from; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const hasNext = j < argv.length - 1;
    const ifFlag = IF_FLAGS[opt];
    if (opt === 'nx' && !(flags & F_XX) && setLike) flags |= F_NX;
    else if (opt === 'xx' && !(flags & F_NX) && setLike) flags |= F_XX;
    else if (opt === 'get' && mode === 'set') flags |= F_GET;
    else if (opt === 'keepttl' && !(flags & (F_PERSIST | ANY_EXPIRE)) && setLike) flags |= F_KEEPTTL;
    else if (opt === 'persist' && mode === 'getex' && !(flags & (ANY_EXPIRE | F_KEEPTTL))) flags |= F_PERSIST;
    else if (ifFlag !== undefined && mode === 'set' && hasNext && ctx.ks.dialect.has('redis-8.4-commands') && !(flags & (ANY_CONDITION & ~ifFlag))) {
      flags |= ifFlag;
      match = argv[++j]!;
    } else if (hasNext && !(flags & (F_KEEPTTL | F_PERSIST))) {
      const bit = opt === 'ex' ? F_EX : opt === 'px' ? F_PX : opt === 'exat' ? F_EXAT : opt === 'pxat' ? F_PXAT : 0;
      if (bit === 0 || flags & (ANY_EXPIRE & ~bit)) return ERR_SYNTAX;
      flags |= bit;
      expire = argv[++j]!;
    } else return ERR_SYNTAX;
  }
  return { flags, expire, match };
}

const DIGEST_HEX_LENGTH = 16;

/** stringDigest: XXH3 of the value as 16 hex digits. */
export const stringDigest = (s: Bytes): string => xxh3Hex(fromBytes(s));

/**
 * The IFEQ/IFNE/IFDEQ/IFDNE test against an existing string: true to go on,
 * false to abort, or an error text (a digest that is not 16 characters).
 */
function conditionHolds(flags: number, current: Bytes, match: Bytes): boolean | string {
  if (flags & (F_IFEQ | F_IFNE)) return (current === match) === ((flags & F_IFEQ) !== 0);
  if (match.length !== DIGEST_HEX_LENGTH) return `ERR must be exactly ${DIGEST_HEX_LENGTH} hexadecimal characters`;
  return (stringDigest(current) === match.toLowerCase()) === ((flags & F_IFDEQ) !== 0);
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
  const opts = parseStringOptions(ctx, argv, 3, 'set');
  if (typeof opts === 'string') return fail(opts);
  let when = -1;
  if (opts.expire !== null) {
    const ms = expireMs(ctx, opts.expire, opts.flags, 'set');
    if (typeof ms === 'string') return fail(ms);
    when = ms;
  }
  const old = db.peek(key);
  if (opts.flags & F_GET && old && old.type !== 'string') return fail(WRONGTYPE);
  if ((opts.flags & F_NX && old) || (opts.flags & (F_XX | F_IFEQ | F_IFDEQ) && !old)) return OK_OUTCOME;
  if (old && opts.match !== null) {
    if (old.type !== 'string') return fail(WRONGTYPE);
    const holds = conditionHolds(opts.flags, old.value, opts.match);
    if (typeof holds === 'string') return fail(holds);
    if (!holds) return OK_OUTCOME;
  }
  if (when === -1 && opts.flags & F_KEEPTTL && old) when = db.expireAt(key);
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
  const e = ctx.ks.db(ctx.db).peek(argv[1]!);
  if (e && e.type !== 'string') return fail(WRONGTYPE);
  ctx.ks.db(ctx.db).set(argv[1]!, str(argv[2]!));
  return OK_OUTCOME;
});

const getdel = write('getdel', 2, (ctx, argv) => {
  const e = ctx.ks.db(ctx.db).peek(argv[1]!);
  if (!e) return OK_OUTCOME;
  if (e.type !== 'string') return fail(WRONGTYPE);
  ctx.ks.db(ctx.db).delete(argv[1]!);
  return OK_OUTCOME;
});

const getex = write('getex', -2, (ctx, argv) => {
  const opts = parseStringOptions(ctx, argv, 2, 'getex');
  if (typeof opts === 'string') return fail(opts);
  const db = ctx.ks.db(ctx.db);
  const e = db.peek(argv[1]!);
  if (!e) return OK_OUTCOME;
  if (e.type !== 'string') return fail(WRONGTYPE);
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

/** MSETEX numkeys key value … [NX|XX] [EX|PX|EXAT|PXAT time|KEEPTTL] (8.4; EX/PX arrive as PXAT). */
const msetex: WriteCommand = {
  name: 'msetex',
  arity: -4,
  requires: 'redis-8.4-commands',
  apply(ctx, argv) {
    const n = parseLong(argv[1]!);
    if (n === null || n < 1 || n > 2147483647) return fail('ERR invalid numkeys value');
    if (n * 2 + 2 > argv.length) return fail('ERR wrong number of key-value pairs');
    const opts = parseStringOptions(ctx, argv, n * 2 + 2, 'msetex');
    if (typeof opts === 'string') return fail(opts);
    let when = -1;
    if (opts.expire !== null) {
      const ms = expireMs(ctx, opts.expire, opts.flags, 'msetex');
      if (typeof ms === 'string') return fail(ms);
      when = ms;
    }
    const db = ctx.ks.db(ctx.db);
    if (opts.flags & (F_NX | F_XX)) {
      for (let j = 0; j < n; j++) {
        const found = db.has(argv[2 + 2 * j]!);
        if ((opts.flags & F_NX && found) || (opts.flags & F_XX && !found)) return OK_OUTCOME;
      }
    }
    for (let j = 0; j < n; j++) {
      const key = argv[2 + 2 * j]!;
      const keep = opts.flags & F_KEEPTTL ? db.expireAt(key) : -1;
      db.set(key, str(argv[3 + 2 * j]!), when !== -1 ? when : keep);
    }
    return OK_OUTCOME;
  },
};

/**
 * DELEX key [IFEQ value|IFNE value|IFDEQ digest|IFDNE digest] (8.4). A master
 * sends the plain form as itself and a conditional one, when it deleted, as DEL.
 */
const delex: WriteCommand = {
  name: 'delex',
  arity: -2,
  requires: 'redis-8.4-commands',
  apply(ctx, argv) {
    const db = ctx.ks.db(ctx.db);
    const key = argv[1]!;
    if (argv.length === 2) {
      db.delete(key);
      return OK_OUTCOME;
    }
    if (argv.length !== 4) return fail("ERR wrong number of arguments for 'delex' command");
    const e = db.peek(key);
    if (!e) return OK_OUTCOME;
    if (e.type !== 'string') return fail('ERR Key should be of string type if conditions are specified');
    const flag = IF_FLAGS[argv[2]!.toLowerCase()];
    if (flag === undefined) return fail('ERR Invalid condition. Use IFEQ, IFNE, IFDEQ, or IFDNE');
    const holds = conditionHolds(flag, e.value, argv[3]!);
    if (typeof holds === 'string') return fail(holds);
    if (holds) db.delete(key);
    return OK_OUTCOME;
  },
};

/** Replaces a string key's value, keeping its TTL (setKey with KEEPTTL), or adds it. */
function replaceKeepTtl(ctx: CommandContext, key: Bytes, v: StringValue): void {
  const db = ctx.ks.db(ctx.db);
  db.set(key, v, db.expireAt(key));
}

/**
 * The key's string as an SdsString writable in place, made so (and raw, as
 * dbUnshareStringValue leaves it) the first time; its TTL and divergence kept.
 */
export function writableString(ctx: CommandContext, key: Bytes, v: StringValue): SdsString {
  markRawString(v);
  if (v instanceof SdsString) return v;
  const sds = new SdsString(v.value);
  markRawString(sds);
  ctx.ks.db(ctx.db).replaceValue(key, sds);
  return sds;
}

const append = write('append', 3, (ctx, argv) => {
  const key = argv[1]!;
  const e = writeEntry(ctx, key);
  if (!e) {
    ctx.ks.db(ctx.db).set(key, str(argv[2]!));
    return OK_OUTCOME;
  }
  if (e.type !== 'string') return fail(WRONGTYPE);
  // dbUnshareStringValue: the result is a raw string even when nothing was appended.
  writableString(ctx, key, e).append(argv[2]!);
  return OK_OUTCOME;
});

const setrange = write('setrange', 4, (ctx, argv) => {
  const key = argv[1]!;
  const offset = parseLong(argv[2]!);
  if (offset === null) return fail(ERR_NOT_INT);
  if (offset < 0) return fail('ERR offset is out of range');
  const value = argv[3]!;
  const e = writeEntry(ctx, key);
  if (e && e.type !== 'string') return fail(WRONGTYPE);
  if (value.length === 0) return OK_OUTCOME;
  if (offset + value.length > 512 * 1024 * 1024) return fail('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  if (e) {
    writableString(ctx, key, e).setRange(offset, value);
    return OK_OUTCOME;
  }
  const v = new SdsString();
  v.setRange(offset, value);
  markRawString(v);
  ctx.ks.db(ctx.db).set(key, v);
  return OK_OUTCOME;
});

const LLONG_MIN = -9223372036854775808n;

function incrBy(ctx: CommandContext, key: Bytes, incr: bigint): ApplyOutcome {
  const e = ctx.ks.db(ctx.db).peek(key);
  let cur = 0n;
  if (e) {
    if (e.type !== 'string') return fail(WRONGTYPE);
    const v = parseInt64(e.value);
    if (v === null) return fail(ERR_NOT_INT);
    cur = v;
  }
  const next = cur + incr;
  if (next > LLONG_MAX || next < LLONG_MIN) return fail('ERR increment or decrement would overflow');
  replaceKeepTtl(ctx, key, str(next.toString()));
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
  const e = ctx.ks.db(ctx.db).peek(key);
  if (e && e.type !== 'string') return fail(WRONGTYPE);
  const r = incrLongDouble(e ? (e as StringValue).value : null, argv[2]!);
  if (typeof r === 'string') return fail(r);
  const v = str(r.text);
  markNoIntString(v);
  replaceKeepTtl(ctx, key, v);
  return OK_OUTCOME;
});

// LCS is read-only; nothing to apply. A master never replicates GET-type reads.

export const stringWriteCommands: WriteCommand[] = [
  setCommand, setWithTtl('setex', F_EX), setWithTtl('psetex', F_PX), setnx, getset, getdel, getex, mset, msetnx,
  msetex, delex, append, setrange, incr, decr, incrby, decrby, incrbyfloat,
];

// ---- reads ------------------------------------------------------------------

function readString(ctx: CommandContext, key: Bytes): StringValue | undefined | 'wrongtype' {
  const e = readEntry(ctx, key);
  if (!e) return undefined;
  return e.type === 'string' ? e : 'wrongtype';
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
  return int(v ? stringLength(v) : 0);
});

function getrangeRun(ctx: CommandContext, argv: Bytes[]) {
  const s = parseInt64(argv[2]!);
  const en = parseInt64(argv[3]!);
  if (s === null || en === null) return rerr(ERR_NOT_INT);
  const v = readString(ctx, argv[1]!);
  if (v === undefined) return bulk('');
  if (v === 'wrongtype') return rerr(WRONGTYPE);
  const len = BigInt(stringLength(v));
  let start = s, end = en;
  if (start < 0n && end < 0n && start > end) return bulk('');
  if (start < 0n) start = len + start;
  if (end < 0n) end = len + end;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) return bulk('');
  return bulk(stringSlice(v, Number(start), Number(end) + 1));
}

/** DIGEST key (8.4): XXH3 of a string value, nil for a missing key. */
const digest: ReadCommand = {
  name: 'digest',
  arity: 2,
  requires: 'redis-8.4-commands',
  run(ctx, argv) {
    const v = readString(ctx, argv[1]!);
    if (v === 'wrongtype') return rerr(WRONGTYPE);
    return v ? bulk(stringDigest(v.value)) : NIL;
  },
};

export const stringReadCommands: ReadCommand[] = [
  get, mget, strlen, read('getrange', 4, getrangeRun), read('substr', 4, getrangeRun), digest,
];

/** For callers that must refuse a command the engine cannot reproduce. */
export const unsupported = (argv: Bytes[], reason: string): ApplyOutcome => diverged([argv[1] ?? ''], reason);
