// SORT and SORT_RO (sort.c). A master replicates SORT … STORE as sent (SORT
// without STORE writes nothing); the replica runs the same sort over the same
// data: BY and GET patterns read other keys (strings, or hash fields with
// "->"), LIMIT cuts, ASC/DESC, ALPHA, and STORE writes the result as a list.
//
// Order: glibc's qsort is a stable merge sort, so elements comparing equal keep
// their input order; with BY and a LIMIT that cuts, Redis uses its own unstable
// pqsort. Equal comparisons between different elements only happen with ALPHA
// and BY (equal or missing weights). When those ties meet an input order the
// replica cannot know (a hash-table set or a sorted set, which Redis walks in
// dict order) or pqsort, the stored list is reported as a divergence, never
// guessed.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import { forceSkiplist, objectEncoding } from '../encoding';
import { buildListByTailPush } from '../listEncoding';
import { listForEach, listWalk } from '../quicklistReads';
import type { Bytes, Value } from '../values';
import { fieldValue } from './hashes';
import { orderedMembers } from './sets';
import { bulk, diverged, ERR_NOT_INT, ERR_SYNTAX, fail, NIL, OK_OUTCOME, parseDouble, parseLong, readEntry, rerr, WRONGTYPE } from './util';

const SCORE_ERR = "ERR One or more scores can't be converted into double";

interface SortArgs {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  store: Bytes | null;
  by: Bytes | null;
  /** BY without '*': nothing to sort (set once, never cleared, as sort.c does). */
  dontsort: boolean;
  gets: Bytes[];
}

/** The C string a pattern or element spells (printf/strchr stop at a NUL). */
const cstr = (s: Bytes): Bytes => {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
};

function parseArgs(argv: Bytes[], readonly: boolean): SortArgs | string {
  const a: SortArgs = { desc: false, alpha: false, limitStart: 0, limitCount: -1, store: null, by: null, dontsort: false, gets: [] };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const o = argv[j]!.toLowerCase();
    if (o === 'asc') a.desc = false;
    else if (o === 'desc') a.desc = true;
    else if (o === 'alpha') a.alpha = true;
    else if (o === 'limit' && left >= 2) {
      const s = parseLong(argv[j + 1]!), c = parseLong(argv[j + 2]!);
      if (s === null || c === null) return ERR_NOT_INT;
      a.limitStart = s;
      a.limitCount = c;
      j += 2;
    } else if (!readonly && o === 'store' && left >= 1) {
      a.store = argv[++j]!;
    } else if (o === 'by' && left >= 1) {
      a.by = argv[++j]!;
      if (!cstr(a.by).includes('*')) a.dontsort = true;
    } else if (o === 'get' && left >= 1) {
      a.gets.push(argv[++j]!);
    } else return ERR_SYNTAX;
  }
  return a;
}

type Lookup = (key: Bytes) => Value | undefined;

/** lookupKeyByPattern: "#" is the element; else '*' replaced by it, "->field" reads a hash field. */
function byPattern(ctx: CommandContext, look: Lookup, forWrite: boolean, pattern: Bytes, subst: Bytes): Bytes | null {
  const spat = cstr(pattern);
  if (spat === '#') return subst;
  const star = spat.indexOf('*');
  if (star === -1) return null;
  const arrow = spat.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < spat.length;
  const field = hasField ? pattern.slice(arrow + 2) : null;
  const postfixLen = pattern.length - (star + 1) - (field !== null ? field.length + 2 : 0);
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, star + 1 + postfixLen);
  const e = look(key);
  if (!e) return null;
  if (field !== null) {
    if (e.type !== 'hash') return null;
    // The master's own client sees a field past its TTL until the HDEL arrives; a reader does not.
    return (forWrite ? e.fields.get(field) : fieldValue(ctx, e, field)) ?? null;
  }
  return e.type === 'string' ? e.value : null;
}

interface Item {
  obj: Bytes;
  score: number;
  cmpobj: Bytes | null;
}

/** strtod as sort.c applies it (7.x: leading space allowed, text up to a NUL), or string2d (8.8). */
function sortScore(ctx: CommandContext, s: Bytes): number | null {
  if (ctx.ks.dialect.has('sort-strict-scores')) return parseDouble(s);
  const t = cstr(s).replace(/^[ \t\n\v\f\r]+/, '');
  if (t.length === 0) return cstr(s).length === 0 ? 0 : null; // strtod("") converts nothing and stops at the end
  const v = parseDouble(t);
  // glibc reports ERANGE for a result that underflows into the subnormals.
  if (v !== null && v !== 0 && Math.abs(v) < 2.2250738585072014e-308) return null;
  return v;
}

/** C's strcoll in the "C" locale: bytes up to the first NUL. */
function collate(a: Bytes, b: Bytes): number {
  const x = cstr(a), y = cstr(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const binary = (a: Bytes, b: Bytes): number => (a < b ? -1 : a > b ? 1 : 0);

interface Result {
  /** The output, GET values applied (null for a missing one), or an error text. */
  out: (Bytes | null)[];
  /** Ties whose order Redis decides by something the replica cannot see. */
  ambiguous: string | null;
}

function sortGeneric(ctx: CommandContext, argv: Bytes[], a: SortArgs, forWrite: boolean): Result | string {
  const look: Lookup = (k) => (forWrite ? ctx.ks.db(ctx.db).peek(k) : readEntry(ctx, k));
  const src = look(argv[1]!);
  const v = src;
  if (v && v.type !== 'set' && v.type !== 'list' && v.type !== 'zset') return WRONGTYPE;
  // sortCommandGeneric converts a listpack zset to a skiplist for good, even for SORT_RO.
  if (v?.type === 'zset') forceSkiplist(v);
  let { dontsort, alpha, by } = a;
  // A set has no order of its own: with STORE it is sorted ALPHA so the result is deterministic.
  if (dontsort && v?.type === 'set' && a.store !== null) {
    dontsort = false;
    alpha = true;
    by = null;
  }
  let vectorLen = !v ? 0 : v.type === 'list' ? v.length : v.type === 'set' ? v.members.size : v.size;
  let start = Math.min(Math.max(a.limitStart, 0), vectorLen);
  const count = Math.min(Math.max(a.limitCount, -1), vectorLen);
  let end = count < 0 ? vectorLen - 1 : start + count - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;

  let objs: Bytes[] = [];
  let orderKnown = true;
  if (v && (v.type === 'list' || v.type === 'zset') && dontsort) {
    // Native order, only the LIMIT range.
    if (end >= start) {
      if (v.type === 'list') {
        // Only the LIMIT range is read, walked from its first element.
        const first = a.desc ? v.length - 1 - start : start;
        listWalk(v, first, a.desc, (el) => objs.push(el) <= end - start);
      } else {
        // Only the LIMIT range is walked, from its first rank (the last for DESC).
        const want = end - start + 1;
        v.walk(a.desc ? v.size - 1 - start : start, a.desc, (m) => objs.push(m) < want);
      }
    }
    end -= start;
    start = 0;
  } else if (v?.type === 'list') listForEach(v, (el) => objs.push(el));
  else if (v?.type === 'set') {
    objs = orderedMembers(v, ctx.ks.dialect);
    orderKnown = objectEncoding(v, ctx.ks.dialect) !== 'hashtable';
  } else if (v?.type === 'zset') {
    for (const [m] of v.entries()) objs.push(m);
    orderKnown = false;
  }

  let ambiguous: string | null = null;
  if (!dontsort && objs.length > 0) {
    const items: Item[] = objs.map((obj) => ({ obj, score: 0, cmpobj: null }));
    for (const it of items) {
      const byval = by !== null ? byPattern(ctx, look, forWrite, by, it.obj) : it.obj;
      if (byval === null) continue;
      if (alpha) {
        if (by !== null) it.cmpobj = byval;
      } else {
        const s = sortScore(ctx, byval);
        if (s === null) return SCORE_ERR;
        it.score = s;
      }
    }
    const storing = a.store !== null;
    const cmp = (x: Item, y: Item): number => {
      let c: number;
      if (!alpha) c = x.score > y.score ? 1 : x.score < y.score ? -1 : binary(x.obj, y.obj);
      else if (by !== null) {
        if (x.cmpobj === null || y.cmpobj === null) c = x.cmpobj === y.cmpobj ? 0 : x.cmpobj === null ? -1 : 1;
        else c = storing ? binary(x.cmpobj, y.cmpobj) : collate(x.cmpobj, y.cmpobj);
      } else c = storing ? binary(x.obj, y.obj) : collate(x.obj, y.obj);
      return a.desc ? -c : c;
    };
    items.sort(cmp);
    const partial = by !== null && (start !== 0 || end !== items.length - 1);
    for (let i = 1; i < items.length && ambiguous === null; i++) {
      if (cmp(items[i - 1]!, items[i]!) === 0 && items[i - 1]!.obj !== items[i]!.obj) {
        if (partial) ambiguous = 'SORT … BY … ALPHA with equal weights and a LIMIT: redis-server orders the ties with its unstable partial quicksort';
        else if (!orderKnown) ambiguous = `SORT … BY … ALPHA with equal weights over a ${v!.type === 'set' ? 'hash-table set' : 'sorted set'}: redis-server keeps the ties in its dict order`;
      }
    }
    objs = items.map((it) => it.obj);
  }

  const out: (Bytes | null)[] = [];
  for (let j = start; j <= end; j++) {
    const el = objs[j]!;
    if (a.gets.length === 0) out.push(el);
    for (const g of a.gets) out.push(byPattern(ctx, look, forWrite, g, el));
  }
  return { out, ambiguous };
}

const sort: WriteCommand = {
  name: 'sort',
  arity: -2,
  apply(ctx, argv): ApplyOutcome {
    const a = parseArgs(argv, false);
    if (typeof a === 'string') return fail(a);
    // Without STORE, SORT writes nothing (a master never replicates it).
    if (a.store === null) return OK_OUTCOME;
    const r = sortGeneric(ctx, argv, a, true);
    if (typeof r === 'string') return fail(r);
    if (r.ambiguous) return diverged([a.store], r.ambiguous);
    const db = ctx.ks.db(ctx.db);
    if (r.out.length === 0) db.delete(a.store);
    else db.set(a.store, buildListByTailPush(ctx.ks.dialect, r.out.map((x) => x ?? '')));
    return OK_OUTCOME;
  },
};

const sortRo: ReadCommand = {
  name: 'sort_ro',
  arity: -2,
  run(ctx, argv): ReplyValue {
    const a = parseArgs(argv, true);
    if (typeof a === 'string') return rerr(a);
    const r = sortGeneric(ctx, argv, a, false);
    if (typeof r === 'string') return rerr(r);
    return reply.array(r.out.map((x) => (x === null ? NIL : bulk(x))));
  },
};

export const sortWriteCommands: WriteCommand[] = [sort];
export const sortReadCommands: ReadCommand[] = [sortRo];
