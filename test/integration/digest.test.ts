// DEBUG DIGEST / DIGEST-VALUE computed by the replica's keyspace equal what a
// real redis-server 7.0 computes for the same data, for every type and every
// encoding Redis picks (checked with OBJECT ENCODING), binary data, expiring
// keys and several databases. Each value is described once; the description
// becomes commands for the real server and a value built through the model.
import { newIdmp } from '../../src/keyspace/commands/streamOps';
import { StreamEntries } from '../../src/keyspace/streamStore';
import { FieldTtls, HashFields, SetMembers } from '../../src/keyspace/packed';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { datasetDigest, valueDigest } from '../../src/keyspace/digest';
import { infoKeyspace } from '../../src/keyspace/infoKeyspace';
import { Keyspace } from '../../src/keyspace/keyspace';
import { buildListByTailPush } from '../../src/keyspace/listEncoding';
import { DEFAULT_DIALECT } from '../../src/versions/profiles';
import { fromBytes, type Bytes, type StreamEntry, type Value } from '../../src/keyspace/values';
import { Zset } from '../../src/keyspace/zsetIndex';
import type { RedisClient } from '../../src/net/redisClient';
import { RedisServer, waitFor } from '../support/redisServer';

type Spec =
  | { type: 'string'; value: Bytes }
  | { type: 'list'; items: Bytes[] }
  | { type: 'set'; members: Bytes[] }
  | { type: 'zset'; entries: [Bytes, number][] }
  | { type: 'hash'; fields: [Bytes, Bytes][] }
  /** entries are added in order, then `deleted` IDs removed with XDEL */
  | { type: 'stream'; entries: StreamEntry[]; deleted: string[]; groups: string[] };

interface Case {
  name: string;
  db: number;
  key: Bytes;
  spec: Spec;
  /** absolute unix ms */
  expireAt?: number;
  encoding: string;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const rnd = seeded(7);
const randomBytes = (n: number): Bytes => Array.from({ length: n }, () => String.fromCharCode(Math.floor(rnd() * 256))).join('');
const utf8 = (s: string): Bytes => Buffer.from(s, 'utf8').toString('latin1');
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Scores of every kind that matters to "%.17g": integers, fractions, negatives,
 * huge, tiny, infinities, exact ties at the 17th digit (rounded to even).
 * (-0 is left out: ZADD stores it as 0 on redis-server.)
 */
const SCORES = [0, 1, -1, 2.5, -3.75, 0.1, 1 / 3, -2 / 3, 1e17, 1e16, 123456789012345678, 1e300, -1e300, 5e-324, 1e-5, 0.0001,
  Infinity, -Infinity, 562949953421312.125, 562949953421312.375, 4503599627370495.5, 9007199254740993, 1.7976931348623157e308];

function zsetEntries(n: number, prefix: string): [Bytes, number][] {
  return range(n).map((i) => [`${prefix}${i}`, i < SCORES.length ? SCORES[i]! : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15)]);
}

const FUTURE = Date.now() + 3_600_000;

function streamEntries(n: number): StreamEntry[] {
  return range(n).map((i) => ({
    id: { ms: BigInt(1_000 + Math.floor(i / 3)), seq: BigInt(i % 3) },
    fields: i % 4 === 0 ? ['a', String(i), 'b', utf8('wert ü')] : ['x', randomBytes(5), 'y', String(-i)],
  }));
}

const CASES: Case[] = [
  { name: 'short string', db: 0, key: 'str:embstr', spec: { type: 'string', value: 'hello' }, encoding: 'embstr' },
  { name: 'integer string', db: 0, key: 'str:int', spec: { type: 'string', value: '-123456789' }, encoding: 'int' },
  { name: 'long string', db: 0, key: 'str:raw', spec: { type: 'string', value: 'r'.repeat(200) }, encoding: 'raw' },
  { name: 'big string (native SHA-1 path)', db: 0, key: 'str:big', spec: { type: 'string', value: randomBytes(100_000) }, encoding: 'raw' },
  { name: 'empty string', db: 0, key: 'str:empty', spec: { type: 'string', value: '' }, encoding: 'embstr' },
  { name: 'binary key and value', db: 0, key: '\x00\xff\r\nk', spec: { type: 'string', value: randomBytes(40) }, encoding: 'embstr' },
  { name: 'non-ASCII text', db: 0, key: utf8('ключ'), spec: { type: 'string', value: utf8('日本語のテキスト ✓') }, encoding: 'embstr' },
  { name: 'small list', db: 0, key: 'list:small', spec: { type: 'list', items: ['a', 'b', '1', '2', '300', '-70000', ''] }, encoding: 'quicklist' },
  { name: 'large list of many nodes', db: 0, key: 'list:big', spec: { type: 'list', items: range(3000).map((i) => (i % 5 === 0 ? String(i) : randomBytes(i % 70))) }, encoding: 'quicklist' },
  { name: 'intset of 16-bit integers', db: 0, key: 'set:int16', spec: { type: 'set', members: ['1', '-2', '300', '32767'] }, encoding: 'intset' },
  { name: 'intset of 32-bit integers', db: 0, key: 'set:int32', spec: { type: 'set', members: ['70000', '-5', '2147483647'] }, encoding: 'intset' },
  { name: 'intset of 64-bit integers', db: 0, key: 'set:int64', spec: { type: 'set', members: ['1', '9223372036854775807', '-9223372036854775808', '4294967296'] }, encoding: 'intset' },
  { name: 'hashtable set of strings', db: 0, key: 'set:str', spec: { type: 'set', members: ['apple', 'banana', utf8('ü'), randomBytes(9)] }, encoding: 'hashtable' },
  { name: 'hashtable set of many integers', db: 0, key: 'set:bigint', spec: { type: 'set', members: range(600).map(String) }, encoding: 'hashtable' },
  { name: 'listpack zset with every kind of score', db: 0, key: 'zset:small', spec: { type: 'zset', entries: zsetEntries(SCORES.length, 'm') }, encoding: 'listpack' },
  { name: 'skiplist zset with every kind of score', db: 0, key: 'zset:big', spec: { type: 'zset', entries: zsetEntries(300, 'member:') }, encoding: 'skiplist' },
  { name: 'skiplist zset by member length', db: 0, key: 'zset:longmember', spec: { type: 'zset', entries: [['x'.repeat(100), 1.5], ['y', -2]] }, encoding: 'skiplist' },
  { name: 'listpack hash', db: 0, key: 'hash:small', spec: { type: 'hash', fields: [['f1', 'v1'], ['f2', '2'], ['', ''], [randomBytes(4), randomBytes(8)]] }, encoding: 'listpack' },
  { name: 'hashtable hash by size', db: 0, key: 'hash:big', spec: { type: 'hash', fields: range(600).map((i) => [`field:${i}`, `v${i * 7}`]) }, encoding: 'hashtable' },
  { name: 'hashtable hash by value length', db: 0, key: 'hash:longvalue', spec: { type: 'hash', fields: [['a', 'v'.repeat(100)], ['b', '1']] }, encoding: 'hashtable' },
  {
    name: 'stream with deleted entries, groups, PELs and consumers', db: 0, key: 'stream:1',
    spec: { type: 'stream', entries: streamEntries(250), deleted: ['1000-0', '1010-1', '1083-0', '1002-2'], groups: ['g1', 'g2', 'g3'] },
    encoding: 'stream',
  },
  { name: 'empty stream', db: 0, key: 'stream:empty', spec: { type: 'stream', entries: [], deleted: [], groups: ['g'] }, encoding: 'stream' },
  { name: 'expiring string', db: 0, key: 'exp:str', spec: { type: 'string', value: 'soon' }, expireAt: FUTURE, encoding: 'embstr' },
  { name: 'expiring hash', db: 0, key: 'exp:hash', spec: { type: 'hash', fields: [['a', '1']] }, expireAt: FUTURE + 5, encoding: 'listpack' },
  { name: 'a key in db 1', db: 1, key: 'str:embstr', spec: { type: 'string', value: 'hello' }, encoding: 'embstr' },
  { name: 'a list in db 5', db: 5, key: 'other', spec: { type: 'list', items: ['z', 'y'] }, encoding: 'quicklist' },
  { name: 'an expiring zset in db 15', db: 15, key: 'last', spec: { type: 'zset', entries: [['a', 1]] }, expireAt: FUTURE, encoding: 'listpack' },
];

const b = (s: Bytes): Buffer => fromBytes(s);
const scoreArg = (x: number): string => (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : Object.is(x, -0) ? '-0' : String(x));
const idText = (e: StreamEntry): string => `${e.id.ms}-${e.id.seq}`;

/** The commands that build a case on a real server (in its DB). */
function commandsFor(c: Case): (string | Buffer)[][] {
  const k = b(c.key);
  const cmds: (string | Buffer)[][] = [];
  const chunks = <T>(xs: T[], n: number): T[][] => range(Math.ceil(xs.length / n)).map((i) => xs.slice(i * n, i * n + n));
  const s = c.spec;
  switch (s.type) {
    case 'string':
      cmds.push(['SET', k, b(s.value)]);
      break;
    case 'list':
      for (const part of chunks(s.items, 500)) cmds.push(['RPUSH', k, ...part.map(b)]);
      break;
    case 'set':
      for (const part of chunks(s.members, 500)) cmds.push(['SADD', k, ...part.map(b)]);
      break;
    case 'zset':
      for (const part of chunks(s.entries, 200)) cmds.push(['ZADD', k, ...part.flatMap(([m, sc]) => [scoreArg(sc), b(m)])]);
      break;
    case 'hash':
      for (const part of chunks(s.fields, 200)) cmds.push(['HSET', k, ...part.flatMap(([f, v]) => [b(f), b(v)])]);
      break;
    case 'stream':
      cmds.push(['XGROUP', 'CREATE', k, s.groups[0]!, '0', 'MKSTREAM']);
      for (const e of s.entries) cmds.push(['XADD', k, idText(e), ...e.fields.map(b)]);
      for (const g of s.groups.slice(1)) cmds.push(['XGROUP', 'CREATE', k, g, '$']);
      cmds.push(['XREADGROUP', 'GROUP', s.groups[0]!, 'alice', 'COUNT', '7', 'STREAMS', k, '>']);
      cmds.push(['XREADGROUP', 'GROUP', s.groups[0]!, 'bob', 'COUNT', '3', 'STREAMS', k, '>']);
      if (s.deleted.length) cmds.push(['XDEL', k, ...s.deleted]);
      break;
  }
  if (c.expireAt !== undefined) cmds.push(['PEXPIREAT', k, String(c.expireAt)]);
  return cmds;
}

/** The same value built directly through the model (groups are not part of any digest). */
function modelValue(s: Spec): Value {
  switch (s.type) {
    case 'string':
      return { type: 'string', value: s.value };
    case 'list':
      return buildListByTailPush(DEFAULT_DIALECT, s.items);
    case 'set':
      return { type: 'set', members: SetMembers.from(s.members) };
    case 'zset':
      return Zset.fromEntries(s.entries.slice());
    case 'hash':
      return { type: 'hash', fields: HashFields.from(s.fields), fieldExpires: new FieldTtls() };
    case 'stream': {
      const entries = s.entries.filter((e) => !s.deleted.includes(idText(e)));
      const last = s.entries[s.entries.length - 1]?.id ?? { ms: 0n, seq: 0n };
      return {
        type: 'stream',
        stream: { entries: StreamEntries.from(entries), lastId: last, firstId: entries[0]?.id ?? { ms: 0n, seq: 0n }, maxDeletedId: { ms: 0n, seq: 0n }, entriesAdded: s.entries.length, groups: new Map(), idmp: newIdmp() },
      };
    }
  }
}

describe('DEBUG DIGEST next to a real redis-server 7.0', () => {
  let server: RedisServer;
  let replica: RedisServer;
  let client: RedisClient;
  const ks = new Keyspace();

  before(async () => {
    server = await RedisServer.start({ args: ['--enable-debug-command', 'yes'] });
    client = await server.client({ returnBuffers: true });
    replica = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(server.port)] });
    for (const c of CASES) {
      await client.call('SELECT', c.db);
      for (const cmd of commandsFor(c)) await client.call(...cmd);
      ks.db(c.db).set(c.key, modelValue(c.spec), c.expireAt ?? -1);
    }
    await client.call('SELECT', 0);
  });

  after(async () => {
    client?.close();
    await replica?.stop();
    await server?.stop();
  });

  test('the real server holds every encoding the cases are meant to cover', async () => {
    for (const c of CASES) {
      await client.call('SELECT', c.db);
      const enc = String(await client.call('OBJECT', 'ENCODING', b(c.key)));
      assert.equal(enc, c.encoding, c.name);
    }
    await client.call('SELECT', 0);
  });

  for (const c of CASES) {
    test(`DIGEST-VALUE equal: ${c.name}`, async () => {
      await client.call('SELECT', c.db);
      const real = (await client.call('DEBUG', 'DIGEST-VALUE', b(c.key))) as Buffer[];
      await client.call('SELECT', 0);
      assert.equal(valueDigest(ks, c.db, c.key), real[0]!.toString(), c.name);
    });
  }

  test('DIGEST-VALUE of a missing key is 40 zeros on both', async () => {
    const real = (await client.call('DEBUG', 'DIGEST-VALUE', 'no-such-key')) as Buffer[];
    assert.equal(real[0]!.toString(), '0'.repeat(40));
    assert.equal(valueDigest(ks, 0, 'no-such-key'), real[0]!.toString());
  });

  test('DEBUG DIGEST of the whole dataset (several databases) is equal', async () => {
    const real = String(await client.call('DEBUG', 'DIGEST'));
    assert.notEqual(real, '0'.repeat(40));
    assert.equal(datasetDigest(ks), real);
  });

  test('INFO keyspace equals a real replica of the same data (avg_ttl is 0 on a replica)', async () => {
    const replicaClient = await replica.client();
    try {
      const target = (await client.info('replication')).get('master_repl_offset');
      await waitFor('real replica caught up', async () => (await replicaClient.info('replication')).get('slave_repl_offset') === target);
      const real = String(await replicaClient.call('INFO', 'keyspace'));
      assert.equal(infoKeyspace(ks), real);
    } finally {
      replicaClient.close();
    }
  });

  test('an empty dataset digests to 40 zeros on both', async () => {
    const empty = await RedisServer.start({ args: ['--enable-debug-command', 'yes'] });
    const c = await empty.client();
    try {
      assert.equal(datasetDigest(new Keyspace()), String(await c.call('DEBUG', 'DIGEST')));
    } finally {
      c.close();
      await empty.stop();
    }
  });
});
