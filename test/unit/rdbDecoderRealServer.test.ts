// An RDB written by a real redis-server (7.0 here) holding every type and
// encoding that version writes decodes to exactly what the server returns for
// each key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DecodedKey } from '../../src/rdb/decodedValue';
import { ReplyError, type Reply, type RedisClient } from '../../src/net/redisClient';
import { decodeAll, keysOf, randomPieces, seededRandom } from '../support/rdbDecode';
import { RedisServer } from '../support/redisServer';

const LIBRARY = "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 'hello' end)";

/** What OBJECT ENCODING says, by the RDB type the server wrote for it. */
const TYPE_FOR_ENCODING: Record<string, number[]> = {
  embstr: [0], int: [0], raw: [0], quicklist: [18], listpack: [16, 17, 20], hashtable: [2, 4], intset: [11], skiplist: [5], stream: [19, 21],
};

function seededBytes(n: number, seed: number): Buffer {
  const rnd = seededRandom(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

async function populate(c: RedisClient): Promise<void> {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const big = (n: number, f: (i: number) => (string | number)[]): (string | number)[] => Array.from({ length: n }, (_, i) => f(i)).flat();
  const now = Date.now();
  const cmds: (string | number | Buffer)[][] = [
    ['SET', 'str:plain', 'hello'], ['SET', 'str:empty', ''], ['SET', 'str:int8', '100'], ['SET', 'str:int16', '-3000'],
    ['SET', 'str:int32', '1000000'], ['SET', 'str:bigint', '12345678901'], ['SET', 'str:bin', all],
    ['SET', 'str:lzf', 'a'.repeat(500)], ['SET', 'str:big', seededBytes(100_000, 1)],
    ['SET', 'str:px', 'value', 'PX', '100000'], ['SET', 'str:pxat', 'value', 'PXAT', String(now + 3_600_000)],
    ['SET', Buffer.from([0, 0xff, 0x80, 10]), 'binary key'],
    ['RPUSH', 'list:small', 'a', 'b', '1', '2', '300', '-70000', '9223372036854775807', '-9223372036854775808'],
    ['RPUSH', 'list:big', ...big(3000, (i) => [`item:${i}:${'p'.repeat(i % 40)}`])],
    ['PEXPIREAT', 'list:big', String(now + 7_200_000)],
    ['SADD', 'set:int16', '1', '2', '3', '-5', '300'], ['SADD', 'set:int32', '70000', '-70000', '1'],
    ['SADD', 'set:int64', '5000000000', '-1', '1'], ['SADD', 'set:str', 'a', 'b', 'c'],
    ['SADD', 'set:big', ...big(300, (i) => [`m${i}`])],
    ['HSET', 'hash:small', 'f1', 'v1', 'f2', '2', 'f3', '-4000'], ['HSET', 'hash:big', ...big(300, (i) => [`field:${i}`, `v${i}`])],
    ['HSET', 'hash:bin', all, all.subarray(128), 'k', all.subarray(0, 100)],
    ['ZADD', 'zset:small', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'd', '-inf', 'e', '0.1', 'f', '1e100', 'g'],
    ['ZADD', 'zset:big', ...big(300, (i) => [String(i / 7 - 20), `z${i}`])],
    ['XADD', 'stream:1', '1-1', 'f', 'v'], ['XADD', 'stream:1', '1-2', 'f', 'v2'], ['XADD', 'stream:1', '2-0', 'a', '1', 'b', '2'],
    ['XADD', 'stream:1', '3-0', 'f', 'v3'], ['XDEL', 'stream:1', '1-2'],
    ['XGROUP', 'CREATE', 'stream:1', 'g1', '0'], ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '1', 'STREAMS', 'stream:1', '>'],
    ['XREADGROUP', 'GROUP', 'g1', 'bob', 'STREAMS', 'stream:1', '>'], ['XACK', 'stream:1', 'g1', '3-0'],
    ['XGROUP', 'CREATE', 'stream:1', 'g2', '$'], ['XGROUP', 'CREATECONSUMER', 'stream:1', 'g2', 'carol'],
    ['XADD', 'stream:big', '*', ...big(1, () => ['x', '0'])],
    ...Array.from({ length: 500 }, (_, i) => ['XADD', 'stream:big', '*', 'n', String(i), ...(i % 3 ? ['odd', 'y'] : [])]),
    ['XADD', 'stream:empty', '5-5', 'f', 'v'], ['XDEL', 'stream:empty', '5-5'],
    ['SELECT', '1'], ['SET', 'db1:key', 'v'],
    ['SELECT', '5'], ['HSET', 'db5:h', 'f', 'v'], ['ZADD', 'db5:z', '1', 'm'], ['EXPIRE', 'db5:h', '5000'],
    ['SELECT', '0'],
    ['FUNCTION', 'LOAD', LIBRARY],
  ];
  for (const cmd of cmds) {
    const r = await c.send(...cmd);
    if (r instanceof ReplyError) throw new Error(`${cmd.slice(0, 2).join(' ')}: ${r.message}`);
  }
  // An element over the packed threshold makes a PLAIN quicklist node.
  await c.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1000');
  await c.call('RPUSH', 'list:plain', 'small', 'x'.repeat(3000), 'tail');
}

const text = (r: Reply): string => (Buffer.isBuffer(r) ? r.toString('latin1') : String(r));
const list = (r: Reply): Reply[] => {
  assert.ok(Array.isArray(r), `array reply expected, got ${text(r)}`);
  return r;
};
/** A flat [name, value, name, value…] reply as a map. */
const fields = (r: Reply): Map<string, Reply> => {
  const a = list(r);
  const m = new Map<string, Reply>();
  for (let i = 0; i + 1 < a.length; i += 2) m.set(text(a[i]), a[i + 1]);
  return m;
};
const l1 = (b: Buffer | string): string => (typeof b === 'string' ? b : b.toString('latin1'));
/** A decoded key (latin1 text) as the bytes to send. */
const kb = (s: string): Buffer => Buffer.from(s, 'latin1');
const idText = (id: { ms: bigint; seq: bigint }): string => `${id.ms}-${id.seq}`;
const score = (s: string): number => (s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));

async function checkStream(c: RedisClient, k: DecodedKey): Promise<void> {
  assert.ok(k.value.type === 'stream');
  const v = k.value;
  const name = l1(k.key);
  const range = list(await c.call('XRANGE', kb(k.key), '-', '+')).map((e) => {
    const [id, kv] = list(e);
    return { id: text(id), fields: list(kv).map(text) };
  });
  assert.deepEqual(v.entries.map((e) => ({ id: idText(e.id), fields: e.fields })), range, `${name} XRANGE`);
  const info = fields(await c.call('XINFO', 'STREAM', kb(k.key), 'FULL'));
  assert.equal(v.length, BigInt(info.get('length') as number), `${name} length`);
  assert.equal(idText(v.lastId), text(info.get('last-generated-id')!));
  assert.equal(idText(v.maxDeletedId), text(info.get('max-deleted-entry-id')!));
  assert.equal(v.entriesAdded, BigInt(info.get('entries-added') as number));
  assert.equal(idText(v.firstId), text(info.get('recorded-first-entry-id')!));
  const groups = list(info.get('groups')!).map(fields);
  assert.equal(v.groups.length, groups.length, `${name} groups`);
  v.groups.forEach((g, i) => {
    const want = groups[i];
    assert.equal(l1(g.name), text(want.get('name')!));
    assert.equal(idText(g.lastId), text(want.get('last-delivered-id')!));
    const read = want.get('entries-read');
    assert.equal(g.entriesRead, read === null ? -1n : BigInt(read as number));
    const owner = new Map<string, string>();
    for (const c of g.consumers) for (const id of c.pending) owner.set(idText(id), l1(c.name));
    assert.deepEqual(
      g.pending.map((p) => [idText(p.id), owner.get(idText(p.id)), Number(p.deliveryTime), Number(p.deliveryCount)]),
      list(want.get('pending')!).map((p) => list(p).map((x) => (typeof x === 'number' ? x : text(x)))),
      `${name} ${l1(g.name)} PEL`,
    );
    const consumers = list(want.get('consumers')!).map(fields);
    assert.deepEqual(
      g.consumers.map((cn) => [l1(cn.name), Number(cn.seenTime), cn.activeTime, cn.pending.map(idText)]),
      consumers.map((cn) => [text(cn.get('name')!), cn.get('seen-time'), -1n, list(cn.get('pending')!).map((p) => text(list(p)[0]))]),
      `${name} ${l1(g.name)} consumers (7.0 writes no active time)`,
    );
  });
}

async function checkKey(c: RedisClient, k: DecodedKey): Promise<void> {
  const name = l1(k.key);
  const key = kb(k.key);
  assert.equal(text(await c.call('TYPE', key)), k.value.type, `${name} TYPE`);
  const enc = text(await c.call('OBJECT', 'ENCODING', key));
  assert.ok(TYPE_FOR_ENCODING[enc]?.includes(k.rdbType), `${name}: OBJECT ENCODING ${enc}, RDB type ${k.rdbType}`);
  assert.equal(await c.call('PEXPIRETIME', key), k.expireAt, `${name} PEXPIRETIME`);
  const v = k.value;
  switch (v.type) {
    case 'string':
      assert.deepEqual(text(await c.call('GET', key)), v.value, `${name} GET`);
      break;
    case 'list':
      assert.deepEqual(list(await c.call('LRANGE', key, '0', '-1')).map(text), v.items, `${name} LRANGE`);
      break;
    case 'set':
      assert.deepEqual(list(await c.call('SMEMBERS', key)).map(text).sort(), [...v.members].sort(), `${name} SMEMBERS`);
      break;
    case 'zset': {
      const flat = list(await c.call('ZRANGE', key, '0', '-1', 'WITHSCORES')).map(text);
      const want = new Map<string, number>();
      for (let i = 0; i < flat.length; i += 2) want.set(flat[i], score(flat[i + 1]));
      assert.deepEqual(v.scores, want, `${name} ZRANGE WITHSCORES`);
      break;
    }
    case 'hash':
      assert.deepEqual(
        new Map([...fields(await c.call('HGETALL', key))].map(([f, x]) => [f, text(x)])),
        v.fields,
        `${name} HGETALL`,
      );
      assert.equal(v.fieldExpires.size, 0);
      break;
    case 'stream':
      await checkStream(c, k);
      break;
    default:
      assert.fail(`${name}: unexpected ${v.type}`);
  }
}

test('an RDB saved by a real 7.0 server decodes to exactly what the server returns for every key', { timeout: 120_000 }, async () => {
  const server = await RedisServer.start({ args: ['--enable-debug-command', 'yes'] });
  const c = await server.client({ returnBuffers: true });
  try {
    await populate(c);
    await c.call('SAVE');
    const file = fs.readFileSync(path.join(server.dir, 'dump.rdb'));
    const run = decodeAll(file);
    assert.equal(run.end.status, 'done', run.end.status === 'error' ? run.end.error : '');
    assert.deepEqual(run.events[0], { kind: 'header', version: 10, magic: 'REDIS' });
    assert.deepEqual(decodeAll(file, () => 1).events, run.events, 'byte by byte');
    assert.deepEqual(decodeAll(file, randomPieces(42)).events, run.events, 'random pieces');

    const fn = run.events.filter((e) => e.kind === 'function');
    const libs = list(await c.call('FUNCTION', 'LIST', 'WITHCODE')).map(fields);
    assert.deepEqual(fn.map((e) => e.kind === 'function' && l1(e.code)), libs.map((l) => text(l.get('library_code')!)));
    assert.equal(l1((fn[0] as { code: Buffer }).code), LIBRARY);

    const keys = keysOf(run);
    const types = new Set(keys.map((k) => k.rdbType));
    for (const t of [0, 2, 4, 5, 11, 16, 17, 18, 19]) assert.ok(types.has(t), `the dump holds RDB type ${t}`);
    for (const db of [0, 1, 5]) {
      await c.call('SELECT', String(db));
      const mine = keys.filter((k) => k.db === db);
      assert.equal(mine.length, await c.call('DBSIZE'), `db ${db} size`);
      for (const k of mine) await checkKey(c, k);
    }
    // list:plain = 3 nodes: PACKED (2) listpack ["small"] (14 bytes), then PLAIN (1) the 3000-byte element.
    const at = file.indexOf(Buffer.from('\x0alist:plain')) + 11;
    assert.deepEqual([file[at], file[at + 1], file[at + 2], file[at + 17]], [3, 2, 14, 1]);
    const plain = keys.find((k) => l1(k.key) === 'list:plain');
    assert.ok(plain?.value.type === 'list');
    assert.deepEqual(plain.value.items.map(l1), ['small', 'x'.repeat(3000), 'tail']);
  } finally {
    c.close();
    await server.stop();
  }
});
