// Command semantics on edge cases, side by side with a real redis-server: every
// write must succeed where redis-server succeeds and fail with its exact error
// text where it fails, and afterwards the data (values, encodings, expiry) must
// be the same. Reads in the sequences compare replies.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { Keyspace } from '../../src/keyspace/keyspace';
import { applyWrite, runRead, WRITE_COMMAND_NAMES } from '../../src/keyspace/commands/registry';
import type { RedisClient } from '../../src/net/redisClient';
import { differential, normalizeValue } from '../support/keyspaceHarness';
import { RedisServer } from '../support/redisServer';

let server: RedisServer;
let client: RedisClient;

before(async () => {
  server = await RedisServer.start();
  client = await server.client({ returnBuffers: true });
});

after(async () => {
  client.close();
  await server.stop();
});

const x = (n: number, c = 'x'): string => c.repeat(n);
const range = (n: number, f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();
const future = (s: number): string => String(Date.now() + s * 1000);

async function same(cmds: (string | Buffer)[][]): Promise<void> {
  assert.deepEqual(await differential(client, cmds), []);
}

describe('strings', () => {
  test('SET options, option conflicts and expire-time errors give redis-server texts', () => same([
    ['SET', 'k', 'v', 'EX', '0'], ['SET', 'k', 'v', 'EX', 'abc'], ['SET', 'k', 'v', 'NX', 'XX'],
    ['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'], ['SET', 'k', 'v', 'EX', '10', 'PX', '10'], ['SET', 'k', 'v', 'EX'],
    ['SET', 'k', 'v', 'EX', '9223372036854775807'], ['SET', 'k', 'v', 'PX', '9223372036854775807'],
    ['SET', 'k', 'v', 'PXAT', future(100)], ['SET', 'k', 'v2', 'KEEPTTL'], ['SET', 'k', 'v3', 'XX', 'GET'],
    ['SET', 'new', 'v', 'XX'], ['SET', 'k', 'v4', 'NX'], ['RPUSH', 'l', 'a'], ['SET', 'l', 'v', 'GET'],
    ['SET', 'k2', 'v', 'EXAT', String(Math.floor(Date.now() / 1000) + 1000)], ['SET', 'k2', 'v', 'ex', '5', 'ex', '50'],
    ['SETEX', 'e', '-1', 'v'], ['SETEX', 'e', '100', 'v'], ['PSETEX', 'p', '0', 'v'], ['PSETEX', 'p', '100000', 'v'],
    ['SETNX', 'k', 'other'], ['SETNX', 'n1', 'v'], ['GETSET', 'l', 'v'], ['GETSET', 'e', 'fresh'],
    ['GETDEL', 'l'], ['GETDEL', 'k2'], ['GETEX', 'k', 'PERSIST', 'EX', '1'], ['GETEX', 'k', 'EX', '0'],
    ['GETEX', 'k', 'PX', '100000'], ['GETEX', 'p', 'PERSIST'], ['GETEX', 'l', 'EX', '5'],
    ['MSET', 'a', '1', 'b'], ['MSET', 'a', '1', 'b', '2'], ['MSETNX', 'a', '3', 'c', '4'], ['MSETNX', 'c', '3', 'd', '4'],
    ['GET', 'a'], ['GET', 'l'], ['MGET', 'a', 'l', 'nope', 'c'], ['STRLEN', 'k'], ['GETRANGE', 'k', '0', '-2'],
    ['GETRANGE', 'k', '-1', '-5'], ['GETRANGE', 'k', 'x', '1'], ['GETRANGE', 'nope', '0', '1'],
  ]));

  test('INCR family: integer rules, overflow and TTL kept', () => same([
    ['SET', 'n', '9223372036854775806', 'PX', '100000'], ['INCR', 'n'], ['INCR', 'n'], ['DECRBY', 'n', '-9223372036854775808'],
    ['SET', 's', ' 1'], ['INCR', 's'], ['SET', 's', '01'], ['INCR', 's'], ['SET', 's', '-0'], ['INCRBY', 's', '1'],
    ['INCRBY', 'm', '+1'], ['INCRBY', 'm', '-5'], ['DECR', 'm'], ['DECRBY', 'm', '9223372036854775807'], ['DECRBY', 'm', '9223372036854775807'],
    ['RPUSH', 'l', 'a'], ['INCR', 'l'], ['SET', 'big', '99999999999999999999'], ['INCR', 'big'],
  ]));

  test('INCRBYFLOAT and HINCRBYFLOAT format the long double sum as redis-server does', async () => {
    const incs = ['0.1', '0.2', '1e400', '-1e400', '3.0e3', '0.3333333333333333', '-0.0', '5.0e-5', '1e17', '1', '0x10', '1.5e-10',
      '123456789.123456789', '-123456789.123456789', '2.5', 'inf', '-inf', 'nan', ' 1', '1e-5000', '1e5000', '', 'abc', '1e308', '1e308'];
    await same(incs.map((i) => ['INCRBYFLOAT', 'f', i]));
    await same(incs.map((i) => ['HINCRBYFLOAT', 'h', 'f', i]));
    await same([['SET', 'f', '1.5', 'PX', '100000'], ['INCRBYFLOAT', 'f', '1'], ['SET', 'g', ' 2'], ['INCRBYFLOAT', 'g', '1'],
      ['SET', 'g', '10'], ['INCRBYFLOAT', 'g', '-10'], ['HSET', 'h', 'x', 'abc'], ['HINCRBYFLOAT', 'h', 'x', '1'], ['HINCRBY', 'h', 'x', '1']]);
  });

  test('APPEND and SETRANGE pad, grow and leave raw strings', () => same([
    ['APPEND', 'a', '12'], ['APPEND', 'a', '3'], ['APPEND', 'e', ''], ['SETRANGE', 'r', '5', 'xy'], ['SETRANGE', 'r', '-1', 'x'],
    ['SETRANGE', 'r', 'a', 'x'], ['SETRANGE', 'z', '3', ''], ['SET', 'i', '12'], ['SETRANGE', 'i', '0', ''], ['SETRANGE', 'i', '1', '3'],
    ['RPUSH', 'l', 'a'], ['APPEND', 'l', 'x'], ['SETRANGE', 'l', '0', 'x'],
  ]));
});

describe('encodings at the limits', () => {
  test('strings: int, embstr up to 44 bytes, raw beyond', () => same([
    ['SET', 'a', '123'], ['SET', 'b', '-0'], ['SET', 'c', '9223372036854775807'], ['SET', 'd', '9223372036854775808'],
    ['SET', 'e', x(44)], ['SET', 'f', x(45)], ['SET', 'g', '007'], ['SET', 'h', '12345678901234567890'], ['INCRBYFLOAT', 'i', '2'],
    ['SET', 'j', '5'], ['APPEND', 'j', '1'], ['SET', 'k', 'ab'], ['SETBIT', 'k', '0', '0'], ['SET', 'l', '1'], ['INCR', 'l'],
  ]));

  test('hashes: listpack up to 512 fields (the built-in default) and 64-byte fields/values, and they stay hashtable', () => same([
    ['HSET', 'h512', ...range(512, (i) => [`f${i}`, 'v'])], ['HSET', 'h513', ...range(513, (i) => [`f${i}`, 'v'])],
    ['HSET', 'v64', 'f', x(64)], ['HSET', 'v65', 'f', x(65)], ['HSET', 'k65', x(65), 'v'], ['HDEL', 'v65', 'f', 'g'],
    ['HSET', 'v65', 'a', '1'], ['HDEL', 'h513', ...range(100, (i) => [`f${i}`])], ['HSET', 'nx', 'f', 'v'],
    ['HSETNX', 'nx', 'f', x(70)], ['HSETNX', 'nx', 'g', x(70)], ['HSET', 'inc', 'f', '1'], ['HINCRBY', 'inc', x(70), '1'],
    ['HSET', 'odd', 'f'], ['HMSET', 'hm', 'a', '1', 'b', '2'], ['HGETALL', 'hm'], ['HGETALL', 'h512'], ['HDEL', 'hm', 'a', 'b'],
  ]));

  test('sets: intset up to 512 integers, hashtable after a string or the 513th member', () => same([
    ['SADD', 's512', ...range(512, (i) => [String(i)])], ['SADD', 's513', ...range(513, (i) => [String(i)])],
    ['SADD', 'str', '1', 'a'], ['SREM', 'str', 'a'], ['SADD', 'neg', '-5', '3', '-0'], ['SADD', 'big', '9223372036854775807', '-9223372036854775808'],
    ['SADD', 'big2', '9223372036854775808'], ['SINTERSTORE', 'dst', 's513', 's512'], ['SUNIONSTORE', 'u', 'neg', 'str'],
    ['SDIFFSTORE', 'd', 's512', 's513'], ['SREM', 's513', ...range(510, (i) => [String(i)])], ['SMOVE', 'str', 'neg', '1'],
    ['SMEMBERS', 's512'], ['SPOP', 'str', '0'], ['SPOP', 'neg', '10'], ['SPOP', 'x', '-1'], ['SPOP', 'a', '1', '2'],
  ]));

  test('sorted sets: listpack up to 128 members of 64 bytes, skiplist after, and it stays', () => same([
    ['ZADD', 'z128', ...range(128, (i) => [String(i), `m${i}`])], ['ZADD', 'z129', ...range(129, (i) => [String(i), `m${i}`])],
    ['ZADD', 'l64', '1', x(64)], ['ZADD', 'l65', '1', x(65)], ['ZREM', 'l65', x(65)], ['ZADD', 'l65', '1', 'a', '2', x(65)],
    ['ZREM', 'l65', x(65)], ['ZREMRANGEBYRANK', 'z129', '0', '100'], ['ZUNIONSTORE', 'u', '1', 'z129'],
    ['ZRANGESTORE', 'r', 'z128', '0', '-1'], ['ZRANGESTORE', 'r2', 'z129', '0', '200', 'BYSCORE', 'LIMIT', '0', '5'],
    ['ZADD', 'd', ...range(129, () => ['1', 'dup'])], ['ZADD', 'neg0', '-0', 'a'], ['ZADD', 'neg0big', '-0', x(70)], ['ZINCRBY', 'neg0big', '-0', x(70)], ['ZRANGE', 'z128', '0', '3', 'WITHSCORES'],
  ]));

  test('lists are quicklist in 7.0 whatever their size', () => same([['RPUSH', 'l', 'a'], ['RPUSH', 'big', ...range(300, (i) => [String(i)])]]));
});

describe('lists', () => test('pops with counts, LINSERT, LSET, LREM, LTRIM, LMOVE and blocking forms', () => same([
  ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a'], ['LPUSH', 'l', 'x', 'y'], ['LPUSHX', 'none', 'a'], ['RPUSHX', 'l', 'z'],
  ['LPOP', 'l', '0'], ['LPOP', 'l', '-1'], ['LPOP', 'l', 'x'], ['LPOP', 'l', '1', '2'], ['RPOP', 'l', '2'], ['LPOP', 'none', '2'],
  ['LINSERT', 'l', 'middle', 'a', 'q'], ['LINSERT', 'l', 'BEFORE', 'a', 'q'], ['LINSERT', 'l', 'after', 'nope', 'q'],
  ['LSET', 'l', '100', 'v'], ['LSET', 'none', '0', 'v'], ['LSET', 'l', '-1', 'last'], ['LSET', 'l', 'x', 'v'],
  ['LREM', 'l', '-1', 'a'], ['LREM', 'l', '1', 'b'], ['LREM', 'l', '0', 'q'], ['LRANGE', 'l', '0', '-1'],
  ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT'], ['LMOVE', 'l', 'm', 'up', 'down'], ['RPOPLPUSH', 'l', 'm'], ['BLMOVE', 'm', 'l', 'RIGHT', 'LEFT', '-1'],
  ['BLPOP', 'none', 'l', '0.01'], ['BRPOP', 'l', 'x'], ['LMPOP', '0', 'l', 'LEFT'], ['LMPOP', '2', 'none', 'l', 'RIGHT', 'COUNT', '2'],
  ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '0'], ['LTRIM', 'm', '1', '0'], ['LTRIM', 'l', '1', '-1'], ['LTRIM', 'l', 'a', '1'],
  ['LRANGE', 'l', '0', '-1'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', 'x'], ['LLEN', 'l'],
  ['RPUSH', 'p', 'a', 'b', 'a', 'c', 'a'], ['LPOS', 'p', 'a'], ['LPOS', 'p', 'a', 'RANK', '-1'], ['LPOS', 'p', 'a', 'COUNT', '0'],
  ['LPOS', 'p', 'a', 'RANK', '2', 'COUNT', '2'], ['LPOS', 'p', 'a', 'RANK', '0'], ['LPOS', 'p', 'a', 'MAXLEN', '-1'], ['LPOS', 'p', 'a', 'COUNT', '-1'],
  ['LPOS', 'p', 'a', 'MAXLEN', '2', 'COUNT', '0'], ['LPOS', 'none', 'a', 'COUNT', '1'], ['LPOS', 'p', 'a', 'FOO'],
])));

describe('keys', () => test('RENAME, COPY, MOVE, the EXPIRE family with NX/XX/GT/LT, PERSIST, SWAPDB, FLUSHDB', () => same([
  ['SET', 'a', '1'], ['RENAME', 'none', 'b'], ['RENAME', 'a', 'a'], ['RENAMENX', 'a', 'a'], ['SET', 'b', '2', 'PX', '200000'],
  ['RENAME', 'b', 'c'], ['RENAMENX', 'a', 'c'], ['COPY', 'c', 'c'], ['COPY', 'c', 'c', 'DB', '0'], ['COPY', 'c', 'd', 'DB', '99'],
  ['COPY', 'c', 'd', 'DB', 'x'], ['COPY', 'c', 'd', 'FOO'], ['COPY', 'c', 'a'], ['COPY', 'c', 'a', 'REPLACE'], ['COPY', 'c', 'c', 'DB', '1'],
  ['MOVE', 'a', '0'], ['MOVE', 'a', '16'], ['MOVE', 'a', 'x'], ['MOVE', 'a', '1'], ['MOVE', 'none', '1'],
  ['SET', 'e', '1'], ['EXPIRE', 'e', '100', 'NX', 'XX'], ['EXPIRE', 'e', '100', 'GT', 'LT'], ['EXPIRE', 'e', '100', 'FOO'],
  ['EXPIRE', 'e', 'x'], ['EXPIRE', 'e', '9223372036854775807'], ['PEXPIRE', 'e', '9223372036854775807'], ['EXPIRE', 'e', '100', 'XX'],
  ['EXPIRE', 'e', '100', 'GT'], ['EXPIRE', 'e', '100', 'LT'], ['EXPIRE', 'e', '200', 'NX'], ['EXPIRE', 'e', '50', 'GT'],
  ['EXPIRE', 'e', '300', 'GT'], ['EXPIRE', 'e', '400', 'LT'], ['PEXPIREAT', 'e', future(500), 'XX'], ['EXPIREAT', 'none', '1'],
  ['PERSIST', 'e'], ['PERSIST', 'e'], ['TTL', 'e'], ['PTTL', 'none'], ['EXPIRETIME', 'none'], ['TYPE', 'c'], ['EXISTS', 'c', 'c', 'none'],
  ['SWAPDB', '0', 'x'], ['SWAPDB', 'x', '0'], ['SWAPDB', '0', '16'], ['SWAPDB', '0', '1'], ['SWAPDB', '1', '0'],
  ['FLUSHDB', 'x'], ['FLUSHDB', 'ASYNC', 'SYNC'], ['FLUSHALL', 'SYNC', 'x'], ['DEL', 'none', 'c'], ['UNLINK', 'd'],
  ['OBJECT', 'ENCODING', 'a'], ['OBJECT', 'FOO', 'a'], ['OBJECT', 'ENCODING'], ['OBJECT', 'FREQ', 'a'], ['OBJECT', 'REFCOUNT', 'a'], ['DBSIZE'],
])));

describe('sorted sets', () => {
  test('ZADD flags, NaN, INCR and scores printed with %.17g', () => same([
    ['ZADD', 'z', '0.1', 'a'], ['ZINCRBY', 'z', '0.2', 'a'], ['ZSCORE', 'z', 'a'], ['ZADD', 'z', 'inf', 'i', '-inf', 'j', '1e400', 'k'],
    ['ZADD', 'z', 'nan', 'k'], ['ZADD', 'z', 'INCR', '-inf', 'i'], ['ZADD', 'z', 'NX', 'XX', '1', 'a'], ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
    ['ZADD', 'z', 'NX', 'GT', '1', 'a'], ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'], ['ZADD', 'z', '1'], ['ZADD', 'z', 'x', 'a'],
    ['ZADD', 'z', 'GT', '0', 'a'], ['ZADD', 'z', 'LT', 'CH', '0', 'a'], ['ZADD', 'z', 'XX', '5', 'new'], ['ZADD', 'none', 'XX', '1', 'a'],
    ['ZADD', 'z', '1e-7', 'e', '123456789012345678', 'f', '-0', 'g', '0x1p-3', 'h', '1.5e300', 'l'], ['ZINCRBY', 'z', 'x', 'a'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZMSCORE', 'z', 'a', 'nope', 'g'], ['ZRANK', 'z', 'a'], ['ZREVRANK', 'z', 'a'], ['ZCARD', 'z'],
  ]));

  test('ranges: BYSCORE/BYLEX/REV/LIMIT and their errors, the removals and pops', () => same([
    ['ZADD', 'z', '1', 'a', '2', 'b', '2', 'c', '3', 'd', '4', 'e', '5', 'f'], ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
    ['ZRANGE', 'z', '(1', '4', 'BYSCORE', 'LIMIT', '1', '2', 'WITHSCORES'], ['ZRANGE', 'z', '4', '(1', 'BYSCORE', 'REV'],
    ['ZRANGE', 'z', '0', '2', 'LIMIT', '0', '1'], ['ZRANGE', 'lex', '[b', '+', 'BYLEX', 'WITHSCORES'], ['ZRANGE', 'lex', '(b', '-', 'BYLEX', 'REV'],
    ['ZRANGE', 'lex', 'b', '+', 'BYLEX'], ['ZRANGE', 'z', 'x', '1', 'BYSCORE'], ['ZRANGE', 'z', '1', '2', 'BYSCORE', 'LIMIT', '-1', '2'],
    ['ZRANGE', 'z', '1', '9', 'BYSCORE', 'LIMIT', '2', '-1'], ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', '0', '3'],
    ['ZREVRANGEBYSCORE', 'z', '+inf', '(2'], ['ZRANGEBYLEX', 'lex', '-', '(c'], ['ZREVRANGEBYLEX', 'lex', '+', '[b'], ['ZREVRANGE', 'z', '0', '1'],
    ['ZRANGEBYSCORE', 'z', ' 2', '3'], ['ZRANGEBYSCORE', 'z', '', '3'], ['ZCOUNT', 'z', '(2', '4'], ['ZLEXCOUNT', 'lex', '[a', '(c'],
    ['ZREMRANGEBYSCORE', 'z', '(4', 'x'], ['ZREMRANGEBYSCORE', 'z', '(4', '+inf'], ['ZREMRANGEBYLEX', 'lex', '[a', '[b'], ['ZREMRANGEBYRANK', 'z', '-1', '-1'],
    ['ZPOPMIN', 'z', '-1'], ['ZPOPMIN', 'z', '0'], ['ZPOPMAX', 'z'], ['ZPOPMIN', 'z', '2'], ['BZPOPMIN', 'none', 'z', '0.01'],
    ['ZMPOP', '1', 'z', 'MAX', 'COUNT', '5'], ['ZMPOP', '0', 'z', 'MIN'], ['ZREM', 'lex', 'c', 'd', 'e'],
  ]));

  test('ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE/ZRANGESTORE with sets, weights, aggregates and NaN', () => same([
    ['ZADD', 'a', '1', 'x', '2', 'y', 'inf', 'z'], ['ZADD', 'b', '10', 'y', '0.1', 'x', '-inf', 'z'], ['SADD', 's', 'x', 'q'],
    ['ZUNIONSTORE', 'u', '3', 'a', 'b', 's'], ['ZUNIONSTORE', 'u2', '2', 'a', 'b', 'WEIGHTS', '0', '2', 'AGGREGATE', 'MAX'],
    ['ZINTERSTORE', 'i', '2', 'a', 'b', 'AGGREGATE', 'MIN'], ['ZINTERSTORE', 'i2', '2', 'a', 'b'], ['ZINTERSTORE', 'i3', '2', 'a', 'none'],
    ['ZUNIONSTORE', 'u3', '0', 'a'], ['ZUNIONSTORE', 'u3', '3', 'a'], ['ZUNIONSTORE', 'u3', '1', 'a', 'WEIGHTS', 'x'],
    ['ZUNIONSTORE', 'u3', '1', 'a', 'AGGREGATE', 'AVG'], ['ZDIFFSTORE', 'd', '2', 'a', 's'], ['ZDIFFSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '1'],
    ['RPUSH', 'l', 'x'], ['ZUNIONSTORE', 'u4', '2', 'a', 'l'], ['ZRANGESTORE', 'r', 'a', '0', '-1'], ['ZRANGESTORE', 'r', 'a', '5', '6'],
    ['ZRANGESTORE', 'r2', 'a', '(1', 'inf', 'BYSCORE', 'WITHSCORES'], ['ZRANGESTORE', 'r3', 'none', '0', '-1'],
    ['ZUNION', '2', 'a', 'b', 'WITHSCORES'], ['ZINTER', '2', 'a', 'b'], ['ZDIFF', '2', 'a', 's', 'WITHSCORES'],
  ]));
});

describe('sets and hashes', () => test('store commands, SMOVE and hash errors', () => same([
  ['SADD', 'a', '1', '2', '3', 'x'], ['SADD', 'b', '2', '3', '4'], ['SINTERSTORE', 'i', 'a', 'b'], ['SINTERSTORE', 'i', 'a', 'none'],
  ['SUNIONSTORE', 'u', 'a', 'b'], ['SDIFFSTORE', 'd', 'a', 'b', 'none'], ['SDIFFSTORE', 'd2', 'none', 'a'], ['SET', 'str', 'v'],
  ['SINTERSTORE', 'i', 'a', 'str'], ['SMOVE', 'a', 'b', 'x'], ['SMOVE', 'a', 'a', '1'], ['SMOVE', 'a', 'str', '1'], ['SMOVE', 'none', 'b', '1'],
  ['SISMEMBER', 'b', 'x'], ['SMISMEMBER', 'b', 'x', '9'], ['SCARD', 'b'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
  ['HSET', 'h', 'f'], ['HSET', 'str', 'f', 'v'], ['HINCRBY', 'h', 'f', 'x'], ['HSET', 'h', 'f', 'x'], ['HINCRBY', 'h', 'f', '1'],
  ['HSET', 'h', 'n', '9223372036854775807'], ['HINCRBY', 'h', 'n', '1'], ['HINCRBY', 'h', 'm', '-3'], ['HDEL', 'h', 'f', 'n', 'm'],
  ['HSET', 'g', 'a', '1', 'b', '2'], ['HGET', 'g', 'a'], ['HMGET', 'g', 'a', 'z'], ['HLEN', 'g'], ['HEXISTS', 'g', 'b'], ['HSTRLEN', 'g', 'a'],
  ['HKEYS', 'g'], ['HVALS', 'g'], ['HGET', 'str', 'a'],
])));

describe('bitmaps', () => test('SETBIT, BITOP, BITFIELD overflows and the bit reads', () => same([
  ['SETBIT', 'b', '7', '1'], ['SETBIT', 'b', '-1', '1'], ['SETBIT', 'b', '1', '2'], ['SETBIT', 'b', '4294967296', '1'], ['SETBIT', 'b', '100', '1'],
  ['SET', 'c', 'abc'], ['BITOP', 'AND', 'd', 'b', 'c'], ['BITOP', 'OR', 'd2', 'b', 'c', 'none'], ['BITOP', 'XOR', 'd3', 'b', 'c'],
  ['BITOP', 'NOT', 'd4', 'c'], ['BITOP', 'NOT', 'd4', 'b', 'c'], ['BITOP', 'NAND', 'd5', 'b'], ['BITOP', 'AND', 'd', 'none'],
  ['BITFIELD', 'f', 'SET', 'i8', '0', '-100', 'INCRBY', 'i8', '0', '-100', 'GET', 'u4', '0'],
  ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '8', '300', 'INCRBY', 'i5', '#3', '-40', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '100', '5'],
  ['BITFIELD', 'f', 'SET', 'u63', '0', '-1', 'SET', 'i64', '64', '-9223372036854775808', 'INCRBY', 'i64', '64', '-1'],
  ['BITFIELD', 'f', 'SET', 'u64', '0', '1'], ['BITFIELD', 'f', 'SET', 'i8', '-1', '1'], ['BITFIELD', 'f', 'OVERFLOW', 'MAYBE'],
  ['BITFIELD', 'f', 'INCRBY', 'i8', '0'], ['BITFIELD', 'f', 'GET', 'u8', '0'], ['BITFIELD', 'c', 'OVERFLOW', 'WRAP', 'INCRBY', 'u3', '2', '13'],
  ['BITFIELD_RO', 'f', 'GET', 'i8', '8', 'GET', 'u16', '#1'], ['BITFIELD_RO', 'f', 'SET', 'i8', '0', '1'],
  ['GETBIT', 'b', '7'], ['GETBIT', 'b', '9999'], ['BITCOUNT', 'c'], ['BITCOUNT', 'c', '1', '-1'], ['BITCOUNT', 'c', '3', '12', 'BIT'],
  ['BITCOUNT', 'c', '-1', '-3'], ['BITCOUNT', 'c', '0'], ['BITCOUNT', 'c', '0', '1', 'BOTH'], ['BITPOS', 'c', '1'], ['BITPOS', 'c', '0', '1'],
  ['BITPOS', 'c', '1', '2', '-1', 'BIT'], ['BITPOS', 'c', '0', '0', '-1'], ['SET', 'ones', '\xff\xff'], ['BITPOS', 'ones', '0'],
  ['BITPOS', 'ones', '0', '0', '-1'], ['BITPOS', 'none', '1'], ['BITPOS', 'c', '2'],
])));

describe('HyperLogLog', () => test('PFADD grows the sparse form, promotes to dense, PFMERGE and PFCOUNT refresh the cache byte for byte', async () => {
  const els = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
  await same([
    ['PFADD', 'h'], ['PFADD', 'h', 'a', 'b', 'c'], ['PFCOUNT', 'h'], ['PFADD', 'h', 'a'], ['PFADD', 'small', ...els(50, 's')],
    ['PFADD', 'big', ...els(3000, 'e')], ['PFCOUNT', 'big'], ['PFMERGE', 'm', 'h', 'small'], ['PFMERGE', 'm2', 'small', 'big'],
    ['PFCOUNT', 'm'], ['PFCOUNT', 'h', 'big'], ['SET', 'str', 'x'], ['PFADD', 'str', 'a'], ['PFCOUNT', 'str'], ['PFMERGE', 'm', 'str'],
    ['PFADD', 'big', ...els(200, 'f')], ['PFCOUNT', 'big'],
  ]);
}));

describe('geo', () => test('GEOADD, GEOSEARCHSTORE, GEORADIUS STORE/STOREDIST and the geo reads', () => same([
  ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania', '12.4964', '41.9028', 'Rome'],
  ['GEOADD', 'g', 'NX', '200', '10', 'bad'], ['GEOADD', 'g', 'XX', 'NX', '1', '1', 'x'], ['GEOADD', 'g', '1', '2'],
  ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '400', '400', 'km', 'ASC', 'COUNT', '2', 'STOREDIST'],
  ['GEOSEARCHSTORE', 'd2', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'], ['GEOSEARCHSTORE', 'd3', 'g', 'FROMLONLAT', '15', '37'],
  ['GEORADIUS', 'g', '15', '37', '500', 'mi', 'STOREDIST', 'd4'], ['GEORADIUSBYMEMBER', 'g', 'Rome', '1000', 'km', 'STORE', 'd5'],
  ['GEORADIUS', 'none', '15', '37', '5', 'km', 'STORE', 'd5'], ['GEORADIUS', 'g', '15', '37', '5', 'parsec'],
  ['GEOPOS', 'g', 'Palermo', 'nope'], ['GEODIST', 'g', 'Palermo', 'Catania', 'km'], ['GEODIST', 'g', 'Palermo', 'Rome'],
  ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '300', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH', 'ASC'],
  ['GEORADIUS_RO', 'g', '15', '37', '1000', 'km', 'DESC', 'COUNT', '2'], ['GEORADIUS_RO', 'g', '15', '37', '1000', 'km', 'STORE', 'x'],
])));

describe('replica-only behaviour', () => {
  test('a write arriving with a time already past keeps the key, hidden from reads until the master sends DEL', () => {
    const ks = new Keyspace(16);
    const ctx = { ks, db: 0, now: Date.now() };
    assert.deepEqual(applyWrite(ctx, ['SET', 'k', 'v', 'PXAT', String(ctx.now - 1000)]), { kind: 'ok' });
    assert.deepEqual(applyWrite(ctx, ['SET', 'j', 'v']), { kind: 'ok' });
    assert.deepEqual(applyWrite(ctx, ['PEXPIREAT', 'j', String(ctx.now - 5)]), { kind: 'ok' });
    assert.equal(ks.db(0).size, 2);
    assert.deepEqual(normalizeValue(runRead(ctx, ['GET', 'k'])), null);
    assert.deepEqual(normalizeValue(runRead(ctx, ['EXISTS', 'k', 'j'])), 0);
    assert.deepEqual(normalizeValue(runRead(ctx, ['DBSIZE'])), 2);
    applyWrite(ctx, ['DEL', 'k']);
    assert.equal(ks.db(0).size, 1);
  });

  test('SPOP that picks at random is a divergence naming the key; RESTORE of an aggregate applies', async () => {
    const ks = new Keyspace(16);
    const ctx = { ks, db: 0, now: Date.now() };
    applyWrite(ctx, ['SADD', 's', 'a', 'b', 'c']);
    const spop = applyWrite(ctx, ['SPOP', 's', '1']);
    assert.equal(spop.kind, 'diverged');
    assert.deepEqual(spop.kind === 'diverged' && spop.keys, ['s']);
    assert.deepEqual(applyWrite(ctx, ['SPOP', 's', '3']), { kind: 'ok' });
    await client.send('RPUSH', 'list', 'a');
    const dump = (await client.send('DUMP', 'list')) as Buffer;
    assert.deepEqual(applyWrite(ctx, ['RESTORE', 'copy', '0', dump.toString('latin1')]), { kind: 'ok' });
    assert.deepEqual(normalizeValue(runRead(ctx, ['LRANGE', 'copy', '0', '-1'])), ['a']);
    await client.send('SET', 'str', 'hello world');
    const sdump = (await client.send('DUMP', 'str')) as Buffer;
    assert.deepEqual(applyWrite(ctx, ['RESTORE', 'str', '0', sdump.toString('latin1')]), { kind: 'ok' });
    assert.deepEqual(normalizeValue(runRead(ctx, ['GET', 'str'])), 'hello world');
    assert.deepEqual(applyWrite(ctx, ['RESTORE', 'str', '0', sdump.toString('latin1')]), { kind: 'error', error: 'BUSYKEY Target key name already exists.' });
    assert.deepEqual(applyWrite(ctx, ['RESTORE', 'x', '0', 'garbage']), { kind: 'error', error: 'ERR DUMP payload version or checksum are wrong' });
  });

  test('a lex range over a skiplist with mixed scores is a divergence; over a listpack or equal scores it applies', () => {
    const ks = new Keyspace(16);
    const ctx = { ks, db: 0, now: Date.now() };
    applyWrite(ctx, ['ZADD', 'big', ...range(200, (i) => [String(i % 7), `m${i}`])]);
    const r = applyWrite(ctx, ['ZREMRANGEBYLEX', 'big', '[m5', '[m6']);
    assert.equal(r.kind, 'diverged');
    assert.equal(applyWrite(ctx, ['ZRANGESTORE', 'dst', 'big', '[m5', '[m6', 'BYLEX']).kind, 'diverged');
    applyWrite(ctx, ['ZADD', 'small', '2', 'a', '1', 'b', '3', 'c']);
    assert.deepEqual(applyWrite(ctx, ['ZREMRANGEBYLEX', 'small', '[b', '[c']), { kind: 'ok' });
    applyWrite(ctx, ['ZADD', 'flat', ...range(200, (i) => ['0', `m${i}`])]);
    assert.deepEqual(applyWrite(ctx, ['ZREMRANGEBYLEX', 'flat', '[m1', '[m3']), { kind: 'ok' });
  });

  test('client writes on the replica port answer READONLY, after the arity check', () => {
    const ctx = { ks: new Keyspace(16), db: 0, now: Date.now() };
    assert.deepEqual(normalizeValue(runRead(ctx, ['set', 'k', 'v'])), { error: "READONLY You can't write against a read only replica." });
    assert.deepEqual(normalizeValue(runRead(ctx, ['SET', 'k'])), { error: "ERR wrong number of arguments for 'set' command" });
    assert.deepEqual(normalizeValue(runRead(ctx, ['XADD', 's', '*', 'a', '1'])), { error: "READONLY You can't write against a read only replica." });
    assert.ok(WRITE_COMMAND_NAMES.has('geosearchstore') && !WRITE_COMMAND_NAMES.has('pfcount') && !WRITE_COMMAND_NAMES.has('get'));
  });
});
