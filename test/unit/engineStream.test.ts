// The replication stream after a sync, on captured sessions: offsets through
// MULTI/EXEC, a transaction cut in half by a lost link, what a lost link and a
// protocol error do to the cached master, newline keepalives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StepPoint } from '../../src/engine/io';
import { ReplState } from '../../src/engine/states';
import { appliedCommands, atEvent, atMasterChunk, masterChunks, SessionReplay, splitCommands } from '../support/fakeMaster';
import { eventBytes, loadSession } from '../support/sessionCaptureFormat';

type CommandPoint = Extract<StepPoint, { kind: 'command' }>;

function commandPoints(r: SessionReplay): CommandPoint[] {
  return r.steps.flatMap((s) => (s.result.point.kind === 'command' ? [s.result.point] : []));
}

function words(p: CommandPoint): string {
  return p.argv.join(' ');
}

function checkpoint(name: string, label: string): Record<string, string> {
  const cp = loadSession(name).checkpoints.find((c) => c.label === label);
  assert.ok(cp, `${name} has no checkpoint "${label}"`);
  return cp.master;
}

describe('MULTI/EXEC', () => {
  test('reploff and master_repl_offset stay at the MULTI while it is open and jump at EXEC; read_reploff moves with the read', () => {
    const name = 'disk-full-sync';
    const r = new SessionReplay(loadSession(name)).run();
    const start = Number(checkpoint(name, 'after INCR in DB 3').master_repl_offset);
    const end = Number(checkpoint(name, 'after MULTI/EXEC').master_repl_offset);
    const points = commandPoints(r).filter((p) => p.offsetBefore >= start && p.offsetBefore < end);
    const select = points[0]!;
    assert.equal(words(select), 'SELECT 0');
    const multiAt = select.offsetAfter;
    assert.deepEqual(points.map((p) => [words(p), p.offsetBefore, p.offsetAfter, p.queued]), [
      ['SELECT 0', start, multiAt, false],
      ['MULTI', multiAt, multiAt, false],
      ['SET a 1', multiAt, multiAt, true],
      ['SET b 2', multiAt, multiAt, true],
      ['EXEC', multiAt, end, false],
    ]);
    const read = r.steps.find((s) => s.result.point.kind === 'read' && s.result.point.read_reploff === end);
    assert.ok(read, 'one read brought the whole transaction in');
  });

  test('byte by byte, reploff never passes the MULTI until the last byte of EXEC has arrived', () => {
    const name = 'disk-full-sync';
    const fixture = loadSession(name);
    const chunk = masterChunks(fixture, 1).find((b) => b.includes('MULTI') && b.includes('SELECT'))!;
    const r = new SessionReplay(fixture, { stopBefore: atMasterChunk((b) => b.equals(chunk)) }).run();
    const master = () => r.engine.info.master!;
    const start = Number(checkpoint(name, 'after INCR in DB 3').master_repl_offset);
    const select = splitCommands(chunk)[0]!;
    assert.equal(select.toString('latin1'), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n');
    const multiAt = start + select.length;
    for (let i = 0; i < chunk.length; i++) {
      r.feed({ type: 'data', link: r.engine.linkId!, bytes: chunk.subarray(i, i + 1) }, 'byte');
      if (i < chunk.length - 1) {
        assert.ok(master().reploff <= multiAt, `reploff ${master().reploff} after ${i + 1} bytes`);
        assert.equal(r.engine.info.master_repl_offset, master().reploff, 'the backlog only gets what was applied');
      }
      assert.equal(master().read_reploff, start + i + 1);
    }
    assert.equal(master().reploff, Number(checkpoint(name, 'after MULTI/EXEC').master_repl_offset));
    assert.equal(master().multi, false);
  });

  test('a script with two writes arrives as MULTI … EXEC and is applied at EXEC', () => {
    const name = 'disk-full-sync';
    const r = new SessionReplay(loadSession(name)).run();
    const start = Number(checkpoint(name, 'after MULTI/EXEC').master_repl_offset);
    const end = Number(checkpoint(name, 'after EVAL with two writes').master_repl_offset);
    const points = commandPoints(r).filter((p) => p.offsetBefore >= start && p.offsetBefore < end);
    assert.deepEqual(points.map(words), ['MULTI', 'set lua1 x', 'incr lua2', 'EXEC']);
    assert.equal(points.at(-1)!.offsetAfter, end);
    assert.deepEqual(points.map((p) => p.queued), [false, true, true, false]);
  });

  test('a half-received MULTI is dropped with the link, and the PSYNC after reconnect asks for the MULTI (reploff + 1)', () => {
    const name = 'multi-cut';
    const fixture = loadSession(name);
    const beforeMulti = Number(checkpoint(name, 'before MULTI').master_repl_offset);
    const cut = fixture.events.find((e) => e.kind === 'm2r' && e.link === 1 && eventBytes(e).includes('MULTI'))!;
    const r = new SessionReplay(fixture, { stopBefore: atEvent('close', 1) }).run();
    const master = r.engine.info.master!;
    assert.equal(master.multi, true);
    assert.equal(master.reploff, beforeMulti);
    assert.equal(master.read_reploff, beforeMulti + eventBytes(cut).length);

    r.feed({ type: 'closed', link: r.engine.linkId! }, 'the proxy cuts the link');
    const cached = r.engine.info.cached_master!;
    assert.equal(r.engine.info.master, null);
    assert.deepEqual({ reploff: cached.reploff, read_reploff: cached.read_reploff, multi: cached.multi }, { reploff: beforeMulti, read_reploff: beforeMulti, multi: false });

    const full = new SessionReplay(fixture).run();
    const psync = `*3\r\n$5\r\nPSYNC\r\n$40\r\n${cached.replid}\r\n$${String(beforeMulti + 1).length}\r\n${beforeMulti + 1}\r\n`;
    assert.ok(full.engineWrites(2).toString('latin1').includes(psync));
    assert.equal(fixture.summary.psync[1]!.request, `PSYNC ${cached.replid} ${beforeMulti + 1}`, 'the real replica asked the same');
  });

  test('the transaction resent after +CONTINUE is applied once, whole', () => {
    const r = new SessionReplay(loadSession('multi-cut')).run();
    const applied = appliedCommands(r.steps.map((s) => s.result));
    assert.deepEqual(applied.filter((c) => / [ab] \d$/.test(c)), ['0 SET a 0', '0 SET a 1', '0 SET b 2']);
    const queuedSetA1 = commandPoints(r).filter((p) => words(p) === 'SET a 1');
    assert.deepEqual(queuedSetA1.map((p) => p.queued), [true, true], 'queued on both links, executed only after the second EXEC');
    assert.equal(r.engine.info.master!.reploff, Number(checkpoint('multi-cut', 'partial resync done').master_repl_offset));
  });
});

describe('the stream', () => {
  test('runs each data command once, in the DB the stream selected (SELECT, PING, REPLCONF, MULTI, EXEC are no data)', () => {
    const r = new SessionReplay(loadSession('disk-full-sync')).run();
    const applied = appliedCommands(r.steps.map((s) => s.result)).map((c) => c.split(' ').slice(0, 3).join(' '));
    assert.deepEqual(applied, [
      '0 SET k1', '3 INCR ctr', '0 SET a', '0 SET b', '0 set lua1', '0 incr lua2', '0 SET exp1', '0 PEXPIREAT exp1', '0 SET w',
    ]);
  });

  test("the master's PING moves the offsets by its 14 bytes and is not applied", () => {
    const name = 'disk-full-sync';
    const r = new SessionReplay(loadSession(name)).run();
    const ping = commandPoints(r).find((p) => words(p) === 'ping')!;
    assert.equal(ping.offsetAfter - ping.offsetBefore, 14);
    assert.equal(ping.offsetAfter, Number(checkpoint(name, 'after a master PING').master_repl_offset));
  });

  test('newline keepalives before +FULLRESYNC are one step each, keep the state and move no offset', () => {
    const fixture = loadSession('diskless-full-sync');
    const r = new SessionReplay(fixture).run();
    const keepalives = r.steps.filter((s) => s.result.point.kind === 'line' && s.result.point.line === '');
    assert.ok(keepalives.length >= 4, `${keepalives.length} keepalives`);
    for (const k of keepalives) {
      assert.ok(k.result.point.kind === 'line');
      assert.equal(k.result.point.state, ReplState.RECEIVE_PSYNC_REPLY);
      assert.deepEqual(k.result.actions, []);
    }
    assert.equal(r.engine.info.master_initial_offset, Number(fixture.summary.psync[0]!.reply.split(' ')[2]));
  });

  test('each keepalive refreshes repl_transfer_lastio, so a slow diskless master does not time the handshake out', () => {
    const fixture = loadSession('diskless-full-sync');
    const fullresync = fixture.events.find((e) => e.kind === 'm2r' && eventBytes(e).includes('+FULLRESYNC'))!;
    // Just before +FULLRESYNC: the keepalives came one a second for about five seconds.
    const r = new SessionReplay(fixture, { stopBefore: (e) => e.kind === 'event' && e.event.seq === fullresync.seq, config: { 'repl-timeout': 2 } }).run();
    assert.equal(r.engine.info.repl_state, ReplState.RECEIVE_PSYNC_REPLY);
    const lastKeepalive = [...fixture.events].reverse().find((e) => e.kind === 'm2r' && e.seq < fullresync.seq)!;
    assert.equal(r.engine.info.repl_transfer_lastio, Math.floor((fixture.epochMs + lastKeepalive.t) / 1000));
    assert.ok(!r.transitionsText().some((t) => t.includes('handshake-timeout')));
  });
});

describe('the cached master', () => {
  test('a lost link keeps the master cached for PSYNC: replid, reploff, read_reploff = reploff, the stream DB', () => {
    const name = 'partial-resync';
    const r = new SessionReplay(loadSession(name), { stopBefore: atEvent('accept', 2) }).run();
    const before = checkpoint(name, 'before the cut');
    assert.equal(r.engine.info.repl_state, ReplState.CONNECTING, 'reconnecting at once');
    assert.equal(r.engine.info.master, null);
    const cached = r.engine.info.cached_master!;
    assert.deepEqual({ replid: cached.replid, reploff: cached.reploff, read_reploff: cached.read_reploff, db: cached.db },
      { replid: before.master_replid, reploff: Number(before.master_repl_offset), read_reploff: Number(before.master_repl_offset), db: 0 });
    assert.ok(r.engine.info.repl_down_since > 0);
  });

  test('+CONTINUE brings the cached master back: CONNECTED, repl_down_since 0, the backlog bytes applied', () => {
    const name = 'partial-resync';
    const r = new SessionReplay(loadSession(name)).run();
    assert.equal(r.engine.info.cached_master, null);
    assert.equal(r.engine.info.repl_down_since, 0);
    assert.equal(r.engine.info.master!.reploff, Number(checkpoint(name, 'after SET after').master_repl_offset));
  });

  test('+CONTINUE with a new replid (the master was promoted): the old replid becomes replid2, valid up to reploff + 1', () => {
    const name = 'continue-new-replid';
    const fixture = loadSession(name);
    const r = new SessionReplay(fixture).run();
    const before = checkpoint(name, 'after a write on the top master');
    const newId = fixture.summary.psync[1]!.reply.split(' ')[1]!;
    assert.notEqual(newId, before.master_replid);
    assert.equal(r.engine.info.replid, newId);
    assert.equal(r.engine.info.master!.replid, newId);
    assert.equal(r.engine.info.replid2, before.master_replid);
    assert.equal(r.engine.info.second_replid_offset, Number(before.master_repl_offset) + 1);
    assert.ok(r.logs.some((l) => l.level === 'warning' && l.message === `Master replication ID changed to ${newId}`));
  });

  test('inline data in the stream drops the link without caching the master', () => {
    const fixture = loadSession('protocol-error');
    const injected = fixture.events.find((e) => e.kind === 'm2r' && e.injected)!;
    const r = new SessionReplay(fixture, { stopBefore: (e) => e.kind === 'event' && e.event.seq > injected.seq }).run();
    assert.equal(r.engine.info.master, null);
    assert.equal(r.engine.info.cached_master, null);
    assert.ok(r.transitionsText().includes('CONNECTED->CONNECT:protocol-error'));
  });

  test('the offsets before the protocol error survive in master_repl_offset; the next sync is full', () => {
    const name = 'protocol-error';
    const r = new SessionReplay(loadSession(name)).run();
    assert.equal(r.engine.info.stat_sync_full, 2);
    assert.equal(r.engine.info.master_repl_offset, Number(checkpoint(name, 'full resync done').master_repl_offset));
  });
});

describe('what the replays showed (each checked against the real replica of the session)', () => {
  test('a master that closes a connected link: only "Connection with master lost." (warning), then caching and the reconnect', () => {
    const fixture = loadSession('partial-resync');
    const r = new SessionReplay(fixture, { stopBefore: atEvent('close', 1) }).run();
    const results = r.feed({ type: 'closed', link: r.engine.linkId! }, 'the proxy cuts the link');
    const port = fixture.replica.config.replicaof.port;
    assert.deepEqual(results.flatMap((s) => s.logs.map((l) => `${l.level} ${l.message}`)), [
      'warning Connection with master lost.',
      'notice Caching the disconnected master state.',
      `notice Reconnecting to MASTER 127.0.0.1:${port}`,
      'notice MASTER <-> REPLICA sync started',
    ]);
  });

  test('EOF while waiting for the PSYNC reply is "Failed to read response from the server: Success" (strerror(0), as Redis prints it)', () => {
    const fixture = loadSession('psync-link-lost');
    const r = new SessionReplay(fixture, { stopBefore: atEvent('close', 1) }).run();
    const results = r.feed({ type: 'closed', link: r.engine.linkId! }, 'the proxy cuts the link');
    assert.deepEqual(results.flatMap((s) => s.logs.map((l) => `${l.level} ${l.message}`)), [
      'warning Failed to read response from the server: Success',
      'warning Master did not reply to PSYNC, will try later',
    ]);
    assert.deepEqual(fixture.replicaLog.filter((l) => l.message.startsWith('Failed to read')).map((l) => l.message), ['Failed to read response from the server: Success']);
  });

  test('EOF while waiting for the $ header is "I/O error reading bulk count from MASTER: Success"; EOF inside the payload is "…: connection lost"', () => {
    const fixture = loadSession('transfer-link-lost');
    const r = new SessionReplay(fixture).run();
    const errors = r.logs.filter((l) => l.message.startsWith('I/O error')).map((l) => `${l.level} ${l.message}`);
    assert.deepEqual(errors, [
      'warning I/O error reading bulk count from MASTER: Success',
      'warning I/O error trying to sync with MASTER: connection lost',
    ]);
  });

  test('after inline data the master link stays up until the next cron tick, which frees it without an ACK and reconnects at once', () => {
    const fixture = loadSession('protocol-error');
    const injected = fixture.events.find((e) => e.kind === 'm2r' && e.injected)!;
    const r = new SessionReplay(fixture, { stopBefore: (e) => e.kind === 'event' && e.event.seq === injected.seq }).run();
    const link = r.engine.linkId!;
    const onData = r.feed({ type: 'data', link, bytes: eventBytes(injected) }, 'inline PING');
    assert.deepEqual(onData.flatMap((s) => s.logs.map((l) => `${l.level} ${l.message}`)).map((l) => l.replace(/from client: .*\. Query/, 'from client: <client info>. Query')), [
      'warning WARNING: Receiving inline protocol from master, master stream corruption? Closing the master connection and discarding the cached master.',
      "warning Protocol error (Master using the inline protocol. Desync?) from client: <client info>. Query buffer during protocol error: 'PING..'",
    ]);
    assert.deepEqual(onData.flatMap((s) => s.actions), [], 'nothing closed yet');
    assert.equal(r.engine.info.repl_state, ReplState.CONNECTED);
    const onCron = r.cron();
    assert.deepEqual(onCron.flatMap((s) => s.actions.map((a) => a.type)), ['close', 'connect'], 'no ACK on the way out');
    assert.equal(r.engine.info.cached_master, null);
  });

  test('a full sync starts a new backlog at the +FULLRESYNC offset + 1 with nothing in it (the old one is freed)', () => {
    const name = 'protocol-error';
    const r = new SessionReplay(loadSession(name)).run();
    const real = loadSession(name).checkpoints.find((c) => c.label === 'full resync done')!.replica;
    assert.deepEqual(r.engine.info.repl_backlog, { offset: r.engine.info.master_initial_offset + 1, histlen: 0 });
    assert.deepEqual({ offset: Number(real.repl_backlog_first_byte_offset), histlen: Number(real.repl_backlog_histlen) }, r.engine.info.repl_backlog);
  });
});
