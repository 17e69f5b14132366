// Sets (t_set.c). SPOP is replicated as SREM (or DEL when it empties the set);
// a raw SPOP that picks at random cannot be reproduced and is a divergence.
import { reply, type ReplyValue } from '../../resp/encode';
import type { ApplyOutcome, CommandContext, ReadCommand, WriteCommand } from '../command';
import type { KeyspaceDialect } from '../../versions/profile';
import { noteSetAdd, noteSetAddHint, noteSetBuilt, noteSetCreated, objectEncoding, pinEncoding, type SetContent } from '../encoding';
import { SetMembers } from '../packed';
import type { Bytes, Value } from '../values';
import {
  bulk, diverged, ERR_OUT_OF_RANGE, ERR_SYNTAX, fail, int, OK_OUTCOME, parseLong, read, readEntry, rerr, write,
  writeEntry, WRONGTYPE, optionalCount } from './util';

export type SetValue = Extract<Value, { type: 'set' }>;

function setOf(e: Value | undefined): SetValue | undefined | 'wrongtype' {
  if (!e) return undefined;
  return e.type === 'set' ? e : 'wrongtype';
}

export function newSet(): SetValue {
  return { type: 'set', members: new SetMembers() };
}

/** setTypeAdd: adds a member, following the encoding's conversions. */
function addMember(d: KeyspaceDialect, s: SetValue, m: Bytes): void {
  if (s.members.has(m)) return;
  s.members.add(m);
  noteSetAdd(d, s, m);
}

const sadd = write('sadd', -3, (ctx, argv) => {
  const d = ctx.ks.dialect;
  let s = setOf(writeEntry(ctx, argv[1]!));
  if (s === 'wrongtype') return fail(WRONGTYPE);
  // The encoding is chosen (or converted) from the number of members given, duplicates included.
  if (!s) {
    s = newSet();
    noteSetCreated(d, s, argv[2]!, argv.length - 2);
    ctx.ks.db(ctx.db).set(argv[1]!, s);
  } else noteSetAddHint(d, s, argv.length - 2);
  for (let j = 2; j < argv.length; j++) addMember(d, s, argv[j]!);
  return OK_OUTCOME;
});

const srem = write('srem', -3, (ctx, argv) => {
  const s = setOf(writeEntry(ctx, argv[1]!));
  if (!s) return OK_OUTCOME;
  if (s === 'wrongtype') return fail(WRONGTYPE);
  pinEncoding(s, ctx.ks.dialect);
  for (let j = 2; j < argv.length; j++) s.members.delete(argv[j]!);
  if (s.members.size === 0) ctx.ks.db(ctx.db).delete(argv[1]!);
  return OK_OUTCOME;
});

const smove = write('smove', 4, (ctx, argv) => {
  const src = setOf(writeEntry(ctx, argv[1]!));
  let dst = setOf(writeEntry(ctx, argv[2]!));
  if (!src) return OK_OUTCOME;
  if (src === 'wrongtype' || dst === 'wrongtype') return fail(WRONGTYPE);
  const m = argv[3]!;
  if (src === dst) return OK_OUTCOME;
  const d = ctx.ks.dialect;
  pinEncoding(src, d);
  if (!src.members.delete(m)) return OK_OUTCOME;
  if (src.members.size === 0) ctx.ks.db(ctx.db).delete(argv[1]!);
  if (!dst) {
    dst = newSet();
    noteSetCreated(d, dst, m, 1);
    ctx.ks.db(ctx.db).set(argv[2]!, dst);
  } else pinEncoding(dst, d);
  addMember(d, dst, m);
  return OK_OUTCOME;
});

// Deterministic only when it takes the whole set; otherwise redis-server picks
// at random and replicates SREM with its picks, which is what a master sends.
const spop = write('spop', -2, (ctx, argv) => {
  if (argv.length > 3) return fail(ERR_SYNTAX);
  const count = optionalCount(argv);
  if (count === null) return fail(ERR_OUT_OF_RANGE);
  const s = setOf(writeEntry(ctx, argv[1]!));
  if (!s) return OK_OUTCOME;
  if (s === 'wrongtype') return fail(WRONGTYPE);
  if (count === 0) return OK_OUTCOME;
  if (count >= s.members.size) {
    ctx.ks.db(ctx.db).delete(argv[1]!);
    return OK_OUTCOME;
  }
  return diverged([argv[1]!], 'SPOP removes random members: a master replicates it as SREM, a raw SPOP cannot be reproduced');
});

/** The sets of `keys` for SINTER/SUNION/SDIFF: missing = null; wrong type = error. */
function sourceSets(ctx: CommandContext, keys: Bytes[], forWrite: boolean): (SetValue | null)[] | 'wrongtype' {
  const out: (SetValue | null)[] = [];
  for (const k of keys) {
    const s = setOf(forWrite ? writeEntry(ctx, k) : readEntry(ctx, k));
    if (s === 'wrongtype') return 'wrongtype';
    out.push(s ?? null);
  }
  return out;
}

/** A computed set, and the largest content redis-server went through building it (what its encoding follows). */
interface Computed {
  members: Set<Bytes>;
  grownFrom: SetContent;
}

function inter(sets: (SetValue | null)[]): Computed {
  const members = new Set<Bytes>();
  if (sets.some((s) => s === null)) return { members, grownFrom: members };
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.members.size - b.members.size);
  outer: for (const m of sorted[0]!.members) {
    for (let i = 1; i < sorted.length; i++) if (!sorted[i]!.members.has(m)) continue outer;
    members.add(m);
  }
  return { members, grownFrom: members };
}

function union(sets: (SetValue | null)[]): Computed {
  const members = new Set<Bytes>();
  for (const s of sets) if (s) for (const m of s.members) members.add(m);
  return { members, grownFrom: members };
}

/**
 * sunionDiffGenericCommand's DIFF: algorithm 1 adds only what no other set
 * holds; algorithm 2 (chosen when cheaper) adds the whole first set and then
 * removes, so the result keeps the encoding the whole first set called for.
 */
function diff(sets: (SetValue | null)[]): Computed {
  const members = new Set<Bytes>();
  const first = sets[0];
  if (!first) return { members, grownFrom: members };
  // The same key twice: the result is empty whatever the sets hold.
  if (sets.slice(1).includes(first)) return { members, grownFrom: members };
  let one = 0, two = 0;
  for (const s of sets) {
    if (!s) continue;
    one += first.members.size;
    two += s.members.size;
  }
  const algo = Math.floor(one / 2) <= two ? 1 : 2;
  outer: for (const m of first.members) {
    for (let i = 1; i < sets.length; i++) if (sets[i]?.members.has(m)) continue outer;
    members.add(m);
  }
  return { members, grownFrom: algo === 2 ? first.members : members };
}

/** Stores a computed set (setKey: TTL cleared) or deletes dst when it is empty. */
function store(ctx: CommandContext, dst: Bytes, computed: Computed): ApplyOutcome {
  const db = ctx.ks.db(ctx.db);
  if (computed.members.size === 0) db.delete(dst);
  else {
    const v: SetValue = { type: 'set', members: SetMembers.fromSet(computed.members) };
    noteSetBuilt(ctx.ks.dialect, v, computed.grownFrom);
    db.set(dst, v);
  }
  return OK_OUTCOME;
}

function storeCommand(name: string, op: (sets: (SetValue | null)[]) => Computed): WriteCommand {
  return write(name, -3, (ctx, argv) => {
    const sets = sourceSets(ctx, argv.slice(2), true);
    if (sets === 'wrongtype') return fail(WRONGTYPE);
    return store(ctx, argv[1]!, op(sets));
  });
}

export const setWriteCommands: WriteCommand[] = [
  sadd, srem, smove, spop, storeCommand('sinterstore', inter), storeCommand('sunionstore', union),
  storeCommand('sdiffstore', diff),
];

// ---- reads ------------------------------------------------------------------

/** Members in the order redis-server lists them where that order is defined (intsets are sorted). */
export function orderedMembers(s: SetValue, d: KeyspaceDialect): Bytes[] {
  const all = [...s.members];
  if (objectEncoding(s, d) === 'intset') all.sort((a, b) => cmpIntStrings(a, b));
  return all;
}

function cmpIntStrings(a: Bytes, b: Bytes): number {
  if (a.length < 16 && b.length < 16) return Number(a) - Number(b);
  const x = BigInt(a), y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function readSet(ctx: CommandContext, key: Bytes): SetValue | undefined | 'wrongtype' {
  return setOf(readEntry(ctx, key));
}

const arr = (items: Iterable<Bytes>): ReplyValue => {
  const out: ReplyValue[] = [];
  for (const m of items) out.push(bulk(m));
  return reply.array(out);
};

const smembers = read('smembers', 2, (ctx, argv) => {
  const s = readSet(ctx, argv[1]!);
  if (s === 'wrongtype') return rerr(WRONGTYPE);
  return arr(s ? orderedMembers(s, ctx.ks.dialect) : []);
});

const sismember = read('sismember', 3, (ctx, argv) => {
  const s = readSet(ctx, argv[1]!);
  if (s === 'wrongtype') return rerr(WRONGTYPE);
  return int(s && s.members.has(argv[2]!) ? 1 : 0);
});

const smismember = read('smismember', -3, (ctx, argv) => {
  const s = readSet(ctx, argv[1]!);
  if (s === 'wrongtype') return rerr(WRONGTYPE);
  return reply.array(argv.slice(2).map((m) => int(s && s.members.has(m) ? 1 : 0)));
});

const scard = read('scard', 2, (ctx, argv) => {
  const s = readSet(ctx, argv[1]!);
  if (s === 'wrongtype') return rerr(WRONGTYPE);
  return int(s ? s.members.size : 0);
});

function setAlgebra(name: string, op: (sets: (SetValue | null)[]) => Computed): ReadCommand {
  return read(name, -2, (ctx, argv) => {
    const sets = sourceSets(ctx, argv.slice(1), false);
    if (sets === 'wrongtype') return rerr(WRONGTYPE);
    return arr(op(sets).members);
  });
}

const sintercard = read('sintercard', -3, (ctx, argv) => {
  const n = parseLong(argv[1]!);
  if (n === null || n < 1) return rerr('ERR numkeys should be greater than 0');
  if (n > argv.length - 2) return rerr("ERR Number of keys can't be greater than number of args");
  let limit = 0;
  for (let j = 2 + n; j < argv.length; j++) {
    if (argv[j]!.toLowerCase() === 'limit' && j + 1 < argv.length) {
      const l = parseLong(argv[++j]!);
      if (l === null || l < 0) return rerr("ERR LIMIT can't be negative");
      limit = l;
    } else return rerr(ERR_SYNTAX);
  }
  const sets = sourceSets(ctx, argv.slice(2, 2 + n), false);
  if (sets === 'wrongtype') return rerr(WRONGTYPE);
  const size = inter(sets).members.size;
  return int(limit > 0 ? Math.min(limit, size) : size);
});

const srandmember = read('srandmember', -2, (ctx, argv) => {
  if (argv.length > 3) return rerr(ERR_SYNTAX);
  let count: number | null = null;
  if (argv.length === 3) {
    count = parseLong(argv[2]!);
    if (count === null) return rerr('ERR value is not an integer or out of range');
  }
  const s = readSet(ctx, argv[1]!);
  if (s === 'wrongtype') return rerr(WRONGTYPE);
  const all = s ? [...s.members] : [];
  const pick = (): Bytes => all[Math.floor(Math.random() * all.length)]!;
  if (count === null) return all.length ? bulk(pick()) : reply.bulk(null);
  if (count < 0) return arr(all.length ? Array.from({ length: -count }, pick) : []);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return arr(all.slice(0, count));
});

export const setReadCommands: ReadCommand[] = [
  smembers, sismember, smismember, scard, setAlgebra('sinter', inter), setAlgebra('sunion', union),
  setAlgebra('sdiff', diff), sintercard, srandmember,
];
