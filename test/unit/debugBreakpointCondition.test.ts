// One object per breakpoint: condition, hit count and log message together,
// validated when set, driven here by real sessions replayed through the engine
// (test/fixtures/sessions), with the replica's state read at each transition.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TransitionRecord } from '../../src/engine/io';
import { shortStateName } from '../../src/engine/states';
import { BreakpointCondition, type BreakpointDecision, type BreakpointSource } from '../../src/debug/breakpointCondition';
import { compile, evaluate } from '../../src/debug/expression';
import { REPLICA_NAMES, replicaScope, transitionValues } from '../../src/debug/replicaScope';
import { matches, parseTransitionPattern } from '../../src/debug/transitionPattern';
import { formatValue } from '../../src/debug/values';
import { SessionReplay } from '../support/fakeMaster';
import { loadSession } from '../support/sessionCaptureFormat';

function create(source: BreakpointSource): BreakpointCondition {
  const r = BreakpointCondition.create(source, { knownNames: REPLICA_NAMES });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.condition;
}

function refusal(source: BreakpointSource): string {
  const r = BreakpointCondition.create(source, { knownNames: REPLICA_NAMES });
  assert.ok(!r.ok, 'accepted');
  return r.message;
}

/**
 * Replays a captured session and, at every transition the function breakpoint
 * `patternText` matches, asks the breakpoint what to do with the replica's
 * state as it is at that step (as the DAP session will).
 */
function runBreakpoint(session: string, patternText: string, bp: BreakpointCondition): { at: string; decision: BreakpointDecision }[] {
  const parsed = parseTransitionPattern(patternText);
  assert.ok(parsed.ok);
  const out: { at: string; decision: BreakpointDecision }[] = [];
  const r = new SessionReplay(loadSession(session));
  const step = r.engine.step.bind(r.engine);
  r.engine.step = () => {
    const result = step();
    const p = result.point;
    if (p.kind === 'transition' && matches(parsed.pattern, p.transition.from, p.transition.to)) {
      out.push({ at: label(p.transition), decision: bp.onHit(replicaScope(r.engine.info, transitionValues(p.transition))) });
    }
    return result;
  };
  r.run();
  return out;
}

const label = (t: TransitionRecord): string => `${shortStateName(t.from)}->${shortStateName(t.to)}:${t.cause}`;

describe('breakpoint conditions', () => {
  test('condition first, then the hit count counts only hits where it held (timeouts: the 2nd failure is the MASTER timeout)', () => {
    const stops = runBreakpoint('timeouts', '*->CONNECT', create({ condition: "transition.cause != 'replicaof'", hitCondition: '2' }));
    assert.deepEqual(stops.map((s) => `${s.at} ${s.decision.kind}${s.decision.kind === 'continue' ? ` (${s.decision.reason})` : ''}`), [
      'NONE->CONNECT:replicaof continue (condition-false)',
      'TRANSFER->CONNECT:transfer-timeout continue (hit-count)',
      'CONNECTED->CONNECT:master-timeout stop',
      'RECEIVE_PING_REPLY->CONNECT:handshake-timeout continue (hit-count)',
    ]);
    // A hit count alone counts the REPLICAOF at boot too.
    const plain = runBreakpoint('timeouts', '*->CONNECT', create({ hitCondition: '2' }));
    assert.deepEqual(plain.filter((s) => s.decision.kind === 'stop').map((s) => s.at), ['TRANSFER->CONNECT:transfer-timeout']);
  });

  test('a logpoint logs the replica state of each hit and does not stop (timeouts: both syncs)', () => {
    const fixture = loadSession('timeouts');
    const logged = runBreakpoint('timeouts', '*->CONNECTED', create({ logMessage: 'synced by {transition.cause} at offset {master_repl_offset} (master {master.replid})' }));
    // What the real master said: +FULLRESYNC <id> 42, then +CONTINUE to PSYNC <id> 57 (offset 56 applied).
    const full = /^\+FULLRESYNC (\w+) (\d+)$/.exec(fixture.summary.psync[1]!.reply)!;
    const partial = /^PSYNC \w+ (\d+)$/.exec(fixture.summary.psync[2]!.request)!;
    assert.deepEqual(logged.map((s) => s.decision), [
      { kind: 'log', text: `synced by sync-finished at offset ${full[2]} (master ${full[1]})`, errors: [], hits: 1 },
      { kind: 'log', text: `synced by partial-resync at offset ${Number(partial[1]) - 1} (master ${full[1]})`, errors: [], hits: 2 },
    ]);
  });

  test('a condition that cannot be evaluated does not stop and says why (no master before the first sync)', () => {
    const hits = runBreakpoint('partial-resync', 'CONNECTING', create({ condition: 'master.reploff > 0' }));
    assert.equal(hits.length, 2);
    assert.deepEqual(hits[0]!.decision, {
      kind: 'continue', reason: 'condition-error',
      error: "condition 'master.reploff > 0': '>' needs two numbers, two strings or two states, got null (master.reploff) and integer 0",
    });
    // On the reconnect the master is cached, not current: still null, still an error.
    assert.equal(hits[1]!.decision.kind, 'continue');
    const cached = runBreakpoint('partial-resync', 'CONNECTING', create({ condition: 'cached_master != null && cached_master.reploff > 0' }));
    assert.deepEqual(cached.map((h) => h.decision.kind), ['continue', 'stop']);
  });

  test('each part is validated when set; a message names the part and the problem', () => {
    assert.equal(refusal({ condition: 'repl_state = TRANSFER' }), "condition: unexpected '=' (use '==' to compare) at column 12");
    assert.equal(refusal({ condition: 'repl_transfer_reed > 0' }), "condition: unknown variable 'repl_transfer_reed' (did you mean 'repl_transfer_read'?) at column 1");
    assert.equal(refusal({ hitCondition: '>> 2' }), "hit count: invalid hit count '>> 2': expected a number N (stop on hit N), or ==, >, >=, <, <= or % followed by N (e.g. '>= 10', '% 5')");
    assert.equal(refusal({ logMessage: 'at {master.reploff' }), "log message: unterminated '{' at column 4 (write '{{' for a literal brace)");
    assert.equal(refusal({ logMessage: 'at {master.repoff}' }), "log message: in {master.repoff}: unknown variable 'master.repoff' (did you mean 'master.reploff'?) at column 1");
    // State names, transition fields and every ReplicaInfo field are known.
    create({ condition: "repl_state == TRANSFER && transition.cause == 'full-resync' && repl_backlog.histlen >= 0 && last_error.message != ''" });
    assert.ok(create({}).unconditional);
    assert.ok(create({ condition: '  ', hitCondition: '', logMessage: undefined }).unconditional, 'empty parts are absent');
  });

  test('equivalentTo compares the source texts, so a re-sent breakpoint keeps its object and its hit count', () => {
    const bp = create({ condition: 'true', hitCondition: '>= 3' });
    const scope = replicaScope(new SessionReplay(loadSession('auth-ok')).run().engine.info);
    bp.onHit(scope);
    bp.onHit(scope);
    assert.equal(bp.hits, 2);
    assert.ok(bp.equivalentTo({ condition: 'true', hitCondition: '>= 3' }));
    assert.ok(bp.equivalentTo(create({ condition: 'true', hitCondition: '>= 3', logMessage: '' })));
    assert.ok(!bp.equivalentTo({ condition: 'true', hitCondition: '>= 4' }));
    assert.ok(!bp.equivalentTo({ condition: 'true' }));
    assert.deepEqual(bp.onHit(scope), { kind: 'stop', hits: 3 }, 'the kept object counts on');
  });
});

describe('the replica scope', () => {
  test('every ReplicaInfo field and struct member is a known name', () => {
    for (const n of ['repl_state', 'masterhost', 'repl_transfer_read', 'master_repl_offset', 'master.reploff', 'master.read_reploff',
      'cached_master.replid', 'repl_backlog.histlen', 'last_error.message', 'stat_sync_full', 'transition.cause']) {
      assert.ok(REPLICA_NAMES.includes(n), n);
    }
  });

  test("after a real full sync the offsets read by name are the real replica's (disk-full-sync)", () => {
    const r = new SessionReplay(loadSession('disk-full-sync')).run();
    const scope = replicaScope(r.engine.info);
    const real = r.fixture.checkpoints.at(-1)!.replica;
    const read = (text: string): string => {
      const c = compile(text);
      assert.ok(c.ok);
      const v = evaluate(c.expr, scope);
      return v.ok ? formatValue(v.value) : v.message;
    };
    assert.equal(read('master.reploff'), real.slave_repl_offset);
    assert.equal(read('master_repl_offset'), real.master_repl_offset);
    assert.equal(read('master.replid'), real.master_replid);
    assert.equal(read('repl_state'), 'REPL_STATE_CONNECTED');
    assert.equal(read('repl_state == CONNECTED && master.reploff == master_repl_offset && cached_master == null'), 'true');
    assert.equal(read('master.read_replof'), "unknown variable 'master.read_replof' (did you mean 'master.read_reploff'?)");
    assert.equal(read('master.nope'), "unknown variable 'master.nope'");
    assert.match(read('master'), /^\{reploff: \d+, read_reploff: \d+, replid: '[0-9a-f]{40}', /);
  });
});
