// The write families of bench/complexity.ts: for a collection of `size`
// elements, the preload and the writes, chosen so that every write changes
// the dataset (a no-op is not replicated) and the collection keeps about
// `size` elements while they run.
import type { RedisClient } from '../src/net/redisClient';

export type Cmd = (string | number)[];

export type Kind = 'list' | 'zset' | 'hash' | 'set' | 'stream' | 'string';

export interface Family {
  name: string;
  kind: Kind;
  /** Pops and trims: the preload is size + writes, so the last write still meets `size` elements. */
  drains?: boolean;
  /** The writes, on one connection, and (LPUSH+BRPOP) those a second connection sends at the same time. */
  writes(size: number, n: number): { main: Cmd[]; second?: Cmd[] };
}

export const KEY: Record<Kind, string> = { list: 'bench:list', zset: 'bench:zset', hash: 'bench:hash', set: 'bench:set', stream: 'bench:stream', string: 'bench:string' };

/** i-th of a permutation of 0..size-1 (7919 is prime and divides none of the sizes used), so writes land all over the collection. */
const spread = (i: number, size: number): number => (i * 7919) % size;
const times = (n: number, f: (i: number) => Cmd): Cmd[] => Array.from({ length: n }, (_, i) => f(i));
/** Pairs of writes, n in all. */
const pairs = (n: number, f: (i: number) => [Cmd, Cmd]): Cmd[] => Array.from({ length: Math.floor(n / 2) }, (_, i) => f(i)).flat();
/** The oldest element still there after i adds of new elements and i removals, in a window of `size`: the preload first, then the new ones. */
const oldest = (i: number, size: number, preloaded: string, added: string): string => (i < size ? `${preloaded}${i}` : `${added}${i - size}`);

const { list: L, zset: Z, hash: H, set: S, stream: X, string: B } = KEY;

export const FAMILIES: Family[] = [
  { name: 'LPUSH', kind: 'list', writes: (_, n) => ({ main: times(n, (i) => ['LPUSH', L, `n${i}`]) }) },
  { name: 'RPOP', kind: 'list', drains: true, writes: (_, n) => ({ main: times(n, () => ['RPOP', L]) }) },
  { name: 'LPOP', kind: 'list', drains: true, writes: (_, n) => ({ main: times(n, () => ['LPOP', L]) }) },
  { name: 'LMOVE', kind: 'list', writes: (_, n) => ({ main: times(n, () => ['LMOVE', L, L, 'RIGHT', 'LEFT']) }) },
  // The list is never empty, so BRPOP is served at once; the master replicates it as RPOP either way.
  {
    name: 'LPUSH+BRPOP', kind: 'list',
    writes: (_, n) => ({ main: times(n / 2, (i) => ['LPUSH', L, `n${i}`]), second: times(n / 2, () => ['BRPOP', L, 0]) }),
  },
  { name: 'LPUSH+LTRIM', kind: 'list', writes: (size, n) => ({ main: pairs(n, (i) => [['LPUSH', L, `n${i}`], ['LTRIM', L, 0, size - 1]]) }) },
  { name: 'ZADD', kind: 'zset', writes: (size, n) => ({ main: times(n, (i) => ['ZADD', Z, spread(i, size) + 0.5, `n${i}`]) }) },
  { name: 'ZINCRBY', kind: 'zset', writes: (size, n) => ({ main: times(n, (i) => ['ZINCRBY', Z, 1, `m${spread(i, size)}`]) }) },
  { name: 'ZPOPMIN', kind: 'zset', drains: true, writes: (_, n) => ({ main: times(n, () => ['ZPOPMIN', Z]) }) },
  { name: 'ZADD+ZPOPMIN', kind: 'zset', writes: (size, n) => ({ main: pairs(n, (i) => [['ZADD', Z, spread(i, size) + 0.5, `n${i}`], ['ZPOPMIN', Z]]) }) },
  { name: 'ZREMRANGEBYRANK', kind: 'zset', drains: true, writes: (_, n) => ({ main: times(n, () => ['ZREMRANGEBYRANK', Z, 0, 0]) }) },
  // A sliding window of `size` scores: each new one at the top, the oldest removed by score.
  {
    name: 'ZREMRANGEBYSCORE window', kind: 'zset',
    writes: (size, n) => ({ main: pairs(n, (i) => [['ZADD', Z, size + i, `n${i}`], ['ZREMRANGEBYSCORE', Z, '-inf', i]]) }),
  },
  { name: 'HSET/HDEL', kind: 'hash', writes: (size, n) => ({ main: pairs(n, (i) => [['HSET', H, `n${i}`, 'v'], ['HDEL', H, oldest(i, size, 'f', 'n')]]) }) },
  { name: 'SADD/SREM', kind: 'set', writes: (size, n) => ({ main: pairs(n, (i) => [['SADD', S, `n${i}`], ['SREM', S, oldest(i, size, 'm', 'n')]]) }) },
  { name: 'XADD MAXLEN', kind: 'stream', writes: (size, n) => ({ main: times(n, () => ['XADD', X, 'MAXLEN', size, '*', 'f', 'v']) }) },
  { name: 'XTRIM', kind: 'stream', drains: true, writes: (size, n) => ({ main: times(n, (i) => ['XTRIM', X, 'MAXLEN', size + n - 1 - i]) }) },
  { name: 'SETRANGE', kind: 'string', writes: (size, n) => ({ main: times(n, (i) => ['SETRANGE', B, spread(i, size), `w${i % 10}`]) }) },
  { name: 'APPEND', kind: 'string', writes: (_, n) => ({ main: times(n, () => ['APPEND', B, 'ab']) }) },
  { name: 'SETBIT', kind: 'string', writes: (size, n) => ({ main: times(n, (i) => ['SETBIT', B, spread(i, size * 8), (i >> 1) & 1 ? 1 : 0]) }) },
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

/** Elements 0..count-1 of `kind` in its key (a string: `count` bytes). */
export async function populate(m: RedisClient, kind: Kind, count: number): Promise<void> {
  if (kind === 'string') {
    await m.call('SETRANGE', KEY.string, count - 1, 'x');
    return;
  }
  const slice = 100_000;
  for (let from = 0; from < count; from += slice) {
    await m.call('EVAL', POPULATE, 1, KEY[kind], kind, from, Math.min(count, from + slice));
  }
}
