// RESTORE of every type and encoding, proven against a real redis-server 7.0:
// each key is DUMPed on the server, the payload is RESTOREd there and through
// the keyspace's write command (as a replica applies a master's RESTORE), and
// both sides must give the same DEBUG DIGEST-VALUE, OBJECT ENCODING and
// PEXPIRETIME, with REPLACE and ABSTTL too; streams also the same XINFO
// STREAM FULL (groups, PELs and consumers are not part of any digest). Bad
// payloads get the same error replies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applyWrite } from '../../src/keyspace/commands/registry';
import { valueDigest } from '../../src/keyspace/digest';
import { Keyspace } from '../../src/keyspace/keyspace';
import { ReplyError, type RedisClient } from '../../src/net/redisClient';
import { crc64 } from '../../src/rdb/crc64';
import { keyspaceRunner, normalizeReply, rng, serverRunner, type Runner } from '../support/keyspaceHarness';
import { RedisServer } from '../support/redisServer';

const rnd = rng(11);
const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const FUTURE = Date.now() + 3_600_000;

interface Case {
  key: string;
  /** Commands that build the key on the server. */
  build: (string | Buffer)[][];
  encoding: string;
}

const k = (s: string): Buffer => Buffer.from(s, 'latin1');
const SCORES = ['0', '1', '-1', '2.5', '-3.75', '0.1', '1e300', '-1e300', '5e-324', 'inf', '-inf', '562949953421312.125', '9007199254740993'];

const CASES: Case[] = [
  { key: 'str:embstr', build: [['SET', 'str:embstr', 'hello']], encoding: 'embstr' },
  { key: 'str:int', build: [['SET', 'str:int', '-123456789']], encoding: 'int' },
  { key: 'str:int64', build: [['SET', 'str:int64', '9223372036854775807']], encoding: 'int' },
  { key: 'str:lzf', build: [['SET', 'str:lzf', 'abc'.repeat(300)]], encoding: 'raw' },
  { key: 'str:big', build: [['SET', 'str:big', randomBytes(100_000)]], encoding: 'raw' },
  { key: 'str:empty', build: [['SET', 'str:empty', '']], encoding: 'embstr' },
  { key: '\x00\xff\r\nbin', build: [['SET', k('\x00\xff\r\nbin'), randomBytes(40)]], encoding: 'embstr' },
  { key: 'list:small', build: [['RPUSH', 'list:small', 'a', 'b', '1', '300', '-70000', '9223372036854775807', '']], encoding: 'quicklist' },
  { key: 'list:big', build: [['RPUSH', 'list:big', ...range(3000).map((i) => (i % 5 === 0 ? String(i) : randomBytes(i % 70)))]], encoding: 'quicklist' },
  {
    key: 'list:plain',
    // An element over the packed threshold makes a PLAIN quicklist node.
    build: [['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1000'], ['RPUSH', 'list:plain', 'small', 'x'.repeat(3000), 'tail', randomBytes(2000)]],
    encoding: 'quicklist',
  },
  { key: 'set:int16', build: [['SADD', 'set:int16', '1', '-2', '300', '32767']], encoding: 'intset' },
  { key: 'set:int32', build: [['SADD', 'set:int32', '70000', '-5', '2147483647']], encoding: 'intset' },
  { key: 'set:int64', build: [['SADD', 'set:int64', '1', '9223372036854775807', '-9223372036854775808', '4294967296']], encoding: 'intset' },
  { key: 'set:str', build: [['SADD', 'set:str', 'apple', 'banana', randomBytes(9), '']], encoding: 'hashtable' },
  { key: 'set:big', build: [['SADD', 'set:big', ...range(600).map(String)]], encoding: 'hashtable' },
  { key: 'zset:small', build: [['ZADD', 'zset:small', ...SCORES.flatMap((s, i) => [s, `m${i}`])]], encoding: 'listpack' },
  { key: 'zset:big', build: [['ZADD', 'zset:big', ...range(300).flatMap((i) => [SCORES[i % SCORES.length]!, `member:${i}`])]], encoding: 'skiplist' },
  { key: 'zset:longmember', build: [['ZADD', 'zset:longmember', '1.5', 'x'.repeat(100), '-2', 'y']], encoding: 'skiplist' },
  { key: 'hash:small', build: [['HSET', 'hash:small', 'f1', 'v1', 'f2', '2', '', '', randomBytes(4), randomBytes(8)]], encoding: 'listpack' },
  { key: 'hash:big', build: [['HSET', 'hash:big', ...range(600).flatMap((i) => [`field:${i}`, `v${i * 7}`])]], encoding: 'hashtable' },
  { key: 'hash:longvalue', build: [['HSET', 'hash:longvalue', 'a', 'v'.repeat(100), 'b', '1']], encoding: 'hashtable' },
  {
    key: 'stream:groups',
    build: [
      ['XGROUP', 'CREATE', 'stream:groups', 'g1', '0', 'MKSTREAM'],
      ...range(250).map((i) => ['XADD', 'stream:groups', `${1000 + Math.floor(i / 3)}-${i % 3}`, ...(i % 4 === 0 ? ['a', String(i), 'b', 'c'] : ['x', randomBytes(5), 'y', String(-i)])]),
      ['XGROUP', 'CREATE', 'stream:groups', 'g2', '$'],
      ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '7', 'STREAMS', 'stream:groups', '>'],
      ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'stream:groups', '>'],
      ['XGROUP', 'CREATECONSUMER', 'stream:groups', 'g2', 'carol'],
      ['XACK', 'stream:groups', 'g1', '1000-1'],
      ['XDEL', 'stream:groups', '1000-0', '1010-1', '1083-0', '1002-2'],
    ],
    encoding: 'stream',
  },
  {
    key: 'stream:empty',
    build: [['XADD', 'stream:empty', '5-5', 'f', 'v'], ['XGROUP', 'CREATE', 'stream:empty', 'g', '0'], ['XDEL', 'stream:empty', '5-5']],
    encoding: 'stream',
  },
];

/** A DUMP payload around `body` (type byte + value) with the given version and a correct CRC. */
function payloadOf(body: Buffer, version = 10): Buffer {
  const head = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(head));
  return Buffer.concat([head, crc]);
}

describe('RESTORE next to a real redis-server 7.0: every type and encoding', () => {
  let server: RedisServer;
  let client: RedisClient;
  let real: Runner;
  const ks = new Keyspace();
  const ours = keyspaceRunner(ks, () => 0);
  const payloads = new Map<string, Buffer>();

  /** The same RESTORE on the server and through the keyspace; both replies, normalized. */
  async function restoreBoth(argv: (string | Buffer)[]): Promise<{ server: unknown; engine: unknown }> {
    const r = await client.send('RESTORE', ...argv);
    const server = r instanceof ReplyError ? { error: r.message } : normalizeReply(r);
    const o = applyWrite({ ks, db: 0, now: Date.now() }, ['RESTORE', ...argv.map((a) => (Buffer.isBuffer(a) ? a.toString('latin1') : a))]);
    const engine = o.kind === 'ok' ? 'OK' : o.kind === 'error' ? { error: o.error } : o;
    return { server, engine };
  }

  async function sameKey(key: string, what: string): Promise<void> {
    const digest = (await client.call('DEBUG', 'DIGEST-VALUE', k(key))) as Buffer[];
    assert.equal(valueDigest(ks, 0, key), digest[0]!.toString(), `${what}: DIGEST-VALUE`);
    for (const read of [['OBJECT', 'ENCODING', key], ['PEXPIRETIME', key], ['TYPE', key]]) {
      assert.deepEqual(await ours(read), await real(read), `${what}: ${read[0]} ${read[1]}`);
    }
    if (String(await real(['TYPE', key])) === 'stream') {
      const full = ['XINFO', 'STREAM', key, 'FULL'];
      assert.deepEqual(await ours(full), await real(full), `${what}: XINFO STREAM FULL`);
    }
  }

  before(async () => {
    server = await RedisServer.start({ args: ['--enable-debug-command', 'yes'] });
    client = await server.client({ returnBuffers: true });
    real = serverRunner(client);
    for (const c of CASES) {
      for (const cmd of c.build) {
        const r = await client.send(...cmd);
        if (r instanceof ReplyError) throw new Error(`${String(cmd[0])}: ${r.message}`);
      }
      payloads.set(c.key, (await client.call('DUMP', k(c.key))) as Buffer);
    }
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  test('the server holds every encoding the cases are meant to cover', async () => {
    for (const c of CASES) assert.equal(String(await client.call('OBJECT', 'ENCODING', k(c.key))), c.encoding, c.key);
  });

  for (const c of CASES) {
    test(`RESTORE, REPLACE and ABSTTL give the same value: ${JSON.stringify(c.key)} (${c.encoding})`, async () => {
      const payload = payloads.get(c.key)!;
      const copy = `${c.key}:r`;
      assert.deepEqual(await restoreBoth([k(copy), '0', payload]), { server: 'OK', engine: 'OK' });
      await sameKey(copy, 'RESTORE');
      const busy = await restoreBoth([k(copy), '0', payload]);
      assert.deepEqual(busy.engine, busy.server, 'without REPLACE');
      assert.deepEqual(busy.engine, { error: 'BUSYKEY Target key name already exists.' });
      assert.deepEqual(await restoreBoth([k(copy), String(FUTURE), payload, 'REPLACE', 'ABSTTL']), { server: 'OK', engine: 'OK' });
      await sameKey(copy, 'RESTORE … REPLACE ABSTTL');
      // The original and its copy hold the same value.
      const original = (await client.call('DEBUG', 'DIGEST-VALUE', k(c.key))) as Buffer[];
      await client.call('PERSIST', k(copy));
      assert.deepEqual((await client.call('DEBUG', 'DIGEST-VALUE', k(copy))) as Buffer[], original);
    });
  }

  test('a relative TTL, and a past ABSTTL (kept on a replica, shown as gone) apply as on the server', async () => {
    const payload = payloads.get('hash:small')!;
    assert.deepEqual(await restoreBoth([k('ttl:rel'), '600000', payload]), { server: 'OK', engine: 'OK' });
    const [mine, theirs] = [Number(await ours(['PEXPIRETIME', 'ttl:rel'])), Number(await real(['PEXPIRETIME', 'ttl:rel']))];
    assert.ok(Math.abs(mine - theirs) < 5000, `PEXPIRETIME ${mine} vs ${theirs}`);
  });

  test('bad payloads get the server\'s replies', async () => {
    const good = payloads.get('list:small')!;
    const flipped = Buffer.from(good);
    flipped[3] ^= 0xff;
    const future = payloadOf(good.subarray(0, good.length - 10), 13);
    const cases: [string, Buffer][] = [
      ['a flipped byte (CRC)', flipped],
      ['too short for a footer', Buffer.from('garbage')],
      ['a version newer than any RDB', future],
      ['a string running past the payload', payloadOf(Buffer.from([0x00, 0x3f, 0x61]))],
      ['an unknown type', payloadOf(Buffer.from([0x08, 0x01, 0x61]))],
      ['an empty set', payloadOf(Buffer.from([0x02, 0x00]))],
      ['an empty list', payloadOf(Buffer.from([0x01, 0x00]))],
      ['a set with a repeated member', payloadOf(Buffer.from([0x02, 0x02, 0x01, 0x61, 0x01, 0x61]))],
      ['a zset with a repeated member', payloadOf(Buffer.concat([Buffer.from([0x05, 0x02, 0x01, 0x61]), Buffer.alloc(8), Buffer.from([0x01, 0x61]), Buffer.alloc(8)]))],
      ['a corrupt listpack', payloadOf(Buffer.from([0x10, 0x07, 0x07, 0, 0, 0, 0, 0, 0xfe]))],
    ];
    for (const [what, payload] of cases) {
      const r = await restoreBoth([k('bad'), '0', payload]);
      assert.ok(typeof r.server === 'object' && r.server !== null && 'error' in r.server, `${what}: the server refuses it (${JSON.stringify(r.server)})`);
      assert.deepEqual(r.engine, r.server, what);
    }
    assert.equal(await real(['EXISTS', 'bad']), 0);
    assert.equal(await ours(['EXISTS', 'bad']), 0);
  });

  test('a hand-made payload (plain string set, old RDB version) restores on both', async () => {
    const body = Buffer.from([0x02, 0x03, 0x01, 0x61, 0x01, 0x62, 0xc0, 0x07]); // SET of "a", "b", int8 7
    assert.deepEqual(await restoreBoth([k('old:set'), '0', payloadOf(body, 6)]), { server: 'OK', engine: 'OK' });
    await sameKey('old:set', 'hand-made set');
  });
});
