// Stream writes replicated from a real 7.0 master: a seeded random workload is
// captured from the master's replication stream and applied to a Keyspace.
// Then every key's DEBUG DIGEST-VALUE equals the master's, and the stream reads
// (XINFO STREAM [FULL], XINFO GROUPS/CONSUMERS, XRANGE, XREVRANGE, XLEN,
// XPENDING) answer what a real 7.0 replica of the same master answers.
//
// The reference for reads is a real replica, not the master: a replica never
// sees XREADGROUP, only the XCLAIM … LASTID it propagates, which does not carry
// the group's entries-read counter, so entries-read and lag legitimately differ
// from the master's; and seen-time / idle come from each server's own clock.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { datasetDigest, valueDigest } from '../../src/keyspace/digest';
import { streamReadCommands, streamWriteCommands } from '../../src/keyspace/commands/streams';
import { Keyspace } from '../../src/keyspace/keyspace';
import type { RedisClient, Reply } from '../../src/net/redisClient';
import { captureReplicationStream } from '../support/captureStream';
import { asClientSees, plain, replay, runRead, type AppliedCommand, type Plain } from '../support/keyspaceReplay';
import { RedisServer, waitFor } from '../support/redisServer';
import { runStreamWorkload, seededRandom } from '../support/streamWorkload';

const KEYS: [number, string][] = [[0, 's:a'], [0, 's:b'], [0, 's:c'], [2, 's:a'], [0, 'nostream']];
const GROUPS = ['g1', 'g2', 'grp-3'];
const CONSUMERS = ['alice', 'bob', 'carol', 'dave'];

/** Reads compared per key, and the fields in them that are clock readings. */
function readsFor(key: string): string[][] {
  const reads = [
    ['XINFO', 'STREAM', key],
    ['XINFO', 'STREAM', key, 'FULL'],
    ['XINFO', 'STREAM', key, 'FULL', 'COUNT', '0'],
    ['XINFO', 'STREAM', key, 'FULL', 'COUNT', '3'],
    ['XINFO', 'GROUPS', key],
    ['XRANGE', key, '-', '+'],
    ['XRANGE', key, '-', '+', 'COUNT', '7'],
    ['XREVRANGE', key, '+', '-', 'COUNT', '5'],
    ['XLEN', key],
    ['XREAD', 'COUNT', '4', 'STREAMS', key, '0-0'],
  ];
  for (const g of GROUPS) {
    reads.push(['XINFO', 'CONSUMERS', key, g], ['XPENDING', key, g], ['XPENDING', key, g, '-', '+', '1000']);
    for (const c of CONSUMERS) reads.push(['XPENDING', key, g, '-', '+', '1000', c]);
  }
  return reads;
}

/** Replaces clock readings (values after 'seen-time' / 'idle', XPENDING's idle column) so the rest compares exactly. */
function withoutClocks(argv: string[], r: Plain): Plain {
  const mask = (x: Plain): Plain => {
    if (!Array.isArray(x)) return x;
    return x.map((v, i) => (i > 0 && (x[i - 1] === 'seen-time' || x[i - 1] === 'idle') ? '<clock>' : mask(v)));
  };
  if (argv[0] === 'XPENDING' && argv.length > 3 && Array.isArray(r)) {
    return r.map((e) => (Array.isArray(e) ? [e[0]!, e[1]!, '<clock>', e[3]!] : e));
  }
  return mask(r);
}

describe('stream commands from a real master, next to a real replica', () => {
  const ks = new Keyspace();
  let applied: AppliedCommand[] = [];
  let counts = new Map<string, number>();
  const masterDigests = new Map<string, string>();
  let masterDigest = '';
  const replicaReads = new Map<string, Plain>();

  before(async () => {
    let replica: RedisServer | undefined;
    const capture = await captureReplicationStream(
      async (client: RedisClient) => {
        const port = String((await client.call('CONFIG', 'GET', 'port') as Reply[])[1]);
        replica = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', port] });
        const rc = await replica.client({ returnBuffers: true });
        try {
          await waitFor('real replica linked', async () => (await rc.info('replication')).get('master_link_status') === 'up');
          counts = await runStreamWorkload(client, { seed: 20240501, ops: 4000, keys: KEYS, groups: GROUPS, consumers: CONSUMERS });
          await client.call('SET', 'nostream', 'a string');
          const target = (await client.info('replication')).get('master_repl_offset');
          await waitFor('real replica caught up', async () => (await rc.info('replication')).get('slave_repl_offset') === target);
          for (const [db, key] of KEYS) {
            await client.call('SELECT', db);
            await rc.call('SELECT', db);
            masterDigests.set(`${db}/${key}`, String((await client.call('DEBUG', 'DIGEST-VALUE', key) as Reply[])[0]));
            for (const argv of readsFor(key)) replicaReads.set(`${db}/${argv.join(' ')}`, plain(await rc.send(...argv)));
          }
          masterDigest = String(await client.call('DEBUG', 'DIGEST'));
        } finally {
          rc.close();
        }
      },
      { serverArgs: ['--enable-debug-command', 'yes'], timeoutMs: 120_000 },
    );
    await replica?.stop();
    // The string key comes from SET, which is not a stream command: made here, as the master did.
    applied = replay(ks, capture.bytes, [...streamWriteCommands, { name: 'set', arity: -3, apply: (ctx, argv) => (ctx.ks.db(ctx.db).set(argv[1]!, { type: 'string', value: argv[2]! }), { kind: 'ok' }) }]);
  });

  test('the workload produced every command and every propagated form', () => {
    for (const name of ['XADD', 'XDEL', 'XTRIM', 'XSETID', 'XGROUP', 'XREADGROUP', 'XACK', 'XCLAIM', 'XAUTOCLAIM']) {
      assert.ok((counts.get(name) ?? 0) > 0, `${name} ran without error at least once`);
    }
    const seen = (pred: (argv: string[]) => boolean): boolean => applied.some((a) => pred(a.argv));
    assert.ok(seen((a) => a[0] === 'XADD' && a.includes('MAXLEN') && a.includes('=')), 'XADD MAXLEN ~ arrives as MAXLEN =');
    assert.ok(seen((a) => a[0] === 'XADD' && a.includes('MINID') && a.includes('LIMIT')), 'XADD MINID = … LIMIT n');
    assert.ok(seen((a) => a[0] === 'XTRIM'), 'XTRIM');
    assert.ok(seen((a) => a[0] === 'XCLAIM' && a.includes('LASTID') && a.includes('FORCE') && a.includes('JUSTID')), 'XCLAIM … FORCE JUSTID LASTID');
    assert.ok(seen((a) => a[0] === 'XGROUP' && a[1] === 'SETID' && a.includes('ENTRIESREAD')), 'XGROUP SETID … ENTRIESREAD (NOACK reads)');
    assert.ok(seen((a) => a[0] === 'XGROUP' && a[1] === 'CREATECONSUMER'), 'XGROUP CREATECONSUMER');
    assert.ok(seen((a) => a[0] === 'XSETID'), 'XSETID');
    const approx = (a: string[]): boolean => a.some((x, i) => (x === 'MAXLEN' || x === 'MINID') && a[i + 1] === '~');
    assert.ok(!seen((a) => (a[0] === 'XADD' || a[0] === 'XTRIM') && approx(a)), 'a 7.0 master never propagates "~"');
    assert.ok(!seen((a) => a[0] === 'XREADGROUP' || a[0] === 'XAUTOCLAIM'), 'XREADGROUP and XAUTOCLAIM arrive as XCLAIM');
  });

  test('every replicated command applies without error or divergence', () => {
    const bad = applied.filter((a) => a.outcome.kind !== 'ok');
    assert.deepEqual(bad.map((a) => `${a.argv.join(' ')} -> ${JSON.stringify(a.outcome)}`), []);
  });

  test('DEBUG DIGEST-VALUE of every key, and DEBUG DIGEST, equal the master', () => {
    for (const [db, key] of KEYS) assert.equal(valueDigest(ks, db, key), masterDigests.get(`${db}/${key}`), `db${db} ${key}`);
    assert.equal(datasetDigest(ks), masterDigest);
  });

  test('the streams grew to many nodes (so radix-tree-keys and -nodes are exercised)', () => {
    for (const key of ['s:a', 's:b', 's:c']) {
      const info = asClientSees(runRead(ks, 0, streamReadCommands, ['XINFO', 'STREAM', key]));
      assert.ok(Array.isArray(info));
      assert.ok(Number(info[info.indexOf('radix-tree-keys') + 1]) >= 3, `${key}: ${JSON.stringify(info.slice(0, 6))}`);
    }
  });

  for (const [db, key] of KEYS) {
    test(`reads of db${db} ${key} answer what the real replica answers`, () => {
      const now = Date.now();
      for (const argv of readsFor(key)) {
        const real = replicaReads.get(`${db}/${argv.join(' ')}`)!;
        const ours = asClientSees(runRead(ks, db, streamReadCommands, argv, now));
        assert.deepEqual(withoutClocks(argv, ours), withoutClocks(argv, real), argv.join(' '));
      }
    });
  }
});

describe("bad stream input gets redis-server's own answers", () => {
  // Run on a real server and on a Keyspace from the same state. Writes compare
  // Redis's error reply with the write's error outcome (or success with ok).
  const SETUP = [['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', '2-1', 'b', '2'], ['XGROUP', 'CREATE', 's', 'g', '0'], ['XGROUP', 'CREATE', 's', 'grüppe', '0']];
  const BAD_WRITES = [
    ['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', '0-0', 'a', '1'], ['XADD', 's', 'bad-id', 'a', '1'], ['XADD', 's', '*', 'a'],
    ['XADD', 's', 'MAXLEN', '-1', '*', 'a', '1'], ['XADD', 's', 'MAXLEN', 'x', '*', 'a', '1'], ['XADD', 's', 'MAXLEN', '1', 'MINID', '1', '*', 'a', '1'],
    ['XADD', 's', 'LIMIT', '10', '*', 'a', '1'], ['XADD', 's', 'LIMIT', '-1', '*', 'a', '1'], ['XADD', 's', 'MINID', '+', '*', 'a', '1'], ['XADD', 'str', '*', 'a', '1'],
    ['XADD', 's', '2-*', 'a', '1'], ['XADD', 's', '18446744073709551616-1', 'a', '1'], ['XADD', 's', ' 7-1', 'a', '1'],
    ['XDEL', 's', 'bad'], ['XDEL', 'str', '1-1'], ['XDEL', 'nokey', 'bad'],
    ['XTRIM', 's', 'FOO', '1'], ['XTRIM', 's', 'MAXLEN', '1', 'LIMIT', 'x'], ['XTRIM', 's', 'LIMIT', '5', 'FOO'], ['XTRIM', 'str', 'MAXLEN', '1'],
    ['XSETID', 's', '1-0'], ['XSETID', 's', '90-0', 'ENTRIESADDED', '0'], ['XSETID', 's', '90-0', 'MAXDELETEDID', '100-0'], ['XSETID', 'nokey', '1-1'],
    ['XSETID', 's', 'x'], ['XSETID', 's', '90-0', 'FOO', '1'], ['XSETID', 's', '90-0', 'ENTRIESADDED', '-1'], ['XSETID', 's', '+'],
    ['XGROUP', 'CREATE', 's', 'g', '$'], ['XGROUP', 'CREATE', 'nokey', 'g', '$'], ['XGROUP', 'SETID', 's', 'nog', '0'], ['XGROUP', 'CREATE', 's', 'g2', 'bad'],
    ['XGROUP', 'CREATE', 's', 'g3', '0', 'ENTRIESREAD', '-5'], ['XGROUP', 'CREATE', 's', 'g3', '0', 'FOO'], ['XGROUP', 'FOO', 's', 'g'], ['XGROUP', 'CREATE', 's'],
    ['XGROUP', 'DESTROY', 's', 'g', 'x'], ['XGROUP', 'CREATE', 'str', 'g', '$'], ['XGROUP', 'SETID', 's', 'g', '0', 'ENTRIESREAD'], ['XGROUP', 'CREATECONSUMER', 's', 'nog', 'c'],
    ['XGROUP', 'DELCONSUMER', 'nokey', 'g', 'c'], ['XGROUP', 'CREATE', 's', 'g4', '+'],
    ['XACK', 's', 'g', 'bad'], ['XACK', 'str', 'g', '1-1'], ['XACK', 's', 'nog', 'bad'],
    ['XCLAIM', 's', 'nog', 'c', '0', '1-1'], ['XCLAIM', 's', 'grüppe', 'c', 'x', '1-1'], ['XCLAIM', 's', 'g', 'c', '0', '1-1', 'IDLE', 'x'],
    ['XCLAIM', 's', 'g', 'c', '0', '1-1', 'FOO'], ['XCLAIM', 's', 'g', 'c', '0', '1-1', 'LASTID', 'bad'], ['XCLAIM', 'str', 'g', 'c', '0', '1-1'],
    ['XCLAIM', 's', 'g', 'c', '0', '1-1', 'RETRYCOUNT', 'y'], ['XCLAIM', 's', 'g', 'c', '0', '1-1', 'TIME', 'z'],
    ['XAUTOCLAIM', 's', 'g', 'c', 'x', '0'], ['XAUTOCLAIM', 's', 'g', 'c', '0', 'bad'], ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '0'],
    ['XAUTOCLAIM', 's', 'nog', 'c', '0', '0'], ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'FOO'], ['XAUTOCLAIM', 's', 'g', 'c', '0', '(18446744073709551615-18446744073709551615'],
  ];
  const BAD_READS = [
    ['XRANGE', 's', 'bad', '+'], ['XRANGE', 's', '(', '+'], ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'], ['XRANGE', 's', '-', '(0-0'],
    ['XRANGE', 's', '-', '+', 'COUNT'], ['XRANGE', 's', '-', '+', 'COUNT', 'x'], ['XRANGE', 's', '-', '+', 'COUNT', '0'], ['XRANGE', 's', '-', '+', 'COUNT', '-5'],
    ['XRANGE', 'str', '-', '+'], ['XRANGE', 'nokey', '-', '+'], ['XRANGE', 's', '(1-1', '(2-1'], ['XRANGE', 's', '2', '1'], ['XREVRANGE', 's', '+', '-', 'COUNT', '1'],
    ['XRANGE', 's', '1', '1'], ['XRANGE', 's', '001-1', '+'],
    ['XLEN', 'str'], ['XLEN', 'nokey'],
    ['XINFO', 'STREAM', 'nokey'], ['XINFO', 'STREAM', 's', 'FULL', 'COUNT'], ['XINFO', 'STREAM', 's', 'BLAH'], ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', 'x'],
    ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '-1'], ['XINFO', 'CONSUMERS', 's', 'nog'], ['XINFO', 'FOO', 's'], ['XINFO', 'GROUPS'], ['XINFO', 'HELP'],
    ['XINFO', 'STREAM', 'str'], ['XINFO', 'STREAM', 's', 'FULL', 'BLAH', '1'],
    ['XPENDING', 's', 'g', '-', '+'], ['XPENDING', 's', 'nog'], ['XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '1'], ['XPENDING', 's', 'g', 'IDLE', '10', '-', '+'],
    ['XPENDING', 's', 'g', '-', '+', 'x'], ['XPENDING', 's', 'g', 'bad', '+', '1'], ['XPENDING', 'str', 'g'], ['XPENDING', 's', 'g'],
    ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'], ['XPENDING', 'nokey', 'grüppe'], ['XPENDING', 's', 'g', '(+', '+', '1'],
    ['XREAD', 'STREAMS', 's', '0'], ['XREAD', 'COUNT', '1', 'STREAMS', 's', 'nokey', '1-1', '0'], ['XREAD', 'STREAMS', 's', '$'], ['XREAD', 'STREAMS', 's', '2-1'],
    ['XREAD', 'STREAMS', 's'], ['XREAD', 'STREAMS', 's', '>'], ['XREAD', 'STREAMS', 's', '-'], ['XREAD', 'STREAMS', 's', '(1-1'], ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
    ['XREAD', 'NOACK', 'STREAMS', 's', '0'], ['XREAD', 'BLOCK', 'x', 'STREAMS', 's', '0'], ['XREAD', 'BLOCK', '-1', 'STREAMS', 's', '0'], ['XREAD', 'COUNT', '1'],
    ['XREAD', 'STREAMS', 'str', '0'], ['XREAD', 'BLOCK', '10', 'STREAMS', 's', '0'], ['XREAD', 'FOO', 'STREAMS', 's', '0'], ['XREAD', 'STREAMS', 's', '1'],
  ];
  const set = { name: 'set', arity: -3, apply: (ctx: { ks: Keyspace; db: number }, argv: string[]) => (ctx.ks.db(ctx.db).set(argv[1]!, { type: 'string', value: argv[2]! }), { kind: 'ok' as const }) };
  const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

  test('writes and reads answer alike, error texts included', async () => {
    const server = await RedisServer.start();
    const c = await server.client({ returnBuffers: true });
    const ks = new Keyspace();
    const writes = new Map([...streamWriteCommands, set].map((w) => [w.name, w]));
    try {
      for (const cmd of [['SET', 'str', 'v'], ...SETUP]) {
        await c.call(...cmd);
        writes.get(cmd[0]!.toLowerCase())!.apply({ ks, db: 0, now: Date.now() }, cmd.map(utf8));
      }
      for (const cmd of BAD_WRITES) {
        const real = plain(await c.send(...cmd));
        const argv = cmd.map(utf8);
        const w = writes.get(argv[0]!.toLowerCase())!;
        const argc = argv.length;
        const outcome = (w.arity > 0 ? argc === w.arity : argc >= -w.arity)
          ? w.apply({ ks, db: 0, now: Date.now() }, argv)
          : { kind: 'error' as const, error: `ERR wrong number of arguments for '${argv[0]!.toLowerCase()}' command` };
        const ours = outcome.kind === 'error' ? { error: outcome.error } : outcome.kind;
        if (real !== null && typeof real === 'object' && 'error' in real) assert.deepEqual(ours, { error: utf8(real.error) }, cmd.join(' '));
        else assert.equal(ours, 'ok', `${cmd.join(' ')} succeeded on redis-server`);
      }
      for (const cmd of BAD_READS) {
        const real = plain(await c.send(...cmd));
        const ours = asClientSees(runRead(ks, 0, streamReadCommands, cmd.map(utf8)));
        assert.deepEqual(ours, real, cmd.join(' '));
      }
    } finally {
      c.close();
      await server.stop();
    }
  });
});

describe('approximate trimming follows redis-server node boundaries', () => {
  // A 7.0 master never propagates "~", but older masters did: the replica
  // reproduces it from its own copy of the node layout (listpack sizes and the
  // 100-entry / 4096-byte node limits). Checked here by running the same
  // commands on a real server and on a Keyspace.
  test('XTRIM and XADD with MAXLEN ~ and MINID ~ leave the same entries and nodes', async () => {
    const server = await RedisServer.start();
    const c = await server.client({ returnBuffers: true });
    const ks = new Keyspace();
    const writes = new Map(streamWriteCommands.map((w) => [w.name, w]));
    const both = async (...argv: string[]): Promise<void> => {
      await c.call(...argv);
      const outcome = writes.get(argv[0]!.toLowerCase())!.apply({ ks, db: 0, now: Date.now() }, argv);
      assert.equal(outcome.kind, 'ok', argv.join(' '));
    };
    const rnd = seededRandom(99);
    const compare = async (what: string): Promise<void> => {
      for (const argv of [['XINFO', 'STREAM', 's'], ['XRANGE', 's', '-', '+', 'COUNT', '3']]) {
        assert.deepEqual(asClientSees(runRead(ks, 0, streamReadCommands, argv)), plain(await c.send(...argv)), `${what}: ${argv.join(' ')}`);
      }
    };
    try {
      for (let i = 1; i <= 2500; i++) {
        const v = rnd() < 0.05 ? 'x'.repeat(Math.floor(rnd() * 2000)) : String(Math.floor(rnd() * 1e9) - 5e8);
        await both('XADD', 's', `${i}-0`, rnd() < 0.7 ? 'f' : 'g', v, ...(rnd() < 0.3 ? ['h', String(i)] : []));
        if (rnd() < 0.05) await both('XDEL', 's', `${Math.floor(rnd() * i) + 1}-0`);
      }
      await compare('built');
      for (const n of [2400, 2000, 1510, 900]) {
        await both('XTRIM', 's', 'MAXLEN', '~', String(n));
        await compare(`MAXLEN ~ ${n}`);
        const len = Number(await c.call('XLEN', 's'));
        assert.ok(len >= Math.min(n, 2300) && (n > 2300 || len < n + 100), `MAXLEN ~ ${n} kept ${len}: whole nodes only`);
      }
      for (const id of ['1700-0', '1850-0', '1851-0']) {
        await both('XTRIM', 's', 'MINID', '~', id);
        await compare(`MINID ~ ${id}`);
      }
      await both('XADD', 's', 'MAXLEN', '~', '500', '3000-0', 'f', 'v');
      await compare('XADD MAXLEN ~ 500');
    } finally {
      c.close();
      await server.stop();
    }
  });
});
