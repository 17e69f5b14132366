// INCREX applied as itself (a master sends it as SET, but a replica must still
// run it right when it arrives): every captured step of test/fixtures/arrays/
// increx.json, run on a live 2026-06 server by test/fixtures/captureArrays.ts,
// refuses with the server's words or leaves the key as the server left it:
// its value (int64 and long double arithmetic, bounds, saturation) and
// whether it has a TTL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyWrite, runRead } from '../../src/keyspace/commands/registry';
import { Keyspace } from '../../src/keyspace/keyspace';
import { profileById } from '../../src/versions/profiles';
import { readArrayFixture, type IncrexFixture } from '../support/arrayFixtures';
import { asClientSees } from '../support/keyspaceReplay';

const fixture = readArrayFixture<IncrexFixture>('increx.json');

test('every INCREX step answers and leaves the key as the server did', () => {
  const ks = new Keyspace(16, profileById('redis-8.8')!);
  // The server's clock when it ran them (a few seconds' drift cannot cross the minutes-ahead PXATs).
  const now = fixture.capturedAt;
  const ctx = { ks, db: 0, now };
  for (const argv of fixture.setup) assert.equal(applyWrite(ctx, argv).kind, 'ok');
  for (const s of fixture.steps) {
    const outcome = applyWrite(ctx, s.argv);
    const what = s.argv.join(' ');
    if (s.reply !== null && typeof s.reply === 'object' && 'error' in s.reply) assert.deepEqual(outcome, { kind: 'error', error: s.reply.error }, what);
    else assert.deepEqual(outcome, { kind: 'ok' }, what);
    const type = asClientSees(runRead(ctx, ['TYPE', s.argv[1]!]));
    assert.deepEqual(type === 'string' ? asClientSees(runRead(ctx, ['GET', s.argv[1]!])) : type, s.value, what);
    assert.equal((asClientSees(runRead(ctx, ['PTTL', s.argv[1]!])) as number) > 0, s.hasTtl, what);
  }
  assert.ok(fixture.steps.length > 300);
});

test('a replica of a version before 8.8 does not know INCREX', () => {
  const ks = new Keyspace(16, profileById('redis-8.6')!);
  assert.equal(applyWrite({ ks, db: 0, now: 0 }, ['INCREX', 'n']).kind, 'diverged');
});
