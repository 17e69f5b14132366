// ZUNION/ZINTER/ZDIFF and their STORE forms (zunionInterDiffGenericCommand):
// inputs may be sorted sets or sets (score 1), WEIGHTS and AGGREGATE apply to
// union and intersection. The order of the floating-point aggregation matters,
// so it follows Redis: inputs sorted by cardinality (stable, as glibc's qsort
// is for this size), each element aggregated over the inputs in that order.
import type { CommandContext } from '../command';
import { SetMembers } from '../packed';
import type { Bytes, Value } from '../values';
import { ERR_NOT_INT, ERR_SYNTAX, parseDouble, parseLong, readEntry, writeEntry, WRONGTYPE } from './util';
import type { ZEntry } from './zsetRange';
import type { Zset } from '../zsetIndex';

export type ZsetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

interface Source {
  /** a sorted set, a set (score 1), or null for a missing key */
  scores: Zset | SetMembers | null;
  weight: number;
}

const size = (s: Source): number => (s.scores === null ? 0 : s.scores.size);

function scoreIn(s: Source, m: Bytes): number | undefined {
  if (s.scores === null) return undefined;
  if (s.scores instanceof SetMembers) return s.scores.has(m) ? 1 : undefined;
  return s.scores.score(m);
}

function* iterate(s: Source): Generator<ZEntry> {
  if (s.scores === null) return;
  if (s.scores instanceof SetMembers) for (const m of s.scores) yield [m, 1];
  else yield* s.scores.entries();
}

function aggregate(target: number, val: number, how: Aggregate): number {
  if (how === 'sum') {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (how === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

function sourceOf(e: Value | undefined): Source | 'wrongtype' {
  if (!e) return { scores: null, weight: 1 };
  if (e.type === 'zset') return { scores: e, weight: 1 };
  if (e.type === 'set') return { scores: e.members, weight: 1 };
  return 'wrongtype';
}

/**
 * Parses `numkeys key… [WEIGHTS w…] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]` from
 * argv[at] and computes the result, or returns Redis's error text.
 */
export function zsetAlgebra(ctx: CommandContext, argv: Bytes[], at: number, op: ZsetOp, store: boolean, name: string): { result: ZEntry[]; withScores: boolean } | string {
  const n = parseLong(argv[at]!);
  if (n === null) return ERR_NOT_INT;
  if (n < 1) return `ERR at least 1 input key is needed for '${name}' command`;
  if (n > argv.length - (at + 1)) return ERR_SYNTAX;
  const src: Source[] = [];
  let j = at + 1;
  for (let i = 0; i < n; i++, j++) {
    const s = sourceOf(store ? writeEntry(ctx, argv[j]!) : readEntry(ctx, argv[j]!));
    if (s === 'wrongtype') return WRONGTYPE;
    src.push(s);
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  while (j < argv.length) {
    const o = argv[j]!.toLowerCase();
    const remaining = argv.length - j;
    if (op !== 'diff' && remaining >= n + 1 && o === 'weights') {
      j++;
      for (let i = 0; i < n; i++, j++) {
        const w = parseDouble(argv[j]!);
        if (w === null) return 'ERR weight value is not a float';
        src[i]!.weight = w;
      }
    } else if (op !== 'diff' && remaining >= 2 && o === 'aggregate') {
      const a = argv[j + 1]!.toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') return ERR_SYNTAX;
      how = a;
      j += 2;
    } else if (remaining >= 1 && !store && o === 'withscores') {
      withScores = true;
      j++;
    } else return ERR_SYNTAX;
  }
  return { result: compute(src, op, how), withScores };
}

function compute(src: Source[], op: ZsetOp, how: Aggregate): ZEntry[] {
  const out: ZEntry[] = [];
  if (op === 'diff') {
    const first = src[0]!;
    outer: for (const [m, s] of iterate(first)) {
      for (let i = 1; i < src.length; i++) if (scoreIn(src[i]!, m) !== undefined) continue outer;
      out.push([m, s]);
    }
    return out;
  }
  const sorted = src.slice().sort((a, b) => size(a) - size(b));
  if (op === 'inter') {
    if (size(sorted[0]!) === 0) return out;
    outer: for (const [m, s0] of iterate(sorted[0]!)) {
      let score = sorted[0]!.weight * s0;
      if (Number.isNaN(score)) score = 0;
      for (let i = 1; i < sorted.length; i++) {
        const v = scoreIn(sorted[i]!, m);
        if (v === undefined) continue outer;
        // No NaN reset here in Redis: only SUM turns a NaN total into 0.
        score = aggregate(score, v * sorted[i]!.weight, how);
      }
      out.push([m, score]);
    }
    return out;
  }
  const acc = new Map<Bytes, number>();
  for (const s of sorted) {
    for (const [m, v] of iterate(s)) {
      let score = s.weight * v;
      if (Number.isNaN(score)) score = 0;
      const cur = acc.get(m);
      acc.set(m, cur === undefined ? score : aggregate(cur, score, how));
    }
  }
  return [...acc];
}
