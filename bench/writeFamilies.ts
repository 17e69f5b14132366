// The write families of bench/complexity.ts: for a collection of `size`
// elements, the preload and the writes, chosen so that every write changes
// the dataset (a no-op is not replicated) and every write meets between
// `size` and 2 × `size` elements.
import type { RedisClient } from '../src/net/redisClient';

export type Cmd = (string | number)[];

export type Kind = 'list' | 'zset' | 'hash' | 'set' | 'stream' | 'string';

export interface Family {
  name: string;
  kind: Kind;
  /** Pops and trims: each write removes an element (see prepare). */
  drains?: boolean;
  /** The writes to `key`, on one connection, and (LPUSH+BRPOP) those a second connection sends at the same time. */
  writes(key: string, size: number, n: number): { main: Cmd[]; second?: Cmd[] };
}


/** i-th of a permutation of 0..size-1 (7919 is prime and divides none of the sizes used), so writes land all over the collection. */
const spread = (i: number, size: number): number => (i * 7919) % size;
const times = (n: number, f: (i: number) => Cmd): Cmd[] => Array.from({ length: n }, (_, i) => f(i));
/** Pairs of writes, n in all. */
const pairs = (n: number, f: (i: number) => [Cmd, Cmd]): Cmd[] => Array.from({ length: Math.floor(n / 2) }, (_, i) => f(i)).flat();
/** The oldest element still there after i adds of new elements and i removals, in a window of `size`: the preload first, then the new ones. */
const oldest = (i: number, size: number, preloaded: string, added: string): string => (i < size ? `${preloaded}${i}` : `${added}${i - size}`);

export const FAMILIES: Family[] = [
  { name: 'LPUSH', kind: 'list', writes: (key, _, n) => ({ main: times(n, (i) => ['LPUSH', key, `n${i}`]) }) },
  { name: 'RPOP', kind: 'list', drains: true, writes: (key, _, n) => ({ main: times(n, () => ['RPOP', key]) }) },
  { name: 'LPOP', kind: 'list', drains: true, writes: (key, _, n) => ({ main: times(n, () => ['LPOP', key]) }) },
  { name: 'LMOVE', kind: 'list', writes: (key, _, n) => ({ main: times(n, () => ['LMOVE', key, key, 'RIGHT', 'LEFT']) }) },
  // The list is never empty, so BRPOP is served at once; the master replicates it as RPOP either way.
  {
    name: 'LPUSH+BRPOP', kind: 'list',
    writes: (key, _, n) => ({ main: times(n / 2, (i) => ['LPUSH', key, `n${i}`]), second: times(n / 2, () => ['BRPOP', key, 0]) }),
  },
  { name: 'LPUSH+LTRIM', kind: 'list', writes: (key, size, n) => ({ main: pairs(n, (i) => [['LPUSH', key, `n${i}`], ['LTRIM', key, 0, size - 1]]) }) },
  { name: 'ZADD', kind: 'zset', writes: (key, size, n) => ({ main: times(n, (i) => ['ZADD', key, spread(i, size) + 0.5, `n${i}`]) }) },
  { name: 'ZINCRBY', kind: 'zset', writes: (key, size, n) => ({ main: times(n, (i) => ['ZINCRBY', key, 1, `m${spread(i, size)}`]) }) },
  { name: 'ZPOPMIN', kind: 'zset', drains: true, writes: (key, _, n) => ({ main: times(n, () => ['ZPOPMIN', key]) }) },
  { name: 'ZADD+ZPOPMIN', kind: 'zset', writes: (key, size, n) => ({ main: pairs(n, (i) => [['ZADD', key, spread(i, size) + 0.5, `n${i}`], ['ZPOPMIN', key]]) }) },
  { name: 'ZREMRANGEBYRANK', kind: 'zset', drains: true, writes: (key, _, n) => ({ main: times(n, () => ['ZREMRANGEBYRANK', key, 0, 0]) }) },
  // A sliding window of `size` scores: each new one at the top, the oldest removed by score.
  {
    name: 'ZREMRANGEBYSCORE window', kind: 'zset',
    writes: (key, size, n) => ({ main: pairs(n, (i) => [['ZADD', key, size + i, `n${i}`], ['ZREMRANGEBYSCORE', key, '-inf', i]]) }),
  },
  { name: 'HSET/HDEL', kind: 'hash', writes: (key, size, n) => ({ main: pairs(n, (i) => [['HSET', key, `n${i}`, 'v'], ['HDEL', key, oldest(i, size, 'f', 'n')]]) }) },
  { name: 'SADD/SREM', kind: 'set', writes: (key, size, n) => ({ main: pairs(n, (i) => [['SADD', key, `n${i}`], ['SREM', key, oldest(i, size, 'm', 'n')]]) }) },
  { name: 'XADD MAXLEN', kind: 'stream', writes: (key, size, n) => ({ main: times(n, () => ['XADD', key, 'MAXLEN', size, '*', 'f', 'v']) }) },
  { name: 'XTRIM', kind: 'stream', drains: true, writes: (key, size, n) => ({ main: times(n, (i) => ['XTRIM', key, 'MAXLEN', size + n - 1 - i]) }) },
  { name: 'SETRANGE', kind: 'string', writes: (key, size, n) => ({ main: times(n, (i) => ['SETRANGE', key, spread(i, size), `w${i % 10}`]) }) },
  { name: 'APPEND', kind: 'string', writes: (key, _, n) => ({ main: times(n, () => ['APPEND', key, 'ab']) }) },
  { name: 'SETBIT', kind: 'string', writes: (key, size, n) => ({ main: times(n, (i) => ['SETBIT', key, spread(i, size * 8), (i >> 1) & 1 ? 1 : 0]) }) },
];

// Builds `count` elements in one key, 1,000 per command, a bounded slice per EVAL (the master stays responsive between them).
const POPULATE = `
  local kind, key, from, to = ARGV[1], KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3])
  local batch = {}
  local cmd = ({list = 'RPUSH', set = 'SADD', zset = 'ZADD', hash = 'HSET'})[kind]
  for i = from, to - 1 do
    if kind == 'stream' then
      redis.call('XADD', key, (i + 1) .. '-0', 'f', 'v')
    elseif kind == 'zset' then
      batch[#batch + 1] = i; batch[#batch + 1] = 'm' .. i
    elseif kind == 'hash' then
      batch[#batch + 1] = 'f' .. i; batch[#batch + 1] = 'v'
    else
      batch[#batch + 1] = (kind == 'list' and 'e' or 'm') .. i
    end
    if #batch >= 2000 then redis.call(cmd, key, unpack(batch)); batch = {} end
  end
  if #batch > 0 then redis.call(cmd, key, unpack(batch)) end
  return to - from`;

/** Elements 0..count-1 of `kind` in `key` (a string: `count` bytes). */
export async function populate(m: RedisClient, kind: Kind, key: string, count: number): Promise<void> {
  if (kind === 'string') {
    await m.call('SETRANGE', key, count - 1, 'x');
    return;
  }
  const slice = 100_000;
  for (let from = 0; from < count; from += slice) {
    await m.call('EVAL', POPULATE, 1, key, kind, from, Math.min(count, from + slice));
  }
}

export interface Writes {
  main: Cmd[];
  second?: Cmd[];
}

/**
 * Preloads `key` for `n` writes of `family` on a collection of `size`, and
 * returns the writes. A family that drains spreads its writes round robin over
 * ceil(n / size) keys (`key:0`, `key:1`, …) of size + n / keys elements each, so
 * every write meets between size and 2 × size elements: one key of size + n
 * would make a small size as big as n.
 */
export async function prepare(m: RedisClient, family: Family, key: string, size: number, n: number): Promise<Writes> {
  if (!family.drains) {
    await populate(m, family.kind, key, size);
    return family.writes(key, size, n);
  }
  const keys = Math.ceil(n / size);
  const perKey = Math.ceil(n / keys);
  const lists: Cmd[][] = [];
  for (let j = 0; j < keys; j++) {
    const k = keys === 1 ? key : `${key}:${j}`;
    await populate(m, family.kind, k, size + perKey);
    lists.push(family.writes(k, size, perKey).main);
  }
  const main: Cmd[] = [];
  for (let i = 0; i < perKey; i++) for (const l of lists) if (main.length < n) main.push(l[i]!);
  return { main };
}
