// The engine replays sessions captured between a real redis-server 7.0 master
// and a real redis-server 7.0 replica (test/fixtures/sessions, recorded by
// test/fixtures/captureSessions.ts): fed the master's bytes at the times the
// real replica got them, with cron running when the real replica's cron ran,
// it must write, log, reconnect and report offsets exactly as that replica did.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findTransition } from '../../src/engine/states';
import {
  ackOffsets, comparableLogs, connectsIn, SessionReplay, splitLink, transitionsIn, writesIn,
} from '../support/fakeMaster';
import { loadSession } from '../support/sessionCaptureFormat';

type Connect = 'cron-connect' | 'reconnect';

/** CONNECT -> … -> RECEIVE_PSYNC_REPLY, as syncWithMaster walks it. */
function handshake(connect: Connect, auth: 'auth-skipped' | 'auth-ok', ip: 'ip-skipped' | 'ip-reply' = 'ip-skipped'): string[] {
  return [
    `CONNECT->CONNECTING:${connect}`,
    'CONNECTING->RECEIVE_PING_REPLY:connect-ok',
    'RECEIVE_PING_REPLY->SEND_HANDSHAKE:ping-reply',
    'SEND_HANDSHAKE->RECEIVE_AUTH_REPLY:handshake-sent',
    `RECEIVE_AUTH_REPLY->RECEIVE_PORT_REPLY:${auth}`,
    'RECEIVE_PORT_REPLY->RECEIVE_IP_REPLY:port-reply',
    `RECEIVE_IP_REPLY->RECEIVE_CAPA_REPLY:${ip}`,
    'RECEIVE_CAPA_REPLY->SEND_PSYNC:capa-reply',
    'SEND_PSYNC->RECEIVE_PSYNC_REPLY:psync-sent',
  ];
}

const BOOT = 'NONE->CONNECT:replicaof';
const FULL_SYNC = ['RECEIVE_PSYNC_REPLY->TRANSFER:full-resync', 'TRANSFER->CONNECTED:sync-finished'];

/** Every captured scenario and the transitions a faithful replica walks through in it. */
const SCENARIOS: Record<string, string[]> = {
  'disk-full-sync': [BOOT, ...handshake('cron-connect', 'auth-skipped'), ...FULL_SYNC],
  'diskless-full-sync': [BOOT, ...handshake('cron-connect', 'auth-skipped'), ...FULL_SYNC],
  'partial-resync': [
    BOOT, ...handshake('cron-connect', 'auth-skipped'), ...FULL_SYNC,
    'CONNECTED->CONNECT:link-lost', ...handshake('reconnect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->CONNECTED:partial-resync',
  ],
  'multi-cut': [
    BOOT, ...handshake('cron-connect', 'auth-skipped'), ...FULL_SYNC,
    'CONNECTED->CONNECT:link-lost', ...handshake('reconnect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->CONNECTED:partial-resync',
  ],
  'auth-ok': [BOOT, ...handshake('cron-connect', 'auth-ok'), ...FULL_SYNC],
  announce: [BOOT, ...handshake('cron-connect', 'auth-skipped', 'ip-reply'), ...FULL_SYNC],
  'continue-new-replid': [
    BOOT, ...handshake('cron-connect', 'auth-skipped'), ...FULL_SYNC,
    'CONNECTED->CONNECT:link-lost', ...handshake('reconnect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->CONNECTED:partial-resync',
  ],
  'auth-wrong': [
    BOOT,
    ...[1, 2, 3].flatMap(() => [
      'CONNECT->CONNECTING:cron-connect', 'CONNECTING->RECEIVE_PING_REPLY:connect-ok', 'RECEIVE_PING_REPLY->SEND_HANDSHAKE:ping-reply',
      'SEND_HANDSHAKE->RECEIVE_AUTH_REPLY:handshake-sent', 'RECEIVE_AUTH_REPLY->CONNECT:auth-error',
    ]),
  ],
  'acl-no-psync': [
    BOOT,
    ...(['cron-connect', 'reconnect', 'reconnect'] as const).flatMap((c) => [
      ...handshake(c, 'auth-ok'), 'RECEIVE_PSYNC_REPLY->TRANSFER:sync-fallback', 'TRANSFER->CONNECT:transfer-error',
    ]),
    // The fourth link: the proxy held it, unanswered, when the capture ended.
    'CONNECT->CONNECTING:reconnect', 'CONNECTING->RECEIVE_PING_REPLY:connect-ok',
  ],
  'no-master-link': [
    BOOT,
    ...[1, 2, 3].flatMap(() => [...handshake('cron-connect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->CONNECT:psync-try-later']),
  ],
  'psync-link-lost': [
    BOOT, ...handshake('cron-connect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->CONNECT:no-response',
    'CONNECT->CONNECTING:cron-connect', 'CONNECTING->RECEIVE_PING_REPLY:connect-ok',
  ],
  'transfer-link-lost': [
    BOOT, ...handshake('cron-connect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->TRANSFER:full-resync', 'TRANSFER->CONNECT:transfer-error',
    ...handshake('reconnect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->TRANSFER:full-resync', 'TRANSFER->CONNECT:transfer-error',
    ...handshake('reconnect', 'auth-skipped'), ...FULL_SYNC,
  ],
  'protocol-error': [
    BOOT, ...handshake('cron-connect', 'auth-skipped'), ...FULL_SYNC,
    'CONNECTED->CONNECT:protocol-error', ...handshake('reconnect', 'auth-skipped'), ...FULL_SYNC,
  ],
  timeouts: [
    BOOT, ...handshake('cron-connect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->TRANSFER:full-resync', 'TRANSFER->CONNECT:transfer-timeout',
    ...handshake('reconnect', 'auth-skipped'), ...FULL_SYNC,
    'CONNECTED->CONNECT:master-timeout', 'CONNECT->CONNECTING:reconnect', 'CONNECTING->RECEIVE_PING_REPLY:connect-ok',
    'RECEIVE_PING_REPLY->CONNECT:handshake-timeout',
    ...handshake('reconnect', 'auth-skipped'), 'RECEIVE_PSYNC_REPLY->CONNECTED:partial-resync',
  ],
};

const replays = new Map<string, SessionReplay>();
function replay(name: string): SessionReplay {
  let r = replays.get(name);
  if (!r) {
    r = new SessionReplay(loadSession(name)).run();
    replays.set(name, r);
  }
  return r;
}

for (const [name, expected] of Object.entries(SCENARIOS)) {
  describe(`replaying the captured "${name}" session`, () => {
    test('writes byte for byte what the real replica wrote, on every link', () => {
      const r = replay(name);
      const links = [...new Set(r.fixture.events.map((e) => e.link))];
      for (const link of links) {
        assert.equal(r.engineWrites(link).toString('latin1'), r.realWrites(link).toString('latin1'), `link ${link}`);
      }
    });

    test('has written, before each master chunk, everything the real replica had written before it', () => {
      assert.deepEqual(replay(name).problems, []);
    });

    test('connects when the real replica connected (next cron tick, or at once)', () => {
      const r = replay(name);
      for (const [link, accepted] of r.acceptAt) {
        const asked = r.connectAt.get(link);
        assert.ok(asked !== undefined, `the engine never asked for link ${link}`);
        // The proxy accepts a real connect() a few ms after the decision to connect (more on a
        // busy machine); waiting for the next cron tick would be about a second late.
        assert.ok(asked <= accepted && accepted - asked <= 200, `link ${link}: engine connected at ${asked} ms, the real replica at ${accepted} ms`);
      }
      assert.deepEqual(r.pendingLinks, [], 'links the engine asked for that the real replica never opened');
    });

    test('logs what the real replica logged, line by line and at the same level', () => {
      const r = replay(name);
      const { real, engine } = comparableLogs(r.fixture, r.logs);
      assert.deepEqual(engine, real);
    });

    test('reports at every checkpoint the INFO replication offsets and ids the real replica reported', () => {
      const r = replay(name);
      assert.equal(r.checkpoints.length, r.fixture.checkpoints.length);
      for (const cp of r.checkpoints) assert.deepEqual(cp.engine, cp.real, cp.label);
    });

    test('walks the transitions of the state table a faithful replica walks', () => {
      const r = replay(name);
      assert.deepEqual(r.transitionsText(), expected);
      for (const t of r.engine.transitions) assert.ok(findTransition(t.from, t.to)?.causes.includes(t.cause));
    });
  });
}

describe('offsets against the master', () => {
  test("after every settled checkpoint reploff, read_reploff and master_repl_offset equal the master's master_repl_offset", () => {
    for (const name of Object.keys(SCENARIOS)) {
      const r = replay(name);
      for (const cp of r.fixture.checkpoints) {
        if (cp.replica.master_link_status !== 'up') continue;
        const engine = r.checkpoints.find((c) => c.label === cp.label)!.engine;
        const master = cp.master.master_repl_offset;
        assert.equal(engine.slave_repl_offset, master, `${name} / ${cp.label}: reploff`);
        assert.equal(engine.slave_read_repl_offset, master, `${name} / ${cp.label}: read_reploff`);
        assert.equal(engine.master_repl_offset, master, `${name} / ${cp.label}: master_repl_offset`);
      }
    }
  });

  test("the replica's replid after a full sync is the one in +FULLRESYNC", () => {
    const r = replay('disk-full-sync');
    const fullresync = r.fixture.summary.psync[0]!.reply.split(' ');
    assert.equal(r.engine.info.master_replid, fullresync[1]);
    assert.equal(r.engine.info.replid, fullresync[1]);
    assert.equal(r.engine.info.master_initial_offset, Number(fullresync[2]));
  });
});

describe('ACKs', () => {
  test('answers REPLCONF GETACK at once with the offset from before the GETACK', () => {
    for (const name of ['disk-full-sync', 'diskless-full-sync']) {
      const r = replay(name);
      const feed = r.feeds.find((f) => f.results.some((s) => s.point.kind === 'command' && s.point.argv[1] === 'GETACK'))!;
      const getack = feed.results.find((s) => s.point.kind === 'command' && s.point.argv[1] === 'GETACK')!;
      assert.ok(getack.point.kind === 'command');
      const before = getack.point.offsetBefore;
      assert.equal(getack.point.offsetAfter, before + 37, 'GETACK is 37 bytes of stream');
      const ack = getack.actions.find((a) => a.type === 'write');
      assert.ok(ack && ack.type === 'write', `${name}: no ACK in the GETACK's step`);
      assert.equal(ack.bytes.toString('latin1'), `*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$${String(before).length}\r\n${before}\r\n`);
    }
  });

  test('ACKs at once, in the steps of the chunk that ends an EOF-mark payload, with the +FULLRESYNC offset', () => {
    const r = replay('diskless-full-sync');
    const feed = r.feeds.find((f) => transitionsIn(f.results).includes('TRANSFER->CONNECTED:sync-finished'))!;
    assert.equal(feed.input?.type, 'data');
    const offset = r.engine.info.master_initial_offset;
    assert.equal(writesIn(feed.results).toString('latin1'), `*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$${String(offset).length}\r\n${offset}\r\n`);
  });

  test('writes nothing after a disk ($<len>) payload: the first ACK waits for the cron', () => {
    // In this session nothing asks for an ACK before the first cron tick after the sync.
    const r = replay('auth-ok');
    const feed = r.feeds.find((f) => transitionsIn(f.results).includes('TRANSFER->CONNECTED:sync-finished'))!;
    assert.equal(feed.input?.type, 'data');
    assert.equal(writesIn(feed.results).length, 0);
    const firstAck = r.feeds.find((f) => r.feeds.indexOf(f) > r.feeds.indexOf(feed) && writesIn(f.results).length > 0)!;
    assert.equal(firstAck.label, 'cron');
  });

  test('ACKs on every cron tick while connected, once, with the applied offset', () => {
    const r = replay('disk-full-sync');
    const synced = r.feeds.findIndex((f) => transitionsIn(f.results).includes('TRANSFER->CONNECTED:sync-finished'));
    const crons = r.feeds.slice(synced).filter((f) => f.label === 'cron');
    assert.ok(crons.length >= 10, `${crons.length} cron runs`);
    const offsets = crons.map((f) => {
      const acks = ackOffsets(writesIn(f.results));
      assert.equal(acks.length, 1, writesIn(f.results).toString('latin1'));
      return acks[0]!;
    });
    assert.deepEqual([...offsets].sort((a, b) => a - b), offsets, 'never goes back');
    assert.equal(offsets.at(-1), r.engine.info.master!.reploff);
  });
});

describe('the handshake', () => {
  test('announces replica-announce-port and replica-announce-ip as a 7.0 replica does, each REPLCONF answered before PSYNC', () => {
    const r = replay('announce');
    const written = r.engineWrites(1).toString('latin1');
    assert.ok(written.startsWith('*1\r\n$4\r\nPING\r\n*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6399\r\n' +
      '*3\r\n$8\r\nREPLCONF\r\n$10\r\nip-address\r\n$8\r\n10.9.9.9\r\n*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n' +
      '*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n'), written);
  });

  test('sends AUTH <masteruser> <masterauth> with a user, AUTH <masterauth> without', () => {
    assert.ok(replay('acl-no-psync').engineWrites(1).toString('latin1').includes('*3\r\n$4\r\nAUTH\r\n$6\r\nnorepl\r\n$6\r\nreplpw\r\n'));
    assert.ok(replay('auth-ok').engineWrites(1).toString('latin1').includes('*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n'));
  });

  test('-NOAUTH to PING is accepted; -WRONGPASS to AUTH ends the attempt with "Unable to AUTH to MASTER"', () => {
    const r = replay('auth-wrong');
    const reply = splitLink(r.fixture, 1).replies[1]!.toString('latin1').trimEnd();
    assert.match(reply, /^-WRONGPASS /);
    assert.equal(r.logs.filter((l) => l.message === 'Master replied to PING, replication can continue...').length, 3);
    assert.equal(r.logs.filter((l) => l.level === 'warning' && l.message === `Unable to AUTH to MASTER: ${reply}`).length, 3);
  });
});

describe('resynchronisation requests', () => {
  test('after a lost link the PSYNC asks for the cached replid and reploff + 1, and +CONTINUE resumes', () => {
    const r = replay('partial-resync');
    const before = r.fixture.checkpoints.find((c) => c.label === 'before the cut')!;
    const replid = before.master.master_replid!;
    const offset = Number(before.master.master_repl_offset) + 1;
    assert.ok(r.engineWrites(2).toString('latin1').includes(`*3\r\n$5\r\nPSYNC\r\n$40\r\n${replid}\r\n$${String(offset).length}\r\n${offset}\r\n`));
    assert.equal(r.fixture.summary.psync[1]!.reply, `+CONTINUE ${replid}`);
    assert.equal(r.engine.info.stat_sync_partial_ok, 1);
  });

  test('after a protocol error the cached master is gone: the next PSYNC is ? -1 and a full sync follows', () => {
    const r = replay('protocol-error');
    assert.ok(r.engineWrites(2).toString('latin1').includes('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n'));
    assert.equal(r.fixture.summary.psync[1]!.request, 'PSYNC ? -1', 'the real replica asked the same');
    assert.equal(r.engine.info.stat_sync_full, 2);
  });

  test('-NOPERM to PSYNC falls back to an inline SYNC, and -NOPERM to SYNC reconnects at once (no back-off)', () => {
    const r = replay('acl-no-psync');
    const parts = splitLink(r.fixture, 1);
    assert.match(parts.replies.at(-1)!.toString('latin1'), /^-NOPERM .*'psync'/);
    assert.ok(r.engineWrites(1).toString('latin1').endsWith('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\nSYNC\r\n'));
    const errors = r.feeds.filter((f) => transitionsIn(f.results).includes('TRANSFER->CONNECT:transfer-error'));
    assert.equal(errors.length, 3);
    for (const f of errors) {
      assert.equal(f.input?.type, 'data');
      assert.equal(connectsIn(f.results).length, 1, 'the reconnect is in the same step sequence as the error');
    }
  });
});
