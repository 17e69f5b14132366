// Datasets built on a real redis-server with commands (never hand-written RDB
// bytes): every type in every encoding Redis 7.0 writes, and a seeded random
// write workload across types and databases.
import type { RedisClient } from '../../src/net/redisClient';

type Command = (string | number | Buffer)[];

/** Every type and encoding a 7.0 master writes to an RDB, in several databases. */
export function everyEncoding(): Command[] {
  const c: Command[] = [];
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  // strings: int, embstr, raw, LZF-compressible, binary, non-ASCII, empty, integer beyond int32
  c.push(['SET', 's:int', '12345'], ['SET', 's:neg', '-3000'], ['SET', 's:embstr', 'hello'], ['SET', 's:raw', 'r'.repeat(60)]);
  c.push(['SET', 's:lzf', 'a'.repeat(5000)], ['SET', 's:bin', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a])]);
  c.push(['SET', 's:utf8', 'héllo wörld ✓ 日本'], ['SET', 's:empty', ''], ['SET', 's:bigint', '12345678901']);
  c.push(['SET', 's:float', '3.14159'], ['SETBIT', 's:bits', 1000, 1], ['PFADD', 's:hll', ...range(50).map((i) => `e${i}`)]);
  // lists: listpack, quicklist of many nodes, a plain node (an element larger than the node size)
  c.push(['RPUSH', 'l:small', 'a', 'b', 1, 2, 300, -70000]);
  c.push(['RPUSH', 'l:big', ...range(2000).map((i) => `item-${i}`)]);
  c.push(['RPUSH', 'l:hugeel', 'x'.repeat(10000), 'small', 'y'.repeat(70000)]);
  // sets: intsets of 16, 32 and 64-bit integers, a listpack-free hashtable set, a large intset turned hashtable
  c.push(['SADD', 'set:i16', 1, 2, 3, -5], ['SADD', 'set:i32', 1, 70000, -70000], ['SADD', 'set:i64', 1, 2 ** 40, -(2 ** 40)]);
  c.push(['SADD', 'set:str', 'apple', 'banana', 'cherry'], ['SADD', 'set:bigint', ...range(600)]);
  c.push(['SADD', 'set:big', ...range(300).map((i) => `m${i}`)]);
  // hashes: listpack, hashtable by count, hashtable by value size
  c.push(['HSET', 'h:small', 'f1', 'v1', 'f2', '2', 'f3', '-3']);
  c.push(['HSET', 'h:big', ...range(300).flatMap((i) => [`field:${i}`, `v${i}`])]);
  c.push(['HSET', 'h:longval', 'f', 'v'.repeat(100)]);
  // zsets: listpack (int, float and text scores), skiplist by count, by member size, special scores
  c.push(['ZADD', 'z:small', 1, 'a', 2.5, 'b', -3, 'c', 1e-7, 'd', 12345678.125, 'e']);
  c.push(['ZADD', 'z:big', ...range(200).flatMap((i) => [i * 1.5, `z${i}`])]);
  c.push(['ZADD', 'z:longmember', 1, 'm'.repeat(100)], ['ZADD', 'z:inf', 'inf', 'top', '-inf', 'bottom', 0, 'zero']);
  c.push(['GEOADD', 'geo', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania']);
  // streams: entries, deletions, groups, consumers, pending entries
  for (let i = 1; i <= 20; i++) c.push(['XADD', 'st', `${i}-0`, 'f', `v${i}`, 'n', i]);
  c.push(['XADD', 'st', '21-0', 'other', 'shape']);
  c.push(['XDEL', 'st', '5-0'], ['XGROUP', 'CREATE', 'st', 'g1', '0'], ['XGROUP', 'CREATE', 'st', 'g2', '$']);
  c.push(['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', 3, 'STREAMS', 'st', '>']);
  c.push(['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', 2, 'STREAMS', 'st', '>'], ['XACK', 'st', 'g1', '2-0']);
  c.push(['XADD', 'st:trimmed', 'MAXLEN', 3, '*', 'a', 1], ['XADD', 'st:trimmed', 'MAXLEN', 3, '*', 'a', 2]);
  // expiring keys, a key in several databases, a functions library
  c.push(['SET', 'e:1', 'v', 'PX', 3_600_000], ['HSET', 'e:h', 'a', 1], ['PEXPIRE', 'e:h', 7_200_000]);
  c.push(['SELECT', 2], ['SET', 'db2key', 'x'], ['RPUSH', 'db2list', 1, 2], ['SELECT', 15], ['SADD', 'db15set', 'q']);
  c.push(['SELECT', 0]);
  c.push(['FUNCTION', 'LOAD', "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)"]);
  return c;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same workload. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random write across all types and four databases, as a list of commands. */
export function randomWrite(rand: () => number): Command[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const n = (max: number): number => Math.floor(rand() * max);
  const key = (t: string): string => `${t}:${n(12)}`;
  const db: Command = ['SELECT', pick([0, 0, 1, 3])];
  const ops: (() => Command[])[] = [
    () => [['SET', key('s'), `v${n(1000)}`]],
    () => [['SET', key('s'), 'x'.repeat(n(100)), 'PX', 1 + n(200)]],
    () => [['INCRBY', key('c'), n(100) - 50]],
    () => [['INCRBYFLOAT', key('f'), (rand() * 10 - 5).toFixed(3)]],
    () => [['APPEND', key('s'), 'tail']],
    () => [['SETRANGE', key('s'), n(20), 'mid']],
    () => [['DEL', key(pick(['s', 'l', 'h', 'z', 'set']))]],
    () => [['EXPIRE', key(pick(['s', 'l', 'h'])), 1 + n(3)]],
    () => [['PERSIST', key('s')]],
    () => [['RENAME', key('s'), key('s')]],
    () => [['LPUSH', key('l'), `e${n(50)}`, `e${n(50)}`]],
    () => [['RPUSH', key('l'), ...Array.from({ length: n(20) }, () => n(1000))]],
    () => [['LPOP', key('l')]],
    () => [['LTRIM', key('l'), 0, n(10)]],
    () => [['LREM', key('l'), 0, `e${n(50)}`]],
    () => [['HSET', key('h'), `f${n(200)}`, `v${n(100)}`]],
    () => [['HINCRBY', key('h'), `n${n(5)}`, n(10)]],
    () => [['HDEL', key('h'), `f${n(200)}`]],
    () => [['SADD', key('set'), n(1000), n(100000)]],
    () => [['SADD', key('set'), `m${n(300)}`]],
    () => [['SREM', key('set'), n(1000)]],
    () => [['SPOP', key('set')]],
    () => [['SINTERSTORE', key('set'), key('set'), key('set')]],
    () => [['ZADD', key('z'), (rand() * 100 - 50).toFixed(2), `m${n(200)}`]],
    () => [['ZINCRBY', key('z'), 1.5, `m${n(200)}`]],
    () => [['ZREM', key('z'), `m${n(200)}`]],
    () => [['ZPOPMIN', key('z')]],
    () => [['ZUNIONSTORE', key('z'), 2, key('z'), key('z')]],
    () => [['XADD', key('st'), '*', 'f', n(100)]],
    () => [['XTRIM', key('st'), 'MAXLEN', n(10)]],
    () => [['MULTI'], ['SET', key('s'), 'tx'], ['LPUSH', key('l'), 'tx'], ['EXEC']],
    () => [['EVAL', "redis.call('set', KEYS[1], ARGV[1]); redis.call('incr', KEYS[2]); return 1", 2, key('s'), key('c'), `lua${n(10)}`]],
    () => [['PFADD', key('hll'), `e${n(500)}`]],
    () => [['SETBIT', key('b'), n(2000), n(2)]],
    () => (rand() < 0.1 ? [['FLUSHDB']] : [['SET', key('s'), 'rare']]),
    () => (rand() < 0.2 ? [['SWAPDB', pick([0, 1]), pick([1, 3])]] : [['SET', key('s'), 'rare2']]),
  ];
  return [db, ...pick(ops)()];
}

/** Sends commands in one pipeline; error replies (WRONGTYPE…) are part of the workload. */
export async function run(client: RedisClient, commands: Command[]): Promise<void> {
  await client.pipeline(commands);
}
