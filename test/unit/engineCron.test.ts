// replicationCron on a fake clock: the three timeouts compare whole seconds
// with a strict `>` (repl-timeout 5 fires when 6 whole seconds have passed),
// and when the replica reconnects after each kind of failure. The master's
// side is played with bytes captured from a real redis-server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplState } from '../../src/engine/states';
import {
  closesIn, connectsIn, DrivenEngine, logsIn, sessionConfig, splitLink, transitionsIn, WHOLE_SECOND, writesIn,
} from '../support/fakeMaster';
import { loadSession } from '../support/sessionCaptureFormat';

const T0 = WHOLE_SECOND;
const disk = loadSession('disk-full-sync');
const diskParts = splitLink(disk, 1);
const HOSTPORT = `127.0.0.1:${disk.replica.config.replicaof.port}`;

/** A replica of the disk-full-sync session with repl-timeout 5, its connect issued by the cron at `at`. */
function connecting(at = T0): DrivenEngine {
  const d = new DrivenEngine(sessionConfig(disk, { 'repl-timeout': 5 }), at);
  d.run();
  d.cron();
  assert.equal(d.info.repl_state, ReplState.CONNECTING);
  return d;
}

/** Connected at `at` and answered up to +FULLRESYNC: in TRANSFER, waiting for `$<len>`. */
function transferring(at = T0): DrivenEngine {
  const d = connecting(at);
  d.connected();
  for (const reply of diskParts.replies) d.data(reply);
  assert.equal(d.info.repl_state, ReplState.TRANSFER);
  return d;
}

/** Fully synced at `at` (the disk payload read in full). */
function synced(at = T0): DrivenEngine {
  const d = transferring(at);
  d.data(Buffer.concat([diskParts.payloadHeader!, diskParts.rdb]));
  assert.equal(d.info.repl_state, ReplState.CONNECTED);
  return d;
}

describe('handshake timeout (CONNECTING and the handshake states)', () => {
  test('repl-timeout 5, connect at a whole second: nothing at +5.0, +5.5 and +5.999 s; at +6.000 s timeout and reconnect in the same cron run', () => {
    const d = connecting();
    for (const ms of [1000, 5000, 5500, 5999]) {
      const r = d.at(T0 + ms).cron();
      assert.deepEqual(transitionsIn(r), [], `+${ms} ms`);
      assert.equal(d.info.repl_state, ReplState.CONNECTING);
    }
    const first = d.link;
    const r = d.at(T0 + 6000).cron();
    assert.deepEqual(transitionsIn(r), ['CONNECTING->CONNECT:handshake-timeout', 'CONNECT->CONNECTING:reconnect']);
    assert.deepEqual(logsIn(r), [
      'warning Timeout connecting to the MASTER...',
      `notice Reconnecting to MASTER ${HOSTPORT} after failure`,
      'notice MASTER <-> REPLICA sync started',
    ]);
    assert.deepEqual(closesIn(r), [first]);
    assert.deepEqual(connectsIn(r), [first + 1]);
  });

  test('whole seconds, as Redis: a connect at x.999 s times out at (x+6).000 s, only 5.001 s later', () => {
    const d = connecting(T0 + 999);
    assert.deepEqual(transitionsIn(d.at(T0 + 5999).cron()), []);
    assert.deepEqual(transitionsIn(d.at(T0 + 6000).cron()).slice(0, 1), ['CONNECTING->CONNECT:handshake-timeout']);
  });

  test('every reply line moves the deadline: PSYNC answered by nothing times out 6 s after the capa reply', () => {
    const d = connecting();
    d.at(T0 + 100).connected();
    d.at(T0 + 3000);
    for (const reply of diskParts.replies.slice(0, -1)) d.data(reply);
    assert.equal(d.info.repl_state, ReplState.RECEIVE_PSYNC_REPLY);
    assert.deepEqual(transitionsIn(d.at(T0 + 8999).cron()), []);
    const r = d.at(T0 + 9000).cron();
    assert.deepEqual(transitionsIn(r), ['RECEIVE_PSYNC_REPLY->CONNECT:handshake-timeout', 'CONNECT->CONNECTING:reconnect']);
  });

  test('a connected link whose PING is never answered times out like a connect', () => {
    const d = connecting();
    d.connected();
    assert.deepEqual(transitionsIn(d.at(T0 + 5999).cron()), []);
    const r = d.at(T0 + 6000).cron();
    assert.deepEqual(transitionsIn(r), ['RECEIVE_PING_REPLY->CONNECT:handshake-timeout', 'CONNECT->CONNECTING:reconnect']);
  });
});

describe('transfer timeout', () => {
  test('no payload byte for 6 whole seconds: timeout with Redis\'s advice, and reconnect in the same cron run', () => {
    const d = transferring();
    assert.deepEqual(transitionsIn(d.at(T0 + 5999).cron()), []);
    const first = d.link;
    const r = d.at(T0 + 6000).cron();
    assert.deepEqual(transitionsIn(r), ['TRANSFER->CONNECT:transfer-timeout', 'CONNECT->CONNECTING:reconnect']);
    assert.deepEqual(logsIn(r), [
      "warning Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.",
      `notice Reconnecting to MASTER ${HOSTPORT} after failure`,
      'notice MASTER <-> REPLICA sync started',
    ]);
    assert.deepEqual(closesIn(r), [first]);
    assert.deepEqual(connectsIn(r), [first + 1]);
  });

  test('payload bytes move the deadline: half the RDB at +3.2 s, timeout at +9.000 s and not before', () => {
    const d = transferring();
    d.at(T0 + 3200).data(Buffer.concat([diskParts.payloadHeader!, diskParts.rdb.subarray(0, diskParts.rdb.length >> 1)]));
    assert.equal(d.info.repl_transfer_read, diskParts.rdb.length >> 1);
    assert.deepEqual(transitionsIn(d.at(T0 + 6000).cron()), []);
    assert.deepEqual(transitionsIn(d.at(T0 + 8999).cron()), []);
    assert.deepEqual(transitionsIn(d.at(T0 + 9000).cron()).slice(0, 1), ['TRANSFER->CONNECT:transfer-timeout']);
  });
});

describe('master timeout (CONNECTED)', () => {
  test('no byte from the master for 6 whole seconds: MASTER timeout, master cached, reconnect at once, no ACK in that run', () => {
    const d = synced();
    for (let s = 1; s <= 5; s++) {
      const r = d.at(T0 + s * 1000).cron();
      assert.deepEqual(transitionsIn(r), []);
      assert.equal(writesIn(r).toString('latin1'), `*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n`, `the ACK at +${s} s`);
    }
    assert.deepEqual(transitionsIn(d.at(T0 + 5999).cron()), []);
    const first = d.link;
    const r = d.at(T0 + 6000).cron();
    assert.deepEqual(transitionsIn(r), ['CONNECTED->CONNECT:master-timeout', 'CONNECT->CONNECTING:reconnect']);
    assert.deepEqual(logsIn(r), [
      'warning MASTER timeout: no data nor PING received...',
      'warning Connection with master lost.',
      'notice Caching the disconnected master state.',
      `notice Reconnecting to MASTER ${HOSTPORT}`,
      'notice MASTER <-> REPLICA sync started',
    ]);
    assert.equal(writesIn(r).length, 0);
    assert.deepEqual(closesIn(r), [first]);
    assert.deepEqual(connectsIn(r), [first + 1]);
    assert.equal(d.info.cached_master?.reploff, 0);
  });

  test("the master's PING counts as interaction: a PING at +4.5 s moves the timeout to +10.000 s", () => {
    const d = synced();
    const ping = diskParts.commands.find((c) => c.toString('latin1') === '*1\r\n$4\r\nping\r\n')!;
    d.at(T0 + 4500).data(ping);
    assert.equal(d.info.master!.lastinteraction, T0 / 1000 + 4);
    assert.deepEqual(transitionsIn(d.at(T0 + 9999).cron()), []);
    assert.deepEqual(transitionsIn(d.at(T0 + 10000).cron()).slice(0, 1), ['CONNECTED->CONNECT:master-timeout']);
  });
});

describe('when the replica reconnects', () => {
  test('after AUTH is refused: back to CONNECT with no connect action; the next cron tick connects', () => {
    const fixture = loadSession('auth-wrong');
    const parts = splitLink(fixture, 1);
    const d = new DrivenEngine(sessionConfig(fixture), T0);
    d.run();
    d.cron();
    d.connected();
    const first = d.link;
    const r = d.data(Buffer.concat(parts.replies.slice(0, 2)));
    assert.deepEqual(transitionsIn(r).at(-1), 'RECEIVE_AUTH_REPLY->CONNECT:auth-error');
    assert.deepEqual(closesIn(r), [first]);
    assert.deepEqual(connectsIn(r), []);
    assert.equal(d.info.repl_state, ReplState.CONNECT);
    const next = d.at(T0 + 1).cron();
    assert.deepEqual(transitionsIn(next), ['CONNECT->CONNECTING:cron-connect']);
    assert.deepEqual(logsIn(next).slice(0, 1), [`notice Connecting to MASTER 127.0.0.1:${fixture.replica.config.replicaof.port}`]);
    assert.deepEqual(connectsIn(next), [first + 1]);
  });

  test('after -NOMASTERLINK: back to CONNECT with no connect action; the next cron tick connects', () => {
    const fixture = loadSession('no-master-link');
    const parts = splitLink(fixture, 1);
    const d = new DrivenEngine(sessionConfig(fixture), T0);
    d.run();
    d.cron();
    d.connected();
    const r = d.data(Buffer.concat(parts.replies));
    assert.deepEqual(transitionsIn(r).at(-1), 'RECEIVE_PSYNC_REPLY->CONNECT:psync-try-later');
    assert.ok(logsIn(r).includes(`notice Master is currently unable to PSYNC but should be in the future: ${parts.replies.at(-1)!.toString('latin1').trimEnd()}`));
    assert.deepEqual(connectsIn(r), []);
    assert.deepEqual(connectsIn(d.cron()).length, 1);
  });

  test('after a refused connect: "Error condition on socket for SYNC", CONNECT, and the next cron tick connects', () => {
    const d = connecting();
    const r = d.receive({ type: 'connect-failed', link: d.link, error: 'Connection refused' });
    assert.deepEqual(transitionsIn(r), ['CONNECTING->CONNECT:connect-error']);
    assert.deepEqual(logsIn(r), ['warning Error condition on socket for SYNC: Connection refused']);
    assert.deepEqual(connectsIn(r), []);
    assert.deepEqual(transitionsIn(d.at(T0 + 1000).cron()), ['CONNECT->CONNECTING:cron-connect']);
  });

  test('after an error in TRANSFER (-NOPERM to SYNC): at once, in the same step sequence', () => {
    const fixture = loadSession('acl-no-psync');
    const parts = splitLink(fixture, 1);
    const d = new DrivenEngine(sessionConfig(fixture), T0);
    d.run();
    d.cron();
    d.connected();
    d.data(Buffer.concat(parts.replies));
    assert.equal(d.info.repl_state, ReplState.TRANSFER);
    const r = d.data(parts.stream);
    assert.deepEqual(transitionsIn(r), ['TRANSFER->CONNECT:transfer-error', 'CONNECT->CONNECTING:reconnect']);
    assert.deepEqual(logsIn(r), [
      `warning MASTER aborted replication with an error: ${parts.stream.toString('latin1').slice(1).trimEnd()}`,
      `notice Reconnecting to MASTER 127.0.0.1:${fixture.replica.config.replicaof.port} after failure`,
      'notice MASTER <-> REPLICA sync started',
    ]);
    assert.equal(connectsIn(r).length, 1);
  });

  test('after the master closed a connected link: at once, with the master cached', () => {
    const d = synced();
    const r = d.closed();
    assert.deepEqual(transitionsIn(r), ['CONNECTED->CONNECT:link-lost', 'CONNECT->CONNECTING:reconnect']);
    assert.equal(connectsIn(r).length, 1);
    assert.ok(d.info.cached_master);
  });
});
