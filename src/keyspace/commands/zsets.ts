// Sorted sets (t_zset.c). Masters replicate ZADD/ZINCRBY as sent (scores are
// doubles, computed the same way here), blocking and multi-key pops as
// ZPOPMIN/ZPOPMAX with a count, and the *STORE commands as sent.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import { replyDouble } from '../doubles';
import { noteZsetAdd, noteZsetCreatedFor, noteZsetSizeHint, pinEncoding, zsetIsListpack } from '../encoding';
import type { Bytes, Value } from '../values';
import {
  bulk, ERR_NOT_FLOAT, ERR_NOT_INT, ERR_OUT_OF_RANGE, ERR_SYNTAX, fail, int, NIL, OK_OUTCOME, parseDouble, parseLong, read, readEntry, rerr, wrongArity, write, writeEntry, WRONGTYPE, optionalCount, timeoutError, parseMultiPop,
} from './util';
import {
  ascending, cmpEntry, lexNearIsMonotone, lexSpan, parseLexRange, parseScoreRange, rankSpan, scoreSpan, spanEntries, type LexRange,
  type Span, type ZEntry, type ZsetValue,
} from './zsetRange';
import { Zset } from '../zsetIndex';
import { zsetAlgebra, type ZsetOp } from './zsetAlgebra';

export type { ZsetValue };

function zsetOf(e: Value | undefined): ZsetValue | undefined | 'wrongtype' {
  if (!e) return undefined;
  return e.type === 'zset' ? e : 'wrongtype';
}

const Z_NX = 1, Z_XX = 2, Z_GT = 4, Z_LT = 8, Z_INCR = 16;
const NAN_ERR = 'ERR resulting score is not a number (NaN)';

/** zsetAdd for one element; false when the result would be NaN. */
function zsetAdd(z: ZsetValue, member: Bytes, score: number, flags: number): boolean {
  const cur = z.score(member);
  if (cur !== undefined) {
    if (flags & Z_NX) return true;
    if (flags & Z_INCR) {
      score += cur;
      if (Number.isNaN(score)) return false;
    }
    if ((flags & Z_LT && score >= cur) || (flags & Z_GT && score <= cur)) return true;
    if (score !== cur) z.set(member, listpackScore(z, score));
    return true;
  }
  if (flags & Z_XX) return true;
  z.set(member, score);
  noteZsetAdd(z, member);
  if (Object.is(score, -0)) z.set(member, listpackScore(z, score));
  return true;
}

/**
 * A listpack stores an integral score as an integer (double2ll), so -0 comes
 * back as 0; a skiplist keeps the double as it is.
 */
function listpackScore(z: ZsetValue, score: number): number {
  return Object.is(score, -0) && zsetIsListpack(z) ? 0 : score;
}

function zaddGeneric(ctx: CommandContext, argv: Bytes[], flags: number): ApplyOutcome {
  let i = 2;
  for (; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    if (o === 'nx') flags |= Z_NX;
    else if (o === 'xx') flags |= Z_XX;
    else if (o === 'ch') continue;
    else if (o === 'incr') flags |= Z_INCR;
    else if (o === 'gt') flags |= Z_GT;
    else if (o === 'lt') flags |= Z_LT;
    else break;
  }
  const elements = argv.length - i;
  if (elements % 2 !== 0 || elements === 0) return fail(ERR_SYNTAX);
  const pairs = elements / 2;
  if (flags & Z_XX && flags & Z_NX) return fail('ERR XX and NX options at the same time are not compatible');
  if ((flags & Z_GT && flags & Z_NX) || (flags & Z_LT && flags & Z_NX) || (flags & Z_GT && flags & Z_LT)) {
    return fail('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (flags & Z_INCR && pairs > 1) return fail('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  for (let j = 0; j < pairs; j++) {
    const s = parseDouble(argv[i + j * 2]!);
    if (s === null) return fail(ERR_NOT_FLOAT);
    scores.push(s);
  }
  const key = argv[1]!;
  let z = zsetOf(writeEntry(ctx, key));
  if (z === 'wrongtype') return fail(WRONGTYPE);
  if (!z) {
    if (flags & Z_XX) return OK_OUTCOME;
    z = new Zset();
    noteZsetSizeHint(ctx.ks.dialect, z, true, pairs, argv[i + 1]!.length, longestMember(argv, i, pairs));
    ctx.ks.db(ctx.db).set(key, z);
  } else {
    pinEncoding(z, ctx.ks.dialect);
    noteZsetSizeHint(ctx.ks.dialect, z, false, pairs, 0, longestMember(argv, i, pairs));
  }
  for (let j = 0; j < pairs; j++) {
    if (!zsetAdd(z, argv[i + j * 2 + 1]!, scores[j]!, flags)) return fail(NAN_ERR);
  }
  return OK_OUTCOME;
}

function longestMember(argv: Bytes[], at: number, pairs: number): number {
  let n = 0;
  for (let j = 0; j < pairs; j++) n = Math.max(n, argv[at + j * 2 + 1]!.length);
  return n;
}

/** ZADD as GEOADD's rewrite runs it. */
export const applyZadd = (ctx: CommandContext, argv: Bytes[]): ApplyOutcome => zaddGeneric(ctx, argv, 0);
const zadd = write('zadd', -4, applyZadd);
const zincrby = write('zincrby', 4, (ctx, argv) => zaddGeneric(ctx, argv, Z_INCR));

function deleteIfEmpty(ctx: CommandContext, key: Bytes, z: ZsetValue): void {
  if (z.size === 0) ctx.ks.db(ctx.db).delete(key);
}

const zrem = write('zrem', -3, (ctx, argv) => {
  const z = zsetOf(writeEntry(ctx, argv[1]!));
  if (!z) return OK_OUTCOME;
  if (z === 'wrongtype') return fail(WRONGTYPE);
  pinEncoding(z, ctx.ks.dialect);
  for (let j = 2; j < argv.length; j++) z.delete(argv[j]!);
  deleteIfEmpty(ctx, argv[1]!, z);
  return OK_OUTCOME;
});

type RangeKind = 'rank' | 'score' | 'lex';

function zremrange(name: string, kind: RangeKind): WriteCommand {
  return write(name, 4, (ctx, argv) => {
    let pick: (z: ZsetValue) => Span | null;
    let lex: LexRange | null = null;
    if (kind === 'rank') {
      const s = parseLong(argv[2]!), e = parseLong(argv[3]!);
      if (s === null || e === null) return fail(ERR_NOT_INT);
      pick = (z) => rankSpan(z, s, e, false);
    } else if (kind === 'score') {
      const r = parseScoreRange(argv[2]!, argv[3]!);
      if (!r) return fail('ERR min or max is not a float');
      pick = (z) => scoreSpan(z, r, 0, -1, false);
    } else {
      const r = parseLexRange(argv[2]!, argv[3]!);
      if (!r) return fail('ERR min or max not valid string range item');
      lex = r;
      pick = (z) => lexSpan(z, r, 0, -1, false);
    }
    const z = zsetOf(writeEntry(ctx, argv[1]!));
    if (!z) return OK_OUTCOME;
    if (z === 'wrongtype') return fail(WRONGTYPE);
    pinEncoding(z, ctx.ks.dialect);
    if (lex && !zsetIsListpack(z) && !lexNearIsMonotone(z, lex, false)) return lexDiverged(argv[1]!);
    const span = pick(z);
    if (span) z.deleteRange(...ascending(span));
    deleteIfEmpty(ctx, argv[1]!, z);
    return OK_OUTCOME;
  });
}

/** genericZpopCommand over `keys`: pops from the first existing zset. */
function zpopFrom(ctx: CommandContext, keys: Bytes[], max: boolean, count: number): ApplyOutcome {
  for (const key of keys) {
    const z = zsetOf(writeEntry(ctx, key));
    if (!z) continue;
    if (z === 'wrongtype') return fail(WRONGTYPE);
    if (count === 0) return OK_OUTCOME;
    pinEncoding(z, ctx.ks.dialect);
    const n = Math.min(count, z.size);
    z.deleteRange(max ? z.size - n : 0, n);
    deleteIfEmpty(ctx, key, z);
    return OK_OUTCOME;
  }
  return OK_OUTCOME;
}

function zpop(name: string, max: boolean): WriteCommand {
  return write(name, -2, (ctx, argv) => {
    if (argv.length > 3) return fail(wrongArity(name));
    const count = optionalCount(argv);
    if (count === null) return fail(ERR_OUT_OF_RANGE);
    return zpopFrom(ctx, [argv[1]!], max, count);
  });
}


/** BZPOPMIN/BZPOPMAX key… timeout: a replica never blocks, so this is the immediate pop. */
function bzpop(name: string, max: boolean): WriteCommand {
  return write(name, -3, (ctx, argv) => {
    const t = timeoutError(argv[argv.length - 1]!);
    if (t) return fail(t);
    return zpopFrom(ctx, argv.slice(1, -1), max, 1);
  });
}

/** ZMPOP / BZMPOP: [timeout] numkeys key… MIN|MAX [COUNT n]. */
function zmpop(name: string, blocking: boolean): WriteCommand {
  return write(name, blocking ? -5 : -4, (ctx, argv) => {
    const parsed = parseMultiPop(argv, blocking, (w) => w === 'min' || w === 'max');
    if (typeof parsed === 'string') return fail(parsed);
    return zpopFrom(ctx, parsed.keys, parsed.where === 'max', parsed.count);
  });
}

/** Stores a computed zset (setKey: TTL cleared) or deletes dst when it is empty. */
export function storeZset(ctx: CommandContext, dst: Bytes, entries: ZEntry[]): void {
  const db = ctx.ks.db(ctx.db);
  if (entries.length === 0) {
    db.delete(dst);
    return;
  }
  const z = Zset.fromEntries(entries);
  // Built as a skiplist, converted to a listpack when small enough (zsetConvertToListpackIfNeeded).
  if (zsetIsListpack(z)) for (const [m, s] of entries) if (Object.is(s, -0)) z.set(m, 0);
  db.set(dst, z);
}

function algebraStore(name: string, op: ZsetOp): WriteCommand {
  return write(name, -4, (ctx, argv) => {
    const r = zsetAlgebra(ctx, argv, 2, op, true, name);
    if (typeof r === 'string') return fail(r);
    storeZset(ctx, argv[1]!, r.result);
    return OK_OUTCOME;
  });
}

// ---- ZRANGE and friends -----------------------------------------------------

interface RangeRequest {
  key: Bytes;
  kind: RangeKind;
  zset: ZsetValue | null; // null: the key is missing
  span: Span | null;
  withScores: boolean;
  /** A lex range over a skiplist whose result depends on its random node levels. */
  undefinedLex: boolean;
}

const lexDiverged = (key: Bytes): ApplyOutcome => ({
  kind: 'diverged',
  keys: [key],
  reason: 'lex range over members with different scores in a skiplist: redis-server\'s result depends on its random skiplist levels',
});

/**
 * zrangeGenericCommand: parses options after <src> <min> <max> (from argv[at]),
 * then selects the range. `kind`/`rev` preset for the legacy commands.
 */
function zrangeGeneric(ctx: CommandContext, argv: Bytes[], at: number, store: boolean, presetKind: RangeKind | null, presetRev: boolean | null, forWrite: boolean): RangeRequest | string {
  let kind = presetKind, rev = presetRev, withScores = false, offset = 0, limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const o = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (!store && o === 'withscores') withScores = true;
    else if (o === 'limit' && left >= 2) {
      const a = parseLong(argv[j + 1]!), b = parseLong(argv[j + 2]!);
      if (a === null || b === null) return ERR_NOT_INT;
      offset = a;
      limit = b;
      j += 2;
    } else if (rev === null && o === 'rev') rev = true;
    else if (kind === null && o === 'bylex') kind = 'lex';
    else if (kind === null && o === 'byscore') kind = 'score';
    else return ERR_SYNTAX;
  }
  if (rev === null) rev = false;
  if (kind === null) kind = 'rank';
  if (limit !== -1 && kind === 'rank') return 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
  if (withScores && kind === 'lex') return 'ERR syntax error, WITHSCORES not supported in combination with BYLEX';
  let minArg = argv[at + 1]!, maxArg = argv[at + 2]!;
  if (rev && kind !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  let pick: (z: ZsetValue) => Span | null;
  let lex: LexRange | null = null;
  if (kind === 'rank') {
    const s = parseLong(minArg), e = parseLong(maxArg);
    if (s === null || e === null) return ERR_NOT_INT;
    pick = (z) => rankSpan(z, s, e, rev!);
  } else if (kind === 'score') {
    const r = parseScoreRange(minArg, maxArg);
    if (!r) return 'ERR min or max is not a float';
    pick = (z) => scoreSpan(z, r, offset, limit, rev!);
  } else {
    const r = parseLexRange(minArg, maxArg);
    if (!r) return 'ERR min or max not valid string range item';
    lex = r;
    pick = (z) => lexSpan(z, r, offset, limit, rev!);
  }
  const key = argv[at]!;
  const z = zsetOf(forWrite ? writeEntry(ctx, key) : readEntry(ctx, key));
  if (z === 'wrongtype') return WRONGTYPE;
  if (!z) return { key, kind, zset: null, span: null, withScores, undefinedLex: false };
  const undefinedLex = lex !== null && !zsetIsListpack(z) && !lexNearIsMonotone(z, lex, rev);
  return { key, kind, zset: z, span: pick(z), withScores, undefinedLex };
}

/**
 * ZRANGESTORE builds its result by adding to a new zset (zrangeResultBeginStore):
 * a listpack unless a rank range is known to be longer than the limit, then
 * converted as it grows; a -0 added while it is a listpack is stored as 0.
 */
const zrangestore = write('zrangestore', -5, (ctx, argv) => {
  const r = zrangeGeneric(ctx, argv, 2, true, null, null, true);
  if (typeof r === 'string') return fail(r);
  if (r.undefinedLex) return lexDiverged(argv[1]!);
  const entries = r.zset ? spanEntries(r.zset, r.span) : [];
  const db = ctx.ks.db(ctx.db);
  if (entries.length === 0) {
    db.delete(argv[1]!);
    return OK_OUTCOME;
  }
  const z = new Zset();
  noteZsetCreatedFor(z, r.kind === 'rank' ? entries.length : 0);
  for (const [m, score] of entries) zsetAdd(z, m, score, 0);
  db.set(argv[1]!, z);
  return OK_OUTCOME;
});

export const zsetWriteCommands: WriteCommand[] = [
  zadd, zincrby, zrem, zremrange('zremrangebyrank', 'rank'), zremrange('zremrangebyscore', 'score'),
  zremrange('zremrangebylex', 'lex'), zpop('zpopmin', false), zpop('zpopmax', true), bzpop('bzpopmin', false),
  bzpop('bzpopmax', true), zmpop('zmpop', false), zmpop('bzmpop', true), algebraStore('zunionstore', 'union'),
  algebraStore('zinterstore', 'inter'), algebraStore('zdiffstore', 'diff'), zrangestore,
];

// ---- reads ------------------------------------------------------------------

export function entriesReply(ctx: CommandContext, entries: ZEntry[], withScores: boolean): ReplyValue {
  const out: ReplyValue[] = [];
  for (const [m, s] of entries) {
    out.push(bulk(m));
    if (withScores) out.push(bulk(replyDouble(ctx.ks.dialect, s)));
  }
  return reply.array(out);
}

function rangeRead(name: string, arity: number, kind: RangeKind | null, rev: boolean | null): ReadCommand {
  return read(name, arity, (ctx, argv) => {
    const r = zrangeGeneric(ctx, argv, 1, false, kind, rev, false);
    if (typeof r === 'string') return rerr(r);
    return entriesReply(ctx, r.zset ? spanEntries(r.zset, r.span) : [], r.withScores);
  });
}

function readZset(ctx: CommandContext, key: Bytes): ZsetValue | undefined | 'wrongtype' {
  return zsetOf(readEntry(ctx, key));
}

const zscore = read('zscore', 3, (ctx, argv) => {
  const z = readZset(ctx, argv[1]!);
  if (z === 'wrongtype') return rerr(WRONGTYPE);
  const s = z ? z.score(argv[2]!) : undefined;
  return s === undefined ? NIL : bulk(replyDouble(ctx.ks.dialect, s));
});

const zmscore = read('zmscore', -3, (ctx, argv) => {
  const z = readZset(ctx, argv[1]!);
  if (z === 'wrongtype') return rerr(WRONGTYPE);
  return reply.array(argv.slice(2).map((m) => {
    const s = z ? z.score(m) : undefined;
    return s === undefined ? NIL : bulk(replyDouble(ctx.ks.dialect, s));
  }));
});

const zcard = read('zcard', 2, (ctx, argv) => {
  const z = readZset(ctx, argv[1]!);
  if (z === 'wrongtype') return rerr(WRONGTYPE);
  return int(z ? z.size : 0);
});

/** ZRANK/ZREVRANK key member [WITHSCORE] (WITHSCORE from 7.2, feature `zrank-withscore`). */
function zrank(name: string, rev: boolean): ReadCommand {
  return read(name, -3, (ctx, argv) => {
    const withScoreKnown = ctx.ks.dialect.has('zrank-withscore');
    if (argv.length > (withScoreKnown ? 4 : 3)) return rerr(wrongArity(name));
    const withScore = argv.length === 4;
    if (withScore && argv[3]!.toLowerCase() !== 'withscore') return rerr(ERR_SYNTAX);
    const missing = withScore ? reply.array(null) : NIL;
    const z = readZset(ctx, argv[1]!);
    if (!z) return missing;
    if (z === 'wrongtype') return rerr(WRONGTYPE);
    const s = z.score(argv[2]!);
    if (s === undefined) return missing;
    const rank = z.rank(argv[2]!);
    const r = int(rev ? z.size - 1 - rank : rank);
    return withScore ? reply.array([r, bulk(replyDouble(ctx.ks.dialect, s))]) : r;
  });
}

const zcount = read('zcount', 4, (ctx, argv) => {
  const r = parseScoreRange(argv[2]!, argv[3]!);
  if (!r) return rerr('ERR min or max is not a float');
  const z = readZset(ctx, argv[1]!);
  if (z === 'wrongtype') return rerr(WRONGTYPE);
  return int(z ? scoreSpan(z, r, 0, -1, false)?.count ?? 0 : 0);
});

const zlexcount = read('zlexcount', 4, (ctx, argv) => {
  const r = parseLexRange(argv[2]!, argv[3]!);
  if (!r) return rerr('ERR min or max not valid string range item');
  const z = readZset(ctx, argv[1]!);
  if (z === 'wrongtype') return rerr(WRONGTYPE);
  return int(z ? lexSpan(z, r, 0, -1, false)?.count ?? 0 : 0);
});

function algebraRead(name: string, op: ZsetOp): ReadCommand {
  return read(name, -3, (ctx, argv) => {
    const r = zsetAlgebra(ctx, argv, 1, op, false, name);
    if (typeof r === 'string') return rerr(r);
    return entriesReply(ctx, r.result.sort(cmpEntry), r.withScores);
  });
}

export const zsetReadCommands: ReadCommand[] = [
  rangeRead('zrange', -4, null, null), rangeRead('zrevrange', -4, 'rank', true),
  rangeRead('zrangebyscore', -4, 'score', false), rangeRead('zrevrangebyscore', -4, 'score', true),
  rangeRead('zrangebylex', -4, 'lex', false), rangeRead('zrevrangebylex', -4, 'lex', true),
  zscore, zmscore, zcard, zrank('zrank', false), zrank('zrevrank', true), zcount, zlexcount,
  algebraRead('zunion', 'union'), algebraRead('zinter', 'inter'), algebraRead('zdiff', 'diff'),
];

