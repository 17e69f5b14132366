// Generic keyspace commands (db.c, expire.c, cluster.c's RESTORE): DEL,
// UNLINK, RENAME(NX), COPY, MOVE, the EXPIRE family (masters send PEXPIREAT,
// with NX/XX/GT/LT kept since 7.0), PERSIST, RESTORE; and the key reads.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ReadCommand, WriteCommand } from '../command';
import { copyEncoding, objectEncoding } from '../encoding';
import { isSubexpiryRegistered, registerSubexpiry, type Database } from '../keyspace';
import { listDup } from '../listEncoding';
import type { Bytes, Value } from '../values';
import { cloneStream } from './streamOps';
import { FieldTtls } from '../packed';
import { restoreValue } from './restore';
import {
  bulk, ERR_NO_SUCH_KEY, ERR_NOT_INT, ERR_SYNTAX, fail, int, NIL, OK_OUTCOME, parseInt32, parseInt64, read, readEntry,
  rerr, write,
} from './util';
import { stringMatch } from '../../config/stringMatch';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** Puts `value` under a new name/db with the TTL and divergence mark of `key` in `from`. */
function place(to: Database, dst: Bytes, from: Database, key: Bytes, value: Value): void {
  to.set(dst, value, from.expireAt(key));
  const divergence = from.divergence(key);
  if (divergence) to.markDiverged(dst, divergence);
}

const del = (name: string): WriteCommand =>
  write(name, -2, (ctx, argv) => {
    const db = ctx.ks.db(ctx.db);
    for (let j = 1; j < argv.length; j++) db.delete(argv[j]!);
    return OK_OUTCOME;
  });

function rename(name: string, nx: boolean): WriteCommand {
  return write(name, 3, (ctx, argv) => {
    const db = ctx.ks.db(ctx.db);
    const src = argv[1]!, dst = argv[2]!;
    const e = db.get(src);
    if (!e) return fail(ERR_NO_SUCH_KEY);
    if (src === dst) return OK_OUTCOME;
    if (nx && db.has(dst)) return OK_OUTCOME;
    db.delete(dst);
    place(db, dst, db, src, e);
    db.delete(src);
    return OK_OUTCOME;
  });
}

const SAME_OBJECT = 'ERR source and destination objects are the same';
const DB_RANGE = 'ERR DB index is out of range';

const copy = write('copy', -3, (ctx, argv) => {
  let dstDb = ctx.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'replace') replace = true;
    else if (opt === 'db' && j + 1 < argv.length) {
      const id = parseInt32(argv[++j]!);
      if (id === null) return fail(ERR_NOT_INT);
      if (id < 0 || id >= ctx.ks.databases) return fail(DB_RANGE);
      dstDb = id;
    } else return fail(ERR_SYNTAX);
  }
  const src = argv[1]!, dst = argv[2]!;
  if (dstDb === ctx.db && src === dst) return fail(SAME_OBJECT);
  const e = ctx.ks.db(ctx.db).peek(src);
  if (!e) return OK_OUTCOME;
  const target = ctx.ks.db(dstDb);
  if (target.has(dst)) {
    if (!replace) return OK_OUTCOME;
    target.delete(dst);
  }
  const v = cloneValue(e);
  copyEncoding(e, v);
  // hashTypeDup keeps the source's field-expiry registration.
  if (isSubexpiryRegistered(e)) registerSubexpiry(v);
  place(target, dst, ctx.ks.db(ctx.db), src, v);
  return OK_OUTCOME;
});

const move = write('move', 3, (ctx, argv) => {
  const id = parseInt32(argv[2]!);
  if (id === null) return fail(ERR_NOT_INT);
  if (id < 0 || id >= ctx.ks.databases) return fail(DB_RANGE);
  if (id === ctx.db) return fail(SAME_OBJECT);
  const key = argv[1]!;
  const src = ctx.ks.db(ctx.db);
  const e = src.get(key);
  if (!e) return OK_OUTCOME;
  const dst = ctx.ks.db(id);
  if (dst.has(key)) return OK_OUTCOME;
  place(dst, key, src, key, e);
  src.delete(key);
  return OK_OUTCOME;
});

/** A deep copy, as COPY's per-type dup functions make. */
export function cloneValue(v: Value): Value {
  switch (v.type) {
    case 'string':
      return { type: 'string', value: v.value };
    case 'list':
      return listDup(v);
    case 'set':
      return { type: 'set', members: v.members.clone() };
    case 'zset':
      return v.clone();
    case 'hash':
      return { type: 'hash', fields: v.fields.clone(), fieldExpires: FieldTtls.from(v.fieldExpires) };
    case 'stream':
      return { type: 'stream', stream: cloneStream(v.stream) };
    case 'array':
      return { type: 'array', array: v.array.clone() };
    case 'module':
      return { type: 'module', moduleName: v.moduleName, moduleId: v.moduleId, encver: v.encver, raw: Buffer.from(v.raw) };
  }
}

const persist = write('persist', 2, (ctx, argv) => {
  const db = ctx.ks.db(ctx.db);
  if (db.expireAt(argv[1]!) !== -1) db.setExpire(argv[1]!, -1);
  return OK_OUTCOME;
});

const X_NX = 1, X_XX = 2, X_GT = 4, X_LT = 8;

/** parseExtendedExpireArgumentsOrReply. */
function parseExpireFlags(argv: Bytes[]): number | string {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j]!.toLowerCase();
    if (o === 'nx') flags |= X_NX;
    else if (o === 'xx') flags |= X_XX;
    else if (o === 'gt') flags |= X_GT;
    else if (o === 'lt') flags |= X_LT;
    else return `ERR Unsupported option ${argv[j]}`;
  }
  if (flags & X_NX && flags & (X_XX | X_GT | X_LT)) return 'ERR NX and XX, GT or LT options at the same time are not compatible';
  if (flags & X_GT && flags & X_LT) return 'ERR GT and LT options at the same time are not compatible';
  return flags;
}

/**
 * expireGenericCommand. On a replica checkAlreadyExpired is false, so a time in
 * the past sets the expiry (the key is hidden) instead of deleting the key.
 */
function expireCommand(name: string, seconds: boolean, relative: boolean): WriteCommand {
  return write(name, -3, (ctx, argv) => {
    const flags = parseExpireFlags(argv);
    if (typeof flags === 'string') return fail(flags);
    let when = parseInt64(argv[2]!);
    if (when === null) return fail(ERR_NOT_INT);
    const bad = `ERR invalid expire time in '${name}' command`;
    if (seconds) {
      if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return fail(bad);
      when *= 1000n;
    }
    const base = relative ? BigInt(ctx.now) : 0n;
    if (when > LLONG_MAX - base) return fail(bad);
    when += base;
    const key = argv[1]!;
    const db = ctx.ks.db(ctx.db);
    if (!db.has(key)) return OK_OUTCOME;
    const cur = db.expireAt(key);
    const w = Number(when);
    if (flags & X_NX && cur !== -1) return OK_OUTCOME;
    if (flags & X_XX && cur === -1) return OK_OUTCOME;
    if (flags & X_GT && (cur === -1 || w <= cur)) return OK_OUTCOME;
    if (flags & X_LT && cur !== -1 && w >= cur) return OK_OUTCOME;
    db.setExpire(key, w);
    return OK_OUTCOME;
  });
}

const restore = write('restore', -4, (ctx, argv) => restoreValue(ctx, argv));

export const keyWriteCommands: WriteCommand[] = [
  del('del'), del('unlink'), rename('rename', false), rename('renamenx', true), copy, move, persist,
  expireCommand('expire', true, true), expireCommand('pexpire', false, true),
  expireCommand('expireat', true, false), expireCommand('pexpireat', false, false), restore,
];

// ---- reads ------------------------------------------------------------------

const exists = read('exists', -2, (ctx, argv) => {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (readEntry(ctx, argv[j]!)) n++;
  return int(n);
});

export function typeName(v: Value): string {
  return v.type === 'module' ? v.moduleName : v.type;
}

const type = read('type', 2, (ctx, argv) => {
  const e = readEntry(ctx, argv[1]!);
  return reply.simple(e ? typeName(e) : 'none');
});

function ttlCommand(name: string, ms: boolean, absolute: boolean): ReadCommand {
  return read(name, 2, (ctx, argv) => {
    const db = ctx.ks.db(ctx.db);
    if (!db.isLive(argv[1]!, ctx.now)) return int(-2);
    const at = db.expireAt(argv[1]!);
    if (at === -1) return int(-1);
    let t = absolute ? at : at - ctx.now;
    if (t < 0) t = 0;
    return int(ms ? t : Math.floor((t + 500) / 1000));
  });
}

const dbsize = read('dbsize', 1, (ctx) => int(ctx.ks.db(ctx.db).size));

const keys = read('keys', 2, (ctx, argv) => {
  const pattern = argv[1]!;
  const all = pattern === '*';
  const out: ReplyValue[] = [];
  const db = ctx.ks.db(ctx.db);
  for (const k of db.keys()) {
    if (!db.isLive(k, ctx.now)) continue;
    if (all || stringMatch(pattern, k, false)) out.push(bulk(k));
  }
  return reply.array(out);
});

const randomkey = read('randomkey', 1, (ctx) => {
  const live: Bytes[] = [];
  const db = ctx.ks.db(ctx.db);
  for (const k of db.keys()) if (db.isLive(k, ctx.now)) live.push(k);
  if (live.length === 0) return NIL;
  return bulk(live[Math.floor(Math.random() * live.length)]!);
});

const touch = read('touch', -2, (ctx, argv) => {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (readEntry(ctx, argv[j]!)) n++;
  return int(n);
});

// Integers 0..9999 are shared objects in redis-server (OBJ_SHARED_INTEGERS),
// which OBJECT REFCOUNT shows as INT_MAX.
const SHARED_REFCOUNT = 2147483647;

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access logarithmic access frequency counter associated with a <key>.',
  'IDLETIME <key>',
  '    Return the idle time associated with a <key>.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Print this help.',
];

const object = read('object', -2, (ctx, argv) => {
  const sub = argv[1]!.toLowerCase();
  if (sub === 'help' && argv.length === 2) return reply.array(OBJECT_HELP.map((l) => reply.simple(l)));
  const known = ['encoding', 'freq', 'idletime', 'refcount'];
  if (!known.includes(sub)) {
    return rerr(`ERR unknown subcommand '${argv[1]!.slice(0, 128)}'. Try OBJECT HELP.`);
  }
  if (argv.length !== 3) return rerr(`ERR wrong number of arguments for 'object|${sub}' command`);
  const e = readEntry(ctx, argv[2]!);
  if (!e) return NIL;
  switch (sub) {
    case 'encoding':
      return bulk(objectEncoding(e, ctx.ks.dialect));
    case 'refcount': {
      const v = e;
      const shared = v.type === 'string' && objectEncoding(v, ctx.ks.dialect) === 'int' && /^\d{1,4}$/.test(v.value);
      return int(shared ? SHARED_REFCOUNT : 1);
    }
    case 'freq':
      return rerr('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
    default:
      // The replica keeps no LRU clock per key; an invented idle time would be a lie.
      return rerr('ERR OBJECT IDLETIME is not tracked by this replica');
  }
});

export const keyReadCommands: ReadCommand[] = [
  exists, type, ttlCommand('ttl', false, false), ttlCommand('pttl', true, false),
  ttlCommand('expiretime', false, true), ttlCommand('pexpiretime', true, true), dbsize, keys, randomkey, touch, object,
];
