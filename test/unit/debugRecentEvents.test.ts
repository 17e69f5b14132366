// Recent events: the engine's bounded ring (what it records, by reference, in
// order) and the scope that formats it, on sessions captured from a real
// redis-server. The password in AUTH never reaches the ring, let alone a view.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recentEventNodes } from '../../src/debug/recentEventsView';
import type { VariableNode } from '../../src/debug/variables';
import { RecentEvents, redactedWords, type RecentEvent } from '../../src/engine/recentEvents';
import { ReplState } from '../../src/engine/states';
import type { TransitionRecord } from '../../src/engine/io';
import { SessionReplay } from '../support/fakeMaster';
import { loadSession } from '../support/sessionCaptureFormat';

const child = (n: VariableNode, name: string): string | undefined => n.children?.find((c) => c.name === name)?.value;

function transition(seq: number): TransitionRecord {
  return { seq, machine: 'main', from: ReplState.CONNECT, to: ReplState.CONNECTING, cause: 'cron-connect', message: 'MASTER <-> REPLICA sync started', callPath: ['replicationCron'], at: 1000 * seq };
}

describe('the recent events ring', () => {
  test('holds the newest 64, newest first, named after the transition they follow', () => {
    const ring = new RecentEvents();
    ring.transition(transition(1), 0);
    for (let i = 0; i < 100; i++) ring.ack(i, ['replicationCron', 'replicationSendAck'], 5000 + i, i);
    ring.transition(transition(2), 100);
    const events = ring.list();
    assert.equal(events.length, 64);
    assert.equal(events[0]!.kind, 'transition');
    assert.deepEqual([events[0]!.afterTransition, events[0]!.index], [2, 0]);
    const newestAck = events[1]!;
    assert.equal(newestAck.kind, 'ack');
    assert.equal(newestAck.kind === 'ack' && newestAck.reploff, 99);
    assert.deepEqual([newestAck.afterTransition, newestAck.index], [1, 100]);
    assert.equal(events.at(-1)!.kind === 'ack' && events.at(-1)!.offset, 37);
    assert.deepEqual(recentEventNodes(events).slice(0, 2).map((n) => n.name), ['#2', '#1.100']);
  });

  test('AUTH keeps its user and loses its password before it is stored', () => {
    assert.deepEqual(redactedWords(['AUTH', 's3cret']), ['AUTH', '<redacted>']);
    assert.deepEqual(redactedWords(['AUTH', 'replonly', 's3cret']), ['AUTH', 'replonly', '<redacted>']);
    assert.deepEqual(redactedWords(['REPLCONF', 'listening-port', 6380]), ['REPLCONF', 'listening-port', '6380']);
  });
});

describe('Recent events of a replica', () => {
  test('the handshake on the wire, AUTH redacted: PING, AUTH, REPLCONF, PSYNC sent; -NOAUTH, +FULLRESYNC, $<len> received', () => {
    const fixture = loadSession('auth-ok');
    const password = fixture.replica.config.masterauth!;
    // A short session: its handshake is still in the ring at the end.
    const r = new SessionReplay(fixture).run();
    const events = r.engine.recentEvents();
    const nodes = recentEventNodes(events);
    assert.ok(!JSON.stringify(nodes).includes(password), 'the password appears in Recent events');
    assert.ok(!JSON.stringify(events).includes(password), 'the password is held by the ring');
    const values = nodes.map((n) => n.value).reverse();
    const sent = values.filter((v) => v.startsWith('sent '));
    assert.deepEqual(sent.slice(0, 5), [
      'sent PING', 'sent AUTH <redacted>', `sent REPLCONF listening-port ${fixture.replica.config.port}`, 'sent REPLCONF capa eof capa psync2', 'sent PSYNC ? -1',
    ]);
    const received = values.filter((v) => v.startsWith('received '));
    // A master with requirepass answers PING before AUTH with an error the replica accepts.
    assert.equal(received[0], 'received -NOAUTH Authentication required.');
    assert.equal(received[1], 'received +OK');
    assert.ok(received.includes('received +FULLRESYNC a2ec3ff3dca86605f2fc0dfc257c9cbf0ae9ec90 0'), received.join('\n'));
    assert.ok(received.includes('received $323'), received.join('\n'));
    // Each in its place among the transitions: PSYNC is written, then SEND_PSYNC -> RECEIVE_PSYNC_REPLY is recorded.
    const psync = values.indexOf('sent PSYNC ? -1');
    assert.match(values[psync + 1]!, /^SEND_PSYNC -> RECEIVE_PSYNC_REPLY \(psync-sent\)/);
    const node = nodes.find((n) => n.value === 'sent PSYNC ? -1')!;
    assert.equal(child(node, 'kind'), 'sent');
    assert.equal(child(node, 'detail'), 'PSYNC ? -1');
    assert.match(child(node, 'at')!, /^\d{4}-\d\d-\d\dT/);
  });

  test('applied commands with db and offsets, and the ACKs sent with their offset', () => {
    const r = new SessionReplay(loadSession('disk-full-sync')).run();
    const events = r.engine.recentEvents();
    const commands = events.filter((e): e is Extract<RecentEvent, { kind: 'command' }> => e.kind === 'command');
    assert.ok(commands.length > 0);
    for (const c of commands) assert.equal(c.offset, c.command.offsetBefore);
    // Newest first: each command starts where the one before it (listed after it) ended.
    for (let i = 0; i + 1 < commands.length; i++) assert.equal(commands[i]!.command.offsetBefore, commands[i + 1]!.command.offsetAfter);
    const set = recentEventNodes(events).find((n) => n.value.startsWith('applied SET w 1'))!;
    assert.ok(set, 'SET w 1 is among the recent events');
    const point = commands.find((c) => c.command.argv.map(String).join(' ') === 'SET w 1')!.command;
    assert.equal(set.value, `applied SET w 1 (db 0, offset ${point.offsetBefore} -> ${point.offsetAfter})`);
    assert.equal(child(set, 'offset'), `${point.offsetBefore} -> ${point.offsetAfter}`);
    assert.equal(child(set, 'callPath'), 'readQueryFromClient > processInputBuffer > processCommand > setCommand');

    const acks = events.filter((e) => e.kind === 'ack');
    assert.ok(acks.length > 0);
    const ack = acks[0]!;
    assert.ok(ack.kind === 'ack');
    assert.equal(ack.reploff, r.engine.info.master!.reploff);
    assert.equal(r.engine.info.repl_ack_time, Math.floor(ack.at / 1000), 'repl_ack_time is the last ACK sent');
    const node = recentEventNodes(events).find((n) => n.value === `sent REPLCONF ACK ${ack.reploff}`)!;
    assert.ok(node.value.includes(String(ack.reploff)));
    assert.match(child(node, 'callPath')!, /replicationSendAck$/);
  });

  test('a cron timeout is an event of its own, before the transition it makes', () => {
    const r = new SessionReplay(loadSession('disk-full-sync')).run();
    const at = r.clock.now() + 120_000;
    r.clock.advanceTo(at);
    r.cron();
    const nodes = recentEventNodes(r.engine.recentEvents());
    const timeout = nodes.findIndex((n) => n.value.startsWith('timeout (master): MASTER timeout: no data nor PING received'));
    assert.ok(timeout > 0, nodes.map((n) => n.value).join('\n'));
    assert.match(nodes[timeout - 1]!.value, /^CONNECTED -> CONNECT \(master-timeout\)/);
  });
});
