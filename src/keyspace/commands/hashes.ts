// Hashes (t_hash.c). HINCRBYFLOAT arrives as HSET with the computed text; 7.4
// field expiry arrives as HPEXPIREAT (set) / HPERSIST (clear) / HDEL (the field
// expired on the master). Field TTLs live in `fieldExpires`; the commands that
// set or read them are in hashFieldExpiry.ts.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import { noteHashArgument, noteHashSet, pinEncoding } from '../encoding';
import { FieldTtls, HashFields } from '../packed';
import type { Bytes, Value } from '../values';
import { add, formatHuman, fromBigInt, isInf, parseLongDouble } from './longDouble';
import {
  bulk, ERR_NOT_INT, fail, int, NIL, OK_OUTCOME, parseInt64, read, readEntry, rerr, wrongArity,
  write, writeEntry, WRONGTYPE,
} from './util';

export type HashValue = Extract<Value, { type: 'hash' }>;

export function hashOf(e: Value | undefined): HashValue | undefined | 'wrongtype' {
  if (!e) return undefined;
  return e.type === 'hash' ? e : 'wrongtype';
}

/** hashTypeLookupWriteOrCreate: the hash, created empty when missing. */
export function hashForWrite(ctx: CommandContext, key: Bytes): HashValue | 'wrongtype' {
  const h = hashOf(writeEntry(ctx, key));
  if (h === 'wrongtype') return h;
  if (h) {
    pinEncoding(h, ctx.ks.dialect);
    return h;
  }
  const v: HashValue = { type: 'hash', fields: new HashFields(), fieldExpires: new FieldTtls() };
  ctx.ks.db(ctx.db).set(key, v);
  return v;
}

/** Sets a field; a plain set clears the field's TTL (7.4), HINCRBY* keep it. */
export function setField(h: HashValue, field: Bytes, value: Bytes, keepTtl: boolean): void {
  h.fields.set(field, value);
  if (!keepTtl && h.fieldExpires.size > 0) h.fieldExpires.delete(field);
  noteHashSet(h, field, value);
}

function hset(name: string): WriteCommand {
  return write(name, -4, (ctx, argv) => {
    if (argv.length % 2 === 1) return fail(wrongArity(name));
    const h = hashForWrite(ctx, argv[1]!);
    if (h === 'wrongtype') return fail(WRONGTYPE);
    for (let j = 2; j < argv.length; j++) noteHashArgument(h, argv[j]!);
    for (let j = 2; j < argv.length; j += 2) setField(h, argv[j]!, argv[j + 1]!, false);
    return OK_OUTCOME;
  });
}

const hsetnx = write('hsetnx', 4, (ctx, argv) => {
  const h = hashForWrite(ctx, argv[1]!);
  if (h === 'wrongtype') return fail(WRONGTYPE);
  if (!h.fields.has(argv[2]!)) {
    noteHashArgument(h, argv[2]!);
    noteHashArgument(h, argv[3]!);
    setField(h, argv[2]!, argv[3]!, false);
  }
  return OK_OUTCOME;
});

function deleteIfEmpty(ctx: CommandContext, key: Bytes, h: HashValue): void {
  if (h.fields.size === 0) ctx.ks.db(ctx.db).delete(key);
}

/**
 * HDEL (and HGETDEL) of `fields`: the key goes when the hash empties; from
 * Redis 8 a hash that loses its last field with a TTL leaves `subexpiry`.
 */
export function deleteFields(ctx: CommandContext, key: Bytes, h: HashValue, fields: Iterable<Bytes>): void {
  pinEncoding(h, ctx.ks.dialect);
  const hadTtls = h.fieldExpires.size > 0;
  for (const f of fields) {
    h.fields.delete(f);
    h.fieldExpires.delete(f);
  }
  if (h.fields.size === 0) ctx.ks.db(ctx.db).delete(key);
  else if (hadTtls && h.fieldExpires.size === 0 && ctx.ks.dialect.has('subexpiry-follows-hdel')) {
    ctx.ks.db(ctx.db).markSubexpiry(h, false);
  }
}

const hdel = write('hdel', -3, (ctx, argv) => {
  const h = hashOf(writeEntry(ctx, argv[1]!));
  if (!h) return OK_OUTCOME;
  if (h === 'wrongtype') return fail(WRONGTYPE);
  deleteFields(ctx, argv[1]!, h, argv.slice(2));
  return OK_OUTCOME;
});

const LLONG_MAX = 9223372036854775807n, LLONG_MIN = -9223372036854775808n;

const hincrby = write('hincrby', 4, (ctx, argv) => {
  const incr = parseInt64(argv[3]!);
  if (incr === null) return fail(ERR_NOT_INT);
  const h = hashForWrite(ctx, argv[1]!);
  if (h === 'wrongtype') return fail(WRONGTYPE);
  const cur = h.fields.get(argv[2]!);
  let value = 0n;
  if (cur !== undefined) {
    const v = parseInt64(cur);
    if (v === null) return failAndDropEmpty(ctx, argv[1]!, h, 'ERR hash value is not an integer');
    value = v;
  }
  const next = value + incr;
  if (next > LLONG_MAX || next < LLONG_MIN) return failAndDropEmpty(ctx, argv[1]!, h, 'ERR increment or decrement would overflow');
  setField(h, argv[2]!, next.toString(), true);
  return OK_OUTCOME;
});

// The hash was created by hashTypeLookupWriteOrCreate only when it did not
// exist, and then the field cannot hold a bad value: so an error never leaves
// an empty hash behind. Kept as a guard.
function failAndDropEmpty(ctx: CommandContext, key: Bytes, h: HashValue, error: string): ApplyOutcome {
  deleteIfEmpty(ctx, key, h);
  return fail(error);
}

// Never sent by a 7.0+ master (it replicates HSET with the result); applied for
// older streams with the same long double arithmetic as redis-server.
const hincrbyfloat = write('hincrbyfloat', 4, (ctx, argv) => {
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) return fail('ERR value is not a valid float');
  if (isInf(incr)) return fail('ERR value is NaN or Infinity');
  const h = hashForWrite(ctx, argv[1]!);
  if (h === 'wrongtype') return fail(WRONGTYPE);
  const cur = h.fields.get(argv[2]!);
  let value = fromBigInt(0n);
  if (cur !== undefined) {
    const i = parseInt64(cur);
    const v = i !== null ? fromBigInt(i) : parseLongDouble(cur);
    if (v === null) return failAndDropEmpty(ctx, argv[1]!, h, 'ERR hash value is not a float');
    value = v;
  }
  const sum = add(value, incr);
  if (isInf(sum)) return failAndDropEmpty(ctx, argv[1]!, h, 'ERR increment would produce NaN or Infinity');
  setField(h, argv[2]!, formatHuman(sum), true);
  return OK_OUTCOME;
});

export const hashWriteCommands: WriteCommand[] = [
  hset('hset'), hset('hmset'), hsetnx, hdel, hincrby, hincrbyfloat,
];

// ---- reads ------------------------------------------------------------------

function readHash(ctx: CommandContext, key: Bytes): HashValue | undefined | 'wrongtype' {
  return hashOf(readEntry(ctx, key));
}

/** A field's value as a read sees it: fields past their 7.4 TTL are hidden. */
export function fieldValue(ctx: CommandContext, h: HashValue, f: Bytes): Bytes | undefined {
  const v = h.fields.get(f);
  if (v === undefined || h.fieldExpires.size === 0) return v;
  const t = h.fieldExpires.get(f);
  return t !== undefined && t <= ctx.now ? undefined : v;
}

/** Live fields in storage order. */
export function* liveFields(ctx: CommandContext, h: HashValue): Generator<[Bytes, Bytes]> {
  for (const [f, v] of h.fields) {
    if (h.fieldExpires.size > 0) {
      const t = h.fieldExpires.get(f);
      if (t !== undefined && t <= ctx.now) continue;
    }
    yield [f, v];
  }
}

const hget = read('hget', 3, (ctx, argv) => {
  const h = readHash(ctx, argv[1]!);
  if (h === 'wrongtype') return rerr(WRONGTYPE);
  const v = h ? fieldValue(ctx, h, argv[2]!) : undefined;
  return v === undefined ? NIL : bulk(v);
});

const hmget = read('hmget', -3, (ctx, argv) => {
  const h = readHash(ctx, argv[1]!);
  if (h === 'wrongtype') return rerr(WRONGTYPE);
  const out: ReplyValue[] = [];
  for (let j = 2; j < argv.length; j++) {
    const v = h ? fieldValue(ctx, h, argv[j]!) : undefined;
    out.push(v === undefined ? NIL : bulk(v));
  }
  return reply.array(out);
});

function hgetallLike(name: string, withFields: boolean, withValues: boolean): ReadCommand {
  return read(name, 2, (ctx, argv) => {
    const h = readHash(ctx, argv[1]!);
    if (h === 'wrongtype') return rerr(WRONGTYPE);
    const out: ReplyValue[] = [];
    if (h) {
      for (const [f, v] of liveFields(ctx, h)) {
        if (withFields) out.push(bulk(f));
        if (withValues) out.push(bulk(v));
      }
    }
    return reply.array(out);
  });
}

const hlen = read('hlen', 2, (ctx, argv) => {
  const h = readHash(ctx, argv[1]!);
  if (h === 'wrongtype') return rerr(WRONGTYPE);
  return int(h ? h.fields.size : 0);
});

const hexists = read('hexists', 3, (ctx, argv) => {
  const h = readHash(ctx, argv[1]!);
  if (h === 'wrongtype') return rerr(WRONGTYPE);
  return int(h && fieldValue(ctx, h, argv[2]!) !== undefined ? 1 : 0);
});

const hstrlen = read('hstrlen', 3, (ctx, argv) => {
  const h = readHash(ctx, argv[1]!);
  if (h === 'wrongtype') return rerr(WRONGTYPE);
  const v = h ? fieldValue(ctx, h, argv[2]!) : undefined;
  return int(v === undefined ? 0 : v.length);
});

export const hashReadCommands: ReadCommand[] = [
  hget, hmget, hgetallLike('hgetall', true, true), hgetallLike('hkeys', true, false), hgetallLike('hvals', false, true),
  hlen, hexists, hstrlen,
];
