// Array writes replicated from a live Redis 2026-06 master (the 8.8 line): a
// seeded random workload of every Array write, INCREX, DUMP/RESTORE and the
// generic writes on array keys runs on the master while a raw replica link
// captures the stream; a Keyspace fed that stream (as the engine feeds it) then
// has the master's DEBUG DIGEST and DEBUG DIGEST-VALUE, and answers every Array
// read as the master does. The master's own RDB (SAVE) decoded into a fresh
// Keyspace has the same digest. Corrupt DUMP payloads are refused alike.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { applyWrite, runRead } from '../../src/keyspace/commands/registry';
import { datasetDigest, valueDigest } from '../../src/keyspace/digest';
import { Keyspace } from '../../src/keyspace/keyspace';
import { loadDecodedKey } from '../../src/keyspace/load';
import { RedisClient, type Reply } from '../../src/net/redisClient';
import { crc64 } from '../../src/rdb/crc64';
import { profileById } from '../../src/versions/profiles';
import { arrayErrorReads, arrayReadsFor } from '../support/arrayReads';
import { runArrayWorkload } from '../support/arrayWorkload';
import { captureReplicationStream } from '../support/captureStream';
import { applyCommands, parseCommands, type AppliedCommand } from '../support/keyspaceHarness';
import { asClientSees, plain, type Plain } from '../support/keyspaceReplay';
import { decodeAll, keysOf } from '../support/rdbDecode';
import { liveServer } from '../support/servers';

const redis88 = profileById('redis-8.8')!;
const KEYS: [number, string][] = [[0, 'a'], [0, 'b'], [0, 'c'], [1, 'a'], [1, 'ring'], [3, 'z']];
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

interface Read {
  db: number;
  argv: string[];
  reply: Plain;
}

/** SCAN 0 … TYPE array over a whole database, the keys sorted (each side's cursor order is its own). */
async function scanArrays(send: (argv: string[]) => Promise<Plain>): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const r = (await send(['SCAN', cursor, 'TYPE', 'array', 'COUNT', '7'])) as [string, string[]];
    cursor = r[0];
    keys.push(...r[1]);
  } while (cursor !== '0');
  return [...new Set(keys)].sort();
}

describe('Array writes from a live 8.8 master, applied as a replica applies them', () => {
  const ks = new Keyspace(16, redis88);
  let applied: AppliedCommand[] = [];
  let counts = new Map<string, number>();
  const reads: Read[] = [];
  const valueDigests = new Map<string, string>();
  const masterScans = new Map<number, string[]>();
  let masterDigest = '';
  let rdb = Buffer.alloc(0);
  let now = 0;
  const corrupt: { key: string; payload: Buffer; reply: Plain }[] = [];

  before(async () => {
    const live = liveServer('redis-unstable-2026-06');
    const capture = await captureReplicationStream(
      async (pc) => {
        const port = Number((await pc.call('CONFIG', 'GET', 'port') as Reply[])[1]);
        const dir = String((await pc.call('CONFIG', 'GET', 'dir') as Reply[])[1]);
        const c = await RedisClient.connect(port, '127.0.0.1', { returnBuffers: true });
        const send = async (argv: string[]): Promise<Plain> => plain(await c.send(...argv.map(bytes)));
        try {
          counts = await runArrayWorkload(c, { seed: 2026_0625, ops: 1500, keys: KEYS });
          // Corrupt payloads (before the reads, so both sides hold the same keys either way): no
          // elements, a cursor flag of 63, a type byte no version knows.
          await c.send('SELECT', 0);
          const dump = (await c.send('DUMP', 'a')) as Buffer;
          for (const [at, byte] of [[1, 0x00], [2, 0x3f], [0, 0x1f]] as const) {
            const p = Buffer.from(dump);
            p[at] = byte;
            p.writeBigUInt64LE(crc64(p.subarray(0, p.length - 8)), p.length - 8);
            corrupt.push({ key: `corrupt:${at}`, payload: p, reply: plain(await c.send('RESTORE', `corrupt:${at}`, '0', p)) });
          }
          now = Date.now();
          for (let db = 0; db < 5; db++) {
            await c.send('SELECT', db);
            const present = ((await c.send('KEYS', '*')) as Buffer[]).map((b) => b.toString('latin1')).sort();
            for (const key of [...present, 'missing']) {
              for (const argv of arrayReadsFor(key, { scanAll: true })) reads.push({ db, argv, reply: await send(argv) });
            }
            for (const key of present) valueDigests.set(`${db}/${key}`, String((await c.send('DEBUG', 'DIGEST-VALUE', key) as Reply[])[0]));
            masterScans.set(db, await scanArrays(send));
          }
          await c.send('SELECT', 0);
          for (const argv of arrayErrorReads('a')) reads.push({ db: 0, argv, reply: await send(argv) });
          masterDigest = String(await c.send('DEBUG', 'DIGEST'));
          await c.send('SAVE');
          rdb = fs.readFileSync(path.join(dir, 'dump.rdb'));
        } finally {
          c.close();
        }
      },
      { binary: live.binary, serverArgs: ['--enable-debug-command', 'yes'], timeoutMs: 300_000 },
    );
    applied = applyCommands(ks, parseCommands(capture.bytes), () => now);
  });

  test('the workload ran every Array write, INCREX and RESTORE, and some were refused', () => {
    for (const n of ['ARSET', 'ARMSET', 'ARDEL', 'ARDELRANGE', 'ARINSERT', 'ARRING', 'ARSEEK', 'INCREX', 'RESTORE', 'COPY', 'RENAME', 'MOVE', 'PEXPIRE']) {
      assert.ok((counts.get(n) ?? 0) > 0, `${n} ran`);
    }
    assert.ok([...counts.keys()].some((k) => k.endsWith(' error')), 'refused writes were mixed in');
  });

  test('every replicated command applies without error or divergence', () => {
    const bad = applied.filter((a) => a.outcome.kind !== 'ok');
    assert.deepEqual(bad.map((a) => `${a.argv.join(' ').slice(0, 80)} -> ${JSON.stringify(a.outcome)}`), []);
  });

  test("DEBUG DIGEST and every key's DEBUG DIGEST-VALUE equal the master's", () => {
    for (const [id, digest] of valueDigests) {
      const slash = id.indexOf('/');
      assert.equal(valueDigest(ks, Number(id.slice(0, slash)), id.slice(slash + 1)), digest, id);
    }
    assert.equal(datasetDigest(ks), masterDigest);
  });

  test('every Array read, TYPE and OBJECT ENCODING answers what the master answers', () => {
    const wrong: string[] = [];
    for (const r of reads) {
      const ours = asClientSees(runRead({ ks, db: r.db, now }, r.argv));
      if (JSON.stringify(ours) !== JSON.stringify(r.reply)) {
        wrong.push(`db${r.db} ${r.argv.join(' ').slice(0, 100)}\n  master: ${JSON.stringify(r.reply).slice(0, 300)}\n  ours:   ${JSON.stringify(ours).slice(0, 300)}`);
      }
    }
    assert.equal(wrong.length, 0, wrong.slice(0, 10).join('\n'));
  });

  test('SCAN … TYPE array finds the arrays the master finds', async () => {
    for (const [db, keys] of masterScans) {
      assert.deepEqual(await scanArrays(async (argv) => asClientSees(runRead({ ks, db, now }, argv))), keys, `db${db}`);
    }
  });

  test("the master's RDB (SAVE), decoded and loaded, has the master's digest", () => {
    const run = decodeAll(rdb, undefined, { maxVersion: 14 });
    assert.equal(run.end.status, 'done', JSON.stringify(run.end));
    const loaded = new Keyspace(16, redis88);
    for (const k of keysOf(run)) loadDecodedKey(loaded, k);
    assert.ok(keysOf(run).some((k) => k.rdbType === 28));
    assert.equal(datasetDigest(loaded), masterDigest);
  });

  test('corrupt DUMP payloads are refused as the master refused them', () => {
    assert.ok(corrupt.length > 0);
    for (const { key, payload, reply } of corrupt) {
      const o = applyWrite({ ks: new Keyspace(16, redis88), db: 0, now }, ['RESTORE', key, '0', payload.toString('latin1')]);
      assert.deepEqual(o.kind === 'error' ? { error: o.error } : 'OK', reply, key);
      assert.deepEqual(reply, { error: 'ERR Bad data format' }, key);
    }
  });
});
