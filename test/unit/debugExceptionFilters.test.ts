// Exception breakpoints from REAL transition records: the engine replays
// sessions captured from a real redis-server master (test/fixtures/sessions)
// and each record it makes is classified. Two failures no capture holds are
// made from captured bytes too: a +FULLRESYNC from another captured master
// answering a partial PSYNC, and a captured RDB payload with its version digit
// changed. Nothing here is a hand-typed record.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TransitionRecord } from '../../src/engine/io';
import { shortStateName, type TransitionCause } from '../../src/engine/states';
import { encodeCommand } from '../../src/resp/encode';
import { classify, classifyCommand, EXCEPTION_FILTERS, type ExceptionFilterId } from '../../src/debug/exceptionFilters';
import { atMasterChunk, SessionReplay } from '../support/fakeMaster';
import { eventBytes, loadSession, type SessionFixture } from '../support/sessionCaptureFormat';

const SESSIONS = [
  'acl-no-psync', 'announce', 'auth-ok', 'auth-wrong', 'continue-new-replid', 'disk-full-sync', 'diskless-full-sync',
  'multi-cut', 'no-master-link', 'partial-resync', 'protocol-error', 'psync-link-lost', 'timeouts', 'transfer-link-lost',
];

const replays = new Map<string, SessionReplay>();
function replay(name: string): SessionReplay {
  let r = replays.get(name);
  if (!r) replays.set(name, (r = new SessionReplay(loadSession(name)).run()));
  return r;
}

const text = (t: TransitionRecord): string => `${shortStateName(t.from)}->${shortStateName(t.to)}:${t.cause}`;

/** What a failure of each cause is; 'acl' = auth-error when the message is an ACL refusal, else link-error. */
const BY_CAUSE: Record<TransitionCause, ExceptionFilterId | 'acl' | null> = {
  'handshake-timeout': 'timeout', 'transfer-timeout': 'timeout', 'master-timeout': 'timeout',
  'connect-error': 'link-error', 'link-lost': 'link-error', 'no-response': 'link-error',
  'transfer-error': 'acl', 'ping-error': 'acl',
  'auth-error': 'auth-error', 'protocol-error': 'protocol-error', 'rdb-error': 'rdb-error',
  // Only when a partial resync was requested (tested below).
  'full-resync': null,
  replicaof: null, 'replicaof-no-one': null, 'cron-connect': null, reconnect: null, 'connect-ok': null, 'ping-reply': null,
  'handshake-sent': null, 'auth-ok': null, 'auth-skipped': null, 'port-reply': null, 'ip-reply': null, 'ip-skipped': null,
  'capa-reply': null, 'psync-sent': null, 'sync-finished': null, 'partial-resync': null,
  // -NOMASTERLINK/-LOADING: Redis logs it at notice level and retries; not a failure.
  'psync-try-later': null,
  // PSYNC refused: Redis falls back to SYNC; if SYNC fails too, that transfer error is the exception.
  'sync-fallback': null,
  'req-reply': null, 'req-skipped': null, 'version-reply': null, 'rdb-channel-sync': null, endoff: null,
  'rdb-client-id-sent': null, 'rdb-client-id-reply': null, 'rdb-loaded': null, 'buffer-streamed': null,
  // Multi-channel syncs: debugMultiChannelFailures.test.ts replays their captured failures.
  'rdb-channel-error': 'multi-channel', 'rdb-channel-abort': 'multi-channel',
};

describe('exception filters', () => {
  test('the eight filters have ids, labels and descriptions for the UI; multi-channel failures are off by default, as link errors', () => {
    assert.deepEqual(EXCEPTION_FILTERS.map((f) => f.filter), ['timeout', 'link-error', 'auth-error', 'protocol-error', 'full-resync', 'rdb-error', 'divergence', 'multi-channel']);
    assert.equal(EXCEPTION_FILTERS.find((f) => f.filter === 'multi-channel')!.default, false);
    assert.match(EXCEPTION_FILTERS.find((f) => f.filter === 'multi-channel')!.description, /buffer reached its limit/);
    for (const f of EXCEPTION_FILTERS) assert.ok(f.label.length > 0 && f.description.length > 20, f.filter);
  });

  test('every record of every captured session is classified by its cause', () => {
    const seen = new Set<string>();
    for (const name of SESSIONS) {
      for (const t of replay(name).engine.transitions) {
        const expected = BY_CAUSE[t.cause];
        const want = expected === 'acl' ? (/NOAUTH|NOPERM|WRONGPASS/.test(t.message) ? 'auth-error' : 'link-error') : expected;
        assert.equal(classify(t)?.filter ?? null, want, `${name}: ${text(t)} ${t.message}`);
        if (want) seen.add(want);
      }
    }
    assert.deepEqual([...seen].sort(), ['auth-error', 'link-error', 'protocol-error', 'timeout'], 'the categories the captures hold');
  });

  test('a wrong masterauth (auth-wrong): auth-error with the master\'s -WRONGPASS and the call path as the stack', () => {
    const errors = replay('auth-wrong').engine.transitions.map(classify).filter((c) => c !== null);
    assert.equal(errors.length, 3, 'one per retry');
    assert.deepEqual(errors[0], {
      filter: 'auth-error',
      also: [],
      exception: {
        exceptionId: 'MasterAuthError',
        description: 'Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled.',
        cause: 'auth-error',
        details: {
          message: 'Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled.',
          typeName: 'MasterAuthError',
          fullTypeName: 'REPL_STATE_RECEIVE_AUTH_REPLY -> REPL_STATE_CONNECT (auth-error)',
          stackTrace: 'receiveSynchronousResponse\nsyncWithMaster',
        },
      },
    });
  });

  test('an ACL user without psync/sync (acl-no-psync): the PSYNC fallback is not an exception, the refused SYNC is an auth-error', () => {
    const ts = replay('acl-no-psync').engine.transitions;
    const fallback = ts.find((t) => t.cause === 'sync-fallback')!;
    assert.match(fallback.message, /-NOPERM/);
    assert.equal(classify(fallback), null);
    const refused = ts.filter((t) => t.cause === 'transfer-error').map((t) => classify(t)!);
    assert.equal(refused.length, 3);
    for (const c of refused) {
      assert.equal(c.filter, 'auth-error');
      assert.equal(c.exception.description, "MASTER aborted replication with an error: NOPERM this user has no permissions to run the 'sync' command");
      assert.match(c.exception.details.message, /the master's ACL refused the replica: NOPERM; check masteruser\/masterauth/);
    }
  });

  test('repl-timeout (timeouts): transfer, master and handshake timeouts, each with Redis\'s log line', () => {
    const found = replay('timeouts').engine.transitions.map(classify).filter((c) => c !== null).map((c) => `${c.filter} ${c.exception.cause}: ${c.exception.description}`);
    assert.deepEqual(found, [
      "timeout transfer-timeout: Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.",
      'timeout master-timeout: MASTER timeout: no data nor PING received...',
      'timeout handshake-timeout: Timeout connecting to the MASTER...',
    ]);
  });

  test('inline protocol injected into the stream (protocol-error): protocol-error', () => {
    const found = replay('protocol-error').engine.transitions.map(classify).filter((c) => c !== null);
    assert.deepEqual(found.map((c) => c.filter), ['protocol-error']);
    assert.match(found[0]!.exception.description, /^WARNING: Receiving inline protocol from master, master stream corruption\?/);
  });

  test('links lost while waiting for PSYNC and inside the payload: link-error', () => {
    assert.deepEqual(replay('psync-link-lost').engine.transitions.map(classify).filter((c) => c !== null).map((c) => c.exception.description),
      ['Master did not reply to PSYNC, will try later']);
    assert.deepEqual(replay('transfer-link-lost').engine.transitions.map(classify).filter((c) => c !== null).map((c) => `${c.filter}: ${c.exception.description}`), [
      'link-error: I/O error reading bulk count from MASTER: Success',
      'link-error: I/O error trying to sync with MASTER: connection lost',
    ]);
  });

  test('a clean full sync (disk-full-sync) raises nothing', () => {
    assert.deepEqual(replay('disk-full-sync').engine.transitions.map(classify).filter((c) => c !== null), []);
  });

  test('+FULLRESYNC to a partial PSYNC is full-resync, with the reason; to PSYNC ? -1 it is not', () => {
    // partial-resync, up to the master's +CONTINUE; then another captured master's +FULLRESYNC line instead.
    const r = new SessionReplay(loadSession('partial-resync'), { stopBefore: atMasterChunk((b) => b.includes('+CONTINUE')) }).run();
    const reply = masterReply(loadSession('disk-full-sync'), '+FULLRESYNC');
    r.feed({ type: 'data', link: r.engine.linkId!, bytes: reply }, 'a +FULLRESYNC from another master');
    const t = r.engine.transitions.at(-1)!;
    assert.equal(text(t), 'RECEIVE_PSYNC_REPLY->TRANSFER:full-resync');
    const c = classify(t)!;
    assert.equal(c.filter, 'full-resync');
    assert.equal(c.exception.description,
      'Full resync from master: ba86a39a624a5d291ff2bd3c3139c1fd46745354:0 (a partial resync was requested with PSYNC 9a38691147b7afad881a5ef2c413affe0c2961d4 56)');
    assert.equal(c.exception.details.message, 'Full resync instead of partial: the master does not continue replication ID 9a38691147b7afad881a5ef2c413affe0c2961d4 ' +
      '(its ID is ba86a39a624a5d291ff2bd3c3139c1fd46745354): it was restarted or replaced, or this replica followed another master');
    const first = replay('partial-resync').engine.transitions.find((x) => x.cause === 'full-resync')!;
    assert.equal(classify(first), null, 'the first sync asked for nothing partial');
  });

  test('a captured RDB payload with a version this replica refuses: rdb-error', () => {
    const fixture = structuredClone(loadSession('disk-full-sync'));
    const payload = fixture.events.find((e) => e.kind === 'm2r' && eventBytes(e).includes('REDIS0'))!;
    const bytes = Buffer.from(eventBytes(payload));
    bytes[bytes.indexOf('REDIS0') + 5] = '9'.charCodeAt(0); // REDIS0010 -> REDIS0910
    if (payload.kind === 'm2r') payload.b64 = bytes.toString('base64');
    const t = new SessionReplay(fixture).run().engine.transitions.find((x) => x.cause === 'rdb-error')!;
    const c = classify(t)!;
    assert.equal(c.filter, 'rdb-error');
    assert.equal(c.exception.description, 'Failed trying to load the MASTER synchronization DB from disk: Invalid argument');
    assert.equal(c.exception.details.stackTrace, 'cancelReplicationHandshake\nrdbLoad\nreadSyncBulkPayload');
  });

  test('a replicated command the replica cannot reproduce is a divergence; applied commands are not', () => {
    const r = replay('disk-full-sync');
    const commands = r.steps.map((s) => s.result.point).filter((p) => p.kind === 'command');
    assert.ok(commands.length > 10);
    assert.deepEqual(commands.map(classifyCommand).filter((c) => c !== null), []);
    // A module command a master propagates verbatim (RedisJSON here), on the captured link.
    const steps = new SessionReplay(loadSession('disk-full-sync')).run();
    const results = steps.feed({ type: 'data', link: steps.engine.linkId!, bytes: encodeCommand(['JSON.SET', 'doc', '$', '{"a":1}']) }, 'JSON.SET');
    const point = results.map((s) => s.point).find((p) => p.kind === 'command')!;
    const c = classifyCommand(point)!;
    assert.equal(c.filter, 'divergence');
    assert.equal(c.exception.exceptionId, 'DatasetDivergence');
    assert.match(c.exception.description, /^Divergence: 'json\.set' on keys it cannot name in db 0 at offset \d+ could not be applied \(unknown write command 'JSON\.SET'\)$/);
    assert.equal(c.exception.details.fullTypeName, 'JSON.SET doc $ {"a":1}');
    assert.equal(c.exception.details.stackTrace.split('\n')[0], 'json.setCommand');
    assert.equal(classify(r.engine.transitions[0]!), null);
  });
});

/** The first line the master sent that starts with `prefix`, with its CRLF. */
function masterReply(fixture: SessionFixture, prefix: string): Buffer {
  const chunk = fixture.events.filter((e) => e.kind === 'm2r').map(eventBytes).find((b) => b.includes(prefix))!;
  const at = chunk.indexOf(prefix);
  return chunk.subarray(at, chunk.indexOf('\n', at) + 1);
}
