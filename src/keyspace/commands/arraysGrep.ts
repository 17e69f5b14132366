// ARGREP key start end (EXACT s | MATCH s | GLOB p | RE p)… [AND|OR] [LIMIT n]
// [WITHVALUES] [NOCASE] (t_array.c): the indexes (and values) of the values in
// a range that satisfy any (or all) predicates. "-" and "+" are the array's
// first and last index. Options and predicates mix freely; the last AND/OR
// wins; RE patterns are compiled once everything is read (NOCASE applies to
// all of them), in order, each error Redis's own.
import { reply, type ReplyValue } from '../../resp/encode';
import { scanArray } from '../arrayScan';
import { indexValue, splitIndex } from '../sparseArray';
import type { Bytes } from '../values';
import { arrayForRead, ERR_INDEX, ERR_LIMIT, parseArrayIndex, unsignedReply } from './arraysArgs';
import { globMatch } from './arraysGlob';
import { compileRegex, RegexError, RegexUnsupported } from './arraysRegex';
import { arrayRead } from './arraysRead';
import { bulk, ERR_NOT_INT, ERR_SYNTAX, parseInt64, rerr, WRONGTYPE } from './util';

const MAX_PREDICATES = 250;
const MAX_RE_LEN = 2048;

type PredicateKind = 'exact' | 'match' | 'glob' | 're';

interface Predicate {
  kind: PredicateKind;
  pattern: Bytes;
  test?: (v: Bytes) => boolean;
}

type Bound = bigint | '-' | '+';

function parseBound(arg: Bytes): Bound | null {
  if (arg === '-' || arg === '+') return arg;
  return parseArrayIndex(arg);
}

const lowerAscii = (s: Bytes): Bytes => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

interface Plan {
  preds: Predicate[];
  and: boolean;
  withValues: boolean;
  nocase: boolean;
  limit: number;
}

/** The predicates and options, or Redis's error for them. */
function parsePlan(argv: Bytes[]): Plan | ReplyValue {
  const plan: Plan = { preds: [], and: false, withValues: false, nocase: false, limit: Infinity };
  for (let i = 4; i < argv.length;) {
    const token = argv[i]!.toLowerCase();
    if (token === 'exact' || token === 'match' || token === 'glob' || token === 're') {
      if (i + 1 >= argv.length) return rerr(ERR_SYNTAX);
      if (plan.preds.length >= MAX_PREDICATES) return rerr(`ERR too many predicates, maximum is ${MAX_PREDICATES}`);
      const pattern = argv[i + 1]!;
      if (token === 're' && pattern.length > MAX_RE_LEN) {
        return rerr(`ERR regular expression is too long, maximum is ${MAX_RE_LEN} bytes`);
      }
      plan.preds.push({ kind: token, pattern });
      i += 2;
    } else if (token === 'limit') {
      if (i + 1 >= argv.length) return rerr(ERR_SYNTAX);
      const ll = parseInt64(argv[i + 1]!);
      if (ll === null) return rerr(ERR_NOT_INT);
      if (ll <= 0n) return rerr(ERR_LIMIT);
      plan.limit = Number(ll);
      i += 2;
    } else if (token === 'withvalues') {
      plan.withValues = true;
      i++;
    } else if (token === 'nocase') {
      plan.nocase = true;
      i++;
    } else if (token === 'and' || token === 'or') {
      plan.and = token === 'and';
      i++;
    } else return rerr(ERR_SYNTAX);
  }
  if (plan.preds.length === 0) return rerr(ERR_SYNTAX);
  for (const p of plan.preds) {
    const err = prepare(p, plan.nocase);
    if (err !== null) return err;
  }
  return plan;
}

/** Builds a predicate's test; for RE, compiles it with Redis's checks in Redis's order. */
function prepare(p: Predicate, nocase: boolean): ReplyValue | null {
  const pat = p.pattern;
  switch (p.kind) {
    case 'exact': {
      const want = nocase ? lowerAscii(pat) : pat;
      p.test = nocase ? (v) => v.length === pat.length && lowerAscii(v) === want : (v) => v === pat;
      return null;
    }
    case 'match': {
      const want = nocase ? lowerAscii(pat) : pat;
      p.test = nocase ? (v) => lowerAscii(v).includes(want) : (v) => v.includes(pat);
      return null;
    }
    case 'glob':
      p.test = (v) => globMatch(pat, v, nocase);
      return null;
    case 're': {
      if (pat.length === 0) return rerr('ERR regular expression is empty');
      try {
        const re = compileRegex(pat, nocase);
        if (re.hasBackrefs) return rerr('ERR regular expression backreferences are not supported');
        p.test = re.test;
        return null;
      } catch (e) {
        if (e instanceof RegexError) return rerr(`ERR invalid regular expression: ${e.message}`);
        if (e instanceof RegexUnsupported) return rerr(`ERR ARGREP RE: ${e.message} (an exact match of Redis's TRE regex cannot be given)`);
        throw e;
      }
    }
  }
}

const argrep = arrayRead('argrep', -6, (ctx, argv) => {
  const from = parseBound(argv[2]!);
  if (from === null) return rerr(ERR_INDEX);
  const to = parseBound(argv[3]!);
  if (to === null) return rerr(ERR_INDEX);
  const plan = parsePlan(argv);
  if (!('preds' in plan)) return plan;
  const a = arrayForRead(ctx, argv[1]!);
  if (a === 'wrongtype') return rerr(WRONGTYPE);
  const out: ReplyValue[] = [];
  if (a === null || a.array.count === 0) return reply.array(out);
  const maxIndex = a.array.length() - 1n;
  const resolve = (b: Bound): bigint => (b === '-' ? 0n : b === '+' ? maxIndex : b);
  const start = resolve(from), end = resolve(to);
  const reverse = start > end;
  const tests = plan.preds.map((p) => p.test!);
  const matches = plan.and ? (v: Bytes) => tests.every((t) => t(v)) : (v: Bytes) => tests.some((t) => t(v));
  let found = 0;
  scanArray(a.array, splitIndex(reverse ? end : start), splitIndex(reverse ? start : end), reverse, (sid, off, v) => {
    if (!matches(v)) return true;
    const idx = unsignedReply(indexValue(sid, off));
    out.push(plan.withValues ? reply.array([idx, bulk(v)]) : idx);
    return ++found < plan.limit;
  });
  return reply.array(out);
});

export const arrayGrepCommands = [argrep];
