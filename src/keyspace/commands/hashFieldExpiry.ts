// Hash field expiration (t_hash.c). Redis 7.4 (feature `hash-field-expiry`):
// HEXPIRE and friends reach a replica as HPEXPIREAT key <abs ms> [cond] FIELDS
// n f…, HPERSIST as itself, a field the master expires as HDEL. The replica
// never expires a field itself: a field past its TTL stays until that HDEL,
// hidden from reads (HTTL answers -2 for it, as a real replica does).
// Redis 8.0 (`hash-field-ex-commands`): HSETEX reaches a replica as itself
// with EX/PX/EXAT turned into PXAT (or as HDEL when the time had passed);
// HGETEX as HPEXPIREAT (all the fields it named), HPERSIST or HDEL; HGETDEL as
// HDEL. All three are writes: READONLY on the replica's port. They are applied
// as sent anyway, as redis-server would apply them from its master.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import { noteHashArgument, noteHashFieldExpiry, objectEncoding } from '../encoding';
import type { Feature } from '../../versions/profile';
import type { Bytes } from '../values';
import { deleteFields, hashForWrite, hashOf, setField, type HashValue } from './hashes';
import { arityError } from './replyText';
import { ERR_NOT_INT, fail, int, OK_OUTCOME, parseInt64, parseLong, readEntry, rerr, writeEntry, WRONGTYPE } from './util';

/** HFE_MAX_ABS_TIME_MSEC (EB_EXPIRE_TIME_MAX): 2^48 - 1. */
const HFE_MAX = 2 ** 48 - 1;
const C_NX = 1, C_XX = 2, C_GT = 3, C_LT = 4;

const HFE: Feature = 'hash-field-expiry';
const HFE_EX: Feature = 'hash-field-ex-commands';

function writeCmd(name: string, arity: number, requires: Feature, apply: WriteCommand['apply']): WriteCommand {
  return { name, arity, requires, apply };
}

/** The FIELDS block of the 7.4 commands: field names, or an error text. */
function fieldsBlock(argv: Bytes[], at: number): Bytes[] | string {
  if (at >= argv.length || argv[at]!.toLowerCase() !== 'fields') {
    return 'ERR Mandatory argument FIELDS is missing or not at the right position';
  }
  const n = at + 1 < argv.length ? parseLong(argv[at + 1]!) : null;
  if (n === null || n < 1) return 'ERR Number of fields must be a positive integer';
  if (n !== argv.length - at - 2) return 'ERR The `numfields` parameter must match the number of arguments';
  return argv.slice(at + 2);
}

/** Gives `fields` (those present) the TTL `when`; registers the hash for field expiry. */
function setFieldTtls(ctx: CommandContext, h: HashValue, fields: Iterable<Bytes>, when: number, cond = 0): void {
  let touched = false;
  for (const f of fields) {
    if (!h.fields.has(f)) continue;
    const cur = h.fieldExpires.get(f);
    if (cond === C_NX && cur !== undefined) continue;
    if (cond === C_XX && cur === undefined) continue;
    if (cond === C_GT && (cur === undefined || when <= cur)) continue;
    if (cond === C_LT && cur !== undefined && when >= cur) continue;
    // A replica never deletes a field whose time has passed: the master sends HDEL.
    h.fieldExpires.set(f, when);
    touched = true;
  }
  if (touched) {
    noteHashFieldExpiry(h);
    ctx.ks.db(ctx.db).markSubexpiry(h, true);
  }
}

/** HEXPIRE/HPEXPIRE/HEXPIREAT/HPEXPIREAT key time [NX|XX|GT|LT] FIELDS n field… */
function hexpire(name: string, seconds: boolean, relative: boolean): WriteCommand {
  return writeCmd(name, -6, HFE, (ctx, argv) => {
    const h = hashOf(writeEntry(ctx, argv[1]!));
    if (h === 'wrongtype') return fail(WRONGTYPE);
    let t = parseInt64(argv[2]!);
    if (t === null) return fail(ERR_NOT_INT);
    if (t < 0n) return fail('ERR invalid expire time, must be >= 0');
    const bad = `ERR invalid expire time in '${name}' command`;
    if (seconds) {
      if (t > BigInt(Math.floor(HFE_MAX / 1000))) return fail(bad);
      t *= 1000n;
    }
    const base = relative ? BigInt(ctx.now) : 0n;
    if (t > BigInt(HFE_MAX) - base) return fail(bad);
    const when = Number(t + base);
    let at = 3;
    const o = argv[3]!.toLowerCase();
    const cond = o === 'nx' ? C_NX : o === 'xx' ? C_XX : o === 'gt' ? C_GT : o === 'lt' ? C_LT : 0;
    if (cond) at++;
    const fields = fieldsBlock(argv, at);
    if (typeof fields === 'string') return fail(fields);
    if (h) setFieldTtls(ctx, h, fields, when, cond);
    return OK_OUTCOME;
  });
}

/**
 * HPERSIST: the fields lose their TTL, except a field whose TTL has already
 * passed here (redis-server treats it as missing, on a replica too, which then
 * waits for the master's HDEL). The hash stays registered for field expiry.
 */
const hpersist = writeCmd('hpersist', -5, HFE, (ctx, argv) => {
  const h = hashOf(writeEntry(ctx, argv[1]!));
  if (h === 'wrongtype') return fail(WRONGTYPE);
  const fields = fieldsBlock(argv, 2);
  if (typeof fields === 'string') return fail(fields);
  if (h) {
    for (const f of fields) {
      const t = h.fieldExpires.get(f);
      if (t !== undefined && t >= ctx.now) h.fieldExpires.delete(f);
    }
  }
  return OK_OUTCOME;
});

// ---- 8.0: HSETEX, HGETEX, HGETDEL ---------------------------------------------

const F_EX = 1, F_PX = 2, F_EXAT = 4, F_PXAT = 8, F_PERSIST = 16, F_KEEPTTL = 32, F_FXX = 64, F_FNX = 128;
const ANY_TIME = F_EX | F_PX | F_EXAT | F_PXAT;

interface ExArgs {
  flags: number;
  /** Absolute unix ms when a time was given. */
  when: number;
  first: number;
  count: number;
}

/** parseHashFieldExpireArgs for HSETEX (`setex`) and HGETEX. */
function parseExArgs(ctx: CommandContext, argv: Bytes[], setex: boolean, name: string): ExArgs | string {
  const a: ExArgs = { flags: 0, when: -1, first: -1, count: -1 };
  const timeConflict = setex
    ? 'ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified'
    : 'ERR Only one of EX, PX, EXAT, PXAT or PERSIST arguments can be specified';
  for (let i = 2; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    if (o === 'fields') {
      if (a.first !== -1) return 'ERR FIELDS keyword specified multiple times';
      if (i + 1 >= argv.length) return arityError(name);
      const n = parseLong(argv[i + 1]!);
      if (n === null || n < 1 || n > 2147483647) return 'ERR invalid number of fields';
      a.first = i + 2;
      a.count = n;
      const per = setex ? 2 : 1;
      if (a.first + n * per > argv.length) return 'ERR wrong number of arguments';
      i = a.first + n * per - 1;
      continue;
    }
    const unit = o === 'ex' ? F_EX : o === 'px' ? F_PX : o === 'exat' ? F_EXAT : o === 'pxat' ? F_PXAT : 0;
    if (unit) {
      if (a.flags & (ANY_TIME | F_KEEPTTL | F_PERSIST)) return timeConflict;
      if (i >= argv.length - 1) return 'ERR missing expire time';
      a.flags |= unit;
      const v = parseInt64(argv[++i]!);
      if (v === null) return ERR_NOT_INT;
      if (v < 0n) return 'ERR invalid expire time, must be >= 0';
      let ms = v;
      const bad = `ERR invalid expire time in '${name}' command`;
      if (unit & (F_EX | F_EXAT)) {
        if (ms > BigInt(Math.floor(HFE_MAX / 1000))) return bad;
        ms *= 1000n;
      }
      const base = unit & (F_EX | F_PX) ? BigInt(ctx.now) : 0n;
      if (ms > BigInt(HFE_MAX) - base) return bad;
      a.when = Number(ms + base);
    } else if (!setex && o === 'persist') {
      if (a.flags & (ANY_TIME | F_PERSIST)) return timeConflict;
      a.flags |= F_PERSIST;
    } else if (setex && o === 'keepttl') {
      if (a.flags & (ANY_TIME | F_KEEPTTL)) return timeConflict;
      a.flags |= F_KEEPTTL;
    } else if (setex && (o === 'fxx' || o === 'fnx')) {
      if (a.flags & (F_FXX | F_FNX)) return 'ERR Only one of FXX or FNX arguments can be specified';
      a.flags |= o === 'fxx' ? F_FXX : F_FNX;
    } else {
      return `ERR unknown argument: ${argv[i]}`;
    }
  }
  if (a.first === -1) return 'ERR missing FIELDS argument';
  return a;
}

/** HSETEX key [FNX|FXX] [EX|PX|EXAT|PXAT time|KEEPTTL] FIELDS n field value … */
const hsetex = writeCmd('hsetex', -6, HFE_EX, (ctx, argv): ApplyOutcome => {
  const a = parseExArgs(ctx, argv, true, 'hsetex');
  if (typeof a === 'string') return fail(a);
  const key = argv[1]!;
  const existing = hashOf(writeEntry(ctx, key));
  if (existing === 'wrongtype') return fail(WRONGTYPE);
  if (!existing && a.flags & F_FXX) return OK_OUTCOME;
  if (existing && a.flags & (F_FXX | F_FNX)) {
    // The master's own client sees fields past their TTL until the HDEL comes.
    let found = 0;
    for (let i = 0; i < a.count; i++) if (existing.fields.has(argv[a.first + 2 * i]!)) found++;
    if ((a.flags & F_FNX && found > 0) || (a.flags & F_FXX && found < a.count)) return OK_OUTCOME;
  }
  const h = hashForWrite(ctx, key);
  if (h === 'wrongtype') return fail(WRONGTYPE);
  for (let j = a.first; j < argv.length; j++) noteHashArgument(h, argv[j]!);
  const keepTtl = (a.flags & (ANY_TIME | F_KEEPTTL)) !== 0;
  const fields: Bytes[] = [];
  for (let i = 0; i < a.count; i++) {
    const f = argv[a.first + 2 * i]!;
    setField(h, f, argv[a.first + 2 * i + 1]!, keepTtl);
    fields.push(f);
  }
  if (a.flags & ANY_TIME) setFieldTtls(ctx, h, fields, a.when);
  return OK_OUTCOME;
});

/** HGETEX key [EX|PX|EXAT|PXAT time|PERSIST] FIELDS n field… (a master never sends it as itself). */
const hgetex = writeCmd('hgetex', -5, HFE_EX, (ctx, argv) => {
  const h = hashOf(writeEntry(ctx, argv[1]!));
  if (h === 'wrongtype') return fail(WRONGTYPE);
  const a = parseExArgs(ctx, argv, false, 'hgetex');
  if (typeof a === 'string') return fail(a);
  if (!h || a.flags === 0) return OK_OUTCOME;
  const fields = argv.slice(a.first, a.first + a.count);
  if (a.flags & F_PERSIST) for (const f of fields) h.fieldExpires.delete(f);
  else setFieldTtls(ctx, h, fields, a.when);
  return OK_OUTCOME;
});

/** HGETDEL key FIELDS n field… (a master sends it as HDEL). */
const hgetdel = writeCmd('hgetdel', -5, HFE_EX, (ctx, argv) => {
  const h = hashOf(writeEntry(ctx, argv[1]!));
  if (h === 'wrongtype') return fail(WRONGTYPE);
  if (argv[2]!.toLowerCase() !== 'fields') return fail('ERR Mandatory argument FIELDS is missing or not at the right position');
  const n = parseLong(argv[3]!);
  if (n === null || n < 1) return fail('ERR Number of fields must be a positive integer');
  if (n !== argv.length - 4) return fail('ERR The `numfields` parameter must match the number of arguments');
  if (h) deleteFields(ctx, argv[1]!, h, argv.slice(4));
  return OK_OUTCOME;
});

export const hashFieldExpiryWriteCommands: WriteCommand[] = [
  hexpire('hexpire', true, true), hexpire('hpexpire', false, true), hexpire('hexpireat', true, false),
  hexpire('hpexpireat', false, false), hpersist, hsetex, hgetex, hgetdel,
];

// ---- reads: HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME ------------------------------

const NO_FIELD = -2, NO_TTL = -1;

/**
 * httlGenericCommand on a replica: a field past its TTL reads as missing (-2)
 * although the replica still holds it; a listpackex compares with <= now, a
 * hash table with < now, as redis-server does.
 */
function httl(name: string, ms: boolean, absolute: boolean): ReadCommand {
  return {
    name,
    arity: -5,
    requires: HFE,
    run(ctx, argv): ReplyValue {
      const h = hashOf(readEntry(ctx, argv[1]!));
      if (h === 'wrongtype') return rerr(WRONGTYPE);
      const fields = fieldsBlock(argv, 2);
      if (typeof fields === 'string') return rerr(fields);
      if (!h) return reply.array(fields.map(() => int(NO_FIELD)));
      const enc = objectEncoding(h, ctx.ks.dialect);
      const base = absolute ? 0 : ctx.now;
      return reply.array(fields.map((f) => {
        if (!h.fields.has(f)) return int(NO_FIELD);
        const t = h.fieldExpires.get(f);
        if (t === undefined || enc === 'listpack') return int(NO_TTL);
        if (enc === 'listpackex' ? t <= ctx.now : t < ctx.now) return int(NO_FIELD);
        return int(ms ? t - base : Math.floor((t + 999 - base) / 1000));
      }));
    },
  };
}

export const hashFieldExpiryReadCommands: ReadCommand[] = [
  httl('httl', false, false), httl('hpttl', true, false), httl('hexpiretime', false, true), httl('hpexpiretime', true, true),
];
