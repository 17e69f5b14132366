// step() granularity, queued input and stops, and independence from how the
// master's bytes are cut: all on bytes captured from a real redis-server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicaEngine } from '../../src/engine/engine';
import type { StepResult } from '../../src/engine/io';
import { ReplState, shortStateName } from '../../src/engine/states';
import {
  atMasterChunk, FakeClock, masterChunks, replidSequence, SessionReplay, sessionConfig, splitLink, stateDigest,
  transitionsIn, WHOLE_SECOND, type Chunking,
} from '../support/fakeMaster';
import { eventBytes, loadSession } from '../support/sessionCaptureFormat';

const ALL_SCENARIOS = [
  'disk-full-sync', 'diskless-full-sync', 'partial-resync', 'multi-cut', 'announce', 'continue-new-replid', 'auth-ok', 'auth-wrong',
  'acl-no-psync', 'no-master-link', 'psync-link-lost', 'transfer-link-lost', 'protocol-error', 'timeouts',
];

function describePoint(r: StepResult): string {
  const p = r.point;
  switch (p.kind) {
    case 'transition': return `transition ${shortStateName(p.transition.from)}->${shortStateName(p.transition.to)}`;
    case 'line': return `line ${JSON.stringify(p.line)}`;
    case 'command': return `command ${p.argv.join(' ')}`;
    default: return p.kind;
  }
}

/** An engine of the auth-ok session with its PING written, before any reply. */
function engineAwaitingPong(): { engine: ReplicaEngine; link: number } {
  const fixture = loadSession('auth-ok');
  const engine = new ReplicaEngine(sessionConfig(fixture), { clock: new FakeClock(WHOLE_SECOND), newReplid: replidSequence() });
  engine.runUntilIdle();
  engine.receive({ type: 'cron' });
  engine.runUntilIdle();
  const link = engine.linkId!;
  engine.receive({ type: 'connected', link });
  engine.runUntilIdle();
  assert.equal(engine.info.repl_state, ReplState.RECEIVE_PING_REPLY);
  return { engine, link };
}

describe('step granularity', () => {
  test('receive() only queues: no step runs, no action comes out until step()', () => {
    const { engine, link } = engineAwaitingPong();
    const parts = splitLink(loadSession('auth-ok'), 1);
    engine.receive({ type: 'data', link, bytes: parts.replies[0]! });
    assert.equal(engine.info.repl_state, ReplState.RECEIVE_PING_REPLY);
    assert.equal(engine.bufferedBytes, parts.replies[0]!.length);
    assert.equal(engine.hasWork, true);
    const r = engine.step();
    assert.equal(describePoint(r), 'transition RECEIVE_PING_REPLY->SEND_HANDSHAKE');
  });

  test('a data chunk holding three replies gives three reply-reading steps, PSYNC only in the step after the third', () => {
    const { engine, link } = engineAwaitingPong();
    const parts = splitLink(loadSession('auth-ok'), 1);
    engine.receive({ type: 'data', link, bytes: parts.replies[0]! }); // -NOAUTH to PING
    engine.runUntilIdle();
    assert.equal(engine.info.repl_state, ReplState.RECEIVE_AUTH_REPLY);
    // The AUTH and the two REPLCONF replies in one read, as a master answering a pipelined handshake sends them.
    const three = Buffer.concat(parts.replies.slice(1, 4));
    assert.equal(three.toString('latin1'), '+OK\r\n+OK\r\n+OK\r\n');
    engine.receive({ type: 'data', link, bytes: three });
    const seen: { point: string; consumed: number; psync: boolean }[] = [];
    for (;;) {
      const before = engine.bufferedBytes;
      const r = engine.step();
      if (r.point.kind === 'idle') break;
      const psync = r.actions.some((a) => a.type === 'write' && a.bytes.toString('latin1').includes('PSYNC'));
      seen.push({ point: describePoint(r), consumed: before - engine.bufferedBytes, psync });
    }
    assert.deepEqual(seen, [
      { point: 'transition RECEIVE_AUTH_REPLY->RECEIVE_PORT_REPLY', consumed: 5, psync: false },
      { point: 'transition RECEIVE_PORT_REPLY->RECEIVE_IP_REPLY', consumed: 5, psync: false },
      { point: 'transition RECEIVE_IP_REPLY->RECEIVE_CAPA_REPLY', consumed: 0, psync: false },
      { point: 'transition RECEIVE_CAPA_REPLY->SEND_PSYNC', consumed: 5, psync: false },
      { point: 'transition SEND_PSYNC->RECEIVE_PSYNC_REPLY', consumed: 0, psync: true },
    ]);
  });

  test('PSYNC is not written while any byte of the REPLCONF capa reply is still missing', () => {
    const { engine, link } = engineAwaitingPong();
    const parts = splitLink(loadSession('auth-ok'), 1);
    const replies = Buffer.concat(parts.replies.slice(0, 4));
    let written = '';
    for (let i = 0; i < replies.length; i++) {
      assert.ok(!written.includes('PSYNC'), `PSYNC written with ${replies.length - i} reply bytes still unread`);
      engine.receive({ type: 'data', link, bytes: replies.subarray(i, i + 1) });
      for (const r of engine.runUntilIdle()) for (const a of r.actions) if (a.type === 'write') written += a.bytes.toString('latin1');
    }
    assert.ok(written.endsWith('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n'));
  });

  test('step() with only part of a reply buffered returns idle and keeps the bytes queued', () => {
    const { engine, link } = engineAwaitingPong();
    const reply = splitLink(loadSession('auth-ok'), 1).replies[0]!;
    engine.receive({ type: 'data', link, bytes: reply.subarray(0, 10) });
    assert.equal(engine.step().point.kind, 'idle');
    assert.equal(engine.step().point.kind, 'idle', 'stepping again changes nothing');
    assert.equal(engine.info.repl_state, ReplState.RECEIVE_PING_REPLY);
    assert.equal(engine.unreadBytes, 10);
    assert.equal(engine.hasWork, false);
    engine.receive({ type: 'data', link, bytes: reply.subarray(10) });
    assert.equal(describePoint(engine.step()), 'transition RECEIVE_PING_REPLY->SEND_HANDSHAKE');
    assert.equal(engine.unreadBytes, 0);
  });

  test('each step takes one point: inputs behind it stay queued and are counted as buffered', () => {
    const { engine, link } = engineAwaitingPong();
    const parts = splitLink(loadSession('auth-ok'), 1);
    for (const reply of parts.replies.slice(0, 4)) engine.receive({ type: 'data', link, bytes: reply });
    const total = parts.replies.slice(0, 4).reduce((n, b) => n + b.length, 0);
    assert.equal(engine.bufferedBytes, total);
    engine.step();
    assert.equal(engine.bufferedBytes, total - parts.replies[0]!.length, 'only the PING reply was read');
    assert.equal(engine.info.repl_state, ReplState.SEND_HANDSHAKE);
  });

  test('one stream read of four commands is a read step and four command steps', () => {
    const fixture = loadSession('disk-full-sync');
    const r = new SessionReplay(fixture, { stopBefore: atMasterChunk((b) => b.includes('lua1')) }).run();
    const chunk = masterChunks(fixture, 1).find((b) => b.includes('lua1'))!;
    r.engine.receive({ type: 'data', link: r.engine.linkId!, bytes: chunk });
    const points = r.engine.runUntilIdle().map(describePoint);
    assert.deepEqual(points, ['read', 'command MULTI', 'command set lua1 x', 'command incr lua2', 'command EXEC', 'idle']);
  });
});

describe('a stop between steps loses nothing', () => {
  const fixture = loadSession('disk-full-sync');
  const atPayload = atMasterChunk((b) => b.includes('REDIS0010'));
  const link1 = fixture.events.filter((e) => e.kind === 'm2r' && e.link === 1);
  const rest = link1.slice(link1.findIndex((e) => eventBytes(e).includes('REDIS0010'))).map(eventBytes);

  test('everything received while not stepping is applied afterwards, as if it had been stepped as it came', () => {
    const stepped = new SessionReplay(fixture, { stopBefore: atPayload }).run();
    const stopped = new SessionReplay(fixture, { stopBefore: atPayload }).run();
    const steppedResults = rest.flatMap((bytes) => stepped.feed({ type: 'data', link: stepped.engine.linkId!, bytes }, 'data'));
    // A stopped replica's shell keeps buffering what the master sends; nothing runs.
    for (const bytes of rest) stopped.engine.receive({ type: 'data', link: stopped.engine.linkId!, bytes });
    assert.equal(stopped.engine.bufferedBytes, rest.reduce((n, b) => n + b.length, 0));
    assert.equal(stopped.engine.info.repl_state, ReplState.TRANSFER);
    const resumed = stopped.drive('resume');
    assert.deepEqual(stateDigest(stopped.engine), stateDigest(stepped.engine));
    assert.equal(stopped.engineWrites(1).toString('latin1'), stepped.engineWrites(1).toString('latin1'));
    const commands = (steps: readonly StepResult[]) => steps.filter((s) => s.point.kind === 'command').map(describePoint);
    assert.deepEqual(commands(resumed), commands(steppedResults));
    assert.ok(commands(resumed).length >= 10);
  });

  test('a replica not stepped stays where it stopped, its input queued, whatever the clock says', () => {
    const r = new SessionReplay(fixture, { stopBefore: atPayload }).run();
    r.engine.receive({ type: 'data', link: r.engine.linkId!, bytes: rest[0]! });
    r.engine.receive({ type: 'cron' });
    r.clock.advanceTo(r.clock.now() + 3_600_000);
    assert.equal(r.engine.info.repl_state, ReplState.TRANSFER, 'nothing runs without step()');
    assert.equal(r.engine.bufferedBytes, rest[0]!.length);
    assert.equal(r.engine.hasWork, true);
  });
});

describe('the cut of the master bytes does not matter', () => {
  const chunkings: { name: string; chunking: Chunking }[] = [
    { name: 'whole runs of chunks', chunking: 'whole' },
    { name: 'byte by byte', chunking: 'bytes' },
    { name: 'random pieces ≤ 7 (seed 1)', chunking: { seed: 1, maxPiece: 7 } },
    { name: 'random pieces ≤ 64 (seed 2)', chunking: { seed: 2, maxPiece: 64 } },
    { name: 'random pieces ≤ 500 (seed 3)', chunking: { seed: 3, maxPiece: 500 } },
  ];
  for (const name of ALL_SCENARIOS) {
    test(`${name}: every cut ends in the same state with the same writes, transitions, logs and commands`, () => {
      const fixture = loadSession(name);
      const base = new SessionReplay(fixture).run();
      const commands = (r: SessionReplay) => r.steps.filter((s) => s.result.point.kind === 'command').map((s) => describePoint(s.result));
      for (const { name: how, chunking } of chunkings) {
        const r = new SessionReplay(fixture, { chunking }).run();
        assert.deepEqual(stateDigest(r.engine), stateDigest(base.engine), how);
        for (const link of base.writes.keys()) {
          assert.equal(r.engineWrites(link).toString('latin1'), base.engineWrites(link).toString('latin1'), `${how}: link ${link}`);
        }
        assert.deepEqual(r.transitionsText(), base.transitionsText(), how);
        assert.deepEqual(r.logs.map((l) => l.message), base.logs.map((l) => l.message), how);
        assert.deepEqual(commands(r), commands(base), how);
        assert.deepEqual(r.problems, [], how);
      }
    });
  }

  test('byte by byte, a disk payload is read one byte per rdb-chunk step, and the stream after it is untouched', () => {
    const fixture = loadSession('disk-full-sync');
    const r = new SessionReplay(fixture, { chunking: 'bytes' }).run();
    const parts = splitLink(fixture, 1);
    // Reading the socket; loading the file back afterwards may add steps of its own.
    const reads = r.steps.filter((s) => s.result.point.kind === 'rdb-chunk' && s.result.point.bytes === 1);
    assert.equal(reads.length, parts.rdb.length);
    assert.ok(transitionsIn(r.steps.map((s) => s.result)).includes('TRANSFER->CONNECTED:sync-finished'));
    assert.equal(r.engine.info.master!.reploff, Number(fixture.checkpoints.at(-1)!.master.master_repl_offset));
  });
});
