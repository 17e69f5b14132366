// The replication stream of a seeded Array workload captured from a live Redis
// 2026-06 master (test/fixtures/arrays/stream.json, made by
// test/fixtures/captureArrays.ts), applied to a Keyspace as a replica applies
// it. Then the digests are the master's, every Array read (the RESP port's own
// path: registry lookup, arity, the command) answers byte for byte what the
// master answered, including errors and ARGREP's TRE patterns, and writes sent
// to the replica's port answer what a real replica answered.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { runRead } from '../../src/keyspace/commands/registry';
import { datasetDigest, valueDigest } from '../../src/keyspace/digest';
import { Keyspace } from '../../src/keyspace/keyspace';
import { profileById } from '../../src/versions/profiles';
import { readArrayFixture, type ArrayStreamFixture } from '../support/arrayFixtures';
import { applyCommands, parseCommands, type AppliedCommand } from '../support/keyspaceHarness';
import { asClientSees } from '../support/keyspaceReplay';

const fixture = readArrayFixture<ArrayStreamFixture>('stream.json');
const redis88 = profileById('redis-8.8')!;
const commands = parseCommands(Buffer.from(fixture.stream, 'base64'));

describe('an Array workload replicated from a live 8.8 master', () => {
  const ks = new Keyspace(16, redis88);
  let applied: AppliedCommand[] = [];
  before(() => {
    applied = applyCommands(ks, commands, () => fixture.capturedAt);
  });

  test('the stream carries every Array write as the client sent it, and INCREX as SET', () => {
    const names = new Set(commands.map((a) => a[0]!.toUpperCase()));
    for (const n of ['ARSET', 'ARMSET', 'ARDEL', 'ARDELRANGE', 'ARINSERT', 'ARRING', 'ARSEEK', 'RESTORE', 'SET']) assert.ok(names.has(n), `${n} in the stream`);
    assert.ok(!names.has('INCREX'), 'INCREX never arrives as itself');
    assert.ok(commands.some((a) => a[0] === 'SET' && a.includes('PXAT')), 'INCREX with an expiry arrives as SET … PXAT');
    assert.ok(commands.some((a) => a[0] === 'RESTORE' && a.at(-1) === 'ABSTTL'), 'RESTORE with a TTL arrives with ABSTTL');
    assert.ok(commands.some((a) => a[0] === 'ARSEEK' && a[2] === '18446744073709551615'), 'ARSEEK to the end of the index space');
  });

  test('every replicated command applies without error or divergence', () => {
    const bad = applied.filter((a) => a.outcome.kind !== 'ok');
    assert.deepEqual(bad.map((a) => `${a.argv.join(' ').slice(0, 80)} -> ${JSON.stringify(a.outcome)}`), []);
  });

  test('DEBUG DIGEST and every key\'s DEBUG DIGEST-VALUE equal the master\'s', () => {
    for (const [id, digest] of Object.entries(fixture.valueDigests)) {
      const slash = id.indexOf('/');
      assert.equal(valueDigest(ks, Number(id.slice(0, slash)), id.slice(slash + 1)), digest, id);
    }
    assert.equal(datasetDigest(ks), fixture.digest);
  });

  test('every read answers what the master answered, byte for byte', () => {
    const wrong: string[] = [];
    for (const r of fixture.reads) {
      const ours = asClientSees(runRead({ ks, db: r.db, now: fixture.capturedAt }, r.argv));
      if (JSON.stringify(ours) !== JSON.stringify(r.reply)) {
        wrong.push(`db${r.db} ${r.argv.join(' ').slice(0, 100)}\n  master: ${JSON.stringify(r.reply).slice(0, 300)}\n  ours:   ${JSON.stringify(ours).slice(0, 300)}`);
      }
    }
    assert.equal(wrong.length, 0, wrong.slice(0, 10).join('\n'));
    assert.ok(fixture.reads.length > 1000, `${fixture.reads.length} reads compared`);
  });

  test('writes sent to the replica\'s port answer what a real 8.8 replica answered (arity first, then READONLY)', () => {
    for (const w of fixture.replicaWrites) {
      assert.deepEqual(asClientSees(runRead({ ks, db: 0, now: fixture.capturedAt }, w.argv)), w.reply, w.argv.join(' '));
    }
  });
});

describe('a replica of a version before 8.8 knows no Array command', () => {
  const ks = new Keyspace(16, profileById('redis-8.6')!);
  const applied = applyCommands(ks, commands.slice(0, 40), () => fixture.capturedAt);

  test('an Array write is an unknown command: the dataset diverges', () => {
    const first = applied.find((a) => a.argv[0]!.toUpperCase().startsWith('AR'))!;
    assert.equal(first.outcome.kind, 'diverged');
  });

  test('an Array read answers as any unknown command', () => {
    const r = asClientSees(runRead({ ks, db: 0, now: fixture.capturedAt }, ['ARLEN', 'ar:a']));
    assert.deepEqual(r, { error: "ERR unknown command 'ARLEN', with args beginning with: 'ar:a' " });
  });
});
