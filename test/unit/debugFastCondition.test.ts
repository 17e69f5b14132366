// The fast path of conditions (compiled to JS over plain values, expression.ts)
// must decide exactly as evaluate() does, or step aside (BAIL): checked on
// random expressions over replica scopes with nulls, structs, states, strings
// and integers past 2^53.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { BreakpointCondition } from '../../src/debug/breakpointCondition';
import { DataBreakpoints } from '../../src/debug/dataBreakpoints';
import { compile, evaluate } from '../../src/debug/expression';
import { BAIL, compileFastCondition } from '../../src/debug/expressionFast';
import { replicaScope, REPLICA_NAMES, type ReplicaScope } from '../../src/debug/replicaScope';
import { truthy } from '../../src/debug/values';
import { initialReplicaInfo, type ReplicaInfo } from '../../src/engine/replicaInfo';
import { ReplState } from '../../src/engine/states';
import type { TransitionRecord } from '../../src/engine/io';
import { transitionValues } from '../../src/debug/replicaScope';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = [
  'master_repl_offset', 'master.reploff', 'master.read_reploff', 'master.replid', 'master.multi', 'master.close_after_reply', 'master',
  'cached_master', 'cached_master.reploff', 'repl_state', 'masterhost', 'masterport', 'repl_transfer_size', 'repl_backlog.histlen',
  'last_error', 'stat_commands_applied', 'transition.from', 'transition.to', 'transition.cause', 'transition.seq', 'no_such_name',
  '0', '1', '-1', '45', '7', '1000000007', '9007199254740993', '18446744073709551616', '2.5', '0.0',
  "'abc'", "'connected'", "'TRANSFER'", "''", 'true', 'false', 'null', 'CONNECTED', 'NONE', 'TRANSFER', 'connect',
];
const BINARY = ['||', '&&', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%'];

function expression(rnd: () => number, depth: number): string {
  const r = rnd();
  if (depth === 0 || r < 0.3) return ATOMS[Math.floor(rnd() * ATOMS.length)]!;
  if (r < 0.4) return `${rnd() < 0.5 ? '!' : '-'}(${expression(rnd, depth - 1)})`;
  return `(${expression(rnd, depth - 1)} ${BINARY[Math.floor(rnd() * BINARY.length)]} ${expression(rnd, depth - 1)})`;
}

function infos(): ReplicaInfo[] {
  const connected = initialReplicaInfo('f'.repeat(40));
  Object.assign(connected, {
    repl_state: ReplState.CONNECTED, masterhost: '127.0.0.1', masterport: 6379, master_repl_offset: 1_000_045,
    stat_commands_applied: 7, repl_backlog: { offset: 1, histlen: 45 },
    master: { reploff: 1_000_045, read_reploff: 1_000_090, replid: 'a'.repeat(40), lastinteraction: 5, db: 0, multi: false, pre_psync: false, close_after_reply: null },
  });
  const huge = structuredClone(connected);
  huge.master_repl_offset = 2 ** 53 + 2;
  huge.master!.reploff = 2 ** 60;
  huge.master!.close_after_reply = 'Protocol error';
  huge.stat_commands_applied = 0;
  const lost = initialReplicaInfo('e'.repeat(40));
  Object.assign(lost, { repl_state: ReplState.CONNECT, masterhost: '10.0.0.1', masterport: 7000, repl_transfer_size: -1, last_error: { at: 3, message: 'x' } });
  return [connected, huge, lost, initialReplicaInfo('0'.repeat(40))];
}

const transition: TransitionRecord = {
  seq: 12, from: ReplState.TRANSFER, to: ReplState.CONNECTED, cause: 'transfer-done', message: 'MASTER <-> REPLICA sync: Finished with success',
  callPath: [], at: 0,
} as unknown as TransitionRecord;

describe('the fast path of conditions', () => {
  test('decides as evaluate() does, or bails, on 20,000 random expressions', () => {
    const rnd = random(20240611);
    const scopes: ReplicaScope[] = infos().flatMap((info) => [replicaScope(info), replicaScope(info, transitionValues(transition))]);
    let decided = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = expression(rnd, 3);
      const c = compile(text);
      assert.ok(c.ok, `${text}: ${c.ok ? '' : c.message}`);
      const fast = compileFastCondition(c.expr, scopes[0]!.fast);
      for (const scope of scopes) {
        const slow = evaluate(c.expr, scope);
        const f = fast(scope);
        if (f === BAIL) continue;
        assert.ok(slow.ok, `${text}: the fast path decided ${f}, evaluate() failed: ${slow.ok ? '' : slow.message}`);
        assert.equal(f, truthy(slow.value), text);
        decided++;
      }
    }
    assert.ok(decided > 20_000, `the fast path decided only ${decided} times`);
  });

  test('the conditions a data breakpoint typically has are decided without bailing', () => {
    const scope = replicaScope(infos()[0]!);
    for (const text of ['master_repl_offset < 0', 'master.reploff - master_repl_offset > 1000000000', 'repl_state != CONNECTED',
      'stat_commands_applied % 1000000007 == 1000000006', "masterhost == '127.0.0.1' && master != null", 'repl_state >= TRANSFER']) {
      const c = compile(text);
      assert.ok(c.ok);
      assert.notEqual(compileFastCondition(c.expr, scope.fast)(scope), BAIL, text);
    }
  });

  test('a breakpoint condition gives the same decisions and errors with and without the fast path', () => {
    const info = infos()[1]!;
    for (const condition of ['master_repl_offset > 9007199254740992', 'master.reploff == 1152921504606846976', 'master > 1', 'master.reploff / 0 == 1', '2.5 > master.db']) {
      const withFast = BreakpointCondition.create({ condition }, { knownNames: REPLICA_NAMES });
      const without = BreakpointCondition.create({ condition }, { knownNames: REPLICA_NAMES });
      assert.ok(withFast.ok && without.ok);
      const plain = { lookup: (n: string) => replicaScope(info).lookup(n), names: REPLICA_NAMES };
      assert.deepEqual(withFast.condition.onHit(replicaScope(info)), without.condition.onHit(plain), condition);
    }
  });
});

describe('data breakpoints at every step', () => {
  test('a condition compiled into the check stops, logs an error or goes on exactly as evaluate() says, on 5,000 random conditions', () => {
    const rnd = random(7);
    let stops = 0;
    for (let i = 0; i < 5_000; i++) {
      const condition = expression(rnd, 3);
      for (const info of infos()) {
        const data = new DataBreakpoints();
        const [status] = data.set([{ dataId: 'stat_sync_full', condition }]);
        if (!status!.verified) break; // an unknown name is refused when set
        const memory = new Map<string, unknown>();
        data.prime(replicaScope(info), memory);
        info.stat_sync_full++;
        const hit = data.check(replicaScope(info), memory);
        const c = compile(condition);
        assert.ok(c.ok);
        const slow = evaluate(c.expr, replicaScope(info));
        const expected = !slow.ok ? 'error' : truthy(slow.value) ? 'stop' : 'continue';
        const got = hit.errors.length > 0 ? 'error' : hit.stopIds.length > 0 ? 'stop' : 'continue';
        assert.equal(got, expected, condition);
        if (got === 'stop') stops++;
      }
    }
    assert.ok(stops > 500, `only ${stops} stops`);
  });

  test('each breakpoint on the same variable decides, and a stop says before → after', () => {
    const info = infos()[0]!;
    const data = new DataBreakpoints();
    const statuses = data.set([
      { dataId: 'master_repl_offset', condition: 'master_repl_offset > 2000000' },
      { dataId: 'master_repl_offset', condition: 'master_repl_offset > 1000100' },
      { dataId: 'repl_state' },
    ]);
    assert.deepEqual(statuses.map((s) => s.verified), [true, true, true]);
    const memory = new Map<string, unknown>();
    data.prime(replicaScope(info), memory);
    assert.deepEqual(data.check(replicaScope(info), memory).stopIds, [], 'nothing changed');
    info.master_repl_offset += 45;
    assert.deepEqual(data.check(replicaScope(info), memory).stopIds, [], 'changed, but neither condition holds');
    info.master_repl_offset += 100;
    const hit = data.check(replicaScope(info), memory);
    assert.deepEqual(hit.stopIds, [statuses[1]!.id]);
    assert.deepEqual(hit.changes, [{ dataId: 'master_repl_offset', before: '1000090', after: '1000190' }]);
    info.repl_state = ReplState.CONNECT;
    assert.deepEqual(data.check(replicaScope(info), memory).changes, [{ dataId: 'repl_state', before: 'REPL_STATE_CONNECTED', after: 'REPL_STATE_CONNECT' }]);
  });

  test('a struct is watched by its contents; a scope that is not a ReplicaScope is read through lookup()', () => {
    const info = infos()[0]!;
    const data = new DataBreakpoints();
    data.set([{ dataId: 'master' }]);
    const memory = new Map<string, unknown>();
    assert.deepEqual(data.check(replicaScope(info), memory).stopIds, [], 'the first sighting only records');
    info.master!.reploff += 45;
    const hit = data.check(replicaScope(info), memory);
    assert.equal(hit.stopIds.length, 1);
    assert.match(hit.changes[0]!.before, /^\{reploff: 1000045, /);
    assert.match(hit.changes[0]!.after, /^\{reploff: 1000090, /);
    const plain = { lookup: (n: string) => replicaScope(info).lookup(n) };
    const other = new Map<string, unknown>();
    data.prime(plain, other);
    info.master = null;
    assert.deepEqual(data.check(plain, other).changes.map((c) => c.after), ['null']);
  });
});
