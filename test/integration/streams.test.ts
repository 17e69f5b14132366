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
import { runStreamWorkload } from '../support/streamWorkload';

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
