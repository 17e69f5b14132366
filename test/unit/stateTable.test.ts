// The transition table is the one source for the engine, the docs and the
// debugger's state-machine document.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ReplicaCore } from '../../src/engine/core';
import { renderStateMachineDocument } from '../../src/engine/stateMachineDocument';
import { ALL_STATES, findTransition, IllegalTransitionError, isHandshakeState, ReplState, TRANSITIONS } from '../../src/engine/states';
import { defaultConfig } from '../../src/config/replicaConfig';

test('all 13 REPL_STATE values in Redis order, handshake states 3..10', () => {
  assert.equal(ALL_STATES.length, 13);
  assert.deepEqual(ALL_STATES, [...ALL_STATES].sort((a, b) => a - b));
  assert.deepEqual(ALL_STATES.filter(isHandshakeState), [3, 4, 5, 6, 7, 8, 9, 10]);
});

test('every state is reachable and every state but NONE can be left', () => {
  for (const s of ALL_STATES) {
    if (s !== ReplState.NONE) assert.ok(TRANSITIONS.some((t) => t.to === s), `nothing enters ${ReplState[s]}`);
    assert.ok(TRANSITIONS.some((t) => t.from === s), `nothing leaves ${ReplState[s]}`);
  }
});

test('an illegal transition fails loudly, naming the pair and the cause', () => {
  assert.equal(findTransition(ReplState.NONE, ReplState.CONNECTED), undefined);
  const core = new ReplicaCore(defaultConfig(), { clock: { now: () => 0 }, newReplid: () => 'a'.repeat(40) });
  assert.throws(() => core.transition(ReplState.CONNECTED, 'sync-finished', 'x', []),
    (err: unknown) => err instanceof IllegalTransitionError && /REPL_STATE_NONE -> REPL_STATE_CONNECTED \(cause sync-finished\)/.test(err.message));
  // A legal pair with a cause it does not allow is refused too.
  assert.throws(() => core.transition(ReplState.CONNECT, 'master-timeout', 'x', []), IllegalTransitionError);
  assert.equal(core.info.repl_state, ReplState.NONE);
});

test('the state-machine document has one line per transition, and docs/STATE_MACHINE.md is generated from it', () => {
  const doc = renderStateMachineDocument();
  assert.equal(doc.lines.size, TRANSITIONS.length);
  const lines = doc.text.split('\n');
  for (const [rule, line] of doc.lines) assert.match(lines[line - 1]!, new RegExp(`REPL_STATE_${ReplState[rule.from]} +-> REPL_STATE_${ReplState[rule.to]} `));
  const committed = fs.readFileSync(path.resolve(__dirname, '../../../docs/STATE_MACHINE.md'), 'utf8');
  assert.ok(committed.includes(doc.text), 'docs/STATE_MACHINE.md is out of date: run npm run docs');
});
